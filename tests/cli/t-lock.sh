#!/usr/bin/env bash
# morph run and other writers: a run waits for a busy database like every
# writer (up to core.locktimeout), two runs of the same commit and models
# never send a call twice (the second waits for the first and takes its
# answers from the cache), and a run killed with SIGKILL shows as
# interrupted.  Every wait here is for an event, never for a time.
. "$(dirname "$0")/lib.sh"

json() {	# json EXPR: evaluates EXPR on the JSON document in $out
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
has() { grep -q "$2" "$1" 2>/dev/null; }
requests_are() { [ "$(fake_requests)" -eq "$1" ]; }
exited() { ! kill -0 "$1" 2>/dev/null; }

fake_start
export OPENAI_API_KEY=sk-lock-test-key
export OPENAI_BASE_URL=$FAKE_URL/v1
GO=$T_ROOT/go
new_repo lock
mkdir -p prompts cases
printf 'Answer {{q}}\n' >prompts/q.txt
cat >cases/c.jsonl <<EOF
{"id": "a", "vars": {"q": "one fault:hold file=$GO"}}
{"id": "b", "vars": {"q": "two fault:hold file=$GO"}}
{"id": "c", "vars": {"q": "three fault:hold file=$GO"}}
EOF
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["openai:m"]}
EOF
ok morph add .
ok morph commit -m "Three held calls"

# 1. A run killed with SIGKILL shows as interrupted.  While its calls are
# in flight (the server holds them) it is running.
"$MORPH" run >"$T_ROOT/k.out" 2>"$T_ROOT/k.err" &
victim=$!
wait_for "3 requests in flight" requests_are 3
ok morph runs --json
expect_eq "$(json "d[0]['state']")" running "a live run is running"
kill -9 "$victim"
wait "$victim" 2>/dev/null
ok morph runs --json
expect_eq "$(json "d[0]['state']")" interrupted "a run killed with SIGKILL is interrupted"
ok morph runs
expect_contains "$out" "interrupted"

# 2. Two runs of the same commit and models at once: the second waits for
# the first, then takes its answers from the cache.  Nothing is sent twice.
fake_reset
"$MORPH" run --json >"$T_ROOT/a.out" 2>"$T_ROOT/a.err" &
first=$!
wait_for "the first run's 3 requests" requests_are 3
"$MORPH" run --json >"$T_ROOT/b.out" 2>"$T_ROOT/b.err" &
second=$!
wait_for "the second run to wait" has "$T_ROOT/b.err" "waiting for run #1"
expect_eq "$(fake_requests)" 3 "the second run sent nothing while it waited"
touch "$GO"
wait "$first"
expect_eq "$?" 0 "the first run completes"
wait "$second"
expect_eq "$?" 0 "the second run completes"
expect_eq "$(fake_requests)" 3 "3 requests in all: nothing was sent twice"
out=$(cat "$T_ROOT/b.out")
expect_eq "$(json "d['recorded'], d['errors']")" "3 0" "the second run recorded 3 answers"
rm -f "$GO"

# 3. Ctrl-C while waiting for another run stops at once, sending nothing.
printf '%s\n' '{"id": "d", "vars": {"q": "four fault:hold file='"$GO"'"}}' >>cases/c.jsonl
ok morph commit -a -m "A fourth held call"
fake_reset
"$MORPH" run >"$T_ROOT/c.out" 2>"$T_ROOT/c.err" &
first=$!
wait_for "the held request" requests_are 1
"$MORPH" run >"$T_ROOT/d.out" 2>"$T_ROOT/d.err" &
second=$!
wait_for "the second run to wait" has "$T_ROOT/d.err" "waiting for run #"
kill -INT "$second"
wait "$second"
expect_eq "$?" 2 "Ctrl-C while waiting exits 2"
expect_contains "$(cat "$T_ROOT/d.err")" "interrupted while waiting" "and says so"
touch "$GO"
wait "$first"
expect_eq "$?" 0 "the first run completes"
expect_eq "$(fake_requests)" 1 "one request in all"
rm -f "$GO"

# 4. A busy database: a run waits for another writer, saying so, and
# goes on when it is done.
HELD=$T_ROOT/held
RELEASE=$T_ROOT/release
hold_db() {	# holds the write lock until $RELEASE exists
	python3 - "$PWD/.morph/morph.db" "$HELD" "$RELEASE" <<'PYEND' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=600)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
deadline = time.time() + 600
while not os.path.exists(sys.argv[3]) and time.time() < deadline:
    time.sleep(0.01)
db.execute("COMMIT")
PYEND
	holder=$!
	wait_for "the database lock" test -e "$HELD"
}
printf '%s\n' '{"id": "e", "vars": {"q": "five"}}' >>cases/c.jsonl
ok morph commit -a -m "A fifth call"
ok morph config core.locktimeout 600000
hold_db
"$MORPH" run >"$T_ROOT/e.out" 2>"$T_ROOT/e.err" &
runner=$!
wait_for "the run to wait for the lock" has "$T_ROOT/e.err" "waiting for another process"
T_CHECKS=$((T_CHECKS + 1))
if kill -0 "$runner" 2>/dev/null; then pass "the run waits"; else fail "the run gave up"; fi
touch "$RELEASE"
wait "$holder"
touch "$GO"
wait "$runner"
expect_eq "$?" 0 "the run completes once the lock is free"
expect_contains "$(cat "$T_ROOT/e.out")" "sealed as" "and seals"
rm -f "$HELD" "$RELEASE"

# 5. It waits up to core.locktimeout, then fails saying how long it waited.
printf '%s\n' '{"id": "f", "vars": {"q": "six"}}' >>cases/c.jsonl
ok morph commit -a -m "A sixth call"
ok morph config core.locktimeout 300
hold_db
fails 2 morph run
expect_contains "$err" "locked by another process (waited 0.3 s)" "the run gives up after core.locktimeout"
touch "$RELEASE"
wait "$holder"
ok morph config --unset core.locktimeout
ok morph run
expect_contains "$out" "sealed as"

done_testing
