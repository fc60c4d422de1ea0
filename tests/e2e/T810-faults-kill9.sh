#!/usr/bin/env bash
# T810-faults-kill9 - kill -9 the indexer at random moments while it indexes
# the large corpus (tc39-notes or the generated one). After each kill
# `lectern find` answers (exit 0 or 1, never an error) with hits that a clean
# index also has (old or new state), `status` works, and the next `lectern
# index` ends with exactly the results of a clean index: the same `--all
# --format vimgrep` lines for a fixed query set.
# Normal mode: a 3 MB part of the large corpus, 3 kills in fresh builds and 1
# in a run that updates every note. LECTERN_SLOW=1: all of it, 20 kills (in
# rounds of up to 4: a fresh build killed, then the runs that resume it
# killed too) and 2 in updates. The random moments come from $LECTERN_SEED
# (printed) if set.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq

t_large_corpus
TC=$TEST_TMP/large
SRC=$T_CORPUS
if [[ ${LECTERN_SLOW:-0} == 1 ]]; then
	BYTES=0 KILLS=20 PER_ROUND=4 UPDATE_KILLS=2
else
	BYTES=3000000 KILLS=3 PER_ROUND=1 UPDATE_KILLS=1
fi
SEED=${LECTERN_SEED:-$(($(date +%s) % 32768))}
RANDOM=$SEED
echo "# seed $SEED (LECTERN_SEED=$SEED reproduces the kill moments)"

# copy the notes of $SRC in path order until BYTES (0: all) are copied
(cd "$SRC" && find . -type f ! -path '*/.*' -printf '%s %P\n' | sort -k2) |
	while read -r size path; do
		mkdir -p "$TC/$(dirname "$path")"
		cp "$SRC/$path" "$TC/$path"
		total=$((${total:-0} + size))
		[[ $BYTES -gt 0 && $total -ge $BYTES ]] && break
	done
N=$(find "$TC" -type f | wc -l)
echo "# $N notes, $(du -sh "$TC" | cut -f1)"
CLEAN=$TEST_TMP/clean-index
QUERIES=(bikeshed temporal decorators '"polluted the namespace"' '"stage 3"'
	'async*' 'consensus NEAR/3 proposal' 'title:agenda' '-the iterator')
WORD_QUERIES=(bikeshed temporal decorators 'async*')
: >"$TEST_TMP/known.hits"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
alive() { kill -0 "$1" 2>/dev/null; }
# results [ARGS...]: every vimgrep line of every query, sorted per query (the
# order of equal scores follows document ids, which differ after a resume)
results() {
	local q qs=("${QUERIES[@]}")
	[[ ${WORDS_ONLY:-0} == 1 ]] && qs=("${WORD_QUERIES[@]}")
	for q in "${qs[@]}"; do
		echo "== $q"
		# stale hits (a note changed but not yet reindexed) are listed
		# nowhere by vimgrep; its note about them on stderr is not a hit
		"$LECTERN" find --no-daemon --all --format vimgrep "$@" "$q" 2>&1 |
			grep -Ev '^lectern: ([0-9]+ matching passages? left out: |warning: )' | sort
		echo "exit ${PIPESTATUS[0]}"
	done
}
# a hit list with the exit lines and headers dropped
hits_only() { grep -v -e '^== ' -e '^exit '; }
# build_clean: a clean index of $TC in $CLEAN and its results in $TEST_TMP/clean.res;
# sets T_CLEAN_MS
build_clean() {
	local start
	rm -rf "$CLEAN"
	start=$(now_ms)
	t_ok "a clean index builds" "$LECTERN" index -q --index "$CLEAN" "$TC" || t_done
	T_CLEAN_MS=$(($(now_ms) - start))
	results --index "$CLEAN" >"$TEST_TMP/clean.res"
	# the hits of the clean indexes so far: the old and the new state
	hits_only <"$TEST_TMP/clean.res" | sort -u - "$TEST_TMP/known.hits" >"$TEST_TMP/hits.new"
	mv "$TEST_TMP/hits.new" "$TEST_TMP/known.hits"
	echo "# clean index: ${T_CLEAN_MS} ms, $(hits_only <"$TEST_TMP/clean.res" | wc -l) hits for the query set"
}

KILLED=0 RUNS=0 FINISHED=0 COMPLETIONS=0
# a random place to stop a run, in files done: past the first 16 (the first
# commit) and 16 before the end (the indexer looks at the count every 16)
stop_place() { echo $((16 + (RANDOM * 32768 + RANDOM) % (N - 32))); }
declare -a MOMENTS=()
# the state letter of process $1 (R, S, T: stopped, Z: ended, not reaped)
proc_state() { awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null; }
# kill_run LABEL ARGS...: run `lectern index ARGS` and kill -9 it at a random
# moment within the clean build's time. Returns 0 if it was killed (then
# checks the readers), 1 if it finished first (then checks it succeeded).
# With STOP_AT=N the moment is no time but a place: the indexer stops itself
# once N files are done (LECTERN_TEST_STOP_AT_FILE), so that the kill lands
# mid-run on a machine of any speed or load; the timed kills may all come
# too late on a loaded machine, and also land inside a commit.
kill_run() {
	local label=$1 at when pid rc
	shift
	# uniform over the last 4/5 of a clean build's time: before the first
	# commit (about 1/5 in) a kill leaves only the old, empty state
	at=$((T_CLEAN_MS / 5 + (RANDOM * 32768 + RANDOM) % (T_CLEAN_MS * 4 / 5 + 1)))
	RUNS=$((RUNS + 1))
	if [[ -n ${STOP_AT:-} ]]; then
		when="file $STOP_AT of $N"
		LECTERN_TEST_STOP_AT_FILE=$STOP_AT \
			"$LECTERN" index -q "$@" >/dev/null 2>"$TEST_TMP/run.err" </dev/null &
		pid=$!
		# no clock: a run that neither stops nor ends is the runner's timeout
		while [[ $(proc_state "$pid") != [TZ] ]] && alive "$pid"; do sleep 0.05; done
	else
		"$LECTERN" index -q "$@" >/dev/null 2>"$TEST_TMP/run.err" </dev/null &
		pid=$!
		when="$at ms"
		sleep "$(awk -v ms="$at" 'BEGIN { printf "%.3f", ms / 1000 }')"
	fi
	if [[ $(proc_state "$pid") == T ]] || alive "$pid"; then
		kill -9 "$pid"
		wait "$pid" 2>/dev/null
		rc=$?
		if [[ $rc -ne 137 ]]; then   # it ended on its own just before the kill
			t_eq "$label: the run that ended before its kill at $when succeeded" 0 "$rc"
			FINISHED=$((FINISHED + 1))
			return 1
		fi
		KILLED=$((KILLED + 1))
		MOMENTS+=("$when")
		echo "# $label: killed at $when"
		check_readers "$label: after kill -9 at $when"
		return 0
	fi
	wait "$pid"
	rc=$?
	t_eq "$label: the run that ended before its kill at $when succeeded" 0 "$rc"
	FINISHED=$((FINISHED + 1))
	return 1
}
# check_readers LABEL: find and status work; every hit is a hit of the clean index
check_readers() {
	local extra
	t_exit '0|1' "$1: find answers" "$LECTERN" find --no-daemon --all --format vimgrep bikeshed
	t_exit '0|1' "$1: a phrase query answers" \
		"$LECTERN" find --no-daemon --all --format vimgrep '"stage 3"'
	t_ok "$1: status works" "$LECTERN" status --json
	# single words only: a query with no match in a partial index may be
	# relaxed to some of its words, and so find what a full index does not
	WORDS_ONLY=1 results | hits_only | sort -u >"$TEST_TMP/now.hits"
	extra=$(comm -23 "$TEST_TMP/now.hits" "$TEST_TMP/known.hits" | head -3)
	t_eq "$1: every hit is one of the clean index's (an old or new state)" "" "$extra"
}
# complete LABEL: the next bare `lectern index` ends with the clean results
complete() {
	local args=()
	COMPLETIONS=$((COMPLETIONS + 1))
	# bare if the root was committed; killed before any commit, the index
	# is empty (the old state) and the user runs the same command again
	"$LECTERN" status --json 2>/dev/null | jq -e --arg r "$TC" '.roots | index($r)' >/dev/null ||
		args=("$TC")
	t_ok "$1: the next 'lectern index ${args[*]}' succeeds" "$LECTERN" index --json "${args[@]}"
	t_eq "$1: ... and is not interrupted" false "$(jq -r .interrupted <<<"$T_OUT")"
	results >"$TEST_TMP/now.res"
	t_same "$1: ... the query set gives exactly the clean index's results" \
		"$TEST_TMP/clean.res" "$TEST_TMP/now.res"
	t_ok "$1: ... status of the index" "$LECTERN" status --json
	local now clean
	now=$(jq -c '{notes, passages, note_bytes, up_to_date}' <<<"$T_OUT")
	clean=$("$LECTERN" status --index "$CLEAN" --json | jq -c '{notes, passages, note_bytes, up_to_date}')
	t_eq "$1: ... counts the same notes and passages as the clean index" "$clean" "$now"
}

# ---- fresh builds killed at random moments ----
build_clean
round=0
while [[ $KILLED -lt $KILLS && $RUNS -lt $((KILLS * 4)) ]]; do
	round=$((round + 1))
	rm -rf "$LECTERN_INDEX"
	# half the runs at timed moments; if too few of those landed, places
	unset STOP_AT
	[[ $RUNS -ge $((KILLS * 2)) ]] && STOP_AT=$(stop_place)
	kill_run "round $round, fresh build" "$TC" || { complete "round $round"; continue; }
	k=1
	while [[ $k -lt $PER_ROUND && $KILLED -lt $KILLS ]]; do
		k=$((k + 1))
		kill_run "round $round, resumed run $k" "$TC" || break
	done
	complete "round $round"
done
t_eq "$KILLS kills landed while the indexer ran ($RUNS runs)" "$KILLS" "$KILLED"

# ---- a run that updates every note, killed ----
for u in $(seq "$UPDATE_KILLS"); do
	# every note changes; some go, some come
	while IFS= read -r f; do
		printf '\nUpdate %s: the zebu-%s marker.\n' "$u" "$u" >>"$f"
	done < <(find "$TC" -type f)
	find "$TC" -type f | sort | sed -n '2p;5p;9p' | xargs rm -f
	for i in 1 2 3; do
		printf '# Added %s\n\nA new bikeshed note %s in update %s.\n' "$i" "$i" "$u" >"$TC/added-$u-$i.md"
	done
	build_clean
	upd_killed=0
	for try in 1 2 3; do
		# two timed kills; if both came too late, a place
		unset STOP_AT
		[[ $try -eq 3 ]] && STOP_AT=$(stop_place)
		if kill_run "update $u" "$TC"; then
			upd_killed=1
			complete "update $u"
			break
		fi
		complete "update $u (finished before its kill)"
		# make it do the work again next try
		while IFS= read -r f; do printf 'retry %s\n' "$try" >>"$f"; done < <(find "$TC" -type f)
		build_clean
	done
	t_eq "update $u: a kill landed during the update" 1 "$upd_killed"
done

echo "# figures: $N notes; $KILLED kills ($KILLS in fresh or resumed builds, the rest in updates)," \
	"at $(IFS=,; echo "${MOMENTS[*]}"); $RUNS indexer runs, $FINISHED ended before their kill;" \
	"$COMPLETIONS completions compared with a clean index; ${#QUERIES[@]} queries"
t_done
