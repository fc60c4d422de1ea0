#!/usr/bin/env bash
# T800-fuzz-regressions - every fuzz seed and every kept fuzz finding
# (tests/fuzz/seeds/TARGET, tests/fuzz/regressions/TARGET) runs through its
# fuzz target's LLVMFuzzerTestOneInput without libFuzzer: the targets are
# built with the normal compiler against $BUILD/liblectern.a (so under ASan
# and UBSan with SANITIZE=1), and a broken invariant traps.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

TARGETS=(tokenize note query proto)
SAN=
[[ $BUILD == build-san ]] && SAN=1

# The replay binaries are not part of `make lectern`: build them here, as a
# plain sub-make (not part of the parent's jobserver).
t_ok "replay binaries build" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -s -C "$REPO" BUILD="$BUILD" SANITIZE="$SAN" \
	"${TARGETS[@]/#/$BUILD/fuzz/replay-}"

for t in "${TARGETS[@]}"; do
	bin=$REPO/$BUILD/fuzz/replay-$t
	seeds=$REPO/tests/fuzz/seeds/$t
	regs=$REPO/tests/fuzz/regressions/$t
	n=$(find "$seeds" "$regs" -type f ! -name '.*' | wc -l)
	t_ok "$t: seeds and regressions replay cleanly" "$bin" "$seeds" "$regs"
	t_eq "$t: replayed every input" "$n inputs" "$T_OUT"
done
t_done
