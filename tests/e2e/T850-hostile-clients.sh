#!/usr/bin/env bash
# T850-hostile-clients - socket clients that misbehave: malformed JSON, wrong
# types and values, a line with no newline held open, 1000 connections at
# once (and past LEC_MAX_CLIENTS), clients that never read their responses,
# half-closed and vanishing clients, clients of another uid, and a daemon
# that runs out of file descriptors. Each gets an error response (or is
# dropped) as docs/protocol.md says, the daemon stays up and answers the
# others, and its RSS stays bounded: measured before and after, it must end
# under 2x + 20 MB of where it started (figures printed).
# LECTERN_SLOW=1: 5 rounds of 1000 connections, 20 never-reading clients.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

if [[ ${LECTERN_SLOW:-0} == 1 ]]; then ROUNDS=5 NONREADERS=20; else ROUNDS=1 NONREADERS=5; fi
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
NOTES=$TEST_TMP/notes
mkdir -p "$NOTES" && cp "$REPO"/corpus/* "$NOTES"/
tc=$SHARED/corpora/tc39-notes/meetings/2016-01
[[ -d $tc ]] && cp -r "$tc" "$NOTES/"   # bigger answers for the non-readers
t_ok "the notes are indexed" "$LECTERN" index -q "$NOTES" || t_done
SOCK=$XDG_RUNTIME_DIR/lectern/lectern.sock
ASAN=0
ldd "$LECTERN" 2>/dev/null | grep -q libasan && ASAN=1

PY=$TEST_TMP/client.py
cat >"$PY" <<'PY'
import json, os, socket, sys, time, threading
SOCK = os.environ["SOCK"]
def conn(timeout=10):
    s = socket.socket(socket.AF_UNIX); s.settimeout(timeout); s.connect(SOCK); return s
def ask(lines, timeout=10):
    """send raw lines on one connection, return one decoded response per line"""
    s = conn(timeout); f = s.makefile("rb")
    s.sendall(b"".join(l + b"\n" for l in lines))
    out = []
    for _ in lines:
        r = f.readline()
        out.append(json.loads(r) if r else None)
    s.close(); return out
def ping_ok(timeout=5):
    t0 = time.time()
    r = ask([b'{"id":"p","op":"ping"}'], timeout)[0]
    return r is not None and r["ok"], time.time() - t0
PY
# pyrun CODE ARGS...: run python with the helpers above
pyrun() { SOCK=$SOCK python3 -c "exec(open('$PY').read())
$1" "${@:2}"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVE_PID/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat"; }
start_serve() {
	"$LECTERN" serve "$@" 2>>"$TEST_TMP/serve.log" </dev/null &
	SERVE_PID=$!
	until pyrun 'print(ping_ok()[0])' 2>/dev/null | grep -q True; do
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		sleep 0.05
	done
}
# serve_started: start_serve, its log if it does not answer
# log_short N: the daemon's log has under 100 lines (N); else its commonest
# shellcheck disable=SC2317 # called through t_true
log_short() {
	[[ $1 -lt 100 ]] && return 0
	sort "$TEST_TMP/serve.log" | cut -c26- | uniq -c | sort -rn | head -3
	return 1
}
# settle: wait until the daemon holds no client but the asking one, then a moment
# shellcheck disable=SC2317 # called through t_true
settle() {
	until [[ $(pyrun 'print(ask([b"{\"id\":1,\"op\":\"status\"}"])[0]["daemon"]["clients"])' 2>/dev/null) == 1 ]]; do
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	sleep 1.2
}

# Under ASan a search runs ~10x slower: with the default time budget the
# non-readers' heavy finds would end as small timeout errors before their
# unread answers reach LEC_MAX_CLIENT_OUTPUT, and they would never be
# dropped (their memory stays bounded, but the drop goes untested). No
# budget there: their answers grow as hits come, whatever the speed.
if [[ $ASAN -eq 1 ]]; then start_serve --time-budget 0; else start_serve; fi
t_eq "serve starts" 0 "$?" || { cat "$TEST_TMP/serve.log"; t_done; }
pyrun 'ask([b"{\"id\":1,\"op\":\"find\",\"query\":\"the\",\"all\":true}"])' >/dev/null
RSS0=$(rss_kb)

# ---- malformed lines: each answered with its error code; the connection goes on ----
out=$(pyrun '
cases = [
  (b"{", "bad_json"), (b"}", "bad_json"), (b"nonsense", "bad_json"), (b"{\"id\":1,", "bad_json"),
  (b"[1,2]", "bad_request"), (b"null", "bad_request"), (b"\"str\"", "bad_request"), (b"42", "bad_request"),
  (b"{}", "bad_request"), (b"{\"id\":1}", "bad_request"), (b"{\"op\":\"ping\",\"id\":{}}", "bad_request"),
  (b"{\"op\":\"ping\",\"id\":[1]}", "bad_request"), (b"{\"op\":\"ping\",\"id\":true}", "bad_request"),
  (b"{\"id\":1,\"op\":42}", "bad_request"), (b"{\"id\":1,\"op\":null}", "bad_request"),
  (b"{\"id\":1,\"op\":\"nosuch\"}", "unknown_op"), (b"{\"id\":1,\"op\":\"\"}", "unknown_op"),
  (b"{\"id\":1,\"op\":\"find\"}", "bad_request"), (b"{\"id\":1,\"op\":\"find\",\"query\":42}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":null}", "bad_request"), (b"{\"id\":1,\"op\":\"find\",\"query\":[\"a\"]}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"limit\":\"5\"}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"limit\":-1}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"limit\":0}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"limit\":1.5}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"limit\":1e300}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"limit\":99999999999999999999999}", "bad_json|bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"offset\":-5}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"context\":100000}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"all\":\"yes\"}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"order\":\"random\"}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"limt\":5}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"query\":\"b\"}", "bad_json"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"index\":42}", "bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\",\"index\":\"/nope\"}", "wrong_index"),
  (b"{\"id\":1,\"op\":\"suggest\",\"prefix\":\"a\",\"limit\":1000}", "bad_request"),
  (b"{\"id\":1,\"op\":\"suggest\"}", "bad_request"),
  (b"{\"id\":1,\"op\":\"reindex\",\"paths\":\"notalist\"}", "bad_request"),
  (b"{\"id\":1,\"op\":\"reindex\",\"paths\":[42]}", "bad_request"),
  (b"{\"id\":1,\"op\":\"reindex\",\"paths\":[\"relative/path\"]}", "bad_request|not_found"),
  (b"{\"id\":1,\"op\":\"reindex\",\"paths\":[\"/no/such/dir\"]}", "not_found"),
  (b"{\"id\":1,\"op\":\"ping\",\"extra\":1}", "bad_request"),
  (b"{\"id\":\"\\ud800\",\"op\":\"ping\"}", "bad_json|bad_request|ok"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"caf\xff\"}", "bad_json"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\x00b\"}", "bad_json|bad_request|ok"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"a\\u0000b\"}", "bad_json|bad_request|ok"),
  (b"\x00\x01\x02", "bad_json"), (b"\xff\xfe{}", "bad_json"),
  (b"[" * 100000 + b"]" * 100000, "bad_json|bad_request"),
  (b"{\"a\":" * 50000 + b"1" + b"}" * 50000, "bad_json|bad_request"),
  (b"{\"id\":1,\"op\":\"find\",\"query\":\"" + b"x" * 900000 + b"\"}", "bad_query|ok"),
]
bad = []
for line, want in cases:
    r = ask([line, b"{\"id\":\"after\",\"op\":\"ping\"}"])
    got = "ok" if r[0] and r[0]["ok"] else (r[0]["error"]["code"] if r[0] else "<closed>")
    if got not in want.split("|"):
        bad.append("%r: got %s, want %s" % (line[:60], got, want))
    if not r[1] or r[1]["id"] != "after":
        bad.append("%r: the connection did not go on (%r)" % (line[:60], r[1]))
print(len(cases))
print("\n".join(bad))
')
echo "# malformed lines tried: $(head -1 <<<"$out")"
t_eq "each malformed line gets its error code and the connection goes on" "" "$(tail -n +2 <<<"$out")"

# a line over 1 MiB: too_large, then the connection closes
out=$(pyrun '
s = conn(); f = s.makefile("rb")
try:
    s.sendall(b"{\"id\":1,\"op\":\"find\",\"query\":\"" + b"x" * (1 << 21) + b"\"}\n{\"id\":2,\"op\":\"ping\"}\n")
except (BrokenPipeError, ConnectionResetError):
    pass
r = f.readline()
try:
    rest = f.read()
except ConnectionResetError:
    rest = b""
print(json.loads(r)["error"]["code"] if r else "<none>", "closed" if rest == b"" else "open:%r" % rest[:80])
')
t_eq "a 2 MiB line: too_large, then closed" "too_large closed" "$out"

# ---- a line with no newline held open; others are answered meanwhile ----
out=$(pyrun '
held = conn(); held.sendall(b"{\"id\":\"held\",\"op\":\"ping\"}")
worst = 0.0
for i in range(20):
    ok, t = ping_ok(); worst = max(worst, t)
    assert ok
time.sleep(1)
held.sendall(b"\n")
r = json.loads(held.makefile("rb").readline())
print("%.3f" % worst, r["id"])
# the same, closed without its newline: an answer or a close, never a hang
s = conn(); s.sendall(b"{\"id\":\"eof\",\"op\":\"ping\"}"); s.shutdown(socket.SHUT_WR)
print(s.makefile("rb").readline().decode().strip()[:40] or "<closed>")
')
echo "# beside a held line: worst ping $(head -1 <<<"$out" | cut -d' ' -f1) s"
t_match "a held half line does not delay others (< 0.5 s)" '^0\.[0-4][0-9]* held$' "$(head -1 <<<"$out")"
t_match "a last line without newline then EOF: answered or closed" '^(\{"id":"eof"|<closed>)' "$(sed -n 2p <<<"$out")"

# half-close: requests, then SHUT_WR; every response still comes
out=$(pyrun '
s = conn(); s.sendall(b"".join(b"{\"id\":%d,\"op\":\"find\",\"query\":\"cloud\"}\n" % i for i in range(50)))
s.shutdown(socket.SHUT_WR)
f = s.makefile("rb"); n = 0
while True:
    l = f.readline()
    if not l: break
    n += json.loads(l)["ok"]
print(n)
')
t_eq "50 requests then a half-close: 50 answers" 50 "$out"

# ---- 1000 connections at once, all answered; then past LEC_MAX_CLIENTS ----
for round in $(seq "$ROUNDS"); do
	out=$(pyrun '
n = 1000
socks = [conn(30) for _ in range(n)]
for i, s in enumerate(socks):
    s.sendall(b"{\"id\":%d,\"op\":\"%s\"%s}\n" % (i, b"find" if i % 2 else b"ping", b",\"query\":\"cloud\",\"limit\":2" if i % 2 else b""))
good = 0
for i, s in enumerate(socks):
    r = json.loads(s.makefile("rb").readline())
    good += r["ok"] and r["id"] == i
for s in socks: s.close()
print(good)
')
	t_eq "round $round: 1000 connections at once, each answered" 1000 "$out"
done
out=$(pyrun '
socks = []
for _ in range(1100):
    socks.append(conn(30))
time.sleep(0.5)
busy = answered = closed = 0
for s in socks:
    try: s.sendall(b"{\"id\":1,\"op\":\"ping\"}\n")
    except (BrokenPipeError, ConnectionResetError): pass   # refused: its answer is still there
for s in socks:
    try:
        l = s.makefile("rb").readline()
    except (ConnectionResetError, socket.timeout):
        l = b""
    if not l: closed += 1
    elif json.loads(l)["ok"]: answered += 1
    elif json.loads(l)["error"]["code"] == "busy": busy += 1
print(answered, busy, closed)
for s in socks: s.close()
')
read -r answered busy closed <<<"$out"
echo "# 1100 connections: $answered answered, $busy busy, $closed closed"
t_eq "1100 connections: all but the last are answered, the rest get busy" 1100 "$((answered + busy))"
t_match "... at most LEC_MAX_CLIENTS (1024) answered" '^(10[0-1][0-9]|102[0-4]|[0-9]{1,3})$' "$answered"
t_eq "... the daemon is up and answers after" True "$(pyrun 'print(ping_ok()[0])')"

# ---- clients that never read their responses ----
out=$(pyrun '
import threading
def hog(k, res):
    s = conn(); s.setblocking(False)
    req = b"{\"id\":1,\"op\":\"find\",\"query\":\"the\",\"all\":true,\"context\":3}\n" * 50
    t0 = time.time(); dropped = False
    while time.time() - t0 < 600:   # a guard only: dropped long before
        try: s.send(req)
        except BlockingIOError: time.sleep(0.01)
        except (BrokenPipeError, ConnectionResetError): dropped = True; break
    res[k] = dropped
    s.close()
n = int(sys.argv[1]); res = [None] * n
ts = [threading.Thread(target=hog, args=(k, res)) for k in range(n)]
for t in ts: t.start()
time.sleep(1)
worst = 0.0
for i in range(10):
    try:
        ok, t = ping_ok(10)
    except socket.timeout:
        t = 99.0   # no answer within 10 s
    worst = max(worst, t)
for t in ts: t.join()
print(sum(res), "%.3f" % worst)
' "$NONREADERS")
read -r dropped worst <<<"$out"
echo "# $NONREADERS never-reading clients: $dropped dropped; worst ping meanwhile ${worst} s"
t_eq "$NONREADERS clients that never read are all dropped" "$NONREADERS" "$dropped"
t_match "... while others are answered (< 2 s)" '^[01]\.' "$worst"

# ---- another uid: refused (forbidden), even 200 of them ----
PEER_PY=$(command -v /usr/bin/python3 /usr/local/bin/python3 | head -1)
if [[ $(id -u) -eq 0 ]] && command -v setpriv >/dev/null && [[ -n $PEER_PY ]]; then
	PUB=$(mktemp -d /tmp/lectern-T850-pub.XXXXXX)
	chmod 755 "$PUB"
	"$LECTERN" serve --socket "$PUB/s.sock" 2>"$TEST_TMP/serve-pub.log" </dev/null &
	PUB_PID=$!
	until [[ -S $PUB/s.sock ]] || ! kill -0 "$PUB_PID" 2>/dev/null; do sleep 0.05; done
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+dac_override \
		--ambient-caps=+dac_override "$PEER_PY" -c '
import socket, sys, json
codes = {}
socks = []
for i in range(200):
    s = socket.socket(socket.AF_UNIX); s.settimeout(5)
    s.connect(sys.argv[1]); socks.append(s)
for s in socks:
    try: s.sendall(b"{\"id\":1,\"op\":\"find\",\"query\":\"cloud\"}\n")
    except (BrokenPipeError, ConnectionResetError): pass
    try: l = s.makefile("rb").readline()
    except ConnectionResetError: l = b""
    c = json.loads(l)["error"]["code"] if l and not json.loads(l)["ok"] else ("answered" if l else "closed")
    codes[c] = codes.get(c, 0) + 1
print(" ".join("%s=%d" % kv for kv in sorted(codes.items())))
' "$PUB/s.sock" 2>&1)
	t_eq "200 connections from uid 65534: all forbidden" "forbidden=200" "$out"
	t_eq "... our own uid is still served" True "$(SOCK=$PUB/s.sock pyrun 'print(ping_ok()[0])')"
	kill -TERM "$PUB_PID"; wait "$PUB_PID"
	rm -rf "$PUB"
else
	echo "# other-uid checks need root, setpriv and a system python3: skipped"
fi

# ---- memory after all that ----
t_true "the daemon lets go of every client" settle
RSS1=$(rss_kb)
echo "# daemon RSS: ${RSS0} kB before the hostile clients, ${RSS1} kB after"
if [[ $ASAN -eq 1 ]]; then
	echo "# RSS bound not checked: ASan keeps freed memory in quarantine"
else
	t_true "RSS bounded: ${RSS0} -> ${RSS1} kB (< 2x + 20 MB)" test "$RSS1" -lt $((RSS0 * 2 + 20480))
fi
t_ok "the daemon is alive" kill -0 "$SERVE_PID"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
t_eq "... and stops cleanly (exit 0)" 0 "$?"

# ---- out of file descriptors: no busy loop, no log flood, recovers ----
: >"$TEST_TMP/serve.log"
(ulimit -n 64 && exec "$LECTERN" serve 2>>"$TEST_TMP/serve.log" </dev/null) &
SERVE_PID=$!
until pyrun 'print(ping_ok()[0])' 2>/dev/null | grep -q True || ! kill -0 "$SERVE_PID" 2>/dev/null; do
	sleep 0.05
done
out=$(pyrun '
socks = [conn(5) for _ in range(120)]   # past the 64 descriptors it may have
t0 = open("/proc/%s/stat" % sys.argv[1]).read().split()
time.sleep(2)
t1 = open("/proc/%s/stat" % sys.argv[1]).read().split()
print(int(t1[13]) + int(t1[14]) - int(t0[13]) - int(t0[14]))
for s in socks: s.close()
time.sleep(0.5)
print(ping_ok(5)[0])
' "$SERVE_PID")
ticks=$(head -1 <<<"$out")
lines=$(wc -l <"$TEST_TMP/serve.log")
echo "# out of descriptors (ulimit -n 64, 120 clients): ${ticks} CPU ticks in 2 s, ${lines} log lines"
t_eq "out of descriptors: the daemon answers once the clients go" True "$(sed -n 2p <<<"$out")"
t_true "... without spinning (${ticks}/200 CPU ticks in 2 s: under half a core)" test "${ticks:-999}" -lt 100
t_true "... without flooding its log (${lines} lines, under 100)" log_short "$lines"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
t_done
