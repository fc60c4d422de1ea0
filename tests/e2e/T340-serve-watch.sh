#!/usr/bin/env bash
# T340-serve-watch - `lectern serve --watch`: a saved note becomes
# searchable by itself (the daemon reindexes it: no `lectern index` runs),
# including the editors' way of saving (write a temp file, rename it into
# place); new notes, new directories and deletions too. Each wait polls until
# the daemon answers as it should: a watch that never reacts is a hang, and
# the runner's timeout fails it; no check times anything.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3
t_need jq

# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
serve_index_corpus

# until_count QUERY N: poll the daemon (every 20 ms) until QUERY matches N
# passages; prints how many reindexes it had done by then.
until_count() {
	python3 - "$SOCK" "$1" "$2" <<'PY'
import socket, sys, json, time
path, q, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX); s.connect(path)
f = s.makefile("rb")
def ask(req):
    s.sendall((json.dumps(req) + "\n").encode())
    return json.loads(f.readline())
while ask({"id": 1, "op": "find", "query": q, "count": True})["total"] != want:
    time.sleep(0.02)
print(ask({"id": 2, "op": "status"})["daemon"]["reindexes"])
PY
}
# mark: note the daemon's count of reindexes, before a change
mark() { BEFORE=$(rpc "$SOCK" '{"id":1,"op":"status"}' | jq -r .daemon.reindexes); }
# t_reindexed DESC QUERY N: QUERY comes to match N passages, through a
# reindex of the watch (the count went up since the mark)
t_reindexed() {
	local after
	after=$(until_count "$2" "$3")
	t_true "$1 (reindexes: $BEFORE, then $after)" test "${after:-0}" -gt "$BEFORE"
}

start_serve "$TEST_TMP/serve.log" --watch
t_eq "serve --watch starts" 0 $?
t_eq "status says it is watching" True "$(jget "$(rpc "$SOCK" '{"id":1,"op":"status"}')" 'j["daemon"]["watching"]')"

# an editor's save: write a temp file (hidden, like vim's or emacs's), rename into place
mark
printf '# Talk\n\nThe axolotl regeneration demo.\n' >"$NOTES/.talk.md.tmp"
mv "$NOTES/.talk.md.tmp" "$NOTES/talk.md"
t_reindexed "a new note saved by rename-into-place is searchable" axolotl 1

# saving again (rename over the old version): the old words go, the new come
mark
printf '# Talk\n\nThe capybara demo, axolotl cut.\n' >"$NOTES/.talk.md.tmp"
printf 'capybara\n' >>"$NOTES/.talk.md.tmp"
mv -f "$NOTES/.talk.md.tmp" "$NOTES/talk.md"
t_reindexed "an edited note (renamed over the old one) is reindexed" capybara 1
t_eq "...and the old text is gone" 1 "$(jget "$(rpc "$SOCK" '{"id":1,"op":"find","query":"axolotl cut","count":true}')" 'j["total"]')"

# an in-place write (echo >>, nano, cp)
mark
printf '\nA pangolin appeared.\n' >>"$NOTES/talk.md"
t_reindexed "an in-place write is reindexed" pangolin 1

# a new directory with a note in it
mark
mkdir -p "$NOTES/2024/day1"
printf 'Narwhal keynote.\n' >"$NOTES/2024/day1/keynote.txt"
t_reindexed "a note in a new directory is searchable" narwhal 1
mark
printf 'Wombat workshop.\n' >"$NOTES/2024/day1/workshop.txt"
t_reindexed "...and later notes in that directory too (it is watched)" wombat 1

# deletion
mark
rm "$NOTES/talk.md"
t_reindexed "a deleted note vanishes" pangolin 0

# a directory moved into the tree
mkdir -p "$TEST_TMP/outside/sub"
printf 'Quetzal panel.\n' >"$TEST_TMP/outside/sub/panel.md"
mark
mv "$TEST_TMP/outside" "$NOTES/moved"
t_reindexed "a directory moved into a root is indexed" quetzal 1

# swap files and backups are not notes: once a note saved after them is
# searchable, the watch has seen them too
mark
printf 'Ocelot swap.\n' >"$NOTES/.talk.md.swp"
printf 'Ocelot backup.\n' >"$NOTES/notes.md~"
printf 'Margay notes.\n' >"$NOTES/later.md"
t_reindexed "a note saved after them is reindexed" margay 1
t_eq "hidden swap files and backups are ignored" 0 "$(jget "$(rpc "$SOCK" '{"id":1,"op":"find","query":"ocelot","count":true}')" 'j["total"]')"

t_contains "the log has the watch reindexes" "reindex (watch)" "$(cat "$TEST_TMP/serve.log")"
stop_serve
t_eq "SIGTERM: exit 0" 0 $?
t_done
