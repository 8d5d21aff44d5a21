/*
 * indexer/util.c — small pure helpers of the indexer: the content hash, path normalization and
 * the "P" path term.
 *
 * The hash only has to tell "this file changed" reliably and fast (it runs over every changed
 * file), so it is a simple one-lane multiply-rotate over 8-byte words with a final avalanche,
 * a few GB/s — far cheaper than the parse that follows.
 */
#include "internal.h"

#include "protokollsok/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH_P1 0x9E3779B185EBCA87ull
#define HASH_P2 0xC2B2AE3D27D4EB4Full
#define HASH_P3 0x165667B19E3779F9ull

static uint64_t rotl64(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t load_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

uint64_t ps_indexer_hash64(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ ((uint64_t)len * HASH_P3);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        h ^= rotl64(load_le64(p + i) * HASH_P2, 31) * HASH_P1;
        h = rotl64(h, 27) * HASH_P1 + HASH_P3;
    }
    if (i < len) {
        unsigned char tail[8] = {0};
        memcpy(tail, p + i, len - i);
        h ^= rotl64(load_le64(tail) * HASH_P2, 31) * HASH_P1;
        h = rotl64(h, 27) * HASH_P1 + HASH_P3;
    }
    h ^= h >> 33;
    h *= HASH_P2;
    h ^= h >> 29;
    h *= HASH_P3;
    h ^= h >> 32;
    return h;
}

char *ps_indexer_path_normalize(const char *path)
{
    size_t n = strlen(path);
    char *out = malloc(n + 2);
    if (!out)
        return NULL;
    size_t o = 0;
    bool absolute = path[0] == '/';
    if (absolute)
        out[o++] = '/';
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *seg = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - seg);
        if (len == 0 || (len == 1 && seg[0] == '.'))
            continue;
        if (o > 0 && out[o - 1] != '/')
            out[o++] = '/';
        memcpy(out + o, seg, len);
        o += len;
    }
    if (o == 0)
        out[o++] = '.';
    out[o] = '\0';
    return out;
}

char *ps_indexer_term(const char *prefix, const char *value)
{
    size_t n = strlen(value);
    size_t plen = strlen(prefix);
    if (plen + n <= PS_INDEXER_TERM_MAX) {
        char *t = malloc(plen + n + 1);
        if (!t)
            return NULL;
        memcpy(t, prefix, plen);
        memcpy(t + plen, value, n + 1);
        return t;
    }
    /* Keep a readable head, cut on a UTF-8 character boundary, and make it unique by hash. */
    size_t keep = PS_INDEXER_TERM_MAX - plen - 17;
    while (keep > 0 && ((unsigned char)value[keep] & 0xC0) == 0x80)
        keep--;
    char *t = malloc(PS_INDEXER_TERM_MAX + 1);
    if (!t)
        return NULL;
    snprintf(t, PS_INDEXER_TERM_MAX + 1, "%s%.*s#%016llx", prefix, (int)keep, value,
             (unsigned long long)ps_indexer_hash64(value, n, 0));
    return t;
}

char *ps_indexer_path_term(const char *path)
{
    return ps_indexer_term(PS_PREFIX_PATH, path);
}

int ps_indexer_cmp_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}
