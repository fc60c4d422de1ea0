#!/usr/bin/env bash
# T286-find-read-ahead - hits read their passages' records from the index
# in the index's order, not the hits' order: `find --all --format vimgrep`
# over many notes of many matching passages reads a block of Xapian's
# postlist table (where the records are kept, by value slot then document)
# for several hits, where a lookup a hit read about a block each (1,790
# blocks for these 1,920 hits; counted with strace); and `--all` in rank
# order and a page over the read-ahead's chunk give what they gave.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need strace

cd "$TEST_TMP" || exit 1
mkdir notes
# 80 notes of 24 sections, each section a passage that mentions the word
for n in $(seq -w 1 80); do
	{
		printf '# Meeting %s\n\n' "$n"
		for s in $(seq 1 24); do
			printf '## Topic %s of meeting %s\n\n' "$s" "$n"
			printf 'AB: The okapi question came back, round %s, with the minutes of %s.\n' "$s" "$n"
			printf 'CD: Agreed; the notes go to the wiki after the call.\n\n'
		done
	} >"notes/m$n.md"
done
t_ok "index 80 notes of 24 passages" "$LECTERN" index --no-progress notes

# postlist_reads ARGS...: blocks `find --no-daemon ARGS` read from
# postlist.glass (its output in $TEST_TMP/out)
postlist_reads() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -y -e trace=pread64 -o "$TEST_TMP/trace" \
		"$LECTERN" find --no-daemon "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	grep -c 'postlist.glass>' "$TEST_TMP/trace"
}
reads=$(postlist_reads --all --format vimgrep okapi)
hits=$(wc -l <"$TEST_TMP/out")
t_eq "vimgrep --all lists every passage" 1920 "$hits"
t_true "... reading $reads blocks of postlist.glass for its $hits hits (under one for 4 hits)" \
	test "$reads" -gt 0 -a $((reads * 4)) -lt "$hits"
t_eq "... in place order" "$(LC_ALL=C sort -t: -k1,1 -k2,2n "$TEST_TMP/out")" "$(cat "$TEST_TMP/out")"

reads=$(postlist_reads --all --json okapi)
t_eq "--all in rank order: every passage" 1920 "$(grep -c '"type":"match"' "$TEST_TMP/out")"
t_true "... reading $reads blocks of postlist.glass (under one for 4 hits)" \
	test "$reads" -gt 0 -a $((reads * 4)) -lt 1920
t_eq "... with each hit's headings and speakers" 1920 \
	"$(grep '"type":"match"' "$TEST_TMP/out" | grep -c '"headings":\["Meeting [0-9]*","Topic [0-9]* of meeting [0-9]*"\].*"speakers":\["AB"\]')"

# a page over the read-ahead's chunk, from an offset, is the same slice of
# --all
"$LECTERN" find --no-daemon --all --json okapi | grep '"type":"match"' |
	sed -n 1101,2300p | sed 's/"warnings":.*//' >"$TEST_TMP/all"
"$LECTERN" find --no-daemon --json -n 1200 --offset 1100 okapi | grep '"type":"match"' |
	sed 's/"warnings":.*//' >"$TEST_TMP/page"
t_eq "--offset 1100 -n 1200 is ranks 1101-1920 of --all" "" "$(diff "$TEST_TMP/all" "$TEST_TMP/page")"
t_done
