#!/usr/bin/env bash
# morph restore: from the index, from a revision, to the index; whole
# directories; names with spaces and UTF-8, binary files, the executable
# bit; paths that match nothing or leave the work tree.
. "$(dirname "$0")/lib.sh"

# The examples of morph-restore(1).
new_repo example
mkdir prompts
commit_file prompts/greeting.txt 'Say hello.' 'first greeting'
commit_file prompts/system.txt 'Be terse.' 'system prompt'
ok morph tag v1
echo 'Say hi.' >prompts/greeting.txt
ok morph restore prompts/greeting.txt
expect_eq "$out" "" "restore is quiet"
expect_eq "$(cat prompts/greeting.txt)" "Say hello." "edit discarded"
echo 'Say hello, briefly.' >prompts/greeting.txt
ok morph add prompts/greeting.txt
ok morph restore --staged prompts/greeting.txt
ok morph status --short
expect_eq "$out" " M prompts/greeting.txt" "unstaged, edit kept"
expect_eq "$(cat prompts/greeting.txt)" "Say hello, briefly." "file untouched"
ok morph add prompts/greeting.txt
ok morph commit -m 'shorter greeting'
rm prompts/system.txt
echo extra >prompts/extra.txt
ok morph add prompts
ok morph commit -m 'extra, no system'
ok morph restore --source v1 prompts
expect_eq "$(cat prompts/greeting.txt)" "Say hello." "greeting as in v1"
expect_eq "$(cat prompts/system.txt)" "Be terse." "system.txt back"
[ ! -e prompts/extra.txt ]
expect_eq "$?" 0 "a tracked file v1 lacks is removed"
ok morph status --short
expect_eq "$out" " D prompts/extra.txt
 M prompts/greeting.txt
?? prompts/system.txt" "the index is unchanged"
ok morph restore prompts
ok morph status --short
expect_eq "$out" "?? prompts/system.txt" "back to the index"
rm prompts/system.txt

# --staged --source: the index from a revision, the work tree untouched.
ok morph restore --staged --source v1 prompts/greeting.txt
ok morph status --short
expect_eq "$out" "MM prompts/greeting.txt"
ok morph restore --staged prompts/greeting.txt
ok morph status --short
expect_eq "$out" "" "clean"

# A directory restores everything under it; paths work from a
# subdirectory and after "--"; "." is everything below.
echo x >prompts/greeting.txt
echo y >prompts/extra.txt
ok morph restore prompts
ok morph status --short
expect_eq "$out" "" "whole directory"
cd prompts
echo x >greeting.txt
ok morph restore greeting.txt
expect_eq "$(cat greeting.txt)" "Say hello, briefly." "from a subdirectory"
echo x >extra.txt
ok morph restore -- extra.txt
expect_eq "$(cat extra.txt)" "extra" "after --"
echo x >extra.txt
echo x >greeting.txt
ok morph restore .
ok morph status --short
expect_eq "$out" "" "."
cd ..

# Refusals: nothing matching, outside the work tree, .morph, unknown
# revisions, no path.
fails 2 morph restore nothere.txt
expect_eq "$err" "morph: pathspec 'nothere.txt' did not match any file known to morph"
echo u >untracked.txt
fails 2 morph restore prompts/greeting.txt untracked.txt
expect_contains "$err" "pathspec 'untracked.txt' did not match"
fails 2 morph restore ../outside
expect_contains "$err" "contains '..'"
fails 2 morph restore /etc/passwd
expect_contains "$err" "is absolute"
fails 2 morph restore .morph/config
expect_contains "$err" "inside '.morph'"
fails 2 morph restore --source HEAD .morph
expect_contains "$err" "inside '.morph'"
fails 2 morph restore --source nope prompts
expect_eq "$err" "morph: unknown revision 'nope'"
fails 2 morph restore
expect_contains "$err" "usage: morph restore [--source revision] [--staged] path ..."
fails 2 morph restore --source
expect_contains "$err" "needs a value"
ok morph status --short
expect_eq "$out" "?? untracked.txt" "refusals change nothing"

# An untracked file where a restored directory must go.
ok morph rm prompts/extra.txt
ok morph commit -m 'no extra'
echo mine >prompts/extra.txt
ok morph restore --source HEAD~1 prompts/extra.txt
expect_eq "$(cat prompts/extra.txt)" "extra" "an untracked file is overwritten when named"
rm prompts/extra.txt
mkdir -p prompts/extra.txt/sub
echo z >prompts/extra.txt/sub/f
fails 2 morph restore --source HEAD~1 prompts/extra.txt
expect_eq "$err" "morph: cannot restore:
	prompts/extra.txt/sub/f (in the way)
move them away first" "an untracked directory is refused"
expect_eq "$(cat prompts/extra.txt/sub/f)" "z" "and kept"
rm -r prompts/extra.txt

# Names with spaces and UTF-8, binary content, the executable bit.
new_repo names
mkdir "dir with space"
printf 'x\0y\377z' >"dir with space/bin file.bin"
printf 'été\n' >"café.txt"
printf '#!/bin/sh\n' >run.sh
chmod +x run.sh
ok morph add .
ok morph commit -m one
printf 'changed' >"dir with space/bin file.bin"
printf 'hiver\n' >"café.txt"
chmod -x run.sh
ok morph restore "dir with space" café.txt run.sh
cmp -s "dir with space/bin file.bin" <(printf 'x\0y\377z')
expect_eq "$?" 0 "binary file restored"
expect_eq "$(cat café.txt)" "été" "UTF-8 name restored"
[ -x run.sh ]
expect_eq "$?" 0 "executable bit restored"
ok morph status --short
expect_eq "$out" "" "clean"

# On an unborn branch, --staged unstages (HEAD is an empty snapshot).
new_repo unborn
echo a >a.txt
ok morph add a.txt
ok morph restore --staged a.txt
ok morph status --short
expect_eq "$out" "?? a.txt" "unstaged on an unborn branch"

done_testing
