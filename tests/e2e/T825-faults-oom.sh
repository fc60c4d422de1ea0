#!/usr/bin/env bash
# T825-faults-oom - allocations fail (SQLite's way of testing out-of-memory
# paths). tests/tools/failmalloc.c, preloaded, fails the Nth allocation of
# a run; for N over the allocations each run makes, these must each give
# the right answer (exit 0, the output of a run where nothing failed) or a
# clean error: a non-zero exit (no crash signal) whose message says out of
# memory, no sanitizer report (under build-san/ the shim sits in front of
# ASan's allocator, so a leak on an out-of-memory path is reported), and
# on stdout nothing but whole lines of the right answer:
#   - `lectern find --no-daemon`, three queries in three formats;
#   - a first `lectern index` of corpus/, and an update (a new note and a
#     changed one) of an index that holds the rest: after a failed run the
#     index still answers (the old notes are all there), and a next run
#     completes it to exactly what a clean run gives;
#   - a daemon (`lectern serve`) that starts, answers one find over its
#     socket and stops on SIGTERM: the answer is right, or an error saying
#     out of memory, or (no memory to make a reply) the connection closed
#     and the daemon's log saying out of memory; the daemon exits 0 or
#     cleanly.
# Each is first run counting its allocations (K). Normal mode tries the
# first 60 N of each find and 30 more spread over the rest, the first 40 of
# the daemon's and 20 more, the first 15 of each index run and 15 more
# (about half of each under ASan); a second pass over the finds fails every
# allocation from N on (15 N: the error path itself then runs short of
# memory). LECTERN_SLOW=1 tries every N of the daemon and find runs and
# 2000 spread over each index run (an index of corpus/ makes over 100000
# allocations).
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need python3

FM=$REPO/$BUILD/tests/failmalloc.so
t_true "the shim is built (make $BUILD/tests/failmalloc.so)" test -f "$FM" || t_done
# ASan wants to come first among the libraries; the shim must, to see the
# allocations before ASan does
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"
SLOW=${LECTERN_SLOW:-0}
# how many N each part tries (see above): an ASan build runs each some 3
# times slower, and tries half as many
if [[ $SLOW == 1 ]]; then
	FIND_FULL=0 FIND_SPREAD=0 PERSIST_N=0 SERVE_FULL=0 SERVE_SPREAD=0 FULL=150 SPREAD=2000
elif ldd "$LECTERN" | grep -q libasan; then
	FIND_FULL=30 FIND_SPREAD=15 PERSIST_N=10 SERVE_FULL=20 SERVE_SPREAD=10 FULL=8 SPREAD=8
else
	FIND_FULL=60 FIND_SPREAD=30 PERSIST_N=15 SERVE_FULL=40 SERVE_SPREAD=20 FULL=15 SPREAD=15
fi
NOTES=$TEST_TMP/notes
mkdir -p "$NOTES" && cp "$REPO"/corpus/* "$NOTES"/
OOM='out of memory|Cannot allocate memory'
# what no clean failure prints: a crash, an uncaught exception, a sanitizer
CRASH='Sanitizer|runtime error|terminate called|std::bad_alloc|Aborted|core dumped'

# counted CMD...: run CMD counting its allocations; the count in $K
counted() {
	rm -f "$TEST_TMP/count"
	LD_PRELOAD=$FM LECTERN_FAILMALLOC_COUNT=$TEST_TMP/count "$@" >/dev/null 2>&1 </dev/null
	K=$(cut -d' ' -f1 "$TEST_TMP/count" 2>/dev/null)
	K=${K:-0}
}

# failing N CMD...: run CMD with its Nth allocation failing (and every one
# after it when PERSIST=1); T_RC, T_OUT, T_ERR as t_run leaves them
failing() {
	local n=$1
	shift
	t_run env LD_PRELOAD="$FM" LECTERN_FAILMALLOC_N="$n" LECTERN_FAILMALLOC_PERSIST="${PERSIST:-0}" "$@"
}

# ns K FULL SPREAD: the N to try out of 1..K: every one up to FULL, then
# SPREAD more evenly spread over the rest
ns() {
	local k=$1 full=$2 spread=$3
	seq 1 $((full < k ? full : k))
	[[ $k -gt $full && $spread -gt 0 ]] || return 0
	awk -v k="$k" -v f="$full" -v s="$spread" \
		'BEGIN { for (i = 1; i <= s; i++) { n = f + int(i * (k - f) / s); if (n > p) print n; p = n } }'
}

# clean_error: the run of T_* failed cleanly, or says (on stdout) why not
clean_error() {
	if [[ $T_RC -ge 124 ]]; then
		echo "exit $T_RC (killed or crashed): ${T_ERR:0:300}"
	elif ! grep -Eq "$OOM" <<<"$T_ERR"; then
		echo "exit $T_RC without saying out of memory: ${T_ERR:0:300}"
	fi
	grep -Eq "$CRASH" <<<"$T_ERR" && echo "a crash or sanitizer report: ${T_ERR:0:600}"
	return 0
}

# judge REF: what is wrong with the run of T_* given REF (the expected
# stdout), one line; nothing if it is right or a clean error
judge() {
	local ref=$1
	if [[ $T_RC -eq 0 ]]; then
		[[ $T_OUT == "$ref" ]] || echo "exit 0 with another answer: ${T_OUT:0:300}"
		grep -Eq "$CRASH" <<<"$T_ERR" && echo "a sanitizer report: ${T_ERR:0:600}"
		return 0
	fi
	clean_error
	# what came out before the failure: whole lines of the answer
	[[ -z $T_OUT || $ref == "$T_OUT"$'\n'* ]] || echo "garbled output: ${T_OUT:0:300}"
}

# bad N WHY: note what went wrong at N (one line)
bad() {
	printf 'N=%s: %s\n' "$1" "$(tr '\n' ' ' <<<"$2")" >>"$TEST_TMP/bad"
}

# report DESC TRIED BAD_FILE: one check for a whole scenario
report() {
	local bad
	bad=$(sort -n "$3" | head -5)
	t_eq "$1 ($2 N tried, $(wc -l <"$3") bad)" "" "$bad"
}

# ---- find ----
export LECTERN_INDEX=$TEST_TMP/index
t_ok "the corpus is indexed" "$LECTERN" index -q "$NOTES" || t_done
FINDS=("cattle" "--json automation NOT vogels" "--all --format vimgrep keynote")
for args in "${FINDS[@]}"; do
	read -ra a <<<"$args"
	t_ok "find $args: a run where nothing fails" "$LECTERN" find --no-daemon "${a[@]}"
	ref=$T_OUT
	counted "$LECTERN" find --no-daemon "${a[@]}"
	t_true "find $args: allocations are counted ($K)" test "$K" -gt 50
	for persist in 0 1; do
		: >"$TEST_TMP/bad"
		if [[ $persist == 1 ]]; then
			list=$(ns "$K" 0 $((SLOW == 1 ? K : PERSIST_N)))
		elif [[ $SLOW == 1 ]]; then
			list=$(ns "$K" "$K" 0)
		else
			list=$(ns "$K" "$FIND_FULL" "$FIND_SPREAD")
		fi
		for n in $list; do
			PERSIST=$persist failing "$n" "$LECTERN" find --no-daemon "${a[@]}"
			why=$(judge "$ref")
			[[ -z $why ]] || bad "$n" "$why"
		done
		report "find $args, $([[ $persist == 1 ]] && echo "every allocation from N on" ||
			echo "the Nth allocation") fails: the answer or out of memory" \
			"$(wc -w <<<"$list")" "$TEST_TMP/bad"
	done
done

# ---- index ----
# answers: what a few finds give (the test of an index's contents)
answers() {
	local q
	for q in cattle automation 'keynote OR vogels' scale; do
		"$LECTERN" find --no-daemon --all --format vimgrep "$q" 2>&1
	done
}
clean_answers=$(answers)

# subset A B: every line of A is one of B's
subset() {
	[[ -z $(comm -23 <(sort -u <<<"$1") <(sort -u <<<"$2")) ]]
}

# after_failed_index OLD: the index still answers (as OLD, or with some of
# the notes of a finished run: a run commits in batches), and a next run
# completes it
after_failed_index() {
	local now
	t_run "$LECTERN" status
	[[ $T_RC -eq 0 || ($T_RC -eq 2 && $T_ERR == *"no index at"*) ]] ||
		echo "status fails after it: ${T_ERR:0:300}"
	# (a first index not finished says so, and answers from its notes)
	now=$(answers | grep -v 'first index of .* is not finished')
	[[ $now == "$1" ]] || subset "$now" "$clean_answers" ||
		echo "after it the index answers otherwise: ${now:0:300}"
	t_run "$LECTERN" index -q "$NOTES"
	[[ $T_RC -eq 0 ]] || echo "the next run fails: ${T_ERR:0:300}"
	[[ $(answers) == "$clean_answers" ]] || echo "the next run leaves another index"
}

# index_scenario NAME: the failing run is `lectern index $NOTES` over a
# copy of $TEST_TMP/base (none: a first run)
index_scenario() {
	local name=$1 old n why
	export LECTERN_INDEX=$TEST_TMP/oom-index
	rm -rf "$LECTERN_INDEX"
	[[ -d $TEST_TMP/base ]] && cp -a "$TEST_TMP/base" "$LECTERN_INDEX"
	old=$(answers) # before the run: what a failed one must leave, at least
	counted "$LECTERN" index -q "$NOTES"
	t_true "$name: allocations are counted ($K)" test "$K" -gt 1000
	: >"$TEST_TMP/bad"
	list=$(ns "$K" "$FULL" "$SPREAD")
	for n in $list; do
		rm -rf "$LECTERN_INDEX"
		[[ -d $TEST_TMP/base ]] && cp -a "$TEST_TMP/base" "$LECTERN_INDEX"
		failing "$n" "$LECTERN" index -q "$NOTES"
		if [[ $T_RC -eq 0 ]]; then
			[[ $(answers) == "$clean_answers" ]] || why="exit 0, and the index answers otherwise"
		else
			why=$(clean_error)
			[[ $T_RC -ge 124 ]] || why+=$(after_failed_index "$old")
		fi
		[[ -z $why ]] || bad "$n" "$why"
	done
	report "$name: every N gives the index or a clean out of memory, and then a next run completes it" \
		"$(wc -w <<<"$list")" "$TEST_TMP/bad"
}

index_scenario "a first index"

# an index of all notes but two, one of which changes before the update
rm "$NOTES/2019-reinvent-vogels-keynote.txt"
mv "$NOTES/2017-reinvent-conference-at-scale.txt" "$TEST_TMP/held"
export LECTERN_INDEX=$TEST_TMP/base
t_ok "an index of three notes" "$LECTERN" index -q "$NOTES"
cp "$REPO/corpus/2019-reinvent-vogels-keynote.txt" "$NOTES"/
mv "$TEST_TMP/held" "$NOTES/2017-reinvent-conference-at-scale.txt"
cp "$REPO/corpus/2015-reinvent-partner-keynote-cattle-not-pets.txt" "$TEST_TMP/held"
echo "a note about scale added later" >>"$NOTES/2015-reinvent-partner-keynote-cattle-not-pets.txt"
t_ok "the same notes with one more and one changed index cleanly" \
	env LECTERN_INDEX="$TEST_TMP/clean2" "$LECTERN" index -q "$NOTES"
clean_answers=$(LECTERN_INDEX=$TEST_TMP/clean2 answers)
index_scenario "an update"

# ---- serve ----
# one find over the socket, its one reply line (or "<closed>")
ASK='
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(sys.argv[1])
try:
    s.sendall(b"{\"id\":1,\"op\":\"find\",\"query\":\"cattle\"}\n")
    line = s.makefile("rb").readline()
except (BrokenPipeError, ConnectionResetError):
    line = b""
sys.stdout.write(line.decode() if line else "<closed>\n")
'
SOCK=$XDG_RUNTIME_DIR/lectern/lectern.sock
export LECTERN_INDEX=$TEST_TMP/index

# serve_once N: a daemon with its Nth allocation failing (0: none) answers
# one find and stops; its reply in $REPLY_LINE, what is wrong in $WHY
serve_once() {
	local n=$1 pid i rc
	REPLY_LINE='' WHY=''
	rm -f "$SOCK" "$TEST_TMP/count"
	env LD_PRELOAD="$FM" LECTERN_FAILMALLOC_N="$n" LECTERN_FAILMALLOC_COUNT="$TEST_TMP/count" \
		"$LECTERN" serve 2>"$TEST_TMP/serve.err" </dev/null &
	pid=$!
	# wait for the socket without asking the daemon anything (a ping
	# would allocate, a varying number of times)
	for i in $(seq 600); do
		[[ -S $SOCK ]] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if [[ -S $SOCK ]]; then
		REPLY_LINE=$(python3 -c "$ASK" "$SOCK" 2>&1)
		kill -TERM "$pid" 2>/dev/null
	fi
	wait "$pid"
	rc=$?
	T_RC=$rc T_ERR=$(cat "$TEST_TMP/serve.err")
	if [[ $rc -ne 0 ]]; then
		WHY=$(clean_error)
	else
		grep -Eq "$CRASH" <<<"$T_ERR" && WHY="a sanitizer report: ${T_ERR:0:600}"
	fi
	return 0
}

serve_once 0
t_eq "serve: a daemon where nothing fails answers and stops" "0" "$T_RC"
ref_reply=$REPLY_LINE
t_contains "... with the hit" '"ok":true' "$ref_reply"
K=$(cut -d' ' -f1 "$TEST_TMP/count" 2>/dev/null)
K=${K:-0}
t_true "serve: allocations are counted ($K)" test "$K" -gt 50
: >"$TEST_TMP/bad"
list=$(ns "$K" $((SLOW == 1 ? K : SERVE_FULL)) "$SERVE_SPREAD")
for n in $list; do
	serve_once "$n"
	why=$WHY
	# an error reply saying so, or (no memory for a reply) the
	# connection closed and the log saying so
	if [[ -n $REPLY_LINE && $REPLY_LINE != "$ref_reply" ]] &&
		! grep -Eq "\"ok\":false.*($OOM)" <<<"$REPLY_LINE" &&
		! [[ $REPLY_LINE == "<closed>" && $T_ERR =~ $OOM ]]; then
		why+=" the reply is neither the answer nor out of memory: ${REPLY_LINE:0:300}"
	fi
	[[ -z $why ]] || bad "$n" "$why"
done
report "serve: every N gives the answer or out of memory, and a clean stop" \
	"$(wc -w <<<"$list")" "$TEST_TMP/bad"
t_done
