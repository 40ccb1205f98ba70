#!/usr/bin/env bash
# morph log: the history from a revision, in full, one line each or JSON;
# limited by count and by path; decorated with branches and tags.
. "$(dirname "$0")/lib.sh"

new_repo r

fails 2 morph log
expect_contains "$err" "morph: branch 'main' has no commits yet"

# Four commits at known times.
mkdir prompts cases
printf 'Summarize: {{text}}\n' >prompts/summarize.txt
morph add prompts
MORPH_AUTHOR_DATE="1700000000 +0100" morph commit -m "Add summarize" >/dev/null
printf '{"id": "one"}\n' >cases/basic.jsonl
morph add cases
MORPH_AUTHOR_DATE="1700000100 +0100" morph commit -m "Add cases" -m "With one case." >/dev/null
printf 'Summarize briefly: {{text}}\n' >prompts/summarize.txt
morph add prompts
MORPH_AUTHOR_DATE="1700000200 +0100" morph commit -m "Shorter summaries" >/dev/null
rm cases/basic.jsonl
morph add cases
MORPH_AUTHOR_DATE="1700000300 +0100" morph commit -m "Drop the cases" >/dev/null
c4=$(morph rev-parse HEAD)
c3=$(morph rev-parse HEAD~1)
c2=$(morph rev-parse HEAD~2)
c1=$(morph rev-parse HEAD~3)

# The full format.
ok morph log
expect_eq "$(printf '%s\n' "$out" | head -7)" "commit $c4 (HEAD -> main)
Author: Test Author <test@example.com>
Date:   Tue Nov 14 23:18:20 2023 +0100

    Drop the cases

commit $c3" "full format"
expect_contains "$out" "    Add cases
    
    With one case." "message indented, blank lines too"
expect_eq "$(printf '%s\n' "$out" | grep -c '^commit ')" 4 "four commits"

# EXAMPLES in morph-log.1.
ok morph log --oneline
expect_eq "$out" "${c4:0:12} (HEAD -> main) Drop the cases
${c3:0:12} Shorter summaries
${c2:0:12} Add cases
${c1:0:12} Add summarize" "--oneline"
ok morph log --oneline -n 2
expect_eq "$out" "${c4:0:12} (HEAD -> main) Drop the cases
${c3:0:12} Shorter summaries" "-n 2"
ok morph log --oneline -- prompts/summarize.txt
expect_eq "$out" "${c3:0:12} Shorter summaries
${c1:0:12} Add summarize" "-- path"

# Counts.
ok morph log --oneline --max-count=1
expect_eq "$out" "${c4:0:12} (HEAD -> main) Drop the cases" "--max-count="
ok morph log --oneline -n1
expect_eq "$out" "${c4:0:12} (HEAD -> main) Drop the cases" "-n1"
ok morph log -n 0
expect_eq "$out" "" "-n 0 shows nothing"
fails 2 morph log -n -1
expect_contains "$err" "morph: log: -n needs a whole number, 0 or more, not '-1'"
fails 2 morph log -n many
expect_contains "$err" "-n needs a whole number, 0 or more, not 'many'"
expect_contains "$err" "usage: morph log [--case id] [--json] [--oneline] [-n count] [revision] [-- path ...]"
fails 2 morph log -n
expect_contains "$err" "morph: log: option '-n' needs a value"
fails 2 morph log --bogus
expect_contains "$err" "morph: log: unknown option '--bogus'"

# A start revision, in any form rev-parse takes.
ok morph log --oneline HEAD~2
expect_eq "$out" "${c2:0:12} Add cases
${c1:0:12} Add summarize" "from HEAD~2"
ok morph log --oneline "${c3:0:6}"
expect_eq "$(printf '%s\n' "$out" | head -1)" "${c3:0:12} Shorter summaries" \
    "from an abbreviated id"
ok morph log --oneline -n 1 HEAD^
expect_eq "$out" "${c3:0:12} Shorter summaries" "from HEAD^"
ok morph log --oneline main -- cases
expect_eq "$out" "${c4:0:12} (HEAD -> main) Drop the cases
${c2:0:12} Add cases" "a branch and a path; the deletion counts"
fails 2 morph log nope
expect_contains "$err" "morph: unknown revision 'nope'"
fails 2 morph log HEAD:prompts/summarize.txt
expect_contains "$err" "morph: 'HEAD:prompts/summarize.txt' is a blob, not a commit"
fails 2 morph log HEAD main
expect_contains "$err" "morph: log: too many revisions"

# Paths: several, directories, relative to the current directory.
ok morph log --oneline -- prompts cases/basic.jsonl
expect_eq "$(printf '%s\n' "$out" | wc -l)" 4 "two paths"
cd prompts
ok morph log --oneline -- summarize.txt
expect_eq "$out" "${c3:0:12} Shorter summaries
${c1:0:12} Add summarize" "path relative to a subdirectory"
ok morph log --oneline -- .
expect_eq "$(printf '%s\n' "$out" | wc -l)" 2 "'.' in a subdirectory"
cd "$T_ROOT/r"
ok morph log --oneline -- nowhere
expect_eq "$out" "" "a path never touched"
fails 2 morph log -- ../x
expect_contains "$err" "morph: path '../x' contains '..'"
fails 2 morph log -- .morph
expect_contains "$err" "inside '.morph'"

# JSON: an array, newest first, with stable fields.
ok morph log --json
printf '%s' "$out" >"$T_ROOT/log.json"
python3 - "$T_ROOT/log.json" "$c4" "$c3" "$(morph rev-parse HEAD:)" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1]))
assert isinstance(log, list) and len(log) == 4, log
c = log[0]
assert sorted(c) == ["author", "git", "id", "message", "parents", "refs",
                     "tree"], sorted(c)
assert c["id"] == sys.argv[2] and c["parents"] == [sys.argv[3]], c
assert c["tree"] == sys.argv[4], c
assert c["author"] == {"name": "Test Author", "email": "test@example.com",
                       "time": 1700000300, "tz": "+0100"}, c["author"]
assert c["message"] == "Drop the cases\n", c
assert c["git"] is None and c["refs"] == ["HEAD -> main"], c
assert log[2]["message"] == "Add cases\n\nWith one case.\n", log[2]
assert log[3]["parents"] == [] and log[3]["refs"] == [], log[3]
EOF
expect_eq "$?" 0 "--json fields"
ok morph log --json -n 0
expect_eq "$out" "[]" "empty JSON array"
ok morph log --json -n 1 -- cases
expect_contains "$out" "\"id\": \"$c4\""

# Decorations: other branches, tags, a detached HEAD.
ok morph branch topic "$c3"
ok morph tag v1.0 "$c3"
ok morph tag first "$c1"
ok morph log --oneline
expect_eq "$out" "${c4:0:12} (HEAD -> main) Drop the cases
${c3:0:12} (topic, tag: v1.0) Shorter summaries
${c2:0:12} Add cases
${c1:0:12} (tag: first) Add summarize" "branches and tags"
ok morph log -n 2
expect_contains "$out" "commit $c3 (topic, tag: v1.0)"
ok morph log --json -n 2
expect_contains "$out" '"refs": [
      "topic",
      "tag: v1.0"
    ]'
ok morph log --oneline v1.0
expect_eq "$(printf '%s\n' "$out" | head -1)" "${c3:0:12} (topic, tag: v1.0) Shorter summaries" \
    "start at a tag"
ok morph checkout v1.0
ok morph log --oneline -n 1
expect_eq "$out" "${c3:0:12} (HEAD, topic, tag: v1.0) Shorter summaries" \
    "detached HEAD"
ok morph log --oneline -n 1 main
expect_eq "$out" "${c4:0:12} (main) Drop the cases" "main when detached"
ok morph checkout main
ok morph branch -d topic
ok morph tag -d v1.0
ok morph tag -d first
ok morph log --oneline -n 2
expect_eq "$out" "${c4:0:12} (HEAD -> main) Drop the cases
${c3:0:12} Shorter summaries" "decorations gone with their references"

# No pager and no colour when stdout is not a terminal.
MORPH_PAGER=false run morph log --oneline -n 1
expect_eq "$status" 0 "MORPH_PAGER unused off a terminal"
expect_not_contains "$out" $'\033' "no colour off a terminal"

# Outside any repository.
cd "$T_ROOT"
fails 2 morph log
expect_contains "$err" "morph: not a morph repository"

done_testing
