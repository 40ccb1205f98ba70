#!/usr/bin/env bash
# morph run against aimock, a fixture server for four dialects: Gemini's
# generateContent and Ollama's /api/chat beside OpenAI and Anthropic, the
# same fixture answered in each dialect's shape, and faults (429 with
# Retry-After, 503, malformed bodies, dropped connections); and a run of
# several hundred calls through aimock's randomly injected 429s.
. "$MORPH_SOURCE_DIR/tests/cli/lib.sh"
. "$MORPH_SOURCE_DIR/tests/peers/lib.sh"

port=$(peer_free_port)
peer_start_aimock "$port" "$PEER_AIMOCK_FIXTURES"
rc=$?
if [ $rc -eq 77 ]; then
	echo "skipped: aimock is not installed; run tests/peers/setup.sh"
	exit 77
fi
[ $rc -eq 0 ] || exit 1
json() { printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

new_repo aimock
export AIMOCK_KEY=aimock-key-0b1c
for d in openai anthropic gemini ollama; do
	case $d in openai) base=$PEER_AIMOCK_URL/v1 ;; *) base=$PEER_AIMOCK_URL ;; esac
	ok morph config --type json "providers.a$d" \
	    "{\"dialect\":\"$d\",\"base_url\":\"$base\",\"key_env\":\"AIMOCK_KEY\"}"
done
mkdir -p prompts cases
printf '{{message}}\n' >prompts/p.txt
cat >cases/c.jsonl <<'EOF'
{"id": "hello", "vars": {"message": "Say hello"}, "assert": [{"type": "equals", "value": "Hello from aimock."}]}
{"id": "unicode", "vars": {"message": "morph-test: unicode"}}
EOF
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["aopenai:gpt-4o-mini", "aanthropic:claude-haiku-4-5", "agemini:gemini-2.5-flash", "aollama:llama3.2"],
 "defaults": {"max_tokens": 64}}
EOF
ok morph add .
ok morph commit -m "aimock suite"
ok morph run --json
expect_eq "$(json "d['errors']")" 0 "no errors"
expect_eq "$(json "[m['passed'] for m in d['models']]")" "[1, 1, 1, 1]" "every dialect read the fixture's text exactly"
ok morph show --json "$(json "d['id']")"
expect_eq "$(json "len(set(r['output'] for r in d['results'] if r['case'] == 'unicode'))")" 1 "the same UTF-8 text in every dialect"
expect_contains "$(json "[r['output'] for r in d['results'] if r['case'] == 'unicode'][0]")" "Grüße, 世界 ✓"
expect_eq "$(json "[r['tokens']['in'] for r in d['results'] if r['case'] == 'hello' and r['model'].startswith('aopenai')]")" "[7]" "OpenAI usage read"

# Faults.
cat >cases/c.jsonl <<'EOF'
{"id": "limited", "vars": {"message": "morph-test: rate limit"}}
{"id": "down", "vars": {"message": "morph-test: server error"}}
{"id": "garbage", "vars": {"message": "morph-test: malformed"}}
{"id": "hangup", "vars": {"message": "morph-test: hang up"}}
EOF
ok morph commit -a -m "faults"
# A 429 spends no retry: the call is sent again when the server allows,
# until --rate-wait.
fails 1 morph run --retries 1 --rate-wait 3 -m agemini:gemini-2.5-flash -m aollama:llama3.2 --json
ok morph show --json "$(json "d['id']")"
field() { json "[$2 for r in d['results'] if r['case'] == '$1' and r['model'].startswith('$3')][0]"; }
for m in agemini aollama; do
	expect_eq "$(field limited "[a['status'] for a in r['attempts']]" $m)" "[429, 429]" "$m: 429 retried"
	expect_eq "$(field limited "r['attempts'][0]['retry_in_ms']" $m)" 2000 "$m: after Retry-After: 2"
	expect_contains "$(field limited "r['error']" $m)" "past --rate-wait" "$m: given up after --rate-wait"
	expect_eq "$(field down "[a['status'] for a in r['attempts']]" $m)" "[503, 503]" "$m: 503 retried"
	expect_eq "$(field garbage "r['status']" $m)" error "$m: a malformed body is an error"
	expect_eq "$(field hangup "r['status']" $m)" error "$m: a dropped connection is an error"
	expect_eq "$(field hangup "len(r['attempts'])" $m)" 2 "$m: and is retried"
done

# Injected 429s (aimock's chaos, each with Retry-After: 1) on 2% of the
# requests: 300 calls at -j 32 without a retry, every one answered, each
# refusal recorded and counted.
peer_stop_all
port=$(peer_free_port)
peer_start_aimock "$port" "$PEER_AIMOCK_FIXTURES" --chaos-ratelimit 0.02 || exit 1
ok morph config --type json providers.chaos \
    "{\"dialect\":\"openai\",\"base_url\":\"$PEER_AIMOCK_URL/v1\",\"key_env\":\"AIMOCK_KEY\"}"
python3 -c "
import json
for i in range(300):
    print(json.dumps({'id': 'c%03d' % i, 'vars': {'message': 'case %d' % i}}))" >cases/c.jsonl
ok morph commit -a -m "300 cases"
ok morph run -j 32 --retries 0 -m chaos:gpt-4o-mini --json
expect_eq "$(json "d['recorded'], d['errors']")" "300 0" "every call answered through injected 429s"
refused=$(json "d['rate']['refused']")
ok morph show --json "$(json "d['id']")"
expect_eq "$(json "sum(1 for r in d['results'] for a in r['attempts'] if a['status'] == 429)")" "$refused" "each 429 recorded and counted"
cd "$T_ROOT"
peer_stop_all
done_testing
