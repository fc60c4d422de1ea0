#!/usr/bin/env bash
# T820-faults-diskfull - the disk fills up during indexing. The index lives
# on a small tmpfs; the corpus is indexed first (it fits), then a part of
# the large corpus (tc39-notes or the generated one) that does not fit. The
# run fails clearly (exit 2, "No space left on device"), the corpus is still
# found, `status` works, every note that is visible is complete (no note
# half indexed), a second run on the full disk fails the same way, and once
# there is room again the next run ends with exactly what a clean index
# holds. Then a first index whose compacted copy does not fit: a warning, a
# complete index, --compact later.
# Normal mode: 5 MB of notes on a 10 MB tmpfs. LECTERN_SLOW=1: all of the
# large corpus on 10, 20 and 60 MB tmpfs (the disk fills at other moments).
# Needs root (mount); skipped if mounting a tmpfs is not permitted.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq

t_large_corpus
SRC=$T_CORPUS
if [[ ${LECTERN_SLOW:-0} == 1 ]]; then
	BYTES=0 SIZES=(10m 20m 60m)
else
	BYTES=5000000 SIZES=(10m)
fi
FS=$TEST_TMP/fs
mkdir -p "$FS"
mount -t tmpfs -o size=1m tmpfs "$FS" 2>"$TEST_TMP/mount.err" ||
	t_skip "cannot mount a tmpfs: $(cat "$TEST_TMP/mount.err")"
# unmount before test-lib removes $TEST_TMP
# shellcheck disable=SC2016 # expanded when it runs
t_at_exit 'cd / && { umount "$FS" 2>/dev/null || umount -l "$FS"; }'
# mount_tmpfs SIZE: a new, empty tmpfs of SIZE at $FS
# shellcheck disable=SC2317 # called through t_true
mount_tmpfs() {
	umount "$FS" && mount -t tmpfs -o "size=$1" tmpfs "$FS"
}

TC=$TEST_TMP/large
(cd "$SRC" && find . -type f ! -path '*/.*' -printf '%s %P\n' | sort -k2) |
	while read -r size path; do
		mkdir -p "$TC/$(dirname "$path")"
		cp "$SRC/$path" "$TC/$path"
		total=$((${total:-0} + size))
		[[ $BYTES -gt 0 && $total -ge $BYTES ]] && break
	done
N=$(find "$TC" -type f | wc -l)
CORPUS=$TEST_TMP/corpus
cp -r "$REPO/corpus" "$CORPUS"
CLEAN=$TEST_TMP/clean-index
WORDS=(bikeshed temporal decorators consensus 'async*' cattle)

# hits [ARGS...]: the sorted vimgrep lines of the single-word queries
hits() {
	local w
	for w in "${WORDS[@]}"; do
		"$LECTERN" find --no-daemon --all --format vimgrep "$@" "$w"
	done | sort
}

t_ok "a clean index of the corpus and the notes builds" \
	"$LECTERN" index -q --index "$CLEAN" "$CORPUS" "$TC" || t_done
hits --index "$CLEAN" >"$TEST_TMP/clean.hits"
clean_status=$("$LECTERN" status --index "$CLEAN" --json | jq -c '{notes, passages, note_bytes}')
echo "# $N notes ($(du -sh "$TC" | cut -f1)) + corpus; the clean index: $(du -sh "$CLEAN" | cut -f1)"

for size in "${SIZES[@]}"; do
	L="tmpfs $size"
	t_ok "$L: mount" mount_tmpfs "$size" || continue
	export LECTERN_INDEX=$FS/index
	t_ok "$L: the corpus is indexed" "$LECTERN" index -q "$CORPUS"
	t_ok "$L: ... and found" "$LECTERN" find --no-daemon "cattle, not pets"

	t_exit 2 "$L: indexing notes that do not fit fails with exit 2" timeout 300 "$LECTERN" index "$TC"
	t_contains "$L: ... saying the disk is full" "No space left on device" "$T_ERR"
	t_match "$L: ... in one error line" "^lectern: .*No space left on device" "$(grep -v 'indexed [0-9]*/' <<<"$T_ERR")"
	t_eq "$L: ... the filesystem is indeed full" 0 "$(df --output=avail "$FS" | tail -1 | tr -d ' ')"

	t_ok "$L: the corpus is still found" "$LECTERN" find --no-daemon "cattle, not pets"
	t_contains "$L: ... in its place" "2015-reinvent-partner-keynote-cattle-not-pets.txt:10:" "$T_OUT"
	t_ok "$L: status works" "$LECTERN" status --json
	t_eq "$L: ... and is not up to date" false "$(jq -r .up_to_date <<<"$T_OUT")"
	visible=$(jq -r .notes <<<"$T_OUT")
	echo "# $L: $visible of $((N + 5)) notes committed before the disk filled"
	t_true "$L: ... it counts the corpus at least (notes: $visible)" test "${visible:-0}" -ge 5

	# every visible note is complete: its hits are all of the clean index's
	hits >"$TEST_TMP/now.hits"
	cut -d: -f1 "$TEST_TMP/now.hits" | sort -u >"$TEST_TMP/visible.files"
	awk -F: 'NR == FNR { f[$1] = 1; next } f[$1]' "$TEST_TMP/visible.files" "$TEST_TMP/clean.hits" \
		>"$TEST_TMP/expected.hits"
	t_same "$L: each visible note has all its hits ($(wc -l <"$TEST_TMP/visible.files") files)" \
		"$TEST_TMP/expected.hits" "$TEST_TMP/now.hits"
	# no half-written file left behind: only Xapian's own files (and the
	# roots file, docs/index-layout.md)
	stray=$(find "$FS/index" -mindepth 1 ! -path "$FS/index/xapian" ! -path "$FS/index/roots" \
		! -regex '.*/xapian/\([a-z]*\.glass\|iamglass\|flintlock\)' | head -3)
	t_eq "$L: no stray or temporary file in the index" "" "$stray"

	t_exit 2 "$L: a second run on the full disk fails the same way" timeout 300 "$LECTERN" index
	t_contains "$L: ... saying the disk is full" "No space left on device" "$T_ERR"
	t_ok "$L: ... and the corpus is still found" "$LECTERN" find --no-daemon "cattle, not pets"

	mount -o remount,size=1g "$FS"
	t_ok "$L: with room again, the next run succeeds" timeout 300 "$LECTERN" index --json
	t_eq "$L: ... it sees every note" "$((N + 5))" "$(jq -r .files <<<"$T_OUT")"
	hits >"$TEST_TMP/now.hits"
	t_same "$L: ... and the index gives exactly the clean index's hits" \
		"$TEST_TMP/clean.hits" "$TEST_TMP/now.hits"
	t_eq "$L: ... and the same counts" "$clean_status" \
		"$("$LECTERN" status --json | jq -c '{notes, passages, note_bytes}')"
done

# ---- a first index whose compacted copy does not fit ----
# 150 notes of the large corpus. A first run writes the index in several commits (U bytes),
# then its compacted copy (C bytes) beside it: on a tmpfs of U + C/3 the
# index fits and the copy does not. The run still succeeds, with a warning;
# the index is complete, nothing is left beside it; with room again,
# --compact does it. U is measured by indexing the same notes in a second
# run (which does not compact), C by compacting that.
SUB=$TEST_TMP/sub
(cd "$SRC" && find . -type f -name '*.md' | sort | head -n 150) | while read -r p; do
	mkdir -p "$SUB/$(dirname "$p")" && cp "$SRC/$p" "$SUB/$p"
done
subhits() { "$LECTERN" find --no-daemon --all --format vimgrep 'proposal OR consensus'; }
mkdir -p "$TEST_TMP/first"
first=$(find "$SUB" -name '*.md' | sort | head -n 1)
cp "$first" "$TEST_TMP/first/"
LECTERN_INDEX=$TEST_TMP/ref-index "$LECTERN" index --no-progress -q "$TEST_TMP/first"
LECTERN_INDEX=$TEST_TMP/ref-index "$LECTERN" index --no-progress -q "$SUB"
U=$(du -sk "$TEST_TMP/ref-index/xapian" | cut -f1)
LECTERN_INDEX=$TEST_TMP/ref-index "$LECTERN" index --no-progress -q --compact
C=$(du -sk "$TEST_TMP/ref-index/xapian" | cut -f1)
echo "# 150 notes: ${U} kB written in commits, ${C} kB compacted"
rm -rf "$TEST_TMP/ref-index"
LECTERN_INDEX=$TEST_TMP/ref-index "$LECTERN" index --no-progress -q "$SUB"
ref_hits=$(LECTERN_INDEX=$TEST_TMP/ref-index subhits)
umount "$FS" && mount -t tmpfs -o size=$((U + C / 3))k tmpfs "$FS" ||
	t_skip "cannot mount a $((U + C / 3)) kB tmpfs"
export LECTERN_INDEX=$FS/cindex
t_ok "compacting on a full disk: the first index still succeeds" "$LECTERN" index --no-progress "$SUB"
t_contains "... with a warning that it is not compacted" "not compacted" "$T_ERR"
t_contains "... since the disk is full" "No space left on device" "$T_ERR"
t_eq "... no copy left beside the index" "" "$(find "$LECTERN_INDEX" -maxdepth 1 -name '*.compacting')"
t_eq "... and the index gives every hit" "$ref_hits" "$(subhits)"
mount -o remount,size=200m "$FS"
t_ok "with room again, index --compact succeeds" "$LECTERN" index --compact --json
t_eq "... compacting the shard" 1 "$(jq -r .compacted <<<"$T_OUT")"
t_eq "... to the size a compacted index has" yes \
	"$([[ $(du -sk "$LECTERN_INDEX/xapian" | cut -f1) -le $((C + C / 10)) ]] && echo yes || echo no)"
t_eq "... with the same hits" "$ref_hits" "$(subhits)"
t_done
