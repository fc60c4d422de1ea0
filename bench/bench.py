#!/usr/bin/env python3
"""bench/bench.py - the measuring half of `make bench` (bench/run drives it).

Measures lectern and its peers (Xapian omindex/quest, Recoll, SQLite FTS5,
ripgrep) side by side on the same files in the same run, A/B interleaved
(every round runs each tool once, in a rotated order), and writes every raw
sample to one JSON file that bench/report.py turns into tables and plots.

Configuration comes from the environment (bench/README.md): BENCH_SIZES,
BENCH_RUNS_<size>, BENCH_QUERY_RUNS_<size>, BENCH_DAEMON_ROUNDS_<size>,
BENCH_TOP1000_ROUNDS_<size>, BENCH_VIMGREP_RUNS_<size>, BENCH_QUALITY,
BENCH_TOOLS, BENCH_TMP. Processes are timed with posix_spawn + wait4, which
gives wall time, CPU time (user + system, children included) and peak RSS
of each run.
"""
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
# bench/run hands us a copy, so that a rebuild during the run changes nothing
LECTERN = os.environ.get("BENCH_LECTERN", os.path.join(ROOT, "lectern"))
CORPUS_SRC = [os.path.join(ROOT, "..", "shared", "corpora", "tc39-notes"),
              os.path.join(ROOT, "corpus")]
PEERS = ["omindex", "recoll", "fts5", "rg"]
INDEXERS = ["lectern", "omindex", "recoll", "fts5"]
REINDEXERS = ["lectern", "omindex", "recoll"]   # FTS5 has no updater, rg no index


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


# ---- running things ----------------------------------------------------

DEVNULL = os.open(os.devnull, os.O_RDWR)


def timed(argv, env=None, cwd=None, stdout=None):
    """Run argv to completion. Returns dict(wall, cpu, rss_kb, rc)."""
    fa = [(os.POSIX_SPAWN_DUP2, stdout if stdout is not None else DEVNULL, 1),
          (os.POSIX_SPAWN_DUP2, DEVNULL, 2)]
    if cwd:
        argv = ["/bin/sh", "-c", 'cd "$0" && exec "$@"', cwd] + list(argv)
    t0 = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, env if env is not None else os.environ,
                          file_actions=fa)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kb": ru.ru_maxrss,
            "rc": os.waitstatus_to_exitcode(status)}


def output(argv, env=None):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    return r.stdout.decode("utf-8", "replace")


def du(path):
    if os.path.isfile(path):
        return os.lstat(path).st_blocks * 512
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(d, f)).st_blocks * 512
            except OSError:
                pass
    return total


def rotate(items, k):
    k %= len(items)
    return items[k:] + items[:k]


# ---- corpora -------------------------------------------------------------

def corpus_files(top):
    out = []
    for d, _, files in os.walk(top):
        for f in files:
            if f.endswith((".md", ".txt")):
                out.append(os.path.join(d, f))
    return sorted(out)


def make_corpus(tmp, size):
    """tmp/cS: S copies of tc39-notes + corpus/ under distinct paths."""
    top = os.path.join(tmp, "c%d" % size)
    if os.path.isdir(top):
        shutil.rmtree(top)
    os.makedirs(top)
    for i in range(size):
        dest = top if size == 1 else os.path.join(top, "copy%02d" % (i + 1))
        os.makedirs(dest, exist_ok=True)
        for src in CORPUS_SRC:
            subprocess.run(["cp", "-r", os.path.realpath(src),
                            os.path.join(dest, os.path.basename(src))], check=True)
    files = corpus_files(top)
    size_b = sum(os.path.getsize(f) for f in files)
    # read it once so that every tool starts from the same warm page cache
    subprocess.run("find %s -type f -print0 | xargs -0 cat > /dev/null" % shlex.quote(top),
                   shell=True)
    return top, len(files), size_b


# ---- the tools: index ----------------------------------------------------

class Tools:
    def __init__(self, tmp, size, corpus):
        self.tmp, self.size, self.corpus = tmp, size, corpus
        d = os.path.join(tmp, "idx%d" % size)
        os.makedirs(d, exist_ok=True)
        self.lidx = os.path.join(d, "lectern")
        self.xdb = os.path.join(d, "omindex")
        self.rconf = os.path.join(d, "recoll-conf")
        self.rdb = os.path.join(d, "recoll-db")
        self.fdb = os.path.join(d, "fts5.db")
        self.flist = os.path.join(d, "fts5-files.txt")
        self.fsql = os.path.join(d, "fts5-load.sql")
        self.sock = os.path.join(tmp, "run", "lectern-%d.sock" % size)
        # no XDG_RUNTIME_DIR: lectern's default socket is INDEX/run/
        self.env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
        self.env["NO_COLOR"] = "1"

    def index_path(self, tool):
        return {"lectern": self.lidx, "omindex": self.xdb, "recoll": self.rdb,
                "fts5": self.fdb}[tool]

    def clear(self, tool):
        for p in {"lectern": [self.lidx], "omindex": [self.xdb],
                  "recoll": [self.rconf, self.rdb], "fts5": [self.fdb]}[tool]:
            if os.path.isdir(p):
                shutil.rmtree(p)
            elif os.path.exists(p):
                os.unlink(p)

    def write_recoll_conf(self):
        os.makedirs(self.rconf, exist_ok=True)
        with open(os.path.join(self.rconf, "recoll.conf"), "w") as f:
            f.write("topdirs = %s\ndbdir = %s\nloglevel = 1\n" % (self.corpus, self.rdb))

    def write_fts5_sql(self):
        title = ("ltrim(substr(body, 1, instr(body || char(10), char(10)) - 1), '# ')")
        with open(self.fsql, "w") as f:
            f.write(
                "CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, body,"
                " tokenize='porter unicode61 remove_diacritics 2', detail=full);\n"
                "CREATE TEMP TABLE files(path TEXT);\n"
                ".mode csv\n.import %s files\n"
                "BEGIN;\n"
                "INSERT INTO docs(path, title, body) SELECT path, %s, body FROM"
                " (SELECT path, CAST(readfile(path) AS TEXT) AS body FROM temp.files);\n"
                "COMMIT;\n" % (self.flist, title))

    def index_cmd(self, tool):
        """The command that brings tool's index up to date (from scratch
        when it was cleared)."""
        if tool == "lectern":
            return [LECTERN, "index", "--index", self.lidx, self.corpus]
        if tool == "omindex":
            return ["omindex", "--db", self.xdb, "--url", "/", "-Mmd:text/plain",
                    "-Mtxt:text/plain", self.corpus]
        if tool == "recoll":
            self.write_recoll_conf()
            return ["recollindex", "-c", self.rconf]
        if tool == "fts5":
            self.write_fts5_sql()
            # the file walk is part of the job, as it is for the others
            return ["/bin/sh", "-c",
                    "find \"$1\" -type f \\( -name '*.md' -o -name '*.txt' \\) > \"$2\""
                    " && sqlite3 \"$3\" < \"$4\"", "sh",
                    self.corpus, self.flist, self.fdb, self.fsql]
        raise ValueError(tool)

    def index(self, tool):
        r = timed(self.index_cmd(tool), env=self.env)
        r["size"] = du(self.index_path(tool))
        return r


# ---- the tools: one-shot queries -----------------------------------------

def load_queries():
    qs = []
    with open(os.path.join(BENCH, "queries.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 6:
                raise SystemExit("bench/queries.txt: want 6 TAB-separated columns: " + line)
            kind, lec, fts, quest, recoll, rg = cols
            qs.append({"kind": kind, "text": lec, "lectern": shlex.split(lec),
                       "fts5": fts, "quest": quest, "recoll": recoll,
                       "rg": None if rg == "-" else rg})
    return qs


def fts5_sql(q, limit):
    m = q["fts5"].replace("'", "''")
    if limit:
        return "SELECT path FROM docs WHERE docs MATCH '%s' ORDER BY rank LIMIT 10;" % m
    return "SELECT count(*) FROM docs WHERE docs MATCH '%s';" % m


_NO_DAEMON = None


def no_daemon_flag():
    """["--no-daemon"] when this lectern has it (a find that could reach a
    daemon), else nothing."""
    global _NO_DAEMON
    if _NO_DAEMON is None:
        _NO_DAEMON = ["--no-daemon"] if "--no-daemon" in output([LECTERN, "find", "--help"]) else []
    return _NO_DAEMON


def query_cmd(t, tool, q):
    """One-shot query printing the top 10 (rg: every matching file, since it
    cannot rank). None when the tool cannot say it."""
    if tool in ("lectern", "lectern+daemon"):
        daemon = ["--socket", t.sock] if tool == "lectern+daemon" else no_daemon_flag()
        return [LECTERN, "find", "--index", t.lidx, "--limit", "10", "--color", "never"] + \
            daemon + ["--"] + q["lectern"]
    if tool == "fts5":
        return ["sqlite3", "-readonly", t.fdb, fts5_sql(q, True)]
    if tool == "omindex":
        return ["quest", "-d", t.xdb, "-m", "10", "-o", "and", "-p", "title:S", q["quest"]]
    if tool == "recoll":
        return ["recollq", "-c", t.rconf, "-n", "10", q["recoll"]]
    if tool == "rg":
        if q["rg"] is None:
            return None
        return ["rg", "-i", "-l", "--no-messages", q["rg"], t.corpus]
    raise ValueError(tool)


def count_matches(t, tool, q):
    """The number of matches the tool reports: files (documents) for the
    peers; for lectern files and passages ("F/P")."""
    import re
    try:
        if tool == "lectern":
            base = [LECTERN, "find", "--index", t.lidx, "--color", "never"] + no_daemon_flag()
            p = output(base + ["--count", "--"] + q["lectern"], env=t.env).strip()
            f = output(base + ["--files", "--all", "--"] + q["lectern"], env=t.env)
            files = len([x for x in f.splitlines() if x.strip()])
            return {"files": files, "passages": int(p.splitlines()[-1]) if p else 0}
        if tool == "fts5":
            return {"files": int(output(["sqlite3", "-readonly", t.fdb, fts5_sql(q, False)]))}
        if tool == "omindex":
            o = output(["quest", "-d", t.xdb, "-m", "0", "-c", "100000000", "-o", "and",
                        "-p", "title:S", q["quest"]])
            m = re.search(r"Exactly (\d+) matches", o)
            return {"files": int(m.group(1)) if m else None}
        if tool == "recoll":
            o = output(["recollq", "-c", t.rconf, "-n", "1", q["recoll"]])
            m = re.search(r"^(\d+) results", o, re.M)
            return {"files": int(m.group(1)) if m else None}
        if tool == "rg":
            if q["rg"] is None:
                return None
            o = output(["rg", "-i", "-l", "--no-messages", q["rg"], t.corpus])
            return {"files": len(o.splitlines())}
    except (ValueError, IndexError):
        return None
    return None


# ---- the daemon ------------------------------------------------------------

def daemon_available():
    try:
        r = subprocess.run([LECTERN, "serve", "--help"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=10)
        f = output([LECTERN, "find", "--help"])
        return r.returncode == 0 and "--no-daemon" in f and "--socket" in f
    except (OSError, subprocess.TimeoutExpired):
        return False


def rpc(sock_path, req, timeout=5.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(sock_path)
        s.sendall((json.dumps(req) + "\n").encode())
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        return json.loads(buf.decode())
    finally:
        s.close()


class Daemon:
    def __init__(self, t, watch=False):
        self.t = t
        os.makedirs(os.path.dirname(t.sock), mode=0o700, exist_ok=True)
        argv = [LECTERN, "serve", "--index", t.lidx, "--socket", t.sock]
        if watch:
            argv.append("--watch")
        self.log = open(os.path.join(t.tmp, "serve-%d.log" % t.size), "ab")
        self.p = subprocess.Popen(argv, stdout=self.log, stderr=self.log, env=t.env)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.p.poll() is not None:
                raise RuntimeError("lectern serve exited with %d" % self.p.returncode)
            try:
                if rpc(t.sock, {"id": 0, "op": "ping"}, 1.0).get("ok"):
                    return
            except (OSError, ValueError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("lectern serve did not answer within 60 s")

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()


def daemon_request(q):
    args = q["lectern"]
    r = {"op": "find", "query": " ".join(args), "limit": 10}
    if len(args) == 1:
        r["implicit_phrase"] = True
    return r


def sockload(t, reqfile, clients, rounds):
    out = os.path.join(t.tmp, "sockload.out")
    r = subprocess.run([os.path.join(t.tmp, "sockload"), t.sock, reqfile, str(clients),
                        str(rounds), out], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("sockload: " + r.stderr.decode())
    f = r.stdout.decode().split()
    summary = dict(zip(f[0::2], [float(x) for x in f[1::2]]))
    lat = {}
    with open(out) as fh:
        for line in fh:
            i, ns = line.split()
            lat.setdefault(int(i), []).append(int(ns) / 1e3)     # microseconds
    return summary, lat


# Debian's python3-xapian is for Debian's python3, whatever runs this script
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def inproc(script, db, qfile, rounds, top):
    """bench/xapian_inproc.py or bench/fts5_inproc.py: {"lat": {query index:
    [µs]}, "size": {query index: results}, "seconds": the timed loop}."""
    r = subprocess.run([PY, os.path.join(BENCH, script), db, qfile, str(rounds), str(top)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("%s (exit %d): %s" % (script, r.returncode, r.stderr.decode()))
    o = json.loads(r.stdout)
    o["lat"] = {int(k): v for k, v in o["lat"].items()}
    o["size"] = {int(k): v for k, v in o["size"].items()}
    return o


def inproc_xapian(t, qfile, rounds, top=10):
    return inproc("xapian_inproc.py", t.xdb, qfile, rounds, top)["lat"]


# ---- the figures ---------------------------------------------------------

def bench_index(t, tools, runs, res):
    """Index from scratch, `runs` rounds, tools interleaved."""
    out = res.setdefault("index", {})
    for r in range(runs):
        for tool in rotate(tools, r):
            t.clear(tool)
            m = t.index(tool)
            log("size x%d index %-8s run %d: %.2f s, %.0f MiB RSS, rc %d" %
                (t.size, tool, r + 1, m["wall"], m["rss_kb"] / 1024, m["rc"]))
            out.setdefault(tool, []).append(m)


def edit_one_file(corpus, n):
    files = corpus_files(corpus)
    f = files[len(files) // 2]
    with open(f, "a", encoding="utf-8") as fh:
        fh.write("\n\nbenchedit%dx was added by make bench.\n" % n)
    return "benchedit%dx" % n


def bench_reindex(t, tools, runs, res):
    """No change; fresh checkout (every mtime reset); one file edited."""
    out = res.setdefault("reindex", {})
    for r in range(runs):
        order = rotate(tools, r)
        for tool in order:
            out.setdefault("nochange", {}).setdefault(tool, []).append(t.index(tool))
        now = time.time()
        for f in corpus_files(t.corpus):
            os.utime(f, (now, now))
        for tool in order:
            out.setdefault("checkout", {}).setdefault(tool, []).append(t.index(tool))
        word = edit_one_file(t.corpus, r)
        for tool in order:
            m = t.index(tool)
            if tool == "lectern":
                o = output([LECTERN, "find", "--index", t.lidx, "--count"] + no_daemon_flag() +
                           ["--", word], env=t.env).strip()
                m["found_edit"] = o not in ("", "0")
            out.setdefault("edit", {}).setdefault(tool, []).append(m)
        log("size x%d re-index round %d done" % (t.size, r + 1))


def bench_oneshot(t, tools, queries, runs, res):
    out = res.setdefault("oneshot", {})
    counts = res.setdefault("counts", {})
    for qi, q in enumerate(queries):
        for tool in tools:
            if tool == "lectern+daemon":
                continue
            counts.setdefault(tool, {})[str(qi)] = count_matches(t, tool, q)
    for r in range(runs):
        for qi, q in enumerate(queries):
            for tool in rotate(tools, r + qi):
                cmd = query_cmd(t, tool, q)
                if cmd is None:
                    continue
                m = timed(cmd, env=t.env)
                out.setdefault(tool, {}).setdefault(str(qi), []).append(m["wall"] * 1e3)
                # lectern and rg exit 1 for "nothing found"; anything else is trouble
                if m["rc"] not in ((0, 1) if tool.startswith("lectern") or tool == "rg" else (0,)):
                    res.setdefault("oneshot_errors", {}).setdefault(tool, {})[str(qi)] = m["rc"]
        if r == 0 or (r + 1) % 5 == 0:
            log("size x%d one-shot queries round %d/%d" % (t.size, r + 1, runs))


def bench_daemon(t, queries, rounds, res):
    reqfile = os.path.join(t.tmp, "requests.jsonl")
    with open(reqfile, "w") as f:
        for q in queries:
            f.write(json.dumps(daemon_request(q), ensure_ascii=False) + "\n")
    qfile = os.path.join(t.tmp, "quest-queries.txt")
    with open(qfile, "w") as f:
        for q in queries:
            f.write(q["quest"] + "\n")
    out = res.setdefault("daemon", {})
    blocks = 4
    per = max(1, rounds // blocks)
    d = Daemon(t)
    try:
        sockload(t, reqfile, 1, 2)       # warm up
        inproc_xapian(t, qfile, 2)
        for b in range(blocks):          # A/B: daemon and in-process Xapian
            _, lat = sockload(t, reqfile, 1, per)
            for i, v in lat.items():
                out.setdefault("c1", {}).setdefault(str(i), []).extend(v)
            for i, v in inproc_xapian(t, qfile, per).items():
                out.setdefault("xapian", {}).setdefault(str(i), []).extend(v)
            s, lat = sockload(t, reqfile, 4, max(1, per // 2))
            for i, v in lat.items():
                out.setdefault("c4", {}).setdefault(str(i), []).extend(v)
            out.setdefault("qps4", []).append(s["qps"])
            out.setdefault("errors", []).append(s["errors"])
            log("size x%d daemon block %d/%d: %.0f q/s with 4 clients" %
                (t.size, b + 1, blocks, s["qps"]))
    finally:
        d.stop()


def snippets_off(t):
    """{"snippets": false} when the daemon takes that field (docs/protocol.md;
    an older daemon answers an unknown field with bad_request), else {}."""
    try:
        r = rpc(t.sock, {"id": 0, "op": "find", "query": "consensus", "limit": 1,
                         "snippets": False})
        return {"snippets": False} if r.get("ok") else {}
    except (OSError, ValueError):
        return {}


def fts5_cli_top(t, fqueries, rounds, top):
    """The sqlite3 CLI's fallback when python's sqlite3 has no FTS5: one
    process runs every query `rounds` times; only the total time is known."""
    sql = os.path.join(t.tmp, "fts5-top.sql")
    with open(sql, "w", encoding="utf-8") as f:
        for _ in range(rounds):
            for q in fqueries:
                f.write("SELECT path FROM docs WHERE docs MATCH '%s' ORDER BY rank LIMIT %d;\n"
                        % (q.replace("'", "''"), top))
    m = timed(["/bin/sh", "-c", 'exec sqlite3 -readonly "$0" < "$1"', t.fdb, sql])
    return {"lat": {}, "size": {}, "seconds": m["wall"], "cli": True,
            "requests": rounds * len(fqueries)}


def bench_top1000(t, queries, rounds, tools, res):
    """Top 1,000 ranked files per query: lectern's daemon ({"files": true,
    "limit": 1000}, 1 client, bench/sockload.c) against in-process Xapian
    (get_mset(0, 1000), every document's data read) and in-process FTS5
    (ORDER BY rank LIMIT 1000, every row fetched), A/B interleaved in blocks."""
    top = 1000
    out = res.setdefault("top1000", {})
    d = Daemon(t)
    try:
        extra = snippets_off(t)
        out["snippets_off"] = bool(extra)
        reqfile = os.path.join(t.tmp, "requests-top.jsonl")
        sizes = out.setdefault("size", {})
        with open(reqfile, "w") as f:
            for i, q in enumerate(queries):
                req = dict(daemon_request(q), limit=top, files=True, **extra)
                f.write(json.dumps(req, ensure_ascii=False) + "\n")
                out.setdefault("request", req)
                try:
                    a = rpc(t.sock, dict(req, id=i + 1), 60.0)
                    sizes.setdefault("daemon", {})[str(i)] = len(a.get("hits", [])) \
                        if a.get("ok") else None
                except (OSError, ValueError):
                    sizes.setdefault("daemon", {})[str(i)] = None
        qfile = os.path.join(t.tmp, "quest-queries.txt")
        ffile = os.path.join(t.tmp, "fts5-queries.txt")
        with open(qfile, "w") as f:
            f.write("".join(q["quest"] + "\n" for q in queries))
        with open(ffile, "w") as f:
            f.write("".join(q["fts5"] + "\n" for q in queries))
        peers = [x for x in ["xapian", "fts5"] if {"xapian": "omindex"}.get(x, x) in tools]

        def run(tool, n):
            if tool == "daemon":
                s, lat = sockload(t, reqfile, 1, n)
                return {"lat": lat, "seconds": s["seconds"], "requests": s["requests"],
                        "errors": s["errors"]}
            if tool == "xapian":
                o = inproc("xapian_inproc.py", t.xdb, qfile, n, top)
            else:
                try:
                    o = inproc("fts5_inproc.py", t.fdb, ffile, n, top)
                except RuntimeError as e:
                    if "(exit 3)" not in str(e):
                        raise
                    o = fts5_cli_top(t, [q["fts5"] for q in queries], n, top)
            o.setdefault("requests", sum(len(v) for v in o["lat"].values()))
            return o

        for tool in ["daemon"] + peers:     # warm up, and the peers' result counts
            o = run(tool, 1)
            if tool != "daemon":
                sizes[tool] = {str(k): v for k, v in o["size"].items()}
        blocks = max(1, min(4, rounds))
        per = max(1, rounds // blocks)
        for b in range(blocks):
            for tool in rotate(["daemon"] + peers, b):
                o = run(tool, per)
                r = out.setdefault(tool, {"lat": {}, "blocks": []})
                for i, v in o["lat"].items():
                    r["lat"].setdefault(str(i), []).extend(v)
                r["blocks"].append({"requests": o["requests"], "seconds": o["seconds"],
                                    "cli": o.get("cli", False), "errors": o.get("errors", 0)})
            log("size x%d top-1000 block %d/%d: daemon %.0f q/s%s" % (
                t.size, b + 1, blocks, out["daemon"]["blocks"][-1]["requests"] /
                out["daemon"]["blocks"][-1]["seconds"], "".join(
                    ", %s %.0f q/s" % (p, out[p]["blocks"][-1]["requests"] /
                                       out[p]["blocks"][-1]["seconds"]) for p in peers)))
    finally:
        d.stop()


def vimgrep_cmd(t, tool, word):
    if tool == "rg":
        return ["rg", "-w", "--vimgrep", word, t.corpus]
    daemon = ["--socket", t.sock] if tool == "lectern+daemon" else no_daemon_flag()
    return [LECTERN, "find", "--index", t.lidx, "--all", "--format", "vimgrep",
            "--color", "never"] + daemon + ["--", word]


def bench_vimgrep(t, tools, runs, res, word="consensus"):
    """`lectern find --all --format vimgrep WORD` against `rg -w --vimgrep
    WORD`, whole processes on the same files. The output goes to a file, not
    /dev/null (ripgrep may take /dev/null as leave to stop early); its line
    count is kept, so that a difference in what they find shows."""
    out = res.setdefault("vimgrep", {"word": word, "wall": {}, "lines": {}, "rc": {}})
    path = os.path.join(t.tmp, "vimgrep.out")
    for r in range(runs):
        for tool in rotate(tools, r):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                m = timed(vimgrep_cmd(t, tool, word), env=t.env, stdout=fd)
            finally:
                os.close(fd)
            out["wall"].setdefault(tool, []).append(m["wall"])
            out["rc"][tool] = m["rc"]
            if r == 0:
                with open(path, "rb") as f:
                    out["lines"][tool] = sum(1 for _ in f)
    log("size x%d vimgrep %s: %s" % (t.size, word, ", ".join(
        "%s %.3f s (%d lines)" % (x, sorted(out["wall"][x])[len(out["wall"][x]) // 2],
                                  out["lines"][x]) for x in tools)))


def bench_quality(t, tools, res):
    """Ranking quality on bench/judged/ (bench/quality.py), x1 only."""
    r = subprocess.run([PY, os.path.join(BENCH, "quality.py"), os.path.join(BENCH, "judged"),
                        t.corpus, LECTERN, t.lidx if "lectern" in tools else "-",
                        t.xdb if "omindex" in tools else "-",
                        t.fdb if "fts5" in tools else "-"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=t.env)
    if r.returncode != 0:
        raise RuntimeError("quality.py: " + r.stderr.decode())
    res["quality"] = json.loads(r.stdout)
    q = res["quality"]
    log("size x%d ranking quality, %d judged queries: nDCG@10 %s" % (
        t.size, q["queries"], ", ".join("%s %.3f" % (k, v["all"]["ndcg10"])
                                        for k, v in q["files"].items())))


def bench_watch(t, trials, res):
    """Save-to-searchable: write a new note, poll the daemon until found."""
    d = Daemon(t, watch=True)
    lat = []
    try:
        time.sleep(1.0)     # let the watches settle
        base = os.path.join(t.corpus, "tc39-notes" if t.size == 1 else "copy01")
        for i in range(trials):
            word = "watchprobe%dq" % i
            path = os.path.join(base, "bench-watch-%d.md" % i)
            with open(path, "w") as f:
                f.write("# Watch probe %d\n\nThis note holds %s and nothing else.\n" % (i, word))
            t0 = time.perf_counter()
            found = None
            while time.perf_counter() - t0 < 10.0:
                try:
                    r = rpc(t.sock, {"id": i + 1, "op": "find", "query": word, "limit": 1})
                    if r.get("ok") and r.get("total", 0) > 0:
                        found = (time.perf_counter() - t0) * 1e3
                        break
                except (OSError, ValueError):
                    pass
                time.sleep(0.002)
            lat.append(found)
            log("size x%d save-to-searchable %d: %s ms" %
                (t.size, i + 1, "timeout" if found is None else "%.1f" % found))
            time.sleep(0.3)
    finally:
        d.stop()
        for i in range(trials):
            p = os.path.join(t.corpus, "tc39-notes" if t.size == 1 else "copy01",
                             "bench-watch-%d.md" % i)
            if os.path.exists(p):
                os.unlink(p)
    res["watch"] = lat


# ---- main ------------------------------------------------------------------

def main():
    tmp = os.environ.get("BENCH_TMP", os.path.join(BENCH, "results", "tmp"))
    raw = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tmp, "raw.json")
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1 10 40").split()]
    want = os.environ.get("BENCH_TOOLS", "lectern omindex recoll fts5 rg").split()
    defaults = {1: (5, 20, 400, 20, 10), 10: (2, 8, 200, 10, 4), 40: (1, 4, 100, 5, 2)}
    queries = load_queries()
    has_daemon = daemon_available()
    result = {"started": time.strftime("%Y-%m-%d %H:%M:%S %z"), "sizes": {},
              "queries": [{"kind": q["kind"], "text": q["text"]} for q in queries],
              "daemon_available": has_daemon, "tools": want}
    log("daemon: " + ("available" if has_daemon else "n/a (lectern serve not available)"))
    for size in sizes:
        d_runs, d_q, d_rounds, d_top, d_vg = defaults.get(size, (1, 4, 100, 5, 2))
        runs = env_int("BENCH_RUNS_%d" % size, d_runs)
        qruns = env_int("BENCH_QUERY_RUNS_%d" % size, d_q)
        rounds = env_int("BENCH_DAEMON_ROUNDS_%d" % size, d_rounds)
        trounds = env_int("BENCH_TOP1000_ROUNDS_%d" % size, d_top)
        vruns = env_int("BENCH_VIMGREP_RUNS_%d" % size, d_vg)
        t0 = time.time()
        corpus, nfiles, nbytes = make_corpus(tmp, size)
        log("size x%d: %d files, %.1f MB in %s" % (size, nfiles, nbytes / 1e6, corpus))
        t = Tools(tmp, size, corpus)
        res = {"files": nfiles, "bytes": nbytes, "runs": runs, "query_runs": qruns,
               "daemon_rounds": rounds, "top1000_rounds": trounds, "vimgrep_runs": vruns}
        indexers = [x for x in INDEXERS if x in want]
        bench_index(t, indexers, runs, res)
        if size == 1:
            bench_reindex(t, [x for x in REINDEXERS if x in want], runs, res)
        qtools = [x for x in ["lectern"] + PEERS if x in want]
        vtools = [x for x in ["lectern", "rg"] if x in want]
        if has_daemon and "lectern" in want:
            qtools.insert(1, "lectern+daemon")
            vtools.insert(1, "lectern+daemon")
            d = Daemon(t)       # serves lectern+daemon during the one-shot rounds
            try:
                bench_oneshot(t, qtools, queries, qruns, res)
                if "lectern" in want and vruns > 0:
                    bench_vimgrep(t, vtools, vruns, res)
            finally:
                d.stop()
        else:
            bench_oneshot(t, qtools, queries, qruns, res)
            if "lectern" in want and vruns > 0:
                bench_vimgrep(t, vtools, vruns, res)
        if has_daemon and "lectern" in want and "omindex" in want:
            try:
                bench_daemon(t, queries, rounds, res)
            except RuntimeError as e:
                log("daemon figures failed: %s" % e)
                res["daemon_error"] = str(e)
        if has_daemon and "lectern" in want and trounds > 0:
            try:
                bench_top1000(t, queries, trounds, want, res)
            except RuntimeError as e:
                log("top-1000 figures failed: %s" % e)
                res["top1000_error"] = str(e)
        # before the watch trials, which add notes to the index
        if size == 1 and "lectern" in want and env_int("BENCH_QUALITY", 1):
            try:
                bench_quality(t, want, res)
            except RuntimeError as e:
                log("ranking quality failed: %s" % e)
                res["quality_error"] = str(e)
        if has_daemon and "lectern" in want and "omindex" in want:
            if size == 1:
                try:
                    bench_watch(t, env_int("BENCH_WATCH_TRIALS", 10), res)
                except RuntimeError as e:
                    log("watch figures failed: %s" % e)
                    res["watch_error"] = str(e)
        res["seconds"] = time.time() - t0
        result["sizes"][str(size)] = res
        with open(raw, "w") as f:
            json.dump(result, f)
        # the big corpora and their indexes go as soon as they are measured
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(os.path.join(tmp, "idx%d" % size), ignore_errors=True)
    result["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
    with open(raw, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
