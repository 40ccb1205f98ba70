# A suite of three prompts run across four models of the fake provider
# whose quality and price differ, sourced by t-compare.sh and
# t-select.sh after lib.sh.  The fake answers "<model>: <prompt>", so a
# case's regex on the model's name decides which models pass it:
#
#   model  price a token   easy.txt (30)  hard.txt (30)  mixed.txt (8)
#   big    $10e-6          30             30             8
#   mid    $3e-6           30             18             7
#   small  $1e-6           30             10             4
#   tiny   $0.2e-6         15             5              2
#
# model_suite_repo DIR: makes the repository DIR and configures the fake
# provider (FAKE_URL, already started) and the prices of the table above.
model_suite_repo() {
	new_repo "$1"
	"$MORPH" config --type json providers.fake \
	    "{\"dialect\":\"openai\",\"base_url\":\"$FAKE_URL/v1\"}" ||
	    exit 2
	cat >"$T_ROOT/prices.json" <<'EOF2'
{"big": {"input_cost_per_token": 1e-5, "output_cost_per_token": 1e-5},
 "mid": {"input_cost_per_token": 3e-6, "output_cost_per_token": 3e-6},
 "small": {"input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6},
 "tiny": {"input_cost_per_token": 2e-7, "output_cost_per_token": 2e-7}}
EOF2
	"$MORPH" config prices.file "$T_ROOT/prices.json" || exit 2
}

# make_model_suite DIR: makes the repository DIR, commits the suite (with
# the select rule: floor 0.8, margin 0.1, alpha 0.05, baseline big) and
# runs it.
make_model_suite() {
	local i who
	model_suite_repo "$1"
	mkdir -p prompts cases
	printf 'Easy question {{n}}\n' >prompts/easy.txt
	printf 'Hard question {{n}}\n' >prompts/hard.txt
	printf 'Mixed question {{n}}\n' >prompts/mixed.txt
	: >cases/c.jsonl
	# who PROMPT N: the models that pass case N of PROMPT.
	for i in $(seq 1 30); do
		who="big|mid|small"
		[ "$i" -le 15 ] && who="$who|tiny"
		printf '{"id": "e%02d", "prompts": ["prompts/easy.txt"], "vars": {"n": %d}, "assert": [{"type": "regex", "value": "^(%s):"}]}\n' \
		    "$i" "$i" "$who" >>cases/c.jsonl
		who="big"
		[ "$i" -le 18 ] && who="$who|mid"
		[ "$i" -le 10 ] && who="$who|small"
		[ "$i" -le 5 ] && who="$who|tiny"
		printf '{"id": "h%02d", "prompts": ["prompts/hard.txt"], "vars": {"n": %d}, "assert": [{"type": "regex", "value": "^(%s):"}]}\n' \
		    "$i" "$i" "$who" >>cases/c.jsonl
	done
	for i in $(seq 1 8); do
		who="big"
		[ "$i" -le 7 ] && who="$who|mid"
		[ "$i" -le 4 ] && who="$who|small"
		[ "$i" -le 2 ] && who="$who|tiny"
		printf '{"id": "m%02d", "prompts": ["prompts/mixed.txt"], "vars": {"n": %d}, "assert": [{"type": "regex", "value": "^(%s):"}]}\n' \
		    "$i" "$i" "$who" >>cases/c.jsonl
	done
	cat >morph.json <<'EOF2'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": [{"id": "big", "model": "fake:big"},
            {"id": "mid", "model": "fake:mid"},
            {"id": "small", "model": "fake:small"},
            {"id": "tiny", "model": "fake:tiny"}],
 "defaults": {"max_tokens": 20},
 "select": {"floor": 0.8, "margin": 0.1, "alpha": 0.05, "baseline": "big"}}
EOF2
	"$MORPH" add . >/dev/null && "$MORPH" commit -q -m "Four models" ||
	    exit 2
	"$MORPH" run >/dev/null || exit 2
}
