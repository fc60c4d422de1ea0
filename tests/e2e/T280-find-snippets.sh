#!/usr/bin/env bash
# T280-find-snippets - snippets read as text: a markdown note's inline marks
# (emphasis, code spans, links) are left out as a reader sees them, the
# highlights still land on the matched words (text and JSON); a plain-text
# note is shown as written; -C N context lines highlight the match too, the
# same through the daemon.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq
t_need python3
# shellcheck source=tests/serve-lib.sh
. "$(dirname "$0")/../serve-lib.sh"

cd "$TEST_TMP" || exit 1
mkdir -p $NOTES
cat >"$NOTES/iter.md" <<'MD'
# Meeting

We discussed **Creating Iterables** and the [iterator protocol](https://tc39.es/ecma262/#sec-iteration) in `Array.prototype.flat` today.

A line with *single emphasis* and __strong words__ around snake_case_name and 2*3*4 math.

The ![diagram of the pipeline](img/pipe.png) shows a checkbox [x] kept.
MD
printf 'Plain **asterisks** and [a link](http://example.com) in a text note.\n' >"$NOTES/plain.txt"
t_ok "index the notes" "$LECTERN" index --no-progress "$NOTES"

ESC=$'\033'
# highlights as [word], other colours dropped
hl() { sed -E "s/${ESC}\[1;31m([^${ESC}]*)${ESC}\[0m/[\1]/g; s/${ESC}\[[0-9;]*m//g"; }
snippet_of() { # QUERY: the snippet line of the first hit, highlights as [word]
	"$LECTERN" find --no-daemon -n 1 --color=always -- "$1" | sed -n 2p | hl | sed 's/^    //'
}
t_eq "bold and a link read as text" \
	"We discussed Creating [Iterables] and the [iterator] protocol in Array.prototype.flat today." \
	"$(snippet_of iterables)"
t_eq "a code span without its backticks, the phrase highlighted" \
	"We discussed Creating Iterables and the iterator protocol in [Array.prototype.flat] today." \
	"$(snippet_of Array.prototype.flat)"
t_eq "emphasis marks go; snake_case and 2*3*4 stay" \
	"A line with single [emphasis] and strong words around snake_case_name and 2*3*4 math." \
	"$(snippet_of emphasis)"
t_eq "an image's alt text stays, its [x] checkbox too" \
	"The [diagram] of the pipeline shows a checkbox [x] kept." \
	"$(snippet_of diagram)"
t_eq "a plain-text note is shown as written" \
	"Plain **[asterisks]** and [a link](http://example.com) in a text note." "$(snippet_of asterisks)"

# JSON: the highlight ranges cut the matched words out of the snippet.
t_ok "JSON for strong words" "$LECTERN" find --no-daemon --json -n 1 '"strong words"'
t_eq "  the snippet has no marks" \
	"A line with single emphasis and strong words around snake_case_name and 2*3*4 math." \
	"$(jq -r 'select(.type == "match") | .snippet' <<<"$T_OUT")"
# (an ASCII snippet: its byte ranges are character ranges for jq)
t_eq "  the highlights cover 'strong words'" "strong words" \
	"$(jq -r 'select(.type == "match") | .snippet as $s | .highlights[] | $s[.[0]:.[0]+.[1]]' <<<"$T_OUT" | tr '\n' ' ' | sed 's/ $//')"

# -C N: the context lines are the file's, the match highlighted in them.
t_ok "-C 1 iterables" "$LECTERN" find --no-daemon -n 1 -C 1 --color=always iterables
CTX=$(hl <<<"$T_OUT")
t_contains "  the match line, as written, the words highlighted" \
	"     3: We discussed **Creating [Iterables]** and the [[iterator] protocol](https://tc39.es/ecma262/#sec-iteration) in" "$CTX"
t_contains "  the lines around it, unmarked" "     2- " "$CTX"
t_ok "-C 1 --json" "$LECTERN" find --no-daemon --json -n 1 -C 1 iterables
t_eq "  context_highlights: [line index, offset, length] of each word" "Iterables iterator" \
	"$(jq -r 'select(.type == "match") | .context as $c | .context_highlights[] | $c[.[0]][.[1]:.[1]+.[2]]' <<<"$T_OUT" | tr '\n' ' ' | sed 's/ $//')"
t_ok "--color=never -C 1 prints no escape codes" "$LECTERN" find --no-daemon -n 1 -C 1 --color=never iterables
t_lacks "  none" "$ESC" "$T_OUT"

# the same through the daemon
start_serve "$TEST_TMP/serve.log"
t_eq "serve starts" 0 $?
for args in "-C 1 --color=always iterables" "--json -C 2 emphasis" "--color=always diagram"; do
	read -r -a a <<<"$args"
	"$LECTERN" find "${a[@]}" >d.out 2>&1
	"$LECTERN" find --no-daemon "${a[@]}" >l.out 2>&1
	t_same "through the daemon, the same: $args" l.out d.out
done
stop_serve
t_done
