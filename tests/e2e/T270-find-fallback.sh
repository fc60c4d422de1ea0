#!/usr/bin/env bash
# T270-find-fallback - the fallback rule (docs/query-language.md, "When
# nothing matches"): when no passage matches the query as written and the
# passages holding some of its words are shown, one query gives the same
# exit status (1), the same hits and the same marks in text, --json,
# --files, --count, vimgrep, -q and the daemon's answer; the fallback pages
# (--offset, --all) like any result; a misspelt word among others gets its
# "did you mean" in the output itself. Over corpus/.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3
t_need jq
# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
serve_index_corpus
cd "$TEST_TMP" || exit 1

# Words of many passages and one of none: nothing matches them all.
Q=(cloud instances zzyzxqwv)
# the places (path:line:col) of find --json's hit lines, and their marks
places() { jq -r 'select(.type == "match") | "\(.shown_path):\(.line):\(.col)"' <<<"$1"; }
marks() { jq -r 'select(.type == "match") | .fallback' <<<"$1" | sort -u | tr '\n' ' '; }
summary() { jq -c "select(.type == \"summary\") | $2" <<<"$1"; }

# ---- without a daemon ----------------------------------------------------------
t_exit 1 "the fallback exits 1 in text" "$LECTERN" find --no-daemon --color=never "${Q[@]}"
TEXT=$T_OUT
t_eq "  and says so first, on stdout" \
	"no passage matches the whole query; passages matching some of its words:" "$(head -n 1 <<<"$TEXT")"
TEXT_PLACES=$(grep -E '^[^ ].*:[0-9]+:[0-9]+$' <<<"$TEXT")
t_eq "  10 hits (the default page)" 10 "$(grep -c . <<<"$TEXT_PLACES")"

t_exit 1 "--json exits 1 too" "$LECTERN" find --no-daemon --json "${Q[@]}"
JSON=$T_OUT
t_eq "  the same hits, in the same order" "$TEXT_PLACES" "$(places "$JSON")"
t_eq "  every hit marked \"fallback\": true" "true " "$(marks "$JSON")"
t_eq "  the summary line ends the output, marked too" \
	'{"type":"summary","fallback":true}' "$(tail -n 1 <<<"$JSON" | jq -c '{type, fallback}')"
TOTAL=$(summary "$JSON" .total)
t_match "  and its total counts the fallback's passages (more than a page)" '^(1[1-9]|[2-9][0-9]|[0-9]{3,})$' "$TOTAL"
t_contains "  stderr says it too" "no passage matches the whole query" "$T_ERR"

t_exit 1 "--all exits 1" "$LECTERN" find --no-daemon --all --json "${Q[@]}"
ALL=$T_OUT
t_eq "  every fallback passage is listed: as many as the total" "$TOTAL" "$(places "$ALL" | grep -c .)"
t_eq "  the first page is its first 10" "$TEXT_PLACES" "$(places "$ALL" | head -n 10)"
t_eq "  all marked" "true " "$(marks "$ALL")"
t_exit 1 "--offset 3 -n 4 exits 1" "$LECTERN" find --no-daemon --json --offset 3 -n 4 "${Q[@]}"
t_eq "  ranks 4-7 of --all" "$(places "$ALL" | sed -n 4,7p)" "$(places "$T_OUT")"
t_exit 1 "an --offset past the fallback exits 1" "$LECTERN" find --no-daemon --offset 100000 "${Q[@]}"
t_eq "  and lists nothing" "" "$T_OUT"

t_exit 1 "--files exits 1" "$LECTERN" find --no-daemon --files --all --color=never "${Q[@]}"
t_eq "  the files of --all, each once" "$(places "$ALL" | cut -d: -f1 | LC_ALL=C sort -u)" \
	"$(LC_ALL=C sort <<<"$T_OUT")"
t_contains "  marked on stderr" "no passage matches the whole query" "$T_ERR"
t_exit 1 "--files --json exits 1" "$LECTERN" find --no-daemon --files --json "${Q[@]}"
t_eq "  marked per hit" "true " "$(marks "$T_OUT")"

t_exit 1 "--count exits 1" "$LECTERN" find --no-daemon --count "${Q[@]}"
t_eq "  and counts what --all lists" "$TOTAL" "$T_OUT"
t_contains "  marked on stderr" "the count is of passages matching some of its words" "$T_ERR"
t_exit 1 "--json --count exits 1" "$LECTERN" find --no-daemon --json --count "${Q[@]}"
t_eq "  one JSON object: the summary, marked" "1 \"summary\" $TOTAL true" \
	"$(grep -c . <<<"$T_OUT") $(jq -r '"\"\(.type)\" \(.total) \(.fallback)"' <<<"$T_OUT")"

t_exit 1 "vimgrep exits 1" "$LECTERN" find --no-daemon --format vimgrep "${Q[@]}"
t_eq "  and lists no fallback hit (vimgrep lists matches)" "" "$T_OUT"
t_contains "  but says how many it left out" \
	"$TOTAL passages matching some of its words left out" "$T_ERR"
t_exit 1 "vimgrep --all exits 1" "$LECTERN" find --no-daemon --format vimgrep --all "${Q[@]}"
t_eq "  and lists nothing either" "" "$T_OUT"

t_exit 1 "-q exits 1" "$LECTERN" find --no-daemon -q "${Q[@]}"
t_eq "  and prints nothing" "" "$T_OUT$T_ERR"

# A query that matches: exit 0, no mark anywhere.
t_exit 0 "a match exits 0" "$LECTERN" find --no-daemon --json --all instances
t_eq "  no hit is marked" "false " "$(marks "$T_OUT")"
t_eq "  nor the summary" "false" "$(summary "$T_OUT" .fallback)"
t_exit 0 "-q of a match exits 0" "$LECTERN" find --no-daemon -q instances
t_eq "  silently" "" "$T_OUT$T_ERR"

# A misspelt word among others: the suggestion is in the output itself.
t_exit 1 "a misspelt word among others: the fallback" "$LECTERN" find --no-daemon --color=never instanses keynote
t_contains "  with its did-you-mean on stdout" 'did you mean "instances keynote"? (--fix searches for it)' "$T_OUT"
t_exit 1 "and in JSON" "$LECTERN" find --no-daemon --json instanses keynote
t_eq "  in the summary" '["instances keynote",true]' "$(summary "$T_OUT" '[.suggestion, .fallback]')"

# ---- through the daemon: the same bytes, the same exit status -------------------
start_serve "$TEST_TMP/serve.log"
t_eq "serve starts" 0 $?
same() { # NAME ARGS...: the find through the daemon = the find without it
	local name=$1
	shift
	"$LECTERN" find "$@" >"$TEST_TMP/d.out" 2>"$TEST_TMP/d.err"
	echo $? >>"$TEST_TMP/d.err"
	"$LECTERN" find --no-daemon "$@" >"$TEST_TMP/l.out" 2>"$TEST_TMP/l.err"
	echo $? >>"$TEST_TMP/l.err"
	t_same "through the daemon, $name: the same output" "$TEST_TMP/l.out" "$TEST_TMP/d.out"
	t_same "  the same stderr and exit status ($(tail -n 1 "$TEST_TMP/l.err"))" \
		"$TEST_TMP/l.err" "$TEST_TMP/d.err"
}
same text --color=never "${Q[@]}"
same json --json "${Q[@]}"
same "json --all" --json --all "${Q[@]}"
same "json --offset" --json --offset 3 -n 4 "${Q[@]}"
same files --files "${Q[@]}"
same count --count "${Q[@]}"
same "json count" --json --count "${Q[@]}"
same vimgrep --format vimgrep "${Q[@]}"
same "-q" -q "${Q[@]}"
same "did you mean" --color=never instanses keynote

REPLY=$(rpc "$SOCK" "$(jq -cn --arg q "${Q[*]}" '{id: 1, op: "find", query: $q, limit: 1000}')")
t_eq "the daemon's answer is marked \"fallback\" (and \"relaxed\")" "true true" \
	"$(jq -r '"\(.fallback) \(.relaxed)"' <<<"$REPLY")"
t_eq "  with the same total" "$TOTAL" "$(jq -r .total <<<"$REPLY")"
t_eq "  and the same hits, each marked" "$(places "$ALL" | sed "s|^|$TEST_TMP/|") true " \
	"$(jq -r '.hits[] | "\(.path):\(.line):\(.col)"' <<<"$REPLY") $(jq -r '.hits[].fallback' <<<"$REPLY" | sort -u | tr '\n' ' ')"
REPLY=$(rpc "$SOCK" "$(jq -cn --arg q "${Q[*]}" '{id: 2, op: "find", query: $q, count: true}')")
t_eq "  its count too" "$TOTAL true" "$(jq -r '"\(.total) \(.fallback)"' <<<"$REPLY")"
stop_serve
t_done
