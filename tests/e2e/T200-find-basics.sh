#!/usr/bin/env bash
# T200-find-basics - `lectern find` as a command: exit codes, --limit,
# --offset, --all, --count, --files, --explain, query syntax (strict and
# forgiving), "did you mean" and --fix, the relaxed fallback, and the field
# queries speaker:, year:, title:, path: on a slice of tc39-notes.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

TC39=$SHARED/corpora/tc39-notes
[[ -d $TC39 ]] || t_skip "no tc39-notes corpus in $TC39"
[[ -x $LECTERN ]] || t_skip "$LECTERN is not built"
t_need jq

cd "$TEST_TMP" || exit 1
mkdir -p notes/tc39
cp -r "$REPO/corpus" notes/corpus
for m in 2018-07 2019-06 2020-03 2021-04; do
	cp -r "$TC39/meetings/$m" notes/tc39/
done

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
t_ok "find --json instances" "$LECTERN" find --json instances
t_eq "the default limit is 10 passages" "10" "$(grep -c . <<<"$T_OUT")"
t_ok "find --json -n 5 instances" "$LECTERN" find --json -n 5 instances
FIVE=$(places "$T_OUT")
t_eq "-n 5 gives 5 passages" "5" "$(grep -c . <<<"$FIVE")"
t_ok "find --json --limit 3 --offset 2 instances" "$LECTERN" find --json --limit 3 --offset 2 instances
t_eq "--offset 2 --limit 3 gives ranks 3-5 of -n 5" "$(sed -n 3,5p <<<"$FIVE")" "$(places "$T_OUT")"
t_exit 1 "an --offset past the end finds nothing" "$LECTERN" find --json --offset 100000 instances

t_ok "find --all --json instances" "$LECTERN" find --all --json instances
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
t_exit 1 "--count of a phrase that occurs nowhere exits 1 (no relaxed count)" \
	"$LECTERN" find --count '"pets cattle"'
t_eq "and prints 0" "0" "$T_OUT"

# ---------------------------------------------------------------------------
# --explain, query syntax.
t_ok "--explain" "$LECTERN" find --explain -n 1 instances speaker:Harband
t_contains "--explain prints how the query was understood" \
	"query: AND(WORD(instances~instanc) FIELD(speaker: WORD(harband)))" "$T_OUT"
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
t_ok "curly quotes make a phrase" "$LECTERN" find --explain -n 1 "“cattle, not pets”" extra
t_contains "  (a PHRASE in the explanation)" 'PHRASE("cattle" "not" "pets")' "$T_OUT"

# ---------------------------------------------------------------------------
# "Did you mean", --fix and the relaxed fallback.
t_exit 1 "a misspelled word finds nothing" "$LECTERN" find instanses
t_contains "but suggests the right spelling" 'did you mean "instances"?' "$T_ERR"
t_exit 0 "--fix searches for the suggestion" "$LECTERN" find --fix instanses
t_contains "  and says so" 'showing results for "instances"' "$T_ERR"
t_match "  and finds instances" '[Ii]nstance' "$T_OUT"
t_run "$LECTERN" find '"cattle not petts"'
t_contains "a misspelled phrase gets a suggestion" 'did you mean' "$T_ERR"
t_lacks "  quoted once, not twice" '""' "$T_ERR"

t_exit 0 "a phrase that occurs nowhere falls back to some of its words" \
	"$LECTERN" find --color=never "pets cattle"
t_contains "  with a message on stdout" \
	"no passage matches the whole query; passages matching some of its words" "$T_OUT"
t_contains "  and the seed note among the results" "$SEED:10:135" "$T_OUT"
t_exit 0 "an AND that matches nowhere falls back too" "$LECTERN" find --color=never cattle zzyzxqwv
t_contains "  with the message" "no passage matches the whole query" "$T_OUT"
t_contains "  and the seed note" "$SEED:10:135" "$T_OUT"
t_ok "the relaxed fallback in JSON mode" "$LECTERN" find --json cattle zzyzxqwv
t_contains "  puts the message on stderr" "no passage matches the whole query" "$T_ERR"
t_eq "  and keeps stdout JSON" "" "$(jq -c . <<<"$T_OUT" >/dev/null 2>&1 || echo invalid)"

# ---------------------------------------------------------------------------
# Field queries.
t_ok "instances speaker:Harband" "$LECTERN" find --all --json instances speaker:Harband
t_match "  finds passages" '"path"' "$T_OUT"
t_eq "  every one has Jordan Harband among its speakers" "" \
	"$(jq -r 'select((.speakers | index("Jordan Harband")) == null) | .shown_path' <<<"$T_OUT")"
t_ok "speaker:harband (lower case, no other word)" "$LECTERN" find --all --json speaker:harband
NJHD=$(grep -c . <<<"$T_OUT")
t_eq "  every one has Jordan Harband among its speakers" "" \
	"$(jq -r 'select((.speakers | index("Jordan Harband")) == null) | .shown_path' <<<"$T_OUT")"
# A "JHD: ..." line in the slice must be among them.
JHD_LINE=$(grep -n '^JHD: ' notes/tc39/2021-04/apr-20.md | head -1 | cut -d: -f1)
t_contains "  and the passage of a 'JHD:' line is found" "notes/tc39/2021-04/apr-20.md" \
	"$(jq -r '.shown_path' <<<"$T_OUT")"
t_match "  (many of them)" '^[0-9]{2,}$' "$NJHD"
t_ok "speaker:JHD (initials)" "$LECTERN" find --count speaker:JHD
t_eq "  gives as many passages as speaker:harband" "$NJHD" "$T_OUT"
[[ -n $JHD_LINE ]] || t_eq "apr-20.md has a JHD: line" "a line" "none"

t_ok "year:2019..2021 instances" "$LECTERN" find --all --json 'year:2019..2021' instances
t_match "  finds passages" '"path"' "$T_OUT"
t_eq "  all dated 2019 to 2021" "" \
	"$(jq -r 'select(.date[0:4] < "2019" or .date[0:4] > "2021") | .shown_path' <<<"$T_OUT")"
t_ok "year:2018 instances" "$LECTERN" find --all --json year:2018 instances
t_eq "  all in 2018-07" "" "$(jq -r '.shown_path' <<<"$T_OUT" | grep -v '^notes/tc39/2018-07/')"
t_exit 1 "year:1999 cattle finds nothing" "$LECTERN" find year:1999 cattle

t_ok "title:\"March 31\"" "$LECTERN" find --all --json 'title:"March 31"'
t_eq "  only passages of the note with that title" "notes/tc39/2020-03/march-31.md" \
	"$(jq -r '.shown_path' <<<"$T_OUT" | sort -u)"
t_ok "path:vogels keynote" "$LECTERN" find --all --json path:vogels keynote
t_eq "  only files with vogels in the path" "" \
	"$(jq -r '.shown_path' <<<"$T_OUT" | grep -v vogels)"
t_match "  and both Vogels keynotes" '2012-reinvent-vogels.*2019-reinvent-vogels|2019-reinvent-vogels.*2012-reinvent-vogels' \
	"$(jq -r '.shown_path' <<<"$T_OUT" | sort -u | tr '\n' ' ')"
t_ok "pets -cattle" "$LECTERN" find --all --json -- pets -cattle
t_match "  finds pets" '"path"' "$T_OUT"
t_lacks "  but not the seed note, which has cattle" "cattle-not-pets" "$T_OUT"
t_done
