#!/usr/bin/env bash
# morph fsck: a healthy repository passes; damaged objects, missing
# objects and bad references are each named, with exit status 1.
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
expect_contains "$out" "2 index entries: PROBLEMS FOUND"
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

cd "$T_ROOT/r"
ok morph fsck
done_testing
