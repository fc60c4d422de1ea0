#!/usr/bin/env bash
# T100-index-corpus - index the real corpora (a copy of tc39-notes plus
# corpus/) once: counts, status, phrases found, and the cheap re-runs on the
# full set (nothing changed; every mtime reset as by a fresh checkout).
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq

TC=$TEST_TMP/tc39
CORPUS=$REPO/corpus
[[ -d $SHARED/corpora/tc39-notes ]] || t_skip "no tc39-notes corpus in $SHARED/corpora"
cp -r "$SHARED/corpora/tc39-notes" "$TC" || t_skip "cannot copy tc39-notes"

# What the walk should find: every file not hidden.
count_files() {
	find "$@" -type f ! -path '*/.*' | wc -l
}
N_TC=$(count_files "$TC")
N_CORPUS=$(count_files "$CORPUS")
N=$((N_TC + N_CORPUS))
t_eq "the corpora hold 333 + 5 notes" "338" "$N"

# t_true DESC DETAIL TEST-ARGS...: test(1) holds for TEST-ARGS; DETAIL if not
t_true() {
	if test "${@:3}"; then _t_pass "$1"; else _t_bad "$1" "$2"; fi
}

# The index data, without the lock file (opened, so touched, by every writer).
index_snapshot() {
	find "$LECTERN_INDEX/xapian" -type f ! -name flintlock -printf '%f %s %T@\n' | sort
}

# ---- the full index, once ----
t_ok "indexing tc39 + corpus succeeds" "$LECTERN" index --no-progress "$TC" "$CORPUS"
t_match "the summary counts every file as added" \
	"^$N notes: $N added, 0 updated, 0 removed, 0 unchanged, 0 skipped, 0 warnings; [1-9][0-9]* passages, [0-9.]+ MB in [0-9.]+s$" \
	"$T_OUT"
FULL_PASSAGES=$(sed -n 's/.*; \([0-9]*\) passages.*/\1/p' <<<"$T_OUT")
FULL_SECONDS=$(sed -n 's/.* MB in \([0-9.]*\)s$/\1/p' <<<"$T_OUT")
t_match "the summary gives a passage count" "^[0-9]+$" "$FULL_PASSAGES"
t_true "passages outnumber notes" "passages: $FULL_PASSAGES, notes: $N" "${FULL_PASSAGES:-0}" -gt "$N"
# --no-progress: a script asked for no progress report, so stderr holds
# warnings only (and there are none).
t_eq "--no-progress prints no progress lines on stderr" "" "$T_ERR"

# ---- a first index is compacted ----
# Written in many commits, its B-tree blocks would be about half full; the
# first run swaps in Xapian's compacted copy (about 3x the corpus, not 6x).
t_eq "no compaction copy is left beside the index" "" \
	"$(find "$LECTERN_INDEX" -maxdepth 1 -name '*.compacting')"
INDEX_KB=$(du -sk "$LECTERN_INDEX/xapian" | cut -f1)
CORPUS_KB=$(du -skc "$TC" "$CORPUS" | tail -n 1 | cut -f1)
t_true "the first index is compacted: under 4x the corpus" \
	"index ${INDEX_KB} KiB, corpus ${CORPUS_KB} KiB" "$INDEX_KB" -lt $((CORPUS_KB * 4))
if command -v xapian-check >/dev/null; then
	t_ok "xapian-check finds the compacted index sound" xapian-check "$LECTERN_INDEX/xapian"
fi
mkdir -p "$LECTERN_INDEX/xapian.compacting/junk"
echo leftover >"$LECTERN_INDEX/xapian.compacting/junk/postlist.glass"

# ---- status ----
t_ok "status succeeds" "$LECTERN" status
t_match "status names the index" "index: +$LECTERN_INDEX" "$T_OUT"
t_match "status lists the tc39 root" "^(roots:)? +$TC$" "$(grep -F "$TC" <<<"$T_OUT")"
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
	"$(find "$TC" "$CORPUS" -type f ! -path '*/.*' -printf '%s\n' | awk '{s += $1} END {print s}')" \
	"$(jq -r .note_bytes <<<"$T_OUT")"

# ---- searchable ----
t_ok "a phrase of corpus/ is found" "$LECTERN" find --all --format vimgrep '"cattle, not pets"'
t_match "... in its file, at line 10" "2015-reinvent-partner-keynote-cattle-not-pets\.txt:10:[0-9]+:" "$T_OUT"
t_eq "... and only there" "1" "$(grep -c . <<<"$T_OUT")"
t_ok "a phrase of tc39 is found" "$LECTERN" find --all --format vimgrep '"polluted the namespace"'
t_match "... in its file, at its line" "meetings/2018-07/july-26\.md:474:[0-9]+:" "$T_OUT"
t_ok "a rare word is found in exactly the files that hold it" "$LECTERN" find -l --all smooshgate
t_eq "... smooshgate: the same files as grep" \
	"$(grep -rliw smooshgate "$TC" | xargs -n1 basename | sort)" \
	"$(xargs -n1 basename <<<"$T_OUT" | sort)"
t_exit 1 "a word in no note is not found" "$LECTERN" find --all -l xyzzyplughnotaword

# ---- nothing changed: nothing read, nothing written ----
before=$(index_snapshot)
sleep 0.05
t_ok "a re-run with nothing changed succeeds" "$LECTERN" index --json
t_eq "... adds, updates and removes nothing" "0 0 0" \
	"$(jq -r '"\(.added) \(.updated) \(.removed)"' <<<"$T_OUT")"
t_eq "... and removes the leftover of an interrupted compaction" "no" \
	"$([[ -e $LECTERN_INDEX/xapian.compacting ]] && echo yes || echo no)"
t_eq "... every note unchanged" "$N" "$(jq -r .unchanged <<<"$T_OUT")"
t_eq "... nothing touched" "0" "$(jq -r .touched <<<"$T_OUT")"
t_eq "... and the index files are not modified" "$before" "$(index_snapshot)"

# ---- a fresh checkout: every mtime new, no content changed ----
find "$TC" -exec touch -d '2001-02-03 04:05:06' {} +
t_ok "a re-run after resetting every mtime succeeds" "$LECTERN" index --json
t_eq "... updates nothing" "0 0 0" "$(jq -r '"\(.added) \(.updated) \(.removed)"' <<<"$T_OUT")"
t_eq "... counts every tc39 note as touched" "$N_TC" "$(jq -r .touched <<<"$T_OUT")"
t_eq "... writes no passage" "0" "$(jq -r .passages <<<"$T_OUT")"
RESET_SECONDS=$(jq -r .seconds <<<"$T_OUT")
if awk -v r="$RESET_SECONDS" -v f="$FULL_SECONDS" 'BEGIN { exit !(r * 5 < f) }'; then
	_t_pass "... and is much faster than the full index (${RESET_SECONDS}s vs ${FULL_SECONDS}s)"
else
	_t_bad "the fresh-checkout re-run is much faster than the full index" \
		"full: ${FULL_SECONDS}s, after mtime reset: ${RESET_SECONDS}s"
fi
t_ok "the run after that succeeds" "$LECTERN" index --json
t_eq "... and touches nothing (the new mtimes were recorded)" "0 $N" \
	"$(jq -r '"\(.touched) \(.unchanged)"' <<<"$T_OUT")"
t_ok "status still succeeds" "$LECTERN" status --json
t_eq "... same notes" "$N" "$(jq -r .notes <<<"$T_OUT")"
t_eq "... same passages" "$FULL_PASSAGES" "$(jq -r .passages <<<"$T_OUT")"
t_eq "... up to date" "true" "$(jq -r .up_to_date <<<"$T_OUT")"
t_ok "the corpus phrase is still found" "$LECTERN" find --all --format vimgrep '"cattle, not pets"'

t_done
