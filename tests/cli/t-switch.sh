#!/usr/bin/env bash
# morph switch: onto a branch, -c, --detach, '-' from the reflog, the
# refusal of a tag or commit without --detach, local changes refused and
# forced, usage errors.
. "$(dirname "$0")/lib.sh"

# The examples of morph-switch(1).
new_repo example
mkdir prompts
commit_file prompts/greeting.txt 'Say hello.' 'first greeting'
ok morph tag v1
ok morph switch -c shorter
expect_eq "$out" "Switched to a new branch 'shorter'"
expect_eq "$(morph rev-parse --abbrev-ref HEAD)" "shorter" "on the new branch"
commit_file prompts/greeting.txt 'Say hello, briefly.' 'shorter greeting'
ok morph switch -
expect_eq "$out" "Switched to branch 'main'"
expect_eq "$(cat prompts/greeting.txt)" "Say hello." "main's file"
ok morph switch -
expect_eq "$out" "Switched to branch 'shorter'" "switch - toggles"
expect_eq "$(cat prompts/greeting.txt)" "Say hello, briefly." "shorter's file"
ok morph switch --detach v1
expect_eq "$out" "HEAD is now at $(morph rev-parse --short v1) first greeting"
expect_eq "$(morph rev-parse --abbrev-ref HEAD)" "HEAD" "detached"
ok morph reflog -n 1
expect_eq "$out" "$(morph rev-parse --short v1) HEAD@{0}: checkout: moving from shorter to v1" \
    "switch logs as git does"
ok morph switch -
expect_eq "$out" "Switched to branch 'shorter'" "back from a detached HEAD"

# A tag or a commit is no branch: refused unless --detach.
fails 2 morph switch v1
expect_eq "$err" "morph: a branch is expected, got 'v1'; to detach HEAD at that commit, add --detach"
fails 2 morph switch HEAD~1
expect_contains "$err" "a branch is expected, got 'HEAD~1'"
expect_eq "$(morph rev-parse --abbrev-ref HEAD)" "shorter" "nothing moved"
ok morph switch --detach
expect_eq "$(morph rev-parse HEAD)" "$(morph rev-parse shorter)" "--detach alone: at HEAD"
expect_eq "$(morph rev-parse --abbrev-ref HEAD)" "HEAD" "--detach even on a branch"
ok morph switch --detach main
expect_eq "$(morph rev-parse --abbrev-ref HEAD) $(morph rev-parse HEAD)" \
    "HEAD $(morph rev-parse main)" "--detach BRANCH detaches at its commit"
ok morph switch shorter

# -c START, and an unborn HEAD.
ok morph switch -c from-v1 v1
expect_eq "$(morph rev-parse HEAD)" "$(morph rev-parse v1)" "-c NAME START"
fails 2 morph switch -c from-v1
expect_eq "$err" "morph: a branch named 'from-v1' already exists"
ok morph switch -q main
expect_eq "$out$err" "" "switch -q"

# Local changes are refused as checkout refuses them; -f discards.
echo 'Say hi.' >prompts/greeting.txt
fails 2 morph switch shorter
expect_contains "$err" "checkout would overwrite local changes:
	prompts/greeting.txt (modified)"
expect_eq "$(cat prompts/greeting.txt)" "Say hi." "the edit is kept"
ok morph switch -f shorter
expect_eq "$(cat prompts/greeting.txt)" "Say hello, briefly." "-f discarded it"
ok morph switch --discard-changes main

# Usage errors.
fails 2 morph switch
expect_contains "$err" "no branch given"
fails 2 morph switch nope
expect_eq "$err" "morph: unknown revision 'nope'"
fails 2 morph switch a b
fails 2 morph switch -c x --detach
expect_contains "$err" "-c and --detach cannot be combined"
fails 2 morph switch -- prompts
cd "$T_ROOT"

# switch - with no earlier checkout.
new_repo fresh
commit_file a.txt a 'a'
fails 2 morph switch -
expect_eq "$err" "morph: '@{-1}': HEAD's log records 0 checkouts"
ok morph switch -c other
ok morph switch -c another
ok morph rev-parse --abbrev-ref @{-2}
expect_eq "$out" "main" "@{-2} after two switches"
cd "$T_ROOT"

done_testing
