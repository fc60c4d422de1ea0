#!/bin/sh
# check-xap-symbols.sh OBJECT... [HEADER]
#
# The Xapian boundary (common/xap*.cc) is built with -fvisibility=hidden and
# marks only the API for export. Check that the global C-linkage symbols the
# OBJECTs define together (build/common/xap*.o) are exactly the functions
# HEADER (common/xap.h, the default; an argument ending in .h) declares, and
# that each is exported with default visibility. Prints the differences;
# exits 1 on a mismatch, 2 on a usage error.
set -eu

hdr=$(dirname "$0")/../../common/xap.h
objs=
for arg in "$@"; do
	case $arg in
	*.h) hdr=$arg ;;
	*)
		if [ ! -r "$arg" ]; then
			objs=
			break
		fi
		objs="$objs $arg"
		;;
	esac
done
obj=${objs# }
if [ -z "$obj" ] || [ ! -r "$hdr" ]; then
	echo "usage: $0 OBJECT... [HEADER]   (e.g. build/common/xap*.o common/xap.h)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xapsyms.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# Declared: a prototype starts at column 0 with its return type (not a
# comment, directive, typedef, brace or blank line); the function's name is
# the identifier just before the first "(".
grep -E '^[A-Za-z_]' "$hdr" |
	grep -Ev '^(typedef|enum|struct [A-Za-z_0-9]+ *\{|extern|#)' |
	grep '(' |
	sed -E 's/^([^(]*[^A-Za-z0-9_(])?([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\(.*/\2/' |
	LC_ALL=C sort -u >"$tmp/declared"

# Defined: global symbols that are C identifiers and not C++ (_Z) names.
# This drops the hidden DW.ref.* personality references of the C++ runtime.
# shellcheck disable=SC2086 # several objects
nm -g --defined-only $obj | awk '{ print $NF }' |
	grep -E '^[A-Za-z_][A-Za-z0-9_]*$' | grep -v '^_Z' |
	LC_ALL=C sort -u >"$tmp/defined"

status=0
if [ ! -s "$tmp/declared" ]; then
	echo "no prototypes found in $hdr" >&2
	exit 1
fi

missing=$(LC_ALL=C comm -23 "$tmp/declared" "$tmp/defined")
extra=$(LC_ALL=C comm -13 "$tmp/declared" "$tmp/defined")
if [ -n "$missing" ]; then
	echo "declared in $hdr but not defined in $obj:"
	echo "$missing" | sed 's/^/  /'
	status=1
fi
if [ -n "$extra" ]; then
	echo "defined in $obj but not declared in $hdr:"
	echo "$extra" | sed 's/^/  /'
	status=1
fi

# nm -g also lists hidden globals; an API function that lost its export
# attribute would still pass the check above, so ask readelf.
if command -v readelf >/dev/null 2>&1; then
	# shellcheck disable=SC2086
	readelf -sW $obj |
		awk '$5 == "GLOBAL" && $7 != "UND" && $6 != "DEFAULT" { print $8 }' |
		LC_ALL=C sort -u >"$tmp/hidden"
	hidden=$(LC_ALL=C comm -12 "$tmp/declared" "$tmp/hidden")
	if [ -n "$hidden" ]; then
		echo "declared in $hdr but not exported (hidden) in $obj:"
		echo "$hidden" | sed 's/^/  /'
		status=1
	fi
fi

if [ "$status" -eq 0 ]; then
	echo "ok: $(wc -l <"$tmp/declared") xap symbols match $hdr"
fi
exit "$status"
