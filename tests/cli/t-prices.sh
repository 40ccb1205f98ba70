#!/usr/bin/env bash
# morph prices: what models cost in the built-in genai-prices table, at a
# date, and in a litellm file; morph prices update from a local HTTPS
# server, and the errors that keep the old table; runs priced with it
# (--budget with models litellm's table lacked, cache reads and writes,
# the price in force when an answer arrived), the table a run names kept
# in the store, and unpriced costs that eval and runs never show as $0.
. "$(dirname "$0")/lib.sh"

json() {	# json EXPR: evaluates EXPR on the JSON document in $out
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
for v in $(env | sed -n 's/^\([A-Z_]*_\(API_KEY\|API_BASE\|BASE_URL\)\)=.*/\1/p'); do
	unset "$v"
done
unset CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR

# 1. The built-in table prices today's models, outside a repository too.
ok morph prices openai:gpt-4.1 openai:o3 openai:gpt-5 \
    anthropic:claude-opus-4-1 gemini:gemini-2.5-pro
expect_contains "$out" "openai:gpt-4.1                 openai/gpt-4.1                            2        8        0.5           -"
expect_contains "$out" "anthropic:claude-opus-4-1      anthropic/claude-opus-4-1                15       75        1.5       18.75"
expect_contains "$out" "gemini:gemini-2.5-pro          google/gemini-2.5-pro                  1.25       10      0.125           -"
expect_contains "$out" "  over 200,000 tokens in                                               2.5       15       0.25           -"
expect_contains "$out" "table: built-in, genai-prices (34 providers, 1,442 models)"
expect_not_contains "$out" "unpriced"

# The example of morph-prices(1), but for the time it is run.
ok morph prices openai:gpt-4.1 gemini:gemini-2.5-pro
expect_eq "$(printf '%s\n' "$out" | sed '$d')" \
    "$(sed -n '/^\$ morph prices openai:gpt-4.1 gemini:gemini-2.5-pro$/,/^USD/p' \
    "$MORPH_SOURCE_DIR/man/morph-prices.1" | sed '1d;$d')" "the man page example"

# A price in force on a date: o3 fell from 10/40 to 2/8 on 2025-06-10.
ok morph prices --at 2025-06-09 openai:o3
expect_contains "$out" "openai/o3                                10       40"
expect_contains "$out" "until 2025-06-10, when another price takes over"
ok morph prices --json --at 2025-06-10 openai:o3
expect_eq "$(json "d['models'][0]['input_mtok'], d['models'][0]['output_mtok'], d['models'][0]['start_date']")" \
    "2 8 2025-06-10" "o3 from 2025-06-10"
expect_eq "$(json "d['table']['kind'], d['table']['models'], d['at_ms']")" \
    "built-in 1442 1749513600000" "--json: the table and the time"

# Unpriced models are a negative answer; local ones are free.
fails 1 morph prices openai:no-such-model ollama:llama3.2
expect_contains "$out" "openai:no-such-model           unpriced: no row in the table"
expect_contains "$out" "ollama:llama3.2                free: a local provider"
fails 1 morph prices --json deepinfra:meta-llama/Llama-3.3-70B
expect_eq "$(json "d['models'][0]['priced'], d['models'][0]['input_mtok']")" \
    "False None" "unpriced in JSON"

# Bad arguments.
fails 2 morph prices nosuch:model
expect_contains "$err" "morph: unknown provider 'nosuch'"
fails 2 morph prices gpt-4.1
expect_contains "$err" "invalid model 'gpt-4.1': expected provider:model"
fails 2 morph prices --at yesterday openai:o3
expect_contains "$err" "--at needs a date"
expect_contains "$err" "usage: morph prices [--json] [--at date] [model ...]"
fails 2 morph prices update https://a.example/1 https://a.example/2
expect_contains "$err" "update takes one URL at most"
fails 2 morph prices update https://127.0.0.1:1/data.json
expect_contains "$err" "not in a morph repository"

# 2. Updates over HTTPS, from a server with a certificate of its own.
new_repo upd
ok morph prices
expect_contains "$out" "table: built-in, genai-prices"
expect_contains "$out" "no updates: morph prices update fetches the current table"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_ROOT/key.pem" \
    -out "$T_ROOT/cert.pem" -days 2 -subj /CN=127.0.0.1 \
    -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null ||
    { echo "openssl req failed"; exit 2; }
mkdir -p "$T_ROOT/srv"
cp "$MORPH_SOURCE_DIR/lib/data/genai-prices.json" "$T_ROOT/srv/data.json"
python3 "$MORPH_SOURCE_DIR/tests/tools/httpsfiles.py" --cert "$T_ROOT/cert.pem" \
    --key "$T_ROOT/key.pem" --dir "$T_ROOT/srv" >"$T_ROOT/srv.out" 2>&1 &
SRV_PID=$!
T_FAKE_PIDS+=("$SRV_PID")
for i in $(seq 600); do
	SRV_PORT=$(sed -n 's/^PORT=//p' "$T_ROOT/srv.out")
	[ -n "$SRV_PORT" ] && break
	sleep 0.1
done
[ -n "$SRV_PORT" ] || { echo "httpsfiles did not start"; cat "$T_ROOT/srv.out"; exit 2; }
SRV=https://127.0.0.1:$SRV_PORT

# The server's certificate is not trusted until CURL_CA_BUNDLE says so.
fails 2 morph prices update "$SRV/data.json"
expect_contains "$err" "morph: cannot fetch '$SRV/data.json': SSL certificate problem"
export CURL_CA_BUNDLE=$T_ROOT/cert.pem
ok morph prices --json
builtin=$(json "d['table']['id'][:12]")
ok morph prices update "$SRV/data.json"
expect_eq "$out" "update #1: 34 providers, 1,442 models from $SRV/data.json, $builtin" "update #1"
ok morph prices update "$SRV/data.json"
expect_eq "$out" "unchanged: the table at $SRV/data.json is update #1 already, $builtin" "the same table again"
ok morph prices
expect_contains "$out" "table: update #1, fetched "
expect_contains "$out" "from $SRV/data.json (34 providers, 1,442 models)"
expect_contains "$out" "#1      "

# A new table: o3 at 3/12 from today; runs use it from now on.
python3 - "$T_ROOT/srv/data.json" "$T_ROOT/srv/new.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
o3 = [m for p in d if p["id"] == "openai" for m in p["models"] if m["id"] == "o3"][0]
o3["prices"].append({"constraint": {"start_date": "2026-01-01"},
                     "prices": {"input_mtok": 3, "output_mtok": 12}})
json.dump(d, open(sys.argv[2], "w"))
EOF
ok morph prices update "$SRV/new.json"
expect_contains "$out" "update #2: 34 providers, 1,442 models from $SRV/new.json"
NEW_ID=$(sha=$(morph prices --json) && printf '%s' "$sha" | python3 -c 'import json,sys; print(json.load(sys.stdin)["table"]["id"])')
ok morph prices --at 2026-02-01 openai:o3
expect_contains "$out" "openai/o3                                 3       12"
expect_contains "$out" "table: update #2"
ok morph cat-object -t "$NEW_ID"
expect_eq "$out" blob "the update is a blob in the store"

# What is wrong is said, and the table stays update #2.
bad_update() {	# bad_update URL MESSAGE
	fails 2 morph prices update "$1"
	expect_contains "$err" "$2"
	run morph prices --json
	expect_eq "$(json "d['table']['update'], len(d['updates'])")" "2 2" \
	    "after $1 the table is still update #2"
}
printf 'garbage <html>\n' >"$T_ROOT/srv/garbage.json"
bad_update "$SRV/garbage.json" "not a price table: $SRV/garbage.json:1:1: invalid JSON"
head -c 100000 "$T_ROOT/srv/data.json" >"$T_ROOT/srv/truncated.json"
bad_update "$SRV/truncated.json" "not a price table: $SRV/truncated.json:1:"
bad_update "$SRV/missing.json" "morph: cannot fetch '$SRV/missing.json': the server answered HTTP 404"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); json.dump(d[:6], open(sys.argv[2], "w"))' \
    "$T_ROOT/srv/data.json" "$T_ROOT/srv/shrunk.json"
bad_update "$SRV/shrunk.json" "has 139 models, fewer than half of the 1442 of update #2: not taken"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); json.dump(d[:2], open(sys.argv[2], "w"))' \
    "$T_ROOT/srv/data.json" "$T_ROOT/srv/two.json"
bad_update "$SRV/two.json" "has 2 providers and 25 models; a genai-prices table has dozens and hundreds, so this is not one"
printf '{"gpt-4o": {"input_cost_per_token": 1e-06}}\n' >"$T_ROOT/srv/litellm.json"
bad_update "$SRV/litellm.json" "not a genai-prices table: expected an array of providers (an object keyed by model is litellm's format)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d[0]["models"][2]["match"] = {"regex": "("}; json.dump(d, open(sys.argv[2], "w"))' \
    "$T_ROOT/srv/data.json" "$T_ROOT/srv/badrule.json"
bad_update "$SRV/badrule.json" "providers[0] (anthropic).models[2] (claude-3-5-sonnet).match: regex \"(\" does not compile"
# An unreachable server: a port nothing listens on any more.
python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' >"$T_ROOT/free.port"
free=https://127.0.0.1:$(cat "$T_ROOT/free.port")/data.json
bad_update "$free" "morph: cannot fetch '$free': Failed to connect"
bad_update "http://127.0.0.1:$SRV_PORT/data.json" "is not an https:// URL: prices are fetched over HTTPS only"
ok morph prices
expect_contains "$out" "table: update #2"

# 3. litellm's format still works through prices.file, and wins.
cat >"$T_ROOT/litellm.json" <<'EOF'
{"sample_spec": {"input_cost_per_token": 0},
 "gpt-4o": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
            "cache_read_input_token_cost": 1.25e-06}}
EOF
ok morph config prices.file "$T_ROOT/litellm.json"
ok morph prices openai:gpt-4o
expect_contains "$out" "openai:gpt-4o                  gpt-4o                                  2.5       10       1.25           -"
expect_contains "$out" "table: config prices.file $T_ROOT/litellm.json, litellm (1 models)"
fails 1 morph prices openai:o3
ok morph prices update "$SRV/data.json"
expect_contains "$out" "note: config prices.file is set, and calls are priced with $T_ROOT/litellm.json instead"
printf '[{"id": "x"}]' >"$T_ROOT/broken.json"
ok morph config prices.file "$T_ROOT/broken.json"
fails 2 morph prices openai:o3
expect_contains "$err" "morph: $T_ROOT/broken.json: not a price table (genai-prices' data.json or litellm's model_prices_and_context_window.json): providers[0] (x): models: expected an array"
# A model priced twice: which price was meant?
cat >"$T_ROOT/twice.json" <<'EOF'
{"gpt-4o": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05},
 "gpt-4o": {"input_cost_per_token": 5e-06, "output_cost_per_token": 2e-05}}
EOF
ok morph config prices.file "$T_ROOT/twice.json"
fails 2 morph prices openai:gpt-4o
expect_contains "$err" "morph: $T_ROOT/twice.json:2: gpt-4o: duplicate key"
ok morph config --unset prices.file
kill "$SRV_PID" 2>/dev/null
wait "$SRV_PID" 2>/dev/null

# 4. Runs: models litellm's table lacked run under a budget, priced.
fake_start
new_repo runs
export OPENAI_BASE_URL=$FAKE_URL/v1 OPENAI_API_KEY=sk-test
export ANTHROPIC_BASE_URL=$FAKE_URL ANTHROPIC_API_KEY=sk-ant-test
mkdir -p prompts cases
printf 'Say {{word}}\n' >prompts/p.txt
printf '{"id": "a", "vars": {"word": "one"}}\n{"id": "b", "vars": {"word": "two"}}\n' >cases/c.jsonl
printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["openai:gpt-4.1"]}\n' >morph.json
ok morph add .
ok morph commit -m "Budget with gpt-4.1"
ok morph run --budget 1 --json
expect_eq "$(json "d['models'][0]['cost_nusd'] > 0, d['models'][0]['unpriced']")" "True 0" "gpt-4.1 is priced"
ok morph show --json '#1'
# The fake counts words: "Say one" in, "gpt-4.1: Say one" out.
expect_eq "$(json "[(r['tokens']['in'], r['tokens']['out'], r['cost_nusd']) for r in d['results']]")" \
    "[(2, 3, 28000), (2, 3, 28000)]" "2 in at \$2/M and 3 out at \$8/M"
# The run names its price table, and the table is in the store.
run_id=$(json "d['id']")
ok morph cat-object -p "$run_id"
prices_id=$(json "d['prices']")
expect_eq "$prices_id" "$(morph prices --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["table"]["id"])')" "the run names the table in use"
ok morph cat-object -t "$prices_id"
expect_eq "$out" blob "the run's price table is in the store"
ok morph fsck

# Cache reads and writes at their own rates: Claude Opus 4.1 reads at
# 1.5, writes at 18.75, 15 for the rest of the prompt and 75 out.
printf 'Say {{word}} fault:ok cache-read=1 cache-write=2\n' >prompts/p.txt
printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["anthropic:claude-opus-4-1"]}\n' >morph.json
ok morph commit -a -m "Cached prompts"
ok morph run --budget 1
ok morph show --json '#2'
# The fake counts 5 words in (1 read, 2 written, 2 not cached), 6 out.
expect_eq "$(json "[(r['tokens']['in'], r['tokens']['cached'], r['tokens']['cache_write'], r['tokens']['out'], r['cost_nusd']) for r in d['results']]")" \
    "[(5, 1, 2, 6, 519000), (5, 1, 2, 6, 519000)]" "2x15000 + 1x1500 + 2x18750 + 6x75000"
run2=$(json "d['id']")
ok morph cat-object -p "$run2"
page=$(json "d['pages'][0]")
ok morph cat-object -p "$page"
expect_contains "$out" '"tokens":{"cache_write":2,"cached":1,"in":5,"out":6,"reasoning":null}' "the sealed page counts cache writes"

# The price in force when the answer arrived: o3's answers of before
# 2025-06-10, replayed from the cache, cost what they cost then.
printf 'Say {{word}}\n' >prompts/p.txt
printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["openai:o3"]}\n' >morph.json
ok morph commit -a -m "o3"
ok morph run --json
expect_eq "$(json "d['models'][0]['cost_nusd']")" 56000 "o3 today: 2x2000 + 3x8000 a call"
python3 - .morph/morph.db <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
# 2025-06-01, before the price fell.
db.execute("UPDATE cache SET time = 1748736000000")
db.commit()
EOF
ok morph run --offline --json
expect_eq "$(json "d['models'][0]['cost_nusd']")" 280000 "o3 answered on 2025-06-01: 2x10000 + 3x40000 a call"

# 5. Unpriced costs are "unpriced", never $0.
printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["openai:m-unpriced"]}\n' >morph.json
printf '{"id": "a", "vars": {"word": "one"}, "assert": [{"type": "contains", "value": "one"}]}\n' >cases/c.jsonl
ok morph commit -a -m "An unpriced model"
fails 2 morph run --budget 1
expect_contains "$err" "model 'openai:m-unpriced' has no price"
ok morph run
expect_contains "$out" "unpriced"
expect_not_contains "$out" '$0.000000' "run's summary"
ok morph runs
expect_eq "$(printf '%s\n' "$out" | sed -n 2p | awk '{print $NF}')" unpriced "morph runs"
ok morph runs --json
expect_eq "$(json "d[0]['cost_nusd'], d[0]['unpriced']")" "None 1" "morph runs --json"
ok morph eval
expect_contains "$out" "unpriced"
expect_not_contains "$out" '$0.000000' "eval's text"
ok morph eval --markdown
expect_contains "$out" "| unpriced |"
expect_not_contains "$out" '$0.000000' "eval's Markdown"
ok morph eval --json
expect_eq "$(json "d['models'][0]['run']['cost_nusd'], d['models'][0]['run']['unpriced']")" "None 1" "eval's JSON"
ok morph eval --junit
expect_contains "$out" '<property name="cost" value="unpriced"/>'
ok morph eval --against '#4'
expect_contains "$out" "unpriced"
expect_not_contains "$out" '$0.000000' "eval against a baseline"
ok morph show '#5'
expect_contains "$out" "0 errors, unpriced"
ok morph show --json '#5'
expect_eq "$(json "d['cost_nusd']")" None "morph show --json"

done_testing
