/*
 * analyzer/lexfile.h — the on-disk layout of lexicon.bin, shared by the build-time writer
 * (tools/mklexicon.c) and the reader (src/analyzer/lexicon.c). Private to those two.
 *
 * One open-addressing hash table (linear probing, power-of-two size) of records in a pool, so
 * that the file can be mmap'd and used without any parsing at load time:
 *
 *   header  (ps_lexfile_header, little-endian as written on the build machine)
 *   slots   nslots x uint32 record offset into the pool; 0 = empty slot
 *   pool    pool_len bytes of records (offset 0 is a dummy byte):
 *             key length (1 byte), key (UTF-8, case-folded NFC: a word, stem or form),
 *             flags (1 byte, PS_LEXBIT_*), then a length byte + text for each value present,
 *             in this order: MAP's value, BEGIN's or LINK's value, TAIL's value.
 *
 * The content hash covers slots and pool and becomes part of ps_lexicon_version.
 */
#ifndef PROTOKOLLSOK_ANALYZER_LEXFILE_H
#define PROTOKOLLSOK_ANALYZER_LEXFILE_H

#include <stddef.h>
#include <stdint.h>

#define PS_LEXFILE_MAGIC "PSLEXCN\0"
#define PS_LEXFILE_FORMAT 3u

/* What a record can say about its text (look-ups name a kind, records carry bits). */
enum {
    PS_LEX_MAP = 'M',   /* raw Snowball stem -> conflated stem (the -et / -t rule) */
    PS_LEX_HEAD = 'H',  /* raw Snowball stem that may end a compound (no value) */
    PS_LEX_BEGIN = 'B', /* surface form that may begin or continue a compound -> its stem */
    PS_LEX_LINK = 'L',  /* the same, from our generic linking forms (läns-, gatu-), not hunspell */
    PS_LEX_WORD = 'W',  /* raw Snowball stem of a known standalone word form (no value) */
    PS_LEX_TAIL = 'T',  /* raw stem of a compound's tail -> its lemma's stem (-skat -> skatt) */
    PS_LEX_END = 'E',   /* raw stem of a form hunspell allows at a compound's end (no value) */
    PS_LEX_WHOLE = 'S'  /* raw stem of a word never split though it looks like a compound */
};

enum {
    PS_LEXBIT_MAP = 1,
    PS_LEXBIT_HEAD = 2,
    PS_LEXBIT_BEGIN = 4,
    PS_LEXBIT_LINK = 8,
    PS_LEXBIT_WORD = 16,
    PS_LEXBIT_TAIL = 32,
    PS_LEXBIT_END = 64,
    PS_LEXBIT_WHOLE = 128
};

typedef struct {
    char magic[8];
    uint32_t format;
    uint32_t nslots; /* a power of two */
    uint32_t pool_len;
    uint32_t nentries;
    uint64_t content_hash;
} ps_lexfile_header;

/* The record bit of a look-up kind; 0 for an unknown kind. */
static inline unsigned ps_lexfile_kind_bit(unsigned char kind)
{
    switch (kind) {
    case PS_LEX_MAP:
        return PS_LEXBIT_MAP;
    case PS_LEX_HEAD:
        return PS_LEXBIT_HEAD;
    case PS_LEX_BEGIN:
        return PS_LEXBIT_BEGIN;
    case PS_LEX_LINK:
        return PS_LEXBIT_LINK;
    case PS_LEX_WORD:
        return PS_LEXBIT_WORD;
    case PS_LEX_TAIL:
        return PS_LEXBIT_TAIL;
    case PS_LEX_END:
        return PS_LEXBIT_END;
    case PS_LEX_WHOLE:
        return PS_LEXBIT_WHOLE;
    default:
        return 0;
    }
}

/* FNV-1a 64. */
static inline uint64_t ps_lexfile_hash(const char *text, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 1099511628211ull;
    return h;
}

#endif
