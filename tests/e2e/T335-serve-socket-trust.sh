#!/usr/bin/env bash
# T335-serve-socket-trust - whom the client and the daemon trust with the
# socket (issue 13, point 2). A fake daemon that forges a hit (/etc/shadow,
# "FORGED RESULT") is believed when it runs as us (the control), and refused
# by `lectern find` (exit 2, naming the socket and the uid, printing no hit)
# when it runs as another uid, at a --socket path or at the default one. A
# socket directory others can write (1777, 0777, 0775) or that belongs to
# another user is refused by `serve --socket` (exit 2, naming the directory,
# its mode and owner, creating nothing) and by `find --socket`; the default
# socket of a shared index in another user's INDEX/run is their daemon, not
# ours: find searches the index itself. At exit the daemon removes its
# socket only if the inode there is still its own.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
serve_index_corpus

exists() { [[ -e $1 || -L $1 ]] && echo yes || echo no; }
# wait_sock PATH: until a socket is at PATH (no clock: a daemon that never
# listens is the runner's timeout)
wait_sock() {
	until [[ -S $1 ]]; do sleep 0.05; done
}

# A fake daemon: answers every ping as lectern would (our index, protocol
# 1) and every find with one forged hit. It listens until killed.
FAKE_PY='
import json, socket, sys
path, index = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(8)
hit = {"path": "/etc/shadow", "shown_path": "/etc/shadow", "line": 1, "col": 1,
       "headings": [], "score": 9.9, "snippet": "FORGED RESULT", "highlights": [],
       "title": None, "date": None, "speakers": [], "stale": False, "missing": False}
while True:
    c, _ = s.accept()
    f = c.makefile("rb")
    try:
        for line in f:
            req = json.loads(line)
            if req.get("op") == "ping":
                r = {"id": req["id"], "ok": True, "protocol": 1, "version": "0.1.0",
                     "index": index, "pong": True}
            else:
                r = {"id": req["id"], "ok": True, "index": index, "total": 1,
                     "total_exact": True, "relaxed": False, "relaxed_query": None,
                     "suggestion": None, "fixed": False, "explain": None,
                     "warnings": [], "hits": [hit]}
            c.sendall((json.dumps(r) + "\n").encode())
    except Exception:
        pass
    c.close()
'
# fake_as_us PATH / fake_as_stranger PATH: start the fake daemon on PATH as
# our uid / as uid 65534; its pid in FAKE_PID.
fake_as_us() {
	python3 -c "$FAKE_PY" "$1" "$LECTERN_INDEX" 2>/dev/null &
	FAKE_PID=$!
	wait_sock "$1"
}
# uid 65534 gets CAP_DAC_OVERRIDE so that it can bind in our directories:
# it stands for any process of another user that got the path first.
fake_as_stranger() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+dac_override \
		--ambient-caps=+dac_override "$PEER_PY" -c "$FAKE_PY" "$1" "$LECTERN_INDEX" 2>/dev/null &
	FAKE_PID=$!
	wait_sock "$1"
}
fake_stop() {
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
	rm -f "$1"
}

# ---- the control: a forging daemon of our own uid is believed ----
OURS=$TEST_TMP/ours
mkdir -m 700 "$OURS"
fake_as_us "$OURS/fake.sock"
t_exit 0 "control: find --socket believes a fake daemon of our own uid" \
	"$LECTERN" find --socket "$OURS/fake.sock" cattle
t_contains "... and prints its forged hit (so the fake is convincing)" "FORGED RESULT" "$T_OUT"
fake_stop "$OURS/fake.sock"

# ---- another uid on the socket: refused, not believed, no fallback ----
# A python that uid 65534 can run (pyenv shims under /root are not).
PEER_PY=$(command -v /usr/bin/python3 /usr/local/bin/python3 | head -1)
if [[ $(id -u) -ne 0 ]] || ! command -v setpriv >/dev/null || [[ -z $PEER_PY ]]; then
	echo "# other-uid checks need root, setpriv and a system python3: skipped"
	STRANGER=0
else
	STRANGER=1
fi
if [[ $STRANGER == 1 ]]; then
	PUB=$TEST_TMP/pub
	mkdir -m 755 "$PUB"   # ours, and nobody else can write it: the directory is fine
	fake_as_stranger "$PUB/evil.sock"
	t_eq "the stranger's fake listens (uid 65534)" 65534 \
		"$(stat -c %u "/proc/$FAKE_PID" 2>/dev/null)"
	t_exit 2 "find --socket refuses a daemon of another uid (exit 2)" \
		"$LECTERN" find --socket "$PUB/evil.sock" cattle
	t_lacks "... printing no forged hit" "FORGED" "$T_OUT"
	t_eq "... and nothing at all on stdout" "" "$T_OUT"
	t_contains "... naming the socket" "$PUB/evil.sock" "$T_ERR"
	t_contains "... and the uid that listens on it" "uid 65534" "$T_ERR"
	t_contains "... saying why" "refusing its answers" "$T_ERR"
	t_exit 0 "find --no-daemon still searches the index itself" \
		"$LECTERN" find --no-daemon --socket "$PUB/evil.sock" cattle
	t_lacks "... with no forged hit" "FORGED" "$T_OUT"
	fake_stop "$PUB/evil.sock"

	# the default socket path: the same refusal, never a silent local search
	mkdir -p -m 700 "$(dirname "$SOCK")"
	fake_as_stranger "$SOCK"
	t_exit 2 "find refuses another uid on the default socket too" "$LECTERN" find cattle
	t_lacks "... printing no forged hit" "FORGED" "$T_OUT"
	t_contains "... naming the default socket" "$SOCK" "$T_ERR"
	t_contains "... and the uid" "uid 65534" "$T_ERR"
	fake_stop "$SOCK"
	t_exit 0 "with the stranger gone, find searches the index again" "$LECTERN" find cattle
fi

# ---- socket directories others can write: refused by find and by serve ----
for mode in 1777 0777 0775; do
	D=$TEST_TMP/dir-$mode
	mkdir "$D" && chmod "$mode" "$D"
	t_exit 2 "serve --socket in a $mode directory is refused (exit 2)" \
		"$LECTERN" serve --socket "$D/s.sock"
	t_contains "... naming the directory" "$D" "$T_ERR"
	t_contains "... and its mode" "mode $mode" "$T_ERR"
	t_contains "... and its owner" "owner uid $(id -u)" "$T_ERR"
	t_contains "... saying others can write it" "can be written by others" "$T_ERR"
	t_eq "... creating nothing there" "" "$(ls -A "$D")"
	# a socket in such a directory is refused whoever put it there: even our
	# own fake is not believed (anyone could have replaced it)
	fake_as_us "$D/s.sock"
	t_exit 2 "find --socket in a $mode directory is refused (exit 2)" \
		"$LECTERN" find --socket "$D/s.sock" cattle
	t_lacks "... printing no forged hit" "FORGED" "$T_OUT"
	t_contains "... naming the directory and its mode" "$D (mode $mode" "$T_ERR"
	fake_stop "$D/s.sock"
	t_exit 2 "find --socket in a $mode directory is refused even with no socket there" \
		"$LECTERN" find --socket "$D/s.sock" cattle
done
if [[ $STRANGER == 1 ]]; then
	D=$TEST_TMP/theirs
	mkdir -m 755 "$D" && chown 65534:65534 "$D"
	t_exit 2 "serve --socket in another user's directory is refused" \
		"$LECTERN" serve --socket "$D/s.sock"
	t_contains "... naming its owner" "belongs to uid 65534" "$T_ERR"
	t_eq "... creating nothing there" "" "$(ls -A "$D")"
	fake_as_stranger "$D/s.sock"
	t_exit 2 "find --socket in another user's directory is refused" \
		"$LECTERN" find --socket "$D/s.sock" cattle
	t_lacks "... printing no forged hit" "FORGED" "$T_OUT"
	t_contains "... naming the directory's owner" "$D belongs to uid 65534" "$T_ERR"
	fake_stop "$D/s.sock"

	# the default socket of a shared index (no XDG_RUNTIME_DIR: INDEX/run)
	# in another user's directory: their daemon, never ours (it would refuse
	# us), so no daemon for us: find searches the index itself, quietly
	RUN=$LECTERN_INDEX/run
	mkdir -m 700 "$RUN" && chown 65534:65534 "$RUN"
	fake_as_stranger "$RUN/lectern.sock"
	t_exit 0 "the default socket in another user's INDEX/run: find searches here" \
		env -u XDG_RUNTIME_DIR "$LECTERN" find cattle
	t_lacks "... with no forged hit" "FORGED" "$T_OUT"
	t_contains "... but the real one" "cattle" "$T_OUT"
	t_eq "... and no complaint" "" "$T_ERR"
	t_exit 2 "the same socket named with --socket is refused" \
		"$LECTERN" find --socket "$RUN/lectern.sock" cattle
	t_contains "... naming the directory's owner" "$RUN belongs to uid 65534" "$T_ERR"
	fake_stop "$RUN/lectern.sock"
	rm -rf "$RUN"
fi
# a missing --socket directory is created 0700, and is fine
SERVE_SOCK=$TEST_TMP/new/dir/s.sock start_serve "$TEST_TMP/serve-new.log" \
	--socket "$TEST_TMP/new/dir/s.sock"
t_eq "serve --socket in a missing directory starts" 0 $?
t_eq "... which it creates 0700" 700 "$(stat -c %a "$TEST_TMP/new/dir")"
t_exit 0 "... and find --socket uses it" "$LECTERN" find --socket "$TEST_TMP/new/dir/s.sock" cattle
stop_serve

# ---- at exit the daemon unlinks only its own socket ----
own_sock=$OURS/s.sock
SERVE_SOCK=$own_sock start_serve "$TEST_TMP/serve-a.log" --socket "$own_sock"
t_eq "serve --socket in our 0700 directory starts" 0 $?
rm "$own_sock"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$own_sock"
ino=$(stat -c %i "$own_sock")
stop_serve
t_eq "a socket someone put in place of ours is left at exit" "socket $ino" \
	"$(stat -c '%F %i' "$own_sock" 2>&1)"
t_contains "... and the log says so" "$own_sock is no longer our socket (replaced): left alone" \
	"$(cat "$TEST_TMP/serve-a.log")"
t_lacks "... and does not claim it removed it" "socket removed" "$(cat "$TEST_TMP/serve-a.log")"
rm -f "$own_sock"

SERVE_SOCK=$own_sock start_serve "$TEST_TMP/serve-b.log" --socket "$own_sock"
rm "$own_sock"
echo precious >"$own_sock"
stop_serve
t_eq "a regular file put in place of the socket is left at exit" precious "$(cat "$own_sock")"
t_contains "... and logged" "no longer our socket" "$(cat "$TEST_TMP/serve-b.log")"
rm -f "$own_sock"

SERVE_SOCK=$own_sock start_serve "$TEST_TMP/serve-c.log" --socket "$own_sock"
rm "$own_sock"
stop_serve
t_contains "a socket removed by someone else: the log says it was gone" \
	"the socket $own_sock was already gone" "$(cat "$TEST_TMP/serve-c.log")"

SERVE_SOCK=$own_sock start_serve "$TEST_TMP/serve-d.log" --socket "$own_sock"
stop_serve
t_eq "our own socket is removed at exit" no "$(exists "$own_sock")"
t_contains "... and the log says so" "stopped; socket removed" "$(cat "$TEST_TMP/serve-d.log")"
t_done
