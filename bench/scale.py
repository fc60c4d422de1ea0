#!/usr/bin/env python3
"""bench/scale.py - `make bench-scale`: how lectern scales with shards and
with corpus size (issue 7). Writes bench/results/scaling.md; docs/scaling.md
quotes it.

What it measures, each figure as a median with its spread, configurations
A/B interleaved (every round runs each one once, in a rotated order): on a
shared 2-core machine only ratios measured in the same run mean much.

  - index from scratch (`lectern index --shards N`), through /usr/bin/time:
    wall, CPU (user + system), peak RSS, index size / corpus size; at x1 for
    1, 2 and 4 shards and 1 shard with `-j 1`, at x10 1 and 2 shards, at x40
    what fits in SCALE_BIG_BUDGET seconds (2 shards first);
  - query latency over the mix of bench/queries.txt, for every index built:
    local shards, and at x1 also each shard served by its own xapian-tcpsrv
    on 127.0.0.1 and searched from a search head (an index directory whose
    shards.stub has only `remote` lines). One-shot (`lectern find
    --no-daemon`, a whole process) and through `lectern serve` (round trips
    timed by bench/sockload.c, 1 and 4 clients).

Before timing, every configuration must answer every query with the same
number of passages as the single index and without a warning (a remote
shard left out would make it fast and wrong); the report says whether that
held.

It reuses bench/bench.py (the corpora, the query mix, process timing, the
daemon and sockload drivers). Environment, all optional:
  SCALE_SIZES="1 10 40"        corpus sizes (x1 = tc39-notes + corpus/, ~25 MB)
  SCALE_INDEX_RUNS_<S>         index-from-scratch rounds (3 / 1 / 1)
  SCALE_QUERY_RUNS_<S>         one-shot rounds over the mix (20 / 8 / 5)
  SCALE_DAEMON_ROUNDS_<S>      daemon rounds over the mix, 1 client (200 / 100 / 60)
  SCALE_BIG_BUDGET             seconds for each size above x10, all included (1500):
                               2 shards are always indexed, 1 shard only if it fits
  SCALE_TCP=0                  skip the xapian-tcpsrv configurations
  SCALE_TMP                    scratch (bench/results/tmp/scale, git-ignored)
  SCALE_OUT                    the report (bench/results/scaling.md)
  SCALE_KEEP_TMP=1             keep corpora and indexes
"""
import atexit
import json
import math
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)
import bench  # noqa: E402  (bench/bench.py: corpora, queries, timing, daemon)

ROOT = bench.ROOT
TMP = os.path.abspath(os.environ.get("SCALE_TMP", os.path.join(BENCH_DIR, "results", "tmp", "scale")))
OUT = os.environ.get("SCALE_OUT", os.path.join(BENCH_DIR, "results", "scaling.md"))
SIZES = [int(s) for s in os.environ.get("SCALE_SIZES", "1 10 40").split()]
DEFAULTS = {1: (3, 20, 200), 10: (1, 8, 100)}     # index runs, one-shot rounds, daemon rounds
BIG_DEFAULTS = (1, 5, 60)
BIG_BUDGET = bench.env_int("SCALE_BIG_BUDGET", 1500)
WITH_TCP = os.environ.get("SCALE_TCP", "1") != "0"
TIME = "/usr/bin/time"
QUERY_RESERVE = 300     # seconds kept for the queries of a size above x10
DAEMON_BLOCKS = 4


def log(msg):
    print("bench-scale: " + msg, file=sys.stderr, flush=True)


# ---- servers: every one is killed on the way out ---------------------------

SERVERS = []        # [Popen] of xapian-tcpsrv, each the leader of its own session
DAEMONS = []        # [bench.Daemon]


def kill_group(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)    # the server and the children it forked
    except ProcessLookupError:
        pass
    p.wait()


def cleanup():
    for d in DAEMONS:
        d.stop()
    DAEMONS.clear()
    for p in SERVERS:
        kill_group(p)
    SERVERS.clear()


def on_signal(sig, _frame):
    raise SystemExit(128 + sig)


def free_port():
    for _ in range(200):
        port = 20000 + random.randrange(20000)
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port")


def listening(port):
    o = subprocess.run(["ss", "-Hltn", "sport = :%d" % port], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL).stdout
    return bool(o.strip())


def tcpsrv(db_dir, logf):
    """xapian-tcpsrv serving db_dir on a free port of 127.0.0.1, in a session
    of its own. Returns the port once it listens."""
    for _ in range(5):
        port = free_port()
        p = subprocess.Popen(["xapian-tcpsrv", "--port", str(port), "--interface", "127.0.0.1",
                              db_dir], stdout=logf, stderr=logf, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        SERVERS.append(p)
        deadline = time.time() + 20
        while time.time() < deadline and p.poll() is None:
            if listening(port):
                return port
            time.sleep(0.05)
        kill_group(p)
        SERVERS.remove(p)
    raise RuntimeError("xapian-tcpsrv would not start on %s" % db_dir)


# ---- helpers ---------------------------------------------------------------

class Cfg:
    """One way to search: what bench.query_cmd / Daemon / sockload want."""

    def __init__(self, name, idx, size):
        self.name, self.lidx, self.size = name, idx, size
        self.tmp = TMP
        self.sock = os.path.join(TMP, "run", "%s-x%d.sock" % (name.replace(" ", "-"), size))
        self.env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
        self.env["NO_COLOR"] = "1"


def median(v):
    return statistics.median(v) if v else None


def pct(v, p):
    if not v:
        return None
    s = sorted(v)
    return s[min(len(s) - 1, max(0, int(math.ceil(p / 100.0 * len(s))) - 1))]


def geomean(v):
    v = [x for x in v if x and x > 0]
    return math.exp(sum(math.log(x) for x in v) / len(v)) if v else None


def out_of(argv, env):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def describe_machine():
    def sh(cmd):
        return subprocess.run(cmd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              cwd=ROOT).stdout.decode().rstrip()
    dirty = sh("git status --porcelain -uno | head -1")
    pk = sh("dpkg-query -W -f '  ${Package} ${Version}\\n' libxapian30 xapian-tools 2>/dev/null")
    return "\n".join([
        "date:     " + time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "lectern:  %s, commit %s%s" % (sh("%s --version | head -1" % bench.LECTERN),
                                      sh("git rev-parse --short HEAD") or "none",
                                      " (with uncommitted changes)" if dirty else ""),
        "cpu:      %s, %d cores online" % (sh("lscpu | sed -n 's/^Model name: *//p' | head -1"),
                                          os.cpu_count()),
        "memory:   " + sh("awk '/MemTotal/ {printf \"%.1f GiB\", $2 / 1048576}' /proc/meminfo"),
        "kernel:   " + sh("uname -srm"),
        "os:       " + sh(". /etc/os-release && echo \"$PRETTY_NAME\""),
        "disk:     " + sh("df -h %s | awk 'NR == 2 {print $1 \", \" $4 \" free\"}'" % TMP),
        "load:     %s (1, 5, 15 min, at start)" % sh("cut -d' ' -f1-3 /proc/loadavg"),
        "packages:", pk])


# ---- index from scratch ------------------------------------------------------

def index_cmd(idx, shards, jobs, corpus):
    cmd = [bench.LECTERN, "index", "--index", idx, "--shards", str(shards), "--no-progress", "-q"]
    if jobs:
        cmd += ["-j", str(jobs)]
    return cmd + [corpus]


def index_once(name, idx, shards, jobs, corpus, env):
    if os.path.exists(idx):
        shutil.rmtree(idx)
    tf = os.path.join(TMP, "time.out")
    r = bench.timed([TIME, "-f", "%e %U %S %M", "-o", tf] + index_cmd(idx, shards, jobs, corpus),
                    env=env)
    if r["rc"] != 0:
        raise RuntimeError("%s: lectern index exited %d" % (name, r["rc"]))
    with open(tf) as f:
        wall, user, sys_, rss = f.read().split()[-4:]
    m = {"wall": float(wall), "cpu": float(user) + float(sys_), "rss_kb": int(rss),
         "size": bench.du(idx)}
    rc, o, _ = out_of([bench.LECTERN, "status", "--index", idx, "--json"], env)
    m["passages"] = json.loads(o).get("passages") if rc == 0 else None
    return m


def bench_index(size, corpus, res, env, t_size):
    """Index from scratch, configurations interleaved. Returns {shards: dir}
    of the indexes kept for the queries."""
    idx_dir = os.path.join(TMP, "idx%d" % size)
    os.makedirs(idx_dir, exist_ok=True)
    out = res.setdefault("index", {})
    keep = {}
    if size <= 10:
        runs = bench.env_int("SCALE_INDEX_RUNS_%d" % size, DEFAULTS[size][0] if size in DEFAULTS else 1)
        cfgs = [("1 shard", 1, 0), ("2 shards", 2, 0)]
        if size == 1:
            cfgs += [("4 shards", 4, 0), ("1 shard, -j 1", 1, 1)]
        for r in range(runs):
            for name, n, j in bench.rotate(cfgs, r):
                idx = os.path.join(idx_dir, "s%d%s" % (n, "-j1" if j else ""))
                m = index_once(name, idx, n, j, corpus, env)
                out.setdefault(name, []).append(m)
                log("x%d index %-14s run %d: %.1f s wall, %.1f s CPU, %.0f MiB RSS, %.0f MB" %
                    (size, name, r + 1, m["wall"], m["cpu"], m["rss_kb"] / 1024, m["size"] / 1e6))
                if not j:
                    keep[n] = idx
                elif r == runs - 1:
                    shutil.rmtree(idx)
        return keep
    # bigger than x10: one run each, 2 shards first (always), then 1 shard if
    # it fits in the budget, keeping QUERY_RESERVE seconds for the queries
    for name, n in [("2 shards", 2), ("1 shard", 1)]:
        used = time.time() - t_size
        if out:     # expect it to take as long as the one just done
            guess = max(v[0]["wall"] for v in out.values())
            if used + guess + QUERY_RESERVE > BIG_BUDGET:
                res.setdefault("skipped", []).append(
                    "x%d index (and queries) with %s: would take ~%.0f s more, over the "
                    "%d s budget of this size (%.0f s used, %d s kept for the queries)" %
                    (size, name, guess, BIG_BUDGET, used, QUERY_RESERVE))
                log("x%d: skip %s (expected ~%.0f s, %.0f of %d s used)" %
                    (size, name, guess, used, BIG_BUDGET))
                continue
        idx = os.path.join(idx_dir, "s%d" % n)
        m = index_once(name, idx, n, 0, corpus, env)
        out.setdefault(name, []).append(m)
        keep[n] = idx
        log("x%d index %-14s: %.1f s wall, %.1f s CPU, %.0f MiB RSS, %.0f MB" %
            (size, name, m["wall"], m["cpu"], m["rss_kb"] / 1024, m["size"] / 1e6))
    return keep


# ---- queries -------------------------------------------------------------------

def search_head(size, n, idx, logf):
    """An index directory of remote lines only, one per shard of idx, each
    shard served by its own xapian-tcpsrv."""
    head = os.path.join(TMP, "idx%d" % size, "head%d" % n)
    if os.path.exists(head):
        shutil.rmtree(head)
    os.makedirs(head)
    for k in range(n):
        port = tcpsrv(os.path.join(idx, "xapian" if k == 0 else "xapian.%d" % k), logf)
        rc, _, err = out_of([bench.LECTERN, "shard", "add", "--index", head,
                             "tcp://127.0.0.1:%d" % port], os.environ)
        if rc != 0:
            raise RuntimeError("shard add: " + err)
    return head


def verify(cfgs, queries, res):
    """Every configuration answers every query with as many passages as the
    first one, and without a warning."""
    ref = {}
    problems = res.setdefault("problems", [])
    for c in cfgs:
        for qi, q in enumerate(queries):
            rc, o, err = out_of([bench.LECTERN, "find", "--index", c.lidx, "--no-daemon", "--count",
                                 "--"] + q["lectern"], c.env)
            n = o.strip().splitlines()[-1] if o.strip() else ""
            if rc not in (0, 1) or err.strip():
                problems.append("%s, `%s`: exit %d, stderr %r" % (c.name, q["text"], rc, err[:200]))
            ref.setdefault(str(qi), n)
            if n != ref[str(qi)]:
                problems.append("%s, `%s`: %s passages, %s with %s" %
                                (c.name, q["text"], n, ref[str(qi)], cfgs[0].name))
    res["counts"] = ref


def bench_oneshot(cfgs, queries, runs, res):
    out = res.setdefault("oneshot", {})
    for r in range(runs):
        for qi, q in enumerate(queries):
            for c in bench.rotate(cfgs, r + qi):
                m = bench.timed(bench.query_cmd(c, "lectern", q), env=c.env)
                if m["rc"] not in (0, 1):
                    res.setdefault("problems", []).append(
                        "%s, `%s`: one-shot exit %d" % (c.name, q["text"], m["rc"]))
                out.setdefault(c.name, {}).setdefault(str(qi), []).append(m["wall"] * 1e3)
        if r == 0 or (r + 1) % 5 == 0:
            log("x%d one-shot round %d/%d" % (cfgs[0].size, r + 1, runs))


def bench_daemon(cfgs, queries, rounds, res):
    reqfile = os.path.join(TMP, "requests.jsonl")
    with open(reqfile, "w") as f:
        for q in queries:
            f.write(json.dumps(bench.daemon_request(q), ensure_ascii=False) + "\n")
    out = res.setdefault("daemon", {})
    per = max(1, rounds // DAEMON_BLOCKS)
    for c in cfgs:
        DAEMONS.append(bench.Daemon(c))
    try:
        totals = {}
        for c in cfgs:      # the same answers, no warning; and a warm-up
            for qi, q in enumerate(queries):
                req = dict(bench.daemon_request(q), id=qi + 1, count=True)
                a = bench.rpc(c.sock, req, 30.0)
                if not a.get("ok") or a.get("warnings"):
                    res.setdefault("problems", []).append(
                        "%s daemon, `%s`: %s" % (c.name, q["text"], json.dumps(a)[:300]))
                totals.setdefault(qi, a.get("total"))
                if a.get("total") != totals[qi]:
                    res.setdefault("problems", []).append(
                        "%s daemon, `%s`: total %s, %s with %s" %
                        (c.name, q["text"], a.get("total"), totals[qi], cfgs[0].name))
            bench.sockload(c, reqfile, 1, 2)
        for b in range(DAEMON_BLOCKS):
            for c in bench.rotate(cfgs, b):
                o = out.setdefault(c.name, {})
                s, lat = bench.sockload(c, reqfile, 1, per)
                o.setdefault("c1", []).extend(v for vs in lat.values() for v in vs)
                o.setdefault("c1_block_p50", []).append(median([v for vs in lat.values() for v in vs]))
                o.setdefault("errors", []).append(s["errors"])
                s, lat = bench.sockload(c, reqfile, 4, max(1, per // 2))
                o.setdefault("c4", []).extend(v for vs in lat.values() for v in vs)
                o.setdefault("qps4", []).append(s["qps"])
                o.setdefault("errors", []).append(s["errors"])
            log("x%d daemon block %d/%d" % (cfgs[0].size, b + 1, DAEMON_BLOCKS))
    finally:
        for d in list(DAEMONS):
            d.stop()
            DAEMONS.remove(d)


def bench_queries(size, keep, queries, res, logf):
    d_runs = DEFAULTS.get(size, BIG_DEFAULTS)
    qruns = bench.env_int("SCALE_QUERY_RUNS_%d" % size, d_runs[1])
    rounds = bench.env_int("SCALE_DAEMON_ROUNDS_%d" % size, d_runs[2])
    res["query_runs"], res["daemon_rounds"] = qruns, rounds
    cfgs = [Cfg("%d local" % n, keep[n], size) for n in sorted(keep)]
    if size == 1 and WITH_TCP:
        for n in sorted(keep):
            cfgs.append(Cfg("%d TCP" % n, search_head(size, n, keep[n], logf), size))
    res["configs"] = [c.name for c in cfgs]
    verify(cfgs, queries, res)
    bench_oneshot(cfgs, queries, qruns, res)
    bench_daemon(cfgs, queries, rounds, res)


# ---- the report --------------------------------------------------------------

def f1(x, d=1):
    return "n/a" if x is None else "%.*f" % (d, x)


def spread(v, d=1):
    """median (min-max) for up to 5 samples, median [p25-p75] above."""
    if not v:
        return "n/a"
    if len(v) == 1:
        return f1(v[0], d)
    if len(v) <= 5:
        return "%s (%s–%s)" % (f1(median(v), d), f1(min(v), d), f1(max(v), d))
    return "%s [%s–%s]" % (f1(median(v), d), f1(pct(v, 25), d), f1(pct(v, 75), d))


def index_table(s, res):
    rows = ["| configuration | runs | wall s | CPU s | CPU ÷ wall | peak RSS MiB | index MB | "
            "index ÷ corpus | passages | wall ÷ 1 shard |", "|---|---|---|---|---|---|---|---|---|---|"]
    base = res["index"].get("1 shard")
    bw = median([m["wall"] for m in base]) if base else None
    for name, ms in res["index"].items():
        w = [m["wall"] for m in ms]
        rows.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, len(ms), spread(w), spread([m["cpu"] for m in ms]),
            f1(median([m["cpu"] / m["wall"] for m in ms]), 2),
            spread([m["rss_kb"] / 1024 for m in ms], 0), spread([m["size"] / 1e6 for m in ms]),
            f1(median([m["size"] / res["bytes"] for m in ms]), 2),
            ms[-1].get("passages", "n/a"),
            "—" if name == "1 shard" or bw is None else "%.2f×" % (median(w) / bw)))
    return rows


def oneshot_summary(res, queries):
    o = res.get("oneshot", {})
    names = res.get("configs", [])
    if not o:
        return []
    base = names[0]
    rows = ["| configuration | mix of %d queries, ms per round | per-query median, geometric mean ms | "
            "÷ %s (geometric mean of per-query ratios) | slowest query (median ms) |" % (len(queries), base),
            "|---|---|---|---|---|"]
    for name in names:
        per_q = {qi: v for qi, v in o[name].items()}
        nround = min(len(v) for v in per_q.values())
        totals = [sum(per_q[qi][r] for qi in per_q) for r in range(nround)]
        meds = {qi: median(v) for qi, v in per_q.items()}
        ratio = geomean([meds[qi] / median(o[base][qi]) for qi in meds])
        worst = max(meds, key=meds.get)
        rows.append("| %s | %s | %s | %s | `%s` (%s) |" % (
            name, spread(totals), f1(geomean(meds.values()), 2),
            "—" if name == base else "%.2f×" % ratio, queries[int(worst)]["text"], f1(meds[worst])))
    return rows


def oneshot_per_query(res, queries):
    o = res.get("oneshot", {})
    names = res.get("configs", [])
    rows = ["| kind | query | passages | " + " | ".join(names) + " |",
            "|---|---|---|" + "---|" * len(names)]
    for qi, q in enumerate(queries):
        rows.append("| %s | `%s` | %s | %s |" % (
            q["kind"], q["text"], res.get("counts", {}).get(str(qi), "?"),
            " | ".join(spread(o[n][str(qi)]) for n in names)))
    return rows


def daemon_table(res):
    d = res.get("daemon", {})
    names = [n for n in res.get("configs", []) if n in d]
    if not names:
        return []
    base = names[0]
    b50 = median(d[base]["c1"])
    rows = ["| configuration | p50 1 client | p99 1 client | p50 ÷ %s | p50 4 clients | "
            "p99 4 clients | queries/s, 4 clients | error answers |" % base,
            "|---|---|---|---|---|---|---|---|"]
    for n in names:
        x = d[n]
        rows.append("| %s | %s (blocks %s–%s) | %s | %s | %s | %s | %s | %d |" % (
            n, f1(median(x["c1"]), 0), f1(min(x["c1_block_p50"]), 0), f1(max(x["c1_block_p50"]), 0),
            f1(pct(x["c1"], 99), 0), "—" if n == base else "%.2f×" % (median(x["c1"]) / b50),
            f1(median(x["c4"]), 0), f1(pct(x["c4"], 99), 0), spread(x["qps4"], 0),
            int(sum(x["errors"]))))
    return rows


def growth_table(result, queries):
    rows = ["| corpus | MB | shards | index wall s | ÷ x1 | CPU s | peak RSS MiB | index MB | index ÷ corpus | "
            "one-shot geometric mean ms | ÷ x1 | daemon p50 / p99 µs, 1 client | p50 ÷ x1 | "
            "daemon p50 / p99 µs, 4 clients | queries/s, 4 clients |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    x1 = {}

    def vs(n, key, v):      # v ÷ the same figure at x1, same number of shards
        base = x1.get((n, key))
        if s == "1":
            return "—"
        return "n/a" if v is None or base is None else "%.2f×" % (v / base)
    for s in result["order"]:
        res = result["sizes"][s]
        for n in (1, 2):
            name = "1 shard" if n == 1 else "2 shards"
            cfg = "%d local" % n
            ms = res.get("index", {}).get(name)
            if not ms:
                rows.append("| x%s | %.0f | %d | skipped | | | | | | | | | | | |" %
                            (s, res["bytes"] / 1e6, n))
                continue
            o = res.get("oneshot", {}).get(cfg)
            g = geomean([median(v) for v in o.values()]) if o else None
            d = res.get("daemon", {}).get(cfg)
            wall = median([m["wall"] for m in ms])
            p50 = median(d["c1"]) if d else None
            if s == "1":
                x1.update({(n, "wall"): wall, (n, "g"): g, (n, "p50"): p50})
            rows.append("| x%s | %.0f | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                s, res["bytes"] / 1e6, n, spread([m["wall"] for m in ms]), vs(n, "wall", wall),
                spread([m["cpu"] for m in ms]), spread([m["rss_kb"] / 1024 for m in ms], 0),
                spread([m["size"] / 1e6 for m in ms], 0),
                f1(median([m["size"] / res["bytes"] for m in ms]), 2), f1(g, 2), vs(n, "g", g),
                "%s / %s" % (f1(median(d["c1"]), 0), f1(pct(d["c1"], 99), 0)) if d else "n/a",
                vs(n, "p50", p50),
                "%s / %s" % (f1(median(d["c4"]), 0), f1(pct(d["c4"], 99), 0)) if d else "n/a",
                spread(d["qps4"], 0) if d else "n/a"))
    return rows


def report(result, queries, machine):
    L = []
    a = L.append
    a("# lectern scaling benchmark: shards and corpus size")
    a("")
    a("Run %s – %s (%s) by `make bench-scale` (bench/scale.py). Configurations ran A/B "
      "interleaved in the same run (each round runs every one once, in a rotated order). "
      "**The machine is shared and noisy (2 cores): read the ratios, not the absolute "
      "times.**" % (result["started"], result.get("finished", "unfinished"),
                    "%d min %d s" % divmod(int(result.get("seconds", 0)), 60)))
    a("")
    a("Corpora: `x1` is a copy of `../shared/corpora/tc39-notes` plus `corpus/`; `x10` and "
      "`x40` are 10 and 40 copies of it under distinct paths (`copy01/` …), built by "
      "bench/bench.py's `make_corpus`, so **the scaled corpora repeat the same text** "
      "(the vocabulary does not grow, the posting lists do). The page cache is warm.")
    a("")
    a("| corpus | files | size | index runs per configuration | one-shot rounds per query | daemon rounds (1 client) | took |")
    a("|---|---|---|---|---|---|---|")
    for s in result["order"]:
        r = result["sizes"][s]
        a("| x%s | %d | %.1f MB | %s | %s | %s | %d min %d s |" % (
            s, r["files"], r["bytes"] / 1e6,
            "/".join(str(len(v)) for v in r.get("index", {}).values()) or "0",
            r.get("query_runs", "n/a"), r.get("daemon_rounds", "n/a"),
            *divmod(r.get("seconds", 0), 60)))
    skipped = [x for s in result["order"] for x in result["sizes"][s].get("skipped", [])]
    skipped += ["x%d (SCALE_SIZES)" % s for s in (1, 10, 40) if str(s) not in result["order"]]
    a("")
    a("Skipped: " + ("; ".join(skipped) if skipped else "nothing") + ".")
    a("")
    a("Spread: `(min–max)` for up to 5 samples, `[p25–p75]` above that.")
    a("")
    a("What was searched: `N local` is an index made with `lectern index --shards N`; `N TCP` is "
      "the same N shards, each served by its own `xapian-tcpsrv --interface 127.0.0.1` on "
      "loopback, searched from a search head (an index directory holding only `remote` lines, "
      "made with `lectern shard add tcp://127.0.0.1:PORT`); the note files are on the same "
      "machine, so snippets are made as for a local index.")
    a("")
    probs = [p for s in result["order"] for p in result["sizes"][s].get("problems", [])]
    a("Check before timing: every configuration answered every query of the mix with the "
      "same number of passages as `1 local`, with no warning, both one-shot and through "
      "the daemon: " + ("**held**." if not probs else "**did not hold**:"))
    for p in probs[:30]:
        a("- " + p)
    for s in result["order"]:
        res = result["sizes"][s]
        a("")
        a("## x%s (%.1f MB, %d files)" % (s, res["bytes"] / 1e6, res["files"]))
        a("")
        if res.get("index"):
            a("### Index from scratch")
            a("")
            a("`lectern index --shards N` (default `-j`: one worker per CPU, at most 8), timed by "
              "`/usr/bin/time`: CPU is user + system; peak RSS is the largest process's.")
            a("")
            L.extend(index_table(s, res))
            a("")
        if res.get("oneshot"):
            a("### One-shot queries (`lectern find --no-daemon --limit 10`, a whole process)")
            a("")
            a("Milliseconds of wall time.")
            a("")
            L.extend(oneshot_summary(res, queries))
            a("")
            if s == "1":
                a("Per query, median ms with spread:")
                a("")
                L.extend(oneshot_per_query(res, queries))
                a("")
        if res.get("daemon"):
            a("### Through the daemon (`lectern serve`)")
            a("")
            a("Round trips over the Unix socket (top 10 with snippets), timed by bench/sockload.c, "
              "all the mix's queries pooled; configurations interleaved in %d blocks; the p50's "
              "spread is the lowest and highest block. Microseconds." % DAEMON_BLOCKS)
            a("")
            L.extend(daemon_table(res))
            a("")
    a("## Growth with corpus size (local shards)")
    a("")
    a("The sizes ran one after the other, not interleaved: a ratio to x1 also holds whatever "
      "the machine's load did in between. The one-shot figure is the geometric mean over the "
      "mix of each query's median.")
    a("")
    L.extend(growth_table(result, queries))
    a("")
    a("## Machine")
    a("")
    a("```")
    a(machine)
    a("```")
    a("")
    return "\n".join(L)


# ---- main ----------------------------------------------------------------------

def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--report":
        # the report again from a run's raw samples (bench/results/tmp/scale/raw.json)
        with open(sys.argv[2]) as f:
            result = json.load(f)
        with open(OUT, "w", encoding="utf-8") as f:
            f.write(report(result, bench.load_queries(), result.get("machine", "not recorded")))
        return
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    atexit.register(cleanup)
    start = time.time()
    os.makedirs(os.path.join(TMP, "run"), mode=0o700, exist_ok=True)
    for tool in ("xapian-tcpsrv", "ss", "cc"):
        if not shutil.which(tool):
            raise SystemExit("bench-scale: %s is needed" % tool)
    if not os.access(TIME, os.X_OK):
        raise SystemExit("bench-scale: %s is needed (Debian package time)" % TIME)
    need = max(SIZES) * 250 * 1024 * 1024       # corpus + index, ~10x the corpus
    if shutil.disk_usage(TMP).free < need:
        raise SystemExit("bench-scale: want %d MiB free in %s: set SCALE_SIZES or SCALE_TMP" %
                         (need >> 20, TMP))
    # a private copy: a rebuild while this runs must not change what it measures
    built = os.path.realpath(os.path.join(ROOT, "lectern"))
    bench.LECTERN = os.path.join(TMP, "lectern")
    shutil.copy2(built, bench.LECTERN)
    subprocess.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2",
                    os.path.join(BENCH_DIR, "sockload.c"), "-o", os.path.join(TMP, "sockload"),
                    "-lpthread"], check=True)
    machine = describe_machine()
    queries = bench.load_queries()
    result = {"started": time.strftime("%Y-%m-%d %H:%M:%S %z"), "sizes": {}, "order": [],
              "machine": machine}
    raw = os.path.join(TMP, "raw.json")
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    log("sizes %s; scratch in %s" % (" ".join(map(str, SIZES)), TMP))
    with open(os.path.join(TMP, "servers.log"), "ab") as logf:
        for size in SIZES:
            t0 = time.time()
            corpus, nfiles, nbytes = bench.make_corpus(TMP, size)
            log("x%d: %d files, %.1f MB" % (size, nfiles, nbytes / 1e6))
            res = {"files": nfiles, "bytes": nbytes}
            result["sizes"][str(size)] = res
            result["order"].append(str(size))
            try:
                keep = bench_index(size, corpus, res, env, t0)
                if keep:
                    bench_queries(size, keep, queries, res, logf)
            except (RuntimeError, OSError, ValueError) as e:
                log("x%d failed: %s" % (size, e))
                res.setdefault("problems", []).append("x%d: %s" % (size, e))
            finally:
                cleanup()
                res["seconds"] = int(time.time() - t0)
                with open(raw, "w") as f:
                    json.dump(result, f)
                if os.environ.get("SCALE_KEEP_TMP", "0") != "1":
                    shutil.rmtree(corpus, ignore_errors=True)
                    shutil.rmtree(os.path.join(TMP, "idx%d" % size), ignore_errors=True)
    result["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
    result["seconds"] = time.time() - start
    with open(raw, "w") as f:
        json.dump(result, f)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(report(result, queries, machine))
    if os.environ.get("SCALE_KEEP_TMP", "0") != "1":
        for f in ("lectern", "sockload", "sockload.out", "time.out", "requests.jsonl"):
            if os.path.exists(os.path.join(TMP, f)):
                os.unlink(os.path.join(TMP, f))
    log("done in %d min %d s: %s (raw samples: %s)" %
        (result["seconds"] // 60, result["seconds"] % 60, OUT, raw))


if __name__ == "__main__":
    main()
