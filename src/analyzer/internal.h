/*
 * analyzer/internal.h — private to the analyzer module (src/analyzer/): lexicon look-ups, the
 * scanner that cuts text into raw tokens, compounds.
 */
#ifndef PROTOKOLLSOK_ANALYZER_INTERNAL_H
#define PROTOKOLLSOK_ANALYZER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protokollsok/analyzer.h"

/* Look up kind (PS_LEX_* from analyzer/lexfile.h) + text. On a hit, *val and *vlen point into the
 * lexicon (empty when the entry has no value). lex may be NULL (never a hit). */
bool ps_lexicon_lookup(const ps_lexicon *lex, unsigned char kind, const char *text, size_t len,
                       const char **val, size_t *vlen);

/* An empty extension of base (borrowed, must outlive it; a loaded lexicon): ps_lexicon_lookup
 * answers from base first, then from the entries added with ps_lexicon_add. Free it with
 * ps_lexicon_free. NULL when out of memory. */
ps_lexicon *ps_lexicon_extend(const ps_lexicon *base);
/* Give key[0..klen) the kind (PS_LEX_*) in an extension; MAP, BEGIN and LINK take the value
 * val[0..vlen) (the first value given stays). False when out of memory or not an extension. */
bool ps_lexicon_add(ps_lexicon *lex, unsigned char kind, const char *key, size_t klen,
                    const char *val, size_t vlen);
/* The loaded lexicon an extension borrows; lex itself when it is none. */
const ps_lexicon *ps_lexicon_base(const ps_lexicon *lex);
/* Count one more learned word in an extension (ps_lexicon_learned_count). */
void ps_lexicon_count_learned(ps_lexicon *lex);

/* One raw token as the scanner sees it, before normalization and stemming. */
typedef struct {
    size_t start, end; /* byte span in the text */
    size_t core_end;   /* diarienummer "2023.076 SN": end of "2023.076"; otherwise == end */
    unsigned flags;    /* PS_TOKEN_* known from the token's shape */
    bool dangling;     /* a word ending in a hyphen before a space: "kultur-" (ellipsis) */
} ps_scan_token;

/* Find the next token at or after *pos; advances *pos past it. Invalid UTF-8 bytes are skipped
 * and counted in *invalid (the first one's offset in *first_invalid when it was SIZE_MAX).
 * Returns false when the text holds no more tokens. Work is linear in the text length. */
bool ps_analyzer_scan(const char *text, size_t len, size_t *pos, ps_scan_token *tok,
                      size_t *invalid, size_t *first_invalid);

/* The fast path of ps_analyzer_scan: skips ASCII that starts no token, then, when the next token
 * is a plain word of ASCII and Latin-1 letters ending before a space or punctuation that joins no
 * shape (no hyphen, digit, '.', '@', ...), gives its span in *start, *end and moves *pos past it:
 * exactly the token ps_analyzer_scan would give, with no flags. Otherwise false, *pos at the
 * token's first byte (or len), for ps_analyzer_scan to decide. *fnv is the 64-bit FNV-1a hash
 * of the word's bytes from PS_ANALYZER_FNV_SEED, as the token memo (analyzer.c) hashes words:
 * computed while scanning, so the word is read once. */
bool ps_analyzer_scan_plain(const char *text, size_t len, size_t *pos, size_t *start, size_t *end,
                            uint64_t *fnv);
#define PS_ANALYZER_FNV_SEED 1469598103934665603ull
#define PS_ANALYZER_FNV_PRIME 1099511628211ull

/* Decode one code point at text[i] (i < len); returns its length, or 0 for an invalid byte. */
size_t ps_analyzer_decode(const char *text, size_t len, size_t i, int32_t *cp);

/* Letters, marks and digits (and the soft hyphen, which PDFs leave inside words). */
bool ps_analyzer_is_word_char(int32_t cp);

/* A compound split: the stems of its parts, first to last (the last is the head). */
enum { PS_COMPOUND_MAX_PARTS = 6 };
typedef struct {
    const char *text; /* into the lexicon or into the decomposed string */
    size_t len;
} ps_part;
typedef struct {
    ps_part parts[PS_COMPOUND_MAX_PARTS];
    size_t nparts;
    size_t head_start; /* byte offset in the decomposed string where the head begins */
    ps_part alt;       /* another reading of the head (len 0: none): -stöd is stöd or stödd */
} ps_compound;

/* Split the raw Snowball stem s[0..n) into known parts (fewest parts, then the longest ones;
 * every part at least 3 letters; linking letters and three-consonant joins understood).
 * Returns false when s is not a compound the lexicon can explain. */
bool ps_analyzer_decompose(const ps_lexicon *lex, const char *s, size_t n, ps_compound *out);

/* Is s[0..n) (case-folded) one of Snowball's Swedish stop words? */
bool ps_analyzer_is_stopword(const char *s, size_t n);

#endif
