#!/usr/bin/env bash
# T832-hostile-many-files - a huge number of tiny notes in one directory.
# Indexing them exits 0 in bounded memory (the
# writer's peak RSS is reported and must stay under 1 GB), every note is
# counted and a note in the middle is found; a second run changes nothing
# and reads nothing (--stats); removing half of them removes exactly that
# half.
# Normal mode: 20 000 files. LECTERN_SLOW=1: 1 000 000 files.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3
t_need jq
[[ -x /usr/bin/time ]] || t_skip "GNU time (/usr/bin/time) is not installed"

if [[ ${LECTERN_SLOW:-0} == 1 ]]; then N=1000000; else N=20000; fi
DIR=$TEST_TMP/many
mkdir -p "$DIR"
python3 - "$DIR" "$N" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(d, "n%07d.txt" % i), "w") as f:
        f.write("tiny note %d word%d\n" % (i, i))
PY
now_ms() { echo $(($(date +%s%N) / 1000000)); }

start=$(now_ms)
t_ok "indexing $N tiny files in one directory exits 0" \
	/usr/bin/time -f 'maxrss_kb=%M' -o "$TEST_TMP/time" "$LECTERN" index --json "$DIR"
took=$(($(now_ms) - start))
rss=$(sed -n 's/^maxrss_kb=//p' "$TEST_TMP/time")
echo "# $N files indexed in ${took} ms, peak RSS ${rss} kB"
t_eq "... all of them added" "$N" "$(jq -r .added <<<"$T_OUT")"
t_true "... peak RSS under 1 GB (${rss} kB)" test "${rss:-0}" -gt 0 -a "${rss:-0}" -lt 1048576
t_ok "status counts them" "$LECTERN" status --json
t_eq "... $N notes" "$N" "$(jq -r .notes <<<"$T_OUT")"
mid=$((N / 2))
t_ok "a note in the middle is found" "$LECTERN" find --no-daemon --format vimgrep "word$mid"
t_eq "... at its place" "$DIR/$(printf 'n%07d.txt' "$mid"):1:$((12 + ${#mid}))" \
	"$(cut -d: -f1-3 <<<"$T_OUT")"
t_ok "a query matching every note counts them" "$LECTERN" find --no-daemon --count tiny
t_eq "... $N" "$N" "$T_OUT"
t_ok "--files --limit 5 over all of them" "$LECTERN" find --no-daemon -l --limit 5 tiny
t_eq "... 5 files" 5 "$(grep -c . <<<"$T_OUT")"

start=$(now_ms)
t_ok "a second run exits 0" "$LECTERN" index --json --stats
took2=$(($(now_ms) - start))
t_eq "... and changes nothing" "0 0 0 $N" \
	"$(jq -r '"\(.added) \(.updated) \(.removed) \(.unchanged)"' <<<"$T_OUT")"
t_match "... reading no file, writing and committing nothing" \
	'^lectern: stats: files read 0, bytes read 0, documents written 0, documents deleted 0, commits 0$' "$T_ERR"
echo "# the second run: ${took2} ms"

find "$DIR" -name 'n*[13579].txt' -delete
t_ok "after removing the odd half, a run exits 0" "$LECTERN" index --json --stats
t_eq "... and removes exactly that half" "0 0 $((N / 2)) $((N / 2))" \
	"$(jq -r '"\(.added) \(.updated) \(.removed) \(.unchanged)"' <<<"$T_OUT")"
t_contains "... deleting their documents, reading no file" "files read 0, bytes read 0, documents written 0, documents deleted $((N / 2))," "$T_ERR"
t_exit 1 "... an odd note is gone" "$LECTERN" find --no-daemon "word$((mid + 1))"
t_ok "... an even note is still found" "$LECTERN" find --no-daemon "word$((mid + 2 - mid % 2))"
t_done
