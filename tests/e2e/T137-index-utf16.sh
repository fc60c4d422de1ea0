#!/usr/bin/env bash
# T137-index-utf16 - notes in UTF-16 (little and big endian) with a
# byte-order mark are decoded, not called binary, and a UTF-8 mark is
# dropped: each is found as the same note in UTF-8 is, at the same line and
# column (of the text in UTF-8), with the same snippet; a changed UTF-16 note
# is placed again; the content hash is of the text, so a note converted to
# UTF-8 is not indexed again.
# shellcheck disable=SC1111 # the curly quotes are the point
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
# find's hit lines: the "match" lines of find --json ARGS... (its exit
# status kept), without the begin, end and summary lines around them
find_hits() {
	local rc
	"$LECTERN" find --json "$@" >"$TEST_TMP/.hits"
	rc=$?
	grep -v -E '^\{"type":"(begin|end|summary)"' "$TEST_TMP/.hits"
	return $rc
}
t_need jq
t_need python3

N=$TEST_TMP/notes
mkdir -p "$N"
cd "$N" || exit 1

# write NAME ENCODING [PREFIX]: the note below, in ENCODING with its mark
# (utf-8 without one), after PREFIX lines
write() {
	python3 - "$@" <<'EOF'
import sys
name, enc = sys.argv[1], sys.argv[2]
prefix = sys.argv[3] if len(sys.argv) > 3 else ""
text = prefix + (
    "---\ntitle: The \u201cpets\u201d meeting\n---\n\n"
    "# Keynote\n\n"
    "First came the numbers \u2014 a record year.\n\n"
    "She said \u201cdon\u2019t name your instances \u2013 they are cattle, not pets.\u201d\r\n"
    "Then \U0001F600 an emoji before the word wildebeest.\n"
)
marks = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-8-sig": b"\xef\xbb\xbf", "utf-8": b""}
data = marks[enc] + text.encode("utf-8" if enc == "utf-8-sig" else enc)
open(name, "wb").write(data)
EOF
}
write le.md utf-16-le
write be.md utf-16-be
write sig.md utf-8-sig
write plain.md utf-8
t_eq "the UTF-16LE note starts with FF FE" "fffe" "$(head -c 2 le.md | od -An -tx1 | tr -d ' \n')"
t_eq "the UTF-16BE note starts with FE FF" "feff" "$(head -c 2 be.md | od -An -tx1 | tr -d ' \n')"

t_ok "index UTF-16LE, UTF-16BE, UTF-8 with and without a mark" "$LECTERN" index --json "$N"
t_eq "... 4 added, none skipped, no warning" "4 0 0" \
	"$(jq -r '"\(.added) \(.skipped) \(.warnings)"' <<<"$T_OUT")"

# place QUERY: each note's "line col snippet" for QUERY, in name order
place() {
	find_hits --all "$@" | jq -r '"\(.shown_path) \(.line):\(.col) \(.snippet)"' | sort
}
t_ok "a phrase with curly quotes and a dash is found" "$LECTERN" find --all -l "cattle, not pets"
t_eq "... in all four notes" "be.md le.md plain.md sig.md" "$(sort <<<"$T_OUT" | tr '\n' ' ' | sed 's/ $//')"
WANT=$(place '"cattle not pets"' | grep '^plain.md ' | cut -d' ' -f2-)
t_eq "the UTF-8 note: line 9, column 54 (bytes of UTF-8), the sentence as snippet" \
	"9:54 She said “don’t name your instances – they are cattle, not pets.”" "$WANT"
for f in le.md be.md sig.md; do
	t_eq "$f: the same line, column and snippet" "$f $WANT" "$(place '"cattle not pets"' | grep "^$f ")"
done
EMOJI=$(place wildebeest | grep '^plain.md ' | cut -d' ' -f2-)
t_match "after a character outside the BMP (a surrogate pair in UTF-16)" "^10:" "$EMOJI"
for f in le.md be.md; do
	t_eq "$f: the word after it at the same column" "$f $EMOJI" "$(place wildebeest | grep "^$f ")"
done
t_eq "front matter after a UTF-8 mark gives the title" "The “pets” meeting" \
	"$(find_hits --all '"record year"' | jq -r 'select(.shown_path == "sig.md") | .title')"
t_eq "... and after a UTF-16 one" "The “pets” meeting" \
	"$(find_hits --all '"record year"' | jq -r 'select(.shown_path == "le.md") | .title')"
t_ok "vimgrep lines" "$LECTERN" find --all --format vimgrep '"record year"'
t_eq "... the same text for every encoding" "1" \
	"$(cut -d: -f2- <<<"$T_OUT" | sort -u | wc -l)"
t_ok "context lines of a UTF-16 note" "$LECTERN" find --all --context 1 '"record year"'
t_contains "... are its text" "First came the numbers — a record year." "$T_OUT"

# a re-run reads nothing new; a changed UTF-16 note is placed again
t_ok "a re-run" "$LECTERN" index --json
t_eq "... changes nothing" "0 0 4" "$(jq -r '"\(.added) \(.updated) \(.unchanged)"' <<<"$T_OUT")"
write le.md utf-16-le $'Two new lines\n\n'
t_eq "a changed UTF-16 note, not indexed again yet: the hit moves down two lines" \
	"le.md 11:54 She said “don’t name your instances – they are cattle, not pets.”" \
	"$(place '"cattle not pets"' | grep '^le.md ')"
t_ok "indexed again" "$LECTERN" index --json
t_eq "... 1 updated" "1" "$(jq -r .updated <<<"$T_OUT")"
t_eq "... placed at its new line" \
	"le.md 11:54 She said “don’t name your instances – they are cattle, not pets.”" \
	"$(place '"cattle not pets"' | grep '^le.md ')"

# the hash is of the text: the same text in another encoding is not new
write be.md utf-8
touch -d '2030-01-01' be.md
t_ok "a UTF-16 note rewritten as UTF-8 (the same text)" "$LECTERN" index --json
t_eq "... is not indexed again (touched only)" "0 1" "$(jq -r '"\(.updated) \(.touched)"' <<<"$T_OUT")"
t_eq "... and placed as before" "be.md $WANT" "$(place '"cattle not pets"' | grep '^be.md ')"

# what is not UTF-16 text stays out
printf '\xff\xfe\x00\x00a\x00\x00\x00' >"$N/utf32.txt"
python3 -c 'open("bad16.txt","wb").write(b"\xff\xfe" + "okapi ".encode("utf-16-le") + b"\x00\xdc" + " end".encode("utf-16-le") + b"x")'
t_ok "a UTF-32 file and a UTF-16 one with bad code units" "$LECTERN" index --json
t_eq "... UTF-32 is binary (skipped), the other indexed" "1 1" "$(jq -r '"\(.added) \(.skipped)"' <<<"$T_OUT")"
t_contains "... the skipped one named as binary" "utf32.txt" "$(jq -r '.warning_list[] | select(.message | test("binary")) | .path' <<<"$T_OUT")"
t_eq "bad code units become U+FFFD, the words around them stay" "bad16.txt 1:1 okapi � end�" \
	"$(place okapi)"

t_done
