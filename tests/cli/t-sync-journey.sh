#!/usr/bin/env bash
# The journey a team takes, as a new user would, on two machines (two
# repositories) and a bare hub, over file://, git:// (git daemon) and HTTP
# with a password (git http-backend, credentials from git's helper): A
# commits and runs a suite and pushes; B clones, reads A's outputs with
# eval and log --case, replays A's run offline with no request, changes
# one prompt and runs (only that prompt's calls are sent), pushes; A
# pulls and sees B's run.  Every repository passes morph fsck at the end
# (done_testing), and the hub git fsck --strict after each push.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/synclib.sh"

fake_start
export OPENAI_BASE_URL=$FAKE_URL/v1
mkdir -p "$T_ROOT/srv"

# git daemon, pushing enabled; stopped by PID with the fake provider.
port=$(free_port)
git daemon --reuseaddr --base-path="$T_ROOT/srv" --export-all \
    --enable=receive-pack --listen=127.0.0.1 --port="$port" \
    "$T_ROOT/srv" >"$T_ROOT/daemon.log" 2>&1 &
T_FAKE_PIDS+=("$!")

# git http-backend behind Basic authentication; git's store helper holds
# the password.
python3 "$MORPH_SOURCE_DIR/tests/tools/githttp.py" --root "$T_ROOT/srv" \
    --user alice --password 'j0urney-pw' >"$T_ROOT/http.out" \
    2>"$T_ROOT/http.err" &
T_FAKE_PIDS+=("$!")
wait_until quiet grep -q '^PORT=' "$T_ROOT/http.out" ||
    { echo "githttp did not start"; cat "$T_ROOT/http.err"; exit 2; }
hport=$(sed -n 's/^PORT=//p' "$T_ROOT/http.out")
printf 'http://alice:j0urney-pw@127.0.0.1:%s\n' "$hport" >"$T_ROOT/creds"
git config --global credential.helper "store --file=$T_ROOT/creds"

# journey NAME URL: the whole journey through the hub NAME.git at URL.
journey() {
	local name=$1 url=$2 hub=$T_ROOT/srv/$1.git a=$T_ROOT/a-$1 b=$T_ROOT/b-$1
	local sent arun brun
	git init -q --bare "$hub"
	if [ "$name" = git ]; then
		wait_until quiet git ls-remote "$url" ||
		    { echo "git daemon did not start"; cat "$T_ROOT/daemon.log"; exit 2; }
	fi

	# A: a suite of two prompts, run and pushed.
	suite_repo "a-$name"
	printf 'Largest city of {{country}}\n' >prompts/r.txt
	ok morph add prompts/r.txt
	ok morph commit -m "Two prompts"
	ok morph run --json
	arun=$(json "d['id']")
	ok morph remote add origin "$url"
	ok morph push
	expect_contains "$out" "Pushed 1 run" "$name: A pushes its run"
	ok git -C "$hub" fsck --strict

	# B clones and reads A's outputs.
	ok morph clone "$url" "$b"
	T_REPOS+=("$b")
	cd "$b" || exit 2
	ok morph eval
	expect_contains "$out" "2/2 (100%)" "$name: B scores A's run"
	ok morph log --case fr
	expect_contains "$out" "France" "$name: B reads A's output of case fr"
	ok morph runs --json
	expect_eq "$(json "[r['id'] for r in d]")" "['$arun']" "$name: B has A's run"

	# B replays A's run: nothing is sent.
	sent=$(fake_requests)
	ok morph run --offline
	expect_contains "$out" "6 from the cache"
	expect_eq "$(fake_requests)" "$sent" "$name: B's replay sends nothing"

	# B changes one prompt: only its three calls are sent.
	printf 'Most populous city of {{country}}\n' >prompts/r.txt
	ok morph commit -a -m "Populous"
	ok morph run --json
	brun=$(json "d['id']")
	expect_eq "$(fake_requests)" "$((sent + 3))" \
	    "$name: B's run sends only the changed prompt's calls"
	ok morph diff --outputs HEAD~1 HEAD
	expect_contains "$out" "Most populous" "$name: B's output diff"
	ok morph push
	expect_contains "$out" "Pushed 2 runs" "$name: B pushes its replay and its run"
	ok git -C "$hub" fsck --strict

	# A pulls and sees B's run.
	cd "$a" || exit 2
	ok morph pull
	expect_contains "$out" "Fast-forward" "$name: A fast-forwards"
	expect_eq "$(cat prompts/r.txt)" "Most populous city of {{country}}" \
	    "$name: A's work tree has B's prompt"
	ok morph runs --json
	expect_contains "$(json "' '.join(r['id'] for r in d)")" "$brun" \
	    "$name: A sees B's run"
	ok morph eval HEAD --against HEAD~1
	expect_contains "$out" "changed output" "$name: A compares B's run with its own"
	ok morph log --case fr
	expect_contains "$out" "Most populous" "$name: A reads B's output"
}

journey file "file://$T_ROOT/srv/file.git"
journey git "git://127.0.0.1:$port/git.git"
journey http "http://127.0.0.1:$hport/http.git"
expect_eq "$(grep -rl j0urney-pw "$T_ROOT"/a-* "$T_ROOT"/b-* | wc -l)" 0 \
    "the password reaches no file of the repositories"
done_testing
