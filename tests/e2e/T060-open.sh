#!/usr/bin/env bash
# T060-open - `lectern open RESULT`: the editor ($VISUAL, else $EDITOR)
# runs at the place find printed, given as that editor takes it (+LINE;
# vim's cursor(), emacs's +LINE:COL, nano's +LINE,COL in characters, VS
# Code's --goto). The editors here are one fake that writes down its argv.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

[[ -x $LECTERN ]] || t_skip "$LECTERN is not built"
cd "$TEST_TMP" || exit 1
cp -r "$REPO/corpus" notes
SEED=notes/2015-reinvent-partner-keynote-cattle-not-pets.txt
t_ok "lectern --help lists open" "$LECTERN" --help
t_match "with its summary" "open +open \\\$VISUAL or \\\$EDITOR" "$T_OUT"
t_ok "open --help" "$LECTERN" open --help
t_contains "shows its usage" "usage: lectern open [options] RESULT" "$T_OUT"
t_ok "index the notes" "$LECTERN" index --no-progress notes

# The fake editor, under the names of real ones: its name and arguments,
# one a line, into $TEST_TMP/argv; its exit status from $FAKE_EXIT.
mkdir bin
cat >bin/fake-editor <<'FAKE'
#!/bin/sh
{ basename "$0"; for a in "$@"; do printf '%s\n' "$a"; done; } >"$TEST_TMP/argv"
exit "${FAKE_EXIT:-0}"
FAKE
chmod +x bin/fake-editor
for name in vi vim nvim emacs emacsclient nano code; do
	ln -s fake-editor "bin/$name"
done
export TEST_TMP
unset VISUAL
argv() {
	cat "$TEST_TMP/argv" 2>/dev/null
	rm -f "$TEST_TMP/argv"
}

t_ok "find --format vimgrep" "$LECTERN" find --format vimgrep "cattle, not pets"
FIRST=$(head -1 <<<"$T_OUT")
t_eq "its first line is the seed note's place" "$SEED:10:135:" "${FIRST:0:${#SEED}+8}"
t_ok "open the vimgrep line with EDITOR=vi" env EDITOR="$TEST_TMP/bin/vi" "$LECTERN" open "$FIRST"
t_eq "vi gets +LINE and the path" $'vi\n+10\n'"$SEED" "$(argv)"
t_ok "vim" env EDITOR="$TEST_TMP/bin/vim" "$LECTERN" open "$SEED:10:135"
t_eq "vim gets the column too" $'vim\n+call cursor(10, 135)\n'"$SEED" "$(argv)"
t_ok "nvim, with its own arguments" env EDITOR="$TEST_TMP/bin/nvim -u NONE" "$LECTERN" open "$SEED:10:135"
t_eq "nvim gets them, then the place" $'nvim\n-u\nNONE\n+call cursor(10, 135)\n'"$SEED" "$(argv)"

# emacs and nano count the column in characters: line 10 of the seed has
# curly quotes and dashes (3 bytes each) before column 135.
chars=$(sed -n 10p "$SEED" | head -c 134 | wc -m)
t_ok "emacs" env EDITOR="$TEST_TMP/bin/emacs" "$LECTERN" open "$SEED:10:135"
t_eq "emacs gets +LINE:COL, COL in characters" $'emacs\n+10:'"$((chars + 1))"$'\n'"$SEED" "$(argv)"
t_true "(a column in characters differs from the byte column)" test "$((chars + 1))" -lt 135
t_ok "emacsclient" env EDITOR="$TEST_TMP/bin/emacsclient -t" "$LECTERN" open "$SEED:10:135"
t_eq "emacsclient too" $'emacsclient\n-t\n+10:'"$((chars + 1))"$'\n'"$SEED" "$(argv)"
t_ok "nano" env EDITOR="$TEST_TMP/bin/nano" "$LECTERN" open "$SEED:10:135"
t_eq "nano gets +LINE,COL" $'nano\n+10,'"$((chars + 1))"$'\n'"$SEED" "$(argv)"
t_ok "code" env EDITOR="$TEST_TMP/bin/code --wait" "$LECTERN" open "$SEED:10:135"
t_eq "VS Code gets --goto PATH:LINE:COL" $'code\n--wait\n--goto\n'"$SEED:10:135" "$(argv)"
t_ok "an editor of another name" env EDITOR="$TEST_TMP/bin/fake-editor" "$LECTERN" open "$SEED:10:135"
t_eq "gets +LINE" $'fake-editor\n+10\n'"$SEED" "$(argv)"

t_ok "VISUAL wins over EDITOR" env VISUAL="$TEST_TMP/bin/nano" EDITOR="$TEST_TMP/bin/vi" "$LECTERN" open "$SEED:3"
t_eq "nano, at line 3" $'nano\n+3\n'"$SEED" "$(argv)"
t_ok "a path alone" env EDITOR="$TEST_TMP/bin/vi" "$LECTERN" open "$SEED"
t_eq "opens it" $'vi\n'"$SEED" "$(argv)"
t_ok "the text format's first line, from another directory" \
	env EDITOR="$TEST_TMP/bin/vi" sh -c "cd notes && '$LECTERN' open \"\$('$LECTERN' find -n 1 --color=never 'cattle, not pets' | head -1)\""
t_eq "opens the path as find printed it there" $'vi\n+10\n'"${SEED#notes/}" "$(argv)"

t_ok "find in colour" "$LECTERN" find --format vimgrep --color=always "cattle, not pets"
t_contains "(has colours)" $'\033[' "$T_OUT"
t_ok "open takes a line in colour" env EDITOR="$TEST_TMP/bin/vi" "$LECTERN" open "$(head -1 <<<"$T_OUT")"
t_eq "without them" $'vi\n+10\n'"$SEED" "$(argv)"

# A path with colons in it, and a vimgrep line's text with more.
printf 'one\ntwo: a:1:2 three\n' >"notes/a:1:b.md"
t_ok "a path holding colons" env EDITOR="$TEST_TMP/bin/vi" "$LECTERN" open "notes/a:1:b.md:2:6:two: a:1:2 three"
t_eq "is split where the file is" $'vi\n+2\nnotes/a:1:b.md' "$(argv)"

FAKE_EXIT=3 t_exit 3 "the editor's exit status is open's" env EDITOR="$TEST_TMP/bin/vi" "$LECTERN" open "$SEED:1"
argv >/dev/null
t_exit 2 "a missing file: exit 2" env EDITOR="$TEST_TMP/bin/vi" "$LECTERN" open "notes/nosuch.md:3:4"
t_contains "naming it" "notes/nosuch.md: no such file" "$T_ERR"
t_eq "the editor did not run" "" "$(argv)"
t_exit 2 "no RESULT: exit 2" "$LECTERN" open
t_exit 2 "two: exit 2" "$LECTERN" open "$SEED" "$SEED"

t_done
