#!/bin/sh
# shards.sh BIN SOURCE_DIR TMP — a sharded index and Xapian's distributed pieces, over loopback only
# (every process is started and stopped here, every wait is bounded):
#  1. the seeds as three kommuner, indexed as one database and as three shards: `search --json`
#     is identical (apart from took_ms) for a fixed list of queries (relevance queries, filters,
#     dnr, date order both ways, paging, facets) — local shards, and two of the three served by
#     xapian-tcpsrv on ephemeral ports;
#  2. faults: a remote shard killed answers "partial" (named in missing_shards) within the
#     timeout, a stopped one too (Xapian's remote timeout), --require-all-shards fails, and
#     `serve` shows the Swedish notice, lists the shard as down in /api/health, answers 503 with
#     --require-all-shards, and reconnects by itself when the shard is back;
#  3. sharded by kommun, an incremental reindex of one kommun's file changes only its shard's
#     revision (and the metadata's); --full keeps the layout and the answers;
#  4. a replica made by xapian-replicate from xapian-replicate-server serves a commit made on
#     the master, `serve` on the replica picking it up without a restart.
set -u
bin=$1
seeds=$2/seeds
relevance=$2/tests/data/relevance/queries.tsv
tmp=$3
rm -rf "$tmp"
mkdir -p "$tmp"
# xapian-tcpsrv answers SIGTERM by killing its whole process group, and serves each connection
# from a forked child: every Xapian server runs in a process group of its own (setsid), which
# is killed whole (stop). $pids: the groups and the serve processes to stop at the end.
pids=""
groups=""
cleanup() {
    for g in $groups; do
        kill -9 "-$g" 2>/dev/null
    done
    for p in $pids; do
        kill "$p" 2>/dev/null
    done
}
trap cleanup EXIT
start() { # start CMD...: run CMD in a process group of its own; sets $pid
    setsid "$@" >/dev/null 2>&1 &
    pid=$!
    groups="$groups $pid"
}
stop() { # stop PID: kill the group PID leads (the server and its children), wait for it
    kill -9 "-$1" 2>/dev/null
    wait "$1" 2>/dev/null
}
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
ms() { echo $(($(date +%s%N) / 1000000)); }
jget() { # jget FILE EXPR: a value of the JSON in FILE (node, as the HTTP tests use)
    node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const v=eval(process.argv[2]);console.log(typeof v==="object"?JSON.stringify(v):String(v))' "$1" "$2"
}
strip() { sed 's/"took_ms": *[0-9.e+-]*,//'; }

# ---- the corpus: every seed file under three kommuner ---------------------------------------
src=$tmp/src
printf 'path\tkommun\tnamnd\tdate\turl\n' >"$src.tsv"
for k in alingsas:Alingsås koping:Köping lerum:Lerum; do
    dir=${k%%:*}
    name=${k#*:}
    mkdir -p "$src/$dir"
    cp "$seeds"/*.txt "$src/$dir/"
    tail -n +2 "$seeds/manifest.tsv" | while IFS="$(printf '\t')" read -r path _k namnd date _url; do
        printf '%s/%s\t%s\t%s\t%s\t\n' "$dir" "$path" "$name" "$namnd" "$date" >>"$src.tsv"
    done
done
mv "$src.tsv" "$src/manifest.tsv"

index() { # index DB [OPTIONS...]
    db=$1
    shift
    "$bin" index --quiet --db "$db" --manifest "$src/manifest.tsv" "$@" "$src" ||
        fail "index $db $*: exit $?"
}
index "$tmp/one"
index "$tmp/three" --shards 3 --shard-by arende
[ -f "$tmp/three/XAPIANDB" ] || fail "no stub XAPIANDB in the sharded index"
for s in 0 1 2; do
    n=$(xapian-delve "$tmp/three/shard-0$s" | sed -n 's/^number of documents = //p')
    [ "${n:-0}" -gt 0 ] || fail "shard-0$s holds no documents (routing by ärende key)"
done

# ---- 1. the same answers -----------------------------------------------------------------------
queries=$tmp/queries
tail -n +2 "$relevance" | cut -f2 >"$queries"
cat >>"$queries" <<'EOF'
kommun:Köping förbund
kommun:Lerum
nämnd:socialnämnden beslut
2023.076 SN
dnr:2023.076
år:2020..2023 utträde
datum:2023-11-01 yttrande
typ:protokoll -förbund
beslut OR yttrande
utträd*
EOF
# Every query with facets, and in date order from the second page; the filter, dnr and
# operator queries also newest first and as a third page of three.
searches=$tmp/searches
while IFS= read -r q; do
    printf '%s\t--facets\n%s\t--sort datum --order asc --limit 4 --offset 2\n' "$q" "$q"
done <"$queries" >"$searches"
tail -n 10 "$queries" | while IFS= read -r q; do
    printf '%s\t--sort datum --facets\n%s\t--limit 3 --offset 3 --facets\n' "$q" "$q"
done >>"$searches"
tab=$(printf '\t')
n=0
while IFS="$tab" read -r q opts; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    "$bin" search --json $opts --db "$tmp/one" "$q" 2>&1 | strip >"$tmp/want.$n.json"
done <"$searches"
compare() { # compare DB LABEL: every search against the single database's answer
    n=0
    while IFS="$tab" read -r q opts; do
        n=$((n + 1))
        # shellcheck disable=SC2086
        "$bin" search --json $opts --db "$1" "$q" 2>&1 | strip >"$tmp/got.json"
        if ! cmp -s "$tmp/want.$n.json" "$tmp/got.json"; then
            fail "$2: search $opts '$q' differs from one database:"
            diff "$tmp/want.$n.json" "$tmp/got.json" | head -5
        fi
    done <"$searches"
    echo "$2: $n searches compared"
}
compare "$tmp/three" "3 local shards"
grep -q '"partial": false' "$tmp/got.json" || fail "no \"partial\": false in $(head -c 300 "$tmp/got.json")"

port_ok() { # port_ok STUB: a remote line answers (bounded)
    i=0
    while [ $i -lt 50 ]; do
        xapian-delve "$1" >/dev/null 2>&1 && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
tcpsrv() { # tcpsrv DIR: serve DIR on a free loopback port; sets $port and $pid
    tries=0
    while [ $tries -lt 20 ]; do
        port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
        start xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port" "$1"
        printf 'remote 127.0.0.1:%s\n' "$port" >"$tmp/probe.stub"
        if port_ok "$tmp/probe.stub" && kill -0 "$pid" 2>/dev/null; then
            return 0
        fi
        stop "$pid"
        tries=$((tries + 1))
    done
    fail "xapian-tcpsrv did not start for $1"
    return 1
}
tcpsrv "$tmp/three/shard-01"
port1=$port
pid1=$pid
tcpsrv "$tmp/three/shard-02"
port2=$port
pid2=$pid
mixed=$tmp/three/mixed.stub
printf '# two of three shards remote\nglass meta\nglass shard-00\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' \
    "$port1" "$port2" >"$mixed"
compare "$mixed" "2 of 3 shards over xapian-tcpsrv"

# ---- 2. faults ---------------------------------------------------------------------------------
partial() { # partial WANT(true|false) LABEL ARGS...: search, check "partial" and the time
    want=$1
    label=$2
    shift 2
    t0=$(ms)
    "$bin" search --json --facets "$@" --db "$mixed" förbund >"$tmp/p.json" 2>"$tmp/p.err"
    rc=$?
    took=$(($(ms) - t0))
    [ $rc -le 1 ] || fail "$label: exit $rc: $(cat "$tmp/p.err")"
    [ "$(jget "$tmp/p.json" d.partial)" = "$want" ] || fail "$label: partial is not $want"
    echo "$label: partial=$want in $took ms"
}
stop "$pid2"
partial true "shard killed" --shard-timeout 1000
[ $took -lt 3000 ] || fail "shard killed: took $took ms (timeout 1000)"
jget "$tmp/p.json" d.missing_shards | grep -q "127.0.0.1:$port2" || fail "missing_shards lacks 127.0.0.1:$port2: $(jget "$tmp/p.json" d.missing_shards)"
[ "$(jget "$tmp/p.json" d.total)" -gt 0 ] || fail "shard killed: no hits from the others"
"$bin" search --json --require-all-shards --db "$mixed" förbund >/dev/null 2>"$tmp/p.err"
[ $? -eq 5 ] || fail "--require-all-shards with a shard down: not exit 5"
grep -q "not every shard" "$tmp/p.err" || fail "--require-all-shards: message $(cat "$tmp/p.err")"
kill -STOP "-$pid1"
partial true "shard stopped (timeout)" --shard-timeout 1000
[ $took -lt 6000 ] || fail "shard stopped: took $took ms (timeout 1000)"
kill -CONT "-$pid1"
start xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port2" "$tmp/three/shard-02"
pid2=$pid
port_ok "$mixed" || fail "shard 2 did not come back on port $port2"
partial false "shard restarted"
"$bin" search --json --facets --db "$tmp/one" förbund | strip >"$tmp/want.json"
strip <"$tmp/p.json" >"$tmp/got.json"
cmp -s "$tmp/want.json" "$tmp/got.json" || fail "after the restart the answer differs from one database"

# serve over the stub: notice, health, reconnect, 503
serve() { # serve OUT ARGS...: start `serve --port 0`; sets $base and $spid
    out=$1
    shift
    : >"$out"
    "$bin" serve --quiet --port 0 --db "$mixed" --shard-timeout 1000 "$@" >"$out" 2>"$out.err" &
    spid=$!
    pids="$pids $spid"
    i=0
    while [ $i -lt 100 ] && ! grep -q Listening "$out"; do
        sleep 0.1
        i=$((i + 1))
    done
    base=$(sed -n 's/^Listening on \(http[^ ]*\)\/$/\1/p' "$out")
    [ -n "$base" ] || fail "serve did not start: $(cat "$out.err")"
}
http() { curl -s -o "$tmp/h.body" -w '%{http_code}' "$base$1"; }
serve "$tmp/serve.out"
[ "$(http '/api/search?q=f%C3%B6rbund')" = 200 ] || fail "serve: /api/search not 200"
[ "$(jget "$tmp/h.body" d.partial)" = false ] || fail "serve: partial with every shard up"
http /api/health >/dev/null
[ "$(jget "$tmp/h.body" d.shards.length)" = 4 ] || fail "health: not 4 shards: $(cat "$tmp/h.body")"
stop "$pid2"
[ "$(http '/api/search?q=f%C3%B6rbund')" = 200 ] || fail "serve, shard down: /api/search not 200"
[ "$(jget "$tmp/h.body" d.partial)" = true ] || fail "serve, shard down: not partial"
http '/sok?q=f%C3%B6rbund' >/dev/null
grep -q "Alla delar av arkivet svarade inte" "$tmp/h.body" || fail "serve, shard down: no Swedish notice on /sok"
http /api/health >/dev/null
jget "$tmp/h.body" 'd.shards.filter(s=>s.state==="down").map(s=>s.name).join()' | grep -q "127.0.0.1:$port2" ||
    fail "health does not list the shard as down: $(cat "$tmp/h.body")"
start xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port2" "$tmp/three/shard-02"
pid2=$pid
port_ok "$mixed" || fail "shard 2 did not come back"
i=0
while [ $i -lt 80 ]; do
    http '/api/search?q=f%C3%B6rbund' >/dev/null
    [ "$(jget "$tmp/h.body" d.partial)" = false ] && break
    sleep 0.1
    i=$((i + 1))
done
[ "$(jget "$tmp/h.body" d.partial)" = false ] || fail "serve did not reconnect to the restarted shard"
echo "serve reconnected after $((i / 10)).$((i % 10)) s"
kill "$spid"
wait "$spid"
serve "$tmp/serve2.out" --require-all-shards
stop "$pid2"
[ "$(http '/api/search?q=f%C3%B6rbund')" = 503 ] || fail "--require-all-shards, shard down: not 503"
grep -q shards_unavailable "$tmp/h.body" || fail "503 body: $(cat "$tmp/h.body")"
kill "$spid"
wait "$spid"

# ---- 3. an incremental run of one kommun touches only its shard ----------------------------------
index "$tmp/bykommun" --shards 3
revs() { for s in meta shard-00 shard-01 shard-02; do xapian-delve "$tmp/bykommun/$s" | sed -n "s/^revision = /$s /p"; done; }
revs >"$tmp/revs.before"
printf '\n§ 99 Övriga frågor\nInga övriga frågor anmäldes.\n' >>"$src/koping/001_a605ce567de3568f.txt"
index "$tmp/bykommun"
revs >"$tmp/revs.after"
changed=$(diff "$tmp/revs.before" "$tmp/revs.after" | sed -n 's/^> \(shard-[0-9]*\) .*/\1/p')
[ "$(echo "$changed" | grep -c shard)" -eq 1 ] || fail "reindex of one Köping file changed shards [$changed] (want one)"
for s in $changed; do
    xapian-delve -t Kköping "$tmp/bykommun/$s" 2>/dev/null | grep -q termfreq ||
        fail "the changed shard $s holds no Köping document"
done
diff "$tmp/revs.before" "$tmp/revs.after" | grep -q '^> meta' || fail "the metadata (file state) was not committed"
echo "incremental: changed $changed + meta"
"$bin" search --json --db "$tmp/bykommun" '"Inga övriga frågor anmäldes"' >"$tmp/p.json"
[ "$(jget "$tmp/p.json" d.total)" = 1 ] || fail "the reindexed text is not found once"
"$bin" search --json --facets --db "$tmp/bykommun" förbund | strip >"$tmp/before.json"
index "$tmp/bykommun" --full
[ -f "$tmp/bykommun/XAPIANDB" ] && [ -d "$tmp/bykommun/shard-02" ] || fail "--full lost the sharded layout"
"$bin" search --json --facets --db "$tmp/bykommun" förbund | strip >"$tmp/after.json"
cmp -s "$tmp/before.json" "$tmp/after.json" || fail "--full of the sharded index answers otherwise"

# ---- 4. a replica ------------------------------------------------------------------------------
mkdir -p "$tmp/master" "$tmp/replica"
mkdir -p "$tmp/msrc"
cp "$seeds"/000_*.txt "$seeds"/001_*.txt "$tmp/msrc/"
XAPIAN_MAX_CHANGESETS=10 "$bin" index --quiet --db "$tmp/master/index" "$tmp/msrc" || fail "index master"
rport=0
tries=0
while [ $tries -lt 20 ]; do
    rport=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
    start xapian-replicate-server --interface 127.0.0.1 --port "$rport" "$tmp/master"
    sleep 0.3
    kill -0 "$pid" 2>/dev/null && break
    tries=$((tries + 1))
done
replicate() {
    i=0
    while [ $i -lt 20 ]; do
        xapian-replicate --quiet --one-shot --host 127.0.0.1 --port "$rport" --master index "$tmp/replica/index" >/dev/null 2>&1 && return 0
        sleep 0.2
        i=$((i + 1))
    done
    fail "xapian-replicate failed"
}
replicate
mixed=$tmp/replica/index # serve() reads $mixed
serve "$tmp/serve3.out"
http /api/health >/dev/null
before=$(jget "$tmp/h.body" d.arenden)
[ "$before" -gt 0 ] || fail "the replica serves no ärenden: $(cat "$tmp/h.body")"
cp "$seeds"/003_*.txt "$seeds"/004_*.txt "$tmp/msrc/"
XAPIAN_MAX_CHANGESETS=10 "$bin" index --quiet --db "$tmp/master/index" "$tmp/msrc" || fail "reindex master"
replicate
i=0
after=$before
while [ $i -lt 50 ] && [ "$after" = "$before" ]; do
    sleep 0.1
    http /api/health >/dev/null
    after=$(jget "$tmp/h.body" d.arenden)
    i=$((i + 1))
done
[ "$after" -gt "$before" ] || fail "serve on the replica did not pick up the master's commit ($before → $after)"
[ "$(http '/api/search?q=samordningsf%C3%B6rbund')" = 200 ] || fail "replica search not 200"
echo "replica: ärenden $before → $after"
kill "$spid"
wait "$spid"

[ $fails -eq 0 ] && echo "shards: all passed"
exit $((fails > 0))
