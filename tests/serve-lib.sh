# serve-lib.sh - what the T3xx daemon tests share, sourced after test-lib.sh:
# the default socket, a pipelining JSON-lines client (rpc), a JSON getter
# (jget), starting and stopping a daemon, and a private copy of corpus/
# indexed into $LECTERN_INDEX.
# shellcheck shell=bash
# Variables set here are used by the scripts that source this file.
# shellcheck disable=SC2034

SOCK=$XDG_RUNTIME_DIR/lectern/lectern.sock
NOTES=$TEST_TMP/notes
# rpc SOCK LINE...: send the lines pipelined in one write, print one response
# per non-blank line, in order (a missing response prints "<closed>").
RPC_PY='
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sys.argv[1])
lines = sys.argv[2:]
s.sendall("".join(l + "\n" for l in lines).encode())
f = s.makefile("rb")
for l in lines:
    if l.strip():
        r = f.readline()
        sys.stdout.write(r.decode() if r else "<closed>\n")
'
rpc() { python3 -c "$RPC_PY" "$@"; }
# jget JSON EXPR: a Python expression over the parsed response j.
jget() { python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }
# start_serve LOG ARGS...: run the daemon in the background until it answers a ping.
start_serve() {
	local log=$1 sock=${SERVE_SOCK:-$SOCK}
	shift
	"$LECTERN" serve "$@" 2>"$log" </dev/null &
	SERVE_PID=$!
	# no clock: a daemon that neither answers nor exits is the runner's timeout
	until rpc "$sock" '{"id":0,"op":"ping"}' >/dev/null 2>&1; do
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		sleep 0.05
	done
}
stop_serve() { kill -TERM "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID"; }

# serve_index_corpus: copy corpus/ to $NOTES and index it (or end the test).
serve_index_corpus() {
	mkdir -p "$NOTES" && cp "$REPO"/corpus/* "$NOTES"/
	"$LECTERN" index "$NOTES" >/dev/null 2>&1 || { echo "not ok - cannot index the corpus"; t_done; }
}
