#!/usr/bin/env bash
# morph in CI: run a suite on every commit of the main branch, and on a
# pull request compare its run with the run of its merge base, failing on
# a regression and writing the report for the pull request.  History and
# runs travel through the project's own git remote (refs/morph/*, see
# morph-repository(5)), so a fresh machine pays only for the calls that
# changed, and no build cache is needed.  The workflow beside this file
# (morph.yml) calls it; it needs morph and git on PATH.
#
#   morph-ci.sh main   fetch, snapshot the suite on top of main's morph
#                      history, run it, push the commit and its run
#   morph-ci.sh pr     fetch, snapshot, run, compare with the run main
#                      recorded at the pull request's git merge base
#
# Run it in the suite's directory (where morph.json is), in a git
# checkout with the history of the main branch (not shallow: the merge
# base must be there).  Environment:
#   MORPH_CI_REMOTE   the remote to fetch from and push to (origin; the
#                     git repository's own remotes serve when morph has
#                     none of its own)
#   MORPH_CI_MAIN     the main branch (main)
#   MORPH_CI_OUT      where the pull request's report goes (the current
#                     directory): morph-report.md (a Markdown comment),
#                     morph-report.html (the page a reviewer opens, see
#                     morph-report(1)), morph-junit.xml and morph-eval.json
#   MORPH_CI_MESSAGE  the message of the snapshot commit (default: the git
#                     commit it comes from)
# Exit status: 0, 1 when the pull request regresses, 2 on an error.
set -uo pipefail

mode=${1:-}
remote=${MORPH_CI_REMOTE:-origin}
main=${MORPH_CI_MAIN:-main}
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
	morph init --initial-branch "$main" >/dev/null || exit 2
fi
# Everything the remote holds: main's history, its runs and their answers
# (the call cache).  The first time, it holds nothing.
morph fetch "$remote" || exit 2
tip=$(morph rev-parse "$remote/$main" 2>/dev/null)

if [ "$mode" = main ] && [ -n "$tip" ] &&
    ! morph rev-parse "refs/heads/$main" >/dev/null 2>&1; then
	# Continue main's history, whatever the work tree holds.
	morph branch "$main" "$tip" >/dev/null || exit 2
fi

# Snapshot the suite as it is in this git commit (which the morph commit
# records).  --allow-empty: a commit that changes no prompt still gets its
# own run record.
morph add . || exit 2
morph commit --allow-empty -m "$message" || exit 2
# Answered from the cache where main already paid; sent otherwise.
morph run
status=$?
if [ $status -eq 2 ]; then
	echo "morph-ci: morph run failed" >&2
	exit 2
fi
# Failed calls (status 1) are results: they show in the report.

if [ "$mode" = main ]; then
	morph eval
	morph push "$remote" "$main" || exit 2
	exit 0
fi

# The run to compare with: main's at the pull request's merge base, else
# main's latest.
base=
if mb=$(git merge-base HEAD "$remote/$main" 2>/dev/null); then
	base=$(morph rev-parse "git:$mb" 2>/dev/null)
fi
if [ -z "$base" ] && [ -n "$tip" ]; then
	echo "morph-ci: main has no run at the merge base ${mb:-(none)};" \
	    "comparing with main's latest" >&2
	base=$tip
fi
mkdir -p "$out"
if [ -z "$base" ]; then
	echo "morph-ci: no run of the main branch to compare with; run" \
	    "morph-ci.sh main on main first" >&2
	morph eval --markdown >"$out/morph-report.md"
	morph report -o "$out/morph-report.html" || exit 2
	exit 0
fi
morph eval --markdown HEAD --against "$base" >"$out/morph-report.md"
morph eval --junit HEAD --against "$base" >"$out/morph-junit.xml"
morph eval --json HEAD --against "$base" >"$out/morph-eval.json"
morph report HEAD --against "$base" -o "$out/morph-report.html" || exit 2
morph eval HEAD --against "$base"
status=$?
[ $status -le 1 ] || echo "morph-ci: morph eval failed" >&2
exit $status
