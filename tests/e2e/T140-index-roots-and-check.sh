#!/usr/bin/env bash
# T140-index-roots-and-check - roots are remembered, refreshed together or in
# part, forgotten; --check compares without writing; hidden files, .git and
# .lecternignore rules keep files out.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq

A=$TEST_TMP/A
B=$TEST_TMP/B
mkdir -p "$A/sub" "$A/other" "$B"
cd "$TEST_TMP" || exit 1
printf 'in A/sub: alpaca\n' >"$A/sub/s.txt"
printf 'in A/other: bison\n' >"$A/other/o.txt"
printf 'in B: coyote\n' >"$B/b.txt"

files_with() {
	"$LECTERN" find -l --all "$@" 2>&1 | xargs -r -n1 basename | sort | tr '\n' ' '
}
index_snapshot() {
	find "$LECTERN_INDEX/xapian" -type f ! -name flintlock -printf '%f %s %T@\n' | sort
}
roots() {
	"$LECTERN" status --json | jq -r '.roots[]' | sort | tr '\n' ' '
}
counts() {
	jq -r '"\(.added) \(.updated) \(.removed)"' <<<"$T_OUT"
}
later() {
	touch -d "@$(($(date +%s) + ${2:-10}))" "$1"
}

# ---- no index, no roots ----
t_exit 2 "status before any index: exit 2" "$LECTERN" status
t_contains "... saying there is no index" "no index" "$T_ERR"
t_exit 2 "--check before any index: exit 2" "$LECTERN" index --check
t_exit 2 "no roots and no arguments: exit 2" "$LECTERN" index
t_contains "... saying there are no roots" "no roots" "$T_ERR"
t_eq "... printing nothing on stdout" "" "$T_OUT"
# a usage error has no side effects: status still finds no index
t_exit 2 "a failed 'lectern index' leaves no (empty) index behind" "$LECTERN" status

# ---- a missing path ----
t_exit 2 "a missing path: exit 2" "$LECTERN" index "$TEST_TMP/no-such-dir"
t_contains "... naming it" "$TEST_TMP/no-such-dir" "$T_ERR"
t_contains "... and why" "No such file" "$T_ERR"

# ---- two roots ----
t_ok "index A" "$LECTERN" index "$A"
t_ok "index B" "$LECTERN" index --json "$B"
t_eq "... adds only B's note" "1 0 0" "$(counts)"
t_eq "status lists both roots" "$A $B " "$(roots)"
t_ok "status (text)" "$LECTERN" status
t_match "... A on the roots line" "^roots: +$A$" "$(grep -F "$A" <<<"$T_OUT")"
t_match "... B on the next" "^ +$B$" "$(grep -F "$B" <<<"$T_OUT")"
t_exit 2 "a missing path among known roots: exit 2" "$LECTERN" index "$A" "$TEST_TMP/nope"
t_eq "... and the roots are unchanged" "$A $B " "$(roots)"

printf 'in A/other: bison bobcat\n' >"$A/other/o.txt"
printf 'in B: coyote caracal\n' >"$B/b.txt"
later "$A/other/o.txt"
later "$B/b.txt"
t_ok "a bare run refreshes every root" "$LECTERN" index --json
t_eq "... 2 updated" "0 2 0" "$(counts)"
t_eq "... A's change is found" "o.txt " "$(files_with bobcat)"
t_eq "... B's change is found" "b.txt " "$(files_with caracal)"

# ---- part of a root ----
printf 'in A/sub: alpaca dingo\n' >"$A/sub/s.txt"
printf 'in A/other: bison bobcat eland\n' >"$A/other/o.txt"
later "$A/sub/s.txt" 20
later "$A/other/o.txt" 20
t_ok "index A/sub refreshes only A/sub" "$LECTERN" index --json "$A/sub"
t_eq "... 1 updated" "0 1 0" "$(counts)"
t_eq "... counts only A/sub's notes" "1" "$(jq -r .files <<<"$T_OUT")"
t_eq "... the change inside is found" "s.txt " "$(files_with dingo)"
t_exit 1 "... the change elsewhere in A is not" "$LECTERN" find --all -l eland
t_eq "... and A/sub is not a new root" "$A $B " "$(roots)"
t_ok "a single file of a root can be refreshed" "$LECTERN" index --json "$A/other/o.txt"
t_eq "... 1 updated" "0 1 0" "$(counts)"
t_eq "... the change is found" "o.txt " "$(files_with eland)"
t_eq "... still the same roots" "$A $B " "$(roots)"
printf 'in A/other: bison bobcat eland fossa\n' >"$A/other/o.txt"
later "$A/other/o.txt" 30
t_ok "index A/sub again" "$LECTERN" index -q "$A/sub"
t_exit 1 "... does not pick up A/other" "$LECTERN" find --all -l fossa
t_ok "until a bare run" "$LECTERN" index --json
t_eq "... 1 updated" "0 1 0" "$(counts)"
t_eq "... found" "o.txt " "$(files_with fossa)"

# a root containing a known root absorbs it
mkdir -p "$TEST_TMP/C/inner"
printf 'in C: gerenuk\n' >"$TEST_TMP/C/c.txt"
printf 'in C/inner: hartebeest\n' >"$TEST_TMP/C/inner/i.txt"
t_ok "index C/inner" "$LECTERN" index -q "$TEST_TMP/C/inner"
t_eq "... is a root" "$A $B $TEST_TMP/C/inner " "$(roots)"
t_ok "index C (which contains C/inner)" "$LECTERN" index --json "$TEST_TMP/C"
# (C/inner's note is written again under C's name: notes are named by
# their root, docs/index-layout.md)
t_eq "... adds C's own note, and renames C/inner's" "1 1 0" "$(counts)"
t_eq "... C replaces C/inner as a root" "$A $B $TEST_TMP/C " "$(roots)"

# ---- --forget ----
t_ok "--forget A" "$LECTERN" index --json --forget "$A"
t_eq "... removes A's 2 notes" "2" "$(jq -r .removed <<<"$T_OUT")"
t_eq "... A is no longer a root" "$B $TEST_TMP/C " "$(roots)"
t_exit 1 "... A's notes are not found" "$LECTERN" find --all -l alpaca
t_exit 1 "... none of them" "$LECTERN" find --all -l bobcat
t_eq "... B's notes still are" "b.txt " "$(files_with coyote)"
t_ok "status after --forget" "$LECTERN" status --json
t_eq "... counts B's and C's notes only" "3" "$(jq -r .notes <<<"$T_OUT")"
t_ok "a bare run after --forget" "$LECTERN" index --json
t_eq "... does not bring A back" "0 0 0" "$(counts)"
t_exit 1 "... A's notes stay gone" "$LECTERN" find --all -l alpaca
t_exit 2 "--forget of a directory that is not a root: exit 2" "$LECTERN" index --forget "$TEST_TMP/nope"
t_contains "... naming it" "$TEST_TMP/nope" "$T_ERR"

# ---- a vanished root: kept, with a warning ----
mv "$B" "$TEST_TMP/B.moved"
t_ok "a bare run with a root gone" "$LECTERN" index --json
t_eq "... removes nothing" "0" "$(jq -r .removed <<<"$T_OUT")"
t_contains "... warns naming the root" "$B" "$(jq -r '.warning_list[].path' <<<"$T_OUT")"
t_eq "... B's notes are kept" "b.txt " "$(files_with coyote)"
mv "$TEST_TMP/B.moved" "$B"

# ---- --check ----
t_exit 0 "--check when up to date: exit 0" "$LECTERN" index --check
t_match "... says up to date" "^up to date" "$T_OUT"
printf 'in B: coyote caracal ibex\n' >"$B/b.txt"
later "$B/b.txt" 40
printf 'a new note in C: jackrabbit\n' >"$TEST_TMP/C/new.txt"
rm "$TEST_TMP/C/inner/i.txt"
before=$(index_snapshot)
sleep 0.05
t_exit 1 "--check after changes: exit 1" "$LECTERN" index --check
t_match "... says out of date" "out of date" "$T_OUT"
t_contains "... and what: 1 to add" "1 to add" "$T_OUT"
t_contains "... 1 to update" "1 to update" "$T_OUT"
t_contains "... 1 to remove" "1 to remove" "$T_OUT"
t_exit 1 "--check --json after changes: exit 1" "$LECTERN" index --check --json
t_eq "... with the counts" "1 1 1" "$(counts)"
t_eq "... check is true" "true" "$(jq -r .check <<<"$T_OUT")"
t_exit 1 "a second --check still says out of date: nothing was changed" "$LECTERN" index --check
t_eq "--check leaves the index files alone" "$before" "$(index_snapshot)"
t_exit 1 "... the new text is not indexed by --check" "$LECTERN" find --all -l ibex
t_ok "status says not up to date" "$LECTERN" status
t_match "... up to date: no" "up to date: +no" "$T_OUT"
t_ok "status --json says the same" "$LECTERN" status --json
t_eq "... up_to_date false" "false" "$(jq -r .up_to_date <<<"$T_OUT")"
t_ok "an index run brings it up to date" "$LECTERN" index --json
t_eq "... 1 added, 1 updated, 1 removed" "1 1 1" "$(counts)"
t_exit 0 "--check is then content: exit 0" "$LECTERN" index --check
t_ok "... and status says so" "$LECTERN" status
t_match "... up to date: yes" "up to date: +yes" "$T_OUT"
touch "$B/b.txt"
t_exit 0 "--check after a touch only: exit 0 (content unchanged)" "$LECTERN" index --check

# ---- hidden files, .git, .lecternignore ----
H=$TEST_TMP/H
mkdir -p "$H/.hidden-dir" "$H/.git" "$H/build/deep" "$H/keep/build" "$H/logs"
printf 'visible: kudu\n' >"$H/visible.txt"
printf 'hidden file: kudu\n' >"$H/.hidden.txt"
printf 'hidden dir: kudu\n' >"$H/.hidden-dir/x.txt"
printf '[core] kudu\n' >"$H/.git/config"
printf 'kudu in git\n' >"$H/.git/notes.txt"
printf 'a log: kudu\n' >"$H/run.log"
printf 'a log in a subdir: kudu\n' >"$H/logs/deep.log"
printf 'in build/: kudu\n' >"$H/build/b.txt"
printf 'in build/deep: kudu\n' >"$H/build/deep/d.txt"
printf 'kept text: kudu\n' >"$H/keep/k.txt"
printf 'kept note in logs: kudu\n' >"$H/logs/kept.md"
printf '# rules kept by a wapiti\n*.log\n/build/\n' >"$H/.lecternignore"
t_ok "index a tree with hidden and ignored files" "$LECTERN" index --json "$H"
t_eq "... only the visible, not ignored files" "k.txt kept.md visible.txt " "$(files_with kudu)"
t_eq "... counted as such" "3" "$(jq -r .files <<<"$T_OUT")"
t_exit 1 "... .git is not searched" "$LECTERN" find --all -l core
t_exit 1 "... nor .lecternignore itself" "$LECTERN" find --all -l wapiti

# ignore rules in a subdirectory apply there
printf 'in keep/build: kudu\n' >"$H/keep/build/kb.txt"
printf 'drop.txt\n' >"$H/keep/.lecternignore"
printf 'dropped: kudu\n' >"$H/keep/drop.txt"
t_ok "a .lecternignore in a subdirectory" "$LECTERN" index --json "$H"
t_eq "... /build/ is anchored at its own directory; keep/drop.txt is ignored" \
	"k.txt kb.txt kept.md visible.txt " "$(files_with kudu)"
t_eq "... 1 added" "1 0 0" "$(counts)"

# a rule added later drops notes already indexed
printf '*.log\n/build/\n*.md\n' >"$H/.lecternignore"
t_ok "a new ignore rule" "$LECTERN" index --json "$H"
t_eq "... removes the note it now ignores" "0 0 1" "$(counts)"
t_eq "... the rest stays" "k.txt kb.txt visible.txt " "$(files_with kudu)"

t_done
