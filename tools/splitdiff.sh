#!/bin/sh
# splitdiff.sh — how two analyzer builds differ on a word list: counts of words split before and
# after, of changed words by kind, and a random sample of the changes to read by eye.
#
#   tools/splitdiff.sh OLD_PROTOKOLLSOK OLD_LEXICON NEW_PROTOKOLLSOK NEW_LEXICON WORDS [N]
#
# WORDS has one word per line (for the whole lexicon: the lower-case words of
# /usr/share/dict/swedish, in UTF-8, and the entries of sv_SE.dic). Kinds: newsplit (whole
# before, split after), unsplit (the reverse), resplit (other parts), stemonly (same parts,
# other stem). N (default 200) changed words are sampled, the same ones for the same input.
set -eu
[ $# -ge 5 ] || { sed -n '3,9p' "$0" >&2; exit 2; }
n=${6:-200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$1" analyze --lexicon "$2" --words < "$5" > "$tmp/old"
"$3" analyze --lexicon "$4" --words < "$5" > "$tmp/new"
for f in old new; do
    awk -F'\t' -v f=$f '{ if (split($2, t, " ") > 1) s++ } END { printf "split %s: %d of %d\n", f, s, NR }' "$tmp/$f"
done
paste "$tmp/old" "$tmp/new" | awk -F'\t' '$2 != $4 {
    nb = split($2, b, " "); na = split($4, a, " ")
    pb = ""; for (i = 2; i <= nb; i++) pb = pb " " b[i]
    pa = ""; for (i = 2; i <= na; i++) pa = pa " " a[i]
    k = nb == 1 && na > 1 ? "newsplit" : nb > 1 && na == 1 ? "unsplit" : pb != pa ? "resplit" : "stemonly"
    print k "\t" $1 "\t" $2 "\t" $4 }' > "$tmp/changes"
cut -f1 "$tmp/changes" | sort | uniq -c
echo "sample of $n changes (kind, word: old terms -> new terms):"
shuf -n "$n" --random-source="$5" "$tmp/changes" | awk -F'\t' '{ print $1 "\t" $2 ": " $3 " -> " $4 }'
