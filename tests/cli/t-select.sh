#!/usr/bin/env bash
# morph select on a suite run across four models of the fake provider
# that differ in quality and price (tests/cli/modelsuite.sh): RECOMMEND,
# KEEP and INCONCLUSIVE, --json, repeats (the paired t test), --check as
# a CI gate that fails when the suite changes, and the rule's checks.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/modelsuite.sh"

fake_start
make_model_suite models

# 1. The three verdicts.
ok morph select
expect_contains "$out" "rule: floor 0.8, margin 0.1, alpha 0.05, baseline big"
expect_contains "$out" "prompts/easy.txt: RECOMMEND small instead of big: \$0.007000 instead of \$0.070000 per 1,000 calls"
expect_contains "$out" "prompts/hard.txt: KEEP big"
expect_contains "$out" "prompts/mixed.txt: INCONCLUSIVE big: about "

# 2. JSON: the tests behind them.
ok morph select --json
expect_eq "$(json "[(p['prompt'], p['verdict'], p['model']) for p in d['prompts']]")" \
    "[('prompts/easy.txt', 'RECOMMEND', 'small'), ('prompts/hard.txt', 'KEEP', 'big'), ('prompts/mixed.txt', 'INCONCLUSIVE', 'big')]" \
    "verdicts"
# easy.txt: mid and small qualify, tiny (15/30) is below the floor and
# stops the descent, from the most expensive down.
expect_eq "$(json "[(t['model'], t['qualifies']) for t in d['prompts'][0]['tested']]")" \
    "[('mid', True), ('small', True), ('tiny', False)]" "descent on easy.txt"
expect_eq "$(json "d['prompts'][0]['tested'][2]['floor']")" fails "tiny fails the floor"
# 30 paired cases alike, margin 0.1: Tango's Z = 1.826, p = 0.0339.
expect_eq "$(json "'%.3f %.4f' % (d['prompts'][0]['tested'][0]['statistic'], d['prompts'][0]['tested'][0]['p_value'])")" \
    "1.826 0.0339" "Tango's test of mid"
expect_eq "$(json "d['prompts'][0]['tested'][0]['test']")" tango "single samples: Tango"
# hard.txt: mid (18/30) is below the floor: KEEP, after one test.
expect_eq "$(json "[(t['model'], t['floor']) for t in d['prompts'][1]['tested']]")" \
    "[('mid', 'fails')]" "hard.txt stops at mid"
# mixed.txt: 7/8 against 8/8 settles nothing yet.
expect_eq "$(json "d['prompts'][2]['cases_needed'] > 8")" True "cases that would settle it"
expect_eq "$(json "d['prompts'][2]['tested'][0]['floor']")" unsure "mixed.txt: floor unsure"
expect_eq "$(json "d['rule']")" \
    "{'floor': 0.8, 'margin': 0.1, 'alpha': 0.05, 'baseline': 'big'}" "rule"

# 3. --check: a cheaper model qualifies on easy.txt.
fails 1 morph select --check
expect_contains "$err" "prompts/easy.txt: small is cheaper and not worse than big"

# 4. Repeats: the paired t test on per-case pass rates.
ok morph run --repeat 3
ok morph select --json
expect_eq "$(json "d['prompts'][0]['tested'][0]['test']")" paired-t "repeats: the t test"
expect_eq "$(json "[(p['verdict'], p['model']) for p in d['prompts']]")" \
    "[('RECOMMEND', 'small'), ('KEEP', 'big'), ('INCONCLUSIVE', 'big')]" "same verdicts"

# 5. A CI gate: small in use, floor 0.3, passes; then hard.txt's cases
# change so that small passes none of them, and the gate fails.
python3 - <<'EOF2'
import json
d = json.load(open("morph.json"))
d["select"] = {"floor": 0.3, "margin": 0.1, "alpha": 0.05, "baseline": "small"}
json.dump(d, open("morph.json", "w"))
EOF2
ok morph commit -a -m "Small in use"
ok morph run
ok morph select --check
expect_contains "$out" "prompts/hard.txt: INCONCLUSIVE small"
sed -i '/"id": "h/s/|small//' cases/c.jsonl
ok morph commit -a -m "Harder cases"
ok morph run
fails 1 morph select --check
expect_contains "$err" "prompts/hard.txt: small is below the floor"

# 6. The rule is checked where morph.json is read, before anything is
# sent, naming the field.
bad_rule() {	# bad_rule JSON MESSAGE
	python3 - "$1" <<'EOF2'
import json, sys
d = json.load(open("morph.json"))
d["select"] = json.loads(sys.argv[1])
json.dump(d, open("morph.json", "w"))
EOF2
	morph commit -q -a -m "bad rule" >/dev/null
	fails 2 morph run --dry-run
	expect_contains "$err" "$2"
	morph reset -q --hard HEAD~1 >/dev/null
}
ok morph run --dry-run
bad_rule '{"floor": 1.5}' "morph.json: select.floor: expected a pass rate from 0 to 1"
bad_rule '{"margin": 1}' "morph.json: select.margin: expected a difference"
bad_rule '{"alpha": 0}' "morph.json: select.alpha: expected a significance level"
bad_rule '{"baseline": "gpt"}' "morph.json: select.baseline: 'gpt' is not the id of a model"
bad_rule '{"flor": 0.8}' "morph.json: select.flor: unknown field"
bad_rule '[0.8]' "morph.json: select: expected an object"

done_testing
