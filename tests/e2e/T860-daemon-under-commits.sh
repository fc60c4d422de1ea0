#!/usr/bin/env bash
# T860-daemon-under-commits - the daemon answers 16 clients that query
# without pause while `lectern index` commits in a loop (a note changes
# before each run): zero failed queries. A query over the notes that do not
# change always gives the same total; a query over the changing note finds
# it (old or new state); `lectern find` processes going through the daemon
# meanwhile all succeed. Figures: queries, commits, latencies.
# Normal mode: 10 s. LECTERN_SLOW=1: 60 s.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

if [[ ${LECTERN_SLOW:-0} == 1 ]]; then SECS=60; else SECS=10; fi
NOTES=$TEST_TMP/notes
mkdir -p "$NOTES" && cp "$REPO"/corpus/* "$NOTES"/
tc=$SHARED/corpora/tc39-notes/meetings/2016-01
[[ -d $tc ]] && cp -r "$tc" "$NOTES/"
printf '# Changing\n\nThe changing note: zyzzyva 0.\n' >"$NOTES/changing.md"
t_ok "the notes are indexed" "$LECTERN" index -q "$NOTES" || t_done
STABLE_TOTAL=$("$LECTERN" find --no-daemon --count cloud)
SOCK=$XDG_RUNTIME_DIR/lectern/lectern.sock
"$LECTERN" serve 2>"$TEST_TMP/serve.log" </dev/null &
SERVE_PID=$!
until [[ -S $SOCK ]] || ! kill -0 "$SERVE_PID" 2>/dev/null; do sleep 0.05; done
sleep 0.2

# the writer: change the note, index, again, until told to stop
(
	i=0
	while [[ ! -e $TEST_TMP/stop ]]; do
		i=$((i + 1))
		printf '# Changing\n\nThe changing note: zyzzyva %d.\n%s\n' "$i" "$(seq "$((i % 50))")" >"$NOTES/changing.md"
		if "$LECTERN" index -q >/dev/null 2>>"$TEST_TMP/writer.err"; then
			echo ok >>"$TEST_TMP/commits"
		else
			echo "fail $?" >>"$TEST_TMP/commits"
		fi
	done
) &
WRITER=$!

# lectern find processes through the daemon, meanwhile
(
	while [[ ! -e $TEST_TMP/stop ]]; do
		if [[ $("$LECTERN" find --count cloud 2>>"$TEST_TMP/cli.err") == "$STABLE_TOTAL" ]]; then
			echo ok >>"$TEST_TMP/cli"
		else
			echo "fail" >>"$TEST_TMP/cli"
		fi
	done
) &
CLI=$!

out=$(python3 - "$SOCK" "$SECS" "$STABLE_TOTAL" <<'PY'
import json, socket, sys, threading, time
path, secs, stable = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
reqs = [
    ('{"id":%d,"op":"find","query":"cloud","count":true}', lambda j: j["total"] == stable),
    ('{"id":%d,"op":"find","query":"zyzzyva","limit":1}', lambda j: j["total"] == 1 and j["hits"][0]["path"].endswith("/changing.md")),
    ('{"id":%d,"op":"find","query":"\\"the changing note\\"","all":true,"occurrences":true}', lambda j: j["total"] == 1),
    ('{"id":%d,"op":"suggest","prefix":"clo"}', lambda j: j["completions"] != []),
    ('{"id":%d,"op":"status"}', lambda j: j["notes"] > 0),
    ('{"id":%d,"op":"find","query":"the","files":true,"limit":50}', lambda j: len(j["hits"]) > 0),
]
fails, lat = [], []
lock = threading.Lock()
def client(k):
    s = socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(path)
    f = s.makefile("rb")
    end = time.time() + secs
    n = 0
    while time.time() < end:
        tmpl, check = reqs[(n + k) % len(reqs)]
        n += 1
        t0 = time.time()
        try:
            s.sendall((tmpl % n + "\n").encode())
            line = f.readline()
            j = json.loads(line)
            ok = j["id"] == n and j["ok"] and check(j)
        except Exception as e:
            ok, j = False, repr(e)
        with lock:
            lat.append(time.time() - t0)
            if not ok:
                fails.append("%s -> %s" % (tmpl % n, str(j)[:300]))
        if not line:
            s = socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(path); f = s.makefile("rb")
ts = [threading.Thread(target=client, args=(k,)) for k in range(16)]
for t in ts: t.start()
for t in ts: t.join()
lat.sort()
print(len(lat), len(fails), "%.1f" % (lat[len(lat) // 2] * 1000), "%.1f" % (lat[int(len(lat) * 0.99)] * 1000), "%.1f" % (lat[-1] * 1000))
for x in fails[:5]:
    print(x)
PY
)
touch "$TEST_TMP/stop"
wait "$WRITER" "$CLI"
read -r nq nfail p50 p99 pmax <<<"$(head -1 <<<"$out")"
commits=$(grep -c '^ok' "$TEST_TMP/commits")
wfails=$(grep -c '^fail' "$TEST_TMP/commits")
cli_ok=$(grep -c '^ok' "$TEST_TMP/cli")
cli_fail=$(grep -c '^fail' "$TEST_TMP/cli")
echo "# ${SECS} s: $nq protocol queries by 16 clients (latency p50 ${p50} ms, p99 ${p99} ms, max ${pmax} ms)," \
	"$commits commits, $cli_ok lectern find runs"
t_match "the 16 clients ran queries" '^[1-9][0-9]*$' "$nq"
t_eq "zero failed protocol queries" "0" "$nfail"
[[ $nfail == 0 ]] || echo "$out" | tail -n +2 | sed 's/^/#   /'
t_match "the writer committed in a loop (at least 5 commits)" '^([5-9]|[1-9][0-9]+)$' "$commits"
t_eq "... every writer run succeeded" "0" "$wfails"
[[ $wfails == 0 ]] || head -3 "$TEST_TMP/writer.err" | sed 's/^/#   /'
t_match "lectern find ran through the daemon meanwhile" '^[1-9][0-9]*$' "$cli_ok"
t_eq "... zero failed 'lectern find' runs" "0" "$cli_fail"
[[ $cli_fail == 0 ]] || head -3 "$TEST_TMP/cli.err" | sed 's/^/#   /'
t_ok "the daemon is alive" kill -0 "$SERVE_PID"
t_ok "... and sees the last commit" "$LECTERN" find --count "zyzzyva"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
t_eq "... and stops cleanly (exit 0)" 0 "$?"
t_done
