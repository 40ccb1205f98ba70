#!/usr/bin/env bash
# morph run against rate limits (lib/pacer.c), with tests/tools/fakeprovider.py
# enforcing them and stating them in each dialect's own headers: every call
# of a large run at high -j is answered, a refusal spends no retry, a
# declared rpm is never exceeded (the server counts), a refusal for quota
# stops the run, --rate-wait bounds a wait, and Ctrl-C while waiting for a
# limit stops at once and loses nothing.  The server decides what is too
# fast: no check here depends on the machine's speed.
. "$(dirname "$0")/lib.sh"

json() {	# json EXPR: evaluates EXPR on the JSON document in $out
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
limits() {	# limits KEY: what the fake counted (answered, refused, ...)
	curl -s "$FAKE_URL/__limits" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}
# provider NAME DIALECT: providers.NAME speaks DIALECT to the fake
provider() {
	local base=$FAKE_URL
	[ "$2" = openai ] && base=$FAKE_URL/v1
	ok morph config --type json "providers.$1" \
	    "{\"dialect\":\"$2\",\"base_url\":\"$base\"}"
}
# cases N [FIRST...]: N cases, after the lines FIRST (already JSON)
cases() {
	local n=$1
	shift
	mkdir -p cases
	printf '%s\n' "$@" >cases/c.jsonl
	python3 -c "
import json
for i in range($n):
    print(json.dumps({'id': 'c%03d' % i, 'vars': {'n': i}}))" >>cases/c.jsonl
}
# suite MODELS...: one prompt, the cases, those models
suite() {
	local m
	mkdir -p prompts
	printf 'Tell case {{n}}\n' >prompts/q.txt
	m=$(printf '"%s",' "$@")
	printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": [%s], "defaults": {"max_tokens": 32}}\n' "${m%,}" >morph.json
	"$MORPH" add . >/dev/null && "$MORPH" commit -m "suite" >/dev/null
}

# 1. A request limit in each dialect, stated in its own way (OpenAI
# x-ratelimit-*, Anthropic anthropic-ratelimit-* and retry-after, Gemini
# only RetryInfo when it refuses): 3 x 100 calls at -j 32, none retried,
# every one answered; each refusal is counted and recorded.
fake_start --limit-rps 40 --limit-burst 5
new_repo requests
provider fo openai
provider fa anthropic
provider fg gemini
cases 100
suite fo:m fa:m fg:m
ok morph run -j 32 --retries 0 --json
expect_eq "$(json "d['calls'], d['recorded'], d['errors']")" "300 300 0" "every call answered, no retry spent on a refusal"
expect_eq "$(limits answered)" 300 "the server answered each call once"
refused=$(limits refused)
expect_eq "$(json "d['rate']['refused'], d['rate']['requests']")" "$refused $((300 + refused))" "the summary counts the refusals and the requests"
run_id=$(json "d['id']")
ok morph show --json "$run_id"
expect_eq "$(json "sum(1 for r in d['results'] for a in r['attempts'] if a['status'] == 429)")" "$refused" "every refused attempt is recorded"
expect_eq "$(json "all(r['attempts'][-1]['status'] == 200 for r in d['results'])")" True "each call's last attempt was answered"
fake_stop

# 2. Token limits: OpenAI's tokens a minute, Anthropic's input and output
# tokens a minute; the estimates are corrected from the usage reported.
fake_start --limit-tps 300 --limit-token-burst 40
new_repo tokens
provider fo openai
provider fa anthropic
cases 100
suite fo:m fa:m
ok morph run -j 32 --retries 0 --json
expect_eq "$(json "d['recorded'], d['errors']")" "200 0" "every call answered under a token limit"
expect_eq "$(limits answered)" 200 "the server answered each call once"
fake_stop

# 3. A declared limit is never exceeded.  The server states no limit and
# counts a violation whenever more than 11 requests arrive within one
# second; 600 requests a minute spaced out is 10 a second (the 11th is a
# request's interval of slack for the window's edges).  Two models share
# the provider's limit.
fake_start --strict-window 11:1
new_repo declared
provider fo openai
ok morph config providers.fo.rpm 600
cases 30
suite fo:m1 fo:m2
ok morph run -j 32 --retries 0 --json
expect_eq "$(json "d['recorded'], d['errors']")" "60 0" "every call answered"
expect_eq "$(limits violations)" 0 "no second held more than 600 requests a minute allow"
expect_eq "$(limits answered)" 60 "nothing refused, nothing sent twice"
# Per model: providers.NAME.models.MODEL.rpm.
fake_reset
ok morph config --unset providers.fo.rpm
ok morph config --type json providers.fo.models '{"m1": {"rpm": 600}, "m2": {"rpm": 600}}'
ok morph run -j 32 --retries 0 --no-cache -m fo:m1 --json
expect_eq "$(json "d['recorded'], d['errors']")" "30 0" "every call of the model answered"
expect_eq "$(limits violations)" 0 "the model's declared rpm held"
ok morph config --type json providers.fo.models '{"m1": {"rpm": "fast"}}'
fails 2 morph run -j 32 --retries 0 --no-cache -m fo:m1
expect_contains "$err" "providers.fo.models.m1.rpm"
ok morph config --type json providers.fo.models '{"m1": {"rpm": 600}}'
fake_stop

# 4. A refusal for quota stops the run at once with a clear message; the
# call refused is not recorded, so that running again (once there is
# credit) completes the run.
fake_start
new_repo quota
provider fo openai
provider fa anthropic
cases 8 '{"id": "broke", "vars": {"n": "fault:once:insufficient_quota"}}'
suite fo:m
fails 2 morph run -j 1 --json
expect_contains "$err" "provider 'fo' refused a call to m for quota"
expect_contains "$err" "insufficient_quota"
expect_contains "$err" "run the same command again"
expect_eq "$(fake_requests)" 1 "nothing was sent after the refusal"
ok morph runs --json
expect_eq "$(json "d[0]['results'], d[0]['id']")" "0 None" "nothing recorded for the refused call; the run is unsealed"
ok morph run -j 1 --json
expect_eq "$(json "d['resumed'], d['recorded'], d['errors']")" "True 9 0" "running again completes the run"
expect_eq "$(fake_requests)" 10 "the refused call was sent again, and nothing twice"
# Anthropic's billing_error.
fake_reset
printf '{"id": "broke", "vars": {"n": "fault:once:insufficient_quota"}}\n' >cases/c.jsonl
ok morph commit -a -m "one case"
fails 2 morph run -m fa:m --json
expect_contains "$err" "provider 'fa' refused a call to m for quota"
expect_contains "$err" "billing_error"
fake_stop

# 5. --rate-wait bounds how long a refused call waits: a server that
# refuses every time, asking for 2 s, and a 3 s limit give two attempts.
# A server asking for longer than the limit fails the call at once, and
# the calls of its model that wait behind it.
fake_start
new_repo wait
provider fo openai
cases 0 '{"id": "always", "vars": {"n": "fault:429 retry-after=2"}}'
suite fo:m
fails 1 morph run --rate-wait 3 --json
expect_eq "$(json "d['errors'], d['rate']['refused']")" "1 2" "refused twice, then given up"
ok morph show --json "$(json "d['id']")"
expect_eq "$(json "[a['status'] for a in d['results'][0]['attempts']]")" "[429, 429]" "both attempts recorded"
expect_contains "$(json "d['results'][0]['error']")" "past --rate-wait"
cases 3 '{"id": "long", "vars": {"n": "fault:429 retry-after=100"}}'
ok morph commit -a -m "a long wait"
fails 1 morph run -j 1 --rate-wait 10
expect_contains "$out" "rate limits: 1 of 1 requests refused for rate"
ok morph show --json "$(morph runs --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')"
expect_eq "$(json "[len(r['attempts']) for r in d['results']]")" "[0, 0, 0, 1]" "one attempt refused; the others never sent"
expect_contains "$(json "d['results'][0]['error']")" "for 100 s more, past --rate-wait (10 s)"
fake_stop

# 6. Ctrl-C while a refusal stops the provider for 300 s: the run ends at
# once, what was answered is recorded, and running again sends only what
# is missing.
fake_start
new_repo ctrlc
provider fo openai
cases 5 '{"id": "held", "vars": {"n": "fault:once:429 retry-after=300"}}'
suite fo:m
"$MORPH" run -j 4 >"$T_ROOT/c.out" 2>"$T_ROOT/c.err" &
pid=$!
# Wait (60 s at most) until the three other calls sent are recorded.
for _ in $(seq 600); do
	n=$("$MORPH" runs --json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[0]["results"] if d else 0)' 2>/dev/null)
	[ "${n:-0}" -ge 3 ] && break
	sleep 0.1
done
kill -INT "$pid"
for _ in $(seq 600); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
T_CHECKS=$((T_CHECKS + 1))
if kill -0 "$pid" 2>/dev/null; then
	kill -9 "$pid"
	fail "Ctrl-C did not stop a run waiting for a rate limit"
else
	pass "Ctrl-C stopped a run waiting for a rate limit"
fi
wait "$pid"
expect_eq "$?" 2 "an interrupted run exits 2"
expect_contains "$(cat "$T_ROOT/c.err")" "interrupted"
ok morph runs --json
expect_eq "$(json "d[0]['state']")" interrupted "the run is interrupted"
recorded=$(json "d[0]['results']")
# The refusal may come back before or after a slot freed by an answer
# was refilled: three or four calls were answered.
expect_eq "$(fake_requests)" "$((recorded + 1))" "every answer is recorded: one request refused, the rest answered"
ok morph run -j 4 --json
expect_eq "$(json "d['resumed'], d['recorded'], d['errors']")" "True $((6 - recorded)) 0" "running again completes the run"
expect_eq "$(fake_requests)" 7 "and sends only what was missing"
cd "$T_ROOT"

done_testing
