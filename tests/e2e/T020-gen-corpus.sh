#!/usr/bin/env bash
# T020-gen-corpus - tests/tools/gen-corpus, the large corpus of the suites
# when ../shared/corpora/tc39-notes is absent: the same seed gives the same
# bytes, another seed other notes; the notes have the tc39 layout and what
# the suites exercise (front matter, headings, attendee lists naming every
# speaker, lists, curly quotes, dashes, wrapped lines, long sections), a few
# MB of them; and the seed notes' quotes stay theirs.
# shellcheck disable=SC1112 # the curly quotes in the patterns are meant
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

GEN=$REPO/tests/tools/gen-corpus
cd "$TEST_TMP" || exit 1

# listing DIR: every file with its size and hash, by path
listing() {
	(cd "$1" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum)
}

t_ok "gen-corpus writes a corpus" "$GEN" a
t_ok "... and the same again" "$GEN" b
t_ok "... and with another seed" "$GEN" --seed 7 c
listing a >a.list
listing b >b.list
listing c >c.list
t_same "the same seed gives byte-identical notes" a.list b.list
t_eq "... every file of them" "" "$(diff -r a b 2>&1 | head -5)"
t_true "another seed gives other notes" test "$(sha256sum <a.list)" != "$(sha256sum <c.list)"
t_exit 2 "an output directory that is not empty is refused" "$GEN" a
t_ok "--notes 20 writes a smaller one" "$GEN" --notes 20 small
t_eq "... of 20 notes and the README" 21 "$(find small -type f | wc -l)"
t_same "... which is the start of the full one (the notes do not depend on the count)" \
	<(cd a && cat meetings/2012-*/*.md | head -c 20000) <(cd small && cat meetings/2012-*/*.md | head -c 20000)

# ---- the layout and the size ----
NOTES=$(find a/meetings -type f | wc -l)
t_eq "300 notes under meetings/" 300 "$NOTES"
t_eq "... each in meetings/YYYY-MM/NAME.md" "" \
	"$(find a/meetings -type f | grep -vE '^a/meetings/(19|20)[0-9]{2}-(0[1-9]|1[0-2])/[a-z]+-?[0-9]*\.md$')"
t_eq "... and a README.md at the top" "README.md" "$(find a -maxdepth 1 -type f -printf '%f\n')"
BYTES=$(cat a/meetings/*/*.md | wc -c)
t_true "a few MB in all (2-8 MB: ${BYTES} bytes)" test "$BYTES" -ge 2000000 -a "$BYTES" -le 8000000
t_eq "every file is UTF-8" "" "$(for f in a/meetings/*/*.md; do iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 || echo "$f"; done)"
YEARS=$(find a/meetings -mindepth 1 -maxdepth 1 -printf '%f\n' | cut -c1-4 | sort -u | wc -l)
t_true "the meetings span years ($YEARS)" test "$YEARS" -ge 10

# ---- what the notes hold ----
count() { # count ERE: the files with a line matching it
	grep -lE -- "$1" a/meetings/*/*.md | wc -l
}
t_true "front matter with title, date and tags in some notes" \
	test "$(grep -lzP '^---\ntitle: .*\ndate: [0-9-]{10}\ntags: \[[^]]+\]\n---\n' a/meetings/*/*.md | wc -l)" -ge 20
t_true "a '# ' title in most" test "$(count '^# [A-Z][a-z]+ [0-9]+, [0-9]{4} Meeting Notes$')" -ge 250
t_true "'## ' sections and '### ' subsections" test "$(count '^## ')" -ge 250 -a "$(count '^### ')" -ge 250
t_true "attendee tables" test "$(count '^\| [A-Z].* \| [A-Z]{2,5} +\| ')" -ge 100
t_true "attendee lines of Name (INI)" test "$(count '^[A-Z][^ ]+ [^(]+\([A-Z]{2,5}\), ')" -ge 50
t_true "Presenter: lines" test "$(count '^Presenter: [^ ].* \([A-Z]{2,5}\)$')" -ge 200
t_true "speaker lines (INI: ...)" test "$(count '^[A-Z]{2,5}: ')" -ge 250
t_true "lists, numbered and nested" \
	test "$(count '^- ')" -ge 290 -a "$(count '^[0-9]+\. ')" -ge 20 -a "$(count '^    - ')" -ge 5
t_true "links, code fences and quotes" \
	test "$(count '\]\(https://')" -ge 250 -a "$(count '^```')" -ge 50 -a "$(count '^> ')" -ge 50
t_true "curly quotes and apostrophes" test "$(count '“[^”]+”')" -ge 200 -a "$(count '[a-z]’[a-z]')" -ge 200
t_true "en and em dashes" test "$(count ' – ')" -ge 200 -a "$(count '—')" -ge 200
t_true "accented names" test "$(count 'Zoë|Çelik|Søren|Bergström')" -ge 50
# (mawk, Debian's awk, has no {m,n}: INI is spelt out below)
INI='[A-Z][A-Z][A-Z]?[A-Z]?[A-Z]?'
# a hard-wrapped paragraph: a speaker line of at most 80 characters followed
# by a line of plain text
# (grep -A1 prints "FILE:LINE" for a match, "FILE-LINE" for the line after)
WRAPPED=$(grep -A1 -E "^$INI: .{1,75}\$" a/meetings/*/*.md |
	sed -nE 's/^(a\/meetings\/[^ ]*\.md)-[a-zA-Z“‘(].*/\1/p' | sort -u | wc -l)
t_true "hard-wrapped paragraphs in some notes ($WRAPPED)" test "$WRAPPED" -ge 30
# a long section: 40 or more speaker paragraphs between two '## ' headings
LONG=$(awk -v ini="^$INI: " '/^## / { if (n >= 40) l++; n = 0 } $0 ~ ini { n++ }
	END { if (n >= 40) l++; print l + 0 }' a/meetings/*/*.md)
t_true "long sections ($LONG)" test "$LONG" -ge 5

# every speaker's initials are in the note's attendee list
UNKNOWN=$(awk -v ini="$INI" '
	FNR == 1 { split("", known) }
	/^\| / { split($0, c, "|"); gsub(/ /, "", c[3]); known[c[3]] = 1 }
	$0 ~ "\\(" ini "\\), " { s = $0
		while (match(s, "\\(" ini "\\)")) { known[substr(s, RSTART + 1, RLENGTH - 2)] = 1
			s = substr(s, RSTART + RLENGTH) } }
	match($0, "^" ini ": ") { i = substr($0, 1, RLENGTH - 2)
		if (!(i in known)) print FILENAME ": " i }' a/meetings/*/*.md | head -3)
t_eq "every speaker is named in the note's attendee list" "" "$UNKNOWN"
t_eq "the seed notes' quotes stay theirs: no cattle, no pets, no @" "" \
	"$(grep -rliE 'cattle|pets|@' a | head -3)"

t_done
