#!/usr/bin/env bash
# T337-serve-missing-index - `lectern serve` on an index that is not there
# (a typo in --index, an empty directory) exits 2 with the message `lectern
# find` gives, and creates nothing: no index directory, no INDEX/run socket
# directory (issue 12). An index that exists is served as before.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"

exists() { [[ -e $1 ]] && echo yes || echo no; }
# strip "lectern: CMD: " to compare what find and serve say
said() { sed -E 's/^lectern: (find|serve): //' <<<"$1"; }

TYPO=$TEST_TMP/typo
t_exit 2 "find --index on a missing index exits 2" "$LECTERN" find --no-daemon --index "$TYPO" cattle
FIND_ERR=$T_ERR
t_contains "... saying there is no index" "no index at $TYPO" "$FIND_ERR"
t_exit 2 "serve --index on a missing index exits 2" timeout 20 "$LECTERN" serve --index "$TYPO"
t_eq "... with find's message" "$(said "$FIND_ERR")" "$(said "$T_ERR")"
t_eq "... creating no index directory" no "$(exists "$TYPO")"
t_eq "... and no socket" no "$(exists "$SOCK")"

t_exit 2 "without XDG_RUNTIME_DIR (the socket would be INDEX/run) too" \
	timeout 20 env -u XDG_RUNTIME_DIR "$LECTERN" serve --index "$TYPO"
t_eq "... with find's message" "$(said "$FIND_ERR")" "$(said "$T_ERR")"
t_eq "... creating neither INDEX nor INDEX/run" no "$(exists "$TYPO")"

t_exit 2 "LECTERN_INDEX naming a missing index: the same" \
	timeout 20 env LECTERN_INDEX="$TYPO" "$LECTERN" serve
t_contains "... naming it" "no index at $TYPO" "$T_ERR"
t_eq "... creating nothing" no "$(exists "$TYPO")"

EMPTY=$TEST_TMP/empty
mkdir "$EMPTY"
t_exit 2 "find --index on an empty directory exits 2" "$LECTERN" find --no-daemon --index "$EMPTY" cattle
FIND_ERR=$T_ERR
t_exit 2 "serve --index on an empty directory exits 2" \
	timeout 20 env -u XDG_RUNTIME_DIR "$LECTERN" serve --index "$EMPTY"
t_eq "... with find's message" "$(said "$FIND_ERR")" "$(said "$T_ERR")"
t_eq "... leaving the directory empty" "" "$(ls -A "$EMPTY")"

# an index that exists is served
serve_index_corpus
start_serve "$TEST_TMP/serve.log"
t_eq "serve on an existing index starts" 0 $?
t_eq "... and answers" True "$(jget "$(rpc "$SOCK" '{"id":1,"op":"ping"}')" 'j["ok"]')"
stop_serve
t_done
