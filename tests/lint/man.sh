#!/usr/bin/env bash
# Every command has a man page whose SYNOPSIS equals its usage line; every
# page passes mandoc -Tlint -Wall, names only pages that exist with Xr, and
# renders without markup glitches (mantext.py).
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
	usage=$("$MORPH" "$cmd" -h | sed 's/^usage: //' |
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

# -Wall down to style messages, but for those that depend on the manuals
# this machine has: our own pages are not installed while we test them, and
# the Xr loop below checks that every morph page referenced exists.
for page in "$man"/*.[15]; do
	out=$(mandoc -Tlint -Wall "$page" 2>&1 |
	    grep -v -e 'referenced manual not found' -e 'mandoc\.db')
	if [ -n "$out" ]; then
		echo "not ok: mandoc -Tlint -Wall $page"
		echo "$out"
		fail=1
	fi
	for ref in $(grep -o 'Xr morph[-a-z]* [1-9]' "$page" |
	    awk '{print $2 "." $3}' | sort -u); do
		if [ ! -f "$man/$ref" ]; then
			echo "not ok: $page refers to $ref, which does not exist"
			fail=1
		fi
	done
done
python3 "$(dirname "$0")/mantext.py" "$man"/*.[15] || fail=1
[ -f "$man/morph.1" ] || { echo "not ok: no morph.1"; fail=1; }
echo "# $checked commands checked"
exit $fail
