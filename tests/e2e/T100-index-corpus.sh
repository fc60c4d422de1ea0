#!/usr/bin/env bash
# T100-index-corpus - index the real corpora (a copy of the large corpus,
# tc39-notes or the generated one, plus corpus/) once: counts, status,
# phrases found, and the cheap re-runs on the full set (nothing changed:
# nothing read or written; every mtime reset as by a fresh checkout: every
# file read again, no document written).
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
# shellcheck source=tests/corpus-lib.sh
. "$(dirname "$0")/../corpus-lib.sh"
t_need jq
t_large_corpus

TC=$TEST_TMP/large
CORPUS=$REPO/corpus
cp -r "$T_CORPUS" "$TC" || t_skip "cannot copy $T_CORPUS"

# What the walk should find: every file not hidden.
count_files() {
	find "$@" -type f ! -path '*/.*' | wc -l
}
N_TC=$(count_files "$TC")
N_CORPUS=$(count_files "$CORPUS")
N=$((N_TC + N_CORPUS))
t_true "the large corpus holds hundreds of notes ($N_TC)" test "$N_TC" -ge 200
t_eq "corpus/ holds the five seed notes" 5 "$N_CORPUS"
# stats FIELD: a count of the last run's --stats line
stats() {
	sed -n "s/^lectern: stats: .*$1 \([0-9]*\).*/\1/p" <<<"$T_ERR"
}

# The index data, without the lock file (opened, so touched, by every writer).
index_snapshot() {
	find "$LECTERN_INDEX/xapian" -type f ! -name flintlock -printf '%f %s %T@\n' | sort
}

# ---- the full index, once ----
t_ok "indexing the large corpus + corpus/ succeeds" "$LECTERN" index --no-progress --stats "$TC" "$CORPUS"
t_match "the summary counts every file as added" \
	"^$N notes: $N added, 0 updated, 0 removed, 0 unchanged, 0 skipped, 0 warnings; [1-9][0-9]* passages, [0-9.]+ MB in [0-9.]+s$" \
	"$T_OUT"
FULL_PASSAGES=$(sed -n 's/.*; \([0-9]*\) passages.*/\1/p' <<<"$T_OUT")
t_match "the summary gives a passage count" "^[0-9]+$" "$FULL_PASSAGES"
t_true "passages outnumber notes (passages: $FULL_PASSAGES, notes: $N)" test "${FULL_PASSAGES:-0}" -gt "$N"
NOTE_BYTES=$(find "$TC" "$CORPUS" -type f ! -path '*/.*' -printf '%s\n' | awk '{s += $1} END {print s}')
t_eq "--stats: every file read once, every byte, a document written for each" \
	"$N $NOTE_BYTES $N 0" "$(stats 'files read') $(stats 'bytes read') $(stats 'documents written') $(stats 'documents deleted')"
t_true "... in a few commits, not one per note ($(stats commits))" test "$(stats commits)" -ge 1 -a "$(stats commits)" -lt "$((N / 10))"
# --no-progress: a script asked for no progress report, so stderr holds
# warnings only (there are none) and the --stats line.
t_eq "--no-progress prints no progress lines on stderr" "" "$(grep -v '^lectern: stats: ' <<<"$T_ERR")"

# ---- a first index is compacted ----
# Written in many commits, its B-tree blocks would be about half full; the
# first run swaps in Xapian's compacted copy (about 3x the corpus, not 6x).
t_eq "no compaction copy is left beside the index" "" \
	"$(find "$LECTERN_INDEX" -maxdepth 1 -name '*.compacting')"
INDEX_KB=$(du -sk "$LECTERN_INDEX/xapian" | cut -f1)
CORPUS_KB=$(du -skc "$TC" "$CORPUS" | tail -n 1 | cut -f1)
t_true "the first index is compacted: under 4x the corpus (index ${INDEX_KB} KiB, corpus ${CORPUS_KB} KiB)" \
	test "$INDEX_KB" -lt $((CORPUS_KB * 4))
if command -v xapian-check >/dev/null; then
	t_ok "xapian-check finds the compacted index sound" xapian-check "$LECTERN_INDEX/xapian"
fi
mkdir -p "$LECTERN_INDEX/xapian.compacting/junk"
echo leftover >"$LECTERN_INDEX/xapian.compacting/junk/postlist.glass"

# ---- status ----
t_ok "status succeeds" "$LECTERN" status
t_match "status names the index" "index: +$LECTERN_INDEX" "$T_OUT"
t_match "status lists the large corpus' root" "^(roots:)? +$TC$" "$(grep -F "$TC" <<<"$T_OUT")"
t_match "status lists the corpus root" "^(roots:)? +$CORPUS$" "$(grep -F "$CORPUS" <<<"$T_OUT")"
t_match "status counts the notes" "^notes: +$N " "$(grep '^notes:' <<<"$T_OUT")"
t_match "status counts the passages" "^passages: +$FULL_PASSAGES$" "$(grep '^passages:' <<<"$T_OUT")"
t_match "status says when it was last indexed" "last indexed: +[0-9]{4}-[0-9]{2}-[0-9]{2} " "$T_OUT"
t_match "status: up to date" "up to date: +yes" "$T_OUT"

t_ok "status --json succeeds" "$LECTERN" status --json
t_eq "status --json: notes" "$N" "$(jq -r .notes <<<"$T_OUT")"
t_eq "status --json: passages" "$FULL_PASSAGES" "$(jq -r .passages <<<"$T_OUT")"
t_eq "status --json: both roots" "$(printf '%s\n' "$TC" "$CORPUS" | sort)" \
	"$(jq -r '.roots[]' <<<"$T_OUT" | sort)"
t_eq "status --json: up to date" "true" "$(jq -r .up_to_date <<<"$T_OUT")"
t_eq "status --json: note bytes = bytes of the files" \
	"$NOTE_BYTES" "$(jq -r .note_bytes <<<"$T_OUT")"

# ---- searchable ----
t_ok "a phrase of corpus/ is found" "$LECTERN" find --all --format vimgrep '"cattle, not pets"'
t_match "... in its file, at line 10" "2015-reinvent-partner-keynote-cattle-not-pets\.txt:10:[0-9]+:" "$T_OUT"
t_eq "... and only there" "1" "$(grep -c . <<<"$T_OUT")"
# a phrase and a rare word of the large corpus, found by reading it here
IFS=$'\t' read -r PHRASE PLACE LINE COL < <(corpus_phrase "$TC" "$CORPUS")
t_match "the notes have a phrase found once ('$PHRASE' at $PLACE:$LINE:$COL)" '^[0-9]+$' "$COL"
t_ok "a phrase of the large corpus is found" "$LECTERN" find --all --format vimgrep "\"$PHRASE\""
t_eq "... in its file, at its line and column, once" "$PLACE:$LINE:$COL" "$(cut -d: -f1-3 <<<"$T_OUT")"
RARE=$(corpus_rare_word "$TC" "$CORPUS")
t_match "the large corpus has a rare word ($RARE)" '^[a-z]+$' "$RARE"
t_ok "a rare word is found in exactly the files that hold it" "$LECTERN" find -l --all "$RARE"
t_eq "... $RARE: the same files as grep" \
	"$(grep -rliw -- "$RARE" "$TC" "$CORPUS" | LC_ALL=C sort)" "$(LC_ALL=C sort <<<"$T_OUT")"
t_exit 1 "a word in no note is not found" "$LECTERN" find --all -l xyzzyplughnotaword

# ---- nothing changed: nothing read, nothing written ----
before=$(index_snapshot)
sleep 0.05
t_ok "a re-run with nothing changed succeeds" "$LECTERN" index --json --stats
t_eq "... reads, writes, deletes and commits nothing" "0 0 0 0" \
	"$(stats 'files read') $(stats 'documents written') $(stats 'documents deleted') $(stats commits)"
t_eq "... adds, updates and removes nothing" "0 0 0" \
	"$(jq -r '"\(.added) \(.updated) \(.removed)"' <<<"$T_OUT")"
t_eq "... and removes the leftover of an interrupted compaction" "no" \
	"$([[ -e $LECTERN_INDEX/xapian.compacting ]] && echo yes || echo no)"
t_eq "... every note unchanged" "$N" "$(jq -r .unchanged <<<"$T_OUT")"
t_eq "... nothing touched" "0" "$(jq -r .touched <<<"$T_OUT")"
t_eq "... and the index files are not modified" "$before" "$(index_snapshot)"

# ---- a fresh checkout: every mtime new, no content changed ----
find "$TC" -exec touch -d '2001-02-03 04:05:06' {} +
t_ok "a re-run after resetting every mtime succeeds" "$LECTERN" index --json --stats
t_eq "... updates nothing" "0 0 0" "$(jq -r '"\(.added) \(.updated) \(.removed)"' <<<"$T_OUT")"
t_eq "... counts every note of the large corpus as touched" "$N_TC" "$(jq -r .touched <<<"$T_OUT")"
t_eq "... writes no passage" "0" "$(jq -r .passages <<<"$T_OUT")"
# what made it cheap: each touched file read once to hash it, no document
# written again, the new mtimes recorded in one commit
t_eq "... reads each touched file once" "$N_TC" "$(stats 'files read')"
t_eq "... writes and deletes no document" "0 0" "$(stats 'documents written') $(stats 'documents deleted')"
t_eq "... and commits once" "1" "$(stats commits)"
t_ok "the run after that succeeds" "$LECTERN" index --json
t_eq "... and touches nothing (the new mtimes were recorded)" "0 $N" \
	"$(jq -r '"\(.touched) \(.unchanged)"' <<<"$T_OUT")"
t_ok "status still succeeds" "$LECTERN" status --json
t_eq "... same notes" "$N" "$(jq -r .notes <<<"$T_OUT")"
t_eq "... same passages" "$FULL_PASSAGES" "$(jq -r .passages <<<"$T_OUT")"
t_eq "... up to date" "true" "$(jq -r .up_to_date <<<"$T_OUT")"
t_ok "the corpus phrase is still found" "$LECTERN" find --all --format vimgrep '"cattle, not pets"'

t_done
