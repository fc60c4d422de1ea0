#!/usr/bin/env bash
# T145-index-relocate - an index moves with its notes, so a CI gate built on
# `lectern index --check` cannot pass wrongly: an index inside its notes
# tree moves with it; an index restored to another path (a CI cache) and
# given its root checks that directory as it is now, reading again only
# what changed; results print paths where the notes are now; a missing
# root fails --check (exit 2, naming it) and status says so.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq
t_need git

counts() { jq -r '"\(.added) \(.updated) \(.removed) \(.unchanged)"' <<<"$T_OUT"; }
CATTLE=2015-reinvent-partner-keynote-cattle-not-pets.txt

# ---- an index inside the notes tree ----------------------------------------
A=$TEST_TMP/a/notes
mkdir -p "$(dirname "$A")"
cp -r "$REPO/corpus" "$A"
t_ok "index into notes/.lectern" "$LECTERN" index -q --index "$A/.lectern" "$A"
t_eq "... the roots file names the root relative to the index" "1	.." \
	"$(grep -v '^#' "$A/.lectern/roots")"
t_ok "... the index is not indexed as notes" "$LECTERN" index --index "$A/.lectern" --json
t_eq "... (still 5 notes)" 5 "$(jq -r .files <<<"$T_OUT")"
mv "$TEST_TMP/a" "$TEST_TMP/b"
B=$TEST_TMP/b/notes
t_ok "the moved tree: --check exits 0" "$LECTERN" index --index "$B/.lectern" --check
t_contains "... up to date" "up to date: 5 notes" "$T_OUT"
t_ok "find in the moved tree" "$LECTERN" find --index "$B/.lectern" --no-daemon "cattle, not pets"
t_contains "... prints the path where the note is now" "$B/$CATTLE:10:" "$T_OUT"
printf '\nThe wombat committee met.\n' >>"$B/$CATTLE"
t_exit 1 "an edit in the moved tree: --check exits 1" "$LECTERN" index --index "$B/.lectern" --check
t_ok "index refreshes it" "$LECTERN" index --index "$B/.lectern" --json
t_eq "... reading again only the edited note" "0 1 0 4" "$(counts)"

# ---- an index restored to another path: a CI cache ---------------------------
ORIGIN=$TEST_TMP/origin
mkdir -p "$ORIGIN/notes"
cp "$REPO"/corpus/* "$ORIGIN/notes/"
git -C "$ORIGIN" init -q
git -C "$ORIGIN" add .
git -C "$ORIGIN" -c user.email=t@t -c user.name=t commit -qm notes
git clone -q "$ORIGIN" "$TEST_TMP/run1"
t_ok "CI run 1: index the checkout into its cache" \
	"$LECTERN" index -q --index "$TEST_TMP/run1/.cache/lectern" "$TEST_TMP/run1/notes"
cp -r "$TEST_TMP/run1/.cache/lectern" "$TEST_TMP/saved-cache"
printf '\nThe llama committee met.\n' >>"$ORIGIN/notes/$CATTLE"
git -C "$ORIGIN" -c user.email=t@t -c user.name=t commit -qam edit
git clone -q "$ORIGIN" "$TEST_TMP/run2"
mkdir -p "$TEST_TMP/run2/.cache"
cp -r "$TEST_TMP/saved-cache" "$TEST_TMP/run2/.cache/lectern"
cd "$TEST_TMP/run2" || exit 1
# run1's checkout is still on this machine: run2's notes are a copy of it
t_exit 1 "CI run 2, the old checkout still there: --check exits 1 (one note edited)" \
	"$LECTERN" index --index .cache/lectern --check notes/
t_contains "... 1 to update, nothing to add" "0 to add, 1 to update, 0 to remove" "$T_OUT"
t_contains "... saying the root moved" "root moved: $TEST_TMP/run1/notes -> $TEST_TMP/run2/notes" "$T_ERR"
t_ok "... refresh" "$LECTERN" index --index .cache/lectern --json notes/
t_eq "... reads again only the edited note" "0 1 0 4" "$(counts)"
t_ok "... then --check exits 0" "$LECTERN" index --index .cache/lectern --check notes/
t_ok "find prints paths of this checkout" "$LECTERN" find --index .cache/lectern --no-daemon llama
t_contains "... relative to here" "notes/$CATTLE:" "$T_OUT"
# run1's checkout gone (a fresh CI machine)
rm -rf "$TEST_TMP/run1"
git clone -q "$ORIGIN" "$TEST_TMP/run3"
mkdir -p "$TEST_TMP/run3/.cache"
cp -r "$TEST_TMP/saved-cache" "$TEST_TMP/run3/.cache/lectern"
cd "$TEST_TMP/run3" || exit 1
t_exit 1 "CI run 3, on a fresh machine: --check exits 1 (one note edited)" \
	"$LECTERN" index --index .cache/lectern --check notes/
t_contains "... 1 to update" "0 to add, 1 to update, 0 to remove" "$T_OUT"
t_ok "... a fresh checkout (every mtime new) refreshes" "$LECTERN" index --index .cache/lectern --json notes/
t_eq "... reading again only the edited note" "0 1 0 4" "$(counts)"
cd "$TEST_TMP" || exit 1

# ---- a missing or unreadable root --------------------------------------------
C=$TEST_TMP/c
cp -r "$REPO/corpus" "$C"
t_ok "index C" "$LECTERN" index -q --index "$TEST_TMP/cidx" "$C"
mv "$C" "$TEST_TMP/c-away"
t_exit 2 "a missing root: --check exits 2" "$LECTERN" index --index "$TEST_TMP/cidx" --check
t_contains "... naming it" "root $C is missing" "$T_ERR"
t_ok "status still works" "$LECTERN" status --index "$TEST_TMP/cidx"
t_match "... and marks the root missing" "roots: +$C \\(missing\\)" "$T_OUT"
t_match "... and says it cannot tell if it is up to date" "up to date: +unknown \\(root $C is missing" "$T_OUT"
t_ok "status --json" "$LECTERN" status --index "$TEST_TMP/cidx" --json
t_eq "... up_to_date is null" null "$(jq -r .up_to_date <<<"$T_OUT")"
t_ok "lectern index warns and keeps the notes" "$LECTERN" index --index "$TEST_TMP/cidx" --json
t_eq "... nothing removed" "0 0 0 0" "$(counts)"
t_contains "... the warning names the root" "$C" "$(jq -r '.warning_list[].path' <<<"$T_OUT")"
t_done
