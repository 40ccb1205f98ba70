#!/usr/bin/env bash
# morph run and the work tree: a run of HEAD says when the suite on disk
# differs from it; --worktree runs the suite as it is on disk without
# committing it, recording the tree it ran; the summary says how many
# results came from the cache; the progress bar shows from the first
# moment, before any answer.
. "$(dirname "$0")/lib.sh"

json() {	# json EXPR: evaluates EXPR on the JSON document in $out
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

ok morph init --example wt
T_REPOS+=("$T_ROOT/wt")
cd wt
ok morph add .
ok morph commit -m "Example suite"
ok morph run
expect_contains "$out" "4 results recorded: 0 from the cache, 4 from calls made now"
ok morph run
expect_contains "$out" "4 results recorded: 4 from the cache, 0 from calls made now" "the summary counts the cache's answers"
expect_eq "$err" "" "a clean work tree: no note"
ok morph run --json
expect_eq "$(json "d['recorded'], d['cached'], d['tree']")" "4 4 None" "JSON counts the cache too"

# 1. An edited prompt: morph run runs HEAD and says so, naming the file.
sed -i 's/one-line welcome/two-line welcome/' prompts/welcome.txt
printf 'notes\n' >NOTES.txt
ok morph run
expect_contains "$err" "differs from HEAD (prompts/welcome.txt)" "the note names the changed file"
expect_contains "$err" "morph run --worktree" "and the option that runs it"
expect_contains "$out" "4 from the cache" "HEAD's calls all come from the cache"
ok morph run HEAD
expect_eq "$err" "" "a revision named explicitly gets no note"

# 2. --worktree runs the edit without committing it.
log_before=$(morph log --oneline | wc -l)
ok morph run --worktree --json
expect_eq "$(json "d['recorded'], d['cached'], d['tree'] is not None")" "4 2 True" "the edited prompt's 2 calls are new"
tree=$(json "d['tree']")
run=$(json "d['run']")
ok morph show --json "#$run"
expect_eq "$(json "d['tree']")" "$tree" "the run records the tree it ran"
expect_contains "$(json "[r['output'] for r in d['results']]")" "two-line welcome" "the outputs are the work tree's"
ok morph cat-object -t "$tree"
expect_eq "$out" tree "the tree is stored"
ok morph cat-object -p "$tree"
expect_contains "$out" "NOTES.txt" "the tree is the work tree as morph add . would stage it"
expect_eq "$(morph log --oneline | wc -l)" "$log_before" "nothing was committed"
ok morph status --short
expect_contains "$out" " M prompts/welcome.txt" "the edit is still only in the work tree"
ok morph runs
expect_contains "$out" "+wt" "morph runs marks a run of the work tree"
ok morph runs --json
expect_eq "$(json "d[0]['tree'] == '$tree', d[1]['tree']")" "True None" "and its JSON names the tree"
# A revision means that commit's runs, never a work tree's.
ok morph eval --json HEAD
expect_eq "$(json "d['run']['run'] != $run")" True "morph eval HEAD takes a run of HEAD itself"
ok morph eval HEAD --against "#$run"
expect_contains "$out" "welcome" "eval compares HEAD with the work tree's run"

# 3. An untracked case file the globs match is part of the suite on disk.
printf '%s\n' '{"id": "linus", "prompts": ["prompts/welcome.txt"], "vars": {"name": "Linus", "team": "kernel"}}' >cases/more.jsonl
ok morph run
expect_contains "$err" "cases/more.jsonl" "a new case file is named"
ok morph run --worktree --json
expect_eq "$(json "d['calls']")" 5 "the new case's call runs too"
ok morph run --worktree --dry-run --json
expect_eq "$(json "d['cached'], d['to_send']")" "5 0" "--dry-run plans the work tree too"

# 4. A file the suite does not read changes nothing.
rm cases/more.jsonl
ok morph restore prompts/welcome.txt
printf 'more notes\n' >>NOTES.txt
ok morph run
expect_eq "$err" "" "a file outside the suite is no reason for a note"

# 5. Bad uses.
fails 2 morph run --worktree HEAD
expect_contains "$err" "takes no revision"
cd "$T_ROOT"
ok morph init empty
T_REPOS+=("$T_ROOT/empty")
cd empty
fails 2 morph run --worktree
expect_contains "$err" "no commit yet"
cd "$T_ROOT"

# 6. The progress bar shows at once on a terminal, before any answer.
fake_start
export OPENAI_API_KEY=sk-worktree-test
export OPENAI_BASE_URL=$FAKE_URL/v1
new_repo bar
mkdir -p prompts
printf 'Wait fault:hold file=%s\n' "$T_ROOT/go" >prompts/q.txt
printf '{"prompts": ["prompts/*.txt"], "models": ["openai:m"]}\n' >morph.json
ok morph add .
ok morph commit -m "A held call"
script -qfec "$MORPH run" "$T_ROOT/tty.out" >/dev/null 2>&1 &
runner=$!
one_request() { [ "$(fake_requests)" -eq 1 ]; }
wait_for "the request" one_request
wait_for "the bar" grep -q "0/1" "$T_ROOT/tty.out"
T_CHECKS=$((T_CHECKS + 1))
if grep -q "0/1" "$T_ROOT/tty.out" && kill -0 "$runner" 2>/dev/null; then
	pass "the bar shows while the only call is still in flight"
else
	fail "no bar before the first answer: $(cat -v "$T_ROOT/tty.out")"
fi
touch "$T_ROOT/go"
wait "$runner"
expect_eq "$?" 0 "the run completes"

done_testing
