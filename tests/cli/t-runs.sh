#!/usr/bin/env bash
# morph runs, morph show for runs, and morph run's terminal output: the
# progress bar on a terminal only, the per-model summary.
. "$(dirname "$0")/lib.sh"
json() { printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

ok morph init --example r
T_REPOS+=("$T_ROOT/r")
cd r
ok morph runs
expect_contains "$out" "no runs"
ok morph add .
ok morph commit -m "Example suite"
ok morph runs HEAD
expect_contains "$out" "no runs of HEAD"

ok morph run
expect_not_contains "$err" "[#" "no progress bar when stderr is not a terminal"
expect_contains "$out" "echo:starter"
ok morph runs
expect_contains "$out" "#1"
expect_contains "$out" "done"
ok morph runs --json
expect_eq "$(json "len(d), d[0]['run'], d[0]['state'], d[0]['results'], d[0]['total']")" "1 1 done 4 4" "runs --json"
id=$(json "d[0]['id']")
commit=$(json "d[0]['commit']")
expect_eq "$commit" "$(morph rev-parse HEAD)" "the run's commit"

# A run is named by its id, a prefix, #N, or its commit.
ok morph show "$id"
expect_contains "$out" "run #1 $id"
ok morph show "${id:0:8}"
expect_contains "$out" "run #1"
ok morph show '#1'
expect_contains "$out" "4 of 4 results"
ok morph show --json '#1'
expect_eq "$(json "d['run'], len(d['results']), d['models'][0]['model']")" "1 4 echo:starter" "show --json of a run"
ok morph cat-object -t "$id"
expect_eq "$out" run "a sealed run is a run object"
ok morph cat-object -p "$id"
expect_contains "$out" '"pages"'
fails 2 morph show '#9'
expect_contains "$err" "run #9 not found"
fails 2 morph show '#x'
expect_contains "$err" "not a run number"
# What strtoll(3) would read as run 1 or as the largest number.
for n in '# 1' '#+1' '#0x1' '#99999999999999999999'; do
	fails 2 morph show "$n"
	expect_contains "$err" "morph: '$n' is not a run number"
done

# A second commit and its own runs.
printf 'Say hello to {{name}}.\n' >prompts/welcome.txt
ok morph commit -a -m "Shorter welcome"
ok morph run
ok morph runs --json HEAD
expect_eq "$(json "len(d), d[0]['run']")" "1 2" "runs of one commit"
ok morph runs --json
expect_eq "$(json "[r['run'] for r in d]")" "[2, 1]" "newest first"
fails 2 morph runs nosuchrev
expect_contains "$err" "unknown revision"
fails 2 morph runs a b
expect_contains "$err" "usage: morph runs"

# On a terminal, morph run draws a progress bar on stderr, then clears it.
if command -v script >/dev/null; then
	script -qec "$MORPH run --no-cache" /dev/null >"$T_ROOT/tty.out" 2>&1
	T_CHECKS=$((T_CHECKS + 1))
	if grep -q '\[########################\] 4/4' "$T_ROOT/tty.out"; then
		pass "progress bar on a terminal"
	else
		fail "no progress bar on a terminal: $(cat -v "$T_ROOT/tty.out" | head -5)"
	fi
fi
cd "$T_ROOT"
done_testing
