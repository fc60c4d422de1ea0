#!/usr/bin/env bash
# T510-shards-remote - remote shards: the two shards of a sharded index each
# served by xapian-tcpsrv, searched from a search head (an index of remote
# lines only) and from a mixed index (one local shard, one remote), answering
# exactly as the single index does. Then the failures, each answered with
# the other shards' results, a warning and the right exit code: a server
# down, stopped (slow), killed mid-query, all of them down; shard list, add
# and remove; and a daemon that keeps answering while a remote is down and
# recovers when it is back on the same port. Nothing is timed: a find that
# waits for a server that is gone hangs, and the runner's timeout fails it.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
[[ -x $LECTERN ]] || t_skip "$LECTERN is not built"
t_need xapian-tcpsrv
t_need setsid
t_need jq
t_need python3
t_need xapian-delve
t_need xapian-metadata
t_need cc
# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
# shellcheck source=tests/shard-lib.sh
. "$(dirname "$0")/../shard-lib.sh"

t_ok "the xxh3 helper builds (libxxhash)" xxh3_build
[[ $T_RC -eq 0 ]] || t_done

NOTES=$TEST_TMP/notes
SINGLE=$TEST_TMP/single
SHARDED=$TEST_TMP/sharded
HEAD=$TEST_TMP/head
shard_notes "$NOTES" || t_skip "cannot copy the notes"

t_ok "index the notes as a single database" "$LECTERN" index --index "$SINGLE" --no-progress "$NOTES"
t_ok "index them again as 2 shards" "$LECTERN" index --index "$SHARDED" --shards 2 --no-progress "$NOTES"
note_map "$SINGLE/xapian" >"$TEST_TMP/map"
P0=$(doc_count "$SHARDED/xapian")
P1=$(doc_count "$SHARDED/xapian.1")

if ! free_port PORT0 || ! free_port PORT1 || ! free_port PORT2; then
	t_skip "no free port"
fi
R0=tcp://127.0.0.1:$PORT0
R1=tcp://127.0.0.1:$PORT1
# shellcheck disable=SC2317 # called through t_ok
serve_shard() { # serve_shard I: shard I of $SHARDED on PORTI
	local port=$PORT0 dir=$SHARDED/xapian
	[[ $1 == 1 ]] && port=$PORT1 dir=$SHARDED/xapian.1
	srv_start "tcpsrv$1" "$port" xapian-tcpsrv --port "$port" --interface 127.0.0.1 "$dir"
}
t_ok "xapian-tcpsrv serves shard 0" serve_shard 0
t_ok "xapian-tcpsrv serves shard 1" serve_shard 1

# ---- a search head: remote shards only -----------------------------------------
mkdir -p "$HEAD"
t_ok "shard add the first server to an empty directory" "$LECTERN" shard add --index "$HEAD" "$R0"
t_ok "shard add the second" "$LECTERN" shard add --index "$HEAD" "$R1"
t_eq "the stub has the two remote lines, in order" "remote 127.0.0.1:$PORT0
remote 127.0.0.1:$PORT1" "$(stub_entries "$HEAD")"
t_eq "... and the head has no local database" "none" "$(ls -d "$HEAD"/xapian* 2>/dev/null || echo none)"
LIST_OK=$(printf '%s\tremote\tok\t%s notes\n%s\tremote\tok\t%s notes' "$R0" "$P0" "$R1" "$P1")
t_ok "shard list on the head" "$LECTERN" shard list --index "$HEAD"
t_eq "... both remotes ok, with their notes" "$LIST_OK" "$T_OUT"

compare_queries "search head" "$SINGLE" "$HEAD" "${QUERIES[@]}"
for q in "${TOP_QUERIES[@]}"; do
	same_hits top "search head: the 10 best of '$q', in order, same scores" "$SINGLE" "$HEAD" "$q"
done
t_ok "status on the head" "$LECTERN" status --index "$HEAD" --json
t_eq "... counts every passage" "$("$LECTERN" status --index "$SINGLE" --json | jq -r .passages)" \
	"$(jq -r .passages <<<"$T_OUT")"

# ---- a mixed index: shard 0 local, shard 1 remote -------------------------------
MIXED=$TEST_TMP/mixed
mkdir -p "$MIXED" && cp -r "$SHARDED/xapian" "$MIXED/xapian"
t_ok "shard add a remote to a plain one-database index" "$LECTERN" shard add --index "$MIXED" "$R1"
t_eq "... the stub has the local shard, then the remote" "auto xapian
remote 127.0.0.1:$PORT1" "$(stub_entries "$MIXED")"
t_ok "shard list on the mixed index" "$LECTERN" shard list --index "$MIXED"
t_eq "... one local, one remote" \
	"$(printf 'xapian\tlocal\tok\t%s notes\n%s\tremote\tok\t%s notes' "$P0" "$R1" "$P1")" "$T_OUT"
compare_queries "mixed" "$SINGLE" "$MIXED" 'proxy' 'cattle, not pets' '"top-level await"' \
	'weakmap NEAR/5 symbol' 'decorat*' 'title:keynote' 'year:2019 realms' 'zzyzxqwv'
for q in proxy temporal 'bigint OR biginteger'; do
	same_hits top "mixed: the 10 best of '$q'" "$SINGLE" "$MIXED" "$q"
done

# ---- expected partial answers ---------------------------------------------------
# answered PREFIX: the lfind at PREFIX answered (exit 0 or 1); else its stderr
# shellcheck disable=SC2317 # called through t_true
answered() {
	[[ $(cat "$1.rc") -lt 2 ]] || { cat "$1.err"; return 1; }
}
# expect_shard0 QUERY: what the single index says, restricted to the notes of
# shard 0 (in $TEST_TMP/exp.vim and exp.json); EXP_RC the exit it implies.
expect_shard0() {
	lfind "$SINGLE" "$TEST_TMP/e" --all --format vimgrep -- "$1"
	t_true "the single index answers '$1'" answered "$TEST_TMP/e"
	only_shard "$TEST_TMP/map" 2 0 vimgrep <"$TEST_TMP/e.out" >"$TEST_TMP/exp.vim"
	lfind "$SINGLE" "$TEST_TMP/e" --all --json -- "$1"
	only_shard "$TEST_TMP/map" 2 0 json <"$TEST_TMP/e.out" >"$TEST_TMP/exp.json"
	EXP_RC=1
	[[ -s $TEST_TMP/exp.json ]] && EXP_RC=0
}
# A remote timeout no find waits out: where a server is gone (refused, or
# its connection reset) lectern must notice, not wait.
NEVER=3600000
# check_partial DESC PREFIX DOWN_URL: the vimgrep output at PREFIX is shard
# 0's part of the full answer, with the warning.
check_partial() {
	local desc=$1 pre=$2 down=$3
	t_eq "$desc: shard 0's results only" "$(cat "$TEST_TMP/exp.vim")" "$(cat "$pre.out")"
	t_eq "$desc: exit $EXP_RC" "$EXP_RC" "$(cat "$pre.rc")"
	t_contains "$desc: the warning names the shard" \
		"lectern: warning: shard $down unavailable: " "$(cat "$pre.err")"
	t_match "$desc: ... one line, saying why and where results come from" \
		"^lectern: warning: shard $down unavailable: [^
]+; results are from the other shards\$" "$(cat "$pre.err")"
}

# ---- shard add / remove ---------------------------------------------------------
cp "$HEAD/shards.stub" "$TEST_TMP/head.stub"
t_exit 2 "shard add of a duplicate exits 2" "$LECTERN" shard add --index "$HEAD" "$R0"
t_ok "... leaving the stub as it was" cmp "$HEAD/shards.stub" "$TEST_TMP/head.stub"
for bad in 'tcp://127.0.0.1' 'tcp://127.0.0.1:' 'tcp://127.0.0.1:0' 'tcp://127.0.0.1:99999' \
	'tcp://127.0.0.1:12ab' 'http://127.0.0.1:8080' 'tcp://:8080' 'tcp://127.0.0.1:80 x' ''; do
	t_exit 2 "shard add '$bad' (malformed) exits 2" "$LECTERN" shard add --index "$HEAD" "$bad"
done
t_ok "... none of them changed the stub" cmp "$HEAD/shards.stub" "$TEST_TMP/head.stub"
R2=tcp://127.0.0.1:$PORT2
t_ok "shard add of a server that is not running succeeds" "$LECTERN" shard add --index "$HEAD" "$R2"
t_contains "... with a warning" "warning" "$T_ERR"
t_contains "... naming it" "$R2" "$T_ERR"
t_eq "... and appends its line" "remote 127.0.0.1:$PORT2" "$(stub_entries "$HEAD" | tail -n 1)"
t_exit 1 "shard list with it: exit 1" "$LECTERN" shard list --index "$HEAD"
t_eq "... the others still ok" "$LIST_OK" "$(head -n 2 <<<"$T_OUT")"
t_match "... it unavailable, with why" "^$R2	remote	unavailable	.+$" "$(tail -n 1 <<<"$T_OUT")"
t_ok "shard remove it" "$LECTERN" shard remove --index "$HEAD" "$R2"
t_ok "... the stub is as before" cmp "$HEAD/shards.stub" "$TEST_TMP/head.stub"
t_exit 2 "shard remove of a shard that is not there exits 2" "$LECTERN" shard remove --index "$HEAD" "$R2"
t_ok "shard remove the second server" "$LECTERN" shard remove --index "$HEAD" "$R1"
t_eq "... leaves the first" "remote 127.0.0.1:$PORT0" "$(stub_entries "$HEAD")"
expect_shard0 proxy
lfind "$HEAD" "$TEST_TMP/g" --all --format vimgrep proxy
t_eq "... then find answers from shard 0 alone" "$(cat "$TEST_TMP/exp.vim")" "$(cat "$TEST_TMP/g.out")"
t_eq "... without a warning" "" "$(cat "$TEST_TMP/g.err")"
t_ok "shard add it back" "$LECTERN" shard add --index "$HEAD" "$R1"
t_ok "... the stub is as before" cmp "$HEAD/shards.stub" "$TEST_TMP/head.stub"
same_find "... and find answers as the single index again" "$SINGLE" "$HEAD" --all --format vimgrep proxy

# ---- one server down ------------------------------------------------------------
srv_kill tcpsrv1
t_eq "shard 1's server is down" "no" "$(listening "$PORT1" && echo yes || echo no)"
for q in proxy temporal 'decorat*' 'cattle, not pets'; do
	expect_shard0 "$q"
	LECTERN_REMOTE_TIMEOUT=$NEVER lfind "$HEAD" "$TEST_TMP/g" --all --format vimgrep -- "$q"
	check_partial "server down, '$q'" "$TEST_TMP/g" "$R1"
done
expect_shard0 proxy
lfind "$HEAD" "$TEST_TMP/g" --all --json proxy
# (hits are compared by note, as many per note: the place shown for a passage
# depends on the weights of the query's words, and so on the shards' statistics)
t_eq "server down, --all --json: as many hits in each of shard 0's notes" \
	"$(jq -r .path "$TEST_TMP/exp.json" | sort | uniq -c)" \
	"$(jq -r 'select(.path) | .path' "$TEST_TMP/g.out" | sort | uniq -c)"
json_warnings "$TEST_TMP/g.out" >"$TEST_TMP/w"
t_eq "... one entry in \"warnings\"" 1 "$(grep -c . "$TEST_TMP/w")"
t_contains "... naming the shard" "shard $R1 unavailable: " "$(cat "$TEST_TMP/w")"
t_contains "... as the stderr warning says" "results are from the other shards" "$(cat "$TEST_TMP/w")"
t_eq "... carried by every hit line" "$(grep -c . "$TEST_TMP/exp.json")" \
	"$(jq -c 'select(.path and (.warnings | length) == 1)' "$TEST_TMP/g.out" | grep -c .)"
lfind "$HEAD" "$TEST_TMP/g" --count proxy
t_eq "server down, --count: shard 0's passages" "$(grep -c . "$TEST_TMP/exp.json")" "$(cat "$TEST_TMP/g.out")"
t_exit 1 "shard list with a server down exits 1" "$LECTERN" shard list --index "$HEAD"
t_eq "... the live one ok" "$(head -n 1 <<<"$LIST_OK")" "$(head -n 1 <<<"$T_OUT")"
t_match "... the dead one unavailable, with why" "^$R1	remote	unavailable	.+$" "$(tail -n 1 <<<"$T_OUT")"
t_eq "... two lines" 2 "$(grep -c . <<<"$T_OUT")"
LECTERN_REMOTE_TIMEOUT=$NEVER lfind "$MIXED" "$TEST_TMP/g" --all --format vimgrep proxy
check_partial "mixed index, remote down" "$TEST_TMP/g" "$R1"

t_ok "restart shard 1's server on the same port" serve_shard 1
same_find "with it back, the head answers in full again" "$SINGLE" "$HEAD" --all --format vimgrep temporal

# ---- one server stopped: slow -----------------------------------------------------
srv_signal tcpsrv1 STOP
expect_shard0 proxy
LECTERN_REMOTE_TIMEOUT=1500 lfind "$HEAD" "$TEST_TMP/g" --all --format vimgrep proxy
check_partial "server stopped, LECTERN_REMOTE_TIMEOUT=1500" "$TEST_TMP/g" "$R1"
LECTERN_REMOTE_TIMEOUT=1500 t_exit 1 "shard list with a server stopped exits 1" "$LECTERN" shard list --index "$HEAD"
t_match "... shows it unavailable" "^$R1	remote	unavailable	.+$" "$(tail -n 1 <<<"$T_OUT")"
srv_kill tcpsrv1

# ---- one server killed while a query waits on it ------------------------------------
t_ok "restart shard 1's server" serve_shard 1
srv_signal tcpsrv1 STOP
expect_shard0 temporal
rm -f "$TEST_TMP/mq.rc"
LECTERN_REMOTE_TIMEOUT=$NEVER lfind "$HEAD" "$TEST_TMP/mq" --all --format vimgrep temporal &
QUERY_JOB=$!
# wait until the query has connected to the stopped server (no sleep guess)
connected=no
while kill -0 "$QUERY_JOB" 2>/dev/null; do
	if command -v ss >/dev/null; then
		[[ -n $(ss -Htn state established "( dport = :$PORT1 )" 2>/dev/null) ]] && connected=yes && break
	else
		sleep 1 && connected=unknown && break
	fi
	sleep 0.05
done
t_match "the query has connected to the stopped server" '^(yes|unknown)$' "$connected"
srv_kill tcpsrv1
# with a timeout of an hour, only noticing the reset connection ends it
wait "$QUERY_JOB"
check_partial "server killed mid-query (remote timeout an hour)" "$TEST_TMP/mq" "$R1"

# ---- a daemon on the head ----------------------------------------------------------
t_ok "restart shard 1's server" serve_shard 1
SERVE_SOCK=$TEST_TMP/head.sock
LECTERN_REMOTE_TIMEOUT=1500 start_serve "$TEST_TMP/serve.log" --index "$HEAD" --socket "$SERVE_SOCK" \
	--threads 3
t_eq "lectern serve starts on the head (LECTERN_REMOTE_TIMEOUT=1500, 3 search threads)" 0 $?
FULL=$("$LECTERN" find --index "$SINGLE" --no-daemon --count proxy)
dfind() { # dfind ARGS...: the daemon's find reply
	rpc "$SERVE_SOCK" "$(jq -cn --arg q "$1" '{id: 1, op: "find", query: $q, all: true}')" >"$TEST_TMP/r.json"
}
dfind proxy
t_eq "daemon: all of proxy's passages, no warnings" "$FULL []" \
	"$(jq -r '"\(.hits | length) \(.warnings | tojson)"' "$TEST_TMP/r.json")"
srv_kill tcpsrv1
expect_shard0 proxy
dfind proxy
t_eq "daemon, a remote dead: ok with shard 0's hits (as many per note)" \
	"true $(jq -r .path "$TEST_TMP/exp.json" | sort | uniq -c | tr -s '\n ' ' ')" \
	"$(jq -r .ok "$TEST_TMP/r.json") $(jq -r '.hits[].path' "$TEST_TMP/r.json" | sort | uniq -c | tr -s '\n ' ' ')"
t_contains "... a warning naming it" "shard $R1 unavailable: " "$(jq -r '.warnings[]' "$TEST_TMP/r.json")"
"$LECTERN" find --index "$HEAD" --socket "$SERVE_SOCK" --all --format vimgrep proxy >"$TEST_TMP/d.out" 2>"$TEST_TMP/d.err"
t_eq "lectern find through the daemon: shard 0's results" "$(cat "$TEST_TMP/exp.vim")" "$(cat "$TEST_TMP/d.out")"
t_contains "... and the warning on stderr" "lectern: warning: shard $R1 unavailable: " "$(cat "$TEST_TMP/d.err")"
out=$(rpc "$SERVE_SOCK" '{"id":7,"op":"ping"}')
t_eq "the daemon still answers a ping" True "$(jget "$out" 'j["ok"]')"
# concurrent finds: each search thread (its own searcher) learns it is gone
pids=()
for i in 1 2 3 4 5 6; do
	rpc "$SERVE_SOCK" '{"id":1,"op":"find","query":"proxy","all":true}' >/dev/null &
	pids+=($!)
done
wait "${pids[@]}"   # not the servers
t_ok "restart shard 1's server on the same port" serve_shard 1
# wait_full: poll the daemon until it answers proxy in full, without warning
# (it retries a missing shard after 5 s, then 10 s, ...; one that never
# recovers is the runner's timeout)
wait_full() {
	until dfind proxy && [[ $(jq -r '"\(.hits | length) \(.warnings | tojson)"' "$TEST_TMP/r.json") == "$FULL []" ]]; do
		sleep 0.2
	done
	echo yes
}
t_eq "the daemon recovers: every hit again, no warning" yes "$(wait_full)"
lfind "$SINGLE" "$TEST_TMP/e" --all --format vimgrep proxy
"$LECTERN" find --index "$HEAD" --socket "$SERVE_SOCK" --all --format vimgrep proxy >"$TEST_TMP/d.out" 2>"$TEST_TMP/d.err"
t_eq "... lectern find through it prints what the single index does" "$(cat "$TEST_TMP/e.out")" "$(cat "$TEST_TMP/d.out")"
t_eq "... with nothing on stderr" "" "$(cat "$TEST_TMP/d.err")"
# one thread found the shard back: the others try it at once, not at their
# own retry time, so the answers do not depend on which thread gives them
agree=0
for i in $(seq 9); do
	dfind proxy
	[[ $(jq -r '"\(.hits | length) \(.warnings | tojson)"' "$TEST_TMP/r.json") == "$FULL []" ]] &&
		agree=$((agree + 1))
done
t_eq "... and so do the next 9 finds, whichever thread answers" 9 "$agree"
# the server stops while the daemon holds a connection to it
srv_signal tcpsrv1 STOP
dfind proxy
t_eq "daemon, a connected remote stopped: ok with shard 0's hits (as many per note)" \
	"true $(jq -r .path "$TEST_TMP/exp.json" | sort | uniq -c | tr -s '\n ' ' ')" \
	"$(jq -r .ok "$TEST_TMP/r.json") $(jq -r '.hits[].path' "$TEST_TMP/r.json" | sort | uniq -c | tr -s '\n ' ' ')"
t_contains "... a warning naming it" "shard $R1 unavailable: " "$(jq -r '.warnings[]' "$TEST_TMP/r.json")"
srv_signal tcpsrv1 CONT
t_eq "the server continues: the daemon answers in full again" yes "$(wait_full)"
stop_serve
t_eq "the daemon stops cleanly" 0 $?

# ---- every server down ---------------------------------------------------------------
srv_kill tcpsrv0
srv_kill tcpsrv1
LECTERN_REMOTE_TIMEOUT=$NEVER t_fail "every shard down: find fails" \
	"$LECTERN" find --index "$HEAD" --no-daemon --all --format vimgrep proxy
t_eq "... with no results" "" "$T_OUT"
t_match "... and a message" "." "$T_ERR"
t_lacks "... not a crash" "Sanitizer" "$T_ERR"
t_lacks "... not an exception" "terminate called" "$T_ERR"
t_fail "every shard down: find --json fails too" "$LECTERN" find --index "$HEAD" --no-daemon --json proxy
t_exit 1 "every shard down: shard list exits 1" "$LECTERN" shard list --index "$HEAD"
t_match "... both unavailable" "^$R0	remote	unavailable	.+
$R1	remote	unavailable	.+$" "$T_OUT"
t_done
