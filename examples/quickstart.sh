#!/usr/bin/env bash
# The quickstart of README.md, as one script: installs what morph needs
# (Debian 12, as root), builds morph, and walks through a prompt's history
# in a scratch directory, printing each command before it runs.
# QUICKSTART_DIR names the scratch directory (default: a new temporary
# one, kept so that you can look around afterwards).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)

if [ "${QUICKSTART_SKIP_DEPS:-}" = "" ]; then
	bash "$src/.ci/install-deps"
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

step morph init
mkdir -p prompts
printf 'Answer the question in one sentence: {{question}}\n' >prompts/answer.txt
step morph add prompts/answer.txt
step morph commit -m "First version of the answer prompt"

printf 'You are a careful assistant.\nAnswer the question in one sentence: {{question}}\n' >prompts/answer.txt
step morph status --short
step morph commit -a -m "Ask for care"

printf 'You are a careful assistant.\nAnswer the question in one short sentence, citing a source: {{question}}\n' >prompts/answer.txt
step morph commit -a -m "Ask for a source"

step morph log --oneline
step morph diff HEAD~2 HEAD
step morph diff --word-diff HEAD~1 HEAD
step morph tag v1 HEAD~2
step morph checkout v1
step cat prompts/answer.txt
step morph checkout -b experiment
step morph branch
step morph checkout main
step morph fsck
printf '\nThe quickstart repository is in %s\n' "$dir"
