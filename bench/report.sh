#!/usr/bin/env bash
# bench/report.sh: morph report of two runs of 100,000 results each, and
# the page it writes opened in headless Chromium.
#
# The suite is bench/eval.sh's (bench_two_runs in bench/lib.sh): one
# prompt and N cases (100,000) for the built-in echo model; the second
# commit changes the vars of 5% of the cases, 1% of them so that their
# assertion fails, so the page lists 1,000 regressions and 4,000 changed
# outputs in full and counts the 95,000 others.  Measured:
#   morph report   wall time and peak resident memory (/usr/bin/time),
#                  beside morph eval --json of the same comparison, the
#                  memory that the report should not exceed by much
#                  (both stream; the report only adds one case at a time)
#   morph compare  --total over the run: what the page's cost-quality
#                  scatter reads, its time and memory beside eval's
#   the page       its size
#   Chromium       the page's load time (Navigation Timing: the end of
#                  the load event), the wall time from the navigation to
#                  the load event, and how long the page's script takes
#                  to apply a filter to every case
# against the ideal: reading the file (cat), and Chromium loading a page
# of the same size that is one block of plain text.
# Targets: the page under 20 MB, loaded in under 3 s, morph report's
# memory at most eval's plus 50 MB, morph compare within twice eval's
# time and eval's memory plus 50 MB.  Exits 1 if a target is missed, 2 if
# something cannot be measured (no chromium: the browser rows are skipped
# with a message, and the targets judged without them).
#
# Environment: MORPH (a morph binary; default: a Release build made in
# build-bench/), N (100000), BENCH_DIR (scratch; default a temporary
# directory).
set -euo pipefail
N=${N:-100000}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_morph
bench_need python3
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (package time)"; exit 2; }

bench_workdir morph-bench-report "${BENCH_DIR:-}"
mkdir -p "$work"
cd "$work"
export MORPH_AUTHOR_NAME=bench MORPH_AUTHOR_EMAIL=bench@example.com
unset MORPH_PAGER PAGER

bench_two_runs "$N"

report=$(bench_measure report "$MORPH" report HEAD --against HEAD~1 -o "$work/report.html")
eval_=$(bench_measure eval "$MORPH" eval --json HEAD --against HEAD~1)
compare=$(bench_measure compare "$MORPH" compare --total --json)
read_=$(bench_measure read cat "$work/report.html")
size=$(wc -c <"$work/report.html")
regressions=$(grep -c 'data-status="regression"' "$work/report.html" || true)
changed=$(grep -c 'data-status="changed"' "$work/report.html" || true)
[ "$regressions" -eq $((N / 100)) ] && [ "$changed" -eq $((N / 25)) ] ||
    { echo "the page lists $regressions regressions and $changed changed, expected $((N / 100)) and $((N / 25))"; exit 2; }

# The same number of bytes as plain text, for what Chromium takes to load
# that much at all.
python3 - "$work/report.html" "$work/plain.html" <<'EOF'
import sys
n = len(open(sys.argv[1], "rb").read())
head = b"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>plain</title><pre>"
line = b"plain text of the same size, no markup at all\n"
body = line * ((n - len(head)) // len(line))
open(sys.argv[2], "wb").write(head + body)
EOF

browser=none
if command -v chromium >/dev/null &&
    python3 "$src/tests/tools/browser.py" --timing "$work/plain.html" \
    >"$work/plain.json" 2>"$work/browser.err"; then
	python3 "$src/tests/tools/browser.py" --timing "$work/report.html" \
	    >"$work/page.json" 2>>"$work/browser.err" ||
	    { echo "$bench_name: the browser failed:"; cat "$work/browser.err"; exit 2; }
	browser=chromium
else
	echo "# chromium cannot be run here: $(tail -1 "$work/browser.err" 2>/dev/null || echo 'not installed'); the browser rows are skipped"
fi
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

missed=0
printf "%-44s %10s %10s %14s %8s\n" step value unit target result
row() {	# row WHAT VALUE UNIT TARGET OK
	printf "%-44s %10s %10s %14s %8s\n" "$1" "$2" "$3" "$4" "$5"
	[ "$5" != MISSED ] || missed=1
}
judge() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "ok" : "MISSED" }'; }
read -r _ rsecs rmb <<<"$report"
read -r _ esecs emb <<<"$eval_"
read -r _ csecs _ <<<"$read_"
mb=$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }')
row "morph report: time ($regressions regr., $changed changed)" "$rsecs" s - reference
row "morph report: peak memory" "$rmb" MB "<= eval + 50" "$(judge "$rmb" $((emb + 50)))"
row "morph eval --json: time" "$esecs" s - reference
row "morph eval --json: peak memory" "$emb" MB - reference
read -r _ cpsecs cmb <<<"$compare"
row "morph compare --total (the scatter's frontier)" "$cpsecs" s "<= eval x 2" "$(judge "$cpsecs" "$(awk -v e="$esecs" 'BEGIN { print 2 * e }')")"
row "morph compare --total: peak memory" "$cmb" MB "<= eval + 50" "$(judge "$cmb" $((emb + 50)))"
row "the page's size" "$mb" MB "< 20" "$(judge "$mb" 19.999)"
row "ideal: reading the page (cat)" "$csecs" s - reference
if [ "$browser" = chromium ]; then
	load=$(awk -v ms="$(field "$work/page.json" load_ms)" 'BEGIN { printf "%.2f", ms / 1000 }')
	row "chromium: the page loaded (load event end)" "$load" s "< 3" "$(judge "$load" 2.999)"
	row "chromium: navigation to load, from outside" "$(awk -v ms="$(field "$work/page.json" wall_ms)" 'BEGIN { printf "%.2f", ms / 1000 }')" s - reference
	row "chromium: a filter applied to every case" "$(field "$work/page.json" filter_ms)" ms - reference
	row "ideal: chromium loads as much plain text" "$(awk -v ms="$(field "$work/plain.json" load_ms)" 'BEGIN { printf "%.2f", ms / 1000 }')" s - reference
fi
exit $missed
