#!/usr/bin/env bash
# T240-find-output - what `lectern find` prints: the text, vimgrep and JSON
# formats, highlight ranges, heading paths, --context, colour, and paths
# relative to the working directory. Over corpus/ and two months of the
# large corpus.
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
mkdir -p notes/tc39 elsewhere
cp -r "$REPO/corpus" notes/corpus
mapfile -t MONTHS < <(corpus_months "$T_CORPUS" 2)
t_eq "two months of the large corpus (${MONTHS[*]})" 2 "${#MONTHS[@]}"
for m in "${MONTHS[@]}"; do
	cp -r "$T_CORPUS/meetings/$m" notes/tc39/
done
# The word most often in their section headings ('## '): its hits are in
# sections of notes that have a title heading too.
SECTION_WORD=$(grep -h '^## ' notes/tc39/*/*.md | tr -c '[:alpha:]\n' ' ' | tr ' ' '\n' |
	grep -E '^[A-Za-z]{6,}$' | tr '[:upper:]' '[:lower:]' | sort | uniq -c | sort -k1,1nr -k2 |
	head -n 1 | awk '{print $2}')
t_ok "index the notes" "$LECTERN" index --no-progress notes
SEED=notes/corpus/2015-reinvent-partner-keynote-cattle-not-pets.txt
ESC=$'\033'

# ---------------------------------------------------------------------------
# Text.
t_ok "text output" "$LECTERN" find -n 1 --color=never "cattle, not pets"
t_eq "  the first line is path:line:col" "$SEED:10:135" "$(head -1 <<<"$T_OUT")"
t_match "  then the snippet, indented" $'\n    [^ ].*cattle, not pets' "$T_OUT"
t_lacks "  no escape codes with --color=never" "$ESC" "$T_OUT"
t_ok "text output, piped, default colour" "$LECTERN" find -n 3 instances
t_lacks "  no escape codes when stdout is not a terminal" "$ESC" "$T_OUT"
t_ok "text output with --color=always" "$LECTERN" find -n 3 --color=always instances
t_contains "  has escape codes" "${ESC}[" "$T_OUT"
t_ok "vimgrep with --color=always" "$LECTERN" find -n 3 --format vimgrep --color=always instances
t_contains "  has escape codes" "${ESC}[" "$T_OUT"
t_ok "vimgrep, piped, default colour" "$LECTERN" find -n 3 --format vimgrep instances
t_lacks "  has none" "$ESC" "$T_OUT"
t_ok "JSON, piped" find_hits -n 3 instances
t_lacks "  has none" "$ESC" "$T_OUT"

# ---------------------------------------------------------------------------
# Paths: relative to the working directory when under it, else absolute.
t_ok "from the notes directory" bash -c "cd notes && '$LECTERN' find -n 1 --color=never --format vimgrep 'cattle, not pets'"
t_match "  paths are relative to it" '^corpus/2015-reinvent-partner-keynote-cattle-not-pets\.txt:10:135:' "$T_OUT"
t_ok "from a directory beside the notes" bash -c "cd elsewhere && '$LECTERN' find -n 1 --color=never --format vimgrep 'cattle, not pets'"
t_match "  paths are absolute" "^$TEST_TMP/$SEED:10:135:" "$T_OUT"
t_ok "from a directory beside the notes, text" bash -c "cd elsewhere && '$LECTERN' find -n 1 --color=never 'cattle, not pets'"
t_match "  paths are absolute" "^$TEST_TMP/$SEED:10:135" "$T_OUT"

# ---------------------------------------------------------------------------
# vimgrep: path:line:col:text, text is that line of the file (its first 4096
# bytes: searcher/hit-file.c cuts longer lines), col is the word.
t_ok "vimgrep --all instances" "$LECTERN" find --all --format vimgrep --color=never instances
bad_text='' bad_col='' n=0
while IFS= read -r l; do
	IFS=: read -r path line col _ <<<"$l"
	text=${l#"$path:$line:$col:"}
	n=$((n + 1))
	[[ $text == "$(sed -n "${line}p" "$path" | head -c 4096)" ]] || bad_text+="$path:$line "
	word=$(printf '%s' "$text" | cut -b "$col-$((col + 7))" | tr '[:upper:]' '[:lower:]')
	[[ $word == instance ]] || bad_col+="$path:$line:$col($word) "
done <<<"$T_OUT"
t_match "  (many lines)" '^[0-9]{2,}$' "$n"
t_eq "  the text is the file's line" "" "$bad_text"
t_eq "  the column points at the word (instance, instances)" "" "$bad_col"

# ---------------------------------------------------------------------------
# JSON lines: valid, with the documented fields.
t_ok "JSON --all instances" find_hits --all instances
JSON=$T_OUT
t_eq "  every line is a JSON object with path/line/col/headings/snippet/highlights" "" \
	"$(jq -r 'select((.path | type) != "string" or (.path | startswith("/") | not)
		or (.line | type) != "number" or .line < 1 or (.col | type) != "number" or .col < 1
		or (.headings | type) != "array" or (.snippet | type) != "string"
		or (.highlights | type) != "array" or (.stale | type) != "boolean")
		| "bad: \(.)"' <<<"$JSON" 2>&1)"
t_eq "  and as many lines as --count" "$("$LECTERN" find --count instances)" "$(grep -c . <<<"$JSON")"

# Each highlight range, cut from the snippet by bytes, is a matched word.
check_highlights() { # QUERY WORD-REGEX
	local json obj snip off len bad='' n=0
	json=$(find_hits --all "$1")
	while IFS= read -r obj; do
		snip=$(jq -r .snippet <<<"$obj")
		while read -r off len; do
			n=$((n + 1))
			local cut
			cut=$(printf '%s' "$snip" | cut -b "$((off + 1))-$((off + len))")
			[[ $(tr '[:upper:]' '[:lower:]' <<<"$cut") =~ ^($2)$ ]] || bad+="[$cut] "
			((off + len <= $(printf '%s' "$snip" | wc -c))) || bad+="(past the end) "
		done < <(jq -r '.highlights[] | "\(.[0]) \(.[1])"' <<<"$obj")
	done <<<"$json"
	t_eq "highlights of $1 ($n ranges) are the matched words" "" "$bad"
	t_match "  (there are some)" '^[1-9]' "$n"
}
check_highlights instances 'instances?'
check_highlights 'cattle OR pets' 'cattle|pets?'
check_highlights '"cattle, not pets"' 'cattle, not pets'
check_highlights '"don'"'"'t name your instances"' "don’t name your instances"

# Heading paths: the last heading is a heading of the file above the hit
# (its text as shown: inline markup and link targets dropped).
t_ok "JSON for a word of the section headings ($SECTION_WORD)" find_hits -n 20 "$SECTION_WORD"
bad=''
while IFS=$'\t' read -r path line heading; do
	hl=$(grep -nE '^#+ ' "$path" | sed -E 's/\[([^]]*)\]\([^)]*\)/\1/g; s/[`*_]//g' |
		grep -F -- "$heading" | head -1 | cut -d: -f1)
	[[ -n $hl && $hl -le $line ]] || bad+="$path:$line ($heading) "
done < <(jq -r 'select(.headings | length > 0) | [.shown_path, .line, .headings[-1]] | @tsv' <<<"$T_OUT")
t_eq "  each hit's last heading is a heading line at or above it" "" "$bad"
t_match "  (hits in a section have two headings: the meeting and the topic)" '^[0-9]+$' \
	"$(jq -r 'select(.headings | length == 2) | .line' <<<"$T_OUT" | head -1)"

# The place of a hit: its phrase match if any, else the rarest matched word
# (search.c best_hit), so that `not cattle` shows the cattle.
t_ok "JSON for cattle \"not pets\"" find_hits -n 1 -- 'cattle "not pets"'
t_eq "  the hit's place is the phrase" "$SEED:10:143" \
	"$(jq -r '"\(.shown_path):\(.line):\(.col)"' <<<"$T_OUT")"
t_ok "JSON for not cattle" find_hits -n 1 -- not cattle
t_eq "  the hit's place is the rarer word, not the first 'not'" "$SEED:10:135" \
	"$(jq -r '"\(.shown_path):\(.line):\(.col)"' <<<"$T_OUT")"

# ---------------------------------------------------------------------------
# --context.
t_ok "text --context 1" "$LECTERN" find -n 1 -C 1 --color=never "cattle, not pets"
t_eq "  shows lines 9-11 numbered, the match line marked with ':'" \
	"$(printf '     9- %s\n    10: %s\n    11- %s' "$(sed -n 9p $SEED)" "$(sed -n 10p $SEED)" "$(sed -n 11p $SEED)")" \
	"$(grep -E '^ +[0-9]+[-:] ' <<<"$T_OUT")"
t_ok "JSON --context 2" find_hits -n 1 -C 2 "cattle, not pets"
t_eq "  context_first_line is line - 2" "8" "$(jq -r .context_first_line <<<"$T_OUT")"
t_eq "  context holds lines 8-12 of the file" "$(sed -n 8,12p $SEED)" "$(jq -r '.context[]' <<<"$T_OUT")"
t_ok "--context 3 at the top of a file" find_hits -n 1 -C 3 '"Conference @ Scale"'
t_eq "  starts at line 1" "1" "$(jq -r .context_first_line <<<"$T_OUT")"

t_done
