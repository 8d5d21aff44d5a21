#!/bin/sh
# journalist_cli.sh BIN DB — the journalist's tools from the terminal on the seeds' index:
# `search --csv` (parsed with Python's csv module: same ärenden as --json, å/ä/ö intact, BOM)
# and the histogram line of --facets.
set -u
bin=$1
db=$2
tmp=${TMPDIR:-/tmp}/journalist_cli.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$bin" search --db "$db" --csv förbund >"$tmp/out.csv" 2>"$tmp/err" || fail "search --csv exited $?: $(cat "$tmp/err")"
"$bin" search --db "$db" --json --limit 100 förbund >"$tmp/out.json" || fail "search --json failed"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$tmp/out.csv" "$tmp/out.json" <<'PY' || fail "the CSV does not round-trip"
import csv, json, sys
raw = open(sys.argv[1], 'rb').read()
assert raw.startswith(b'\xef\xbb\xbf'), 'BOM'
rows = list(csv.reader(raw.decode('utf-8-sig').splitlines()))
assert rows[0] == ['Diarienummer', 'Paragraf', 'Rubrik', 'Nämnd', 'Kommun', 'Datum', 'Typ', 'Länk'], rows[0]
hits = json.load(open(sys.argv[2]))['hits']
assert len(rows) - 1 == len(hits) >= 3, (len(rows), len(hits))
for row, h in zip(rows[1:], hits):
    assert len(row) == 8, row
    assert row[0] == (h['dnr'] or ''), (row, h['dnr'])
    assert row[2] == (h['title'] or '').replace('\n', ' '), (row[2], h['title'])
    assert row[4] == (h['kommun'] or ''), row
    assert row[7] == h['key'], row
assert any('ö' in r[2] for r in rows[1:]) and any('å' in r[4] for r in rows[1:]), 'å/ä/ö survive'
PY
fi
"$bin" search --db "$db" --csv --json förbund >/dev/null 2>&1
[ $? -eq 2 ] || fail "--csv with --json is not a usage error"
"$bin" search --db "$db" --limit 200 förbund >/dev/null 2>&1
[ $? -eq 2 ] || fail "--limit 200 without --csv is not a usage error"
"$bin" search --db "$db" --csv --limit 2 förbund >"$tmp/two.csv" || fail "--csv --limit 2"
[ "$(wc -l <"$tmp/two.csv")" -eq 3 ] || fail "--csv --limit 2 gives $(wc -l <"$tmp/two.csv") lines"

"$bin" search --db "$db" --facets förbund >"$tmp/out" || fail "search --facets"
grep -q '^Per år: 2020 ([1-9][0-9]*), 2021 (0), 2022 (0), 2023 ([1-9][0-9]*)' "$tmp/out" ||
    fail "no per-year line: $(tail -3 "$tmp/out")"
"$bin" search --db "$db" --facets förbund datum:2023 >"$tmp/out" || fail "search --facets datum:2023"
grep -q '^Per månad: 2023-01 (0),.* 2023-11 ([1-9]' "$tmp/out" || fail "no per-month line: $(tail -2 "$tmp/out")"

# "Menade du …?": the typed words find nothing, the index's spelling is searched and said
"$bin" search --db "$db" forbundet >"$tmp/out" || fail "search forbundet exited $?"
grep -q '^Visar resultat för ”förbundet” (inga träffar på ”forbundet”)$' "$tmp/out" || fail "no spelling line: $(head -2 "$tmp/out")"
grep -q '2023.076 SN' "$tmp/out" || fail "forbundet does not find 2023.076 SN"
"$bin" search --db "$db" --exact forbundet >"$tmp/out"
[ $? -eq 1 ] || fail "--exact forbundet finds something"
"$bin" search --db "$db" --json Alingsas >"$tmp/out" || fail "search --json Alingsas"
grep -q '"query": "Alingsås"' "$tmp/out" || fail "no suggestion in the JSON: $(grep -A3 suggestion "$tmp/out")"

[ "$fails" -eq 0 ] || exit 1
echo "journalist_cli: all passed"
