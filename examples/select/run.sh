#!/usr/bin/env bash
# Choosing a model on evidence, as one script: a bicycle shop's support
# suite (three prompts, 98 cases) run across four models of the fake
# provider whose quality, price and speed differ (README.md here says
# how), then compared, and a model chosen for each prompt by the rule in
# morph.json.  Prints each command before it runs.  No network and no
# key: the models are tests/tools/fakeprovider.py on a loopback port.
#
# MORPH names the morph program to use; without it, the script installs
# what morph needs (Debian 12, as root; SELECT_SKIP_DEPS=1 skips that)
# and builds morph in build/, as examples/quickstart.sh does.  SELECT_DIR
# names the scratch repository (default: a new temporary one, kept so
# that you can look around afterwards).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)

if [ "${MORPH:-}" = "" ]; then
	if [ "${SELECT_SKIP_DEPS:-}" = "" ]; then
		MORPH_NO_PEERS=1 bash "$src/.ci/install-deps"
	fi
	cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$src/build" -j2 --target morph >/dev/null
	MORPH=$src/build/morph
fi
case $MORPH in /*) ;; *) MORPH=$PWD/$MORPH ;; esac
morph() {
	"$MORPH" "$@"
}

dir=${SELECT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/morph-select.XXXXXX")}
mkdir -p "$dir"
export MORPH_AUTHOR_NAME="${MORPH_AUTHOR_NAME:-Select Example}"
export MORPH_AUTHOR_EMAIL="${MORPH_AUTHOR_EMAIL:-select@example.com}"
export MORPH_PAGER=cat

# step CMD ...: prints CMD as a shell would take it, then runs it.
step() {
	local a line=
	for a; do
		case $a in
		''|*[!A-Za-z0-9_./:=@%+,-]*)
			a="'${a//\'/\'\\\'\'}'" ;;
		esac
		line="$line${line:+ }$a"
	done
	printf '\n$ %s\n' "$line"
	"$@"
}

# The four models: the fake provider answers each by its rules in
# fake-models.json, after its delay.  It prints PORT=<n> once it
# listens; it is stopped, by its process id, when the script ends.
fake=$(mktemp -d "${TMPDIR:-/tmp}/morph-select-fake.XXXXXX")
python3 "$src/tests/tools/fakeprovider.py" --port 0 \
    --models "$here/fake-models.json" >"$fake/out" 2>"$fake/err" &
fakepid=$!
stop_fake() {
	kill "$fakepid" 2>/dev/null || true
	wait "$fakepid" 2>/dev/null || true
	rm -rf "$fake"
}
trap stop_fake EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for i in $(seq 1200); do	# a minute at most
	grep -q '^PORT=' "$fake/out" && break
	if ! kill -0 "$fakepid" 2>/dev/null || [ "$i" -eq 1200 ]; then
		echo "select example: the fake provider did not start:" >&2
		cat "$fake/err" >&2
		exit 2
	fi
	sleep 0.05
done
port=$(sed -n 's/^PORT=//p' "$fake/out")

# check: morph select --check as a CI job runs it, its status printed.
check() {
	local status=0

	printf '\n$ morph select --check >/dev/null\n'
	morph select --check >/dev/null || status=$?
	printf '(exit status %d)\n' "$status"
}

cd "$dir"
step morph init
printf '\n$ cp -R examples/select/{morph.json,prompts,cases} .\n'
cp -R "$here/morph.json" "$here/prompts" "$here/cases" .
step cat morph.json
# The provider "fake" speaks OpenAI's dialect on the loopback port; its
# models' prices per token are in prices.json (a litellm-style table).
step morph config --type json providers.fake \
    "{\"dialect\": \"openai\", \"base_url\": \"http://127.0.0.1:$port/v1\"}"
step morph config prices.file "$here/prices.json"
step morph add .
step morph commit -m "Support inbox on four models"

# Every prompt with every case on every model: 392 calls.
step morph run
step morph compare
step morph select
# In CI: exit 1 when the model in use falls below the floor or a cheaper
# one would do, saying which on standard error.
check	# exits 1: small would do for the order number

# The router follows the decision: Otari's configuration, each prompt a
# policy (order-number to small, with the dearer models that qualified
# and large behind it), and why each model is in or out.
step morph route explain prompts/order-number.json
step morph route export --format otari -o otari.yml
step cat otari.yml

# The team takes the advice: the order number moves to small, the rest
# stay on large, so that the gate judges each prompt by its own model.
step sed -i 's|"baseline": "large"|"baseline": {"prompts/order-number.json": "small", "**": "large"}|' \
    morph.json
step morph commit -a -m "The order number moves to small"
step morph run
check	# passes: every prompt is on the model the evidence supports

# Then the inbox changes: customers write order numbers in two groups
# ("order 51 254"), which small cannot read.  The gate fails the CI job.
printf '\n$ cp examples/select/later/order-number-split.jsonl cases/\n'
cp "$here/later/order-number-split.jsonl" cases/
step morph add cases
step morph commit -m "Order numbers written in two groups"
step morph run
check	# exits 1: small is now below the floor

# What a reviewer of that change opens: one page with the new cases side
# by side on each model, the trend of the three commits and the frontier
# of the four models (morph-report(1)).
step morph report HEAD --against HEAD~1 -o report.html
printf '\nThe example repository is in %s\n' "$dir"
