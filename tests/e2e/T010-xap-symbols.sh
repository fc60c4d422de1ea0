#!/usr/bin/env bash
# T010-xap-symbols - common/xap.cc exports exactly the C API of common/xap.h
# (hidden visibility everywhere else), so no C++ symbol leaks into C.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

t_ok "exported symbols of xap.o equal the functions of xap.h" \
	"$REPO/tests/unit/check-xap-symbols.sh" "$REPO/$BUILD/common/xap.o" "$REPO/common/xap.h"
t_eq "no C++ file but common/xap.cc in the tree" "common/xap.cc" \
	"$(cd "$REPO" && find common indexer searcher -name '*.cc' -o -name '*.cpp' -o -name '*.cxx' | sort | tr '\n' ' ' | sed 's/ $//')"
t_done
