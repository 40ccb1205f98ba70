#!/usr/bin/env bash
# morph push sends history and runs to a bare git hub as git objects a
# person can read, the same on every machine, and never forces: a branch
# the hub moved on is refused, runs pushed at once from two clones are
# both kept, and git gc on either side loses nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/synclib.sh"
export MORPH_AUTHOR_DATE="1700000000 +0100"

# runs_on HUB: how many runs the hub's shards hold.
runs_on() {
	local r n=0
	for r in $(git -C "$1" for-each-ref --format='%(refname)' refs/morph/runs); do
		n=$((n + $(git -C "$1" ls-tree -r --name-only "$r" | grep -c '/run$')))
	done
	echo "$n"
}

fake_start
export OPENAI_BASE_URL=$FAKE_URL/v1
hub hub
suite_repo a
ok morph run
ok morph remote add origin ../hub.git
ok morph push
expect_contains "$out" "To $T_ROOT/hub.git"
expect_contains "$out" " * [new branch]      main"
expect_contains "$out" "Pushed 1 run"
ok git -C "$T_ROOT/hub.git" fsck --strict
expect_eq "$(runs_on "$T_ROOT/hub.git")" 1 "the run is on the hub"
ok morph push
expect_eq "$out" "To $T_ROOT/hub.git
Everything up-to-date" "nothing new to push"

# A plain git clone reads the prompts and their history.
ok git clone -q "$T_ROOT/hub.git" "$T_ROOT/plain"
ok git -C "$T_ROOT/plain" fetch -q origin 'refs/morph/*:refs/morph/*'
ok git -C "$T_ROOT/plain" log -p refs/morph/heads/main -- prompts/
expect_contains "$out" "+Capital of {{country}}"
expect_contains "$out" "Author: Test Author <test@example.com>"
ok git -C "$T_ROOT/plain" show refs/morph/heads/main:.morph/format
expect_eq "$out" "1" "the format version"

# The export is deterministic: the same history made on another machine
# is the same git commit.
hub hub2
suite_repo c
ok morph remote add origin ../hub2.git
ok morph push --no-runs
expect_eq "$(git -C "$T_ROOT/hub2.git" rev-parse refs/morph/heads/main)" \
    "$(git -C "$T_ROOT/hub.git" rev-parse refs/morph/heads/main)" \
    "two machines export the same git commit"
expect_eq "$(runs_on "$T_ROOT/hub2.git")" 0 "--no-runs pushes no run"
fails 2 morph push origin nosuch
expect_contains "$err" "morph: no branch named 'nosuch'"

# --all pushes every branch; a branch named as well is a usage error.
ok morph branch topic
ok morph branch other
ok morph push --all
expect_contains "$out" " * [new branch]      other"
expect_contains "$out" " * [new branch]      topic"
expect_eq "$(git -C "$T_ROOT/hub2.git" for-each-ref --format='%(refname)' refs/morph/heads | tr '\n' ' ')" \
    "refs/morph/heads/main refs/morph/heads/other refs/morph/heads/topic " "every branch is on the hub"
fails 2 morph push --all origin main
expect_contains "$err" "--all pushes every branch: name no branch"

# Tags travel with --tags.
cd "$T_ROOT/a"
ok morph tag v1
ok morph push --tags
expect_contains "$out" " * [new tag]         v1"
ok git -C "$T_ROOT/hub.git" rev-parse refs/morph/tags/v1

# Never forced: B pushes first, then A's diverged branch is refused.
ok morph clone "$T_ROOT/hub.git" "$T_ROOT/b"
T_REPOS+=("$T_ROOT/b")
cd "$T_ROOT/b"
printf 'What is the capital of {{country}}?\n' >prompts/q.txt
ok morph commit -a -m "Ask"
ok morph push
before=$(git -C "$T_ROOT/hub.git" rev-parse refs/morph/heads/main)
cd "$T_ROOT/a"
printf 'Name the capital of {{country}}.\n' >prompts/q.txt
ok morph commit -a -m "Name"
fails 2 morph push
expect_contains "$out" " ! [rejected]        main (the remote's branch has commits you do not have: fetch them (morph pull) first)"
expect_contains "$err" "morph: failed to push some references to 'origin'"
expect_eq "$(git -C "$T_ROOT/hub.git" rev-parse refs/morph/heads/main)" "$before" \
    "the hub's branch did not move"

# Runs pushed at once from two clones are both kept.
for c in x y; do
	ok morph clone "$T_ROOT/hub.git" "$T_ROOT/$c"
	T_REPOS+=("$T_ROOT/$c")
	(cd "$T_ROOT/$c" && "$MORPH" run >/dev/null) || fail "run in $c"
done
(cd "$T_ROOT/x" && "$MORPH" push >"$T_ROOT/x.out" 2>&1) &
px=$!
(cd "$T_ROOT/y" && "$MORPH" push >"$T_ROOT/y.out" 2>&1) &
py=$!
wait "$px"; sx=$?
wait "$py"; sy=$?
expect_eq "$sx $sy" "0 0" "both concurrent pushes succeed"
expect_eq "$(runs_on "$T_ROOT/hub.git")" 3 "the hub holds both new runs and the first"
ok git -C "$T_ROOT/hub.git" fsck --strict
cd "$T_ROOT/b"
ok morph fetch
ok morph runs --json
expect_eq "$(json "len(d)")" 3 "a fetch brings all three runs"

# git gc on the hub, and in .morph/git, loses nothing morph needs.
ok git -C "$T_ROOT/hub.git" gc -q --prune=now
ok git -C "$T_ROOT/b/.morph/git" gc -q --prune=now
ok morph clone "$T_ROOT/hub.git" "$T_ROOT/d"
T_REPOS+=("$T_ROOT/d")
cd "$T_ROOT/d"
ok morph runs --json
expect_eq "$(json "len(d)")" 3 "a clone after gc has every run"
cd "$T_ROOT/b"
printf 'Capital city of {{country}}?\n' >prompts/q.txt
ok morph commit -a -m "City"
ok morph push
ok git -C "$T_ROOT/hub.git" fsck --strict
done_testing
