#!/usr/bin/env bash
# morph run exits cleanly when it stops early: libcurl loads in a thread
# while the plan is made, and a plan that fails meanwhile (here a rubric
# whose variable no case gives) must not let the process exit while that
# thread is inside dlopen or curl_global_init.  Before the fix about 1 run
# in 75 died of SIGSEGV at exit; 300 runs catch it with near certainty.
. "$(dirname "$0")/lib.sh"

new_repo early
mkdir -p prompts cases
printf 'Hi\n' >prompts/q.txt
printf '%s\n' '{"id": "a", "vars": {}, "assert": [{"type": "llm-rubric", "value": "About {{topic}}", "provider": "openai:judge"}]}' >cases/c.jsonl
printf '%s\n' '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["openai:m1"]}' >morph.json
ok morph add .
ok morph commit -m "A rubric without its variable"
export OPENAI_API_KEY=sk-early-exit-test
export OPENAI_BASE_URL=http://127.0.0.1:9/v1
fails 2 morph run
expect_contains "$err" "topic" "the plan fails, naming the variable"
bad=0
codes=
for i in $(seq 300); do
	"$MORPH" run >/dev/null 2>&1
	rc=$?
	if [ "$rc" -ne 2 ]; then
		bad=$((bad + 1))
		codes="$codes $rc"
	fi
done
expect_eq "$bad" 0 "300 early failures all exit 2 (other exits:$codes)"

done_testing
