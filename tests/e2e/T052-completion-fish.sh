#!/usr/bin/env bash
# T052-completion-fish - `lectern completion fish` loaded into a real fish,
# asked for completions as fish's own `complete -C LINE` gives them.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need fish

t_ok "completion fish prints a script" "$LECTERN" completion fish
printf '%s\n' "$T_OUT" >"$TEST_TMP/lectern.fish"
t_ok "the script is valid fish" fish --no-execute "$TEST_TMP/lectern.fish"

# complete LINE: fish's candidates for LINE (no descriptions), sorted.
complete() {
	t_run fish --no-config -c "source '$TEST_TMP/lectern.fish'; and complete -C '$1' | cut -f1 | sort"
}

complete "lectern fi"
t_eq "'lectern fi': find" "find" "$T_OUT"
t_eq "fish said nothing on stderr" "" "$T_ERR"
complete "lectern "
for cmd in index status find serve shard completion help; do
	t_match "'lectern ' offers $cmd" "(^|"$'\n'")$cmd("$'\n'"|$)" "$T_OUT"
done
t_ok "find --help" "$LECTERN" find --help
want=$(grep -oE -- '--[a-z][a-z-]+' <<<"$T_OUT" | grep -v -- '--help' | sort -u)
complete "lectern find --"
t_eq "'find --' offers every option of find --help" "$want" "$(grep -v -- '--help' <<<"$T_OUT")"
complete "lectern find --format="
t_eq "--format= offers its values" $'--format=json\n--format=text\n--format=vimgrep' "$T_OUT"
complete "lectern find --format v"
t_eq "--format v: vimgrep" "vimgrep" "$T_OUT"
complete "lectern find --color a"
t_eq "--color offers its values" $'always\nauto' "$T_OUT"
complete "lectern find cattle ye"
t_eq "query words complete field names" "year:" "$T_OUT"
complete "lectern completion "
t_eq "completion offers the shells" $'bash\nfish\nzsh' "$T_OUT"
complete "lectern shard "
t_eq "shard offers its actions" $'add\nlist\nremove' "$T_OUT"
mkdir -p "$TEST_TMP/only-dir"
: >"$TEST_TMP/only-file"
complete "lectern index $TEST_TMP/only-"
t_eq "index offers directories only" "$TEST_TMP/only-dir/" "$T_OUT"
PATH=$(dirname "$LECTERN"):$PATH
t_ok "index a root" "$LECTERN" index --no-progress "$TEST_TMP/only-dir"
complete "lectern index --forget "
t_eq "--forget offers the index's roots" "$TEST_TMP/only-dir" "$T_OUT"
complete "lectern index $TEST_TMP/only-"
t_eq "index offers them with the directories" "$TEST_TMP/only-dir"$'\n'"$TEST_TMP/only-dir/" "$T_OUT"

t_done
