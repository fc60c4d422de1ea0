#!/usr/bin/env bash
# T160-index-languages - stemming languages: a root's --lang (remembered),
# a note's lang: front matter, queries stemmed in every language of the index.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

N=$TEST_TMP/notes
mkdir -p "$N/en" "$N/fr"
printf 'The singers were singing songs.\n' >"$N/en/songs.txt"
printf -- '---\nlang: de\n---\n# Garten\n\nDie Katzen spielten im Garten.\n' >"$N/en/katzen.md"
printf 'Les chanteurs chantaient des chansons magnifiques.\n' >"$N/fr/chansons.txt"

t_ok "index an english root" "$LECTERN" index -q "$N/en"
t_ok "index a root with --lang fr" "$LECTERN" index -q --lang fr "$N/fr"

t_ok "a french word finds its french inflection (chanteur -> chanteurs)" \
	"$LECTERN" find --no-daemon --color=never chanteur
t_contains "  in the french note" "fr/chansons.txt:1:5" "$T_OUT"
t_ok "a french inflection of another form (chanté -> chantaient)" \
	"$LECTERN" find --no-daemon --color=never chanté
t_contains "  highlights the french word" "fr/chansons.txt:1:15" "$T_OUT"
t_ok "an english word still stems in english (singer -> singers)" \
	"$LECTERN" find --no-daemon --color=never singer
t_contains "  in the english note" "en/songs.txt:1:5" "$T_OUT"
t_ok "lang: de front matter stems in german (katze -> Katzen)" \
	"$LECTERN" find --no-daemon --color=never katze
t_contains "  in the german note" "en/katzen.md:6:5" "$T_OUT"

t_ok "status works" "$LECTERN" status
t_exit 0 "the language is remembered: a bare run changes nothing" "$LECTERN" index --json
t_eq "  0 updated" "0" "$(jq .updated <<<"$T_OUT")"
t_exit 0 "--lang french on the same root is the same language (canonical name)" \
	"$LECTERN" index --json --lang french "$N/fr"
t_eq "  0 updated" "0" "$(jq .updated <<<"$T_OUT")"
t_exit 0 "changing a root's language indexes its notes again" \
	"$LECTERN" index --json --lang english "$N/fr"
t_eq "  1 updated" "1" "$(jq .updated <<<"$T_OUT")"
t_exit 1 "  after which chanté no longer finds chantaient (english stems)" \
	"$LECTERN" find --no-daemon --all chanté

t_exit 2 "--lang with an unknown language is an error" "$LECTERN" index --lang klingon "$N/fr"
t_contains "  naming it" "klingon" "$T_ERR"
t_exit 2 "--lang without a root is an error" "$LECTERN" index --lang fr
t_exit 2 "--lang on a path inside a root is an error" "$LECTERN" index --lang fr "$N/fr/chansons.txt"
t_done
