#!/usr/bin/env bash
# T870-valgrind - Valgrind memcheck over index, status and find: no
# definite or indirect leak, no invalid read or write, no use of
# uninitialised values (Xapian's still-reachable allocations do not count).
# Each command also exits as it should. tests/valgrind.supp, if present,
# holds suppressions for third-party false positives only.
# Normal mode: the corpus and 5 tc39 notes, a first and an incremental index
# and 16 finds. LECTERN_SLOW=1: 40 tc39 notes, more queries, and the daemon.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need valgrind
if ldd "$LECTERN" 2>/dev/null | grep -q libasan; then
	t_skip "valgrind cannot run an ASan build (use BUILD=build)"
fi

SLOW=${LECTERN_SLOW:-0}
NOTES=$TEST_TMP/notes
mkdir -p "$NOTES" && cp "$REPO"/corpus/* "$NOTES"/
if [[ -d $SHARED/corpora/tc39-notes ]]; then
	find "$SHARED/corpora/tc39-notes/meetings" -name '*.md' | sort | head -n "$([[ $SLOW == 1 ]] && echo 40 || echo 5)" |
		while read -r f; do cp "$f" "$NOTES/$(basename "$(dirname "$f")")-$(basename "$f")"; done
fi
VG=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
	--show-leak-kinds=definite,indirect --error-exitcode=99)
[[ $SLOW == 1 ]] && VG+=(--track-origins=yes)   # twice as slow: slow mode only
[[ -f $REPO/tests/valgrind.supp ]] && VG+=(--suppressions="$REPO/tests/valgrind.supp")
RUNS=0 CLEAN=0

# vg DESC EXPECTED-EXITS ARGS...: lectern ARGS under memcheck; exit in
# EXPECTED-EXITS (a regex) and no memcheck error
vg() {
	local log=$TEST_TMP/vg.$RUNS
	RUNS=$((RUNS + 1))
	t_run "${VG[@]}" --log-file="$log" "$LECTERN" "${@:3}"
	t_true "$1: memcheck is clean" memcheck_clean "$log" "$T_RC" || return
	t_match "$1: exits $2" "^($2)\$" "$T_RC" && CLEAN=$((CLEAN + 1))
}
# memcheck_clean LOG RC: valgrind wrote no error to LOG (and exited RC, the
# program's code, not its error code 99); else the start of the log
# shellcheck disable=SC2317 # called through t_true
memcheck_clean() {
	[[ $2 != 99 && ! -s $1 ]] && return 0
	echo "exit $2"
	head -40 "$1"
	return 1
}

vg "index (first run)" 0 index "$NOTES"
printf '\nAn appended line about cattle and pets.\n' >>"$NOTES/$(ls "$NOTES" | head -1)"
rm -f "$NOTES/$(ls "$NOTES" | tail -1)"
printf -- '---\ntitle: Added\ntags: [a, b]\nspeakers: [Ann Example]\ndate: 2020-01-02\n---\n# Added\n\nANN: a new note on cloud.\n' \
	>"$NOTES/added.md"
printf 'bad \xff utf8 \xc0\xaf and a NUL later\n' >"$NOTES/bad.txt"
vg "index (incremental: changed, removed, added)" 0 index --json
vg "index --check (up to date)" 0 index --check
vg "status" 0 status
vg "status --json" 0 status --json

QUERIES=(
	"cattle, not pets" cloud '"cattle not pets"' 'cloud NEAR/5 data' 'clo*' 'title:added'
	'speaker:ann' 'year:2020 cloud' 'cloud -aws' 'cloud OR (pets AND NOT cattle)'
	'clooud' 'zzzznothing' '"unclosed quote' "$(printf '(%.0s' $(seq 300))cloud"
)
[[ $SLOW == 1 ]] && QUERIES+=('tag:a' 'date:2019.. cloud' '"the cloud" OR "the data"' 'a*'
	"$(printf 'w%s OR ' $(seq 2000))x" "$(head -c 70000 /dev/zero | tr '\0' x)")
for q in "${QUERIES[@]}"; do
	vg "find ${q:0:40}" '0|1|2' find --no-daemon "$q"
done
vg "find --all --format vimgrep" '0|1' find --no-daemon --all --format vimgrep cloud
vg "find --json --all -C 2 --explain" '0|1' find --no-daemon --json --all -C 2 --explain cloud
vg "find --files --count" '0|1' find --no-daemon --files --count cloud
vg "find --fix" '0|1' find --no-daemon --fix clooud
vg "find --strict-query (a syntax error)" 2 find --no-daemon --strict-query 'cloud OR'
vg "find with no index" 2 find --no-daemon --index "$TEST_TMP/none" cloud

if [[ $SLOW == 1 ]]; then
	command -v python3 >/dev/null || t_skip "python3 is needed for the daemon part"
	SOCK=$XDG_RUNTIME_DIR/lectern/lectern.sock
	"${VG[@]}" --log-file="$TEST_TMP/vg.serve" "$LECTERN" serve 2>"$TEST_TMP/serve.log" </dev/null &
	SERVE_PID=$!
	for _ in $(seq 300); do [[ -S $SOCK ]] && break; sleep 0.1; done
	python3 - "$SOCK" "$NOTES" <<'PY' >"$TEST_TMP/serve.out" 2>&1
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(120); s.connect(sys.argv[1]); f = s.makefile("rb")
for r in ['{"id":1,"op":"ping"}', '{"id":2,"op":"find","query":"cloud","all":true,"occurrences":true}',
          '{"id":3,"op":"suggest","prefix":"clo"}', '{"id":4,"op":"status"}', '{',
          '{"id":5,"op":"reindex"}', '{"id":6,"op":"find","query":"cloud","files":true,"context":2}']:
    s.sendall(r.encode() + b"\n"); print(f.readline().decode().strip()[:80])
PY
	t_eq "serve under memcheck: 7 answers" 7 "$(grep -c '"id"' "$TEST_TMP/serve.out")"
	kill -TERM "$SERVE_PID"
	wait "$SERVE_PID"
	rc=$?
	RUNS=$((RUNS + 1))
	t_eq "serve: exit 0" 0 "$rc"
	t_true "serve: memcheck clean" memcheck_clean "$TEST_TMP/vg.serve" "$rc" && CLEAN=$((CLEAN + 1))
fi
echo "# memcheck: $RUNS runs, $CLEAN clean"
t_done
