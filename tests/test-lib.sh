# test-lib.sh - sourced by every tests/e2e/T*.sh.
#
# Gives each script a private temp dir ($TEST_TMP) holding HOME, the XDG dirs
# and the index, removed on exit; and a few checks that count passes and
# failures. A script runs its checks and ends with t_done:
#
#   . "$(dirname "$0")/../test-lib.sh"
#   t_exit 2 "no arguments is a usage error" "$LECTERN"
#   t_contains "usage goes to stderr" "usage: lectern" "$T_ERR"
#   t_done
#
# The checks, each one "ok" or "not ok" line (with what was expected and seen
# on "#" lines), returning 0 or 1 so that `CHECK || t_done` ends a script
# whose later checks would be meaningless:
#
#   t_ok DESC CMD...             CMD exits 0
#   t_fail DESC CMD...           CMD exits non-zero, not by a signal
#   t_exit N DESC CMD...         CMD exits with N (or one of "0|1")
#   t_eq DESC EXPECTED ACTUAL    the strings are equal
#   t_match DESC REGEX TEXT      TEXT matches the extended regex
#   t_contains DESC NEEDLE TEXT  TEXT contains NEEDLE literally (t_lacks: not)
#   t_true DESC CMD...           CMD (test, cmp -s, a function) succeeds; what
#                                it printed is shown when it does not
#   t_same DESC FILE_A FILE_B    the files are byte for byte the same (a diff
#                                is shown when not)
#
# And the helpers: t_run CMD (run, keep its output: no check), t_bg CMD (in
# the background, stopped at exit), t_at_exit CODE (clean up at exit),
# t_need CMD / t_need_slow / t_skip REASON (skip the script), t_done (end).
#
# Checks that run a command (t_ok, t_fail, t_exit, t_run) leave its exit code
# in $T_RC and its output in $T_OUT and $T_ERR for the checks that follow;
# t_true and t_same leave them alone. Counts go to $LECTERN_TEST_COUNTS as
# "PASS p FAIL f" (tests/run sums them).
#
# t_large_corpus gives the suites that need many real-looking notes their
# directory: ../shared/corpora/tc39-notes, or one tests/tools/gen-corpus
# writes, so that no suite skips for want of it (see the function).
# Variables set here are used by the scripts that source this file.
# shellcheck disable=SC2034
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
LECTERN=$REPO/$BUILD/lectern
SHARED=$REPO/../shared
TEST_NAME=$(basename "$0" .sh)
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lectern-$TEST_NAME.XXXXXX") || exit 1

export HOME=$TEST_TMP/home
export XDG_DATA_HOME=$TEST_TMP/data XDG_CONFIG_HOME=$TEST_TMP/config
export XDG_CACHE_HOME=$TEST_TMP/cache XDG_RUNTIME_DIR=$TEST_TMP/run
export LECTERN_INDEX=$TEST_TMP/index
export LC_ALL=C.UTF-8 TZ=UTC
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
mkdir -m 700 "$XDG_RUNTIME_DIR"

T_RC=0 T_OUT='' T_ERR='' T_BG_PID=''
_T_PASS=0 _T_FAIL=0 _T_DONE=0 _T_AT_EXIT=()

# On any exit: run what t_at_exit gave (last first), stop background jobs,
# record counts if t_done never ran (a script that dies early counts one
# extra failure), remove the temp dir.
_t_cleanup() {
	local rc=$?
	local pids i
	for ((i = ${#_T_AT_EXIT[@]} - 1; i >= 0; i--)); do
		eval "${_T_AT_EXIT[i]}"
	done
	pids=$(jobs -p)
	# shellcheck disable=SC2086 # one pid per word
	[[ -n $pids ]] && kill $pids 2>/dev/null && wait 2>/dev/null
	if [[ $_T_DONE -eq 0 ]]; then
		echo "not ok - $TEST_NAME ended (exit $rc) before t_done"
		_t_record $_T_PASS $((_T_FAIL + 1))
	fi
	rm -rf "$TEST_TMP"
}
trap _t_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

_t_record() {
	[[ -n ${LECTERN_TEST_COUNTS:-} ]] && echo "PASS $1 FAIL $2" >>"$LECTERN_TEST_COUNTS"
	return 0
}

# _t_pass DESC / _t_bad DESC LINE...: the two ends of every check (private:
# scripts use the checks). Each returns what its check returns.
_t_pass() {
	_T_PASS=$((_T_PASS + 1))
	echo "ok - $1"
}

# _t_bad DESC LINE...: report a failed check with what was expected and seen.
_t_bad() {
	_T_FAIL=$((_T_FAIL + 1))
	echo "not ok - $1"
	shift
	local line
	for line in "$@"; do
		printf '#   %s\n' "$line"
	done
	return 1
}

# t_run CMD...: run CMD, keep its exit code and output; not a check.
t_run() {
	"$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err" </dev/null
	T_RC=$?
	T_OUT=$(cat "$TEST_TMP/.out")
	T_ERR=$(cat "$TEST_TMP/.err")
	return 0
}

_t_show_run() {
	local why=''
	[[ $T_RC -eq 124 ]] && why=' (timed out)'
	[[ $T_RC -gt 128 ]] && why=" (signal $((T_RC - 128)))"
	_t_bad "$1" "command: ${*:3}" "$2, got exit $T_RC$why" \
		"stdout: ${T_OUT:0:2000}" "stderr: ${T_ERR:0:2000}"
}

# t_ok DESC CMD...: CMD exits 0.
t_ok() {
	t_run "${@:2}"
	if [[ $T_RC -eq 0 ]]; then _t_pass "$1"; else _t_show_run "$1" "expected exit 0" "${@:2}"; fi
}

# t_fail DESC CMD...: CMD exits non-zero (but is not killed by a signal).
t_fail() {
	t_run "${@:2}"
	if [[ $T_RC -ne 0 && $T_RC -lt 128 ]]; then
		_t_pass "$1"
	else
		_t_show_run "$1" "expected a non-zero exit below 128" "${@:2}"
	fi
}

# t_exit N DESC CMD...: CMD exits with exactly N; N may list codes, "0|1"
# (a find that answers, whatever it finds).
t_exit() {
	t_run "${@:3}"
	if [[ $T_RC =~ ^($1)$ ]]; then _t_pass "$2"; else _t_show_run "$2" "expected exit $1" "${@:3}"; fi
}

# t_eq DESC EXPECTED ACTUAL
t_eq() {
	if [[ $2 == "$3" ]]; then _t_pass "$1"; else _t_bad "$1" "expected: $2" "got:      $3"; fi
}

# t_match DESC REGEX TEXT: TEXT matches the extended regex REGEX.
t_match() {
	if [[ $3 =~ $2 ]]; then _t_pass "$1"; else _t_bad "$1" "expected a match for: $2" "got: $3"; fi
}

# t_contains DESC NEEDLE HAYSTACK: HAYSTACK contains NEEDLE literally.
t_contains() {
	if [[ $3 == *"$2"* ]]; then _t_pass "$1"; else _t_bad "$1" "expected to contain: $2" "got: $3"; fi
}

# t_lacks DESC NEEDLE HAYSTACK: HAYSTACK does not contain NEEDLE.
t_lacks() {
	if [[ $3 != *"$2"* ]]; then _t_pass "$1"; else _t_bad "$1" "expected not to contain: $2" "got: $3"; fi
}

# t_true DESC CMD...: CMD succeeds. CMD runs in this shell (a function may
# set variables) with its output kept aside and shown, with the command and
# its exit code, only when it fails: a function checking something prints
# what differs and returns 1. $T_RC, $T_OUT and $T_ERR are left as they were.
t_true() {
	local rc out=$TEST_TMP/.true
	"${@:2}" >"$out" 2>&1 </dev/null
	rc=$?
	[[ $rc -eq 0 ]] && { _t_pass "$1"; return; }
	local said=()
	mapfile -t -n 40 said <"$out"
	_t_bad "$1" "command: ${*:2}" "exit $rc" "${said[@]}"
}

# t_same DESC FILE_A FILE_B: the two files hold the same bytes.
t_same() {
	if cmp -s "$2" "$3"; then
		_t_pass "$1"
	else
		local said=()
		mapfile -t -n 20 said < <(diff "$2" "$3" 2>&1)
		_t_bad "$1" "$2 and $3 differ:" "${said[@]}"
	fi
}

# t_at_exit CODE: run CODE (shell code, as eval runs it) when the script
# ends, however it ends, before its temp dir is removed (an unmount, servers
# in process groups of their own).
t_at_exit() {
	_T_AT_EXIT+=("$1")
}

# t_bg CMD...: start CMD in the background (killed on exit); pid in $T_BG_PID.
t_bg() {
	"$@" </dev/null &
	T_BG_PID=$!
}

# t_skip REASON: skip the rest of this script (checks so far still count).
t_skip() {
	echo "# SKIP $1"
	[[ -n ${LECTERN_TEST_COUNTS:-} ]] && echo "SKIP $1" >>"$LECTERN_TEST_COUNTS"
	t_done
}

# t_need_slow / t_need CMD: skip unless LECTERN_SLOW=1 / CMD is installed.
t_need_slow() {
	[[ ${LECTERN_SLOW:-0} == 1 ]] || t_skip "slow test (set LECTERN_SLOW=1)"
}
t_need() {
	command -v "$1" >/dev/null 2>&1 || t_skip "$1 is not installed"
}

# t_large_corpus: the large corpus, in $T_CORPUS (read-only: copy it before
# changing a file), named in $T_CORPUS_NAME: tc39-notes when
# $SHARED/corpora/tc39-notes is there, else "generated", the notes
# tests/tools/gen-corpus writes into $BUILD/test-corpus: once, reused by every
# suite (and every later run) until the generator or corpus/ changes.
# LECTERN_TEST_CORPUS=generated (or tc39-notes) says which. The choice goes
# to $LECTERN_TEST_COUNTS ("CORPUS name") for the last line of tests/run.
# Without a corpus the script fails, it does not skip.
t_large_corpus() {
	local want=${LECTERN_TEST_CORPUS:-}
	if [[ -z $want ]]; then
		want=generated
		[[ -d $SHARED/corpora/tc39-notes/meetings ]] && want=tc39-notes
	fi
	case $want in
	tc39-notes)
		T_CORPUS=$(cd "$SHARED/corpora/tc39-notes" 2>/dev/null && pwd -P) ||
			{ _t_bad "LECTERN_TEST_CORPUS=tc39-notes needs $SHARED/corpora/tc39-notes"; t_done; }
		;;
	generated)
		T_CORPUS=$REPO/$BUILD/test-corpus
		t_true "the generated corpus is ready" _t_corpus_generate "$T_CORPUS" || t_done
		;;
	*)
		_t_bad "LECTERN_TEST_CORPUS is tc39-notes or generated" "got: $want"
		t_done
		;;
	esac
	T_CORPUS_NAME=$want
	[[ -n ${LECTERN_TEST_COUNTS:-} ]] && echo "CORPUS $want" >>"$LECTERN_TEST_COUNTS"
	echo "# large corpus: $T_CORPUS_NAME, $T_CORPUS"
}

# _t_corpus_generate DIR: DIR holds gen-corpus's notes (default seed) for
# the present generator and corpus/, their hash in DIR.stamp. Written beside
# and renamed into place under a lock, so a run killed while writing leaves
# nothing half done, and two test runs sharing $BUILD write it once.
_t_corpus_generate() {
	local dir=$1 key
	key=$(cat "$REPO/tests/tools/gen-corpus" "$REPO"/corpus/* | sha256sum | cut -d' ' -f1) ||
		return 1
	mkdir -p "$(dirname "$dir")" || return 1
	(
		command -v flock >/dev/null && flock 9
		[[ -d $dir && $(cat "$dir.stamp" 2>/dev/null) == "$key" ]] && exit 0
		rm -rf "$dir" "$dir.tmp" "$dir.stamp" &&
			python3 "$REPO/tests/tools/gen-corpus" "$dir.tmp" &&
			mv "$dir.tmp" "$dir" && echo "$key" >"$dir.stamp"
	) 9>"$dir.lock"
}

# t_done: report and exit 0 iff every check passed.
t_done() {
	_T_DONE=1
	echo "# passed $_T_PASS failed $_T_FAIL"
	_t_record $_T_PASS $_T_FAIL
	exit $((_T_FAIL == 0 ? 0 : 1))
}
