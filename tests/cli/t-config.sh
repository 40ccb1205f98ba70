#!/usr/bin/env bash
# morph config: dotted keys in the repository and user JSON files; get,
# set, unset, list; string and JSON values; broken files named.
. "$(dirname "$0")/lib.sh"

user_conf=$HOME/.config/morph/config

# Usage errors need no repository.
fails 2 morph config
expect_contains "$err" "morph: config: expected --list, --unset name, name, or name value"
expect_contains "$err" "usage: morph config [--global | --local] [--json] [--type type] [-l | --unset name | name [value]]"
fails 2 morph config a.b c d
expect_contains "$err" "expected --list, --unset name, name, or name value"
fails 2 morph config -l a.b
expect_contains "$err" "expected --list"
fails 2 morph config --unset
expect_contains "$err" "expected --list"
fails 2 morph config --unset a.b c
expect_contains "$err" "expected --list"
fails 2 morph config --global --local a.b
expect_contains "$err" "morph: config: give only one of --global and --local"
fails 2 morph config --type xml a.b c
expect_contains "$err" "morph: config: --type is string or json, not 'xml'"
fails 2 morph config --type
expect_contains "$err" "morph: config: option '--type' needs a value"

# Outside a repository: the user file only.
fails 1 morph config user.name
expect_eq "$out$err" "" "an unset key prints nothing"
fails 2 morph config user.name Ada
expect_contains "$err" "morph: not in a morph repository; use --global for the user configuration"
fails 2 morph config --unset user.name
expect_contains "$err" "not in a morph repository; use --global"
fails 2 morph config --local user.name
expect_contains "$err" "morph: not a morph repository"
ok morph config --global user.name "Ada Lovelace"
[ -f "$user_conf" ]
expect_eq "$?" 0 "~/.config/morph/config created"
ok morph config user.name
expect_eq "$out" "Ada Lovelace" "read back outside a repository"
ok morph config -l
expect_eq "$out" "global	user.name=Ada Lovelace" "list outside a repository"
# XDG_CONFIG_HOME moves the user file when it is absolute.
XDG_CONFIG_HOME="$T_ROOT/xdg" run morph config --global user.email x@example.com
expect_eq "$status" 0 "set with XDG_CONFIG_HOME"
[ -f "$T_ROOT/xdg/morph/config" ]
expect_eq "$?" 0 "\$XDG_CONFIG_HOME/morph/config"
XDG_CONFIG_HOME="$T_ROOT/xdg" run morph config user.name
expect_eq "$status" 1 "the HOME file is not read then"
XDG_CONFIG_HOME=relative run morph config user.name
expect_eq "$out" "Ada Lovelace" "a relative XDG_CONFIG_HOME is ignored"

new_repo r

# EXAMPLES in morph-config.1.
ok morph config user.email ada@example.com
ok morph config user.email
expect_eq "$out" "ada@example.com" "set and get"
ok morph config --type json core.locktimeout 10000
ok morph config --list
expect_eq "$out" "global	user.name=Ada Lovelace
local	core.formatversion=1
local	core.locktimeout=10000
local	user.email=ada@example.com" "list with scopes"

# The repository file is JSON, sections as objects, numbers as numbers.
python3 -c 'import json,sys; c=json.load(open(".morph/config")); assert c=={"core":{"formatversion":1,"locktimeout":10000},"user":{"email":"ada@example.com"}}, c'
expect_eq "$?" 0 ".morph/config content"

# A repository value wins over the user one; --local and --global pick.
ok morph config user.name "Repo Name"
expect_eq "$(morph config user.name)" "Repo Name" "local wins"
expect_eq "$(morph config --global user.name)" "Ada Lovelace" "--global get"
expect_eq "$(morph config --local user.name)" "Repo Name" "--local get"
ok morph config --global -l
expect_eq "$out" "user.name=Ada Lovelace" "--global list has no scope column"
ok morph config --local -l
expect_eq "$out" "core.formatversion=1
core.locktimeout=10000
user.email=ada@example.com
user.name=Repo Name" "--local list"
fails 1 morph config --global user.email

# JSON output: a string; lists are arrays of name, value, scope.
ok morph config --json user.name
expect_eq "$out" '"Repo Name"' "--json get"
ok morph config --json core.locktimeout
expect_eq "$out" '"10000"' "--json gives the text of a number"
ok morph config --json --global -l
expect_eq "$out" '[
  {
    "name": "user.name",
    "value": "Ada Lovelace",
    "scope": "global"
  }
]' "--json list"

# Typed values: --type json parses, the default stores a string.
ok morph config --type json eval.retries 3
ok morph config --type json eval.strict true
ok morph config --type json eval.tags '["a", "b"]'
ok morph config --type string eval.label 3
ok morph config eval.retries
expect_eq "$out" 3 "a number"
ok morph config eval.tags
expect_eq "$out" '["a","b"]' "an array, as compact JSON"
python3 -c 'import json; e=json.load(open(".morph/config"))["eval"]; assert e=={"retries":3,"strict":True,"tags":["a","b"],"label":"3"}, e'
expect_eq "$?" 0 "types kept in the file"
fails 2 morph config --type json eval.bad '{oops'
expect_contains "$err" "morph: value:1:"
expect_contains "$err" "invalid JSON near '"
# Deeper keys make nested sections; a value is not a section.
ok morph config a.b.c deep
expect_eq "$(morph config a.b.c)" deep "three levels"
ok morph config a.b
expect_eq "$out" '{"c":"deep"}' "a section read as JSON"
fails 2 morph config a.b.c.d x
expect_contains "$err" "morph: cannot set 'a.b.c.d': 'a.b.c' holds a value, not a section"

# Unset, and sections left empty go too.
ok morph config --unset a.b.c
fails 1 morph config a.b.c
python3 -c 'import json; c=json.load(open(".morph/config")); assert "a" not in c, c'
expect_eq "$?" 0 "empty sections removed"
fails 2 morph config --unset a.b.c
expect_contains "$err" "morph: key 'a.b.c' is not set"
ok morph config --global --unset user.name
fails 1 morph config --global user.name

# Bad keys.
fails 2 morph config name x
expect_contains "$err" "morph: key 'name' has no section: expected section.name"
fails 2 morph config --unset name
expect_contains "$err" "key 'name' has no section"
# A section alone can be read, as JSON.
ok morph config user
expect_eq "$out" '{"email":"ada@example.com","name":"Repo Name"}' "a whole section"
fails 1 morph config nosuchsection
fails 2 morph config a..b x
expect_contains "$err" "morph: invalid key 'a..b': expected section.name"
fails 2 morph config .a x
expect_contains "$err" "invalid key '.a'"
fails 2 morph config a. x
expect_contains "$err" "invalid key 'a.'"

# Hand edits are kept by later sets.
python3 - <<'EOF'
import json
c = json.load(open(".morph/config"))
c["hand"] = {"made": "yes"}
json.dump(c, open(".morph/config", "w"))
EOF
ok morph config user.name Again
expect_eq "$(morph config hand.made)" yes "hand edit kept"

# A broken repository file: every command names the file, line and column.
cp .morph/config "$T_ROOT/config.good"
printf '{\n  "user": {"name": "x",}\n}\n' >.morph/config
fails 2 morph config user.name
expect_contains "$err" "morph: $PWD/.morph/config:2:25: invalid JSON at the end of the line"
expect_eq "$(printf '%s\n' "$err" | wc -l)" 1 "the message is one line"
fails 2 morph status
expect_contains "$err" "$PWD/.morph/config:2:25: invalid JSON"
printf '[1, 2]\n' >.morph/config
fails 2 morph log
expect_contains "$err" "$PWD/.morph/config: the configuration must be a JSON object"
cp "$T_ROOT/config.good" .morph/config

# A broken user file is reported too, not silently skipped.
printf '{"user": {"name": \n' >"$user_conf"
fails 2 morph config user.name
expect_contains "$err" "morph: $user_conf:1:19: invalid JSON at the end of the line"
fails 2 morph config --global -l
expect_contains "$err" "$user_conf:1:19: invalid JSON"
fails 2 morph status
expect_contains "$err" "$user_conf:1:19: invalid JSON"
cd "$T_ROOT"
fails 2 morph config user.name
expect_contains "$err" "$user_conf:1:19: invalid JSON"
fails 2 morph init broken
expect_contains "$err" "$user_conf:1:19: invalid JSON"
[ ! -e broken/.morph ]
expect_eq "$?" 0 "init made nothing"
printf '{}\n' >"$user_conf"
cd "$T_ROOT/r"
ok morph status

# Without HOME there is no user file: reading goes on, writing fails.
run env -u HOME -u XDG_CONFIG_HOME "$MORPH" config user.email
expect_eq "$status:$out" "0:ada@example.com" "no HOME, repository value"
run env -u HOME -u XDG_CONFIG_HOME "$MORPH" config --global a.b c
expect_eq "$status" 2 "no HOME, --global set"
expect_contains "$err" "morph: cannot find the user configuration: HOME is not set"

# core.formatversion: a newer repository format is refused.
ok morph config --type json core.formatversion 2
fails 2 morph status
expect_contains "$err" "morph: repository format version 2 is newer than this morph reads (1): upgrade morph"
fails 2 morph config --type json core.formatversion 1
expect_contains "$err" "repository format version 2 is newer"
python3 -c 'import json; c=json.load(open(".morph/config")); c["core"]["formatversion"]=1; json.dump(c, open(".morph/config","w"))'
ok morph status

# core.locktimeout is a number of milliseconds: morph config refuses
# anything else, and a file edited by hand to hold anything else is named
# by every command instead of being read as the default.
cd "$T_ROOT/r"
for v in abc 0x10 -5 ' 50' 50ms 1e3 3600001 nan ''; do
	fails 2 morph config -- core.locktimeout "$v"
	expect_contains "$err" "morph: core.locktimeout (milliseconds) needs a whole number from 0 to 3600000, not '$v'"
done
for v in 1.5 1e99 true '"12x"' '{}'; do
	fails 2 morph config --type json core.locktimeout "$v"
	expect_contains "$err" "core.locktimeout (milliseconds) needs a whole number from 0 to 3600000"
done
fails 2 morph config --global core.locktimeout 0x10
expect_contains "$err" "not '0x10'"
ok morph config core.locktimeout 0
ok morph config --type json core.locktimeout 3600000
ok morph config core.locktimeout 250
python3 -c 'import json; c=json.load(open(".morph/config")); c["core"]["locktimeout"]="0x10"; json.dump(c, open(".morph/config","w"))'
fails 2 morph status
expect_eq "$err" "morph: $PWD/.morph/config: core.locktimeout (milliseconds) needs a whole number from 0 to 3600000, not '0x10'" "a bad value in the file is named with its file"
python3 -c 'import json; c=json.load(open(".morph/config")); c["core"]["locktimeout"]=-1; json.dump(c, open(".morph/config","w"))'
fails 2 morph log
expect_contains "$err" "$PWD/.morph/config: core.locktimeout (milliseconds) needs a whole number from 0 to 3600000, not '-1'"
python3 -c 'import json; c=json.load(open(".morph/config")); del c["core"]["locktimeout"]; json.dump(c, open(".morph/config","w"))'
mkdir -p "$(dirname "$user_conf")"
printf '{"core": {"locktimeout": "soon"}}\n' >"$user_conf"
fails 2 morph status
expect_contains "$err" "morph: $user_conf: core.locktimeout (milliseconds) needs a whole number from 0 to 3600000, not 'soon'"
rm "$user_conf"
ok morph status

# A key set twice in a configuration file, at any depth, is named with the
# file and its line: the first would be read and the second lost.
cd "$T_ROOT/r"
cp .morph/config "$T_ROOT/config.keep"
printf '{"core": {"formatversion": 1},\n "user": {"name": "A",\n  "name": "B"}}\n' >.morph/config
fails 2 morph status
expect_eq "$err" "morph: $PWD/.morph/config:3: user.name: duplicate key" "a key set twice in the config is named"
fails 2 morph config user.name
expect_contains "$err" ".morph/config:3: user.name: duplicate key"
cp "$T_ROOT/config.keep" .morph/config
mkdir -p "$(dirname "$user_conf")"
printf '{"user": {"email": "a@b"}, "user": {"name": "C"}}\n' >"$user_conf"
fails 2 morph status
expect_contains "$err" "morph: $user_conf:1: user: duplicate key"
rm "$user_conf"
ok morph status

done_testing
