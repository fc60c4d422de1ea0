#!/usr/bin/env bash
# T210-find-brute - the correctness bars of `lectern find` (issue "Find"),
# checked against tests/tools/brute, an independent brute-force reader of the
# notes (note_parse + the tokenizer, no Xapian, no passages, no searcher):
#
#  - phrases: `find --all --format vimgrep '"…"'` gives exactly brute's
#    occurrences (every start, overlapping ones, no cap) for >= 300 phrases
#    sampled from the large corpus (tc39-notes or the generated one) +
#    corpus (1000 with LECTERN_SLOW=1) and every
#    line of tests/cases/phrases-hard.txt, plus hand-computed places in small
#    constructed notes (links, entities, emphasis, lists, code, blank lines);
#  - words: `find --all --files WORD` lists exactly the notes with a word of
#    the same Snowball english stem, for >= 50 sampled words and a few more;
#  - ranking: the seed quote is the first result of "cattle, not pets" and
#    of cattle pets.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

[[ -x $LECTERN ]] || t_skip "$LECTERN is not built"
t_large_corpus

SAMPLES=300
[[ ${LECTERN_SLOW:-0} == 1 ]] && SAMPLES=1000
BRUTE=$REPO/$BUILD/tests/brute

# Build the checker with the project's flags (a sanitizer build for build-san).
# shellcheck disable=SC2317,SC2054,SC2046 # called through t_ok; one flag; pkg-config splits
build_brute() {
	local san=()
	[[ $BUILD == build-san ]] && san=(-fsanitize=address,undefined -fno-omit-frame-pointer)
	[[ -x $BRUTE && $BRUTE -nt $REPO/tests/tools/brute.c &&
		$BRUTE -nt $REPO/$BUILD/liblectern.a ]] && return 0
	mkdir -p "$(dirname "$BRUTE")" &&
		(cd "$REPO" && cc -std=c11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE "${san[@]}" \
			-iquote common tests/tools/brute.c \
			"$BUILD/liblectern.a" $(pkg-config --libs xapian-core libcmark libutf8proc \
			jansson yaml-0.1 libxxhash) -lstemmer -lstdc++ -lm -lpthread -o "$BRUTE")
}
t_ok "tests/tools/brute.c builds" build_brute
[[ $T_RC -eq 0 ]] || t_done

# ---------------------------------------------------------------------------
# The notes: the large corpus, the seed corpus and two small constructed notes
# whose places are computed by hand below.
cd "$TEST_TMP" || exit 1
mkdir -p notes/hard
cp -r "$T_CORPUS" notes/large
cp -r "$REPO/corpus" notes/corpus

# Line 3 and line 5 are different paragraphs: "first half second half" must
# not match there; lines 7-8 are one paragraph wrapped softly: it matches.
cat >notes/hard/split.md <<'EOF'
# Split note

This paragraph ends with the first half

second half starts this one.

Soft wrapped first half
second half matches here.
EOF

# Markup around the words; list items and headings are blocks of their own.
# (Sheep, not cattle: the ranking checks below need the seed quote to win.)
cat >notes/hard/markup.md <<'EOF'
# Sheep not goats here

A [sheep](https://example.com/x), not goats link.

Some **sheep**, *not* _goats_ emphasis.

- sheep
- not goats

```
sheep not goats
```

Caf&eacute; au lait and Tom &amp; Jerry.

> sheep
> not goats in a quote
EOF

find notes -type f ! -path '*/.*' | LC_ALL=C sort >files.txt
mapfile -t FILES <files.txt
echo "# $SECONDS s: indexing"
SEED=notes/corpus/2015-reinvent-partner-keynote-cattle-not-pets.txt
t_ok "index the large corpus, corpus and the hard notes" "$LECTERN" index --no-progress notes
t_match "every file is a note (${#FILES[@]} files)" "(^|\n)${#FILES[@]} notes: ${#FILES[@]} added" "$T_OUT"

# find_places PHRASE: lectern's occurrences as sorted path:line:col lines.
find_places() {
	"$LECTERN" find --all --format vimgrep --color=never -- "\"$1\"" 2>/dev/null |
		cut -d: -f1-3 | LC_ALL=C sort
}

# ---------------------------------------------------------------------------
# Hand-computed places in the constructed notes.

hard_places() {
	find_places "$1" | grep '^notes/hard/' | tr '\n' ' '
}
t_eq "soft wrap: the phrase matches across the wrapped line" \
	"notes/hard/split.md:7:14 " "$(hard_places "first half second half")"
t_eq "each half of the split phrase matches" \
	"notes/hard/split.md:3:30 notes/hard/split.md:7:14 " "$(hard_places "first half")"
t_eq "second half matches on both lines" \
	"notes/hard/split.md:5:1 notes/hard/split.md:8:1 " "$(hard_places "second half")"
t_eq "markup: heading, link text, emphasis, code and quote match; list items do not" \
	"notes/hard/markup.md:11:1 notes/hard/markup.md:16:3 notes/hard/markup.md:1:3 notes/hard/markup.md:3:4 notes/hard/markup.md:5:8 " \
	"$(hard_places "sheep, not goats")"
t_eq "a phrase in a heading" "notes/hard/markup.md:1:3 " "$(hard_places "sheep not goats here")"
t_eq "an entity inside a word (Caf&eacute;)" "notes/hard/markup.md:14:1 " \
	"$(hard_places "café au lait")"
t_eq "the decoded &amp; separates words" "notes/hard/markup.md:14:25 " \
	"$(hard_places "Tom & Jerry")"
t_eq "the link target's words are not text" "" "$(hard_places "example com")"

# The checker itself on the same hand-computed places.
t_eq "brute: markup places" \
	"notes/hard/markup.md:11:1 notes/hard/markup.md:16:3 notes/hard/markup.md:1:3 notes/hard/markup.md:3:4 notes/hard/markup.md:5:8 " \
	"$("$BRUTE" phrase "sheep, not goats" notes/hard/*.md | tr '\n' ' ')"
t_eq "brute: the blank line splits, the soft wrap does not" "notes/hard/split.md:7:14 " \
	"$("$BRUTE" phrase "first half second half" notes/hard/*.md | tr '\n' ' ')"
t_eq "brute: overlapping occurrences all count" "t.txt:1:1 t.txt:1:4 t.txt:1:7 t.txt:3:1 " \
	"$(printf 'la la la la\n\nla la\n' >t.txt && "$BRUTE" phrase "la la" t.txt | tr '\n' ' ')"
t_eq "brute: entity and curly apostrophe" "notes/hard/markup.md:14:1 $SEED:10:94 " \
	"$({ "$BRUTE" phrase "café" notes/hard/markup.md && "$BRUTE" phrase "don't name" "$SEED"; } | tr '\n' ' ')"
t_eq "brute: words-files by english stem (running -> run)" "notes/hard/x.md " \
	"$(mkdir -p notes/hard && printf 'He runs.\n' >notes/hard/x.md && "$BRUTE" words-files running notes/hard/x.md notes/hard/split.md | tr '\n' ' ')"
rm -f notes/hard/x.md t.txt

# A phrase that occurs nowhere finds nothing: no lines, exit 1 (vimgrep
# lists no passage matching some of its words, and says so on stderr).
for p in "first half second half starts" "goats link Some" "sheep not goats in a quote here" \
	"Tom and Jerry"; do
	t_run "$LECTERN" find --all --format vimgrep --color=never -- "\"$p\""
	t_eq "\"$p\" occurs nowhere: exit 1, no vimgrep lines" "exit 1, 0 lines" \
		"exit $T_RC, $(grep -c . <<<"$T_OUT") lines"
	t_match "  stderr: nothing, or the fallback left out" \
		'^(|lectern: no passage matches the whole query; (about )?[0-9]+ passages? matching some of its words left out \(vimgrep lists only matches; --format text or --json shows them\))$' \
		"$T_ERR"
done

# ---------------------------------------------------------------------------
# Phrases: sampled + hand-picked, lectern against brute.

t_ok "brute samples $SAMPLES phrases" "$BRUTE" sample "$SAMPLES" 20240611 "${FILES[@]}"
printf '%s\n' "$T_OUT" >samples.txt
grep -v '^#' "$REPO/tests/cases/phrases-hard.txt" | grep . >hard.txt
cat samples.txt hard.txt | awk '!seen[$0]++' >phrases.txt

echo "# $SECONDS s: comparing $(wc -l <phrases.txt) phrases"
"$BRUTE" phrases phrases.txt "${FILES[@]}" >brute.out 2>brute.err
t_eq "brute finds the occurrences of every phrase" "0 " "$? $(head -c 2000 brute.err)"

# lectern's side, in the same "## PHRASE" sections, with its exit code and a
# note when it fell back to a relaxed query.
while IFS= read -r p; do
	echo "## $p"
	"$LECTERN" find --all --format vimgrep --color=never -- "\"$p\"" >one.out 2>one.err
	echo "#rc $?"
	grep -q 'no passage matches the whole query' one.err && echo "#relaxed"
	cut -d: -f1-3 one.out | LC_ALL=C sort
done <phrases.txt >lectern.out

# One verdict line per phrase: OK/BAD, brute's count, lectern's count, the
# exit code, the relaxed flag, the phrase.
awk -F'\t' '
	FNR == 1 { file++ }
	/^## / { key = substr($0, 4); if (file == 1) order[++n] = key; next }
	file == 1 { b[key, ++nb[key]] = $0; next }
	/^#rc / { rc[key] = substr($0, 5); next }
	/^#relaxed/ { rel[key] = 1; next }
	{ l[key, ++nl[key]] = $0 }
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]
			ok = nb[k] == nl[k] && rc[k] == (nb[k] ? 0 : 1)
			for (j = 1; ok && j <= nb[k]; j++)
				ok = b[k, j] == l[k, j]
			printf "%s\t%d\t%d\t%s\t%d\t%s\n", ok ? "OK" : "BAD", nb[k], nl[k], rc[k], rel[k], k
		}
	}
' brute.out lectern.out >verdicts.txt

# The lines of one phrase's section in file $2.
section() {
	awk -v k="## $1" '/^## / { on = $0 == k; next } on && !/^#/' "$2"
}

shown_diff=0 compared=0 mismatched=0 relaxed=0 occurrences=0
while IFS=$'\t' read -r verdict nb nl rc rel p; do
	compared=$((compared + 1))
	occurrences=$((occurrences + nb))
	if [[ $verdict == OK ]]; then
		t_eq "phrase \"$p\": $nb occurrences" "$nb" "$nl"
		continue
	fi
	mismatched=$((mismatched + 1))
	[[ $rel == 1 ]] && relaxed=$((relaxed + 1))
	why=
	[[ $rel == 1 ]] && why=" (lectern fell back to a relaxed query)"
	t_eq "phrase \"$p\": lectern finds what brute finds$why" \
		"$nb occurrences, exit $((nb ? 0 : 1))" "$nl occurrences, exit $rc"
	if [[ $shown_diff -eq 0 ]]; then
		shown_diff=1
		echo "# first differing phrase: \"$p\" (< brute, > lectern)"
		diff <(section "$p" brute.out) <(section "$p" lectern.out) | head -40 | sed 's/^/#   /'
	fi
done <verdicts.txt
echo "# phrases compared: $compared ($occurrences occurrences by brute); mismatches: $mismatched ($relaxed of them relaxed-query fallbacks)"
t_eq "at least $SAMPLES phrases were compared" "yes" "$( ((compared >= SAMPLES)) && echo yes || echo "no, $compared")"

# ---------------------------------------------------------------------------
# Words: `find --all --files WORD` against brute's stem scan.
echo "# $SECONDS s: words"

{
	tr ' ' '\n' <samples.txt | grep -E '^[A-Za-z]{3,}$' | grep -vxE 'AND|OR|NOT|NEAR' | awk '!seen[tolower($0)]++' | head -60
	printf '%s\n' instances instance running run cattle pets "don't" Çelik celik 2019 \
		naïve Harband speaker
} | awk '!seen[$0]++' >words.txt
"$BRUTE" words-files-batch words.txt "${FILES[@]}" >brute-words.out 2>brute.err
t_eq "brute lists the files of every word" "0 " "$? $(head -c 2000 brute.err)"
while IFS= read -r w; do
	echo "## $w"
	"$LECTERN" find --all --files --color=never -- "$w" 2>/dev/null | LC_ALL=C sort
done <words.txt >lectern-words.out
nwords=0
while IFS= read -r w; do
	nwords=$((nwords + 1))
	want=$(section "$w" brute-words.out)
	got=$(section "$w" lectern-words.out)
	if [[ $want == "$got" ]]; then
		t_eq "word $w: $(grep -c . <<<"$want") files" "$want" "$got"
	else
		t_eq "word $w: the files with its stem" "$(grep -c . <<<"$want") files" \
			"$(grep -c . <<<"$got") files"
		diff <(echo "$want") <(echo "$got") | head -10 | sed 's/^/#   /'
	fi
done <words.txt
echo "# words compared: $nwords"
t_eq "at least 50 words were compared" "yes" "$( ((nwords >= 50)) && echo yes || echo "no, $nwords")"

# ---------------------------------------------------------------------------
# Ranking: the seed quote comes first.
echo "# $SECONDS s: ranking"

t_ok "find \"cattle, not pets\" (one argument)" "$LECTERN" find --json -n 3 "cattle, not pets"
t_eq "the seed quote is the first result of \"cattle, not pets\"" "$SEED:10:135" \
	"$(jq -r 'select(.type == "match") | "\(.shown_path):\(.line):\(.col)"' <<<"$T_OUT" | head -1)"
t_ok "find cattle pets (two words)" "$LECTERN" find --json -n 3 cattle pets
t_eq "the seed quote is the first result of cattle pets" "$SEED:10:135" \
	"$(jq -r 'select(.type == "match") | "\(.shown_path):\(.line):\(.col)"' <<<"$T_OUT" | head -1)"
t_ok "find --files cattle pets" "$LECTERN" find --files --color=never cattle pets
t_eq "the seed note is the first file of cattle pets" "$SEED" "$(head -1 <<<"$T_OUT")"

t_done
