#!/usr/bin/env bash
# morph bisect: run finds the commit that broke a case in a history of 64
# commits, sending that case's calls for 6 commits (counted at the fake
# provider), and nothing the second time; a session by hand (start, good,
# bad, skip, log, reset) and morph status; --assert and --model; commits
# whose suite lacks the case are skipped; history with a merge, and a
# merge base that must be tested first; what is refused.
. "$(dirname "$0")/lib.sh"

: "${MORPH_MKCOMMIT:?MORPH_MKCOMMIT must name tests/tools/mkcommit.c built}"
export FAKE_KEY=sk-bisect
json() {	# json EXPR: evaluates EXPR on the JSON document in $out
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
# requested: the last user message of every request the fake has seen,
# one a line, sorted.
requested() {
	curl -s "$FAKE_URL/__requests" | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    print(r["body"]["messages"][-1]["content"].strip())' | sort
}
# version REV: N of "vN:" in the prompt of commit REV.
version() {
	"$MORPH" show "$1:prompts/q.txt" | sed -n 's/^v\([0-9]*\):.*/\1/p'
}
# suite DIR: a suite of one prompt and two cases on the fake provider.
suite() {
	new_repo "$1"
	"$MORPH" config --type json providers.fake \
	    "{\"dialect\":\"openai\",\"base_url\":\"$FAKE_URL/v1\",\"key_env\":\"FAKE_KEY\"}" ||
	    exit 2
	mkdir -p prompts cases
	cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": [{"id": "m1", "model": "fake:m1"}, {"id": "m2", "model": "fake:m2"}],
 "defaults": {"max_tokens": 20}}
EOF
	cases fr de
}
# cases ID...: the case file with those of fr and de.
cases() {
	local id
	for id in "$@"; do
		case $id in
		fr) echo '{"id": "fr", "vars": {"country": "France"}, "assert": [{"type": "icontains", "value": "paris"}]}' ;;
		de) echo '{"id": "de", "vars": {"country": "Germany"}, "assert": [{"type": "icontains", "value": "berlin"}]}' ;;
		esac
	done >cases/c.jsonl
}
# commit_version N HINT [EXTRA]: the prompt of version N, committed.
commit_version() {
	printf 'v%s: %s.%s Capital of {{country}}?\n' "$1" "$2" "${3-}" \
	    >prompts/q.txt
	"$MORPH" add . && "$MORPH" commit -m "rev $1" >/dev/null ||
	    { echo "commit $1 failed"; exit 2; }
}
# versions N BROKEN BRIEF: commits versions 1 to N; from BROKEN on the hint
# lacks Paris, from BRIEF on the prompt asks to answer briefly.  A function
# before_version, if defined, runs before each commit with its N.
versions() {
	local n hint extra
	for n in $(seq 1 "$1"); do
		hint="Paris, Berlin"
		[ "$n" -ge "$2" ] && hint="Lyon, Berlin"
		extra=
		[ "$n" -ge "$3" ] && extra=" Answer briefly."
		if declare -F before_version >/dev/null; then
			before_version "$n"
		fi
		commit_version "$n" "$hint" "$extra"
	done
}

fake_start

# 1. 64 commits; version 42 drops Paris from the hint, which breaks case
# fr (France's capital is no longer in the answer); version 20 adds
# "Answer briefly", which no case checks.
suite line
versions 64 42 20
tip=$(morph rev-parse main)
first=$(morph rev-parse main~63)
broke=$(morph rev-parse main~22)
expect_eq "$(version "$broke")" 42 "main~22 is version 42"

ok morph bisect start main "$first"
expect_contains "$out" "Bisecting: "
expect_contains "$out" "left to test after this (roughly 5 steps)"
ok morph status
expect_contains "$out" "HEAD detached at"
expect_contains "$out" "You are currently bisecting, started from branch 'main'."
expect_contains "$out" '(use "morph bisect reset" to get back to where it started)'
ok morph status --json
expect_eq "$(json "d['bisect']['branch'], d['bisect']['bad'] == '$tip', d['bisect']['good'] == ['$first'], d['bisect']['skip']")" \
    "main True True []" "status --json names the session"
expect_eq "$(fake_requests)" 0 "starting sends nothing"

ok morph bisect run --case fr -m m1 --json
expect_eq "$(json "d['state'], d['first_bad']")" "found $broke" "run finds version 42"
expect_eq "$(json "len(d['tested'])")" 6 "6 commits tested for 63 candidates"
expect_eq "$(json "sorted(set((t['calls'], t['cached'], t['requests']) for t in d['tested']))")" \
    "[(1, 0, 1)]" "one call of the case a commit, none cached"
tested=$(json "'\n'.join(t['commit'] for t in d['tested'])")
marks=$(json "' '.join(t['mark'] for t in d['tested'])")
want=$(for c in $tested; do
	printf 'v%s: ' "$(version "$c")"
	[ "$(version "$c")" -ge 42 ] && printf 'Lyon' || printf 'Paris'
	printf ', Berlin.'
	[ "$(version "$c")" -ge 20 ] && printf ' Answer briefly.'
	printf ' Capital of France?\n'
done | sort)
# Exactly the tested commits' calls reached the provider: case fr on m1.
expect_eq "$(requested)" "$want" "the requests are the tested commits' fr calls"
expect_eq "$(fake_requests)" 6 "6 requests in all"
expect_eq "$(for c in $tested; do [ "$(version "$c")" -ge 42 ] && echo bad || echo good; done | tr '\n' ' ')" \
    "$marks " "each commit is marked by its verdict"

ok morph bisect log
expect_contains "$out" "morph bisect start
# bad: [$tip] rev 64
morph bisect bad $tip
# good: [$first] rev 1
morph bisect good $first"
expect_contains "$out" "#   case 'fr' fails (1 of 1): prompts/q.txt on m1: icontains: output lacks \"paris\""
expect_contains "$out" "# first bad commit: [$broke] rev 42"
ok morph runs
expect_contains "$out" "done"

# The text report: the first bad commit and its prompt diff.
ok morph bisect reset
expect_eq "$out" "Switched to branch 'main'" "reset goes back to main"
ok morph status
expect_contains "$out" "On branch main"
expect_not_contains "$out" "bisecting"
expect_eq "$(morph rev-parse HEAD)" "$tip" "HEAD is main's tip again"
ok morph bisect start main "$first"
ok morph bisect run --case fr --model m1
expect_contains "$out" "$broke is the first bad commit
commit $broke"
expect_contains "$out" "    rev 42"
expect_contains "$out" "-v41: Paris, Berlin. Answer briefly. Capital of {{country}}?
+v42: Lyon, Berlin. Answer briefly. Capital of {{country}}?"
expect_contains "$out" "${broke:0:12} bad  case 'fr' fails"
expect_eq "$(fake_requests)" 6 "run again: every call from the cache"
expect_contains "$out" "(run #" "each tested commit names its run"
expect_contains "$out" "1 call, 1 from the cache)"
ok morph bisect reset

# The EXAMPLES of morph-bisect(1).  Both models: two calls a commit, the
# m1 ones from the cache.
ok morph tag v1 "$first"
ok morph bisect start main v1
ok morph bisect run --case fr
expect_contains "$out" "$broke is the first bad commit"
expect_contains "$out" "(run #"
expect_contains "$out" "2 calls, 1 from the cache)"
expect_eq "$(fake_requests)" 12 "m2's calls sent, m1's from the cache"
ok morph bisect reset
ok morph bisect start main v1
expect_contains "$out" "Bisecting: 31 commits left to test after this (roughly 5 steps)"
ok morph run
ok morph show HEAD
here=$(morph rev-parse HEAD)
ok morph bisect good
ok morph bisect log
expect_contains "$out" "morph bisect good $here"
ok morph bisect reset

# 2. --assert decides instead of the case, here on a change no case
# checks (an EXAMPLE of morph-bisect(1)).
ok morph bisect start HEAD HEAD~63
ok morph bisect run --case de -m m1 --assert '{"type": "not-icontains", "value": "briefly"}'
expect_contains "$out" "$(morph rev-parse main~44) is the first bad commit"
expect_contains "$out" "+v20: Paris, Berlin. Answer briefly. Capital of {{country}}?"
ok morph bisect reset
# run trusts the bad commit it is given, as git does: case de never
# fails, every commit tested is good, and the tip is the first bad one.
ok morph bisect start "$tip" "$first"
ok morph bisect run --case de -m m2 --json
expect_eq "$(json "d['state'], d['first_bad'] == '$tip', set(t['mark'] for t in d['tested'])")" \
    "found True {'good'}" "a case that never fails ends on the given bad commit"
ok morph bisect reset

# 3. By hand: start with nothing, then bad, good, skip; the log; reset to
# a revision.
ok morph bisect start
expect_eq "$out" "status: waiting for a bad commit" "start alone waits"
ok morph bisect bad
expect_eq "$out" "status: waiting for good commits, the bad one known" "bad is HEAD"
ok morph bisect good "$first"
expect_contains "$out" "Bisecting: 31 commits left to test after this (roughly 5 steps)"
mid=$(morph rev-parse HEAD)
expect_contains "$out" "[$mid] rev "
ok morph bisect skip
expect_contains "$out" "Bisecting: "
expect_not_contains "$(morph rev-parse HEAD)" "$mid" "skip moves on"
ok morph bisect log
expect_contains "$out" "# skip: [$mid]"
expect_contains "$out" "morph bisect skip $mid"
# A local change that the next checkout would overwrite: the mark stays.
printf 'local edit\n' >prompts/q.txt
here=$(morph rev-parse HEAD)
fails 2 morph bisect good
expect_contains "$err" "the marks are recorded, but commit "
expect_contains "$err" "cannot be checked out"
expect_contains "$err" "prompts/q.txt"
ok morph bisect log
expect_contains "$out" "morph bisect good $here"
ok morph restore prompts/q.txt
ok morph bisect reset "$first"
expect_contains "$out" "HEAD is now at [$first] rev 1"
expect_eq "$(morph rev-parse HEAD)" "$first" "reset to a revision"
ok morph status
expect_contains "$out" "HEAD detached at"
ok morph checkout main

# 4. What is refused.
ok morph bisect start
fails 2 morph bisect run --case fr
expect_contains "$err" "bisect run needs a bad and a good commit"
ok morph bisect reset
fails 2 morph bisect good
expect_contains "$err" "no bisect is in progress"
fails 2 morph bisect log
expect_contains "$err" "no bisect is in progress"
fails 2 morph bisect reset
expect_contains "$err" "no bisect is in progress"
fails 2 morph bisect
expect_contains "$err" "bisect needs a subcommand"
fails 2 morph bisect frobnicate
expect_contains "$err" "unknown subcommand 'frobnicate'"
ok morph bisect start main "$first"
fails 2 morph bisect start main "$first"
expect_contains "$err" "a bisect is in progress already"
fails 2 morph bisect bad main "$first"
expect_contains "$err" "one commit is bad"
fails 2 morph bisect good nosuchrev
expect_contains "$err" "nosuchrev"
fails 2 morph bisect run
expect_contains "$err" "--case names the case to run"
fails 2 morph bisect run --case fr --assert 'nope'
expect_contains "$err" "--assert"
fails 2 morph bisect run --case fr --assert '{"type": "contain", "value": "x"}'
expect_contains "$err" "--assert[0]: unknown assertion type"
fails 2 morph bisect run --case fr --assert '{"type": "llm-rubric", "value": "x"}'
expect_contains "$err" "llm-rubric needs a judge"
fails 2 morph bisect run --case fr --assert '{"type": "exec", "value": "true"}'
expect_contains "$err" "--allow-exec"
fails 2 morph bisect run --case fr -m m1 -m m2
expect_contains "$err" "one --model at most"
before=$(fake_requests)
# A case no commit has: every commit is skipped, nothing is sent.
fails 1 morph bisect run --case nosuch
expect_contains "$out" "skip its suite has no case 'nosuch'"
expect_contains "$out" "There are only skipped commits left to test."
expect_contains "$out" "[$tip] rev 64"
expect_eq "$(fake_requests)" "$before" "skipped commits send nothing"
# --offline with calls the cache lacks: an error, nothing marked.
ok morph bisect reset
ok morph bisect start main "$first"
fails 2 morph bisect run --case fr -m fake:m3 --offline
expect_contains "$err" "offline, and call"
ok morph bisect log
expect_not_contains "$out" "#   case" "a failed test marks nothing"
ok morph bisect reset
# A damaged record: status says so and how to mend it; reset removes it.
ok morph bisect start main "$first"
python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE meta SET value = ? WHERE key = ?", (b"{\"start\": 1}", "bisect"))
c.commit()' .morph/morph.db
fails 2 morph status
expect_contains "$err" "the record of the bisect in progress (meta 'bisect') is damaged"
expect_contains "$err" "morph bisect reset removes it"
ok morph bisect reset
expect_contains "$out" "Removed the damaged bisect record; HEAD stays where it is."
ok morph status
expect_contains "$out" "HEAD detached at"
ok morph checkout main

# A call that fails says nothing of the prompt: run stops, marks nothing.
cd "$T_ROOT"
suite faults
for n in 1 2 3 4; do
	commit_version "$n" "fault:400 Paris"
done
ok morph bisect start main main~3
fails 2 morph bisect run --case fr -m m1
expect_contains "$err" "1 of 1 calls of case 'fr' failed after their retries (prompts/q.txt on m1: error: "
expect_contains "$err" "the commit is not marked"
ok morph bisect log
expect_not_contains "$out" "#   case" "a failed call marks nothing"
ok morph bisect reset

# 5. Commits whose suite lacks the case are skipped: fr is missing from
# versions 7 to 10 and fails from 11 on, so the first bad commit is one
# of 7..11.  With --assert on a change at version 14 the skips are
# stepped around.
cd "$T_ROOT"
suite skips
before_version() {
	if [ "$1" -ge 7 ] && [ "$1" -le 10 ]; then
		cases de
	else
		cases fr de
	fi
}
versions 16 11 14
unset -f before_version
ok morph bisect start main main~15
fails 1 morph bisect run --case fr -m m1 --json
expect_eq "$(json "d['state']")" skipped "only skipped commits left"
possible=$(json "' '.join(d['possible'])")
expect_eq "$(for c in $possible; do version "$c"; done | sort -n | tr '\n' ' ')" \
    "7 8 9 10 11 " "the first bad commit is one of versions 7..11"
expect_eq "$(json "all(t['mark'] == 'skip' and t['run'] is None for t in d['tested'] if t['why'] == \"its suite has no case 'fr'\")")" True "skips run nothing"
ok morph bisect log
expect_contains "$out" "# only skipped commits left to test"
expect_contains "$out" "#   its suite has no case 'fr'"
ok morph bisect reset
ok morph bisect start main main~15
ok morph bisect run --case fr -m m1 --assert '{"type": "not-icontains", "value": "briefly"}'
expect_contains "$out" "$(morph rev-parse main~2) is the first bad commit"
ok morph bisect reset

# 6. A merge: case fr reads two prompts; the side branch breaks b.txt
# at its third commit, then is merged into main.
#
#   c1 .. c4 .. c8 - M - m1 - m2 - m3
#          \        /
#           s1 .. s4
cd "$T_ROOT"
suite merge
printf 'b: Paris.\n' >prompts/b.txt
for n in $(seq 1 8); do
	commit_version "$n" "Paris"
done
c4=$(morph rev-parse main~4)
c8=$(morph rev-parse main)
ok morph branch side "$c4"
ok morph checkout side
for n in 1 2 3 4; do
	word=Paris
	[ "$n" -ge 3 ] && word=Lyon
	printf 'b s%s: %s.\n' "$n" "$word" >prompts/b.txt
	ok morph commit -a -m "side $n"
done
s2=$(morph rev-parse side~2)
s3=$(morph rev-parse side~1)
# The merge's snapshot: main's q.txt with the side's b.txt.
ok morph checkout -b scratch "$c8"
printf 'b s4: Lyon.\n' >prompts/b.txt
ok morph commit -a -m "merged snapshot"
ok morph checkout "$c8"
ok "$MORPH_MKCOMMIT" refs/heads/main scratch "Merge side" "$c8" side
merge=$out
ok morph checkout main
expect_eq "$(morph rev-parse HEAD)" "$merge" "main is the merge"
for n in 9 10 11; do
	commit_version "$n" "Paris"
done
first=$(morph rev-parse "$c4~3")
ok morph bisect start main "$first"
ok morph bisect run --case fr -m m1 --json
expect_eq "$(json "d['state'], d['first_bad'] == '$s3'")" "found True" "the side's breaking commit, through the merge"
expect_eq "$(json "len(d['tested']) <= 5")" True "15 candidates: at most 5 tests"
ok morph bisect reset
ok morph bisect start main "$first"
ok morph bisect run --case fr -m m1
expect_contains "$out" "$s3 is the first bad commit"
expect_contains "$out" "-b s2: Paris.
+b s3: Lyon."
ok morph bisect reset
# A good commit on the side, the bad one on main before the merge: their
# merge base c4 is tested first.
ok morph bisect start "$c8" "$s2"
expect_contains "$out" "Bisecting: a merge base must be tested
[$c4] rev 4"
fails 1 morph bisect bad
expect_contains "$out" "The merge base $c4 is bad."
expect_contains "$out" "[$s2] side 2"
ok morph bisect reset
ok morph status
expect_contains "$out" "On branch main"

done_testing
