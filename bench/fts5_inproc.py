#!/usr/bin/env python3
"""bench/fts5_inproc.py - in-process SQLite FTS5 baseline for `make bench`.

usage: fts5_inproc.py DB QUERIES ROUNDS [TOP]

Opens the FTS5 database bench.py built (table docs(path, title, body)) read
only with python's sqlite3 module, then ROUNDS times runs every query of
QUERIES (one a line, FTS5 MATCH syntax) as
`SELECT path FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT TOP` (bm25),
fetching every row: the work `sqlite3` does minus starting a process. TOP
is 1000 by default. Prints the same JSON as xapian_inproc.py: {"lat":
{"QUERY_INDEX": [microseconds, ...]}, "size": {"QUERY_INDEX": rows, or null when FTS5 refused the query},
"seconds": wall time of the timed loop}. Exits 3 when this sqlite3 module
has no FTS5 (bench.py then times the sqlite3 CLI instead).
"""
import json
import sqlite3
import sys
import time


def main():
    db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
    with open(sys.argv[2], encoding="utf-8") as f:
        queries = [line.rstrip("\n") for line in f if line.strip()]
    rounds = int(sys.argv[3])
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    sql = "SELECT path FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT %d" % top
    try:
        db.execute(sql, (queries[0],)).fetchall()
    except sqlite3.OperationalError as e:
        if "no such module" in str(e):
            print("fts5_inproc: %s" % e, file=sys.stderr)
            sys.exit(3)
        raise
    out = {i: [] for i in range(len(queries))}
    size = {}
    clock = time.perf_counter_ns
    start = clock()
    for _ in range(rounds):
        for i, q in enumerate(queries):
            t0 = clock()
            try:
                rows = db.execute(sql, (q,)).fetchall()
            except sqlite3.OperationalError:     # a query FTS5 cannot parse
                size[i] = None
                continue
            out[i].append((clock() - t0) / 1e3)
            size[i] = len(rows)
    json.dump({"lat": out, "size": size, "seconds": (clock() - start) / 1e9}, sys.stdout)


if __name__ == "__main__":
    main()
