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
N=${N:-600}
J=${J:-32}
RPS=${RPS:-40}
BURST=${BURST:-10}
DELAY_MS=${DELAY_MS:-50}
TOK_IN=20
TOK_OUT=5
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_morph
bench_workdir morph-ratebench
bench_build_server ratelimit_server -lm

serve() {	# serve CASE: a fresh server for CASE; sets PORT and BASE
	local rps=$RPS burst=$BURST tps=0 tburst=0
	if [ "$1" = tokens ]; then
		rps=0 burst=0
		tps=$((RPS * TOK_IN)) tburst=$((BURST * TOK_IN))
	fi
	bench_serve ratelimit_server "$DELAY_MS" "$rps" "$burst" "$tps" \
	    "$tburst" "$TOK_IN" "$TOK_OUT"
	BASE=http://127.0.0.1:$PORT
	[ "$1" = tokens ] || BASE=$BASE/v1
}

unserve() {	# unserve: writes the server's "answered refused" to $work/stats
	curl -s "http://127.0.0.1:$PORT/stats" | python3 -c \
	    'import json,sys; d=json.load(sys.stdin); print(d["answered"], d["refused"])' \
	    >"$work/stats"
	bench_stop "$SERVER_PID"
}

# morph_case CASE: the suite through morph; writes "wall answered refused"
# to $work/result
morph_case() {
	local dir=$work/morph-$1 dialect=openai r
	[ "$1" = tokens ] && dialect=anthropic
	serve "$1"
	bench_suite "$dir" "$N" "$dialect" "$BASE" \
	    ', "defaults": {"max_tokens": 16}'
	r=$(bench_morph_run "$dir" "$N")
	unserve
	echo "${r%% *} $(cat "$work/stats")" >"$work/result"
}

# promptfoo_case CASE: the same suite through promptfoo, as morph_case
promptfoo_case() {
	local id=openai:chat:m r
	[ "$1" = tokens ] && id=anthropic:messages:m
	serve "$1"
	r=$(bench_promptfoo_run "$id" "$BASE" "$N" 16)
	unserve
	echo "${r%% *} $(cat "$work/stats")" >"$work/result"
}

have_pf=0
if bench_have_promptfoo; then
	have_pf=1
	pver=$(bench_promptfoo_version)
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
	bench_promptfoo_missing
fi
! grep -q MISSED "$work/report"
