#!/usr/bin/env bash
# bench/ratelimit.sh: morph run against a provider's rate limit.  A
# loopback server (bench/ratelimit_server.c) answers each request it
# allows 50 ms after it arrives and refuses the others at once with 429,
# stating its limits in its dialect's headers.  N calls at -j J, in two
# cases, each through morph and then promptfoo, each against a fresh
# server:
#
#   requests  OpenAI's chat completions, RPS requests a second with a
#             burst of BURST (x-ratelimit-*, retry-after-ms);
#   tokens    Anthropic's messages, RPS x 20 input tokens a second with a
#             burst of BURST requests' worth (anthropic-ratelimit-*,
#             retry-after in whole seconds); each request takes 20 input
#             and 5 output tokens, which morph estimates from the prompt
#             and max_tokens and corrects from the usage answers report.
#
# For each it prints the wall time against the ideal (N / RPS: the rate
# the server allows), the requests the server refused, and promptfoo's
# figures on the same server.  Targets: morph answers every call, at
# most 5% of its requests are refused, its wall time is at most 1.15x
# the ideal and below promptfoo's.  Exits 1 if a target is missed.
#
# Environment: MORPH (default: a Release build in build-bench/), N (600),
# J (32), RPS (40), BURST (10), DELAY_MS (50), PROMPTFOO (default:
# promptfoo from ~/.cache/morph-peers/promptfoo, else from PATH; "none"
# skips it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
N=${N:-600}
J=${J:-32}
RPS=${RPS:-40}
BURST=${BURST:-10}
DELAY_MS=${DELAY_MS:-50}
TOK_IN=20
TOK_OUT=5
if [ -z "${MORPH:-}" ]; then
	cmake -S "$src" -B "$src/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$src/build-bench" -j2 --target morph >/dev/null
	MORPH=$src/build-bench/morph
fi
if [ -z "${PROMPTFOO:-}" ]; then
	PROMPTFOO=$HOME/.cache/morph-peers/promptfoo/node_modules/.bin/promptfoo
	[ -x "$PROMPTFOO" ] || PROMPTFOO=$(command -v promptfoo || echo none)
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/morph-ratebench.XXXXXX")
server_pid=
cleanup() {
	[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/ratelimit_server" "$here/ratelimit_server.c" -lm

serve() {	# serve CASE: a fresh server for CASE; sets PORT
	local rps=$RPS burst=$BURST tps=0 tburst=0
	if [ "$1" = tokens ]; then
		rps=0 burst=0
		tps=$((RPS * TOK_IN)) tburst=$((BURST * TOK_IN))
	fi
	"$work/ratelimit_server" "$DELAY_MS" "$rps" "$burst" "$tps" "$tburst" \
	    "$TOK_IN" "$TOK_OUT" >"$work/port" &
	server_pid=$!
	for _ in $(seq 100); do
		PORT=$(sed -n 's/^PORT=//p' "$work/port")
		[ -n "$PORT" ] && return
		sleep 0.05
	done
	echo "bench/ratelimit.sh: the server did not start" >&2
	exit 2
}

unserve() {	# unserve: writes the server's "answered refused" to $work/stats
	curl -s "http://127.0.0.1:$PORT/stats" | python3 -c \
	    'import json,sys; d=json.load(sys.stdin); print(d["answered"], d["refused"])' \
	    >"$work/stats"
	kill "$server_pid"
	wait "$server_pid" 2>/dev/null || true
	server_pid=
}

# timed OUT CMD...: runs CMD; prints its wall time
timed() {
	local out=$1
	shift
	/usr/bin/time -f '%e' -o "$work/time" "$@" >"$out" 2>&1 ||
	    { echo "bench/ratelimit.sh: $* failed:" >&2; tail -20 "$out" >&2; exit 1; }
	cat "$work/time"
}

# morph_case CASE: the suite through morph; writes "wall answered refused"
# to $work/result
morph_case() {
	local dir=$work/morph-$1 dialect=openai base wall
	[ "$1" = tokens ] && dialect=anthropic
	serve "$1"
	base=http://127.0.0.1:$PORT
	[ "$dialect" = openai ] && base=$base/v1
	mkdir -p "$dir/prompts" "$dir/cases"
	(cd "$dir" && "$MORPH" init >/dev/null && "$MORPH" config --type json \
	    providers.bench "{\"dialect\":\"$dialect\",\"base_url\":\"$base\"}")
	printf 'Answer case {{n}}\n' >"$dir/prompts/q.txt"
	python3 - "$dir/cases/c.jsonl" "$N" <<'PYEND'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(json.dumps({"id": "c%06d" % i, "vars": {"n": i}}) + "\n")
PYEND
	printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["bench:m"], "defaults": {"max_tokens": 16}}\n' >"$dir/morph.json"
	(cd "$dir" && "$MORPH" add . && "$MORPH" commit -m suite >/dev/null)
	wall=$(cd "$dir" && timed "$work/morph.out" "$MORPH" run -j "$J" \
	    --retries 0 --json)
	python3 - "$work/morph.out" "$N" <<'PYEND' >&2
import json, sys
d = json.load(open(sys.argv[1]))
if d["recorded"] != int(sys.argv[2]) or d["errors"] != 0:
    sys.exit("morph run recorded %d results with %d errors" %
             (d["recorded"], d["errors"]))
PYEND
	unserve
	echo "$wall $(cat "$work/stats")" >"$work/result"
}

# promptfoo_case CASE: the same suite through promptfoo, as morph_case
promptfoo_case() {
	local wall id=openai:chat:m
	[ "$1" = tokens ] && id=anthropic:messages:m
	serve "$1"
	rm -rf "$work/pf"
	mkdir -p "$work/pf/home"
	python3 - "$work/pf/promptfooconfig.json" "$N" "$PORT" "$id" <<'PYEND'
import json, sys
base = "http://127.0.0.1:%s" % sys.argv[3]
if sys.argv[4].startswith("openai"):
    base += "/v1"
json.dump({
    "description": "morph bench/ratelimit.sh",
    "prompts": ["Answer case {{n}}"],
    "providers": [{"id": sys.argv[4], "config": {
        "apiBaseUrl": base, "apiKey": "bench-key", "max_tokens": 16}}],
    "tests": [{"vars": {"n": i}} for i in range(int(sys.argv[2]))],
}, open(sys.argv[1], "w"))
PYEND
	wall=$(cd "$work/pf" && PROMPTFOO_DISABLE_TELEMETRY=1 \
	    PROMPTFOO_DISABLE_UPDATE=1 PROMPTFOO_CONFIG_DIR="$work/pf/home" \
	    timed "$work/pf.out" "$PROMPTFOO" eval -c promptfooconfig.json \
	    -j "$J" --no-cache --no-table --no-progress-bar --no-share)
	grep -q " 0 errors" "$work/pf.out" ||
	    { echo "bench/ratelimit.sh: promptfoo reported errors:" >&2;
	      tail -20 "$work/pf.out" >&2; exit 1; }
	unserve
	echo "$wall $(cat "$work/stats")" >"$work/result"
}

have_pf=0
if [ "$PROMPTFOO" != none ] && [ -x "$PROMPTFOO" ]; then
	have_pf=1
	pver=$(PROMPTFOO_DISABLE_UPDATE=1 "$PROMPTFOO" --version 2>/dev/null |
	    grep -o '^[0-9][0-9.]*' | head -1)
fi
echo "# morph run against a rate limit: $N calls, -j $J, $RPS requests a" \
    "second (burst $BURST), server latency ${DELAY_MS} ms; $(nproc) cores;" \
    "$(date -u +%FT%TZ)"
: >"$work/report"
for c in requests tokens; do
	morph_case "$c"
	read -r wall answered refused <"$work/result"
	if [ $have_pf = 1 ]; then
		promptfoo_case "$c"
		read -r pwall panswered prefused <"$work/result"
	else
		pwall=0 panswered=0 prefused=0
	fi
	awk -v c="$c" -v n="$N" -v rps="$RPS" -v w="$wall" -v a="$answered" \
	    -v r="$refused" -v pf="$have_pf" -v pv="${pver:-?}" -v pw="$pwall" \
	    -v pa="$panswered" -v pr="$prefused" 'BEGIN {
		ideal = n / rps
		share = r / (a + r)
		printf "%-8s morph:     %d of %d answered (target: all: %s); %d of %d requests refused, %.1f%% (target <= 5%%: %s)\n", c, a, n, (a == n) ? "met" : "MISSED", r, a + r, share * 100, (share <= 0.05) ? "met" : "MISSED"
		printf "%-8s morph:     wall %.2f s, ideal %.2f s, ratio %.3f (target <= 1.15: %s)\n", c, w, ideal, w / ideal, (w / ideal <= 1.15) ? "met" : "MISSED"
		if (pf) {
			printf "%-8s promptfoo: %s, wall %.2f s, ratio %.3f; %d answered, %d refused\n", c, pv, pw, pw / ideal, pa, pr
			printf "%-8s morph/promptfoo: wall %.3f (target < 1: %s)\n", c, w / pw, (w < pw) ? "met" : "MISSED"
		}
	}' | tee -a "$work/report"
done
if [ $have_pf = 0 ]; then
	echo "promptfoo: not installed (npm install --prefix ~/.cache/morph-peers/promptfoo promptfoo); skipped"
fi
! grep -q MISSED "$work/report"
