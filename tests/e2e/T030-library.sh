#!/usr/bin/env bash
# T030-library - liblectern.so.0 (lib/lectern.h, docs/library.md): it
# exports exactly the functions its header declares, and nothing else of
# the engine; the example programs of docs/examples/, built against it
# alone, index the embedded corpus and find in it what `lectern find` finds.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

SO=$REPO/$BUILD/liblectern.so.0
EX=$REPO/$BUILD/examples
t_true "the library is built" test -f "$SO" || t_done

# the functions lectern.h declares (each declaration starts "LECTERN_API
# TYPE NAME(") and the symbols the library defines, version node aside
declared=$(grep -E '^LECTERN_API ' "$REPO/lib/lectern.h" | grep -oE '\blectern_[a-z0-9_]+\(' |
	tr -d '(' | sort | tr '\n' ' ')
exported=$(nm -D --defined-only "$SO" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort |
	tr '\n' ' ')
t_match "lectern.h declares functions" '^lectern_' "$declared"
t_eq "the library exports exactly the functions of lectern.h" "$declared" "$exported"
t_eq "...all of them functions" "" \
	"$(nm -D --defined-only "$SO" | awk '$2 != "A" && $2 != "T" { print }')"
t_eq "...in version LECTERN_0" "" \
	"$(nm -D --defined-only "$SO" | awk '$2 == "T" && $3 !~ /@@LECTERN_0$/ { print }')"
t_match "its soname is liblectern.so.0" 'Library soname: \[liblectern\.so\.0\]' \
	"$(readelf -d "$SO")"
# library code never prints: the library does not even reach stdout
t_eq "the library refers to neither stdout nor stderr" "" \
	"$(nm -D --undefined-only "$SO" | awk '$2 ~ /^(stdout|stderr)(@|$)/ { print $2 }')"

# the examples: a third party's programs, linked against the library
t_true "the examples are built" test -x "$EX/search" -a -x "$EX/index" || t_done
t_match "search links liblectern.so.0" 'NEEDED.*\[liblectern\.so\.0\]' "$(readelf -d "$EX/search")"

N=$TEST_TMP/notes
mkdir -p "$N" && cp "$REPO"/corpus/* "$N/"
IDX=$TEST_TMP/libindex
t_ok "index the corpus through the library" "$EX/index" "$IDX" "$N"
count=$(find "$N" -type f | wc -l)
t_match "...every note added" "^$count notes: $count added, 0 updated, 0 removed, 0 unchanged; [1-9][0-9]* passages$" "$T_OUT"
t_ok "a second run through the library" "$EX/index" "$IDX"
t_match "...finds nothing to do" "^$count notes: 0 added, 0 updated, 0 removed, $count unchanged; 0 passages$" "$T_OUT"
t_exit 0 "lectern agrees the index is up to date" "$LECTERN" index --index "$IDX" --check
t_exit 2 "a root that does not exist: exit 2" "$EX/index" "$IDX" "$TEST_TMP/nowhere"
t_contains "...saying which and why" "not found: $TEST_TMP/nowhere" "$T_ERR"
t_exit 2 "searching where there is no index: exit 2" "$EX/search" "$TEST_TMP/none" cattle
t_contains "...saying so" "no index at $TEST_TMP/none" "$T_ERR"

# the same places as lectern find, from a directory outside the notes (so
# that lectern shows absolute paths too)
cd "$TEST_TMP/home" || t_done
same_as_find() {
	local q=$1
	"$EX/search" --vimgrep "$IDX" "$q" >"$TEST_TMP/lib.out" || return 1
	"$LECTERN" find --index "$IDX" --no-daemon --format vimgrep --color=never "$q" \
		>"$TEST_TMP/cli.out" || return 1
	[[ -s $TEST_TMP/lib.out ]] || { echo "search found nothing"; return 1; }
	diff "$TEST_TMP/lib.out" "$TEST_TMP/cli.out"
}
for q in "cattle, not pets" keynote "amazon web services" 'lambda OR containers'; do
	t_true "search --vimgrep '$q' prints what lectern find --format vimgrep prints" \
		same_as_find "$q"
done
# --json: lectern_passage_json is find --json's match object, less its
# "type" and "warnings" (the search's, on each line of find's)
json_as_find() {
	local q=$1
	"$EX/search" --json "$IDX" "$q" >"$TEST_TMP/lib.out" || return 1
	"$LECTERN" find --index "$IDX" --no-daemon --json "$q" |
		sed -n 's/^{"type":"match",\(.*\),"warnings":\[\]}$/{\1}/p' >"$TEST_TMP/cli.out" ||
		return 1
	[[ -s $TEST_TMP/lib.out ]] || { echo "search found nothing"; return 1; }
	diff "$TEST_TMP/lib.out" "$TEST_TMP/cli.out"
}
for q in "cattle, not pets" keynote 'lambda OR containers'; do
	t_true "search --json '$q' prints find --json's match objects" json_as_find "$q"
done
# the default output: place and snippet of each passage, as find's text
# (its head line without the heading path, its snippet without brackets)
text_as_find() {
	"$EX/search" "$IDX" keynote | sed 's/\[//g; s/\]//g' >"$TEST_TMP/lib.out" || return 1
	"$LECTERN" find --index "$IDX" --no-daemon --color=never keynote |
		awk '/^    / { print head ": " substr($0, 5); next } NF { sub(/  .*/, ""); head = $0 }' |
		sed 's/\[//g; s/\]//g' >"$TEST_TMP/cli.out" || return 1
	[[ -s $TEST_TMP/lib.out ]] || { echo "search found nothing"; return 1; }
	diff "$TEST_TMP/lib.out" "$TEST_TMP/cli.out"
}
t_true "search's places and snippets are lectern find's" text_as_find
t_ok "search highlights the words matched" "$EX/search" "$IDX" "cattle, not pets"
t_contains "...in brackets" "[cattle, not pets]" "$T_OUT"
t_exit 1 "nothing found: exit 1" "$EX/search" "$IDX" zzyzzyvaquux
t_eq "...and nothing printed" "" "$T_OUT"
t_done
