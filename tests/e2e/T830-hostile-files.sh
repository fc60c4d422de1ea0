#!/usr/bin/env bash
# T830-hostile-files - notes whose content is hostile: binary, NUL bytes,
# invalid and overlong UTF-8, a huge single line (of words, and one huge
# "word"), 100 000 nested blockquotes or list levels, 1 MB of `*`, `[` and
# other Markdown punctuation, deep YAML, a YAML alias bomb, many speakers,
# a million blank-line blocks. Each goes in its own root beside a good note
# and is indexed alone: the run exits 0 (a bad note is a warning, never an
# error, never a crash; one that never ends is the runner's timeout), the
# good note is found, the words of the hostile note are found where it holds
# text, and `find` over it answers. Then all of them together, once.
# Normal mode: 10 MB lines. LECTERN_SLOW=1: 100 MB lines.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

if [[ ${LECTERN_SLOW:-0} == 1 ]]; then
	BIG=100000000
else
	BIG=10000000
fi
CASES=$TEST_TMP/cases
mkdir -p "$CASES"

# Each case is a directory CASES/NAME holding the hostile file; WANT[NAME]
# is the word that must be found in it ("" if it need not be: binary).
python3 - "$CASES" "$BIG" <<'PY'
import os, sys, random
root, big = sys.argv[1], int(sys.argv[2])
def put(case, name, data):
    d = os.path.join(root, case)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
random.seed(7)
rnd = bytes(random.getrandbits(8) for _ in range(20000))
put("binary", "blob.md", b"\0\1\2BIN binword " + rnd + b" binword")
put("nul-late", "late.txt", b"earlyword " + b"plain text " * 1000 + b"\0\0 lateword\n")
put("nul-mid-line", "midnul.md", b"# Title\n\n" + b"text " * 2000 + b"nulword\0after\n")
put("bad-utf8", "bad.md",
    b"alphaword \xff\xfe betaword caf\xc3 gammaword \xc0\xaf deltaword "
    b"\xe0\x80\xaf epsilonword \xed\xa0\x80 zetaword \xf8\x88\x80\x80\x80 etaword "
    b"\xf4\x90\x80\x80 thetaword mid\xc0\xafdle \xc3\n# head\xffing\n\niotaword \xe2\x82\n")
put("overlong-only", "over.txt", b"\xc0\x80\xe0\x80\x80\xf0\x80\x80\x80 " * 50000 + b"overword\n")
chunk = b"lorem ipsum dolor sit amet "
put("big-line-words", "line.txt", chunk * (big // len(chunk)) + b" bigneedle\n")
put("big-line-one-word", "word.md", b"x" * big + b" tailword\n")
put("big-line-utf8", "utf8.txt", "é∂😀".encode() * (big // 9) + b" utfneedle\n")
N = 100000
put("nested-quotes", "q.md", b"> " * N + b"quoteword\n")
put("nested-quotes-tight", "qt.md", b">" * N + b" tightword\n")
put("nested-lists", "l.md", b"- " * N + b"listword\n")
put("nested-ordered", "o.md", b"1. " * N + b"orderword\n")
put("nested-mixed", "m.md", b"> - 1. * " * (N // 4) + b"mixword\n")
put("indented-lists", "i.md", b"".join(b"  " * i + b"- level\n" for i in range(2000)) + b"\nindentword\n")
put("quote-lines", "ql.md", b"".join(b">" * i + b" deep\n" for i in range(1, 1500)) + b"\nqlword\n")
M = 1 << 20
put("stars", "s.md", b"*" * M + b"\n\nstarword\n")
put("brackets", "b.md", b"[" * M + b"\n\nbracketword\n")
put("stars-brackets", "sb.md", b"[*" * (M // 2) + b"\n\nsbword\n")
put("emphasis", "e.md", b"*a **a ***a _a __a " * (M // 20) + b"\n\nemword\n")
put("links", "k.md", b"[a](" * (M // 4) + b"\n\n" + b"![x" * (M // 3) + b"\n\nlinkword\n")
put("backticks", "t.md", b"`" * M + b"\n\n" + b"`a" * (M // 2) + b"\n\ntickword\n")
# (an unclosed <!-- runs to the end of the document: the word goes before it)
put("html", "h.md", b"<a " * (M // 3) + b"\n\nhtmlword\n\n" + b"<!--" * (M // 4) + b"\n\nafter\n")
put("headings", "hd.md", b"# " + b"h" * M + b"\n" + b"#" * M + b" x\n" +
    b"".join(b"#" * (i % 7 + 1) + b" head%d\n" % i for i in range(20000)) + b"\nheadword\n")
put("yaml-deep", "y.md", b"---\ntags: " + b"[" * 30000 + b"\n---\n\nyamlword\n")
put("yaml-deep-maps", "ym.md", b"---\ntitle: " + b"{a: " * 10000 + b"\n---\n\nymapword\n")
bomb = [b"a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
for i in range(1, 12):
    bomb.append(b"a%d: &a%d [" % (i, i) + b", ".join([b"*a%d" % (i - 1)] * 9) + b"]")
put("yaml-bomb", "bomb.md", b"---\n" + b"\n".join(bomb) + b"\ntags: *a11\nspeakers: *a11\ntitle: *a11\n---\n\nbombword\n")
put("speakers", "sp.md", b"".join(b"Speaker%d: said something\n" % i for i in range(20000)) + b"\nspeakword\n")
put("blank-blocks", "bb.txt", b"w\n\n" * 1000000 + b"blockword\n")
put("long-words", "lw.txt", b" ".join(b"z" * (i % 300 + 60) for i in range(30000)) + b" longword\n")
PY

declare -A WANT=(
	[binary]="" [nul-late]="" [nul-mid-line]="" [bad-utf8]="alphaword betaword gammaword deltaword epsilonword zetaword etaword thetaword iotaword"
	[overlong-only]=overword [big-line-words]=bigneedle [big-line-one-word]=tailword
	[big-line-utf8]=utfneedle [nested-quotes]=quoteword [nested-quotes-tight]=tightword
	[nested-lists]=listword [nested-ordered]=orderword [nested-mixed]=mixword
	[indented-lists]=indentword [quote-lines]=qlword [stars]=starword [brackets]=bracketword
	[stars-brackets]=sbword [emphasis]=emword [links]=linkword [backticks]=tickword
	[html]=htmlword [headings]=headword [yaml-deep]=yamlword [yaml-deep-maps]=ymapword
	[yaml-bomb]=bombword [speakers]=speakword [blank-blocks]=blockword [long-words]=longword
)
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# t_clean_exit DESC ALLOWED CMD...: CMD exits with one of ALLOWED (a regex),
# not by a signal
t_clean_exit() {
	t_exit "$2" "$1" "${@:3}"
}

SLOWEST=0 SLOWEST_NAME=
for dir in "$CASES"/*/; do
	name=$(basename "$dir")
	printf '# A good note beside it.\n\nThe goodword of %s.\n' "$name" >"$dir/good.md"
	idx=$TEST_TMP/idx-$name
	start=$(now_ms)
	t_clean_exit "$name: indexing exits 0" 0 "$LECTERN" index --index "$idx" "$dir"
	took=$(($(now_ms) - start))
	[[ $took -gt $SLOWEST ]] && SLOWEST=$took SLOWEST_NAME=$name
	echo "# $name: $(du -sh "$dir" | cut -f1) indexed in ${took} ms;" \
		"$(grep -c 'warning' <<<"$T_ERR") warning(s): $(grep -m1 warning <<<"$T_ERR" | cut -c1-200)"
	t_clean_exit "$name: the good note beside it is found" 0 \
		"$LECTERN" find --no-daemon --index "$idx" -l goodword
	for w in ${WANT[$name]}; do
		t_clean_exit "$name: '$w' is found" 0 \
			"$LECTERN" find --no-daemon --index "$idx" -l "$w"
	done
	# find over the hostile note, in every output format
	for fmt in text json vimgrep; do
		t_clean_exit "$name: find --all --format $fmt over it answers" '0|1' \
			"$LECTERN" find --no-daemon --index "$idx" --all --format "$fmt" \
			-C 2 "${WANT[$name]%% *}" goodword
	done
	rm -rf "$idx"
done
echo "# slowest case: $SLOWEST_NAME, ${SLOWEST} ms"

# all at once, twice (the second run changes nothing)
t_clean_exit "all the hostile notes in one root: exits 0" 0 \
	"$LECTERN" index "$CASES"
t_match "... with a summary" "^[0-9]+ notes: " "$T_OUT"
t_clean_exit "a second run over them exits 0" 0 "$LECTERN" index --json
t_match "... and changes nothing" '"added":0,"updated":0,"removed":0' "$(tr -d ' ' <<<"$T_OUT")"
all_good=$("$LECTERN" find --no-daemon --all -l goodword | wc -l)
t_eq "every good note is found" "$(find "$CASES" -name good.md | wc -l)" "$all_good"
t_done
