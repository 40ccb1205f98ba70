#!/usr/bin/env bash
# morph checkout: branches and detached commits, -b, local changes refused
# and carried over, -f, names with spaces and UTF-8, binary files, the
# executable bit, file/directory swaps, and recovery after a checkout is
# killed midway.
. "$(dirname "$0")/lib.sh"

# The examples of morph-checkout(1).
new_repo example
mkdir prompts
commit_file prompts/greeting.txt 'Say hello.' 'first greeting'
ok morph tag v1
ok morph checkout -b experiment
expect_eq "$out" "Switched to a new branch 'experiment'"
commit_file prompts/greeting.txt 'Say hello, briefly.' 'shorter greeting'
ok morph checkout main
expect_eq "$out" "Switched to branch 'main'"
expect_eq "$(cat prompts/greeting.txt)" "Say hello." "main's greeting"
ok morph checkout v1
expect_eq "$out" "Note: switching to 'v1'.

You are in 'detached HEAD' state: new commits belong to no branch, and are
left behind when you switch away unless you give them one with

	morph checkout -b <new-branch-name>

HEAD is now at $(morph rev-parse --short v1) first greeting" "detached note"
ok morph status
expect_contains "$out" "HEAD detached at $(morph rev-parse --short v1)"
ok morph checkout main
echo 'Say hi.' >prompts/greeting.txt
fails 2 morph checkout experiment
expect_eq "$err" "morph: checkout would overwrite local changes:
	prompts/greeting.txt (modified)
commit or restore them first, or force the checkout (-f) to discard them" \
    "conflict message"
expect_eq "$(cat prompts/greeting.txt)" "Say hi." "the edit is kept"
ok morph status --short
expect_eq "$out" " M prompts/greeting.txt" "still on main, edit unstaged"
ok morph checkout -f experiment
expect_eq "$out" "Switched to branch 'experiment'"
expect_eq "$(cat prompts/greeting.txt)" "Say hello, briefly." "forced"
ok morph status --short
expect_eq "$out" "" "clean after -f"

# -q and --quiet print nothing but errors.
ok morph checkout -q v1
expect_eq "$out$err" "" "checkout -q to a detached HEAD: no note"
expect_eq "$(morph rev-parse HEAD)" "$(morph rev-parse v1)" "checkout -q moved HEAD"
ok morph checkout --quiet experiment
expect_eq "$out$err" "" "checkout --quiet to a branch"
expect_eq "$(morph rev-parse --abbrev-ref HEAD)" "experiment" "on experiment"
ok morph checkout -q experiment
expect_eq "$out$err" "" "checkout -q to the current branch"
ok morph checkout -q -b quiet-branch
expect_eq "$out$err" "" "checkout -q -b"
ok morph checkout -q experiment
ok morph branch -d quiet-branch
fails 2 morph checkout -q nope
expect_eq "$err" "morph: unknown revision 'nope'" "checkout -q still prints errors"

# Switching from a detached HEAD prints where HEAD is now, no note.
ok morph checkout v1
ok morph checkout experiment~1
expect_eq "$out" "HEAD is now at $(morph rev-parse --short v1) first greeting"
ok morph checkout experiment
ok morph checkout experiment
expect_eq "$out" "Already on 'experiment'"

# Local changes to files the checkout does not touch are carried over,
# staged or not; changes to files it touches are refused.
ok morph checkout main
echo 'Be terse.' >prompts/system.txt
ok morph add prompts/system.txt
ok morph commit -m 'system prompt'
ok morph checkout -b side
commit_file prompts/greeting.txt 'Say hey.' 'casual greeting'
ok morph checkout main
echo 'Be very terse.' >prompts/system.txt
echo 'note' >notes.txt
ok morph add notes.txt
ok morph checkout side
ok morph status --short
expect_eq "$out" "A  notes.txt
 M prompts/system.txt" "both changes carried"
expect_eq "$(cat prompts/greeting.txt)" "Say hey." "side's greeting"
ok morph checkout main
echo 'Say yo.' >prompts/greeting.txt
ok morph add prompts/greeting.txt
echo 'Say hello.' >prompts/greeting.txt
fails 2 morph checkout side
expect_contains "$err" "prompts/greeting.txt (staged changes)"
fails 2 morph checkout experiment
expect_contains "$err" "prompts/system.txt (modified)"
ok morph checkout -f side
ok morph status --short
expect_eq "$out" "" "-f drops staged changes and new files"
[ ! -e notes.txt ] && [ "$(cat prompts/system.txt)" = "Be terse." ]
expect_eq "$?" 0 "the staged new file is gone, system.txt as committed"
ok morph checkout experiment
[ ! -e prompts/system.txt ]
expect_eq "$?" 0 "a file experiment lacks is removed"

# An untracked file where the target puts one, and a directory in the way.
echo 'mine' >prompts/system.txt
fails 2 morph checkout side
expect_contains "$err" "prompts/system.txt (untracked)"
expect_eq "$(cat prompts/system.txt)" "mine" "untracked file kept"
rm prompts/system.txt
mkdir -p prompts/system.txt/deep
echo x >prompts/system.txt/deep/file
fails 2 morph checkout side
expect_contains "$err" "prompts/system.txt/deep/file (untracked, in the way)"
ok morph checkout -f side
expect_eq "$(cat prompts/system.txt)" "Be terse." "directory replaced by -f"

# Refusals: unknown revisions, non-commits, existing or bad branch names.
fails 2 morph checkout nope
expect_eq "$err" "morph: unknown revision 'nope'"
fails 2 morph checkout HEAD:prompts
expect_contains "$err" "is a tree, not a commit"
fails 2 morph checkout -b main
expect_eq "$err" "morph: a branch named 'main' already exists"
fails 2 morph checkout -b 'bad..name'
expect_contains "$err" "not a valid branch name"
fails 2 morph checkout -b new nope
expect_eq "$err" "morph: unknown revision 'nope'"
fails 2 morph checkout
expect_contains "$err" "usage: morph checkout [-fq] revision
       morph checkout [-fq] -b name [start]
       morph checkout [-q] [revision] -- path ..."
fails 2 morph checkout main experiment
expect_contains "$err" "unexpected argument 'experiment'"
ok morph checkout -b from-v1 v1
expect_eq "$(cat prompts/greeting.txt)" "Say hello." "-b with a start"
ok morph log --oneline
expect_contains "$out" "(HEAD -> from-v1, "

# On an unborn branch, -b just renames where HEAD points.
new_repo unborn
echo staged >a.txt
ok morph add a.txt
ok morph checkout -b trunk
expect_eq "$out" "Switched to a new branch 'trunk'"
ok morph status
expect_contains "$out" "On branch trunk"
expect_contains "$out" "new file:   a.txt"
ok morph commit -m first
expect_contains "$out" "[trunk (root-commit)"
fails 2 morph checkout main
expect_eq "$err" "morph: unknown revision 'main'"

# Names with spaces and UTF-8, binary content, the executable bit, and a
# path that is a file on one branch and a directory on the other.
new_repo names
mkdir "dir with space" "données"
printf 'x\0y\377z' >"dir with space/bin file.bin"
printf 'été\n' >"données/café.txt"
printf '#!/bin/sh\necho run\n' >run.sh
echo file >swap
ok morph add .
ok morph commit -m one
ok morph checkout -b two
printf 'a\0b' >"dir with space/bin file.bin"
rm "données/café.txt" swap
mkdir swap
echo inner >swap/inner.txt
printf '日本\n' >"日本語.txt"
chmod +x run.sh
ok morph add .
ok morph commit -m two
ok morph checkout main
cmp -s "dir with space/bin file.bin" <(printf 'x\0y\377z')
expect_eq "$?" 0 "binary file as on main"
expect_eq "$(cat "données/café.txt")" "été" "UTF-8 name restored"
[ ! -e "日本語.txt" ] && [ ! -d données/x ] && [ -f swap ] && [ ! -x run.sh ]
expect_eq "$?" 0 "two's files gone, swap a file, run.sh not executable"
ok morph checkout two
cmp -s "dir with space/bin file.bin" <(printf 'a\0b')
expect_eq "$?" 0 "binary file as on two"
[ ! -e données ] && [ -f "日本語.txt" ] && [ -f swap/inner.txt ] && [ -x run.sh ]
expect_eq "$?" 0 "empty directory pruned, swap a directory, run.sh executable"
ok morph status --short
expect_eq "$out" "" "clean"
ok morph checkout main
ok morph status --short
expect_eq "$out" "" "clean"

# A checkout killed midway (SIGKILL while it writes files) leaves some
# files new while HEAD and the index are old.  It was recorded before the
# first file changed: status says so first and names the command that
# finishes it, fsck reports it, add, commit, restore and a checkout
# elsewhere refuse, and the checkout to the same branch finishes it.
# MORPH_TEST_CHECKOUT_PAUSE names a FIFO on which the checkout says it has
# written its first file, and then waits to be killed: no timing involved.
# The test holds the FIFO open for reading and writing, so that neither
# side waits for the other to open it, and a checkout that never pauses
# fails the test after 60 s instead of hanging it.
pause_fifo=$T_ROOT/pause
mkfifo "$pause_fifo"
exec {pause_fd}<>"$pause_fifo"
# killed_checkout ARGS...: runs morph checkout ARGS, kills it with SIGKILL
# once it has written its first file.
killed_checkout() {
	local line=
	MORPH_TEST_CHECKOUT_PAUSE=$pause_fifo "$MORPH" checkout "$@" \
	    >/dev/null 2>&1 &
	local pid=$!
	read -r -t 60 -u "$pause_fd" line
	kill -KILL "$pid"
	wait "$pid"
	expect_eq "$? $line" "137 paused" "checkout $* killed midway"
}

new_repo killed
n=200
mkdir big
for ((i = 0; i < n; i++)); do printf 'old %d\n' "$i" >"big/f$i.txt"; done
printf 'leaves\n' >gone.txt
ok morph add .
ok morph commit -m old
old=$("$MORPH" rev-parse HEAD)
ok morph checkout -b feature
for ((i = 0; i < n; i++)); do printf 'new %d\n' "$i" >"big/f$i.txt"; done
printf 'arrives\n' >zz-added.txt
ok morph rm gone.txt
ok morph add .
ok morph commit -m new
new=$("$MORPH" rev-parse HEAD)
ok morph checkout main

killed_checkout feature
written=$(grep -l '^new' big/*.txt | wc -l)
expect_eq "$written $(cat big/f0.txt)" "1 new 0" \
    "the kill landed after the first file"
expect_eq "$([ -e gone.txt ] && echo kept || echo gone)" gone \
    "the removals came first"
expect_eq "$("$MORPH" rev-parse HEAD)" "$old" "HEAD still at the old commit"
ok morph status
expect_eq "$(printf '%s\n' "$out" | head -2)" "A checkout to 'feature' was interrupted: the work tree is partly switched.
  (use \"morph checkout feature\" to finish it)" "status says so first"
expect_contains "$out" "On branch main"
ok morph status --json
expect_contains "$out" "\"interrupted_checkout\": {
    \"branch\": \"feature\",
    \"commit\": \"$new\",
    \"command\": \"morph checkout feature\"
  }"
fails 1 morph fsck
expect_contains "$out" "error: a checkout to 'feature' was interrupted and the work tree is partly switched; run 'morph checkout feature' to finish it"

# What would write the index or the work tree waits for it.
finish="a checkout to 'feature' was interrupted and the work tree is partly switched; run 'morph checkout feature' to finish it"
fails 2 morph add big/f1.txt
expect_contains "$err" "morph: cannot change the index: $finish first"
fails 2 morph commit -a -m "half"
expect_contains "$err" "morph: cannot commit: $finish first"
fails 2 morph restore big/f1.txt
expect_contains "$err" "morph: cannot restore: $finish first"
fails 2 morph checkout main
expect_contains "$err" "morph: $finish, or force a checkout (-f) to discard it"
expect_eq "$("$MORPH" rev-parse HEAD)" "$old" "nothing moved"

# The same checkout finishes it, and a second kill changes nothing.
killed_checkout feature
ok morph checkout feature
expect_contains "$out" "Switched to branch 'feature'"
expect_eq "$("$MORPH" rev-parse HEAD)" "$new" "HEAD at the new commit"
expect_eq "$(grep -l '^old' big/*.txt | wc -l)" 0 "every file new"
expect_eq "$([ -e gone.txt ] && echo kept || echo gone)" gone "gone.txt gone"
expect_eq "$(cat zz-added.txt)" arrives "zz-added.txt arrived"
ok morph status --short
expect_eq "$out" "" "clean after the repair"
ok morph status --json
expect_contains "$out" '"interrupted_checkout": null'
ok morph fsck

# A forced checkout to the branch HEAD already names, killed: the plain
# checkout that a branch switch needs would find nothing to do, and the
# command named is the forced one.
for ((i = 0; i < n; i++)); do printf 'local %d\n' "$i" >"big/f$i.txt"; done
killed_checkout -f feature
expect_eq "$(grep -l '^local' big/*.txt | wc -l | tr -d ' ')" $((n - 1)) \
    "one file discarded"
ok morph status
expect_contains "$out" "A checkout to 'feature' was interrupted"
expect_contains "$out" "(use \"morph checkout -f feature\" to finish it)"
ok morph checkout -f feature
expect_eq "$(grep -l '^local' big/*.txt | wc -l | tr -d ' ')" 0 \
    "every file discarded"
ok morph status --short
expect_eq "$out" "" "clean after the forced repair"

# A new branch (-b) killed midway: the branch is not there yet, and
# checkout -b finishes it.
ok morph checkout main
killed_checkout -b side "$new"
fails 2 morph rev-parse side
ok morph status
expect_contains "$out" "A checkout to new branch 'side' was interrupted"
expect_contains "$out" "(use \"morph checkout -b side $new\" to finish it)"
ok morph checkout -b side "$new"
expect_eq "$("$MORPH" rev-parse side)" "$new" "side made"
ok morph status --short
expect_eq "$out" "" "clean after -b"

# A detached checkout killed after writing a file main lacks, then a
# forced one elsewhere discards it, that file included.
ok morph checkout -b extra main
printf 'first\n' >0-first.txt
ok morph add 0-first.txt
ok morph commit -m extra
extra=$("$MORPH" rev-parse HEAD)
ok morph checkout main
killed_checkout "$extra"
expect_eq "$(cat 0-first.txt)" first "0-first.txt written"
ok morph status
expect_contains "$out" "A checkout to $extra was interrupted"
expect_contains "$out" "(use \"morph checkout $extra\" to finish it)"
ok morph checkout -f main
expect_eq "$([ -e 0-first.txt ] && echo kept || echo gone)" gone \
    "what it wrote is discarded"
ok morph status --short
expect_eq "$out" "" "clean after -f elsewhere"

# checkout -- PATH: the work-tree files from the index; checkout REV --
# PATH: the files of REV into the index and the work tree.  HEAD stays.
new_repo paths
mkdir -p prompts/sub
printf 'one\n' >prompts/a.txt
printf 'one\n' >prompts/sub/b.txt
printf 'sys\n' >system.txt
ok morph add .
ok morph commit -m one
ok morph tag v1
printf 'two\n' >prompts/a.txt
printf 'two\n' >prompts/sub/b.txt
ok morph commit -a -m two
head=$(morph rev-parse HEAD)
printf 'local\n' >prompts/a.txt
printf 'staged\n' >system.txt
ok morph add system.txt
printf 'unstaged\n' >system.txt
ok morph checkout -- prompts/a.txt system.txt
expect_eq "$out$err" "" "checkout -- PATH prints nothing"
expect_eq "$(cat prompts/a.txt)" "two" "an unstaged edit discarded"
expect_eq "$(cat system.txt)" "staged" "the work tree takes the index's version"
ok morph status --short
expect_eq "$out" "M  system.txt" "the staged change stays staged"
expect_eq "$(morph rev-parse HEAD)" "$head" "HEAD stays"
expect_eq "$(morph rev-parse --abbrev-ref HEAD)" "main" "on the branch"
printf 'local\n' >prompts/a.txt
printf 'local\n' >prompts/sub/b.txt
cd prompts
ok morph checkout -q -- .
cd ..
expect_eq "$(cat prompts/a.txt prompts/sub/b.txt)" "two
two" "a directory, relative to the current directory"
fails 2 morph checkout -- nope.txt
expect_eq "$err" "morph: pathspec 'nope.txt' did not match any file known to morph"

ok morph checkout v1 -- prompts
expect_eq "$out$err" "" "checkout REV -- PATH prints nothing"
expect_eq "$(cat prompts/a.txt prompts/sub/b.txt)" "one
one" "the files of v1"
ok morph status --short
expect_eq "$out" "M  prompts/a.txt
M  prompts/sub/b.txt
M  system.txt" "staged, as git"
expect_eq "$(morph rev-parse HEAD)" "$head" "HEAD stays"
ok morph checkout HEAD -- prompts/sub/b.txt
expect_eq "$(cat prompts/sub/b.txt)" "two" "one file from HEAD"
# Overlay: a file under the path that the revision lacks is kept.
printf 'new\n' >prompts/new.txt
ok morph add prompts/new.txt
ok morph checkout v1 -- prompts
expect_eq "$(cat prompts/new.txt)" "new" "a file v1 lacks is left as it is"
ok morph status --short
expect_contains "$out" "A  prompts/new.txt" "and stays staged"
# A path the revision lacks changes nothing.
printf 'keep\n' >prompts/a.txt
fails 2 morph checkout v1 -- prompts/a.txt prompts/new.txt
expect_eq "$err" "morph: pathspec 'prompts/new.txt' did not match any file in 'v1'"
expect_eq "$(cat prompts/a.txt)" "keep" "nothing changed"
fails 2 morph checkout HEAD:prompts/a.txt -- prompts
expect_eq "$err" "morph: 'HEAD:prompts/a.txt' names a blob, not a commit or tree"
fails 2 morph checkout nope -- prompts
expect_eq "$err" "morph: unknown revision 'nope'"
fails 2 morph checkout --
expect_contains "$err" "morph: checkout: no path after '--'"
fails 2 morph checkout -b topic -- prompts
expect_contains "$err" "morph: checkout: -b and -f take no paths"
fails 2 morph checkout -f -- prompts
expect_contains "$err" "morph: checkout: -b and -f take no paths"
fails 2 morph checkout v1 main -- prompts
expect_contains "$err" "morph: checkout: unexpected argument 'main'"
fails 2 morph checkout -- ../x
expect_contains "$err" "contains '..'"
# EXAMPLES in morph-checkout.1.
ok morph checkout -- prompts/a.txt
ok morph checkout v1 -- system.txt
expect_eq "$(cat system.txt)" "sys" "the example's file from v1"
cd "$T_ROOT"

done_testing
