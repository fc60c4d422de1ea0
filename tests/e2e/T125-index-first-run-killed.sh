#!/usr/bin/env bash
# T125-index-first-run-killed - a first index killed before its first commit
# of notes (issue 13, point 5) leaves an index that knows its roots: `status`
# shows them (not "roots: (none)", "up to date: unknown"), and `lectern index`
# with no argument resumes the same job and completes it.
#
# The kill lands between the roots' commit and the first batch without a
# clock: the walk warns about each of many FIFOs (written at once to stderr),
# and stderr is a pipe nobody reads, so the indexer blocks in its walk, before
# it has read a single note.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq

NOTES=$TEST_TMP/notes
mkdir -p "$NOTES/fifos"
printf '# Alpha\n\nThe aardvark minutes.\n' >"$NOTES/a.md"
printf '# Beta\n\nThe bandicoot minutes.\n' >"$NOTES/b.md"
printf '# Gamma\n\nThe caracal minutes.\n' >"$NOTES/c.md"
long=$(printf 'f%.0s' $(seq 200))
for i in $(seq 400); do mkfifo "$NOTES/fifos/$i-$long"; done

status_json() { "$LECTERN" status --json 2>/dev/null; }
# poll CMD...: until it succeeds, while the indexer $PID runs (no clock: a
# hang is the runner's timeout)
poll() {
	until "$@"; do
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.1
	done
}
has_roots() { [[ $(status_json | jq -r '.roots | length') -gt 0 ]]; }
# in the kernel's pipe_write (anon_pipe_write in newer kernels)
blocked_on_pipe() { [[ $(cat "/proc/$1/wchan" 2>/dev/null) == *pipe_write ]]; }

mkfifo "$TEST_TMP/stderr"
exec 3<>"$TEST_TMP/stderr"   # held open, never read: the pipe fills up
"$LECTERN" index --no-progress "$NOTES" 2>"$TEST_TMP/stderr" >/dev/null </dev/null &
PID=$!
poll blocked_on_pipe "$PID"
t_match "the first index blocks in its walk (stderr full)" 'pipe_write$' "$(cat "/proc/$PID/wchan" 2>&1)"
poll has_roots
kill -9 "$PID"
wait "$PID" 2>/dev/null
exec 3>&-

t_ok "status after the kill works" "$LECTERN" status --json
t_eq "... shows the root" "$NOTES" "$(jq -r '.roots[0]' <<<"$T_OUT")"
t_eq "... and no note yet (killed before the first batch)" 0 "$(jq -r '.notes' <<<"$T_OUT")"
t_eq "... and is not up to date" false "$(jq -r '.up_to_date' <<<"$T_OUT")"
t_ok "status in text" "$LECTERN" status
t_lacks "... does not say roots: (none)" "(none)" "$T_OUT"
t_lacks "... nor up to date: unknown" "unknown" "$T_OUT"
t_contains "... names the root" "$NOTES" "$T_OUT"
t_exit 1 "index --check: out of date" "$LECTERN" index --check

t_ok "lectern index with no argument resumes the job" "$LECTERN" index --no-progress --json
t_eq "... adding the 3 notes" 3 "$(jq -r '.added' <<<"$T_OUT")"
t_ok "status" "$LECTERN" status --json
t_eq "... up to date" true "$(jq -r '.up_to_date' <<<"$T_OUT")"
t_eq "... 3 notes" 3 "$(jq -r '.notes' <<<"$T_OUT")"
t_exit 0 "the notes are found" "$LECTERN" find --no-daemon caracal

# a first index is built beside the index and put in place compacted,
# whatever its size (docs/index-layout.md)
t_ok "an uninterrupted first index" "$LECTERN" index --no-progress --json --index "$TEST_TMP/i2" "$NOTES"
t_eq "... is put in place compacted" 1 \
	"$(jq -r '.compacted' <<<"$T_OUT")"
t_done
