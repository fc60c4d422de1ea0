#!/usr/bin/env bash
# T260-find-fields - heading: finds the passages whose heading path holds
# the words (their own heading or a section's they are in) and points at
# the heading; a field given a value it cannot take is a warning naming the
# column (forgiving) or an error (--strict-query); dates people type:
# today, yesterday, Nd/Nw/Nm/Ny, open and closed ranges.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq

N=$TEST_TMP/notes
mkdir -p "$N"
cat >"$N/plenary.md" <<'EOF'
# Plenary notes

## Temporal for stage 3

PFC: The calendar work is done; the wombat API is stable.

### Open questions

DE: What about the zebra time zone names?

A long digression about a numbat.

## Decorators

KG: Decorators need the wombat hook too.
EOF
today=$(date +%Y-%m-%d)
old=$(date -d '400 days ago' +%Y-%m-%d)
printf -- '---\ndate: %s\n---\n# Fresh\n\nThe quokka arrived today.\n' "$today" >"$N/fresh.md"
printf -- '---\ndate: %s\n---\n# Old\n\nThe quokka left long ago.\n' "$old" >"$N/old.md"
"$LECTERN" index -q "$N" >/dev/null

# ---- heading: ----
t_ok "heading:temporal" "$LECTERN" find --no-daemon --all --json heading:temporal
t_eq "... the passages of the Temporal section and of its subsection" 2 \
	"$(jq -r 'select(.path) | .line' <<<"$T_OUT" | grep -c .)"
t_eq "... not the Decorators section" "" \
	"$(jq -r 'select(.path) | .headings[-1]' <<<"$T_OUT" | grep Decorators)"
t_ok "heading:temporal, vimgrep" "$LECTERN" find --no-daemon --all --format vimgrep heading:temporal
t_contains "... the section's own passage points at its heading" "plenary.md:3:4:## Temporal for stage 3" "$T_OUT"
t_exit 1 "heading: does not match a word of the body" "$LECTERN" find --no-daemon heading:wombat
t_ok "heading:questions zebra: the subsection's word in its passage" \
	"$LECTERN" find --no-daemon --all --json 'heading:questions zebra'
t_eq "... one passage" 1 "$(jq -r 'select(.path) | .line' <<<"$T_OUT" | grep -c .)"
t_ok "heading:\"stage 3\" wombat: a phrase in a heading" \
	"$LECTERN" find --no-daemon --all --json 'heading:"stage 3" wombat'
t_eq "... the Temporal passage, not the Decorators one" "Temporal for stage 3" \
	"$(jq -r 'select(.path) | .headings[-1]' <<<"$T_OUT")"
t_ok "-heading:decorators wombat" "$LECTERN" find --no-daemon --all --json -- '-heading:decorators wombat'
t_eq "... excludes the Decorators section only" "Temporal for stage 3" \
	"$(jq -r 'select(.path) | .headings[-1]' <<<"$T_OUT")"
t_ok "--explain shows the field" "$LECTERN" find --no-daemon --explain heading:temporal
t_contains "... as heading" "FIELD(heading: WORD(temporal~tempor))" "$T_OUT$T_ERR"

# ---- bad field values ----
t_run "$LECTERN" find --no-daemon year:abc
t_contains "year:abc: a warning" "warning: column 1: year:abc is not a year" "$T_ERR"
t_contains "... searched as words" "searched as words" "$T_ERR"
t_run "$LECTERN" find --no-daemon 'quokka date:soon'
t_contains "date:soon: a warning naming its column" "column 8: date:soon is not a date" "$T_ERR"
t_exit 2 "--strict-query: year:abc is an error" "$LECTERN" find --no-daemon --strict-query year:abc
t_contains "... naming the column" "column 1: year:abc is not a year" "$T_ERR"

# ---- dates people type ----
count() { "$LECTERN" find --no-daemon --count "$@" 2>/dev/null; }
t_eq "date:today" 1 "$(count 'quokka date:today')"
t_eq "date:2w (since two weeks ago)" 1 "$(count 'quokka date:2w')"
t_eq "date:2w.. the same" 1 "$(count 'quokka date:2w..')"
t_eq "date:..1y (until a year ago)" 1 "$(count 'quokka date:..1y')"
t_eq "date:2y..yesterday" 1 "$(count 'quokka date:2y..yesterday')"
t_eq "date:${old%-*}..${today%-*} (months)" 2 "$(count "quokka date:${old%-*}..${today%-*}")"
t_eq "date:yesterday (a day)" 0 "$(count 'quokka date:yesterday')"
t_done
