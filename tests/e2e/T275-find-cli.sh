#!/usr/bin/env bash
# T275-find-cli - find's command line as a shell gives it: a `-word` after
# the first query word (or after --) is query text, options after the words
# still work; -q/--quiet answers with the exit status alone; --sort rank or
# path; --help says how to search for a word starting with a dash. Over
# corpus/.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq

cd "$TEST_TMP" || exit 1
cp -r "$REPO/corpus" notes
t_ok "index the corpus" "$LECTERN" index --no-progress notes
SEED=notes/2015-reinvent-partner-keynote-cattle-not-pets.txt

# ---- -word is query text after the first word ------------------------------------
t_ok "find instances -cattle (as the shell gives it)" "$LECTERN" find --explain --color=never instances -cattle
t_contains "  -cattle is the query's NOT" 'query: AND(WORD(instances~instanc) NOT(WORD(cattle~cattl)))' "$T_OUT"
t_lacks "  the seed quote (it has cattle) is left out" "$SEED:10:" "$T_OUT"
t_exit 0 "find -- -cattle instances: after --, the first word too" \
	"$LECTERN" find --explain --color=never -- -cattle instances
t_contains "  the same query" 'query: AND(NOT(WORD(cattle~cattl)) WORD(instances~instanc))' "$T_OUT"
t_exit 2 "find -cattle instances: before any word, an unknown option" "$LECTERN" find -cattle instances
t_contains "  says so (-c and -a are options, -t is not)" "unknown option '-t'" "$T_ERR"
t_contains "  and how to search for it" "after the first query word or after '--'" "$T_ERR"
t_ok "a cluster of known letters after a word is a word (-al)" \
	"$LECTERN" find --explain --color=never cattle -al
t_contains "  NOT(al)" 'NOT(WORD(al~al))' "$T_OUT"
t_ok "a value glued to -n after a word is a word (-notes)" \
	"$LECTERN" find --explain --color=never cattle -notes
t_contains "  NOT(notes)" 'NOT(WORD(notes~note))' "$T_OUT"
t_ok "options after the words still work: cattle --json -n 1" "$LECTERN" find cattle --json -n 1
t_eq "  one hit, JSON" "1" "$(jq -r 'select(.type == "match") | .line' <<<"$T_OUT" | grep -c .)"
t_ok "a lone short option after a word is an option: cattle -c" "$LECTERN" find cattle -c
t_match "  a count" '^[1-9][0-9]*$' "$T_OUT"
t_exit 2 "an unknown long option after a word is still an error (a typo)" "$LECTERN" find cattle --jsno
t_contains "  with the suggestion" "did you mean '--json'?" "$T_ERR"
t_ok "find --help" "$LECTERN" find --help
t_contains "  says how to search for a word starting with a dash" \
	"A word starting with '-' (-word: passages without it) is query text after the" "$T_OUT"
t_contains "  and lists --quiet" "-q, --quiet" "$T_OUT"
t_contains "  and --sort" "--sort ORDER" "$T_OUT"

# ---- symbol-like words, as docs/query-language.md says -----------------------------
t_exit "0|1" "@@iterator" "$LECTERN" find --explain -- @@iterator
t_eq "  is the word iterator by stem, or unstemmed (the sigil dropped)" \
	'query: OR(WORD(iterator~iter) PHRASE("iterator"))' "$(head -n 1 <<<"$T_OUT")"
t_exit "0|1" "cattle, (sentence punctuation)" "$LECTERN" find --explain -- 'cattle,'
t_eq "  is a plain word" "query: WORD(cattle~cattl)" "$(head -n 1 <<<"$T_OUT")"
# a note that says "iterate" often, and one that names @@iterator once: the
# bare word ranks the first higher, the symbol the second (both are found)
mkdir -p sym
for _ in 1 2 3 4 5 6; do echo "We iterate and iterate, iterating again."; done >sym/loops.md
printf 'Call the @@iterator method of the object.\n' >sym/symbol.md
t_ok "index two notes about iteration" "$LECTERN" index --index sym-idx --no-progress sym
t_ok "find iterator" "$LECTERN" find --index sym-idx --files iterator
t_eq "  the note that iterates most comes first" "sym/loops.md" "$(head -n 1 <<<"$T_OUT")"
t_ok "find @@iterator" "$LECTERN" find --index sym-idx --files -- @@iterator
t_eq "  the note with the word itself comes first" "sym/symbol.md" "$(head -n 1 <<<"$T_OUT")"
t_eq "  and the other is still found" "sym/loops.md" "$(sed -n 2p <<<"$T_OUT")"
t_exit "0|1" "Array.prototype.flat" "$LECTERN" find --explain Array.prototype.flat
t_eq "  is a phrase of its parts" 'query: PHRASE("array" "prototype" "flat")' "$(head -n 1 <<<"$T_OUT")"
t_exit "0|1" "Array.prototype.flat*" "$LECTERN" find --explain 'Array.prototype.flat*'
t_eq "  the * inside a phrase is dropped" 'query: PHRASE("array" "prototype" "flat")' "$(head -n 1 <<<"$T_OUT")"

# ---- -q ----------------------------------------------------------------------
t_exit 0 "-q with a match exits 0" "$LECTERN" find -q cattle
t_eq "  prints nothing" "" "$T_OUT$T_ERR"
t_exit 1 "--quiet with nothing exits 1" "$LECTERN" find --quiet zzyzxqwv
t_eq "  prints nothing, not even the suggestion" "" "$T_OUT$T_ERR"
t_exit 0 "-q wins over --json --all" "$LECTERN" find -q --json --all cattle
t_eq "  nothing printed" "" "$T_OUT"
t_exit 2 "-q still reports an error" "$LECTERN" find -q --strict-query '(cattle'
t_contains "  on stderr" "lectern: " "$T_ERR"

# ---- --sort --------------------------------------------------------------------
t_ok "--sort rank is the default order" "$LECTERN" find --json -n 5 aws
RANK=$(jq -r 'select(.type == "match") | "\(.shown_path):\(.line)"' <<<"$T_OUT")
t_ok "the same with --sort rank" "$LECTERN" find --json -n 5 --sort rank aws
t_eq "  same hits, same order" "$RANK" "$(jq -r 'select(.type == "match") | "\(.shown_path):\(.line)"' <<<"$T_OUT")"
t_ok "--sort path -n 5" "$LECTERN" find --json -n 5 --sort path aws
BYPATH=$(jq -r 'select(.type == "match") | "\(.shown_path):\(.line)"' <<<"$T_OUT")
t_eq "  the same 5 passages (the best 5)" "$(LC_ALL=C sort <<<"$RANK")" "$(LC_ALL=C sort <<<"$BYPATH")"
t_eq "  by path, then line" "$(LC_ALL=C sort -t: -k1,1 -k2,2n <<<"$RANK")" "$BYPATH"
t_ok "--sort path --all" "$LECTERN" find --json --all --sort path aws
ALL=$(jq -r 'select(.type == "match") | "\(.shown_path):\(.line)"' <<<"$T_OUT")
t_eq "  every passage, by path, then line" "$(LC_ALL=C sort -t: -k1,1 -k2,2n <<<"$ALL")" "$ALL"
t_eq "  as many as --count" "$("$LECTERN" find --count aws)" "$(grep -c . <<<"$ALL")"
t_ok "--sort path in text" "$LECTERN" find -n 5 --sort path --color=never aws
t_eq "  the same places" "$BYPATH" "$(grep -E '^[^ ].*:[0-9]+:[0-9]+$' <<<"$T_OUT" | cut -d: -f1,2)"
# by date: every matching passage, the page taken once sorted
t_ok "--sort date --all" "$LECTERN" find --json --all --sort date aws
DATES=$(jq -r 'select(.type == "match") | "\(.date)\t\(.shown_path):\(.line)"' <<<"$T_OUT")
t_eq "  every passage" "$("$LECTERN" find --count aws)" "$(grep -c . <<<"$DATES")"
t_eq "  oldest note first (then by place)" "$(LC_ALL=C sort -t$'\t' -k1,1 -s <<<"$DATES" | cut -f1)" "$(cut -f1 <<<"$DATES")"
t_match "  (more than one date among them)" $'^[0-9]+\n[0-9]+' "$(cut -f1 <<<"$DATES" | sort -u)"
t_ok "--sort -date -n 3" "$LECTERN" find --json -n 3 --sort -date aws
t_eq "  the 3 newest" "$(LC_ALL=C sort -t$'\t' -k1,1r -s <<<"$DATES" | head -n 3 | cut -f1)" \
	"$(jq -r 'select(.type == "match") | .date' <<<"$T_OUT")"
t_ok "--sort date --offset 2 -n 3" "$LECTERN" find --json --offset 2 -n 3 --sort date aws
t_eq "  ranks 3-5 of the order by date" "$(sed -n 3,5p <<<"$DATES")" \
	"$(jq -r 'select(.type == "match") | "\(.date)\t\(.shown_path):\(.line)"' <<<"$T_OUT")"
t_eq "  the summary still counts every match" "$(grep -c . <<<"$DATES") 3" \
	"$(jq -r 'select(.type == "summary") | "\(.total) \(.shown)"' <<<"$T_OUT")"
t_exit 2 "--sort takes rank, date, -date or path" "$LECTERN" find --sort size aws
t_contains "  says which" "--sort takes rank, date, -date or path" "$T_ERR"
t_done
