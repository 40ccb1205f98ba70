#!/usr/bin/env bash
# morph commit: messages from -m, -F, standard input and the editor,
# cleaned as git does; identity and date; -a; the empty-commit rule; git
# provenance; a database locked by another process.
. "$(dirname "$0")/lib.sh"

# message [REV]: the stored message of a commit, newlines written \n.
message() {
	morph cat-object --raw "${1:-HEAD}" | python3 -c 'import json, sys
print(json.load(sys.stdin)["message"].replace("\n", "\\n"))'
}

new_repo r

# Nothing staged on an unborn branch.
fails 2 morph commit -m first
expect_contains "$err" "morph: nothing to commit; add files with morph add"

# Usage errors.
fails 2 morph commit -m a -F msg.txt
expect_contains "$err" "morph: commit: -m and -F cannot be combined"
expect_contains "$err" "usage: morph commit [-aq] [--allow-empty] [-F file | -m message ...]"
fails 2 morph commit -m a extra
expect_contains "$err" "morph: commit: unexpected argument 'extra'"
fails 2 morph commit -x
expect_contains "$err" "morph: commit: unknown option '-x'"
fails 2 morph commit -m
expect_contains "$err" "morph: commit: option '-m' needs a value"

# EXAMPLES in morph-commit.1: the first commit.
printf 'Summarize: {{text}}\n' >summarize.txt
ok morph add summarize.txt
ok morph commit -m "Add the summarize prompt"
expect_contains "$out" "[main (root-commit) "
expect_contains "$out" "] Add the summarize prompt"
id=$(morph rev-parse HEAD)
expect_eq "$out" "[main (root-commit) ${id:0:12}] Add the summarize prompt" \
    "summary line"

# An unchanged tree is refused, unless --allow-empty.
fails 2 morph commit -m again
expect_contains "$err" "morph: nothing to commit (use --allow-empty to commit anyway)"
ok morph commit --allow-empty -m "empty on purpose"
expect_eq "$(morph rev-parse HEAD:)" "$(morph rev-parse HEAD~1:)" "same tree"
expect_eq "$(morph rev-parse HEAD^)" "$id" "parent"

# -q and --quiet commit without the summary line; errors are printed.
ok morph commit -q --allow-empty -m "quietly"
expect_eq "$out$err" "" "commit -q prints nothing"
expect_eq "$(morph log --oneline -n 1 | cut -c14-)" "(HEAD -> main) quietly" \
    "commit -q committed"
ok morph commit --quiet --allow-empty -m "quietly again"
expect_eq "$out$err" "" "commit --quiet prints nothing"
fails 2 morph commit -q -m "nothing changed"
expect_contains "$err" "morph: nothing to commit" "commit -q still prints errors"
id=$(morph rev-parse HEAD)

# Several -m are paragraphs; white space is cleaned, '#' lines kept.
ok morph commit --allow-empty -m "Subject  " -m "" -m "Body line 1	" -m "# not a comment"
expect_eq "$(message)" 'Subject\n\nBody line 1\n\n# not a comment\n' "-m paragraphs"

# An empty or blank message aborts.
fails 2 morph commit --allow-empty -m ""
expect_contains "$err" "morph: aborting commit due to an empty commit message"
fails 2 morph commit --allow-empty -m "   " -m "	"
expect_contains "$err" "aborting commit due to an empty commit message"

# -F file and -F - (standard input); blank runs collapse.
printf '\n\n  \nFrom a file  \n\n\n\nwith a body\r\n\n' >msg.txt
printf 'Classify: {{text}}\n' >classify.txt
ok morph add classify.txt
ok morph commit -F msg.txt
expect_contains "$out" "] From a file"
expect_eq "$(message)" 'From a file\n\nwith a body\n' "-F file cleaned"
printf 'From stdin\n' | morph commit --allow-empty -F - >/dev/null
expect_eq "$(message)" 'From stdin\n' "-F -"
fails 2 morph commit --allow-empty -F missing.txt
expect_contains "$err" "morph: cannot open 'missing.txt': No such file or directory"
# -F is relative to the current directory.
mkdir sub && printf 'From sub\n' >sub/m.txt
cd sub
ok morph commit --allow-empty -F m.txt
cd "$T_ROOT/r"
expect_eq "$(message)" 'From sub\n' "-F relative to the current directory"
rm -r sub msg.txt

# The editor: MORPH_EDITOR first, then VISUAL, then EDITOR; '#' lines go.
cat >"$T_ROOT/editor.sh" <<'EOF'
#!/bin/sh
# A test editor: writes a message to the file it is given.
{ printf 'From the editor\n# a comment line\n\nBody\n'; cat "$1"; } >"$1.new"
mv "$1.new" "$1"
EOF
chmod +x "$T_ROOT/editor.sh"
printf '#!/bin/sh\nexit 1\n' >"$T_ROOT/fail.sh"
chmod +x "$T_ROOT/fail.sh"
MORPH_EDITOR="$T_ROOT/editor.sh" VISUAL="$T_ROOT/fail.sh" EDITOR="$T_ROOT/fail.sh" \
    run morph commit --allow-empty
T_CHECKS=$((T_CHECKS + 1))
if [ "$status" -eq 0 ]; then pass "MORPH_EDITOR"; else fail "MORPH_EDITOR"; fi
expect_eq "$(message)" 'From the editor\n\nBody\n' "editor message, comments dropped"
expect_contains "$(cat .morph/COMMIT_EDITMSG)" "# Write the commit message above." \
    "template kept in .morph/COMMIT_EDITMSG"
VISUAL="$T_ROOT/editor.sh" EDITOR="$T_ROOT/fail.sh" run morph commit --allow-empty
expect_eq "$status" 0 "VISUAL before EDITOR"
EDITOR="$T_ROOT/editor.sh" run morph commit --allow-empty
expect_eq "$status" 0 "EDITOR"
# The editor is a shell command: arguments are allowed.
MORPH_EDITOR="sh $T_ROOT/editor.sh" run morph commit --allow-empty
expect_eq "$status" 0 "editor with arguments"
# A failing editor aborts; so does an editor that leaves only comments.
before=$(morph rev-parse HEAD)
MORPH_EDITOR="$T_ROOT/fail.sh" fails 2 morph commit --allow-empty
expect_contains "$err" "morph: the editor '$T_ROOT/fail.sh' failed; the commit is aborted"
MORPH_EDITOR=true fails 2 morph commit --allow-empty
expect_contains "$err" "aborting commit due to an empty commit message"
expect_eq "$(morph rev-parse HEAD)" "$before" "no commit made"
# No editor and no terminal: ask for -m.
fails 2 morph commit --allow-empty </dev/null
expect_contains "$err" "morph: no commit message: give one with -m or -F"

# -a stages modified and deleted tracked files, not new ones.
printf 'Translate: {{text}}\n' >translate.txt
ok morph add translate.txt
ok morph commit -m "Add translate"
printf 'Summarize briefly: {{text}}\n' >summarize.txt
rm translate.txt
printf 'new\n' >untracked.txt
fails 2 morph commit -m "nothing staged"
ok morph commit -a -m "Edit and remove" -m "Shorter prompts."
ok morph status --short
expect_eq "$out" "?? untracked.txt" "-a left the untracked file"
fails 2 morph rev-parse HEAD:translate.txt
ok morph cat-object -p HEAD:summarize.txt
expect_eq "$out" "Summarize briefly: {{text}}" "-a committed the edit"
expect_eq "$(message)" 'Edit and remove\n\nShorter prompts.\n' "subject and body"
rm untracked.txt

# Identity: MORPH_AUTHOR_* win over user.* which win over EMAIL.
author() { morph log -n 1 --json | python3 -c 'import json,sys; a=json.load(sys.stdin)[0]["author"]; print(a["name"], a["email"], a["time"], a["tz"])'; }
ok morph commit --allow-empty -m env
expect_contains "$(author)" "Test Author test@example.com"
ok morph config user.name "Config Name"
ok morph config user.email config@example.com
MORPH_AUTHOR_NAME= MORPH_AUTHOR_EMAIL= run morph commit --allow-empty -m config
expect_contains "$(author)" "Config Name config@example.com" "user.name and user.email"
ok morph config --unset user.email
ok morph config --unset user.name
ok morph config --global user.name "Global Name"
MORPH_AUTHOR_NAME= MORPH_AUTHOR_EMAIL= EMAIL=env@example.com \
    run morph commit --allow-empty -m global
expect_contains "$(author)" "Global Name env@example.com" "global user.name, EMAIL"
ok morph config --global --unset user.name
MORPH_AUTHOR_NAME= MORPH_AUTHOR_EMAIL= EMAIL= run morph commit --allow-empty -m login
expect_eq "$status" 0 "login name and host as the last resort"
expect_contains "$(author)" "@" "an email is made up"

# MORPH_AUTHOR_DATE: seconds since the epoch, optionally @, and a zone.
MORPH_AUTHOR_DATE="1700000000 +0130" run morph commit --allow-empty -m dated
expect_contains "$(author)" "1700000000 +0130" "date and zone"
ok morph log -n 1
expect_contains "$out" "Date:   Tue Nov 14 23:43:20 2023 +0130"
MORPH_AUTHOR_DATE="@1700000000" run morph commit --allow-empty -m at
expect_contains "$(author)" "1700000000 +0000" "@seconds, UTC"
MORPH_AUTHOR_DATE="yesterday" fails 2 morph commit --allow-empty -m bad
expect_contains "$err" "morph: MORPH_AUTHOR_DATE 'yesterday': expected SECONDS [+-hhmm]"
MORPH_AUTHOR_DATE="1700000000 0100" fails 2 morph commit --allow-empty -m bad
expect_contains "$err" "expected SECONDS [+-hhmm]"

# A message that is not UTF-8 is refused.
fails 2 morph commit --allow-empty -m "$(printf 'bad \377 byte')"
expect_contains "$err" "not valid UTF-8"
printf 'cut\000short\n' >nul.txt
fails 2 morph commit --allow-empty -F nul.txt
expect_contains "$err" "morph: the commit message contains a NUL byte"
rm nul.txt

# From a detached HEAD the summary says so.
ok morph checkout "$(morph rev-parse HEAD)"
ok morph commit --allow-empty -m detached
expect_eq "$out" "[detached HEAD $(morph rev-parse --short HEAD)] detached" \
    "detached summary"
ok morph checkout main

# Inside a git work tree, the commit records git HEAD and the dirty flag.
mkdir "$T_ROOT/g" && cd "$T_ROOT/g"
git init -q . && git config user.name G && git config user.email g@example.com
new_repo g/prompts
printf 'a\n' >a.txt
ok morph add a.txt
ok morph commit -m "git unborn"
ok morph cat-object --raw HEAD
expect_contains "$out" '"git":{"dirty":false}' "unborn git: no head"
git add a.txt && git commit -q -m one
ghead=$(git rev-parse HEAD)
printf 'b\n' >b.txt
ok morph add b.txt
ok morph commit -m "git clean"
ok morph cat-object --raw HEAD
expect_contains "$out" "\"git\":{\"dirty\":false,\"head\":\"$ghead\"}" "clean git"
printf 'changed\n' >a.txt
ok morph commit -a -m "git dirty"
ok morph log -n 1
expect_contains "$out" "Git:    $ghead (dirty)"
ok morph log -n 1 --json
expect_contains "$out" "\"head\": \"$ghead\""
expect_contains "$out" '"dirty": true'
expect_eq "$(git status --porcelain --untracked-files=all | grep -c morph)" 0 \
    ".morph is not shown to git"
cd "$T_ROOT/r"
# Outside git, no provenance at all.
ok morph log -n 1 --json
expect_contains "$out" '"git": null'

# A database locked by another process: commit gives up after
# core.locktimeout milliseconds, and works once the lock is gone.  The
# holder keeps its lock until the test lets it go (a line on a FIFO), so
# no clock decides who wins; a commit that waited for the lock instead of
# giving up would wait for ever, and "timeout" ends it.
ok morph config core.locktimeout 300
printf 'x\n' >locked.txt
ok morph add locked.txt
before=$(morph rev-parse HEAD)
rm -f "$T_ROOT/locked"
mkfifo "$T_ROOT/unlock"
{ printf 'BEGIN IMMEDIATE;\n.shell touch %s/locked\n' "$T_ROOT"
    read -r _ <"$T_ROOT/unlock"
    printf 'COMMIT;\n'; } | sqlite3 .morph/morph.db &
holder=$!
T_CHECKS=$((T_CHECKS + 1))
if wait_until test -e "$T_ROOT/locked"; then pass "another process holds the lock"
else fail "sqlite3 did not take the lock"; fi
fails 2 timeout "$T_DEADLINE" "$MORPH" commit -m locked
expect_contains "$err" "is locked by another process (waited 0.3 s)"
# Readers are not blocked by a writer.
ok morph log --oneline -n 1
ok morph status --short
expect_eq "$out" "A  locked.txt" "status while locked"
ok morph rev-parse HEAD
expect_eq "$out" "$before" "rev-parse while locked"
echo unlock >"$T_ROOT/unlock"
wait "$holder"
ok morph commit -m "after the lock"
expect_eq "$(morph rev-parse HEAD^)" "$before" "the commit went in"

# Outside any repository.
cd "$T_ROOT"
fails 2 morph commit -m x
expect_contains "$err" "morph: not a morph repository"

# --amend: the new commit replaces HEAD's, with its parents and author.
new_repo amend
fails 2 morph commit --amend -m nothing
expect_eq "$err" "morph: cannot amend: branch 'main' has no commits yet; there is no commit to amend" \
    "nothing to amend"
fails 2 morph commit --amend --no-edit
expect_contains "$err" "cannot amend:"
MORPH_AUTHOR_DATE="1000000000 +0100" commit_file a.txt one 'root'
root=$(morph rev-parse HEAD)
MORPH_AUTHOR_DATE="1000000100 +0100" commit_file a.txt two 'second'
second=$(morph rev-parse HEAD)
printf 'forgotten\n' >b.txt
ok morph add b.txt
MORPH_AUTHOR_DATE="1000000200 +0000" MORPH_AUTHOR_NAME=Other \
    run morph commit --amend -m 'second, with b'
expect_eq "$status" 0 "commit --amend -m"
amended=$(morph rev-parse HEAD)
expect_eq "$out" "[main $(morph rev-parse --short HEAD)] second, with b" "amend prints the commit"
expect_eq "$([ "$amended" != "$second" ] && echo new)" new "the amended commit is a new one"
expect_eq "$(morph rev-parse HEAD~1)" "$root" "it keeps the amended commit's parent"
ok morph log --oneline
expect_eq "$(echo "$out" | wc -l)" 2 "it replaced the commit: still two in the log"
expect_not_contains "$out" " second"$'\n' "the old message is gone from the branch"
ok morph show --name-only HEAD
expect_contains "$out" "b.txt"
ok morph log -1 --json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys
c = json.load(sys.stdin)[0]; a = c["author"]
print(a["name"], a["time"], a["tz"])')" "Test Author 1000000100 +0100" \
    "the author and date are the amended commit's"
ok morph rev-parse HEAD@{1}
expect_eq "$out" "$second" "HEAD@{1} names the commit amended"
ok morph reflog -n 1
expect_eq "$out" "$(morph rev-parse --short HEAD) HEAD@{0}: commit (amend): second, with b" \
    "the reflog says amend"

# Without -m the editor opens on the old message; --no-edit keeps it.
printf '#!/bin/sh\nsed -i "s/with b/with b and c/" "$1"\n' >"$T_ROOT/amend-editor.sh"
chmod +x "$T_ROOT/amend-editor.sh"
printf 'c\n' >c.txt
ok morph add c.txt
MORPH_EDITOR="$T_ROOT/amend-editor.sh" run morph commit --amend -q
expect_eq "$status" 0 "commit --amend in the editor"
expect_eq "$(morph log -1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["message"], end="")')" \
    "second, with b and c" "the editor started from the old message"
before=$(morph rev-parse HEAD)
ok morph commit --amend --no-edit -q
expect_eq "$(morph rev-parse HEAD)" "$before" "an amend that changes nothing makes the same commit"
MORPH_AUTHOR_DATE="1000000300 +0000" run morph commit --amend --no-edit --reset-author -q
expect_eq "$status" 0 "--reset-author"
ok morph log -1 --json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys
print(json.load(sys.stdin)[0]["author"]["time"])')" "1000000300" "--reset-author takes the date now"

# An amend that would leave the commit empty is refused unless asked for.
ok morph rm b.txt c.txt
printf 'one\n' >a.txt
ok morph add a.txt
fails 2 morph commit --amend --no-edit
expect_contains "$err" "amending the last commit would leave it empty"
expect_eq "$(morph rev-parse HEAD~1)" "$root" "nothing changed"
ok morph commit --amend --no-edit --allow-empty -q
expect_eq "$(morph rev-parse HEAD~1)" "$root" "amended to empty, parent kept"

# Amending a root commit keeps it a root.
ok morph checkout -q "$root"
ok morph commit --amend -m 'new root'
expect_eq "$out" "[detached HEAD (root-commit) $(morph rev-parse --short HEAD)] new root" \
    "an amended root is a root"
fails 2 morph rev-parse HEAD~1
ok morph checkout -q main

# Usage errors.
fails 2 morph commit --no-edit -m x
expect_contains "$err" "--no-edit and --reset-author go with --amend"
fails 2 morph commit --amend --no-edit -m x
expect_contains "$err" "--no-edit takes no -m or -F"
cd "$T_ROOT"

done_testing
