#!/usr/bin/env bash
# T300-serve-protocol - `lectern serve`'s JSON lines over a real socket: ping,
# status, find, suggest, reindex; pipelining; errors as responses; a line
# over 1 MiB; freshness after `lectern index` and after a reindex op.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
serve_index_corpus

start_serve "$TEST_TMP/serve.log"
t_eq "serve starts and answers on the default socket" 0 $?

out=$(rpc "$SOCK" '{"id":1,"op":"ping"}')
t_eq "ping: ok" True "$(jget "$out" 'j["ok"]')"
t_eq "ping: echoes the id" 1 "$(jget "$out" 'j["id"]')"
t_eq "ping: protocol 1" 1 "$(jget "$out" 'j["protocol"]')"
t_eq "ping: the absolute index directory" "$LECTERN_INDEX" "$(jget "$out" 'j["index"]')"
t_eq "ping: the lectern version" "$("$LECTERN" --version | cut -d' ' -f2)" "$(jget "$out" 'j["version"]')"

out=$(rpc "$SOCK" '{"id":"s","op":"status"}')
t_eq "status: roots" "['$NOTES']" "$(jget "$out" 'j["roots"]')"
t_eq "status: notes" 5 "$(jget "$out" 'j["notes"]')"
t_match "status: passages" '^[1-9][0-9]*$' "$(jget "$out" 'j["passages"]')"
t_match "status: size on disk" '^[1-9][0-9]*$' "$(jget "$out" 'j["bytes_on_disk"]')"
t_match "status: last indexed (ISO time)" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T' "$(jget "$out" 'j["last_indexed"]')"
t_match "status: daemon uptime" '^[0-9]+$' "$(jget "$out" 'j["daemon"]["uptime_sec"]')"
t_match "status: request counts" '^[1-9][0-9]*$' "$(jget "$out" 'j["daemon"]["ops"]["ping"]')"
t_eq "status: protocol" 1 "$(jget "$out" 'j["protocol"]')"

out=$(rpc "$SOCK" '{"id":3,"op":"find","query":"cattle not pets","limit":2}')
t_eq "find: ok" True "$(jget "$out" 'j["ok"]')"
t_match "find: path of the hit" 'cattle-not-pets\.txt$' "$(jget "$out" 'j["hits"][0]["path"]')"
t_eq "find: line, col" "10 135" "$(jget "$out" '"%d %d" % (j["hits"][0]["line"], j["hits"][0]["col"])')"
t_match "find: snippet" 'cattle, not pets' "$(jget "$out" 'j["hits"][0]["snippet"]')"
t_eq "find: highlight ranges cover the words" "cattle" \
	"$(jget "$out" 'j["hits"][0]["snippet"].encode()[j["hits"][0]["highlights"][0][0]:][:j["hits"][0]["highlights"][0][1]].decode()')"
t_match "find: score" '^[0-9.]+$' "$(jget "$out" 'j["hits"][0]["score"]')"
t_eq "find: heading path present" "<class 'list'>" "$(jget "$out" 'type(j["hits"][0]["headings"])')"
out=$(rpc "$SOCK" '{"id":4,"op":"find","query":"keynote","count":true}')
t_match "find count: a total, no hits" '^[1-9][0-9]* 0$' "$(jget "$out" '"%d %d" % (j["total"], len(j["hits"]))')"
out=$(rpc "$SOCK" '{"id":5,"op":"find","query":"keynote","files":true,"limit":3}')
t_eq "find files: distinct files" 3 "$(jget "$out" 'len(set(h["path"] for h in j["hits"]))')"
out=$(rpc "$SOCK" '{"id":6,"op":"find","query":"vogels","context":1,"limit":1,"offset":1}')
t_eq "find context: 3 lines around the match" 3 "$(jget "$out" 'len(j["hits"][0]["context"])')"
out=$(rpc "$SOCK" '{"id":7,"op":"find","query":"cloud","all":true,"occurrences":true,"order":"place"}')
t_eq "find all + occurrences: every hit has its line text" True \
	"$(jget "$out" 'all(o["text"] for h in j["hits"] for o in h["occurrences"])')"
t_eq "find all: total is exact and equals the hits" True "$(jget "$out" 'j["total_exact"] and j["total"] == len(j["hits"])')"
full=$out
out=$(rpc "$SOCK" '{"id":7,"op":"find","query":"cloud","all":true,"occurrences":true,"order":"place","places_only":true}')
t_eq "find places_only: the same places and occurrences" \
	"$(jget "$full" '[(h["path"], h["line"], h["col"], h["occurrences"]) for h in j["hits"]]')" \
	"$(jget "$out" '[(h["path"], h["line"], h["col"], h["occurrences"]) for h in j["hits"]]')"
t_eq "... without what vimgrep does not print" "[]" \
	"$(jget "$out" 'sorted(set(k for h in j["hits"] for k in h) & {"shown_path", "headings", "snippet", "highlights", "title", "date", "speakers"})')"
t_true "... in fewer bytes (${#out} against ${#full})" test "${#out}" -lt "${#full}"

out=$(rpc "$SOCK" '{"id":8,"op":"suggest","prefix":"amazon catt"}')
t_eq "suggest: completes the last word" cattle "$(jget "$out" 'j["completions"][0]["word"]')"
t_eq "suggest: the completed text" "amazon cattle" "$(jget "$out" 'j["completions"][0]["text"]')"
out=$(rpc "$SOCK" '{"id":9,"op":"suggest","prefix":"amazn"}')
t_eq "suggest: did you mean" amazon "$(jget "$out" 'j["did_you_mean"]')"

# pipelining: several requests in one write, answers in order with their ids
out=$(rpc "$SOCK" '{"id":"a","op":"ping"}' '{"id":2,"op":"find","query":"cloud"}' \
	'{"id":3.5,"op":"status"}' '{"id":null,"op":"ping"}' '{"id":"e","op":"suggest","prefix":"clo"}')
t_eq "pipelining: five answers" 5 "$(wc -l <<<"$out")"
t_eq "pipelining: ids echoed in order" "a 2 3.5 None e" \
	"$(python3 -c 'import json,sys; print(" ".join(str(json.loads(l)["id"]) for l in sys.stdin))' <<<"$out")"

# errors are responses, and the connection stays usable after each
out=$(rpc "$SOCK" 'this is not json' '{"id":11,"op":"find","query":7}' '{"id":12,"op":"fly"}' \
	'{"id":13,"op":"find","query":"(cloud","strict":true}' '{"id":14,"op":"find","query":"x","limit":0}' \
	'[1,2]' '{"id":15,"op":"find","query":"x","bogus":1}' '{"id":16,"op":"ping"}')
codes=$(python3 -c 'import json,sys; print(" ".join(json.loads(l).get("error",{}).get("code","ok") for l in sys.stdin))' <<<"$out")
t_eq "errors: codes for bad json, wrong type, unknown op, bad query, range, not an object, unknown arg" \
	"bad_json bad_request unknown_op bad_query bad_request bad_request bad_request ok" "$codes"
t_eq "errors: the id of a well-formed request is echoed" 13 "$(sed -n 4p <<<"$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
t_contains "errors: the message says what is wrong" "unbalanced" "$(sed -n 4p <<<"$out")"
out=$(rpc "$SOCK" '' '   ' '{"id":17,"op":"ping"}')
t_eq "blank lines are skipped, not answered" 17 "$(jget "$out" 'j["id"]')"

# socat, as docs/protocol.md shows
if command -v socat >/dev/null; then
	out=$(printf '{"id":1,"op":"ping"}\n' | socat - "UNIX-CONNECT:$SOCK")
	t_eq "socat - UNIX-CONNECT works" True "$(jget "$out" 'j["pong"]')"
fi

# a line over 1 MiB: an error, then the connection is closed
out=$(python3 - "$SOCK" <<'PY'
import socket, sys, json
s = socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(sys.argv[1])
big = '{"id":1,"op":"find","query":"' + "a" * (1536 * 1024) + '"}\n'
try:
    s.sendall(big.encode())
except (BrokenPipeError, ConnectionResetError):
    pass
f = s.makefile("rb")
first = f.readline()
print(json.loads(first)["error"]["code"] if first else "<nothing>")
try:
    rest = f.read()  # EOF: closed by the daemon
except ConnectionResetError:
    rest = b""       # closed with our unsent bytes unread: a reset
print("closed" if rest == b"" else "open: %r" % rest[:80])
PY
)
t_eq "1.5 MiB line: too_large error" too_large "$(sed -n 1p <<<"$out")"
t_eq "1.5 MiB line: then the connection is closed" closed "$(sed -n 2p <<<"$out")"
out=$(rpc "$SOCK" '{"id":1,"op":"ping"}')
t_eq "the daemon still answers others after it" True "$(jget "$out" 'j["ok"]')"
# a line of just under 1 MiB is a normal request (answered, here bad_query or ok)
out=$(python3 - "$SOCK" <<'PY'
import socket, sys, json
s = socket.socket(socket.AF_UNIX); s.settimeout(20); s.connect(sys.argv[1])
pad = 1024 * 1024 - 200
line = '{"id":1,"op":"ping"}' + " " * pad + "\n" + '{"id":2,"op":"ping"}\n'
s.sendall(line.encode())
f = s.makefile("rb")
print(" ".join(str(json.loads(f.readline())["id"]) for _ in range(2)))
PY
)
t_eq "a line just under 1 MiB is answered, the connection goes on" "1 2" "$out"

# freshness: a note indexed by `lectern index` is seen without a restart
printf '# Zebracorn summit\n\nThe zebracorn migration talk.\n' >"$NOTES/zebra.md"
out=$(rpc "$SOCK" '{"id":1,"op":"find","query":"zebracorn","count":true}')
t_eq "before indexing, the new note is not found" 0 "$(jget "$out" 'j["total"]')"
"$LECTERN" index >/dev/null 2>&1
out=$(rpc "$SOCK" '{"id":1,"op":"find","query":"zebracorn","count":true}')
t_eq "after 'lectern index', the next query sees it" 1 "$(jget "$out" 'j["total"]')"

# the reindex op: a new note, then a reply when done
printf 'Okapi sightings at the offsite.\n' >"$NOTES/okapi.txt"
out=$(rpc "$SOCK" '{"id":"r","op":"reindex"}' '{"id":"q","op":"find","query":"okapi","count":true}')
t_eq "reindex: ok" True "$(sed -n 1p <<<"$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ok"])')"
t_eq "reindex: reports the added note" 1 "$(sed -n 1p <<<"$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["added"])')"
t_eq "reindex: the request after it sees the note" 1 "$(sed -n 2p <<<"$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
rm "$NOTES/okapi.txt"
out=$(rpc "$SOCK" "{\"id\":1,\"op\":\"reindex\",\"paths\":[\"$NOTES\"]}" '{"id":2,"op":"find","query":"okapi","count":true}')
t_eq "reindex of given paths: a deleted note is removed" "1 0" \
	"$(python3 -c 'import json,sys; l=[json.loads(x) for x in sys.stdin]; print(l[0]["stats"]["removed"], l[1]["total"])' <<<"$out")"
out=$(rpc "$SOCK" '{"id":1,"op":"reindex","paths":["/nonexistent/lectern/x"]}')
t_eq "reindex of a missing path: not_found error" not_found "$(jget "$out" 'j["error"]["code"]')"
out=$(rpc "$SOCK" '{"id":1,"op":"reindex","paths":["relative"]}')
t_eq "reindex of a relative path: bad_request" bad_request "$(jget "$out" 'j["error"]["code"]')"

# queries are answered while a reindex runs
python3 - "$NOTES" <<'PY'
import os, sys
d = os.path.join(sys.argv[1], "bulk")
os.makedirs(d)
for i in range(400):
    with open(os.path.join(d, "n%03d.md" % i), "w") as f:
        f.write("# Bulk %d\n\n" % i + ("filler words about meetings and notes %d. " % i) * 300)
PY
out=$(python3 - "$SOCK" <<'PY'
import socket, sys, json, time
a = socket.socket(socket.AF_UNIX); a.settimeout(60); a.connect(sys.argv[1])
a.sendall(b'{"id":"r","op":"reindex"}\n')
time.sleep(0.05)
b = socket.socket(socket.AF_UNIX); b.settimeout(60); b.connect(sys.argv[1])
fb = b.makefile("rb")
served, t0 = 0, time.time()
b.sendall(b'{"id":1,"op":"status"}\n')
during = json.loads(fb.readline())["daemon"]["reindexing"]
for i in range(20):
    b.sendall(b'{"id":2,"op":"find","query":"cattle","count":true}\n')
    served += json.loads(fb.readline())["ok"]
r = json.loads(a.makefile("rb").readline())
print(during, served, r["ok"], r["stats"]["added"])
PY
)
t_eq "while a reindex runs, finds are answered (reindexing, answered, reindex ok, added)" "True 20 True 400" "$out"

stop_serve
t_eq "SIGTERM: exit 0" 0 $?
t_match "the log has ISO timestamps and levels" \
	'^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z lectern\[[0-9]+\] info: ' "$(head -1 "$TEST_TMP/serve.log")"
t_done
