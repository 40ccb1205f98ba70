#!/usr/bin/env bash
# The call cache answers only the request that was asked: a call names the
# endpoint that answers it, so pointing a provider at another server is a
# cache miss, while the same server written another way is a hit.  Every
# call a result names is stored and can be read back.
. "$(dirname "$0")/lib.sh"

json() {	# json EXPR: evaluates EXPR on the JSON document in $out
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
# requests_of URL: how many chat requests the fake provider at URL has seen.
requests_of() {
	curl -s "$1/__requests" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}

fake_start
A=$FAKE_URL
fake_start
B=$FAKE_URL
new_repo cache
mkdir -p prompts cases
printf 'Capital of {{country}}\n' >prompts/q.txt
cat >cases/c.jsonl <<'EOF'
{"id": "fr", "vars": {"country": "France"}}
{"id": "de", "vars": {"country": "Germany"}}
{"id": "it", "vars": {"country": "Italy"}}
EOF
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["openai:gpt-4o-mini"]}
EOF
ok morph add .
ok morph commit -m "Three cases"
export OPENAI_API_KEY=sk-cache-test-key

# 1. The first server answers; the same command again is answered by the
# cache.
export OPENAI_BASE_URL=$A/v1
ok morph run --json
expect_eq "$(requests_of "$A")" 3 "server A answered 3 calls"
ok morph run --json
expect_eq "$(requests_of "$A")" 3 "the cache answers the same endpoint"

# 2. The same server, written with a trailing slash and an upper-case
# host, is the same endpoint.
export OPENAI_BASE_URL="http://LOCALHOST:${A##*:}/v1/"
ok morph run --dry-run --json
expect_eq "$(json "d['cached']")" 0 "localhost is not 127.0.0.1: another endpoint"
export OPENAI_BASE_URL="HTTP://127.0.0.1:${A##*:}/v1/"
ok morph run --dry-run --json
expect_eq "$(json "d['cached']")" 3 "scheme case and a trailing / name the same endpoint"

# 3. Another server is a cache miss: every call goes to it.
export OPENAI_BASE_URL=$B/v1
ok morph run --dry-run --json
expect_eq "$(json "d['cached'], d['to_send']")" "0 3" "another server: nothing cached"
ok morph run --json
expect_eq "$(requests_of "$B")" 3 "server B answered 3 calls"
expect_eq "$(requests_of "$A")" 3 "server A saw nothing more"
fails 2 morph run --offline -m openai:gpt-4o
expect_contains "$err" "not in the cache"

# 4. The call a result names is stored, with its endpoint and no key.
ok morph show --json '#3'
call=$(json "d['results'][0]['call']")
ok morph cat-object -t "$call"
expect_eq "$out" call "the result's call is an object"
ok morph cat-object --raw "$call"
expect_contains "$out" "\"endpoint\":\"$B/v1\"" "the call names its endpoint"
expect_not_contains "$out" "sk-cache-test-key" "the call holds no key"

# 5. A configured provider's base_url is the endpoint too.
unset OPENAI_BASE_URL
ok morph config --type json providers.mine "{\"dialect\":\"openai\",\"base_url\":\"$A/v1\",\"key_env\":\"OPENAI_API_KEY\"}"
ok morph run -m mine:m1
expect_eq "$(requests_of "$A")" 6 "mine at A: 3 calls"
ok morph config --type json providers.mine "{\"dialect\":\"openai\",\"base_url\":\"$B/v1\",\"key_env\":\"OPENAI_API_KEY\"}"
ok morph run -m mine:m1
expect_eq "$(requests_of "$B")" 6 "mine moved to B: 3 calls sent again"
ok morph run -m mine:m1
expect_eq "$(requests_of "$B")" 6 "and cached there"

done_testing
