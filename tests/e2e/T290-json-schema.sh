#!/usr/bin/env bash
# T290-json-schema - every JSON answer is valid against
# docs/lectern-output.schema.json, checked by a real validator
# (python3-jsonschema, through tests/tools/check-json): find --json's typed
# lines (begin, match..., end, summary; --count: the summary alone) for
# every kind of request, status --json, and the daemon's ping, status, find
# (one line, streamed, a fallback, a count) and error answers. Over corpus/.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3
t_need jq
# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
serve_index_corpus
cd "$TEST_TMP" || exit 1

SCHEMA=$REPO/docs/lectern-output.schema.json
# the Debian package's validator: Debian's own python3 (a python3 earlier on
# PATH, pyenv's say, may have another jsonschema or none)
JSON_PY=/usr/bin/python3
[[ -x $JSON_PY ]] || JSON_PY=python3
# valid KIND FILE: every line of FILE is a valid KIND ("any": one of them)
valid() { "$JSON_PY" "$REPO/tests/tools/check-json" "$SCHEMA" "$1" "$2"; }
t_true "python3-jsonschema is installed (scripts/install-deps)" "$JSON_PY" -c 'import jsonschema'
t_true "the schema is a valid JSON Schema (draft 2020-12)" "$JSON_PY" -c '
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
jsonschema.Draft202012Validator.check_schema(s)' "$SCHEMA"

# The validator rejects what the schema forbids (so that a pass means something).
printf '%s\n' '{"type":"begin","version":1}' >bad1.json
t_fail "  a begin line without its query is invalid" valid begin bad1.json
printf '%s\n' '{"type":"summary","version":2,"total":0,"total_exact":true,"shown":0,"fallback":false,"fallback_query":null,"suggestion":null,"fixed":false,"explain":null,"warnings":[]}' >bad2.json
t_fail "  a summary of another version is invalid" valid summary bad2.json

t_ok "find --json cloud" "$LECTERN" find --json cloud
printf '%s\n' "$T_OUT" >plain.json
t_true "find --json cloud: every line valid" valid any plain.json
t_eq "  typed lines in order" "begin match end summary" "$(jq -r .type plain.json | uniq | tr '\n' ' ' | sed 's/ $//')"
t_eq "  end and summary count the hits" "$(jq -c 'select(.type == "match")' plain.json | grep -c .) $(jq -c 'select(.type == "match")' plain.json | grep -c .)" \
	"$(jq -r 'select(.type == "end") | .shown' plain.json) $(jq -r 'select(.type == "summary") | .shown' plain.json)"
t_true "  the match lines are matches" valid match <(jq -c 'select(.type == "match")' plain.json)

check() { # NAME ARGS...: find --json ARGS... exits 0 or 1, every line valid
	local name=$1
	shift
	t_exit "0|1" "find --json $name" "$LECTERN" find --json "$@"
	printf '%s\n' "$T_OUT" >"$TEST_TMP/c.json"
	t_true "  every line valid" valid any "$TEST_TMP/c.json"
	t_eq "  first begin, last summary" "begin summary" \
		"$(head -n 1 "$TEST_TMP/c.json" | jq -r .type) $(tail -n 1 "$TEST_TMP/c.json" | jq -r .type)"
}
check "--all -C 2 (context)" --all -C 2 cloud
check "--files" --files --all cloud
check "--no-snippets" --no-snippets --all cloud
check "vimgrep's occurrences as JSON" --format json --all --sort path cloud
check "a fallback" cloud instances zzyzxqwv
t_eq "  marked" "true" "$(tail -n 1 "$TEST_TMP/c.json" | jq -r .fallback)"
check "a suggestion" instanses keynote
t_eq "  in the summary" '"instances keynote"' "$(tail -n 1 "$TEST_TMP/c.json" | jq -c .suggestion)"
check "--explain" --explain cloud OR amazon
check "nothing found" zzzqqqxxx
check "a forgiving-mode warning" 'cloud "unclosed'
t_exit "0|1" "find --json --count" "$LECTERN" find --json --count cloud
printf '%s\n' "$T_OUT" >count.json
t_eq "  one line" 1 "$(grep -c . count.json)"
t_true "  the summary alone" valid summary count.json
t_ok "status --json" "$LECTERN" status --json
printf '%s\n' "$T_OUT" >status.json
t_true "  valid (last_indexed ISO 8601)" valid status status.json

# ---- the daemon ----------------------------------------------------------------
start_serve "$TEST_TMP/serve.log"
t_eq "serve starts" 0 $?
rpc "$SOCK" '{"id":1,"op":"ping"}' >ping.json
t_true "daemon ping: valid" valid daemon_ping ping.json
rpc "$SOCK" '{"id":"s","op":"status"}' >dstatus.json
t_true "daemon status: valid" valid daemon_status dstatus.json
rpc "$SOCK" '{"id":2,"op":"find","query":"cloud","context":1}' \
	'{"id":3,"op":"find","query":"cloud instances zzyzxqwv","all":true}' \
	'{"id":4,"op":"find","query":"cloud","count":true}' \
	'{"id":5,"op":"find","query":"cloud","files":true,"occurrences":true}' \
	'{"id":6,"op":"find","query":"cloud","all":true,"order":"place","occurrences":true}' >finds.json
t_true "daemon find answers (context, fallback, count, files, occurrences): valid" valid daemon_find finds.json
t_eq "  the fallback answer is marked" "true" "$(sed -n 2p finds.json | jq -r .fallback)"
# a streamed answer: its "more" lines and its last line
python3 - "$SOCK" >stream.json <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sys.argv[1])
s.sendall(b'{"id":7,"op":"find","query":"the","all":true,"stream":true,"context":3}\n')
f = s.makefile("rb")
for line in f:
    sys.stdout.write(line.decode())
    if b'"more"' not in line:
        break
PY
t_true "daemon streamed find: every line valid" valid daemon_find stream.json
rpc "$SOCK" '{"id":8,"op":"find","query":"(cloud","strict":true}' '{"id":9,"op":"nope"}' \
	'{"id":10,"op":"find"}' >errors.json
t_true "daemon errors: valid" valid daemon_error errors.json
t_true "every daemon answer is valid against the schema itself" valid any \
	<(cat ping.json dstatus.json finds.json stream.json errors.json)
stop_serve
t_done
