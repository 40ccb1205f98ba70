#!/usr/bin/env bash
# morph run --shard K/N runs a deterministic Nth of a commit's calls: four
# machines each run one shard against one server and push; every call is
# sent exactly once in all, and any of them, having fetched the others'
# runs, completes the whole run offline with no request.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/synclib.sh"

fake_start
export OPENAI_BASE_URL=$FAKE_URL/v1
hub hub
suite_repo a
for c in es pt nl be at ch se; do
	printf '{"id": "%s", "vars": {"country": "%s"}}\n' "$c" "$c" >>cases/c.jsonl
done
ok morph commit -a -m "Ten cases"
ok morph run --dry-run --json
expect_eq "$(json "len(d['calls'])")" 10 "the whole plan has 10 items"
ok morph remote add origin ../hub.git
ok morph push
fails 2 morph run --shard 0/4
expect_contains "$err" "--shard needs K/N, such as 1/4"
fails 2 morph run --shard 5/4
fails 2 morph run --shard 2
# Numbers as every option reads them (morph/num.h): no sign, blank,
# hexadecimal or trailing text.
for bad in +1/4 " 1/4" "1/ 4" 1/4x 0x1/4 1/04.0 "1/4 "; do
	fails 2 morph run --shard "$bad"
	expect_contains "$err" "--shard needs K/N, such as 1/4, with 1 <= K <= N <= 1000, not '$bad'"
done
total=0
for k in 1 2 3 4; do
	ok morph clone "$T_ROOT/hub.git" "$T_ROOT/m$k"
	T_REPOS+=("$T_ROOT/m$k")
	cd "$T_ROOT/m$k"
	ok morph run --shard $k/4 --dry-run --json
	n=$(json "len(d['calls'])")
	total=$((total + n))
	case $n in 2 | 3) pass "shard $k/4 has $n items" ;; *) fail "shard $k/4 has $n items" ;; esac
	ok morph run --shard $k/4
	ok morph push
	cd "$T_ROOT"
done
expect_eq "$total" 10 "the shards hold every item once"
expect_eq "$(fake_requests)" 10 "every call was sent exactly once in all"

cd "$T_ROOT/m1"
ok morph fetch
expect_contains "$out" "Fetched 0 commits and 3 runs"
ok morph run --offline --json
expect_eq "$(json "d['calls'], d['cached']")" "10 10" "the whole run is answered by the cache"
expect_eq "$(fake_requests)" 10 "completing the run sent nothing"
ok morph runs --json
expect_eq "$(json "len(d)")" 5 "four shard runs and the whole one"
done_testing
