#!/usr/bin/env bash
# T139-index-progress-tty - on a terminal, `lectern index` redraws its
# progress bar on a clock, not only between files: through a 55 MB note the
# bar keeps coming back with a growing elapsed time, the file's name and an
# ETA (a number once some bytes are done); then it is erased before the
# summary. Never on a pipe, nor with -q, --json or --no-progress. Nothing
# here times anything: the run is long (a 55 MB note) and the checks count
# what was drawn.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

N=$TEST_TMP/notes
mkdir -p "$N/a" "$N/b"
cd "$TEST_TMP" || exit 1

# a/: three 2 MB notes, indexed first (-j 1, directories in order), so that
# bytes are done and the ETA is a number while b/huge.txt is indexed (plain
# text: a markdown note this large has more marks than one may, and would be
# read as plain text with a warning)
python3 - "$N" <<'EOF'
import random, sys
root = sys.argv[1]
rng = random.Random(139)
words = ("meeting proposal module consensus iterator async temporal record "
         "tuple decorator realm shadow champion stage review editor").split()
def para():
    return " ".join(rng.choice(words) for _ in range(14)) + ".\n\n"
def note(path, size):
    out, n, i = [], 0, 0
    while n < size:
        s = "## Part %d\n\n" % i if i % 30 == 0 else para()
        out.append(s)
        n += len(s)
        i += 1
    open(path, "w").write("".join(out))
for k in range(3):
    note("%s/a/small-%d.md" % (root, k), 2_000_000)
note(root + "/b/huge.txt", 55_000_000)
EOF
t_eq "the long note is 55 MB" "55" "$(($(stat -c %s "$N/b/huge.txt") / 1000000))"

# shellcheck disable=SC2317 # called through t_ok
# on_tty OUT CMD...: run CMD with stdin, stdout and stderr on a new
# pseudo-terminal (120 columns), all it writes into OUT; exits as CMD does
on_tty() {
	python3 - "$@" <<'EOF'
import fcntl, os, pty, struct, subprocess, sys, termios
out = open(sys.argv[1], "wb")
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
p = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=slave, stderr=slave, close_fds=True)
os.close(slave)
while True:
    try:
        data = os.read(master, 65536)
    except OSError:  # EIO: the other side is closed
        break
    if not data:
        break
    out.write(data)
sys.exit(p.wait())
EOF
}

# frames OUT: each redraw of the bar ("\r", erase, the line), one a line
# (not the summary, printed after the bar is erased)
frames() {
	tr '\r' '\n' <"$1" | sed -n 's/^\x1b\[K\(.\)/\1/p' | grep -v ' notes: '
}

t_ok "index on a terminal" on_tty "$TEST_TMP/tty.out" "$LECTERN" index -j 1 "$N"
frames "$TEST_TMP/tty.out" >"$TEST_TMP/frames"
BARS=$(grep -c 'files  .* MB/s  ETA ' "$TEST_TMP/frames")
echo "# $BARS redraws of the bar: $(grep -c . "$TEST_TMP/frames") frames in all"
t_match "the bar is drawn more than once" "^([2-9]|[1-9][0-9]+)$" "$BARS"
t_eq "every bar has an ETA" "$BARS" "$(grep -cE 'ETA ([0-9]+s|--)  ' "$TEST_TMP/frames")"
HUGE=$(grep -c 'b/huge\.txt (55\.0 MB)$' "$TEST_TMP/frames")
t_match "through the 55 MB note, the bar keeps being redrawn naming it" "^([2-9]|[1-9][0-9]+)$" "$HUGE"
t_ok "... with an ETA in seconds (bytes of the notes before it are done)" \
	grep -qE '6\.0/61\.0 MB .* ETA [0-9]+s .*b/huge\.txt' "$TEST_TMP/frames"
# the elapsed field: the "N.Ns" after the ETA (or alone, before the bar)
sed -n 's/.*  \([0-9][0-9]*\.[0-9]\)s\(  .*\)\{0,1\}$/\1/p' "$TEST_TMP/frames" >"$TEST_TMP/elapsed"
t_eq "every frame has an elapsed time" "$(grep -c . "$TEST_TMP/frames")" "$(grep -c . "$TEST_TMP/elapsed")"
t_ok "... which never goes back" sort -n -c "$TEST_TMP/elapsed"
t_match "... and grows through the 55 MB note" "^([2-9]|[1-9][0-9]+)$" \
	"$(grep 'b/huge\.txt' "$TEST_TMP/frames" | sed 's/.*  \([0-9.]*\)s  b\/huge.*/\1/' | sort -u | wc -l)"
LAST=$(tr '\r' '\n' <"$TEST_TMP/tty.out" | grep -v '^$' | tail -1)
t_match "the bar is erased, then the summary" \
	$'^\x1b\\[K4 notes: 4 added, .* 0 warnings; ' "$LAST"

# not on a pipe, nor when asked not to: a short run is enough, as the bar
# is drawn as soon as the run starts
S=$TEST_TMP/small-index
t_ok "a short run on a terminal" on_tty "$TEST_TMP/short.out" "$LECTERN" index --index "$S" "$N/a"
t_match "... draws the bar" $'\r\x1b\\[K' "$(cat "$TEST_TMP/short.out")"
t_ok "index on a pipe" "$LECTERN" index --rebuild --index "$S"
t_eq "... no bar: no carriage return, no escape" "0 0" \
	"$(tr -cd '\r' <<<"$T_ERR" | wc -c) $(tr -cd '\033' <<<"$T_ERR" | wc -c)"
t_ok "on a terminal with --no-progress" on_tty "$TEST_TMP/np.out" "$LECTERN" index --rebuild --no-progress --index "$S"
t_eq "... no bar" "0" "$(tr -cd '\033' <"$TEST_TMP/np.out" | wc -c)"
t_ok "on a terminal with -q" on_tty "$TEST_TMP/q.out" "$LECTERN" index --rebuild -q --index "$S"
t_eq "... nothing at all" "" "$(cat "$TEST_TMP/q.out")"
t_ok "on a terminal with --json" on_tty "$TEST_TMP/json.out" "$LECTERN" index --rebuild --json --index "$S"
t_eq "... no bar" "0" "$(tr -cd '\033' <"$TEST_TMP/json.out" | wc -c)"

t_done
