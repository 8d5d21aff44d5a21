/*
 * indexer/manifest.c — the manifest of external metadata given with --manifest: per file the
 * kommun, nämnd, date, url (and type) that override what the parser infers.
 *
 * Two formats, told apart by the first non-blank character: '{' is JSON Lines, anything else is
 * TSV with a header row naming the columns. Paths are relative to the manifest's directory.
 * Rows are matched to the files being indexed by device/inode (stat at load time), so the same
 * manifest works whether the corpus is indexed as "seeds", "./seeds/" or "/abs/seeds"; a path
 * comparison is the fallback for rows whose file did not exist at load time.
 */
#include "protokollsok/indexer.h"

#include "protokollsok/buf.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

struct ps_indexer_manifest {
    ps_indexer_manifest_entry *rows;
    size_t nrows, cap;
    char **warnings;
    size_t nwarnings;
    /* Row indexes sorted by path and by (dev, ino), for binary search (built after parse/load). */
    size_t *by_path, *by_id;
    size_t nby_id;
};

enum { COL_PATH, COL_KOMMUN, COL_NAMND, COL_DATE, COL_URL, COL_TYPE, NCOLS };

static const char *const column_names[NCOLS] = {"path", "kommun", "namnd", "date", "url", "type"};

static int column_for(const char *name, size_t len)
{
    for (int c = 0; c < NCOLS; c++)
        if (strlen(column_names[c]) == len && strncasecmp(name, column_names[c], len) == 0)
            return c;
    if (len == strlen("nämnd") && strncasecmp(name, "nämnd", len) == 0)
        return COL_NAMND;
    return -1;
}

static void free_row(ps_indexer_manifest_entry *r)
{
    free(r->path);
    free(r->kommun);
    free(r->namnd);
    free(r->date);
    free(r->url);
    free(r->type);
}

void ps_indexer_manifest_free(ps_indexer_manifest *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nrows; i++)
        free_row(&m->rows[i]);
    free(m->rows);
    for (size_t i = 0; i < m->nwarnings; i++)
        free(m->warnings[i]);
    free(m->warnings);
    free(m->by_path);
    free(m->by_id);
    free(m);
}

size_t ps_indexer_manifest_count(const ps_indexer_manifest *m)
{
    return m->nrows;
}

const ps_indexer_manifest_entry *ps_indexer_manifest_at(const ps_indexer_manifest *m, size_t i)
{
    return i < m->nrows ? &m->rows[i] : NULL;
}

size_t ps_indexer_manifest_nwarnings(const ps_indexer_manifest *m)
{
    return m->nwarnings;
}

const char *ps_indexer_manifest_warning(const ps_indexer_manifest *m, size_t i)
{
    return i < m->nwarnings ? m->warnings[i] : NULL;
}

static bool add_warning(ps_indexer_manifest *m, const char *name, long line, const char *what)
{
    char **w = realloc(m->warnings, (m->nwarnings + 1) * sizeof *w);
    if (!w)
        return false;
    m->warnings = w;
    ps_buf b = PS_BUF_INIT;
    ps_buf_printf(&b, "%s:%ld: %s", name, line, what);
    if (b.failed)
        return false;
    m->warnings[m->nwarnings++] = ps_buf_steal(&b, NULL);
    return m->warnings[m->nwarnings - 1] != NULL;
}

/* A field value: trimmed copy, NULL when empty. *ok false on out-of-memory. */
static char *field_copy(const char *s, size_t len, bool *ok)
{
    while (len > 0 && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len == 0)
        return NULL;
    char *c = strndup(s, len);
    if (!c)
        *ok = false;
    return c;
}

static bool valid_date(const char *d)
{
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)d[i]))
            return false;
    int month = (d[5] - '0') * 10 + (d[6] - '0');
    int day = (d[8] - '0') * 10 + (d[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* Validate a filled row and append it (taking its strings), or warn and drop it.
 * Returns false only on out-of-memory. */
static bool add_row(ps_indexer_manifest *m, ps_indexer_manifest_entry *r, const char *base_dir,
                    const char *name)
{
    const char *problem = NULL;
    if (!r->path)
        problem = "row without a path: skipped";
    else if (r->date && !valid_date(r->date))
        problem = "date is not YYYY-MM-DD: row skipped";
    if (problem) {
        free_row(r);
        return add_warning(m, name, r->line, problem);
    }
    if (r->path[0] != '/' && base_dir && *base_dir) {
        ps_buf b = PS_BUF_INIT;
        ps_buf_printf(&b, "%s/%s", base_dir, r->path);
        if (b.failed) {
            free_row(r);
            return false;
        }
        free(r->path);
        r->path = ps_buf_steal(&b, NULL);
    }
    char *norm = r->path ? ps_indexer_path_normalize(r->path) : NULL;
    free(r->path);
    r->path = norm;
    if (!norm) {
        free_row(r);
        return false;
    }
    if (m->nrows == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 32;
        ps_indexer_manifest_entry *rows = realloc(m->rows, cap * sizeof *rows);
        if (!rows) {
            free_row(r);
            return false;
        }
        m->rows = rows;
        m->cap = cap;
    }
    m->rows[m->nrows++] = *r;
    return true;
}

static char **row_field(ps_indexer_manifest_entry *r, int col)
{
    switch (col) {
    case COL_PATH: return &r->path;
    case COL_KOMMUN: return &r->kommun;
    case COL_NAMND: return &r->namnd;
    case COL_DATE: return &r->date;
    case COL_URL: return &r->url;
    default: return &r->type;
    }
}

/* Split one TSV line into at most max fields (pointers into the line). */
static size_t split_tabs(const char *p, const char *end, const char **starts, size_t *lens,
                         size_t max)
{
    size_t n = 0;
    for (;;) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *fe = tab ? tab : end;
        if (n < max) {
            starts[n] = p;
            lens[n] = (size_t)(fe - p);
        }
        n++;
        if (!tab)
            return n;
        p = tab + 1;
    }
}

/* Reads a manifest line by line, skipping blank lines and '#' comments. */
typedef struct {
    const char *p, *end;
    long lineno;
} line_reader;

/* The next content line as [*line, *eol), without its "\n" or "\r\n". false at the end. */
static bool next_content_line(line_reader *r, const char **line, const char **eol)
{
    while (r->p < r->end) {
        const char *start = r->p;
        const char *nl = memchr(start, '\n', (size_t)(r->end - start));
        const char *e = nl ? nl : r->end;
        r->p = nl ? nl + 1 : r->end;
        r->lineno++;
        if (e > start && e[-1] == '\r')
            e--;
        const char *s = start;
        while (s < e && isspace((unsigned char)*s))
            s++;
        if (s == e || *s == '#')
            continue;
        *line = start;
        *eol = e;
        return true;
    }
    return false;
}

#define TSV_MAX_COLS 64

static ps_status parse_tsv(ps_indexer_manifest *m, const char *text, size_t len,
                           const char *base_dir, const char *name, ps_error *err)
{
    int cols[TSV_MAX_COLS];
    size_t ncols = 0;
    bool have_header = false;
    line_reader lr = {text, text + len, 0};
    const char *p, *eol;
    while (next_content_line(&lr, &p, &eol)) {
        long lineno = lr.lineno;
        const char *starts[TSV_MAX_COLS];
        size_t lens[TSV_MAX_COLS];
        size_t n = split_tabs(p, eol, starts, lens, TSV_MAX_COLS);
        if (n > TSV_MAX_COLS)
            n = TSV_MAX_COLS;
        if (!have_header) {
            bool has_path = false;
            for (size_t i = 0; i < n; i++) {
                const char *h = starts[i];
                size_t hl = lens[i];
                while (hl > 0 && isspace((unsigned char)h[hl - 1]))
                    hl--;
                cols[i] = column_for(h, hl);
                has_path |= cols[i] == COL_PATH;
            }
            if (!has_path) {
                ps_error_set(err, PS_ERR_INVALID,
                             "manifest %s: the first line must be a header naming the columns "
                             "(path, kommun, namnd, date, url), tab-separated",
                             name);
                ps_error_locate(err, name, lineno, -1);
                return PS_ERR_INVALID;
            }
            ncols = n;
            have_header = true;
            continue;
        }
        ps_indexer_manifest_entry r = {0};
        r.line = lineno;
        bool ok = true;
        for (size_t i = 0; i < n && i < ncols; i++) {
            if (cols[i] < 0)
                continue;
            char **f = row_field(&r, cols[i]);
            free(*f);
            *f = field_copy(starts[i], lens[i], &ok);
        }
        if (!ok) {
            free_row(&r);
            return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading manifest %s", name);
        }
        if (n > ncols && !add_warning(m, name, lineno, "more columns than the header: extra ignored"))
            ok = false;
        if (!ok || !add_row(m, &r, base_dir, name))
            return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading manifest %s", name);
    }
    if (!have_header) {
        ps_error_set(err, PS_ERR_INVALID, "manifest %s is empty (no header line)", name);
        ps_error_locate(err, name, 0, -1);
        return PS_ERR_INVALID;
    }
    return PS_OK;
}

static ps_status parse_jsonl(ps_indexer_manifest *m, const char *text, size_t len,
                             const char *base_dir, const char *name, ps_error *err)
{
    line_reader lr = {text, text + len, 0};
    const char *p, *eol;
    while (next_content_line(&lr, &p, &eol)) {
        long lineno = lr.lineno;
        json_error_t jerr;
        json_t *obj = json_loadb(p, (size_t)(eol - p), JSON_REJECT_DUPLICATES, &jerr);
        bool ok = true;
        if (!obj || !json_is_object(obj)) {
            char what[300];
            snprintf(what, sizeof what, "not a JSON object (%s): row skipped",
                     obj ? "another JSON value" : jerr.text);
            json_decref(obj);
            if (!add_warning(m, name, lineno, what))
                return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading manifest %s", name);
            continue;
        }
        ps_indexer_manifest_entry r = {0};
        r.line = lineno;
        const char *key;
        json_t *val;
        json_object_foreach(obj, key, val)
        {
            int col = column_for(key, strlen(key));
            if (col < 0 || !json_is_string(val))
                continue;
            char **f = row_field(&r, col);
            free(*f);
            *f = field_copy(json_string_value(val), json_string_length(val), &ok);
        }
        json_decref(obj);
        if (!ok || !add_row(m, &r, base_dir, name)) {
            if (!ok)
                free_row(&r);
            return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading manifest %s", name);
        }
    }
    return PS_OK;
}

/* qsort has no context argument: the comparators see rows through this pair. */
typedef struct {
    const ps_indexer_manifest_entry *row;
} row_ref;

static int cmp_path(const void *a, const void *b)
{
    return strcmp(((const row_ref *)a)->row->path, ((const row_ref *)b)->row->path);
}

static int cmp_id(const void *a, const void *b)
{
    const ps_indexer_manifest_entry *x = ((const row_ref *)a)->row, *y = ((const row_ref *)b)->row;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    if (x->ino != y->ino)
        return x->ino < y->ino ? -1 : 1;
    return 0;
}

/* Sorted index of the rows (all, or those with a known dev/ino); *out malloc'd. */
static bool build_index(const ps_indexer_manifest *m, bool ids, size_t **out, size_t *count)
{
    row_ref *refs = malloc((m->nrows + 1) * sizeof *refs);
    size_t *idx = malloc((m->nrows + 1) * sizeof *idx);
    if (!refs || !idx) {
        free(refs);
        free(idx);
        return false;
    }
    size_t n = 0;
    for (size_t i = 0; i < m->nrows; i++)
        if (!ids || m->rows[i].have_id)
            refs[n++].row = &m->rows[i];
    qsort(refs, n, sizeof *refs, ids ? cmp_id : cmp_path);
    for (size_t i = 0; i < n; i++)
        idx[i] = (size_t)(refs[i].row - m->rows);
    free(refs);
    free(*out);
    *out = idx;
    *count = n;
    return true;
}

ps_status ps_indexer_manifest_parse(const char *text, size_t len, const char *base_dir,
                                    const char *name, ps_indexer_manifest **out, ps_error *err)
{
    *out = NULL;
    ps_indexer_manifest *m = calloc(1, sizeof *m);
    if (!m)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* a BOM from a spreadsheet export */
        text += 3;
        len -= 3;
    }
    if (memchr(text, '\0', len)) {
        ps_indexer_manifest_free(m);
        ps_error_set(err, PS_ERR_INVALID, "manifest %s contains NUL bytes: not a text file", name);
        ps_error_locate(err, name, 0, (long)((const char *)memchr(text, '\0', len) - text));
        return PS_ERR_INVALID;
    }
    size_t i = 0;
    while (i < len && isspace((unsigned char)text[i]))
        i++;
    ps_status st = i < len && text[i] == '{' ? parse_jsonl(m, text, len, base_dir, name, err)
                                               : parse_tsv(m, text, len, base_dir, name, err);
    size_t npath;
    if (st == PS_OK && !build_index(m, false, &m->by_path, &npath))
        st = ps_error_set(err, PS_ERR_NOMEM, "out of memory reading manifest %s", name);
    if (st != PS_OK) {
        ps_indexer_manifest_free(m);
        return st;
    }
    *out = m;
    return PS_OK;
}

ps_status ps_indexer_manifest_load(const char *path, ps_indexer_manifest **out, ps_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        ps_error_set(err, errno == ENOENT ? PS_ERR_NOT_FOUND : PS_ERR_IO,
                     "cannot read manifest %s: %s", path, strerror(errno));
        ps_error_locate(err, path, 0, -1);
        return err ? err->status : PS_ERR_IO;
    }
    ps_buf b = PS_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ps_buf_append(&b, chunk, n);
    bool read_error = ferror(f);
    fclose(f);
    if (read_error || b.failed) {
        ps_buf_free(&b);
        return ps_error_set(err, read_error ? PS_ERR_IO : PS_ERR_NOMEM,
                            "cannot read manifest %s", path);
    }
    char *dir = strdup(path);
    if (!dir) {
        ps_buf_free(&b);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    }
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir ? 1 : 0] = '\0';
    else
        dir[0] = '\0';
    ps_status st = ps_indexer_manifest_parse(b.data ? b.data : "", b.len, dir, path, out, err);
    free(dir);
    ps_buf_free(&b);
    if (st != PS_OK)
        return st;
    for (size_t i = 0; i < (*out)->nrows; i++) {
        ps_indexer_manifest_entry *r = &(*out)->rows[i];
        struct stat sb;
        if (stat(r->path, &sb) == 0) {
            r->have_id = true;
            r->dev = (uint64_t)sb.st_dev;
            r->ino = (uint64_t)sb.st_ino;
        }
    }
    if (!build_index(*out, true, &(*out)->by_id, &(*out)->nby_id)) {
        ps_indexer_manifest_free(*out);
        *out = NULL;
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading manifest %s", path);
    }
    return PS_OK;
}

const ps_indexer_manifest_entry *ps_indexer_manifest_find(const ps_indexer_manifest *m,
                                                          const char *path, uint64_t dev,
                                                          uint64_t ino)
{
    if (!m)
        return NULL;
    ps_indexer_manifest_entry key = {.path = (char *)path, .dev = dev, .ino = ino};
    size_t lo = 0, hi = m->nby_id;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_id(&(row_ref){&key}, &(row_ref){&m->rows[m->by_id[mid]]});
        if (c == 0)
            return &m->rows[m->by_id[mid]];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    lo = 0;
    hi = m->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(path, m->rows[m->by_path[mid]].path);
        if (c == 0)
            return &m->rows[m->by_path[mid]];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

uint64_t ps_indexer_manifest_entry_hash(const ps_indexer_manifest_entry *e)
{
    if (!e)
        return 0;
    const char *fields[] = {e->kommun, e->namnd, e->date, e->url, e->type};
    uint64_t h = 0x6d616e6966657374ull;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *f = fields[i] ? fields[i] : "";
        h = ps_indexer_hash64(f, strlen(f) + 1, h);
    }
    return h;
}
