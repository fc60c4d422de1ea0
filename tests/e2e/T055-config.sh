#!/usr/bin/env bash
# T055-config - the config file: ${XDG_CONFIG_HOME}/lectern/config,
# LECTERN_CONFIG and --config FILE say which; its keys give the index,
# find's --limit and --color, the daemon's socket; the command line and
# LECTERN_INDEX win over it; `lectern config` says what is in force and
# where each value comes from; a bad file is an error naming file and line.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

[[ -x $LECTERN ]] || t_skip "$LECTERN is not built"
cd "$TEST_TMP" || exit 1
cp -r "$REPO/corpus" notes
CONF=$XDG_CONFIG_HOME/lectern/config
ESC=$'\033'
# The config's index key is what is tested: the environment would win.
unset LECTERN_INDEX

# hits TEXT: how many path:line:col lines the text output has.
hits() {
	grep -cE '^notes/[^ ]+:[0-9]+:[0-9]+$' <<<"$1"
}

t_ok "lectern --help lists config" "$LECTERN" --help
t_match "with its summary" "config +show the settings in force" "$T_OUT"
t_contains "and --config FILE" "--config FILE" "$T_OUT"
t_ok "config --help" "$LECTERN" config --help
t_contains "shows its usage" "usage: lectern config" "$T_OUT"
for key in index socket find.limit find.color find.sort; do
	t_match "lists the key $key" $'\n'"  $key " "$T_OUT"
done
t_ok "no config file: lectern config" "$LECTERN" config
t_contains "it names the file it would read" "# config file: $CONF (absent)" "$T_OUT"
t_contains "the index is the default one" $'default\tindex='"$XDG_DATA_HOME/lectern" "$T_OUT"
t_contains "find.limit is 10 by default" $'default\tfind.limit=10' "$T_OUT"
t_contains "find.color is auto by default" $'default\tfind.color=auto' "$T_OUT"
t_contains "find.sort is rank by default" $'default\tfind.sort=rank' "$T_OUT"
t_contains "the socket's default is shown" $'default\tsocket='"$XDG_RUNTIME_DIR/" "$T_OUT"

mkdir -p "$(dirname "$CONF")"
cat >"$CONF" <<'INI'
# lectern's config
index = ~/idx   ; under $HOME

[find]
limit = 2
color = always
sort = path
INI
t_ok "index with the index the file names" "$LECTERN" index --no-progress notes
t_true "the index is at ~/idx" test -d "$HOME/idx"
t_ok "lectern config" "$LECTERN" config
t_contains "the file is named" "# config file: $CONF"$'\n' "$T_OUT"
t_contains "index: ~ expanded, from line 2" $'file:'"$CONF"$':2\tindex='"$HOME/idx" "$T_OUT"
t_contains "find.limit from line 5" $'file:'"$CONF"$':5\tfind.limit=2' "$T_OUT"
t_contains "find.color from line 6" $'file:'"$CONF"$':6\tfind.color=always' "$T_OUT"
t_contains "find.sort from line 7" $'file:'"$CONF"$':7\tfind.sort=path' "$T_OUT"
t_ok "lectern config find.limit" "$LECTERN" config find.limit
t_eq "prints the value alone" "2" "$T_OUT"

t_ok "find uses the file's index and limit" "$LECTERN" find instances
# shellcheck disable=SC2001 # a regex: ${//} has only globs
t_eq "two hits (limit = 2)" 2 "$(hits "$(sed 's/\x1b\[[0-9;]*m//g' <<<"$T_OUT")")"
t_contains "in colour (color = always), though not a terminal" "${ESC}[" "$T_OUT"
t_ok "the command line wins over the file" "$LECTERN" find -n 3 --color=never instances
t_eq "three hits (-n 3)" 3 "$(hits "$T_OUT")"
t_lacks "no colour (--color=never)" "$ESC" "$T_OUT"
# the four best passages of "instances": by rank, a later file's come first
t_ok "find with the file's sort (path)" "$LECTERN" find -n 4 --format vimgrep instances
t_eq "... its places in path and line order" "$(cut -d: -f1-2 <<<"$T_OUT" | sort -t: -k1,1 -k2,2n)" \
	"$(cut -d: -f1-2 <<<"$T_OUT")"
t_ok "--sort rank on the command line wins" "$LECTERN" find -n 4 --sort rank --format vimgrep \
	instances
t_true "... best first, not in path order" \
	test "$(cut -d: -f1-2 <<<"$T_OUT" | sort -t: -k1,1 -k2,2n)" != "$(cut -d: -f1-2 <<<"$T_OUT")"
printf '[find]\nsort = sideways\n' >"$TEST_TMP/bad-sort.ini"
t_exit 2 "a sort the file cannot have is an error" \
	env LECTERN_CONFIG="$TEST_TMP/bad-sort.ini" "$LECTERN" find instances
t_contains "... naming the file and line" "$TEST_TMP/bad-sort.ini:2" "$T_ERR"

t_exit 2 "LECTERN_INDEX wins over the file's index" \
	env LECTERN_INDEX="$TEST_TMP/other" "$LECTERN" find instances
t_contains "find looked there" "$TEST_TMP/other" "$T_ERR"
t_ok "config says so" env LECTERN_INDEX="$TEST_TMP/other" "$LECTERN" config
t_contains "index from env:LECTERN_INDEX" $'env:LECTERN_INDEX\tindex='"$TEST_TMP/other" "$T_OUT"
t_ok "config --index DIR" "$LECTERN" config --index "$TEST_TMP/cli"
t_contains "index from the command line" $'command line\tindex='"$TEST_TMP/cli" "$T_OUT"

# Another file: --config FILE, LECTERN_CONFIG; empty LECTERN_CONFIG: none.
printf '[find]\nlimit = 1\ncolor = never\nindex = x\n' >"$TEST_TMP/bad-section.ini"
printf '[find]\nlimit = 1\ncolor = never\n' >"$TEST_TMP/one.ini"
t_ok "--config FILE before the command" "$LECTERN" --config "$TEST_TMP/one.ini" config
t_contains "is the file read" "# config file: $TEST_TMP/one.ini" "$T_OUT"
t_contains "its limit" $'file:'"$TEST_TMP/one.ini"$':2\tfind.limit=1' "$T_OUT"
t_contains "and the default file is not read" $'default\tindex=' "$T_OUT"
t_ok "LECTERN_CONFIG=FILE" env LECTERN_CONFIG="$TEST_TMP/one.ini" "$LECTERN" config find.limit
t_eq "is read" "1" "$T_OUT"
t_ok "--config=FILE wins over LECTERN_CONFIG" \
	env LECTERN_CONFIG="$TEST_TMP/one.ini" "$LECTERN" --config="$CONF" config find.limit
t_eq "the --config file's limit" "2" "$T_OUT"
t_ok "LECTERN_CONFIG= (empty): no file" env LECTERN_CONFIG= "$LECTERN" config
t_contains "none" "# config file: none" "$T_OUT"
t_contains "the defaults" $'default\tfind.limit=10' "$T_OUT"
t_exit 2 "--config naming a missing file" "$LECTERN" --config "$TEST_TMP/nosuch" status
t_contains "names it" "$TEST_TMP/nosuch" "$T_ERR"
t_exit 2 "--config without a value" "$LECTERN" --config

# A bad file: exit 2 before doing anything, naming the file and line.
bad() {
	printf '%b' "$2" >"$TEST_TMP/bad.ini"
	t_exit 2 "$1: exit 2" "$LECTERN" --config "$TEST_TMP/bad.ini" find instances
	t_contains "$1: says file and line" "$TEST_TMP/bad.ini:$3: " "$T_ERR"
	t_contains "$1: says what is wrong" "$4" "$T_ERR"
	t_eq "$1: prints no hit" "" "$T_OUT"
}
bad "an unknown key" '[find]\nlimt = 3\n' 2 "unknown key 'find.limt'"
bad "a key in the wrong section" '[find]\nlimit = 1\nindex = x\n' 3 "unknown key 'find.index'"
bad "a number out of range" '\n[find]\nlimit = 0\n' 3 "find.limit: '0' is not a number from 1 to 1000000"
bad "a word for a number" '[find]\nlimit = ten\n' 2 "'ten' is not a number"
bad "a colour not known" '[find]\ncolor = sometimes\n' 2 "'sometimes' is not one of auto|always|never"
bad "a line without =" '# ok\nindex ~/x\n' 2 "not a 'key = value' line"
bad "an empty value" 'index =\n' 1 "an empty value"
t_exit 2 "lectern config itself fails on a bad file" "$LECTERN" --config "$TEST_TMP/bad.ini" config
t_exit 0 "--help still works" "$LECTERN" --config "$TEST_TMP/bad.ini" --help

# The socket key: where serve listens (and find asks).
sed -i '1i socket = ~/lectern.sock' "$CONF"
t_ok "config socket" "$LECTERN" config socket
t_eq "is the file's" "$HOME/lectern.sock" "$T_OUT"
t_bg "$LECTERN" serve
until [[ -S $HOME/lectern.sock ]] || ! kill -0 "$T_BG_PID" 2>/dev/null; do
	sleep 0.05   # no clock: a daemon that neither listens nor exits is the runner's timeout
done
t_true "serve listens on the file's socket" test -S "$HOME/lectern.sock"
t_ok "find through it" "$LECTERN" find --color=never instances
t_eq "the file's limit still holds" 2 "$(hits "$T_OUT")"
kill "$T_BG_PID" 2>/dev/null
wait "$T_BG_PID" 2>/dev/null

t_done
