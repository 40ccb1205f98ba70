#!/usr/bin/env bash
# morph reset: --soft keeps the index and the work tree, --mixed (the
# default) resets the index, --hard the tracked files too and never an
# untracked file out of the way; a detached HEAD; reset -- PATH; the
# reflog; usage errors; a hard reset killed midway and finished.
. "$(dirname "$0")/lib.sh"

# The examples of morph-reset(1).
new_repo example
mkdir prompts
commit_file prompts/greeting.txt 'Say hello.' 'first greeting'
c1=$(morph rev-parse HEAD)
commit_file prompts/greeting.txt 'Say hello, briefly.' 'shorter greeting'
c2=$(morph rev-parse HEAD)

# --soft: the branch moves, the index and the files stay: staged changes.
ok morph reset --soft HEAD~1
expect_eq "$out" "" "soft reset prints nothing"
expect_eq "$(morph rev-parse HEAD) $(morph rev-parse main)" "$c1 $c1" \
    "soft reset moved the branch"
ok morph status --short
expect_eq "$out" "M  prompts/greeting.txt" "--soft keeps the index: the change is staged"
expect_eq "$(cat prompts/greeting.txt)" "Say hello, briefly." "--soft keeps the file"
ok morph commit -q -m 'shorter greeting, again'
expect_eq "$(morph rev-parse HEAD~1)" "$c1" "recommitted on top of the first"

# --mixed (the default): the index follows, the work tree stays.
ok morph reset HEAD~1
expect_eq "$out" "Unstaged changes after reset:
M	prompts/greeting.txt" "mixed reset lists what it left unstaged"
expect_eq "$(morph rev-parse HEAD)" "$c1" "mixed reset moved the branch"
ok morph status --short
expect_eq "$out" " M prompts/greeting.txt" "--mixed resets the index, not the file"
ok morph add prompts/greeting.txt
ok morph reset
ok morph status --short
expect_eq "$out" " M prompts/greeting.txt" "reset with no revision unstages everything"
ok morph add prompts/greeting.txt
ok morph reset -- prompts/greeting.txt
ok morph status --short
expect_eq "$out" " M prompts/greeting.txt" "reset -- PATH unstages one file"
expect_eq "$(morph rev-parse HEAD)" "$c1" "reset -- PATH moves nothing"

# --hard: tracked files as the commit has them; untracked files stay.
ok morph reset --hard "$c2"
expect_eq "$out" "HEAD is now at $(morph rev-parse --short "$c2") shorter greeting"
expect_eq "$(cat prompts/greeting.txt)" "Say hello, briefly." "hard reset wrote the file"
ok morph status --short
expect_eq "$out" "" "clean after a hard reset"
ok morph reset --hard HEAD~1
ok morph reset --hard HEAD@{1}
expect_eq "$(morph rev-parse HEAD)" "$c2" "reset --hard HEAD@{1} undoes a reset"
cd "$T_ROOT"

# What a hard reset restores, removes and keeps.
new_repo hard
commit_file keep.txt 'kept' 'base'
base=$(morph rev-parse HEAD)
mkdir dir
printf 'later\n' >dir/later.txt
printf 'v1\n' >keep.txt
ok morph add .
ok morph commit -q -m 'later'
later=$(morph rev-parse HEAD)
printf 'edited\n' >keep.txt          # a modified tracked file
printf 'staged new\n' >staged.txt    # a new file, staged
ok morph add staged.txt
printf 'untracked\n' >untracked.txt  # an untracked file
ok morph reset --hard
expect_eq "$(cat keep.txt)" "v1" "reset --hard restores a modified file"
expect_eq "$([ -e staged.txt ] && echo there || echo gone)" gone \
    "a staged new file is removed, as git does"
expect_eq "$(cat untracked.txt)" "untracked" "an untracked file is kept"
ok morph status --short
expect_eq "$out" "?? untracked.txt" "only the untracked file is left"
ok morph reset --hard "$base"
expect_eq "$(cat keep.txt)" "kept" "an older commit's file"
expect_eq "$([ -e dir ] && echo there || echo gone)" gone \
    "files (and directories) the target lacks are removed"
expect_eq "$(cat untracked.txt)" "untracked" "still kept"
# An untracked file where the target puts one is replaced, as in git.
mkdir dir
printf 'in the way\n' >dir/later.txt
ok morph reset --hard "$later"
expect_eq "$(cat dir/later.txt)" "later" "an untracked file in the way is replaced"
ok morph status --short
expect_eq "$out" "?? untracked.txt" "clean but for the untracked file"
ok morph reflog -n 3
expect_eq "$out" "$(morph rev-parse --short "$later") HEAD@{0}: reset: moving to $later
$(morph rev-parse --short "$base") HEAD@{1}: reset: moving to $base
$(morph rev-parse --short "$later") HEAD@{2}: reset: moving to HEAD" \
    "each reset is logged, HEAD's own included"
ok morph reflog -n 1 main
expect_eq "$out" "$(morph rev-parse --short "$later") main@{0}: reset: moving to $later" \
    "and in the branch's log"

# A detached HEAD moves alone.
ok morph checkout -q "$later"
ok morph reset --hard "$base"
expect_eq "$(morph rev-parse HEAD) $(morph rev-parse main)" "$base $later" \
    "a detached HEAD moves, the branch stays"
expect_eq "$(morph rev-parse --abbrev-ref HEAD)" "HEAD" "still detached"
ok morph checkout -q main

# Usage and errors: nothing moves.
fails 2 morph reset --soft --hard HEAD
expect_contains "$err" "--soft and --hard cannot be combined"
fails 2 morph reset --hard -- keep.txt
expect_contains "$err" "cannot do a hard reset with paths"
fails 2 morph reset nope
expect_eq "$err" "morph: unknown revision 'nope'"
fails 2 morph reset HEAD:keep.txt
expect_contains "$err" "is a blob, not a commit"
fails 2 morph reset a b
fails 2 morph reset -- nothing.txt
expect_contains "$err" "pathspec 'nothing.txt' did not match"
expect_eq "$(morph rev-parse HEAD)" "$later" "HEAD did not move"
ok morph reset -q HEAD~1
expect_eq "$out$err" "" "reset -q prints nothing"
ok morph reset -q --hard main@{1}
expect_eq "$(morph rev-parse HEAD)" "$later" "back"
cd "$T_ROOT"

# On a branch with no commits yet, reset -- PATH unstages.
new_repo unborn
printf 'x\n' >x.txt
ok morph add x.txt
ok morph reset -- x.txt
ok morph status --short
expect_eq "$out" "?? x.txt" "unstaged on an unborn branch"
fails 2 morph reset
expect_contains "$err" "no commits yet"
cd "$T_ROOT"

# A hard reset killed after its first file: status names it, commit and
# add refuse, and the same reset finishes it (see t-checkout.sh for the
# FIFO that makes this independent of timing).
pause_fifo=$T_ROOT/pause
mkfifo "$pause_fifo"
exec {pause_fd}<>"$pause_fifo"
new_repo killed
n=100
for ((i = 0; i < n; i++)); do printf 'old %d\n' "$i" >"f$i.txt"; done
ok morph add .
ok morph commit -q -m old
old=$(morph rev-parse HEAD)
for ((i = 0; i < n; i++)); do printf 'new %d\n' "$i" >"f$i.txt"; done
ok morph commit -q -a -m new
new=$(morph rev-parse HEAD)
MORPH_TEST_CHECKOUT_PAUSE=$pause_fifo "$MORPH" reset --hard "$old" \
    >/dev/null 2>&1 &
pid=$!
line=
read -r -t 60 -u "$pause_fd" line
kill -KILL "$pid"
wait "$pid"
expect_eq "$? $line" "137 paused" "reset --hard killed midway"
expect_eq "$(morph rev-parse HEAD)" "$new" "HEAD did not move yet"
ok morph status
expect_contains "$out" "A reset to $old was interrupted: the work tree is partly reset.
  (use \"morph reset --hard $old\" to finish it)"
fails 2 morph commit -q -a -m 'mixed'
expect_contains "$err" "a reset to $old was interrupted"
fails 2 morph reset --soft HEAD~1
expect_contains "$err" "cannot reset: a reset to $old was interrupted"
fails 1 morph fsck
expect_contains "$out$err" "a reset to $old was interrupted"
ok morph reset --hard "$old"
expect_eq "$(morph rev-parse HEAD)" "$old" "the reset finished"
expect_eq "$(cat f$((n - 1)).txt)" "old $((n - 1))" "every file reset"
ok morph status --short
expect_eq "$out" "" "clean once finished"
exec {pause_fd}>&-
cd "$T_ROOT"

# A merge in progress: --soft is refused and changes nothing, as git
# refuses it; --mixed and --hard end the merge, as git's reset forgets it.
new_repo merging
printf 'a\nb\nc\n' >a.txt
ok morph add a.txt
ok morph commit -q -m base
ok morph branch side
printf 'a\nB\nc\n' >a.txt
ok morph commit -q -a -m ours
base_head=$(morph rev-parse HEAD)
ok morph checkout -q side
printf 'a\nBB\nc\n' >a.txt
ok morph commit -q -a -m theirs
ok morph checkout -q main
fails 1 morph merge side
expect_contains "$out" "CONFLICT (content): Merge conflict in a.txt"
fails 2 morph reset --soft HEAD~1
expect_eq "$err" "morph: cannot do a soft reset in the middle of a merge: finish it (morph commit) or undo it (morph merge --abort)"
expect_eq "$(morph rev-parse HEAD)" "$base_head" "a refused soft reset leaves HEAD"
ok morph status
expect_contains "$out" "You have unmerged paths" "a refused soft reset leaves the merge"
ok morph reset --hard
expect_eq "$(cat a.txt)" "a
B
c" "reset --hard takes the conflicted file back to HEAD's"
ok morph status --json
expect_eq "$(json "d['merge']")" "None" "reset --hard ended the merge"
ok morph status --short
expect_eq "$out" "" "clean after reset --hard of a merge"
fails 1 morph merge side
ok morph reset
ok morph status --json
expect_eq "$(json "d['merge']")" "None" "reset --mixed ended the merge"
ok morph reflog -n 1
expect_contains "$out" "reset: moving to HEAD" "the reset is logged"
ok morph fsck

done_testing
