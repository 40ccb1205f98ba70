#!/usr/bin/env bash
# bench/eval.sh: morph eval comparing two runs of 100,000 results each.
#
# The suite has one prompt and N cases (100,000) for the built-in echo
# model; the second commit changes the vars of 5% of the cases, 1% of them
# so that their assertion fails.  Both runs are made with morph run (the
# second answers 95% of its calls from the cache).  Then morph eval
# --against is timed, as text and as JSON, with its peak resident memory,
# and compared with the ideal: sqlite3 merely reading both runs' rows.
# Targets: at most 2 s and 100 MB.  Exits 1 if a target is missed.
#
# Environment: MORPH (a morph binary; default: a Release build made in
# build-bench/), N (100000), BENCH_DIR (scratch; default a temporary
# directory).
set -euo pipefail
N=${N:-100000}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_morph
bench_need python3 sqlite3
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (package time)"; exit 2; }

bench_workdir morph-bench-eval "${BENCH_DIR:-}"
cd "$work"
export MORPH_AUTHOR_NAME=bench MORPH_AUTHOR_EMAIL=bench@example.com
unset MORPH_PAGER PAGER

bench_two_runs "$N"

text=$(bench_measure "eval-text" "$MORPH" eval HEAD --against HEAD~1)
regressions=$(grep -c "before: pass    now: FAIL" "$work/out" || true)
json=$(bench_measure "eval-json" "$MORPH" eval --json HEAD --against HEAD~1)
ideal=$(bench_measure "ideal" sqlite3 .morph/morph.db \
    "SELECT count(*), sum(length(prompt) + length(case_id) + length(model) + length(verdicts)) FROM results")

[ "$regressions" -eq $((N / 100)) ] ||
    { echo "eval found $regressions regressions, expected $((N / 100))"; exit 2; }

missed=0
printf "%-36s %10s %10s %10s %10s\n" step seconds "peak MB" target result
row() {
	local name secs mb
	read -r name secs mb <<<"$1"
	local ok
	ok=$(awk -v s="$secs" -v m="$mb" -v check="$2" 'BEGIN {
		if (check == "no") { print "reference"; exit }
		print (s <= 2.0 && m <= 100) ? "ok" : "MISSED" }')
	printf "%-36s %10s %10s %10s %10s\n" "$3" "$secs" "$mb" \
	    "$([ "$2" = no ] && echo - || echo '<=2s 100MB')" "$ok"
	[ "$ok" != MISSED ] || missed=1
}
row "$text" yes "eval --against, text ($regressions regr.)"
row "$json" yes "eval --against, JSON"
row "$ideal" no "ideal: sqlite3 reads both runs"
exit $missed
