#!/usr/bin/env bash
# morph tag: listing (text and JSON), creating at a revision, refusing to
# move without -f, moving with it, deleting, tags as revisions, and
# annotated tags (-a, -m): their objects, show, cat-object, peeling, fsck.
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
    \"id\": \"$c1\",
    \"commit\": \"$c1\",
    \"annotated\": false
  },
  {
    \"name\": \"v2\",
    \"id\": \"$c2\",
    \"commit\": \"$c2\",
    \"annotated\": false
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
expect_contains "$err" "usage: morph tag [--json]
       morph tag [-f] name [revision]
       morph tag [-af] -m message ... name [revision]
       morph tag -d name"
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

# Annotated tags: the example of morph-tag(1), exactly.
export MORPH_AUTHOR_NAME=Ada MORPH_AUTHOR_EMAIL=ada@example.com
MORPH_AUTHOR_DATE="1795600800 +0000" ok morph tag -a -m 'Prompts of release 1.0' v1.0
expect_eq "$out$err" "" "tag -a is quiet"
t=$(morph rev-parse v1.0)
T_CHECKS=$((T_CHECKS + 1))
if [ "$t" != "$c2" ] && [ ${#t} -eq 32 ]; then pass "the tag names a tag object"; else fail "rev-parse v1.0 is $t"; fi
ok morph cat-object -t v1.0
expect_eq "$out" "tag" "cat-object -t"
ok morph cat-object -p v1.0
expect_eq "$out" "{
  \"message\": \"Prompts of release 1.0\\n\",
  \"object\": \"$c2\",
  \"tag\": \"v1.0\",
  \"tagger\": {
    \"email\": \"ada@example.com\",
    \"name\": \"Ada\",
    \"time\": 1795600800,
    \"tz\": \"+0000\"
  },
  \"type\": \"commit\"
}" "cat-object -p: the tag object"
ok morph show --stat v1.0
expect_eq "$(printf '%s\n' "$out" | head -7)" "tag v1.0
Tagger: Ada <ada@example.com>
Date:   Wed Nov 25 10:00:00 2026 +0000

Prompts of release 1.0

commit $c2 (HEAD -> main, tag: v1.0, tag: v2, tag: v3)" "show: the tag, then the commit"
expect_contains "$out" " prompts/greeting.txt | 2 +-" "and the commit's stat"
ok morph show --json v1.0
printf '%s' "$out" >"$T_ROOT/tag.json"
python3 - "$T_ROOT/tag.json" "$t" "$c2" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["id"] == sys.argv[3], d["id"]
assert d["tag"] == {"id": sys.argv[2], "name": "v1.0", "object": sys.argv[3],
                    "tagger": {"name": "Ada", "email": "ada@example.com",
                               "time": 1795600800, "tz": "+0000"},
                    "message": "Prompts of release 1.0\n"}, d["tag"]
EOF2
expect_eq "$?" 0 "show --json: the commit with its tag"

# An annotated tag stands for its commit wherever one is needed.
expect_eq "$(morph rev-parse 'v1.0^{}')" "$c2" "v1.0^{}"
expect_eq "$(morph rev-parse 'v1.0^{commit}')" "$c2" "v1.0^{commit}"
expect_eq "$(morph rev-parse 'HEAD^{}')" "$c2" "a commit peels to itself"
expect_eq "$(morph rev-parse v1.0~0)" "$c2" "v1.0~0"
expect_eq "$(morph rev-parse v1.0^)" "$c1" "v1.0^"
expect_eq "$(morph rev-parse v1.0:prompts/greeting.txt)" \
    "$(morph rev-parse HEAD:prompts/greeting.txt)" "v1.0:path"
fails 2 morph rev-parse 'v1.0^{tree}'
expect_eq "$err" "morph: invalid revision 'v1.0^{tree}': ^{} and ^{commit} are the suffixes in braces"
blob=$(morph rev-parse HEAD:prompts/greeting.txt)
fails 2 morph rev-parse "$blob^{commit}"
expect_eq "$err" "morph: '$blob^{commit}': $blob is a blob, not a commit"
ok morph log --oneline v1.0
expect_eq "$(printf '%s\n' "$out" | head -1)" "${c2:0:12} (HEAD -> main, tag: v1.0, tag: v2, tag: v3) second greeting" \
    "log from an annotated tag, decorated"
ok morph log --oneline v1.0~1..v1.0
expect_eq "$(printf '%s\n' "$out" | wc -l)" 1 "a range of annotated tags"
ok morph diff --name-only release-été v1.0
expect_eq "$out" "prompts/greeting.txt" "diff of annotated tags"
ok morph branch from-tag v1.0
expect_eq "$(morph rev-parse from-tag)" "$c2" "a branch at a tag's commit"
ok morph branch -d from-tag
ok morph checkout -q v1.0
expect_eq "$(morph rev-parse HEAD)" "$c2" "checkout of an annotated tag"
ok morph checkout -q main
ok morph checkout v1.0 -- prompts/greeting.txt
ok morph restore --source v1.0 prompts/greeting.txt

# A tag of an annotated tag tags its commit; several -m are paragraphs.
MORPH_AUTHOR_DATE="1795600900 +0100" ok morph tag -m "First line  " -m "" -m "Second paragraph." v1.0-again v1.0
ok morph cat-object -p v1.0-again
expect_contains "$out" "\"message\": \"First line\\n\\nSecond paragraph.\\n\"," "paragraphs, cleaned"
expect_contains "$out" "\"object\": \"$c2\"," "-m alone makes an annotated tag of the commit"
ok morph show v1.0-again
expect_eq "$(printf '%s\n' "$out" | head -9)" "tag v1.0-again
Tagger: Ada <ada@example.com>
Date:   Wed Nov 25 11:01:40 2026 +0100

First line

Second paragraph.

commit $c2 (HEAD -> main, tag: v1.0, tag: v1.0-again, tag: v2, tag: v3)" \
    "show: a message of two paragraphs, a blank line, the commit"
ok morph tag --json
expect_contains "$out" "{
    \"name\": \"v1.0\",
    \"id\": \"$t\",
    \"commit\": \"$c2\",
    \"annotated\": true
  }" "--json: an annotated tag"

# Refused: no message, an empty one, no name; moving needs -f.
fails 2 morph tag -a v4
expect_contains "$err" "morph: tag: an annotated tag needs a message: give it with -m"
fails 2 morph tag -m "   " v4
expect_eq "$err" "morph: the tag message is empty"
fails 2 morph tag -a -m x
expect_contains "$err" "morph: tag: -m needs a tag name"
fails 2 morph tag -a
expect_contains "$err" "morph: tag: -a needs a tag name"
fails 2 morph tag -d v1.0 -m x
expect_contains "$err" "morph: tag: -d, --json and the options that make a tag cannot be combined"
fails 2 morph tag -a -m again v1.0 HEAD~1
expect_eq "$err" "morph: tag 'v1.0' already exists; -f moves it"
expect_eq "$(morph rev-parse v1.0)" "$t" "not moved"
fails 2 morph tag -a -m x 'bad..name'
expect_eq "$err" "morph: 'bad..name' is not a valid tag name"
ok morph tag -f -a -m "Moved back" v1.0 HEAD~1
expect_eq "$out" "Updated tag 'v1.0' (was ${t:0:12})" "-f moves an annotated tag"
expect_eq "$(morph rev-parse 'v1.0^{}')" "$c1" "to the older commit"
ok morph tag -d v1.0
expect_contains "$out" "Deleted tag 'v1.0' (was "
unset MORPH_AUTHOR_NAME MORPH_AUTHOR_EMAIL
ok morph fsck
expect_contains "$out" ": ok" "fsck passes with annotated tags"

# Unborn: nothing to tag.
new_repo unborn
fails 2 morph tag v1
expect_eq "$err" "morph: branch 'main' has no commits yet"

done_testing
