#!/usr/bin/env bash
# examples/ci/morph-ci.sh as the workflow in examples/ci/morph.yml runs
# it, on fresh runners (clones of the project's bare "origin") with no
# cache between them: main's runs travel through origin's refs/morph/, so
# a second runner on an unchanged suite sends no request, and a pull
# request pays only for the calls it changed and is compared with the run
# main recorded at its merge base; its HTML report is kept as an artifact
# that the workflow's pull-request comment links to.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/synclib.sh"
CI=$MORPH_SOURCE_DIR/examples/ci/morph-ci.sh
export PATH="$(dirname "$MORPH"):$PATH"

fake_start
export OPENAI_BASE_URL=$FAKE_URL/v1
# The project: its git origin, and the example suite in prompts/ on a
# model the fake provider answers (it echoes the prompt, as echo does).
git init -q --bare "$T_ROOT/origin.git"
mkdir "$T_ROOT/proj" && cd "$T_ROOT/proj" && git init -q .
mkdir prompts
(cd prompts && "$MORPH" init --example . >/dev/null && rm -rf .morph &&
    sed -i 's/"echo:starter"/"openai:gpt-4o-mini"/' morph.json)
git add . && git commit -qm "Suite" && git remote add origin ../origin.git &&
    git push -q origin main

# machine NAME [BRANCH]: a fresh runner's checkout of origin (of BRANCH),
# in the suite's directory.
machine() {
	git clone -q ${2:+--branch "$2"} "$T_ROOT/origin.git" "$T_ROOT/$1" &&
	    cd "$T_ROOT/$1/prompts" || exit 2
	T_REPOS+=("$PWD")
}

# main, first runner: it pays for every call and pushes the run to origin.
machine m1
ok bash "$CI" main
expect_contains "$out" "0 failing results"
expect_eq "$(fake_requests)" 4 "the first run pays for its 4 calls"
ok git -C "$T_ROOT/origin.git" rev-parse refs/morph/heads/main
expect_eq "$(git -C "$T_ROOT/origin.git" for-each-ref refs/morph/runs | wc -l)" 1 "the run is on origin"

# main, a second runner, the suite unchanged: everything is fetched.
machine m2
ok bash "$CI" main
expect_contains "$out" "4 results recorded: 4 from the cache"
expect_eq "$(fake_requests)" 4 "a second runner sends no request"
ok morph log --oneline
expect_eq "$(printf '%s\n' "$out" | wc -l)" 2 "main's morph history goes on"

# A pull request that drops the names: it regresses, exit 1, a report,
# and only the changed prompt's 2 calls are sent.
machine pr1
git checkout -qb shorter
sed -i 's/{{name}}, who/our new colleague, who/' prompts/welcome.txt
git commit -qam "Shorter welcome" && git push -q origin shorter
MORPH_CI_OUT=$T_ROOT/report fails 1 bash "$CI" pr
expect_contains "$out" "2 regressions"
expect_eq "$(fake_requests)" 6 "the pull request paid for its 2 changed calls"
expect_contains "$(cat "$T_ROOT/report/morph-report.md")" "## morph eval: :x: 2 regressions"
expect_contains "$(cat "$T_ROOT/report/morph-report.md")" "### Suite changes"
T_CHECKS=$((T_CHECKS + 1))
if python3 -c "import xml.etree.ElementTree as ET; ET.parse('$T_ROOT/report/morph-junit.xml')"; then
	pass "the JUnit report parses"
else
	fail "the JUnit report does not parse"
fi
expect_eq "$(python3 -c "import json; print(json.load(open('$T_ROOT/report/morph-eval.json'))['summary']['regressions'])")" 2 "JSON report"
mbrun=$(python3 -c "import json; print(json.load(open('$T_ROOT/report/morph-eval.json'))['against']['commit'])")
# The page a reviewer opens, next to them: the same two regressions.
html=$(cat "$T_ROOT/report/morph-report.html")
expect_contains "$html" "<!DOCTYPE html>"
expect_contains "$html" "2 regressions, 0 fixes"
expect_contains "$html" "Regressions (2)"

# The workflow keeps that directory as an artifact and its comment step
# links to it.  The step's script runs here as the runner would run it,
# with gh replaced by a recorder of what would be posted.
ok python3 - "$MORPH_SOURCE_DIR/examples/ci/morph.yml" "$T_ROOT/comment.sh" <<'PY'
import sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["jobs"]["prompts"]["steps"]
names = [s.get("name") for s in steps]
compare = steps[names.index("Run and compare with main (pull request)")]
upload = steps[names.index("Keep the reports")]
comment = steps[names.index("Comment on the pull request")]
assert names.index("Keep the reports") < names.index("Comment on the pull request"), \
    "the artifact must be kept before the comment links to it"
assert upload["uses"].startswith("actions/upload-artifact@"), upload["uses"]
out = compare["env"]["MORPH_CI_OUT"]
assert upload["with"]["path"].rstrip("/") == out, (upload["with"]["path"], out)
assert comment["env"]["REPORT_DIR"] == out, comment["env"]["REPORT_DIR"]
want = "${{ steps.%s.outputs.artifact-url }}" % upload["id"]
assert comment["env"]["REPORT_URL"] == want, comment["env"]["REPORT_URL"]
assert "${{" not in comment["run"], "expressions go through env"
open(sys.argv[2], "w").write(comment["run"])
PY
mkdir "$T_ROOT/bin"
cat >"$T_ROOT/bin/gh" <<'GH'
#!/bin/sh
# Records the comment gh would post: its arguments, then the body.
printf '%s\n' "$*" >"$GH_LOG"
while [ $# -gt 0 ]; do
	[ "$1" = --body-file ] && cat "$2" >>"$GH_LOG"
	shift
done
GH
chmod +x "$T_ROOT/bin/gh"
cp -r "$T_ROOT/report" "$T_ROOT/report-nolink"
PATH=$T_ROOT/bin:$PATH GH_LOG=$T_ROOT/gh.log GH_TOKEN=t \
    REPORT_DIR=$T_ROOT/report REPORT_URL=https://github.invalid/o/r/actions/runs/1/artifacts/2 \
    PR_NUMBER=7 REPO=o/r ok bash -e "$T_ROOT/comment.sh"
posted=$(cat "$T_ROOT/gh.log")
expect_contains "$posted" "pr comment 7 --repo o/r --body-file"
expect_contains "$posted" "## morph eval: :x: 2 regressions"
expect_contains "$posted" "[Open the full report](https://github.invalid/o/r/actions/runs/1/artifacts/2)"
# No artifact (its upload failed): the comment is posted without a link.
PATH=$T_ROOT/bin:$PATH GH_LOG=$T_ROOT/gh.log GH_TOKEN=t \
    REPORT_DIR=$T_ROOT/report-nolink REPORT_URL= \
    PR_NUMBER=7 REPO=o/r ok bash -e "$T_ROOT/comment.sh"
posted=$(cat "$T_ROOT/gh.log")
expect_contains "$posted" "## morph eval: :x: 2 regressions"
expect_not_contains "$posted" "Open the full report"

# main moves on; a pull request made before is still compared with the
# run of its merge base, not with main's latest.
cd "$T_ROOT/proj"
sed -i 's/Mention their name and their team./Mention their name and their team, warmly./' prompts/prompts/welcome.txt
git commit -qam "Warmer" && git push -q origin main
machine m3
ok bash "$CI" main
machine pr2 shorter
MORPH_CI_OUT=$T_ROOT/report2 fails 1 bash "$CI" pr
expect_not_contains "$err" "comparing with main's latest"
expect_eq "$(python3 -c "import json; print(json.load(open('$T_ROOT/report2/morph-eval.json'))['against']['commit'])")" \
    "$mbrun" "compared with main's run at the merge base"

# A pull request that changes only wording the assertions do not check:
# no regression, exit 0.
machine pr3
git checkout -qb politer
sed -i 's/Mention their name/Please mention their name/' prompts/welcome.txt
git commit -qam "Politer welcome"
MORPH_CI_OUT=$T_ROOT/report3 ok bash "$CI" pr
expect_contains "$out" "0 regressions"
expect_contains "$(cat "$T_ROOT/report3/morph-report.md")" ":white_check_mark: 0 regressions"
fails 2 bash "$CI" nonsense
expect_contains "$err" "usage: morph-ci.sh"
cd "$T_ROOT"
done_testing
