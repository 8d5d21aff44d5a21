#!/bin/sh
# cli_expect.sh STATUS STREAM PATTERN COMMAND [ARGS...]
#
# Run COMMAND and pass only when it exits with exactly STATUS and the extended regular
# expression PATTERN matches a line of its STREAM (stdout or stderr). When STATUS is not 0,
# stdout must also be empty: errors and usage go to stderr. (ctest's PASS_REGULAR_EXPRESSION
# would ignore the exit status, hence this wrapper.)
set -u
if [ $# -lt 4 ]; then
    echo "usage: $0 STATUS stdout|stderr PATTERN COMMAND [ARGS...]" >&2
    exit 2
fi
want=$1 stream=$2 pattern=$3
shift 3
case $stream in stdout | stderr) ;; *) echo "$0: STREAM must be stdout or stderr" >&2; exit 2 ;; esac

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$@" >"$tmp/stdout" 2>"$tmp/stderr"
got=$?

ok=1
if [ "$got" -ne "$want" ]; then
    echo "FAIL: exit status $got, expected $want" >&2
    ok=0
fi
if ! grep -Eq -- "$pattern" "$tmp/$stream"; then
    echo "FAIL: no line of $stream matches: $pattern" >&2
    ok=0
fi
if [ "$want" -ne 0 ] && [ -s "$tmp/stdout" ]; then
    echo "FAIL: stdout should be empty on failure" >&2
    ok=0
fi
if [ $ok -eq 0 ]; then
    echo "--- command: $*" >&2
    echo "--- stdout:" >&2
    cat "$tmp/stdout" >&2
    echo "--- stderr:" >&2
    cat "$tmp/stderr" >&2
    exit 1
fi
exit 0
