#!/usr/bin/env bash
# The morph program itself: global options, help, unknown commands, exit
# statuses, the pager and colour.
. "$(dirname "$0")/lib.sh"

# --version, -h, help.
ok morph --version
T_CHECKS=$((T_CHECKS + 1))
case $out in "morph version "[0-9]*) pass "--version" ;; *) fail "--version: $out" ;; esac
ok morph -h
expect_contains "$out" "usage: morph [-C directory] command [argument ...]"
expect_contains "$out" "Commands:"
for c in add cat-object commit config fsck init log rev-parse rm status; do
	expect_contains "$out" "
  $c " "help lists $c"
done
ok morph help
expect_contains "$out" "usage: morph [-C directory] command [argument ...]"
ok morph help commit
expect_contains "$out" "SYNOPSIS
     morph commit [-aq] [--allow-empty] [-F file | -m message ...]" \
    "help COMMAND (t-help.sh checks the rest)"
ok morph log -h
expect_eq "$out" "usage: morph log [-p] [--author pattern] [--case id] [--json] [--oneline] [--since date] [--stat] [-n count | -count] [revision ...] [-- path ...]" \
    "COMMAND -h"
ok morph status --help
expect_contains "$out" "usage: morph status"

# Errors in the command line exit 2.
fails 2 morph
expect_contains "$err" "usage: morph [-C directory] command [argument ...]"
fails 2 morph frobnicate
expect_contains "$err" "morph: 'frobnicate' is not a morph command; see morph help"
fails 2 morph help frobnicate
expect_contains "$err" "morph: 'frobnicate' is not a morph command"
fails 2 morph --bogus status
expect_contains "$err" "morph: unknown option '--bogus'"
fails 2 morph -C
expect_contains "$err" "morph: option '-C' needs a directory"
fails 2 morph -C "$T_ROOT/nowhere" status
expect_contains "$err" "morph: cannot change to '$T_ROOT/nowhere': No such file or directory"

# Outside any repository.
fails 2 morph status
expect_contains "$err" "morph: not a morph repository (or any of the parent directories): .morph"

# EXAMPLES in morph.1: a repository, a commit, its history.
ok morph init prompts
expect_eq "$out" "Initialized empty morph repository in $T_ROOT/prompts/.morph/" "init"
T_REPOS+=("$T_ROOT/prompts")
cd prompts
printf 'Summarize: {{text}}\n' >summarize.txt
ok morph add summarize.txt
ok morph commit -m "First prompt"
ok morph log --oneline
expect_eq "$out" "$(morph rev-parse --short HEAD) (HEAD -> main) First prompt" "log"

# -C runs the command as if started in the directory; it may repeat.
cd "$T_ROOT"
ok morph -C prompts status --short
expect_eq "$out" "" "-C"
mkdir -p prompts/sub
printf 'x\n' >prompts/sub/x.txt
ok morph -C prompts -C sub add x.txt
ok morph -C prompts status --short
expect_eq "$out" "A  sub/x.txt" "-C twice, each relative to the last"
ok morph -C prompts/sub rev-parse HEAD:summarize.txt
cd prompts

# 1 is a negative answer, not an error.
fails 1 morph config no.such
expect_eq "$err" "" "no message for exit 1"

# The pager and colour, on a terminal only.  script(1) gives one.
if script -qc true /dev/null >/dev/null 2>&1; then
	tty() { script -qc "$*" /dev/null | tr -d '\r'; }
	out=$(TERM=xterm MORPH_PAGER='sed s/^/paged:/' PAGER=false tty "$MORPH" log --oneline)
	expect_contains "$out" "paged:" "MORPH_PAGER on a terminal"
	expect_contains "$out" $'\033[33m' "colour on a terminal"
	out=$(TERM=xterm PAGER='sed s/^/pager:/' tty "$MORPH" log --oneline)
	expect_contains "$out" "pager:" "PAGER when MORPH_PAGER is unset"
	out=$(TERM=xterm MORPH_PAGER=cat NO_COLOR=1 tty "$MORPH" log --oneline)
	expect_not_contains "$out" $'\033' "NO_COLOR"
	out=$(TERM=dumb MORPH_PAGER=cat tty "$MORPH" log --oneline)
	expect_not_contains "$out" $'\033' "TERM=dumb"
	out=$(TERM=xterm MORPH_PAGER='sed s/^/paged:/' tty "$MORPH" log --json)
	expect_not_contains "$out" "paged:" "--json is never paged"
else
	echo "# script(1) not usable: pager and colour not checked"
fi
out=$(MORPH_PAGER='sed s/^/paged:/' "$MORPH" log --oneline)
expect_not_contains "$out" "paged:" "no pager off a terminal"
expect_not_contains "$out" $'\033' "no colour off a terminal"

done_testing
