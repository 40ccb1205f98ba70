#!/usr/bin/env bash
# morph clone makes a repository from a hub, over a path or file://, and
# checks out its default branch; it refuses a directory in use and leaves
# nothing behind when it fails.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/synclib.sh"

fake_start
export OPENAI_BASE_URL=$FAKE_URL/v1
hub hub
suite_repo a
ok morph run
ok morph remote add origin ../hub.git
ok morph push

cd "$T_ROOT"
ok morph clone hub.git
expect_contains "$out" "Cloning into 'hub'..."
expect_contains "$out" "Checked out branch 'main'"
T_REPOS+=("$T_ROOT/hub")
expect_eq "$(cat hub/prompts/q.txt)" "Capital of {{country}}" "the work tree is checked out"
ok morph -C hub status
expect_contains "$out" "nothing to commit"
ok morph -C hub remote -v
expect_eq "$out" "origin	$T_ROOT/hub.git" "origin is the hub"

ok morph clone "file://$T_ROOT/hub.git" viafile
T_REPOS+=("$T_ROOT/viafile")
ok morph -C viafile runs --json
expect_eq "$(json "len(d)")" 1 "the run came over file://"

# A directory in use is refused; an empty one is used.
fails 2 morph clone hub.git hub
expect_contains "$err" "morph: 'hub' exists and is not an empty directory"
mkdir empty
ok morph clone hub.git empty
T_REPOS+=("$T_ROOT/empty")

# A failed clone leaves nothing behind.
fails 2 morph clone "$T_ROOT/nonexistent.git" gone
expect_contains "$err" "morph: cannot fetch from 'origin' ($T_ROOT/nonexistent.git)"
expect_eq "$(ls -d gone 2>/dev/null)" "" "no directory is left"

# An empty hub clones to an empty repository.
hub bare
ok morph clone bare.git
expect_contains "$out" "The remote has no branch: you cloned an empty repository"
T_REPOS+=("$T_ROOT/bare")

# Without main, master; without either, the first branch.
cd "$T_ROOT/a"
ok morph branch -m main trunk
hub other
ok morph remote add other ../other.git
ok morph push other trunk
cd "$T_ROOT"
ok morph clone other.git
expect_contains "$out" "Checked out branch 'trunk'"
T_REPOS+=("$T_ROOT/other")
fails 2 morph clone
expect_contains "$err" "usage: morph clone url [directory]"

done_testing
