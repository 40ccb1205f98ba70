#!/usr/bin/env bash
# bench/run.sh: morph run against a loopback OpenAI-compatible server that
# answers every request after exactly DELAY_MS (bench/latency_server.c),
# N cases at -j J.  Prints, in one run:
#
#   - morph's wall time (the median of R runs, each in a fresh repository)
#     against the ideal (N x latency / concurrency) and their ratio
#     (target: at most 1.05);
#   - morph's CPU time a request and peak RSS;
#   - the same suite through promptfoo at the same concurrency, when
#     promptfoo is installed, and morph's CPU and RSS as a share of
#     promptfoo's (targets: at most a tenth of each);
#   - with BIG set (e.g. 100000), morph's peak RSS for that many cases
#     against a server that answers at once (target: at most 100 MB).
#
# Exits 1 if a target is missed.
# Environment: MORPH (default: a Release build in build-bench/), N (2000),
# J (32), DELAY_MS (50), R (3: morph's runs, of which the median counts;
# this machine's timings vary), BIG (unset), PROMPTFOO (default: promptfoo
# from ~/.cache/morph-peers/promptfoo, else from PATH; "none" skips it).
set -euo pipefail
N=${N:-2000}
J=${J:-32}
DELAY_MS=${DELAY_MS:-50}
R=${R:-3}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_morph
bench_workdir morph-runbench
bench_build_server latency_server

echo "# morph run: $N cases, -j $J, server latency ${DELAY_MS} ms;" \
    "$(nproc) cores; $(date -u +%FT%TZ)"
bench_serve latency_server "$DELAY_MS"
# R runs, each a first run in a fresh repository; the median counts.
for i in $(seq "$R"); do
	bench_suite "$work/s$i" "$N" openai "http://127.0.0.1:$PORT/v1"
	bench_morph_run "$work/s$i" "$N" >>"$work/runs"
done
read -r wall user sys rss < <(sort -n "$work/runs" | sed -n "$(( (R + 1) / 2 ))p")
awk -v n="$N" -v j="$J" -v d="$DELAY_MS" -v w="$wall" -v u="$user" \
    -v s="$sys" -v r="$rss" -v all="$(cut -d' ' -f1 "$work/runs" | paste -sd' ')" 'BEGIN {
	ideal = n * d / 1000 / j
	printf "morph:     wall %.2f s (median of %s), ideal %.2f s, ratio %.3f (target <= 1.05: %s)\n", w, all, ideal, w / ideal, (w / ideal <= 1.05) ? "met" : "MISSED"
	printf "morph:     CPU %.0f us a request, peak RSS %.1f MB\n", (u + s) * 1e6 / n, r / 1024
}' | tee "$work/report"
if bench_have_promptfoo; then
	r=$(bench_promptfoo_run openai:chat:m "http://127.0.0.1:$PORT/v1" "$N")
	read -r pwall puser psys prss <<<"$r"
	pver=$(bench_promptfoo_version)
	awk -v n="$N" -v pv="${pver:-?}" -v u="$user" -v s="$sys" -v r="$rss" -v pw="$pwall" \
	    -v pu="$puser" -v ps="$psys" -v pr="$prss" 'BEGIN {
		mc = (u + s) * 1e6 / n; pc = (pu + ps) * 1e6 / n
		printf "promptfoo: %s, wall %.2f s, CPU %.0f us a request, peak RSS %.1f MB\n", pv, pw, pc, pr / 1024
		printf "morph/promptfoo: CPU %.3f (target <= 0.1: %s), peak RSS %.3f (target <= 0.1: %s)\n", mc / pc, (mc / pc <= 0.1) ? "met" : "MISSED", r / pr, (r / pr <= 0.1) ? "met" : "MISSED"
	}' | tee -a "$work/report"
elif [ "$PROMPTFOO" = none ]; then
	echo "promptfoo: skipped (PROMPTFOO=none)"
else
	bench_promptfoo_missing
fi
if [ -n "${BIG:-}" ]; then
	bench_serve latency_server 0
	bench_suite "$work/big" "$BIG" openai "http://127.0.0.1:$PORT/v1"
	r=$(bench_morph_run "$work/big" "$BIG")
	read -r wall user sys rss <<<"$r"
	awk -v n="$BIG" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
		printf "morph:     %d cases, no latency: wall %.1f s, CPU %.0f us a request, peak RSS %.1f MB (target <= 100: %s)\n", n, w, (u + s) * 1e6 / n, r / 1024, (r / 1024 <= 100) ? "met" : "MISSED"
	}' | tee -a "$work/report"
fi
! grep -q MISSED "$work/report"
