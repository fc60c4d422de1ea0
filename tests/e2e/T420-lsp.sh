#!/usr/bin/env bash
# T420-lsp - `lectern lsp` driven by a scripted client (tests/tools/lsp-client)
# that checks every message against JSON-RPC 2.0 and the LSP base framing:
# initialize's capabilities; workspace/symbol "cattle, not pets" gives the
# seed note at line 10 and the UTF-16 character of the match (a line with
# ’ and – before it; a note with 😀, outside the BMP, too); hover and
# definition on [[wiki]] and markdown links and on a heading; didSave
# reindexes the note (seen by the next query); errors for unknown methods,
# bad JSON, bad headers, a message over 16 MiB, requests before initialize
# and after shutdown; exit 0 after shutdown, 1 without. Through a daemon
# already running, one the server starts, and none (--no-daemon).
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

t_need python3

CLIENT=$REPO/tests/tools/lsp-client
NOTES=$TEST_TMP/notes
SEED=$NOTES/2015-reinvent-partner-keynote-cattle-not-pets.txt
mkdir -p "$NOTES" && cp "$REPO"/corpus/* "$NOTES"/

# A note outside the BMP, and one that links to the others.
cat >"$NOTES/emoji-note.md" <<'EOF'
# Emoji

A grin 😀 – then zebrafish quantum.

## Second part

The second part says hello.
EOF
cat >"$NOTES/links.md" <<'EOF'
# Links

See [[emoji-note]] and [[emoji-note#Second part]] and [the seed](2015-reinvent-partner-keynote-cattle-not-pets.txt).

## Heading to hover

Words under the heading to hover.
EOF
# A [[link]] to a note in another directory: found through the index.
mkdir -p "$NOTES/sub"
printf 'Up: [[emoji-note]].\n' >"$NOTES/sub/deep.md"
t_ok "index the notes" "$LECTERN" index --quiet --no-progress "$NOTES"

# The expected places, in UTF-16 code units, computed here from the files.
read -r SEED_LINE SEED_CHAR EMOJI_LINE EMOJI_CHAR < <(python3 - "$SEED" "$NOTES/emoji-note.md" <<'EOF'
import sys
def place(path, needle):
    for n, line in enumerate(open(path, encoding="utf-8")):
        if needle in line:
            return n, len(line[:line.index(needle)].encode("utf-16-le")) // 2
a = place(sys.argv[1], "cattle, not pets")
b = place(sys.argv[2], "zebrafish")
print(a[0], a[1], b[0], b[1])
EOF
)
t_eq "the seed phrase is on line 10 (0-based 9)" 9 "$SEED_LINE"
t_true "line 10 has characters that UTF-8 and UTF-16 count differently before the phrase" \
	python3 -c 'import sys; l=open(sys.argv[1],encoding="utf-8").read().split("\n")[9]; p=l[:l.index("cattle, not pets")]; sys.exit(not ("’" in p and "–" in p))' "$SEED"

uri() { python3 -c 'import sys, pathlib; print(pathlib.Path(sys.argv[1]).as_uri())' "$1"; }
SEED_URI=$(uri "$SEED")
EMOJI_URI=$(uri "$NOTES/emoji-note.md")
LINKS_URI=$(uri "$NOTES/links.md")
DEEP_URI=$(uri "$NOTES/sub/deep.md")

# position LINE NEEDLE: the UTF-16 character of NEEDLE + 2 in line LINE of links.md
pos() {
	python3 - "$NOTES/links.md" "$1" "$2" <<'EOF'
import sys
l = open(sys.argv[1], encoding="utf-8").read().split("\n")[int(sys.argv[2])]
print(len(l[:l.index(sys.argv[3]) + 2].encode("utf-16-le")) // 2)
EOF
}
WIKI_CHAR=$(pos 2 '[[emoji-note]]')
ANCHOR_CHAR=$(pos 2 '[[emoji-note#')
MD_CHAR=$(pos 2 '[the seed]')

SCRIPT=$TEST_TMP/script.json
cat >"$SCRIPT" <<EOF
[
 {"request": "workspace/symbol", "params": {"query": "cattle"}},
 {"notify": "initialized", "params": {}},
 {"request": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}},
 {"notify": "initialized", "params": {}},
 {"request": "workspace/symbol", "params": {"query": "cattle, not pets"}},
 {"request": "workspace/symbol", "params": {"query": "zebrafish"}},
 {"request": "workspace/symbol", "params": {"query": ""}},
 {"request": "textDocument/hover", "params": {"textDocument": {"uri": "$LINKS_URI"}, "position": {"line": 2, "character": $WIKI_CHAR}}},
 {"request": "textDocument/hover", "params": {"textDocument": {"uri": "$LINKS_URI"}, "position": {"line": 2, "character": $ANCHOR_CHAR}}},
 {"request": "textDocument/hover", "params": {"textDocument": {"uri": "$LINKS_URI"}, "position": {"line": 4, "character": 4}}},
 {"request": "textDocument/hover", "params": {"textDocument": {"uri": "$LINKS_URI"}, "position": {"line": 6, "character": 1}}},
 {"request": "textDocument/definition", "params": {"textDocument": {"uri": "$LINKS_URI"}, "position": {"line": 2, "character": $WIKI_CHAR}}},
 {"request": "textDocument/definition", "params": {"textDocument": {"uri": "$LINKS_URI"}, "position": {"line": 2, "character": $ANCHOR_CHAR}}},
 {"request": "textDocument/definition", "params": {"textDocument": {"uri": "$LINKS_URI"}, "position": {"line": 2, "character": $MD_CHAR}}},
 {"request": "textDocument/definition", "params": {"textDocument": {"uri": "$LINKS_URI"}, "position": {"line": 0, "character": 0}}},
 {"request": "workspace/symbol", "params": {"query": "xylophonic"}},
 {"append": ["$NOTES/links.md", "\nA xylophonic line, added after indexing.\n"]},
 {"notify": "textDocument/didSave", "params": {"textDocument": {"uri": "$LINKS_URI"}}},
 {"request": "workspace/symbol", "params": {"query": "xylophonic"}},
 {"request": "no/such/method"},
 {"request": "workspace/symbol", "params": {"nope": 1}},
 {"request": "textDocument/hover", "params": {"textDocument": {"uri": "http://x/y"}, "position": {"line": 0, "character": 0}}},
 {"raw_body": "{not json", "expect": 1},
 {"raw_body": "[1,2]", "expect": 1},
 {"raw_body": "{\"jsonrpc\":\"1.0\",\"id\":77,\"method\":\"shutdown\"}", "expect": 1},
 {"raw": "X-Nothing: here\r\n\r\n", "expect": 1},
 {"big": 16777217, "expect": 1},
 {"notify": "no/such/notification", "params": {}},
 {"request": "initialize", "params": {"capabilities": {}}},
 {"request": "workspace/symbol", "params": {"query": "cattle, not pets"}},
 {"request": "textDocument/definition", "params": {"textDocument": {"uri": "$DEEP_URI"}, "position": {"line": 0, "character": 7}}},
 {"request": "shutdown"},
 {"request": "workspace/symbol", "params": {"query": "cattle"}},
 {"notify": "exit"}
]
EOF

# Run the script against `lectern lsp ARGS`; the facts the checks read are
# printed by $TEST_TMP/facts.py as KEY=VALUE lines into $FACTS.
cat >"$TEST_TMP/facts.py" <<'EOF'
import json, sys
steps, exit_line, violations = {}, None, []
for line in open(sys.argv[1]):
    j = json.loads(line)
    if "step" in j:
        steps[j["step"]] = j["got"]
    elif "exit" in j:
        exit_line = j
    elif "violation" in j:
        violations.append(j)
def resp(i):
    for m in steps.get(i, []):
        if m and "method" not in m:
            return m
    return {}
def logs(i):
    return [m["params"]["message"] for m in steps.get(i, []) if m and m.get("method") == "window/logMessage"]
def result(i):
    return resp(i).get("result")
def err(i):
    return (resp(i).get("error") or {}).get("code")
def say(k, v):
    print("%s=%s" % (k, v))
say("violations", len(violations) + (exit_line or {}).get("violations", 0))
say("exit", (exit_line or {}).get("exit"))
say("before_init", err(0))
caps = (result(2) or {}).get("capabilities", {})
say("caps", ",".join(sorted(k for k, v in caps.items() if v)))
say("sync_save", json.dumps(caps.get("textDocumentSync", {}).get("save")))
say("backend", " ".join(m for i in steps for m in logs(i) if "searching" in m))
def sym(i):
    r = result(i) or []
    if not r:
        return "none"
    s = r[0]
    loc = s["location"]
    return "%s:%d:%d-%d kind=%s name=%s" % (loc["uri"], loc["range"]["start"]["line"],
        loc["range"]["start"]["character"], loc["range"]["end"]["character"], s["kind"], s["name"])
say("sym_seed", sym(4))
say("sym_count_seed", len(result(4) or []))
say("sym_emoji", sym(5))
say("sym_empty", json.dumps(result(6)))
def hover(i):
    r = result(i)
    if not r:
        return json.dumps(r)
    c = r["contents"]
    return "%s:%s" % (c["kind"], c["value"].replace("\n", "|"))
say("hover_wiki", hover(7))
say("hover_anchor", hover(8))
say("hover_heading", hover(9))
say("hover_plain", hover(10))
def defn(i):
    r = result(i)
    if not r:
        return json.dumps(r)
    return "%s:%d:%d" % (r["uri"], r["range"]["start"]["line"], r["range"]["start"]["character"])
say("def_wiki", defn(11))
say("def_anchor", defn(12))
say("def_md", defn(13))
say("def_none", defn(14))
say("before_save", sym(15))
say("save_logs", " ".join(logs(17) + logs(18)))
say("after_save", sym(18))
say("unknown_method", err(19))
say("bad_params", err(20))
say("bad_uri", err(21))
for k, i in (("bad_json", 22), ("batch", 23), ("bad_version", 24), ("bad_header", 25), ("too_big", 26)):
    m = (steps.get(i) or [{}])[0] or {}
    say(k, "%s id=%s" % ((m.get("error") or {}).get("code"), json.dumps(m.get("id", "absent"))))
say("too_big_msg", ((steps.get(26) or [{}])[0] or {}).get("error", {}).get("message"))
say("reinit", err(28))
say("after_errors", sym(29))
say("def_deep", defn(30))
say("shutdown", json.dumps(resp(31).get("result", "absent")))
say("after_shutdown", err(32))
EOF

FACTS=$TEST_TMP/facts
run_script() {
	t_run timeout 120 python3 "$CLIENT" "$SCRIPT" -- "$LECTERN" lsp "$@"
	printf '%s\n' "$T_OUT" >"$TEST_TMP/transcript"
	# the server's stderr (sanitizer reports, the daemon's log) for a failure's log
	[[ -n $T_ERR ]] && printf '# stderr: %s\n' "${T_ERR:0:3000}"
	RUN_ERR=$T_ERR
	python3 "$TEST_TMP/facts.py" "$TEST_TMP/transcript" >"$FACTS"
}
fact() { sed -n "s/^$1=//p" "$FACTS"; }

# sane MODE: the server's stderr has no sanitizer report (under SANITIZE=1 one
# exits 1, which some checks expect for other reasons).
sane() {
	t_lacks "$1: no sanitizer report" "runtime error" "$RUN_ERR"
	t_lacks "$1: no AddressSanitizer report" "Sanitizer" "$RUN_ERR"
}

# check_all MODE: every check of one run (the note is restored first).
check_all() {
	local mode=$1
	sane "$mode"
	t_eq "$mode: no message breaks JSON-RPC 2.0 or the framing" 0 "$(fact violations)"
	t_eq "$mode: exit after shutdown is exit status 0" 0 "$(fact exit)"
	t_eq "$mode: a request before initialize is ServerNotInitialized" -32002 "$(fact before_init)"
	t_eq "$mode: initialize advertises symbols, hover, definition and sync" \
		"definitionProvider,hoverProvider,textDocumentSync,workspaceSymbolProvider" "$(fact caps)"
	t_eq "$mode: didSave is asked for" '{"includeText": false}' "$(fact sync_save)"
	t_contains "$mode: workspace/symbol finds the seed note at line 9, UTF-16 character $SEED_CHAR, the range over the phrase" \
		"$SEED_URI:$SEED_LINE:$SEED_CHAR-$((SEED_CHAR + 16)) kind=15 name=" "$(fact sym_seed)"
	t_contains "$mode: the symbol's name holds the snippet" "they are cattle, not pets" "$(fact sym_seed)"
	t_eq "$mode: one passage says it" 1 "$(fact sym_count_seed)"
	t_contains "$mode: after a non-BMP character the match is counted in UTF-16 (😀 is 2)" \
		"$EMOJI_URI:$EMOJI_LINE:$EMOJI_CHAR-$((EMOJI_CHAR + 9)) kind=15 name=Emoji — " "$(fact sym_emoji)"
	t_eq "$mode: an empty query is no symbols" "[]" "$(fact sym_empty)"
	t_contains "$mode: hover on [[emoji-note]] shows that note" \
		"markdown:**emoji-note.md**||# Emoji||A grin 😀" "$(fact hover_wiki)"
	t_contains "$mode: hover on [[emoji-note#Second part]] shows that section" \
		"markdown:**emoji-note.md**||## Second part||The second part says hello." "$(fact hover_anchor)"
	t_lacks "$mode: and only that section" "Emoji" "$(fact hover_anchor)"
	t_eq "$mode: hover on a heading shows its section" \
		"markdown:## Heading to hover||Words under the heading to hover.|" "$(fact hover_heading)"
	t_eq "$mode: hover on plain text is null" null "$(fact hover_plain)"
	t_eq "$mode: definition of [[emoji-note]] is that note" "$EMOJI_URI:0:0" "$(fact def_wiki)"
	t_eq "$mode: definition of [[emoji-note#Second part]] is its heading" "$EMOJI_URI:4:0" "$(fact def_anchor)"
	t_eq "$mode: definition of a markdown link to a note is that note" "$SEED_URI:0:0" "$(fact def_md)"
	t_eq "$mode: definition where there is no link is null" null "$(fact def_none)"
	t_eq "$mode: a [[link]] to a note elsewhere is found through the index" "$EMOJI_URI:0:0" \
		"$(fact def_deep)"
	t_eq "$mode: a word not yet in the index finds nothing" none "$(fact before_save)"
	t_contains "$mode: after didSave the note's new words are found" "$LINKS_URI:" "$(fact after_save)"
	t_eq "$mode: an unknown method is MethodNotFound" -32601 "$(fact unknown_method)"
	t_eq "$mode: workspace/symbol without a query is InvalidParams" -32602 "$(fact bad_params)"
	t_eq "$mode: a URI that is not a file is InvalidParams" -32602 "$(fact bad_uri)"
	t_eq "$mode: a body that is not JSON is a ParseError with a null id" "-32700 id=null" "$(fact bad_json)"
	t_eq "$mode: a batch (not used by LSP) is InvalidRequest" "-32600 id=null" "$(fact batch)"
	t_eq "$mode: jsonrpc 1.0 is InvalidRequest, with the id" "-32600 id=77" "$(fact bad_version)"
	t_eq "$mode: a header without Content-Length is a ParseError" "-32700 id=null" "$(fact bad_header)"
	t_eq "$mode: a message over 16 MiB is refused" "-32600 id=null" "$(fact too_big)"
	t_contains "$mode: saying how large" "16777217 bytes is over the limit" "$(fact too_big_msg)"
	t_eq "$mode: a second initialize is InvalidRequest" -32600 "$(fact reinit)"
	t_contains "$mode: after all that the server still answers" "$SEED_URI:$SEED_LINE:$SEED_CHAR" \
		"$(fact after_errors)"
	t_eq "$mode: shutdown's result is null" null "$(fact shutdown)"
	t_eq "$mode: a request after shutdown is InvalidRequest" -32600 "$(fact after_shutdown)"
}

# restore: links.md as before the didSave step, indexed again.
restore() {
	python3 - "$NOTES/links.md" <<'EOF'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
i = s.find("\nA xylophonic line")
if i >= 0:
    open(p, "w", encoding="utf-8").write(s[:i])
EOF
	"$LECTERN" index --quiet --no-progress "$NOTES" >/dev/null 2>&1
}

# ---- in this process --------------------------------------------------------
run_script --no-daemon
check_all "no daemon"
t_contains "no daemon: initialized says searches run here" "in this process (no daemon)" "$(fact backend)"
t_contains "no daemon: the reindex is reported to the editor's log" "reindexed $NOTES/links.md" \
	"$(fact save_logs)"

# ---- a daemon already running -----------------------------------------------
restore
SOCK=$TEST_TMP/sock/lectern.sock
mkdir -m 700 "$TEST_TMP/sock"
t_bg "$LECTERN" serve --socket "$SOCK" --log-level warn
DAEMON=$T_BG_PID
until [[ -S $SOCK ]]; do sleep 0.1; done   # a daemon that never listens: the runner's timeout
run_script --socket "$SOCK" --no-start
check_all "running daemon"
t_contains "running daemon: initialized names it" "through the daemon on $SOCK (already running)" \
	"$(fact backend)"
STATUS=$(python3 - "$SOCK" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(20); s.connect(sys.argv[1])
s.sendall(b'{"id":1,"op":"status"}\n')
d = json.loads(s.makefile("rb").readline())["daemon"]["ops"]
print("find=%d reindex=%d" % (d.get("find", 0) >= 5, d.get("reindex", 0)))
EOF
)
t_eq "running daemon: the searches and the reindex went to it" "find=1 reindex=1" "$STATUS"
kill "$DAEMON" 2>/dev/null
wait "$DAEMON" 2>/dev/null

# ---- a daemon the server starts ---------------------------------------------
restore
AUTO=$XDG_RUNTIME_DIR/lectern/lectern.sock
run_script
check_all "started daemon"
t_contains "started daemon: initialized says it started one" \
	"through the daemon on $AUTO (started by this server)" "$(fact backend)"
t_true "started daemon: it stopped with the server (socket removed)" test ! -e "$AUTO"

# ---- files changed outside the editor: didChangeWatchedFiles ----------------
restore
printf 'A gone note about quokkas.\n' >"$NOTES/gone.txt"
"$LECTERN" index --quiet --no-progress "$NOTES" >/dev/null 2>&1
GONE_URI=$(uri "$NOTES/gone.txt")
cat >"$SCRIPT" <<EOF
[
 {"request": "initialize", "params": {"capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}},
 {"notify": "initialized", "params": {}},
 {"request": "workspace/symbol", "params": {"query": "quokkas"}},
 {"append": ["$NOTES/links.md", "\nA xylophonic line, added after indexing.\n"]},
 {"rm": "$NOTES/gone.txt"},
 {"notify": "workspace/didChangeWatchedFiles", "params": {"changes": [{"uri": "$LINKS_URI", "type": 2}, {"uri": "$GONE_URI", "type": 3}, {"uri": "$(uri "$LECTERN_INDEX")/x", "type": 2}]}},
 {"request": "workspace/symbol", "params": {"query": "xylophonic"}},
 {"request": "workspace/symbol", "params": {"query": "quokkas"}},
 {"request": "shutdown"},
 {"notify": "exit"}
]
EOF
cat >"$TEST_TMP/watch.py" <<'EOF'
import json, sys
steps = {}
for line in open(sys.argv[1]):
    j = json.loads(line)
    if "step" in j:
        steps[j["step"]] = j["got"]
msgs = [m for i in sorted(steps) for m in steps[i] if m]
reg = [m for m in msgs if m.get("method") == "client/registerCapability"]
print("register=%s" % (reg[0]["params"]["registrations"][0]["method"] if reg else "none"))
print("register_id=%s" % (isinstance(reg[0].get("id"), (str, int)) if reg else "none"))
def uris(i):
    return ",".join(s["location"]["uri"] for m in steps[i] if m and "result" in m for s in m["result"])
print("before=%s" % uris(2))
print("added=%s" % uris(6))
print("removed=%s" % uris(7))
print("logs=%s" % " ".join(m["params"]["message"] for m in msgs if m.get("method") == "window/logMessage"))
EOF
run_script --no-daemon
sane "watched files"
python3 "$TEST_TMP/watch.py" "$TEST_TMP/transcript" >"$FACTS"
t_eq "watched files: a client that can is asked to watch the files for us" \
	workspace/didChangeWatchedFiles "$(fact register)"
t_eq "watched files: the request has an id" True "$(fact register_id)"
t_eq "watched files: the note to delete is found before" "$GONE_URI" "$(fact before)"
t_contains "watched files: a changed note is reindexed" "$LINKS_URI" "$(fact added)"
t_eq "watched files: a deleted note leaves the index" "" "$(fact removed)"
t_contains "watched files: one run for the notification, the index's own files left out" \
	"reindexed 2 of 3 changed files" "$(fact logs)"

# ---- a match past the 4096 bytes of a line the hits carry ---------------------
python3 - "$NOTES/long-line.txt" <<'EOF'
import sys
open(sys.argv[1], "w", encoding="utf-8").write(
    "Title line\n\n" + "don’t – 😀 " * 600 + "the wombatine burrow.\n")
EOF
"$LECTERN" index --quiet --no-progress "$NOTES" >/dev/null 2>&1
LONG_CHAR=$(python3 -c 'import sys; l=open(sys.argv[1],encoding="utf-8").read().split("\n")[2]; print(len(l[:l.index("wombatine")].encode("utf-16-le"))//2)' "$NOTES/long-line.txt")
cat >"$SCRIPT" <<'EOF'
[{"request": "initialize", "params": {"capabilities": {}}},
 {"request": "workspace/symbol", "params": {"query": "wombatine"}},
 {"request": "shutdown"}, {"notify": "exit"}]
EOF
run_script --no-daemon
sane "long line"
t_true "long line: the match is counted in UTF-16 from the note itself ($LONG_CHAR)" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    if j.get("step") == 1:
        r = [m for m in j["got"] if m and "result" in m][0]["result"][0]["location"]["range"]
        if (r["start"]["line"], r["start"]["character"], r["end"]["character"]) != (2, int(sys.argv[2]), int(sys.argv[2]) + 9):
            print(r)
            sys.exit(1)
' "$TEST_TMP/transcript" "$LONG_CHAR"
rm -f "$NOTES/long-line.txt"

# ---- no index -----------------------------------------------------------------
cat >"$SCRIPT" <<'EOF'
[{"request": "initialize", "params": {"capabilities": {}}},
 {"request": "workspace/symbol", "params": {"query": "cattle"}},
 {"request": "shutdown"}, {"notify": "exit"}]
EOF
LECTERN_INDEX=$TEST_TMP/no-index run_script
sane "no index"
t_eq "no index: the server still runs (exit 0 after shutdown)" 0 "$(fact exit)"
t_contains "no index: workspace/symbol says to run lectern index" \
	"\"code\": -32803, \"message\": \"no index at $TEST_TMP/no-index: run 'lectern index" \
	"$(cat "$TEST_TMP/transcript")"
t_true "no index: nothing was created" test ! -e "$TEST_TMP/no-index"

# ---- exit without shutdown ----------------------------------------------------
cat >"$SCRIPT" <<'EOF'
[{"request": "initialize", "params": {"capabilities": {}}}, {"notify": "exit"}]
EOF
run_script --no-daemon
sane "exit without shutdown"
t_eq "exit without shutdown is exit status 1" 1 "$(fact exit)"
cat >"$SCRIPT" <<'EOF'
[{"request": "initialize", "params": {"capabilities": {}}}, {"raw": "Content-Length: 100\r\n\r\n{\"jsonrpc\""}, {"close": true}]
EOF
run_script --no-daemon
sane "input cut"
t_eq "input cut inside a message: exit status 1, no crash" 1 "$(fact exit)"
t_eq "and nothing malformed was sent" 0 "$(fact violations)"

# ---- hostile input: every request answered, nothing crashes -----------------
python3 - "$SCRIPT" "$NOTES" "$LINKS_URI" <<'EOF'
import json, sys
script, notes, links = sys.argv[1], sys.argv[2], sys.argv[3]
pos = lambda uri, l, c: {"textDocument": {"uri": uri}, "position": {"line": l, "character": c}}
steps = [{"request": "initialize", "params": {"capabilities": {}}}]
steps += [{"raw_body": b, "expect": 1} for b in (
    '{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}',
    '{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}',
    '{"jsonrpc":"2.0","id":5,"method":7}',
    '{"jsonrpc":"2.0","id":6,"method":"workspace/symbol","params":"q"}',
    '{"jsonrpc":"2.0","id":7,"method":"workspace/symbol","params":{"query":"a\\u0000b"}}',
    '{"jsonrpc":"2.0","id":8,"id":9,"method":"shutdown"}',
    '"just a string"', 'null', '', '\xff\xfe')]
steps += [
    {"request": "textDocument/hover", "params": pos(links, 10**9, 10**9)},
    {"request": "textDocument/hover", "params": pos(links, -1, 0)},
    {"request": "textDocument/hover", "params": pos(links, "1", "2")},
    {"request": "textDocument/hover", "params": pos("file:///no/such/note.md", 0, 0)},
    {"request": "textDocument/definition", "params": {"textDocument": 3}},
    {"request": "textDocument/definition"},
    {"notify": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///x.md", "text": 5}}},
    {"notify": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///x.md", "text": "[[\n[[a|]] [](<>) [[../../../../etc/passwd]] [x](/etc/passwd) [[#h]]"}}},
    {"notify": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///x.md"}, "contentChanges": 7}},
    {"notify": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///y.md"}, "contentChanges": [{"range": {}, "text": "z"}]}},
    {"notify": "textDocument/didSave", "params": {"textDocument": {"uri": "file:///etc/passwd"}}},
    {"notify": "workspace/didChangeWatchedFiles", "params": {"changes": "all"}},
    {"notify": "workspace/didChangeWatchedFiles", "params": {"changes": [{"uri": 1}, {"uri": "file:///%zz"}]}},
    {"request": "workspace/symbol", "params": {"query": "x" * 70000}},
    {"request": "workspace/symbol", "params": {"query": ",,,((( NEAR/ \"\" -"}},
    {"request": "workspace/symbol", "params": {"query": "\U0001F600 ’ –"}},
]
steps += [{"request": "textDocument/hover", "params": pos("file:///x.md", 1, c)} for c in range(0, 60, 3)]
steps += [{"request": "textDocument/definition", "params": pos("file:///x.md", 1, c)} for c in range(0, 60, 3)]
steps += [{"request": "shutdown"}, {"notify": "exit"}]
json.dump(steps, open(script, "w"))
EOF
run_script --no-daemon
sane "hostile input"
t_eq "hostile input: exit 0 after shutdown" 0 "$(fact exit)"
t_eq "hostile input: no message breaks the protocol" 0 "$(fact violations)"
t_true "hostile input: every request and every bad message got its answer" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    if "step" not in j:
        continue
    sent, got = j["sent"], [m for m in j["got"] if m is None or "method" not in m]
    if sent is not None and "id" in sent:
        ok = any(m and m.get("id") == sent["id"] for m in got)
    else:
        ok = all(m and ("error" in m or "result" in m) for m in got)
    if not ok:
        print("step", j["step"], "sent", json.dumps(sent)[:200], "got", json.dumps(j["got"])[:300])
        sys.exit(1)
' "$TEST_TMP/transcript"
t_contains "hostile input: a file outside the roots is not indexed" "/etc/passwd is under none of the index" \
	"$(cat "$TEST_TMP/transcript")"
head -c 300000 /dev/urandom >"$TEST_TMP/noise"
t_exit 1 "random bytes: exit 1 (input ended without shutdown), not a crash" \
	sh -c '"$1" lsp --no-daemon <"$2" >/dev/null' sh "$LECTERN" "$TEST_TMP/noise"
RUN_ERR=$T_ERR
sane "random bytes"

t_ok "lectern lsp --help" "$LECTERN" lsp --help
t_contains "--help says what it is" "language server" "$T_OUT"
t_exit 2 "lectern lsp takes no arguments" "$LECTERN" lsp extra

t_done
