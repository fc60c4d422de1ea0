#!/usr/bin/env bash
# T287-serve-kept-notes - a daemon keeps the small notes it read (searcher/
# note-cache.h): the same page asked again opens no note file (counted with
# strace on the daemon), and answers byte for byte as the first time; a
# note edited since, in place or replaced by a rename, is read again and
# the answer is the one a fresh `lectern find --no-daemon` gives.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3
t_need strace
t_need jq

# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
serve_index_corpus

# the daemon under strace, one search thread (one searcher, whose second
# search is the first to keep notes): its opens of the notes are counted
# (LeakSanitizer cannot run under ptrace: an ASan build checks no leaks here)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	strace -f -qq -e trace=open,openat -o "$TEST_TMP/trace" \
	"$LECTERN" serve --threads 1 2>"$TEST_TMP/serve.log" </dev/null &
SERVE_PID=$!
until rpc "$SOCK" '{"id":0,"op":"ping"}' >/dev/null 2>&1; do
	kill -0 "$SERVE_PID" 2>/dev/null || break
	sleep 0.05
done
opens() { grep -c "\"$NOTES/" "$TEST_TMP/trace"; }
page() { rpc "$SOCK" "{\"id\":$1,\"op\":\"find\",\"query\":\"$2\",\"limit\":10}" | sed 's/^{"id":[0-9]*,//'; }

first=$(page 1 cloud)
t_true "the first page has hits" test "$(jget "{$first" 'len(j["hits"])')" -gt 1
page 2 cloud >/dev/null # the second search of a searcher is the first to keep notes
before=$(opens)
t_true "the pages opened their notes ($before opens)" test "$before" -gt 0
again=$(page 3 cloud)
t_eq "the same page again opens no note" "$before" "$(opens)"
t_eq "... and is the same answer" "$first" "$again"

# same_as_fresh NAME QUERY: the daemon's page and a fresh search here give
# the same places, snippets and stale marks
places() { python3 -c '
import json, sys
for h in json.loads(sys.argv[1])["hits"]:
    print(h["path"], h["line"], h["col"], h["stale"], h["snippet"])' "$1"; }
fresh() { "$LECTERN" find --no-daemon --json -n 10 "$1" |
	jq -r 'select(.type == "match") | "\(.path) \(.line) \(.col) \(.stale | if . then "True" else "False" end) \(.snippet)"'; }
same_as_fresh() {
	local answer
	answer=$(page "$RANDOM" "$2")
	t_eq "$1" "$(fresh "$2")" "$(places "{$answer")"
}

# an edit in place: the note is read again, as a fresh search reads it
hit=$(jget "{$first" 'j["hits"][0]["path"]')
n=$(opens)
{ printf 'A first line pushes every line down.\n'; cat "$hit"; } >"$TEST_TMP/new" && cat "$TEST_TMP/new" >"$hit"
same_as_fresh "an edited note: the answer is a fresh search's" cloud
t_true "... reading the note again" test "$(opens)" -gt "$n"

# replaced by a rename (as editors save), same size and mtime: read again
n=$(opens)
sed 's/cloud/CLOUD/g' "$hit" >"$TEST_TMP/new" && touch -r "$hit" "$TEST_TMP/new" && mv "$TEST_TMP/new" "$hit"
same_as_fresh "a note replaced by a rename: the answer is a fresh search's" cloud
t_true "... reading the note again" test "$(opens)" -gt "$n"

pkill -TERM -P "$SERVE_PID"
wait "$SERVE_PID"
t_done
