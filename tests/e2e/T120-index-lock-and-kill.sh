#!/usr/bin/env bash
# T120-index-lock-and-kill - one writer at a time; a writer killed (-9) or
# interrupted (SIGINT) mid-run leaves an index that readers can use and that
# the next run completes to exactly what a clean run builds. Over a copy of
# the large corpus. The writer is caught in the act by what it has done (a
# commit seen by `status`) and held there with SIGSTOP, never by timing.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
# shellcheck source=tests/corpus-lib.sh
. "$(dirname "$0")/../corpus-lib.sh"
t_need jq
t_large_corpus

TC=$TEST_TMP/large
cp -r "$T_CORPUS" "$TC" || t_skip "cannot copy $T_CORPUS"
N=$(find "$TC" -type f ! -path '*/.*' | wc -l)
CLEAN=$TEST_TMP/clean-index
TRIES=5

# running PID: the process has not ended (a stopped one runs; an ended child
# not yet waited for is a zombie, which kill -0 would still find)
running() {
	local state
	read -r _ _ state _ <"/proc/$1/stat" 2>/dev/null && [[ $state != Z ]]
}
# notes_committed N: the index holds more than N notes
notes_committed() {
	local n
	n=$("$LECTERN" status --json 2>/dev/null | jq -r '.notes // 0')
	[[ ${n:-0} -gt $1 ]]
}
# caught PID N: wait until the writer PID has committed more than N notes,
# then stop it there (SIGSTOP); false if it ended first
caught() {
	until notes_committed "$2"; do
		running "$1" || return 1
		sleep 0.02
	done
	kill -STOP "$1" 2>/dev/null
	running "$1"
}
# writer_caught: a fresh first run over $TC in the background, stopped after
# its first commit, in $WRITER (it holds the index's lock, held still). A
# small corpus may be indexed before it is seen: then again, $TRIES times.
writer_caught() {
	local i
	for i in $(seq "$TRIES"); do
		rm -rf "$LECTERN_INDEX"
		"$LECTERN" index -q "$TC" >/dev/null 2>&1 </dev/null &
		WRITER=$!
		caught "$WRITER" 0 && return 0
		wait "$WRITER"
	done
	return 1
}

# the phrase found once, a rare word and a common one: the same files must
# hold them in the resumed index and in a clean one
IFS=$'\t' read -r PHRASE _ < <(corpus_phrase "$TC")
RARE=$(corpus_rare_word "$TC")
t_true "the corpus has a phrase found once ('$PHRASE') and a rare word ($RARE)" \
	test -n "$PHRASE" -a -n "$RARE"
read -r -a WORDS <<<"$RARE $PHRASE the"
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
t_true "a first writer is caught after its first commit (and stopped there)" writer_caught ||
	t_done
t_exit 2 "a second writer fails with exit 2 (it does not wait for the lock)" "$LECTERN" index "$TC"
t_contains "... saying the index is locked" "locked" "$T_ERR"
t_contains "... naming the index" "$LECTERN_INDEX" "$T_ERR"
t_eq "... printing nothing on stdout" "" "$T_OUT"
t_true "the first writer still holds it meanwhile" running "$WRITER"
t_exit 2 "a second writer on another root is refused too" "$LECTERN" index "$REPO/corpus"
t_contains "... as locked" "locked" "$T_ERR"

# Readers are not blocked by the writer.
t_ok "status works while a writer runs" "$LECTERN" status
t_exit '0|1' "find works while a writer runs" "$LECTERN" find --all -l "$RARE"

# ---- kill -9 after some work is committed ----
kill -9 "$WRITER"
wait "$WRITER"
t_eq "the writer died of SIGKILL" "137" "$?"

t_exit '0|1' "find works after kill -9" "$LECTERN" find --all -l "$RARE"
t_exit '0|1' "a phrase query works after kill -9" \
	"$LECTERN" find --all --format vimgrep "\"$PHRASE\""
t_ok "status works after kill -9" "$LECTERN" status --json
killed_notes=$(jq -r .notes <<<"$T_OUT")
t_match "... and counts the notes committed before the kill" '^[1-9][0-9]*$' "$killed_notes"
t_true "... fewer than all ($killed_notes of $N)" test "${killed_notes:-0}" -lt "$N"
# Notes of a root are committed, so the root must be known: else a bare
# 'lectern index' cannot resume and those notes belong to no root.
t_eq "... and lists the root whose notes it holds" "$TC" "$(jq -r '.roots[]?' <<<"$T_OUT")"
t_exit 1 "--check after kill -9 says out of date (exit 1)" "$LECTERN" index --check
t_contains "... with what is missing" "out of date" "$T_OUT"

# ---- SIGINT: stop after the current file, commit, exit 130 ----
# The run that resumes is caught after a commit of its own; if it ended
# first, a killed writer leaves a partial index again for the next try.
interrupted=no
for _ in $(seq "$TRIES"); do
	before=$("$LECTERN" status --json 2>/dev/null | jq -r '.notes // 0')
	"$LECTERN" index --json "$TC" >"$TEST_TMP/int.out" 2>"$TEST_TMP/int.err" </dev/null &
	INT_PID=$!
	if caught "$INT_PID" "$before"; then
		kill -INT "$INT_PID"
		kill -CONT "$INT_PID"
		wait "$INT_PID"
		INT_RC=$?
		interrupted=yes
		break
	fi
	wait "$INT_PID"
	writer_caught && kill -9 "$WRITER" && wait "$WRITER"
done
t_eq "a resumed run is caught after a commit of its own" yes "$interrupted"
t_eq "SIGINT stops a run with exit 130" "130" "${INT_RC:-}"
t_eq "... its --json summary says interrupted" "true" "$(jq -r .interrupted "$TEST_TMP/int.out")"
t_ok "status works after SIGINT" "$LECTERN" status --json
t_eq "... the root is remembered" "$TC" "$(jq -r '.roots[]?' <<<"$T_OUT")"
t_eq "... not up to date" "false" "$(jq -r .up_to_date <<<"$T_OUT")"

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
t_ok "the phrase is found in the resumed index" "$LECTERN" find --all --format vimgrep "\"$PHRASE\""
t_eq "... exactly once" "1" "$(grep -c . <<<"$T_OUT")"

t_done
