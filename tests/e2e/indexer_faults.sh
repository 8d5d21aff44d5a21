#!/usr/bin/env bash
# The indexer when things go wrong: summary counts that add up (with bad files and walk
# warnings), one "committed" line per state, leftovers of a killed --full cleaned at the next
# run, and a full disk (an 18 MB tmpfs: needs root; skipped otherwise) reported as "no space
# left on device" with the path and the space needed, the old index intact, and --full on a
# full disk not advising --full.
# Usage: indexer_faults.sh PROTOKOLLSOK_BINARY SEEDS_DIR WORK_DIR
set -euo pipefail

BIN=$1
SEEDS=$2
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"

failures=0
step() { echo "--- $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then echo "ok: $what"; else fail "$what"; fi
}
jnum() { grep -o "\"$2\": *[0-9a-z]*" "$1" | head -1 | sed 's/.*: *//'; }
run_index() { # run_index EXPECTED_STATUS OUTFILE ARGS...
    local want=$1 out=$2
    shift 2
    local rc=0
    "$BIN" index "$@" >"$out" 2>"$out.err" || rc=$?
    if [ "$rc" != "$want" ]; then
        fail "index $* exited $rc, expected $want"
        cat "$out" "$out.err"
    fi
}
adds_up() { # adds_up JSON: seen = added + changed + unchanged + skipped
    local f=$1
    test "$(jnum "$f" files_seen)" = \
        "$(($(jnum "$f" files_added) + $(jnum "$f" files_changed) + $(jnum "$f" files_unchanged) + $(jnum "$f" files_skipped)))"
}

step "counts add up, with bad files and walk warnings"
corpus=$WORK/corpus
mkdir -p "$corpus"
cp "$SEEDS"/*.txt "$corpus"/
printf '\x00\x01\x02binary' >"$corpus/binary.txt"
: >"$corpus/empty.txt"
ln -s "$corpus/nowhere.txt" "$corpus/broken.txt"
ln -s "$corpus/loop2.txt" "$corpus/loop1.txt"
ln -s "$corpus/loop1.txt" "$corpus/loop2.txt"
db=$WORK/db
run_index 1 out1 --db "$db" --json "$corpus"
check "first run: seen = added + changed + unchanged + skipped ($(tr -d '\n' <out1))" adds_up out1
check "first run: 4 skipped (binary, empty, broken link, link loop)" test "$(jnum out1 files_skipped)" -ge 4
check "one line per distinct commit" test "$(grep -c 'committed' out1.err)" = "$(grep 'committed' out1.err | sort -u | wc -l)"
touch -d '2001-01-01' "$corpus"/0*.txt
echo "Ny rad om budget" >>"$(ls "$corpus"/0*.txt | head -1)"
run_index 1 out2 --db "$db" --json "$corpus"
check "second run adds up too ($(tr -d '\n' <out2))" adds_up out2
run_index 1 out3 --db "$db" "$corpus"
check "plain summary: no line twice" test "$(sort out3.err | uniq -d | wc -l)" = 0

step "--max-text bounds the text per file"
run_index 1 outm --db "$WORK/dbm" --max-text 2k "$corpus"
check "a file with more text is skipped, saying so" grep -q "too much text (.* MB, over --max-text 0.0 MB)" outm.err
check "the files under the limit are indexed" grep -q "indexed into" outm

step "leftovers of a killed --full are removed by the next run"
mkdir -p "$db.new" "$db.new.creating" "$db.creating" "$db.new.compact" "$db.compact"
head -c 100000 /dev/urandom >"$db.new/postlist.glass"
run_index 1 out4 --db "$db" "$corpus"
check "DIR.new removed" test ! -e "$db.new"
check "DIR.new.creating removed" test ! -e "$db.new.creating"
check "DIR.creating removed" test ! -e "$db.creating"
check "DIR.new.compact and DIR.compact removed" test ! -e "$db.new.compact" -a ! -e "$db.compact"
check "the log names what was removed" grep -q "removed what an unfinished run left behind: .*$db.new (0.1 MB)" out4.err

step "a full disk"
mnt=$WORK/small
mkdir -p "$mnt"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=18m tmpfs "$mnt" 2>/dev/null; then
    echo "skipped: mounting a small tmpfs needs root"
else
    trap 'umount "$mnt" 2>/dev/null || true' EXIT
    small=$mnt/index
    good=$WORK/good
    mkdir -p "$good"
    cp "$SEEDS"/*.txt "$good"/
    run_index 0 f1 --db "$small" --json "$good"
    before=$("$BIN" search --db "$small" --json kommun | grep -o '"total": *[0-9]*')
    rev=$("$BIN" stats --db "$small" --json | grep -o '"revision": *[0-9]*')
    # About 4 MB of text, words the lexicon does not know: more than the 4.5 MB left can index.
    awk 'BEGIN { srand(7); s = "ka lo me ni sa tu va ra bo de fi gu ha jo ke";
                 n = split(s, syl, " ");
                 for (f = 0; f < 14; f++) {
                   file = sprintf("'"$good"'/gen%02d.txt", f);
                   printf "Kommunstyrelsen protokoll 2023-05-0%d\n§ %d Beslut om ärende %d\n", f % 9 + 1, f + 1, f > file;
                   for (l = 0; l < 3000; l++) { line = "";
                     for (w = 0; w < 12; w++) { word = ""; k = 2 + int(rand() * 4);
                       for (i = 0; i < k; i++) word = word syl[1 + int(rand() * n)];
                       line = line " " word }
                     print line > file }
                   close(file) } }'
    run_index 5 f2 --db "$small" "$good"
    check "incremental: says no space left on device" grep -q "no space left on device in $mnt: about [0-9]* MB more are needed" f2.err
    check "incremental: names the index and its state" grep -q "$small is intact as of its last commit" f2.err
    check "incremental: no advice to rebuild" test "$(grep -c -- '--full' f2.err)" = 0
    after=$("$BIN" search --db "$small" --json kommun | grep -o '"total": *[0-9]*')
    check "incremental: old index searches as before ($before / $after)" test "$before" = "$after"
    check "incremental: revision unchanged" test "$rev" = "$("$BIN" stats --db "$small" --json | grep -o '"revision": *[0-9]*')"
    run_index 5 f3 --db "$small" --full "$good"
    check "--full: says no space left on device" grep -q "no space left on device in $mnt: the rebuild needs about [0-9]* MB" f3.err
    check "--full: does not advise --full" test "$(grep -c -- '--full' f3.err)" = 0
    check "--full: the unfinished rebuild is gone" test ! -e "$small.new" -a ! -e "$small.new.creating"
    after=$("$BIN" search --db "$small" --json kommun | grep -o '"total": *[0-9]*')
    check "--full: old index searches as before" test "$before" = "$after"
    rm -f "$good"/gen*.txt
    run_index 0 f4 --db "$small" "$good"
    check "after space is freed the next run works" grep -q "up to date\|indexed into" f4
    umount "$mnt"
    trap - EXIT
fi

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
