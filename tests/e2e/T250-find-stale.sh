#!/usr/bin/env bash
# T250-find-stale - `lectern find` after notes changed but were not indexed
# again: it reports the right new place, or marks the hit stale, or drops
# it; it never points at a wrong line.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

[[ -x $LECTERN ]] || t_skip "$LECTERN is not built"
t_need jq

cd "$TEST_TMP" || exit 1
mkdir notes
SEED=notes/2015-reinvent-partner-keynote-cattle-not-pets.txt
cp "$REPO/corpus/${SEED#notes/}" "$SEED"
cp "$REPO/corpus/2019-reinvent-vogels-keynote.txt" notes/

write_a() { # the markdown note, with $1 extra lines above the match and $2 before it on its line
	{
		printf '# Ops\n\nSome intro text.\n\n'
		for ((i = 0; i < $1; i++)); do printf 'Inserted line %d.\n\n' "$i"; done
		printf '## Pets\n\n%sThey are cattle, not pets, said someone.\n\n' "$2"
		printf 'Another paragraph about herding cattle.\n'
	}
}
write_a 0 '' >notes/a.md
t_ok "index the notes" "$LECTERN" index --no-progress notes

# check_places DESC QUERY WORD: every hit that is not stale points at WORD
# (case-insensitive) on its line; every vimgrep line does too.
check_places() {
	local desc=$1 query=$2 word=$3 bad='' path line col stale text
	t_run "$LECTERN" find --all --json -- "$query"
	[[ $T_RC -le 1 ]] || bad+="exit $T_RC: $T_ERR "
	while IFS=$'\t' read -r path line col stale; do
		[[ -n $path ]] || continue
		[[ $stale == true ]] && continue
		text=$(sed -n "${line}p" "$path" 2>/dev/null | cut -b "$col-" | tr '[:upper:]' '[:lower:]')
		[[ $text == "$word"* ]] || bad+="$path:$line:$col "
	done < <(jq -r '[.shown_path, .line, .col, .stale] | @tsv' <<<"$T_OUT")
	t_run "$LECTERN" find --all --format vimgrep --color=never -- "$query"
	[[ $T_RC -le 1 ]] || bad+="vimgrep exit $T_RC: $T_ERR "
	while IFS=: read -r path line col _; do
		[[ -n $path ]] || continue
		text=$(sed -n "${line}p" "$path" 2>/dev/null | cut -b "$col-" | tr '[:upper:]' '[:lower:]')
		[[ $text == "$word"* ]] || bad+="vimgrep $path:$line:$col "
	done <<<"$T_OUT"
	t_eq "$desc: no hit points at a wrong place" "" "$bad"
}

# jq filter for the place (and staleness) of a.md's phrase hit.
a_place() {
	"$LECTERN" find --json -- "$1" | jq -r 'select(.shown_path == "notes/a.md") | "\(.line):\(.col):\(.stale)"'
}

t_eq "fresh: the phrase is on line 7" "7:10:false" "$(a_place "cattle, not pets")"
check_places "fresh" "cattle, not pets" cattle

# Lines inserted above the match, no reindex.
write_a 3 '' >notes/a.md
t_match "3 paragraphs inserted above: the new line 13, or stale" '^(13:10:false|[0-9]+:[0-9]+:true)$' \
	"$(a_place "cattle, not pets")"
check_places "lines inserted above" "cattle, not pets" cattle
check_places "lines inserted above, a word query" "cattle" cattle

# Text inserted before the match on its line.
write_a 3 'Indeed, ' >notes/a.md
t_match "text inserted on the line: the new column 18, or stale" '^(13:18:false|[0-9]+:[0-9]+:true)$' \
	"$(a_place "cattle, not pets")"
check_places "text inserted on the line" "cattle, not pets" cattle

# A line inserted at the top of the plain-text seed note.
{
	echo "A new first line."
	cat "$REPO/corpus/${SEED#notes/}"
} >"$SEED"
t_ok "find the seed quote in the changed text note" "$LECTERN" find --json "cattle, not pets"
t_match "  the new line 11, or stale" '^(11:135:false|[0-9]+:[0-9]+:true)$' \
	"$(jq -r "select(.shown_path == \"$SEED\") | \"\\(.line):\\(.col):\\(.stale)\"" <<<"$T_OUT")"
check_places "a line added to the text note" "cattle, not pets" cattle

# The phrase removed from the note.
write_a 3 '' | sed 's/They are cattle, not pets/They are sheep, not goats/' >notes/a.md
t_match "the phrase is gone: no hit in a.md, or a stale one" '^(|[0-9]+:[0-9]+:true)$' \
	"$(a_place "cattle, not pets")"
check_places "the phrase removed" "cattle, not pets" cattle
check_places "the phrase removed, a word query" "pets" pet

# The file cut short, then removed.
head -c 20 "$SEED" >"$SEED.tmp" && mv "$SEED.tmp" "$SEED"
check_places "a note cut short" "cattle, not pets" cattle
check_places "a note cut short, a word query" "instances" instance
rm -f notes/a.md
check_places "a note removed" "cattle" cattle
t_run "$LECTERN" find --all --json cattle
t_eq "  the removed note is not shown as a fresh hit" "" \
	"$(jq -r 'select(.shown_path == "notes/a.md" and .stale == false) | .line' <<<"$T_OUT")"

# Index again: fresh places, nothing stale.
write_a 3 '' >notes/a.md
cp "$REPO/corpus/${SEED#notes/}" "$SEED"
t_ok "index again" "$LECTERN" index --no-progress notes
t_eq "after reindexing, the place is exact and fresh" "13:10:false" "$(a_place "cattle, not pets")"
check_places "after reindexing" "cattle, not pets" cattle

t_done
