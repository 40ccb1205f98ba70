#!/usr/bin/env bash
# bench/store.sh: morph's store against git's, in the same run, on the
# same work tree of 10,000 prompt files of about 2 KB.
#
# Steps: first add + commit; status on a clean tree; 200 commits each
# changing 1% of the files; log of the whole history; repository size
# (.morph against .git after git gc).  Targets: morph at most 0.5x git's
# time for add + commit and for the 200 commits, at most 1x for status
# and log.  Prints a table with the ratios and exits 1 if a target is
# missed.
#
# Environment: MORPH (a morph binary; default: a Release build made in
# build-bench/), FILES (10000), COMMITS (200), RUNS (repeats of status
# and log, 20), BENCH_DIR (scratch space; default a temporary directory).
set -euo pipefail
FILES=${FILES:-10000}
COMMITS=${COMMITS:-200}
RUNS=${RUNS:-20}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_morph
bench_need git python3
bench_workdir morph-bench "${BENCH_DIR:-}"
mkdir -p "$work/git" "$work/morph"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
export MORPH_AUTHOR_NAME=bench MORPH_AUTHOR_EMAIL=bench@example.com
unset MORPH_PAGER PAGER GIT_PAGER

# The work tree: FILES prompts of ~2 KB in 100 directories, the same
# bytes for both tools; mutate N changes 1% of them, deterministically.
cat >"$work/tree.py" <<'PY'
import os, random, sys
words = ("you are a careful assistant answer the question using only the "
         "context below cite the passage return json with fields answer "
         "and confidence keep it short and polite if unsure say so").split()
def make(root, files):
    r = random.Random(42)
    for i in range(files):
        d = os.path.join(root, "prompts", "set%03d" % (i % 100))
        os.makedirs(d, exist_ok=True)
        text = " ".join(r.choice(words) for _ in range(400))[:2047] + "\n"
        with open(os.path.join(d, "p%05d.txt" % i), "w") as f:
            f.write(text)
def mutate(roots, n, files):
    r = random.Random(n)
    for k in r.sample(range(files), max(1, files // 100)):
        for root in roots:
            p = os.path.join(root, "prompts", "set%03d" % (k % 100),
                             "p%05d.txt" % k)
            with open(p) as f:
                body = f.read()
            with open(p, "w") as f:
                f.write("revision %d\n" % n + body[body.find("\n") + 1:])
if sys.argv[1] == "make":
    make(sys.argv[2], int(sys.argv[3]))
else:
    mutate(sys.argv[3:], int(sys.argv[2]), int(os.environ["FILES"]))
PY
export FILES
python3 "$work/tree.py" make "$work/git" "$FILES"
cp -r "$work/git/prompts" "$work/morph/"
git -C "$work/git" init -q
git -C "$work/git" config gc.auto 0
"$MORPH" init "$work/morph" >/dev/null

now() { echo "${EPOCHREALTIME/./}"; }	# microseconds
# t CMD...: runs CMD once; prints its wall time in microseconds.
t() {
	local s e
	s=$(now)
	"$@" >/dev/null
	e=$(now)
	echo $((e - s))
}
# median of RUNS runs of CMD, microseconds
median() {
	local i xs=()
	for i in $(seq "$RUNS"); do xs+=("$(t "$@")"); done
	printf '%s\n' "${xs[@]}" | sort -n | awk '{a[NR] = $1}
	    END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'
}

echo "# $FILES files, $COMMITS commits; morph: $MORPH"
echo "# git: $(git --version); $(nproc) cores; $(date -u +%FT%TZ)"

g_add=$(( $(t git -C "$work/git" add .) + $(t git -C "$work/git" commit -q -m first) ))
m_add=$(( $(t "$MORPH" -C "$work/morph" add .) + $(t "$MORPH" -C "$work/morph" commit -m first) ))

# Warm both (the first status may refresh the index), then measure.
git -C "$work/git" status >/dev/null; "$MORPH" -C "$work/morph" status >/dev/null
g_status=$(median git -C "$work/git" status)
m_status=$(median "$MORPH" -C "$work/morph" status)

g_commits=0
m_commits=0
for n in $(seq "$COMMITS"); do
	python3 "$work/tree.py" mutate "$n" "$work/git" "$work/morph"
	g_commits=$((g_commits + $(t git -C "$work/git" commit -q -a -m "revision $n")))
	m_commits=$((m_commits + $(t "$MORPH" -C "$work/morph" commit -a -m "revision $n")))
done

g_log=$(median git -C "$work/git" log)
m_log=$(median "$MORPH" -C "$work/morph" log)
[ "$(git -C "$work/git" rev-list --count HEAD)" = "$("$MORPH" -C "$work/morph" log --oneline | wc -l)" ] ||
    { echo "histories differ in length"; exit 2; }
[ -z "$("$MORPH" -C "$work/morph" status --short)" ] ||
    { echo "morph status is not clean after the commits"; exit 2; }

git -C "$work/git" gc -q
g_size=$(du -sk "$work/git/.git" | cut -f1)
m_size=$(du -sk "$work/morph/.morph" | cut -f1)
"$MORPH" -C "$work/morph" fsck >/dev/null || { echo "morph fsck failed"; exit 2; }

missed=0
row() {	# name git_us morph_us target unit
	awk -v n="$1" -v g="$2" -v m="$3" -v tg="$4" -v u="$5" 'BEGIN {
		div = (u == "s") ? 1e6 : 1e3
		r = m / g
		ok = (tg == "-") ? "reported" : (r <= tg ? "ok" : "MISSED")
		printf "%-34s %10.2f %-2s %10.2f %-2s %7.2f  %-6s %s\n", n,
		    g / div, u, m / div, u, r, (tg == "-") ? "" : "<= " tg, ok
		exit (ok == "MISSED")
	}' || missed=1
}
printf "%-34s %13s %13s %7s  %s\n" step git morph ratio target
row "add + commit, $FILES files" "$g_add" "$m_add" 0.5 s
row "status, clean tree (median)" "$g_status" "$m_status" 1.0 ms
row "$COMMITS commits, 1% of files each" "$g_commits" "$m_commits" 0.5 s
row "log, $((COMMITS + 1)) commits (median)" "$g_log" "$m_log" 1.0 ms
awk -v g="$g_size" -v m="$m_size" 'BEGIN {
	printf "%-34s %10.1f MB %10.1f MB %7.2f  %s\n",
	    "repository size (git after gc)", g / 1024, m / 1024, m / g,
	    "reported"
}'
exit $missed
