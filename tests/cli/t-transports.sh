#!/usr/bin/env bash
# push, fetch and clone over the network transports git users have, each
# a real server on loopback: git daemon (git://), and git http-backend
# behind an HTTP server asking for a password (tests/tools/githttp.py),
# where morph authenticates through git's credential helpers, a bounded
# number of times, never prompting off a terminal and never showing the
# password.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/synclib.sh"

fake_start
export OPENAI_BASE_URL=$FAKE_URL/v1
mkdir -p "$T_ROOT/srv"
git init -q --bare "$T_ROOT/srv/hub.git"

# git daemon, pushing enabled; stopped by PID with the fake provider.
port=$(free_port)
git daemon --reuseaddr --base-path="$T_ROOT/srv" --export-all \
    --enable=receive-pack --listen=127.0.0.1 --port="$port" \
    "$T_ROOT/srv" >"$T_ROOT/daemon.log" 2>&1 &
T_FAKE_PIDS+=("$!")
if ! wait_until quiet git ls-remote "git://127.0.0.1:$port/hub.git"; then
	echo "git daemon did not start:"; cat "$T_ROOT/daemon.log"; exit 2
fi
GITURL=git://127.0.0.1:$port/hub.git

suite_repo a
ok morph run
ok morph remote add origin "$GITURL"
ok morph push
expect_contains "$out" "Pushed 1 run"
ok git -C "$T_ROOT/srv/hub.git" fsck --strict
ok morph clone "$GITURL" "$T_ROOT/b"
T_REPOS+=("$T_ROOT/b")
cd "$T_ROOT/b"
sent=$(fake_requests)
ok morph run --offline
expect_eq "$(fake_requests)" "$sent" "a clone over git:// replays with no request"
printf 'Capital city of {{country}}\n' >prompts/q.txt
ok morph commit -a -m "City"
ok morph run
ok morph push
cd "$T_ROOT/a"
ok morph pull
expect_contains "$out" "Fetched 1 commit and 2 runs (6 results)"

# git's url.BASE.insteadOf and pushInsteadOf rewrite a remote's URL.
git config --global url."git://127.0.0.1:$port/".insteadOf "team:"
git config --global url."git://127.0.0.1:$port/".pushInsteadOf "teampush:"
ok morph remote add short team:hub.git
ok morph fetch short
expect_contains "$out" " * [new branch]      short/main"
ok morph remote add shortpush teampush:hub.git
ok morph push shortpush
expect_contains "$out" "Everything up-to-date"
git config --global --remove-section url."git://127.0.0.1:$port/"

# What a server refuses, libgit2 says only through its
# push_update_reference callback: the hub's hook refuses a branch.
cat >"$T_ROOT/srv/hub.git/hooks/update" <<'EOS'
#!/bin/sh
case "$1" in refs/morph/heads/*) echo "branches are frozen" >&2; exit 1;; esac
exit 0
EOS
chmod +x "$T_ROOT/srv/hub.git/hooks/update"
before=$(git -C "$T_ROOT/srv/hub.git" rev-parse refs/morph/heads/main)
printf 'Capital of {{country}}, please\n' >prompts/q.txt
ok morph commit -a -m "Please"
fails 2 morph push
expect_contains "$out" " ! [rejected]        main (the remote refused it: fetch (morph pull) and try again)"
expect_contains "$err" "morph: failed to push some references to 'origin'"
expect_eq "$(git -C "$T_ROOT/srv/hub.git" rev-parse refs/morph/heads/main)" "$before" \
    "the refused branch did not move"
rm "$T_ROOT/srv/hub.git/hooks/update"
ok morph push

# git http-backend behind Basic authentication.
out_http="$T_ROOT/.http.out"
python3 "$MORPH_SOURCE_DIR/tests/tools/githttp.py" --root "$T_ROOT/srv" \
    --user alice --password 's3cret-pw' >"$out_http" 2>"$out_http.err" &
T_FAKE_PIDS+=("$!")
wait_until quiet grep -q '^PORT=' "$out_http" || { echo "githttp did not start"; cat "$out_http.err"; exit 2; }
hport=$(sed -n 's/^PORT=//p' "$out_http")
HTTPURL=http://127.0.0.1:$hport/hub.git
http_stats() {
	curl -s "http://127.0.0.1:$hport/__stats" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['$1'])"
}

# No helper, not on a terminal: no prompt, a clear error.
ok morph remote add web "$HTTPURL"
fails 2 morph fetch web </dev/null
expect_contains "$err" "no credentials for 'web' ($HTTPURL): git credential fill says"
expect_contains "$err" "terminal prompts disabled"

# A helper that keeps giving a wrong password: at most 3 tries, each
# rejected back to the helpers.
git config --global credential.helper \
    "!f() { echo \"\$1\" >>'$T_ROOT/helper.log'; test \"\$1\" = get && printf 'username=alice\\npassword=wrong\\n'; true; }; f"
fails 2 morph push web
expect_contains "$err" "authentication to 'web' ($HTTPURL) failed: the server refused the credentials git's helpers gave (3 times)"
expect_eq "$(grep -c '^get$' "$T_ROOT/helper.log") $(grep -c '^erase$' "$T_ROOT/helper.log")" "3 3" \
    "3 credentials asked for, each rejected"
git config --global --unset-all credential.helper

# git's store helper knows the password: push, fetch and clone work, and
# the helper is told it did (approve keeps it).
printf 'http://alice:s3cret-pw@127.0.0.1:%s\n' "$hport" >"$T_ROOT/creds"
git config --global credential.helper "store --file=$T_ROOT/creds"
cd "$T_ROOT/a"
printf 'Capital town of {{country}}\n' >prompts/q.txt
ok morph commit -a -m "Town"
ok morph run
ok morph push web
expect_contains "$out" "Pushed 1 run"
expect_not_contains "$out$err" "s3cret-pw" "the password is never shown"
ok git -C "$T_ROOT/srv/hub.git" fsck --strict
ok morph clone "$HTTPURL" "$T_ROOT/c"
T_REPOS+=("$T_ROOT/c")
expect_not_contains "$out$err" "s3cret-pw" "the password is never shown"
cd "$T_ROOT/c"
ok morph runs --json
expect_eq "$(json "len(d)")" 4 "every run came over HTTP"
expect_eq "$(grep -c s3cret-pw "$T_ROOT/creds")" 1 "the helper keeps the credential"
expect_eq "$(grep -rl s3cret-pw "$T_ROOT/a/.morph" "$T_ROOT/c/.morph" | wc -l)" 0 \
    "the password reaches no file of the repositories"

# A password written into a remote's URL is never shown either.
ok morph remote add inurl "http://alice:s3cret-pw@127.0.0.1:$hport/hub.git"
ok morph remote -v
expect_contains "$out" "inurl	http://alice@127.0.0.1:$hport/hub.git"
fails 2 morph remote add inurl /elsewhere
expect_contains "$err" "remote 'inurl' already exists (http://alice@127.0.0.1:$hport/hub.git)"
for c in "remote -v" "remote --json" "fetch inurl" "push inurl" "pull inurl"; do
	run morph $c
	expect_not_contains "$out$err" "s3cret-pw" "morph $c shows no password"
done
expect_eq "$(( $(http_stats authorized) > 0 ))" 1 "the server served authenticated requests"
done_testing
