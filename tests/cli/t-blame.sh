#!/usr/bin/env bash
# morph blame: each line of a prompt after the commit that last changed it,
# as git blame prints it (dates in the author's zone), at a revision, in a
# range, from a subdirectory, as JSON and porcelain; with --runs, the pass
# rate of each line's commit in its newest run against the echo model, so
# the line that went in with a drop shows it; across a merge made by
# morph merge; and the errors.
. "$(dirname "$0")/lib.sh"
json() { printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

ok morph init --example q
T_REPOS+=("$T_ROOT/q")
cd q
ok morph add .
# 2025-11-25 09:00:00 UTC, written by an author an hour east of it.
export MORPH_AUTHOR_DATE="1764061200 +0100"
ok morph commit -m "Example suite"
c1=$(morph rev-parse --short HEAD)
ok morph run
# The edit that drops the name: two welcome cases fail from here on.
sed -i 's/{{name}}, who/our new colleague, who/' prompts/welcome.txt
export MORPH_AUTHOR_NAME="Grace Hopper" MORPH_AUTHOR_DATE="1764151200 -0500"
ok morph commit -a -m "Shorter welcome"
c2=$(morph rev-parse --short HEAD)
ok morph run

ok morph blame prompts/welcome.txt
expect_eq "$out" "$c2 (Grace Hopper 2025-11-26 05:00:00 -0500 1) Write a one-line welcome message for our new colleague, who has just joined
$c1 (Test Author  2025-11-25 10:00:00 +0100 2) the {{team}} team.  Mention their name and their team." \
    "each line after its commit, author and date in the author's zone"
ok morph blame prompts/welcome.txt HEAD~1
expect_eq "$(printf '%s\n' "$out" | cut -c1-12 | sort -u)" "$c1" "at HEAD~1 every line is the first commit's"
expect_contains "$out" "{{name}}, who" "the file as HEAD~1 has it"
ok morph blame -s prompts/welcome.txt
expect_eq "$(printf '%s\n' "$out" | head -1)" "$c2 1) Write a one-line welcome message for our new colleague, who has just joined" "-s leaves out author and date"

# --runs: the commit that dropped the name passed 2 of 4.
ok morph blame --runs prompts/welcome.txt
expect_eq "$out" "$c2 (Grace Hopper 2025-11-26 05:00:00 -0500 2/4 (50%)  1) Write a one-line welcome message for our new colleague, who has just joined
$c1 (Test Author  2025-11-25 10:00:00 +0100 4/4 (100%) 2) the {{team}} team.  Mention their name and their team." \
    "--runs gives each line's commit's pass rate"
# A commit that was never run shows "-".
printf 'Keep it short.\n' >>prompts/welcome.txt
export MORPH_AUTHOR_NAME="Test Author" MORPH_AUTHOR_DATE="1764237600 +0000"
ok morph commit -a -m "Ask for brevity"
c3=$(morph rev-parse --short HEAD)
ok morph blame -s --runs prompts/welcome.txt
expect_eq "$(printf '%s\n' "$out" | sed -n 3p)" "$c3 -          3) Keep it short." "a commit without a run: -"

# Ranges.
ok morph blame -s -L 2,3 prompts/welcome.txt
expect_eq "$out" "$c1 2) the {{team}} team.  Mention their name and their team.
$c3 3) Keep it short." "-L 2,3"
ok morph blame -s -L 3 prompts/welcome.txt
expect_eq "$out" "$c3 3) Keep it short." "-L 3: to the end"
ok morph blame -s -L 1,+1 prompts/welcome.txt
expect_eq "$(printf '%s\n' "$out" | wc -l)" 1 "-L 1,+1: one line"
fails 2 morph blame -L 4 prompts/welcome.txt
expect_eq "$err" "morph: blame HEAD: cannot blame from line 4: 'prompts/welcome.txt' has only 3 lines"
fails 2 morph blame -L 2,9 prompts/welcome.txt
expect_contains "$err" "cannot blame to line 9"
for v in x 0 1,x 2,+ ''; do
	fails 2 morph blame -L "$v" prompts/welcome.txt
	expect_contains "$err" "morph: blame: -L needs START,END (line numbers from 1), START, or START,+COUNT, not '$v'"
done

# JSON and porcelain for scripts.
ok morph blame --json --runs prompts/welcome.txt
expect_eq "$(json "[(l['line'], l['orig_line'], l['commit'][:12], l['summary']) for l in d]")" \
    "[(1, 1, '$c2', 'Shorter welcome'), (2, 2, '$c1', 'Example suite'), (3, 3, '$c3', 'Ask for brevity')]" "--json lines"
expect_eq "$(json "d[0]['author']['name'], d[0]['author']['tz'], d[0]['text']")" \
    "Grace Hopper -0500 Write a one-line welcome message for our new colleague, who has just joined" "--json author and text"
expect_eq "$(json "[(l['run'] or {}).get('passed') for l in d], d[0]['run']['asserted'], d[0]['run']['pass_rate'], d[2]['run']")" \
    "[2, 4, None] 4 0.5 None" "--json --runs"
ok morph blame --porcelain --runs -L 2,3 prompts/welcome.txt
full1=$(morph rev-parse "$c1")
expect_contains "$out" "$full1 2 2 1
author Test Author
author-mail <test@example.com>
author-time 1764061200
author-tz +0100
committer Test Author" "porcelain header of the first commit"
expect_contains "$out" "summary Example suite
boundary
pass-rate 4/4 (100%)
filename prompts/welcome.txt
	the {{team}} team.  Mention their name and their team."
expect_contains "$out" "pass-rate -"
fails 2 morph blame --json --porcelain prompts/welcome.txt
expect_contains "$err" "give one of -s, --json and --porcelain"

# Paths are relative to the current directory; any file can be blamed.
cd prompts
ok morph blame -s welcome.txt
expect_eq "$(printf '%s\n' "$out" | wc -l)" 3 "blame from a subdirectory"
cd ..
ok morph blame -s morph.json
expect_eq "$(printf '%s\n' "$out" | cut -c1-12 | sort -u)" "$c1" "morph.json"
ok morph blame cases/welcome.jsonl

# Errors name what is wrong.
fails 2 morph blame prompts/nope.txt
expect_contains "$err" "morph: blame HEAD: no file 'prompts/nope.txt' in commit"
fails 2 morph blame prompts
expect_contains "$err" "'prompts' is a directory, not a file"
fails 2 morph blame prompts/welcome.txt nosuchrev
expect_contains "$err" "nosuchrev"
fails 2 morph blame
expect_contains "$err" "which file?"
fails 2 morph blame ../outside.txt
cd "$T_ROOT"

# Across a merge made by morph merge: each line keeps the commit on the
# branch that wrote it, not the merge.
cd "$T_ROOT"
new_repo merged
printf 'one\ntwo\nthree\n' >p.txt
ok morph add p.txt
export MORPH_AUTHOR_NAME="Base" MORPH_AUTHOR_DATE="1764061200 +0000"
ok morph commit -q -m base
b0=$(morph rev-parse --short HEAD)
ok morph branch side
printf 'ONE\ntwo\nthree\n' >p.txt
export MORPH_AUTHOR_NAME="Main" MORPH_AUTHOR_DATE="1764064800 +0000"
ok morph commit -q -a -m "main edits line 1"
m1=$(morph rev-parse --short HEAD)
ok morph checkout -q side
printf 'one\ntwo\nTHREE\n' >p.txt
export MORPH_AUTHOR_NAME="Side" MORPH_AUTHOR_DATE="1764068400 +0000"
ok morph commit -q -a -m "side edits line 3"
s1=$(morph rev-parse --short HEAD)
ok morph checkout -q main
export MORPH_AUTHOR_NAME="Merger" MORPH_AUTHOR_DATE="1764072000 +0000"
ok morph merge side
expect_eq "$(morph rev-parse 'HEAD^2' | cut -c1-12)" "$s1" "a merge commit with side as its second parent"
ok morph blame -s p.txt
expect_eq "$out" "$m1 1) ONE
$b0 2) two
$s1 3) THREE" "a merged line is blamed on the commit of the branch that wrote it"

done_testing
