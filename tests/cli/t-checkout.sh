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
expect_contains "$err" "usage: morph checkout [-f] revision"
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

# A checkout killed midway: some files new, HEAD and index old.  A plain
# checkout to where HEAD is keeps them as local changes, and -f to the
# target finishes the job.  The kill comes as soon as the first file is
# new; the tree is large enough for the rest to be still in the writing
# then, and should a machine outrun the kill, each try doubles it.
new_repo killed
caught=0
n=2000
for attempt in 1 2 3 4; do
	rm -rf big
	mkdir big
	for ((i = 0; i < n; i++)); do
		printf 'old %d\n%0512d\n' "$i" 0 >"big/f$i.txt"
	done
	"$MORPH" add big >/dev/null && "$MORPH" commit -m old >/dev/null
	old=$("$MORPH" rev-parse HEAD)
	for ((i = 0; i < n; i++)); do
		printf 'new %d\n%0512d\n' "$i" 1 >"big/f$i.txt"
	done
	"$MORPH" add big >/dev/null && "$MORPH" commit -m new >/dev/null
	new=$("$MORPH" rev-parse HEAD)
	"$MORPH" checkout -f "$old" >/dev/null 2>&1
	# big/f0.txt is the first file written.
	"$MORPH" checkout "$new" >/dev/null 2>&1 &
	pid=$!
	line=
	while kill -0 "$pid" 2>/dev/null; do
		read -r line <big/f0.txt
		[ "$line" = "new 0" ] && break
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	written=$(grep -l '^new' big/*.txt | wc -l)
	if [ "$written" -gt 0 ] && [ "$written" -lt "$n" ]; then
		caught=1
		break
	fi
	"$MORPH" checkout -f "$new" >/dev/null 2>&1
	n=$((n * 2))
done
expect_eq "$caught" 1 "the kill landed midway ($written of $n files new)"
expect_eq "$("$MORPH" rev-parse HEAD)" "$old" "HEAD still at the old commit"
ok morph status --short
expect_contains "$out" " M big/f0.txt" "written files show as modified"
ok morph checkout "$old"
ok morph checkout -f "$new"
expect_eq "$("$MORPH" rev-parse HEAD)" "$new" "HEAD at the new commit"
expect_eq "$(grep -l '^old' big/*.txt | wc -l)" 0 "every file new"
ok morph status --short
expect_eq "$out" "" "clean after recovery"

done_testing
