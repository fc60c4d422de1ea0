#!/usr/bin/env bash
# T180-index-damage - an index whose database files are damaged, each in
# turn (truncated to nothing, or a few bytes flipped): `status --verify`
# names the database and the file and exits 1; every command that meets
# the damage exits 2 saying which database and file and what to do, never a
# raw Xapian message alone; `index --rebuild` builds the index again from
# its notes (the roots are kept outside the database), and the result is
# exactly a clean index's.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"
t_need jq
t_need python3
t_need xapian-check

NOTES=$TEST_TMP/notes
cp -r "$REPO/corpus" "$NOTES"
QUERIES=(cattle '"cattle, not pets"' 'amazon NEAR/5 cloud' 'insta*' 'title:keynote')

# answer INDEX QUERY: the query's --all vimgrep lines and exit code
answer() {
	"$LECTERN" find --index "$1" --no-daemon --all --format vimgrep "$2" 2>/dev/null
	echo "exit $?"
}
# results INDEX: every query's answer
results() {
	local q
	for q in "${QUERIES[@]}"; do
		echo "== $q"
		answer "$1" "$q"
	done
}

"$LECTERN" index -q --index "$TEST_TMP/clean" "$NOTES" >/dev/null
results "$TEST_TMP/clean" >"$TEST_TMP/clean.res"
t_ok "a clean index is whole" "$LECTERN" status --index "$TEST_TMP/clean" --verify
t_contains "... and says so" "is whole" "$T_OUT"

# flip FILE: flip a byte in each of 5 places spread over FILE
flip() {
	python3 - "$1" <<'EOF'
import sys
f = sys.argv[1]
d = bytearray(open(f, "rb").read())
n = len(d)
for k in range(1, 6):
    off = n * k // 6
    d[off] ^= 0x5a
open(f, "wb").write(d)
EOF
}

for table in postlist position termlist docdata; do
	for how in truncated flipped; do
		L="$table.glass $how"
		IDX=$TEST_TMP/idx-$table-$how
		cp -r "$TEST_TMP/clean" "$IDX"
		f=$IDX/xapian/$table.glass
		if [[ $how == truncated ]]; then : >"$f"; else flip "$f"; fi

		# flipped bytes may land in a block's free space: damage is what
		# Xapian's own checker (xapian-check, not lectern) finds there
		damaged=yes
		[[ $how == flipped ]] && xapian-check "$IDX/xapian" >/dev/null 2>&1 && damaged=no
		if [[ $damaged == yes ]]; then
			t_exit 1 "$L: status --verify exits 1" "$LECTERN" status --index "$IDX" --verify
			t_contains "$L: ... naming the database and the file" "$IDX/xapian/$table.glass" "$T_OUT"
			t_contains "$L: ... and what to do" "lectern index --rebuild" "$T_OUT"
			t_exit 1 "$L: status --verify --json exits 1" "$LECTERN" status --index "$IDX" --verify --json
			t_eq "$L: ... says it is not whole" false "$(jq -r .whole <<<"$T_OUT" 2>/dev/null)"
			t_contains "$L: ... naming the file" "$table.glass" "$(jq -r '.damage[].where' <<<"$T_OUT" 2>/dev/null)"
		fi
		t_run "$LECTERN" status --index "$IDX" --verify
		verified=$T_RC

		# a find answers as the clean index does, or fails saying why; an
		# index that verifies whole answers as the clean one
		for q in "${QUERIES[@]}"; do
			t_run "$LECTERN" find --index "$IDX" --no-daemon --all --format vimgrep "$q"
			if [[ $T_RC -eq 2 ]]; then
				t_eq "$L: find $q: fails only on an index verify finds damaged" 1 "$verified"
				t_contains "$L: find $q: fails naming the database" "$IDX/xapian" "$T_ERR"
				t_contains "$L: find $q: ... and what to do" "lectern index --rebuild" "$T_ERR"
			elif [[ $verified -eq 0 ]]; then
				t_eq "$L: find $q: as the clean index" "$(answer "$TEST_TMP/clean" "$q")" \
					"$(answer "$IDX" "$q")"
			fi
		done
		# the commands that write: a truncated file stops them, saying why
		if [[ $how == truncated && $table != position ]]; then
			t_exit 2 "$L: index --forget fails" "$LECTERN" index --index "$IDX" --forget "$NOTES"
			t_contains "$L: ... saying what to do" "lectern index --rebuild" "$T_ERR"
			t_lacks "$L: ... not a bare Xapian message" "lectern: index: DatabaseError" "$T_ERR"
		fi

		t_ok "$L: index --rebuild" "$LECTERN" index -q --index "$IDX" --rebuild
		t_eq "$L: ... keeps the root" "$NOTES" "$("$LECTERN" status --index "$IDX" --json | jq -r '.roots[]')"
		t_ok "$L: ... and the index is whole" "$LECTERN" status --index "$IDX" --verify
		results "$IDX" >"$TEST_TMP/now.res"
		t_eq "$L: ... and answers as a clean index" "$(cat "$TEST_TMP/clean.res")" \
			"$(cat "$TEST_TMP/now.res")"
		t_eq "$L: ... nothing left beside it" "" \
			"$(cd "$IDX" && find . -mindepth 1 -maxdepth 1 ! -name xapian ! -name roots)"
	done
done

# the roots file damaged: said, not guessed
IDX=$TEST_TMP/idx-roots
cp -r "$TEST_TMP/clean" "$IDX"
printf 'not a roots line\n' >"$IDX/roots"
t_exit 2 "a damaged roots file: index exits 2" "$LECTERN" index --index "$IDX"
t_contains "... naming the file" "$IDX/roots" "$T_ERR"
t_exit 1 "... status --verify exits 1" "$LECTERN" status --index "$IDX" --verify
t_contains "... naming it" "$IDX" "$T_OUT"

# a serve on a damaged index says the same when a request meets it
IDX=$TEST_TMP/idx-truncated-serve
cp -r "$TEST_TMP/clean" "$IDX"
: >"$IDX/xapian/postlist.glass"
t_exit 2 "serve on an index whose postlist.glass is empty exits 2" \
	timeout 20 "$LECTERN" serve --index "$IDX" --socket "$TEST_TMP/s.sock"
t_contains "... naming the database and the file" "postlist.glass" "$T_ERR"
t_done
