#!/usr/bin/env bash
# T005-style - every C and C++ source is in .clang-format's shape
# (scripts/check-style), and the check does see a file that is not.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need clang-format

t_ok "scripts/check-style: every source is clean" "$REPO/scripts/check-style"
t_match "  says how many it read" '^check-style: [0-9]+ files clean$' "$(tail -n 1 <<<"$T_OUT")"

# a file out of shape (spaces to indent, a brace on the wrong line) is named
mkdir -p "$TEST_TMP/src"
cp "$REPO/.clang-format" "$TEST_TMP/src/"
printf 'int f(int a) {\n    return a;\n}\n' >"$TEST_TMP/src/bad.c"
t_exit 1 "a file out of shape fails the check" "$REPO/scripts/check-style" "$TEST_TMP/src/bad.c"
t_contains "  and is named" "style: $TEST_TMP/src/bad.c" "$T_OUT"
printf 'int f(int a)\n{\n\treturn a;\n}\n' >"$TEST_TMP/src/good.c"
t_ok "the same in shape passes" "$REPO/scripts/check-style" "$TEST_TMP/src/good.c"
t_done
