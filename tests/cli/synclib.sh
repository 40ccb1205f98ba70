# Helpers for the tests of morph remote, push, fetch, pull and clone,
# sourced after lib.sh: bare git hubs and a small suite answered by the
# fake provider.

export OPENAI_API_KEY=sk-sync-test-key
unset GIT_DIR GIT_WORK_TREE
export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
git config --global user.name "Git Tester"
git config --global user.email git@example.com
git config --global init.defaultBranch main

# json EXPR: evaluates EXPR on the JSON document in $out (as d).
json() {
	printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

# hub NAME: makes the bare git repository $T_ROOT/NAME.git.
hub() {
	git init -q --bare "$T_ROOT/$1.git"
}

# suite_repo DIR: a new repository with a committed suite of three cases
# on openai:gpt-4o-mini, which the fake provider (fake_start) answers.
suite_repo() {
	new_repo "$1"
	mkdir -p prompts cases
	printf 'Capital of {{country}}\n' >prompts/q.txt
	cat >cases/c.jsonl <<'EOS'
{"id": "fr", "vars": {"country": "France"}, "assert": [{"type": "icontains", "value": "France"}]}
{"id": "de", "vars": {"country": "Germany"}}
{"id": "it", "vars": {"country": "Italy"}}
EOS
	cat >morph.json <<'EOS'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": ["openai:gpt-4o-mini"]}
EOS
	"$MORPH" add . && "$MORPH" commit -m "Suite" >/dev/null
}

# db_state: what a repository holds, to compare before and after.
db_state() {
	sqlite3 .morph/morph.db .dump | md5sum
}

# tamper HUB REF PATH [replace]: flips one bit of the first byte of file
# PATH in REF's tree, as a pusher could: in a new commit on top of REF,
# or with replace in a commit with REF's parents, author and message.
tamper() {
	local hub=$1 ref=$2 path=$3 mode=${4-} idx=$T_ROOT/.tamper-index
	local blob tree parents=() p
	blob=$(git -C "$hub" cat-file blob "$ref:$path" |
	    python3 -c 'import sys; b = bytearray(sys.stdin.buffer.read()); b[0] ^= 1; sys.stdout.buffer.write(b)' |
	    git -C "$hub" hash-object -w --stdin) || return 1
	rm -f "$idx"
	GIT_INDEX_FILE=$idx git -C "$hub" read-tree "$ref" &&
	    GIT_INDEX_FILE=$idx git -C "$hub" update-index --cacheinfo "100644,$blob,$path" &&
	    tree=$(GIT_INDEX_FILE=$idx git -C "$hub" write-tree) || return 1
	if [ "$mode" = replace ]; then
		for p in $(git -C "$hub" rev-parse "$ref^@"); do parents+=(-p "$p"); done
		GIT_AUTHOR_NAME=$(git -C "$hub" log -1 --format=%an "$ref") \
		GIT_AUTHOR_EMAIL=$(git -C "$hub" log -1 --format=%ae "$ref") \
		GIT_AUTHOR_DATE=$(git -C "$hub" log -1 --format=%ad --date=raw "$ref") \
		GIT_COMMITTER_NAME=$(git -C "$hub" log -1 --format=%cn "$ref") \
		GIT_COMMITTER_EMAIL=$(git -C "$hub" log -1 --format=%ce "$ref") \
		GIT_COMMITTER_DATE=$(git -C "$hub" log -1 --format=%cd --date=raw "$ref") \
		    p=$(git -C "$hub" log -1 --format=%B "$ref" | git -C "$hub" commit-tree "$tree" "${parents[@]}") || return 1
	else
		p=$(git -C "$hub" commit-tree "$tree" -p "$ref" -m tampered) || return 1
	fi
	git -C "$hub" update-ref "$ref" "$p"
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# quiet CMD ...: CMD with its output thrown away, for wait_until (lib.sh)
# to wait on a server that is starting.
quiet() {
	"$@" >/dev/null 2>&1
}
