#!/usr/bin/env bash
# T345-serve-watch-waits - `serve --watch` while another indexer holds the
# index's lock (issue 13, point 4): the watcher retries quietly, logging
# "waiting for another indexer's lock" once however many times it tries (no
# "reindex (watch) failed" per try), then once more when the lock is free,
# and the change that waited is indexed. A FIFO saved where a note was is
# named in the log ("is a FIFO, not a regular file"), the note leaves the
# index, and the watcher goes on.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
serve_index_corpus

LOG=$TEST_TMP/serve.log
count() { jget "$(rpc "$SOCK" "{\"id\":1,\"op\":\"find\",\"query\":\"$1\",\"count\":true}")" 'j["total"]'; }
# poll CMD...: until it succeeds, while the daemon runs (no clock: a hang is
# the runner's timeout)
poll() {
	until "$@"; do
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		sleep 0.1
	done
}
count_is() { [[ $(count "$1") == "$2" ]]; }
# the watcher's tries, from its debug lines
tries() { grep -c "watch: [0-9]* change(s): reindexing" "$LOG"; }
tries_at_least() { [[ $(tries) -ge $1 ]]; }
log_count() { grep -c -- "$1" "$LOG"; }

start_serve "$LOG" --watch --log-level debug
t_eq "serve --watch starts" 0 $?

# another writer holds the lock (Xapian's fcntl lock on flintlock, as a
# running `lectern index` does) until told to let go
python3 - "$LECTERN_INDEX/xapian/flintlock" "$TEST_TMP" <<'PY' &
import fcntl, os, sys, time
f = open(sys.argv[1], "r+")
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
open(os.path.join(sys.argv[2], "held"), "w").close()
while not os.path.exists(os.path.join(sys.argv[2], "release")):
    time.sleep(0.05)
PY
HOLDER=$!
poll test -e "$TEST_TMP/held"
t_eq "another writer holds the lock" yes "$([[ -e $TEST_TMP/held ]] && echo yes || echo no)"

before=$(tries)
printf '# Zoo\n\nThe platypus census.\n' >"$NOTES/zoo.md"
poll tries_at_least $((before + 3))
n=$(($(tries) - before))
t_match "the watcher tries again and again meanwhile (3 tries or more: $n)" '^([3-9]|[1-9][0-9]+)$' "$n"
t_eq "... logging that it waits once" 1 "$(log_count "waiting for another indexer's lock on $LECTERN_INDEX")"
t_eq "... and no failure" 0 "$(log_count "reindex (watch) failed")"
t_eq "... nor a warning" 0 "$(log_count " warn: ")"
t_eq "the new note waits" 0 "$(count platypus)"

touch "$TEST_TMP/release"
wait "$HOLDER"
poll count_is platypus 1
t_eq "the lock released: the note that waited is indexed" 1 "$(count platypus)"
t_eq "... and the log says the wait is over, once" 1 "$(log_count "the other indexer is done with $LECTERN_INDEX")"
t_contains "... then what the reindex did" "reindex (watch): 1 added" "$(cat "$LOG")"
t_eq "... still no failure logged" 0 "$(log_count "reindex (watch) failed")"

# a FIFO saved where a note was: named, the note leaves, the watcher goes on
printf '# Pond\n\nThe quokka pond.\n' >"$NOTES/pond.md"
poll count_is quokka 1
t_eq "a new note is indexed" 1 "$(count quokka)"
rm "$NOTES/pond.md"
mkfifo "$NOTES/pond.md"
poll count_is quokka 0
t_eq "a FIFO where the note was: the note leaves the index" 0 "$(count quokka)"
t_contains "... the log says what it is" "$NOTES/pond.md: is a FIFO, not a regular file; skipped" \
	"$(cat "$LOG")"
t_lacks "... not 'Invalid argument'" "Invalid argument" "$(cat "$LOG")"
t_eq "... and the reindex did not fail" 0 "$(log_count "reindex (watch) failed")"
printf '# Pond\n\nThe wallaby pond.\n' >"$NOTES/pond2.md"
poll count_is wallaby 1
t_eq "the watcher goes on" 1 "$(count wallaby)"
stop_serve
t_done
