#!/usr/bin/env bash
# T065-fzf-live - live search in fzf (editors/fzf/lectern-fzf), as a user
# sees it: in a tmux pane, type a query, see the passages found listed
# (each keystroke reruns `lectern find --format vimgrep`), the preview of
# the note around the match, then Enter opens the best one in $EDITOR at
# its line (a fake editor writing down its argv). Every wait is a bounded
# poll of what the pane shows.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

[[ -x $LECTERN ]] || t_skip "$LECTERN is not built"
t_need tmux
t_need fzf
cd "$TEST_TMP" || exit 1
cp -r "$REPO/corpus" notes
SEED=notes/2015-reinvent-partner-keynote-cattle-not-pets.txt
t_ok "index the notes" "$LECTERN" index --no-progress notes

cat >"$TEST_TMP/editor" <<FAKE
#!/bin/sh
printf '%s\n' "\$@" >"$TEST_TMP/argv.tmp" && mv "$TEST_TMP/argv.tmp" "$TEST_TMP/argv"
FAKE
chmod +x "$TEST_TMP/editor"

SOCK=$TEST_TMP/tmux.sock
t_at_exit "tmux -S '$SOCK' kill-server 2>/dev/null"
# The pane keeps its text after lectern-fzf exits (the sleep), for the
# last look at it.
t_ok "lectern-fzf starts in a tmux pane" tmux -S "$SOCK" -f /dev/null new-session -d -x 200 -y 50 \
	"env -u FZF_DEFAULT_OPTS LECTERN='$LECTERN' EDITOR='$TEST_TMP/editor' '$REPO/editors/fzf/lectern-fzf'; echo LECTERN-FZF-EXIT=\$?; sleep 600"

# pane_shows TEXT: wait until the pane shows TEXT, polling without a clock
# (a pane that never shows it is the runner's timeout); $PANE holds what it
# showed last.
pane_shows() {
	until PANE=$(tmux -S "$SOCK" capture-pane -p 2>/dev/null) && [[ $PANE == *"$1"* ]]; do
		sleep 0.1
	done
}

pane_shows "lectern> "
t_contains "the prompt is shown" "lectern> " "$PANE"
tmux -S "$SOCK" send-keys -l "cattle, not pets"
pane_shows "$SEED:10:135:"
t_contains "typing the query lists the seed's passage at 10:135" "$SEED:10:135:" "$PANE"
pane_shows "1/1"
t_contains "and only it (one occurrence of the phrase)" "1/1" "$PANE"
pane_shows "10 Another key"
t_match "the preview shows the note at line 10" "[ ]+10 Another key to automation" "$PANE"

# Another query: the list follows each keystroke.
t_ok "find microservices --format vimgrep" "$LECTERN" find --format vimgrep --limit 50 microservices
BEST=$(head -1 <<<"$T_OUT" | cut -d: -f1-3)
t_match "(it finds something)" "^notes/.+:[0-9]+:[0-9]+$" "$BEST"
tmux -S "$SOCK" send-keys C-u
tmux -S "$SOCK" send-keys -l "microservices"
pane_shows "$BEST:"
t_contains "a new query lists its best passage" "$BEST:" "$PANE"
t_lacks "and no longer the seed's" "$SEED:10:135:" "$PANE"

tmux -S "$SOCK" send-keys Enter
until [[ -s $TEST_TMP/argv ]]; do
	sleep 0.1   # an editor never started: the runner's timeout
done
t_eq "Enter opens the best passage in \$EDITOR at its line" \
	"+$(cut -d: -f2 <<<"$BEST")"$'\n'"$(cut -d: -f1 <<<"$BEST")" "$(cat "$TEST_TMP/argv" 2>/dev/null)"
pane_shows "LECTERN-FZF-EXIT="
t_contains "and lectern-fzf exits 0" "LECTERN-FZF-EXIT=0" "$PANE"

# The pieces alone, for one's own binding.
t_ok "lectern-fzf --reload QUERY" env LECTERN="$LECTERN" "$REPO/editors/fzf/lectern-fzf" --reload "cattle, not pets"
# shellcheck disable=SC2001 # a regex: ${//} has only globs
t_match "lists vimgrep lines" "^$SEED:10:135:.*cattle" "$(sed 's/\x1b\[[0-9;]*m//g' <<<"$T_OUT")"
t_ok "lectern-fzf --reload with an empty query" env LECTERN="$LECTERN" "$REPO/editors/fzf/lectern-fzf" --reload ""
t_eq "lists nothing" "" "$T_OUT"
t_ok "lectern-fzf --preview PATH LINE" "$REPO/editors/fzf/lectern-fzf" --preview "$SEED" 10
t_match "numbers the lines around it, from 7" "^    7 " "$T_OUT"
t_contains "the match's line in reverse video" $'\033[7m   10 ' "$T_OUT"

t_done
