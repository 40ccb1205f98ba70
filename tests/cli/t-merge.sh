#!/usr/bin/env bash
# morph merge: fast-forward, up to date, clean three-way merges (two
# parents that log, show, diff and fsck understand), morph.json merged by
# field and case files by case, conflicts written with markers, listed by
# status and refused by commit until resolved, --continue, --abort, an
# interrupted merge; and the behaviour gate: two branches that each
# improve a prompt merge when neither breaks the other's cases, and the
# merge is refused, naming the case and why, when one breaks a case the
# other relies on, sending only the calls that changed.
. "$(dirname "$0")/lib.sh"

tick

# 1. Fast-forward, up to date, --ff-only and --no-ff.
new_repo ff
printf 'a\n' >a.txt
printf 'b\n' >b.txt
ok morph add .
ok morph commit -m base
base=$("$MORPH" rev-parse HEAD)
ok morph checkout -b topic
tick
printf 'a2\n' >a.txt
ok morph commit -a -m "topic: a2"
topic=$("$MORPH" rev-parse HEAD)
ok morph checkout main
ok morph merge topic
expect_contains "$out" "Fast-forward"
expect_eq "$("$MORPH" rev-parse HEAD)" "$topic" "main fast-forwarded to topic"
expect_eq "$(cat a.txt)" "a2" "the work tree moved too"
ok morph status --short
expect_eq "$out" "" "and the index with it"
ok morph merge topic
expect_eq "$out" "Already up to date." "merging it again"
ok morph merge "$base"
expect_eq "$out" "Already up to date." "merging an ancestor"
# Diverged: --ff-only refuses; --no-ff on a fast-forward makes a commit.
ok morph checkout -b side "$base"
tick
printf 'b2\n' >b.txt
ok morph commit -a -m "side: b2"
fails 2 morph merge --ff-only topic
expect_contains "$err" "cannot fast-forward to 'topic'"
expect_eq "$(cat a.txt)" "a" "a refused merge changes nothing"
ok morph checkout -b noff "$base"
tick
ok morph merge --no-ff -m "Bring topic in" topic
expect_contains "$out" "Merge made: [noff "
ok morph show --json HEAD
expect_eq "$(json "len(d['parents']), d['parents'][0] == '$base', d['parents'][1] == '$topic'")" "2 True True" "--no-ff: a merge commit with both parents"
expect_eq "$(json "repr(d['message'])")" "'Bring topic in\\n'" "-m names it, a line"
fails 2 morph merge --ff-only --no-ff topic
expect_contains "$err" "exclude each other"

# 2. A clean three-way merge: two parents, in log, show, diff and fsck.
ok morph checkout side
side_tip=$("$MORPH" rev-parse HEAD)
tick
ok morph merge topic
expect_contains "$out" "Merge made: [side "
expect_contains "$out" "Merge branch 'topic'"
expect_eq "$(cat a.txt) $(cat b.txt)" "a2 b2" "both sides' changes"
merge=$("$MORPH" rev-parse HEAD)
ok morph log
expect_contains "$out" "Merge: ${side_tip:0:12} ${topic:0:12}" "log names the parents"
expect_contains "$out" "topic: a2"
expect_contains "$out" "side: b2"
ok morph rev-parse HEAD^2
expect_eq "$out" "$topic" "HEAD^2 is theirs"
ok morph show HEAD
expect_contains "$out" "Merge: "
expect_contains "$out" "+a2" "show diffs against the first parent"
expect_not_contains "$out" "+b2"
ok morph diff HEAD^2 HEAD
expect_contains "$out" "+b2" "diff between the merge and a parent"
ok morph fsck

# 3. Case files merge case by case, morph.json field by field, where
# their lines would conflict.
new_repo suite
mkdir prompts cases
printf 'Greet {{name}}.\n' >prompts/greet.txt
printf '{"id": "ada", "vars": {"name": "Ada"}}\n' >cases/c.jsonl
cat >morph.json <<'EOF'
{
  "prompts": ["prompts/*.txt"],
  "cases": ["cases/*.jsonl"],
  "models": ["echo:a"],
  "defaults": {"temperature": 0}
}
EOF
tick
ok morph add .
ok morph commit -m base
ok morph checkout -b one
printf '{"id": "bob", "vars": {"name": "Bob"}}\n' >>cases/c.jsonl
sed -i 's/"echo:a"\]/"echo:a", "echo:b"]/' morph.json
tick
ok morph commit -a -m "one: case bob, model b"
ok morph checkout -b two main
printf '{"id": "cy", "vars": {"name": "Cy"}}\n' >>cases/c.jsonl
sed -i 's/"echo:a"\]/"echo:a", "echo:c"]/; s/"temperature": 0/"temperature": 0, "max_tokens": 50/' morph.json
tick
ok morph commit -a -m "two: case cy, model c, max_tokens"
ok morph merge one
expect_contains "$out" "Merge made"
expect_eq "$(cut -c1-12 cases/c.jsonl | tr '\n' ' ')" '{"id": "ada" {"id": "cy", {"id": "bob" ' "both cases, ours first"
expect_eq "$(python3 -c 'import json; d=json.load(open("morph.json")); print(d["models"], d["defaults"])')" "['echo:a', 'echo:c', 'echo:b'] {'temperature': 0, 'max_tokens': 50}" "both models and both settings"
ok morph run
expect_contains "$out" "echo:b"
expect_contains "$out" "echo:c"

# 4. Conflicts: markers, status, refusals, resolution, commit.
new_repo conflict
mkdir prompts
printf 'Greet {{name}} politely.\nSign off.\n' >prompts/greet.txt
printf '{"prompts": ["prompts/*.txt"],\n "models": ["echo:a"],\n "defaults": {"temperature": 0}}\n' >morph.json
printf 'keep\n' >notes.txt
tick
ok morph add .
ok morph commit -m base
ok morph checkout -b warm
sed -i 's/politely/warmly/' prompts/greet.txt
sed -i 's/"temperature": 0/"temperature": 0.7/' morph.json
tick
ok morph commit -a -m warm
ok morph checkout main
sed -i 's/politely/kindly/' prompts/greet.txt
sed -i 's/"temperature": 0/"temperature": 0.2/' morph.json
tick
ok morph commit -a -m kind
printf 'local edit\n' >notes.txt
fails 1 morph merge warm
expect_contains "$out" "CONFLICT (content): Merge conflict in prompts/greet.txt"
expect_contains "$out" "CONFLICT (content): Merge conflict in morph.json"
expect_contains "$out" "morph.json: defaults.temperature: base 0, ours 0.2, theirs 0.7" "morph.json's conflict told by field"
expect_contains "$(cat prompts/greet.txt)" "<<<<<<< HEAD
Greet {{name}} kindly.
=======
Greet {{name}} warmly.
>>>>>>> warm" "markers in the work tree"
expect_eq "$(cat notes.txt)" "local edit" "an untouched local change stays"
ok morph status
expect_contains "$out" "You have unmerged paths (merging 'warm')."
expect_contains "$out" "both modified:    prompts/greet.txt"
expect_contains "$out" "defaults.temperature: base 0, ours 0.2, theirs 0.7"
expect_contains "$out" "modified:   notes.txt"
ok morph status --short
expect_eq "$out" "UU morph.json
 M notes.txt
UU prompts/greet.txt" "status --short: UU"
ok morph status --json
expect_eq "$(json "d['clean'], d['merge']['label'], d['merge']['unresolved'], [c['path'] for c in d['merge']['conflicts']]")" "False warm 2 ['morph.json', 'prompts/greet.txt']" "status --json: the merge"
fails 2 morph commit -m done
expect_contains "$err" "cannot commit the merge of 'warm': 2 unmerged paths"
expect_contains "$err" "prompts/greet.txt: edit the file, then morph add it"
fails 2 morph checkout warm
expect_contains "$err" "a merge of 'warm' is in progress"
fails 2 morph merge warm
expect_contains "$err" "cannot merge: a merge of 'warm' is in progress"
# Markers staged as they are do not resolve it.
ok morph add prompts/greet.txt
fails 2 morph commit -m done
expect_contains "$err" "prompts/greet.txt: conflict markers are staged"
# Resolved in the work tree but not staged: still unmerged.
printf 'Greet {{name}} warmly and kindly.\nSign off.\n' >prompts/greet.txt
printf '{"prompts": ["prompts/*.txt"],\n "models": ["echo:a"],\n "defaults": {"temperature": 0.5}}\n' >morph.json
ok morph add prompts/greet.txt
ok morph status
expect_contains "$out" "morph.json"
expect_contains "$out" "changed in the work tree but not staged: morph add morph.json"
ok morph add morph.json
ok morph status
expect_contains "$out" "All conflicts fixed but you are still merging 'warm'."
tick
ok morph commit
expect_contains "$out" "Merge branch 'warm'" "commit takes the merge's message"
ok morph show --json HEAD
expect_eq "$(json "len(d['parents'])")" 2 "the commit that ends the merge has two parents"
expect_eq "$(cat notes.txt)" "local edit" "the local change is still there"
ok morph status --json
expect_eq "$(json "d['merge']")" None "no merge in progress any more"

# 5. Deleted on one side, changed on the other; resolved by deleting.
new_repo modify-delete
printf 'x\n' >x.txt
printf 'y\n' >y.txt
tick
ok morph add .
ok morph commit -m base
ok morph checkout -b drop
ok morph rm x.txt
tick
ok morph commit -m "drop x"
ok morph checkout main
printf 'x2\n' >x.txt
tick
ok morph commit -a -m "change x"
fails 1 morph merge drop
expect_contains "$out" "CONFLICT (modify/delete): x.txt deleted in drop and modified in HEAD"
expect_eq "$(cat x.txt)" "x2" "our version left in the work tree"
ok morph status --short
expect_eq "$out" "UD x.txt" "status --short: UD"
ok morph status
expect_contains "$out" "deleted by them:  x.txt"
rm x.txt
ok morph status --short
expect_eq "$out" "D  x.txt" "deleting the file resolves it"
tick
ok morph merge --continue
expect_contains "$out" "Merge branch 'drop'"
ok morph show --json HEAD
expect_eq "$(json "len(d['parents'])")" 2 "--continue made the merge commit"

# 6. --abort: every path the merge touched back to HEAD, the rest kept.
new_repo abort
printf 'a\n' >a.txt
printf 'b\n' >b.txt
printf 'c\n' >c.txt
tick
ok morph add .
ok morph commit -m base
ok morph checkout -b other
printf 'a-other\n' >a.txt
printf 'new\n' >new.txt
ok morph add .
tick
ok morph commit -m other
ok morph checkout main
printf 'a-main\n' >a.txt
printf 'b-main\n' >b.txt
tick
ok morph commit -a -m main
printf 'c-local\n' >c.txt
head=$("$MORPH" rev-parse HEAD)
fails 1 morph merge other
expect_eq "$(cat new.txt)" "new" "the merge brought new.txt"
ok morph merge --abort
expect_contains "$out" "Merge of 'other' aborted; HEAD is at ${head:0:12}"
expect_eq "$(cat a.txt) $(cat b.txt) $(cat c.txt)" "a-main b-main c-local" "HEAD's files back, the local change kept"
T_CHECKS=$((T_CHECKS + 1))
if [ -e new.txt ]; then fail "new.txt is still there"; else pass "the file the merge added is gone"; fi
ok morph status --short
expect_eq "$out" " M c.txt" "only the local change is left"
expect_eq "$("$MORPH" rev-parse HEAD)" "$head" "HEAD did not move"
fails 2 morph merge --abort
expect_contains "$err" "there is no merge to abort"
fails 2 morph merge --continue
expect_contains "$err" "there is no merge in progress to continue"

# 7. Refused before anything changes: a local change the merge would
# overwrite, staged changes, an untracked file in the way.
printf 'a-local\n' >a.txt
fails 2 morph merge other
expect_contains "$err" "the merge would overwrite local changes"
expect_contains "$err" "a.txt (modified)"
expect_eq "$(cat a.txt)" "a-local" "the local change is untouched"
ok morph restore a.txt
ok morph add c.txt
fails 2 morph merge other
expect_contains "$err" "cannot merge with staged changes"
expect_contains "$err" "c.txt (staged)"
ok morph restore --staged c.txt
ok morph restore c.txt
printf 'mine\n' >new.txt
fails 2 morph merge other
expect_contains "$err" "new.txt (untracked)"
rm new.txt
ok morph status --json
expect_eq "$(json "d['merge']")" None "a refused merge leaves no record"

# 8. A merge killed while it writes the work tree: status and fsck say
# so, commit refuses, --abort puts HEAD's files back.  The pause FIFO
# (lib/worktree.c, test_pause) makes it independent of timing.
pause_fifo=$T_ROOT/pause
mkfifo "$pause_fifo"
exec {pause_fd}<>"$pause_fifo"
MORPH_TEST_CHECKOUT_PAUSE=$pause_fifo "$MORPH" merge other >/dev/null 2>&1 &
pid=$!
line=
read -r -t 60 -u "$pause_fd" line
kill -KILL "$pid"
wait "$pid"
expect_eq "$? $line" "137 paused" "merge killed after its first file"
ok morph status
expect_contains "$out" "A merge of 'other' was interrupted while it wrote the work tree."
fails 1 morph fsck
expect_contains "$out$err" "a merge of 'other' was interrupted"
fails 2 morph commit -m x
expect_contains "$err" "was interrupted while it wrote the work tree"
ok morph merge --abort
expect_eq "$(cat a.txt) $(cat b.txt)" "a-main b-main" "abort puts HEAD's files back"
ok morph status --short
expect_eq "$out" "" "nothing left of the interrupted merge"
fails 1 morph merge other
ok morph merge --abort

# 9. Usage.
fails 2 morph merge
expect_contains "$err" "no revision to merge given"
fails 2 morph merge --abort other
fails 2 morph merge --repeat 3 other
expect_contains "$err" "give --gate too"
fails 2 morph merge --gate --significance 0.05 other
expect_contains "$err" "give --repeat N"
fails 2 morph merge no-such-branch
expect_contains "$err" "no-such-branch"

# 10. The behaviour gate, as a new user tries it: two branches each
# improve a different prompt.
fake_start
export OPENAI_API_KEY=sk-merge-test
export OPENAI_BASE_URL=$FAKE_URL/v1
requests() { fake_requests; }
new_repo gate
mkdir prompts cases
printf 'Greet {{name}} politely.\n' >prompts/greet.txt
printf 'Summarise {{text}}.\n' >prompts/sum.txt
cat >cases/greet.jsonl <<'EOF'
{"id": "ada", "vars": {"name": "Ada"}, "prompts": ["prompts/greet.txt"], "assert": [{"type": "icontains", "value": "Ada"}]}
EOF
cat >cases/sum.jsonl <<'EOF'
{"id": "story", "vars": {"text": "the story"}, "prompts": ["prompts/sum.txt"], "assert": [{"type": "icontains", "value": "story"}]}
EOF
printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["openai:m"]}\n' >morph.json
tick
ok morph add .
ok morph commit -m base
ok morph run
# warm improves the greeting and adds a case that relies on it.
ok morph checkout -b warm
sed -i 's/politely/politely and warmly/' prompts/greet.txt
echo '{"id": "warm", "vars": {"name": "Bo"}, "prompts": ["prompts/greet.txt"], "assert": [{"type": "icontains", "value": "warmly"}]}' >>cases/greet.jsonl
tick
ok morph commit -a -m "warmer greeting"
ok morph run
# short improves the summary, with its own case.
ok morph checkout -b short main
sed -i 's/{{text}}\./{{text}} in one line./' prompts/sum.txt
echo '{"id": "oneline", "vars": {"text": "news"}, "prompts": ["prompts/sum.txt"], "assert": [{"type": "icontains", "value": "one line"}]}' >>cases/sum.jsonl
tick
ok morph commit -a -m "one-line summary"
ok morph run
ok morph checkout warm
before=$(requests)
tick
ok morph merge --gate short
expect_contains "$out" "Gate: the merge of 'short' must keep what each side passes."
expect_contains "$out" "prompts/greet.txt        warm             openai:m             ours"
expect_contains "$out" "prompts/sum.txt          oneline          openai:m             theirs"
expect_contains "$out" "openai:m             ours 100% (3/3)     theirs 100% (3/3)"
expect_contains "$out" "Gate passed"
expect_contains "$out" "Merge made: [warm "
T_CHECKS=$((T_CHECKS + 1))
bar_at=$(printf '%s\n' "$out" | grep -n "must pass these" | cut -d: -f1)
run_at=$(printf '%s\n' "$out" | grep -n "merged    union" | cut -d: -f1)
if [ -n "$bar_at" ] && [ -n "$run_at" ] && [ "$bar_at" -lt "$run_at" ]; then
	pass "the bar is printed before the merged suite runs"
else
	fail "the bar comes after the merged run"
fi
expect_eq "$(( $(requests) - before ))" 0 "nothing changed: every call answered by the cache"
ok morph show --json HEAD
expect_eq "$(json "len(d['parents'])")" 2 "the gated merge is committed"

# blunt drops "politely" from the greeting; formal adds a case that needs
# it.  Each passes its own cases; the merge breaks formal's.
ok morph checkout -b blunt main
sed -i 's/ politely//' prompts/greet.txt
tick
ok morph commit -a -m "blunt greeting"
ok morph run
ok morph checkout -b formal main
echo '{"id": "formal", "vars": {"name": "Sir Cy"}, "prompts": ["prompts/greet.txt"], "assert": [{"type": "icontains", "value": "politely"}]}' >>cases/greet.jsonl
tick
ok morph commit -a -m "formal case"
ok morph run
ok morph checkout blunt
head=$("$MORPH" rev-parse HEAD)
before=$(requests)
fails 1 morph merge --gate formal
expect_contains "$out" "prompts/greet.txt        formal           openai:m             theirs"
expect_contains "$out" "Gate refused the merge"
expect_contains "$out" "prompts/greet.txt case formal model openai:m: passes on theirs, fails on the merge"
expect_contains "$out" 'icontains: output lacks "politely" (any case)'
expect_contains "$out" "model openai:m: pass rate falls from 100% (3/3) on theirs to 67% (2/3) on the merge"
expect_contains "$out" "merged    union            run #"
expect_contains "$out" "3 calls, 2 from the cache, 1 sent"
expect_contains "$err" "the merge of 'formal' was not made: nothing is committed"
expect_eq "$(( $(requests) - before ))" 1 "only the changed call was sent: blunt's greeting with formal's case"
expect_eq "$("$MORPH" rev-parse HEAD)" "$head" "nothing committed"
expect_eq "$(cat prompts/greet.txt)" "Greet {{name}}." "the work tree as it was"
ok morph status --json
expect_eq "$(json "d['clean'], d['merge']")" "True None" "no merge left in progress"
# Again: the merged call is cached now, nothing is sent, same verdict.
before=$(requests)
fails 1 morph merge --gate formal
expect_eq "$(( $(requests) - before ))" 0 "a second try sends nothing"
# Without the gate it merges (the gate is what refused).
ok morph checkout -b blunt-merged blunt
tick
ok morph merge --no-gate formal
expect_contains "$out" "Merge made"

# 11. A gated merge with conflicts: the commit runs the gate.
ok morph checkout -b c1 main
sed -i 's/Summarise/Briefly summarise/' prompts/sum.txt
tick
ok morph commit -a -m c1
ok morph checkout -b c2 main
sed -i 's/Summarise/Please summarise/' prompts/sum.txt
tick
ok morph commit -a -m c2
fails 1 morph merge --gate c1
expect_contains "$out" "The gate runs when the merge is committed."
ok morph status
expect_contains "$out" "the merge is gated"
# Resolved in a way that breaks the story case: the gate refuses.
printf 'Please summarise it.\n' >prompts/sum.txt
ok morph add prompts/sum.txt
fails 1 morph commit
expect_contains "$out" "prompts/sum.txt case story model openai:m: passes on ours, fails on the merge"
expect_contains "$err" "the merge of 'c1' was not committed: it is still in progress"
ok morph status --json
expect_eq "$(json "d['merge']['gated'], d['merge']['unresolved']")" "True 0" "still merging"
printf 'Please summarise {{text}} briefly.\n' >prompts/sum.txt
ok morph add prompts/sum.txt
tick
ok morph merge --continue
expect_contains "$out" "Gate passed"
expect_contains "$out" "[c2 "
ok morph show --json HEAD
expect_eq "$(json "len(d['parents'])")" 2 "--continue committed it after the gate"

# 12. The union: a model the resolution dropped from morph.json is still
# held to its pass rate.
ok morph checkout -b m1 main
sed -i 's/"openai:m"\]/"openai:m", "openai:m1"]/' morph.json
tick
ok morph commit -a -m "model m1"
ok morph run
ok morph checkout -b m2 main
printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["openai:m2"], "defaults": {"max_tokens": 99}}\n' >morph.json
tick
ok morph commit -a -m "model m2 only"
ok morph run
ok morph checkout m1
sed -i 's/"openai:m1"\]/"openai:m1"], "defaults": {"max_tokens": 50}/' morph.json
tick
ok morph commit -a -m "m1 max_tokens"
ok morph run
fails 1 morph merge --gate m2
expect_contains "$out" "CONFLICT (content): Merge conflict in morph.json"
# Keep ours: m1, without m2's model.
git_ours=$("$MORPH" show m1:morph.json)
printf '%s\n' "$git_ours" >morph.json
ok morph add morph.json
tick
ok morph commit
expect_contains "$out" "openai:m2            ours -              theirs 100% (2/2)" "the bar holds theirs' model"
expect_contains "$out" "6 calls" "the merged run has ours' two models and theirs' third"
expect_contains "$out" "Gate passed"

# 13. merge.gate makes the gate the default on a branch; --no-gate
# overrides it.
ok morph checkout -b g1 main
printf 'Greet {{name}} politely, today.\n' >prompts/greet.txt
tick
ok morph commit -a -m g1
ok morph checkout -b target main
ok morph config merge.gate target
tick
ok morph merge g1
expect_contains "$out" "Gate: the merge of 'g1'"
ok morph checkout -b other-target main
tick
ok morph merge g1
expect_not_contains "$out" "Gate:" "merge.gate names another branch"
ok morph config merge.gate true
ok morph checkout -b t3 main
tick
ok morph merge --no-gate g1
expect_not_contains "$out" "Gate:" "--no-gate overrides merge.gate"
ok morph config --type json merge.gate '["nope", "t4"]'
ok morph checkout -b t4 main
tick
ok morph merge g1
expect_contains "$out" "Gate:" "a list of branches"
ok morph config --type json merge.gate 3
ok morph checkout -b t5 main
fails 2 morph merge g1
expect_contains "$err" "merge.gate: expected true, false, a branch name or a list of them"
ok morph config --unset merge.gate

# 14. Repeats: the significance test of eval.  formal's case falls from
# 3/3 to 0/3 on the merge: McNemar's p is 0.25, not significant at the
# default 0.05, but it is at 0.3.
ok morph checkout blunt
ok morph run --repeat 3
ok morph checkout formal
ok morph run --repeat 3
ok morph checkout -b blunt2 blunt
ok morph merge --gate --repeat 3 formal
expect_contains "$out" "With 3 samples a call, a case or a rate fails only when it falls significantly"
expect_contains "$out" "p < 0.05"
expect_contains "$out" "Gate passed"
ok morph checkout -b blunt3 blunt
fails 1 morph merge --gate --repeat 3 --significance 0.3 formal
expect_contains "$out" "passes on theirs, fails on the merge (0/3 against 3/3, p = 0.25)"

done_testing
