#!/usr/bin/env bash
# T215-find-ranking-stable - results are stable and honest about the
# candidate set (docs/index-layout.md, "Searching"): for a few hundred
# queries made from the large corpus's headings, the first N of --limit 2N
# are the results of --limit N, and --offset N --limit N pages on through
# the same list. How often the top 10 differs from scoring every passage
# of every matching note (--rank-all) is measured and reported, not
# asserted: the tier rule trades that for speed, and the judged set in
# bench/judged says what it costs in quality.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq
t_large_corpus

"$LECTERN" index -q "$T_CORPUS" >/dev/null 2>&1 || { t_ok "index the corpus" false; t_done; }

# queries: 1 to 3 words of headings, in the order found; single words too
find "$T_CORPUS" -type f -name '*.md' | sort | head -n 400 |
	xargs grep -h '^##* ' 2>/dev/null | sed 's/^#* *//' | tr -c 'A-Za-z\n' ' ' |
	awk 'length($0) > 0 {
		n = split(tolower($0), w, / +/)
		q = ""; k = 0
		for (i = 1; i <= n && k < 1 + NR % 3; i++)
			if (length(w[i]) > 3) { q = q (k ? " " : "") w[i]; k++ }
		if (k && !seen[q]++) print q
	}' | head -n 200 >"$TEST_TMP/queries"
NQ=$(wc -l <"$TEST_TMP/queries")
t_match "at least 100 queries from the corpus" '^[0-9]+$' "$NQ"
[[ $NQ -ge 100 ]] || t_ok "... (got $NQ)" false

# places ARGS...: the hits' path:line, in order
places() { "$LECTERN" find --no-daemon --json "$@" 2>/dev/null | jq -r 'select(.path) | "\(.path):\(.line)"'; }

unstable=0 paged=0 differ=0 missing=0 shown=0
while read -r q; do
	# shellcheck disable=SC2086 # the words are separate arguments
	set -- $q
	places --limit 20 -- "$@" >"$TEST_TMP/p20"
	places --limit 10 -- "$@" >"$TEST_TMP/p10"
	places --offset 10 --limit 10 -- "$@" >"$TEST_TMP/o10"
	places --rank-all --limit 10 -- "$@" >"$TEST_TMP/all10"
	head -n 10 "$TEST_TMP/p20" | cmp -s - "$TEST_TMP/p10" || unstable=$((unstable + 1))
	tail -n +11 "$TEST_TMP/p20" | cmp -s - "$TEST_TMP/o10" || paged=$((paged + 1))
	if ! cmp -s "$TEST_TMP/p10" "$TEST_TMP/all10"; then
		differ=$((differ + 1))
		missing=$((missing + $(comm -13 <(sort "$TEST_TMP/p10") <(sort "$TEST_TMP/all10") | wc -l)))
	fi
	shown=$((shown + $(wc -l <"$TEST_TMP/all10")))
done <"$TEST_TMP/queries"

t_eq "--limit N is the first N of --limit 2N, for every query" 0 "$unstable"
t_eq "--offset 10 --limit 10 is the rest of --limit 20, for every query" 0 "$paged"
echo "# $T_CORPUS_NAME: the top 10 differs from scoring every passage of every matching note" \
	"(--rank-all) for $differ of $NQ queries; $missing of the $shown passages" \
	"--rank-all puts in the top 10 are not in it"
t_done
