#!/usr/bin/env bash
# T010-xap-symbols - common/xap*.cc export exactly the C API of common/xap.h
# (hidden visibility everywhere else), so no C++ symbol leaks into C; the
# lectern executable does not link Xapian, loads liblectern-xap.so (which
# exports one table) only when it needs the index, and says so clearly when
# the library is missing (common/xap-load.h).
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

# the boundary's objects: one per common/xap*.cc
xap_objs=()
for cc in "$REPO"/common/xap*.cc; do
	xap_objs+=("$REPO/$BUILD/common/$(basename "$cc" .cc).o")
done
t_ok "exported symbols of the xap*.o equal the functions of xap.h" \
	"$REPO/tests/unit/check-xap-symbols.sh" "${xap_objs[@]}" "$REPO/common/xap.h"
t_eq "no C++ file but the boundary's (common/xap*.cc) in the tree" "" \
	"$(cd "$REPO" && find common indexer searcher -name '*.cc' -o -name '*.cpp' -o -name '*.cxx' | grep -v '^common/xap[a-z-]*\.cc$')"

t_ok "the generated xap-table.h, xap-export.c and xap-dl.c match xap.h" \
	"$REPO/scripts/gen-xap-table" --check
needed=$(readelf -d "$LECTERN" | awk '/NEEDED/ { print $NF }' | tr -d '[]' | sort | tr '\n' ' ')
t_lacks "lectern does not link libxapian" "libxapian" "$needed"
t_lacks "...nor libstdc++" "libstdc++" "$needed"
t_eq "liblectern-xap.so exports its table and nothing else" "lectern_xap_table" \
	"$(nm -D --defined-only "$REPO/$BUILD/liblectern-xap.so" | awk '{ print $NF }' | tr '\n' ' ' | sed 's/ $//')"

# a library that is not there: commands that need the index fail clearly;
# --help, and find answered by a daemon, never load it
mkdir -p "$TEST_TMP/notes" && cp "$REPO"/corpus/*.txt "$TEST_TMP/notes/"
export LECTERN_INDEX=$TEST_TMP/index XDG_RUNTIME_DIR=$TEST_TMP/run
mkdir -m 700 -p "$XDG_RUNTIME_DIR"
t_exit 0 "index the corpus" "$LECTERN" index "$TEST_TMP/notes"
LECTERN_XAP_LIB=$TEST_TMP/missing.so t_exit 2 "index without the library exits 2" \
	"$LECTERN" index
t_contains "...naming the library and why" "cannot load liblectern-xap.so" "$T_ERR"
t_contains "...with the loader's reason" "missing.so" "$T_ERR"
LECTERN_XAP_LIB=$TEST_TMP/missing.so t_exit 0 "--help does not need it" "$LECTERN" find --help
LECTERN_XAP_LIB=$TEST_TMP/missing.so t_exit 2 "serve without it exits 2 at once" timeout 20 "$LECTERN" serve
t_contains "...saying why" "cannot load liblectern-xap.so" "$T_ERR"
t_eq "...and leaves no socket behind" "no" \
	"$([[ -e $XDG_RUNTIME_DIR/lectern/lectern.sock ]] && echo yes || echo no)"
echo "not a library" >"$TEST_TMP/bad.so"
LECTERN_XAP_LIB=$TEST_TMP/bad.so t_exit 2 "a file that is not a library: exit 2" \
	"$LECTERN" find --no-daemon cattle
"$LECTERN" serve 2>"$TEST_TMP/serve.log" &
serve_pid=$!
for _ in $(seq 100); do [[ -S $XDG_RUNTIME_DIR/lectern/lectern.sock ]] && break; sleep 0.05; done
LECTERN_XAP_LIB=$TEST_TMP/missing.so t_exit 0 "find answered by the daemon never loads it" \
	"$LECTERN" find "cattle, not pets"
t_contains "...and finds the quote" "cattle, not pets" "$T_OUT"
kill -TERM "$serve_pid"
wait "$serve_pid"
t_done
