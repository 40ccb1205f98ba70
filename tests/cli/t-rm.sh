#!/usr/bin/env bash
# morph rm: untracks files and deletes them, refusing to lose work that is
# not committed; --cached keeps the files; -r for directories.
. "$(dirname "$0")/lib.sh"

new_repo r
mkdir -p prompts/old cases
for f in a.txt b.txt prompts/keep.txt prompts/old/x.txt prompts/old/y.txt \
    cases/c.jsonl; do
	printf '%s\n' "$f" >"$f"
done
ok morph add .
ok morph commit -m files

# Usage errors.
fails 2 morph rm
expect_contains "$err" "morph: rm: no path given"
expect_contains "$err" "usage: morph rm [--cached] [-fr] path ..."
fails 2 morph rm -x a.txt
expect_contains "$err" "morph: rm: unknown option '-x'"

# EXAMPLES in morph-rm.1: a file, then a directory.
ok morph rm a.txt
expect_eq "$out" "rm 'a.txt'" "rm prints what it removes"
[ ! -e a.txt ]
expect_eq "$?" 0 "the file is gone"
fails 2 morph rm prompts/old
expect_contains "$err" "morph: not removing 'prompts/old' recursively without -r"
ok morph rm -r prompts/old
expect_eq "$out" "rm 'prompts/old/x.txt'
rm 'prompts/old/y.txt'" "rm -r"
[ ! -e prompts/old ] && [ -d prompts ]
expect_eq "$?" 0 "emptied directories are removed, others kept"
ok morph status --short
expect_eq "$out" "D  a.txt
D  prompts/old/x.txt
D  prompts/old/y.txt" "deletions staged"
ok morph commit -m "remove"

# Paths that are not tracked.
printf 'u\n' >untracked.txt
fails 2 morph rm untracked.txt
expect_contains "$err" "morph: pathspec 'untracked.txt' did not match any tracked files"
fails 2 morph rm nothing
expect_contains "$err" "pathspec 'nothing' did not match any tracked files"
[ -e untracked.txt ]
expect_eq "$?" 0 "untracked file left alone"
rm untracked.txt

# Refusals: work that is not committed would be lost.
printf 'changed\n' >>b.txt
fails 2 morph rm b.txt
expect_contains "$err" "morph: 'b.txt' has local modifications; use --cached to keep the file, or -f to remove it anyway"
ok morph add b.txt
fails 2 morph rm b.txt
expect_contains "$err" "morph: 'b.txt' has changes staged in the index; use --cached"
printf 'again\n' >>b.txt
fails 2 morph rm b.txt
expect_contains "$err" "morph: 'b.txt' has staged content different from both the file and HEAD"
fails 2 morph rm --cached b.txt
expect_contains "$err" "staged content different from both the file and HEAD"
ok morph status --short b.txt
expect_eq "$out" "MM b.txt" "nothing changed by the refusals"

# A refusal removes nothing, not even the paths before it.
fails 2 morph rm cases/c.jsonl b.txt
[ -e cases/c.jsonl ]
expect_eq "$?" 0 "earlier path kept on disk"
ok morph status --short
expect_eq "$out" "MM b.txt" "earlier path still tracked"

# -f removes anyway.
ok morph rm -f b.txt
[ ! -e b.txt ]
expect_eq "$?" 0 "-f removed the file"
expect_eq "$(morph status --short)" "D  b.txt" "-f staged the deletion"
ok morph commit -m "remove b"

# --cached: untrack, keep the file; allowed with local modifications.
printf 'edited\n' >>prompts/keep.txt
ok morph rm --cached prompts/keep.txt
expect_eq "$out" "rm 'prompts/keep.txt'" "--cached prints too"
ok morph status --short
expect_eq "$out" "D  prompts/keep.txt
?? prompts/keep.txt" "--cached keeps the file, untracked"
ok morph commit -m "untrack keep.txt"

# A file added but never committed.
printf 'n\n' >new.txt
ok morph add new.txt
fails 2 morph rm new.txt
expect_contains "$err" "'new.txt' has changes staged in the index"
ok morph rm --cached new.txt
expect_eq "$(morph status --short new.txt)" "?? new.txt" "new file untracked again"
rm new.txt

# A tracked file already deleted from the work tree.
rm cases/c.jsonl
ok morph rm cases/c.jsonl
expect_eq "$out" "rm 'cases/c.jsonl'" "already deleted"
ok morph commit -m "no cases"

# From a subdirectory, paths are relative to it; '.' needs -r.
mkdir -p sub/deep
printf 's\n' >sub/s.txt
printf 'd\n' >sub/deep/d.txt
ok morph add sub
ok morph commit -m sub
cd sub
ok morph rm s.txt
expect_eq "$out" "rm 'sub/s.txt'" "relative path"
fails 2 morph rm .
expect_contains "$err" "morph: not removing 'sub' recursively without -r"
ok morph rm -r .
expect_eq "$out" "rm 'sub/deep/d.txt'" "rm -r ."
cd "$T_ROOT/r"
[ ! -e sub ]
expect_eq "$?" 0 "the emptied directory went, even the current one"
ok morph commit -m "no sub"

# Nothing tracked at all under the root.
printf 'z\n' >z.txt
ok morph add z.txt
ok morph commit -m z
ok morph rm -r --cached .
expect_eq "$out" "rm 'z.txt'" "rm -r --cached ."
ok morph commit -m "empty tree"
fails 2 morph rm -r .
expect_contains "$err" "morph: pathspec '.' did not match any tracked files"

# Paths outside the work tree and inside .morph are refused.
fails 2 morph rm ../x
expect_contains "$err" "contains '..'"
fails 2 morph rm "$PWD/prompts/keep.txt"
expect_contains "$err" "is absolute"
fails 2 morph rm -r .morph
expect_contains "$err" "inside '.morph'"
[ -f .morph/morph.db ]
expect_eq "$?" 0 ".morph untouched"

# Outside any repository.
cd "$T_ROOT"
fails 2 morph rm x
expect_contains "$err" "morph: not a morph repository"

done_testing
