#!/usr/bin/env bash
# morph in CI: run a suite on every commit of the main branch, and on a
# pull request compare its run with main's last one, failing on a
# regression and writing the report for the pull request.  The workflow
# beside this file (morph.yml) calls it; it needs only morph on PATH.
#
#   morph-ci.sh main         snapshot the suite, run it (main's baseline)
#   morph-ci.sh pr           snapshot, run, compare with the last main run
#
# Run it in the suite's directory (where morph.json is).  .morph/ must be
# carried from one CI run to the next (the workflow caches it): it holds
# main's last run and the call cache, so unchanged calls are never paid
# for twice.  Environment: MORPH_CI_OUT, where the pull request's report
# goes (default: the current directory): morph-report.md (a Markdown
# comment), morph-junit.xml and morph-eval.json.  MORPH_CI_MESSAGE, the
# message of the snapshot commit (default: the git commit it comes from).
# Exit status: 0, 1 when the pull request regresses, 2 on an error.
set -uo pipefail

mode=${1:-}
out=${MORPH_CI_OUT:-$PWD}
message=${MORPH_CI_MESSAGE:-"suite at git $(git rev-parse --short HEAD 2>/dev/null || echo '(no git)')"}

case $mode in
main | pr) ;;
*)
	echo "usage: morph-ci.sh main | pr" >&2
	exit 2
	;;
esac
[ -f morph.json ] || { echo "morph-ci: no morph.json in $PWD" >&2; exit 2; }

if [ ! -d .morph ]; then
	morph init >/dev/null || exit 2
fi
base=$(morph rev-parse HEAD 2>/dev/null)	# main's last snapshot, if any

# Snapshot the suite as it is in this git commit.  --allow-empty: a
# commit that changes no prompt still gets its own run record.
morph add . || exit 2
morph commit --allow-empty -m "$message" || exit 2
morph run
status=$?
if [ $status -eq 2 ]; then
	echo "morph-ci: morph run failed" >&2
	exit 2
fi
# Failed calls (status 1) are results: they show in the report.

if [ "$mode" = main ]; then
	morph eval
	exit 0
fi
if [ -z "$base" ]; then
	echo "morph-ci: no run of the main branch to compare with; run" \
	    "morph-ci.sh main on main first" >&2
	morph eval --markdown >"$out/morph-report.md"
	exit 0
fi
mkdir -p "$out"
morph eval --markdown HEAD --against "$base" >"$out/morph-report.md"
morph eval --junit HEAD --against "$base" >"$out/morph-junit.xml"
morph eval --json HEAD --against "$base" >"$out/morph-eval.json"
morph eval HEAD --against "$base"
status=$?
[ $status -le 1 ] || echo "morph-ci: morph eval failed" >&2
exit $status
