#!/usr/bin/env bash
# morph add: stages new, modified and deleted files; keeps to the work
# tree; honours .morphignore; stores bytes exactly as they are.
. "$(dirname "$0")/lib.sh"

new_repo r

# Usage errors.
fails 2 morph add
expect_contains "$err" "morph: add: nothing specified, nothing added; did you mean 'morph add -A' or 'morph add .'?"
expect_contains "$err" "usage: morph add [-Afu] [path ...]"
fails 2 morph add -A -u
expect_contains "$err" "morph: add: -A and -u cannot be combined"
fails 2 morph add -z
expect_contains "$err" "morph: add: unknown option '-z'"
fails 2 morph add -u a.txt
expect_contains "$err" "morph: add: -u takes no paths"
fails 2 morph add nothing-here
expect_contains "$err" "morph: pathspec 'nothing-here' did not match any files"

# EXAMPLES in morph-add.1: a new file, then everything under a directory.
mkdir prompts
printf 'Summarize: {{text}}\n' >prompts/summarize.txt
printf 'Translate: {{text}}\n' >prompts/translate.txt
ok morph add prompts/summarize.txt
ok morph status --short
expect_eq "$out" "A  prompts/summarize.txt
?? prompts/translate.txt" "one file staged"
ok morph add prompts
ok morph status --short
expect_eq "$out" "A  prompts/summarize.txt
A  prompts/translate.txt" "a directory staged"
ok morph commit -m "two prompts"

# A modified file is re-staged; add . stages everything.
printf 'Summarize briefly: {{text}}\n' >prompts/summarize.txt
printf 'new\n' >new.txt
ok morph add .
ok morph status --short
expect_eq "$out" "A  new.txt
M  prompts/summarize.txt" "add . stages new and modified files"

# Paths are relative to the current directory.
cd prompts
printf 'Classify: {{text}}\n' >classify.txt
ok morph add classify.txt
expect_eq "$(morph status --short classify.txt)" "A  prompts/classify.txt" \
    "path relative to a subdirectory"
# '..' is refused even when it would stay inside the work tree.
fails 2 morph add ../new.txt
expect_contains "$err" "morph: '../new.txt': path 'prompts/../new.txt' contains '..'"
cd "$T_ROOT/r"
ok morph commit -m more

# Paths outside the work tree, absolute paths, .morph and .git: exit 2.
printf 'secret\n' >"$T_ROOT/outside.txt"
fails 2 morph add ../outside.txt
expect_contains "$err" "morph: path '../outside.txt' contains '..'"
fails 2 morph add "$T_ROOT/outside.txt"
expect_contains "$err" "is absolute; give it relative to the current directory"
fails 2 morph add "$PWD/new.txt"
expect_contains "$err" "is absolute"
fails 2 morph add prompts/../new.txt
expect_contains "$err" "contains '..'"
fails 2 morph add .morph/config
expect_contains "$err" "morph: path '.morph/config' is inside '.morph', which morph never tracks"
fails 2 morph add ./.morph
expect_contains "$err" "inside '.morph'"
mkdir .git && printf 'x\n' >.git/config
fails 2 morph add .git/config
expect_contains "$err" "morph: path '.git/config' is inside '.git', which morph never tracks"
fails 2 morph add sub/.git/x
expect_contains "$err" "inside '.git'"
# add . never picks up .morph or .git.
ok morph add .
ok morph status --short
expect_eq "$out" "" "nothing from .morph or .git staged"
rm -rf .git

# Symbolic links are refused, and so is a path through a linked directory.
ln -s prompts/classify.txt link.txt
fails 2 morph add link.txt
expect_contains "$err" "morph: 'link.txt' is a symbolic link; morph stores regular files only"
mkdir "$T_ROOT/outdir" && printf 'secret\n' >"$T_ROOT/outdir/secret.txt"
mkdir "$T_ROOT/outdir/deeper" && printf 'deep\n' >"$T_ROOT/outdir/deeper/d.txt"
ln -s "$T_ROOT/outdir" linkdir
fails 2 morph add linkdir
expect_contains "$err" "'linkdir' is a symbolic link"
fails 2 morph add linkdir/secret.txt
expect_contains "$err" "morph: path 'linkdir/secret.txt' is beyond a symbolic link"
fails 2 morph add linkdir/deeper
expect_contains "$err" "is beyond a symbolic link"
ok morph add .
ok morph status --short
expect_eq "$out" "" "add . skips links"
rm link.txt linkdir

# Deleting a tracked file and adding its path stages the deletion.
rm new.txt
ok morph add new.txt
expect_eq "$(morph status --short)" "D  new.txt" "deletion staged by path"
ok morph commit -m "drop new.txt"
rm prompts/translate.txt
ok morph add prompts
expect_eq "$(morph status --short)" "D  prompts/translate.txt" \
    "deletion staged by directory"
ok morph commit -m "drop translate"

# -u stages modified and deleted tracked files, never new ones.
printf 'changed\n' >>prompts/classify.txt
rm prompts/summarize.txt
printf 'untracked\n' >later.txt
ok morph add -u
ok morph status --short
expect_eq "$out" "?? later.txt
M  prompts/classify.txt
D  prompts/summarize.txt" "-u stages tracked files only"
ok morph commit -m update

# -A: new, modified and deleted files of the whole tree, from anywhere.
printf 'changed again\n' >>prompts/classify.txt
printf 'gone\n' >doomed.txt
ok morph add doomed.txt
ok morph commit -m doomed
rm doomed.txt
mkdir -p deep/er
printf 'new\n' >deep/er/new.txt
printf 'ignored\n' >skip.log
printf '*.log\n' >.morphignore
cd deep
ok morph add -A
cd ..
ok morph status --short
expect_eq "$out" "A  .morphignore
A  deep/er/new.txt
D  doomed.txt
A  later.txt
M  prompts/classify.txt" "-A from a subdirectory: the whole tree, not what is ignored"
ok morph commit -m "add -A"
# With paths, -A stages them, deletions included, and nothing else.
rm deep/er/new.txt
printf 'more\n' >>later.txt
ok morph add --all deep
expect_eq "$(morph status --short)" "D  deep/er/new.txt
 M later.txt" "-A with a path"
ok morph add -A
ok morph commit -m "more"
rm later.txt .morphignore skip.log
ok morph add -A
ok morph commit -m "tidy"

# Names with spaces and UTF-8.
mkdir "système de prompts"
printf 'Résume : {{texte}}\n' >"système de prompts/résumé 1.txt"
ok morph add "système de prompts/résumé 1.txt"
expect_eq "$(morph status --short)" "A  système de prompts/résumé 1.txt" \
    "spaces and UTF-8"
ok morph commit -m "prompt français"
ok morph cat-object -p "HEAD:système de prompts/résumé 1.txt"
expect_eq "$out" "Résume : {{texte}}" "UTF-8 content"

# Binary files are stored byte for byte, NUL and all; the exec bit is kept.
printf 'a\000b\377\376\r\n\000' >blob.bin
printf '#!/bin/sh\necho hi\n' >tool.sh
chmod +x tool.sh
ok morph add blob.bin tool.sh
ok morph commit -m "binary and executable"
morph cat-object --raw HEAD:blob.bin >"$T_ROOT/blob.out"
cmp -s "$T_ROOT/blob.out" blob.bin
expect_eq "$?" 0 "binary content byte-exact"
ok morph cat-object -s HEAD:blob.bin
expect_eq "$out" 8 "binary size"
ok morph cat-object -p HEAD:
expect_contains "$out" "100755 blob $(morph rev-parse HEAD:tool.sh)	tool.sh"
expect_contains "$out" "100644 blob $(morph rev-parse HEAD:blob.bin)	blob.bin"

# The id of a blob is XXH3-128 of "blob SIZE\0" and the content, as
# xxhsum -H2 computes it independently.
if command -v xxhsum >/dev/null; then
	: >empty.txt
	ok morph add empty.txt
	for f in blob.bin "système de prompts/résumé 1.txt" empty.txt; do
		want=$({ printf 'blob %d\0' "$(wc -c <"$f")"; cat "$f"; } |
		    xxhsum -H2 | cut -d' ' -f1)
		expect_eq "$(morph rev-parse ":$f")" "$want" "xxhsum id of $f"
	done
	ok morph commit -m "an empty file"
else
	echo "# xxhsum not installed: blob ids not checked independently"
fi

# .morphignore: patterns, negation, directory patterns; -f overrides.
cat >.morphignore <<'EOF'
# build products and logs
*.log
!keep.log
build/
/notes/*.tmp
EOF
mkdir -p build/sub notes deep/notes
printf 'x\n' >build/out.o
printf 'y\n' >build/sub/more.o
printf 'l\n' >debug.log
printf 'k\n' >keep.log
printf 't\n' >notes/a.tmp
printf 't\n' >deep/notes/b.tmp
printf 'b\n' >build.txt
ok morph add .
ok morph status --short
expect_eq "$out" "A  .morphignore
A  build.txt
A  deep/notes/b.tmp
A  keep.log" "ignored files not added by add ."
fails 2 morph add debug.log
expect_contains "$err" "morph: 'debug.log' is ignored by .morphignore; use -f to add it anyway"
fails 2 morph add notes/a.tmp
expect_contains "$err" "'notes/a.tmp' is ignored by .morphignore"
# A file inside an ignored directory is ignored too.
fails 2 morph add build/out.o
expect_contains "$err" "'build/out.o' is ignored by .morphignore; use -f"
fails 2 morph add build
expect_contains "$err" "'build' is ignored by .morphignore; use -f"
expect_eq "$(morph status --short build)" "" "nothing staged from build/"
ok morph add -f debug.log
ok morph add -f build/out.o
ok morph status --short
expect_eq "$out" "A  .morphignore
A  build.txt
A  build/out.o
A  debug.log
A  deep/notes/b.tmp
A  keep.log" "-f adds ignored files"
ok morph commit -m "ignore rules"
# Tracked files stay tracked even when ignored.
printf 'more\n' >>debug.log
printf 'more\n' >>build/out.o
ok morph status --short
expect_eq "$out" " M build/out.o
 M debug.log" "ignored tracked files still show changes"
ok morph add .
ok morph status --short
expect_eq "$out" "M  build/out.o
M  debug.log" "add . re-stages tracked ignored files"
ok morph add build
ok morph commit -m "tracked but ignored"

# add from a subdirectory with '.' means that directory only.
printf 'p\n' >prompts/p.txt
printf 'q\n' >q.txt
cd prompts
ok morph add .
cd "$T_ROOT/r"
expect_eq "$(morph status --short)" "A  prompts/p.txt
?? q.txt" "add . in a subdirectory"
ok morph commit -m p
rm q.txt

# A file replaced by a directory of the same name, and back.
rm prompts/p.txt
mkdir prompts/p.txt
printf 'inner\n' >prompts/p.txt/inner.txt
ok morph add prompts
expect_eq "$(morph status --short)" "D  prompts/p.txt
A  prompts/p.txt/inner.txt" "file replaced by a directory"
ok morph commit -m "file to directory"

# Outside any repository.
cd "$T_ROOT"
fails 2 morph add x
expect_contains "$err" "morph: not a morph repository"

# What morph cannot track is reported, not dropped without a word: names
# with a control character or not UTF-8, links, special files.  The rest
# is staged, and what .morphignore ignores is not reported.
new_repo skipped
printf 'ok\n' >ok.txt
printf 'a\n' >"$(printf 'bad\001name.txt')"
printf 'b\n' >"$(printf 'lat\377.txt')"
mkdir "$(printf 'd\033[31mir')" && printf 'c\n' >"$(printf 'd\033[31mir')/in.txt"
mkdir sub && printf 'd\n' >sub/f.txt && ln -s f.txt sub/link.txt
mkfifo sub/pipe
printf 'e\n' >"$(printf 'ign\002.tmp')"
printf '*.tmp\n' >.morphignore
ok morph add .
expect_eq "$err" "morph: skipped 'bad\x01name.txt': its name has a control character, which a tree cannot hold
morph: skipped 'd\x1b[31mir/': its name has a control character, which a tree cannot hold
morph: skipped 'lat\xff.txt': its name is not valid UTF-8, which a tree cannot hold
morph: skipped 'sub/link.txt': a symbolic link; morph stores regular files only
morph: skipped 'sub/pipe': not a regular file; morph stores regular files only" "add . names every file it skips, printably"
expect_eq "$(morph status --short)" "A  .morphignore
A  ok.txt
A  sub/f.txt" "the rest is staged"
ok morph add sub sub/f.txt
expect_eq "$err" "morph: skipped 'sub/link.txt': a symbolic link; morph stores regular files only
morph: skipped 'sub/pipe': not a regular file; morph stores regular files only" "each skipped file is named once"
fails 2 morph add "$(printf 'd\033[31mir')"
expect_contains "$err" "has a control character"
mkdir links && ln -s ../ok.txt links/l
fails 2 morph add links
expect_eq "$err" "morph: 'links' holds only files morph cannot track, such as 'links/l': a symbolic link; morph stores regular files only" "a directory of links only is an error"
ok morph commit -m "What can be tracked"
rm -rf "$(printf 'bad\001name.txt')" "$(printf 'lat\377.txt')" "$(printf 'd\033[31mir')" sub/link.txt sub/pipe links
ok morph add .
expect_eq "$err" "" "nothing skipped, nothing said"
cd "$T_ROOT"

done_testing
