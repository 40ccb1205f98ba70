#!/usr/bin/env bash
# bench/select.sh: the error rates of morph select's rule, by simulation.
#
# Runs the simulation of tests/unit/test-select.c (suites drawn from known
# pass probabilities by a seeded generator, judged by morph_select_decide)
# and prints its figures: the type I error of a candidate truly worse
# than the margin (12 points, and exactly the margin), the same within a
# family of two candidates, and the power for a truly equivalent
# candidate beside the power the sample size predicts, and the paired t
# test with repeats.  Exits 1 when the simulation's checks fail.
#
# Environment: RUNS (simulations a scenario, 2000), TEST_SELECT (the
# test-select binary; default: built in build-bench/).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
if [ -z "${TEST_SELECT:-}" ]; then
	cmake -S "$src" -B "$src/build-bench" -DCMAKE_BUILD_TYPE=Release \
	    >/dev/null
	cmake --build "$src/build-bench" -j2 --target test-select >/dev/null
	TEST_SELECT=$src/build-bench/tests/test-select
fi
echo "morph select: the rule simulated, ${RUNS:-2000} suites a scenario"
echo "(baseline pass rate 0.90, margin 0.10, alpha 0.05, single samples)"
MORPH_SIM_RUNS=${RUNS:-2000} "$TEST_SELECT" | grep -v '^ok '
