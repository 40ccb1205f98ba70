#!/usr/bin/env bash
# The quickstart of README.md, as one script: installs what morph needs
# (Debian 12, as root), builds morph, and walks through a prompt's history
# in a scratch directory, printing each command before it runs.
# QUICKSTART_DIR names the scratch directory (default: a new temporary
# one, kept so that you can look around afterwards).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)

if [ "${QUICKSTART_SKIP_DEPS:-}" = "" ]; then
	# The quickstart needs no Node.js: only the peer tests do.
	MORPH_NO_PEERS=1 bash "$src/.ci/install-deps"
fi
cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$src/build" -j2 --target morph >/dev/null
export PATH="$src/build:$PATH"

dir=${QUICKSTART_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/morph-quickstart.XXXXXX")}
mkdir -p "$dir"
cd "$dir"
export MORPH_AUTHOR_NAME="${MORPH_AUTHOR_NAME:-Quick Start}"
export MORPH_AUTHOR_EMAIL="${MORPH_AUTHOR_EMAIL:-quickstart@example.com}"
export MORPH_PAGER=cat

step() {
	printf '\n$ %s\n' "$*"
	"$@"
}

# A prompt's history, as with git.
step morph init --example
step morph add .
step morph commit -m "Example suite"
step cat morph.json

# Run the suite: every prompt with every case against every model.  The
# example's model is echo:starter, built in, which answers with the
# rendered prompt: no network and no key needed.
step morph run --dry-run
step morph run
step morph show '#1'

# Change a prompt and run again: only its calls are sent; the rest come
# from the cache.
sed -i 's/one-line welcome/one-line, friendly welcome/' prompts/welcome.txt
step morph diff
step morph commit -a -m "Friendlier welcome"
step morph run
step morph runs
step morph log --oneline
step morph diff --word-diff HEAD~1 HEAD

# A prompt change that does harm: the welcome forgets the team.  eval
# compares the new run with the last one, lists what regressed and why,
# and exits 1, which is what fails a CI job.
sed -i 's/the {{team}} team/the team/' prompts/welcome.txt
step morph commit -a -m "Shorter welcome"
step morph run
status=0
step morph eval HEAD --against HEAD~1 || status=$?
printf '(exit status %d)\n' "$status"
step morph eval --markdown HEAD --against HEAD~1 || true
step morph eval --junit HEAD --against HEAD~1 || true
# The same comparison as one page for a browser: the regressed case with
# its outputs side by side, the prompt's diff, the trend of the branch.
step morph report HEAD --against HEAD~1 -o report.html

# Name versions, move between them.
step morph tag v1 HEAD~2
step morph checkout v1
step head -3 prompts/welcome.txt
step morph checkout main
step morph fsck
printf '\nThe quickstart repository is in %s; open %s/report.html in a browser\n' \
    "$dir" "$dir"
