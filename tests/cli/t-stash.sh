#!/usr/bin/env bash
# morph stash: push saves the index and the work tree's changes (-u:
# untracked files) and restores HEAD's state; list, show, drop; pop and
# apply merge the stash three ways onto the current HEAD, leave changes
# unstaged and new files staged, keep the stash on conflict and leave its
# conflicted paths unmerged until they are added, committed or undone;
# refusals;
# fsck checks every stash, and reports one whose commit is missing.
. "$(dirname "$0")/lib.sh"

tick

new_repo basic
printf '1\n2\n3\n4\n5\n6\n7\n' >a.txt
printf 'x\n' >x.txt
printf 'gone\n' >d.txt
ok morph add .
ok morph commit -m base
base=$("$MORPH" rev-parse HEAD)

# 1. Nothing to save.
ok morph stash
expect_eq "$out" "No local changes to save" "a clean tree saves nothing"
ok morph stash list
expect_eq "$out" "" "and lists nothing"

# 2. push: the index and the work tree saved, HEAD's state back.
printf 'ONE\n2\n3\n4\n5\n6\n7\n' >a.txt
printf 'new\n' >n.txt
ok morph add n.txt
printf 'x staged\n' >x.txt
ok morph add x.txt
rm d.txt
printf 'u\n' >u.txt
tick
ok morph stash
expect_eq "$out" "Saved working directory and index state WIP on main: ${base:0:12} base" "push says what it saved"
ok morph status --short
expect_eq "$out" "?? u.txt" "HEAD's state is back; untracked files stay without -u"
expect_eq "$(cat a.txt | head -1)" "1" "the modified file is HEAD's"
expect_eq "$(cat d.txt)" "gone" "the deleted file is back"
expect_eq "$(test -e n.txt && echo yes || echo no)" "no" "the staged new file is gone"
ok morph stash list
expect_eq "$out" "stash@{0}: WIP on main: ${base:0:12} base" "list"
ok morph rev-parse 'stash@{0}^1'
expect_eq "$out" "$base" "stash@{0} is a revision: its first parent is HEAD's commit"
ok morph show 'stash@{0}:a.txt'
expect_eq "$(printf '%s\n' "$out" | head -1)" "ONE" "stash@{0}:PATH is the saved file"
fails 2 morph rev-parse 'stash@{1}'
expect_eq "$err" "morph: stash@{1} does not exist: there is 1 (stash@{0} to stash@{0})"
ok morph stash show
expect_contains "$out" " a.txt | 2 +-" "show: a --stat table"
expect_contains "$out" "4 files changed"
ok morph stash show -p
expect_contains "$out" "+ONE" "show -p: the patch"
expect_contains "$out" "+++ b/n.txt"

# 3. pop onto a HEAD that moved: merged three ways, unstaged, new files
# staged, the stash dropped.
printf '1\n2\n3\n4\n5\n6\nSEVEN\n' >a.txt
tick
ok morph commit -a -m "seven"
ok morph stash pop
expect_contains "$out" "Dropped stash@{0} ("
expect_eq "$(head -1 a.txt),$(tail -1 a.txt)" "ONE,SEVEN" "pop merged the stash with HEAD's later change"
ok morph status --short
expect_eq "$out" "$(printf ' M a.txt\n D d.txt\nA  n.txt\n?? u.txt\n M x.txt')" "changes unstaged, new files staged, as git stash apply leaves them"
expect_eq "$(cat x.txt)" "x staged" "the index's change comes back in the work tree"
ok morph stash list
expect_eq "$out" "" "pop dropped the stash"

# 4. -m, several stashes, apply and drop by name, -u.
ok morph stash -m "first try"
expect_eq "$out" "Saved working directory and index state On main: first try" "-m names the stash"
printf '1\n2\n3\n4\n5\n6\nSEVEN\nEIGHT\n' >a.txt
ok morph stash push -u -m "second try"
expect_eq "$(test -e u.txt && echo yes || echo no)" "no" "-u removed the untracked file"
ok morph status --short
expect_eq "$out" "" "-u: nothing left"
ok morph stash list
expect_eq "$out" "$(printf 'stash@{0}: On main: second try\nstash@{1}: On main: first try')" "newest first"
ok morph stash apply stash@{0}
expect_eq "$(cat u.txt)" "u" "the untracked file is back"
ok morph status --short
expect_eq "$out" "$(printf ' M a.txt\n?? u.txt')" "and untracked again"
ok morph stash list
expect_contains "$out" "stash@{0}: On main: second try" "apply keeps the stash"
fails 2 morph stash apply 1
expect_contains "$err" "the stash would overwrite local changes"
expect_eq "$(tail -1 a.txt)" "EIGHT" "a refused apply changes nothing"
ok morph restore a.txt
rm u.txt
ok morph stash drop
expect_contains "$out" "Dropped stash@{0} ("
ok morph stash list
expect_eq "$out" "stash@{0}: On main: first try" "drop renumbers"
fails 2 morph stash drop stash@{1}
expect_contains "$err" "stash@{1} does not exist"
fails 2 morph stash apply nonsense
expect_contains "$err" "'nonsense' is not a stash"
# The index must be HEAD's to apply.
printf 'z\n' >z.txt
ok morph add z.txt
fails 2 morph stash apply
expect_contains "$err" "cannot apply the stash with staged changes"
ok morph restore --staged z.txt
rm z.txt

# 5. A conflict: markers, exit 1, the stash kept by pop; the rest of it
# applied.
printf 'one\n2\n3\n4\n5\n6\nSEVEN\n' >a.txt
tick
ok morph commit -a -m "lower one"
fails 1 morph stash pop stash@{0}
expect_contains "$out" "CONFLICT (content): Merge conflict in a.txt"
expect_contains "$out" "the stash entry is kept"
expect_contains "$(cat a.txt)" ">>>>>>> Stashed changes" "markers name the stash"
expect_contains "$(cat a.txt)" "<<<<<<< HEAD"
expect_eq "$(cat n.txt)" "new" "what merges cleanly is applied"
ok morph stash list
expect_eq "$out" "stash@{0}: On main: first try" "a conflicting pop keeps the stash"
# The conflicted path is unmerged, as in git's index: status says so,
# commit and another stash are refused, even with the markers staged.
ok morph status --json
expect_eq "$(json "d['merge']['operation'], d['merge']['unresolved'], [(c['path'], c['kind']) for c in d['merge']['conflicts']]")" \
    "stash 1 [('a.txt', 'content')]" "the conflict is recorded"
ok morph status --short a.txt
expect_eq "$out" "UU a.txt" "unmerged, short"
ok morph status
expect_contains "$out" "The stash applied left unmerged paths."
expect_not_contains "$out" "still merging"
fails 2 morph stash
expect_contains "$err" "morph: cannot stash: the stash applied onto"
expect_contains "$err" "left 1 unmerged path; fix it and morph add it, or undo the application (morph merge --abort)"
fails 2 morph commit -a -m "with the markers"
expect_contains "$err" "1 unmerged path:
	a.txt: conflict markers are staged"
ok morph log --oneline -1
expect_contains "$out" "lower one" "nothing committed"
# Fixed and added: nothing stays in progress, nor does a commit need to
# conclude anything.
printf 'one\n2\n3\n4\n5\n6\nseven\n' >a.txt
ok morph add a.txt
ok morph status --json
expect_eq "$(json "d['merge']")" "None" "resolved by add: nothing left in progress, as git"
ok morph status --short a.txt
expect_eq "$out" "M  a.txt" "the resolution staged"
# What the conflict left can itself be stashed, and dropped.
ok morph stash
ok morph status --short
expect_eq "$out" "" "stashed away"
ok morph stash drop
ok morph stash drop 0
ok morph stash list
expect_eq "$out" "" "all dropped"

# 5b. A conflicting apply, then the resolution committed: an ordinary
# commit with the user's message, one parent.
printf '1\n2\n3\n4\n5\n6\n7\n' >a.txt
ok morph commit -q -a -m "seven back"
printf '1\n2\n3\n4\n5\n6\nstashed\n' >a.txt
ok morph stash
printf '1\n2\n3\n4\n5\n6\ncommitted\n' >a.txt
ok morph commit -q -a -m "committed seven"
fails 1 morph stash apply
fails 2 morph commit -m "too soon"
expect_contains "$err" "a.txt: edit the file, then morph add it"
fails 2 morph checkout -q HEAD~1
expect_contains "$err" "cannot check out: the stash applied onto"
printf '1\n2\n3\n4\n5\n6\nboth\n' >a.txt
ok morph commit -a -m "both sevens"
ok morph cat-object -p HEAD
expect_eq "$(json "len(d['parents'])")" 1 "an ordinary commit"
ok morph log --oneline -1
expect_contains "$out" "both sevens" "with the user's message"
ok morph status --json
expect_eq "$(json "d['merge']")" "None" "the commit ends it"
# Applied again: merge --continue has nothing to continue, reset forgets
# the unmerged paths; applied once more, merge --abort takes HEAD's file
# back.
fails 1 morph stash apply
fails 2 morph merge --continue
expect_contains "$err" "the stash applied left unmerged paths: fix them and morph add them"
ok morph reset -q
ok morph status --json
expect_eq "$(json "d['merge']")" "None" "reset forgets the unmerged paths"
ok morph checkout -q -- a.txt
fails 1 morph stash apply
ok morph merge --abort
expect_eq "$(tail -1 a.txt)" "both" "merge --abort undid the application"
ok morph status --json
expect_eq "$(json "d['merge']")" "None" "nothing left in progress"
ok morph stash drop

# 6. Stashing is refused while a revert is in progress.
printf '1\n2\n3\n4\n5\n6\n7\n' >a.txt
tick
ok morph commit -a -m "seven lower"
printf '1\n2\n3\n4\n5\n6\nsept\n' >a.txt
tick
ok morph commit -a -m "sept"
fails 1 morph revert HEAD~1
fails 2 morph stash
expect_contains "$err" "cannot stash: a revert of"
ok morph revert --abort

# 7. A stash application killed while it writes the work tree: status
# and fsck say so, merge --abort undoes it, the stash stays.
printf '1x\n2\n3\n4\n5\n6\n7\n' >a.txt
printf 'x3\n' >x.txt
ok morph stash
pause_fifo=$T_ROOT/pause
mkfifo "$pause_fifo"
exec {pause_fd}<>"$pause_fifo"
MORPH_TEST_CHECKOUT_PAUSE=$pause_fifo "$MORPH" stash pop >/dev/null 2>&1 &
pid=$!
line=
read -r -t 60 -u "$pause_fd" line
kill -KILL "$pid"
wait "$pid"
expect_eq "$? $line" "137 paused" "pop killed after its first file"
ok morph status
expect_contains "$out" "A stash was being applied when it was interrupted"
fails 1 morph fsck
expect_contains "$out$err" "was interrupted while it wrote the work tree; run 'morph merge --abort'"
fails 2 morph stash
expect_contains "$err" "cannot stash: a stash application of"
ok morph merge --abort
ok morph status --short
expect_eq "$out" "" "merge --abort undid the interrupted application"
ok morph stash pop
expect_eq "$(head -1 a.txt) $(cat x.txt)" "1x x3" "the stash was kept, and pops"
ok morph commit -a -m "popped"

# 8. fsck checks the stashes.
ok morph fsck
expect_contains "$out" ": ok" "fsck accepts the stash"
cd "$T_ROOT" || exit 2
mkdir broken && cd broken || exit 2
"$MORPH" init >/dev/null
printf 'a\n' >a.txt
"$MORPH" add a.txt && "$MORPH" commit -m a >/dev/null
printf 'b\n' >a.txt
ok morph stash
stash=$(sqlite3 .morph/morph.db "SELECT CAST(value AS TEXT) FROM meta WHERE key = 'stash'" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stashes"][0])')
sqlite3 .morph/morph.db "DELETE FROM objects WHERE hex(id) = upper('$stash')"
fails 1 morph fsck
expect_contains "$out$err" "stash@{0}" "fsck names the stash whose commit is missing"
sqlite3 .morph/morph.db "UPDATE meta SET value = CAST('{\"stashes\":[1]}' AS BLOB) WHERE key = 'stash'"
fails 1 morph fsck
expect_contains "$out$err" "the stash list (meta 'stash') is damaged"
fails 2 morph stash list
expect_contains "$err" "the stash list (meta 'stash') is damaged"

done_testing
