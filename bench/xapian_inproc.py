#!/usr/bin/env python3
"""bench/xapian_inproc.py - in-process Xapian baseline for `make bench`.

usage: xapian_inproc.py DB QUERIES ROUNDS

Opens omindex's database once, then ROUNDS times runs every query of
QUERIES (one a line, quest's syntax: default AND, English stemming, title:
as omindex's S prefix), each as parse + get_mset(0, 10) + reading the ten
documents' data, the work `quest` does minus starting a process. Prints
{"QUERY_INDEX": [microseconds, ...], ...} as JSON on stdout.
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
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("english"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_default_op(xapian.Query.OP_AND)
    qp.set_database(db)
    qp.add_prefix("title", "S")
    enquire = xapian.Enquire(db)
    out = {i: [] for i in range(len(queries))}
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for i, q in enumerate(queries):
            t0 = clock()
            enquire.set_query(qp.parse_query(q))
            mset = enquire.get_mset(0, 10)
            for m in mset:
                m.document.get_data()
            out[i].append((clock() - t0) / 1e3)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
