#!/usr/bin/env bash
# Keys never reach the store or the terminal, even when a server echoes
# them: in an error message, in an answer, in any dialect.
. "$(dirname "$0")/lib.sh"

json() {	# json EXPR: evaluates EXPR on the JSON document in $out
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
ALL_OUTPUT="$T_ROOT/all-output"
keep() { printf '%s\n%s\n' "$out" "$err" >>"$ALL_OUTPUT"; }

KEY=sk-proj-Zq81echoedKey0042
export ECHO_KEY=$KEY
fake_start
new_repo keys
ok morph config --type json providers.oa "{\"dialect\":\"openai\",\"base_url\":\"$FAKE_URL/v1\",\"key_env\":\"ECHO_KEY\"}"
ok morph config --type json providers.an "{\"dialect\":\"anthropic\",\"base_url\":\"$FAKE_URL\",\"key_env\":\"ECHO_KEY\"}"
mkdir -p prompts cases
printf '{{q}}\n' >prompts/q.txt
cat >cases/c.jsonl <<'EOF'
{"id": "refused", "vars": {"q": "fault:echo-key"}}
{"id": "answered", "vars": {"q": "fault:echo-key status=200"}}
EOF
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["oa:m1", "an:m2"]}
EOF
ok morph add .
ok morph commit -m "A server that echoes keys"

fails 1 morph run --retries 0
keep
expect_contains "$err" "2 calls failed" "the refused calls fail"
ok morph show --json '#1'
keep
expect_eq "$(json "sorted(r['error'] for r in d['results'] if r['case'] == 'refused')")" \
    "['HTTP 401: Incorrect API key provided: Bearer [ECHO_KEY] (authentication_error)', 'HTTP 401: Incorrect API key provided: Bearer [ECHO_KEY] (invalid_api_key)']" \
    "the error says which key, not what it is"
expect_eq "$(json "sorted(r['output'] for r in d['results'] if r['case'] == 'answered')")" \
    "['you sent Bearer [ECHO_KEY]', 'you sent Bearer [ECHO_KEY]']" \
    "an answer that echoes the key is stored without it"
ok morph show '#1'
keep
ok morph runs
keep
ok morph eval '#1'
keep

# The key is in no file of the repository and in nothing printed.
T_CHECKS=$((T_CHECKS + 1))
if grep -rqa "$KEY" .morph "$ALL_OUTPUT"; then
	fail "the echoed key leaked: $(grep -rla "$KEY" .morph "$ALL_OUTPUT")"
else
	pass "the echoed key is in no file and no output"
fi
# The server did get it.
curl -s "$FAKE_URL/__requests" >"$T_ROOT/requests.json"
expect_eq "$(python3 -c "import json; print(len(json.load(open('$T_ROOT/requests.json'))))")" 4 "4 requests were sent"

done_testing
