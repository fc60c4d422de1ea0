#!/usr/bin/env python3
"""bench/xapian_inproc.py - in-process Xapian baseline for `make bench`.

usage: xapian_inproc.py DB QUERIES ROUNDS [TOP]

Opens omindex's database once, then ROUNDS times runs every query of
QUERIES (one a line, quest's syntax: default AND, English stemming, title:
as omindex's S prefix), each as parse + get_mset(0, TOP) + reading the TOP
documents' data, the work `quest` does minus starting a process. TOP is 10
by default (the daemon's top 10), 1000 for the top-1,000 figure. Prints
{"lat": {"QUERY_INDEX": [microseconds, ...], ...}, "size": {"QUERY_INDEX":
documents returned, ...}, "seconds": wall time of the timed loop} as JSON on
stdout.
"""
import json
import sys
import time

import xapian


def main():
    db = xapian.Database(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        queries = [line.rstrip("\n") for line in f if line.strip()]
    rounds = int(sys.argv[3])
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("english"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_default_op(xapian.Query.OP_AND)
    qp.set_database(db)
    qp.add_prefix("title", "S")
    enquire = xapian.Enquire(db)
    out = {i: [] for i in range(len(queries))}
    size = {}
    clock = time.perf_counter_ns
    start = clock()
    for _ in range(rounds):
        for i, q in enumerate(queries):
            t0 = clock()
            enquire.set_query(qp.parse_query(q))
            mset = enquire.get_mset(0, top)
            for m in mset:
                m.document.get_data()
            out[i].append((clock() - t0) / 1e3)
            size[i] = mset.size()
    json.dump({"lat": out, "size": size, "seconds": (clock() - start) / 1e9}, sys.stdout)


if __name__ == "__main__":
    main()
