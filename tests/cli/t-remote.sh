#!/usr/bin/env bash
# morph remote lists, adds and removes remotes; with none of its own, a
# repository inside a git work tree uses git's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/synclib.sh"

new_repo r
ok morph remote
expect_eq "$out" "" "no remote yet"
fails 2 morph push
expect_contains "$err" "morph: no remote: add one with morph remote add origin URL"
ok morph remote add origin ../hub.git
ok morph remote
expect_eq "$out" "origin" "the remote is listed"
ok morph remote -v
expect_eq "$out" "origin	$T_ROOT/hub.git" "a relative path is recorded absolute"
ok morph remote add backup file:///srv/backup.git
ok morph remote --json
expect_eq "$(json "[(r['name'], r['url'], r['source']) for r in d]")" \
    "[('origin', '$T_ROOT/hub.git', 'morph'), ('backup', 'file:///srv/backup.git', 'morph')]" "--json"
fails 2 morph remote add origin /elsewhere
expect_contains "$err" "morph: remote 'origin' already exists ($T_ROOT/hub.git)"
fails 2 morph remote add 'bad.name' /x
expect_contains "$err" "'bad.name' is not a valid remote name"
fails 2 morph remote add onlyname
expect_contains "$err" "usage: morph remote"
fails 2 morph remote frobnicate
expect_contains "$err" "unknown subcommand 'frobnicate'"

# Two remotes and none named origin: push must be told which.
ok morph remote remove origin
fails 2 morph remote remove origin
expect_contains "$err" "no remote named 'origin'"
ok morph remote add other /x
fails 2 morph fetch
expect_contains "$err" "no remote named 'origin', and several others"
ok morph remote remove backup
ok morph remote remove other

# Removing a remote drops its remote-tracking branches.
hub hub
suite_repo a
ok morph remote add origin ../hub.git
ok morph push
ok morph fetch
ok morph rev-parse origin/main
ok morph remote remove origin
fails 2 morph rev-parse origin/main

# Inside a git work tree, git's remotes serve when morph has none.
mkdir "$T_ROOT/g" && cd "$T_ROOT/g" && git init -q .
git remote add origin "$T_ROOT/hub.git"
ok morph init
T_REPOS+=("$PWD")
ok morph remote -v
expect_eq "$out" "origin	$T_ROOT/hub.git (git)" "git's remote is used"
ok morph fetch
expect_contains "$out" "origin/main"
ok morph log --oneline origin/main
expect_contains "$out" "Suite"
ok morph checkout -b mine origin/main
ok morph push origin mine
expect_contains "$out" "To $T_ROOT/hub.git"
ok git -C "$T_ROOT/hub.git" rev-parse refs/morph/heads/mine
done_testing
