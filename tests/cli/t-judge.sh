#!/usr/bin/env bash
# llm-rubric and exec assertions end to end: judges called through the
# scheduler and cached, their verdicts and failures, --offline replays,
# resumption after a kill between an output and its judge, eval --suite
# grading from the cache; and exec commands that run only where allowed.
. "$(dirname "$0")/lib.sh"

json() {	# json EXPR: evaluates EXPR on the JSON document in $out
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
# judge_requests: requests the fake has seen for the model "judge".
judge_requests() {
	curl -s "$FAKE_URL/__requests" | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin)
          if isinstance(r["body"], dict) and r["body"].get("model") == "judge"))'
}

# The fake provider answers "<model>: <last user message>"; the judge's
# user message holds the rubric, so a rubric that carries a JSON verdict
# makes the judge answer with it, and a fault: directive in it makes the
# judge's call fail.
fake_start
new_repo judged
ok morph config --type json providers.fake \
    "{\"dialect\":\"openai\",\"base_url\":\"$FAKE_URL/v1\"}"
mkdir -p prompts cases
printf 'Capital of {{country}}\n' >prompts/q.txt
cat >cases/c.jsonl <<'EOF'
{"id": "fr", "vars": {"country": "France"}, "assert": [{"type": "llm-rubric", "value": "Names the capital of {{country}}. {\"pass\": true, \"score\": 0.9, \"reason\": \"names Paris\"}"}, {"type": "icontains", "value": "france"}]}
{"id": "de", "vars": {"country": "Germany"}, "assert": [{"type": "llm-rubric", "value": "{\"pass\": true, \"score\": 0.4, \"reason\": \"vague\"}", "threshold": 0.5}]}
{"id": "es", "vars": {"country": "Spain"}, "assert": [{"type": "not-llm-rubric", "value": "{\"pass\": false, \"reason\": \"no insult\"}"}]}
{"id": "it", "vars": {"country": "Italy"}, "assert": [{"type": "llm-rubric", "value": "fault:500 times=50", "provider": "fake:judge"}]}
{"id": "pt", "vars": {"country": "Portugal"}, "assert": [{"type": "llm-rubric", "value": "I have no verdict to give"}]}
EOF
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["echo:e", "fake:m1"], "judge": "fake:judge"}
EOF
ok morph add .
ok morph commit -m "Rubrics"

# 1. Every output is graded: judges run through the scheduler.
fake_reset
fails 0 morph run --retries 1
expect_contains "$out" "judges: 10 calls sent, 2 failed, 0 from the cache"
# 2 model calls; 10 judge calls, of which the two of "it" are tried twice.
expect_eq "$(judge_requests)" 12 "a judge call for each rubric and output, retried"
ok morph show --json '#1'
verdict() {	# verdict CASE MODEL EXPR: EXPR of the case's first verdict v
	printf '%s' "$out" | python3 -c "
import json, sys
d = json.load(sys.stdin)
v = [v for r in d['results'] if r['case'] == '$1' and r['model'] == '$2'
     for v in r['verdicts']][0]
x = $3
print(' '.join(map(str, x)) if isinstance(x, tuple) else x)"
}
expect_eq "$(verdict fr fake:m1 "v['pass'], v['score'], v['reason']")" "True 0.9 names Paris" "a judge's pass, score and reason"
expect_eq "$(verdict fr fake:m1 "v['judge']['model'], v['judge']['cached']")" "fake:judge False" "the verdict names its judge"
expect_eq "$(json "len([r for r in d['results'] if r['case'] == 'fr' and r['pass']])")" 2 "fr passes for both models"
expect_eq "$(verdict de echo:e "v['pass']")" False "a pass under the threshold fails"
expect_eq "$(verdict es echo:e "v['pass'], v['type']")" "True not-llm-rubric" "not-llm-rubric passes when the judge fails it"
expect_contains "$(verdict it echo:e "v['reason']")" "HTTP 500" "a failed judge's call fails its rubric, saying why"
expect_eq "$(verdict it echo:e "v['pass']")" False "a failed judge fails"
expect_contains "$(verdict pt echo:e "v['reason']")" "judge" "an unreadable answer fails, saying so"
expect_eq "$(verdict pt echo:e "v['pass']")" False "an unreadable answer fails"
expect_eq "$(verdict fr echo:e "v['judge']['tokens_in'] > 0, v['judge']['cost_nusd']")" "True None" "the judge's tokens, and no price"
expect_eq "$(json "[r['cost_nusd'] for r in d['results'] if r['model'] == 'echo:e']")" "[0, 0, 0, 0, 0]" "a judge's cost is not part of a result's"

# 2. The same commit again: judges answer from the cache.
fake_reset
ok morph run --json
expect_eq "$(json "d['judge']['calls'], d['judge']['cached'], d['judge']['errors']")" "2 8 2" "judges from the cache; failed ones are tried again"
expect_eq "$(judge_requests)" 6 "only the failing judge is sent again, with its retries"

# 3. --offline grades from the cache; a judge it lacks stops the run.
fails 2 morph run --offline
expect_contains "$err" "offline, and the judge's call"
expect_contains "$err" "case 'it'"
sed -i '/"id": "it"/d' cases/c.jsonl
ok morph commit -a -m "No failing judge"
fake_reset
ok morph run --offline
expect_contains "$out" "judges: 0 calls sent, 0 failed, 8 from the cache"
expect_eq "$(fake_requests)" 0 "an offline replay sends nothing"

# 4. eval --suite grades again from the cache; a new rubric is a clear error.
ok morph eval --suite HEAD --json
expect_eq "$(json "d['models'][0]['run']['passed'] + d['models'][1]['run']['passed']")" 4 "eval --suite: rubric verdicts from the cache"
sed -i 's/vague/too vague/' cases/c.jsonl
ok morph commit -a -m "New rubric"
fails 2 morph eval --suite HEAD '#3'
expect_contains "$err" "case 'de'"
expect_contains "$err" "has not graded this output"
expect_contains "$err" "eval sends no request"

# 5. A kill between an output and its judge loses nothing paid for.  The
# fake holds every request (its gate): the two model calls are let go,
# and the kill comes once both judges' calls are held, however slow the
# machine.
printf 'Say {{country}}\n' >prompts/q.txt
cat >cases/c.jsonl <<'EOF'
{"id": "a", "vars": {"country": "A"}, "assert": [{"type": "llm-rubric", "value": "{\"pass\": true}"}]}
{"id": "b", "vars": {"country": "B"}, "assert": [{"type": "llm-rubric", "value": "{\"pass\": true}"}]}
EOF
ok morph commit -a -m "Held judges"
fake_reset
fake_hold
"$MORPH" run -m fake:m1 >/dev/null 2>"$T_ROOT/kill.err" &
pid=$!
T_CHECKS=$((T_CHECKS + 1))
if fake_wait held=2 requests=2 && fake_release 2 &&
    fake_wait held=2 requests=4 && [ "$(judge_requests)" -eq 2 ]; then
	pass "both judges are grading, their calls held"
else
	fail "the judges' calls never came: $(curl -s "$FAKE_URL/__gate"); $(cat "$T_ROOT/kill.err")"
fi
kill -9 "$pid"
wait "$pid" 2>/dev/null
fake_release
expect_eq "$(fake_requests)" 4 "killed while both judges were grading"
fake_reset
ok morph run -m fake:m1
expect_contains "$out" "(resumed)"
expect_contains "$out" "sealed as"
expect_eq "$(fake_requests)" 2 "the resumed run sent the judges only, not the paid calls again"

# 6. Errors before anything is sent.
fake_reset
printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["fake:m1"]}\n' >morph.json
ok morph commit -a -m "No judge"
fails 2 morph run
expect_contains "$err" "cases/c.jsonl:1: case 'a': assert[0]: llm-rubric has no judge"
printf '{"id": "a", "vars": {}, "assert": [{"type": "llm-rubric", "value": "About {{topic}}", "provider": "fake:judge"}]}\n' >cases/c.jsonl
printf 'Hi\n' >prompts/q.txt
ok morph commit -a -m "Rubric variable"
fails 2 morph run
expect_contains "$err" "cases/c.jsonl:1: case 'a': assert[0]"
expect_contains "$err" "topic"
ok morph config --type json providers.keyed \
    "{\"dialect\":\"openai\",\"base_url\":\"$FAKE_URL/v1\",\"key_env\":\"MORPH_TEST_UNSET_KEY\"}"
printf '{"id": "a", "assert": [{"type": "llm-rubric", "value": "ok", "provider": "keyed:judge"}]}\n' >cases/c.jsonl
ok morph commit -a -m "Judge without a key"
fails 2 morph run
expect_contains "$err" "MORPH_TEST_UNSET_KEY"
fails 2 morph run --budget 1
expect_contains "$err" "has no price"
expect_eq "$(fake_requests)" 0 "nothing sent for a broken judge"

# 7. exec: commands run only where the repository allows them.
new_repo exec
mkdir -p prompts cases
printf 'Capital of {{country}}\n' >prompts/q.txt
cat >cases/c.jsonl <<'EOF'
{"id": "fr", "vars": {"country": "France"}, "assert": [{"type": "exec", "value": "grep -q France && echo \"$MORPH_CASE $MORPH_MODEL $MORPH_PROMPT $(pwd)\" >>ran.log"}]}
{"id": "de", "vars": {"country": "Germany"}, "assert": [{"type": "exec", "value": "echo '{\"pass\": false, \"score\": 0.2, \"reason\": \"judged by a script\"}'"}]}
EOF
printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["echo:e"]}\n' >morph.json
ok morph add .
ok morph commit -m "Exec"
fails 2 morph run
expect_contains "$err" "cases/c.jsonl:1: case 'fr': an exec assertion runs a command"
expect_contains "$err" "--allow-exec"
ok morph runs
expect_contains "$out" "no runs" "a refused run records nothing"
[ ! -e ran.log ]; expect_eq $? 0 "no command ran"
ok morph run --allow-exec --json
expect_eq "$(json "d['models'][0]['passed'], d['models'][0]['asserted']")" "1 2" "exec verdicts"
expect_eq "$(cat ran.log)" "fr echo:e prompts/q.txt $PWD" "the command sees the case, model and prompt, in the work tree"
ok morph show --json '#1'
expect_eq "$(json "[v['reason'] for r in d['results'] if r['case'] == 'de' for v in r['verdicts']][0]")" "judged by a script" "a printed verdict decides"
# The user-wide file cannot allow it; the repository's own can.
ok morph config --global --type json exec.allow true
fails 2 morph run
ok morph config --local --type json exec.allow true
ok morph run
expect_eq "$(wc -l <ran.log | tr -d ' ')" 2 "exec.allow in .morph/config runs the commands"
ok morph eval --suite HEAD
ok morph config --local exec.allow maybe
fails 2 morph run
expect_contains "$err" "exec.allow in .morph/config: expected true or false"
ok morph config --local --unset exec.allow
fails 2 morph eval --suite HEAD
expect_contains "$err" "an exec assertion runs a command"
ok morph eval --allow-exec --suite HEAD

done_testing
