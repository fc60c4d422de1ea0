# shard-lib.sh - what the T5xx shard tests share, sourced after test-lib.sh:
# the notes to index, the fixed query sets, comparisons of what two indexes
# answer, the shard a note belongs in (computed here with libxxhash, not
# asked of lectern), and servers (xapian-tcpsrv, xapian-replicate-server)
# run in their own process groups and killed, children and all, on exit.
# shellcheck shell=bash
# Variables set here are used by the scripts that source this file.
# shellcheck disable=SC2034

# The sanitizer build is ~3x slower: it indexes a slice of the large corpus
# (unless LECTERN_SLOW=1).
SAN=0
[[ $BUILD == *san* ]] && SAN=1
# Work in a directory without symlinks in its path: lectern stores real paths.
cd "$TEST_TMP" && TEST_TMP=$(pwd -P) || exit 1

# The fixed query set for the large corpus + corpus: words, phrases (quoted,
# and one argument of several words), boolean, NEAR, wildcards, fields,
# filters, a query that needs loosening and one that finds nothing. (Words of
# a standards committee: tc39-notes has them, and the generated corpus's
# word list.)
QUERIES=(
	'cattle, not pets'
	'proxy'
	'weakref'
	'temporal'
	'"top-level await"'
	'async iterator'
	'bigint OR biginteger'
	'decorators -metadata'
	'weakmap NEAR/5 symbol'
	'cancel* NEAR token'
	'decorat*'
	'(promise OR observable) cancellation'
	'vogels AND keynote'
	'title:keynote'
	'year:2019 realms'
	'year:2012..2014 proxies'
	'speaker:Harband weakref'
	'path:2019-06 bigint'
	'date:2020-03.. shadowrealm'
	'tail calls'
	'optional chaining'
	'cattle zzyzxqwv'
	'zzyzxqwv'
)
# The queries whose ten best hits are compared score by score.
TOP_QUERIES=('proxy' 'temporal' 'bigint OR biginteger' 'decorat*' 'weakmap NEAR/5 symbol'
	'year:2019 realms' '"top-level await"' 'speaker:Harband weakref' 'pro*' 'sym* weak*')
# The same for the five notes of corpus/ alone.
CORPUS_QUERIES=(
	'cattle, not pets'
	'cloud'
	'keynote'
	'vogels AND keynote'
	'amazon OR aws'
	'cloud -amazon'
	'instances NEAR/5 cattle'
	'insta*'
	'title:keynote'
	'year:2017'
	'year:2012..2015 amazon'
	're:Invent'
	'serverless'
	'date:2019 containers'
	'zzyzxqwv'
)

# shard_notes DEST: corpus/ and the large corpus (t_large_corpus), or some
# of its months, under DEST/corpus and DEST/large.
shard_notes() {
	local m
	t_large_corpus
	mkdir -p "$1" && cp -r "$REPO/corpus" "$1/corpus" || return 1
	if [[ $SAN == 1 && ${LECTERN_SLOW:-0} != 1 ]]; then
		mkdir -p "$1/large/meetings" || return 1
		for m in "$T_CORPUS"/meetings/*; do
			case ${m##*/} in
			201[2-3]-0[1-7] | 2019-* | 2020-0*) cp -r "$m" "$1/large/meetings/" || return 1 ;;
			esac
		done
	else
		cp -r "$T_CORPUS" "$1/large"
	fi
}

# lfind IDX PREFIX ARGS...: `lectern find --no-daemon ARGS` on IDX;
# PREFIX.out, PREFIX.err, PREFIX.rc. (One that hangs is the runner's timeout.)
lfind() {
	local idx=$1 pre=$2
	shift 2
	"$LECTERN" find --index "$idx" --no-daemon "$@" >"$pre.out" 2>"$pre.err" </dev/null
	echo $? >"$pre.rc"
}

# same_find DESC IDX_A IDX_B ARGS...: `lectern find ARGS` prints the same
# stdout and stderr, byte for byte, and exits the same (0 or 1) on both.
same_find() {
	local desc=$1 a=$2 b=$3 fa=$TEST_TMP/fa fb=$TEST_TMP/fb
	shift 3
	lfind "$a" "$fa" "$@"
	lfind "$b" "$fb" "$@"
	t_true "$desc ($(wc -l <"$fa.out") lines, exit $(cat "$fa.rc"))" same_outputs "$fa" "$fb" "$@"
}
# same_outputs PREFIX_A PREFIX_B ARGS...: two lfind runs exited the same (0
# or 1) and printed the same; else what differs
same_outputs() {
	local ra rb
	ra=$(cat "$1.rc") rb=$(cat "$2.rc")
	[[ $ra == "$rb" && $ra -lt 2 ]] && cmp -s "$1.out" "$2.out" && cmp -s "$1.err" "$2.err" &&
		return 0
	echo "lectern find ${*:3}: exit $ra vs $rb"
	echo "stdout diff: $(diff "$1.out" "$2.out" | head -6)"
	echo "stderr: $(head -c 600 "$1.err") | vs | $(head -c 600 "$2.err")"
	return 1
}

# cmp_hits MODE FILE_A FILE_B: compare two `find --json` outputs. MODE all:
# the same passages (path, line, col), every field equal, scores equal to
# 1e-9 relative. MODE top: the 10 first hits the same and in the same order,
# except that hits of equal score may come in either order (their docids
# differ between layouts). Prints "ok N" or what differs.
HITS_PY='
import json, sys
mode, fa, fb = sys.argv[1:4]
def load(f):
    out = []
    for line in open(f, encoding="utf-8"):
        if line.strip():
            j = json.loads(line)
            if "path" in j:
                j.pop("warnings", None)
                out.append(j)
    return out
def close(x, y):
    return abs(x - y) <= 1e-9 * max(abs(x), abs(y))
def key(h):
    return (h["path"], h["line"], h["col"])
def rest(h):
    return {k: v for k, v in h.items() if k != "score"}
A, B = load(fa), load(fb)
if mode == "all":
    A.sort(key=key); B.sort(key=key)
    if len(A) != len(B):
        sys.exit(print("%d hits vs %d" % (len(A), len(B))))
    for a, b in zip(A, B):
        if key(a) != key(b):
            sys.exit(print("hit %r vs %r" % (key(a), key(b))))
        if not close(a["score"], b["score"]):
            sys.exit(print("score of %r: %r vs %r" % (key(a), a["score"], b["score"])))
        if rest(a) != rest(b):
            sys.exit(print("fields of %r: %r vs %r" % (key(a), rest(a), rest(b))))
    print("ok", len(A))
    sys.exit()
N = 10
a10, b10 = A[:N], B[:N]
if len(a10) != len(b10):
    sys.exit(print("%d hits vs %d" % (len(a10), len(b10))))
for i, (a, b) in enumerate(zip(a10, b10)):
    if not close(a["score"], b["score"]):
        sys.exit(print("rank %d: score %r %r vs %r %r" % (i + 1, a["score"], key(a), b["score"], key(b))))
i = ties = 0
while i < len(a10):
    j = i
    while j < len(A) and close(A[j]["score"], A[i]["score"]):
        j += 1
    ties += j - i > 1
    if j <= N:
        ka, kb = sorted(map(key, A[i:j])), sorted(map(key, B[i:j]))
    else:  # a run of equal scores cut at rank 10: any members of it will do
        run_a = set(key(h) for h in A if close(h["score"], A[i]["score"]))
        run_b = set(key(h) for h in B if close(h["score"], A[i]["score"]))
        ka = sorted(k for k in map(key, a10[i:]) if k not in run_b)
        kb = sorted(k for k in map(key, b10[i:]) if k not in run_a)
    if ka != kb:
        sys.exit(print("ranks %d-%d: %r vs %r" % (i + 1, j, ka, kb)))
    i = j
bykey = {key(b): b for b in B}
for a in a10:
    b = bykey.get(key(a))
    if b is not None and rest(a) != rest(b):
        sys.exit(print("fields of %r: %r vs %r" % (key(a), rest(a), rest(b))))
print("ok", len(a10), "(%d runs of equal scores)" % ties)
'

# same_hits MODE DESC IDX_A IDX_B QUERY: cmp_hits over `find --json` on
# both indexes (--all for MODE all, the 40 best for MODE top).
same_hits() {
	local mode=$1 desc=$2 a=$3 b=$4 q=$5 fa=$TEST_TMP/ha fb=$TEST_TMP/hb sel=(--all) res
	[[ $mode == top ]] && sel=(-n 40)
	lfind "$a" "$fa" --json "${sel[@]}" -- "$q"
	lfind "$b" "$fb" --json "${sel[@]}" -- "$q"
	res=$(python3 -c "$HITS_PY" "$mode" "$fa.out" "$fb.out" 2>&1)
	t_true "$desc: ${res#ok }" same_hits_verdict "$fa" "$fb" "$q" "$res"
}
# same_hits_verdict PREFIX_A PREFIX_B QUERY VERDICT: cmp_hits said ok and both
# exited the same (0 or 1); else what differs
same_hits_verdict() {
	local ra rb
	ra=$(cat "$1.rc") rb=$(cat "$2.rc")
	[[ $4 == ok* && $ra == "$rb" && $ra -lt 2 ]] && return 0
	echo "query: $3"
	echo "exit $ra vs $rb"
	echo "$4"
	echo "stderr: $(head -c 400 "$1.err") | vs | $(head -c 400 "$2.err")"
	return 1
}

# same_count DESC IDX_A IDX_B QUERY: `find --count` prints the same total
# (and exits 0 or 1: an error is no answer).
same_count() {
	local fa=$TEST_TMP/ca fb=$TEST_TMP/cb ra
	lfind "$2" "$fa" --count -- "$4"
	lfind "$3" "$fb" --count -- "$4"
	ra=$(cat "$fa.rc")
	[[ $ra -lt 2 ]] || ra="$ra ($(head -c 200 "$fa.err"))"
	t_eq "$1" "$(cat "$fa.out") exit $(cat "$fa.rc")" "$(cat "$fb.out") exit $ra"
}

# compare_queries NAME IDX_A IDX_B QUERY...: the --all vimgrep output, the
# --all JSON hits and the --count of every query are the same on both; and
# most queries find something (else the comparison proves little).
compare_queries() {
	local name=$1 a=$2 b=$3 q found=0
	shift 3
	for q in "$@"; do
		same_find "$name: --all --format vimgrep '$q'" "$a" "$b" --all --format vimgrep -- "$q"
		same_hits all "$name: --all --json '$q'" "$a" "$b" "$q"
		[[ -s $TEST_TMP/ha.out ]] && found=$((found + 1))
		same_count "$name: --count '$q'" "$a" "$b" "$q"
	done
	t_true "$name: most queries find something ($found of $#)" test $((found * 4)) -ge $(($# * 3))
}

# ---- where notes go ---------------------------------------------------------

XXH3=$TEST_TMP/xxh3
# xxh3_build: a filter printing "HASH<TAB>LINE" for each line of its input,
# HASH the XXH3-64 of the line as 16 hex digits (what a file id is).
xxh3_build() {
	# shellcheck disable=SC2046 # pkg-config output is several words
	cc -std=c11 -O2 -x c - $(pkg-config --cflags --libs libxxhash) -o "$XXH3" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <xxhash.h>
int main(void)
{
	static char line[1 << 16];
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\n")] = 0;
		printf("%016llx\t%s\n", (unsigned long long)XXH3_64bits(line, strlen(line)), line);
	}
	return 0;
}
EOF
}

# note_map DB: "HASH<TAB>PATH" for every note recorded in the (unsharded)
# database DB, from its f: metadata keys: a note is named by its root's ID
# and its path inside the root ("1/a/b.md", docs/index-layout.md), hashed
# into its file id, and shown at its root's path from the index's roots
# file (beside DB).
note_map() {
	xapian-metadata list "$1" f: | sed 's/^f://' | "$XXH3" | python3 -c '
import os, sys
index = os.path.dirname(os.path.abspath(sys.argv[1]))
roots = {}
for line in open(os.path.join(index, "roots")):
    if line.startswith("#") or not line.strip():
        continue
    f = line.rstrip("\n").split("\t")
    roots[f[0]] = os.path.normpath(os.path.join(index, f[1]))
for line in sys.stdin:
    h, key = line.rstrip("\n").split("\t", 1)
    rid, _, rel = key.partition("/")
    print(h + "\t" + os.path.join(roots[rid], rel))' "$1" | sort
}

# shard_of_map MAP N I: the file ids of MAP's notes that belong in shard I
# of N (file id modulo N), sorted.
shard_of_map() {
	python3 -c '
import sys
n, i = int(sys.argv[2]), int(sys.argv[3])
for line in open(sys.argv[1]):
    h = line.split("\t", 1)[0]
    if int(h, 16) % n == i:
        print(h)' "$1" "$2" "$3" | sort
}

# file_ids DB: the file ids (F terms) present in database DB, sorted.
file_ids() {
	xapian-delve -A F -1 "$1" | sed -n 's/^F//p' | sort
}

# doc_count DB: the number of documents (notes) in database DB.
doc_count() {
	xapian-delve "$1" | sed -n 's/^number of documents = //p'
}

# only_shard MAP N I FORMAT < OUTPUT: the lines of a `find` output (FORMAT
# vimgrep or json) whose note belongs in shard I of N. vimgrep paths are
# relative to the current directory.
only_shard() {
	python3 -c '
import json, os, sys
mp, n, i, fmt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
keep = set()
for line in open(mp):
    h, p = line.rstrip("\n").split("\t", 1)
    if int(h, 16) % n == i:
        keep.add(p)
for line in sys.stdin:
    if fmt == "json":
        j = json.loads(line)
        if "path" not in j:
            continue
        p = j["path"]
    else:
        p = os.path.abspath(line.split(":", 1)[0])
    if p in keep:
        sys.stdout.write(line)' "$@"
}

# json_warnings FILE: the "warnings" of a find --json output or a daemon
# reply, one per line ("<none>" when no object has the key).
json_warnings() {
	python3 -c '
import json, sys
seen, out = False, []
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        j = json.loads(line)
        if isinstance(j, dict) and "warnings" in j:
            seen = True
            out += [w for w in j["warnings"] if w not in out]
print("\n".join(out) if seen else "<none>")' "$1"
}

# ---- servers ------------------------------------------------------------------

declare -A SRV_PGID SRV_JOB
USED_PORTS=' '

# free_port VAR: set VAR to a random TCP port on 127.0.0.1 that nothing uses
# (not even in TIME_WAIT) and that this test has not handed out before.
free_port() {
	local p i
	for i in $(seq 100); do
		p=$((20000 + RANDOM % 20000))
		[[ $USED_PORTS == *" $p "* ]] && continue
		if python3 -c 'import socket,sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' "$p" 2>/dev/null; then
			USED_PORTS+="$p "
			printf -v "$1" '%s' "$p"
			return 0
		fi
	done
	return 1
}

# listening PORT: a socket listens on 127.0.0.1:PORT (asked of ss, so that no
# connection is made; a connect probe without it).
listening() {
	if command -v ss >/dev/null; then
		[[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]
	else
		python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$1" 2>/dev/null
	fi
}

# srv_start NAME PORT CMD...: run CMD in a session of its own (it and the
# children it forks are one process group) and wait until PORT listens.
srv_start() {
	local name=$1 port=$2 pidf=$TEST_TMP/$1.pid
	shift 2
	rm -f "$pidf"
	# shellcheck disable=SC2016 # $$ and $0 are the inner shell's
	setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidf" "$@" \
		>>"$TEST_TMP/$name.log" 2>&1 </dev/null &
	SRV_JOB[$name]=$!
	# until it listens, or ends (a server that hangs: the runner's timeout)
	until [[ -s $pidf ]] && listening "$port"; do
		kill -0 "${SRV_JOB[$name]}" 2>/dev/null || break
		sleep 0.05
	done
	SRV_PGID[$name]=$(cat "$pidf" 2>/dev/null)
	[[ -n ${SRV_PGID[$name]} ]] && listening "$port"
}

# srv_signal NAME SIG: send SIG to the server's whole process group.
srv_signal() {
	[[ -n ${SRV_PGID[$1]:-} ]] && kill "-$2" -- "-${SRV_PGID[$1]}" 2>/dev/null
}

# srv_kill NAME: SIGKILL the whole group and wait until it is gone.
srv_kill() {
	[[ -n ${SRV_PGID[$1]:-} ]] || return 0
	srv_signal "$1" KILL
	wait "${SRV_JOB[$1]}" 2>/dev/null
	# its children too (SIGKILL: they go)
	while kill -0 -- "-${SRV_PGID[$1]}" 2>/dev/null; do
		sleep 0.05
	done
	SRV_PGID[$1]=''
}

# On exit, kill every server group (a stopped one too).
srv_kill_all() {
	local name
	for name in "${!SRV_PGID[@]}"; do
		[[ -n ${SRV_PGID[$name]} ]] && kill -KILL -- "-${SRV_PGID[$name]}" 2>/dev/null
	done
	return 0
}
t_at_exit srv_kill_all

# stub_entries DIR: the non-comment lines of DIR/shards.stub
stub_entries() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$1/shards.stub"
}
