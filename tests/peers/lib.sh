# Real third-party servers for morph's tests: llama.cpp's llama-server,
# aimock and Prism.  Source this file from a bash test script (it is
# `set -u` safe), after or instead of tests/cli/lib.sh:
#
#   . "$MORPH_SOURCE_DIR/tests/peers/lib.sh"
#   port=$(peer_free_port)
#   peer_start_llama "$port" secret-key || exit $?     # 77 = not installed
#   ... talk to $PEER_LLAMA_URL ...
#   peer_stop_all
#
# The servers come from the cache that tests/peers/setup.sh fills
# (MORPH_PEERS_CACHE, default ~/.cache/morph-peers).  Every server binds
# 127.0.0.1 only and nothing here reaches beyond loopback.
#
# A start function returns 0 once the server answers, 77 when the server is
# not installed (or, for Prism, the spec is absent), and 1 when it does not
# come up; then it prints the tail of the server's log.  When another
# process takes PORT first (it was free when chosen), the server is started
# on another free port: use PEER_NAME_PORT or _URL, not PORT.  Call the start
# functions in the test's own shell, not inside $(...): they set variables,
# and each server is tied to the shell that started it (it gets SIGTERM if
# that shell dies).  peer_stop_all also runs from an EXIT trap that the first
# start installs, chained before any EXIT trap the script already had.
#
# After a start, these name the server (NAME is LLAMA, AIMOCK or PRISM; a
# second server of the same kind overwrites them, keep copies if needed):
#   PEER_NAME_PID   its process id (also in $PEER_RUN_DIR/NAME.PORT.pid)
#   PEER_NAME_PORT  its port
#   PEER_NAME_URL   http://127.0.0.1:PORT (no /v1: add the API's own prefix)
#   PEER_NAME_LOG   its combined stdout and stderr
# PEER_AIMOCK_FIXTURES names fixtures/aimock-basic.json beside this file.
#
# shellcheck shell=bash disable=SC2034  # the PEER_* variables are for the tests

# The cache.  tests/cli/lib.sh points HOME at a scratch directory, so when
# $HOME has no cache the account's real home directory is tried.
if [ -z "${MORPH_PEERS_CACHE-}" ]; then
	if [ -d "${HOME-}/.cache/morph-peers" ]; then
		MORPH_PEERS_CACHE=$HOME/.cache/morph-peers
	else
		MORPH_PEERS_CACHE=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)/.cache/morph-peers
	fi
fi

PEER_LLAMA_BIN=$MORPH_PEERS_CACHE/llama/bin/llama-server
PEER_LLAMA_MODEL=$MORPH_PEERS_CACHE/llama/tiny.gguf
PEER_AIMOCK_CLI=$MORPH_PEERS_CACHE/node/node_modules/@copilotkit/aimock/dist/cli.js
PEER_PRISM_CLI=$MORPH_PEERS_CACHE/node/node_modules/@stoplight/prism-cli/dist/index.js
PEER_PEERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEER_AIMOCK_FIXTURES=$PEER_PEERS_DIR/fixtures/aimock-basic.json
PEER_PIDS=()
PEER_RUN_DIR=${PEER_RUN_DIR-}
_peer_made_run_dir=

if [ -x /usr/bin/python3 ]; then _peer_python=/usr/bin/python3; else _peer_python=python3; fi

_peer_say() { printf 'peers: %s\n' "$*" >&2; }

# peer_free_port: prints a TCP port that is free on 127.0.0.1 right now.
peer_free_port() {
	"$_peer_python" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# _peer_http_code URL [CURL ARGS]: prints the HTTP status of a GET, 000 when
# nothing answers.
_peer_http_code() {
	local url=$1
	shift
	if command -v curl >/dev/null 2>&1; then
		curl -s -o /dev/null -m 2 -w '%{http_code}' "$@" "$url" 2>/dev/null || true
	else
		"$_peer_python" - "$url" <<'EOF' 2>/dev/null || echo 000
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=2).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("000")
EOF
	fi
}

_peer_alive() {
	local pid=$1 state
	kill -0 "$pid" 2>/dev/null || return 1
	state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 0
	[ "$state" != Z ]
}

_peer_run_dir() {
	if [ -z "$PEER_RUN_DIR" ]; then
		if [ -n "${T_ROOT-}" ] && [ -d "${T_ROOT-}" ]; then
			PEER_RUN_DIR=$T_ROOT/peers
		else
			PEER_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/morph-peers.XXXXXX") || return 1
			_peer_made_run_dir=$PEER_RUN_DIR
		fi
	fi
	mkdir -p "$PEER_RUN_DIR"
}

# _peer_port_busy PORT: true when something accepts connections on it.
_peer_port_busy() {
	"$_peer_python" -c 'import socket, sys
s = socket.socket()
s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}

_peer_install_trap() {
	local old
	old=$(trap -p EXIT)
	case $old in *peer_stop_all*) return ;; esac
	if [ -n "$old" ]; then
		# trap -p prints: trap -- 'COMMAND' EXIT
		old=${old#trap -- }
		old=${old% EXIT}
		eval "old=$old"
		# shellcheck disable=SC2064  # the old command is expanded now, on purpose
		trap "peer_stop_all; $old" EXIT
	else
		trap peer_stop_all EXIT
	fi
}

# _peer_owns_port PID PORT: true when process PID listens on PORT, so that
# an answer on the port is its own and not another process's.
_peer_owns_port() {
	"$_peer_python" - "$1" "$2" <<'EOF'
import os, sys
pid, port = sys.argv[1], int(sys.argv[2])
inodes = set()
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        rows = open(table).read().splitlines()[1:]
    except OSError:
        continue
    for row in rows:
        f = row.split()
        if f[3] == "0A" and int(f[1].rsplit(":", 1)[1], 16) == port:
            inodes.add("socket:[%s]" % f[9])
try:
    fds = os.listdir("/proc/%s/fd" % pid)
except OSError:
    sys.exit(1)
for fd in fds:
    try:
        if os.readlink("/proc/%s/fd/%s" % (pid, fd)) in inodes:
            sys.exit(0)
    except OSError:
        pass
sys.exit(1)
EOF
}

# _peer_start NAME PORT PROBE_PATH READY_CODES TIMEOUT COMMAND...: starts
# COMMAND in the background with its output in a log, and waits until
# GET http://127.0.0.1:PORT/PROBE_PATH answers with a status in READY_CODES
# (a space-separated list; "any" takes every answer) and the server is the
# one listening on PORT.  Each {PORT} in COMMAND is replaced by the port.
# A port is free when peer_free_port names it, but another process may
# take it before the server binds it: then the server is started again on
# another free port, five times at most.  Sets _peer_port to the port.
_peer_start() {
	local name=$1 port=$2 probe=$3 ready=$4 timeout=$5 try rc
	shift 5
	case $port in '' | *[!0-9]*)
		_peer_say "$name: bad port '$port'"
		return 2
		;;
	esac
	for try in 1 2 3 4 5; do
		_peer_start_on "$name" "$port" "$probe" "$ready" "$timeout" "$@"
		rc=$?
		[ $rc -eq 3 ] || return $rc
		_peer_say "$name: port $port was taken by another process; trying another"
		port=$(peer_free_port)
	done
	_peer_say "$name: five ports taken in a row"
	return 1
}

# _peer_start_on: one try of _peer_start; 3 when the port was taken.
_peer_start_on() {
	local name=$1 port=$2 probe=$3 ready=$4 timeout=$5 pid log code t0 a rc
	local args=()
	shift 5
	for a in "$@"; do args+=("${a//\{PORT\}/$port}"); done
	if _peer_port_busy "$port"; then
		return 3
	fi
	_peer_run_dir || return 1
	_peer_install_trap
	log=$PEER_RUN_DIR/$name.$port.log
	# The Python wrapper asks the kernel to send SIGTERM to the server when
	# the shell that started it dies, then execs the server (same pid).
	"$_peer_python" -c 'import ctypes, os, signal, sys
ctypes.CDLL(None).prctl(1, signal.SIGTERM)
os.execvp(sys.argv[1], sys.argv[1:])' "${args[@]}" >"$log" 2>&1 </dev/null &
	pid=$!
	PEER_PIDS+=("$pid")
	echo "$pid" >"$PEER_RUN_DIR/$name.$port.pid"
	t0=$SECONDS
	while :; do
		if ! _peer_alive "$pid"; then
			wait "$pid" 2>/dev/null
			rc=$?
			# Another process listens there: it took the port first.
			if _peer_port_busy "$port"; then
				return 3
			fi
			_peer_say "$name exited (status $rc) before answering on 127.0.0.1:$port; log $log:"
			tail -n 25 "$log" | sed 's/^/  | /' >&2
			return 1
		fi
		code=$(_peer_http_code "http://127.0.0.1:$port$probe")
		case " $ready " in
		*" $code "*) _peer_owns_port "$pid" "$port" && break ;;
		" any ") [ "$code" != 000 ] && _peer_owns_port "$pid" "$port" && break ;;
		esac
		if [ $((SECONDS - t0)) -ge "$timeout" ]; then
			_peer_stop_pid "$pid"
			if ! _peer_owns_port "$pid" "$port" && _peer_port_busy "$port"; then
				return 3
			fi
			_peer_say "$name did not answer on 127.0.0.1:$port$probe within ${timeout}s (last status $code); log $log:"
			tail -n 25 "$log" | sed 's/^/  | /' >&2
			return 1
		fi
		sleep 0.1
	done
	_peer_pid=$pid
	_peer_log=$log
	_peer_port=$port
	return 0
}

# peer_start_llama PORT KEY [EXTRA ARGS]: llama-server with the tiny random
# model, alias "tiny", API key KEY (none: no key, as llama-server runs by
# default), 2048-token context, one thread: ggml's threads wait for each
# other by spinning, and on a machine whose cores are busy two threads made
# each call 18 times slower (9 s against 0.5 s measured).
peer_start_llama() {
	local port=${1-} key=${2-} keyargs
	if [ -z "$port" ] || [ -z "$key" ]; then
		_peer_say "usage: peer_start_llama PORT KEY|none [EXTRA ARGS]"
		return 2
	fi
	shift 2
	keyargs=(--api-key "$key")
	[ "$key" = none ] && keyargs=()
	if [ ! -x "$PEER_LLAMA_BIN" ] || [ ! -f "$PEER_LLAMA_MODEL" ]; then
		_peer_say "skipped: llama-server is not installed in $MORPH_PEERS_CACHE/llama (run tests/peers/setup.sh)"
		return 77
	fi
	_peer_start llama "$port" /health 200 120 \
		"$PEER_LLAMA_BIN" -m "$PEER_LLAMA_MODEL" --alias tiny "${keyargs[@]}" \
		--host 127.0.0.1 --port '{PORT}' -c 2048 -t 1 --no-webui "$@" || return $?
	PEER_LLAMA_PID=$_peer_pid PEER_LLAMA_PORT=$_peer_port PEER_LLAMA_LOG=$_peer_log
	PEER_LLAMA_URL=http://127.0.0.1:$_peer_port
}

# peer_start_aimock PORT FIXTURES_FILE [EXTRA ARGS]: aimock serving the
# fixtures (a file or a directory), with --validate-on-load so that a broken
# fixture file stops it instead of leaving it with no fixtures.  Extra args
# go to aimock's llmock CLI, e.g. --chaos-ratelimit 1 or --strict; inbound
# API keys come from the environment: AIMOCK_API_KEYS=k1,k2 peer_start_aimock
peer_start_aimock() {
	local port=${1-} fixtures=${2-}
	if [ -z "$port" ] || [ -z "$fixtures" ]; then
		_peer_say "usage: peer_start_aimock PORT FIXTURES_FILE [EXTRA ARGS]"
		return 2
	fi
	shift 2
	if [ ! -f "$PEER_AIMOCK_CLI" ] || ! command -v node >/dev/null 2>&1; then
		_peer_say "skipped: aimock is not installed in $MORPH_PEERS_CACHE/node (run tests/peers/setup.sh)"
		return 77
	fi
	if [ ! -r "$fixtures" ]; then
		_peer_say "aimock: no fixtures at $fixtures"
		return 2
	fi
	_peer_start aimock "$port" /health 200 120 \
		node "$PEER_AIMOCK_CLI" -p '{PORT}' -h 127.0.0.1 -f "$fixtures" --validate-on-load "$@" || return $?
	PEER_AIMOCK_PID=$_peer_pid PEER_AIMOCK_PORT=$_peer_port PEER_AIMOCK_LOG=$_peer_log
	PEER_AIMOCK_URL=http://127.0.0.1:$_peer_port
}

# peer_start_prism PORT [EXTRA ARGS]: Prism mocking the trimmed official
# OpenAI spec from shared/specs.  Paths keep their /v1 prefix.
peer_start_prism() {
	local port=${1-} spec
	if [ -z "$port" ]; then
		_peer_say "usage: peer_start_prism PORT [EXTRA ARGS]"
		return 2
	fi
	shift
	spec=${MORPH_SHARED_DIR:-${MORPH_SOURCE_DIR:-$PEER_PEERS_DIR/../..}/../shared}/specs/openai-chat-v1.yaml
	if [ ! -f "$spec" ]; then
		_peer_say "skipped: no OpenAI spec at $spec"
		return 77
	fi
	if [ ! -f "$PEER_PRISM_CLI" ] || ! command -v node >/dev/null 2>&1; then
		_peer_say "skipped: Prism is not installed in $MORPH_PEERS_CACHE/node (run tests/peers/setup.sh)"
		return 77
	fi
	# Prism has no health route: any HTTP answer (404 for /) means it listens.
	_peer_start prism "$port" / any 120 \
		node "$PEER_PRISM_CLI" mock -h 127.0.0.1 -p '{PORT}' "$@" "$spec" || return $?
	PEER_PRISM_PID=$_peer_pid PEER_PRISM_PORT=$_peer_port PEER_PRISM_LOG=$_peer_log
	PEER_PRISM_URL=http://127.0.0.1:$_peer_port
}

_peer_stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 50); do
		_peer_alive "$pid" || break
		sleep 0.1
	done
	if _peer_alive "$pid"; then
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# peer_stop_all: stops every server this shell started (TERM, then KILL
# after 5 s) and reaps it.
peer_stop_all() {
	local pid
	for pid in ${PEER_PIDS[@]+"${PEER_PIDS[@]}"}; do
		_peer_stop_pid "$pid"
	done
	PEER_PIDS=()
	if [ -n "$_peer_made_run_dir" ] && [ -z "${MORPH_TEST_KEEP-}" ]; then
		rm -rf "$_peer_made_run_dir"
		_peer_made_run_dir=
		PEER_RUN_DIR=
	fi
	return 0
}
