#!/usr/bin/env bash
# morph tag: listing (text and JSON), creating at a revision, refusing to
# move without -f, moving with it, deleting, and tags as revisions.
. "$(dirname "$0")/lib.sh"

# The examples of morph-tag(1).
new_repo example
mkdir prompts
commit_file prompts/greeting.txt 'Say hello.' 'first greeting'
c1=$(morph rev-parse HEAD)
commit_file prompts/greeting.txt 'Say hi.' 'second greeting'
c2=$(morph rev-parse HEAD)
ok morph tag v1
expect_eq "$out" "" "create is quiet"
ok morph tag
expect_eq "$out" "v1"
ok morph tag -f v1 HEAD~1
expect_eq "$out" "Updated tag 'v1' (was ${c2:0:12})"
ok morph tag -d v1
expect_eq "$out" "Deleted tag 'v1' (was ${c1:0:12})"
ok morph tag
expect_eq "$out" "" "no tags left"

# JSON, in name order.
ok morph tag --json
expect_eq "$out" "[]" "an empty array"
ok morph tag v2
ok morph tag "release-été" HEAD~1
ok morph tag --json
expect_eq "$out" "[
  {
    \"name\": \"release-été\",
    \"id\": \"$c1\"
  },
  {
    \"name\": \"v2\",
    \"id\": \"$c2\"
  }
]"

# Refusals: an existing tag without -f, bad names, unknown revisions,
# non-commits, missing tags, bad usage.
fails 2 morph tag v2 HEAD~1
expect_eq "$err" "morph: tag 'v2' already exists; -f moves it"
expect_eq "$(morph rev-parse v2)" "$c2" "not moved"
fails 2 morph tag 'bad..name'
expect_eq "$err" "morph: 'bad..name' is not a valid tag name"
fails 2 morph tag 'a b'
expect_contains "$err" "is not a valid tag name"
fails 2 morph tag v3 nope
expect_eq "$err" "morph: unknown revision 'nope'"
fails 2 morph tag v3 HEAD:prompts/greeting.txt
expect_contains "$err" "is a blob, not a commit"
fails 2 morph tag -d nope
expect_eq "$err" "morph: tag 'nope' not found"
fails 2 morph tag -d
expect_contains "$err" "-d needs one tag name"
fails 2 morph tag -f
expect_contains "$err" "-f needs a tag name"
fails 2 morph tag a b c
expect_contains "$err" "usage: morph tag [--json]"
fails 2 morph tag --json v4
expect_contains "$err" "--json lists"
ok morph tag
expect_eq "$out" "release-été
v2" "refusals change nothing"

# -f on a new name creates it, quietly; on the same commit it says nothing.
ok morph tag -f v3
expect_eq "$out" ""
ok morph tag -f v3
expect_eq "$out" "" "moving to the same commit"

# Tags are revisions.
ok morph rev-parse release-été
expect_eq "$out" "$c1"
ok morph checkout v2
expect_contains "$out" "HEAD is now at ${c2:0:12} second greeting"
ok morph log --oneline
expect_contains "$out" "tag: v2"
ok morph checkout main

# Unborn: nothing to tag.
new_repo unborn
fails 2 morph tag v1
expect_eq "$err" "morph: branch 'main' has no commits yet"

done_testing
