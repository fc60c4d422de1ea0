#!/usr/bin/env bash
# T520-shards-replica - a replica kept by xapian-replicate from a master
# index served by xapian-replicate-server: `lectern find --index REPLICA`
# answers as the master does, and a daemon on the replica sees each update
# (a new note, a deleted one) once `xapian-replicate -o` has run, without a
# restart. Three times: a master indexed with XAPIAN_MAX_CHANGESETS=10
# (updates travel as changesets), one without (every update is a full copy),
# and a master of 2 shards (each shard replicated, the stub file copied).
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
[[ -x $LECTERN ]] || t_skip "$LECTERN is not built"
t_need xapian-replicate
t_need xapian-replicate-server
t_need setsid
t_need jq
t_need python3
# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
# shellcheck source=tests/shard-lib.sh
. "$(dirname "$0")/../shard-lib.sh"

# dcount SOCK QUERY: the daemon's count of passages matching QUERY (0 for a
# fallback; "?" when it does not answer)
dcount() {
	local out
	out=$(rpc "$1" "$(jq -cn --arg q "$2" '{id: 1, op: "find", query: $q, count: true}')" 2>/dev/null)
	# a fallback's total counts the passages with some of the words: no match
	jq -r 'if .fallback then 0 else (.total // "?") end' <<<"$out" 2>/dev/null || echo '?'
}
# poll_count SOCK QUERY N: wait until the daemon's total for QUERY is N, and
# print it (no clock: a daemon that never sees the update is the runner's
# timeout)
poll_count() {
	local c
	until c=$(dcount "$1" "$2") && [[ $c == "$3" ]]; do sleep 0.1; done
	echo "$c"
}

# round MODE WORD: one master, one replica, one daemon. MODE changesets,
# full or sharded (2 shards, with changesets).
round() {
	local mode=$1 word=$2 notes=$TEST_TMP/notes-$1 master=$TEST_TMP/master-$1
	local replica=$TEST_TMP/replica-$1 sock=$TEST_TMP/replica-$1.sock port envv
	local dbs=(xapian) shards=()
	if [[ $mode == full ]]; then
		envv=(env -u XAPIAN_MAX_CHANGESETS)
	else
		envv=(env XAPIAN_MAX_CHANGESETS=10)
	fi
	[[ $mode == sharded ]] && dbs=(xapian xapian.1) shards=(--shards 2)
	cp -r "$REPO/corpus" "$notes"
	local cattle=$notes/2015-reinvent-partner-keynote-cattle-not-pets.txt

	t_ok "$mode: index the master" "${envv[@]}" "$LECTERN" index --index "$master" "${shards[@]}" \
		--no-progress "$notes"
	if [[ $mode == sharded ]]; then
		t_ok "$mode: the master has a stub file" test -f "$master/shards.stub"
		cp "$master/shards.stub" "$replica.stub"
	fi
	# (a first index is built beside the master's directory and swapped in
	# compacted, docs/index-layout.md: its changesets start with the first
	# update, checked below)
	if [[ $mode == full ]]; then
		t_eq "$mode: the master keeps no changesets" "" "$(find "$master/xapian" -name 'changes*')"
	fi
	t_true "$mode: a free port" free_port port || return
	srv_start "repl-$mode" "$port" xapian-replicate-server -p "$port" -I 127.0.0.1 "$master"
	t_eq "$mode: xapian-replicate-server listens" 0 $?
	mkdir -p "$replica"
	# replicate: one run of xapian-replicate per database, bounded in time
	# shellcheck disable=SC2317 # called through t_ok
	replicate() {
		local db
		for db in "${dbs[@]}"; do
			timeout -k 5 60 xapian-replicate -h 127.0.0.1 -p "$port" -m "$db" -o -v "$replica/$db" || return
		done
	}
	t_ok "$mode: the first xapian-replicate -o" replicate
	[[ $mode == sharded ]] && cp "$replica.stub" "$replica/shards.stub"
	t_contains "$mode: ... copies the whole database" "1 copies" "$T_OUT"
	compare_queries "$mode replica" "$master" "$replica" "${CORPUS_QUERIES[@]}"
	for q in cloud 'amazon OR aws'; do
		same_hits top "$mode replica: the 10 best of '$q'" "$master" "$replica" "$q"
	done
	t_ok "$mode: status on the replica" "$LECTERN" status --index "$replica" --json
	t_eq "$mode: ... 5 notes" 5 "$(jq -r .notes <<<"$T_OUT")"

	SERVE_SOCK=$sock
	start_serve "$TEST_TMP/serve-$mode.log" --index "$replica" --socket "$sock"
	t_eq "$mode: lectern serve starts on the replica" 0 $?
	t_eq "$mode: the daemon finds the seed phrase" 1 "$(dcount "$sock" '"cattle, not pets"')"
	t_eq "$mode: ... and not yet the new word" 0 "$(dcount "$sock" "$word")"

	# a new note on the master
	printf '# A %s sighting\n\nA %s was seen near the keynote stage.\n' "$word" "$word" >"$notes/new.md"
	t_ok "$mode: re-index the master with a new note" "${envv[@]}" "$LECTERN" index --index "$master" --no-progress
	if [[ $mode != full ]]; then
		t_match "$mode: the master keeps changesets" 'changes[0-9]' "$(find "$master"/xapian* -name 'changes*')"
	fi
	t_ok "$mode: xapian-replicate -o again" replicate
	if [[ $mode == changesets ]]; then
		t_match "$mode: ... sends changesets, not a copy" '0 copies, [1-9][0-9]* changesets' "$T_OUT"
	elif [[ $mode == sharded ]]; then
		t_match "$mode: ... sends changesets for the shard of the new note" '0 copies, [1-9][0-9]* changesets' "$T_OUT"
	else
		t_contains "$mode: ... sends a full copy" "1 copies, 0 changesets" "$T_OUT"
	fi
	t_eq "$mode: the daemon on the replica finds the new word" 1 "$(poll_count "$sock" "$word" 1)"
	same_find "$mode: find --index REPLICA finds it as the master does" "$master" "$replica" \
		--all --format vimgrep -- "$word"
	"$LECTERN" find --index "$replica" --socket "$sock" --all --format vimgrep -- "$word" >"$TEST_TMP/d.out" 2>&1
	lfind "$master" "$TEST_TMP/m" --all --format vimgrep -- "$word"
	t_eq "$mode: ... and so does find through the daemon" "$(cat "$TEST_TMP/m.out")" "$(cat "$TEST_TMP/d.out")"

	# a note deleted on the master
	rm "$cattle"
	t_ok "$mode: re-index the master without the seed note" "${envv[@]}" "$LECTERN" index --index "$master" --no-progress
	t_ok "$mode: xapian-replicate -o once more" replicate
	t_eq "$mode: the seed phrase vanishes from the daemon's answers" 0 "$(poll_count "$sock" '"cattle, not pets"' 0)"
	t_eq "$mode: ... the new word is still there" 1 "$(dcount "$sock" "$word")"
	compare_queries "$mode replica after the updates" "$master" "$replica" \
		'cattle, not pets' "$word" cloud keynote 'amazon OR aws' 'year:2017' 'insta*'
	t_ok "$mode: status on the replica" "$LECTERN" status --index "$replica" --json
	t_eq "$mode: ... 5 notes again" 5 "$(jq -r .notes <<<"$T_OUT")"
	local out
	out=$(rpc "$sock" '{"id":1,"op":"status"}')
	t_eq "$mode: the daemon's status counts 5 notes" 5 "$(jget "$out" 'j.get("notes")')"
	stop_serve
	t_eq "$mode: the daemon stops cleanly" 0 $?
	srv_kill "repl-$mode"
}

round changesets zebracorn
round full okapimoth
round sharded quokkafish
t_done
