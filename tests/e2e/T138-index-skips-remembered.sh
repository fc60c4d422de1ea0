#!/usr/bin/env bash
# T138-index-skips-remembered - a file skipped (binary, too large,
# unreadable) is warned about by the first run that skips it; a later run
# that finds it as it was (same size and mtime) and skips it for the same
# reason counts it in the summary's "skipped" without warning again. The
# record goes when the file becomes a note or goes away (then the same file
# back is warned about again); --check writes none; --strict still fails.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq

N=$TEST_TMP/notes
mkdir -p "$N"
cd "$TEST_TMP" || exit 1
printf 'a good note: okapi\n' >"$N/good.md"

summary() { # added updated removed unchanged skipped warnings
	jq -r '"\(.added) \(.updated) \(.removed) \(.unchanged) \(.skipped) \(.warnings)"' <<<"$T_OUT"
}
warned() { # the paths warned about, sorted, one line
	jq -r '.warning_list[].path' <<<"$T_OUT" | sed "s|^$N/||" | sort | tr '\n' ' '
}

t_ok "index a good note" "$LECTERN" index --json "$N"
printf 'BIN\0\0\1\2 capybara' >"$N/blob.bin"
truncate -s 300M "$N/huge.txt" # sparse: over LEC_MAX_NOTE_BYTES, costs no disk

# ---- --check records nothing ----
t_ok "--check with a binary and a too-large file new" "$LECTERN" index --check --json
t_eq "... counts both as skipped, warning about each" "2 2" "$(jq -r '"\(.skipped) \(.warnings)"' <<<"$T_OUT")"
t_ok "--check again" "$LECTERN" index --check --json
t_eq "... warns again: it wrote no record" "blob.bin huge.txt " "$(warned)"
t_ok "the next run" "$LECTERN" index --json
t_eq "... skips both" "0 0 0 1 2 2" "$(summary)"
t_eq "... warning about each (no record from --check)" "blob.bin huge.txt " "$(warned)"
t_ok "--check after it" "$LECTERN" index --check --json
t_eq "... counts them, warns about neither" "2 0" "$(jq -r '"\(.skipped) \(.warnings)"' <<<"$T_OUT")"
t_ok "... and calls the index up to date" "$LECTERN" index --check

# ---- later runs: counted, not warned about ----
t_ok "a second run" "$LECTERN" index --json
t_eq "... counts both as skipped, with no warning" "0 0 0 1 2 0" "$(summary)"
t_ok "a third, with the summary line" "$LECTERN" index
t_match "... says 2 skipped, 0 warnings" " 2 skipped, 0 warnings;" "$T_OUT"
t_eq "... and prints nothing on stderr" "" "$T_ERR"
t_exit 1 "--strict still exits 1: files are skipped" "$LECTERN" index --strict -q
t_eq "... and warns about nothing" "" "$T_ERR"

# ---- something about the file changed: warned again ----
cp -p "$N/blob.bin" "$TEST_TMP/blob.orig"
touch -d '2030-01-01' "$N/blob.bin"
t_ok "the binary file touched" "$LECTERN" index --json
t_eq "... is warned about again" "blob.bin " "$(warned)"
t_ok "... once" "$LECTERN" index --json
t_eq "... and then counted quietly" "0 2 0" "$(jq -r '"\(.added) \(.skipped) \(.warnings)"' <<<"$T_OUT")"

# ---- it becomes a note: the record goes ----
printf 'now a note: capybara\n' >"$N/blob.bin"
t_ok "the binary file turned into text" "$LECTERN" index --json
t_eq "... is added, no warning" "1 0 0 1 1 0" "$(summary)"
t_ok "... and found" "$LECTERN" find --all -l capybara
cp -p "$TEST_TMP/blob.orig" "$N/blob.bin"
t_ok "the same binary bytes and mtime as when it was skipped" "$LECTERN" index --json
t_eq "... are warned about again: its record went when it became a note" "blob.bin " "$(warned)"
t_eq "... it leaves the index" "1" "$(jq -r .removed <<<"$T_OUT")"

# ---- it goes away: the record goes ----
mv "$N/huge.txt" "$TEST_TMP/huge.txt"
t_ok "the too-large file removed" "$LECTERN" index --json
t_eq "... no warning" "0" "$(jq -r .warnings <<<"$T_OUT")"
mv "$TEST_TMP/huge.txt" "$N/huge.txt"
t_ok "the same file back (same size and mtime)" "$LECTERN" index --json
t_eq "... is warned about again: its record went with it" "huge.txt " "$(warned)"

# ---- a part of the root: the records outside it stay ----
mkdir -p "$N/sub"
printf 'sub note\n' >"$N/sub/s.md"
t_ok "refreshing only a subdirectory" "$LECTERN" index --json "$N/sub"
t_ok "... then the whole root" "$LECTERN" index --json
t_eq "... the skipped files outside it are still known: no warning" "0 2" \
	"$(jq -r '"\(.warnings) \(.skipped)"' <<<"$T_OUT")"

# ---- two shards: each record in its note's shard ----
S=$TEST_TMP/sharded
t_ok "an index of 3 shards" "$LECTERN" index --json --shards 3 --index "$S" "$N"
t_eq "... warns about both" "blob.bin huge.txt " "$(warned)"
t_ok "... a second run" "$LECTERN" index --json --index "$S"
t_eq "... warns about neither" "0 2" "$(jq -r '"\(.warnings) \(.skipped)"' <<<"$T_OUT")"

# ---- unreadable (as an unprivileged user) ----
if [[ $(id -u) -ne 0 ]] || ! command -v setpriv >/dev/null; then
	echo "# not root or no setpriv: unreadable files not tested"
	t_done
fi
# shellcheck disable=SC2317 # called through t_ok
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
chmod 755 "$TEST_TMP"
P=$TEST_TMP/perm
PIDX=$TEST_TMP/perm-index
mkdir -p "$P" && mkdir -m 777 "$PIDX"
printf 'readable: gecko\n' >"$P/ok.md"
printf 'secret: iguana\n' >"$P/secret.md"
chmod 644 "$P/ok.md"
chmod 600 "$P/secret.md"
t_ok "as nobody, a tree with an unreadable file" as_nobody "$LECTERN" index --json --index "$PIDX" "$P"
t_eq "... it is skipped with a warning" "1 1 1" "$(jq -r '"\(.added) \(.skipped) \(.warnings)"' <<<"$T_OUT")"
t_contains "... naming it" "$P/secret.md" "$(jq -r '.warning_list[] | "\(.path): \(.message)"' <<<"$T_OUT")"
t_ok "... a second run" as_nobody "$LECTERN" index --json --index "$PIDX"
t_eq "... counts it, no warning" "0 1 0" "$(jq -r '"\(.added) \(.skipped) \(.warnings)"' <<<"$T_OUT")"
chmod 644 "$P/secret.md"
t_ok "made readable (size and mtime unchanged)" as_nobody "$LECTERN" index --json --index "$PIDX"
t_eq "... it is read again, and added" "1 0 0" "$(jq -r '"\(.added) \(.skipped) \(.warnings)"' <<<"$T_OUT")"
chmod 600 "$P/secret.md"
t_ok "unreadable again" as_nobody "$LECTERN" index --json --index "$PIDX"
t_eq "... warned about again (its record went), the indexed version kept" "0 1 1 0" \
	"$(jq -r '"\(.added) \(.skipped) \(.warnings) \(.removed)"' <<<"$T_OUT")"
t_ok "... still found" as_nobody "$LECTERN" find --index "$PIDX" --all -l iguana

t_done
