#!/usr/bin/env bash
# T330-serve-lifecycle - safety and lifecycle: socket directory 0700 and
# socket 0600; SIGTERM and SIGINT remove the socket and exit 0 (answering an
# in-flight reindex first); a stale socket is replaced, a live one refused
# (exit 2); symlinks and non-sockets at the socket path are refused; a peer
# with another uid is refused (SO_PEERCRED); an index directory replaced
# under the daemon is followed.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
serve_index_corpus

start_serve "$TEST_TMP/serve.log"
t_eq "serve starts" 0 $?
t_eq "the socket's directory is 0700" 700 "$(stat -c %a "$(dirname "$SOCK")")"
t_eq "the socket is 0600" 600 "$(stat -c %a "$SOCK")"
t_eq "the socket is a socket" socket "$(stat -c %F "$SOCK")"

# a second daemon on the same socket is refused, clearly, with exit 2
t_exit 2 "a second serve on a live socket exits 2" "$LECTERN" serve
t_contains "...saying another daemon is listening" "already listening on $SOCK" "$T_ERR"
t_contains "...naming its pid" "pid $SERVE_PID" "$T_ERR"
out=$(rpc "$SOCK" '{"id":1,"op":"ping"}')
t_eq "...and the first one still answers" True "$(jget "$out" 'j["ok"]')"

# SIGTERM: an in-flight reindex is answered, then the socket goes, exit 0
printf 'Platypus notes.\n' >"$NOTES/platypus.txt"
out=$(python3 - "$SOCK" "$SERVE_PID" <<'PY'
import socket, sys, json, os, signal, time
s = socket.socket(socket.AF_UNIX); s.settimeout(20); s.connect(sys.argv[1])
s.sendall(b'{"id":"r","op":"reindex"}\n')
time.sleep(0.02)
os.kill(int(sys.argv[2]), signal.SIGTERM)
line = s.makefile("rb").readline()
print(json.loads(line)["id"] if line else "<no answer>")
PY
)
t_eq "SIGTERM during a reindex: the reindex is still answered" r "$out"
wait "$SERVE_PID"
t_eq "SIGTERM: exit 0" 0 $?
t_eq "SIGTERM: the socket is removed" no "$([[ -e $SOCK ]] && echo yes || echo no)"
t_contains "SIGTERM: logged" "stopping (SIGTERM)" "$(cat "$TEST_TMP/serve.log")"

start_serve "$TEST_TMP/serve.log"
kill -INT "$SERVE_PID"
wait "$SERVE_PID"
t_eq "SIGINT: exit 0" 0 $?
t_eq "SIGINT: the socket is removed" no "$([[ -e $SOCK ]] && echo yes || echo no)"

# a stale socket (its daemon was killed) is replaced
start_serve "$TEST_TMP/serve.log"
kill -KILL "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
t_eq "after SIGKILL the socket file is left behind" socket "$(stat -c %F "$SOCK" 2>&1)"
t_exit 1 "find still works without the daemon (falls back)" "$LECTERN" find zzzqqqxxx
start_serve "$TEST_TMP/serve.log"
t_eq "a stale socket is replaced by a new daemon" 0 $?
t_eq "...which answers" True "$(jget "$(rpc "$SOCK" '{"id":1,"op":"ping"}')" 'j["ok"]')"
stop_serve

# a stale socket made by someone else (bound, never listening) is replaced too
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$SOCK"
start_serve "$TEST_TMP/serve.log"
t_eq "a bound-but-dead socket is replaced" 0 $?
stop_serve

# unsafe socket paths are refused
mkdir -p "$TEST_TMP/s"
ln -s "$TEST_TMP/s/target.sock" "$TEST_TMP/s/link.sock"
t_exit 2 "a symlink at the socket path is refused" "$LECTERN" serve --socket "$TEST_TMP/s/link.sock"
t_contains "...saying it is a symbolic link" "symbolic link" "$T_ERR"
t_eq "...and nothing is created through it" no "$([[ -e $TEST_TMP/s/target.sock ]] && echo yes || echo no)"
echo "precious" >"$TEST_TMP/s/file.sock"
t_exit 2 "a regular file at the socket path is refused" "$LECTERN" serve --socket "$TEST_TMP/s/file.sock"
t_contains "...saying it is not a socket" "not a socket" "$T_ERR"
t_eq "...and left alone" precious "$(cat "$TEST_TMP/s/file.sock")"
chmod 755 "$(dirname "$SOCK")"
t_exit 2 "a default socket directory open to others is refused" "$LECTERN" serve
t_contains "...naming the mode" "mode 755" "$T_ERR"
chmod 700 "$(dirname "$SOCK")"

# find never follows a symlinked socket: it searches locally instead
start_serve "$TEST_TMP/serve.log"
ln -s "$SOCK" "$TEST_TMP/s/find-link.sock"
before=$(jget "$(rpc "$SOCK" '{"id":1,"op":"status"}')" 'j["daemon"]["ops"]["find"]')
t_exit 0 "find --socket SYMLINK still finds (locally)" "$LECTERN" find --socket "$TEST_TMP/s/find-link.sock" cloud
t_eq "...without connecting through the symlink" "$before" \
	"$(jget "$(rpc "$SOCK" '{"id":1,"op":"status"}')" 'j["daemon"]["ops"]["find"]')"
stop_serve

# a peer with another uid is refused (SO_PEERCRED). The socket must be
# reachable for that: a world-searchable directory via --socket.
# A python that uid 65534 can run (pyenv shims under /root are not).
PEER_PY=$(command -v /usr/bin/python3 /usr/local/bin/python3 | head -1)
if [[ $(id -u) -ne 0 ]] || ! command -v setpriv >/dev/null || [[ -z $PEER_PY ]]; then
	echo "# other-uid checks need root, setpriv and a system python3: skipped"
else
	PUB=$(mktemp -d /tmp/lectern-T330-pub.XXXXXX)
	chmod 755 "$PUB"
	SERVE_SOCK=$PUB/s.sock start_serve "$TEST_TMP/serve.log" --socket "$PUB/s.sock"
	t_eq "serve on a --socket in a world-searchable directory" 0 $?
	peer_py='
import socket, sys, json
s = socket.socket(socket.AF_UNIX); s.settimeout(5)
try:
    s.connect(sys.argv[1])
except PermissionError:
    print("EACCES"); sys.exit()
try:
    s.sendall(b"{\"id\":1,\"op\":\"ping\"}\n")
except BrokenPipeError:
    pass  # refused before it could send: the answer is still there to read
f = s.makefile("rb")
l = f.readline()
try:
    rest = f.read()
except ConnectionResetError:
    rest = b""  # closed with our request unread: a reset is a close too
print(json.loads(l).get("error", {}).get("code", "answered") if l else "closed", "closed" if rest == b"" else "open")
'
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$PEER_PY" -c "$peer_py" "$PUB/s.sock" 2>&1)
	t_eq "uid 65534 cannot even connect: the socket is 0600" EACCES "$out"
	# with CAP_DAC_OVERRIDE the file mode no longer stops it: SO_PEERCRED must
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+dac_override \
		--ambient-caps=+dac_override "$PEER_PY" -c "$peer_py" "$PUB/s.sock" 2>&1)
	t_eq "uid 65534 past the file mode: refused by uid (forbidden, then closed)" "forbidden closed" "$out"
	t_contains "...and logged" "refused a connection from uid 65534" "$(cat "$TEST_TMP/serve.log")"
	t_eq "our own uid is still served" True "$(jget "$(rpc "$PUB/s.sock" '{"id":1,"op":"ping"}')" 'j["ok"]')"
	stop_serve
	t_eq "the --socket socket is removed at exit" no "$([[ -e $PUB/s.sock ]] && echo yes || echo no)"
	rm -rf "$PUB"
fi

# the fallback socket path, inside the index directory
env -u XDG_RUNTIME_DIR "$LECTERN" serve 2>"$TEST_TMP/serve3.log" &
FPID=$!   # env execs lectern: this is the daemon's pid
until [[ -S $LECTERN_INDEX/run/lectern.sock ]] || ! kill -0 "$FPID" 2>/dev/null; do sleep 0.05; done
t_eq "without XDG_RUNTIME_DIR the socket is INDEX/run/lectern.sock" socket "$(stat -c %F "$LECTERN_INDEX/run/lectern.sock" 2>&1)"
t_eq "...in a 0700 directory" 700 "$(stat -c %a "$LECTERN_INDEX/run")"
kill -TERM "$FPID"
wait "$FPID"

# The index directory replaced under a running daemon (a first index swaps
# in its compacted copy so): the next request reads the new one, whole.
start_serve "$TEST_TMP/serve4.log"
t_eq "serve starts again" 0 $?
mkdir -p "$TEST_TMP/other-notes"
printf '# Wombats\n\nThe wombat census was discussed.\n' >"$TEST_TMP/other-notes/wombat.md"
LECTERN_INDEX=$TEST_TMP/other-index "$LECTERN" index --no-progress -q "$TEST_TMP/other-notes"
find_count() {
	jget "$(rpc "$SOCK" "{\"id\":1,\"op\":\"find\",\"query\":\"$1\"}")" 'j.get("total", "error")'
}
t_eq "before: the daemon finds the corpus" 1 "$(find_count cattle)"
t_eq "before: and no wombat" 0 "$(find_count wombat)"
# (the roots file goes with the database: notes are named by their root)
mv "$LECTERN_INDEX/xapian" "$LECTERN_INDEX/xapian.old"
mv "$TEST_TMP/other-index/xapian" "$LECTERN_INDEX/xapian"
mv "$TEST_TMP/other-index/roots" "$LECTERN_INDEX/roots"
t_eq "after the swap: the wombat of the new directory" 1 "$(find_count wombat)"
t_eq "after the swap: nothing of the old one" 0 "$(find_count cattle)"
rm -rf "$LECTERN_INDEX/xapian.old"
t_eq "the old directory removed: still answering" 1 "$(find_count wombat)"
t_ok "index --compact under the running daemon" "$LECTERN" index --compact --no-progress
t_contains "... compacts the shard" "compacted 1 shard" "$T_OUT"
t_eq "... and the daemon answers from the compacted copy" 1 "$(find_count wombat)"
stop_serve
t_done
