#!/usr/bin/env bash
# The installed copy: `cmake --install` into a temporary prefix, moved elsewhere (so nothing
# can depend on where it was installed), then index, search and serve from it without
# $PROTOKOLLSOK_LEXICON — `--version` must name the installed lexicon and web folder, not the
# build tree. Then `cpack -G DEB`: the package's Depends, files and maintainer scripts
# (dpkg-deb --info / --contents; lintian when installed).
# Usage: install.sh BUILD_DIR SEEDS_DIR WORK_DIR
set -euo pipefail
BUILD=$1
SEEDS=$2
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check() {
    local what=$1
    shift
    if "$@"; then echo "ok: $what"; else fail "$what"; fi
}
unset PROTOKOLLSOK_LEXICON PROTOKOLLSOK_DB
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

cmake --install "$BUILD" --prefix "$WORK/prefix" >"$WORK/install.log"
mv "$WORK/prefix" "$WORK/moved"
P=$WORK/moved
bin=$P/bin/protokollsok
for f in bin/protokollsok share/protokollsok/lexicon.bin share/protokollsok/web/index.html \
    share/man/man1/protokollsok.1 share/man/man1/protokollsok-index.1 share/man/man1/protokollsok-search.1 \
    share/man/man1/protokollsok-serve.1 share/man/man1/protokollsok-stats.1 share/man/man1/protokollsok-parse.1 \
    share/man/man1/protokollsok-analyze.1 lib/systemd/system/protokollsok.service \
    lib/systemd/system/protokollsok-index.service lib/systemd/system/protokollsok-index.timer \
    share/doc/protokollsok/examples/protokollsok.default; do
    check "installed $f" test -s "$P/$f"
done
"$bin" --version >"$WORK/version"
cat "$WORK/version"
check "--version: the installed lexicon" grep -q "^lexicon: *$P/share/protokollsok/lexicon.bin (installed)" "$WORK/version"
check "--version: the installed web folder" grep -q "^web: *$P/share/protokollsok/web (installed)" "$WORK/version"
check "the unit runs the installed binary" grep -q "^ExecStart=$WORK/prefix/bin/protokollsok serve " "$P/lib/systemd/system/protokollsok.service"

cd "$WORK"
"$bin" index --quiet --db "$WORK/db" "$SEEDS" || test $? = 1
check "index from the installed copy" sh -c "'$bin' stats --db '$WORK/db' --json | grep -q '\"files\": *[1-9]'"
check "search from the installed copy" sh -c "'$bin' search --db '$WORK/db' --json förbund | grep -q '\"total\": *[1-9]'"
"$bin" serve --db "$WORK/db" --port 0 --threads 1 >"$WORK/serve.out" 2>"$WORK/serve.err" &
pid=$!
for _ in $(seq 50); do grep -q Listening "$WORK/serve.out" && break; sleep 0.2; done
port=$(sed -n 's/.*:\([0-9]*\)\/$/\1/p' "$WORK/serve.out")
page=$(curl -s "http://127.0.0.1:$port/" || true)
api=$(curl -s "http://127.0.0.1:$port/api/search?q=f%C3%B6rbund" || true)
kill -TERM $pid
wait $pid || true
check "serve: the page comes from the installed web folder" sh -c "printf '%s' '$page' | grep -qi '<html'"
check "serve: the API answers" sh -c "printf '%s' '$api' | grep -q '\"hits\"'"

if command -v dpkg-deb >/dev/null && command -v cpack >/dev/null; then
    (cd "$BUILD" && cpack -G DEB -B "$WORK/deb" >"$WORK/cpack.log" 2>&1) || { cat "$WORK/cpack.log"; fail "cpack -G DEB"; }
    deb=$(ls "$WORK"/deb/protokollsok_*.deb 2>/dev/null | head -1)
    if [ -n "$deb" ]; then
        dpkg-deb --info "$deb" >"$WORK/info"
        dpkg-deb --contents "$deb" >"$WORK/contents"
        cat "$WORK/info"
        for lib in libxapian libmicrohttpd libjansson libutf8proc libpoppler-glib libstemmer zlib1g adduser; do
            check "Depends: $lib" grep -q "^ Depends:.*$lib" "$WORK/info"
        done
        for s in postinst prerm postrm; do check "maintainer script $s" grep -q " $s" "$WORK/info"; done
        for f in ./usr/bin/protokollsok ./usr/share/protokollsok/lexicon.bin ./usr/share/protokollsok/web/index.html \
            ./usr/share/man/man1/protokollsok-serve.1 ./usr/lib/systemd/system/protokollsok.service \
            ./usr/lib/systemd/system/protokollsok-index.timer ./usr/share/doc/protokollsok/examples/protokollsok.default; do
            check "package holds $f" grep -q " $f\$" "$WORK/contents"
        done
        mkdir -p "$WORK/unpacked"
        dpkg-deb -x "$deb" "$WORK/unpacked"
        check "the packaged unit runs /usr/bin/protokollsok" grep -q "^ExecStart=/usr/bin/protokollsok serve --db \${PROTOKOLLSOK_DB}" \
            "$WORK/unpacked/usr/lib/systemd/system/protokollsok.service"
        if command -v lintian >/dev/null; then
            lintian --no-tag-display-limit "$deb" >"$WORK/lintian" 2>&1 || true
            cat "$WORK/lintian"
            check "lintian: no errors" test "$(grep -c '^E:' "$WORK/lintian")" = 0
        else
            echo "lintian not installed: skipped"
        fi
    else
        fail "no .deb made"
    fi
else
    echo "dpkg-deb or cpack missing: the package is not checked"
fi
if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
