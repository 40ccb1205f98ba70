#!/usr/bin/env bash
# morph fetch brings a colleague's history and runs, so that eval, log
# --case and run --offline work with no request; it checks every object,
# and one changed byte anywhere refuses the whole fetch and changes
# nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/synclib.sh"

fake_start
export OPENAI_BASE_URL=$FAKE_URL/v1
hub hub
suite_repo a
ok morph run
ok morph remote add origin ../hub.git
ok morph push

# B reads A's outputs, and replays A's run sending nothing.
ok morph clone "$T_ROOT/hub.git" "$T_ROOT/b"
T_REPOS+=("$T_ROOT/b")
cd "$T_ROOT/b"
# What the run names came with it: its price table, its calls.
ok morph fsck
ok morph runs --json
runid=$(json "d[0]['id']")
ok morph cat-object -p "$runid"
prices=$(json "d['prices']")
expect_eq "$(cd "$T_ROOT/a" && "$MORPH" cat-object -p "$runid" | python3 -c 'import json,sys; print(json.load(sys.stdin)["prices"])')" \
    "$prices" "the run names A's price table"
ok morph cat-object -t "$prices"
expect_eq "$out" "blob" "the price table came with the run"
ok morph eval
expect_contains "$out" "1/1 (100%)"
ok morph log --case fr
expect_contains "$out" "France"
sent=$(fake_requests)
ok morph run --offline
expect_contains "$out" "3 from the cache"
expect_eq "$(fake_requests)" "$sent" "a replay of a colleague's run sends nothing"

# A commits and runs again; B's fetch brings both, as origin/main.
cd "$T_ROOT/a"
printf 'What is the capital of {{country}}?\n' >prompts/q.txt
ok morph commit -a -m "Ask"
ok morph run
ok morph push
cd "$T_ROOT/b"
ok morph fetch
expect_contains "$out" "From $T_ROOT/hub.git"
expect_contains "$out" "..$(cd "$T_ROOT/a" && "$MORPH" rev-parse HEAD | cut -c1-12)  origin/main"
expect_contains "$out" "Fetched 1 commit and 1 run (3 results)"
ok morph fsck
run morph eval HEAD --against origin/main
expect_eq "$status" 0 "eval against a remote-tracking branch"
expect_contains "$out" "changed output"
ok morph fetch
expect_eq "$out" "From $T_ROOT/hub.git" "a second fetch brings nothing"

# A branch deleted on the hub goes; a tag that differs here is kept.
cd "$T_ROOT/a"
ok morph branch feature
ok morph push origin feature
ok morph tag v1
ok morph push --tags
cd "$T_ROOT/b"
ok morph tag v1 HEAD
ok morph fetch
expect_contains "$out" " * [new branch]      origin/feature"
expect_contains "$out" " ! [rejected]        v1 (a tag of that name here names another commit; kept it)"
git -C "$T_ROOT/hub.git" update-ref -d refs/morph/heads/feature
ok morph fetch
expect_contains "$out" " - [deleted]         origin/feature"

# Tampering: a hub whose objects were changed after the push.  Each fetch
# is refused, naming what is wrong, and B's database does not change.
refused() {	# refused WHAT NEEDLE: fetch from tam must fail, naming it
	local before
	before=$(db_state)
	fails 2 morph fetch tam
	expect_contains "$err" "morph: fetch from 'tam' refused, nothing changed: $2" "$1"
	expect_eq "$(db_state)" "$before" "$1: the database is unchanged"
}
cd "$T_ROOT/a" && printf 'Capital city of {{country}}?\n' >prompts/q.txt &&
    "$MORPH" commit -qa -m City >/dev/null 2>&1 || "$MORPH" commit -a -m City >/dev/null
ok morph run --json
runid=$(json "d['id']")
ok morph push
cd "$T_ROOT/b"
ok morph remote add tam ../tam.git
shard=refs/morph/runs/$(echo "$runid" | cut -c1)

rm -rf "$T_ROOT/tam.git" && git clone -q --mirror "$T_ROOT/hub.git" "$T_ROOT/tam.git"
out_path=$(git -C "$T_ROOT/tam.git" ls-tree -r --name-only "$shard" | grep "$runid/outputs/" | head -1)
ok tamper "$T_ROOT/tam.git" "$shard" "$out_path"
refused "one byte of an output" "run $runid: outputs/${out_path#*/outputs/} hashes to "

rm -rf "$T_ROOT/tam.git" && git clone -q --mirror "$T_ROOT/hub.git" "$T_ROOT/tam.git"
ok tamper "$T_ROOT/tam.git" "$shard" "${out_path%%/outputs/*}/pages/0000"
refused "one byte of a page" "run $runid: pages/0000 hashes to "

rm -rf "$T_ROOT/tam.git" && git clone -q --mirror "$T_ROOT/hub.git" "$T_ROOT/tam.git"
ok tamper "$T_ROOT/tam.git" "$shard" "${out_path%%/outputs/*}/run"
refused "one byte of the run object" "run $runid: "

rm -rf "$T_ROOT/tam.git" && git clone -q --mirror "$T_ROOT/hub.git" "$T_ROOT/tam.git"
ok tamper "$T_ROOT/tam.git" refs/morph/heads/main prompts/q.txt replace
refused "one byte of a prompt" "'main' (git "
expect_contains "$err" "make tree"

rm -rf "$T_ROOT/tam.git" && git clone -q --mirror "$T_ROOT/hub.git" "$T_ROOT/tam.git"
ok tamper "$T_ROOT/tam.git" refs/morph/heads/main .morph/commit replace
refused "one byte of a commit object" "'main' (git "

rm -rf "$T_ROOT/tam.git" && git clone -q --mirror "$T_ROOT/hub.git" "$T_ROOT/tam.git"
ok tamper "$T_ROOT/tam.git" refs/morph/heads/main .morph/format replace
refused "a newer format" "'main' (git "
expect_contains "$err" "upgrade morph"

rm -rf "$T_ROOT/tam.git" && git clone -q --mirror "$T_ROOT/hub.git" "$T_ROOT/tam.git"
h=refs/morph/heads/main
c=$(git -C "$T_ROOT/tam.git" log -1 --format=%B $h | sed 's/City/Town/' |
    GIT_AUTHOR_DATE="$(git -C "$T_ROOT/tam.git" log -1 --format=%ad --date=raw $h)" \
    GIT_COMMITTER_DATE="$(git -C "$T_ROOT/tam.git" log -1 --format=%cd --date=raw $h)" \
    git -C "$T_ROOT/tam.git" commit-tree "$h^{tree}" -p "$h^")
git -C "$T_ROOT/tam.git" update-ref $h "$c"
refused "a changed git commit message" "'main' (git "
expect_contains "$err" "is not the export of morph commit"

# The genuine hub is still fetched whole.
ok morph fetch
expect_contains "$out" "Fetched 1 commit and 1 run (3 results)"

# Fetched history runs no exec assertion without this repository's say.
cd "$T_ROOT/a"
cat >cases/x.jsonl <<'EOS'
{"id": "x", "vars": {"country": "Spain"}, "assert": [{"type": "exec", "value": "touch ran-here"}]}
EOS
ok morph add cases/x.jsonl
ok morph commit -m "Exec"
ok morph run --allow-exec
ok morph push
cd "$T_ROOT/b"
ok morph pull
fails 2 morph run --offline
expect_contains "$err" "this repository does not allow it"
expect_eq "$(ls "$T_ROOT/b" | grep -c ran-here)" 0 "no command ran"
ok morph config --local --type json exec.allow true
ok morph run --offline
expect_eq "$(ls "$T_ROOT/b" | grep -c ran-here)" 1 "allowed here, the command runs"
done_testing
