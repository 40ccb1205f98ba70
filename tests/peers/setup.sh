#!/usr/bin/env bash
# Installs the real third-party servers that morph's tests talk to, into a
# cache outside the checkout (MORPH_PEERS_CACHE, default
# ~/.cache/morph-peers):
#
#   llama/bin/llama-server   llama.cpp's server, built from the source that
#                            the npm package node-llama-cpp carries
#   llama/tiny.gguf          a 5 MB random-weight llama model
#   node/node_modules/...    aimock and Prism, from npm
#
# Idempotent: when everything is there it only checks and exits 0 at once.
# From scratch it takes 9 to 11 minutes on a 2-core machine (559 s, 602 s
# and 648 s measured, nearly all of it the llama.cpp build, which runs
# under nice -n 10) and over half an hour when other work loads the
# machine (31 minutes measured).  Needs root for apt-get when cmake, g++,
# git or python3-numpy are missing, and Node.js >= 20.15 with npm.
#
# Environment:
#   MORPH_PEERS_CACHE      the cache directory
#   MORPH_SHARED_DIR       the team's shared/ directory (default: ../shared
#                          beside the repository), for make_tiny_llama.py
#   MORPH_PEERS_JOBS       parallel compile jobs (default 2)
#   MORPH_PEERS_KEEP_BUILD keep the llama.cpp source and build tree

set -euo pipefail

LLAMA_NPM_VERSION=3.22.1
AIMOCK_VERSION=1.43.0
PRISM_VERSION=5.14.2
# Change LLAMA_STAMP whenever the llama build recipe changes: it forces a
# rebuild on machines whose cache was made by the old recipe.
LLAMA_STAMP="node-llama-cpp@$LLAMA_NPM_VERSION static GGML_NATIVE=OFF recipe 1"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${MORPH_PEERS_CACHE:-$HOME/.cache/morph-peers}
shared=${MORPH_SHARED_DIR:-$repo/../shared}
jobs=${MORPH_PEERS_JOBS:-2}

llama_dir=$cache/llama
node_dir=$cache/node
work=$llama_dir/work

say() { printf 'peers setup: %s\n' "$*"; }
die() {
	printf 'peers setup: error: %s\n' "$*" >&2
	exit 1
}

pkg_version() { # FILE: the "version" of an installed package.json
	sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$1" 2>/dev/null | head -n 1
}

llama_done() {
	[ -x "$llama_dir/bin/llama-server" ] && [ -s "$llama_dir/tiny.gguf" ] &&
	    [ "$(cat "$llama_dir/STAMP" 2>/dev/null)" = "$LLAMA_STAMP" ]
}

node_done() {
	[ "$(pkg_version "$node_dir/node_modules/@copilotkit/aimock/package.json")" = "$AIMOCK_VERSION" ] &&
	    [ "$(pkg_version "$node_dir/node_modules/@stoplight/prism-cli/package.json")" = "$PRISM_VERSION" ]
}

if llama_done && node_done; then
	say "cache complete in $cache (llama-server, tiny.gguf, aimock $AIMOCK_VERSION, prism $PRISM_VERSION); nothing to do"
	exit 0
fi

mkdir -p "$cache"
# One setup at a time per cache: a second one waits, then finds it done.
exec 9>"$cache/.setup.lock"
if command -v flock >/dev/null 2>&1; then
	flock 9
fi
start=$SECONDS

# ---- Node.js and npm: aimock needs Node >= 20.15.
need_node() {
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		die "node and npm are needed (Node.js >= 20.15; Debian 12's nodejs package is too old)"
	fi
	node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=15)?0:1)' ||
	    die "Node.js $(node --version) is too old: aimock $AIMOCK_VERSION needs >= 20.15"
}

# ---- Debian packages, installed only when missing.
apt_updated=
apt_need() { # PACKAGE...: installs those not installed yet
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		    missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing Debian packages: ${missing[*]}"
	local sudo=
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install ${missing[*]} by hand"
		sudo=sudo
	fi
	if [ -z "$apt_updated" ]; then
		$sudo apt-get update -qq
		apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ---- aimock and Prism.
if node_done; then
	say "aimock $AIMOCK_VERSION and prism $PRISM_VERSION already in $node_dir"
else
	need_node
	t=$SECONDS
	say "npm install @copilotkit/aimock@$AIMOCK_VERSION @stoplight/prism-cli@$PRISM_VERSION into $node_dir"
	mkdir -p "$node_dir"
	npm install --prefix "$node_dir" --no-audit --no-fund --ignore-scripts --loglevel=error \
	    "@copilotkit/aimock@$AIMOCK_VERSION" "@stoplight/prism-cli@$PRISM_VERSION" >/dev/null
	node_done || die "npm install did not leave aimock $AIMOCK_VERSION and prism $PRISM_VERSION in $node_dir"
	say "npm packages installed ($((SECONDS - t)) s)"
fi

# ---- llama.cpp's llama-server and the tiny model.
llama_src() { # fetches the llama.cpp source into $work/src, once
	[ -f "$work/src/CMakeLists.txt" ] && return 0
	need_node
	apt_need git
	local t=$SECONDS
	say "npm install node-llama-cpp@$LLAMA_NPM_VERSION (carries the llama.cpp source)"
	mkdir -p "$work"
	npm install --prefix "$work/npm" --no-audit --no-fund --ignore-scripts --omit=optional --loglevel=error \
	    "node-llama-cpp@$LLAMA_NPM_VERSION" "@node-llama-cpp/linux-x64@$LLAMA_NPM_VERSION" >/dev/null
	rm -rf "$work/src"
	git clone -q "$work/npm/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$work/src" 2>/dev/null
	say "llama.cpp source ready ($((SECONDS - t)) s)"
}

if llama_done; then
	say "llama-server and tiny.gguf already in $llama_dir"
else
	tiny_py=$shared/peers/make_tiny_llama.py
	[ -f "$tiny_py" ] || die "no $tiny_py (set MORPH_SHARED_DIR to the shared/ directory)"
	rm -f "$llama_dir/STAMP"
	if [ ! -x "$llama_dir/bin/llama-server" ] || [ ! -f "$llama_dir/STAMP.bin" ] ||
	    [ "$(cat "$llama_dir/STAMP.bin")" != "$LLAMA_STAMP" ]; then
		apt_need cmake g++ make
		llama_src
		t=$SECONDS
		say "building llama-server (nice -n 10, -j$jobs; about 10 minutes on 2 cores, 30 or more on busy ones)"
		nice -n 10 cmake -S "$work/src" -B "$work/src/build" -DCMAKE_BUILD_TYPE=Release \
		    -DBUILD_SHARED_LIBS=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF \
		    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_OPENSSL=OFF \
		    -DLLAMA_BUILD_APP=OFF -DGGML_NATIVE=OFF >"$work/cmake.log" 2>&1 ||
		    { tail -n 30 "$work/cmake.log"; die "cmake configure failed (log $work/cmake.log)"; }
		nice -n 10 cmake --build "$work/src/build" --target llama-server -j"$jobs" >"$work/build.log" 2>&1 ||
		    { tail -n 30 "$work/build.log"; die "llama-server build failed (log $work/build.log)"; }
		mkdir -p "$llama_dir/bin"
		cp "$work/src/build/bin/llama-server" "$llama_dir/bin/llama-server.tmp"
		mv -f "$llama_dir/bin/llama-server.tmp" "$llama_dir/bin/llama-server"
		echo "$LLAMA_STAMP" >"$llama_dir/STAMP.bin"
		rm -f "$llama_dir/tiny.gguf"
		say "llama-server built ($((SECONDS - t)) s)"
	fi
	if [ ! -s "$llama_dir/tiny.gguf" ]; then
		apt_need python3 python3-numpy
		llama_src
		say "writing tiny.gguf with $tiny_py"
		PYTHONPATH=$work/src/gguf-py /usr/bin/python3 "$tiny_py" \
		    "$work/src/models/ggml-vocab-llama-spm.gguf" "$llama_dir/tiny.gguf.tmp" >/dev/null
		mv -f "$llama_dir/tiny.gguf.tmp" "$llama_dir/tiny.gguf"
	fi
	echo "$LLAMA_STAMP" >"$llama_dir/STAMP"
	say "llama-server and tiny.gguf ready in $llama_dir"
	if [ -z "${MORPH_PEERS_KEEP_BUILD-}" ]; then
		rm -rf "$work"
	fi
	llama_done || die "llama-server or tiny.gguf missing after setup"
fi

say "done in $((SECONDS - start)) s: cache $cache"
