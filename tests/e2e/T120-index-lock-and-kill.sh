#!/usr/bin/env bash
# T120-index-lock-and-kill - one writer at a time; a writer killed (-9) or
# interrupted (SIGINT) mid-run leaves an index that readers can use and that
# the next run completes to exactly what a clean run builds.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq

TC=$TEST_TMP/tc39
[[ -d $SHARED/corpora/tc39-notes ]] || t_skip "no tc39-notes corpus in $SHARED/corpora"
cp -r "$SHARED/corpora/tc39-notes" "$TC" || t_skip "cannot copy tc39-notes"
N=$(find "$TC" -type f ! -path '*/.*' | wc -l)
CLEAN=$TEST_TMP/clean-index
# a first index is written beside the index, in .build/ (docs/index-layout.md)
LOCK=$LECTERN_INDEX/.build/xapian/flintlock

# t_true DESC DETAIL TEST-ARGS...: test(1) holds for TEST-ARGS; DETAIL if not
t_true() {
	if test "${@:3}"; then _t_pass "$1"; else _t_bad "$1" "$2"; fi
}
# t_found_or_not DESC CMD...: a find that works, whatever it finds (exit 0 or 1)
t_found_or_not() {
	t_run "${@:2}"
	if [[ $T_RC -eq 0 || $T_RC -eq 1 ]]; then
		_t_pass "$1 (exit $T_RC)"
	else
		_t_show_run "$1" "expected exit 0 or 1" "${@:2}"
	fi
}
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
alive() {
	kill -0 "$1" 2>/dev/null
}
# wait_for SECONDS CMD...: poll CMD every 0.1 s; false on timeout
wait_for() {
	local end=$(($(now_ms) + $1 * 1000))
	until "${@:2}"; do
		[[ $(now_ms) -lt $end ]] || return 1
		sleep 0.1
	done
}
# shellcheck disable=SC2317 # called through wait_for
notes_committed() {
	local n
	n=$("$LECTERN" status --json 2>/dev/null | jq -r '.notes // 0')
	[[ ${n:-0} -gt $1 ]]
}
# the files holding each of a few words: the same in two indexes?
WORDS=(smooshgate bikeshed temporal decorators the)
files_for_words() {
	local w
	for w in "${WORDS[@]}"; do
		echo "== $w"
		"$LECTERN" find --all -l "$@" "$w" | sort
	done
}

# A clean index of the same tree to compare with, built meanwhile (2 cores).
"$LECTERN" index -q --index "$CLEAN" "$TC" >"$TEST_TMP/clean.out" 2>&1 </dev/null &
CLEAN_PID=$!

# ---- the writer lock ----
t_bg "$LECTERN" index -q "$TC"
FIRST=$T_BG_PID
wait_for 30 test -e "$LOCK" || t_skip "the first writer never created $LOCK"
sleep 0.3
alive "$FIRST" || t_skip "the first writer finished too soon to test the lock"
start=$(now_ms)
t_exit 2 "a second writer fails with exit 2" "$LECTERN" index "$TC"
took=$(($(now_ms) - start))
t_contains "... saying the index is locked" "locked" "$T_ERR"
t_contains "... naming the index" "$LECTERN_INDEX" "$T_ERR"
t_eq "... printing nothing on stdout" "" "$T_OUT"
t_true "... at once (under a second)" "it took ${took} ms" "$took" -lt 1000
if alive "$FIRST"; then
	_t_pass "the first writer was still running meanwhile"
else
	_t_bad "the first writer was still running during the lock check"
fi
t_exit 2 "a second writer on another root is refused too" "$LECTERN" index "$REPO/corpus"
t_contains "... as locked" "locked" "$T_ERR"

# Readers are not blocked by the writer.
t_ok "status works while a writer runs" "$LECTERN" status
t_found_or_not "find works while a writer runs" "$LECTERN" find --all -l bikeshed

# ---- kill -9 after some work is committed ----
wait_for 60 notes_committed 0 || _t_bad "the first writer committed something within 60 s"
alive "$FIRST" || t_skip "the first writer finished before it could be killed"
kill -9 "$FIRST"
wait "$FIRST" 2>/dev/null
t_eq "the writer died of SIGKILL" "137" "$?"

t_found_or_not "find works after kill -9" "$LECTERN" find --all -l bikeshed
t_found_or_not "a phrase query works after kill -9" \
	"$LECTERN" find --all --format vimgrep '"polluted the namespace"'
t_ok "status works after kill -9" "$LECTERN" status --json
killed_notes=$(jq -r .notes <<<"$T_OUT")
t_match "... and counts the notes committed before the kill" '^[1-9][0-9]*$' "$killed_notes"
t_true "... fewer than all" "notes: $killed_notes of $N" "${killed_notes:-0}" -lt "$N"
# Notes of a root are committed, so the root must be known: else a bare
# 'lectern index' cannot resume and those notes belong to no root.
t_eq "... and lists the root whose notes it holds" "$TC" "$(jq -r '.roots[]?' <<<"$T_OUT")"
t_exit 1 "--check after kill -9 says out of date (exit 1)" "$LECTERN" index --check
t_contains "... with what is missing" "out of date" "$T_OUT"

# ---- SIGINT: stop after the current file, commit, exit 130 ----
"$LECTERN" index --json "$TC" >"$TEST_TMP/int.out" 2>"$TEST_TMP/int.err" </dev/null &
INT_PID=$!
before=$("$LECTERN" status --json 2>/dev/null | jq -r '.notes // 0')
if wait_for 60 notes_committed "$before" && alive "$INT_PID"; then
	kill -INT "$INT_PID"
	wait "$INT_PID"
	t_eq "SIGINT stops a run with exit 130" "130" "$?"
	T_OUT=$(cat "$TEST_TMP/int.out")
	t_eq "... its --json summary says interrupted" "true" "$(jq -r .interrupted <<<"$T_OUT")"
	t_ok "status works after SIGINT" "$LECTERN" status --json
	t_eq "... the root is remembered" "$TC" "$(jq -r '.roots[]?' <<<"$T_OUT")"
	t_eq "... not up to date" "false" "$(jq -r .up_to_date <<<"$T_OUT")"
else
	wait "$INT_PID"
	_t_bad "a run lasted long enough to be interrupted" "it exited $? first"
fi

# ---- the next (bare) run completes, to the same index as a clean run ----
t_ok "the next run completes" "$LECTERN" index --json
t_eq "... not interrupted" "false" "$(jq -r .interrupted <<<"$T_OUT")"
t_eq "... sees every note" "$N" "$(jq -r .files <<<"$T_OUT")"
t_eq "... updates and removes nothing" "0 0" "$(jq -r '"\(.updated) \(.removed)"' <<<"$T_OUT")"
t_eq "... adds what was missing" "$N" "$(jq -r '.added + .unchanged' <<<"$T_OUT")"
t_ok "a run after it has nothing to do" "$LECTERN" index --json
t_eq "... 0 added, updated, removed" "0 0 0 $N" \
	"$(jq -r '"\(.added) \(.updated) \(.removed) \(.unchanged)"' <<<"$T_OUT")"

wait "$CLEAN_PID"
t_eq "the clean index was built" "0" "$?"
t_ok "status of the resumed index" "$LECTERN" status --json
resumed=$(jq -c '{notes, passages, note_bytes, up_to_date}' <<<"$T_OUT")
t_ok "status of the clean index" "$LECTERN" status --index "$CLEAN" --json
clean=$(jq -c '{notes, passages, note_bytes, up_to_date}' <<<"$T_OUT")
t_eq "the resumed index holds every note" "$N" "$(jq -r .notes <<<"$resumed")"
t_eq "the resumed and the clean index count the same" "$clean" "$resumed"
t_eq "the same files hold a few words in both" "$(files_for_words --index "$CLEAN")" \
	"$(files_for_words)"
t_eq "the same number of passages hold 'the' in both" \
	"$("$LECTERN" find --index "$CLEAN" --all -c the)" "$("$LECTERN" find --all -c the)"
t_ok "a phrase is found in the resumed index" "$LECTERN" find --all --format vimgrep '"polluted the namespace"'
t_eq "... exactly once" "1" "$(grep -c . <<<"$T_OUT")"

t_done
