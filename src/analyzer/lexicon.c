/*
 * analyzer/lexicon.c — loading lexicon.bin (built by tools/mklexicon.c) and looking words up.
 *
 * The file is mmap'd read-only and used in place: loading costs one open, one fstat, one mmap
 * and a header check, which matters because every CLI call loads it. Every offset read from the
 * file is bounds-checked at look-up time, so a corrupt file yields misses, never a crash.
 *
 * An extended lexicon (ps_lexicon_extend) borrows a loaded one and adds entries of its own in
 * memory — the words learned from the corpus (analyzer/learn.c). A look-up asks the file first,
 * then the added entries, so what the word lists say always wins.
 */
#include "internal.h"
#include "lexfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* One added entry: the kinds it has (PS_LEXBIT_*) and the values of MAP and BEGIN/LINK. */
typedef struct {
    char *key;
    char *map, *begin; /* NULL: none */
    unsigned char klen, maplen, beginlen, bits;
} added_entry;

struct ps_lexicon {
    const struct ps_lexicon *base; /* an extension: the loaded lexicon it borrows, else NULL */
    added_entry *added;            /* open addressing, size mask + 1 (a power of two) */
    uint32_t added_mask, nadded;
    size_t nlearned;

    void *map;
    size_t map_len;
    const uint32_t *slots;
    uint32_t mask;
    const unsigned char *pool;
    uint32_t pool_len;
    char version[40];
    char *path;
};

static ps_status bad_file(ps_error *err, const char *path, const char *why)
{
    ps_error_set(err, PS_ERR_VERSION,
                 "not a protokollsok lexicon of format %u (%s); rebuild it with cmake --build",
                 PS_LEXFILE_FORMAT, why);
    ps_error_locate(err, path, 0, -1);
    return PS_ERR_VERSION;
}

ps_status ps_lexicon_load(const char *path, ps_lexicon **out, ps_error *err)
{
    *out = NULL;
    if (!path || !*path) {
        const char *env = getenv("PROTOKOLLSOK_LEXICON");
        path = env && *env ? env : PS_BUILD_DIR "/share/lexicon.bin";
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ps_status st = errno == ENOENT ? PS_ERR_NOT_FOUND : PS_ERR_IO;
        ps_error_set(err, st, "cannot open the lexicon: %s%s", strerror(errno),
                     st == PS_ERR_NOT_FOUND ? " (build it with cmake --build, or set "
                                              "PROTOKOLLSOK_LEXICON)"
                                            : "");
        ps_error_locate(err, path, 0, -1);
        return st;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        ps_error_set(err, PS_ERR_IO, "cannot stat lexicon %s: %s", path, strerror(errno));
        close(fd);
        return PS_ERR_IO;
    }
    size_t len = (size_t)sb.st_size;
    if (len < sizeof(ps_lexfile_header)) {
        close(fd);
        return bad_file(err, path, "file too short");
    }
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        ps_error_set(err, PS_ERR_IO, "cannot map lexicon %s: %s", path, strerror(errno));
        return PS_ERR_IO;
    }
    ps_lexfile_header h;
    memcpy(&h, map, sizeof h);
    const char *why = NULL;
    if (memcmp(h.magic, PS_LEXFILE_MAGIC, sizeof h.magic) != 0)
        why = "bad magic";
    else if (h.format != PS_LEXFILE_FORMAT)
        why = "other format version";
    else if (h.nslots == 0 || (h.nslots & (h.nslots - 1)) != 0)
        why = "bad table size";
    else if ((uint64_t)h.nslots * 4 + h.pool_len + sizeof h != len)
        why = "truncated or padded";
    if (why) {
        munmap(map, len);
        return bad_file(err, path, why);
    }
    ps_lexicon *lex = calloc(1, sizeof *lex);
    char *p = lex ? strdup(path) : NULL;
    if (!p) {
        free(lex);
        munmap(map, len);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory loading lexicon %s", path);
    }
    lex->map = map;
    lex->map_len = len;
    lex->slots = (const uint32_t *)((const char *)map + sizeof h);
    lex->mask = h.nslots - 1;
    lex->pool = (const unsigned char *)map + sizeof h + (size_t)h.nslots * 4;
    lex->pool_len = h.pool_len;
    lex->path = p;
    snprintf(lex->version, sizeof lex->version, "lex%u-%016llx", h.format,
             (unsigned long long)h.content_hash);
    *out = lex;
    return PS_OK;
}

void ps_lexicon_free(ps_lexicon *lex)
{
    if (!lex)
        return;
    if (lex->map)
        munmap(lex->map, lex->map_len);
    if (lex->added) {
        for (uint32_t i = 0; i <= lex->added_mask; i++) {
            free(lex->added[i].key);
            free(lex->added[i].map);
            free(lex->added[i].begin);
        }
        free(lex->added);
    }
    free(lex->path);
    free(lex);
}

const char *ps_lexicon_version(const ps_lexicon *lex)
{
    return lex ? (lex->base ? lex->base->version : lex->version) : "none";
}

const char *ps_lexicon_path(const ps_lexicon *lex)
{
    return lex ? (lex->base ? lex->base->path : lex->path) : "";
}

const ps_lexicon *ps_lexicon_base(const ps_lexicon *lex)
{
    return lex && lex->base ? lex->base : lex;
}

size_t ps_lexicon_learned_count(const ps_lexicon *lex)
{
    return lex ? lex->nlearned : 0;
}

/* ---- extensions ------------------------------------------------------------------------------ */

enum { PS_ADDED_INITIAL = 256 };

ps_lexicon *ps_lexicon_extend(const ps_lexicon *base)
{
    if (!base || base->base)
        return NULL;
    ps_lexicon *lex = calloc(1, sizeof *lex);
    if (!lex || !(lex->added = calloc(PS_ADDED_INITIAL, sizeof *lex->added))) {
        free(lex);
        return NULL;
    }
    lex->base = base;
    lex->added_mask = PS_ADDED_INITIAL - 1;
    return lex;
}

static added_entry *added_slot(added_entry *table, uint32_t mask, uint64_t hash, const char *key,
                               size_t klen)
{
    uint32_t j = (uint32_t)hash & mask;
    while (table[j].key && (table[j].klen != klen || memcmp(table[j].key, key, klen) != 0))
        j = (j + 1) & mask;
    return &table[j];
}

static bool added_grow(ps_lexicon *lex)
{
    uint32_t size = (lex->added_mask + 1) * 2;
    added_entry *t = calloc(size, sizeof *t);
    if (!t)
        return false;
    for (uint32_t i = 0; i <= lex->added_mask; i++)
        if (lex->added[i].key)
            *added_slot(t, size - 1, ps_lexfile_hash(lex->added[i].key, lex->added[i].klen),
                        lex->added[i].key, lex->added[i].klen) = lex->added[i];
    free(lex->added);
    lex->added = t;
    lex->added_mask = size - 1;
    return true;
}

static char *dup_text(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

bool ps_lexicon_add(ps_lexicon *lex, unsigned char kind, const char *key, size_t klen,
                    const char *val, size_t vlen)
{
    unsigned bit = ps_lexfile_kind_bit(kind);
    if (!lex || !lex->base || !bit || klen == 0 || klen > 255 || vlen > 255)
        return false;
    if ((lex->nadded + 1) * 2 > lex->added_mask + 1 && !added_grow(lex))
        return false;
    added_entry *e = added_slot(lex->added, lex->added_mask, ps_lexfile_hash(key, klen), key, klen);
    if (!e->key) {
        if (!(e->key = dup_text(key, klen)))
            return false;
        e->klen = (unsigned char)klen;
        lex->nadded++;
    }
    /* the first value given for a kind stays */
    char **slot = bit == PS_LEXBIT_MAP                       ? &e->map
                  : bit & (PS_LEXBIT_BEGIN | PS_LEXBIT_LINK) ? &e->begin
                                                             : NULL;
    if (slot && !*slot) {
        if (!(*slot = dup_text(val ? val : "", val ? vlen : 0)))
            return false;
        if (slot == &e->map)
            e->maplen = (unsigned char)vlen;
        else
            e->beginlen = (unsigned char)vlen;
    }
    e->bits |= (unsigned char)bit;
    return true;
}

void ps_lexicon_count_learned(ps_lexicon *lex)
{
    if (lex)
        lex->nlearned++;
}

static bool added_lookup(const ps_lexicon *lex, unsigned bit, uint64_t hash, const char *text,
                         size_t len, const char **val, size_t *vlen)
{
    const added_entry *e = added_slot(lex->added, lex->added_mask, hash, text, len);
    if (!e->key || !(e->bits & bit))
        return false;
    if (bit == PS_LEXBIT_MAP) {
        *val = e->map;
        *vlen = e->maplen;
    } else if (bit & (PS_LEXBIT_BEGIN | PS_LEXBIT_LINK)) {
        *val = e->begin;
        *vlen = e->beginlen;
    } else {
        *val = "";
        *vlen = 0;
    }
    return true;
}

/* The string at pool offset off, or NULL when it would run past the pool. */
static const unsigned char *pool_string(const ps_lexicon *lex, size_t off, size_t *len)
{
    if (off >= lex->pool_len || off + 1 + lex->pool[off] > lex->pool_len)
        return NULL;
    *len = lex->pool[off];
    return lex->pool + off + 1;
}

/* The value for bit in the record whose values start at off (see analyzer/lexfile.h). */
static bool record_value(const ps_lexicon *lex, size_t off, unsigned flags, unsigned bit,
                         const char **val, size_t *vlen)
{
    static const unsigned order[] = {PS_LEXBIT_MAP, PS_LEXBIT_BEGIN | PS_LEXBIT_LINK,
                                     PS_LEXBIT_TAIL};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (!(flags & order[i]))
            continue;
        size_t n;
        const unsigned char *v = pool_string(lex, off, &n);
        if (!v)
            return false;
        if (order[i] & bit) {
            *val = (const char *)v;
            *vlen = n;
            return true;
        }
        off += 1 + n;
    }
    *val = "";
    *vlen = 0;
    return true;
}

/* Look text up in the file's table (lex is a loaded lexicon). */
static bool file_lookup(const ps_lexicon *lex, unsigned bit, uint64_t hash, const char *text,
                        size_t len, const char **val, size_t *vlen)
{
    uint32_t j = (uint32_t)hash & lex->mask;
    for (uint32_t probes = 0; probes <= lex->mask; probes++, j = (j + 1) & lex->mask) {
        uint32_t off = lex->slots[j];
        if (off == 0)
            return false;
        size_t klen;
        const unsigned char *key = pool_string(lex, off, &klen);
        if (!key || off + 1 + klen >= lex->pool_len)
            return false;
        if (klen != len || memcmp(key, text, len) != 0)
            continue;
        unsigned flags = key[klen];
        if (!(flags & bit))
            return false;
        return record_value(lex, off + 2 + klen, flags, bit, val, vlen);
    }
    return false;
}

bool ps_lexicon_lookup(const ps_lexicon *lex, unsigned char kind, const char *text, size_t len,
                       const char **val, size_t *vlen)
{
    unsigned bit = ps_lexfile_kind_bit(kind);
    if (!lex || len > 255 || !bit)
        return false;
    uint64_t hash = ps_lexfile_hash(text, len);
    if (lex->base)
        return file_lookup(lex->base, bit, hash, text, len, val, vlen) ||
               added_lookup(lex, bit, hash, text, len, val, vlen);
    return file_lookup(lex, bit, hash, text, len, val, vlen);
}
