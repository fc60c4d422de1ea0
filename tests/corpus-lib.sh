# corpus-lib.sh - what a suite asks of the large corpus (test-lib.sh's
# t_large_corpus: tc39-notes or the generated notes), sourced after
# test-lib.sh: a phrase, a rare word, a speaker, each found by reading the
# notes here (python3 and regular expressions, no lectern), so that a suite
# asserts the same things on either corpus without naming its files. Give
# every directory the suite indexes: what is rare in one may be common in
# all of them.
#
#   corpus_phrase DIR...     a phrase of three words that occurs exactly once
#                            under the DIRs, with its place:
#                            "PHRASE<TAB>PATH<TAB>LINE<TAB>COL" (PATH as found
#                            under its DIR, COL in bytes, as vimgrep counts)
#   corpus_rare_word DIR...  a word in 2 to 5 notes, in plain text only, with
#                            no other word sharing its first five letters (so
#                            its stem has no other forms there)
#   corpus_speaker DIR...    "INITIALS<TAB>FULL NAME<TAB>SURNAME" of the
#                            person with the most "INI: ..." lines whose
#                            surname and initials name no one else there
#   corpus_months DIR N      N months (YYYY-MM) of DIR/meetings, one a year,
#                            the years spread over the corpus, each the month
#                            of its year with the most notes
#
# Each prints nothing and returns 1 when the notes have no such thing.
# shellcheck shell=bash
# shellcheck disable=SC1112 # the curly apostrophe in the patterns is meant

# The notes under DIR (not hidden), sorted, and what the helpers below share.
CORPUS_PY_NOTES='
import os, re, sys, unicodedata
from collections import Counter, defaultdict
def notes(roots):
    out = []
    for root in roots:
        for d, dirs, files in os.walk(root):
            dirs[:] = [x for x in dirs if not x.startswith(".")]
            out += [os.path.join(d, f) for f in files if not f.startswith(".")]
    return sorted(out)
def text(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()
# a speaker line: "INI: text" (2-5 capitals), the way lectern reads them
SPEAKER = re.compile(r"^([A-Z]{2,5}): (.*)$", re.M)
# a word as lectern sees one, in text lowered and folded as lectern does
WORD = re.compile(r"[^\W_]+(?:[\x27’][^\W_]+)*")
MARKS = re.compile(r"[\u0300-\u036f]")
def fold(t):
    return MARKS.sub("", unicodedata.normalize("NFKD", t.lower()))
def words_of(t):
    """The folded words of t, as a set (folding a set is cheap)."""
    ws = set(WORD.findall(t.lower()))
    return ws | {fold(w) for w in ws if not w.isascii()}
'

corpus_phrase() {
	python3 -c "$CORPUS_PY_NOTES"'
files = notes(sys.argv[1:])
texts = {p: text(p) for p in files}
files_with = defaultdict(list)
for p in files:
    for w in words_of(texts[p]):
        files_with[w].append(p)
# A phrase can only occur in the notes holding all its words; the candidates
# have a word in at most 3 notes, and their occurrences are counted there as
# lectern could match them: case and accents folded, across any markup,
# punctuation or line break (a block boundary too). A count of 1 here is at
# most 1 for lectern, and the phrase picked is a plain run of words in a
# speaker line, where lectern matches it.
def occurrences(words):
    rx = re.compile(r"(?<![^\W_])(?<![^\W_][’\x27])" + r"[\W_]+".join(words)
                    + r"(?![^\W_])(?![’\x27][^\W_])")
    where = min((files_with[w] for w in words), key=len)
    return sum(len(rx.findall(fold(texts[p]))) for p in where)
for p in files:
    t = texts[p]
    for m in SPEAKER.finditer(t):
        body = m.group(2)
        toks = [(w.start(), w.group()) for w in re.finditer(r"\S+", body)]
        for i in range(len(toks) - 2):
            words = [w for _, w in toks[i:i + 3]]
            if (not all(re.fullmatch(r"[a-z]{4,}", w) for w in words)
                    or min(len(files_with[w]) for w in words) > 3 or occurrences(words) != 1):
                continue
            line = t.count("\n", 0, m.start()) + 1
            col = len((m.group(1) + ": " + body[:toks[i][0]]).encode()) + 1
            print("%s\t%s\t%d\t%d" % (" ".join(words), p, line, col))
            sys.exit(0)
sys.exit(1)
' "$@"
}

corpus_rare_word() {
	python3 -c "$CORPUS_PY_NOTES"'
# words of plain speaker lines (no markup, no link) and of every other line
PLAIN = re.compile(r"^[A-Z]{2,5}: [^`<>\[\]()*_#|/\\&\n]*$", re.M)
files_of, bad, prefix = defaultdict(set), set(), defaultdict(set)
for p in notes(sys.argv[1:]):
    t = text(p)
    plain = "\n".join(m.group() for m in PLAIN.finditer(t) if "http" not in m.group())
    other = PLAIN.sub("", t)
    for w in words_of(plain):
        files_of[w].add(p)
    for w in words_of(other):
        bad.add(w)
for w in files_of.keys() | bad:
    prefix[w[:5]].add(w)
for w in sorted(files_of):
    if (re.fullmatch(r"[a-z]{8,}", w) and w not in bad and 2 <= len(files_of[w]) <= 5
            and prefix[w[:5]] == {w}):
        print(w)
        sys.exit(0)
sys.exit(1)
' "$@"
}

corpus_speaker() {
	python3 -c "$CORPUS_PY_NOTES"'
lines, names = Counter(), defaultdict(set)
ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*([A-Z]{2,5})\s*\|", re.M)
PAREN = re.compile(r"([A-Z][^\W\d_]*(?: [A-Za-z][^\s(),]*){1,4}) \(([A-Z]{2,5})\)")
for p in notes(sys.argv[1:]):
    t = text(p)
    lines.update(m.group(1) for m in SPEAKER.finditer(t))
    for rx in (ROW, PAREN):
        for name, ini in rx.findall(t):
            names[ini].add(name.strip())
by_surname = defaultdict(set)
for ini, ns in names.items():
    for n in ns:
        by_surname[n.split()[-1].lower()].add(ini)
for ini, _ in sorted(lines.items(), key=lambda x: (-x[1], x[0])):
    if len(names.get(ini, ())) != 1:
        continue
    name = next(iter(names[ini]))
    surname = name.split()[-1]
    if by_surname[surname.lower()] == {ini} and re.fullmatch(r"[A-Za-z]{3,}", surname):
        print("%s\t%s\t%s" % (ini, name, surname))
        sys.exit(0)
sys.exit(1)
' "$@"
}

corpus_months() {
	local years=() k y n=$2
	mapfile -t years < <(find "$1/meetings" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' |
		cut -c1-4 | sort -u)
	[[ ${#years[@]} -ge $n ]] || return 1
	for k in $(seq "$n"); do
		y=${years[$((k * ${#years[@]} / (n + 1)))]}
		(cd "$1/meetings" && for m in "$y"-*; do
			echo "$(find "$m" -name '*.md' | wc -l) $m"
		done | sort -k1,1nr -k2 | head -n 1 | cut -d' ' -f2)
	done
}
