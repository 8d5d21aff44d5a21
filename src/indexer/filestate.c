/*
 * indexer/filestate.c — the file-state manifest: what was indexed from which file, stored as text
 * in the database metadata PS_META_FILES and committed with the documents it describes.
 *
 * Text format (version line, then one line per file, path last so it may hold anything but the
 * escaped characters):
 *   ps.files 1
 *   <hash hex16> TAB <meta hash hex16> TAB <size> TAB <mtime ns> TAB <ärenden> TAB <path>
 * with '\\', TAB and newline in paths escaped as "\\\\", "\\t", "\\n".
 *
 * In memory: entries in an array (removed ones become holes) plus an open-addressing index by
 * path hash, so lookups stay O(1) for hundreds of thousands of files.
 */
#include "protokollsok/indexer.h"

#include "protokollsok/buf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILESTATE_HEADER "ps.files 1"

struct ps_indexer_filestate {
    ps_indexer_filestate_entry *entries; /* path NULL: removed */
    size_t nentries, cap;
    size_t live;
    size_t *slots; /* entry index + 1; 0: empty; SIZE_MAX: deleted */
    size_t nslots; /* power of two */
};

#define SLOT_EMPTY 0
#define SLOT_DELETED SIZE_MAX

static uint64_t path_hash(const char *path)
{
    return ps_indexer_hash64(path, strlen(path), 0x5eed);
}

ps_indexer_filestate *ps_indexer_filestate_new(void)
{
    return calloc(1, sizeof(ps_indexer_filestate));
}

void ps_indexer_filestate_free(ps_indexer_filestate *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->nentries; i++)
        free(fs->entries[i].path);
    free(fs->entries);
    free(fs->slots);
    free(fs);
}

/* Slot holding path, or (insert) the first free slot on its probe sequence. */
static size_t find_slot(const ps_indexer_filestate *fs, const char *path, bool *found)
{
    size_t mask = fs->nslots - 1;
    size_t i = (size_t)path_hash(path) & mask;
    size_t first_free = SIZE_MAX;
    for (;;) {
        size_t s = fs->slots[i];
        if (s == SLOT_EMPTY) {
            *found = false;
            return first_free != SIZE_MAX ? first_free : i;
        }
        if (s == SLOT_DELETED) {
            if (first_free == SIZE_MAX)
                first_free = i;
        } else if (strcmp(fs->entries[s - 1].path, path) == 0) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

static bool rehash(ps_indexer_filestate *fs, size_t nslots)
{
    size_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return false;
    free(fs->slots);
    fs->slots = slots;
    fs->nslots = nslots;
    for (size_t e = 0; e < fs->nentries; e++) {
        if (!fs->entries[e].path)
            continue;
        size_t i = (size_t)path_hash(fs->entries[e].path) & (nslots - 1);
        while (slots[i] != SLOT_EMPTY)
            i = (i + 1) & (nslots - 1);
        slots[i] = e + 1;
    }
    return true;
}

bool ps_indexer_filestate_put(ps_indexer_filestate *fs, const ps_indexer_filestate_entry *e)
{
    /* Keep the table at most half full, counting the holes left by removals: compact them away
     * first, then index again (which also clears the deleted markers). */
    if ((fs->nentries + 1) * 2 > fs->nslots) {
        if (fs->live < fs->nentries) {
            size_t o = 0;
            for (size_t i = 0; i < fs->nentries; i++)
                if (fs->entries[i].path)
                    fs->entries[o++] = fs->entries[i];
            fs->nentries = o;
        }
        size_t n = fs->nslots ? fs->nslots : 64;
        while ((fs->nentries + 1) * 2 > n)
            n *= 2;
        if (!rehash(fs, n))
            return false;
    }
    bool found;
    size_t slot = find_slot(fs, e->path, &found);
    if (found) {
        ps_indexer_filestate_entry *cur = &fs->entries[fs->slots[slot] - 1];
        char *path = cur->path;
        *cur = *e;
        cur->path = path;
        return true;
    }
    if (fs->nentries == fs->cap) {
        size_t cap = fs->cap ? fs->cap * 2 : 64;
        ps_indexer_filestate_entry *p = realloc(fs->entries, cap * sizeof *p);
        if (!p)
            return false;
        fs->entries = p;
        fs->cap = cap;
    }
    char *path = strdup(e->path);
    if (!path)
        return false;
    fs->entries[fs->nentries] = *e;
    fs->entries[fs->nentries].path = path;
    fs->slots[slot] = ++fs->nentries;
    fs->live++;
    return true;
}

const ps_indexer_filestate_entry *ps_indexer_filestate_find(const ps_indexer_filestate *fs,
                                                            const char *path)
{
    if (fs->nslots == 0)
        return NULL;
    bool found;
    size_t slot = find_slot(fs, path, &found);
    return found ? &fs->entries[fs->slots[slot] - 1] : NULL;
}

bool ps_indexer_filestate_remove(ps_indexer_filestate *fs, const char *path)
{
    if (fs->nslots == 0)
        return false;
    bool found;
    size_t slot = find_slot(fs, path, &found);
    if (!found)
        return false;
    ps_indexer_filestate_entry *e = &fs->entries[fs->slots[slot] - 1];
    free(e->path);
    e->path = NULL;
    fs->slots[slot] = SLOT_DELETED;
    fs->live--;
    return true;
}

size_t ps_indexer_filestate_count(const ps_indexer_filestate *fs)
{
    return fs->live;
}

const ps_indexer_filestate_entry *ps_indexer_filestate_next(const ps_indexer_filestate *fs,
                                                            size_t *cursor)
{
    while (*cursor < fs->nentries) {
        const ps_indexer_filestate_entry *e = &fs->entries[(*cursor)++];
        if (e->path)
            return e;
    }
    return NULL;
}

static int cmp_entry_ptr(const void *a, const void *b)
{
    const ps_indexer_filestate_entry *x = *(const ps_indexer_filestate_entry *const *)a;
    const ps_indexer_filestate_entry *y = *(const ps_indexer_filestate_entry *const *)b;
    return strcmp(x->path, y->path);
}

char *ps_indexer_filestate_serialize(const ps_indexer_filestate *fs, size_t *len)
{
    const ps_indexer_filestate_entry **sorted = malloc((fs->live + 1) * sizeof *sorted);
    if (!sorted)
        return NULL;
    size_t n = 0, cursor = 0;
    const ps_indexer_filestate_entry *e;
    while ((e = ps_indexer_filestate_next(fs, &cursor)))
        sorted[n++] = e;
    qsort(sorted, n, sizeof *sorted, cmp_entry_ptr);
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, FILESTATE_HEADER "\n");
    for (size_t i = 0; i < n; i++) {
        e = sorted[i];
        ps_buf_printf(&b, "%016" PRIx64 "\t%016" PRIx64 "\t%" PRIu64 "\t%" PRId64 "\t%" PRIu32 "\t",
                      e->hash, e->meta_hash, e->size, e->mtime_ns, e->narenden);
        for (const char *p = e->path; *p; p++) {
            if (*p == '\\')
                ps_buf_puts(&b, "\\\\");
            else if (*p == '\t')
                ps_buf_puts(&b, "\\t");
            else if (*p == '\n')
                ps_buf_puts(&b, "\\n");
            else
                ps_buf_putc(&b, *p);
        }
        ps_buf_putc(&b, '\n');
    }
    free(sorted);
    if (b.failed) {
        ps_buf_free(&b);
        return NULL;
    }
    return ps_buf_steal(&b, len);
}

/* Parse one unsigned number field ending at a TAB; base 10 or 16. */
static bool parse_field_u64(const char **p, const char *end, int base, uint64_t *out)
{
    const char *tab = memchr(*p, '\t', (size_t)(end - *p));
    if (!tab || tab == *p || tab - *p > 20)
        return false;
    char tmp[24];
    memcpy(tmp, *p, (size_t)(tab - *p));
    tmp[tab - *p] = '\0';
    char *stop;
    errno = 0;
    unsigned long long v = strtoull(tmp, &stop, base);
    if (errno || *stop || tmp[0] == '-')
        return false;
    *out = v;
    *p = tab + 1;
    return true;
}

static bool parse_field_i64(const char **p, const char *end, int64_t *out)
{
    bool neg = *p < end && **p == '-';
    if (neg)
        (*p)++;
    uint64_t v;
    if (!parse_field_u64(p, end, 10, &v) || v > INT64_MAX)
        return false;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

static char *unescape_path(const char *p, const char *end)
{
    char *out = malloc((size_t)(end - p) + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (; p < end; p++) {
        if (*p == '\\' && p + 1 < end) {
            p++;
            out[o++] = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
    return out;
}

static ps_status parse_line(ps_indexer_filestate *fs, const char *p, const char *end, long lineno,
                            ps_error *err)
{
    ps_indexer_filestate_entry e = {0};
    uint64_t narenden;
    if (!parse_field_u64(&p, end, 16, &e.hash) || !parse_field_u64(&p, end, 16, &e.meta_hash) ||
        !parse_field_u64(&p, end, 10, &e.size) || !parse_field_i64(&p, end, &e.mtime_ns) ||
        !parse_field_u64(&p, end, 10, &narenden) || narenden > UINT32_MAX || p >= end ||
        memchr(p, '\0', (size_t)(end - p))) {
        ps_error_set(err, PS_ERR_INVALID,
                     "file-state manifest (database metadata ps.files): malformed line %ld",
                     lineno);
        err->line = lineno;
        return PS_ERR_INVALID;
    }
    e.narenden = (uint32_t)narenden;
    e.path = unescape_path(p, end);
    if (!e.path)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading the file-state manifest");
    bool ok = ps_indexer_filestate_put(fs, &e);
    free(e.path);
    return ok ? PS_OK : ps_error_set(err, PS_ERR_NOMEM, "out of memory reading the file-state manifest");
}

ps_status ps_indexer_filestate_parse(const char *text, size_t len, ps_indexer_filestate **out,
                                     ps_error *err)
{
    *out = NULL;
    ps_indexer_filestate *fs = ps_indexer_filestate_new();
    if (!fs)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    const char *p = text, *end = text + len;
    long lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        lineno++;
        if (lineno == 1) {
            if ((size_t)(eol - p) != strlen(FILESTATE_HEADER) ||
                memcmp(p, FILESTATE_HEADER, strlen(FILESTATE_HEADER)) != 0) {
                ps_indexer_filestate_free(fs);
                return ps_error_set(err, PS_ERR_VERSION,
                                    "file-state manifest (database metadata ps.files) has an "
                                    "unknown format: run 'protokollsok index --full'");
            }
        } else if (eol > p) {
            ps_status st = parse_line(fs, p, eol, lineno, err);
            if (st != PS_OK) {
                ps_indexer_filestate_free(fs);
                return st;
            }
        }
        p = nl ? nl + 1 : end;
    }
    *out = fs;
    return PS_OK;
}
