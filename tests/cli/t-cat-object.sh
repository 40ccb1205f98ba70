#!/usr/bin/env bash
# morph cat-object: type, size, pretty and raw content of blobs, trees and
# commits.
. "$(dirname "$0")/lib.sh"

new_repo r
mkdir prompts
printf 'Summarize: {{text}}\n' >prompts/summarize.txt
printf 'bin\000\377\n' >prompts/data.bin
chmod +x prompts/data.bin
ok morph add prompts
MORPH_AUTHOR_DATE="1700000000 +0100" run morph commit -m "Add prompts" -m "Body."
commit=$(morph rev-parse HEAD)
root=$(morph rev-parse HEAD:)
dir=$(morph rev-parse HEAD:prompts)
blob=$(morph rev-parse HEAD:prompts/summarize.txt)
bin=$(morph rev-parse HEAD:prompts/data.bin)

# Usage errors.
fails 2 morph cat-object HEAD
expect_contains "$err" "morph: cat-object: give one of -p, -s, -t and --raw"
expect_contains "$err" "usage: morph cat-object -p | -s | -t | --raw object"
fails 2 morph cat-object -t -s HEAD
expect_contains "$err" "give one of -p, -s, -t and --raw"
fails 2 morph cat-object -p --raw HEAD
expect_contains "$err" "give one of -p, -s, -t and --raw"
fails 2 morph cat-object -t
expect_contains "$err" "morph: cat-object: give exactly one object"
fails 2 morph cat-object -t HEAD HEAD~0
expect_contains "$err" "give exactly one object"
fails 2 morph cat-object -t nope
expect_contains "$err" "morph: unknown revision 'nope'"
fails 2 morph cat-object -t 00000000000000000000000000000000
expect_contains "$err" "morph: object 00000000000000000000000000000000 not found"
fails 2 morph cat-object -x HEAD
expect_contains "$err" "morph: cat-object: unknown option '-x'"
# The same option twice is fine.
ok morph cat-object -t -t HEAD
expect_eq "$out" commit "-t twice"

# -t on each type.
expect_eq "$(morph cat-object -t HEAD)" commit "commit type"
expect_eq "$(morph cat-object -t HEAD:)" tree "root tree type"
expect_eq "$(morph cat-object -t HEAD:prompts)" tree "tree type"
expect_eq "$(morph cat-object -t "$blob")" blob "blob type"

# -s is the payload size, the length of --raw.
for o in "$commit" "$root" "$dir" "$blob" "$bin"; do
	expect_eq "$(morph cat-object -s "$o")" \
	    "$(morph cat-object --raw "$o" | wc -c)" "size of $o"
done
expect_eq "$(morph cat-object -s "$blob")" 20 "blob size"
ok morph cat-object -t HEAD:prompts/summarize.txt
expect_eq "$out" blob "-t of a path"
ok morph cat-object -s HEAD:prompts/summarize.txt
expect_eq "$out" 20 "-s of a path"

# Blobs: -p and --raw both give the bytes as they are.
morph cat-object -p "$bin" >"$T_ROOT/p.out"
morph cat-object --raw "$bin" >"$T_ROOT/raw.out"
cmp -s "$T_ROOT/p.out" prompts/data.bin && cmp -s "$T_ROOT/raw.out" prompts/data.bin
expect_eq "$?" 0 "binary blob byte-exact with -p and --raw"
ok morph cat-object -p HEAD:prompts/summarize.txt
expect_eq "$out" "Summarize: {{text}}" "blob -p"

# Trees: -p lists the entries; --raw is the canonical JSON.
ok morph cat-object -p HEAD:
expect_eq "$out" "040000 tree $dir	prompts" "root tree -p"
ok morph cat-object -p HEAD:prompts
expect_eq "$out" "100755 blob $bin	data.bin
100644 blob $blob	summarize.txt" "tree -p: mode, type, id, name"
ok morph cat-object --raw "$root"
expect_eq "$out" "[{\"id\":\"$dir\",\"mode\":\"040000\",\"name\":\"prompts\",\"type\":\"tree\"}]" \
    "tree --raw"

# Commits: --raw is canonical JSON; -p indents it.  (EXAMPLES in
# morph-cat-object.1.)
ok morph cat-object --raw HEAD
expect_eq "$out" "{\"author\":{\"email\":\"test@example.com\",\"name\":\"Test Author\",\"time\":1700000000,\"tz\":\"+0100\"},\"message\":\"Add prompts\\n\\nBody.\\n\",\"parents\":[],\"tree\":\"$root\"}" \
    "commit --raw"
ok morph cat-object -p HEAD
expect_eq "$out" "{
  \"author\": {
    \"email\": \"test@example.com\",
    \"name\": \"Test Author\",
    \"time\": 1700000000,
    \"tz\": \"+0100\"
  },
  \"message\": \"Add prompts\\n\\nBody.\\n\",
  \"parents\": [],
  \"tree\": \"$root\"
}" "commit -p"
ok morph commit --allow-empty -m second
ok morph cat-object --raw HEAD
expect_contains "$out" "\"parents\":[\"$commit\"]"

# Any revision names the object: abbreviated ids, :path in the index.
expect_eq "$(morph cat-object -t "${blob:0:8}")" blob "abbreviated id"
printf 'staged\n' >staged.txt
ok morph add staged.txt
ok morph cat-object -p :staged.txt
expect_eq "$out" "staged" ":path from the index"

# Outside any repository.
cd "$T_ROOT"
fails 2 morph cat-object -t HEAD
expect_contains "$err" "morph: not a morph repository"

done_testing
