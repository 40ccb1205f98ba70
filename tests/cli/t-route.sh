#!/usr/bin/env bash
# morph route: a suite run against the fake provider with models whose
# quality and price differ, judged by morph select under the rule of its
# morph.json and exported in every format; each export is fed
# to the routers' own checks (../shared/specs/otari/check-otari.py and
# ../shared/specs/litellm/check-litellm.py), and morph route explain says
# why each model is in or out.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/routerchecks.sh"

fake_start
new_repo r
ok morph config --type json providers.fake \
    "{\"dialect\":\"openai\",\"base_url\":\"$FAKE_URL/v1\",\"key_env\":\"FAKE_KEY\"}"
export FAKE_KEY=k
mkdir -p prompts/sub cases
printf 'Answer {{q}}\n' >prompts/a.txt
printf 'Explain {{q}}\n' >prompts/sub/b.md
printf 'Guess {{q}}\n' >prompts/c.txt
printf 'Refuse {{q}}\n' >"prompts/odd name.txt"
# The fake answers "<model>: <message>": a case passes for the models its
# regex names.  On a.txt (40 cases): giant and huge 40, big, "odd #1" and
# mid 39, small 20, tiny 0: mid is the cheapest not worse than big.  On
# b.md (40): big and huge 40, "odd #1" and mid 20, small and tiny 10,
# giant 0: nothing cheaper is good enough.  On c.txt (6): all but small,
# tiny and giant pass all six, too few to decide.  On "odd name.txt" no
# model passes.
python3 - <<'PY'
import json
def case(i, prompt, models):
    return {"id": "%s-%02d" % (prompt.split("/")[-1].split(".")[0], i),
            "prompts": [prompt], "vars": {"q": str(i)},
            "assert": [{"type": "regex",
                        "value": "^(%s):" % "|".join(models)}]}
top = ["giant", "huge", "big", "odd #1", "mid"]
with open("cases/c.jsonl", "w") as f:
    for i in range(1, 41):
        m = ["giant", "huge"] if i == 1 else top if i <= 20 else top + ["small"]
        f.write(json.dumps(case(i, "prompts/a.txt", m)) + "\n")
    for i in range(1, 41):
        m = ["big", "huge"] + (["odd #1", "mid"] if i <= 20 else []) + \
            (["small", "tiny"] if i <= 10 else [])
        f.write(json.dumps(case(i, "prompts/sub/b.md", m)) + "\n")
    for i in range(1, 7):
        f.write(json.dumps(case(i, "prompts/c.txt", top[1:])) + "\n")
    f.write(json.dumps({"id": "never", "prompts": ["prompts/odd name.txt"],
        "vars": {"q": "it"},
        "assert": [{"type": "contains", "value": "nobody says this"}]}) + "\n")
PY
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt", "prompts/sub/*.md"], "cases": ["cases/*.jsonl"],
 "models": ["fake:tiny", "fake:small", "fake:mid", "fake:big", "fake:huge",
            "fake:odd #1", "fake:giant"],
 "defaults": {"max_tokens": 50},
 "select": {"floor": 0.8, "margin": 0.1, "alpha": 0.05, "baseline": "fake:big"}}
EOF
# USD per token; huge has no row, so it is unpriced.
cat >"$T_ROOT/prices.json" <<'EOF'
{"tiny": {"input_cost_per_token": 0.00000005, "output_cost_per_token": 0.0000001},
 "small": {"input_cost_per_token": 0.0000001, "output_cost_per_token": 0.0000002},
 "mid": {"input_cost_per_token": 0.0000005, "output_cost_per_token": 0.000001, "cache_read_input_token_cost": 0.00000025},
 "odd #1": {"input_cost_per_token": 0.000002, "output_cost_per_token": 0.000004},
 "big": {"input_cost_per_token": 0.000003, "output_cost_per_token": 0.000015},
 "giant": {"input_cost_per_token": 0.00001, "output_cost_per_token": 0.00005}}
EOF
ok morph config prices.file "$T_ROOT/prices.json"
ok morph add .
ok morph commit -m "Four prompts, seven models"
ok morph run --json
run_id=$(json "d['id']")
commit=$(morph rev-parse HEAD)

# 1. Otari: a policy per prompt, pricing for each model named, the header
# naming the commit, the run and the rule of morph.json.
ok morph route export --format otari -o "$T_ROOT/otari.yml"
expect_eq "$out" "" "-o writes nothing on stdout"
otari=$(cat "$T_ROOT/otari.yml")
expect_contains "$otari" "# morph route export --format otari
# commit $commit
# run $run_id
# rule: floor 0.8, margin 0.1, alpha 0.05, baseline fake:big
# source: morph select:" "header: format, commit, run, rule and source"
expect_contains "$otari" "#   prompts-odd_name (prompts/odd name.txt)"
expect_contains "$otari" "    prompts-a:
      spec_version: 1
      select:
        - default: fake:mid
      on_failure:
        - \"fake:odd #1\"
        - fake:big
        - fake:giant
    prompts-c:
      spec_version: 1
      select:
        - default: fake:big
    prompts-odd_name:
      spec_version: 1
      select:
        - default: fake:big
    prompts-sub-b:
      spec_version: 1
      select:
        - default: fake:big
pricing:" "a: mid, then up the frontier; the others keep big"
expect_contains "$otari" "  fake:mid:
    input_price_per_million: 0.5
    output_price_per_million: 1.0
    cache_read_price_per_million: 0.25" "pricing of fake:mid, per million"
expect_not_contains "$otari" "fake:huge" "the unpriced model is named nowhere"
expect_not_contains "$otari" "fake:small" "a model below the floor is named nowhere"
check_otari config "$T_ROOT/otari.yml"

# A canary: 10% to the recommended model, the rest to the baseline.
ok morph route export --format otari --canary 10
printf '%s\n' "$out" >"$T_ROOT/canary.yml"
expect_contains "$out" "        - router: weighted
          candidates:
            - fake:mid
            - fake:big
          weights:
            fake:mid: 10
            fake:big: 90
        - default: fake:mid
      on_failure:
        - \"fake:odd #1\"
        - fake:giant" "canary: a weighted split, 10% to mid, 90% to big"
check_otari config "$T_ROOT/canary.yml"
fails 2 morph route export --format otari --canary 100
expect_contains "$err" "--canary"
fails 2 morph route export --format otari --floor 0.5
expect_contains "$err" "floor"

# 2. Otari's learned router: one body per line, scores of the candidates.
fails 2 morph route export --format otari-rank
expect_contains "$err" "needs --user"
ok morph route export --format otari-rank --user alice -o "$T_ROOT/rank.jsonl"
expect_eq "$(wc -l <"$T_ROOT/rank.jsonl" | tr -d ' ')" 1 "one body for 87 examples"
out=$(cat "$T_ROOT/rank.jsonl")
expect_eq "$(json "d['user_id'], len(d['examples'])")" "alice 87" "user and examples"
expect_eq "$(json "[(e['task_id'], e['prompt'], sorted(e['scores'].items())) for e in d['examples']][0]")" \
    "('prompts/a.txt', 'Answer 1', [('fake:big', 0), ('fake:giant', 1), ('fake:mid', 0), ('fake:odd #1', 0)])" \
    "an example: the prompt as rendered, the candidates' scores"
check_otari rank "$T_ROOT/rank.jsonl"

# 3. LiteLLM: a model group per prompt, costs per token, fallbacks up.
ok morph route export --format litellm -o "$T_ROOT/litellm.yaml"
litellm=$(cat "$T_ROOT/litellm.yaml")
expect_contains "$litellm" "# morph route export --format litellm
# commit $commit" "litellm header"
expect_contains "$litellm" "  - model_name: prompts-a
    litellm_params:
      model: fake/mid
      api_key: os.environ/FAKE_KEY
      input_cost_per_token: 0.0000005
      output_cost_per_token: 0.000001
      cache_read_input_token_cost: 0.00000025" "a deployment: model, key variable, costs per token"
expect_contains "$litellm" "      model: \"fake/odd #1\""
expect_contains "$litellm" "  routing_strategy: cost-based-routing
  fallbacks:
    - prompts-a:
        - prompts-a@2
        - prompts-a@3
        - prompts-a@4" "fallbacks up in price"
expect_not_contains "$litellm" "FAKE_KEY=" "no key, only its variable"
expect_not_contains "$litellm" "fake/huge" "the unpriced model is left out"
check_litellm "$T_ROOT/litellm.yaml"

# 4. OpenRouter: the request fields per prompt; the header is "morph".
ok morph route export --format openrouter
expect_eq "$(json "d['morph']['commit'], d['morph']['runs']")" "$commit ['$run_id']" "header: commit and run"
expect_eq "$(json "d['prompts']['prompts/a.txt']")" \
    "{'models': ['fake/mid', 'fake/odd #1', 'fake/big', 'fake/giant'], 'provider': {'sort': 'price', 'max_price': {'prompt': 10, 'completion': 50}}}" \
    "models in order, sorted by price, capped at the dearest"
expect_eq "$(json "d['prompts']['prompts/sub/b.md']['models']")" "['fake/big']" "b.md keeps big"
expect_eq "$(json "[m['model'] for m in d['morph']['left_out']['prompts/a.txt']]")" \
    "['fake:tiny', 'fake:small', 'fake:huge']" "left out, with reasons"

# 5. explain: the plan for one prompt in words, each model's reason.
ok morph route explain prompts/a.txt
expect_contains "$out" "prompt prompts/a.txt, routed as prompts-a"
expect_contains "$out" "rule: floor 0.8 (80%), margin 0.1, alpha 0.05, baseline fake:big"
expect_contains "$out" "candidates, in routing order:
  1. fake:mid  RECOMMEND  share 100%" "explain: candidates in order"
expect_contains "$out" "the cheapest that meets the floor 80% and is within the margin 0.1 of fake:big (p = 0.018)"
expect_contains "$out" "  2. fake:odd #1  QUALIFIES  on failure"
expect_contains "$out" "  3. fake:big  QUALIFIES  on failure"
expect_contains "$out" "the baseline: a fallback"
expect_contains "$out" "  4. fake:giant  QUALIFIES  on failure"
expect_contains "$out" "on the frontier, dearer than the baseline"
expect_contains "$out" "  - fake:small  EXCLUDED"
expect_contains "$out" "below the floor: its one-sided upper bound 63% is under 80%"
expect_contains "$out" "not tested: the descent from the dearest stopped at fake:small"
expect_contains "$out" "unpriced: the price table has no row for it"
ok morph route explain prompts/c.txt
expect_contains "$out" "  1. fake:big  KEEP  share 100%"
expect_contains "$out" "the baseline, kept while the evidence on a cheaper model is inconclusive"
expect_contains "$out" "  - fake:odd #1  INCONCLUSIVE"
expect_contains "$out" "inconclusive: not shown to meet the floor 80% (one-sided bounds 69% to 100%); about 25 cases would settle it"
ok morph route explain prompts/sub/b.md
expect_contains "$out" "  1. fake:big  KEEP  share 100%"
expect_contains "$out" "the baseline, kept: no cheaper model qualifies"
ok morph route explain "prompts/odd name.txt"
expect_contains "$out" "the baseline, kept for want of a better one, though below the floor"
ok morph route explain --canary 5 prompts-a "$run_id"
expect_contains "$out" "1. fake:mid  RECOMMEND  share 5% (canary)"
expect_contains "$out" "3. fake:big  QUALIFIES  share 95%"
ok morph route explain --json --canary 5 prompts/a.txt
expect_eq "$(json "d['name'], d['commit'] == '$commit', d['runs'], d['rule']")" \
    "prompts-a True ['$run_id'] {'floor': 0.8, 'margin': 0.1, 'alpha': 0.05, 'baseline': 'fake:big'}" "explain --json: header"
expect_eq "$(json "[(m['id'], m['verdict'], m['share_pct'], m['n'], m['k']) for m in d['candidates']]")" \
    "[('fake:mid', 'RECOMMEND', 5, 40, 39), ('fake:odd #1', 'QUALIFIES', None, 40, 39), ('fake:big', 'QUALIFIES', 95, 40, 39), ('fake:giant', 'QUALIFIES', None, 40, 40)]" \
    "explain --json: candidates, shares"
expect_eq "$(json "[(m['id'], m['input_mtok'], m['key_env']) for m in d['left_out']]")" \
    "[('fake:tiny', 0.05, 'FAKE_KEY'), ('fake:small', 0.1, 'FAKE_KEY'), ('fake:huge', None, 'FAKE_KEY')]" \
    "explain --json: left out, prices"
fails 2 morph route export --json --format otari
fails 2 morph route explain prompts/none.txt
expect_eq "$err" "morph: route explain: the run has no results of prompt 'prompts/none.txt'"
fails 2 morph route explain --format otari prompts/a.txt
fails 2 morph route export
expect_contains "$err" "export needs --format"
fails 2 morph route export --format yaml
expect_contains "$err" "--format is otari, otari-rank, litellm or openrouter, not 'yaml'"
fails 2 morph route export --format otari -o "$T_ROOT/no/such/dir/x.yml"
expect_contains "$err" "cannot write '$T_ROOT/no/such/dir/x.yml'"
fails 2 morph route
expect_contains "$err" "give export or explain"

# 6. A run without the baseline: nothing to compare with, nothing to
# route, exit 1; explain says why, and exits 1 too.
ok morph run -m fake:tiny --json
tiny=$(json "d['id']")
fails 1 morph route export --format otari "$tiny"
expect_contains "$err" "nothing to route"
expect_eq "$out" "" "nothing is written"
fails 1 morph route explain prompts/a.txt "$tiny"
expect_contains "$out" "no candidate"
expect_contains "$out" "the baseline has no results on this prompt"

# 7. Two runs pool: the baseline's run and a cheaper model's, made apart.
ok morph run -m fake:big --json
big=$(json "d['id']")
ok morph run -m fake:mid --json
mid=$(json "d['id']")
ok morph route export --format openrouter "$big" "$mid"
expect_eq "$(json "d['morph']['runs'], d['prompts']['prompts/a.txt']['models']")" \
    "['$big', '$mid'] ['fake/mid', 'fake/big']" "two runs: mid recommended, big behind it"

# 8. A baseline per prompt: a.txt has moved to mid, the rest stay on big;
# the header names the rule, each prompt is judged against its own.
python3 - <<'PY'
import json
d = json.load(open("morph.json"))
d["select"]["baseline"] = {"prompts/a.txt": "fake:mid", "**": "fake:big"}
json.dump(d, open("morph.json", "w"))
PY
ok morph commit -a -m "a.txt has moved to mid"
ok morph run --json
ok morph route export --format otari
expect_contains "$out" "# rule: floor 0.8, margin 0.1, alpha 0.05, baseline {prompts/a.txt: fake:mid, **: fake:big}" "header: the rule per prompt"
expect_contains "$out" "    prompts-a:
      spec_version: 1
      select:
        - default: fake:mid" "a.txt keeps its own baseline, mid"
ok morph route explain --json prompts/a.txt
expect_eq "$(json "d['baseline'], d['candidates'][0]['id'], d['candidates'][0]['verdict']")" \
    "fake:mid fake:mid KEEP" "explain: a.txt's baseline is mid, kept"
ok morph route explain --json prompts/sub/b.md
expect_eq "$(json "d['baseline'], d['candidates'][0]['id']")" "fake:big fake:big" "b.md's is big"

done_testing
