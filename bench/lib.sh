# bench/lib.sh: what the benchmarks in bench/ share, sourced by each of
# them after `set -euo pipefail`: the morph they measure, their scratch
# directory, the loopback servers built on bench/loopserver.c, and a
# suite of N cases run through morph and through promptfoo.
#
# It sets bench (this directory), src (the checkout) and bench_name (the
# script, as bench/NAME.sh, which starts its error messages).  The
# functions that run a suite read MORPH, J and PROMPTFOO, and write their
# files in $work.

# shellcheck shell=bash
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$bench/.." && pwd)
bench_name=bench/$(basename "$0")
bench_pids=()
bench_served=0

# bench_morph: unless MORPH names a morph binary, builds one (Release,
# without the tests, in build-bench/) and sets MORPH to it.
bench_morph() {
	[ -z "${MORPH:-}" ] || return 0
	cmake -S "$src" -B "$src/build-bench" -DCMAKE_BUILD_TYPE=Release \
	    -DBUILD_TESTING=OFF >/dev/null
	cmake --build "$src/build-bench" -j2 --target morph >/dev/null
	MORPH=$src/build-bench/morph
}

# bench_need CMD...: exits 2 unless every CMD is on the PATH.
bench_need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || { echo "$c is needed"; exit 2; }
	done
}

# bench_workdir PREFIX [DIR]: sets work to DIR, or to a new temporary
# directory named after PREFIX, which the script removes when it exits,
# having stopped the servers it started.
bench_workdir() {
	work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")}
	trap bench_cleanup EXIT
}

bench_cleanup() {
	local p
	for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}

# bench_build_server NAME [LIB...]: compiles bench/NAME.c with the server
# loop, bench/loopserver.c, into $work/NAME.
bench_build_server() {
	local name=$1
	shift
	cc -O2 -o "$work/$name" "$bench/$name.c" "$bench/loopserver.c" "$@"
}

# bench_serve NAME ARG...: starts $work/NAME ARG... and waits for the
# port it listens on; sets PORT and SERVER_PID.
bench_serve() {
	local out=$work/port.$((bench_served += 1)) tries=100
	"$work/$1" "${@:2}" >"$out" &
	SERVER_PID=$!
	bench_pids+=("$SERVER_PID")
	# A bounded poll: a server that has not listened in 5 s will not.
	until PORT=$(sed -n 's/^PORT=//p' "$out"); [ -n "$PORT" ]; do
		if [ $((tries -= 1)) -lt 0 ]; then
			echo "$bench_name: the server did not start" >&2
			exit 2
		fi
		sleep 0.05
	done
}

# bench_stop PID: stops a server that bench_serve started.
bench_stop() {
	local p keep=()
	kill "$1"
	wait "$1" 2>/dev/null || true
	for p in "${bench_pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	bench_pids=("${keep[@]}")
}

# bench_timed OUT CMD...: runs CMD, its output to OUT; prints "wall user
# sys maxrss_kb".  Exits 1, showing the end of OUT, if CMD fails.
bench_timed() {
	local out=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$out" 2>&1 ||
	    { echo "$bench_name: $* failed:" >&2; tail -20 "$out" >&2; exit 1; }
	cat "$work/time"
}

# bench_suite DIR COUNT DIALECT BASE_URL [MORE]: a morph repository in DIR
# with one prompt and COUNT cases for the model bench:m, served by
# DIALECT at BASE_URL; MORE is added to morph.json's fields as it is
# (e.g. ', "defaults": {...}').
bench_suite() {
	mkdir -p "$1/prompts" "$1/cases"
	(cd "$1" && "$MORPH" init >/dev/null && "$MORPH" config --type json \
	    providers.bench "{\"dialect\":\"$3\",\"base_url\":\"$4\"}")
	printf 'Answer case {{n}}\n' >"$1/prompts/q.txt"
	python3 - "$1/cases/c.jsonl" "$2" <<'PYEND'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(json.dumps({"id": "c%06d" % i, "vars": {"n": i}}) + "\n")
PYEND
	printf '{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"], "models": ["bench:m"]%s}\n' \
	    "${5:-}" >"$1/morph.json"
	(cd "$1" && "$MORPH" add . && "$MORPH" commit -m suite >/dev/null)
}

# bench_morph_run DIR COUNT: runs DIR's suite at -j J, no retries; checks
# that all COUNT cases were answered; prints bench_timed's figures.
bench_morph_run() {
	local r
	r=$(cd "$1" && bench_timed "$work/morph.out" "$MORPH" run -j "$J" \
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

# bench_have_promptfoo: whether PROMPTFOO (default: promptfoo from
# ~/.cache/morph-peers/promptfoo, else from the PATH; "none" skips it) can
# be run; sets PROMPTFOO.
bench_have_promptfoo() {
	if [ -z "${PROMPTFOO:-}" ]; then
		PROMPTFOO=$HOME/.cache/morph-peers/promptfoo
		PROMPTFOO=$PROMPTFOO/node_modules/.bin/promptfoo
		[ -x "$PROMPTFOO" ] ||
		    PROMPTFOO=$(command -v promptfoo || echo none)
	fi
	[ "$PROMPTFOO" != none ] && [ -x "$PROMPTFOO" ]
}

# bench_promptfoo_version: prints promptfoo's version number.
bench_promptfoo_version() {
	PROMPTFOO_DISABLE_UPDATE=1 "$PROMPTFOO" --version 2>/dev/null |
	    grep -o '^[0-9][0-9.]*' | head -1
}

bench_promptfoo_missing() {
	echo "promptfoo: not installed (npm install --prefix ~/.cache/morph-peers/promptfoo promptfoo); skipped"
}

# bench_promptfoo_run PROVIDER BASE_URL COUNT [MAX_TOKENS]: the suite of
# bench_suite through promptfoo's PROVIDER (e.g. openai:chat:m) at
# BASE_URL, at -j J; exits 1 if promptfoo reports errors; prints
# bench_timed's figures.
bench_promptfoo_run() {
	rm -rf "$work/pf"
	mkdir -p "$work/pf/home"
	python3 - "$work/pf/promptfooconfig.json" "$bench_name" "$@" <<'PYEND'
import json, sys
config = {"apiBaseUrl": sys.argv[4], "apiKey": "bench-key"}
if len(sys.argv) > 6:
    config["max_tokens"] = int(sys.argv[6])
json.dump({
    "description": "morph " + sys.argv[2],
    "prompts": ["Answer case {{n}}"],
    "providers": [{"id": sys.argv[3], "config": config}],
    "tests": [{"vars": {"n": i}} for i in range(int(sys.argv[5]))],
}, open(sys.argv[1], "w"))
PYEND
	(cd "$work/pf" && PROMPTFOO_DISABLE_TELEMETRY=1 \
	    PROMPTFOO_DISABLE_UPDATE=1 PROMPTFOO_CONFIG_DIR="$work/pf/home" \
	    bench_timed "$work/pf.out" "$PROMPTFOO" eval \
	    -c promptfooconfig.json -j "$J" --no-cache --no-table \
	    --no-progress-bar --no-share)
	grep -q " 0 errors" "$work/pf.out" ||
	    { echo "$bench_name: promptfoo reported errors:" >&2;
	      tail -20 "$work/pf.out" >&2; exit 1; }
}

# bench_two_runs N: in the current directory, a repository whose suite
# has one prompt and N cases for the built-in echo model, run at two
# commits: the second changes the vars of 5% of the cases, 1% of them so
# that their assertion fails (N/100 regressions, N/25 changed outputs).
# Sets bench_run1 and bench_run2 to the seconds each run took, and
# prints them after a line saying what is measured where.
bench_two_runs() {
	local t0 t1 t2
	"$MORPH" init >/dev/null
	mkdir -p prompts cases
	printf 'Reply with the word {{word}} and the number {{n}}.\n' \
	    >prompts/p.txt
	cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["echo:bench"]}
EOF
	cat >cases.py <<'EOF'
import json, sys
n, version = int(sys.argv[1]), int(sys.argv[2])
with open("cases/c.jsonl", "w") as f:
    for i in range(n):
        word = "w%d" % i
        expect = word
        if version == 2 and i % 20 == 0:          # 5% change ...
            word = "changed%d" % i
            if i % 100 == 0:                      # ... 1% so it fails
                expect = "w%d" % i
            else:
                expect = word
        f.write(json.dumps({"id": "c%06d" % i, "vars": {"word": word, "n": i},
                            "assert": [{"type": "contains", "value": expect}]}) + "\n")
EOF
	python3 cases.py "$1" 1
	"$MORPH" add . && "$MORPH" commit -m "v1" >/dev/null
	t0=$(date +%s.%N)
	"$MORPH" run >/dev/null
	t1=$(date +%s.%N)
	python3 cases.py "$1" 2
	"$MORPH" commit -a -m "v2" >/dev/null
	"$MORPH" run >/dev/null
	t2=$(date +%s.%N)
	bench_run1=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	bench_run2=$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')
	echo "# $1 results a run; morph: $MORPH; $(nproc) cores; $(date -u +%FT%TZ)"
	awk -v a="$bench_run1" -v b="$bench_run2" 'BEGIN {
	    printf "# setup: first run %.1f s, second run (95%% cached) %.1f s\n",
		a, b }'
}

# bench_measure NAME CMD...: runs CMD (exit status 1 is an answer, as a
# regression is to eval), its output to $work/out; prints "NAME wall
# peak_rss_mb".
bench_measure() {
	local name=$1 secs kb
	shift
	/usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>/dev/null ||
	    [ $? -eq 1 ]
	read -r secs kb < <(tail -n 1 "$work/time")
	printf "%s %s %s\n" "$name" "$secs" "$((kb / 1024))"
}
