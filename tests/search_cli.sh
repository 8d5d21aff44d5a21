#!/bin/sh
# search_cli.sh BIN DB — `protokollsok search` output and exit statuses on the seeds' index:
# human mode (numbered hits, meta line, **marks** off a terminal, none with NO_COLOR), --json
# (the search.h schema), --show, --facets, and exit 1 (no hits), 2 (bad query, with a caret
# under the character), 3 (no index).
set -u
bin=$1
db=$2
tmp=${TMPDIR:-/tmp}/search_cli.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
run() { # run EXPECTED_STATUS ARGS... ; output in $tmp/out, $tmp/err
    want=$1; shift
    "$bin" search "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "search $* exited $got, want $want: $(cat "$tmp/err")"
}
has() { grep -q -- "$1" "$tmp/${2:-out}" || fail "output lacks [$1]: $(head -c 600 "$tmp/${2:-out}")"; }
lacks() { grep -q -- "$1" "$tmp/${2:-out}" && fail "output has [$1]"; true; }

unset NO_COLOR
run 0 --db "$db" förbund
has '^1\. '
has '^2\. '
has '2023.076 SN'
has '2020.096 SN'
has '\*\*[^*]*örbund[^*]*\*\*'
has 'Dokument: '
has 'Nyckel: '
has 'ärenden · visar 1–'
has ' ms$'
lacks "$(printf '\033')"

NO_COLOR=1 run 0 --db "$db" förbund
lacks '\*\*'
lacks "$(printf '\033')"
run 0 --db "$db" --marks ansi förbund
has "$(printf '\033')\[1m"

run 0 --db "$db" --json --limit 2 förbund
for key in '"query"' '"parsed"' '"fallback"' '"note"' '"total"' '"total_exact"' '"offset"' \
    '"limit": 2' '"took_ms"' '"sort": "relevans"' '"order": "desc"' '"hits"' '"key"' '"dnr"' \
    '"paragraf"' '"title"' '"date"' '"namnd"' '"kommun"' '"type"' '"score"' '"rank"' '"excerpts"' \
    '"html"' '"matches"' '"documents"' '"path"' '"pages"' '"url"' '"facets": null'; do
    has "$key"
done
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["hits"]) == 2, d; assert all(h["documents"] for h in d["hits"])' "$tmp/out" ||
        fail "--json output is not the expected JSON"
fi

# a § reference finds the paragraph (the parser keeps "§ 243" in a field, not in the body)
run 0 --db "$db" '§ 243'
has '^1\. Förnyelse av medlemskap'
has '2023.076 SN · § 243'
lacks '^2\. '

# "-word" is a word of the query, not an option; options may follow the query
run 0 förbund -utträde --db "$db" --json
has '"total": 2'
lacks '2020.096 SN'
run 0 --db "$db" -- -utträde förbund
has 'Länsförbund'
run 2 --db "$db" --nej förbund
has 'unknown option' err

run 0 --db "$db" --facets kommun:Köping förbund
has '^Kommun: Köping (1)$'
run 0 --db "$db" --sort datum --order asc förbund
has '^1\. '

run 1 --db "$db" qqxyzzyq
has 'Inga träffar'
run 1 --db "$db" --json qqxyzzyq
has '"total": 0'

run 2 --db "$db" förbund foo:bar
has 'Okänt fält "foo:" vid tecken 9' err
has '^  förbund foo:bar$' err
has '^          \^$' err
run 2 --db "$db" '(förbund'
has 'stängs aldrig' err
run 2 --db "$db" --limit 0 förbund
run 2 --db "$db" --sort nej förbund
run 2 --db "$db"

run 3 --db "$tmp/no-such-index" förbund
has 'protokollsok index' err

run 0 --db "$db" --json 2023.076
key=$(sed -n 's/^ *"key": "\([^"]*\)".*/\1/p' "$tmp/out" | head -1)
[ -n "$key" ] || fail "no key in --json output"
run 0 --db "$db" --show "$key" uppsägningstid
has 'Förnyelse av medlemskap'
has '\*\*uppsägningstiden\*\*'
run 1 --db "$db" --show no:such-key

run 0 --help
has 'Query language'
has 'Exit status'

[ "$fails" -eq 0 ] && echo "search CLI: all checks passed"
[ "$fails" -eq 0 ]
