#!/usr/bin/env bash
# morph branch: listing (text and JSON, detached HEAD), creating at a
# start, deleting (current and unmerged branches refused), renaming.
. "$(dirname "$0")/lib.sh"

# The examples of morph-branch(1).
new_repo example
mkdir prompts
commit_file prompts/greeting.txt 'Say hello.' 'first greeting'
c1=$(morph rev-parse HEAD)
ok morph branch shorter-prompts
expect_eq "$out" "" "create is quiet"
ok morph branch
expect_eq "$out" "* main
  shorter-prompts"
ok morph branch -d shorter-prompts
expect_eq "$out" "Deleted branch shorter-prompts (was ${c1:0:12})."
ok morph branch -v
expect_eq "$out" "* main ${c1:0:12} first greeting" "man page example: -v"
ok morph branch --json
expect_eq "$out" "[
  {
    \"name\": \"main\",
    \"id\": \"$c1\",
    \"current\": true
  }
]"

# An unborn branch is not listed, and nothing can start from it.
new_repo unborn
ok morph branch
expect_eq "$out" "" "no branches yet"
ok morph branch --json
expect_eq "$out" "[]" "an empty array"
fails 2 morph branch topic
expect_eq "$err" "morph: branch 'main' has no commits yet"
cd "$T_ROOT/example"

# Creating at a start; refusing existing, invalid and unknown names.
commit_file prompts/greeting.txt 'Say hi.' 'second greeting'
c2=$(morph rev-parse HEAD)
ok morph branch old-greeting HEAD~1
expect_eq "$(morph rev-parse old-greeting)" "$c1" "at the start"
ok morph branch café
expect_eq "$(morph rev-parse café)" "$c2" "a UTF-8 name, at HEAD"
fails 2 morph branch main
expect_eq "$err" "morph: a branch named 'main' already exists"
fails 2 morph branch 'bad..name'
expect_eq "$err" "morph: 'bad..name' is not a valid branch name"
fails 2 morph branch 'with space'
expect_contains "$err" "is not a valid branch name"
fails 2 morph branch HEAD
expect_contains "$err" "is not a valid branch name"
fails 2 morph branch -- -dash
expect_contains "$err" "'-dash' is not a valid branch name"
fails 2 morph branch topic nope
expect_eq "$err" "morph: unknown revision 'nope'"
fails 2 morph branch topic HEAD:prompts
expect_contains "$err" "is a tree, not a commit"
fails 2 morph branch a b c
expect_contains "$err" "usage: morph branch [--json | -v]"
fails 2 morph branch --json topic
expect_contains "$err" "--json lists"
fails 2 morph branch -v topic
expect_contains "$err" "morph: branch: -v lists; it takes no name"
fails 2 morph branch -v --json
expect_contains "$err" "morph: branch: -d, -m, -v and --json cannot be combined"
ok morph branch
expect_eq "$out" "  café
* main
  old-greeting"

# -v: each branch's commit and summary, names padded as git pads them.
ok morph branch -v
expect_eq "$out" "  café         ${c2:0:12} second greeting
* main         ${c2:0:12} second greeting
  old-greeting ${c1:0:12} first greeting" "-v"
ok morph branch --verbose
expect_eq "$out" "$(morph branch -v)" "--verbose is -v"
ok morph checkout -q "$c1"
ok morph branch -v
expect_eq "$out" "* (HEAD detached at ${c1:0:12}) ${c1:0:12} first greeting
  café                            ${c2:0:12} second greeting
  main                            ${c2:0:12} second greeting
  old-greeting                    ${c1:0:12} first greeting" "-v, detached"
ok morph checkout -q main

# Deleting: the current branch and unmerged branches are refused.
fails 2 morph branch -d main
expect_eq "$err" "morph: cannot delete branch 'main': it is the current branch"
fails 2 morph branch -D main
expect_contains "$err" "it is the current branch"
ok morph checkout -b ahead
commit_file prompts/greeting.txt 'Say yo.' 'third greeting'
ok morph checkout main
fails 2 morph branch -d ahead
expect_eq "$err" "morph: branch 'ahead' is not merged into HEAD; 'morph branch -D ahead' deletes it anyway"
ok morph branch -D ahead
expect_contains "$out" "Deleted branch ahead (was "
ok morph branch -d old-greeting
expect_eq "$out" "Deleted branch old-greeting (was ${c1:0:12})." "merged"
fails 2 morph branch -d nope
expect_eq "$err" "morph: branch 'nope' not found"
fails 2 morph branch -d
expect_contains "$err" "-d needs one branch name"

# Renaming, including the current branch (HEAD follows).
ok morph branch -m café coffee
ok morph branch -m main trunk
ok morph status
expect_contains "$out" "On branch trunk"
fails 2 morph branch -m trunk coffee
expect_eq "$err" "morph: a branch named 'coffee' already exists"
fails 2 morph branch -m nope other
expect_eq "$err" "morph: branch 'nope' not found"
fails 2 morph branch -m trunk 'bad..name'
expect_contains "$err" "not a valid branch name"
ok morph branch
expect_eq "$out" "  coffee
* trunk"

# A detached HEAD comes first, in text and in JSON.
ok morph checkout HEAD~1
ok morph branch
expect_eq "$out" "* (HEAD detached at ${c1:0:12})
  coffee
  trunk"
ok morph branch --json
expect_eq "$out" "[
  {
    \"name\": null,
    \"id\": \"$c1\",
    \"current\": true
  },
  {
    \"name\": \"coffee\",
    \"id\": \"$c2\",
    \"current\": false
  },
  {
    \"name\": \"trunk\",
    \"id\": \"$c2\",
    \"current\": false
  }
]"
ok morph checkout trunk

# On an unborn branch, renaming it only moves HEAD.
cd "$T_ROOT/unborn"
ok morph branch -m main first
ok morph status
expect_contains "$out" "On branch first"

done_testing
