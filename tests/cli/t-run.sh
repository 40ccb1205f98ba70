#!/usr/bin/env bash
# morph run against tests/tools/fakeprovider.py: all four dialects, the
# cache and --offline, retries and errors, resumption after SIGKILL and
# Ctrl-C, --budget, --dry-run, --repeat, -m, and keys that never leak.
. "$(dirname "$0")/lib.sh"

KEY=sk-test-7f3a9c1e5b
export FAKE_KEY=$KEY
json() {	# json EXPR: evaluates EXPR on the JSON document in $out
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
# Everything any command printed, to look for the key at the end.
ALL_OUTPUT="$T_ROOT/all-output"
keep() { printf '%s\n%s\n' "$out" "$err" >>"$ALL_OUTPUT"; }

# 1. The example suite runs offline-capable with the echo provider.
ok morph init --example example
T_REPOS+=("$T_ROOT/example")
cd example
ok morph add .
ok morph commit -m "Example suite"
ok morph run
keep
expect_contains "$out" "run #1 of"
expect_contains "$out" "sealed as"
expect_contains "$out" "echo:starter"
ok morph runs
expect_contains "$out" "done"
expect_contains "$out" "4/4"
ok morph show '#1'
expect_contains "$out" "prompts/welcome.txt"
ok morph run --offline
expect_contains "$out" "run #2"
cd "$T_ROOT"

# 2. A suite against the fake provider in all four dialects.
fake_start --key "$KEY"
new_repo fake
for d in openai anthropic gemini ollama; do
	case $d in openai) base=$FAKE_URL/v1 ;; *) base=$FAKE_URL ;; esac
	ok morph config --type json "providers.f$d" \
	    "{\"dialect\":\"$d\",\"base_url\":\"$base\",\"key_env\":\"FAKE_KEY\"}"
done
mkdir -p prompts cases
printf 'Capital of {{country}}\n' >prompts/q.txt
printf 'Say {{word}} twice\n' >prompts/say.txt
cat >cases/c.jsonl <<'EOF'
{"id": "fr", "vars": {"country": "France", "word": "hi"}, "assert": [{"type": "icontains", "value": "france"}]}
{"id": "de", "vars": {"country": "Germany", "word": "yo"}, "assert": [{"type": "contains", "value": "Paris"}]}
EOF
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["fopenai:m-oa", "fanthropic:m-an", "fgemini:m-ge", "follama:m-ol"],
 "defaults": {"max_tokens": 50}}
EOF
ok morph add .
ok morph commit -m "Two prompts, two cases, four dialects"

ok morph run --dry-run
expect_contains "$out" "16 calls: 0 cached, 16 to send"
ok morph run --dry-run --json
expect_eq "$(json "d['total'], d['cached'], d['to_send']")" "16 0 16" "dry-run JSON totals"
expect_eq "$(fake_requests)" 0 "a dry run sends nothing"

# Every call is answered; assertions do not change run's exit status.
ok morph run --json
keep
expect_eq "$(json "d['calls'], d['recorded'], d['errors'], d['id'] is not None")" "16 16 0 True" "first run: 16 answers, sealed"
expect_eq "$(fake_requests)" 16 "16 requests sent"
expect_eq "$(json "[m['passed'] for m in d['models']]")" "[1, 1, 1, 1]" "pass counts per model (only q's fr output names France)"
expect_eq "$(json "[m['tokens_reported'] > 0 for m in d['models']]")" "[True, True, True, True]" "tokens reported by every dialect"
ok morph show --json '#1'
keep
expect_eq "$(json "sorted(set(r['output'] for r in d['results'] if r['case'] == 'fr' and r['prompt'] == 'prompts/q.txt'))")" \
    "['m-an: Capital of France', 'm-ge: Capital of France', 'm-oa: Capital of France', 'm-ol: Capital of France']" "outputs of each dialect"
expect_eq "$(json "all(r['tokens']['in'] is not None and r['latency_ms'] is not None for r in d['results'])")" True "tokens and latency recorded"
expect_eq "$(json "[v['reason'] for r in d['results'] if r['case'] == 'de' for v in r['verdicts']][0]")" 'output lacks "Paris"' "a failed verdict keeps its reason"

# 3. The cache: the same commit again sends nothing; --offline works.
ok morph run --json
expect_eq "$(json "d['recorded']")" 16 "second run recorded everything"
expect_eq "$(fake_requests)" 16 "and sent nothing new"
ok morph show --json '#2'
expect_eq "$(json "all(r['cached'] for r in d['results'])")" True "every result came from the cache"
ok morph run --offline
ok morph run --no-cache --json
expect_eq "$(fake_requests)" 32 "--no-cache sends everything again"

# A changed prompt sends only its own calls; offline names the first miss.
printf 'Capital city of {{country}}\n' >prompts/q.txt
ok morph commit -a -m "Reword q"
fails 2 morph run --offline
expect_contains "$err" "offline, and call "
expect_contains "$err" "is not in the cache (prompt prompts/q.txt"
expect_eq "$(fake_requests)" 32 "offline sends nothing"
ok morph run
expect_eq "$(fake_requests)" 40 "only the changed prompt's 8 calls are sent"

# 4. Samples and other models.
ok morph run --repeat 3 -m fopenai:m-oa --json
expect_eq "$(json "d['calls']")" 12 "--repeat 3 on one model: 12 calls"
expect_eq "$(fake_requests)" 48 "samples 1 and 2 are new calls (sample 0 is cached)"
ok morph run -m fopenai:other-model --json
expect_eq "$(json "[m['model'] for m in d['models']]")" "['fopenai:other-model']" "-m runs a model the suite does not name"
fails 2 morph run -m nosuchprovider:x
expect_contains "$err" "nosuchprovider"
fails 2 morph run -m not-a-spec
expect_contains "$err" "not-a-spec"

# 5. Errors: retried, recorded, never the key.  (A quota refusal stops
# the run: t-ratelimit.sh.)
fake_reset
cat >cases/c.jsonl <<'EOF'
{"id": "ok", "vars": {"country": "France", "word": "hi"}}
{"id": "once503", "vars": {"country": "fault:once:503 x", "word": "hi"}}
{"id": "ra", "vars": {"country": "fault:once:429 retry-after-ms=300 x", "word": "hi"}}
{"id": "bad", "vars": {"country": "fault:400 x", "word": "hi"}}
{"id": "html", "vars": {"country": "fault:html x", "word": "hi"}}
{"id": "malformed", "vars": {"country": "fault:malformed x", "word": "hi"}}
{"id": "reset", "vars": {"country": "fault:reset x", "word": "hi"}}
{"id": "noretry", "vars": {"country": "fault:503 x-should-retry=false x", "word": "hi"}}
EOF
printf 'Capital of {{country}}\n' >prompts/q.txt
ok morph commit -a -m "Faults"
fails 1 morph run -m fopenai:m-oa --retries 1 --json
keep
expect_eq "$(json "d['calls'], d['errors']")" "16 5" "q's five faults fail; say's calls do not carry them"
ok morph show --json "$(json "d['id']")"
keep
attempts() {	# attempts CASE: the statuses of the attempts of prompt q, CASE
	json "[a['status'] for r in d['results'] if r['prompt'] == 'prompts/q.txt' and r['case'] == '$1' for a in r['attempts']]"
}
field() {	# field CASE EXPR
	json "[$2 for r in d['results'] if r['prompt'] == 'prompts/q.txt' and r['case'] == '$1'][0]"
}
expect_eq "$(attempts once503)" "[503, 200]" "503 retried once, then answered"
expect_eq "$(field once503 "r['status']")" ok "the retried call succeeded"
expect_eq "$(attempts ra)" "[429, 200]" "429 retried"
expect_eq "$(field ra "r['attempts'][0]['retry_in_ms']")" 300 "after the server's retry-after-ms"
expect_eq "$(attempts bad)" "[400]" "400 is not retried"
expect_contains "$(field bad "r['error']")" "HTTP 400"
expect_eq "$(attempts html)" "[502, 502]" "a 502 HTML page is retried"
expect_contains "$(field html "r['error']")" "after 2 attempts"
expect_eq "$(attempts malformed)" "[200]" "a malformed 200 is an error, not retried"
expect_eq "$(field malformed "r['status']")" error "malformed reply recorded as an error"
expect_eq "$(attempts reset)" "[None, None]" "a reset connection is retried"
expect_contains "$(field reset "r['error']")" "connection"
expect_eq "$(attempts noretry)" "[503]" "x-should-retry: false wins"

# A dead server: connection refused, recorded.
ok morph config --type json providers.dead \
    '{"dialect":"openai","base_url":"http://127.0.0.1:9/v1","key_env":"FAKE_KEY"}'
fails 1 morph run -m dead:m --retries 0 --json
keep
expect_eq "$(json "d['errors'] == d['calls']")" True "every call to a dead server failed"
ok morph show --json "$(json "d['id']")"
expect_contains "$(json "d['results'][0]['error']")" "cannot connect"
# A timeout.
cat >cases/c.jsonl <<'EOF'
{"id": "slow", "vars": {"country": "fault:timeout x", "word": "hi"}}
EOF
ok morph commit -a -m "Timeout"
fails 1 morph run -m fopenai:m-oa --timeout 1 --retries 0 --json
keep
ok morph show --json "$(json "d['id']")"
expect_contains "$(json "[r['error'] for r in d['results'] if r['prompt'] == 'prompts/q.txt'][0]")" "timed out"

# 6. Bad input stops before anything is sent.
fake_reset
printf 'Capital of {{nation}}\n' >prompts/q.txt
ok morph commit -a -m "Missing variable"
fails 2 morph run
expect_contains "$err" "nation"
expect_contains "$err" "prompts/q.txt"
expect_eq "$(fake_requests)" 0 "nothing sent for a broken suite"
printf 'Capital of {{country}}\n' >prompts/q.txt
cat >cases/c.jsonl <<'EOF'
{"id": "r", "vars": {"country": "France", "word": "hi"}, "assert": [{"type": "regex", "value": "(unclosed"}]}
EOF
ok morph commit -a -m "Bad regex"
fails 2 morph run
expect_contains "$err" "cases/c.jsonl:1"
expect_contains "$err" "regex"
expect_eq "$(fake_requests)" 0 "nothing sent for a broken assertion"
cat >cases/c.jsonl <<'EOF'
{"id": "k", "vars": {"country": "Atlantis", "word": "uncached"}}
EOF
ok morph commit -a -m "Good again"
FAKE_KEY= fails 2 morph run -m fopenai:m-oa
expect_contains "$err" "FAKE_KEY"
expect_eq "$(fake_requests)" 0 "nothing sent without a key"

# 7. Resumption after SIGKILL and after Ctrl-C.
: >cases/c.jsonl
for i in $(seq 1 12); do
	printf '{"id": "c%02d", "vars": {"country": "fault:ok delay=400 n%d", "word": "w"}}\n' "$i" "$i" >>cases/c.jsonl
done
ok morph commit -a -m "Slow calls"
fake_reset
"$MORPH" run -m fopenai:m-oa -j 2 >/dev/null 2>&1 &
pid=$!
sleep 1.6
kill -9 "$pid"
wait "$pid" 2>/dev/null
ok morph runs --json
done_before=$(json "d[0]['results']")
expect_eq "$(json "d[0]['state'], d[0]['id']")" "running None" "a killed run is unsealed"
T_CHECKS=$((T_CHECKS + 1))
if [ "$done_before" -ge 2 ] && [ "$done_before" -lt 24 ]; then pass "the kill landed mid-run ($done_before recorded)"; else fail "kill landed outside the run ($done_before recorded)"; fi
sent_before=$(fake_requests)
ok morph run -m fopenai:m-oa -j 4
expect_contains "$out" "(resumed)"
expect_contains "$out" "sealed as"
sent=$(( $(fake_requests) - sent_before ))
expect_eq "$((sent + done_before))" 24 "the resumed run sent only what was missing"
ok morph fsck

# ctrl_c N: starts the slow run, sends it N SIGINTs 1 s in (200 ms into
# its third pair of calls), and checks that it ends interrupted.
ctrl_c() {
	local pid st
	fake_reset
	"$MORPH" run -m fopenai:m-oa -j 2 --no-cache >"$T_ROOT/int.out" 2>"$T_ROOT/int.err" &
	pid=$!
	sleep 1.0
	for _ in $(seq "$1"); do
		kill -INT "$pid"
		sleep 0.05
	done
	wait "$pid"
	st=$?
	T_CHECKS=$((T_CHECKS + 1))
	if [ $st -eq 2 ] && grep -q "interrupted" "$T_ROOT/int.err"; then pass "Ctrl-C x$1: exit 2, interrupted"; else fail "Ctrl-C x$1 did not interrupt ($st): $(cat "$T_ROOT/int.err")"; fi
}

# Ctrl-C, once: the two calls in flight are answered and recorded,
# nothing new starts, and the run is interrupted; every request sent has
# its result.
ctrl_c 1
out=$(cat "$T_ROOT/int.err")
expect_contains "$out" "stopping once the calls in flight have ended; Ctrl-C again to abandon them"
ok morph runs --json
expect_eq "$(json "d[0]['state']")" interrupted "the run is marked interrupted"
recorded=$(json "d[0]['results']")
expect_eq "$(fake_requests)" "$recorded" "Ctrl-C waited for the calls in flight: every request has its result"
T_CHECKS=$((T_CHECKS + 1))
if [ "$recorded" -ge 4 ] && [ "$recorded" -lt 24 ]; then pass "Ctrl-C landed mid-run ($recorded recorded)"; else fail "Ctrl-C landed outside the run ($recorded recorded)"; fi
ok morph run -m fopenai:m-oa -j 4 --no-cache
expect_contains "$out" "(resumed)"
expect_eq "$(fake_requests)" 24 "the resumed run sent only the calls never sent"

# Ctrl-C twice: the calls in flight are abandoned, at once.
ctrl_c 2
ok morph runs --json
expect_eq "$(( $(fake_requests) - $(json "d[0]['results']") ))" 2 "the second Ctrl-C abandoned the two calls in flight"
ok morph run -m fopenai:m-oa -j 4 --no-cache
expect_contains "$out" "sealed as"

# 8. --budget: priced models only, stops before the spend passes it.
cat >"$T_ROOT/prices.json" <<'EOF'
{"m-oa": {"input_cost_per_token": 0.001, "output_cost_per_token": 0.001}}
EOF
ok morph config prices.file "$T_ROOT/prices.json"
cat >cases/c.jsonl <<'EOF'
{"id": "b1", "vars": {"country": "France", "word": "one"}}
{"id": "b2", "vars": {"country": "Spain", "word": "two"}}
{"id": "b3", "vars": {"country": "Italy", "word": "three"}}
EOF
ok morph commit -a -m "Budget"
ok morph run --dry-run -m fopenai:m-oa
expect_contains "$out" "estimated cost at most"
fake_reset
fails 1 morph run -m fopenai:m-oa -j 1 --budget 0.07
expect_contains "$err" "budget"
expect_contains "$err" "were not sent"
sent=$(fake_requests)
T_CHECKS=$((T_CHECKS + 1))
if [ "$sent" -ge 1 ] && [ "$sent" -lt 6 ]; then pass "the budget stopped sending after $sent calls"; else fail "budget sent $sent calls"; fi
ok morph runs --json
expect_eq "$(json "d[0]['state']")" stopped "a budget stop leaves the run unsealed"
expect_eq "$(json "d[0]['cost_nusd'] <= 70000000")" True "spend stayed within the budget"
ok morph run -m fopenai:m-oa --budget 10
expect_contains "$out" "(resumed)"
expect_contains "$out" "sealed as"
fails 2 morph run -m fanthropic:m-an --budget 1
expect_contains "$err" "no price"
ok morph config --unset prices.file

# 9. The key is nowhere: not in the repository, not in any output.
T_CHECKS=$((T_CHECKS + 1))
if grep -rqa "$KEY" .morph "$ALL_OUTPUT" "$T_ROOT/int.out" "$T_ROOT/int.err"; then
	fail "the API key leaked"
else
	pass "the API key is in no file and no output"
fi
curl -s "$FAKE_URL/__requests" >"$T_ROOT/requests.json"
T_CHECKS=$((T_CHECKS + 1))
if python3 -c "import json,sys; d=json.load(open('$T_ROOT/requests.json')); sys.exit(0 if d and all(r['auth'] == 'ok' for r in d) else 1)"; then
	pass "every request carried the right key"
else
	fail "a request lacked the key"
fi
cd "$T_ROOT"

done_testing
