#!/usr/bin/env bash
# T136-index-ignore-files - the walk reads ignore files as ripgrep does:
# .gitignore inside a git repository only, .ignore always, .lecternignore on
# top; nested files rule their subtree, `!` re-includes, the kinds rank
# .lecternignore > .ignore > .gitignore. A part of a root is walked as the
# root's walk reaches it. An index kept inside the notes under any name
# (--index notes/idx) is not walked.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq

N=$TEST_TMP/notes
mkdir -p "$N/drafts" "$N/sub/deeper" "$N/vendor/lib"
cd "$N" || exit 1

# every note says "zebu", so that one query lists them all
note() {
	mkdir -p "$(dirname "$1")"
	printf 'zebu %s\n' "${2:-a note}" >"$1"
}
# notes NAME...: the notes found (paths relative to $N), sorted, one line
indexed() {
	"$LECTERN" find -l --all zebu 2>/dev/null | sed "s|^$N/||" | sort | tr '\n' ' '
}
counts() {
	jq -r '"\(.added) \(.updated) \(.removed) \(.skipped) \(.warnings)"' <<<"$T_OUT"
}

note a.md "plain note: gaur"
note drafts/d.md "a draft: banteng"
note scratch.tmp.md "scratch: yak"
note important.tmp.md "kept by .ignore: kouprey"
note sub/s.md "sub note"
note sub/s.log "a log: tamaraw"
note sub/deeper/k.log "re-included by a deeper .gitignore"
note sub/x.secret "secret"
note sub/y.secret "kept by .ignore, dropped by .lecternignore"
note vendor/lib/v.md "vendored"
printf 'drafts/\n*.tmp.md\n*.log\n/vendor/\n' >"$N/.gitignore"
printf '!k.log\n' >"$N/sub/deeper/.gitignore"
printf '!important.tmp.md\n*.secret\n!y.secret\n' >"$N/.ignore"
printf 'y.secret\n' >"$N/sub/.lecternignore"

# ---- outside a git repository: .gitignore means nothing ----
t_ok "index a tree with a .gitignore, outside any git repository" \
	"$LECTERN" index --json "$N"
t_eq "... .ignore and .lecternignore apply, .gitignore does not" \
	"a.md drafts/d.md important.tmp.md scratch.tmp.md sub/deeper/k.log sub/s.log sub/s.md vendor/lib/v.md " \
	"$(indexed)"

# ---- inside one: it does ----
if command -v git >/dev/null; then git init -q "$N"; else mkdir "$N/.git"; fi
t_ok "the same tree as a git repository" "$LECTERN" index --json
t_eq "... the .gitignore'd notes leave the index" "0 0 4 0 0" "$(counts)"
t_eq "... .gitignore applies: drafts/, *.tmp.md, *.log, /vendor/ (but !k.log deeper, and .ignore's !important)" \
	"a.md important.tmp.md sub/deeper/k.log sub/s.md " "$(indexed)"
t_exit 1 "a word of a .gitignore'd draft is not found" "$LECTERN" find --all banteng
if command -v rg >/dev/null; then
	# rg reads .rgignore where lectern reads .lecternignore
	cp "$N/sub/.lecternignore" "$N/sub/.rgignore"
	t_eq "lectern indexes the files rg searches" "$(rg --files | sort | tr '\n' ' ')" "$(indexed)"
	rm "$N/sub/.rgignore"
else
	echo "# rg is not installed: not compared with it"
fi

# ---- a part of a root is walked as the root's walk reaches it ----
t_ok "refreshing an ignored directory of a root" "$LECTERN" index --json "$N/drafts"
t_eq "... adds nothing" "0 0 0 0 0" "$(counts)"
t_ok "refreshing an ignored file of a root" "$LECTERN" index --json "$N/sub/s.log"
t_eq "... adds nothing" "0 0 0 0 0" "$(counts)"
t_ok "refreshing a directory of a root" "$LECTERN" index --json "$N/sub"
t_eq "... keeps to the rules above it" "0 0 0 0 0" "$(counts)"
t_eq "... the notes are the same" "a.md important.tmp.md sub/deeper/k.log sub/s.md " "$(indexed)"

# ---- rules change ----
printf 'drafts/\n*.tmp.md\n*.log\n' >"$N/.gitignore"
t_ok "a rule removed from .gitignore" "$LECTERN" index --json
t_eq "... adds what it excluded" "1 0 0 0 0" "$(counts)"
t_eq "... vendor/ is back" "a.md important.tmp.md sub/deeper/k.log sub/s.md vendor/lib/v.md " "$(indexed)"
rm -rf "$N/.git"
t_ok "no longer a git repository" "$LECTERN" index --json
t_eq "... the .gitignore'd notes come back" "3 0 0 0 0" "$(counts)"
t_ok "--check agrees" "$LECTERN" index --check

# ---- an index inside the notes, under a name not hidden ----
M=$TEST_TMP/meetings
mkdir -p "$M"
printf 'zebu the first meeting: saola\n' >"$M/one.md"
printf 'zebu the second meeting\n' >"$M/two.md"
t_ok "an index at meetings/idx, of meetings/" "$LECTERN" index --json --index "$M/idx" "$M"
t_eq "... two notes" "2 0 0 0 0" "$(counts)"
t_ok "... a second run" "$LECTERN" index --json --index "$M/idx"
t_eq "... does not index the index (no note added, no warning)" "0 0 0 0 0" "$(counts)"
t_eq "... two notes, both unchanged" "2 2" "$(jq -r '"\(.files) \(.unchanged)"' <<<"$T_OUT")"
t_exit 1 "... the index's roots file is no note" \
	"$LECTERN" find --index "$M/idx" --all 'path:roots'
t_ok "an index of 2 shards at meetings/shidx" \
	"$LECTERN" index --json --shards 2 --index "$M/shidx" "$M"
t_eq "... two notes, not the other index" "2 0 0 0 0" "$(counts)"
t_ok "... a second run" "$LECTERN" index --json --index "$M/shidx"
t_eq "... does not index either index" "0 0 0 0 0" "$(counts)"
t_ok "the first index again, now with the other index beside it" \
	"$LECTERN" index --json --index "$M/idx"
t_eq "... still two notes" "0 0 0 0 0 2" "$(jq -r '"\(.added) \(.updated) \(.removed) \(.skipped) \(.warnings) \(.files)"' <<<"$T_OUT")"
t_ok "a rebuild of it" "$LECTERN" index --json --rebuild --index "$M/idx"
t_eq "... two notes (its .build/ is not walked either)" "2" "$(jq -r .added <<<"$T_OUT")"
t_ok "--check of it" "$LECTERN" index --check --index "$M/idx"

# ---- nor is it watched: its own commits would wake the watcher for ever ----
# shellcheck source=tests/serve-lib.sh
. "$REPO/tests/serve-lib.sh"
if [[ -d /proc/$$/fdinfo ]]; then
	t_ok "serve --watch of meetings/, its index at meetings/idx" \
		start_serve "$TEST_TMP/serve.log" --watch --index "$M/idx"
	# the inodes the daemon's inotify watches (hex), from /proc
	watched=$(sed -n 's/^inotify wd:[0-9]* ino:\([0-9a-f]*\) .*/\1/p' /proc/"$SERVE_PID"/fdinfo/* | sort)
	hex() { printf '%x\n' "$(stat -c %i "$1")"; }
	t_contains "... watches meetings/" "$(hex "$M")" "$watched"
	# the index directory itself is watched for its roots file only
	# (IN_CLOSE_WRITE | IN_MOVED_TO: a root another process adds), never
	# as notes
	idxmask=$(sed -n "s/^inotify wd:[0-9]* ino:$(hex "$M/idx") .* mask:\([0-9a-f]*\) .*/\1/p" \
		/proc/"$SERVE_PID"/fdinfo/*)
	t_eq "... meetings/idx only for its roots file" "" "$(grep -v '^88$' <<<"$idxmask")"
	t_lacks "... nor meetings/idx/xapian" "$(hex "$M/idx/xapian")" "$watched"
	printf 'zebu a note saved while watched: dibatag\n' >"$M/three.md"
	until "$LECTERN" find --index "$M/idx" --all -l dibatag >/dev/null 2>&1; do sleep 0.1; done
	t_ok "... a note saved is indexed (a hang is the runner's timeout)" \
		"$LECTERN" find --index "$M/idx" --all -l dibatag
	stop_serve
else
	echo "# no /proc/PID/fdinfo: the watch set not checked"
fi

t_done
