#!/usr/bin/env bash
# morph eval: the quickstart edited into a regression, found and explained
# as text, JSON, JUnit (read by real XML parsers) and Markdown, with exit
# status 1; fixes, changed, added and removed results; --suite re-scoring
# without requests; samples with Wilson intervals and McNemar's test; and
# the same comparison through morph diff --outputs and morph log --case.
. "$(dirname "$0")/lib.sh"
json() { printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

ok morph init --example q
T_REPOS+=("$T_ROOT/q")
cd q
ok morph add .
ok morph commit -m "Example suite"
ok morph run
ok morph eval
expect_contains "$out" "0 failing results"
expect_eq "$status" 0 "scoring a passing run exits 0"

# Edit a prompt so that it no longer names the person, commit, run.
sed -i 's/{{name}}, who/our new colleague, who/; s/their name and their team/their team/' prompts/welcome.txt
ok morph commit -a -m "Shorter welcome"
ok morph run
fails 1 morph eval HEAD --against HEAD~1
expect_contains "$out" "2 regressions, 0 fixes"
expect_contains "$out" "Regressions (2)"
expect_contains "$out" "case ada  model echo:starter"
expect_contains "$out" "before: pass    now: FAIL"
expect_contains "$out" 'icontains: output lacks "Ada" (any case)'
expect_contains "$out" "[-Ada,-]{+our new colleague,+}"
expect_contains "$out" "4/4 (100%)"
expect_contains "$out" "2/4 (50%)"
ok morph eval
expect_contains "$out" "2 failing results"

fails 1 morph eval --json HEAD --against HEAD~1
expect_eq "$(json "d['summary']['regressions'], d['summary']['fixes'], len(d['regressions'])")" "2 0 2" "JSON summary"
expect_eq "$(json "[r['case'] for r in d['regressions']]")" "['ada', 'grace']" "JSON regressions"
expect_eq "$(json "d['regressions'][0]['against']['pass'], d['regressions'][0]['run']['pass']")" "True False" "both sides' verdicts"
expect_contains "$(json "d['regressions'][0]['run']['output']")" "our new colleague"
expect_eq "$(json "[m['run']['passed'] for m in d['models']]")" "[2]" "per-model passes"

# JUnit, read by real XML parsers.
fails 1 morph eval --junit HEAD --against HEAD~1
printf '%s\n' "$out" >"$T_ROOT/junit.xml"
T_CHECKS=$((T_CHECKS + 1))
if python3 - "$T_ROOT/junit.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites"
suites = root.findall("testsuite")
assert len(suites) == 1 and suites[0].get("name") == "echo:starter"
s = suites[0]
assert s.get("tests") == "4" and s.get("failures") == "2" and s.get("errors") == "0"
fails = [c for c in s.findall("testcase") if c.find("failure") is not None]
assert {c.get("name") for c in fails} == {"prompts/welcome.txt :: ada", "prompts/welcome.txt :: grace"}
f = fails[0].find("failure")
assert f.get("type") == "regression" and "lacks" in f.get("message")
EOF
then pass "JUnit: Python's XML parser reads 4 tests, 2 regressions"; else fail "JUnit did not parse as expected"; fi
if command -v xmllint >/dev/null; then
	ok xmllint --noout "$T_ROOT/junit.xml"
fi

# Markdown for a pull request.
fails 1 morph eval --markdown HEAD --against HEAD~1
expect_contains "$out" "## morph eval: :x: 2 regressions"
expect_contains "$out" "| \`echo:starter\` | 4/4 (100%) | 2/4 (50%) |"
expect_contains "$out" "### Regressions (2)"
expect_contains "$out" "<details><summary>output</summary>"
expect_contains "$out" "### Suite changes"
expect_contains "$out" "+Write a one-line welcome message for our new colleague"
T_CHECKS=$((T_CHECKS + 1))
reg_at=$(printf '%s\n' "$out" | grep -n "### Regressions" | cut -d: -f1)
diff_at=$(printf '%s\n' "$out" | grep -n "### Suite changes" | cut -d: -f1)
if [ "$reg_at" -lt "$diff_at" ]; then pass "regressions come first"; else fail "regressions after the suite diff"; fi
fails 2 morph eval --json --junit
expect_contains "$err" "give one of"
# A report that cannot be written is an error that names it.
to_full() { "$@" >/dev/full; }
for f in "" --json --junit --markdown; do
	name=${f#--}
	fails 2 to_full morph eval $f HEAD --against HEAD~1
	expect_contains "$err" "morph: cannot write the ${name:-text} report: No space left on device"
done

# The same as morph diff --outputs, and one case through history.
ok morph diff --outputs HEAD~1 HEAD
expect_contains "$out" "Outputs: run #2"
expect_contains "$out" "Regressions (2)"
ok morph log --case ada
expect_contains "$out" "case ada in run #2:"
expect_contains "$out" "FAIL"
expect_contains "$out" "case ada in run #1:"
ok morph log --case ada --json
expect_eq "$(json "[[r['pass'] for r in c['case_results']] for c in d]")" "[[False], [True]]" "log --case --json"

# Fixes, changed outputs, added and removed cases.
sed -i 's/our new colleague, who/{{name}}, who/' prompts/welcome.txt
printf '{"id": "linus", "prompts": ["prompts/welcome.txt"], "vars": {"name": "Linus", "team": "kernel"}, "assert": [{"type": "icontains", "value": "Linus"}]}\n' >>cases/welcome.jsonl
sed -i '/"id": "grace"/d' cases/welcome.jsonl
ok morph commit -a -m "Names again; Linus instead of Grace"
ok morph run
ok morph eval HEAD --against HEAD~1
expect_contains "$out" "0 regressions, 1 fix, 0 changed outputs, 1 added, 1 removed"
expect_contains "$out" "Fixes (1)"
expect_contains "$out" "Added (1)"
expect_contains "$out" "case linus"
expect_contains "$out" "Removed (1)"
expect_contains "$out" "case grace"

# --suite: old outputs judged by a new assertion, without a request.
sed -i 's/"value": "as an AI"/"value": "colleague"/' morph.json
ok morph commit -a -m "A stricter default assertion"
ok morph runs --json
runs_before=$(json "len(d)")
# Run #2's welcomes say "colleague"; run #3's do not.
fails 1 morph eval --suite HEAD HEAD~2 --against HEAD~1
expect_contains "$out" "1 regression,"
expect_contains "$out" "not-icontains: output contains"
ok morph eval --json --suite HEAD HEAD~2
# Both of run #2's welcomes say colleague, but HEAD has no case grace any
# more: its result is judged with no assertions.
expect_eq "$(json "d['summary']['failures'], d['failures'][0]['case']")" "1 ada" "the old output that says colleague fails the new assertion"
expect_contains "$(json "d['failures'][0]['run']['verdicts']")" "not-icontains"
ok morph runs --json
expect_eq "$(json "len(d)")" "$runs_before" "--suite sent nothing and ran nothing"
printf 'broken' >cases/extra.jsonl
ok morph add cases/extra.jsonl
ok morph commit -m "A broken case file"
fails 2 morph eval --suite HEAD HEAD~2
expect_contains "$err" "cases/extra.jsonl"
fails 2 morph eval '#99'
expect_contains "$err" "run #99 not found"
fails 2 morph eval HEAD --against HEAD~1
expect_contains "$err" "has no run"
cd "$T_ROOT"

# Samples: ten of each call; only a significant drop counts with
# --significance.
ok morph init --example s
T_REPOS+=("$T_ROOT/s")
cd s
ok morph add .
ok morph commit -m "Example suite"
ok morph run --repeat 10
sed -i 's/{{name}}, who/our new colleague, who/' prompts/welcome.txt
ok morph commit -a -m "Drop the name"
ok morph run --repeat 10
# One entry a case, with its pass counts on each side and its test, not
# one a sample; the header counts cases, which is what the test judges.
fails 1 morph eval HEAD --against HEAD~1
expect_contains "$out" "2 regressions, 0 fixes, 0 changed, 0 added, 0 removed: cases of 10 samples each"
expect_contains "$out" "Regressions (2)
  prompts/welcome.txt  case ada  model echo:starter
    passed 0/10 [0.00, 0.28] now, 10/10 [0.72, 1.00] before; 10 worse, 0 better; McNemar p = 0.00195
    sample 0: before: pass    now: FAIL
    - icontains: output lacks \"Ada\" (any case)"
expect_eq "$(printf '%s\n' "$out" | grep -c 'case ada  model')" 1 "one entry for the ten samples of ada"
expect_not_contains "$out" "sample 1"
fails 1 morph eval --significance 0.05 HEAD --against HEAD~1
expect_contains "$out" "(significant)"
expect_contains "$out" "2 regressions,"
ok morph eval --significance 0.001 HEAD --against HEAD~1
expect_contains "$out" "0 regressions"
expect_contains "$out" "(2 cases with a lower pass rate in all; 0 significant at 0.001)"
expect_contains "$out" "McNemar p = 0.00195 (not significant)"
ok morph eval --json --significance 0.001 HEAD --against HEAD~1
expect_eq "$(json "[round(g['mcnemar_p'], 5) for g in d['groups']]")" "[0.00195, 0.00195]" "McNemar p in JSON"
expect_eq "$(json "d['summary']['unit'], d['summary']['regressions'], d['summary']['pass_to_fail'], d['summary']['samples_pass_to_fail']")" \
    "case 0 2 20" "JSON summary counts cases, and the samples behind them"
expect_eq "$(json "[(r['case'], r['counted'], r['run']['passed'], r['run']['samples'], r['against']['passed'], r['worse'], round(r['mcnemar_p'], 5)) for r in d['regressions']]")" \
    "[('ada', False, 0, 10, 10, 10, 0.00195), ('grace', False, 0, 10, 10, 10, 0.00195)]" "JSON: one regression a case"
expect_eq "$(json "d['regressions'][0]['example']['sample'], d['regressions'][0]['example']['run']['pass']")" "0 False" "JSON: an example sample"
expect_eq "$(json "d['models'][0]['regressions']")" 0 "per-model regressions counted by case"
fails 1 morph eval --json --significance 0.05 HEAD --against HEAD~1
expect_eq "$(json "d['summary']['regressions'], [r['counted'] for r in d['regressions']]")" "2 [True, True]" "counted at 0.05"
fails 1 morph eval --markdown HEAD --against HEAD~1
expect_contains "$out" "## morph eval: :x: 2 regressions"
expect_contains "$out" "0 fixes, 0 changed, 0 added, 0 removed (cases of 10 samples each)."
expect_contains "$out" "- \`prompts/welcome.txt\` · case \`ada\` · \`echo:starter\` · 0/10 now, 10/10 before; 10 worse, 0 better; McNemar p = 0.00195 · sample 0 — icontains"
ok morph eval HEAD
expect_contains "$out" "2 failing cases of 10 samples each"
expect_contains "$out" "Failures (2)"
expect_contains "$out" "    passed 0/10 [0.00, 0.28]
    sample 0: FAIL"
fails 2 morph eval --significance 2 HEAD
expect_contains "$err" "between 0 and 1"
cd "$T_ROOT"
# --significance is a level strictly between 0 and 1, written plainly.
cd "$T_ROOT/s"
for v in nan inf 0x0.1 0 1 -0.05 ' 0.05' 0.05x 5% ''; do
	fails 2 morph eval --significance "$v" HEAD
	expect_contains "$err" "morph: eval: --significance needs a number strictly between 0 and 1, not '$v'"
done
ok morph eval --significance .05 HEAD
ok morph eval --significance 1e-3 HEAD
cd "$T_ROOT"

done_testing
