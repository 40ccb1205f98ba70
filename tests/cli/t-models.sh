#!/usr/bin/env bash
# morph models: lists providers with their dialect, base URL and key
# variable, inside a repository or not; never prints a key; --json;
# providers from the configuration, and errors that name the bad key.
. "$(dirname "$0")/lib.sh"

# No provider variable from the environment that runs the tests.
for v in $(env | sed -n 's/^\([A-Z_]*_\(API_KEY\|API_BASE\|BASE_URL\)\)=.*/\1/p'); do
	unset "$v"
done
unset OLLAMA_HOST

# Outside a repository: the built-in table, in the order of the ids.
ok morph models
expect_contains "$out" "PROVIDER    DIALECT    BASE URL"
expect_contains "$out" "openai      openai     https://api.openai.com/v1"
expect_contains "$out" "OPENAI_API_KEY (not set)"
expect_contains "$out" "anthropic   anthropic  https://api.anthropic.com"
expect_contains "$out" "ollama      ollama     http://localhost:11434"
expect_contains "$out" "VLLM_API_KEY (optional, not set)"
expect_contains "$out" "llamacpp    openai     http://127.0.0.1:8080/v1                   LLAMACPP_API_KEY (optional, not set)"
expect_eq "$(printf '%s\n' "$out" | sed 1d | awk '{print $1}' | sort -c &&
    echo sorted)" sorted "rows sorted by id"
expect_eq "$(printf '%s\n' "$out" | grep -c '^echo  *echo  *-  *-  *local$')" 1 \
    "echo has no URL and no key"
expect_eq "$(printf '%s\n' "$out" | grep -c ' $')" 0 "no trailing blanks"

# A key is set or not set; its value is never shown.
OPENAI_API_KEY=sk-very-secret-1 GOOGLE_API_KEY=g-secret-2 \
    run morph models openai gemini
expect_eq "$status" 0 "models openai gemini"
expect_contains "$out" "OPENAI_API_KEY (set)"
expect_contains "$out" "GOOGLE_API_KEY (set)"
OPENAI_API_KEY=sk-very-secret-1 GOOGLE_API_KEY=g-secret-2 \
    run morph models --json
expect_not_contains "$out$err" "secret" "no key in the output"
expect_eq "$(printf '%s\n' "$out" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
by = {r["id"]: r for r in rows}
o, g, e, v = by["openai"], by["gemini"], by["echo"], by["vllm"]
assert [r["id"] for r in rows] == sorted(by), "order"
assert set(o) == {"id", "dialect", "base_url", "key_env", "key_set",
    "key_required", "local", "configured", "price_prefix"}, o
assert o["key_env"] == "OPENAI_API_KEY" and o["key_set"] is True, o
assert o["key_required"] is True and o["price_prefix"] == "", o
assert g["key_env"] == "GOOGLE_API_KEY" and g["dialect"] == "gemini", g
assert e["base_url"] is None and e["key_env"] is None and e["local"], e
assert v["key_required"] is False and v["local"] is True, v
assert by["ollama"]["price_prefix"] == "ollama/"
l = by["llamacpp"]
assert l["key_env"] == "LLAMACPP_API_KEY" and l["key_required"] is False, l
print("ok")')" ok "--json members"

# Arguments: provider ids or model specs, in the order given.
ok morph models ollama:llama3.2:3b mistral/mistral-small openrouter
expect_eq "$(printf '%s\n' "$out" | sed 1d | awk '{print $1}' | tr '\n' ' ')" \
    "ollama mistral openrouter " "rows in argument order"
OPENAI_BASE_URL=http://127.0.0.1:9/v1/ OLLAMA_HOST=gpu-box run morph models \
    openai ollama
expect_contains "$out" "openai    openai   http://127.0.0.1:9/v1 "
expect_contains "$out" "ollama    ollama   http://gpu-box:11434 "

# Errors.
fails 2 morph models nosuch
expect_contains "$err" "morph: unknown provider 'nosuch'"
expect_eq "$out" "" "nothing on stdout"
fails 2 morph models openai gpt-4o
expect_contains "$err" "unknown provider 'gpt-4o'"
fails 2 morph models openai:
expect_contains "$err" "invalid model 'openai:': expected provider:model"
fails 2 morph models --bogus
expect_contains "$err" "usage: morph models [--json] [provider ...]"

# The example of morph-models(1), in a repository.
new_repo example
ok morph config --type json providers.lab \
    '{"dialect": "openai", "base_url": "http://10.0.0.7:8000/v1"}'
ok morph models lab ollama:llama3.2:3b
expect_eq "$out" "PROVIDER  DIALECT  BASE URL                 KEY  NOTES
lab       openai   http://10.0.0.7:8000/v1  -    config
ollama    ollama   http://localhost:11434   -    local" "the man page example"
ok morph models
expect_contains "$out" "lab         openai     http://10.0.0.7:8000/v1"

# A built-in changed in the configuration keeps the rest of its row.
ok morph config --type json providers.anthropic \
    '{"base_url": "https://gateway.example/anthropic/"}'
ok morph models anthropic
expect_contains "$out" "anthropic  anthropic  https://gateway.example/anthropic  ANTHROPIC_API_KEY (not set)  config"
ANTHROPIC_BASE_URL=https://env.example run morph models anthropic
expect_contains "$out" "https://env.example " "the variable wins"

# A user-wide provider, seen outside the repository too.
ok morph config --global --type json providers.home \
    '{"dialect": "ollama", "base_url": "http://nas:11434", "local": true, "key_env": "HOME_KEY"}'
cd "$T_ROOT"
ok morph models home
expect_contains "$out" "home      ollama   http://nas:11434  HOME_KEY (not set)  local, config"
cd "$T_ROOT/example"

# A broken provider names its configuration key.
ok morph config --type json providers.bad '{"dialect": "soap", "base_url": "http://x"}'
fails 2 morph models
expect_contains "$err" "morph: config 'providers.bad.dialect': expected openai, anthropic, gemini or ollama"
ok morph config --type json providers.bad '{"dialect": "openai", "url": "http://x"}'
fails 2 morph models bad
expect_contains "$err" "'providers.bad.url': unknown member"
ok morph config --unset providers.bad
ok morph config --type json providers.Bad '{"dialect": "openai", "base_url": "http://x"}'
fails 2 morph models
expect_contains "$err" "'providers.Bad': a provider id is lowercase"
ok morph config --unset providers.Bad
ok morph models

done_testing
