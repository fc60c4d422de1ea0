#!/usr/bin/env bash
# T135-index-errors-say-what - indexing errors name what happened (issue 13,
# point 4): a user who may not write the index gets "permission denied: PATH",
# a read-only filesystem "read-only file system: PATH", and only a lock another
# writer really holds "is locked"; a FIFO, socket or directory where a note
# was is named ("is a FIFO, not a regular file; skipped"), never "Invalid
# argument", and indexing does not block on it.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

NOTES=$TEST_TMP/notes
mkdir -p "$NOTES"
printf '# Alpha\n\nThe aardvark minutes.\n' >"$NOTES/a.md"
printf '# Beta\n\nThe bandicoot minutes.\n' >"$NOTES/b.md"
printf '# Gamma\n\nThe caracal minutes.\n' >"$NOTES/c.md"
printf '# Delta\n\nThe dugong minutes.\n' >"$NOTES/d.md"
t_ok "the notes are indexed" "$LECTERN" index --no-progress "$NOTES"

# ---- another user: permission denied, not "locked" ----
if [[ $(id -u) -ne 0 ]] || ! command -v setpriv >/dev/null; then
	echo "# unprivileged-user checks need root and setpriv: skipped"
else
	# uid 65534 may read the notes and the index, but not write the index
	chmod 755 "$TEST_TMP"
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	t_exit 2 "indexing another user's index exits 2" as_nobody "$LECTERN" index --no-progress
	t_contains "... saying permission denied, with the path" \
		"permission denied: $LECTERN_INDEX/xapian" "$T_ERR"
	t_contains "... and who cannot write it" "uid 65534 cannot write the index $LECTERN_INDEX" "$T_ERR"
	t_lacks "... not that it is locked" "locked" "$T_ERR"
	t_exit 0 "... while reading it works: find" as_nobody "$LECTERN" find --no-daemon aardvark
	t_exit 0 "... and index --check (read-only)" as_nobody "$LECTERN" index --check

	# an empty index directory that belongs to root
	mkdir -m 755 "$TEST_TMP/rootdir"
	t_exit 2 "a new index in a directory another user owns exits 2" \
		as_nobody "$LECTERN" index --no-progress --index "$TEST_TMP/rootdir" "$NOTES"
	t_contains "... saying permission denied, with the directory" \
		"permission denied: $TEST_TMP/rootdir" "$T_ERR"
	t_lacks "... not that it is locked" "locked" "$T_ERR"
	t_eq "... creating nothing" "" "$(ls -A "$TEST_TMP/rootdir")"

	# the lock file alone not writable (the directory is)
	cp -a "$LECTERN_INDEX" "$TEST_TMP/index2"
	chown -R 65534:65534 "$TEST_TMP/index2"
	chown root:root "$TEST_TMP/index2/xapian/flintlock"
	chmod 644 "$TEST_TMP/index2/xapian/flintlock"
	t_exit 2 "a lock file another user owns: exit 2" \
		as_nobody "$LECTERN" index --no-progress --index "$TEST_TMP/index2"
	t_contains "... permission denied, naming the lock file" \
		"permission denied: $TEST_TMP/index2/xapian/flintlock" "$T_ERR"
	chmod 700 "$TEST_TMP"
fi

# ---- a lock another writer holds: still "locked" ----
# Xapian locks the whole flintlock file (fcntl); so does this holder
python3 - "$LECTERN_INDEX/xapian/flintlock" "$LECTERN" <<'PY' >"$TEST_TMP/lock.out" 2>&1
import fcntl, subprocess, sys
f = open(sys.argv[1], "r+")
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
r = subprocess.run([sys.argv[2], "index", "--no-progress"], capture_output=True, text=True)
print(r.returncode)
print(r.stderr, end="")
PY
t_eq "a lock held by another writer: exit 2" 2 "$(head -1 "$TEST_TMP/lock.out")"
t_contains "... saying it is locked by another writer" \
	"index $LECTERN_INDEX is locked: another lectern index" "$(cat "$TEST_TMP/lock.out")"
t_lacks "... not permission denied" "permission denied" "$(cat "$TEST_TMP/lock.out")"

# ---- a read-only filesystem (a tmpfs remounted ro, in a private mount namespace) ----
RO=$TEST_TMP/ro
mkdir -p "$RO"
RO_SH='
set -e
mount -t tmpfs -o size=16m lectern-t135 "$1"
"$2" index --no-progress -q --index "$1/index" "$3"
mount -o remount,ro "$1"
set +e
"$2" index --no-progress --index "$1/index"
echo "exit $?"
"$2" index --no-progress --index "$1/fresh" "$3"
echo "exit $?"
"$2" find --no-daemon --index "$1/index" aardvark >/dev/null
echo "find exit $?"
'
if command -v unshare >/dev/null && unshare -m true 2>/dev/null &&
	unshare -m sh -c 'mount -t tmpfs none "$1"' sh "$RO" 2>/dev/null; then
	out=$(unshare -m sh -c "$RO_SH" sh "$RO" "$LECTERN" "$NOTES" 2>&1)
	t_contains "a read-only filesystem: exit 2" "exit 2" "$(grep -m1 '^exit' <<<"$out")"
	t_contains "... saying read-only file system, with the path" \
		"read-only file system: $RO/index/xapian" "$out"
	t_lacks "... not that it is locked" "locked" "$out"
	t_contains "a new index on it: the directory cannot be created, and why" \
		"read-only file system: $RO (indexing writes the index $RO/fresh)" "$out"
	t_contains "... while find still reads it" "find exit 0" "$out"
else
	echo "# cannot mount a tmpfs in a private mount namespace here: read-only checks skipped"
fi

# ---- a FIFO, a socket, a directory where notes were ----
rm "$NOTES/a.md" "$NOTES/b.md" "$NOTES/c.md"
mkfifo "$NOTES/a.md"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$NOTES/b.md"
mkdir "$NOTES/c.md"
t_exit 0 "indexing with a FIFO, a socket, a directory where notes were: exit 0, no hang" \
	timeout 60 "$LECTERN" index --no-progress
t_contains "the FIFO is named" "$NOTES/a.md: is a FIFO, not a regular file; skipped" "$T_ERR"
t_contains "the socket is named" "$NOTES/b.md: is a socket, not a regular file; skipped" "$T_ERR"
t_lacks "no 'Invalid argument'" "Invalid argument" "$T_ERR"
t_contains "their notes leave the index" "3 removed" "$T_OUT"
t_exit 1 "... the FIFO's old words are not found" "$LECTERN" find --no-daemon aardvark
t_exit 0 "... the note beside them still is" "$LECTERN" find --no-daemon dugong
t_exit 2 "a FIFO given as a path: exit 2, no hang" timeout 60 "$LECTERN" index "$NOTES/a.md"
t_contains "... saying what it is" "$NOTES/a.md: is a FIFO, not a directory or a regular file" "$T_ERR"
t_done
