#!/usr/bin/env bash
# Every command has a man page whose SYNOPSIS equals its usage line, and
# every page passes mandoc -Tlint at warning level.
set -u
: "${MORPH:?}" "${MORPH_SOURCE_DIR:?}"
man=$MORPH_SOURCE_DIR/man
fail=0
checked=0

if ! command -v mandoc >/dev/null; then
	echo "mandoc is not installed (apt-get install mandoc)"
	exit 1
fi

synopsis() {
	# The SYNOPSIS section as plain text on one line.
	mandoc -Tascii -Owidth=200 "$1" | sed 's/.\x08//g' |
	    awk '/^SYNOPSIS/ {on = 1; next} /^[A-Z]/ {on = 0} on' |
	    tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//'
}

for cmd in $("$MORPH" help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}'); do
	checked=$((checked + 1))
	page=$man/morph-$cmd.1
	if [ ! -f "$page" ]; then
		echo "not ok: command '$cmd' has no man page morph-$cmd.1"
		fail=1
		continue
	fi
	# A usage of several forms (one "morph ..." line each) is compared
	# flattened to one line, as the SYNOPSIS is.
	usage=$("$MORPH" help "$cmd" | sed 's/^usage: //' |
	    tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//')
	syn=$(synopsis "$page")
	if [ "$usage" != "$syn" ]; then
		echo "not ok: morph-$cmd.1 SYNOPSIS differs from the usage line"
		echo "  usage:    $usage"
		echo "  SYNOPSIS: $syn"
		fail=1
	else
		echo "ok: morph-$cmd.1 SYNOPSIS matches"
	fi
done

for page in "$man"/*.[15]; do
	if ! out=$(mandoc -Tlint -Wwarning "$page" 2>&1) || [ -n "$out" ]; then
		echo "not ok: mandoc -Tlint $page"
		echo "$out"
		fail=1
	fi
done
[ -f "$man/morph.1" ] || { echo "not ok: no morph.1"; fail=1; }
echo "# $checked commands checked"
exit $fail
