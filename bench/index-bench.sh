#!/usr/bin/env bash
# index-bench.sh - how fast `lectern index` is on the real corpora.
#
#   bench/index-bench.sh            from the repository root; uses ./lectern
#
# Copies ../shared/corpora/tc39-notes and corpus/ to a temp dir, then RUNS
# times (default 3): index from scratch into a new index, re-run with nothing
# changed, reset every mtime (as a fresh checkout does) and re-run. Prints a
# markdown table of medians: files/s, MB/s, peak RSS, index size over corpus
# size, and the two re-run times. A benchmark, not a test: it checks nothing
# beyond each run exiting 0.
#
# Environment: LECTERN (default ./lectern), RUNS (default 3), TMPDIR.
set -euo pipefail
export LC_ALL=C

LECTERN=${LECTERN:-./lectern}
RUNS=${RUNS:-3}
TC_SRC=../shared/corpora/tc39-notes
CORPUS_SRC=corpus
TIME=/usr/bin/time

die() {
	echo "index-bench: $*" >&2
	exit 2
}
[[ -x $LECTERN ]] || die "no $LECTERN: run from the repository root after make"
[[ -d $TC_SRC && -d $CORPUS_SRC ]] || die "need $TC_SRC and $CORPUS_SRC (run from the repo root)"
[[ -x $TIME ]] || die "need GNU time at $TIME"
LECTERN=$(cd "$(dirname "$LECTERN")" && pwd)/$(basename "$LECTERN")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/index-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp -r "$TC_SRC" "$WORK/tc39"
cp -r "$CORPUS_SRC" "$WORK/corpus"
ROOTS=("$WORK/tc39" "$WORK/corpus")
FILES=$(find "${ROOTS[@]}" -type f ! -path '*/.*' | wc -l)
BYTES=$(find "${ROOTS[@]}" -type f ! -path '*/.*' -printf '%s\n' | awk '{ s += $1 } END { print s }')

# timed IDX ARGS...: run lectern index quietly; print "seconds peak_kB"
# (wall time from the clock in ns: time(1)'s %e has only 10 ms steps)
timed() {
	local idx=$1 out start end
	shift
	start=$(date +%s%N)
	out=$("$TIME" -f '%M' -o "$WORK/time" "$LECTERN" index -q --no-progress --index "$idx" "$@" 2>&1) ||
		die "lectern index failed: $out"
	end=$(date +%s%N)
	echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", (b - a) / 1e9 }') $(cat "$WORK/time")"
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

: >"$WORK/samples"
for run in $(seq "$RUNS"); do
	idx=$WORK/index-$run
	read -r full rss < <(timed "$idx" "${ROOTS[@]}")
	read -r same _ < <(timed "$idx")
	find "${ROOTS[@]}" -exec touch -d "2001-01-01 00:00:0$run" {} +
	read -r reset _ < <(timed "$idx")
	size=$(du -sb "$idx" | cut -f1)
	echo "$full $rss $same $reset $size" >>"$WORK/samples"
	echo "run $run: full ${full}s, peak RSS ${rss} kB, no-change ${same}s, mtime reset ${reset}s, index ${size} bytes" >&2
	rm -rf "$idx"
done

col() { # col N: the median of column N of the samples
	awk -v c="$1" '{ print $c }' "$WORK/samples" | median
}
FULL=$(col 1)
RSS=$(col 2)
SAME=$(col 3)
RESET=$(col 4)
SIZE=$(col 5)

echo
echo "lectern index: $FILES files, $(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB" \
	"(tc39-notes + corpus), median of $RUNS runs"
echo
echo "| metric | value |"
echo "|---|---|"
awk -v f="$FILES" -v b="$BYTES" -v t="$FULL" -v rss="$RSS" -v s="$SIZE" \
	-v same="$SAME" -v reset="$RESET" 'BEGIN {
	printf "| full index time | %.2f s |\n", t
	printf "| files/s | %.1f |\n", (t > 0 ? f / t : 0)
	printf "| MB/s | %.2f |\n", (t > 0 ? b / 1e6 / t : 0)
	printf "| peak RSS | %.1f MB |\n", rss / 1024
	printf "| index size / corpus size | %.2f (%.1f MB / %.1f MB) |\n", s / b, s / 1e6, b / 1e6
	printf "| re-run, nothing changed | %.3f s |\n", same
	printf "| re-run, every mtime reset (fresh checkout) | %.3f s |\n", reset
}'
