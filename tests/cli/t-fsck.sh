#!/usr/bin/env bash
# morph fsck: a healthy repository passes; damaged objects, missing
# objects, bad references, bad index entries, and runs whose results
# disagree with their sealed run objects are each named, with exit
# status 1.
. "$(dirname "$0")/lib.sh"

new_repo r
commit_file prompts/a.txt "alpha" one
commit_file prompts/b.txt "beta" two
ok morph fsck
expect_contains "$out" "ok"
ok morph fsck --json
expect_contains "$out" '"problems": []'
expect_contains "$out" '"commits": 2'

db=.morph/morph.db
cp "$db" "$T_ROOT/good.db"
restore_db() { cp "$T_ROOT/good.db" "$db"; rm -f "$db-wal" "$db-shm"; }

# A blob whose bytes changed: the id no longer matches.
blob=$(morph rev-parse HEAD:prompts/a.txt)
sqlite3 "$db" "UPDATE objects SET data = CAST('ALPHA' || char(10) AS BLOB), enc = 0 WHERE hex(id) = upper('$blob')"
fails 1 morph fsck
expect_contains "$out" "blob $blob: content hashes to"
expect_contains "$out" "error: blob $blob: content hashes to"
expect_contains "$out" "2 index entries, 0 runs (0 results), 0 cache entries: PROBLEMS FOUND"
fails 1 morph fsck --json
expect_contains "$out" "\"problems\": [
    \"blob $blob: content hashes to"
restore_db

# A missing tree: the commit that names it is reported.
tree=$(morph rev-parse HEAD:prompts)
sqlite3 "$db" "DELETE FROM objects WHERE hex(id) = upper('$tree')"
fails 1 morph fsck
expect_contains "$out" "missing tree $tree"
restore_db

# A reference to nothing.
sqlite3 "$db" "INSERT INTO refs VALUES ('refs/heads/ghost', '00000000000000000000000000000000')"
fails 1 morph fsck
expect_contains "$out" "reference 'refs/heads/ghost': missing commit"
restore_db

# A compressed row that no longer inflates.
sqlite3 "$db" "UPDATE objects SET data = x'0102030405' WHERE rowid = (SELECT min(rowid) FROM objects WHERE enc = 1)"
fails 1 morph fsck
expect_contains "$out" "compressed data is damaged"
restore_db

# The index: paths that are not repository paths in normal form, a file
# that is also a directory, a mode that is not a file's.  The record is
# written in version 1 of the format of morph-repository(5).
index_v1() {	# index_v1 BLOB PATH:MODE...: the record, in hex
	python3 - "$@" <<'PY'
import struct, sys
blob = bytes.fromhex(sys.argv[1])
rec = b"MIDX" + struct.pack("<II", 1, 0) + bytes(16)
rec += struct.pack("<I", len(sys.argv) - 2)
for arg in sys.argv[2:]:
    p, mode = arg.rsplit(":", 1)
    b = p.encode()
    rec += struct.pack("<I", len(b)) + b + blob
    rec += struct.pack("<Iqqqq", int(mode, 8), -1, 0, 0, 0) + b"\0"
print(rec.hex())
PY
}
rec=$(index_v1 "$blob" ../evil:100644 .morph/x:100644 a:100644 a/b:100600 d/./e:100755)
sqlite3 "$db" "UPDATE meta SET value = x'$rec' WHERE key = 'index'"
fails 1 morph fsck
expect_contains "$out" "error: index entry '../evil': invalid path:"
expect_contains "$out" "error: index entry '.morph/x': invalid path:"
expect_contains "$out" "error: index entry 'a': a file, and the directory of 'a/b'"
expect_contains "$out" "error: index entry 'a/b': bad mode 100600"
expect_contains "$out" "error: index entry 'd/./e': path not in normal form ('d/e')"
expect_not_contains "$out" "missing blob"
restore_db
rec=$(index_v1 "$blob" b:100644 a:100644)
sqlite3 "$db" "UPDATE meta SET value = x'$rec' WHERE key = 'index'"
fails 1 morph fsck
expect_contains "$out" "error: index: the index is damaged: entries out of order at 'b'"
restore_db

# A file that is not a morph database at all.
mkdir notdb && cd notdb && mkdir .morph && echo garbage >.morph/morph.db
fails 2 morph fsck
expect_contains "$err" "morph.db"
cd "$T_ROOT/r"

# Usage errors.
fails 2 morph fsck extra
expect_contains "$err" "morph: fsck: unexpected argument 'extra'"
expect_contains "$err" "usage: morph fsck [--json]"
fails 2 morph fsck --full
expect_contains "$err" "morph: fsck: unknown option '--full'"

# Outside any repository.
cd "$T_ROOT"
fails 2 morph fsck
expect_contains "$err" "not a morph repository"

# Runs.  Every result of a sealed run is compared, field by field, with
# the line its sealed page holds; the rows are checked on their own too.
json() { printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
cd "$T_ROOT"
ok morph init --example runs
T_REPOS+=("$T_ROOT/runs")
cd runs
ok morph add .
ok morph commit -m "Example suite"
ok morph run --repeat 2
ok morph fsck
expect_contains "$out" "1 runs (8 results), 8 cache entries: ok"
ok morph fsck --json
expect_eq "$(json "d['problems'], d['runs'], d['results'], d['cache_entries']")" "[] 1 8 8" "fsck --json counts"
ok morph runs --json
run=$(json "d[0]['id']")
cp "$db" "$T_ROOT/good.db"
key="prompt = 'prompts/welcome.txt' AND case_id = 'ada' AND sample = 1"
result="result prompts/welcome.txt, case 'ada', model 'echo:starter', sample 1"

# A verdict rewritten in the table.
sqlite3 "$db" "UPDATE results SET verdicts = '[{\"type\":\"icontains\",\"pass\":true,\"score\":1,\"weight\":1,\"reason\":\"made up\"}]' WHERE $key"
fails 1 morph fsck
expect_contains "$out" "error: run #1 $run: $result: differs from the sealed run in verdicts"
restore_db
# A pass turned into a failure, and its tokens changed.
sqlite3 "$db" "UPDATE results SET pass = 0, tokens_out = 7 WHERE $key"
fails 1 morph fsck
expect_contains "$out" "error: run #1 $run: $result: differs from the sealed run in pass, tokens.out"
restore_db
# Verdicts that are not JSON; a pass that is neither true nor false.
sqlite3 "$db" "UPDATE results SET verdicts = '[{', pass = 2 WHERE $key"
fails 1 morph fsck
expect_contains "$out" "error: run #1: $result: pass is not true, false or null"
expect_contains "$out" "error: run #1 $run: $result: verdicts:1:2: invalid JSON"
restore_db
# A row gone, a row added.
sqlite3 "$db" "DELETE FROM results WHERE $key"
fails 1 morph fsck
expect_contains "$out" "error: run #1 $run: $result: in the sealed run, not in the results table"
expect_contains "$out" "1 runs (7 results)"
restore_db
sqlite3 "$db" "INSERT INTO results SELECT run, prompt, case_id, model, 2, call, status, output, error, finish, served_model, tokens_in, tokens_out, tokens_cached, tokens_reasoning, latency_ms, cost_nusd, cached, pass, attempts, verdicts, tokens_cache_write FROM results WHERE $key"
fails 1 morph fsck
expect_contains "$out" "error: run #1 $run: result prompts/welcome.txt, case 'ada', model 'echo:starter', sample 2: in the results table, not in the sealed run"
restore_db
# The samples of one prompt, case and model share their call.
sqlite3 "$db" "UPDATE results SET call = x'00112233445566778899aabbccddeeff' WHERE $key"
fails 1 morph fsck
expect_contains "$out" "error: run #1 $run: $result: call 00112233445566778899aabbccddeeff differs from sample 0's"
expect_contains "$out" "$result: differs from the sealed run in call"
restore_db
sqlite3 "$db" "UPDATE results SET call = x'0011' WHERE $key"
fails 1 morph fsck
expect_contains "$out" "error: run #1: $result: call is not an id"
restore_db
# A result's call object gone, or naming an object of another type.
call_id=$(sqlite3 "$db" "SELECT lower(hex(call)) FROM results WHERE $key")
sqlite3 "$db" "DELETE FROM objects WHERE hex(id) = upper('$call_id')"
fails 1 morph fsck
expect_contains "$out" "error: run #1: $result: missing call $call_id"
restore_db
blob_id=$(sqlite3 "$db" "SELECT lower(hex(output)) FROM results WHERE $key")
sqlite3 "$db" "UPDATE results SET call = x'$blob_id' WHERE prompt = 'prompts/welcome.txt' AND case_id = 'ada' AND model = 'echo:starter'"
fails 1 morph fsck
expect_contains "$out" "$result: $blob_id is a blob, not a call"
restore_db
# An output blob gone: the result and the cache row that name it.
out_id=$(sqlite3 "$db" "SELECT lower(hex(output)) FROM results WHERE $key")
sqlite3 "$db" "DELETE FROM objects WHERE hex(id) = upper('$out_id')"
fails 1 morph fsck
expect_contains "$out" "error: run #1: $result: missing blob $out_id"
expect_contains "$out" "sample 1: missing blob $out_id"
expect_contains "$out" "error: cache entry "
restore_db
# A sealed page gone; the run object gone; the runs table changed.
ok morph cat-object -p "$run"
page=$(json "d['pages'][0]")
sqlite3 "$db" "DELETE FROM objects WHERE hex(id) = upper('$page')"
fails 1 morph fsck
expect_contains "$out" "error: run #1 $run: page 1: object $page not found"
restore_db
sqlite3 "$db" "DELETE FROM objects WHERE hex(id) = upper('$run')"
fails 1 morph fsck
expect_contains "$out" "error: run #1 $run: missing run $run"
restore_db
sqlite3 "$db" "UPDATE runs SET started = started + 1, matrix = '{}'"
fails 1 morph fsck
expect_contains "$out" "error: run #1 $run: started differs between the run object and the runs table"
expect_contains "$out" "error: run #1 $run: matrix differs between the run object and the runs table"
restore_db
sqlite3 "$db" "UPDATE runs SET commit_id = x'00112233445566778899aabbccddeeff'"
fails 1 morph fsck
expect_contains "$out" "error: run #1: missing commit 00112233445566778899aabbccddeeff"
restore_db
# Results of a run that does not exist.
sqlite3 "$db" "UPDATE results SET run = 7 WHERE $key"
fails 1 morph fsck
expect_contains "$out" "error: results table: 1 row of run #7, which does not exist"
restore_db
# An unsealed run is checked row by row.
sqlite3 "$db" "UPDATE runs SET sealed = NULL, state = 'interrupted'; UPDATE results SET status = 'error' WHERE $key"
fails 1 morph fsck
expect_contains "$out" "error: run #1: $result: status error with an output"
restore_db
ok morph fsck

cd "$T_ROOT/r"
ok morph fsck
done_testing
