#!/usr/bin/env bash
# T105-index-format-upgrade - an index of another format (an older lectern's,
# LEC_INDEX_FORMAT) is refused by find with a message saying
# what to run, reported by status, and rebuilt in place by the next
# `lectern index`, which says so in one line and keeps the index's roots
# (the format is set back with xapian-metadata, as an old index has it).
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need xapian-metadata

cd "$TEST_TMP" || exit 1
mkdir notes other
cp "$REPO"/corpus/* notes/
printf '# Other\n\nThe okapi came to the meeting.\n' >other/o.md
t_ok "index two roots" "$LECTERN" index --no-progress notes other
t_eq "the index is in this lectern's format" 2 \
	"$(xapian-metadata get "$LECTERN_INDEX/xapian" lectern:format)"
flagship=$("$LECTERN" find --no-daemon 'cattle, not pets')

xapian-metadata set "$LECTERN_INDEX/xapian" lectern:format 1
t_exit 2 "find refuses an index of format 1" "$LECTERN" find --no-daemon 'cattle, not pets'
t_contains "... saying what to run" "is in format 1, and this lectern reads format 2: 'lectern index' rebuilds it" "$T_ERR"
t_ok "status still answers" "$LECTERN" status
t_match "... and says the index must be rebuilt" "up to date: +unknown \(index .* is in format 1.*'lectern index' rebuilds it" "$T_OUT"

t_ok "lectern index rebuilds it" "$LECTERN" index --no-progress
t_eq "... saying so in one line" \
	"lectern: index format 1 is not this lectern's (2): rebuilding it from its notes, keeping its roots" \
	"$(printf '%s\n%s\n' "$T_ERR" "$T_OUT" | grep 'index format')"
t_contains "... indexing every note of both roots again" "6 notes: 6 added" "$T_ERR$T_OUT"
t_eq "the index is in format 2 again" 2 "$(xapian-metadata get "$LECTERN_INDEX/xapian" lectern:format)"
t_ok "its roots are kept" "$LECTERN" status
t_contains "... the corpus" "$TEST_TMP/notes" "$T_OUT"
t_contains "... and the other root" "$TEST_TMP/other" "$T_OUT"
t_eq "the flagship quote is found as before" "$flagship" "$("$LECTERN" find --no-daemon 'cattle, not pets')"
t_exit 0 "a note of the other root too" "$LECTERN" find --no-daemon okapi
t_ok "the next lectern index" "$LECTERN" index --no-progress
t_lacks "... says nothing of formats" "index format" "$T_ERR$T_OUT"
t_contains "... and reads nothing again" "0 added, 0 updated, 0 removed, 6 unchanged" "$T_ERR$T_OUT"
t_done
