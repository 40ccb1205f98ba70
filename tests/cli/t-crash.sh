#!/usr/bin/env bash
# Crash safety: morph commit (and morph add) killed with SIGKILL at random
# moments must leave a repository that opens, passes morph fsck and holds
# either the old commit or the new one, never a mix of the two.
#
# A work tree of a few thousand small files makes a commit last tens of
# milliseconds.  Each iteration rewrites a random subset of the files with
# contents that name the iteration, starts "morph commit -a -m vN" in the
# background, sleeps a random delay from 0.1 ms to about the length of a
# commit, kills it with SIGKILL and checks:
#  - morph fsck passes;
#  - HEAD is either the old commit, still holding the old contents, or a
#    new commit "vN" whose parent is the old commit and which holds the
#    new contents.  The blob ids morph should have recorded are computed
#    independently with xxhsum: a blob's id is XXH3-128 over
#    "blob <size>\0<content>" (morph-repository.5);
#  - the index went with HEAD (commit -a stages and commits in one
#    transaction): "morph commit" without -a finds nothing to commit,
#    unless an earlier "morph add" had staged the changes;
#  - then "morph commit -a", uninterrupted, finds nothing to commit when
#    the new commit survived (so HEAD's tree is the whole work tree), or
#    makes the commit the kill lost.
# About one iteration in five first kills a "morph add ." that stages the
# changes and a new file, then checks fsck and runs "morph add ." again.
#
# Environment: MORPH_CRASH_ITERATIONS (default 200), MORPH_CRASH_FILES
# (default 3000), MORPH_CRASH_SEED (default 1; the delays and the files
# chosen follow from it, where the kills land does not).
. "$(dirname "$0")/lib.sh"

iterations=${MORPH_CRASH_ITERATIONS:-200}
nfiles=${MORPH_CRASH_FILES:-3000}
seed=${MORPH_CRASH_SEED:-1}

if ! command -v xxhsum >/dev/null; then
	echo "xxhsum is not installed (apt-get install xxhash)"
	exit 1
fi

start=$EPOCHREALTIME
RANDOM=$seed

# A FIFO that nobody writes: "read -t" on it is a sleep of microsecond
# precision that needs no fork.
mkfifo "$T_ROOT/.never"
exec {never}<>"$T_ROOT/.never"
sleep_us() {
	local s
	printf -v s '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000))
	read -r -t "$s" -u "$never"
}

# usecs: microseconds since the epoch, from bash's own clock.
usecs() {
	local t=$EPOCHREALTIME
	echo "${t/./}"
}

# hash_contents CONTENT ...: sets ids[] to the blob ids of the contents.
scratch=$T_ROOT/.scratch
mkdir -p "$scratch"
hash_contents() {
	local k=0 c line names=()
	for c in "$@"; do
		printf 'blob %d\0%s' "${#c}" "$c" >"$scratch/$k"
		names+=("$k")
		k=$((k + 1))
	done
	ids=()
	while read -r line; do
		ids+=("${line%% *}")
	done < <(cd "$scratch" && xxhsum -H2 "${names[@]}" 2>/dev/null)
	[ "${#ids[@]}" -eq "$#" ] || { echo "xxhsum failed"; exit 2; }
}

# parse_head: sets head_msg and head_id from "morph log -n1 --json" in $out.
parse_head() {
	head_id= head_msg=
	if [[ $out =~ \"id\":\ \"([0-9a-f]{32})\" ]]; then
		head_id=${BASH_REMATCH[1]}
	fi
	if [[ $out =~ \"message\":\ \"([^\"]*)\" ]]; then
		head_msg=${BASH_REMATCH[1]%\\n}
	fi
}

new_repo r

# The work tree: nfiles files, 30 to a directory, in two levels of
# directories: d<k>/s<j>/f<i>.txt.  File i is in leaf directory i % nleaf.
nleaf=$((nfiles / 30 > 0 ? nfiles / 30 : 1))
paths=()
declare -A cur		# path -> blob id in the last commit, once known
for ((i = 0; i < nfiles; i++)); do
	p=d$((i % nleaf % 10))/s$((i % nleaf / 10))/f$i.txt
	[ -d "${p%/*}" ] || mkdir -p "${p%/*}"
	paths+=("$p")
	printf '%s v0\n' "$p" >"$p"
done
ok morph add .
ok morph commit -m v0
run morph log -n1 --json
parse_head
expect_eq "$head_msg" v0 "the first commit"
prev_id=$head_id prev_msg=v0

# modify TAG [new]: rewrites 1 to 10 files, picked at random in two random
# leaf directories (so that fsck, which runs after every kill, does not
# slow down with thousands of trees), with contents naming TAG; with
# "new", also writes a new file beside them.  Sets mod[] (the changed
# paths), want[] (their new ids), old[] (their ids in the last commit),
# and new[] and newid for the new file.
modify() {
	local n=$((1 + RANDOM % 10)) per=$((nfiles / nleaf)) i p c
	local dirs=($((RANDOM % nleaf)) $((RANDOM % nleaf)))
	local -A seen=()
	local texts=()
	mod=() new=()
	while ((${#mod[@]} < n)); do
		p=${paths[dirs[RANDOM % 2] + nleaf * (RANDOM % per)]}
		[ -n "${seen[$p]-}" ] && continue
		seen[$p]=1
		c="$p $1 $RANDOM"$'\n'
		printf '%s' "$c" >"$p"
		mod+=("$p")
		texts+=("$c")
	done
	# Files never changed since v0 get their first id computed here.
	for p in "${mod[@]}"; do
		[ -n "${cur[$p]-}" ] || texts+=("$p v0"$'\n')
	done
	if [ $# -gt 1 ]; then
		p=${mod[0]%/*}/new-$1.txt
		printf '%s\n' "$p $1" >"$p"
		new=("$p")
		texts+=("$p $1"$'\n')
	fi
	hash_contents "${texts[@]}"
	want=("${ids[@]:0:n}")
	newid=${ids[${#ids[@]} - 1]}
	i=$n
	for p in "${mod[@]}"; do
		[ -n "${cur[$p]-}" ] || cur[$p]=${ids[i++]}
	done
	old=()
	for p in "${mod[@]}"; do old+=("${cur[$p]}"); done
}

# heads_of PATH ...: the arguments "HEAD:PATH ..." for rev-parse.
heads_of() {
	local p
	revs=()
	for p in "$@"; do revs+=("HEAD:$p"); done
}

# settle TAG: records the commit just made as the previous one.
settle() {
	local i
	for ((i = 0; i < ${#mod[@]}; i++)); do cur[${mod[i]}]=${want[i]}; done
	prev_id=$1 prev_msg=$2
}

# Measure how long an uninterrupted commit and add take here: sanitizers
# and a busy machine make them slower.
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
tc=() ta=()
for c in 1 2 3 4 5; do
	modify "cal$c"
	t0=$(usecs)
	ok morph commit -a -m "cal$c"
	tc+=($(($(usecs) - t0)))
	run morph rev-parse HEAD
	settle "$out" "cal$c"
	modify "cal$c-add"
	t0=$(usecs)
	ok morph add .
	ta+=($(($(usecs) - t0)))
	ok morph commit -m "cal$c-add"
	run morph rev-parse HEAD
	settle "$out" "cal$c-add"
done
commit_us=$(median "${tc[@]}")
add_us=$(median "${ta[@]}")
echo "# a commit takes ${commit_us} us, an add ${add_us} us ($nfiles files)"

# kill_within US CMD ...: starts CMD, kills it with SIGKILL after a random
# delay between 0.1 ms and US microseconds, and sets st to its exit status:
# 137 if the kill landed, its own status if it had already finished.
kill_within() {
	local us=$1 pid
	shift
	"$@" >/dev/null 2>&1 &
	pid=$!
	sleep_us $((100 + (RANDOM * 32768 + RANDOM) % us))
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	st=$?
}

# The delays follow the commit time as the run goes: a kill after the
# commit had finished narrows the window by a tenth, a kill that lost the
# commit widens it by a twentieth, so that about two kills in three land
# while morph is still working, wherever the machine's load goes.  The
# same for add.
window=$commit_us add_window=$add_us
lost=0 durable=0 finished=0 add_killed=0 add_finished=0
for ((n = 1; n <= iterations; n++)); do
	if ((RANDOM % 5 == 0)); then
		# Kill "morph add ." while it stages changes and a new file.
		modify "v$n" new
		kill_within "$add_window" "$MORPH" add .
		case $st in
		137)	add_killed=$((add_killed + 1))
			add_window=$((add_window + add_window / 20)) ;;
		0)	add_finished=$((add_finished + 1))
			add_window=$((add_window - add_window / 10 + 100)) ;;
		*) T_CHECKS=$((T_CHECKS + 1)); fail "v$n: morph add failed" ;;
		esac
		ok morph fsck
		ok morph add .
		staged=1
	else
		modify "v$n"
		staged=0
	fi

	((window >= 1000)) || window=1000
	kill_within "$window" "$MORPH" commit -a -m "v$n"

	# The repository opens and is whole.
	ok morph fsck
	run morph log -n1 --json
	parse_head
	heads_of "${mod[@]}"
	if [ "$head_msg" = "v$n" ] && [ "$head_id" != "$prev_id" ]; then
		# The new commit survived, and the index with it.
		if [ "$st" -eq 0 ]; then
			finished=$((finished + 1))
			window=$((window - window / 10))
		else
			durable=$((durable + 1))
		fi
		fails 2 morph commit -m "v$n"
		expect_contains "$err" "nothing to commit" \
		    "v$n: the index is the new commit's tree"
	elif [ "$head_id" = "$prev_id" ] && [ "$head_msg" = "$prev_msg" ]; then
		# The old commit is intact, with the old contents, and the
		# index holds what was staged before: the old commit's tree,
		# or after "morph add ." the new contents, which a commit
		# without -a then records.
		lost=$((lost + 1))
		window=$((window + window / 20))
		((window < 4 * commit_us)) || window=$((4 * commit_us))
		expect_eq "$st" 137 "v$n: a lost commit was killed"
		run morph rev-parse "${revs[@]}"
		expect_eq "$out" "$(printf '%s\n' "${old[@]}")" \
		    "v$n: HEAD still holds the old contents"
		if [ ${#new[@]} -gt 0 ]; then
			fails 2 morph rev-parse "HEAD:${new[0]}"
		fi
		if [ "$staged" -eq 1 ]; then
			ok morph commit -m "v$n"
			expect_contains "$out" "] v$n" "v$n: the staged changes commit"
		else
			fails 2 morph commit -m "v$n"
			expect_contains "$err" "nothing to commit" \
			    "v$n: the index is the old commit's tree"
		fi
	else
		T_CHECKS=$((T_CHECKS + 1))
		fail "v$n: HEAD is $head_id '$head_msg'; expected $prev_id '$prev_msg' or a new commit 'v$n'"
		break
	fi
	# Commit what is left uninterrupted: nothing when the new commit (or
	# the index) survived, so that HEAD's tree is the whole work tree.
	if [ "$head_id" = "$prev_id" ] && [ "$staged" -eq 0 ]; then
		ok morph commit -a -m "v$n"
		expect_contains "$out" "] v$n" "v$n: committed again"
	else
		fails 2 morph commit -a -m "v$n"
		expect_contains "$err" "nothing to commit" \
		    "v$n: the work tree is HEAD's tree"
	fi
	# Either way HEAD is now a new commit on top of the old one, the
	# killed one if it survived, and holds exactly the new contents.
	run morph rev-parse HEAD HEAD~1 "${revs[@]}" ${new[@]+"HEAD:${new[0]}"}
	new_id=${out%%$'\n'*}
	[ "$head_id" = "$prev_id" ] || expect_eq "$new_id" "$head_id" \
	    "v$n: HEAD is the commit that survived the kill"
	expect_eq "${out#*$'\n'}" "$(printf '%s\n' "$prev_id" "${want[@]}" \
	    ${new[@]+"$newid"})" "v$n: HEAD follows the old commit with the new contents"
	settle "$new_id" "v$n"
done

run morph log --oneline
expect_eq "$(printf '%s\n' "$out" | wc -l)" $((iterations + 11)) \
    "every commit is in the history"

elapsed=$((($(usecs) - ${start/./}) / 1000))
echo "# $iterations iterations in $((elapsed / 1000)).$((elapsed % 1000 / 100)) s:" \
    "commit killed before it was durable $lost times," \
    "after it was durable but before it exited $durable times," \
    "finished before the kill $finished times;" \
    "add killed $add_killed times, finished first $add_finished times;" \
    "delay window ${commit_us} us at the start, ${window} us at the end"
# The test proves nothing if every kill comes too late.
T_CHECKS=$((T_CHECKS + 1))
if ((iterations < 20 || lost * 10 >= iterations)); then
	pass "at least one kill in ten lands before the commit is durable"
else
	fail "only $lost of $iterations kills landed before the commit was durable"
fi
exec {never}>&-
done_testing
