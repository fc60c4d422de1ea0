#!/usr/bin/env bash
# T285-find-no-snippets - results ask only for what they print: `find -l`,
# `find -c`, `find -q` and `find --json --no-snippets` read no note file
# (counted with strace: every open(2) of the process) while the notes are as
# the index saw them, and give the same files, scores and headings as a
# full answer; a full answer reads each small note once, however many hits
# it has; a note changed since it was indexed is read again, so that a
# hit that is no longer true is marked stale, a deleted one missing.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq
t_need strace

cd "$TEST_TMP" || exit 1
mkdir notes
cp "$REPO"/corpus/* notes/
t_ok "index the corpus" "$LECTERN" index --no-progress notes

# notes_opened ARGS...: run `lectern find --no-daemon ARGS` under strace;
# prints how many times it opened a file under notes/ (its output in
# $TEST_TMP/out, its exit code in $TEST_TMP/rc)
# (LeakSanitizer cannot run under ptrace: an ASan build checks no leaks here)
notes_opened() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -e trace=open,openat -o "$TEST_TMP/trace" \
		"$LECTERN" find --no-daemon "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	echo $? >"$TEST_TMP/rc"
	grep -c "\"$TEST_TMP/notes/" "$TEST_TMP/trace"
}

# the counter can count: a full answer reads its notes
t_true "a full answer opens its notes (the count works)" \
	test "$(notes_opened --all --format vimgrep cloud)" -gt 0
# a small note is read once for all its hits (LEC_WHOLE_NOTE_BYTES), not once a hit
t_true "vimgrep --all has several hits in a note" \
	test "$(cut -d: -f1 "$TEST_TMP/out" | sort | uniq -c | sort -rn | awk 'NR == 1 { print $1 }')" -gt 1
t_eq "... and opens each note once" "" \
	"$(grep -o "\"$TEST_TMP/notes/[^\"]*\"" "$TEST_TMP/trace" | sort | uniq -d)"
# a note larger than that is read whole by its first hit at most: its
# other hits read the windows around their passages, not its first MiB
# again (the bytes read from it, counted with strace)
{
	for i in 1 2 3 4 5 6; do
		printf '# Part %d\n\nThe zebrafish study, round %d.\n\n' "$i" "$i"
		yes 'Filler prose about the agenda and the minutes of the meeting.' | head -n 600
		printf '\n'
	done
	yes 'More filler prose after the parts, to make the note large enough.' | head -n 24000
} >notes/large.md
t_true "the large note is over 1 MiB" test "$(stat -c %s notes/large.md)" -gt $((3 << 19))
t_ok "index it" "$LECTERN" index --no-progress notes
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	strace -f -qq -y -e trace=read,pread64 -o "$TEST_TMP/trace" \
	"$LECTERN" find --no-daemon --all --format vimgrep zebrafish >"$TEST_TMP/out"
t_eq "its six hits are found" 6 "$(grep -c 'large.md:' "$TEST_TMP/out")"
read_bytes=$(grep "<$TEST_TMP/notes/large.md>" "$TEST_TMP/trace" |
	sed -n 's/.*= \([0-9][0-9]*\)$/\1/p' | awk '{ n += $1 } END { print n + 0 }')
t_true "... reading it less than twice over 1 MiB ($read_bytes bytes), not 1 MiB a hit" \
	test "$read_bytes" -gt 0 -a "$read_bytes" -lt $((2 << 20))
# a page of a few hits reads the windows around their passages, not their
# notes whole: they are read whole only for many hits (--all, vimgrep, a
# page over 100)
head -c $((600 << 10)) notes/large.md >notes/medium.md
t_ok "index a note of 600 KiB" "$LECTERN" index --no-progress notes
bytes_read() { # PATTERN ARGS...: bytes `find --no-daemon ARGS` read from notes/PATTERN
	local pat=$1
	shift
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -y -e trace=read,pread64 -o "$TEST_TMP/trace" \
		"$LECTERN" find --no-daemon "$@" >"$TEST_TMP/out"
	grep "<$TEST_TMP/notes/$pat>" "$TEST_TMP/trace" |
		sed -n 's/.*= \([0-9][0-9]*\)$/\1/p' | awk '{ n += $1 } END { print n + 0 }'
}
n=$(bytes_read medium.md --limit 1 'path:medium zebrafish')
t_true "--limit 1 reads a window of the note ($n bytes), not its 600 KiB" \
	test "$n" -gt 0 -a "$n" -lt $((100 << 10))
n=$(bytes_read medium.md --all --format vimgrep 'path:medium zebrafish')
t_true "--all --format vimgrep reads it whole, once ($n bytes)" \
	test "$n" -ge $((600 << 10)) -a "$n" -lt $((1200 << 10))
rm notes/large.md notes/medium.md
t_ok "index without them" "$LECTERN" index --no-progress notes
t_eq "--files opens no note" 0 "$(notes_opened --files --all cloud)"
t_eq "... exit 0" 0 "$(cat "$TEST_TMP/rc")"
sort "$TEST_TMP/out" >files.out
"$LECTERN" find --no-daemon --all --json cloud | jq -r 'select(.type == "match") | .shown_path' |
	sort -u >files.full
t_same "... the same files as the full answer's" files.full files.out
t_eq "--count opens no note" 0 "$(notes_opened --count cloud)"
t_eq "--quiet opens no note" 0 "$(notes_opened -q cloud)"
t_eq "... exit 0" 0 "$(cat "$TEST_TMP/rc")"
t_eq "--json --no-snippets opens no note" 0 "$(notes_opened --json --no-snippets --all cloud)"
cp "$TEST_TMP/out" nosnip.json
"$LECTERN" find --no-daemon --json --all cloud >full.json
pick='select(.type == "match") | [.path, .score, (.headings | join(">"))] | @tsv'
t_same "... the same hits (paths, scores, headings) as the full answer" \
	<(jq -r "$pick" full.json) <(jq -r "$pick" nosnip.json)
t_eq "... no snippet, no highlight" "null []" \
	"$(jq -r 'select(.type == "match") | "\(.snippet) \(.highlights)"' nosnip.json | sort -u)"
t_eq "... at column 1 of each passage's first line, never after the match" "" \
	"$(jq -r -n --slurpfile a full.json --slurpfile b nosnip.json '
		[$a[] | select(.type == "match")] as $x | [$b[] | select(.type == "match")] as $y |
		range($x | length) | select($y[.].col != 1 or $y[.].line > $x[.].line) | $y[.].path')"
t_exit 2 "--no-snippets without --json is an error" "$LECTERN" find --no-snippets cloud
t_contains "... that says so" "--no-snippets goes with --json" "$T_ERR"

# a note changed since it was indexed is read again, and its hit marked
# stale as in a full answer
CATTLE=notes/2015-reinvent-partner-keynote-cattle-not-pets.txt
t_eq "the cattle note's hit for 'cattle' is fresh" false \
	"$("$LECTERN" find --no-daemon --json --no-snippets cattle | jq -r 'select(.type == "match") | .stale')"
sed -i 's/cattle/sheep/g; s/Cattle/Sheep/g' "$CATTLE"
t_true "after 'cattle' was edited out of it (not indexed again), --no-snippets reads it" \
	test "$(notes_opened --json --no-snippets cattle)" -gt 0
t_eq "... and marks its hit stale" true \
	"$(jq -r 'select(.type == "match") | .stale' "$TEST_TMP/out")"
GONE=notes/2019-reinvent-vogels-keynote.txt
rm "$GONE"
t_exit '0|1' "a deleted note" "$LECTERN" find --no-daemon --json --no-snippets Vogels
t_eq "... is marked missing" true \
	"$(jq -r --arg p "$GONE" 'select(.type == "match" and .shown_path == $p) | .missing' <<<"$T_OUT" | sort -u)"
t_done
