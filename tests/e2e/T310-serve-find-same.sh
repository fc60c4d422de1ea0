#!/usr/bin/env bash
# T310-serve-find-same - `lectern find` through a running daemon prints
# byte for byte what it prints opening the index itself, for every format;
# it really uses the daemon (the daemon's find count goes up), and it falls
# back silently when the daemon serves another index or is gone.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
serve_index_corpus

finds() { jget "$(rpc "$SOCK" '{"id":1,"op":"status"}')" 'j["daemon"]["ops"]["find"]'; }

# run_both NAME ARGS...: the same find with and without the daemon; compare
# stdout, stderr and exit status byte for byte.
run_both() {
	local name=$1
	shift
	"$LECTERN" find "$@" >"$TEST_TMP/d.out" 2>"$TEST_TMP/d.err"
	echo $? >"$TEST_TMP/d.rc"
	"$LECTERN" find --no-daemon "$@" >"$TEST_TMP/l.out" 2>"$TEST_TMP/l.err"
	echo $? >"$TEST_TMP/l.rc"
	t_true "same output with and without the daemon: $name ($(wc -l <"$TEST_TMP/l.out") lines, exit $(cat "$TEST_TMP/l.rc"))" \
		same_outputs "$TEST_TMP/d" "$TEST_TMP/l"
}
# same_outputs PREFIX_A PREFIX_B: the same exit code, stdout and stderr; else
# what differs
# shellcheck disable=SC2317 # called through t_true
same_outputs() {
	cmp -s "$1.out" "$2.out" && cmp -s "$1.err" "$2.err" && cmp -s "$1.rc" "$2.rc" && return 0
	echo "exit $(cat "$1.rc") vs $(cat "$2.rc")"
	diff "$1.out" "$2.out" | head -5
	diff "$1.err" "$2.err" | head -5
	return 1
}

start_serve "$TEST_TMP/serve.log"
t_eq "serve starts" 0 $?

cd "$TEST_TMP" || exit 1   # paths are shown relative to the cwd: the daemon's differs
before=$(finds)
queries=(
	"text|cattle not pets"
	"text two words|cattle pets"
	"json|--json cloud"
	"json limit offset|--json -n 3 --offset 2 keynote"
	"vimgrep all|--format vimgrep --all cloud"
	"vimgrep|--format vimgrep vogels"
	"files|--files cloud"
	"files json|--files --json cloud"
	"count|--count keynote"
	"context|-C 2 vogels"
	"all|--all amazon"
	"explain|--explain cloud OR amazon"
	"misspelled|cloudd"
	"fix|--fix cloudd"
	"relaxed|cattle zzzyyyxx"
	"phrase|--phrase not pets"
	"nothing|zzzqqqxxx"
	"color|--color always cattle"
	"field|title:keynote"
	"json without snippets|--json --no-snippets -n 50 cloud"
	"files, no note read|--files cloud"
	"by date, a page|-n 3 --sort date cloud"
	"newest first, past an offset|-n 2 --offset 1 --sort -date cloud"
	"by path, a page|--sort path -n 4 cloud"
	"by path, all|--sort path --all cloud"
	"vimgrep by path, a page|--format vimgrep --sort path -n 3 cloud"
	"json by date|--json --sort date -n 2 amazon"
	"quiet|-q cloud"
)
n=0
for q in "${queries[@]}"; do
	IFS=' ' read -r -a args <<<"${q#*|}"
	run_both "${q%%|*}" "${args[@]}"
	n=$((n + 1))
done
run_both "one argument with several words (implicit phrase)" "cattle not pets"
n=$((n + 1))
after=$(finds)
t_eq "every daemon-side find was answered by the daemon ($n queries)" "$n" "$((after - before))"

# from inside the notes directory: relative paths from the client's cwd
cd "$NOTES" || exit 1
run_both "from the notes directory" --format vimgrep --all cloud
cd "$TEST_TMP" || exit 1

# a bad query: the same message and exit status
run_both "strict syntax error" --strict-query "(cloud"

# another index: the daemon is not used, the results are that index's
mkdir -p "$TEST_TMP/other" && printf 'Only here: quokka.\n' >"$TEST_TMP/other/q.txt"
"$LECTERN" index --index "$TEST_TMP/idx2" "$TEST_TMP/other" >/dev/null 2>&1
errors() { jget "$(rpc "$SOCK" '{"id":1,"op":"status"}')" 'j["daemon"]["errors"]'; }
before=$(errors)
t_exit 0 "find --index OTHER with a daemon for another index finds OTHER's notes" \
	"$LECTERN" find --index "$TEST_TMP/idx2" quokka
t_contains "...and prints them" "q.txt" "$T_OUT"
t_eq "...the daemon refused to search another index (one wrong_index error)" "$((before + 1))" "$(errors)"
out=$(rpc "$SOCK" "{\"id\":1,\"op\":\"find\",\"query\":\"quokka\",\"index\":\"$TEST_TMP/idx2\"}")
t_eq "find with another index: wrong_index" wrong_index "$(jget "$out" 'j["error"]["code"]')"

# --socket PATH, and a socket that is not there
t_exit 0 "find --socket PATH uses that socket" "$LECTERN" find --socket "$SOCK" --count cloud
t_exit 0 "find --socket to nowhere falls back silently" "$LECTERN" find --socket "$TEST_TMP/nowhere.sock" --count cloud
t_eq "...with no message" "" "$T_ERR"

stop_serve
run_both "after the daemon stopped (both local)" --json cloud
t_done
