#!/usr/bin/env bash
# T200-find-basics - `lectern find` as a command: exit codes, --limit,
# --offset, --all, --count, --files, --explain, query syntax (strict and
# forgiving), "did you mean" and --fix, the relaxed fallback, and the field
# queries speaker:, year:, title:, path: on four months of the large corpus.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
# shellcheck source=tests/corpus-lib.sh
. "$(dirname "$0")/../corpus-lib.sh"
# find's hit lines: the "match" lines of find --json ARGS... (its exit
# status kept), without the begin, end and summary lines around them
find_hits() {
	local rc
	"$LECTERN" find --json "$@" >"$TEST_TMP/.hits"
	rc=$?
	grep -v -E '^\{"type":"(begin|end|summary)"' "$TEST_TMP/.hits"
	return $rc
}

[[ -x $LECTERN ]] || t_skip "$LECTERN is not built"
t_need jq
t_large_corpus

cd "$TEST_TMP" || exit 1
mkdir -p notes/tc39
cp -r "$REPO/corpus" notes/corpus
# Four meeting months of four years spread over the corpus: MONTHS[0] is the
# only month of its year.
mapfile -t MONTHS < <(corpus_months "$T_CORPUS" 4)
t_eq "four months of four years (${MONTHS[*]})" 4 "$(printf '%s\n' "${MONTHS[@]}" | cut -c1-4 | sort -u | grep -c .)"
for m in "${MONTHS[@]}"; do
	cp -r "$T_CORPUS/meetings/$m" notes/tc39/
done
Y1=${MONTHS[0]%-*} Y2=${MONTHS[1]%-*} Y4=${MONTHS[3]%-*}
# the most frequent speaker whose initials and surname name one person
IFS=$'\t' read -r INI NAME SURNAME < <(corpus_speaker notes/tc39)
t_match "the months have a speaker known by initials and name ($INI, $NAME)" '^[A-Z]+$' "$INI"
SURNAME=${SURNAME,,}
# the first line of theirs and the note holding it
INI_NOTE=$(grep -rl "^$INI: " notes/tc39 | LC_ALL=C sort | head -n 1)
# a note's title words: the first two of its '# ' heading or title: key
title_of() {
	sed -n -e 's/^title: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' -e 's/^# //p' "$1" | head -n 1
}
TITLE_NOTE=$(find "notes/tc39/${MONTHS[1]}" -name '*.md' | LC_ALL=C sort | head -n 1)
TITLE=$(title_of "$TITLE_NOTE" | tr -c '[:alnum:]\n' ' ' | awk '{print $1, $2}')

# ---------------------------------------------------------------------------
# Before there is an index.
t_exit 2 "find without an index exits 2" "$LECTERN" find cattle
t_match "it says what is missing" "index" "$T_ERR"
t_exit 2 "find --index on a directory that is no index exits 2" \
	"$LECTERN" find --index "$TEST_TMP/notes" cattle

t_ok "index the notes" "$LECTERN" index --no-progress notes
SEED=notes/corpus/2015-reinvent-partner-keynote-cattle-not-pets.txt

# ---------------------------------------------------------------------------
# Exit codes.
t_exit 0 "a query with results exits 0" "$LECTERN" find cattle
t_contains "and prints the seed note" "$SEED:10:135" "$T_OUT"
t_exit 1 "a word in no note exits 1" "$LECTERN" find zzyzxqwv
t_eq "and prints nothing on stdout" "" "$T_OUT"
t_exit 2 "an unknown --format exits 2" "$LECTERN" find --format xml cattle
t_contains "the message names the format" "xml" "$T_ERR"
t_exit 2 "a bad --color exits 2" "$LECTERN" find --color sometimes cattle
t_exit 2 "no query exits 2" "$LECTERN" find
t_exit 2 "an unknown option exits 2" "$LECTERN" find --bogus cattle
t_exit 2 "a query of punctuation only exits 2" "$LECTERN" find -- '?!,'
t_exit 2 "--limit 0 is out of range" "$LECTERN" find --limit 0 cattle

# ---------------------------------------------------------------------------
# --limit, --offset, --all, --count, --files.
places() {
	jq -r '"\(.shown_path):\(.line):\(.col)"' <<<"$1"
}
t_ok "find --json instances" find_hits instances
t_eq "the default limit is 10 passages" "10" "$(grep -c . <<<"$T_OUT")"
t_ok "find --json -n 5 instances" find_hits -n 5 instances
FIVE=$(places "$T_OUT")
t_eq "-n 5 gives 5 passages" "5" "$(grep -c . <<<"$FIVE")"
t_ok "find --json --limit 3 --offset 2 instances" find_hits --limit 3 --offset 2 instances
t_eq "--offset 2 --limit 3 gives ranks 3-5 of -n 5" "$(sed -n 3,5p <<<"$FIVE")" "$(places "$T_OUT")"
t_exit 1 "an --offset past the end finds nothing" find_hits --offset 100000 instances

t_ok "find --all --json instances" find_hits --all instances
ALL=$(places "$T_OUT")
NALL=$(grep -c . <<<"$ALL")
t_match "--all gives more than the default 10" '^([1-9][0-9]|[0-9]{3,})$' "$NALL"
t_eq "--all lists each passage once" "$NALL" "$(sort -u <<<"$ALL" | grep -c .)"
t_ok "find --count instances" "$LECTERN" find --count instances
t_eq "--count is the number of passages --all lists" "$NALL" "$T_OUT"
t_ok "find --all --files instances" "$LECTERN" find --all --files --color=never instances
t_eq "--all --files lists each file with a matching passage once" \
	"$(cut -d: -f1 <<<"$ALL" | LC_ALL=C sort -u)" "$(LC_ALL=C sort <<<"$T_OUT")"
t_ok "find --files -n 2 instances" "$LECTERN" find --files -n 2 --color=never instances
t_eq "--files -n 2 gives 2 files" "2" "$(grep -c . <<<"$T_OUT")"
t_exit 1 "--count of a word in no note exits 1" "$LECTERN" find --count zzyzxqwv
t_eq "and prints 0" "0" "$T_OUT"
t_exit 1 "--count of a phrase that occurs nowhere exits 1" \
	"$LECTERN" find --count '"pets cattle"'
t_match "and counts the fallback (passages with some of its words)" '^[1-9][0-9]*$' "$T_OUT"
t_contains "  and says so on stderr" "the count is of passages matching some of its words" "$T_ERR"

# ---------------------------------------------------------------------------
# --explain, query syntax.
t_ok "--explain" "$LECTERN" find --explain -n 1 instances "speaker:$SURNAME"
t_contains "--explain prints how the query was understood" \
	"query: AND(WORD(instances~instanc) FIELD(speaker: WORD($SURNAME)))" "$T_OUT"
t_ok "one argument with several words is a phrase" "$LECTERN" find --explain -n 1 "cattle, not pets"
t_contains "  (explained as a PHRASE)" 'PHRASE("cattle" "not" "pets")' "$T_OUT"

t_exit 2 "--strict-query rejects 'a (b' with exit 2" "$LECTERN" find --strict-query 'a (b'
t_contains "and names the column of the parenthesis" "column 3" "$T_ERR"
t_exit 2 "--strict-query rejects an unbalanced quote" "$LECTERN" find --strict-query 'cattle "not pets'
t_contains "and names the column of the quote" "column 8" "$T_ERR"
t_ok "forgiving mode accepts 'cattle (pets'" "$LECTERN" find 'cattle (pets'
t_contains "  and finds the seed note" "$SEED:10:135" "$T_OUT"
t_ok "forgiving mode accepts an unbalanced quote" "$LECTERN" find --explain 'cattle "not pets'
t_contains "  and finds the seed note" "$SEED:10:" "$T_OUT"
# shellcheck disable=SC1111 # the curly quotes are the point
t_exit 1 "curly quotes make a phrase (extra is in no note: a fallback, exit 1)" "$LECTERN" find --explain -n 1 "“cattle, not pets”" extra
t_contains "  (a PHRASE in the explanation)" 'PHRASE("cattle" "not" "pets")' "$T_OUT"

# ---------------------------------------------------------------------------
# "Did you mean", --fix and the relaxed fallback.
t_exit 1 "a misspelled word finds nothing" "$LECTERN" find instanses
t_contains "but suggests the right spelling, in the output" 'did you mean "instances"?' "$T_OUT"
t_exit 0 "--fix searches for the suggestion" "$LECTERN" find --fix instanses
t_contains "  and says so" 'showing results for "instances"' "$T_ERR"
t_match "  and finds instances" '[Ii]nstance' "$T_OUT"
t_run "$LECTERN" find '"cattle not petts"'
t_contains "a misspelled phrase gets a suggestion" 'did you mean' "$T_OUT"
t_lacks "  quoted once, not twice" '""' "$T_OUT"

t_exit 1 "a phrase that occurs nowhere falls back to some of its words (exit 1)" \
	"$LECTERN" find --color=never "pets cattle"
t_contains "  with a message on stdout" \
	"no passage matches the whole query; passages matching some of its words" "$T_OUT"
t_contains "  and the seed note among the results" "$SEED:10:135" "$T_OUT"
t_exit 1 "an AND that matches nowhere falls back too" "$LECTERN" find --color=never cattle zzyzxqwv
t_contains "  with the message" "no passage matches the whole query" "$T_OUT"
t_contains "  and the seed note" "$SEED:10:135" "$T_OUT"
t_exit 1 "the relaxed fallback in JSON mode" "$LECTERN" find --json cattle zzyzxqwv
t_contains "  puts the message on stderr" "no passage matches the whole query" "$T_ERR"
t_eq "  and keeps stdout JSON" "" "$(jq -c . <<<"$T_OUT" >/dev/null 2>&1 || echo invalid)"

# ---------------------------------------------------------------------------
# Field queries.
t_ok "instances speaker:$SURNAME" find_hits --all instances "speaker:$SURNAME"
t_match "  finds passages" '"path"' "$T_OUT"
t_eq "  every one has $NAME among its speakers" "" \
	"$(jq -r --arg n "$NAME" 'select((.speakers | index($n)) == null) | .shown_path' <<<"$T_OUT")"
t_ok "speaker:$SURNAME (lower case, no other word)" find_hits --all "speaker:$SURNAME"
NSPEAKER=$(grep -c . <<<"$T_OUT")
t_eq "  every one has $NAME among its speakers" "" \
	"$(jq -r --arg n "$NAME" 'select((.speakers | index($n)) == null) | .shown_path' <<<"$T_OUT")"
# A "INI: ..." line in the slice must be among them.
t_contains "  and the passage of a '$INI:' line is found" "$INI_NOTE" \
	"$(jq -r '.shown_path' <<<"$T_OUT")"
t_match "  (many of them)" '^[0-9]{2,}$' "$NSPEAKER"
t_ok "speaker:$INI (initials)" "$LECTERN" find --count "speaker:$INI"
t_eq "  gives as many passages as speaker:$SURNAME" "$NSPEAKER" "$T_OUT"

t_ok "year:$Y2..$Y4 instances" find_hits --all "year:$Y2..$Y4" instances
t_match "  finds passages" '"path"' "$T_OUT"
t_eq "  all dated $Y2 to $Y4" "" \
	"$(jq -r --arg a "$Y2" --arg b "$Y4" 'select(.date[0:4] < $a or .date[0:4] > $b) | .shown_path' <<<"$T_OUT")"
t_ok "year:$Y1 instances" find_hits --all "year:$Y1" instances
t_eq "  all in ${MONTHS[0]} (or a seed note of $Y1)" "" \
	"$(jq -r '.shown_path' <<<"$T_OUT" | grep -v -e "^notes/tc39/${MONTHS[0]}/" -e "^notes/corpus/$Y1-")"
t_exit 1 "year:1999 cattle finds nothing" "$LECTERN" find year:1999 cattle

# the notes whose title has those two words, by grep
TITLE_NOTES=$(for f in $(find notes -type f | LC_ALL=C sort); do
	title_of "$f" | tr -c '[:alnum:]\n' ' ' | tr -s ' ' | grep -qiwF -- "$TITLE" && echo "$f"
done)
t_contains "the note's title is '$TITLE ...' ($TITLE_NOTE)" "$TITLE_NOTE" "$TITLE_NOTES"
t_ok "title:\"$TITLE\"" find_hits --all "title:\"$TITLE\""
t_eq "  only passages of the notes with that title" "$TITLE_NOTES" \
	"$(jq -r '.shown_path' <<<"$T_OUT" | LC_ALL=C sort -u)"
t_ok "path:vogels keynote" find_hits --all path:vogels keynote
t_eq "  only files with vogels in the path" "" \
	"$(jq -r '.shown_path' <<<"$T_OUT" | grep -v vogels)"
t_match "  and both Vogels keynotes" '2012-reinvent-vogels.*2019-reinvent-vogels|2019-reinvent-vogels.*2012-reinvent-vogels' \
	"$(jq -r '.shown_path' <<<"$T_OUT" | sort -u | tr '\n' ' ')"
t_ok "instances -cattle" "$LECTERN" find --all --format vimgrep -- instances -cattle
t_match "  finds instances" '[Ii]nstance' "$T_OUT"
t_lacks "  but not the seed quote, which has cattle" "$SEED:10:" "$T_OUT"
t_true "  fewer passages than instances alone" \
	test "$("$LECTERN" find --count -- instances -cattle)" -lt "$("$LECTERN" find --count instances)"
t_done
