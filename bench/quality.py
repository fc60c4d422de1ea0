#!/usr/bin/python3
"""bench/quality.py - ranking quality on the judged set (bench/judged/).

usage: quality.py JUDGED_DIR CORPUS LECTERN INDEX XAPIAN_DB FTS5_DB

(a tool whose database is given as "-" is left out)

Runs every query of JUDGED_DIR/queries.tsv through lectern (the binary
LECTERN on INDEX, `--no-daemon`), Xapian (python3-xapian on omindex's
database XAPIAN_DB: BM25, English stemming) and SQLite FTS5 (python's
sqlite3 on bench.py's FTS5_DB: bm25, Porter), all indexing the same files
under CORPUS, and scores their rankings against JUDGED_DIR/qrels.tsv.
Prints JSON on stdout (bench/report.py renders it).

Files, the level every tool answers at:
  lectern           `lectern find --files --limit 100 -- W1 W2 ...` (the
                    words as separate arguments: they must meet in a passage)
  lectern passages  `lectern find --limit 100 -- W1 W2 ...`, the passages
                    collapsed to their files in order of first appearance
  Xapian AND / OR   the words joined by AND (quest's default, as bench.py's
                    quest queries) / by OR, get_mset(0, 100)
  FTS5 AND / OR     MATCH 'W1 W2' (implicit AND) / 'W1 OR W2', ORDER BY rank
                    LIMIT 100
with nDCG@10 (binary gains), MRR (first relevant file in the top 100) and
P@10, over all queries and per kind (topic / meet). Passages, lectern
alone: a hit is right when its line lies in one of the query's relevant
sections (qrels: note, first and last line); S@10 (a right passage in the
top 10), MRR (first right passage in the top 100) and P@10.
"""
import json
import math
import os
import sqlite3
import subprocess
import sys

import xapian

DEPTH = 100


def load(judged):
    queries, rel = [], {}
    with open(os.path.join(judged, "queries.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            queries.append({"id": c[0], "kind": c[1], "words": c[2].split()})
    with open(os.path.join(judged, "qrels.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            qid, path, first, last = line.rstrip("\n").split("\t")[:4]
            rel.setdefault(qid, {}).setdefault(path, []).append((int(first), int(last)))
    return queries, rel


# ---- the tools ---------------------------------------------------------------

class Lectern:
    def __init__(self, binary, index, corpus):
        self.argv = [binary, "find", "--index", index, "--no-daemon", "--color", "never",
                     "--json", "--limit", str(DEPTH)]
        self.corpus = corpus
        self.env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
        self.env["NO_COLOR"] = "1"

    def run(self, words, files):
        r = subprocess.run(self.argv + (["--files"] if files else []) + ["--"] + words,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=self.env)
        hits = []
        for line in r.stdout.decode("utf-8", "replace").splitlines():
            try:
                h = json.loads(line)
            except ValueError:
                continue
            if "path" in h:
                hits.append((os.path.relpath(os.path.realpath(h["path"]), self.corpus),
                             h.get("line", 0)))
        return hits


class Xapian:
    def __init__(self, db):
        self.db = xapian.Database(db)
        self.enquire = xapian.Enquire(self.db)

    def run(self, words, op):
        qp = xapian.QueryParser()
        qp.set_stemmer(xapian.Stem("english"))
        qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        qp.set_default_op(op)
        qp.set_database(self.db)
        self.enquire.set_query(qp.parse_query(" ".join(words)))
        out = []
        for m in self.enquire.get_mset(0, DEPTH):
            data = m.document.get_data().decode("utf-8", "replace")
            url = next((x[4:] for x in data.split("\n") if x.startswith("url=")), "")
            out.append(url.lstrip("/"))
        return out


class Fts5:
    def __init__(self, db, corpus):
        self.db = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        self.corpus = corpus

    def run(self, words, op):
        q = (" OR " if op == "or" else " ").join(words)
        rows = self.db.execute("SELECT path FROM docs WHERE docs MATCH ? ORDER BY rank "
                               "LIMIT %d" % DEPTH, (q,)).fetchall()
        return [os.path.relpath(os.path.realpath(p), self.corpus) for (p,) in rows]


# ---- scores --------------------------------------------------------------------

def dedup(paths):
    seen, out = set(), []
    for p in paths:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def file_scores(ranked, relevant):
    gains = [1 if p in relevant else 0 for p in ranked]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:10]))
    idcg = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
    first = next((i for i, g in enumerate(gains) if g), None)
    return {"ndcg10": dcg / idcg if idcg else 0.0,
            "mrr": 1.0 / (first + 1) if first is not None else 0.0,
            "p10": sum(gains[:10]) / 10.0}


def passage_scores(hits, rel):
    right = [any(a <= line <= b for a, b in rel.get(p, ())) for p, line in hits]
    first = next((i for i, r in enumerate(right) if r), None)
    return {"s10": 1.0 if any(right[:10]) else 0.0,
            "mrr": 1.0 / (first + 1) if first is not None else 0.0,
            "p10": sum(right[:10]) / 10.0,
            # the first right passage is the heading line itself: the query's
            # words came from it (topic, meet), so this one is easy to find
            "on_heading": 1.0 if first is not None and first < 10 and
            any(hits[first][1] == a for a, _ in rel.get(hits[first][0], ())) else 0.0}


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def summarize(per_query, queries):
    out = {}
    for kind in ["all", "topic", "meet", "known"]:
        qs = [q["id"] for q in queries if kind == "all" or q["kind"] == kind]
        if not qs:
            continue
        out[kind] = {m: mean([per_query[q][m] for q in qs]) for m in per_query[qs[0]]}
        out[kind]["queries"] = len(qs)
    return out


def main():
    judged, corpus, binary, index, xdb, fdb = sys.argv[1:7]
    corpus = os.path.realpath(corpus)
    queries, rel = load(judged)
    runs = {}
    if index != "-":
        lec = Lectern(binary, index, corpus)
        runs["lectern"] = lambda w: dedup(p for p, _ in lec.run(w, True))
    if xdb != "-":
        xap = Xapian(xdb)
        runs["xapian-and"] = lambda w: xap.run(w, xapian.Query.OP_AND)
        runs["xapian-or"] = lambda w: xap.run(w, xapian.Query.OP_OR)
    if fdb != "-":
        fts = Fts5(fdb, corpus)
        runs["fts5-and"] = lambda w: fts.run(w, "and")
        runs["fts5-or"] = lambda w: fts.run(w, "or")
    files = {t: {} for t in runs}
    if "lectern" in runs:
        files = dict([("lectern", {}), ("lectern-passages", {})] +
                     [(t, {}) for t in runs if t != "lectern"])
    passages = {}
    found = {t: 0 for t in files}
    for q in queries:
        r = {p for p in rel.get(q["id"], {})}
        ranked = {}
        if "lectern" in runs:
            hits = lec.run(q["words"], False)
            passages[q["id"]] = passage_scores(hits, rel.get(q["id"], {}))
            ranked["lectern-passages"] = dedup(p for p, _ in hits)
        for t, f in runs.items():
            ranked[t] = f(q["words"])
        for t, rk in ranked.items():
            files[t][q["id"]] = file_scores(rk, r)
            found[t] += 1 if rk else 0
    result = {"queries": len(queries),
              "kinds": {k: sum(1 for q in queries if q["kind"] == k) for k in ["topic", "meet", "known"]},
              "relevant_files": mean([len(rel.get(q["id"], {})) for q in queries]),
              "files": {t: summarize(files[t], queries) for t in files},
              "answered": found,
              "passages": summarize(passages, queries) if passages else {},
              "per_query": {q["id"]: {t: round(files[t][q["id"]]["ndcg10"], 4) for t in files}
                            for q in queries}}
    # lectern against each peer, query by query (nDCG@10): better, same, worse
    vs = {}
    for t in files:
        if t.startswith("lectern") or "lectern" not in files:
            continue
        d = [files["lectern"][q["id"]]["ndcg10"] - files[t][q["id"]]["ndcg10"] for q in queries]
        vs[t] = [sum(1 for x in d if x > 1e-9), sum(1 for x in d if abs(x) <= 1e-9),
                 sum(1 for x in d if x < -1e-9)]
    result["lectern_vs"] = vs
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
