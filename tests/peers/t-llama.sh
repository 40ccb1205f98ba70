#!/usr/bin/env bash
# morph run against llama.cpp's llama-server, a real inference server, in
# the OpenAI and Anthropic dialects: real HTTP, real token counts, greedy
# decoding that repeats itself, and a wrong key.
. "$MORPH_SOURCE_DIR/tests/cli/lib.sh"
. "$MORPH_SOURCE_DIR/tests/peers/lib.sh"

KEY=llama-test-key-5d2e
port=$(peer_free_port)
peer_start_llama "$port" "$KEY"
rc=$?
if [ $rc -eq 77 ]; then
	echo "skipped: llama-server is not installed; run tests/peers/setup.sh"
	exit 77
fi
[ $rc -eq 0 ] || exit 1
json() { printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

new_repo llama
ok morph config --type json providers.llo \
    "{\"dialect\":\"openai\",\"base_url\":\"$PEER_LLAMA_URL/v1\",\"key_env\":\"LLAMA_KEY\",\"local\":true}"
ok morph config --type json providers.lla \
    "{\"dialect\":\"anthropic\",\"base_url\":\"$PEER_LLAMA_URL\",\"key_env\":\"LLAMA_KEY\",\"local\":true}"
mkdir -p prompts cases
printf 'Write a word about {{topic}}.\n' >prompts/p.txt
cat >cases/c.jsonl <<'EOF'
{"id": "cats", "vars": {"topic": "cats"}}
{"id": "rain", "vars": {"topic": "rain"}}
EOF
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["llo:tiny", "lla:tiny"],
 "defaults": {"temperature": 0, "max_tokens": 8}}
EOF
ok morph add .
ok morph commit -m "llama suite"

export LLAMA_KEY=$KEY
ok morph run --json
expect_eq "$(json "d['errors'], d['recorded']")" "0 4" "four answers from llama-server"
ok morph show --json "$(json "d['id']")"
first=$out
expect_eq "$(json "all(r['status'] == 'ok' for r in d['results'])")" True "all ok"
expect_eq "$(json "all(r['tokens']['in'] > 0 for r in d['results'])")" True "input tokens reported"
expect_eq "$(json "all(0 < r['tokens']['out'] <= 8 for r in d['results'])")" True "output tokens within max_tokens"
expect_eq "$(json "sorted(set(r['finish'] for r in d['results']))")" "['length']" "8 tokens of a tiny model end by length"
expect_eq "$(json "all(r['served_model'] == 'tiny' for r in d['results'])")" True "the server names its model"
expect_eq "$(json "all(r['cost_nusd'] == 0 for r in d['results'])")" True "a local server costs nothing"

# Greedy decoding repeats itself: the same outputs without the cache.
ok morph run --no-cache --json
ok morph show --json "$(json "d['id']")"
second=$out
out=$first
o1=$(json "[r['output'] for r in d['results']]")
out=$second
o2=$(json "[r['output'] for r in d['results']]")
expect_eq "$o2" "$o1" "temperature 0 gives the same outputs again"

# A wrong key: 401, recorded, not retried.
LLAMA_KEY=wrong-key fails 1 morph run --no-cache -m llo:tiny --json
ok morph show --json "$(json "d['id']")"
expect_eq "$(json "sorted(set(len(r['attempts']) for r in d['results']))")" "[1]" "401 is not retried"
expect_contains "$(json "d['results'][0]['error']")" "HTTP 401"

T_CHECKS=$((T_CHECKS + 1))
if grep -rqa "$KEY" .morph; then fail "the key reached the repository"; else pass "the key is not in the repository"; fi
cd "$T_ROOT"
peer_stop_all
done_testing
