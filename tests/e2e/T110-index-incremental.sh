#!/usr/bin/env bash
# T110-index-incremental - re-runs read and write only what changed: nothing,
# an edit, a touch, a fresh checkout (all mtimes reset), a delete, a rename,
# a new file; then --compact. Over the 2012-2015 meetings of the large corpus
# plus notes written here. What a run read and wrote is counted (--stats),
# never timed.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq
t_large_corpus

ROOT=$TEST_TMP/notes
MINE=$ROOT/mine
mkdir -p "$MINE"
cp -r "$T_CORPUS"/meetings/201[2-5]-* "$ROOT"/ || t_skip "cannot copy the large corpus' meetings"
printf 'The quarterly review mentioned aardvark budgets twice.\n\nA second paragraph about nothing in particular.\n' >"$MINE/edit.txt"
printf '# Section one\n\nalpha words about gannet.\n\n# Section two\n\nbeta words about heron.\n\n# Section three\n\ngamma words about ibis.\n' >"$MINE/sections.md"
printf 'a note to be touched: jackal\n' >"$MINE/touch.md"
printf 'a note to be deleted: cormorant\n' >"$MINE/delete.txt"
printf 'a note to be renamed: dromedary\n' >"$MINE/old-name.txt"
printf 'a note edited in place, same size: kestrel\n' >"$MINE/same-size.txt"
N=$(find "$ROOT" -type f | wc -l)

index_snapshot() {
	find "$LECTERN_INDEX/xapian" -type f ! -name flintlock -printf '%f %s %T@\n' | sort
}
# counts of the last --json run: "added updated removed unchanged"
counts() {
	jq -r '"\(.added) \(.updated) \(.removed) \(.unchanged)"' <<<"$T_OUT"
}
files_with() {
	"$LECTERN" find -l --all "$@" 2>&1 | xargs -r -n1 basename | sort | tr '\n' ' '
}
# work FIELD...: those counts of the last run's --stats line ("files read",
# "bytes read", "documents written", "documents deleted", "commits")
work() {
	local f out=()
	for f in "$@"; do
		out+=("$(sed -n "s/^lectern: stats: .*$f \([0-9]*\).*/\1/p" <<<"$T_ERR")")
	done
	echo "${out[*]}"
}
READ_WRITTEN_DELETED=("files read" "documents written" "documents deleted")
# t_later FILE: give FILE an mtime certainly different from the one indexed
t_later() {
	touch -d "@$(($(date +%s) + ${2:-10}))" "$1"
}

t_ok "the first index succeeds" "$LECTERN" index --json --stats "$ROOT"
t_eq "... adds every file" "$N 0 0 0" "$(counts)"
t_eq "... reading each once and writing a document for each" "$N $N 0" "$(work "${READ_WRITTEN_DELETED[@]}")"

# ---- nothing changed ----
before=$(index_snapshot)
sleep 0.05
t_ok "a re-run with nothing changed succeeds" "$LECTERN" index --json --stats
t_eq "... all unchanged, nothing added, updated or removed" "0 0 0 $N" "$(counts)"
t_eq "... reads no file, writes and commits nothing" "0 0 0 0" "$(work "${READ_WRITTEN_DELETED[@]}" commits)"
t_eq "... nothing touched" "0" "$(jq -r .touched <<<"$T_OUT")"
t_eq "... no passage written" "0" "$(jq -r .passages <<<"$T_OUT")"
t_eq "... the index files are not modified" "$before" "$(index_snapshot)"
t_ok "the plain summary of a no-change run" "$LECTERN" index
t_match "... says so" "^$N notes: 0 added, 0 updated, 0 removed, $N unchanged, 0 skipped, 0 warnings; 0 passages" "$T_OUT"

# ---- an edit ----
t_eq "before the edit, aardvark is in edit.txt" "edit.txt " "$(files_with aardvark)"
printf 'The quarterly review mentioned bluebird budgets twice over.\n\nA second paragraph about nothing in particular.\n' >"$MINE/edit.txt"
t_later "$MINE/edit.txt"
t_ok "a re-run after editing one file succeeds" "$LECTERN" index --json --stats
t_eq "... exactly 1 updated" "0 1 0 $((N - 1))" "$(counts)"
t_eq "... reading that file alone, writing its document, in one commit" \
	"1 $(stat -c %s "$MINE/edit.txt") 1 0 1" "$(work 'files read' 'bytes read' 'documents written' 'documents deleted' commits)"
t_eq "... the new text is found" "edit.txt " "$(files_with bluebird)"
t_ok "... as a phrase too" "$LECTERN" find --all --format vimgrep '"bluebird budgets twice over"'
t_contains "... at its line" "edit.txt:1:" "$T_OUT"
t_exit 1 "... the old text is not found" "$LECTERN" find --all -l aardvark
t_eq "... the unchanged paragraph still has one passage" "1" \
	"$("$LECTERN" find --all -c '"nothing in particular"')"

# a section dropped: its passage goes, the others stay
printf '# Section one\n\nalpha words about gannet.\n\n# Section three\n\ngamma words about ibis.\n' >"$MINE/sections.md"
t_later "$MINE/sections.md"
t_ok "a re-run after dropping a section succeeds" "$LECTERN" index --json
t_eq "... 1 updated" "0 1 0 $((N - 1))" "$(counts)"
t_exit 1 "... the dropped section is not found" "$LECTERN" find --all -l heron
t_eq "... the first kept section is" "sections.md " "$(files_with gannet)"
t_eq "... the last kept section is" "sections.md " "$(files_with ibis)"

# same size, new content: the hash, not the size, decides
sed -i 's/kestrel/falcons/' "$MINE/same-size.txt"
t_later "$MINE/same-size.txt" 20
t_ok "a re-run after a same-size edit succeeds" "$LECTERN" index --json
t_eq "... 1 updated" "0 1 0 $((N - 1))" "$(counts)"
t_eq "... the new word is found" "same-size.txt " "$(files_with falcons)"
t_exit 1 "... the old one is not" "$LECTERN" find --all -l kestrel

# an edit in a note of the large corpus
TCFILE=$(find "$ROOT" -path '*/2013-*' -name '*.md' | sort | head -n 1)
t_ok "there is a 2013 note to edit" test -f "$TCFILE"
printf '\nAppended by the test: wildebeest.\n' >>"$TCFILE"
t_ok "a re-run after appending to a note of the large corpus succeeds" "$LECTERN" index --json
t_eq "... 1 updated" "0 1 0 $((N - 1))" "$(counts)"
t_eq "... the appended word is found in it" "$(basename "$TCFILE") " "$(files_with wildebeest)"

# ---- a touch: mtime only ----
t_later "$MINE/touch.md" 30
t_ok "a re-run after touching one file succeeds" "$LECTERN" index --json --stats
t_eq "... nothing updated" "0 0 0 $N" "$(counts)"
t_eq "... that file read (to hash it), no document written" "1 0 0" "$(work "${READ_WRITTEN_DELETED[@]}")"
t_eq "... 1 touched" "1" "$(jq -r .touched <<<"$T_OUT")"
t_eq "... no passage written" "0" "$(jq -r .passages <<<"$T_OUT")"
t_ok "the run after that succeeds" "$LECTERN" index --json
t_eq "... and touches nothing" "0" "$(jq -r .touched <<<"$T_OUT")"
t_eq "the touched note is still found" "touch.md " "$(files_with jackal)"

# ---- a fresh checkout: every mtime reset, no content changed ----
find "$ROOT" -exec touch -d '2001-02-03 04:05:06' {} +
t_ok "a re-run after resetting every mtime succeeds" "$LECTERN" index --json --stats
t_eq "... updates nothing" "0 0 0 $N" "$(counts)"
t_eq "... touches every file" "$N" "$(jq -r .touched <<<"$T_OUT")"
# cheaper than the first index by what it does not do: no document
# written, the new mtimes recorded in one commit
t_eq "... reads every file once, writes no document, commits once" "$N 0 0 1" \
	"$(work "${READ_WRITTEN_DELETED[@]}" commits)"
t_ok "the run after that succeeds" "$LECTERN" index --json --stats
t_eq "... touches nothing" "0 0 0 $N 0" "$(counts) $(jq -r .touched <<<"$T_OUT")"
t_eq "... and reads nothing" "0 0" "$(work 'files read' commits)"

# ---- a delete ----
t_eq "before the delete, cormorant is found" "delete.txt " "$(files_with cormorant)"
rm "$MINE/delete.txt"
N=$((N - 1))
t_ok "a re-run after deleting a file succeeds" "$LECTERN" index --json --stats
t_eq "... 1 removed" "0 0 1 $N" "$(counts)"
t_eq "... reading nothing, deleting its document" "0 0 1" "$(work "${READ_WRITTEN_DELETED[@]}")"
t_eq "... counts one note fewer" "$N" "$(jq -r .files <<<"$T_OUT")"
t_exit 1 "... its text is no longer found" "$LECTERN" find --all -l cormorant
t_ok "status after the delete" "$LECTERN" status --json
t_eq "... counts one note fewer" "$N" "$(jq -r .notes <<<"$T_OUT")"

# ---- a rename ----
mv "$MINE/old-name.txt" "$MINE/new-name.txt"
t_ok "a re-run after renaming a file succeeds" "$LECTERN" index --json --stats
t_eq "... 1 added and 1 removed" "1 0 1 $((N - 1))" "$(counts)"
t_eq "... reading the new name, writing it and deleting the old" "1 1 1" "$(work "${READ_WRITTEN_DELETED[@]}")"
t_eq "... found under the new name only" "new-name.txt " "$(files_with dromedary)"
t_ok "... vimgrep shows the new path" "$LECTERN" find --all --format vimgrep dromedary
t_contains "... new-name.txt:1:" "new-name.txt:1:" "$T_OUT"
t_lacks "... not old-name.txt" "old-name.txt" "$T_OUT"

# ---- a new file ----
printf 'a new note about a quokka\n' >"$MINE/new.txt"
N=$((N + 1))
t_ok "a re-run after adding a file succeeds" "$LECTERN" index --json
t_eq "... 1 added" "1 0 0 $((N - 1))" "$(counts)"
t_eq "... and found" "new.txt " "$(files_with quokka)"

# ---- --compact: a long-lived index compacted on demand ----
before_hits=$("$LECTERN" find --all --format vimgrep 'quokka OR dromedary OR aardvark OR proposal')
t_exit 2 "--compact with --check is refused" "$LECTERN" index --compact --check
t_contains "... saying why" "--check changes nothing" "$T_ERR"
t_ok "index --compact succeeds" "$LECTERN" index --compact --json
t_eq "... compacts the one shard, changing no note" "1 0 0 0" \
	"$(jq -r '"\(.compacted) \(.added) \(.updated) \(.removed)"' <<<"$T_OUT")"
t_ok "index --compact says so" "$LECTERN" index --compact
t_contains "... compacted 1 shard" "compacted 1 shard" "$T_OUT"
t_eq "... nothing left beside the index" "" "$(find "$LECTERN_INDEX" -maxdepth 1 -name '*.compacting')"
t_eq "... every hit the same" "$before_hits" \
	"$("$LECTERN" find --all --format vimgrep 'quokka OR dromedary OR aardvark OR proposal')"
if command -v xapian-check >/dev/null; then
	t_ok "... and xapian-check finds it sound" xapian-check "$LECTERN_INDEX/xapian"
fi
printf 'after compaction: a numbat\n' >>"$MINE/new.txt"
t_ok "a re-run after compaction succeeds" "$LECTERN" index --json
t_eq "... 1 updated" "0 1 0 $((N - 1))" "$(counts)"
t_eq "... and found" "new.txt " "$(files_with numbat)"

t_ok "status at the end" "$LECTERN" status --json
t_eq "... counts every file" "$N" "$(jq -r .notes <<<"$T_OUT")"
t_eq "... up to date" "true" "$(jq -r .up_to_date <<<"$T_OUT")"
t_done
