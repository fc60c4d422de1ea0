#!/usr/bin/env bash
# T320-serve-clients - many clients at once: 64 concurrent `lectern find`s and
# 64 concurrent protocol clients answered correctly; search threads
# (--threads) answer as --no-daemon does, in order; a stalled client does not
# delay the others; idle connections time out (--idle-timeout); a client that
# never reads is dropped at its output cap; memory stays bounded over 1000
# clients that disconnect abruptly.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
serve_index_corpus

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVE_PID/status"; }

start_serve "$TEST_TMP/serve.log" --idle-timeout 1
t_eq "serve starts with --idle-timeout 1" 0 $?

# 64 concurrent `lectern find` processes, each through the daemon
cd "$TEST_TMP" || exit 1
"$LECTERN" find --no-daemon --format vimgrep --all cloud >"$TEST_TMP/expected" 2>&1
before=$(jget "$(rpc "$SOCK" '{"id":1,"op":"status"}')" 'j["daemon"]["ops"]["find"]')
mkdir -p "$TEST_TMP/par"
pids=()
for i in $(seq 64); do
	"$LECTERN" find --format vimgrep --all cloud >"$TEST_TMP/par/$i" 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"   # not the daemon
same=0
for i in $(seq 64); do cmp -s "$TEST_TMP/expected" "$TEST_TMP/par/$i" && same=$((same + 1)); done
t_eq "64 concurrent 'lectern find': all identical to the local result" 64 "$same"
after=$(jget "$(rpc "$SOCK" '{"id":1,"op":"status"}')" 'j["daemon"]["ops"]["find"]')
t_eq "...all 64 answered by the daemon" 64 "$((after - before))"

# 64 concurrent protocol clients, each pipelining 10 requests
out=$(python3 - "$SOCK" <<'PY'
import socket, sys, json, threading
path = sys.argv[1]
def one(k, results):
    s = socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(path)
    reqs = []
    for i in range(10):
        op = ('{"id":"%d-%d","op":"find","query":"cloud","limit":3}' if i % 2 else '{"id":"%d-%d","op":"ping"}') % (k, i)
        reqs.append(op)
    s.sendall(("\n".join(reqs) + "\n").encode())
    f = s.makefile("rb")
    ok = 0
    for i in range(10):
        j = json.loads(f.readline())
        ok += j["ok"] and j["id"] == "%d-%d" % (k, i) and (i % 2 == 0 or len(j["hits"]) == 3)
    results[k] = ok
results = [0] * 64
ts = [threading.Thread(target=one, args=(k, results)) for k in range(64)]
for t in ts: t.start()
for t in ts: t.join()
print(sum(results))
PY
)
t_eq "64 concurrent protocol clients x 10 pipelined requests: all right, in order" 640 "$out"

# a stalled client (half a line, never finished) does not delay the others
out=$(python3 - "$SOCK" <<'PY'
import socket, sys, json, time
path = sys.argv[1]
stalled = socket.socket(socket.AF_UNIX); stalled.connect(path)
stalled.sendall(b'{"id":1,"op":"find","query":"clo')
slow = socket.socket(socket.AF_UNIX); slow.connect(path)   # connects, says nothing
answered = 0
for i in range(20):   # no clock: a daemon held by the stalled client hangs here
    s = socket.socket(socket.AF_UNIX); s.connect(path)
    s.sendall(b'{"id":1,"op":"find","query":"cloud"}\n')
    answered += json.loads(s.makefile("rb").readline())["ok"] is True
    s.close()
print(answered)
PY
)
t_eq "a stalled client does not hold up others (20 finds answered beside it)" 20 "$out"

# idle connections time out (1 s here); an active one stays
out=$(python3 - "$SOCK" <<'PY'
import socket, sys, time, json
path = sys.argv[1]
idle = socket.socket(socket.AF_UNIX); idle.settimeout(5); idle.connect(path)
half = socket.socket(socket.AF_UNIX); half.settimeout(5); half.connect(path)
half.sendall(b'{"id":1,')
busy = socket.socket(socket.AF_UNIX); busy.settimeout(5); busy.connect(path)
fb = busy.makefile("rb")
t0 = time.time()
for i in range(8):   # 2.4 s of activity
    busy.sendall(b'{"id":1,"op":"ping"}\n'); json.loads(fb.readline()); time.sleep(0.3)
def closed(s):
    try:
        return s.recv(1) == b""
    except (ConnectionResetError, socket.timeout):
        return False
print("idle-closed" if closed(idle) else "idle-open",
      "half-closed" if closed(half) else "half-open")
busy.sendall(b'{"id":2,"op":"ping"}\n')
print("busy-open" if json.loads(fb.readline())["id"] == 2 else "busy-closed")
PY
)
t_eq "idle connections (silent, half a line) are closed after --idle-timeout" \
	"idle-closed half-closed" "$(sed -n 1p <<<"$out")"
t_eq "an active connection is not" busy-open "$(sed -n 2p <<<"$out")"

# a client that never reads is dropped at LEC_MAX_CLIENT_OUTPUT; others go on
out=$(python3 - "$SOCK" <<'PY'
import socket, sys, json, time
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX); s.connect(path)
s.setblocking(False)
req = b'{"id":1,"op":"find","query":"the","all":true,"context":3}\n'
sent = 0
while True:   # until dropped (no clock: a daemon that never drops it hangs here)
    try:
        s.send(req * 50); sent += 50
    except BlockingIOError:
        time.sleep(0.01)
    except (BrokenPipeError, ConnectionResetError):
        break
o = socket.socket(socket.AF_UNIX); o.connect(path)
o.sendall(b'{"id":7,"op":"ping"}\n')
print(json.loads(o.makefile("rb").readline())["id"], "dropped")
PY
)
t_eq "a client that never reads is dropped; the daemon answers others" "7 dropped" "$out"
t_contains "...with a log line" "does not read" "$(cat "$TEST_TMP/serve.log")"

# search threads (--threads): each thread has its own searcher; answers are
# the same whichever thread gives them, and a connection's answers stay in
# the order of its requests
stop_serve
t_exit 2 "serve --threads 0 is refused" "$LECTERN" serve --threads 0
t_exit 2 "serve --threads 65 is refused" "$LECTERN" serve --threads 65
start_serve "$TEST_TMP/serve-threads.log" --threads 4
t_eq "serve --threads 4 starts" 0 $?
t_eq "status reports 4 search threads" 4 \
	"$(jget "$(rpc "$SOCK" '{"id":1,"op":"status"}')" 'j["daemon"]["search_threads"]')"
t_contains "...and so does the log" "4 search threads" "$(cat "$TEST_TMP/serve-threads.log")"
queries=(cloud "cattle, not pets" 'pets OR servers' 'title:keynote' 'instan*' 'serverless -lambda'
	 '"don’t name your instances"' microservices)
for i in "${!queries[@]}"; do
	"$LECTERN" find --no-daemon --json --limit 20 "${queries[$i]}" >"$TEST_TMP/q$i.exp" 2>&1
done
pids=()
for round in 1 2 3; do
	for i in "${!queries[@]}"; do
		"$LECTERN" find --json --limit 20 "${queries[$i]}" >"$TEST_TMP/q$i.$round" 2>&1 &
		pids+=($!)
	done
done
wait "${pids[@]}"
same=0
for round in 1 2 3; do
	for i in "${!queries[@]}"; do
		cmp -s "$TEST_TMP/q$i.exp" "$TEST_TMP/q$i.$round" && same=$((same + 1))
	done
done
t_eq "24 concurrent finds over 4 threads: each identical to --no-daemon" 24 "$same"
out=$(python3 - "$SOCK" <<'PY'
import socket, sys, json, threading
path = sys.argv[1]
qs = ["cloud", "pets", "servers", "keynote", "lambda", "containers"]
def one(k, results):
    s = socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(path)
    reqs = []
    for i in range(24):
        if i % 3 == 2:
            reqs.append('{"id":"%d-%d","op":"ping"}' % (k, i))
        elif i % 3 == 1:
            reqs.append('{"id":"%d-%d","op":"suggest","prefix":"%s"}' % (k, i, qs[(k + i) % 6][:3]))
        else:
            reqs.append('{"id":"%d-%d","op":"find","query":"%s","limit":2}' % (k, i, qs[(k + i) % 6]))
    s.sendall(("\n".join(reqs) + "\n").encode())
    f = s.makefile("rb")
    results[k] = sum(json.loads(f.readline()).get("id") == "%d-%d" % (k, i) for i in range(24))
results = [0] * 16
ts = [threading.Thread(target=one, args=(k, results)) for k in range(16)]
for t in ts: t.start()
for t in ts: t.join()
print(sum(results))
PY
)
t_eq "16 clients x 24 pipelined find/suggest/ping over 4 threads: every answer in order" 384 "$out"
stop_serve
t_eq "SIGTERM with 4 search threads: exit 0" 0 $?
start_serve "$TEST_TMP/serve-1thread.log" --threads 1
t_eq "serve --threads 1 starts" 0 $?
"$LECTERN" find --json --limit 20 "${queries[1]}" >"$TEST_TMP/q1.one" 2>&1
t_eq "...and answers as --no-daemon does" "" "$(cmp "$TEST_TMP/q1.exp" "$TEST_TMP/q1.one" 2>&1)"

# memory per connection is bounded: 1000 clients that vanish mid-request
# (a daemon without the short idle timeout: vanished clients must be noticed
# by their EOF, not timed out)
stop_serve
start_serve "$TEST_TMP/serve2.log"
rpc "$SOCK" '{"id":1,"op":"find","query":"cloud","all":true}' >/dev/null
# abrupt_round: 1000 clients that vanish mid-request, then wait until the
# daemon has let go of every one
abrupt_round() {
	local i out
	python3 - "$SOCK" <<'PY'
import socket, sys
path = sys.argv[1]
for i in range(1000):
    s = socket.socket(socket.AF_UNIX); s.connect(path)
    if i % 3 == 0:
        s.sendall(b'{"id":1,"op":"find","query":"cloud","all":true}\n')   # answer never read
    elif i % 3 == 1:
        s.sendall(b'{"id":1,"op":"find","query":"clo' + b'x' * 100000)   # half a big line
    else:
        s.sendall(b'{"id":1,"op":"ping"}\n{"id":2,')
    s.close()
PY
	# the daemon may still be answering the last finds (no clock: a hang
	# is the runner's timeout)
	until [[ $(jget "$(rpc "$SOCK" '{"id":1,"op":"status"}')" 'j["daemon"]["clients"]') == 1 ]]; do
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	sleep 1.2   # freed buffers go back to the system within a second
}
rss0=$(rss_kb)
abrupt_round
t_eq "after 1000 abrupt clients the daemon answers and holds no connection but ours" 0 $?
rss1=$(rss_kb)
abrupt_round
rss2=$(rss_kb)
echo "# daemon RSS: ${rss0} kB at start, ${rss1} kB after 1000 abrupt clients, ${rss2} kB after 1000 more"
if ldd "$LECTERN" 2>/dev/null | grep -qE 'lib[at]san'; then
	echo "# RSS checks skipped: ASan and TSan keep freed memory (quarantine, history)"
else
	t_true "RSS bounded: ${rss0} -> ${rss1} kB (< 16 MB growth)" test $((rss1 - rss0)) -lt 16384
	t_true "no growth per connection: ${rss1} -> ${rss2} kB (< 4 MB)" test $((rss2 - rss1)) -lt 4096
fi

stop_serve
t_eq "SIGTERM: exit 0" 0 $?
t_done
