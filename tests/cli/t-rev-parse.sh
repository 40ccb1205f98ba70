#!/usr/bin/env bash
# morph rev-parse: every form of revision: ids and their prefixes, HEAD,
# branches and tags, ^ and ~, X:path and :path; ambiguity and errors.
. "$(dirname "$0")/lib.sh"

new_repo r

fails 2 morph rev-parse HEAD
expect_contains "$err" "morph: branch 'main' has no commits yet"
fails 2 morph rev-parse
expect_contains "$err" "morph: rev-parse: no revision given"
expect_contains "$err" "usage: morph rev-parse [--abbrev-ref | --short] revision ..."
fails 2 morph rev-parse --abbrev-ref HEAD
expect_contains "$err" "morph: branch 'main' has no commits yet" \
    "--abbrev-ref HEAD on an unborn branch: an error, as in git"
fails 2 morph rev-parse --long HEAD
expect_contains "$err" "morph: rev-parse: unknown option '--long'"

mkdir -p prompts/en
printf 'one\n' >prompts/en/a.txt
ok morph add prompts
ok morph commit -m one
printf 'two\n' >prompts/en/a.txt
ok morph add prompts
ok morph commit -m two
printf 'three\n' >prompts/en/a.txt
ok morph add prompts
ok morph commit -m three
c3=$(morph rev-parse HEAD)
c2=$(morph rev-parse HEAD^)
c1=$(morph rev-parse HEAD~2)

expect_eq "${#c3}" 32 "32 hex digits"
T_CHECKS=$((T_CHECKS + 1))
case $c3 in *[!0-9a-f]*) fail "lowercase hex: $c3" ;; *) pass "lowercase hex" ;; esac

# EXAMPLES in morph-rev-parse.1.
ok morph rev-parse HEAD~2
expect_eq "$out" "$c1" "HEAD~2"
ok morph rev-parse --short HEAD
expect_eq "$out" "${c3:0:12}" "--short is 12 digits"
ok morph rev-parse HEAD:prompts/en/a.txt
blob=$out

# Several revisions, one id a line.
ok morph rev-parse HEAD HEAD^ HEAD~2
expect_eq "$out" "$c3
$c2
$c1" "several revisions"

# Ids: full, abbreviated (4 digits or more), either case.
expect_eq "$(morph rev-parse "$c2")" "$c2" "full id"
expect_eq "$(morph rev-parse "${c2:0:10}")" "$c2" "10-digit prefix"
expect_eq "$(morph rev-parse "$(printf '%s' "${c2:0:10}" | tr a-f A-F)")" "$c2" \
    "upper-case prefix"
fails 2 morph rev-parse "${c2:0:3}"
expect_contains "$err" "morph: unknown revision '${c2:0:3}'"
fails 2 morph rev-parse 0000000000000000000000000000000f
expect_contains "$err" "morph: object 0000000000000000000000000000000f not found"

# HEAD and @, branches, full reference names, tags.
expect_eq "$(morph rev-parse @)" "$c3" "@ is HEAD"
expect_eq "$(morph rev-parse main)" "$c3" "branch"
expect_eq "$(morph rev-parse refs/heads/main)" "$c3" "full reference name"
ok morph tag v1 "$c1"
ok morph branch v1 "$c2"
ok morph branch feature/x "$c2"
expect_eq "$(morph rev-parse v1)" "$c1" "a tag wins over a branch"
expect_eq "$(morph rev-parse refs/heads/v1)" "$c2" "the branch by full name"
expect_eq "$(morph rev-parse feature/x)" "$c2" "branch with a slash"
expect_eq "$(morph rev-parse v1~0)" "$c1" "suffixes after a tag"
# A reference named like an id prefix wins over the prefix.
pre=${blob:0:4}
ok morph branch "$pre" "$c1"
expect_eq "$(morph rev-parse "$pre")" "$c1" "reference before id prefix"
expect_eq "$(morph rev-parse "${blob:0:5}")" "$blob" "the longer prefix is an id"

# --abbrev-ref: the short name of the reference a revision names.
ok morph rev-parse --abbrev-ref HEAD
expect_eq "$out" "main" "--abbrev-ref HEAD is the branch"
ok morph rev-parse --abbrev-ref @ main refs/heads/main feature/x
expect_eq "$out" "main
main
main
feature/x" "--abbrev-ref of branch names"
ok morph rev-parse --abbrev-ref v1 refs/tags/v1
expect_eq "$out" "v1
v1" "--abbrev-ref of a tag"
ok morph rev-parse --abbrev-ref refs/heads/v1
expect_eq "$out" "refs/heads/v1" "a branch that a tag shadows keeps its full name"
expect_eq "$(morph rev-parse "$(morph rev-parse --abbrev-ref refs/heads/v1)")" \
    "$c2" "which names the branch again"
ok morph rev-parse --abbrev-ref "$pre"
expect_eq "$out" "$pre" "a reference named like an id prefix"
ok morph rev-parse --abbrev-ref HEAD~1 "$c2" "${c2:0:8}" HEAD:prompts main
expect_eq "$out" "



main" "no reference: an empty line each, as git"
fails 2 morph rev-parse --abbrev-ref nosuch
expect_contains "$err" "morph: unknown revision 'nosuch'"
fails 2 morph rev-parse --abbrev-ref --short HEAD
expect_contains "$err" "morph: rev-parse: --abbrev-ref and --short cannot be combined"
ok morph checkout "$c2"
ok morph rev-parse --abbrev-ref HEAD
expect_eq "$out" "HEAD" "--abbrev-ref of a detached HEAD"
ok morph checkout feature/x
ok morph rev-parse --abbrev-ref HEAD
expect_eq "$out" "feature/x" "--abbrev-ref HEAD on another branch"
ok morph checkout main
ok morph tag -d v1
ok morph branch -d v1
ok morph branch -d feature/x
ok morph branch -d "$pre"

# Parents and ancestors.
expect_eq "$(morph rev-parse HEAD^)" "$c2" "X^"
expect_eq "$(morph rev-parse HEAD^1)" "$c2" "X^1"
expect_eq "$(morph rev-parse HEAD^0)" "$c3" "X^0"
expect_eq "$(morph rev-parse HEAD^^)" "$c1" "X^^"
expect_eq "$(morph rev-parse HEAD~)" "$c2" "X~"
expect_eq "$(morph rev-parse HEAD~1^)" "$c1" "X~1^"
expect_eq "$(morph rev-parse HEAD~0)" "$c3" "X~0"
expect_eq "$(morph rev-parse "${c3:0:8}~2")" "$c1" "prefix~2"
fails 2 morph rev-parse HEAD~3
expect_contains "$err" "morph: revision 'HEAD~3' does not exist: commit ${c1:0:12} has no parent"
fails 2 morph rev-parse HEAD^2
expect_contains "$err" "morph: revision 'HEAD^2' does not exist: commit ${c3:0:12} has no such parent"
fails 2 morph rev-parse "$blob^"
expect_contains "$err" "morph: invalid revision '$blob^'"

# X:path is a blob or tree of X's snapshot, from the root of the tree
# wherever the command runs; X: is the root tree; :path is the index.
ok morph rev-parse HEAD~2:prompts/en/a.txt
expect_eq "$(morph cat-object -p "$out")" one "X:path"
expect_eq "$(morph cat-object -t HEAD:prompts)" tree "X:dir"
expect_eq "$(morph cat-object -t HEAD:)" tree "X:"
expect_eq "$(morph rev-parse HEAD:prompts/en/)" "$(morph rev-parse HEAD:prompts/en)" \
    "trailing slash"
expect_eq "$(morph rev-parse HEAD:./prompts//en/a.txt)" "$blob" "path normalised"
cd prompts/en
expect_eq "$(morph rev-parse HEAD:prompts/en/a.txt)" "$blob" "root-relative in a subdirectory"
expect_eq "$(morph rev-parse :prompts/en/a.txt)" "$blob" ":path in a subdirectory"
cd "$T_ROOT/r"
printf 'staged\n' >prompts/en/a.txt
ok morph add prompts/en/a.txt
ok morph rev-parse :prompts/en/a.txt
expect_eq "$(morph cat-object -p "$out")" staged ":path is the staged blob"
fails 2 morph rev-parse HEAD:nope.txt
expect_contains "$err" "morph: path 'nope.txt' does not exist in 'HEAD'"
fails 2 morph rev-parse HEAD~1:prompts/en/zz
expect_contains "$err" "path 'prompts/en/zz' does not exist in 'HEAD~1'"
fails 2 morph rev-parse :nope.txt
expect_contains "$err" "morph: invalid revision ':nope.txt': path 'nope.txt' is not in the index"
fails 2 morph rev-parse :prompts
expect_contains "$err" "path 'prompts' is not in the index"
fails 2 morph rev-parse HEAD:../x
expect_contains "$err" "contains '..'"
fails 2 morph rev-parse :.morph/config
expect_contains "$err" "inside '.morph'"
fails 2 morph rev-parse "$blob:x"
expect_contains "$err" "morph: invalid revision '$blob:x'"

# Bad syntax and unknown names.
fails 2 morph rev-parse nope
expect_contains "$err" "morph: unknown revision 'nope'"
fails 2 morph rev-parse HEAD^x
expect_contains "$err" "morph: invalid revision 'HEAD^x'"
fails 2 morph rev-parse ""
expect_contains "$err" "morph: invalid revision ''"
fails 2 morph rev-parse ~1
expect_contains "$err" "invalid revision '~1'"
# The first bad revision stops the list.
fails 2 morph rev-parse HEAD nope HEAD
expect_eq "$out" "$c3" "ids before the bad one printed"

# The blob id is XXH3-128 of "blob SIZE\0" and the content.
printf 'three\n' >prompts/en/a.txt
if command -v xxhsum >/dev/null; then
	want=$({ printf 'blob %d\0' 6; printf 'three\n'; } | xxhsum -H2 |
	    cut -d' ' -f1)
	expect_eq "$(morph rev-parse HEAD:prompts/en/a.txt)" "$want" "xxhsum -H2"
else
	echo "# xxhsum not installed: the id scheme is not checked independently"
fi
ok morph add prompts

# An ambiguous prefix lists the candidates.  Blobs from 600 small files
# are enough for two ids to share their first four digits.
mkdir many
for i in $(seq 1 600); do printf 'blob %d\n' "$i" >"many/$i"; done
ok morph add many
ok morph commit -m many
morph cat-object -p HEAD:many | awk '{ print $3 }' >"$T_ROOT/ids"
pre=$(cut -c1-4 "$T_ROOT/ids" | sort | uniq -d | head -1)
T_CHECKS=$((T_CHECKS + 1))
if [ -n "$pre" ]; then pass "found a shared prefix $pre"; else fail "no shared prefix"; fi
fails 2 morph rev-parse "$pre"
expect_contains "$err" "morph: short id '$pre' is ambiguous; the candidates are:"
for id in $(grep "^$pre" "$T_ROOT/ids"); do
	expect_contains "$err" "  $id blob"
done
fails 2 morph cat-object -t "$pre"
expect_contains "$err" "ambiguous"
# One more digit (or enough of them) settles it.
one=$(grep "^$pre" "$T_ROOT/ids" | head -1)
expect_eq "$(morph rev-parse "${one:0:12}")" "$one" "a longer prefix is unique"

# Outside any repository.
cd "$T_ROOT"
fails 2 morph rev-parse HEAD
expect_contains "$err" "morph: not a morph repository"

# git:HEX names the commit made at a git commit (commits record git's
# HEAD), the newest when several were.
mkdir "$T_ROOT/g" && cd "$T_ROOT/g" && git init -q . &&
    git -c user.name=G -c user.email=g@example.com commit -q --allow-empty -m one
g1=$(git rev-parse HEAD)
ok morph init
T_REPOS+=("$PWD")
commit_file a.txt one "At one"
m1=$("$MORPH" rev-parse HEAD)
git -c user.name=G -c user.email=g@example.com commit -q --allow-empty -m two
g2=$(git rev-parse HEAD)
MORPH_AUTHOR_DATE="1700000000 +0000" commit_file a.txt two "At two"
MORPH_AUTHOR_DATE="1700000100 +0000" commit_file a.txt three "At two, later"
m3=$("$MORPH" rev-parse HEAD)
ok morph rev-parse "git:$g1"
expect_eq "$out" "$m1" "git:HEX names the commit made there"
ok morph rev-parse "git:${g2:0:7}"
expect_eq "$out" "$m3" "an abbreviation, and the newest of two"
fails 2 morph rev-parse git:0000000
expect_contains "$err" "morph: no commit was made at git commit 0000000"

done_testing
