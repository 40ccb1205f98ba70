#!/usr/bin/env bash
# morph status: staged, unstaged, untracked and ignored files, in the long,
# short and JSON formats, for the whole tree or some paths.
. "$(dirname "$0")/lib.sh"

new_repo r

# An unborn branch, empty.
ok morph status
expect_eq "$out" "On branch main

No commits yet

nothing to commit, working tree clean" "unborn, empty"
ok morph status --short
expect_eq "$out" "" "unborn, short"
ok morph status --json
expect_eq "$out" '{
  "branch": "main",
  "head": null,
  "detached": false,
  "clean": true,
  "interrupted_checkout": null,
  "merge": null,
  "bisect": null,
  "entries": []
}' "unborn, JSON"

# An unborn branch with an untracked and a staged file.
printf 'a\n' >a.txt
printf 'b\n' >b.txt
ok morph add a.txt
ok morph status
expect_eq "$out" "On branch main

No commits yet

Changes to be committed:
  (use \"morph restore --staged <path>...\" to unstage)
	new file:   a.txt

Untracked files:
  (use \"morph add <path>...\" to track)
	b.txt" "unborn, staged and untracked"
ok morph status -s
expect_eq "$out" "A  a.txt
?? b.txt" "unborn, short"
ok morph add b.txt
ok morph commit -m first

# Clean.
ok morph status
expect_eq "$out" "On branch main

nothing to commit, working tree clean" "clean"

# Every kind of change at once (EXAMPLES in morph-status.1).
mkdir prompts
printf 'p\n' >prompts/p.txt
printf 'a2\n' >a.txt
ok morph add a.txt prompts/p.txt
printf 'a3\n' >a.txt
rm b.txt
printf 'u\n' >untracked.txt
ok morph status
expect_eq "$out" "On branch main

Changes to be committed:
  (use \"morph restore --staged <path>...\" to unstage)
	modified:   a.txt
	new file:   prompts/p.txt

Changes not staged for commit:
  (use \"morph add <path>...\" to stage, \"morph restore <path>...\" to discard)
	modified:   a.txt
	deleted:    b.txt

Untracked files:
  (use \"morph add <path>...\" to track)
	untracked.txt" "long format"
ok morph status --short
expect_eq "$out" "MM a.txt
 D b.txt
A  prompts/p.txt
?? untracked.txt" "short format"
ok morph status --json
printf '%s' "$out" >"$T_ROOT/st.json"
python3 - "$T_ROOT/st.json" "$(morph rev-parse HEAD)" <<'EOF'
import json, sys
st = json.load(open(sys.argv[1]))
assert st["branch"] == "main" and st["head"] == sys.argv[2], st
assert st["detached"] is False and st["clean"] is False, st
e = {x["path"]: x for x in st["entries"]}
assert list(e) == ["a.txt", "b.txt", "prompts/p.txt", "untracked.txt"], e
assert e["a.txt"] == {"path": "a.txt", "staged": "modified",
                      "unstaged": "modified", "untracked": False,
                      "ignored": False, "renamed_from": None,
                      "renamed_to": None}, e["a.txt"]
assert e["b.txt"]["staged"] is None and e["b.txt"]["unstaged"] == "deleted"
assert e["prompts/p.txt"]["staged"] == "added"
assert e["prompts/p.txt"]["unstaged"] is None
assert e["untracked.txt"]["untracked"] is True
assert e["untracked.txt"]["staged"] is None
EOF
expect_eq "$?" 0 "JSON fields"
ok morph status --json prompts
expect_contains "$out" '"path": "prompts/p.txt"'
expect_not_contains "$out" '"path": "a.txt"'

# Paths limit the report; before or after "--"; relative to the current
# directory.
ok morph status --short a.txt
expect_eq "$out" "MM a.txt" "one path"
ok morph status --short -- b.txt prompts
expect_eq "$out" " D b.txt
A  prompts/p.txt" "paths after --"
ok morph status --short prompts -- untracked.txt
expect_eq "$out" "A  prompts/p.txt
?? untracked.txt" "paths before and after --"
cd prompts
ok morph status --short .
expect_eq "$out" "A  prompts/p.txt" "'.' in a subdirectory"
fails 2 morph status --short ../a.txt
expect_contains "$err" "contains '..'"
cd "$T_ROOT/r"
fails 2 morph status ../x
expect_contains "$err" "morph: path '../x' contains '..'"
fails 2 morph status /etc
expect_contains "$err" "is absolute"
fails 2 morph status .morph
expect_contains "$err" "inside '.morph'"
ok morph status --short no/such/path
expect_eq "$out" "" "a path that matches nothing"

# Only unstaged changes: the hint says how to stage them.
ok morph commit -m second
ok morph status
expect_eq "$(printf '%s\n' "$out" | tail -1)" \
    'no changes added to commit (use "morph add" or "morph commit -a")' \
    "no changes added"
ok morph add -u
ok morph commit -m third
ok morph status
expect_eq "$(printf '%s\n' "$out" | tail -1)" \
    "nothing to commit (untracked files present)" "only untracked"
ok morph status --json
expect_contains "$out" '"clean": true' "untracked files do not make it unclean"

# Ignored files: hidden, unless --ignored.
printf '*.log\nbuild/\n' >.morphignore
mkdir build
printf 'o\n' >build/out.o
printf 'l\n' >run.log
ok morph add .morphignore
ok morph commit -m ignore
ok morph status --short
expect_eq "$out" "?? untracked.txt" "ignored files hidden"
ok morph status --short --ignored
expect_eq "$out" "!! build/out.o
!! run.log
?? untracked.txt" "--ignored, short"
ok morph status --ignored
expect_contains "$out" "Untracked and ignored files:
  (use \"morph add <path>...\" to track)
	build/out.o
	run.log
	untracked.txt"
ok morph status --json --ignored run.log
expect_contains "$out" '"path": "run.log"'
expect_contains "$out" '"ignored": true'
ok morph status --short build/out.o
expect_eq "$out" "" "a file in an ignored directory, asked by name"
ok morph status --short --ignored build
expect_eq "$out" "!! build/out.o" "an ignored directory with --ignored"

# Detached HEAD.
head=$(morph rev-parse HEAD)
ok morph checkout "$head"
ok morph status
expect_eq "$(printf '%s\n' "$out" | head -1)" "HEAD detached at ${head:0:12}" \
    "detached, long"
ok morph status --json
expect_contains "$out" '"branch": null'
expect_contains "$out" '"detached": true'
ok morph checkout main
expect_eq "$(morph status | head -1)" "On branch main" "back on main"

# Renames: a file moved with its content unchanged is one entry, as in
# git; identical files pair in order of path; a copy (nothing deleted)
# and a move with new content are not renames.
ok morph status --short
expect_eq "$out" "?? untracked.txt" "clean before the renames"
printf 'same\n' >same1.txt
printf 'same\n' >same2.txt
printf 'alpha\n' >alpha.txt
printf 'beta\n' >beta.txt
printf 'kept\n' >kept.txt
ok morph add same1.txt same2.txt alpha.txt beta.txt kept.txt
ok morph commit -q -m "four files"
ok morph mv same1.txt z1.txt
ok morph mv same2.txt z2.txt
ok morph mv alpha.txt omega.txt
cp kept.txt copy.txt
ok morph add copy.txt
ok morph rm beta.txt
printf 'gamma\n' >gamma.txt
ok morph add gamma.txt
ok morph status --short
expect_eq "$out" "$(printf 'D  beta.txt\nA  copy.txt\nA  gamma.txt\nR  alpha.txt -> omega.txt\n?? untracked.txt\nR  same1.txt -> z1.txt\nR  same2.txt -> z2.txt')" \
    "renames at where they went, identical files in order of path"
ok morph status
expect_contains "$out" "Changes to be committed:
  (use \"morph restore --staged <path>...\" to unstage)
	deleted:    beta.txt
	new file:   copy.txt
	new file:   gamma.txt
	renamed:    alpha.txt -> omega.txt
	renamed:    same1.txt -> z1.txt
	renamed:    same2.txt -> z2.txt
" "long: renamed: FROM -> TO"
ok morph status --json
expect_eq "$(printf '%s' "$out" | python3 -c '
import json, sys
e = {x["path"]: x for x in json.load(sys.stdin)["entries"]}
print(e["omega.txt"]["staged"], e["omega.txt"]["renamed_from"],
      e["alpha.txt"]["staged"], e["alpha.txt"]["renamed_to"],
      e["copy.txt"]["renamed_from"], e["beta.txt"]["renamed_to"])')" \
    "added alpha.txt deleted omega.txt None None" "JSON: both sides of the rename named"
# Edited after the move: still a rename, with the edit unstaged.
printf 'omega\n' >>omega.txt
ok morph status --short omega.txt alpha.txt
expect_eq "$out" "RM alpha.txt -> omega.txt" "a rename with an unstaged edit"
ok morph add omega.txt
ok morph status --short omega.txt alpha.txt
expect_eq "$out" "$(printf 'D  alpha.txt\nA  omega.txt')" "the edit staged: no longer the same file"
ok morph reset -q --hard

# Usage errors; outside a repository.
fails 2 morph status --bogus
expect_contains "$err" "morph: status: unknown option '--bogus'"
expect_contains "$err" "usage: morph status [--ignored] [--json] [--short] [path ...]"
cd "$T_ROOT"
fails 2 morph status
expect_contains "$err" "morph: not a morph repository"

done_testing
