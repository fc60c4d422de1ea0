#!/usr/bin/env bash
# T346-serve-watch-new-root - a root added with `lectern index DIR` (another
# process) while `lectern serve --watch` runs is watched from then on: a note
# saved there later is found without another `lectern index`. The daemon
# learns it from the index's roots file.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
serve_index_corpus

# count QUERY: the passages the daemon finds for QUERY
count() {
	jget "$(rpc "$SOCK" "{\"id\":1,\"op\":\"find\",\"query\":\"$1\",\"count\":true}")" 'j["total"]'
}
# poll QUERY N: ask until QUERY matches N passages (the runner's timeout
# bounds a daemon that never gets there); prints the last count
poll() {
	local n
	while :; do
		n=$(count "$1")
		[[ $n == "$2" ]] && break
		sleep 0.05
	done
	echo "$n"
}

start_serve "$TEST_TMP/serve.log" --watch
t_eq "serve --watch starts" 0 $?

ROOT2=$TEST_TMP/more-notes
mkdir -p "$ROOT2"
printf '# Okapi\n\nThe okapi census was discussed.\n' >"$ROOT2/first.md"
t_ok "another process indexes a new root" "$LECTERN" index -q "$ROOT2"
t_eq "the daemon finds its note" 1 "$(poll okapi 1)"
t_eq "... and watches the new root (its log says so)" 1 \
	"$(grep -c "watching $ROOT2\$" "$TEST_TMP/serve.log")"

printf '# Quokka\n\nA quokka was seen at the keynote.\n' >"$ROOT2/later.md"
t_eq "a note saved in the new root later is found without 'lectern index'" 1 "$(poll quokka 1)"
mkdir -p "$ROOT2/sub"
printf '# Numbat\n\nThe numbat vote was deferred.\n' >"$ROOT2/sub/deeper.md"
t_eq "... and one in a new directory under it" 1 "$(poll numbat 1)"
t_ok "the root is listed by status" "$LECTERN" status --json
t_contains "... with the first" "$ROOT2" "$T_OUT"
stop_serve
t_done
