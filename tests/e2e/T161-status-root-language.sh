#!/usr/bin/env bash
# T161-status-root-language - a root indexed with --lang is one root with a
# language: `lectern status` shows its path and, apart, its language, the
# same whether the roots come from INDEX/roots or from the copy a database
# keeps (the roots list has one reader: common/rootmap.h). Once,
# `status` printed "…/notes<TAB>french" as the root's path.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

N=$TEST_TMP/notes
mkdir -p "$N" && printf 'Les chanteurs chantaient des chansons.\n' >"$N/chansons.txt"
tab=$'\t'

t_ok "index a root with --lang french" "$LECTERN" index -q --lang french "$N"
status_shows_root() {
	t_ok "status ($1)" "$LECTERN" status
	t_match "...shows the root and its language apart" "roots: +$N \(french\)" "$T_OUT"
	t_lacks "...and no tab in it" "$tab" "$T_OUT"
	t_ok "status --json ($1)" "$LECTERN" status --json
	t_contains "...lists the root's path alone" "\"roots\":[\"$N\"]" "$T_OUT"
}
status_shows_root "the roots file"
mv "$LECTERN_INDEX/roots" "$TEST_TMP/roots.saved"
status_shows_root "the database's copy"
mv "$TEST_TMP/roots.saved" "$LECTERN_INDEX/roots"
t_ok "a french word still finds its inflection" "$LECTERN" find --no-daemon --color=never chanteur
t_contains "...in the note" "chansons.txt:1:5" "$T_OUT"
t_done
