#!/usr/bin/env bash
# T500-shards-local - `lectern index --shards N`: the stub file and the shard
# databases, each note in the shard its path hashes to (computed here), quest
# opening the stub, and a sharded index answering exactly as a single one: the
# fixed query set's --all vimgrep output byte for byte, every hit and score
# (BM25 statistics combined across shards), the ten best in order, --count;
# then after an edit, an addition and a deletion; status, shard list, a
# refused change of shard count, 4 shards of corpus/, and the daemon.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
[[ -x $LECTERN ]] || t_skip "$LECTERN is not built"
t_need jq
t_need python3
t_need quest
t_need xapian-check
t_need xapian-delve
t_need xapian-metadata
t_need cc
# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"
# shellcheck source=tests/shard-lib.sh
. "$(dirname "$0")/../shard-lib.sh"
# find's hit lines: the "match" lines of find --json ARGS... (its exit
# status kept), without the begin, end and summary lines around them
find_hits() {
	local rc
	"$LECTERN" find --json "$@" >"$TEST_TMP/.hits"
	rc=$?
	grep -v -E '^\{"type":"(begin|end|summary)"' "$TEST_TMP/.hits"
	return $rc
}

t_ok "the xxh3 helper builds (libxxhash)" xxh3_build
[[ $T_RC -eq 0 ]] || t_done

NOTES=$TEST_TMP/notes
SINGLE=$TEST_TMP/single
SHARDED=$TEST_TMP/sharded
shard_notes "$NOTES" || t_skip "cannot copy the notes"

# summary: "added updated removed unchanged" of the last --json index run
summary() {
	jq -r '"\(.added) \(.updated) \(.removed) \(.unchanged)"' <<<"$T_OUT"
}

# ---- index once as one database, once as 2 shards -----------------------------
t_ok "index the notes as a single database" "$LECTERN" index --index "$SINGLE" --json --no-progress "$NOTES"
SINGLE_SUMMARY=$(jq -r '"\(.files) \(.added) \(.passages)"' <<<"$T_OUT")
NFILES=$(jq -r .files <<<"$T_OUT")
t_ok "index the same notes with --shards 2" "$LECTERN" index --index "$SHARDED" --shards 2 --json --no-progress "$NOTES"
t_eq "... the same notes added and passages written" "$SINGLE_SUMMARY" \
	"$(jq -r '"\(.files) \(.added) \(.passages)"' <<<"$T_OUT")"
t_eq "the single index has no stub file" "no" "$([[ -e $SINGLE/shards.stub ]] && echo yes || echo no)"
t_ok "the 2-shard index has shards.stub" test -f "$SHARDED/shards.stub"
t_eq "... with an auto line per shard, shard 0 first" "auto xapian
auto xapian.1" "$(stub_entries "$SHARDED")"
t_ok "... shard 0 is a sound Xapian database" xapian-check "$SHARDED/xapian"
t_ok "... and so is shard 1" xapian-check "$SHARDED/xapian.1"
t_eq "... and no third one" "no" "$([[ -e $SHARDED/xapian.2 ]] && echo yes || echo no)"

# every note in the shard its path hashes to, and in no other
note_map "$SINGLE/xapian" >"$TEST_TMP/map"
t_eq "the single index records every note (f: keys)" "$NFILES" "$(wc -l <"$TEST_TMP/map")"
t_eq "... under the file ids its passages carry (F terms)" "$(cut -f1 "$TEST_TMP/map")" "$(file_ids "$SINGLE/xapian")"
t_eq "shard 0 holds exactly the notes whose path hash is even" \
	"$(shard_of_map "$TEST_TMP/map" 2 0)" "$(file_ids "$SHARDED/xapian")"
t_eq "shard 1 exactly those whose hash is odd" \
	"$(shard_of_map "$TEST_TMP/map" 2 1)" "$(file_ids "$SHARDED/xapian.1")"
P0=$(doc_count "$SHARDED/xapian")
P1=$(doc_count "$SHARDED/xapian.1")
PALL=$(doc_count "$SINGLE/xapian")
t_eq "the shards' notes add up to the single index's" "$PALL" "$((P0 + P1))"
t_match "... both shards have some" '^[1-9][0-9]* [1-9][0-9]*$' "$P0 $P1"

# quest (xapian-tools) opens the stub as one database, with BM25 combined
quest_top() {
	quest -s none -m "${3:-5}" -d "$1" "$2" 2>&1 | grep -E '^(Exactly|Approximately|[0-9]+: \[)' |
		sed -E 's/^[0-9]+: //'
}
t_ok "quest -d shards.stub opens the sharded index" quest -s none -m 1 -d "$SHARDED/shards.stub" proxy
t_contains "... and finds passages" "matches" "$T_OUT"
for w in proxy temporal cattle; do
	t_match "quest '$w' on the single database finds passages" '^Exactly [1-9]' "$(quest_top "$SINGLE/xapian" "$w")"
	t_eq "quest '$w': the same count and best weights through the stub as on the single database" \
		"$(quest_top "$SINGLE/xapian" "$w")" "$(quest_top "$SHARDED/shards.stub" "$w")"
done

# ---- the fixed query set ----------------------------------------------------
compare_queries "2 shards" "$SINGLE" "$SHARDED" "${QUERIES[@]}"
for q in "${TOP_QUERIES[@]}"; do
	same_hits top "2 shards: the 10 best of '$q', in order, same scores" "$SINGLE" "$SHARDED" "$q"
done

lfind "$SHARDED" "$TEST_TMP/j" --json proxy
t_eq "find --json on the sharded index: every hit line has an empty \"warnings\"" "10 10" \
	"$(jq -c 'select(.type == "match")' "$TEST_TMP/j.out" | grep -c .) $(jq -c 'select(.type == "match" and .warnings == [])' "$TEST_TMP/j.out" | grep -c .)"

# ---- incremental runs on the sharded index --------------------------------------
t_ok "a re-run with nothing changed" "$LECTERN" index --index "$SHARDED" --json --no-progress
t_eq "... changes nothing" "0 0 0 $NFILES" "$(summary)"
t_eq "... writes no passage" "0" "$(jq -r .passages <<<"$T_OUT")"

EDIT=$(find "$NOTES/large" -name '*.md' -path '*2019-*' | sort | head -n 1)
DEL=$(find "$NOTES/large" -name '*.md' -path '*2020-*' | sort | tail -n 1)
NEW=$NOTES/mine/new-note.md
t_ok "found a note to edit and one to delete" test -f "$EDIT" -a -f "$DEL"
DEL_Q="path:$(basename "$(dirname "$DEL")")/$(basename "$DEL")"
t_ok "before the changes, the note to delete is found by its path" \
	"$LECTERN" find --index "$SHARDED" --no-daemon --count "$DEL_Q"
printf '\n## Appended by T500\n\nThe wildebeest migration was discussed at length.\n' >>"$EDIT"
touch -d "@$(($(date +%s) + 10))" "$EDIT"
rm -f "$DEL"
mkdir -p "$NOTES/mine"
printf '# Okapi review\n\nOkapi sightings near the proxy enclosure, says the okapi team.\n' >"$NEW"
t_ok "re-index the single index after the changes" "$LECTERN" index --index "$SINGLE" --json --no-progress
t_eq "... 1 added, 1 updated, 1 removed" "1 1 1 $((NFILES - 2))" "$(summary)"
t_ok "re-index the sharded index after the same changes" "$LECTERN" index --index "$SHARDED" --json --no-progress
t_eq "... 1 added, 1 updated, 1 removed, the rest unchanged" "1 1 1 $((NFILES - 2))" "$(summary)"
t_eq "the stub is unchanged by a run without --shards" "auto xapian
auto xapian.1" "$(stub_entries "$SHARDED")"
note_map "$SINGLE/xapian" >"$TEST_TMP/map"
t_eq "after the changes, shard 0 holds exactly its notes" \
	"$(shard_of_map "$TEST_TMP/map" 2 0)" "$(file_ids "$SHARDED/xapian")"
t_eq "... and shard 1 its" "$(shard_of_map "$TEST_TMP/map" 2 1)" "$(file_ids "$SHARDED/xapian.1")"
t_eq "... and the notes still add up" "$(doc_count "$SINGLE/xapian")" \
	"$(($(doc_count "$SHARDED/xapian") + $(doc_count "$SHARDED/xapian.1")))"
t_ok "the edited note's new words are found in the sharded index" \
	"$LECTERN" find --index "$SHARDED" --no-daemon --all --files --color=never wildebeest
t_eq "... in that note" "$EDIT" "$(find_hits --index "$SHARDED" --no-daemon --all wildebeest | jq -r .path | sort -u)"
t_exit 1 "the deleted note is gone from the sharded index" \
	"$LECTERN" find --index "$SHARDED" --no-daemon --count "$DEL_Q"
compare_queries "2 shards after changes" "$SINGLE" "$SHARDED" \
	'wildebeest' 'okapi' 'okapi proxy' 'proxy' 'temporal' 'bigint OR biginteger' 'decorat*' \
	'year:2019 realms' 'date:2020-03.. shadowrealm' 'cattle, not pets'
for q in proxy okapi 'decorat*'; do
	same_hits top "after changes: the 10 best of '$q'" "$SINGLE" "$SHARDED" "$q"
done

# ---- status and shard list -------------------------------------------------
t_ok "status --json on the single index" "$LECTERN" status --index "$SINGLE" --json
S_ONE=$(jq -c '[.notes, .passages, .roots, .up_to_date]' <<<"$T_OUT")
t_ok "status --json on the sharded index" "$LECTERN" status --index "$SHARDED" --json
t_eq "... the same notes, passages, roots, freshness" "$S_ONE" "$(jq -c '[.notes, .passages, .roots, .up_to_date]' <<<"$T_OUT")"
t_eq "... notes counted once" "$((NFILES))" "$(jq -r .notes <<<"$T_OUT")"
t_ok "plain status on the sharded index" "$LECTERN" status --index "$SHARDED"
t_match "... shows the note count" "notes: +$NFILES " "$T_OUT"

P0=$(doc_count "$SHARDED/xapian")
P1=$(doc_count "$SHARDED/xapian.1")
t_ok "shard list on the sharded index" "$LECTERN" shard list --index "$SHARDED"
t_eq "... one line per local shard, ok, with its notes" \
	"$(printf 'xapian\tlocal\tok\t%s notes\nxapian.1\tlocal\tok\t%s notes' "$P0" "$P1")" "$T_OUT"
t_eq "the shards' notes add up to status' notes" "$(jq -r '.[0]' <<<"$S_ONE")" "$((P0 + P1))"
t_ok "shard list on the single index" "$LECTERN" shard list --index "$SINGLE"
t_eq "... its one database" "$(printf 'xapian\tlocal\tok\t%s notes' "$(doc_count "$SINGLE/xapian")")" "$T_OUT"

# ---- the shard count is fixed once chosen ------------------------------------
cp "$SHARDED/shards.stub" "$TEST_TMP/stub.before"
t_exit 2 "--shards 3 on the 2-shard index exits 2" "$LECTERN" index --index "$SHARDED" --shards 3 --no-progress
t_contains "... naming the current count" "2" "$T_ERR"
t_ok "... the stub is untouched" cmp "$TEST_TMP/stub.before" "$SHARDED/shards.stub"
t_eq "... no third shard appears" "no" "$([[ -e $SHARDED/xapian.2 ]] && echo yes || echo no)"
t_ok "--shards 2 on it again is fine" "$LECTERN" index --index "$SHARDED" --shards 2 --json --no-progress
t_eq "... and changes nothing" "0 0 0 $((NFILES))" "$(summary)"
t_exit 2 "--shards 2 on the single (1-shard) index exits 2" "$LECTERN" index --index "$SINGLE" --shards 2 --no-progress
t_contains "... naming its count" "1" "$T_ERR"
t_eq "... which stays unsharded" "no" "$([[ -e $SINGLE/shards.stub ]] && echo yes || echo no)"
t_exit 2 "--shards 0 exits 2" "$LECTERN" index --index "$TEST_TMP/zero" --shards 0 --no-progress "$NOTES/corpus"
t_exit 2 "--shards 65 exits 2" "$LECTERN" index --index "$TEST_TMP/many" --shards 65 --no-progress "$NOTES/corpus"
t_exit 2 "--shards x exits 2" "$LECTERN" index --index "$TEST_TMP/x" --shards x --no-progress "$NOTES/corpus"
t_eq "... creating no index" "none" "$(ls -d "$TEST_TMP"/zero/xapian* "$TEST_TMP"/many/xapian* "$TEST_TMP"/x/xapian* 2>/dev/null || echo none)"

# ---- 4 shards of corpus/ -----------------------------------------------------
SMALL=$TEST_TMP/small
cp -r "$REPO/corpus" "$SMALL"
t_ok "index corpus/ as one database" "$LECTERN" index --index "$TEST_TMP/small1" --no-progress "$SMALL"
t_ok "index corpus/ with --shards 4" "$LECTERN" index --index "$TEST_TMP/small4" --shards 4 --no-progress "$SMALL"
t_eq "... four auto lines" "auto xapian
auto xapian.1
auto xapian.2
auto xapian.3" "$(stub_entries "$TEST_TMP/small4")"
note_map "$TEST_TMP/small1/xapian" >"$TEST_TMP/map4"
expect_list='' sum=0
for i in 0 1 2 3; do
	d=$TEST_TMP/small4/xapian$([[ $i -gt 0 ]] && echo ".$i")
	n=$(basename "$d")
	if [[ -d $d ]]; then
		t_eq "4 shards: $n holds exactly its notes" "$(shard_of_map "$TEST_TMP/map4" 4 "$i")" "$(file_ids "$d")"
		c=$(doc_count "$d")
	else
		t_eq "4 shards: $n is missing only when it has no notes" "" "$(shard_of_map "$TEST_TMP/map4" 4 "$i")"
		c=0
	fi
	sum=$((sum + c))
	expect_list+=$(printf '%s\tlocal\tok\t%s notes\n' "$n" "$c")$'\n'
done
t_eq "4 shards: the notes add up" "$(doc_count "$TEST_TMP/small1/xapian")" "$sum"
t_ok "4 shards: shard list" "$LECTERN" shard list --index "$TEST_TMP/small4"
t_eq "... four ok lines with their notes" "${expect_list%$'\n'}" "$T_OUT"
compare_queries "4 shards" "$TEST_TMP/small1" "$TEST_TMP/small4" "${CORPUS_QUERIES[@]}"
for q in cloud keynote 'amazon OR aws' 'insta*'; do
	same_hits top "4 shards: the 10 best of '$q'" "$TEST_TMP/small1" "$TEST_TMP/small4" "$q"
done
t_ok "--shards 1 on a new index" "$LECTERN" index --index "$TEST_TMP/small-one" --shards 1 --no-progress "$SMALL"
t_eq "... is the plain layout: xapian/ and no stub" "yes no" \
	"$([[ -d $TEST_TMP/small-one/xapian ]] && echo yes || echo no) $([[ -e $TEST_TMP/small-one/shards.stub ]] && echo yes || echo no)"

# ---- the daemon on the sharded index ---------------------------------------------
SERVE_SOCK=$TEST_TMP/sharded.sock
start_serve "$TEST_TMP/serve.log" --index "$SHARDED" --socket "$SERVE_SOCK"
t_eq "lectern serve starts on the sharded index" 0 $?
finds() { jget "$(rpc "$SERVE_SOCK" '{"id":1,"op":"status"}')" 'j["daemon"]["ops"].get("find", 0)'; }
before=$(finds)
n=0
for args in "--all --format vimgrep|proxy" "--json|temporal" "--json -n 5 --offset 3|decorat*" \
	"--count|bigint OR biginteger" "--files --color=never|year:2019 realms" "--color=never|okapi" \
	"--all --format vimgrep|cattle, not pets" "--json|zzyzxqwv"; do
	IFS=' ' read -r -a opts <<<"${args%%|*}"
	q=${args#*|}
	"$LECTERN" find --index "$SHARDED" --socket "$SERVE_SOCK" "${opts[@]}" -- "$q" >"$TEST_TMP/d.out" 2>"$TEST_TMP/d.err"
	echo $? >"$TEST_TMP/d.rc"
	lfind "$SHARDED" "$TEST_TMP/l" "${opts[@]}" -- "$q"
	n=$((n + 1))
	t_true "daemon on the sharded index: find ${opts[*]} '$q' as without it ($(wc -l <"$TEST_TMP/l.out") lines)" \
		same_outputs "$TEST_TMP/d" "$TEST_TMP/l" "${opts[@]}" -- "$q"
done
t_eq "... each of those finds went through the daemon" "$((before + n))" "$(finds)"
rpc "$SERVE_SOCK" '{"id":1,"op":"find","query":"proxy","limit":3}' >"$TEST_TMP/r.json"
t_eq "daemon find reply: ok, 3 hits" "True 3" "$(jget "$(cat "$TEST_TMP/r.json")" 'j["ok"], len(j["hits"])' | tr -d '(),')"
t_eq "... and an empty warnings array" "[]" "$(jq -c .warnings "$TEST_TMP/r.json")"
rpc "$SERVE_SOCK" '{"id":1,"op":"status"}' >"$TEST_TMP/r.json"
t_eq "daemon status: the note count" "$NFILES" "$(jq -r .notes "$TEST_TMP/r.json")"
stop_serve
t_eq "the daemon stops cleanly" 0 $?
t_done
