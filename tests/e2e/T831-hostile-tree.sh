#!/usr/bin/env bash
# T831-hostile-tree - a tree that is hostile by its shape rather than its
# content: names with newlines, tabs, spaces, a leading dash, invalid UTF-8,
# 255 bytes; symlink loops and long symlink chains; directories deeper than
# LEC_MAX_WALK_DEPTH and paths longer than PATH_MAX; FIFOs, character and
# block devices, a Unix socket, symlinks to /dev/zero (never block, never
# read forever); and files that vanish, change, or turn into directories
# while the walk goes on. Each run exits 0 (a hang is the runner's
# timeout), the odd names are found and printed faithfully in --json, and
# once the churn stops the index holds exactly what a clean index of the
# final tree holds.
# Normal mode: 4 s of churn. LECTERN_SLOW=1: 30 s.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3
t_need jq

if [[ ${LECTERN_SLOW:-0} == 1 ]]; then CHURN_SEC=30; else CHURN_SEC=4; fi
ROOT=$TEST_TMP/tree
mkdir -p "$ROOT"

# t_clean_exit DESC ALLOWED CMD...: CMD exits with one of ALLOWED (a regex),
# not by a signal
t_clean_exit() {
	t_exit "$2" "$1" "${@:3}"
}

# ---- odd names (each holds its own word) ----
LONG=$TEST_TMP/long
python3 - "$ROOT" "$LONG" <<'PY'
import os, sys
root = os.fsencode(sys.argv[1])
names = {
    b"new\nline.md": b"newlineword", b"tab\there.md": b"tabword", b"  spaces  .txt": b"spaceword",
    b"-rf.md": b"dashword", b"*.md": b"starnameword", b"back\\slash.md": b"backslashword",
    b"bad\xff\xfename.md": b"badnameword", b"cr\rname.md": b"crword", b"ctl\x01\x1bname.md": b"ctlword",
    "caf\u00e9-nfc.md".encode(): b"nfcword",
    "cafe\u0301-nfd.md".encode(): b"nfdword", b"quote\"s'.md": b"quoteword",
    b"colon:3:4.md": b"colonword",
}
for n, w in names.items():
    with open(os.path.join(root, n), "wb") as f:
        f.write(b"A note named oddly holds the " + w + b".\n")
# in a root of their own (see below): a 255-byte name, a deep directory
# chain (past LEC_MAX_WALK_DEPTH) and a path past PATH_MAX
root = os.fsencode(sys.argv[2])
os.makedirs(root)
open(os.path.join(root, b"n" * 251 + b".txt"), "wb").write(b"longnameword\n")
open(os.path.join(root, b"short.md"), "wb").write(b"shortpathword\n")
d = os.path.join(root, b"deep")
os.makedirs(d)
os.chdir(d)
for i in range(300):
    os.mkdir(b"d")
    os.chdir(b"d")
    if i == 10:
        open(b"shallow.md", "wb").write(b"shallowword\n")
open(b"bottom.md", "wb").write(b"bottomword\n")
os.chdir(os.path.join(root))
os.makedirs(b"long")
os.chdir(b"long")
for i in range(20):
    os.mkdir(b"L" * 250)
    os.chdir(b"L" * 250)
open(b"far.md", "wb").write(b"farword\n")
PY
printf 'the goodword of the tree\n' >"$ROOT/good.md"

# ---- links, loops, special files ----
mkdir -p "$ROOT/links" "$ROOT/special"
ln -s . "$ROOT/links/self"
ln -s .. "$ROOT/links/up"
ln -s "$ROOT" "$ROOT/links/root"
ln -s b.md "$ROOT/links/a.md" && ln -s a.md "$ROOT/links/b.md"
for i in $(seq 60 -1 1); do ln -sf "$ROOT/links/chain-$((i - 1)).md" "$ROOT/links/chain-$i.md"; done
printf 'the chainword at the end\n' >"$ROOT/links/chain-0.md"
mkfifo "$ROOT/special/fifo.md" "$ROOT/special/.lecternignore"
ln -s /dev/zero "$ROOT/special/zero-link.md"
ln -s /dev/urandom "$ROOT/special/random-link.txt"
ln -s /dev/stdin "$ROOT/special/stdin.md"
ln -s /proc/self/fd/0 "$ROOT/special/fd0.md"
ln -s /proc/kmsg "$ROOT/special/kmsg.md" 2>/dev/null
DEVICES=0
if mknod "$ROOT/special/null.md" c 1 3 2>/dev/null &&
	mknod "$ROOT/special/zero.md" c 1 5 2>/dev/null &&
	mknod "$ROOT/special/loop.md" b 7 0 2>/dev/null; then
	DEVICES=1
else
	echo "# mknod not permitted: device nodes only through symlinks"
fi
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$ROOT/special/sock.md"
printf 'next to the special files: specialword\n' >"$ROOT/special/ok.md"
# a FIFO with a writer that never closes it
mkfifo "$ROOT/special/held.md"
sleep 600 >"$ROOT/special/held.md" &
HOLDER=$!

start=$(date +%s%N)
t_clean_exit "indexing the hostile tree exits 0" 0 "$LECTERN" index --json "$ROOT"
took=$((($(date +%s%N) - start) / 1000000))
echo "# the hostile tree: indexed in ${took} ms, $(jq -r '.warnings' <<<"$T_OUT") warnings"
WARNED=$(jq -r '.warning_list[]? | "\(.path): \(.message // .reason // "")"' <<<"$T_OUT")
kill "$HOLDER" 2>/dev/null
# warned PATH-REGEX: a warning names it
# shellcheck disable=SC2317 # called through t_true
warned() { grep -qE "^$ROOT/$1" <<<"$WARNED" || { echo "warnings: $WARNED"; return 1; }; }
for special in fifo.md zero-link.md random-link.txt null.md zero.md loop.md sock.md held.md; do
	[[ -e $ROOT/special/$special || -L $ROOT/special/$special ]] || continue
	t_exit 1 "special file $special is not a note" "$LECTERN" find --no-daemon --all -l "path:$special"
done
t_true "a symlink loop a.md <-> b.md is a warning" warned 'links/(a|b)\.md'
for special in fifo.md zero-link.md null.md sock.md held.md; do
	[[ -e $ROOT/special/$special || -L $ROOT/special/$special ]] || continue
	t_true "special file $special is a warning" warned "special/$special"
done
t_ok "the good note is found" "$LECTERN" find --no-daemon -l goodword
t_eq "... once (no loop walked twice)" 1 "$(grep -c . <<<"$T_OUT")"
t_ok "the note beside the special files is found" "$LECTERN" find --no-daemon -l specialword
t_clean_exit "the end of a 60-link symlink chain: found, or skipped" '0|1' \
	"$LECTERN" find --no-daemon -l chainword

# every odd name: found, and its path printed exactly in --json
check_name() { # check_name WORD NAME-AS-PRINTF-FORMAT
	local want got
	# shellcheck disable=SC2059 # the name is a printf format on purpose
	want=$(printf "$ROOT/$2")
	t_ok "odd name $(printf %q "$want"): found" "$LECTERN" find --no-daemon --json "$1"
	got=$(jq -c 'select(.path) | .path' <<<"$T_OUT" | head -1)
	t_eq "... its --json path is the name" "$(jq -cn --arg p "$want" '$p')" "$got"
}
check_name newlineword 'new\nline.md'
check_name tabword 'tab\there.md'
check_name spaceword '  spaces  .txt'
check_name dashword '-rf.md'
check_name starnameword '*.md'
check_name backslashword 'back\\slash.md'
check_name crword 'cr\rname.md'
check_name ctlword 'ctl\001\033name.md'
check_name quoteword "quote\"s'.md"
check_name colonword 'colon:3:4.md'
check_name nfcword 'caf\303\251-nfc.md'
check_name nfdword 'cafe\314\201-nfd.md'
t_ok "a name with invalid UTF-8: found" "$LECTERN" find --no-daemon --json badnameword
t_eq "... its --json is valid JSON" "" "$(jq -e . <<<"$T_OUT" >/dev/null 2>&1 || echo invalid)"
t_ok "... text output works" "$LECTERN" find --no-daemon badnameword
t_ok "... vimgrep output works" "$LECTERN" find --no-daemon --format vimgrep badnameword
t_clean_exit "a re-run over the hostile tree exits 0" 0 "$LECTERN" index --json
t_match "... and changes nothing" '"added":0,"updated":0,"removed":0' "$(tr -d ' ' <<<"$T_OUT")"

# ---- long paths: a 255-byte name, 300 directories deep, past PATH_MAX ----
# (a root of their own, so that a failure here does not hide the rest)
LI=$TEST_TMP/long-index
t_clean_exit "long paths: indexing exits 0" 0 "$LECTERN" index --index "$LI" "$LONG"
echo "# long paths: $(grep -c warning <<<"$T_ERR") warnings: $(grep -m2 warning <<<"$T_ERR" | cut -c1-160 | tr '\n' ' ')"
t_ok "long paths: a short note beside them is found" "$LECTERN" find --no-daemon --index "$LI" -l shortpathword
t_ok "long paths: a 255-byte name (a $((${#LONG} + 256))-byte path) is found" \
	"$LECTERN" find --no-daemon --index "$LI" -l longnameword
t_ok "long paths: a note 11 directories deep is found" "$LECTERN" find --no-daemon --index "$LI" -l shallowword
t_clean_exit "long paths: a note 300 directories deep: found, or skipped" '0|1' \
	"$LECTERN" find --no-daemon --index "$LI" -l bottomword
t_clean_exit "long paths: a note past PATH_MAX: found, or skipped" '0|1' \
	"$LECTERN" find --no-daemon --index "$LI" -l farword

# ---- files that vanish, change, or turn into directories during the walk ----
CH=$TEST_TMP/churn
mkdir -p "$CH/static"
cp -r "$SHARED/corpora/tc39-notes/meetings/2016-"* "$CH/static/" 2>/dev/null ||
	cp -r "$REPO/corpus/." "$CH/static/"
python3 - "$CH" "$CHURN_SEC" >"$TEST_TMP/churn.out" 2>&1 <<'PY' &
import os, sys, time, random, shutil
root, secs = sys.argv[1], float(sys.argv[2])
random.seed(11)
d = os.path.join(root, "live")
os.makedirs(d, exist_ok=True)
end = time.time() + secs
ops = 0
while time.time() < end:
    n = os.path.join(d, "f%d.md" % random.randrange(200))
    sub = os.path.join(d, "sub%d" % random.randrange(10))
    op = random.randrange(7)
    try:
        if op == 0:
            open(n, "w").write("# churn\n\nchurnword %d\n" % ops * random.randrange(1, 200))
        elif op == 1 and os.path.isfile(n):
            os.unlink(n)
        elif op == 2 and os.path.isfile(n):
            open(n, "r+").truncate(random.randrange(20))
        elif op == 3 and os.path.isfile(n):
            os.rename(n, n + ".tmp.md")
        elif op == 4:
            if os.path.isdir(sub):
                shutil.rmtree(sub)
            else:
                if os.path.exists(sub): os.unlink(sub)
                os.makedirs(sub)
                for i in range(20):
                    open(os.path.join(sub, "n%d.md" % i), "w").write("churnword in sub %d\n" % i)
        elif op == 5:
            if os.path.isdir(sub): shutil.rmtree(sub)
            elif os.path.exists(sub): os.unlink(sub)
            open(sub, "w").write("now a file: churnword\n")
        elif op == 6 and os.path.isfile(n):
            os.unlink(n); os.mkdir(n)
            open(os.path.join(n, "inner.md"), "w").write("churnword inner\n")
        elif os.path.isdir(n):
            shutil.rmtree(n)
        ops += 1
    except OSError:
        pass
print(ops)
PY
CHURN=$!
runs=0 bad=0
export LECTERN_INDEX=$TEST_TMP/churn-index
while kill -0 "$CHURN" 2>/dev/null; do
	runs=$((runs + 1))
	t_ok "churn: index run $runs exits 0" "$LECTERN" index -q "$CH" ||
		bad=$((bad + 1))
	t_exit '0|1' "churn: find after run $runs answers" "$LECTERN" find --no-daemon --all -c churnword ||
		bad=$((bad + 1))
done
wait "$CHURN"
echo "# churn: $(cat "$TEST_TMP/churn.out") changes in ${CHURN_SEC} s, $runs index runs during it"
t_eq "churn: every run during the churn exited 0 and find answered ($runs runs)" 0 "$bad"
t_ok "churn: the run after it exits 0" "$LECTERN" index -q "$CH"
"$LECTERN" index -q --index "$TEST_TMP/clean" "$CH" 2>/dev/null
for w in churnword bikeshed the; do
	"$LECTERN" find --no-daemon --all --format vimgrep "$w" | sort >"$TEST_TMP/got"
	"$LECTERN" find --no-daemon --index "$TEST_TMP/clean" --all --format vimgrep "$w" | sort >"$TEST_TMP/want"
	t_same "churn: '$w' gives exactly the clean index's hits ($(grep -c . "$TEST_TMP/want"))" \
		"$TEST_TMP/want" "$TEST_TMP/got"
done
t_done
