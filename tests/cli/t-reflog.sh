#!/usr/bin/env bash
# morph reflog and the revisions it names: what commit, checkout, switch,
# reset, amend and branch log for HEAD and for branches, NAME@{N}, @{N},
# NAME@{DATE}, @{-N}, logs that go with deleted and renamed branches, a
# detached HEAD's log, --json and -n, errors, and fsck on a damaged log.
. "$(dirname "$0")/lib.sh"

short() { "$MORPH" rev-parse --short "$1"; }

new_repo basic
export MORPH_AUTHOR_DATE="1000000000 +0000"
commit_file a.txt one 'first'
c1=$(morph rev-parse HEAD)
export MORPH_AUTHOR_DATE="1000001000 +0000"
commit_file a.txt two 'second'
c2=$(morph rev-parse HEAD)
ok morph reflog
expect_eq "$out" "$(short "$c2") HEAD@{0}: commit: second
$(short "$c1") HEAD@{1}: commit (initial): first" "HEAD's log after two commits"

# After a commit, HEAD@{1} is the commit before it, on any command.
ok morph rev-parse HEAD@{1}
expect_eq "$out" "$c1" "HEAD@{1} is the previous commit"
ok morph rev-parse HEAD@{0} main@{1} @{1} main@{0}
expect_eq "$out" "$c2
$c1
$c1
$c2" "HEAD@{0}, main@{1}, @{1} (the current branch), main@{0}"
ok morph rev-parse HEAD@{1}~0 HEAD@{0}^ HEAD@{1}:a.txt
expect_eq "$(echo "$out" | sed -n 1,2p)" "$c1
$c1" "suffixes after a selector"
expect_eq "$(morph cat-object -p HEAD@{1}:a.txt)" "one" "HEAD@{1}:path"
ok morph diff --name-only HEAD@{1} HEAD
expect_eq "$out" "a.txt" "diff between reflog entries"
ok morph log --oneline HEAD@{1}
expect_contains "$out" "first"
expect_not_contains "$out" "second" "log HEAD@{1} starts at the first commit"

# Too short a log, and selectors morph does not read.
fails 2 morph rev-parse HEAD@{2}
expect_eq "$err" "morph: log for 'HEAD' only has 2 entries" "HEAD@{2}"
fails 2 morph rev-parse main@{5}
expect_eq "$err" "morph: log for 'main' only has 2 entries" "main@{5}"
fails 2 morph rev-parse nope@{0}
expect_contains "$err" "no branch 'nope'"
fails 2 morph rev-parse 'HEAD@{'
expect_contains "$err" "invalid revision 'HEAD@{'"
fails 2 morph rev-parse 'HEAD@{}'
expect_contains "$err" "invalid revision 'HEAD@{}'"
fails 2 morph rev-parse 'HEAD@{upstream}'
expect_contains "$err" "in braces after '@' morph reads N, -N or a date"

# By date: the entry times are MORPH_AUTHOR_DATE's, as a commit's are.
ok morph rev-parse 'main@{@1000000500}' 'HEAD@{@2000000000}'
expect_eq "$out" "$c1
$c2" "main@{DATE} is what main named then"
fails 2 morph rev-parse 'main@{@999999999}'
expect_eq "$err" "morph: log for 'main' only goes back to 2001-09-09 01:46:40 UTC" \
    "a date before the first entry"
fails 2 morph rev-parse 'main@{not a date}'
expect_contains "$err" "invalid revision 'main@{not a date}'"

# Checkout, switch and @{-N}.
unset MORPH_AUTHOR_DATE
ok morph checkout -q -b side
commit_file b.txt bee 'on side'
c3=$(morph rev-parse HEAD)
ok morph switch main
ok morph reflog -n 4
expect_eq "$out" "$(short "$c2") HEAD@{0}: checkout: moving from side to main
$(short "$c3") HEAD@{1}: commit: on side
$(short "$c2") HEAD@{2}: checkout: moving from main to side
$(short "$c2") HEAD@{3}: commit: second" "checkout and switch in HEAD's log"
ok morph reflog show side
expect_eq "$out" "$(short "$c3") side@{0}: commit: on side
$(short "$c2") side@{1}: checkout: moving from main to side" \
    "the branch's own log: its commit, and its creation"
ok morph rev-parse @{-1}
expect_eq "$out" "$c3" "@{-1} is the previous branch's commit"
ok morph rev-parse --abbrev-ref @{-1}
expect_eq "$out" "side" "@{-1} names the previous branch"
ok morph rev-parse @{-2}
expect_eq "$out" "$c2" "@{-2}: main, before side"
fails 2 morph rev-parse @{-3}
expect_eq "$err" "morph: '@{-3}': HEAD's log records 2 checkouts" "@{-3}"
ok morph checkout -
expect_eq "$out" "Switched to branch 'side'" "checkout - goes back onto the branch"
expect_eq "$(morph rev-parse --abbrev-ref HEAD)" "side" "attached after checkout -"
ok morph checkout -q main
ok morph checkout '@{-1}'
expect_eq "$out" "Switched to branch 'side'" "checkout @{-1} goes back onto the branch"
ok morph checkout -q main

# A detached HEAD: its commits are in HEAD's log, no branch's.
ok morph checkout -q "$c1"
commit_file c.txt sea 'detached work'
c4=$(morph rev-parse HEAD)
ok morph reflog -n 2
expect_eq "$out" "$(short "$c4") HEAD@{0}: commit: detached work
$(short "$c1") HEAD@{1}: checkout: moving from main to $c1" "a detached HEAD's log"
ok morph reflog main
expect_not_contains "$out" "detached work" "main's log is untouched"
ok morph checkout -q main
ok morph reflog -n 1
expect_eq "$out" "$(short "$c2") HEAD@{0}: checkout: moving from $c4 to main" \
    "leaving a detached HEAD names its commit"
ok morph rev-parse HEAD@{1}
expect_eq "$out" "$c4" "the detached commit is still named by the log"

# Branch creation, renaming and deletion.
ok morph branch topic HEAD~1
ok morph reflog show topic
expect_eq "$out" "$(short "$c1") topic@{0}: branch: Created from HEAD~1" \
    "branch creation"
ok morph branch -m topic renamed
ok morph reflog show refs/heads/renamed
expect_eq "$out" "$(short "$c1") refs/heads/renamed@{0}: Branch: renamed refs/heads/topic to refs/heads/renamed
$(short "$c1") refs/heads/renamed@{1}: branch: Created from HEAD~1" \
    "a renamed branch takes its log along"
fails 2 morph reflog show topic
expect_eq "$err" "morph: no branch 'topic' (morph keeps logs for HEAD and branches)"
ok morph branch -D renamed
ok morph branch renamed
ok morph reflog show renamed
expect_eq "$out" "$(short "$c2") renamed@{0}: branch: Created from HEAD" \
    "deleting a branch deleted its log: a new one starts afresh"
fails 2 morph rev-parse renamed@{1}
expect_eq "$err" "morph: log for 'renamed' only has 1 entry"

# --json and -n.
ok morph reflog --json -n 1 show side
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys
e = json.load(sys.stdin)
print(len(e), e[0]["selector"], e[0]["new"], e[0]["old"] is None,
    e[0]["name"], e[0]["email"], e[0]["tz"], type(e[0]["time"]).__name__,
    e[0]["message"])')" \
    "1 side@{0} $c3 False Test Author test@example.com +0000 int commit: on side" \
    "reflog --json"
ok morph reflog --json show renamed
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys
print(json.load(sys.stdin)[0]["old"])')" "None" "a new branch's old id is null"
ok morph reflog -n 0
expect_eq "$out" "" "-n 0"
fails 2 morph reflog v1 extra
fails 2 morph reflog 'bad..name'
expect_contains "$err" "is not a branch name"

# A tag keeps no log; a tag shadowing a branch leaves the branch's log.
ok morph tag side-tag side
fails 2 morph rev-parse side-tag@{0}
expect_contains "$err" "no branch 'side-tag'"
ok morph tag side main
ok morph rev-parse side@{0}
expect_eq "$out" "$c3" "side@{0} reads the branch's log, not the tag"
ok morph tag -d side
ok morph tag -d side-tag

# fsck checks the log: a bad id or a missing commit is a problem.
db=.morph/morph.db
ok morph fsck
sqlite3 "$db" "INSERT INTO reflog (ref, old, new, name, email, time, tz, message) VALUES ('refs/heads/main', '$c1', 'xyz', 'n', 'e', 1, 0, 'damaged')"
fails 1 morph fsck
expect_contains "$out$err" "reflog of 'refs/heads/main': bad id in entry"
sqlite3 "$db" "DELETE FROM reflog WHERE message = 'damaged'"
sqlite3 "$db" "INSERT INTO reflog (ref, old, new, name, email, time, tz, message) VALUES ('refs/tags/v9', '00000000000000000000000000000000', '$c1', 'n', 'e', 1, 0, 'damaged')"
fails 1 morph fsck
expect_contains "$out$err" "reflog of 'refs/tags/v9': not a reference morph keeps a log for"
sqlite3 "$db" "DELETE FROM reflog WHERE message = 'damaged'"
sqlite3 "$db" "INSERT INTO reflog (ref, old, new, name, email, time, tz, message) VALUES ('HEAD', '00000000000000000000000000000000', '0123456789abcdef0123456789abcdef', 'n', 'e', 1, 0, 'damaged')"
fails 1 morph fsck
expect_contains "$out$err" "the reflog of 'HEAD'"
sqlite3 "$db" "DELETE FROM reflog WHERE message = 'damaged'"
ok morph fsck

# A database made before the reflog (schema 5) gains an empty one.
new_repo old
commit_file a.txt one 'before'
sqlite3 .morph/morph.db "DROP TABLE reflog; PRAGMA user_version = 5;"
ok morph log --oneline
ok morph reflog
expect_eq "$out" "" "an upgraded repository's log starts empty"
fails 2 morph rev-parse HEAD@{0}
expect_eq "$err" "morph: log for 'HEAD' is empty"
commit_file a.txt two 'after'
ok morph reflog
expect_eq "$out" "$(short HEAD) HEAD@{0}: commit: after" "logged from the upgrade on"

# The example of morph-reflog(1).
new_repo example
commit_file prompts/greeting.txt 'Say hello.' 'first greeting'
commit_file prompts/greeting.txt 'Say hello, briefly.' 'shorter greeting'
ok morph reset --hard HEAD~1
expect_eq "$out" "HEAD is now at $(short HEAD) first greeting"
ok morph reflog -n 2
expect_eq "$out" "$(short HEAD) HEAD@{0}: reset: moving to HEAD~1
$(short HEAD@{1}) HEAD@{1}: commit: shorter greeting" "the example's log"
ok morph reset --hard HEAD@{1}
expect_eq "$(cat prompts/greeting.txt)" "Say hello, briefly." "reset --hard HEAD@{1} undoes the reset"
ok morph reflog show main
expect_contains "$out" "main@{0}: reset: moving to HEAD@{1}"
cd "$T_ROOT"

done_testing
