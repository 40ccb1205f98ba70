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
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
N=${N:-2000}
J=${J:-32}
DELAY_MS=${DELAY_MS:-50}
R=${R:-3}
if [ -z "${MORPH:-}" ]; then
	cmake -S "$src" -B "$src/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$src/build-bench" -j2 --target morph >/dev/null
	MORPH=$src/build-bench/morph
fi
if [ -z "${PROMPTFOO:-}" ]; then
	PROMPTFOO=$HOME/.cache/morph-peers/promptfoo/node_modules/.bin/promptfoo
	[ -x "$PROMPTFOO" ] || PROMPTFOO=$(command -v promptfoo || echo none)
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/morph-runbench.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/latency_server" "$here/latency_server.c"

serve() {	# serve DELAY_MS: starts a server; sets PORT
	"$work/latency_server" "$1" >"$work/port.$1" &
	pids+=("$!")
	for _ in $(seq 100); do
		PORT=$(sed -n 's/^PORT=//p' "$work/port.$1")
		[ -n "$PORT" ] && return
		sleep 0.05
	done
	echo "bench/run.sh: the server did not start" >&2
	exit 2
}

suite() {	# suite DIR COUNT PORT: a morph repository with COUNT cases
	mkdir -p "$1/prompts" "$1/cases"
	(cd "$1" && "$MORPH" init >/dev/null &&
	    "$MORPH" config --type json providers.bench \
	    "{\"dialect\":\"openai\",\"base_url\":\"http://127.0.0.1:$3/v1\"}")
	printf 'Answer case {{n}}\n' >"$1/prompts/q.txt"
	python3 - "$1/cases/c.jsonl" "$2" <<'PYEND'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(json.dumps({"id": "c%06d" % i, "vars": {"n": i}}) + "\n")
PYEND
	printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["bench:m"]}\n' >"$1/morph.json"
	(cd "$1" && "$MORPH" add . && "$MORPH" commit -m suite >/dev/null)
}

# timed OUT CMD...: runs CMD; prints "wall user sys maxrss_kb"
timed() {
	local out=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$out" 2>&1 ||
	    { echo "bench/run.sh: $* failed:" >&2; tail -20 "$out" >&2; exit 1; }
	cat "$work/time"
}

# morph_run DIR COUNT: runs the suite; checks that every case was answered
morph_run() {
	local r
	r=$(cd "$1" && timed "$work/morph.out" "$MORPH" run -j "$J" \
	    --retries 0 --json)
	python3 - "$work/morph.out" "$2" <<'PYEND' >&2
import json, sys
d = json.load(open(sys.argv[1]))
if d["recorded"] != int(sys.argv[2]) or d["errors"] != 0:
    sys.exit("morph run recorded %d results with %d errors" %
             (d["recorded"], d["errors"]))
PYEND
	echo "$r"
}

# promptfoo_run COUNT PORT: the same suite through promptfoo
promptfoo_run() {
	mkdir -p "$work/pf/home"
	python3 - "$work/pf/promptfooconfig.json" "$1" "$2" <<'PYEND'
import json, sys
json.dump({
    "description": "morph bench/run.sh",
    "prompts": ["Answer case {{n}}"],
    "providers": [{"id": "openai:chat:m", "config": {
        "apiBaseUrl": "http://127.0.0.1:%s/v1" % sys.argv[3],
        "apiKey": "bench-key"}}],
    "tests": [{"vars": {"n": i}} for i in range(int(sys.argv[2]))],
}, open(sys.argv[1], "w"))
PYEND
	(cd "$work/pf" && PROMPTFOO_DISABLE_TELEMETRY=1 \
	    PROMPTFOO_DISABLE_UPDATE=1 PROMPTFOO_CONFIG_DIR="$work/pf/home" \
	    timed "$work/pf.out" "$PROMPTFOO" eval -c promptfooconfig.json \
	    -j "$J" --no-cache --no-table --no-progress-bar --no-share)
	grep -q "0 errors" "$work/pf.out" ||
	    { echo "bench/run.sh: promptfoo reported errors:" >&2;
	      tail -20 "$work/pf.out" >&2; exit 1; }
}

echo "# morph run: $N cases, -j $J, server latency ${DELAY_MS} ms;" \
    "$(nproc) cores; $(date -u +%FT%TZ)"
serve "$DELAY_MS"
# R runs, each a first run in a fresh repository; the median counts.
for i in $(seq "$R"); do
	suite "$work/s$i" "$N" "$PORT"
	morph_run "$work/s$i" "$N" >>"$work/runs"
done
read -r wall user sys rss < <(sort -n "$work/runs" | sed -n "$(( (R + 1) / 2 ))p")
awk -v n="$N" -v j="$J" -v d="$DELAY_MS" -v w="$wall" -v u="$user" \
    -v s="$sys" -v r="$rss" -v all="$(cut -d' ' -f1 "$work/runs" | paste -sd' ')" 'BEGIN {
	ideal = n * d / 1000 / j
	printf "morph:     wall %.2f s (median of %s), ideal %.2f s, ratio %.3f (target <= 1.05: %s)\n", w, all, ideal, w / ideal, (w / ideal <= 1.05) ? "met" : "MISSED"
	printf "morph:     CPU %.0f us a request, peak RSS %.1f MB\n", (u + s) * 1e6 / n, r / 1024
}' | tee "$work/report"
if [ "$PROMPTFOO" != none ] && [ -x "$PROMPTFOO" ]; then
	read -r pwall puser psys prss < <(promptfoo_run "$N" "$PORT")
	pver=$(PROMPTFOO_DISABLE_UPDATE=1 "$PROMPTFOO" --version 2>/dev/null |
	    grep -o '^[0-9][0-9.]*' | head -1)
	awk -v n="$N" -v pv="${pver:-?}" -v u="$user" -v s="$sys" -v r="$rss" -v pw="$pwall" \
	    -v pu="$puser" -v ps="$psys" -v pr="$prss" 'BEGIN {
		mc = (u + s) * 1e6 / n; pc = (pu + ps) * 1e6 / n
		printf "promptfoo: %s, wall %.2f s, CPU %.0f us a request, peak RSS %.1f MB\n", pv, pw, pc, pr / 1024
		printf "morph/promptfoo: CPU %.3f (target <= 0.1: %s), peak RSS %.3f (target <= 0.1: %s)\n", mc / pc, (mc / pc <= 0.1) ? "met" : "MISSED", r / pr, (r / pr <= 0.1) ? "met" : "MISSED"
	}' | tee -a "$work/report"
elif [ "$PROMPTFOO" = none ]; then
	echo "promptfoo: skipped (PROMPTFOO=none)"
else
	echo "promptfoo: not installed (npm install --prefix ~/.cache/morph-peers/promptfoo promptfoo); skipped"
fi
if [ -n "${BIG:-}" ]; then
	serve 0
	suite "$work/big" "$BIG" "$PORT"
	read -r wall user sys rss < <(morph_run "$work/big" "$BIG")
	awk -v n="$BIG" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
		printf "morph:     %d cases, no latency: wall %.1f s, CPU %.0f us a request, peak RSS %.1f MB (target <= 100: %s)\n", n, w, (u + s) * 1e6 / n, r / 1024, (r / 1024 <= 100) ? "met" : "MISSED"
	}' | tee -a "$work/report"
fi
! grep -q MISSED "$work/report"
