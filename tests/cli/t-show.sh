#!/usr/bin/env bash
# morph show: a commit with its header (as morph log prints it) and its
# patch against its first parent, a file's raw bytes, a directory's
# entries, and each of them as JSON.
. "$(dirname "$0")/lib.sh"

# The examples of morph-show(1), exactly: fixed authors and dates make
# the ids fixed too.
new_repo example
mkdir prompts
printf 'Say hello to {{name}}.\n' >prompts/greet.txt
ok morph add prompts
MORPH_AUTHOR_DATE="1795597200 +0000" ok morph commit -m Greeting
printf 'Say hello to {{name}}, briefly.\n' >prompts/greet.txt
ok morph add prompts
MORPH_AUTHOR_NAME=Ada MORPH_AUTHOR_EMAIL=ada@example.com \
    MORPH_AUTHOR_DATE="1795600800 +0000" ok morph commit -m "Shorter greeting"
ok morph show
expect_eq "$out" "commit da2e4b94885586545a639a040567a4f3 (HEAD -> main)
Author: Ada <ada@example.com>
Date:   Wed Nov 25 10:00:00 2026 +0000

    Shorter greeting

diff --git a/prompts/greet.txt b/prompts/greet.txt
index 86c66e799f7d..0422ac1834ce 100644
--- a/prompts/greet.txt
+++ b/prompts/greet.txt
@@ -1 +1 @@
-Say hello to {{name}}.
+Say hello to {{name}}, briefly." "man page example: show"
expect_not_contains "$out" $'\033[' "no colour when not a terminal"
ok morph show HEAD~1:prompts/greet.txt
expect_eq "$out" "Say hello to {{name}}." "man page example: a file"
ok morph show HEAD:prompts
expect_eq "$out" $'100644 blob 0422ac1834ceac5889db175c261553c0\tgreet.txt' \
    "man page example: a directory"

# --stat, --name-only and --name-status after the message, as git show.
ok morph show --stat
expect_eq "$out" "commit da2e4b94885586545a639a040567a4f3 (HEAD -> main)
Author: Ada <ada@example.com>
Date:   Wed Nov 25 10:00:00 2026 +0000

    Shorter greeting

 prompts/greet.txt | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)" "man page example: show --stat"
ok morph show --name-status HEAD~1
expect_eq "$(printf '%s\n' "$out" | tail -2)" "
A	prompts/greet.txt" "man page example: show --name-status"
ok morph show --name-only
expect_eq "$(printf '%s\n' "$out" | tail -2)" "
prompts/greet.txt" "show --name-only"
ok morph show --stat HEAD:prompts/greet.txt
expect_eq "$out" "Say hello to {{name}}, briefly." "--stat: a file is shown as it is"

# The header is the one morph log prints.
ok morph log -n 1
log=$out
ok morph show HEAD
expect_eq "$(printf '%s\n' "$out" | sed -n '1,/^    Shorter greeting$/p')" "$log" \
    "show's header equals log's"
ok morph show main
expect_contains "$out" "commit da2e4b94885586545a639a040567a4f3"

# A root commit shows every file as added.
ok morph show HEAD~1
expect_contains "$out" $'\n\ndiff --git a/prompts/greet.txt b/prompts/greet.txt\nnew file mode 100644\nindex 000000000000..86c66e799f7d\n--- /dev/null\n+++ b/prompts/greet.txt\n@@ -0,0 +1 @@\n+Say hello to {{name}}.' \
    "root commit: everything added"
cd "$T_ROOT"

# Binary files, names with spaces and UTF-8, deletions.
new_repo r
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe' >logo.png
mkdir -p "my dir"
printf 'caf\xc3\xa9\n' >"my dir/café.txt"
printf 'bye\n' >old.txt
ok morph add .
ok morph commit -m first
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfd' >logo.png
printf 'caf\xc3\xa9 cr\xc3\xa8me\n' >"my dir/café.txt"
rm old.txt
ok morph commit -a -m "second change"
ok morph show
expect_contains "$out" "Binary files a/logo.png and b/logo.png differ"
expect_contains "$out" "diff --git a/my dir/café.txt b/my dir/café.txt"
expect_contains "$out" $'-café\n+café crème' "UTF-8 lines"
expect_contains "$out" $'deleted file mode 100644\nindex ' "deleted file"

# REV:PATH is byte-exact, binary or not.
morph show HEAD:logo.png >"$T_ROOT/logo.out"
cmp -s "$T_ROOT/logo.out" logo.png
expect_eq "$?" 0 "show REV:PATH of a binary file is byte-exact"
morph show HEAD~1:logo.png >"$T_ROOT/logo1.out"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe' >"$T_ROOT/logo1.want"
cmp -s "$T_ROOT/logo1.out" "$T_ROOT/logo1.want"
expect_eq "$?" 0 "show of an older binary version is byte-exact"
morph show "HEAD:my dir/café.txt" >"$T_ROOT/cafe.out"
cmp -s "$T_ROOT/cafe.out" "my dir/café.txt"
expect_eq "$?" 0 "show of a file with a space and UTF-8 in its name"
printf 'no newline' >nonl.txt
ok morph add nonl.txt
morph show :nonl.txt >"$T_ROOT/nonl.out"
cmp -s "$T_ROOT/nonl.out" nonl.txt
expect_eq "$?" 0 "show adds no newline"

# Directories list their entries.
ok morph show HEAD:
expect_contains "$out" $'100644 blob '"$(morph rev-parse HEAD:logo.png)"$'\tlogo.png'
expect_contains "$out" $'040000 tree '"$(morph rev-parse "HEAD:my dir")"$'\tmy dir'

# JSON: a commit with its files.
ok morph show --json
expect_contains "$out" '"id": "'"$(morph rev-parse HEAD)"'"'
expect_contains "$out" '"message": "second change\n"'
expect_contains "$out" '"refs": [
    "HEAD -> main"
  ],' "JSON: refs"
expect_contains "$out" '"files": ['
expect_contains "$out" '"path": "logo.png",
      "status": "modified",
      "old_id": "'"$(morph rev-parse HEAD~1:logo.png)"'",
      "new_id": "'"$(morph rev-parse HEAD:logo.png)"'",' "JSON: modified file"
expect_contains "$out" '"path": "old.txt",
      "status": "deleted",' "JSON: deleted file"
ok morph log --json -n 1
logjson=$(printf '%s\n' "$out" | sed '1d;$d;s/^  //' | sed '$d')
ok morph show --json
expect_contains "$out" "$logjson" "show --json has log --json's members"

# JSON: a text file, a binary file, a directory.
ok morph show --json "HEAD:my dir/café.txt"
expect_contains "$out" '"type": "blob"'
expect_contains "$out" '"size": 13'
expect_contains "$out" '"encoding": "utf-8"'
expect_contains "$out" '"content": "café crème\n"'
ok morph show --json HEAD:logo.png
expect_contains "$out" '"encoding": "base64"'
b64=$(printf '%s\n' "$out" | sed -n 's/.*"content": "\(.*\)".*/\1/p')
printf '%s' "$b64" | base64 -d >"$T_ROOT/logo.b64"
cmp -s "$T_ROOT/logo.b64" logo.png
expect_eq "$?" 0 "base64 content decodes to the file"
ok morph show --json "HEAD:my dir"
expect_contains "$out" '"type": "tree"'
expect_contains "$out" '"name": "café.txt",
      "type": "blob",
      "mode": "100644",' "JSON: tree entries"

# The formats: every kind of change, with a letter each.
ok morph show --name-status
expect_eq "$(printf '%s\n' "$out" | sed -n '/^$/,$p' | sed 1,2d)" "
M	logo.png
M	my dir/café.txt
D	old.txt" "--name-status: modified and deleted"
ok morph show --name-only
expect_eq "$(printf '%s\n' "$out" | tail -3)" "logo.png
my dir/café.txt
old.txt" "--name-only"
ok morph show --stat
expect_contains "$out" " logo.png        | Bin 18 -> 18 bytes
 my dir/café.txt |   2 +-
 old.txt         |   1 -
 3 files changed, 1 insertion(+), 2 deletions(-)" "--stat: binary, text, deleted"
fails 2 morph show --stat --name-only
expect_contains "$err" "morph: show: --json, --name-only, --name-status and --stat exclude each other"
fails 2 morph show --json --stat
expect_contains "$err" "exclude each other"

# A commit that changes nothing shows no patch.
ok morph commit -m "no newline"
ok morph commit --allow-empty -m empty
ok morph show
expect_not_contains "$out" "diff --git" "empty commit: no patch"
expect_eq "$(printf '%s\n' "$out" | tail -1)" "    empty" "ends with the message"
ok morph show --json
expect_contains "$out" '"files": []'
ok morph show --stat
expect_eq "$(printf '%s\n' "$out" | tail -1)" "    empty" "empty commit: no stat"

# Errors.
fails 2 morph show nosuchrev
expect_contains "$err" "morph: unknown revision 'nosuchrev'"
fails 2 morph show HEAD:nosuchfile
expect_contains "$err" "nosuchfile"
fails 2 morph show HEAD HEAD~1
expect_contains "$err" "too many revisions"
fails 2 morph show --oneline
expect_contains "$err" "usage: morph show"
cd "$T_ROOT"

new_repo unborn
fails 2 morph show
expect_contains "$err" "no commits yet"
cd "$T_ROOT"

done_testing
