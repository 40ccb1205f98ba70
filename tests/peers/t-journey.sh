#!/usr/bin/env bash
# What a new user of morph run does, end to end, against real servers: the
# starter suite (morph init --example) with its echo: model, then against
# llama.cpp's llama-server, then against OpenAI's API (here Prism serving
# OpenAI's own spec), each by changing one flag; a run killed with SIGKILL
# half-way and finished sending only what was missing; one stopped with
# Ctrl-C half-way and finished without a single duplicate request; and a
# replay with --offline that sends nothing.  Needs llama-server; without Prism or
# the spec (../shared/specs) that step says it is skipped.
#
# morph reaches llama-server through tests/tools/fakeprovider.py --forward,
# which counts every request and holds them at its gate when told to: the
# kill and the Ctrl-C come at a point the test chooses, never at a time.
. "$MORPH_SOURCE_DIR/tests/cli/lib.sh"
. "$MORPH_SOURCE_DIR/tests/peers/lib.sh"

# llama-server as it runs by default: no key.
port=$(peer_free_port)
peer_start_llama "$port" none
rc=$?
if [ $rc -eq 77 ]; then
	echo "skipped: llama-server is not installed; run tests/peers/setup.sh"
	exit 77
fi
[ $rc -eq 0 ] || exit 1
json() { printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# The proxy in front of llama-server: FAKE_URL, and the fake_* functions
# of tests/cli/lib.sh.
fake_start --forward "$PEER_LLAMA_URL"
# Requests llama-server has taken, as the proxy counts them.
llama_requests() { fake_requests; }
# more PREFIX COUNT: appends COUNT cases for the welcome prompt.
more() {
	local i
	for i in $(seq 1 "$2"); do
		printf '{"id": "%s%03d", "prompts": ["prompts/welcome.txt"], "vars": {"name": "%s%d", "team": "t%d"}}\n' \
		    "$1" "$i" "$1" "$i" "$i" >>cases/welcome.jsonl
	done
}
# recorded N: whether the unsealed run being made has N results or more.
recorded() {
	local n
	n=$("$MORPH" runs --json 2>/dev/null | python3 -c \
	    "import json,sys; d=json.load(sys.stdin); print(d[0]['results'] if d and d[0]['id'] is None else 0)" 2>/dev/null)
	[ "${n:-0}" -ge "$1" ]
}
# hold_after N SENT RECORDED: with the gate closed and "morph run -j 2"
# started, lets N calls be answered, then waits until the next two are
# held (SENT requests in all since the last fake_reset) and the run has
# RECORDED results.
hold_after() {
	T_CHECKS=$((T_CHECKS + 1))
	if fake_release "$1" && fake_wait held=2 "requests=$2" &&
	    wait_until recorded "$3"; then
		pass "$1 calls answered, the next two held, $3 results recorded"
	else
		fail "the run did not get there: $(curl -s "$FAKE_URL/__gate")"
	fi
}

# 1. The starter suite, with the built-in echo model.  Its answers are
# cut to 16 tokens instead of 256: the tiny model's noise costs llama-server
# seconds a call on a loaded machine, and the journey is about morph.
mkdir -p "$T_ROOT/journey" && cd "$T_ROOT/journey" || exit 2
ok morph init --example
T_REPOS+=("$PWD")
sed -i 's/"max_tokens": 256/"max_tokens": 16/' morph.json
expect_contains "$(cat morph.json)" '"max_tokens": 16'
ok morph add .
ok morph commit -m "Starter suite"
ok morph run --json
expect_eq "$(json "d['errors'], d['recorded']")" "0 4" "echo answers the four calls"

# 2. The same suite against llama-server: one flag, through the built-in
# llamacpp provider.  Its server is not on the default port 8080, so
# LLAMACPP_API_BASE says where it is, as it would for any-llm (here the
# proxy in front of it).
export LLAMACPP_API_BASE=$FAKE_URL/v1
ok morph run -m llamacpp:tiny --json
expect_eq "$(json "d['errors'], d['recorded']")" "0 4" "llama-server answers the four calls"
expect_eq "$(llama_requests)" 4 "four requests reached llama-server"
expect_eq "$(grep -c "launch_slot_" "$PEER_LLAMA_LOG")" 4 "llama-server took four tasks"
ok morph show --json '#2'
expect_eq "$(json "all(r['tokens']['in'] > 0 and r['tokens']['out'] > 0 for r in d['results'])")" \
    True "llama-server's token counts are recorded"

# 3. Against OpenAI's API, as Prism serves OpenAI's spec: one flag again.
pport=$(peer_free_port)
peer_start_prism "$pport"
rc=$?
if [ $rc -eq 0 ]; then
	OPENAI_BASE_URL=$PEER_PRISM_URL/v1 OPENAI_API_KEY=prism-key \
	    ok morph run -m openai:gpt-4o-mini --json
	expect_eq "$(json "d['errors'], d['recorded']")" "0 4" \
	    "OpenAI's API (Prism) answers the four calls, valid by the spec"
elif [ $rc -eq 77 ]; then
	echo "# skipped the OpenAI step: Prism or ../shared/specs is absent"
else
	exit 1
fi

# 4. Killed half-way, finished without a duplicate request.  More cases,
# two at a time; the proxy lets eight through and holds the next two, and
# the kill comes then.
more p 40
ok morph commit -a -m "Forty more people"
fake_reset
fake_hold
"$MORPH" run -m llamacpp:tiny -j 2 >/dev/null 2>&1 &
pid=$!
hold_after 8 10 12		# 4 from the cache, 8 sent and answered
kill -9 "$pid"
wait "$pid" 2>/dev/null
fake_release
ok morph runs --json
done_before=$(json "d[0]['results']")
T_CHECKS=$((T_CHECKS + 1))
if [ "$(json "d[0]['state']")" = interrupted ] && [ "$done_before" -eq 12 ]; then
	pass "killed half-way: $done_before of 44 recorded, the run unsealed and interrupted"
else
	fail "the kill missed the run: $(json "d[0]['state']"), $done_before recorded"
fi
sent_before=$(llama_requests)
ok morph run -m llamacpp:tiny -j 2 --json
expect_eq "$(json "d['resumed'], d['errors'], d['recorded']")" \
    "True 0 $((44 - done_before))" "the same command resumes and completes the run"
sent_after=$(($(llama_requests) - sent_before))
# What was recorded is never sent again; what was in flight when the kill
# came (the two held) had no answer recorded, so it is sent once more.
expect_eq "$((done_before + sent_after))" 44 \
    "the resumed run sent only what was missing ($sent_after)"
# The four calls of step 2 came from the cache; every other call sent
# before the kill was recorded, but for the two in flight.
expect_eq "$((sent_before - (done_before - 4)))" 2 \
    "no answer was lost to the kill: only the two calls in flight have no result"
ok morph fsck

# 5. Stopped with Ctrl-C half-way: the calls in flight are awaited and
# recorded, so that finishing the run sends not a single request twice.
# The Ctrl-C comes with two calls held; they are let go once morph has
# said that it is stopping.
more q 100
ok morph commit -a -m "A hundred more"
fake_reset
fake_hold
"$MORPH" run -m llamacpp:tiny -j 2 >/dev/null 2>"$T_ROOT/int.err" &
pid=$!
hold_after 8 10 52		# 44 from the cache, 8 sent and answered
kill -INT "$pid"
T_CHECKS=$((T_CHECKS + 1))
if wait_until grep -q "Ctrl-C again" "$T_ROOT/int.err"; then
	pass "morph says it is stopping"
else
	fail "no word of the Ctrl-C: $(cat "$T_ROOT/int.err")"
fi
fake_release 2
wait_exit "$pid"
fake_release
ok morph runs --json
done_before=$(json "d[0]['results']")
T_CHECKS=$((T_CHECKS + 1))
if [ $st -eq 2 ] && [ "$(json "d[0]['state']")" = interrupted ] &&
    [ "$done_before" -eq 54 ]; then
	pass "Ctrl-C stopped the run half-way: $done_before of 144 recorded"
else
	fail "Ctrl-C: status $st, $(json "d[0]['state']"), $done_before recorded"
fi
# The 44 results of step 4 come from the cache; each request has a result.
expect_eq "$(llama_requests)" "$((done_before - 44))" \
    "every request sent before Ctrl-C has its result"
ok morph run -m llamacpp:tiny -j 2 --json
expect_eq "$(json "d['resumed'], d['errors'], d['recorded']")" \
    "True 0 $((144 - done_before))" "the same command resumes and completes the run"
expect_eq "$(llama_requests)" 100 \
    "100 new calls, 100 requests: not one sent twice"

# 6. A replay with --offline sends nothing and records every result.
sent=$(llama_requests)
fails 2 morph run -m llamacpp:tiny --offline --no-cache
ok morph run -m llamacpp:tiny --offline --json
expect_eq "$(json "d['errors'], d['recorded']")" "0 144" "--offline replays all 144 from the cache"
expect_eq "$(llama_requests)" "$sent" "--offline sent nothing"

cd "$T_ROOT"
peer_stop_all
done_testing
