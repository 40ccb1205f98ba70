#!/usr/bin/env bash
# morph diff: the work tree against the index, the index against HEAD,
# the work tree or the index against a revision, and two revisions; every
# output form, path limits, binary files, exit statuses and errors.
. "$(dirname "$0")/lib.sh"

short() { printf '%.12s' "$1"; }

new_repo r
printf 'alpha\nbeta\ngamma\n' >a.txt
mkdir -p "prompts/sub dir"
printf 'The quick brown fox\njumps over the lazy dog.\n' >"prompts/sub dir/my prompt.txt"
printf 'caf\xc3\xa9 au lait\n' >"prompts/café.txt"
printf 'x\0y' >img.bin
printf 'to be removed\n' >gone.txt
ok morph add .
ok morph commit -m one

# Nothing changed: no output, and --exit-code says 0.
ok morph diff
expect_eq "$out" "" "clean work tree: no diff"
ok morph diff --exit-code
fails 0 morph diff --quiet
ok morph diff --cached --exit-code

# One modified line, checked against the exact text.
printf 'alpha\nBETA\ngamma\n' >a.txt
old=$(morph rev-parse :a.txt)
ok morph diff --json
new=$(printf '%s\n' "$out" | sed -n 's/.*"new_id": "\(.*\)".*/\1/p')
want="diff --git a/a.txt b/a.txt
index $(short "$old")..$(short "$new") 100644
--- a/a.txt
+++ b/a.txt
@@ -1,3 +1,3 @@
 alpha
-beta
+BETA
 gamma"
ok morph diff
expect_eq "$out" "$want" "diff of one modified line"
expect_not_contains "$out" $'\033[' "no colour when not a terminal"
fails 1 morph diff --exit-code
expect_eq "$out" "$want" "--exit-code prints the diff too"
fails 1 morph diff --quiet
expect_eq "$out" "" "--quiet prints nothing"

# -U and --unified set the context.
ok morph diff -U0
expect_contains "$out" "@@ -2 +2 @@"
expect_not_contains "$out" $'\n alpha' "no context with -U0"
ok morph diff --unified=1
expect_contains "$out" "@@ -1,3 +1,3 @@"
fails 2 morph diff -U x
expect_contains "$err" "-U needs a whole number, 0 or more"

# The staged side: nothing staged yet, then the change.
ok morph diff --cached
expect_eq "$out" "" "nothing staged"
ok morph add a.txt
ok morph diff
expect_eq "$out" "" "staged change gone from the unstaged diff"
ok morph diff --cached
expect_eq "$out" "$want" "--cached shows the staged change"
ok morph diff --staged
expect_eq "$out" "$want" "--staged is --cached"
fails 1 morph diff --cached --exit-code

# The work tree against HEAD sees staged and unstaged changes alike.
ok morph diff HEAD
expect_eq "$out" "$want" "diff HEAD"

# Names with spaces and UTF-8; the word diff of prose.
printf 'The slow brown fox\njumps over the lazy cat.\n' >"prompts/sub dir/my prompt.txt"
printf 'caf\xc3\xa9 cr\xc3\xa8me\n' >"prompts/café.txt"
ok morph diff -- prompts
expect_contains "$out" "diff --git a/prompts/sub dir/my prompt.txt b/prompts/sub dir/my prompt.txt"
expect_contains "$out" $'--- a/prompts/sub dir/my prompt.txt\t\n+++ b/prompts/sub dir/my prompt.txt\t' "a tab ends names with spaces"
expect_contains "$out" "diff --git a/prompts/café.txt b/prompts/café.txt"
expect_contains "$out" $'-café au lait\n+café crème' "UTF-8 lines"
ok morph diff --word-diff -- "prompts/sub dir"
expect_contains "$out" $'@@ -1,2 +1,2 @@\nThe [-quick-]{+slow+} brown fox\njumps over the lazy [-dog.-]{+cat.+}' \
    "word diff of prose"
expect_not_contains "$out" "café" "path limits the diff"
ok morph diff --word-diff -- prompts/café.txt
expect_contains "$out" "café [-au lait-]{+crème+}"

# --name-only and --stat.
ok morph diff --name-only
expect_eq "$out" "prompts/café.txt
prompts/sub dir/my prompt.txt" "--name-only"
ok morph diff --stat HEAD
expect_eq "$out" " a.txt                         | 2 +-
 prompts/café.txt              | 2 +-
 prompts/sub dir/my prompt.txt | 4 ++--
 3 files changed, 4 insertions(+), 4 deletions(-)" "--stat"

# A binary file is shown as binary.
printf 'x\0yz' >img.bin
ok morph diff -- img.bin
expect_contains "$out" "Binary files a/img.bin and b/img.bin differ"
expect_not_contains "$out" "@@" "no hunks for binary files"
ok morph diff --word-diff -- img.bin
expect_contains "$out" "Binary files a/img.bin and b/img.bin differ"
ok morph diff --stat -- img.bin
expect_contains "$out" " img.bin | Bin 3 -> 4 bytes"
ok morph diff --json -- img.bin
expect_contains "$out" '"binary": true'
expect_contains "$out" '"insertions": null'

# Deleted and added files; a mode change.
rm gone.txt
printf 'brand new\n' >new.txt
ok morph add new.txt
chmod +x a.txt
ok morph diff -- gone.txt
expect_contains "$out" $'deleted file mode 100644\nindex ' "deleted file mode"
expect_contains "$out" $'--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-to be removed' \
    "deleted file's lines"
ok morph diff --cached -- new.txt
expect_contains "$out" $'new file mode 100644\nindex 000000000000..' "new file mode"
expect_contains "$out" $'--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+brand new' \
    "new file's lines"
ok morph diff -- a.txt
expect_eq "$out" "diff --git a/a.txt b/a.txt
old mode 100644
new mode 100755" "mode change"
ok morph diff HEAD --json
expect_contains "$out" '"path": "gone.txt",
    "status": "deleted",' "JSON: deleted"
expect_contains "$out" '"new_id": null'
expect_contains "$out" '"path": "new.txt",
    "status": "added",
    "old_id": null,' "JSON: added"
expect_contains "$out" '"new_mode": "100755"'
expect_eq "$(printf '%s\n' "$out" | head -1)" "[" "--json is one array"

# Untracked files are not part of the diff.
printf 'untracked\n' >loose.txt
ok morph diff HEAD --name-only
expect_not_contains "$out" "loose.txt"

# Two revisions, and A..B.
ok morph add .
ok morph commit -m two
ok morph diff HEAD~1 HEAD --name-only
expect_eq "$out" "a.txt
gone.txt
img.bin
loose.txt
new.txt
prompts/café.txt
prompts/sub dir/my prompt.txt" "two revisions"
ok morph diff HEAD~1..HEAD --name-only
expect_eq "$out" "$(morph diff HEAD~1 HEAD --name-only)" "A..B is A B"
ok morph diff HEAD~1.. --name-only
expect_contains "$out" "new.txt" "A.. is A HEAD"
ok morph diff HEAD HEAD~1 -- new.txt
expect_contains "$out" "deleted file mode 100644" "reversed sides"
ok morph diff --exit-code HEAD HEAD
ok morph diff --cached HEAD~1 --name-only
expect_contains "$out" "new.txt" "--cached against a revision"
ok morph diff HEAD:prompts HEAD:prompts
expect_eq "$out" "" "trees as revisions"

# --name-status: a letter and a tab before each path, as git.
ok morph diff --name-status HEAD~1 HEAD
expect_eq "$out" "M	a.txt
D	gone.txt
M	img.bin
A	loose.txt
A	new.txt
M	prompts/café.txt
M	prompts/sub dir/my prompt.txt" "--name-status"
fails 2 morph diff --name-status --stat
expect_contains "$err" "morph: diff: --json, --name-only, --name-status, --quiet and --stat exclude each other"

# A...B: B against the merge base of A and B.
#   HEAD~1 - HEAD (two)                    main
#         \- s1 - s2                       side
ok morph checkout -b side HEAD~1
printf 'side\n' >side.txt
ok morph add side.txt
ok morph commit -m s1
printf 'side, again\n' >side.txt
printf 'changed on side\n' >a.txt
ok morph commit -a -m s2
ok morph diff --name-status main...side
expect_eq "$out" "M	a.txt
A	side.txt" "main...side: what side did since the base"
ok morph diff --name-status side...main
expect_eq "$out" "$(morph diff --name-status HEAD~2 main)" "side...main: what main did"
ok morph diff --name-status ...main
expect_eq "$out" "$(morph diff --name-status side...main)" "...main: HEAD is side"
ok morph checkout main
ok morph diff --name-status side...
expect_eq "$out" "$(morph diff --name-status HEAD~1 HEAD)" "side...: up to HEAD"
ok morph diff --stat main...side -- side.txt
expect_eq "$(printf '%s\n' "$out" | head -2)" " side.txt | 1 +
 1 file changed, 1 insertion(+)" "A...B with a path"
ok morph diff --exit-code side...side
expect_eq "$out" "" "side...side: nothing"
ok morph diff --json main...side
expect_contains "$out" '"path": "side.txt"'
fails 2 morph diff main...nosuchrev
expect_contains "$err" "morph: unknown revision 'nosuchrev'"
fails 2 morph diff main...HEAD:prompts
expect_contains "$err" "morph: unknown revision 'main...HEAD:prompts'" \
    "REV:PATH is no range"
ok morph branch -D side

# From a subdirectory, paths are relative to it.
cd prompts
ok morph diff HEAD~1 HEAD --name-only -- café.txt
expect_eq "$out" "prompts/café.txt" "paths relative to the current directory"
cd ..

# Errors: exit 2 with a message.
fails 2 morph diff nosuchrev
expect_contains "$err" "morph: unknown revision 'nosuchrev'"
fails 2 morph diff HEAD nosuchrev
expect_contains "$err" "unknown revision 'nosuchrev'"
fails 2 morph diff new.txt
expect_contains "$err" "put it after '--'"
fails 2 morph diff HEAD:new.txt
expect_contains "$err" "names a blob, not a commit or tree"
fails 2 morph diff -- ../outside.txt
expect_contains "$err" "morph: path '../outside.txt' contains '..'"
fails 2 morph diff -- "$T_ROOT/r/a.txt"
expect_contains "$err" "absolute"
fails 2 morph diff -- .morph/morph.db
expect_contains "$err" "is inside '.morph'"
fails 2 morph diff a b c
expect_contains "$err" "too many revisions"
fails 2 morph diff --stat --name-only
expect_contains "$err" "usage: morph diff"
fails 2 morph diff --cached HEAD HEAD~1
expect_contains "$err" "--cached takes at most one revision"
fails 2 morph diff --frobnicate
expect_contains "$err" "unknown option"

# A branch with no commit yet: everything staged is new.
new_repo unborn
printf 'first\n' >f.txt
ok morph add f.txt
ok morph diff --cached --name-only
expect_eq "$out" "f.txt" "unborn: staged files are new"
fails 2 morph diff HEAD
cd "$T_ROOT"

# The examples of morph-diff(1).
new_repo example
mkdir prompts
printf 'Say hello to {{name}}.\n' >prompts/greet.txt
ok morph add prompts
printf 'Say hello to {{name}}, briefly.\n' >prompts/greet.txt
ok morph diff
expect_eq "$out" "diff --git a/prompts/greet.txt b/prompts/greet.txt
index 86c66e799f7d..0422ac1834ce 100644
--- a/prompts/greet.txt
+++ b/prompts/greet.txt
@@ -1 +1 @@
-Say hello to {{name}}.
+Say hello to {{name}}, briefly." "man page example: diff"
ok morph diff --word-diff
expect_eq "$out" "diff --git a/prompts/greet.txt b/prompts/greet.txt
index 86c66e799f7d..0422ac1834ce 100644
--- a/prompts/greet.txt
+++ b/prompts/greet.txt
@@ -1 +1 @@
Say hello to [-{{name}}.-]{+{{name}}, briefly.+}" "man page example: --word-diff"
run sh -c "'$MORPH' add prompts; '$MORPH' diff --cached --quiet || echo 'changes staged'"
expect_eq "$out" "changes staged" "man page example: --quiet"
printf 'Say hello to {{name}}.\n' >prompts/greet.txt
ok morph add prompts
ok morph commit -m one
printf 'Say hello to {{name}}, briefly.\n' >prompts/greet.txt
ok morph commit -a -m two
ok morph diff --stat HEAD~1 HEAD -- prompts
expect_eq "$out" " prompts/greet.txt | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)" "man page example: --stat"
ok morph diff --json HEAD~1 HEAD
expect_contains "$out" '"path": "prompts/greet.txt"'
expect_contains "$out" '"insertions": 1'
expect_contains "$out" '"deletions": 1'
cd "$T_ROOT"

done_testing
