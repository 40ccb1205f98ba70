#!/usr/bin/env bash
# bench/run.sh: morph run against a loopback server that answers after
# 50 ms (bench/latency_server.py), N cases at -j 32: wall time against the
# ideal (N x latency / concurrency), CPU time per request and peak RSS.
# Targets: wall at most 1.05x the ideal.  With BIG set (e.g. 100000), also
# runs that many cases with no delay and reports peak RSS (target 100 MB).
#
# Environment: MORPH (default: a Release build in build-bench/), N (2000),
# J (32), DELAY_MS (50), BIG (unset).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
N=${N:-2000}
J=${J:-32}
DELAY_MS=${DELAY_MS:-50}
if [ -z "${MORPH:-}" ]; then
	cmake -S "$src" -B "$src/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$src/build-bench" -j2 --target morph >/dev/null
	MORPH=$src/build-bench/morph
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/morph-runbench.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

serve() {	# serve DELAY_MS: starts a server; sets PORT
	python3 "$here/latency_server.py" "$1" >"$work/port.$1" &
	pids+=("$!")
	for _ in $(seq 100); do
		PORT=$(sed -n 's/^PORT=//p' "$work/port.$1")
		[ -n "$PORT" ] && return
		sleep 0.05
	done
	echo "server did not start"; exit 2
}

suite() {	# suite DIR COUNT PORT
	mkdir -p "$1/prompts" "$1/cases"
	(cd "$1" && "$MORPH" init >/dev/null &&
	    "$MORPH" config --type json providers.bench \
	    "{\"dialect\":\"openai\",\"base_url\":\"http://127.0.0.1:$3/v1\"}")
	printf 'Answer case {{n}}\n' >"$1/prompts/q.txt"
	python3 -c "
import json
with open('$1/cases/c.jsonl', 'w') as f:
    for i in range($2):
        f.write(json.dumps({'id': 'c%06d' % i, 'vars': {'n': i}}) + '\n')"
	printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["bench:m"]}\n' >"$1/morph.json"
	(cd "$1" && "$MORPH" add . && "$MORPH" commit -m suite >/dev/null)
}

measure() {	# measure DIR: runs morph run; prints wall user sys maxrss_kb
	(cd "$1" && /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
	    "$MORPH" run -j "$J" --retries 0 >/dev/null)
	cat "$work/time"
}

serve "$DELAY_MS"
suite "$work/s" "$N" "$PORT"
read -r wall user sys rss < <(measure "$work/s")
echo "# morph run: $N cases, -j $J, server latency ${DELAY_MS} ms; $(nproc) cores; $(date -u +%FT%TZ)"
awk -v n="$N" -v j="$J" -v d="$DELAY_MS" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
	ideal = n * d / 1000 / j
	printf "wall %.2f s, ideal %.2f s, ratio %.3f (target <= 1.05: %s)\n", w, ideal, w / ideal, (w / ideal <= 1.05) ? "ok" : "MISSED"
	printf "CPU %.0f us a request, peak RSS %.1f MB\n", (u + s) * 1e6 / n, r / 1024
}'
if [ -n "${BIG:-}" ]; then
	serve 0
	suite "$work/big" "$BIG" "$PORT"
	read -r wall user sys rss < <(measure "$work/big")
	awk -v n="$BIG" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
		printf "%d cases, no latency: wall %.1f s, CPU %.0f us a request, peak RSS %.1f MB (target <= 100: %s)\n", n, w, (u + s) * 1e6 / n, r / 1024, (r / 1024 <= 100) ? "ok" : "MISSED"
	}'
fi
