#!/usr/bin/python3
"""bench/judged/build.py - derive the judged query set from tc39-notes.

usage: build.py [TC39_NOTES_DIR [OUT_DIR]]
       (defaults: ../shared/corpora/tc39-notes beside the repository, and
       bench/judged; JUDGED_SEED=S draws another sample, default 1: the
       committed files)

Writes OUT_DIR/queries.tsv and OUT_DIR/qrels.tsv (method, format and limits:
bench/judged/README.md). Deterministic: the same corpus gives the same files
byte for byte (no clock, no unseeded randomness, sorted walks). Needs
Debian's python3 with python3-xapian (for Snowball's English stemmer, the
one lectern and omindex use) and sqlite3 with FTS5 (for Porter's, the one
FTS5 uses: a word is only swapped for another form of it when both
stemmers agree that the two are one word).

In short: every agenda item of a meeting note (a `## ` heading, its section
running to the next `#`/`## ` heading) has a topic, the content words of its
heading. A query is 2-4 of those words, with words dropped, the order
changed and sometimes a word in another form, so that it is not the heading
typed back; the relevant answers are every section (and so every note)
whose agenda heading holds all of the query's words (compared by stem).
"""
import hashlib
import math
import os
import re
import sqlite3
import sys

import xapian

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# Queries of each kind, at most (the candidates are taken in a seeded order).
N_TOPIC = 120
N_MEET = 80
N_KNOWN = 80
MAX_RELEVANT_FILES = 20     # more: the query is a generic word, not a topic

# English function words, and the words of TC39's process that head every
# other agenda item ("... for Stage 3", "... update", "Normative: ...").
STOP = set("""
a about above after again against all also am an and any are as at be because
been before being below between both but by can could did do does doing down
during each few for from further had has have having he her here hers him his
how i if in into is it its itself just let lets like make makes me more most my
no nor not now of off on once only or other our ours out over own same she
should so some such than that the their theirs them then there these they this
those through to too under until up very was we were what when where which
while who whom why will with would you your yours yet via vs versus etc without
within whether maybe may might must shall per de la using use used one two
three four five six first second third last next another
stage stages update updates updated proposal proposals status discussion
discussions discuss discussed continued continuation continuing cont revisit
revisited revisiting request requests normative editorial pr prs consensus
needs need needed advancement advance advancing review reviews overview
presentation presenting presents present report reports follow followup
item items question questions tc tg tc39 ecmascript ecma es spec specs
specification topic topics intro introduction introducing part new short quick
timebox summary conclusion resolution agenda meeting meetings notes note
issue issues change changes changing changed open close closing opening plenary
call calls slides feedback progress plan plans proposed propose seeking seek
reaching reach toward towards remaining remains possible potential problem
problems idea ideas thoughts thing things way ways more less again also
""".split())

SEED = os.environ.get("JUDGED_SEED", "1")
FILE_FORMS_MIN = 20         # a word form must occur this often to be swapped in

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def seeded(key):
    """A stable pseudo-random integer for key (the seed of every choice)."""
    return int.from_bytes(hashlib.sha256(("lectern-judged-%s:%s" % (SEED, key)).encode())
                          .digest()[:8], "big")


class Rng:
    """A tiny deterministic generator (sha256 in counter mode)."""

    def __init__(self, key):
        self.key, self.n = key, 0

    def below(self, n):
        self.n += 1
        return seeded("%s#%d" % (self.key, self.n)) % n

    def shuffle(self, xs):
        xs = list(xs)
        for i in range(len(xs) - 1, 0, -1):
            j = self.below(i + 1)
            xs[i], xs[j] = xs[j], xs[i]
        return xs


def clean_heading(text):
    """The words of an agenda heading, without links, code marks, numbering,
    the presenter in parentheses, possessives and PR numbers."""
    t = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)     # [text](url) -> text
    t = re.sub(r"https?://\S+", " ", t)
    t = t.replace("`", " ").replace("*", " ")
    t = re.sub(r"\(([^)]*)\)\s*$", " ", t.strip())         # trailing (Presenter)
    t = re.sub(r"^\s*[0-9ivx]+(\.[0-9a-z]+)*\.?,?\s+", " ", t, flags=re.I)   # 11.i.d
    t = re.sub(r"[’']s\b", " ", t)
    t = re.sub(r"#\d+", " ", t)
    return t


def content_words(text, stem):
    """(word, stem) pairs of a heading's content words, in order, one per
    stem: lower case, letters only (no digits: tools split "ES2015" in
    different ways), at least 3 letters, no stop word."""
    out, seen = [], set()
    for w in WORD_RE.findall(clean_heading(text).lower()):
        if len(w) < 3 or not w.isalpha() or not w.isascii() or w in STOP:
            continue
        s = stem(w)
        if s in STOP or s in seen:
            continue
        seen.add(s)
        out.append((w, s))
    return out


INFLECTIONS = {("", "s"), ("", "es"), ("y", "ies"), ("", "d"), ("", "ed"), ("e", "ed"),
               ("", "ing"), ("e", "ing")}


def inflection(a, b):
    """a and b differ by a regular English inflection (scope/scoping,
    proxy/proxies), not just by sharing a stem (import/important)."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return (a[n:], b[n:]) in INFLECTIONS or (b[n:], a[n:]) in INFLECTIONS


def read_notes(top):
    """[(relpath, lines, sections)]: sections are (first, last, heading)
    for the note's `## ` headings, 1-based inclusive lines, outside code
    fences; a section runs to the line before the next `#` or `##` heading."""
    notes = []
    for d, dirs, files in os.walk(os.path.join(top, "meetings")):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith(".md"):
                continue
            p = os.path.join(d, f)
            with open(p, encoding="utf-8", errors="replace") as fh:
                lines = fh.read().split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            heads, fence = [], False
            for i, l in enumerate(lines, 1):
                if l.lstrip().startswith(("```", "~~~")):
                    fence = not fence
                    continue
                m = None if fence else re.match(r"(#{1,2})\s+(.*?)\s*#*\s*$", l)
                if m:
                    heads.append((i, len(m.group(1)), m.group(2)))
            sections = []
            for k, (i, level, text) in enumerate(heads):
                if level != 2:
                    continue
                end = heads[k + 1][0] - 1 if k + 1 < len(heads) else len(lines)
                sections.append((i, end, text))
            notes.append((os.path.relpath(p, os.path.dirname(top)), lines, sections))
    return notes


class Porter:
    """Porter's stemmer as FTS5 runs it (fts5vocab over a scratch table)."""

    def __init__(self):
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE t USING fts5(w, tokenize='porter unicode61')")
        self.db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
        self.cache = {}

    def __call__(self, w):
        if w not in self.cache:
            self.db.execute("DELETE FROM t")
            self.db.execute("INSERT INTO t VALUES (?)", (w,))
            self.cache[w] = self.db.execute("SELECT term FROM v").fetchone()[0]
        return self.cache[w]


def main():
    top = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                          os.path.join(ROOT, "..", "shared", "corpora", "tc39-notes"))
    out = sys.argv[2] if len(sys.argv) > 2 else HERE
    snow = xapian.Stem("english")
    cache = {}

    def stem(w):
        if w not in cache:
            cache[w] = snow(w)
        return cache[w]

    porter = Porter()
    notes = read_notes(top)

    # Per note and per paragraph (a block between blank lines; a heading is
    # one by itself): the stems they hold; per stem: its spellings.
    note_stems, forms, para_of, para_note, capital = {}, {}, {}, [], {}
    for path, lines, sections in notes:
        words = [w for l in lines for w in WORD_RE.findall(l)]
        for w in words:
            if w.isalpha() and w.isascii():
                lw = w.lower()
                forms.setdefault(stem(lw), {}).setdefault(lw, 0)
                forms[stem(lw)][lw] += 1
                if w != lw:
                    capital[lw] = capital.get(lw, 0) + 1
        words = [w.lower() for w in words]
        note_stems[path] = {stem(w) for w in words if w.isalpha()}
        block = set()
        for l in lines + [""]:
            head = l.startswith("#")
            if (not l.strip() or head) and block:
                for x in block:
                    para_of.setdefault(x, set()).add(len(para_note))
                para_note.append(path)
                block = set()
            block |= {stem(w) for w in WORD_RE.findall(l.lower()) if w.isalpha()}
            if head:
                for x in block:
                    para_of.setdefault(x, set()).add(len(para_note))
                para_note.append(path)
                block = set()
    nfiles = len(notes)
    df = {}
    for s in note_stems.values():
        for x in s:
            df[x] = df.get(x, 0) + 1

    # Every agenda section with its heading's content words.
    agenda = []     # (path, first, last, heading, [(word, stem)])
    for path, lines, sections in notes:
        for first, last, text in sections:
            agenda.append((path, first, last, text, content_words(text, stem)))
    by_stem = {}
    for k, a in enumerate(agenda):
        for _, s in a[4]:
            by_stem.setdefault(s, set()).add(k)

    def relevant(stems):
        ks = set.intersection(*(by_stem.get(s, set()) for s in stems))
        return sorted(ks)

    def files_with_all(stems):
        return sum(1 for s in note_stems.values() if stems <= s)

    def files_with_all_in_a_paragraph(stems):
        ps = set.intersection(*(para_of.get(x, set()) for x in stems))
        return len({para_note[i] for i in ps})

    def other_form(w, s, rng):
        """Another inflection of w (a plural, -ed, -ing) that the corpus
        uses and that both stemmers take for the same word, or None."""
        fs = sorted((f for f, n in forms.get(s, {}).items()
                     if f != w and n >= FILE_FORMS_MIN and inflection(w, f) and
                     porter(f) == porter(w)),
                    key=lambda f: (-forms[s][f], f))
        return fs[0] if fs and rng.below(3) == 0 else None

    def known_item(path, lines, first, last, cw, rng):
        """3 words of a section's text (not of its heading), drawn with
        weights tf x idf from its words that are neither rare nor common
        (in 10 notes at least, in a quarter at most): a known-item query
        (Azzopardi, de Rijke and Balog, SIGIR 2007). None when the section
        is short, or when the 3 words are in fewer than 3 notes (too easy)
        or in more than 30 (too vague)."""
        body = [w.lower() for l in lines[first:last] for w in WORD_RE.findall(l)]
        if len(body) < 300:
            return None
        head = {x for _, x in cw}
        tf = {}
        for w in body:
            if len(w) < 4 or not w.isalpha() or not w.isascii() or w in STOP:
                continue
            x = stem(w)
            if x in STOP or x in head or df[x] < 10 or df[x] * 4 > nfiles:
                continue
            if 2 * capital.get(w, 0) > forms[x][w]:
                continue            # mostly capitalised: a name
            tf.setdefault(x, {}).setdefault(w, 0)
            tf[x][w] += 1
        cand = sorted((x, max(ws, key=lambda w: (ws[w], w)), sum(ws.values()))
                      for x, ws in tf.items() if sum(ws.values()) >= 2)
        if len(cand) < 3:
            return None
        pick = []
        for _ in range(3):
            wts = [int(1000 * n * math.log(nfiles / df[x])) for x, _, n in cand]
            r = rng.below(sum(wts))
            for i, wt in enumerate(wts):
                if r < wt:
                    break
                r -= wt
            pick.append(cand.pop(i)[:2])
        stems = frozenset(x for x, _ in pick)
        if not 3 <= files_with_all(stems) <= 30:
            return None
        return [(w, x) for x, w in pick]

    topic, meet, known, seen = [], [], [], set()
    text_of = {path: lines for path, lines, _ in notes}
    order = sorted(range(len(agenda)),
                   key=lambda k: seeded("%s:%d" % (agenda[k][0], agenda[k][1])))
    for k in order:
        path, first, last, text, cw = agenda[k]
        rng = Rng("%s:%d" % (path, first))
        if len(known) < N_KNOWN and rng.below(4) == 0:
            pick = known_item(path, text_of[path], first, last, cw, rng)
            if pick and frozenset(x for _, x in pick) not in seen:
                stems = frozenset(x for _, x in pick)
                seen.add(stems)
                known.append(("known", [w for w, _ in pick], path, first, text,
                              [k], files_with_all(stems), files_with_all_in_a_paragraph(stems)))
                continue
        if len(cw) < 2:
            continue
        # "meet": the heading's common words (each in at least 1 note in 8),
        # which many more notes hold than hold the topic, and which meet in
        # one paragraph in at most a third of the notes that hold them all.
        common = [x for x in cw if df[x[1]] * 8 >= nfiles]
        kind = None
        if len(common) >= 2 and len(meet) < N_MEET:
            pick = rng.shuffle(common)[:2 + rng.below(min(2, len(common) - 1))]
            stems = frozenset(s for _, s in pick)
            rel = relevant(stems)
            rfiles = {agenda[j][0] for j in rel}
            nall = files_with_all(stems)
            if nall >= max(10, 3 * len(rfiles)) and 3 * files_with_all_in_a_paragraph(stems) <= nall:
                kind = "meet"
        if kind is None and len(topic) < N_TOPIC:
            if len(cw) == 2:
                pick = [cw[1], cw[0]]
            else:
                n = 2 + rng.below(min(4, len(cw) - 1) - 1)      # 2 .. min(4, |W|-1)
                pick = rng.shuffle(cw)[:n]
            kind = "topic"
        if kind is None:
            continue
        stems = frozenset(s for _, s in pick)
        if stems in seen:
            continue
        rel = relevant(stems)
        rfiles = {agenda[j][0] for j in rel}
        if not rel or len(rfiles) > MAX_RELEVANT_FILES:
            continue
        words = []
        for w, s in pick:
            o = other_form(w, s, rng) if kind == "topic" else None
            words.append(o or w)
        if kind == "topic" and " ".join(words) in " ".join(w for w, _ in cw):
            words = list(reversed(words))   # never the heading's own words in its order
        seen.add(stems)
        (meet if kind == "meet" else topic).append(
            (kind, words, path, first, text, rel, files_with_all(stems),
             files_with_all_in_a_paragraph(stems)))
        if len(topic) >= N_TOPIC and len(meet) >= N_MEET and len(known) >= N_KNOWN:
            break

    kinds = ["topic", "meet", "known"]
    qs = sorted(topic + meet + known, key=lambda q: (kinds.index(q[0]), q[2], q[3]))
    with open(os.path.join(out, "queries.tsv"), "w", encoding="utf-8") as fq, \
            open(os.path.join(out, "qrels.tsv"), "w", encoding="utf-8") as fr:
        src = ""
        sp = os.path.join(top, "SOURCE")
        if os.path.exists(sp):
            src = open(sp, encoding="utf-8").read().split("\n")[0]
        head = "# made by bench/judged/build.py from %s%s\n# %s\n" % (
            os.path.basename(top), "" if SEED == "1" else " (JUDGED_SEED=%s)" % SEED, src)
        fq.write(head + "# qid\tkind\tquery\tnotes holding all its words\t"
                 "notes where they meet in one paragraph\tsource: note:line\t"
                 "source heading\n")
        fr.write(head + "# qid\tnote\tfirst line\tlast line\theading\n")
        for n, (kind, words, path, first, text, rel, nall, nsect) in enumerate(qs, 1):
            qid = "q%03d" % n
            fq.write("%s\t%s\t%s\t%d\t%d\t%s:%d\t%s\n" % (
                qid, kind, " ".join(words), nall, nsect, path, first, text.replace("\t", " ")))
            for j in rel:
                a = agenda[j]
                fr.write("%s\t%s\t%d\t%d\t%s\n" % (qid, a[0], a[1], a[2],
                                                   a[3].replace("\t", " ")))
    print("build.py: %d queries (%d topic, %d meet, %d known) from %d notes, %d agenda sections" %
          (len(qs), len(topic), len(meet), len(known), nfiles, len(agenda)), file=sys.stderr)


if __name__ == "__main__":
    main()
