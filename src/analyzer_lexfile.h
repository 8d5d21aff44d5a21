/*
 * analyzer_lexfile.h — the on-disk layout of lexicon.bin, shared by the build-time writer
 * (tools/mklexicon.c) and the reader (src/analyzer_lexicon.c). Private to those two.
 *
 * One open-addressing hash table (linear probing, power-of-two size) over a string pool, so
 * that the file can be mmap'd and used without any parsing at load time:
 *
 *   header  (ps_lexfile_header, little-endian as written on the build machine)
 *   slots   nslots x { uint32 key_off, uint32 val_off }   key_off 0 = empty slot
 *   pool    pool_len bytes; a string at offset o is one length byte then its bytes;
 *           offset 0 is a dummy byte so that 0 can mean "none"
 *
 * A key is a kind byte (PS_LEX_*) followed by UTF-8 text (case-folded NFC). The content hash
 * covers slots and pool and becomes part of ps_lexicon_version.
 */
#ifndef PROTOKOLLSOK_ANALYZER_LEXFILE_H
#define PROTOKOLLSOK_ANALYZER_LEXFILE_H

#include <stddef.h>
#include <stdint.h>

#define PS_LEXFILE_MAGIC "PSLEXCN\0"
#define PS_LEXFILE_FORMAT 1u

/* Key kinds. */
enum {
    PS_LEX_MAP = 'M',   /* raw Snowball stem -> conflated stem (the -et / -t rule) */
    PS_LEX_HEAD = 'H',  /* raw Snowball stem that may end a compound (no value) */
    PS_LEX_BEGIN = 'B', /* surface form that may begin or continue a compound -> its stem */
    PS_LEX_WORD = 'W',  /* raw Snowball stem of a known standalone word form (no value) */
    PS_LEX_TAIL = 'T'   /* raw stem of a compound's tail -> its lemma's stem (-skat -> skatt) */
};

typedef struct {
    char magic[8];
    uint32_t format;
    uint32_t nslots; /* a power of two */
    uint32_t pool_len;
    uint32_t nentries;
    uint64_t content_hash;
} ps_lexfile_header;

/* FNV-1a 64 over the kind byte then the text. */
static inline uint64_t ps_lexfile_hash(unsigned char kind, const char *text, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    h = (h ^ kind) * 1099511628211ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 1099511628211ull;
    return h;
}

#endif
