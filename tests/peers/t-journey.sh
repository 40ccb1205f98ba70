#!/usr/bin/env bash
# What a new user of morph run does, end to end, against real servers: the
# starter suite (morph init --example) with its echo: model, then against
# llama.cpp's llama-server, then against OpenAI's API (here Prism serving
# OpenAI's own spec), each by changing one flag; a run killed with SIGKILL
# half-way and finished sending only what was missing; one stopped with
# Ctrl-C half-way and finished without a single duplicate request; and a
# replay with --offline that sends nothing.  Needs llama-server; without Prism or
# the spec (../shared/specs) that step says it is skipped.
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
# Requests llama-server has taken: one task a chat completion.
llama_requests() { grep -c "launch_slot_" "$PEER_LLAMA_LOG"; }
# more PREFIX COUNT: appends COUNT cases for the welcome prompt.
more() {
	local i
	for i in $(seq 1 "$2"); do
		printf '{"id": "%s%03d", "prompts": ["prompts/welcome.txt"], "vars": {"name": "%s%d", "team": "t%d"}}\n' \
		    "$1" "$i" "$1" "$i" "$i" >>cases/welcome.jsonl
	done
}
# until_recorded N: waits (12 s at most) until the unsealed run being
# made has N results.
until_recorded() {
	local n
	for _ in $(seq 600); do
		n=$("$MORPH" runs --json 2>/dev/null | python3 -c \
		    "import json,sys; d=json.load(sys.stdin); print(d[0]['results'] if d and d[0]['id'] is None else 0)" 2>/dev/null || echo 0)
		[ "$n" -ge "$1" ] && return
		sleep 0.02
	done
}

# 1. The starter suite, with the built-in echo model.
mkdir -p "$T_ROOT/journey" && cd "$T_ROOT/journey" || exit 2
ok morph init --example
T_REPOS+=("$PWD")
ok morph add .
ok morph commit -m "Starter suite"
ok morph run --json
expect_eq "$(json "d['errors'], d['recorded']")" "0 4" "echo answers the four calls"

# 2. The same suite against llama-server: one flag, through the built-in
# llamacpp provider.  Its server is not on the default port 8080, so
# LLAMACPP_API_BASE says where it is, as it would for any-llm.
export LLAMACPP_API_BASE=$PEER_LLAMA_URL/v1
ok morph run -m llamacpp:tiny --json
expect_eq "$(json "d['errors'], d['recorded']")" "0 4" "llama-server answers the four calls"
expect_eq "$(llama_requests)" 4 "four requests reached llama-server"
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
# two at a time, so that the run lasts long enough to be killed in it.
more p 40
ok morph commit -a -m "Forty more people"
before=$(llama_requests)
"$MORPH" run -m llamacpp:tiny -j 2 >/dev/null 2>&1 &
pid=$!
until_recorded 8
kill -9 "$pid"
wait "$pid" 2>/dev/null
ok morph runs --json
done_before=$(json "d[0]['results']")
T_CHECKS=$((T_CHECKS + 1))
if [ "$(json "d[0]['state']")" = interrupted ] && [ "$done_before" -ge 8 ] &&
    [ "$done_before" -lt 44 ]; then
	pass "killed half-way: $done_before of 44 recorded, the run unsealed and interrupted"
else
	fail "the kill missed the run: $(json "d[0]['state']"), $done_before recorded"
fi
sent_before=$(($(llama_requests) - before))
ok morph run -m llamacpp:tiny -j 2 --json
expect_eq "$(json "d['resumed'], d['errors'], d['recorded']")" \
    "True 0 $((44 - done_before))" "the same command resumes and completes the run"
sent_after=$(($(llama_requests) - before - sent_before))
# What was recorded is never sent again; what was in flight when the kill
# came (at most -j 2) had no answer recorded, so it is sent once more.
expect_eq "$((done_before + sent_after))" 44 \
    "the resumed run sent only what was missing ($sent_after)"
# The four calls of step 2 came from the cache; every other call sent
# before the kill was recorded, but for the two at most in flight.
T_CHECKS=$((T_CHECKS + 1))
unrecorded=$((sent_before - (done_before - 4)))
if [ "$unrecorded" -ge 0 ] && [ "$unrecorded" -le 2 ]; then
	pass "no answer was lost to the kill ($sent_before sent, $unrecorded in flight)"
else
	fail "$unrecorded requests sent before the kill have no result"
fi
ok morph fsck

# 5. Stopped with Ctrl-C half-way: the calls in flight are awaited and
# recorded, so that finishing the run sends not a single request twice.
more q 100
ok morph commit -a -m "A hundred more"
before=$(llama_requests)
"$MORPH" run -m llamacpp:tiny -j 2 >/dev/null 2>"$T_ROOT/int.err" &
pid=$!
until_recorded 52		# 44 from the cache, 8 sent
kill -INT "$pid"
wait "$pid"
st=$?
ok morph runs --json
done_before=$(json "d[0]['results']")
T_CHECKS=$((T_CHECKS + 1))
if [ $st -eq 2 ] && [ "$(json "d[0]['state']")" = interrupted ] &&
    [ "$done_before" -ge 52 ] && [ "$done_before" -lt 144 ]; then
	pass "Ctrl-C stopped the run half-way: $done_before of 144 recorded"
else
	fail "Ctrl-C: status $st, $(json "d[0]['state']"), $done_before recorded"
fi
# The 44 results of step 4 come from the cache; each request has a result.
expect_eq "$(($(llama_requests) - before))" "$((done_before - 44))" \
    "every request sent before Ctrl-C has its result"
ok morph run -m llamacpp:tiny -j 2 --json
expect_eq "$(json "d['resumed'], d['errors'], d['recorded']")" \
    "True 0 $((144 - done_before))" "the same command resumes and completes the run"
expect_eq "$(($(llama_requests) - before))" 100 \
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
