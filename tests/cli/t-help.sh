#!/usr/bin/env bash
# morph help: the list of commands, and for each command the SYNOPSIS and
# options of its man page, built into the program.
. "$(dirname "$0")/lib.sh"
man=$MORPH_SOURCE_DIR/man

# section TEXT NAME: the lines of section NAME of rendered text, up to the
# next line that is not indented (a heading, or help's last line).
section() {
	printf '%s\n' "$1" |
	    awk -v s="$2" '$0 == s {on = 1; next} /^[^ ]/ {on = 0} on'
}

# flat: its input on one line, runs of blanks as one space.
flat() {
	tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//'
}

# The list, which help itself is in.
ok morph help
expect_contains "$out" "usage: morph [-C directory] command [argument ...]"
expect_contains "$out" "
  help         show the synopsis and options of a command" "help lists help"
commands=$(printf '%s\n' "$out" |
    awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')

# Every command: help prints the SYNOPSIS of its man page as mandoc renders
# it now (so a page edited after the build shows up as a difference), and
# an OPTIONS section that describes every option its usage line names.
n=0
for c in $commands; do
	n=$((n + 1))
	ok morph help "$c"
	help=$out
	page=$man/morph-$c.1
	want=$(mandoc -Tascii "$page" | sed 's/.\x08//g')
	expect_eq "$(section "$help" SYNOPSIS | flat)" \
	    "$(section "$want" SYNOPSIS | flat)" "help $c: SYNOPSIS of morph-$c.1"
	expect_contains "$help" "man morph-$c tells the rest." "help $c: ends"
	options=$(section "$help" OPTIONS)
	usage=$("$MORPH" "$c" -h)
	for opt in $(printf '%s\n' "$usage" | grep -oE -- '[ [|]-[-a-zA-Z]*' |
	    cut -c2- | sort -u); do
		case $opt in
		--) continue ;;		# the end of options, not one
		--*) list=$opt ;;
		-count) list=$opt ;;	# a number as an option, "log -3
		*) list=$(printf '%s\n' "${opt#-}" | sed 's/./-& /g') ;;
		esac
		for o in $list; do
			T_CHECKS=$((T_CHECKS + 1))
			if printf '%s\n' "$options" |
			    grep -qE -- "(^|[ ,])$o([ ,=]|$)"; then
				pass "help $c: OPTIONS has $o"
			else
				fail "help $c: OPTIONS lacks $o of [$usage]"
			fi
		done
	done
done
T_CHECKS=$((T_CHECKS + 1))
if [ "$n" -ge 20 ]; then pass "$n commands"; else fail "only $n commands"; fi

# What an option list renders as: tags, descriptions, the words between.
ok morph help run
expect_contains "$out" "OPTIONS
     --allow-exec
             Let the suite's \`exec' assertions run their commands." "run"
expect_contains "$out" "     -j jobs, --jobs=jobs
             Calls in flight at once, from 1 to 1000 (8)." "run: -j"
# A command without options has no OPTIONS section.
ok morph help help
expect_eq "$out" "SYNOPSIS
     morph help [command]

man morph-help tells the rest." "help help"

# EXAMPLES in morph-help.1.
ok morph rev-parse -h
expect_eq "$out" "usage: morph rev-parse [--abbrev-ref | --short] revision ..." "COMMAND -h"

# Errors.
fails 2 morph help frobnicate
expect_eq "$err" "morph: 'frobnicate' is not a morph command; see morph help" \
    "unknown command"
expect_eq "$out" "" "nothing on stdout"
fails 2 morph help run log
expect_contains "$err" "morph: help: give one command, not 2"
expect_contains "$err" "usage: morph help [command]"
fails 2 morph help --bogus
expect_contains "$err" "morph: help: unknown option '--bogus'"
ok morph help -h
expect_eq "$out" "usage: morph help [command]" "help -h"

# Long help goes through the pager on a terminal, as log does.
if script -qc true /dev/null >/dev/null 2>&1; then
	out=$(TERM=xterm MORPH_PAGER='sed s/^/paged:/' \
	    script -qc "$MORPH help run" /dev/null | tr -d '\r')
	expect_contains "$out" "paged:     --allow-exec" "paged on a terminal"
else
	echo "# script(1) not usable: the pager not checked"
fi
out=$(MORPH_PAGER='sed s/^/paged:/' "$MORPH" help run)
expect_not_contains "$out" "paged:" "no pager off a terminal"

done_testing
