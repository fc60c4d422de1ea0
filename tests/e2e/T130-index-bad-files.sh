#!/usr/bin/env bash
# T130-index-bad-files - files that are not (good) notes: binary, invalid
# UTF-8, unreadable, a symlink loop, a broken symlink, a FIFO, a 50 MB single
# line. Each is skipped or indexed with a warning naming it, the run ends (a
# hang is the runner's timeout), and the good notes around them are indexed.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq

ROOT=$TEST_TMP/bad
mkdir -p "$ROOT/dir"
cd "$TEST_TMP" || exit 1
printf 'a good note about a wombat\n' >"$ROOT/good.txt"
printf 'a note in a directory with a symlink loop: pangolin\n' >"$ROOT/dir/inner.txt"
printf 'the last note in name order: zorilla\n' >"$ROOT/zzz.txt"
# binary: NULs up front, a word in the middle, random bytes around it
{
	printf 'BIN\0\0\0\1\2 capybara \0'
	head -c 4000 /dev/urandom
	printf ' capybara '
} >"$ROOT/blob.dat"
# invalid UTF-8 inside and between words
printf 'marmoset inva\xff\xfelid tamarin caf\xc3 ocelot mid\x80dle numbat\nsecond line: kinkajou\n' >"$ROOT/bad-utf8.txt"
ln -s .. "$ROOT/dir/loop"
ln -s "$ROOT/no-such-file.txt" "$ROOT/broken.txt"
mkfifo "$ROOT/fifo.txt"
printf '' >"$ROOT/empty.txt"
yes 'lorem ipsum dolor sit amet ' | tr -d '\n' | head -c 50000000 >"$ROOT/big.txt"
t_eq "the big file is one 50 MB line" "50000000 0" \
	"$(stat -c %s "$ROOT/big.txt") $(tr -cd '\n' <"$ROOT/big.txt" | wc -c)"

files_with() {
	"$LECTERN" find -l --all "$@" 2>&1 | xargs -r -n1 basename | sort | tr '\n' ' '
}
warned() { # warned NAME: the first run's warning line naming $ROOT/NAME
	grep -E "^lectern: warning: $ROOT/$1: ." <<<"$FIRST_ERR"
}

t_ok "indexing a tree of bad files succeeds (and ends)" "$LECTERN" index --stats "$ROOT"
# the FIFO is never opened (it would block), the symlink loop never followed
# round, the big file read once: every regular file read once, no more
t_eq "... reading each regular file once" \
	"$(find "$ROOT" -type f -readable | wc -l)" "$(sed -n 's/^lectern: stats: files read \([0-9]*\),.*/\1/p' <<<"$T_ERR")"
t_match "... with a summary" "^[0-9]+ notes: [0-9]+ added, 0 updated" "$T_OUT"
FIRST_ERR=$T_ERR

# the good notes
t_eq "a good note is indexed" "good.txt " "$(files_with wombat)"
t_eq "a note next to a symlink loop is indexed, once" "inner.txt " "$(files_with pangolin)"
t_eq "the last note (after the big one) is indexed" "zzz.txt " "$(files_with zorilla)"

# binary
t_exit 1 "a binary file is not indexed" "$LECTERN" find --all -l capybara

# invalid UTF-8
for w in marmoset tamarin ocelot numbat kinkajou; do
	t_eq "invalid UTF-8: '$w' next to bad bytes is found" "bad-utf8.txt " "$(files_with "$w")"
done
t_ok "invalid UTF-8: a word is shown at its line and column" "$LECTERN" find --all --format vimgrep kinkajou
t_contains "... bad-utf8.txt:2:" "bad-utf8.txt:2:" "$T_OUT"

# symlinks and the FIFO: a warning each, naming the path
t_match "a symlink loop gives a warning naming it" "symlink|loop" "$(warned dir/loop)"
t_match "a broken symlink gives a warning naming it" "broken|link|No such" "$(warned broken.txt)"
t_exit 1 "the FIFO's name gives no note" "$LECTERN" find --all -l 'path:fifo'

# FIFOs elsewhere: as a .lecternignore, as a path given. (A FIFO blocks its
# reader for ever: `timeout` turns that hang into this check's failure.)
mkdir -p "$TEST_TMP/fifo-root"
mkfifo "$TEST_TMP/fifo-root/.lecternignore" "$TEST_TMP/lone.fifo"
printf 'next to a fifo ignore file: axolotl\n' >"$TEST_TMP/fifo-root/a.txt"
t_ok "a FIFO named .lecternignore does not block" timeout 30 "$LECTERN" index "$TEST_TMP/fifo-root"
t_contains "... gives a warning naming it" "$TEST_TMP/fifo-root/.lecternignore" "$T_ERR"
t_eq "... and the note next to it is indexed" "a.txt " "$(files_with axolotl)"
t_run timeout 30 "$LECTERN" index "$TEST_TMP/lone.fifo"
t_true "a FIFO given as a path does not block (exit $T_RC; 124: timed out)" test "$T_RC" -lt 124
t_contains "... and is named in a message" "$TEST_TMP/lone.fifo" "$T_ERR"

# the 50 MB single line: indexed, or skipped with a warning
BIG_WARNING=$(warned big.txt)
if [[ -n $BIG_WARNING ]]; then
	t_contains "the 50 MB line is skipped with a warning" "skipped" "$BIG_WARNING"
	t_exit 1 "... and not indexed" "$LECTERN" find --all -l lorem
else
	t_eq "the 50 MB line is indexed" "big.txt " "$(files_with lorem)"
	t_eq "... as one note" "1" "$("$LECTERN" find --all -l dolor | grep -c big.txt)"
fi

# a re-run: nothing changed, the same warnings, no crash
t_ok "a re-run over the bad files succeeds" "$LECTERN" index --json
t_eq "... adds, updates, removes nothing" "0 0 0" \
	"$(jq -r '"\(.added) \(.updated) \(.removed)"' <<<"$T_OUT")"
t_eq "... lists warnings for the loop and the broken link" "2" \
	"$(jq -r '.warning_list[].path' <<<"$T_OUT" | grep -cE '/(dir/loop|broken\.txt)$')"
t_exit 1 "--strict exits 1 when there were warnings" "$LECTERN" index --strict -q
t_eq "-q prints nothing on stdout" "" "$T_OUT"
t_contains "-q still prints the warnings" "lectern: warning: $ROOT/broken.txt" "$T_ERR"

# a note that turns binary leaves the index
printf 'soon binary: quetzal\n' >"$ROOT/turns.txt"
t_ok "a new note" "$LECTERN" index -q
t_eq "... is found" "turns.txt " "$(files_with quetzal)"
printf 'soon binary: quetzal\0\0\0\1\2\3' >"$ROOT/turns.txt"
t_ok "a re-run after the note became binary" "$LECTERN" index --json
t_eq "... removes it" "1" "$(jq -r .removed <<<"$T_OUT")"
t_exit 1 "... it is no longer found" "$LECTERN" find --all -l quetzal

# ---- unreadable files and directories (as an unprivileged user) ----
if [[ $(id -u) -ne 0 ]] || ! command -v setpriv >/dev/null; then
	echo "# not root or no setpriv: unreadable files not tested"
	t_done
fi
# shellcheck disable=SC2317 # called through t_ok and friends
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
chmod 755 "$TEST_TMP"
PERM=$TEST_TMP/perm
PIDX=$TEST_TMP/perm-index
mkdir -p "$PERM/locked" && mkdir -m 777 "$PIDX"
printf 'readable note: gecko\n' >"$PERM/ok.txt"
printf 'secret note: iguana\n' >"$PERM/secret.txt"
printf 'in a locked directory: tapir\n' >"$PERM/locked/t.txt"
chmod 644 "$PERM/ok.txt" "$PERM/secret.txt" "$PERM/locked/t.txt"
chmod 600 "$PERM/secret.txt"
chmod 700 "$PERM/locked"
t_ok "as nobody, indexing a tree with unreadable parts succeeds" \
	as_nobody "$LECTERN" index --index "$PIDX" "$PERM"
t_contains "... warns about the unreadable file" "lectern: warning: $PERM/secret.txt:" "$T_ERR"
t_contains "... warns about the unreadable directory" "lectern: warning: $PERM/locked:" "$T_ERR"
t_ok "... the readable note is found" as_nobody "$LECTERN" find --index "$PIDX" --all -l gecko
t_exit 1 "... the unreadable file is not" as_nobody "$LECTERN" find --index "$PIDX" --all -l iguana
t_exit 1 "... nor the file in the locked directory" as_nobody "$LECTERN" find --index "$PIDX" --all -l tapir
t_exit 1 "--strict exits 1 over unreadable files" \
	as_nobody "$LECTERN" index --index "$PIDX" --strict -q

chmod 644 "$PERM/secret.txt"
t_ok "once readable, the file is added" as_nobody "$LECTERN" index --index "$PIDX" --json
t_eq "... 1 added" "1" "$(jq -r .added <<<"$T_OUT")"
t_ok "... and found" as_nobody "$LECTERN" find --index "$PIDX" --all -l iguana
chmod 600 "$PERM/secret.txt"
touch "$PERM/secret.txt"
t_ok "unreadable again: the run succeeds" as_nobody "$LECTERN" index --index "$PIDX" --json
t_eq "... removes nothing (the indexed version is kept)" "0" "$(jq -r .removed <<<"$T_OUT")"
t_contains "... with a warning naming it" "$PERM/secret.txt" "$(jq -r '.warning_list[].path' <<<"$T_OUT")"
t_ok "... it is still found" as_nobody "$LECTERN" find --index "$PIDX" --all -l iguana

t_done
