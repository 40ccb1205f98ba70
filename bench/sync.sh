#!/usr/bin/env bash
# bench/sync.sh: morph push, clone and fetch against plain git, in the same
# run, on the same history.
#
# A suite of FILES prompt files (100) with CASES cases (100), for the
# built-in echo model, gets COMMITS commits (200), each changing one
# prompt; every COMMITS/RUNS-th commit is run, RUNS runs (10) of FILES x
# CASES results (10,000) each.  Timed:
#   push    morph push to an empty bare repository
#   clone   morph clone of it
#   fetch   morph fetch when nothing is new
# against plain git holding the same: the same prompt history, and each
# run's outputs as files (runs/N/PROMPT/CASE.txt) with its results as JSON
# Lines, committed on top; git push to an empty bare repository, git
# clone, git fetch.  Then the size of each hub.  Targets (morph / git):
# push and clone at most 1.5, fetch at most 1.2, the hub at most 1.2.
# Prints the figures and ratios; exits 1 if a target is missed.
#
# Environment: MORPH (a morph binary; default: a Release build made in
# build-bench/), COMMITS, FILES, CASES, RUNS, BENCH_DIR (scratch space;
# default a temporary directory).
set -euo pipefail
COMMITS=${COMMITS:-200}
FILES=${FILES:-100}
CASES=${CASES:-100}
RUNS=${RUNS:-10}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

bench_morph
bench_need git python3
bench_workdir morph-bench-sync "${BENCH_DIR:-}"
mkdir -p "$work"
cd "$work"
export MORPH_AUTHOR_NAME=bench MORPH_AUTHOR_EMAIL=bench@example.com
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
export GIT_CONFIG_NOSYSTEM=1 HOME=$work/home
mkdir -p "$HOME"
git config --global init.defaultBranch main
unset MORPH_PAGER PAGER GIT_PAGER

# The history, made twice in step: morph in m/, plain git in g/.
cat >gen.py <<'EOF'
import json, os, sys
files, cases, step = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
for root in ("m", "g"):
    if step == 0:
        write(root + "/morph.json", json.dumps({
            "prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
            "models": ["echo:bench"]}) + "\n")
        write(root + "/cases/c.jsonl", "".join(json.dumps({
            "id": "c%03d" % i, "vars": {"topic": "topic %d" % i, "n": i},
            "assert": [{"type": "contains", "value": "topic"}]}) + "\n"
            for i in range(cases)))
        for p in range(files):
            write(root + "/prompts/p%03d.txt" % p,
                  "Prompt %d, version 0: write two sentences about "
                  "{{topic}} for case {{n}}.\n" % p)
    else:
        p = step % files
        write(root + "/prompts/p%03d.txt" % p,
              "Prompt %d, version %d: write two sentences about {{topic}} "
              "for case {{n}}, plainly.\n" % (p, step))
EOF
mkdir m g
(cd m && "$MORPH" init >/dev/null)
(cd g && git init -q .)
every=$((COMMITS / RUNS))
t0=$(date +%s.%N)
for i in $(seq 0 $((COMMITS - 1))); do
	python3 gen.py "$FILES" "$CASES" "$i"
	(cd m && "$MORPH" add . && "$MORPH" commit -m "step $i" >/dev/null)
	(cd g && git add -A && git commit -qm "step $i")
	if [ $(((i + 1) % every)) -eq 0 ]; then
		(cd m && "$MORPH" run >/dev/null)
	fi
done
t1=$(date +%s.%N)

# morph push to an empty bare repository (the first export included).
git init -q --bare hub-m.git
git init -q --bare hub-g.git
(cd m && "$MORPH" remote add origin ../hub-m.git)
timed() {	# timed CMD...: runs CMD, prints its wall seconds
	bench_timed "$work/timed.out" "$@" | cut -d' ' -f1
}
m_push=$(cd m && timed "$MORPH" push)

# The same outputs as plain files, from what morph pushed: each run's
# results as JSON Lines and each output as runs/N/PROMPT/CASE.txt.
cat >runs.py <<'EOF'
import json, os, subprocess, sys
hub, dest, k = sys.argv[1], sys.argv[2], 0
refs = subprocess.run(["git", "-C", hub, "for-each-ref", "--format=%(refname)",
                       "refs/morph/runs"], capture_output=True, text=True,
                      check=True).stdout.split()
cat = subprocess.Popen(["git", "-C", hub, "cat-file", "--batch"],
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def read(spec):
    cat.stdin.write(spec.encode() + b"\n")
    cat.stdin.flush()
    head = cat.stdout.readline().split()
    data = cat.stdout.read(int(head[2]))
    cat.stdout.read(1)
    return data
runs = []
for ref in refs:
    ls = subprocess.run(["git", "-C", hub, "ls-tree", "-r", "--name-only",
                         ref], capture_output=True, text=True,
                        check=True).stdout.split()
    for path in ls:
        if path.endswith("/run"):
            folder = path[:-4]
            run = json.loads(read("%s:%s/run" % (ref, folder)))
            runs.append((run["started"], ref, folder, run))
for started, ref, folder, run in sorted(runs):
    out = os.path.join(dest, "runs", "%02d" % k)
    k += 1
    lines = b"".join(read("%s:%s/pages/%04d" % (ref, folder, i))
                     for i in range(len(run["pages"])))
    where = {}
    for path in subprocess.run(["git", "-C", hub, "ls-tree", "-r",
                                "--name-only", ref, folder + "/outputs/"],
                               capture_output=True, text=True,
                               check=True).stdout.split():
        where[path.rsplit("/", 1)[1]] = path
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.jsonl"), "wb") as f:
        f.write(lines)
    for line in lines.splitlines():
        r = json.loads(line)
        if r["output"] is None:
            continue
        o = r["output"]
        path = os.path.join(out, r["prompt"], r["case"] + ".txt")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(read("%s:%s" % (ref, where[o])))
    subprocess.run(["git", "-C", dest, "add", "-A"], check=True)
    subprocess.run(["git", "-C", dest, "commit", "-qm", "run %d" % k],
                   check=True)
EOF
python3 runs.py "$work/hub-m.git" "$work/g"
(cd g && git remote add origin ../hub-g.git)
g_push=$(cd g && timed git push -q origin main)

m_clone=$(timed "$MORPH" clone hub-m.git m2)
g_clone=$(timed git clone -q hub-g.git g2)
m_fetch=$(cd m2 && timed "$MORPH" fetch)
g_fetch=$(cd g2 && timed git fetch -q origin)
m_size=$(du -sk hub-m.git | cut -f1)
g_size=$(du -sk hub-g.git | cut -f1)
results=$(cd m2 && "$MORPH" runs --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), sum(r["results"] for r in d))')

echo "# $COMMITS commits of $FILES prompt files x $CASES cases; runs and results cloned: $results"
echo "# morph: $MORPH; $(nproc) cores; $(git --version); $(date -u +%FT%TZ)"
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "# setup: %.0f s\n", b - a }'
missed=0
printf "%-26s %10s %10s %8s %8s %8s\n" step morph git ratio target result
row() {	# row NAME MORPH GIT TARGET UNIT
	local r ok
	r=$(awk -v m="$2" -v g="$3" 'BEGIN { printf "%.2f", (g > 0 ? m / g : 0) }')
	ok=$(awk -v r="$r" -v t="$4" 'BEGIN { print (r <= t) ? "ok" : "MISSED" }')
	printf "%-26s %10s %10s %8s %8s %8s\n" "$1" "$2$5" "$3$5" "$r" "<=$4" "$ok"
	[ "$ok" = ok ] || missed=1
}
row "push to an empty hub" "$m_push" "$g_push" 1.5 s
row "clone" "$m_clone" "$g_clone" 1.5 s
row "fetch, up to date" "$m_fetch" "$g_fetch" 1.2 s
row "hub size" "$m_size" "$g_size" 1.2 K
exit $missed
