#!/usr/bin/env bash
# T340-serve-watch - `lectern serve --watch`: a saved note is searchable
# within a second, including the editors' way of saving (write a temp file,
# rename it into place); new notes, new directories and deletions too; the
# measured latencies are reported.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
serve_index_corpus

# until_count QUERY N: poll the daemon (every 20 ms, up to 5 s) until QUERY
# matches N passages; prints the seconds it took, or "timeout".
until_count() {
	python3 - "$SOCK" "$1" "$2" "$T0" <<'PY'
import socket, sys, json, time
path, q, want, t0 = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(path)
f = s.makefile("rb")
while time.time() - t0 < 5:
    s.sendall((json.dumps({"id": 1, "op": "find", "query": q, "count": True}) + "\n").encode())
    if json.loads(f.readline())["total"] == want:
        print("%.3f" % (time.time() - t0)); sys.exit()
    time.sleep(0.02)
print("timeout")
PY
}
now() { date +%s.%N; }
# within_1s DESC LATENCY: the latency is under a second.
within_1s() {
	echo "# $1: ${2}s"
	t_match "$1 within 1 s" '^0\.[0-9]+$' "$2"
}

start_serve "$TEST_TMP/serve.log" --watch
t_eq "serve --watch starts" 0 $?
t_eq "status says it is watching" True "$(jget "$(rpc "$SOCK" '{"id":1,"op":"status"}')" 'j["daemon"]["watching"]')"

# an editor's save: write a temp file (hidden, like vim's or emacs's), rename into place
T0=$(now)
printf '# Talk\n\nThe axolotl regeneration demo.\n' >"$NOTES/.talk.md.tmp"
mv "$NOTES/.talk.md.tmp" "$NOTES/talk.md"
within_1s "a new note saved by rename-into-place is searchable" "$(until_count axolotl 1)"

# saving again (rename over the old version): the old words go, the new come
T0=$(now)
printf '# Talk\n\nThe capybara demo, axolotl cut.\n' >"$NOTES/.talk.md.tmp"
printf 'capybara\n' >>"$NOTES/.talk.md.tmp"
mv -f "$NOTES/.talk.md.tmp" "$NOTES/talk.md"
within_1s "an edited note (renamed over the old one) is reindexed" "$(until_count capybara 1)"
t_eq "...and the old text is gone" 1 "$(jget "$(rpc "$SOCK" '{"id":1,"op":"find","query":"axolotl cut","count":true}')" 'j["total"]')"

# an in-place write (echo >>, nano, cp)
T0=$(now)
printf '\nA pangolin appeared.\n' >>"$NOTES/talk.md"
within_1s "an in-place write is reindexed" "$(until_count pangolin 1)"

# a new directory with a note in it
T0=$(now)
mkdir -p "$NOTES/2024/day1"
printf 'Narwhal keynote.\n' >"$NOTES/2024/day1/keynote.txt"
within_1s "a note in a new directory is searchable" "$(until_count narwhal 1)"
T0=$(now)
printf 'Wombat workshop.\n' >"$NOTES/2024/day1/workshop.txt"
within_1s "...and later notes in that directory too (it is watched)" "$(until_count wombat 1)"

# deletion
T0=$(now)
rm "$NOTES/talk.md"
within_1s "a deleted note vanishes" "$(until_count pangolin 0)"

# a directory moved into the tree
mkdir -p "$TEST_TMP/outside/sub"
printf 'Quetzal panel.\n' >"$TEST_TMP/outside/sub/panel.md"
T0=$(now)
mv "$TEST_TMP/outside" "$NOTES/moved"
within_1s "a directory moved into a root is indexed" "$(until_count quetzal 1)"

# swap files and backups are not notes
printf 'Ocelot swap.\n' >"$NOTES/.talk.md.swp"
printf 'Ocelot backup.\n' >"$NOTES/notes.md~"
sleep 0.5
t_eq "hidden swap files are ignored" 0 "$(jget "$(rpc "$SOCK" '{"id":1,"op":"find","query":"ocelot","count":true}')" 'j["total"]')"

t_contains "the log has the watch reindexes" "reindex (watch)" "$(cat "$TEST_TMP/serve.log")"
stop_serve
t_eq "SIGTERM: exit 0" 0 $?
t_done
