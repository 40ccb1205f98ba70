# The CLI test library, sourced by every tests/cli/t-*.sh.
#
# Each test script runs in a fresh temporary directory with its own HOME, so
# no user configuration leaks in.  Checks print "not ok" lines with the
# command's output; done_testing runs morph fsck in every repository the
# script made, prints a summary and exits non-zero on any failure.

set -u
: "${MORPH:?MORPH must name the morph binary}"
case $MORPH in /*) ;; *) MORPH=$PWD/$MORPH ;; esac

T_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/morph-cli.XXXXXX")
T_NAME=$(basename "$0" .sh)
T_CHECKS=0
T_FAILED=0
T_REPOS=()

export HOME="$T_ROOT/home"
mkdir -p "$HOME"
unset XDG_CONFIG_HOME MORPH_PAGER PAGER MORPH_EDITOR VISUAL EDITOR EMAIL
export MORPH_AUTHOR_NAME="Test Author"
export MORPH_AUTHOR_EMAIL="test@example.com"
export LC_ALL=C.UTF-8
export TZ=UTC
cd "$T_ROOT"

morph() {
	"$MORPH" "$@"
}

# run CMD ...: runs CMD, keeping its stdout in $out, stderr in $err and
# exit status in $status.
run() {
	"$@" >"$T_ROOT/.out" 2>"$T_ROOT/.err"
	status=$?
	out=$(cat "$T_ROOT/.out")
	err=$(cat "$T_ROOT/.err")
}

fail() {
	T_FAILED=$((T_FAILED + 1))
	printf 'not ok %d - %s\n' "$T_CHECKS" "$1"
	if [ -n "${out-}" ]; then printf '  stdout: %s\n' "$out" | head -20; fi
	if [ -n "${err-}" ]; then printf '  stderr: %s\n' "$err" | head -20; fi
}

pass() {
	printf 'ok %d - %s\n' "$T_CHECKS" "$1"
}

# ok CMD ...: CMD must exit 0.
ok() {
	T_CHECKS=$((T_CHECKS + 1))
	run "$@"
	if [ "$status" -eq 0 ]; then pass "$*"; else fail "$* (exit $status)"; fi
}

# fails STATUS CMD ...: CMD must exit with STATUS.
fails() {
	local want=$1
	shift
	T_CHECKS=$((T_CHECKS + 1))
	run "$@"
	if [ "$status" -eq "$want" ]; then
		pass "$* exits $want"
	else
		fail "$* exited $status, expected $want"
	fi
}

# expect_eq ACTUAL EXPECTED [WHAT]
expect_eq() {
	T_CHECKS=$((T_CHECKS + 1))
	if [ "$1" = "$2" ]; then
		pass "${3:-value}"
	else
		fail "${3:-value}: got [$1], expected [$2]"
	fi
}

# expect_contains TEXT NEEDLE [WHAT]
expect_contains() {
	T_CHECKS=$((T_CHECKS + 1))
	case $1 in
	*"$2"*) pass "${3:-contains $2}" ;;
	*) fail "${3:-output} lacks [$2] in [$1]" ;;
	esac
}

# expect_not_contains TEXT NEEDLE [WHAT]
expect_not_contains() {
	T_CHECKS=$((T_CHECKS + 1))
	case $1 in
	*"$2"*) fail "${3:-output} has [$2] in [$1]" ;;
	*) pass "${3:-lacks $2}" ;;
	esac
}

# json EXPR: prints the Python expression EXPR of d, the JSON document in
# $out (the last run's stdout).
json() {
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

# tick: the next commit gets a date a minute later than the last, so that
# log's order is history's.
T_DATE=1700000000
tick() {
	T_DATE=$((T_DATE + 60))
	export MORPH_AUTHOR_DATE="$T_DATE +0000"
}

# new_repo DIR: makes DIR a fresh repository and enters it; done_testing
# checks it with morph fsck.
new_repo() {
	mkdir -p "$T_ROOT/$1"
	cd "$T_ROOT/$1" || exit 2
	"$MORPH" init >/dev/null || { echo "morph init failed"; exit 2; }
	T_REPOS+=("$PWD")
}

# commit_file PATH TEXT MESSAGE: writes, stages and commits one file.
commit_file() {
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "$2" >"$1"
	"$MORPH" add "$1" &&
	    "$MORPH" commit -m "$3" >/dev/null
}

# fake_start [ARGS]: starts tests/tools/fakeprovider.py on a free loopback
# port; FAKE_PORT and FAKE_URL say where.  done_testing stops it.
T_FAKE_PIDS=()
fake_start() {
	local out="$T_ROOT/.fake.$$.$RANDOM"
	python3 "$MORPH_SOURCE_DIR/tests/tools/fakeprovider.py" --port 0 "$@" \
	    >"$out" 2>"$out.err" &
	T_FAKE_PIDS+=("$!")
	local i
	FAKE_PORT=
	wait_until grep -q '^PORT=' "$out"
	FAKE_PORT=$(sed -n 's/^PORT=//p' "$out")
	[ -n "$FAKE_PORT" ] || { echo "fakeprovider did not start"; cat "$out.err"; exit 2; }
	FAKE_URL="http://127.0.0.1:$FAKE_PORT"
}
# T_DEADLINE: how many seconds a test waits for an event before it gives
# up.  Tests wait for events (a file, a count on the fake's side), never
# for a time: this only bounds a wait that would otherwise never end.
T_DEADLINE=${MORPH_TEST_DEADLINE:-300}

# wait_until CMD ...: runs CMD every 50 ms until it succeeds; false if it
# has not within T_DEADLINE seconds.
wait_until() {
	local end=$((SECONDS + T_DEADLINE))
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# wait_for WHAT CMD ...: wait_until CMD, counted as a failed check naming
# WHAT if it never succeeds.
wait_for() {
	local what=$1
	shift
	wait_until "$@" && return 0
	T_CHECKS=$((T_CHECKS + 1))
	fail "$what: not within $T_DEADLINE s"
	return 1
}

# gone PID: true once process PID has exited (a zombie counts as gone).
gone() {
	local state
	kill -0 "$1" 2>/dev/null || return 0
	state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$state" = Z ]
}

# wait_exit PID: waits for the background job PID to end and sets st to
# its exit status; after T_DEADLINE seconds it kills it, sets st to -1
# and returns false.
wait_exit() {
	if ! wait_until gone "$1"; then
		kill -9 "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		st=-1
		return 1
	fi
	wait "$1"
	st=$?
}

# The fake's gate (tests/tools/README.md).  fake_hold: from now on every
# chat request waits, once recorded, until it is let go.  fake_release
# [N]: lets N held requests go, or without N opens the gate.  fake_wait
# held=N requests=M inflight=K (any of them): waits until the fake's
# counts are at least those; false after T_DEADLINE seconds.
fake_hold() {
	curl -sf -X POST "$FAKE_URL/__hold" >/dev/null
}
fake_release() {
	curl -sf -X POST "$FAKE_URL/__release${1:+?n=$1}" >/dev/null
}
fake_wait() {
	local q
	q=$(IFS='&' && echo "$*")
	curl -sf -m $((T_DEADLINE + 10)) "$FAKE_URL/__wait?$q&timeout=$T_DEADLINE" >/dev/null
}

# fake_requests: how many chat requests the fake has seen.
fake_requests() {
	curl -s "$FAKE_URL/__requests" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}
fake_reset() {
	curl -s -X POST "$FAKE_URL/__reset" >/dev/null
}
fake_stop() {
	local p
	for p in "${T_FAKE_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	T_FAKE_PIDS=()
}
trap fake_stop EXIT

done_testing() {
	local r
	fake_stop
	for r in "${T_REPOS[@]}"; do
		[ -d "$r/.morph" ] || continue
		T_CHECKS=$((T_CHECKS + 1))
		run "$MORPH" -C "$r" fsck
		if [ "$status" -eq 0 ]; then
			pass "fsck ${r#"$T_ROOT"/}"
		else
			fail "fsck ${r#"$T_ROOT"/} (exit $status)"
		fi
	done
	cd /
	echo "# $T_NAME: $T_CHECKS checks, $T_FAILED failed"
	if [ "$T_FAILED" -eq 0 ] && [ -z "${MORPH_TEST_KEEP-}" ]; then
		rm -rf "$T_ROOT"
	else
		echo "# kept $T_ROOT"
	fi
	[ "$T_FAILED" -eq 0 ]
	exit $?
}
