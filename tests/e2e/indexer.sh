#!/usr/bin/env bash
# End-to-end tests of `protokollsok index` and `protokollsok stats` on copies of the seeds:
# incremental reruns, deletion, the collapse key, the lock, kill -9 at random moments, bad files,
# --full. Usage: indexer.sh PROTOKOLLSOK_BINARY SEEDS_DIR WORK_DIR [KILL_ROUNDS [COPIES]]
# (the kill test indexes COPIES copies of the seeds, default 100).
set -euo pipefail

BIN=$1
SEEDS=$2
WORK=$3
KILL_ROUNDS=${4:-3}
COPIES=${5:-100}
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
# jnum FILE KEY: a number or boolean from our JSON outputs (one "key": value pair per key).
jnum() { grep -o "\"$2\": *[0-9a-z]*" "$1" | head -1 | sed 's/.*: *//'; }
run_index() { # run_index EXPECTED_STATUS OUTFILE ARGS... (stdout -> OUTFILE, stderr -> OUTFILE.err)
    local want=$1 out=$2
    shift 2
    local rc=0
    "$BIN" index "$@" >"$out" 2>"$out.err" || rc=$?
    if [ "$rc" != "$want" ]; then
        fail "index $* exited $rc, expected $want"
        cat "$out" "$out.err"
    fi
}
stats() { "$BIN" stats --db "$1" --json >"$2"; }

corpus=$WORK/corpus
mkdir -p "$corpus"
cp "$SEEDS"/*.txt "$corpus"/
# the seeds' own manifest, beside the files it describes (the indexer must not index it)
manifest=$corpus/manifest.tsv
cp "$SEEDS/manifest.tsv" "$manifest"
db=$WORK/db

step "first index of the seeds"
run_index 0 out1 --db "$db" --manifest "$manifest" --json corpus
stats "$db" st1
docs1=$(jnum st1 documents)
check "5 files indexed (not the manifest)" test "$(jnum out1 files_added)" = 5
check "stats: 5 files" test "$(jnum st1 files)" = 5
check "documents = ärenden written" test "$docs1" = "$(jnum out1 arenden_added)"
check "at least one document per file" test "$docs1" -ge 5
check "kommun from the manifest" grep -q '"köping": ' st1
check "nämnd from the manifest" grep -q '"socialnämndens arbetsutskott": ' st1
check "schema and lexicon recorded" grep -q '"lexicon": "' st1
check "last run recorded" grep -q '"last_run": "20' st1
"$BIN" stats --db "$db" --terms --json >stt1
check "stats --terms: the exact forms as a kind" grep -q '"prefix": "E"' stt1
check "stats --terms: their positions counted" grep -q '"positions": ' stt1
check "stats --terms: the database files" grep -q '"position.glass": ' stt1
check "no lexicon copy by default (its version is recorded)" test ! -e "$db/lexicon.bin"
check "the new index was compacted in place (no work directory left)" test ! -e "$db.compact"
check "the index searches" "$BIN" search --db "$db" --limit 1 beslut
check "2023.076 SN of seeds 000, 001, 002 share one key" grep -q '"alingsas:2023.076-sn": 3' st1

step "rerun without changes"
rev1=$(jnum st1 revision)
run_index 0 out2 --db "$db" --manifest "$manifest" corpus
stats "$db" st2
check "says no changes" grep -q "no changes" out2
check "no revision bump" test "$(jnum st2 revision)" = "$rev1"

step "touch one file, modify another"
touch "$corpus"/000_*.txt
printf '\nTillägg: kompletterande uppgifter om förbundet.\n' >>"$corpus"/004_*.txt
run_index 0 out3 --db "$db" --manifest "$manifest" --json corpus
check "touched file not re-indexed" test "$(jnum out3 files_touched)" = 1
check "only the modified file re-indexed" test "$(jnum out3 files_changed)" = 1
check "nothing added" test "$(jnum out3 files_added)" = 0
check "its ärenden replaced, not duplicated" test "$(jnum out3 arenden_total)" = "$docs1"
stats "$db" st3
check "document count unchanged" test "$(jnum st3 documents)" = "$docs1"

step "delete one file"
rm "$corpus"/003_*.txt
run_index 0 out4 --db "$db" --manifest "$manifest" --json corpus
stats "$db" st4
gone=$(jnum out4 arenden_deleted)
check "one file deleted" test "$(jnum out4 files_deleted)" = 1
check "its ärenden removed" test "$(jnum st4 documents)" = $((docs1 - gone))
check "stats: 4 files" test "$(jnum st4 files)" = 4

step "--no-delete keeps ärenden of vanished files"
cp "$corpus"/004_*.txt "$WORK/keep.txt"
rm "$corpus"/004_*.txt
run_index 0 out4b --db "$db" --manifest "$manifest" --no-delete --json corpus
check "nothing deleted" test "$(jnum out4b files_deleted)" = 0
cp "$WORK/keep.txt" "$corpus"/004_034c7db9e8ee52a5.txt
touch -r "$WORK/keep.txt" "$corpus"/004_034c7db9e8ee52a5.txt

step "add one file"
mkdir -p "$corpus/sub"
cp "$SEEDS"/003_*.txt "$corpus/sub/new.txt"
run_index 0 out5 --db "$db" --manifest "$manifest" --json --source-url-prefix "https://example.org/protokoll" corpus
check "one file added" test "$(jnum out5 files_added)" = 1
stats "$db" st5
check "stats: 5 files" test "$(jnum st5 files)" = 5
if command -v xapian-delve >/dev/null; then
    docid=$(xapian-delve -t "P$(cd "$corpus" && pwd -P)/sub/new.txt" "$db" 2>/dev/null | grep -o '[0-9][0-9]*$' | head -1 || true)
    check "url = prefix + relative path" sh -c "xapian-delve -r '$docid' -d '$db' | grep -q '\"url\":\"https://example.org/protokoll/sub/new.txt\"'"
fi

step "files without a dnr: keyed by their path relative to the root, never by base name"
same=$WORK/same
mkdir -p "$same/2019" "$same/2021" "$WORK/same2/2019"
printf '# Lagrådsremiss\n\nFörslag om ändrade regler för vattenbruk i insjöar.\n' >"$same/2019/lagradsremiss.md"
printf '# Lagrådsremiss\n\nFörslag om vattenbruk och fiske i havet.\n' >"$same/2021/lagradsremiss.md"
printf '# Lagrådsremiss\n\nEtt tredje förslag om vattenbruk.\n' >"$WORK/same2/2019/lagradsremiss.md"
keys() { "$BIN" search --db "$1" --json --limit 10 vattenbruk | grep -o '"key": *"[^"]*"' | sort -u; }
run_index 0 outs1 --db "$WORK/samedb" same
check "two files, two ärenden" test "$(keys "$WORK/samedb" | wc -l)" = 2
check "the key holds the folder" sh -c "'$BIN' search --db '$WORK/samedb' --json vattenbruk | grep -q '\"key\": *\"okand:2019-lagradsremiss.md-1\"'"
keys "$WORK/samedb" >keys1
run_index 0 outs2 --db "$WORK/samedb" --full same
keys "$WORK/samedb" >keys2
check "the same keys in another run" cmp -s keys1 keys2
run_index 0 outs3 --db "$WORK/samedb2" same same2
check "two roots with the same relative path: three ärenden" test "$(keys "$WORK/samedb2" | wc -l)" = 3

step "one writer at a time"
flock "$db.lock" sleep 3 &
holder=$!
sleep 0.3
t0=$(date +%s%N)
run_index 4 out6 --db "$db" corpus
t1=$(date +%s%N)
check "refused at once" test $(((t1 - t0) / 1000000)) -lt 2000
check "message says another indexer" grep -q "another indexer" out6.err
wait "$holder"

step "bad files"
bad=$WORK/bad
mkdir -p "$bad/loop"
cp "$SEEDS"/000_*.txt "$bad/good.txt"
cp "$SEEDS"/002_*.txt "$bad/large.txt" # over the --max-bytes below
printf 'Protokoll\000\000\001binary' >"$bad/nul.txt"
: >"$bad/empty.txt"
printf 'Protokoll \x81\x8d\x8f\x90\x9d\xc3\x28\xe2\x28\xa1\xf0\x28\x8c\xbc\n' >"$bad/invalid.txt"
printf 'ok\n' >"$bad/denied.txt"
chmod 000 "$bad/denied.txt"
ln -s .. "$bad/loop/up"
run_index 1 out7 --db "$WORK/baddb" --max-bytes 8000 --json bad
readable=1
[ "$(id -u)" = 0 ] && readable=2 # root reads denied.txt too
check "good file indexed" test "$(jnum out7 files_added)" = $readable
for name in nul.txt empty.txt invalid.txt large.txt loop/up; do
    check "one warning for $name" test "$(grep -c "warning: .*/bad/$name:" out7.err)" = 1
done
if [ "$(id -u)" = 0 ]; then
    echo "skip: permission-denied check (running as root, which ignores file permissions)"
else
    check "one warning for denied.txt" grep -q "warning: .*/bad/denied.txt: cannot read" out7.err
fi
check "summary counts the skipped files" test "$(jnum out7 files_skipped)" = 5
check "too large says so" grep -q "large.txt: too large" out7.err
chmod 644 "$bad/denied.txt"

pdfs=$SEEDS/../tests/fuzz/corpus/pdf
if [ -f "$pdfs/mixed.pdf" ]; then
    step "PDFs, told apart by content"
    pdir=$WORK/pdf
    mkdir -p "$pdir"
    cp "$pdfs/mixed.pdf" "$pdir/protokoll.txt" # a PDF whatever its name says
    cp "$pdfs/two_column.pdf" "$pdir/two_column.pdf"
    for bad_pdf in scanned truncated encrypted; do
        cp "$pdfs/$bad_pdf.pdf" "$pdir/"
    done
    run_index 1 outp --db "$WORK/pdfdb" --json pdf
    check "text PDFs indexed" test "$(jnum outp files_added)" = 2
    for bad_pdf in scanned truncated encrypted; do
        check "one warning for $bad_pdf.pdf" test "$(grep -c "warning: .*/pdf/$bad_pdf.pdf: PDF" outp.err)" = 1
    done
    if command -v xapian-delve >/dev/null; then
        check "pages recorded" sh -c "xapian-delve -r 1 -d '$WORK/pdfdb' | grep -q '\"pages\":\[[0-9]'"
    fi
fi

step "--full rebuilds and switches"
printf 'not part of the index\n' >"$db/README.md"
run_index 0 out8 --db "$db" --manifest "$manifest" --full --json corpus
stats "$db" st8
check "switched in" test "$(jnum out8 full)" = true
check "old index kept beside" test -d "$db.old"
check "other files in the index directory carried over" test -f "$db/README.md"
check "same documents as the incremental index" test "$(jnum st8 documents)" = "$(jnum st5 documents)"
run_index 0 out9 --db "$db" --manifest "$manifest" corpus
check "rerun after --full: no changes" grep -q "no changes" out9

if command -v xapian-metadata >/dev/null; then
    step "an index built with another lexicon needs --full"
    cp -r "$db" "$WORK/otherlex"
    xapian-metadata set "$WORK/otherlex" ps.lexicon lex0-other
    run_index 3 out10 --db "$WORK/otherlex" corpus
    check "says full reindex" grep -q -- "--full" out10.err
    rc=0
    "$BIN" search --db "$WORK/otherlex" beslut >out10s 2>out10s.err || rc=$?
    check "search refuses it too (exit 3)" test "$rc" = 3
    check "search names the lexicon" grep -q "lexicon" out10s.err
fi

step "--lexicon-copy keeps the lexicon in the index"
run_index 0 out12 --db "$WORK/lexcopy" --lexicon-copy corpus
check "lexicon copied into the index" test -s "$WORK/lexcopy/lexicon.bin"
check "the copy survives the compaction" "$BIN" search --db "$WORK/lexcopy" --limit 1 beslut

step "kill -9 at random moments"
big=$WORK/big
mkdir -p "$big"
for i in $(seq 1 "$COPIES"); do
    mkdir -p "$big/d$((i % 10))/c$i"
    cp "$SEEDS"/*.txt "$big/d$((i % 10))/c$i/"
done
nbig=$((COPIES * 5))
ref=$WORK/refdb
run_index 0 rout --db "$ref" --batch 1000 --json big
stats "$ref" rst
ms=$(grep -o '"seconds": [0-9.]*' rout | sed 's/.*: //; s/\.//; s/^0*//')
ms=${ms:-1000}
echo "clean index: $nbig files, $(jnum rst documents) documents in $(grep -o '"seconds": [0-9.]*' rout | sed 's/.*: //') s"
kdb=$WORK/killdb
for round in $(seq 1 "$KILL_ROUNDS"); do
    # odd rounds start over, even rounds kill a run that continues a killed one
    [ $((round % 2)) = 1 ] && rm -rf "$kdb"
    "$BIN" index --db "$kdb" --batch 20 --quiet big >/dev/null 2>&1 &
    pid=$!
    delay=$((ms / 20 + RANDOM % (ms / 2 + 1))) # 5% .. 55% of a clean run, in ms
    sleep "$((delay / 1000)).$(printf %03d $((delay % 1000)))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [ -d "$kdb" ]; then
        check "round $round (killed after ${delay} ms): the index opens" "$BIN" stats --db "$kdb" --json >"kst$round"
        echo "  files committed so far: $(jnum "kst$round" files)"
    fi
done
run_index 0 kout --db "$kdb" --batch 50 --json big
stats "$kdb" kst
check "rerun after kills: all $nbig files" test "$(jnum kst files)" = $nbig
check "rerun after kills: same documents as a clean index" test "$(jnum kst documents)" = "$(jnum rst documents)"
check "clean index has copies x seeds documents" test "$(jnum rst documents)" = $((COPIES * docs1))

step "concurrent index refused while one runs"
rm -rf "$WORK/concdb"
"$BIN" index --db "$WORK/concdb" --quiet big >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    [ -s "$WORK/concdb.lock" ] && break
    sleep 0.05
done
run_index 4 out11 --db "$WORK/concdb" big
check "message names the pid" grep -q "pid $pid" out11.err
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all indexer end-to-end checks passed"
