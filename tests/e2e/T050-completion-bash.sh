#!/usr/bin/env bash
# T050-completion-bash - `lectern completion bash` loaded into a real bash:
# its completion function, called as bash calls it (COMP_WORDS, COMP_CWORD),
# offers the commands, each command's options as its --help lists them, the
# values of --format and --color, query field names and directories.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

t_exit 2 "completion without a shell is a usage error" "$LECTERN" completion
t_contains "it says which shells" "bash, zsh or fish" "$T_ERR"
t_exit 2 "an unknown shell is a usage error" "$LECTERN" completion tcsh
t_exit 0 "completion --help exits 0" "$LECTERN" completion --help
t_contains "it says how to load the script" "source <(lectern completion bash)" "$T_OUT"

t_ok "completion bash prints a script" "$LECTERN" completion bash
printf '%s\n' "$T_OUT" >"$TEST_TMP/lectern.bash"
t_ok "the script is valid bash" bash -n "$TEST_TMP/lectern.bash"

# complete WORD...: the words of a command line, the last being completed
# (as bash splits them: "--format=v" is "--format" "=" "v"); prints
# COMPREPLY sorted, one per line.
cat >"$TEST_TMP/complete" <<'DRIVER'
source "$1" || exit 3
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_lectern
printf '%s\n' "${COMPREPLY[@]}" | sort
DRIVER
complete() {
	t_run bash "$TEST_TMP/complete" "$TEST_TMP/lectern.bash" "$LECTERN" "$@"
}

complete 'fi'
t_eq "'lectern fi' completes to find" "find" "$T_OUT"
complete ''
nl=$'\n'
for cmd in index status find serve shard completion help; do
	t_match "an empty word offers '$cmd'" "(^|$nl)$cmd($nl|$)" "$T_OUT"
done
complete --v
t_eq "global options: --version" "--version" "$T_OUT"
complete --config "$TEST_TMP/lectern.bash" st
t_eq "--config's value is skipped before the command" "status" "$T_OUT"

# every long option find --help lists is offered, and nothing else
t_ok "find --help" "$LECTERN" find --help
want=$(grep -oE -- '--[a-z][a-z-]+' <<<"$T_OUT" | sort -u)
complete find --
t_eq "'find --' offers every option of find --help" "$want" "$T_OUT"
t_ok "index --help" "$LECTERN" index --help
want=$(grep -oE -- '--[a-z][a-z-]+' <<<"$T_OUT" | grep -v -- '--index$' | sort -u)
complete index --
t_true "'index --' offers every option of index --help" \
	test "$(grep -v -- '--index$' <<<"$T_OUT")" == "$want"

complete find --form
t_eq "an option's name completes" "--format" "$T_OUT"
complete find --format ''
t_eq "--format offers its values" $'json\ntext\nvimgrep' "$T_OUT"
complete find --format = v
t_eq "--format=v completes (bash splits at =)" "vimgrep" "$T_OUT"
complete find --color a
t_eq "--color offers its values" $'always\nauto' "$T_OUT"
complete find -n ''
t_eq "a number is not completed" "" "$T_OUT"
complete find cattle sp
t_eq "query words complete field names" "speaker:" "$T_OUT"
complete serve --log-level w
t_eq "serve --log-level offers its values" "warn" "$T_OUT"
complete shard ''
t_eq "shard offers its actions" $'add\nlist\nremove' "$T_OUT"
complete completion ''
t_eq "completion offers the shells" $'bash\nfish\nzsh' "$T_OUT"
complete help sh
t_eq "help offers the commands" "shard" "$T_OUT"
complete config find.
t_eq "config offers its keys" $'find.color\nfind.limit\nfind.sort' "$T_OUT"

mkdir -p "$TEST_TMP/notes-a/sub" "$TEST_TMP/notes-b"
: >"$TEST_TMP/notes-file"
complete index "$TEST_TMP/notes"
t_eq "index offers directories, not files" "$TEST_TMP/notes-a"$'\n'"$TEST_TMP/notes-b" "$T_OUT"
complete find --index "$TEST_TMP/notes-"
t_eq "--index DIR offers directories" "$TEST_TMP/notes-a"$'\n'"$TEST_TMP/notes-b" "$T_OUT"

# the index's roots (the script asks `lectern completion --roots`)
t_ok "index a root" "$LECTERN" index --no-progress "$TEST_TMP/notes-b"
t_ok "completion --roots" "$LECTERN" completion --roots
t_eq "prints the roots" "$TEST_TMP/notes-b" "$T_OUT"
complete index --forget ''
t_eq "--forget offers the roots" "$TEST_TMP/notes-b" "$T_OUT"
cd "$TEST_TMP/notes-a" || exit 1
complete index "$TEST_TMP/notes-b"
t_eq "index offers them too, from anywhere" "$TEST_TMP/notes-b" "$(sort -u <<<"$T_OUT")"
complete index ''
t_eq "with the directories here" "$TEST_TMP/notes-b"$'\n'"sub" "$T_OUT"
cd "$TEST_TMP" || exit 1

# the script works as bash loads it from bash-completion's directory too:
# `complete -p lectern` names the function
t_ok "the script registers itself" bash -c "source '$TEST_TMP/lectern.bash' && complete -p lectern"
t_contains "with complete -F _lectern" "complete -F _lectern lectern" "$T_OUT"

t_done
