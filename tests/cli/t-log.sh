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
expect_contains "$err" "usage: morph log [-p] [--author pattern] [--case id] [--json] [--oneline] [--since date] [--stat] [-n count | -count] [revision ...] [-- path ...]"
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
ok morph log --oneline HEAD~3 HEAD~2
expect_eq "$out" "${c2:0:12} Add cases
${c1:0:12} Add summarize" "two revisions: what either reaches, each once"

# -N is -n N, as in git; the last count given wins.
ok morph log --oneline -2
expect_eq "$out" "${c4:0:12} (HEAD -> main) Drop the cases
${c3:0:12} Shorter summaries" "-2"
ok morph log --oneline -1 -n 3
expect_eq "$(printf '%s\n' "$out" | wc -l)" 3 "-1 -n 3: the last wins"
ok morph log --oneline -n 3 -1
expect_eq "$out" "${c4:0:12} (HEAD -> main) Drop the cases" "-n 3 -1: the last wins"
ok morph log --oneline -0
expect_eq "$out" "" "-0 shows nothing"
ok morph log --oneline -1 HEAD~1 -- prompts
expect_eq "$out" "${c3:0:12} Shorter summaries" "-1 with a revision and a path"
fails 2 morph log -1x
expect_contains "$err" "morph: log: unknown option '-1'"

# -p and --stat: each commit's changes against its first parent, after
# its message, as git log prints them.
ok morph log -p -1
expect_eq "$out" "commit $c4 (HEAD -> main)
Author: Test Author <test@example.com>
Date:   Tue Nov 14 23:18:20 2023 +0100

    Drop the cases

diff --git a/cases/basic.jsonl b/cases/basic.jsonl
deleted file mode 100644
index $(morph rev-parse --short HEAD~1:cases/basic.jsonl)..000000000000
--- a/cases/basic.jsonl
+++ /dev/null
@@ -1 +0,0 @@
-{\"id\": \"one\"}" "-p: the patch after the message"
ok morph log --patch -n 1
expect_contains "$out" "deleted file mode 100644" "--patch is -p"
ok morph log --stat -2
expect_eq "$out" "commit $c4 (HEAD -> main)
Author: Test Author <test@example.com>
Date:   Tue Nov 14 23:18:20 2023 +0100

    Drop the cases

 cases/basic.jsonl | 1 -
 1 file changed, 1 deletion(-)

commit $c3
Author: Test Author <test@example.com>
Date:   Tue Nov 14 23:16:40 2023 +0100

    Shorter summaries

 prompts/summarize.txt | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)" "--stat"
ok morph log --oneline --stat -2
expect_eq "$out" "${c4:0:12} (HEAD -> main) Drop the cases
 cases/basic.jsonl | 1 -
 1 file changed, 1 deletion(-)
${c3:0:12} Shorter summaries
 prompts/summarize.txt | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)" "--oneline --stat"
ok morph log -p --stat -1 HEAD~1
expect_contains "$out" "    Shorter summaries
---
 prompts/summarize.txt | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/prompts/summarize.txt b/prompts/summarize.txt" "-p --stat: ---, the stat, the patch"
ok morph log --stat --oneline HEAD~3
expect_eq "$out" "${c1:0:12} Add summarize
 prompts/summarize.txt | 1 +
 1 file changed, 1 insertion(+)" "a root commit adds its files"
ok morph log -p --oneline HEAD~1 -- cases
expect_eq "$(printf '%s\n' "$out" | head -3)" "${c2:0:12} Add cases
diff --git a/cases/basic.jsonl b/cases/basic.jsonl
new file mode 100644" "-p limited to the paths"
expect_not_contains "$out" "prompts/" "no patch outside the paths"
ok morph log --json --stat -n 1
printf '%s' "$out" >"$T_ROOT/stat.json"
python3 - "$T_ROOT/stat.json" <<'EOF2'
import json, sys
log = json.load(open(sys.argv[1]))
f = log[0]["files"]
assert f == [{"path": "cases/basic.jsonl", "status": "deleted",
              "old_id": f[0]["old_id"], "new_id": None,
              "old_mode": "100644", "new_mode": None, "binary": False,
              "insertions": 0, "deletions": 1}], f
EOF2
expect_eq "$?" 0 "--json --stat: files with line counts"
ok morph log --json -n 1
expect_not_contains "$out" '"files"' "no files without --stat"
fails 2 morph log --json -p
expect_contains "$err" "morph: log: --json has no patches: --json --stat lists each commit's files"

# --since: ISO dates and times (the tests run in UTC), @SECONDS; the
# commits are at 22:13:20, 22:15:00, 22:16:40 and 22:18:20 UTC.
ok morph log --oneline --since 2023-11-14
expect_eq "$(printf '%s\n' "$out" | wc -l)" 4 "--since a day: from its start"
ok morph log --oneline --since 2023-11-15
expect_eq "$out" "" "--since the next day"
ok morph log --oneline --since "2023-11-14 22:15"
expect_eq "$out" "${c4:0:12} (HEAD -> main) Drop the cases
${c3:0:12} Shorter summaries
${c2:0:12} Add cases" "--since a time: that second included"
ok morph log --oneline --since 2023-11-14T22:16:00Z
expect_eq "$(printf '%s\n' "$out" | wc -l)" 2 "--since with T and Z"
ok morph log --oneline --since "2023-11-14 23:16:00 +0100"
expect_eq "$(printf '%s\n' "$out" | wc -l)" 2 "--since with a zone"
TZ=Europe/Paris run morph log --oneline --since "2023-11-14 23:16"
expect_eq "$(printf '%s\n' "$out" | wc -l)" 2 "--since in local time"
ok morph log --oneline --since=@1700000150
expect_eq "$(printf '%s\n' "$out" | wc -l)" 2 "--since=@SECONDS"
ok morph log --oneline --since "10 years ago"
expect_eq "$(printf '%s\n' "$out" | wc -l)" 4 "--since 10 years ago"
ok morph log --oneline --since yesterday
expect_eq "$out" "" "--since yesterday: nothing of 2023"
for bad in junk today "2023-11-31" "2 fortnights ago" 1700000000; do
	fails 2 morph log --since "$bad"
	expect_contains "$err" "morph: log: --since: cannot read '$bad' as a date: give YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] [+hhmm|Z], 'N days ago' (seconds, minutes, hours, days, weeks, months, years), 'yesterday', 'now' or @SECONDS"
done
fails 2 morph log --since
expect_contains "$err" "morph: log: option '--since' needs a value"

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

# Ranges, authors and dates relative to now, on two lines of history:
#   base - m1 - m2          main  (m2 by Bob)
#       \- t1 - t2          topic (t1 by Bob)
new_repo g
now=$(date +%s)
day=86400
commit_as() {
	# commit_as WHO AGE FILE MESSAGE
	printf '%s\n' "$4" >"$3"
	morph add "$3" &&
	MORPH_AUTHOR_NAME=$1 MORPH_AUTHOR_EMAIL=$(echo "$1" | tr A-Z a-z)@example.com \
	    MORPH_AUTHOR_DATE="$((now - $2)) +0000" morph commit -m "$4" >/dev/null
}
commit_as Ada $((30 * day)) base.txt base
ok morph branch topic
commit_as Ada $((20 * day)) m.txt m1
commit_as Bob $((10 * day)) m.txt m2
ok morph checkout topic
commit_as Bob $((15 * day)) t.txt t1
commit_as Ada 7200 t.txt t2
ok morph checkout main
base=$(morph rev-parse --short main~2)
m1=$(morph rev-parse --short main~1)
m2=$(morph rev-parse --short main)
t1=$(morph rev-parse --short topic~1)
t2=$(morph rev-parse --short topic)
oneline() { morph log --oneline "$@" | cut -c1-12 | tr '\n' ' '; }

expect_eq "$(oneline main..topic)" "$t2 $t1 " "main..topic"
expect_eq "$(oneline topic..main)" "$m2 $m1 " "topic..main"
expect_eq "$(oneline ^main topic)" "$t2 $t1 " "^main topic"
expect_eq "$(oneline topic ^main)" "$t2 $t1 " "topic ^main"
expect_eq "$(oneline topic..)" "$m2 $m1 " "topic..: up to HEAD"
expect_eq "$(oneline ..topic)" "$t2 $t1 " "..topic: from HEAD"
expect_eq "$(oneline main...topic)" "$t2 $m2 $t1 $m1 " \
    "main...topic: either side, not both, newest first"
expect_eq "$(oneline main topic)" "$t2 $m2 $t1 $m1 $base " "main topic"
expect_eq "$(oneline topic~1..topic)" "$t2 " "topic~1..topic"
ok morph log --oneline main..main
expect_eq "$out" "" "main..main is empty"
ok morph log --oneline ^main
expect_eq "$out" "" "only hidden commits: nothing, as git"
ok morph log --oneline -1 main..topic
expect_eq "$(printf '%s' "$out" | cut -c1-12)" "$t2" "-1 with a range"
ok morph log --oneline main..topic -- t.txt
expect_eq "$(printf '%s\n' "$out" | wc -l)" 2 "a range and a path"
fails 2 morph log nope..main
expect_contains "$err" "morph: unknown revision 'nope'"
fails 2 morph log main..nope
expect_contains "$err" "morph: unknown revision 'nope'"
fails 2 morph log ^nope
expect_contains "$err" "morph: unknown revision 'nope'"
fails 2 morph log HEAD:m.txt..main
expect_contains "$err" "morph: path 'm.txt..main' does not exist in 'HEAD'" \
    "REV:PATH is no range"

# --author: a regular expression on "Name <email>", several ORed.
expect_eq "$(oneline --author Bob main topic)" "$m2 $t1 " "--author Bob"
expect_eq "$(oneline --author=bob@ main topic)" "$m2 $t1 " "--author by email"
expect_eq "$(oneline --author '^Ada' main topic)" "$t2 $m1 $base " "--author ^Ada"
expect_eq "$(oneline --author Bob --author '^Ada <ada' main topic)" \
    "$t2 $m2 $t1 $m1 $base " "two --author: either"
expect_eq "$(oneline --author Carol main topic)" "" "--author nobody"
expect_eq "$(oneline --author Bob main..topic)" "$t1 " "--author with a range"
expect_eq "$(oneline --author Bob -1 main topic)" "$m2 " "-1 counts what is shown"
fails 2 morph log --author 'a\{1'
expect_contains "$err" "morph: log: --author 'a\{1': "

# --since relative to now.
expect_eq "$(oneline --since '2 weeks ago' main topic)" "$t2 $m2 " "--since 2 weeks ago"
expect_eq "$(oneline --since 2.weeks.ago main topic)" "$t2 $m2 " "--since 2.weeks.ago"
expect_eq "$(oneline --since yesterday main topic)" "$t2 " "--since yesterday"
expect_eq "$(oneline --since '1 month ago' --author Ada main topic)" \
    "$t2 $m1 " "--since and --author"
expect_eq "$(oneline --since now main topic)" "" "--since now"

# EXAMPLES in morph-log.1.
ok morph log --stat main..topic
expect_eq "$(printf '%s\n' "$out" | grep -c '^ t.txt | ')" 2 "--stat main..topic"
ok morph log -3 -p
expect_eq "$(printf '%s\n' "$out" | grep -c '^diff --git')" 3 "-3 -p"
ok morph log --oneline --author Ada --since '2 weeks ago' topic
expect_eq "$(printf '%s' "$out" | cut -c1-12)" "$t2" "--author Ada --since '2 weeks ago'"
cd "$T_ROOT/r"

# No pager and no colour when stdout is not a terminal.
MORPH_PAGER=false run morph log --oneline -n 1
expect_eq "$status" 0 "MORPH_PAGER unused off a terminal"
expect_not_contains "$out" $'\033' "no colour off a terminal"

# Outside any repository.
cd "$T_ROOT"
fails 2 morph log
expect_contains "$err" "morph: not a morph repository"

done_testing
