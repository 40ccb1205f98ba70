#!/usr/bin/env bash
# morph revert: a new commit that undoes a commit's changes and keeps what
# HEAD changed since (three ways, through merge's snapshot merge, so
# morph.json by field), git's message, one parent; conflicts written with
# markers, listed by status as a revert (not a merge), refused by commit
# until resolved, finished by commit or --continue, undone by --abort;
# --no-commit; merge commits need -m; a root commit; refusals.
. "$(dirname "$0")/lib.sh"

tick

# 1. A clean revert: the change goes, a later change to the same file stays.
new_repo clean
printf 'one\ntwo\nthree\nfour\nfive\n' >a.txt
printf 'b\n' >b.txt
ok morph add .
ok morph commit -m base
tick
printf 'one\nTWO\nthree\nfour\nfive\n' >a.txt
printf 'c\n' >c.txt
ok morph add .
ok morph commit -m "shout two"
target=$("$MORPH" rev-parse HEAD)
tick
printf 'one\nTWO\nthree\nfour\nFIVE\n' >a.txt
ok morph commit -a -m "shout five"
before=$("$MORPH" rev-parse HEAD)
tick
ok morph revert HEAD~1
expect_contains "$out" "Revert \"shout two\"" "revert prints the commit made"
expect_eq "$(cat a.txt)" "$(printf 'one\ntwo\nthree\nfour\nFIVE')" "the reverted line is back, the later change kept"
expect_eq "$(test -e c.txt && echo yes || echo no)" "no" "a file the commit added is deleted"
ok morph status --short
expect_eq "$out" "" "the index and the work tree are the revert's"
ok morph show --json HEAD
expect_eq "$(json "d['parents'] == ['$before']")" "True" "one parent: HEAD"
expect_eq "$(json "repr(d['message'])")" "'Revert \"shout two\"\\n\\nThis reverts commit $target.\\n'" "git's message with the full id"
# Nothing left to undo: exit 1, nothing committed.
head=$("$MORPH" rev-parse HEAD)
fails 1 morph revert "$target"
expect_contains "$out" "nothing to commit"
expect_eq "$("$MORPH" rev-parse HEAD)" "$head" "no commit when there is nothing to revert"
# Reverting the revert brings the change back.
tick
ok morph revert HEAD
expect_eq "$(sed -n 2p a.txt)" "TWO" "reverting the revert"
expect_eq "$(cat c.txt)" "c" "and its file"

# 2. morph.json is reverted by field where its lines conflict.
new_repo fields
printf '{"models": ["echo:a"], "defaults": {"temperature": 0, "max_tokens": 64}}\n' >morph.json
ok morph add morph.json
ok morph commit -m base
tick
printf '{"models": ["echo:a"], "defaults": {"temperature": 0.7, "max_tokens": 64}}\n' >morph.json
ok morph commit -a -m "warmer"
tick
printf '{"models": ["echo:a"], "defaults": {"temperature": 0.7, "max_tokens": 256}}\n' >morph.json
ok morph commit -a -m "longer"
tick
ok morph revert HEAD~1
expect_eq "$(python3 -c 'import json; d=json.load(open("morph.json")); print(d["defaults"]["temperature"], d["defaults"]["max_tokens"])')" "0 256" "temperature reverted, max_tokens kept"

# 3. Conflicts: markers, status says reverting, commit refused until
# resolved, checkout and merge --abort refused, --abort undoes.
new_repo conflict
printf 'a\nb\nc\n' >a.txt
printf 'x\n' >x.txt
ok morph add .
ok morph commit -m base
tick
printf 'a\nB\nc\n' >a.txt
printf 'x2\n' >x.txt
ok morph commit -a -m "upper b"
target=$("$MORPH" rev-parse HEAD)
short=${target:0:12}
tick
printf 'a\nBB\nc\n' >a.txt
ok morph commit -a -m "double b"
head=$("$MORPH" rev-parse HEAD)
fails 1 morph revert "$target"
expect_contains "$out" "CONFLICT (content): Merge conflict in a.txt"
expect_contains "$out" "could not revert $short... upper b"
expect_contains "$(cat a.txt)" ">>>>>>> parent of $short (upper b)" "the marker names the reverted commit's parent"
expect_eq "$(cat x.txt)" "x" "the clean part is applied"
ok morph status
expect_contains "$out" "You are currently reverting commit $short."
expect_contains "$out" "both modified:    a.txt"
expect_contains "$out" "morph revert --abort"
expect_not_contains "$out" "merging" "a revert is not told as a merge"
ok morph status --json
expect_eq "$(json "d['merge']['operation'], d['merge']['unresolved']")" "revert 1" "status --json: a revert with one unmerged path"
fails 2 morph commit -m x
expect_contains "$err" "cannot commit the revert of $short: 1 unmerged path"
fails 2 morph checkout -b elsewhere
expect_contains "$err" "a revert of $short is in progress"
fails 2 morph merge --abort
expect_contains "$err" "there is no merge to abort (a revert is in progress"
fails 2 morph revert HEAD
expect_contains "$err" "cannot revert: a revert of $short is in progress"
fails 2 morph merge --continue
expect_contains "$err" "there is no merge in progress to continue (a revert is"
ok morph revert --abort
expect_contains "$out" "Revert aborted"
expect_eq "$(cat a.txt)" "$(printf 'a\nBB\nc')" "--abort puts HEAD's file back"
expect_eq "$(cat x.txt)" "x2" "and the clean part"
ok morph status --json
expect_eq "$(json "d['merge'], d['clean']")" "None True" "nothing in progress after --abort"
fails 2 morph revert --abort
expect_contains "$err" "there is no revert to abort"
# Resolved and finished by morph commit: one parent, the revert's message.
tick
fails 1 morph revert "$target"
printf 'a\nb\nc\n' >a.txt
ok morph add a.txt
ok morph commit
ok morph show --json HEAD
expect_eq "$(json "d['parents'] == ['$head'], d['message'].startswith('Revert \"upper b\"')")" "True True" "morph commit makes the revert commit"
# Finished by --continue.
tick
ok morph revert HEAD
tick
printf 'a\nq\nc\n' >a.txt
ok morph commit -a -m "q"
fails 1 morph revert HEAD~1
printf 'a\nz\nc\n' >a.txt
ok morph add a.txt
q=$("$MORPH" rev-parse HEAD)
ok morph revert --continue
expect_contains "$out" "Revert \"Revert"
ok morph show --json HEAD
expect_eq "$(json "d['parents'] == ['$q'], d['message'].startswith('Revert \"Revert \"Revert \"upper b')")" "True True" "--continue commits it"
expect_eq "$(sed -n 2p a.txt)" "z" "with the resolution"
fails 2 morph revert --continue
expect_contains "$err" "no revert in progress"

# 4. --no-commit: the index and the work tree only.
new_repo nocommit
printf 'a\n' >a.txt
ok morph add a.txt
ok morph commit -m base
tick
printf 'b\n' >b.txt
ok morph add b.txt
ok morph commit -m "add b"
head=$("$MORPH" rev-parse HEAD)
ok morph revert -n HEAD
expect_eq "$out" "" "-n prints no commit"
expect_eq "$("$MORPH" rev-parse HEAD)" "$head" "-n: HEAD stays"
ok morph status --short
expect_eq "$out" "D  b.txt" "-n: the deletion is staged"
ok morph status --json
expect_eq "$(json "d['merge']")" "None" "-n without conflicts leaves nothing in progress"
ok morph commit -m "drop b"
ok morph revert --no-commit HEAD
expect_eq "$(cat b.txt)" "b" "--no-commit, long form"
ok morph commit -m "b again"

# 5. Merge commits need -m; -m 1 keeps the first parent's side.
new_repo merges
printf 'a\n' >a.txt
ok morph add a.txt
ok morph commit -m base
ok morph checkout -b side
tick
printf 's\n' >s.txt
ok morph add s.txt
ok morph commit -m side
ok morph checkout main
tick
printf 'm\n' >m.txt
ok morph add m.txt
ok morph commit -m main
first=$("$MORPH" rev-parse HEAD)
tick
ok morph merge side
merge=$("$MORPH" rev-parse HEAD)
fails 2 morph revert HEAD
expect_contains "$err" "it is a merge; name the parent whose side to keep with -m (1 to 2)"
fails 2 morph revert -m 3 HEAD
expect_contains "$err" "it has 2 parents"
fails 2 morph revert -m 1 HEAD~1
expect_contains "$err" "it is not a merge"
fails 2 morph revert -m x HEAD
ok morph revert -m 1 HEAD
expect_eq "$(ls | tr '\n' ' ')" "a.txt m.txt " "-m 1: the merged branch's file goes, main's stays"
ok morph show --json HEAD
expect_eq "$(json "d['message']")" "$(printf 'Revert "Merge branch '"'"'side'"'"'"\n\nThis reverts commit %s, reversing\nchanges made to %s.' "$merge" "$first")" "git's message for a merge"

# 6. A revert killed while it writes the work tree: status, fsck and
# commit say so, and --abort undoes it.
new_repo killed
printf 'a\n' >a.txt
printf 'b\n' >b.txt
ok morph add .
ok morph commit -m base
tick
printf 'a2\n' >a.txt
printf 'b2\n' >b.txt
ok morph commit -a -m "both"
target=$("$MORPH" rev-parse HEAD)
pause_fifo=$T_ROOT/pause
mkfifo "$pause_fifo"
exec {pause_fd}<>"$pause_fifo"
MORPH_TEST_CHECKOUT_PAUSE=$pause_fifo "$MORPH" revert HEAD >/dev/null 2>&1 &
pid=$!
line=
read -r -t 60 -u "$pause_fd" line
kill -KILL "$pid"
wait "$pid"
expect_eq "$? $line" "137 paused" "revert killed after its first file"
ok morph status
expect_contains "$out" "A revert of '${target:0:12}' was interrupted while it wrote the work tree."
expect_contains "$out" "morph revert --abort"
fails 1 morph fsck
expect_contains "$out$err" "a revert of ${target:0:12} was interrupted while it wrote the work tree; run 'morph revert --abort'"
fails 2 morph commit -m x
expect_contains "$err" "the revert of ${target:0:12} was interrupted"
ok morph revert --abort
expect_eq "$(cat a.txt) $(cat b.txt)" "a2 b2" "--abort puts HEAD's files back"
ok morph status --short
expect_eq "$out" "" "nothing left of the interrupted revert"

# 7. A root commit; refusals that change nothing.
new_repo root
printf 'r\n' >r.txt
ok morph add r.txt
ok morph commit -m root
tick
printf 's\n' >s.txt
ok morph add s.txt
ok morph commit -m second
tick
ok morph revert HEAD~1
expect_eq "$(ls | tr '\n' ' ')" "s.txt " "reverting the root commit deletes its files"
printf 'staged\n' >s.txt
ok morph add s.txt
head=$("$MORPH" rev-parse HEAD)
fails 2 morph revert HEAD~1
expect_contains "$err" "cannot revert with staged changes"
expect_eq "$("$MORPH" rev-parse HEAD)" "$head" "a refused revert commits nothing"
expect_eq "$(cat s.txt)" "staged" "nor touches the work tree"
ok morph restore --staged s.txt
printf 'local\n' >s.txt
fails 2 morph revert HEAD~1
expect_contains "$err" "the revert would overwrite local changes"
expect_eq "$(cat s.txt)" "local" "local changes are kept"
ok morph restore s.txt
fails 2 morph revert
expect_contains "$err" "no revision to revert given"
fails 2 morph revert nosuch
fails 2 morph revert --abort --continue
fails 2 morph revert --continue HEAD

done_testing
