#!/usr/bin/env bash
# The OpenAI requests morph sends, validated against OpenAI's own OpenAPI
# spec by Prism: every setting morph maps, for OpenAI itself (which gets
# max_completion_tokens) and for an OpenAI-compatible provider (which gets
# max_tokens).  The spec comes from ../shared/specs/; without it the test
# says so and is skipped.
. "$MORPH_SOURCE_DIR/tests/cli/lib.sh"
. "$MORPH_SOURCE_DIR/tests/peers/lib.sh"

port=$(peer_free_port)
peer_start_prism "$port"
rc=$?
if [ $rc -eq 77 ]; then
	echo "skipped: Prism or the OpenAI spec (../shared/specs/openai-chat-v1.yaml) is absent"
	exit 77
fi
[ $rc -eq 0 ] || exit 1
json() { printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# Validation is on: a request that breaks the spec gets 422.
T_CHECKS=$((T_CHECKS + 1))
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer k' \
    -H 'Content-Type: application/json' \
    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"temperature":5}' \
    "$PEER_PRISM_URL/v1/chat/completions")
if [ "$code" = 422 ]; then pass "Prism refuses temperature 5 (422)"; else fail "Prism validation is off (got $code)"; fi

new_repo prism
export OPENAI_BASE_URL=$PEER_PRISM_URL/v1 OPENAI_API_KEY=prism-key
export GROQ_BASE_URL=$PEER_PRISM_URL/v1 GROQ_API_KEY=prism-key
mkdir -p prompts cases
printf 'Answer {{q}}\n' >prompts/plain.txt
cat >prompts/chat.json <<'EOF'
{"messages": [{"role": "system", "content": "You are terse."},
              {"role": "user", "content": "Answer {{q}}"},
              {"role": "assistant", "content": "Sure."},
              {"role": "user", "content": "And in JSON?"}],
 "params": {"response_format": {"type": "json_schema", "json_schema": {
   "name": "answer", "strict": true,
   "schema": {"type": "object", "properties": {"a": {"type": "string"}},
              "required": ["a"], "additionalProperties": false}}}}}
EOF
cat >cases/c.jsonl <<'EOF'
{"id": "one", "vars": {"q": "one"}}
EOF
cat >morph.json <<'EOF'
{"prompts": ["prompts/*"], "cases": ["cases/*.jsonl"],
 "models": ["openai:gpt-4o-mini", "groq:llama-3.3-70b-versatile",
            {"id": "tuned", "model": "openai:gpt-4o-mini", "temperature": 0.2,
             "top_p": 0.9, "stop": ["END"], "seed": 42, "presence_penalty": 0.5,
             "frequency_penalty": 0.1}],
 "defaults": {"temperature": 0, "max_tokens": 64}}
EOF
ok morph add .
ok morph commit -m "prism suite"
ok morph run --json --retries 0
expect_eq "$(json "d['recorded'], d['errors']")" "6 0" "every request passes OpenAI's spec"
ok morph show --json "$(json "d['id']")"
expect_eq "$(json "all(r['attempts'][0]['status'] == 200 for r in d['results'])")" True "Prism answered 200 to each"
cd "$T_ROOT"
peer_stop_all
done_testing
