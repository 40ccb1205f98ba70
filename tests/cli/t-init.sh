#!/usr/bin/env bash
# morph init: creates .morph, refuses nothing twice, names the branch,
# and keeps .morph out of an enclosing git repository.
. "$(dirname "$0")/lib.sh"

# A fresh repository, in the current directory.
mkdir plain && cd plain
ok morph init
expect_contains "$out" "Initialized empty morph repository in $PWD/.morph/"
T_REPOS+=("$PWD")
[ -f .morph/morph.db ] && [ -f .morph/config ]
expect_eq "$?" 0 ".morph/morph.db and .morph/config exist"
fails 2 morph log
expect_contains "$err" "morph: branch 'main' has no commits yet"
cd "$T_ROOT"

# A directory that does not exist yet, with a named first branch.
ok morph init -b trunk deep/new/repo
T_REPOS+=("$T_ROOT/deep/new/repo")
cd deep/new/repo
printf 'x\n' >a.txt
ok morph add a.txt
ok morph commit -m one
expect_contains "$out" "[trunk (root-commit) "
cd "$T_ROOT"

# Running init again changes nothing.
ok morph init plain
expect_contains "$out" "Reinitialized existing morph repository"

# -q and --quiet print nothing, the example's files included.
ok morph init -q quiet
expect_eq "$out$err" "" "init -q prints nothing"
T_REPOS+=("$T_ROOT/quiet")
[ -f quiet/.morph/morph.db ]
expect_eq "$?" 0 "init -q made the repository"
ok morph init --quiet quiet
expect_eq "$out$err" "" "init --quiet again prints nothing"
ok morph init -q --example quiet-example
expect_eq "$out$err" "" "init -q --example prints nothing"
T_REPOS+=("$T_ROOT/quiet-example")
[ -f quiet-example/morph.json ]
expect_eq "$?" 0 "init -q --example wrote the suite"
fails 2 morph init -q -b 'bad..name' quiet-bad
expect_contains "$err" "not a valid branch name" "init -q still prints errors"

# Bad branch names and extra arguments are usage errors.
fails 2 morph init -b 'bad..name' other
expect_contains "$err" "not a valid branch name"
fails 2 morph init a b
expect_contains "$err" "usage: morph init"

# Inside a git work tree, .morph/ goes to .git/info/exclude, once.
mkdir gitrepo && cd gitrepo
git init -q .
ok morph init
T_REPOS+=("$PWD")
expect_eq "$(grep -c '^\.morph/$' .git/info/exclude)" 1 "exclude entry"
ok morph init
expect_eq "$(grep -c '^\.morph/$' .git/info/exclude)" 1 "exclude entry once"
expect_eq "$(git status --porcelain)" "" "git status is clean"
cd "$T_ROOT"

# A user-wide default branch.
mkdir -p "$HOME/.config/morph"
printf '{"init": {"defaultbranch": "dev"}}\n' >"$HOME/.config/morph/config"
ok morph init withdefault
T_REPOS+=("$T_ROOT/withdefault")
cd withdefault && commit_file p.txt hi first
ok morph log --oneline
expect_contains "$out" "HEAD -> dev"
cd "$T_ROOT"

# --example writes a starter suite, stages nothing, and commits cleanly.
ok morph init --example demo
T_REPOS+=("$T_ROOT/demo")
expect_contains "$out" "Initialized empty morph repository in $T_ROOT/demo/.morph/"
expect_contains "$out" "prompts/support.json"
cd demo
for f in morph.json prompts/welcome.txt prompts/support.json \
    cases/welcome.jsonl cases/support.jsonl; do
	[ -f "$f" ]
	expect_eq "$?" 0 "$f exists"
done
expect_contains "$(cat morph.json)" '"echo:starter"'
expect_not_contains "$(cat morph.json)" "openai" "no model that needs a key"
ok morph status --short
expect_contains "$out" "?? morph.json"
expect_not_contains "$out" "A " "nothing staged"
ok morph add .
ok morph commit -m "Example suite"
ok morph show --json HEAD
expect_contains "$out" "cases/support.jsonl"
cd "$T_ROOT"

# It refuses to overwrite, before creating anything.
mkdir taken && printf '{}\n' >taken/morph.json
fails 2 morph init --example taken
expect_contains "$err" "morph: cannot write the example suite: 'morph.json' already exists"
[ ! -d taken/.morph ]
expect_eq "$?" 0 "no repository made"
expect_eq "$(cat taken/morph.json)" "{}" "morph.json kept"

# In an existing repository it writes the suite into the work tree.
ok morph init --example plain
expect_contains "$out" "Reinitialized existing morph repository"
[ -f plain/cases/welcome.jsonl ]
expect_eq "$?" 0 "example written into an existing repository"
fails 2 morph init --example plain
expect_contains "$err" "already exists"

done_testing
