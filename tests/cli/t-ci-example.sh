#!/usr/bin/env bash
# examples/ci/morph-ci.sh as the workflow in examples/ci/morph.yml runs it:
# main's commits, then a pull request that regresses and one that does not.
. "$(dirname "$0")/lib.sh"
CI=$MORPH_SOURCE_DIR/examples/ci/morph-ci.sh
export PATH="$(dirname "$MORPH"):$PATH"

# A git repository with the suite in prompts/, as the workflow expects.
mkdir proj && cd proj
git init -q . && git config user.email ci@example.com && git config user.name CI
mkdir prompts
(cd prompts && "$MORPH" init --example . >/dev/null && rm -rf .morph)
git add . && git commit -qm "Suite"
cd prompts

# main: the first run is the baseline.
ok bash "$CI" main
T_REPOS+=("$PWD")
expect_contains "$out" "0 failing results"
ok morph runs --json
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), d[0]["state"])')" "1 done" "main has a run"
cp -r .morph "$T_ROOT/main-state"	# what the workflow caches

# A pull request that drops the names: it regresses, exit 1, a report.
sed -i 's/{{name}}, who/our new colleague, who/' prompts/welcome.txt
git commit -qam "Shorter welcome"
MORPH_CI_OUT=$T_ROOT/report fails 1 bash "$CI" pr
expect_contains "$out" "2 regressions"
expect_contains "$(cat "$T_ROOT/report/morph-report.md")" "## morph eval: :x: 2 regressions"
expect_contains "$(cat "$T_ROOT/report/morph-report.md")" "### Suite changes"
T_CHECKS=$((T_CHECKS + 1))
if python3 -c "import xml.etree.ElementTree as ET; ET.parse('$T_ROOT/report/morph-junit.xml')"; then
	pass "the JUnit report parses"
else
	fail "the JUnit report does not parse"
fi
expect_eq "$(python3 -c "import json; print(json.load(open('$T_ROOT/report/morph-eval.json'))['summary']['regressions'])")" 2 "JSON report"

# Another pull request from main's state that changes only wording the
# assertions do not check: no regression, exit 0.
git checkout -q HEAD~1 -- .
rm -rf .morph && cp -r "$T_ROOT/main-state" .morph
sed -i 's/Mention their name/Please mention their name/' prompts/welcome.txt
git commit -qam "Politer welcome"
MORPH_CI_OUT=$T_ROOT/report2 ok bash "$CI" pr
expect_contains "$out" "0 regressions"
expect_contains "$(cat "$T_ROOT/report2/morph-report.md")" ":white_check_mark: 0 regressions"
fails 2 bash "$CI" nonsense
expect_contains "$err" "usage: morph-ci.sh"
cd "$T_ROOT"
done_testing
