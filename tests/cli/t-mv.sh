#!/usr/bin/env bash
# morph mv: files and directories renamed in the work tree and the index,
# staged content and unstaged changes kept; several sources into a
# directory; refusals (untracked, missing, existing destination without
# -f, into itself, no such directory) that move nothing; -f, -n, -k; paths
# from a subdirectory.
. "$(dirname "$0")/lib.sh"

new_repo files
mkdir -p prompts cases/en
printf 'hello\n' >prompts/a.txt
printf 'bye\n' >prompts/b.txt
printf '{"id": "x"}\n' >cases/en/x.jsonl
printf '{"id": "y"}\n' >cases/y.jsonl
ok morph add .
ok morph commit -m base
blob=$("$MORPH" rev-parse HEAD:prompts/a.txt)

# 1. A rename: the index moves with the file; the blob is the same.
ok morph mv prompts/a.txt prompts/greet.txt
expect_eq "$out" "" "mv prints nothing"
expect_eq "$(cat prompts/greet.txt)" "hello" "the file moved"
expect_eq "$(test -e prompts/a.txt && echo yes || echo no)" "no" "the old path is gone"
ok morph status --short
expect_eq "$out" "R  prompts/a.txt -> prompts/greet.txt" "staged as a rename, as git shows it"
ok morph commit -m rename
expect_eq "$("$MORPH" rev-parse HEAD:prompts/greet.txt)" "$blob" "committed with the same blob"

# 2. Unstaged changes stay unstaged, staged ones staged.
printf 'hello, world\n' >prompts/greet.txt
ok morph mv prompts/greet.txt prompts/hi.txt
ok morph status --short
expect_eq "$out" "RM prompts/greet.txt -> prompts/hi.txt" "the modification is still unstaged"
ok morph diff
expect_contains "$out" "+hello, world" "diff shows it against the moved entry"
ok morph commit -a -m "hi"
printf 'bye now\n' >prompts/b.txt
ok morph add prompts/b.txt
ok morph mv prompts/b.txt prompts/bye.txt
ok morph status --short
# b.txt's new content is not HEAD's: no rename, a deletion and an addition.
expect_eq "$out" "$(printf 'D  prompts/b.txt\nA  prompts/bye.txt')" "the staged change moves staged"
ok morph commit -m bye

# 3. Refusals move nothing.
printf 'u\n' >untracked.txt
fails 2 morph mv untracked.txt u2.txt
expect_contains "$err" "cannot move 'untracked.txt': not under version control"
expect_eq "$(cat untracked.txt)" "u" "an untracked source stays"
fails 2 morph mv nosuch.txt n.txt
expect_contains "$err" "cannot move 'nosuch.txt': it does not exist"
fails 2 morph mv prompts/hi.txt prompts/bye.txt
expect_contains "$err" "the destination exists (-f overwrites it)"
expect_eq "$(cat prompts/bye.txt)" "bye now" "an existing destination is not overwritten"
fails 2 morph mv prompts/hi.txt nodir/hi.txt
expect_contains "$err" "directory 'nodir' does not exist"
fails 2 morph mv cases cases/en/deeper
expect_contains "$err" "cannot move directory 'cases' into itself"
fails 2 morph mv prompts/hi.txt prompts/bye.txt cases/y.jsonl
expect_contains "$err" "is not a directory"
fails 2 morph mv prompts/hi.txt
expect_contains "$err" "no destination given"
# One refused source refuses the whole command.
mkdir -p old
fails 2 morph mv prompts/hi.txt untracked.txt old
expect_eq "$(cat prompts/hi.txt)" "hello, world" "nothing moved when one source is refused"
ok morph status --short
expect_eq "$out" "?? untracked.txt" "and the index is as it was"

# 4. -f overwrites; the destination's entry is replaced.
ok morph mv -f prompts/bye.txt prompts/hi.txt
expect_eq "$(cat prompts/hi.txt)" "bye now" "-f overwrote the file"
ok morph status --short
expect_eq "$out" "$(printf 'D  prompts/bye.txt\nM  prompts/hi.txt\n?? untracked.txt')" "-f: one entry left, with the moved content"
ok morph commit -m "force"

# 5. -n prints and changes nothing; -k skips what is refused.
ok morph mv -n prompts/hi.txt cases/y.jsonl old
expect_eq "$out" "$(printf 'Renaming prompts/hi.txt to old/hi.txt\nRenaming cases/y.jsonl to old/y.jsonl')" "-n says what would move"
expect_eq "$(ls old)" "" "-n moves nothing"
ok morph status --short
expect_eq "$out" "?? untracked.txt" "-n leaves the index alone"
ok morph mv -k untracked.txt prompts/hi.txt nosuch old
expect_contains "$err" "skipped: cannot move 'untracked.txt'"
expect_contains "$err" "skipped: cannot move 'nosuch'"
expect_eq "$(ls old)" "hi.txt" "-k moved the tracked file"
expect_eq "$(cat untracked.txt)" "u" "and left the refused ones"

# 6. A directory moves whole, with every tracked file under it.
printf 'scratch\n' >cases/en/notes.tmp
ok morph mv cases tests
expect_eq "$(find tests -type f | sort | tr '\n' ' ')" "tests/en/notes.tmp tests/en/x.jsonl tests/y.jsonl " "the directory moved, untracked files too"
expect_eq "$(test -e cases && echo yes || echo no)" "no" "the old directory is gone"
ok morph status --short
expect_eq "$out" "$(printf 'R  prompts/hi.txt -> old/hi.txt\n?? tests/en/notes.tmp\nR  cases/en/x.jsonl -> tests/en/x.jsonl\nR  cases/y.jsonl -> tests/y.jsonl\n?? untracked.txt')" "every tracked file under it moved in the index, each a rename at where it went"
# Into an existing directory, under its own name.
ok morph mv tests old
expect_eq "$(cat old/tests/y.jsonl)" '{"id": "y"}' "into an existing directory"
ok morph commit -m "moves"
ok morph log --oneline
expect_contains "$out" "moves"

# 7. Paths are relative to the current directory.
cd old/tests || exit 2
ok morph mv y.jsonl en
cd ../.. || exit 2
expect_eq "$(cat old/tests/en/y.jsonl)" '{"id": "y"}' "from a subdirectory, into a directory"
ok morph status --short
expect_eq "$out" "$(printf '?? old/tests/en/notes.tmp\nR  old/tests/y.jsonl -> old/tests/en/y.jsonl\n?? untracked.txt')" "the index has the repository paths"
ok morph commit -m back

done_testing
