#!/usr/bin/env bash
# Text is never cut short: a NUL in a case variable, an assertion value, a
# suite file or a model's reply is refused with an error naming where it
# was, never silently truncated; JSON nested past morph's limit says
# "nested too deep".
. "$(dirname "$0")/lib.sh"

json() {	# json EXPR: evaluates EXPR on the JSON document in $out
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

new_repo text
mkdir -p prompts cases
printf 'Say {{x}}\n' >prompts/q.txt
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["echo:e"]}
EOF
printf '%s\n' '{"id": "ok", "vars": {"x": "hello"}}' >cases/c.jsonl
ok morph add .
ok morph commit -m "A suite"
ok morph run

# 1. A case variable holding \u0000: refused, naming file, line and column.
printf '%s\n' '{"id": "ok", "vars": {"x": "hello"}}' \
    '{"id": "nul", "vars": {"x": "a\u0000b"}}' >cases/c.jsonl
ok morph commit -a -m "A NUL in a variable"
fails 2 morph run
expect_contains "$err" "cases/c.jsonl:2:" "the error names the case file and line"
expect_contains "$err" "NUL" "the error says why"

# 2. An assertion value holding \u0000.
printf '%s\n' '{"id": "nul", "vars": {"x": "ab"}, "assert": [{"type": "not-contains", "value": "x\u0000ab"}]}' >cases/c.jsonl
ok morph commit -a -m "A NUL in an assertion"
fails 2 morph run
expect_contains "$err" "cases/c.jsonl:1:" "an assertion's NUL names its line"

# 3. morph.json holding \u0000, and a raw NUL byte in a case file.
printf '%s\n' '{"id": "ok", "vars": {"x": "hello"}}' >cases/c.jsonl
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["echo:e"],
 "defaults": {"assert": [{"type": "not-contains", "value": "\u0000"}]}}
EOF
ok morph commit -a -m "A NUL in morph.json"
fails 2 morph run
expect_contains "$err" "morph.json:3:61:" "morph.json's NUL is located"
printf '{"id": "raw", "vars": {"x": "a\0b"}}\n' >cases/c.jsonl
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["echo:e"]}
EOF
ok morph commit -a -m "A raw NUL byte"
fails 2 morph run
expect_contains "$err" "cases/c.jsonl:1" "a raw NUL byte is refused too"

# 4. Nested too deep: morph.json and a case line.
python3 -c 'print("{\"prompts\": [\"prompts/*.txt\"], \"cases\": [\"cases/*.jsonl\"], \"models\": [\"echo:e\"], \"x\": " + "[" * 10000 + "]" * 10000 + "}")' >morph.json
printf '%s\n' '{"id": "ok", "vars": {"x": "hello"}}' >cases/c.jsonl
ok morph commit -a -m "Deep morph.json"
fails 2 morph run
expect_contains "$err" "morph.json:1:" "deep morph.json is located"
expect_contains "$err" "nested too deep" "and says what is wrong"
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["echo:e"]}
EOF
python3 -c 'print("{\"id\": \"deep\", \"vars\": {\"x\": " + "[" * 10000 + "]" * 10000 + "}}")' >cases/c.jsonl
ok morph commit -a -m "A deep case"
fails 2 morph run
expect_contains "$err" "cases/c.jsonl:1:" "a deep case is located"
expect_contains "$err" "nested too deep"

# 5. A reply holding \u0000 is an error of its call, recorded as such:
# never an answer cut at the NUL that a not-contains on its tail passes.
fake_start
export OPENAI_API_KEY=sk-text-test
export OPENAI_BASE_URL=$FAKE_URL/v1
printf 'Reply fault:nul\n' >prompts/q.txt
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["openai:m"]}
EOF
printf '%s\n' '{"id": "nul", "vars": {}, "assert": [{"type": "not-contains", "value": "after"}]}' >cases/c.jsonl
ok morph commit -a -m "A reply with a NUL"
fails 1 morph run --retries 0
ok morph show --json '#2'
expect_eq "$(json "d['results'][0]['status']")" error "the call failed"
expect_contains "$(json "d['results'][0]['error']")" "NUL" "its error says why"
expect_eq "$(json "d['results'][0]['pass']")" False "its assertion did not pass"
ok morph run --dry-run --json
expect_eq "$(json "d['cached']")" 0 "nothing cut short was cached"

done_testing
