#!/usr/bin/env bash
# T170-index-huge-note - a huge note makes no search huge (issue 13.3): a
# 50 MB markdown note that is one paragraph (no blank line, no line break)
# is indexed under 300 MiB of peak RSS, cut into passages of at most
# LEC_MAX_PASSAGE_BYTES; finds over it, here and through a daemon, stay
# under 300 MiB, and their places are right (the column of a word 40 MB
# into its line). Peak RSS is /usr/bin/time's %M, a measure of memory.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3
t_need /usr/bin/time
# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"

mkdir -p "$NOTES"
# 50 MB of words with one "needle" every ~1 MB, on one line; the same
# every run
python3 - "$NOTES/huge.md" <<'PY'
import random, sys
rnd = random.Random(7)
vocab = ["w%04d" % i for i in range(5000)] + ["the", "committee", "consensus", "stage"] * 200
out, n, k = [], 0, 0
while n < 50 * 1000 * 1000:
    w = "needle" if n // 1000000 > k else rnd.choice(vocab)
    k += w == "needle"
    out.append(w)
    n += len(w) + 1
with open(sys.argv[1], "w") as f:
    f.write(" ".join(out) + "\n")
print(k, file=sys.stderr)
PY
ASAN=0
ldd "$LECTERN" 2>/dev/null | grep -q libasan && ASAN=1
LIMIT_KB=307200   # 300 MiB
# under_limit DESC KB: a check of a peak RSS (not under ASan, whose shadow
# memory and quarantine are not the program's)
under_limit() {
	if [[ $ASAN -eq 1 ]]; then
		echo "# $1: ${2} kB (not checked under ASan)"
	elif [[ $2 -lt $LIMIT_KB ]]; then
		_t_pass "$1 under 300 MiB (${2} kB)"
	else
		_t_bad "$1 under 300 MiB" "${2} kB"
	fi
}
peak() { tail -1 "$TEST_TMP/rss"; }

/usr/bin/time -f %M -o "$TEST_TMP/rss" "$LECTERN" index "$NOTES" >"$TEST_TMP/index.out" 2>&1
t_eq "a 50 MB one-paragraph note is indexed" 0 $?
under_limit "indexing it peaks" "$(peak)"
t_contains "... without skipping it" "1 added" "$(cat "$TEST_TMP/index.out")"
passages=$(grep -o '[0-9]* passages' "$TEST_TMP/index.out" | cut -d' ' -f1)
# 50 MB in pieces of at most 32 KiB, each more than half of that
t_match "... in passages of at most LEC_MAX_PASSAGE_BYTES (${passages:-?})" \
	'^(1[5-9][0-9][0-9]|2[0-9][0-9][0-9]|30[0-9][0-9])$' "${passages:-0}"

/usr/bin/time -f %M -o "$TEST_TMP/rss" "$LECTERN" find --no-daemon consensus >"$TEST_TMP/find.out"
t_eq "find over it answers" 0 $?
under_limit "find over it peaks" "$(peak)"
/usr/bin/time -f %M -o "$TEST_TMP/rss" "$LECTERN" find --no-daemon --all --format vimgrep \
	needle >"$TEST_TMP/vg.out"
t_eq "find --all --format vimgrep needle answers" 0 $?
under_limit "... and peaks" "$(peak)"
# every place points at the word: line 1, the column of its byte
out=$(python3 - "$NOTES/huge.md" "$TEST_TMP/vg.out" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
want = data.count(b"needle")
bad = seen = 0
for l in open(sys.argv[2], "rb"):
    path, line, col, text = l.split(b":", 3)
    seen += 1
    c = int(col) - 1
    if line != b"1" or data[c:c + 6] != b"needle":
        bad += 1
print(seen == want, bad, max(int(l.split(b":")[2]) for l in open(sys.argv[2], "rb")) > 40000000)
PY
)
t_eq "... every needle, at its line and column, one of them 40 MB into the line" "True 0 True" "$out"
/usr/bin/time -f %M -o "$TEST_TMP/rss" "$LECTERN" find --no-daemon --all -C 3 --json needle \
	>"$TEST_TMP/ctx.out"
under_limit "find --all -C 3 over it peaks" "$(peak)"
t_eq "... each hit's context is one line cut at LEC_MAX_LINE_BYTES" 4096 \
	"$(python3 -c '
import json, sys
print(max(len(l.encode()) for x in open(sys.argv[1]) for l in json.loads(x).get("context", [])))' \
		"$TEST_TMP/ctx.out")"

start_serve "$TEST_TMP/serve.log" || { _t_bad "serve starts"; t_done; }
"$LECTERN" find --all --format vimgrep needle >"$TEST_TMP/vg.daemon"
t_ok "through a daemon, the same places" cmp -s "$TEST_TMP/vg.out" "$TEST_TMP/vg.daemon"
"$LECTERN" find -n 50 -C 2 consensus >/dev/null
under_limit "the daemon peaks" "$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVE_PID/status")"
stop_serve
t_done
