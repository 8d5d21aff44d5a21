#!/bin/sh
# golden_compare.sh PROTOKOLLSOK SEED GOLDEN — run `protokollsok parse SEED` (from the source
# directory, so paths print as given) and compare its output with GOLDEN byte for byte.
set -u
exe=$1 seed=$2 golden=$3
out=${TMPDIR:-/tmp}/golden.$$.json
trap 'rm -f "$out"' EXIT
"$exe" parse "$seed" >"$out" || { echo "protokollsok parse $seed failed with status $?" >&2; exit 1; }
if ! cmp -s "$golden" "$out"; then
    echo "output of 'protokollsok parse $seed' differs from $golden:" >&2
    diff -u "$golden" "$out" >&2
    exit 1
fi
