#!/usr/bin/env bash
# morph compare on a suite run across four models of the fake provider
# that differ in quality and price (tests/cli/modelsuite.sh): rates and
# intervals, costs, the oracle, the current model, the frontier, every
# format, --total, pooled runs and bad usage.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/modelsuite.sh"

fake_start
make_model_suite models

# 1. Text: a group per prompt, cheapest first, the current model marked.
ok morph compare
expect_contains "$out" "prompts/easy.txt"
expect_contains "$out" "prompts/hard.txt"
expect_contains "$out" "prompts/mixed.txt"
expect_contains "$out" "oracle: 30 of 30 cases passed by some model"
expect_contains "$out" "current: big, \$0.000070 a call (\$0.070000 per 1,000)"
expect_contains "$out" "(current)"

# 2. JSON: the figures.
ok morph compare --json
expect_eq "$(json "d['current']")" big "current model"
expect_eq "$(json "[g['prompt'] for g in d['groups']]")" \
    "['prompts/easy.txt', 'prompts/hard.txt', 'prompts/mixed.txt']" "groups"
expect_eq "$(json "[m['model'] for m in d['groups'][1]['models']]")" \
    "['tiny', 'small', 'mid', 'big']" "cheapest first"
expect_eq "$(json "[(m['passed'], m['asserted']) for m in d['groups'][1]['models']]")" \
    "[(5, 30), (10, 30), (18, 30), (30, 30)]" "passes on hard.txt"
# Wilson's 95% interval of 18/30 (Wilson 1927): 0.4232 to 0.7541.
expect_eq "$(json "'%.4f %.4f' % (d['groups'][1]['models'][2]['lo'], d['groups'][1]['models'][2]['hi'])")" \
    "0.4232 0.7541" "Wilson interval of 18/30"
# 7 tokens at $1e-5 each way: $0.00007 a call, $0.07 per 1,000.
expect_eq "$(json "round(d['groups'][0]['models'][3]['cost_per_1000_usd'], 9)")" \
    "0.07" "big's cost per 1,000 calls"
expect_eq "$(json "d['groups'][0]['models'][3]['current']")" True "big is current"
# The cheapest model and the best one are always on the frontier; on
# hard.txt quality rises with price, so every model is.
expect_eq "$(json "d['groups'][0]['models'][0]['frontier']")" True "tiny on the frontier"
expect_eq "$(json "all(m['frontier'] for m in d['groups'][1]['models'])")" True \
    "hard.txt: all on the frontier"
# easy.txt's oracle: tiny for e01-e15, small for the rest.
expect_eq "$(json "(d['groups'][0]['oracle']['passed'], round(d['groups'][0]['oracle']['cost_per_call_usd'], 12))")" \
    "(30, 4.2e-06)" "easy.txt's oracle"
expect_eq "$(json "d['groups'][2]['models'][0]['p50_ms'] >= 0")" True "latency"

# 3. --total: one group over every case of the suite.
ok morph compare --total --json
expect_eq "$(json "len(d['groups'])")" 1 "one group"
expect_eq "$(json "d['groups'][0]['prompt']")" None "no prompt"
expect_eq "$(json "[(m['model'], m['passed'], m['asserted']) for m in d['groups'][0]['models']]")" \
    "[('tiny', 22, 68), ('small', 44, 68), ('mid', 55, 68), ('big', 68, 68)]" "totals"

# 4. CSV and Markdown.
ok morph compare --csv
expect_eq "$(printf '%s\n' "$out" | head -1)" \
    "prompt,model,asserted,passed,pass_rate,lo,hi,score,cost_per_call_usd,cost_per_1000_usd,p50_ms,p95_ms,frontier,current" \
    "CSV header"
expect_eq "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 13 "a line per prompt and model"
expect_contains "$out" "prompts/hard.txt,mid,30,18,0.6000,0.4232,0.7541,0.6000,0.000021000,0.021000,"
ok morph compare --total --markdown
expect_contains "$out" "| \`big\` (current) | 68/68 | 100.0% |"

# 5. Pooled runs: a second run of one model adds its samples.
ok morph run -m fake:mid --repeat 2
ok morph compare --json '#1' '#2' HEAD
expect_eq "$(json "[m['asserted'] for m in d['groups'][1]['models'] if m['model'] == 'mid']")" \
    "[90]" "30 + 2 x 30 samples of mid"
# Samples of a case that always agree count once: the interval is the
# one of 30 cases, not of 90 samples.
expect_eq "$(json "[round(m['effective_n'], 6) for m in d['groups'][1]['models'] if m['model'] == 'mid']")" \
    "[30]" "clustered by case"

# 6. Errors.
fails 2 morph compare '#42'
expect_contains "$err" "#42"
fails 2 morph compare --json --csv
expect_contains "$err" "give one of"
cd "$T_ROOT" && mkdir empty && cd empty && "$MORPH" init >/dev/null
T_REPOS+=("$PWD")
fails 2 morph compare
cd "$T_ROOT"

done_testing
