#!/usr/bin/env bash
# morph pull fetches and fast-forwards.  The story of two colleagues and a
# hub: A runs and pushes; B clones, reads A's outputs, replays A's run
# with no request, changes one prompt and pays only for its calls, and
# pushes; A pulls and sees B's run.  A diverged branch stops with what to
# do, and local changes in the way are never overwritten.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/synclib.sh"

fake_start
export OPENAI_BASE_URL=$FAKE_URL/v1
hub hub
suite_repo a
printf 'Say hello to {{country}}\n' >prompts/hello.txt
ok morph add prompts/hello.txt
ok morph commit -m "Two prompts"
ok morph run
expect_eq "$(fake_requests)" 6 "A paid for 6 calls"
ok morph remote add origin ../hub.git
ok morph push

ok morph clone "$T_ROOT/hub.git" "$T_ROOT/b"
T_REPOS+=("$T_ROOT/b")
cd "$T_ROOT/b"
ok morph eval
ok morph log --case fr
expect_contains "$out" "France"
ok morph run --offline
expect_eq "$(fake_requests)" 6 "B replays A's run with no request"
printf 'Say goodbye to {{country}}\n' >prompts/hello.txt
ok morph commit -a -m "Goodbye"
ok morph run
expect_eq "$(fake_requests)" 9 "B paid only for the changed prompt's 3 calls"
ok morph push

cd "$T_ROOT/a"
ok morph pull
expect_contains "$out" "Fast-forward "
expect_contains "$out" "Fetched 1 commit and 2 runs (12 results)"
expect_eq "$(cat prompts/hello.txt)" "Say goodbye to {{country}}" "the work tree followed"
ok morph runs --json
expect_eq "$(json "sorted(r['state'] for r in d)")" "['done', 'done', 'done']" "A sees B's runs"
ok morph eval HEAD --against HEAD~1
ok morph pull
expect_contains "$out" "Already up to date."

# Ahead: nothing to do.  Diverged: stop, saying what to do.
printf 'Greet {{country}}\n' >prompts/hello.txt
ok morph commit -a -m "Greet"
ok morph pull
expect_contains "$out" "your branch has commits the remote's has not"
cd "$T_ROOT/b"
printf 'Wave at {{country}}\n' >prompts/hello.txt
ok morph commit -a -m "Wave"
ok morph push
cd "$T_ROOT/a"
head=$("$MORPH" rev-parse HEAD)
fails 2 morph pull
expect_contains "$err" "morph: branch 'main' and 'origin/main' have diverged"
expect_eq "$("$MORPH" rev-parse HEAD)" "$head" "the branch did not move"

# Local changes a fast-forward would overwrite stop it; nothing moves.
ok morph clone "$T_ROOT/hub.git" "$T_ROOT/c"
T_REPOS+=("$T_ROOT/c")
cd "$T_ROOT/b"
printf 'Bow to {{country}}\n' >prompts/hello.txt
ok morph commit -a -m "Bow"
ok morph push
cd "$T_ROOT/c"
head=$("$MORPH" rev-parse HEAD)
printf 'my own edit\n' >prompts/hello.txt
fails 2 morph pull
expect_contains "$err" "checkout would overwrite local changes"
expect_eq "$("$MORPH" rev-parse HEAD)" "$head" "the branch did not move"
expect_eq "$(cat prompts/hello.txt)" "my own edit" "the local change is kept"

# Into a new repository (an unborn branch), pull checks out.
new_repo d
ok morph remote add origin ../hub.git
ok morph pull
expect_contains "$out" "Checked out "
expect_eq "$(cat prompts/hello.txt)" "Bow to {{country}}" "checked out"
fails 2 morph pull origin nosuch
expect_contains "$err" "the remote 'origin' has no branch 'nosuch'"
done_testing
