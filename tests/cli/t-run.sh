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

# 7. Resumption after SIGKILL and after Ctrl-C.  The fake holds every
# request (its gate) and lets them go two by two, so that each signal
# lands with the third pair of calls in flight, however slow the machine:
# the test waits for events (the fake's counts, morph's results, a line on
# stderr), never for a time.
: >cases/c.jsonl
for i in $(seq 1 12); do
	printf '{"id": "c%02d", "vars": {"country": "n%d", "word": "w%d"}}\n' "$i" "$i" "$i" >>cases/c.jsonl
done
ok morph commit -a -m "Held calls"
# recorded N: whether the newest run has N results or more.
recorded() {
	local n
	n=$("$MORPH" runs --json 2>/dev/null | python3 -c \
	    'import json,sys; d=json.load(sys.stdin); print(d[0]["results"] if d else 0)' 2>/dev/null)
	[ "${n:-0}" -ge "$1" ]
}
# third_pair PID: with the gate closed and "morph run -j 2" (PID) started,
# lets the first two pairs of calls be answered, then waits until the
# third pair is held and the first four results are recorded.
third_pair() {
	T_CHECKS=$((T_CHECKS + 1))
	if fake_wait held=2 requests=2 && fake_release 2 &&
	    fake_wait held=2 requests=4 && fake_release 2 &&
	    fake_wait held=2 requests=6 && wait_until recorded 4; then
		pass "the third pair of calls is in flight, four results recorded"
	else
		fail "the run did not reach its third pair of calls: $(curl -s "$FAKE_URL/__gate"); $(cat "$T_ROOT/int.err")"
	fi
}
fake_reset
fake_hold
"$MORPH" run -m fopenai:m-oa -j 2 >"$T_ROOT/int.out" 2>"$T_ROOT/int.err" &
pid=$!
third_pair
kill -9 "$pid"
wait "$pid" 2>/dev/null
fake_release
ok morph runs --json
done_before=$(json "d[0]['results']")
expect_eq "$(json "d[0]['state'], d[0]['id']")" "interrupted None" "a killed run is unsealed and interrupted"
expect_eq "$done_before" 4 "the kill landed mid-run: the four answered calls are recorded"
sent_before=$(fake_requests)
ok morph run -m fopenai:m-oa -j 4
expect_contains "$out" "(resumed)"
expect_contains "$out" "sealed as"
sent=$(( $(fake_requests) - sent_before ))
expect_eq "$((sent + done_before))" 24 "the resumed run sent only what was missing"
ok morph fsck

# ctrl_c N: starts the run with the gate closed, sends it N SIGINTs with
# the third pair of calls held, each once the one before has been seen
# (two signals sent at once may arrive as one), lets the held pair go
# after a single Ctrl-C, and checks that the run ends interrupted.
ctrl_c() {
	local pid
	fake_reset
	fake_hold
	"$MORPH" run -m fopenai:m-oa -j 2 --no-cache >"$T_ROOT/int.out" 2>"$T_ROOT/int.err" &
	pid=$!
	third_pair
	kill -INT "$pid"
	T_CHECKS=$((T_CHECKS + 1))
	if wait_until grep -q "Ctrl-C again" "$T_ROOT/int.err"; then
		pass "the first Ctrl-C is acknowledged"
	else
		fail "no word of the first Ctrl-C: $(cat "$T_ROOT/int.err")"
	fi
	if [ "$1" -eq 1 ]; then
		fake_release 2
	else
		kill -INT "$pid"
	fi
	wait_exit "$pid"
	# What a second Ctrl-C abandoned is still held: let it go.
	fake_release
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
expect_eq "$recorded" 6 "Ctrl-C landed mid-run: the two calls in flight were recorded, nothing new started"
ok morph run -m fopenai:m-oa -j 4 --no-cache
expect_contains "$out" "(resumed)"
expect_eq "$(fake_requests)" 24 "the resumed run sent only the calls never sent"

# Ctrl-C twice: the calls in flight are abandoned, at once.
ctrl_c 2
ok morph runs --json
expect_eq "$(json "d[0]['results']")" 4 "the second Ctrl-C recorded nothing more"
expect_eq "$(( $(fake_requests) - $(json "d[0]['results']") ))" 2 "the second Ctrl-C abandoned the two calls in flight"
ok morph run -m fopenai:m-oa -j 4 --no-cache
expect_contains "$out" "sealed as"

# Ctrl-C while morph takes in answers that have just arrived: it starts
# nothing new either, not even to fill the slots those answers freed.
# tests/tools/raisepoll.c, preloaded, raises SIGINT in morph right after
# the poll() that finds an answer, once $T_ROOT/raise exists.  One call of
# the third pair is let go: its answer frees a slot, which must stay free.
# Once morph has said it is stopping, the gate opens, so that a call
# started in spite of the Ctrl-C would be answered and counted.
if [ -n "${MORPH_RAISEPOLL-}" ]; then
	fake_reset
	fake_hold
	rm -f "$T_ROOT/raise"
	LD_PRELOAD=$MORPH_RAISEPOLL MORPH_TEST_RAISE_FILE=$T_ROOT/raise \
	    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	    "$MORPH" run -m fopenai:m-oa -j 2 --no-cache >"$T_ROOT/int.out" 2>"$T_ROOT/int.err" &
	pid=$!
	third_pair
	touch "$T_ROOT/raise"
	fake_release 1
	wait_until grep -q "Ctrl-C again" "$T_ROOT/int.err"
	fake_release
	wait_exit "$pid"
	expect_eq "$st" 2 "Ctrl-C as answers arrive: exit 2"
	expect_contains "$(cat "$T_ROOT/int.err")" "Ctrl-C again to abandon them" "the preloaded poll() raised SIGINT"
	ok morph runs --json
	expect_eq "$(fake_requests) $(json "d[0]['results']")" "6 6" \
	    "Ctrl-C as answers arrive: the two in flight recorded, nothing new sent"
	ok morph run -m fopenai:m-oa -j 4 --no-cache
	expect_contains "$out" "sealed as"
else
	echo "# MORPH_RAISEPOLL is not set: the Ctrl-C as answers arrive is not checked"
fi

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

# 10. Bad numbers are refused, naming the option and quoting the value,
# before anything is read or sent: no hex, no nan or inf, no sign where
# none is meaningful, nothing after the number, no overflow.
cd "$T_ROOT/fake"
fake_reset
bad_number() {	# bad_number OPTION VALUE WANT
	fails 2 morph run -m fopenai:m-oa "$1" "$2"
	expect_contains "$err" "morph: run: $1 needs $3, not '$2'"
}
for v in nan NaN inf -inf 0x10 -1 1e999 '' ' 1' 1,5 5usd 1000001; do
	bad_number --budget "$v" "a number from 0 to 1000000"
done
for v in 0 0x10 1.5 1e2 -1 ' 4' 4x 1001 99999999999999999999; do
	bad_number -j "$v" "a whole number from 1 to 1000"
	bad_number --provider-jobs "$v" "a whole number from 1 to 1000"
done
for v in 0 -2 0x2 2.0 nan 10001; do
	bad_number --repeat "$v" "a whole number from 1 to 10000"
done
for v in -1 0x1 1e1 101 +1; do
	bad_number --retries "$v" "a whole number from 0 to 100"
done
for v in 0 5s 1.5 -30 0x1e 86401; do
	bad_number --timeout "$v" "a whole number from 1 to 86400"
done
expect_eq "$(fake_requests)" 0 "no bad number sent anything"
# The edges are accepted.
ok morph run -m fopenai:m-oa --dry-run --budget 0 -j 1000 \
    --provider-jobs 1 --repeat 2 --retries 0 --timeout 86400
ok morph run -m fopenai:m-oa --dry-run --budget 1000000 -j 1 --retries 100 \
    --provider-jobs 1000 --timeout 1 --budget .5 --budget 2.5e-3
cd "$T_ROOT"

# 11. A key given twice, at any depth of a case or of morph.json, is an
# error naming the file, the line and the key: cJSON would keep the first
# and nobody would see the second dropped.
cd "$T_ROOT/fake"
cp cases/c.jsonl "$T_ROOT/c.jsonl.keep"
cp morph.json "$T_ROOT/morph.json.keep"
cat >cases/c.jsonl <<'EOF2'
{"id": "d1", "vars": {"country": "France", "word": "one"}}
{"id": "d2", "vars": {"country": "Spain", "word": "two", "country": "Peru"}}
EOF2
ok morph commit -a -m "A case with a key twice"
fake_reset
fails 2 morph run -m fopenai:m-oa
expect_eq "$err" "morph: cases/c.jsonl:2: vars.country: duplicate key" "a repeated var is named"
printf '{"id": "d1", "vars": {"country": {"name": "France", "name": "Chad"}, "word": "w"}}\n' >cases/c.jsonl
ok morph commit -a -m "A nested key twice"
fails 2 morph run -m fopenai:m-oa
expect_contains "$err" "morph: cases/c.jsonl:1: vars.country.name: duplicate key"
printf '{"id": "d1", "vars": {"country": "France", "word": "w"}, "assert": [{"type": "contains", "value": "France", "value": "Chad"}]}\n' >cases/c.jsonl
ok morph commit -a -m "An assertion's key twice"
fails 2 morph run -m fopenai:m-oa
expect_contains "$err" "morph: cases/c.jsonl:1: assert[0].value: duplicate key"
cp "$T_ROOT/c.jsonl.keep" cases/c.jsonl
cat >morph.json <<'EOF2'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["fopenai:m-oa"],
 "defaults": {"max_tokens": 50,
   "response_format": {"type": "text", "type": "json_object"}}}
EOF2
ok morph commit -a -m "morph.json with a nested key twice"
fails 2 morph run
expect_eq "$err" "morph: morph.json:4: defaults.response_format.type: duplicate key" "a repeated key in morph.json is named with its line"
expect_eq "$(fake_requests)" 0 "nothing was sent for a suite with a key twice"
cp "$T_ROOT/morph.json.keep" morph.json
ok morph commit -a -m "No key twice"
cd "$T_ROOT"

# 12. A reply whose header is too large is recorded as that, not as "out of
# memory" or a dropped connection, and is not sent again.
cd "$T_ROOT/fake"
printf '{"id": "h1", "vars": {"country": "fault:bighead", "word": "w"}}\n' >cases/c.jsonl
ok morph commit -a -m "A reply with a 1 MiB header"
fake_reset
fails 1 morph run -m fopenai:m-oa --json
ok morph show --json "$(json "d['id']")"
expect_contains "$out" "response too large: reply header from '127.0.0.1:$FAKE_PORT' is over 65536 bytes"
expect_not_contains "$out" "emory" "not called out of memory"
expect_eq "$(curl -s "$FAKE_URL/__requests" | grep -o 'fault:bighead' | wc -l)" 1 "not retried"
cp "$T_ROOT/c.jsonl.keep" cases/c.jsonl
ok morph commit -a -m "Headers of a sane size"
cd "$T_ROOT"

# 13. Ctrl-C ends morph run with status 2 whenever it comes, as
# morph-run(1) says: a second one while calls are in flight, a second one
# after the drain while morph says its last words, and one before anything
# is sent.  Each step waits for an event (a request at the fake, a line on
# stderr, the run's state, a full pipe), never for a time.  A command a
# script starts with & ignores SIGINT; env gives morph a terminal's
# default, as when Ctrl-C is pressed.
cd "$T_ROOT/fake"
# requests_now: fake_requests without starting Python, for polls that
# must see a run of a few seconds while it lasts.
requests_now() {
	curl -s "$FAKE_URL/__requests" | grep -o '"method": "POST"' | wc -l
}
in_flight() { [ "$(requests_now)" -ge "$1" ]; }
run_state() {
	"$MORPH" runs --json | python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if d and d[0]['state'] == '$1' else 1)"
}
said() { grep -q "$1" "$2" 2>/dev/null; }
morph_bg() { exec env --default-signal=INT "$MORPH" "$@"; }	# run it with &
: >cases/c.jsonl
for i in 1 2 3 4 5 6; do
	printf '{"id": "i%d", "vars": {"country": "fault:ok delay=3000 i%d", "word": "w"}}\n' "$i" "$i" >>cases/c.jsonl
done
ok morph commit -a -m "Slow calls for Ctrl-C"

# A second Ctrl-C while the first waits for the calls in flight.
fake_reset
morph_bg run -m fopenai:m-oa -j 2 --no-cache >/dev/null 2>"$T_ROOT/c2.err" &
pid=$!
wait_for "two calls in flight" in_flight 2
kill -INT "$pid"
wait_for "the first Ctrl-C heard" said "Ctrl-C again to abandon them" "$T_ROOT/c2.err"
kill -INT "$pid"
wait "$pid"
expect_eq "$?" 2 "a second Ctrl-C in flight: exit 2"
expect_contains "$(cat "$T_ROOT/c2.err")" "morph: interrupted; "
ok morph runs --json
expect_eq "$(json "d[0]['state']")" interrupted "the run is interrupted"
expect_eq "$(( $(fake_requests) - $(json "d[0]['results']") ))" 2 "the two calls in flight were abandoned"

# A second Ctrl-C after the drain, while morph's last words wait on a
# full stderr: the test holds both ends of a FIFO and fills it.  Once
# morph has gone, cat sees the end of the FIFO.
fake_reset
rm -f "$T_ROOT/err.fifo" && mkfifo "$T_ROOT/err.fifo"
exec 7<>"$T_ROOT/err.fifo" 8<"$T_ROOT/err.fifo"
morph_bg run -m fopenai:m-oa -j 2 >/dev/null 2>"$T_ROOT/err.fifo" &
pid=$!
wait_for "two calls in flight" in_flight 2
kill -INT "$pid"
heard=no
while IFS= read -r -t 60 line <&8; do
	case $line in *"Ctrl-C again"*) heard=yes; break ;; esac
done
expect_eq "$heard" yes "the first Ctrl-C heard"
python3 -c '
import fcntl, os
fl = fcntl.fcntl(7, fcntl.F_GETFL)
fcntl.fcntl(7, fcntl.F_SETFL, fl | os.O_NONBLOCK)
for n in (4096, 1):
    try:
        while True:
            os.write(7, b"." * n)
    except BlockingIOError:
        pass
fcntl.fcntl(7, fcntl.F_SETFL, fl)'
exec 7>&-
wait_for "the drain over" run_state interrupted
kill -INT "$pid"
timeout 60 cat <&8 >"$T_ROOT/last-words"
exec 8<&-
wait "$pid"
expect_eq "$?" 2 "a second Ctrl-C after the drain: exit 2"
expect_contains "$(tr -d . <"$T_ROOT/last-words")" "morph: interrupted; " "the last words are said whole"
ok morph run -m fopenai:m-oa -j 6
expect_contains "$out" "(resumed)"

# Ctrl-C before anything is sent: here while --dry-run writes a plan
# larger than the pipe it writes to.
for i in $(seq 300); do
	printf '{"id": "p%03d", "vars": {"country": "c%d", "word": "w"}}\n' "$i" "$i"
done >cases/c.jsonl
ok morph commit -a -m "A long plan"
rm -f "$T_ROOT/out.fifo" && mkfifo "$T_ROOT/out.fifo"
exec 7<>"$T_ROOT/out.fifo" 8<"$T_ROOT/out.fifo"
morph_bg run -m fopenai:m-oa --dry-run --repeat 2 >"$T_ROOT/out.fifo" 2>"$T_ROOT/dry.err" &
pid=$!
exec 7>&-
pipe_full() {
	python3 -c '
import array, fcntl, sys, termios
n = array.array("i", [0])
fcntl.ioctl(8, termios.FIONREAD, n, True)
sys.exit(0 if n[0] >= fcntl.fcntl(8, 1032) else 1)'
}
wait_for "the plan filled the pipe" pipe_full
kill -INT "$pid"
timeout 60 cat <&8 >/dev/null
exec 8<&-
wait "$pid"
expect_eq "$?" 2 "Ctrl-C before anything is sent: exit 2"
expect_eq "$(cat "$T_ROOT/dry.err")" "
morph: interrupted before anything was sent" "it says so"
cp "$T_ROOT/c.jsonl.keep" cases/c.jsonl
ok morph commit -a -m "Quick calls again"
cd "$T_ROOT"

done_testing
