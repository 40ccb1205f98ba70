#!/usr/bin/env bash
# Every public header compiles on its own, and neither lib/ nor cmd/ calls
# the C library functions that invite overflows (as git's banned.h).
set -u
: "${MORPH_SOURCE_DIR:?}"
cc=${CC:-cc}
src=$MORPH_SOURCE_DIR
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for h in "$src"/include/morph/*.h; do
	name=morph/$(basename "$h")
	printf '#include "%s"\n' "$name" >"$tmp/t.c"
	if "$cc" -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Wpedantic -Werror \
	    -fsyntax-only -I"$src/include" "$tmp/t.c" 2>"$tmp/err"; then
		echo "ok: $name compiles alone"
	else
		echo "not ok: $name does not compile alone"
		cat "$tmp/err"
		fail=1
	fi
done

banned='\<(strcpy|strcat|strncpy|strncat|sprintf|vsprintf|strtok|gets|asctime|ctime|gmtime|localtime|atoi|atol)[[:space:]]*\('
if hits=$(grep -nE "$banned" "$src"/lib/*.c "$src"/lib/*/*.c "$src"/cmd/*.c 2>/dev/null); then
	echo "not ok: banned functions are used:"
	echo "$hits"
	fail=1
else
	echo "ok: no banned functions"
fi
exit $fail
