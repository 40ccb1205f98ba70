#!/usr/bin/env bash
# morph select on a suite run across four models of the fake provider
# that differ in quality and price (tests/cli/modelsuite.sh): RECOMMEND,
# KEEP and INCONCLUSIVE, --json, repeats (the paired t test), --check as
# a CI gate that fails when the suite changes, the rule's checks, and a
# baseline per prompt.
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

# 3b. morph-select(1)'s example: easy.txt moved to small, the others on
# big, passes the gate.
python3 - <<'EOF2'
import json
d = json.load(open("morph.json"))
d["select"]["baseline"] = {"prompts/easy.txt": "small", "**": "big"}
json.dump(d, open("morph.json", "w"))
EOF2
ok morph commit -q -a -m "Easy prompts on small"
ok morph run
ok morph select --check
expect_contains "$out" "prompts/easy.txt: KEEP small"
expect_contains "$out" "prompts/hard.txt: KEEP big"
expect_contains "$out" "prompts/mixed.txt: INCONCLUSIVE big: about 390 cases would settle it"
# morph-compare(1)'s: each prompt's own current model.
ok morph compare
expect_contains "$out" "current: small, \$0.000007 a call (\$0.007000 per 1,000)"
expect_contains "$out" "current: big, \$0.000070 a call (\$0.070000 per 1,000)"
ok morph reset -q --hard HEAD~1

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
bad_rule '{"baseline": {"prompts/easy.txt": "gpt", "prompts/**": "big"}}' \
    "morph.json: select.baseline.prompts/easy.txt: 'gpt' is not the id of a model"
# "*" stops at a '/', as in "prompts": it would serve no prompt here.
bad_rule '{"baseline": {"prompts/easy.txt": "small", "*": "big"}}' \
    "morph.json: select.baseline.*: '*' matches no prompt"
bad_rule '{"baseline": {"prompts/*": "big", "prompts/easy.txt": "small"}}' \
    "morph.json: select.baseline.prompts/easy.txt: every prompt 'prompts/easy.txt' matches is taken by the earlier key 'prompts/*'"
bad_rule '{"baseline": {}}' "morph.json: select.baseline: empty"

# 7. A model per prompt: summary.txt moved to small, legal.txt stayed on
# big, as select advised.  No one baseline passes the gate (big: small
# would do for summary.txt; small: it is below the floor on legal.txt);
# select.baseline as an object does, until summary.txt's cases grow
# harder than small.
model_suite_repo perprompt
mkdir -p prompts cases
printf 'Summarise {{n}}\n' >prompts/summary.txt
printf 'Review contract {{n}}\n' >prompts/legal.txt
: >cases/c.jsonl
case_line() {	# case_line ID PROMPT N WHO
	printf '{"id": "%s", "prompts": ["prompts/%s"], "vars": {"n": %d}, "assert": [{"type": "regex", "value": "^(%s):"}]}\n' \
	    "$1" "$2" "$3" "$4" >>cases/c.jsonl
}
for i in $(seq 1 30); do
	case_line "s$i" summary.txt "$i" "big|small"
	who="big"
	[ "$i" -le 10 ] && who="big|small"
	case_line "l$i" legal.txt "$i" "$who"
done
cat >morph.json <<'EOF2'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": [{"id": "big", "model": "fake:big"},
            {"id": "small", "model": "fake:small"}],
 "defaults": {"max_tokens": 20},
 "select": {"floor": 0.8, "margin": 0.1, "alpha": 0.05, "baseline": "big"}}
EOF2
set_baseline() {	# set_baseline JSON MESSAGE: commits and runs it
	python3 - "$1" <<'EOF2'
import json, sys
d = json.load(open("morph.json"))
d["select"]["baseline"] = json.loads(sys.argv[1])
json.dump(d, open("morph.json", "w"))
EOF2
	ok morph add .
	ok morph commit -q -m "$2"
	ok morph run
}
set_baseline '"big"' "Two prompts on big"
fails 1 morph select --check
expect_contains "$err" "prompts/summary.txt: small is cheaper and not worse than big"
expect_not_contains "$err" "prompts/legal.txt"
set_baseline '"small"' "Two prompts on small"
fails 1 morph select --check
expect_contains "$err" "prompts/legal.txt: small is below the floor"
expect_not_contains "$err" "prompts/summary.txt"
set_baseline '{"prompts/summary.txt": "small", "**": "big"}' \
    "Summaries on small"
ok morph select --check
expect_contains "$out" 'rule: floor 0.8, margin 0.1, alpha 0.05, baseline {prompts/summary.txt: small, **: big}'
expect_contains "$out" "prompts/legal.txt: KEEP big"
expect_contains "$out" "prompts/summary.txt: KEEP small"
ok morph select --json
expect_eq "$(json "d['rule']['baseline']")" \
    "{'prompts/summary.txt': 'small', '**': 'big'}" "rule: the object"
expect_eq "$(json "[(p['prompt'], p['baseline']) for p in d['prompts']]")" \
    "[('prompts/legal.txt', 'big'), ('prompts/summary.txt', 'small')]" \
    "each prompt's baseline"
# compare marks each prompt's own configured model.
ok morph compare
expect_contains "$out" "current: small, "
expect_contains "$out" "current: big, "
ok morph compare --json
expect_eq "$(json "d['current']")" \
    "{'prompts/summary.txt': 'small', '**': 'big'}" "compare: the object"
expect_eq "$(json "[(g['prompt'], g['current']) for g in d['groups']]")" \
    "[('prompts/legal.txt', 'big'), ('prompts/summary.txt', 'small')]" \
    "compare: each prompt's current"
# The suite as a whole has no one configured model.
ok morph compare --total
expect_contains "$out" "current: set per prompt by select.baseline"
expect_not_contains "$out" "(current)"
fails 2 morph select --total
expect_contains "$err" "morph: select: the suite as a whole has no baseline"
# Summaries grow harder: small passes none of the new cases, and the
# gate names the prompt.
for i in $(seq 31 60); do
	case_line "s$i" summary.txt "$i" "big"
done
ok morph commit -q -a -m "Harder summaries"
ok morph run
fails 1 morph select --check
expect_contains "$err" "morph: select: prompts/summary.txt: small is below the floor"
expect_not_contains "$err" "prompts/legal.txt"

done_testing
