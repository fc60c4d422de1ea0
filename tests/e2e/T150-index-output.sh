#!/usr/bin/env bash
# T150-index-output - what index and status print: the summary line, -q,
# --json (valid, with every field), warnings on stderr, status text and JSON;
# and where the index lives (--index, $LECTERN_INDEX, $XDG_DATA_HOME, $HOME).
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq

N=$TEST_TMP/notes
mkdir -p "$N/sub"
cd "$TEST_TMP" || exit 1
printf '# A markdown note\n\nSome text about a serval.\n\n## Part two\n\nMore text.\n' >"$N/a.md"
printf 'plain text about an ocelot\n\nand a second paragraph\n' >"$N/sub/b.txt"
printf 'third note\n' >"$N/c.txt"
ln -s "$N/missing" "$N/dangling"

# t_json DESC TEXT: TEXT is exactly one JSON object (keeps $T_OUT)
t_json() {
	t_true "$1" one_json_object "$2"
}
# shellcheck disable=SC2317 # called through t_true
one_json_object() {
	[[ $(jq -s 'length == 1 and (.[0] | type) == "object"' <<<"$1" 2>/dev/null) == true ]] ||
		{ echo "not one JSON object: ${1:0:2000}"; return 1; }
}

# ---- the summary line ----
t_exit 0 "index with a warning (no --strict) exits 0" "$LECTERN" index "$N"
t_match "the summary line" \
	'^3 notes: 3 added, 0 updated, 0 removed, 0 unchanged, 0 skipped, 1 warnings; [0-9]+ passages, [0-9]+\.[0-9] MB in [0-9]+\.[0-9]{2}s$' \
	"$T_OUT"
t_eq "... is the only line on stdout" "1" "$(grep -c . <<<"$T_OUT")"
t_match "the warning: 'lectern: warning: PATH: message' on stderr" \
	"^lectern: warning: $N/dangling: [^ ].*$" "$T_ERR"
t_eq "... one line" "1" "$(grep -c . <<<"$T_ERR")"

t_exit 0 "-q" "$LECTERN" index -q
t_eq "... prints nothing on stdout" "" "$T_OUT"
t_match "... but still the warning" "^lectern: warning: $N/dangling: " "$T_ERR"
t_exit 0 "--quiet is -q" "$LECTERN" index --quiet
t_eq "... nothing on stdout" "" "$T_OUT"

# ---- --json ----
rm "$N/dangling"
printf 'third note, edited\n' >"$N/c.txt"
touch -d '2001-01-01' "$N/sub/b.txt"
printf 'a fourth\n' >"$N/d.txt"
t_exit 0 "index --json" "$LECTERN" index --json
t_eq "... one line of output" "1" "$(grep -c . <<<"$T_OUT")"
t_json "... which is a valid JSON object" "$T_OUT"
J=$T_OUT
for f in files added updated removed unchanged touched skipped warnings passages bytes; do
	t_eq "... .$f is an integer" "number true" \
		"$(jq -r "(.$f | type) + \" \" + ((.$f | floor) == .$f | tostring)" <<<"$J")"
done
t_eq "... .seconds is a number" "number" "$(jq -r '.seconds | type' <<<"$J")"
t_eq "... .interrupted is false" "false" "$(jq -r .interrupted <<<"$J")"
t_eq "... .warning_list is an empty array" "[]" "$(jq -c .warning_list <<<"$J")"
t_eq "... files added updated removed unchanged touched" "4 1 1 0 2 1" \
	"$(jq -r '[.files, .added, .updated, .removed, .unchanged, .touched] | map(tostring) | join(" ")' <<<"$J")"
t_eq "... bytes: the bytes read again" "$(cat "$N/c.txt" "$N/d.txt" | wc -c)" "$(jq -r .bytes <<<"$J")"
t_eq "... passages: those written" "2" "$(jq -r .passages <<<"$J")"
t_eq "... index: the index directory" "$LECTERN_INDEX" "$(jq -r .index <<<"$J")"

ln -s "$N/missing" "$N/dangling"
t_exit 0 "index --json with a warning" "$LECTERN" index --json
t_json "... valid JSON" "$T_OUT"
t_eq "... warnings: 1" "1" "$(jq -r .warnings <<<"$T_OUT")"
t_eq "... warning_list names the path" "$N/dangling" "$(jq -r '.warning_list[0].path' <<<"$T_OUT")"
t_match "... with a message" '.' "$(jq -r '.warning_list[0].message' <<<"$T_OUT")"
t_exit 1 "--json --strict with a warning exits 1" "$LECTERN" index --json --strict
t_json "... still valid JSON" "$T_OUT"
rm "$N/dangling"
t_exit 0 "--strict without warnings exits 0" "$LECTERN" index --strict

# ---- --stats: one more line, on stderr, whatever the summary's form ----
STATS_RE='^lectern: stats: files read [0-9]+, bytes read [0-9]+, documents written [0-9]+, documents deleted [0-9]+, commits [0-9]+$'
t_ok "index --help lists --stats" "$LECTERN" index --help
t_match "... with what it prints" '--stats +.*files.*documents.*commits' "$T_OUT"
printf 'third note, edited again\n' >"$N/c.txt"
t_exit 0 "index --stats --json" "$LECTERN" index --stats --json
t_json "... stdout is still one JSON object" "$T_OUT"
t_match "... stderr is one stats line" "$STATS_RE" "$T_ERR"
t_contains "... counting the one file read and written, one commit" \
	"files read 1, bytes read $(wc -c <"$N/c.txt"), documents written 1, documents deleted 0, commits 1" "$T_ERR"
t_exit 0 "index --stats -q" "$LECTERN" index --stats -q
t_eq "... prints nothing on stdout" "" "$T_OUT"
t_match "... and the stats line on stderr" "$STATS_RE" "$T_ERR"
t_exit 0 "index --stats with nothing changed" "$LECTERN" index --stats
t_match "... the summary on stdout" '^4 notes: ' "$T_OUT"
t_contains "... reads, writes and commits nothing" \
	"files read 0, bytes read 0, documents written 0, documents deleted 0, commits 0" "$T_ERR"
rm "$N/d.txt"
t_exit 0 "index --stats after a note is removed" "$LECTERN" index --stats
t_contains "... counts its document deleted, nothing read" \
	"files read 0, bytes read 0, documents written 0, documents deleted 1, commits 1" "$T_ERR"
printf 'a fourth\n' >"$N/d.txt"
t_ok "... and back" "$LECTERN" index -q

# ---- --check output ----
t_exit 0 "--check when up to date" "$LECTERN" index --check
t_eq "... one line: up to date: N notes" "up to date: 4 notes" "$T_OUT"
printf 'a fifth\n' >"$N/e.txt"
t_exit 1 "--check when out of date" "$LECTERN" index --check
t_eq "... one line saying what" "out of date: 1 to add, 0 to update, 0 to remove" "$T_OUT"
t_exit 1 "--check --json when out of date" "$LECTERN" index --check --json
t_eq "... check true, 1 added" "true 1" "$(jq -r '"\(.check) \(.added)"' <<<"$T_OUT")"
t_exit 1 "--check -q" "$LECTERN" index --check -q
t_eq "... prints nothing" "" "$T_OUT"
t_ok "bring it up to date" "$LECTERN" index -q

# ---- status ----
t_ok "status" "$LECTERN" status
S=$T_OUT
for field in index roots notes passages "size on disk" "last indexed" "up to date"; do
	t_match "status shows '$field:'" "^$field: " "$(grep "^$field:" <<<"$S")"
done
t_match "... index: the directory" "^index: +$LECTERN_INDEX$" "$(grep '^index:' <<<"$S")"
t_match "... roots: the root" "^roots: +$N$" "$(grep '^roots:' <<<"$S")"
t_match "... notes: 5 and their size" "^notes: +5 \([0-9.]+ (bytes|kB|MB)\)$" "$(grep '^notes:' <<<"$S")"
t_match "... a size on disk" "^size on disk: +[0-9.]+ (bytes|kB|MB)$" "$(grep '^size on disk:' <<<"$S")"
t_match "... last indexed: a date" "^last indexed: +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} " \
	"$(grep '^last indexed:' <<<"$S")"
t_match "... up to date: yes" "^up to date: +yes$" "$(grep '^up to date:' <<<"$S")"

t_ok "status --json" "$LECTERN" status --json
t_json "... valid JSON" "$T_OUT"
J=$T_OUT
t_eq "... index" "$LECTERN_INDEX" "$(jq -r .index <<<"$J")"
t_eq "... roots" "[\"$N\"]" "$(jq -c .roots <<<"$J")"
t_eq "... notes" "5" "$(jq -r .notes <<<"$J")"
t_eq "... note_bytes" "$(cat "$N/a.md" "$N/sub/b.txt" "$N/c.txt" "$N/d.txt" "$N/e.txt" | wc -c)" \
	"$(jq -r .note_bytes <<<"$J")"
t_eq "... passages is a positive number" "true" "$(jq -r '.passages > 0' <<<"$J")"
t_eq "... bytes_on_disk is a positive number" "true" "$(jq -r '.bytes_on_disk > 0' <<<"$J")"
NOW=$(date +%s)
t_match "... last_indexed: ISO 8601, UTC" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' \
	"$(jq -r .last_indexed <<<"$J")"
t_eq "... about now" "true" \
	"$(jq -r --argjson now "$NOW" '(.last_indexed | fromdateiso8601) as $t | $t <= $now and $t > $now - 600' <<<"$J")"
t_eq "... up_to_date" "true" "$(jq -r .up_to_date <<<"$J")"
t_exit 2 "status takes no arguments" "$LECTERN" status "$N"
t_contains "... and says so" "status" "$T_ERR"

# ---- where the index lives ----
OTHER=$TEST_TMP/other-index
t_ok "--index DIR" "$LECTERN" index -q --index "$OTHER" "$N/sub"
t_ok "... creates it" test -d "$OTHER/xapian"
t_ok "... status --index DIR reads it" "$LECTERN" status --index "$OTHER" --json
t_eq "... with its own root" "[\"$N/sub\"]" "$(jq -c .roots <<<"$T_OUT")"
t_ok "... and \$LECTERN_INDEX's index is untouched" "$LECTERN" status --json
t_eq "... still one root" "[\"$N\"]" "$(jq -c .roots <<<"$T_OUT")"
t_ok "find --index DIR searches it" "$LECTERN" find --index "$OTHER" --all -l ocelot
t_exit 1 "... and only it" "$LECTERN" find --index "$OTHER" --all -l serval

t_ok "without --index or \$LECTERN_INDEX: \$XDG_DATA_HOME/lectern" \
	env -u LECTERN_INDEX "$LECTERN" index -q "$N/sub"
t_ok "... is where it goes" test -d "$XDG_DATA_HOME/lectern/xapian"
t_ok "without \$XDG_DATA_HOME either: ~/.local/share/lectern" \
	env -u LECTERN_INDEX -u XDG_DATA_HOME "$LECTERN" index -q "$N/sub"
t_ok "... is where it goes" test -d "$HOME/.local/share/lectern/xapian"
t_ok "... and status finds it there" env -u LECTERN_INDEX -u XDG_DATA_HOME "$LECTERN" status --json
t_eq "... with its root" "[\"$N/sub\"]" "$(jq -c .roots <<<"$T_OUT")"

t_done
