/*
 * indexer/doc.c — one ärende to one Xapian document, laid out as schema.h says.
 *
 * Term weights (wdf increments) -- one table, the same in every field, so that a derived term
 * (a compound part or an ellipsis completion, PS_TERM_PART) always counts half of a word
 * written out (its stem, PS_TERM_STEM) wherever it stands:
 *
 *   term kind                    body   title, body namespace   title "S"   section ("XB", ...)
 *   stem                         2      2 x TITLE_W x norm      2 x norm    2
 *   exact form ("E")             1      1 x TITLE_W x norm      -           -
 *   compound part / completion   1      1 x TITLE_W x norm      1 x norm    1
 *   whole unit ("2023.076 sn")   2      2 x TITLE_W x norm      2 x norm    2
 *
 * (rounded, at least 1). The title is a field with its own weight and length normalisation,
 * BM25F-style: norm = 1 / (1 - TITLE_B + TITLE_B * words / TITLE_REF_WORDS), so a word of a
 * 4-word title counts 1.33, one of a 40-word title 0.33. Its words are indexed in the body
 * namespace (before the body's positions, with a gap so phrases never span both), where BM25
 * saturates title and body evidence together, and as "S" terms, which search adds with the
 * weight PS_W_TITLE (search/internal.h) and `titel:` searches alone. The measurements that set
 * TITLE_W, TITLE_B and PS_W_TITLE are in the README (Ranking).
 * Compound parts sit at the whole word's position, so "förbund" matches inside
 * "samordningsförbundet" and phrase queries keep working.
 */
#include "internal.h"

#include "protokollsok/buf.h"
#include "protokollsok/schema.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum {
    W_STEM = 2,
    W_EXACT = 1,
    W_PART = 1,
    W_WHOLE = 2,
    TITLE_BODY_GAP = 100 /* positions between the title and the body */
};

/* The title field: weight and length normalisation (see the table above). */
#define TITLE_W 3.0
#define TITLE_B 0.5
#define TITLE_REF_WORDS 8.0

/* Analyzer terms longer than this are dropped (Xapian's limit with room for a prefix). */
#define WORD_TERM_MAX 200

char *ps_indexer_fold(const char *s)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                          UTF8PROC_CASEFOLD);
    if (n < 0)
        return NULL;
    return (char *)out;
}

char *ps_indexer_url_join(const char *prefix, const char *relpath)
{
    static const char hex[] = "0123456789ABCDEF";
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, prefix);
    if (b.len > 0 && b.data[b.len - 1] != '/' && *relpath != '/')
        ps_buf_putc(&b, '/');
    for (const unsigned char *p = (const unsigned char *)relpath; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            ps_buf_putc(&b, (char)c);
        } else {
            ps_buf_putc(&b, '%');
            ps_buf_putc(&b, hex[c >> 4]);
            ps_buf_putc(&b, hex[c & 15]);
        }
    }
    if (b.failed) {
        ps_buf_free(&b);
        return NULL;
    }
    return ps_buf_steal(&b, NULL);
}

/* The section field prefix for a section name as written, or NULL for other sections. */
static const char *section_prefix(const char *name)
{
    char *f = ps_indexer_fold(name);
    if (!f)
        return NULL;
    size_t n = strlen(f);
    while (n > 0 && (f[n - 1] == ':' || f[n - 1] == ' ' || f[n - 1] == '.'))
        f[--n] = '\0';
    const char *prefix = NULL;
    if (strstr(f, "förslag"))
        prefix = PS_PREFIX_FORSLAG;
    else if (strstr(f, "ärendebeskrivning") || strstr(f, "beskrivning av ärende"))
        prefix = PS_PREFIX_ARENDEBESKRIVNING;
    else if (strstr(f, "bakgrund"))
        prefix = PS_PREFIX_BAKGRUND;
    else if (strstr(f, "sammanfattning"))
        prefix = PS_PREFIX_SAMMANFATTNING;
    else if (strstr(f, "yttrande"))
        prefix = PS_PREFIX_YTTRANDE;
    /* "Beslut", "Socialnämndens beslut" — but not "Beslutsunderlag" */
    else if (n >= 6 && strcmp(f + n - 6, "beslut") == 0)
        prefix = PS_PREFIX_BESLUT;
    free(f);
    return prefix;
}

typedef struct {
    ps_store_doc *doc;
    ps_buf *unknown; /* the unknown words so far (repeated), NUL-terminated */
    const ps_arende *a;
    const char **sec_prefix; /* per section of a, NULL entries for unnamed kinds */
    unsigned pos_base;
    unsigned last_pos;
    bool title;
    double title_norm; /* the title's length normalisation (title_norm()) */
    ps_buf term;
} term_ctx;

static const char *prefixed(term_ctx *c, const char *prefix, const ps_term *t)
{
    ps_buf_clear(&c->term);
    ps_buf_puts(&c->term, prefix);
    ps_buf_append(&c->term, t->text, t->len);
    return c->term.failed ? NULL : c->term.data;
}

static const char *body_section_prefix(const term_ctx *c, size_t offset)
{
    for (size_t s = 0; s < c->a->nsections; s++)
        if (c->sec_prefix[s] && offset >= c->a->sections[s].start &&
            offset < c->a->sections[s].end)
            return c->sec_prefix[s];
    return NULL;
}

/* Sort the NUL-terminated words in u and keep each once. False when out of memory. */
static bool unique_words(ps_buf *u)
{
    size_t n = 0;
    for (size_t off = 0; off < u->len; off += strlen(u->data + off) + 1)
        n++;
    if (n < 2)
        return true;
    const char **v = malloc(n * sizeof *v);
    char *copy = malloc(u->len);
    if (!v || !copy) {
        free(v);
        free(copy);
        return false;
    }
    memcpy(copy, u->data, u->len);
    n = 0;
    for (size_t off = 0; off < u->len; off += strlen(copy + off) + 1)
        v[n++] = copy + off;
    qsort(v, n, sizeof *v, ps_indexer_cmp_strings);
    ps_buf_clear(u);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
            ps_buf_append(u, v[i], strlen(v[i]) + 1);
    free(v);
    free(copy);
    return !u->failed;
}

/* A weight times a field's factor, as a wdf increment (at least 1). */
static uint32_t weighted(unsigned w, double boost)
{
    double x = w * boost + 0.5;
    return x < 1.0 ? 1 : (uint32_t)x;
}

/* The words of a title (runs of letters and digits; any non-ASCII byte counts as a letter). */
static size_t title_words(const char *s)
{
    size_t n = 0;
    bool in = false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool w = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 *p >= 0x80;
        n += w && !in;
        in = w;
    }
    return n;
}

/* The title field's weight factor for a title of this many words. */
/* The title's length normalisation: 1 for a title of TITLE_REF_WORDS words, more for shorter
 * ones, less for longer ones. */
static double title_norm(size_t words)
{
    return 1.0 / (1.0 - TITLE_B + TITLE_B * (double)words / TITLE_REF_WORDS);
}

static bool on_token(void *ctx, const ps_token *tok)
{
    term_ctx *c = ctx;
    unsigned pos = c->pos_base + tok->pos;
    c->last_pos = pos;
    if (tok->flags & PS_TOKEN_UNKNOWN && tok->norm_len <= WORD_TERM_MAX) {
        ps_buf_append(c->unknown, tok->norm, tok->norm_len);
        ps_buf_putc(c->unknown, '\0');
    }
    if (!c->doc)
        return true; /* only the unknown words are wanted */
    double boost = c->title ? TITLE_W * c->title_norm : 1.0;
    const char *field = c->title ? NULL : body_section_prefix(c, tok->start);
    for (size_t i = 0; i < tok->nterms; i++) {
        const ps_term *t = &tok->terms[i];
        if (t->len == 0 || t->len > WORD_TERM_MAX)
            continue;
        const char *term;
        if (t->kind == PS_TERM_EXACT) {
            if ((term = prefixed(c, PS_PREFIX_EXACT, t)))
                ps_store_doc_add_term(c->doc, term, weighted(W_EXACT, boost));
            continue;
        }
        unsigned w = t->kind == PS_TERM_STEM ? W_STEM : t->kind == PS_TERM_PART ? W_PART : W_WHOLE;
        if ((term = prefixed(c, "", t)))
            ps_store_doc_add_posting(c->doc, term, pos, weighted(w, boost));
        if (c->title && (term = prefixed(c, PS_PREFIX_TITLE, t)))
            ps_store_doc_add_posting(c->doc, term, pos, weighted(w, c->title_norm));
        if (field && (term = prefixed(c, field, t)))
            ps_store_doc_add_term(c->doc, term, w);
    }
    return true;
}

/* A boolean term prefix + folded value (kept to Xapian's length limit). */
static void add_boolean(ps_store_doc *doc, const char *prefix, const char *value, bool fold)
{
    if (!value || !*value)
        return;
    char *v = fold ? ps_indexer_fold(value) : strdup(value);
    char *t = v ? ps_indexer_term(prefix, v) : NULL;
    if (t)
        ps_store_doc_add_boolean(doc, t);
    free(t);
    free(v);
}

static void set_value(ps_store_doc *doc, unsigned slot, const char *v)
{
    if (v)
        ps_store_doc_set_value(doc, slot, v, strlen(v));
}

/* The dnr's number part ("2023.076" of "2023.076 SN", "2023/123" of "KS 2023/123"), malloc'd,
 * or NULL when the dnr is nothing but that. */
static char *dnr_number(const char *dnr)
{
    const char *p = dnr;
    while (*p) {
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        bool digit = false;
        for (const char *q = w; q < p; q++)
            digit |= *q >= '0' && *q <= '9';
        if (digit)
            return (size_t)(p - w) == strlen(dnr) ? NULL : strndup(w, (size_t)(p - w));
        while (*p == ' ')
            p++;
    }
    return NULL;
}

static const char *source_name(ps_field_source s)
{
    switch (s) {
    case PS_FIELD_READ: return "read";
    case PS_FIELD_INFERRED: return "inferred";
    case PS_FIELD_EXTERNAL: return "external";
    default: return NULL;
    }
}

static json_t *json_str_or_null(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    /* The parser hands out valid UTF-8; should it not, an empty string beats a broken record. */
    return j ? j : json_string("");
}

/* The document data of schema.h (its length in *len: it holds a NUL). */
static char *build_data(const ps_arende *a, bool ocr, const ps_indexer_source *src, const char *id,
                        size_t *len)
{
    json_t *o = json_object();
    const struct {
        const char *name;
        const ps_field *f;
    } fields[] = {{"dnr", &a->dnr},     {"paragraf", &a->paragraf}, {"title", &a->title},
                  {"namnd", &a->namnd}, {"kommun", &a->kommun},     {"date", &a->date},
                  {"handlaggare", &a->handlaggare}};
    json_object_set_new(o, "key", json_str_or_null(a->key));
    json_t *sources = json_object();
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        json_object_set_new(o, fields[i].name, json_str_or_null(fields[i].f->value));
        const char *s = fields[i].f->value ? source_name(fields[i].f->source) : NULL;
        if (s)
            json_object_set_new(sources, fields[i].name, json_string(s));
    }
    json_object_set_new(o, "type", json_string(ps_doc_type_name(a->type)));
    if (source_name(a->type_source))
        json_object_set_new(sources, "type", json_string(source_name(a->type_source)));
    json_object_set_new(o, "path", json_str_or_null(src->path));
    json_object_set_new(o, "relpath", json_str_or_null(src->relpath));
    json_object_set_new(o, "id", json_str_or_null(id));
    json_object_set_new(o, "url", json_str_or_null(src->url));
    json_t *pages = json_array();
    if (a->page_first > 0) {
        json_array_append_new(pages, json_integer(a->page_first));
        json_array_append_new(pages, json_integer(a->page_last > 0 ? a->page_last : a->page_first));
    }
    json_object_set_new(o, "pages", pages);
    if (ocr) /* machine-read from a scan: the UI says so */
        json_object_set_new(o, "ocr", json_true());
    json_object_set_new(o, "src_start", json_integer((json_int_t)a->src_start));
    json_object_set_new(o, "src_end", json_integer((json_int_t)a->src_end));
    json_t *sections = json_array();
    for (size_t s = 0; s < a->nsections; s++) {
        json_t *so = json_object();
        json_object_set_new(so, "name", json_str_or_null(a->sections[s].name));
        json_object_set_new(so, "start", json_integer((json_int_t)a->sections[s].start));
        json_object_set_new(so, "end", json_integer((json_int_t)a->sections[s].end));
        json_array_append_new(sections, so);
    }
    json_object_set_new(o, "sections", sections);
    json_t *refs = json_array();
    for (size_t r = 0; r < a->nrefs; r++)
        json_array_append_new(refs, json_str_or_null(a->refs[r].text));
    json_object_set_new(o, "refs", refs);
    json_object_set_new(o, "sources", sources);
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    /* the body follows the JSON after a NUL, as it is: reading a hit costs no unescaping */
    size_t jlen = text ? strlen(text) : 0, blen = a->body ? a->body_len : 0;
    char *data = text ? realloc(text, jlen + 1 + blen) : NULL;
    if (!data) {
        free(text);
        return NULL;
    }
    data[jlen] = '\0';
    if (blen)
        memcpy(data + jlen + 1, a->body, blen);
    *len = jlen + 1 + blen;
    return data;
}

/* Run the analyzer over the ärende's texts as they are indexed: the § number and the title
 * (title positions), then the body after a gap, into on_token. */
static ps_status analyze_texts(ps_analyzer *an, term_ctx *c, ps_error *err)
{
    const ps_arende *a = c->a;
    ps_status st = PS_OK;
    if (a->paragraf.value) {
        /* The parser lifts "§ 243" out of the body into a field; index it like the title so a
         * query `§ 243` (one analyzer unit) finds the paragraph. */
        char para[64];
        int n = snprintf(para, sizeof para, "§ %s", a->paragraf.value);
        if (n > 0 && (size_t)n < sizeof para) {
            c->title = true;
            c->title_norm = title_norm(1);
            st = ps_analyzer_run(an, para, (size_t)n, 0, on_token, c, err);
            c->pos_base = c->last_pos;
        }
    }
    if (st == PS_OK && a->title.value) {
        c->title = true;
        c->title_norm = title_norm(title_words(a->title.value));
        st = ps_analyzer_run(an, a->title.value, strlen(a->title.value), 0, on_token, c, err);
        c->pos_base = c->last_pos + TITLE_BODY_GAP;
    }
    if (st == PS_OK && a->body) {
        c->title = false;
        st = ps_analyzer_run(an, a->body, a->body_len, 0, on_token, c, err);
    }
    return st;
}

ps_status ps_indexer_unknown_words(ps_analyzer *an, const ps_protocol_doc *pdoc, size_t i,
                                   ps_buf *out, ps_error *err)
{
    term_ctx c = {.unknown = out, .a = &pdoc->arenden[i], .term = PS_BUF_INIT};
    ps_status st = analyze_texts(an, &c, err);
    if (st == PS_OK && (c.term.failed || !unique_words(out)))
        st = ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    ps_buf_free(&c.term);
    return st;
}

void ps_indexer_built_clear(ps_indexer_built *b)
{
    ps_store_doc_free(b->doc);
    free(b->id_term);
    ps_buf_free(&b->unknown);
    b->doc = NULL;
    b->id_term = NULL;
}

/* "value\0key" in slot (schema.h: facet counts of ärenden); nothing when value is empty. */
static void set_facet_pair(ps_store_doc *doc, unsigned slot, const char *value, const char *key)
{
    if (!value || !*value)
        return;
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, value);
    ps_buf_putc(&b, '\0');
    ps_buf_puts(&b, key ? key : "");
    if (!b.failed)
        ps_store_doc_set_value(doc, slot, b.data, b.len);
    ps_buf_free(&b);
}

/* PS_SLOT_ORDER (path + "#" + six-digit index, the tie-break of every sort) and
 * PS_SLOT_DATE_ORDER (date + "\x1f" + the same: the date sort). */
static void set_order(ps_store_doc *doc, const char *path, const char *index, const char *date)
{
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, date ? date : "");
    ps_buf_putc(&b, '\x1f');
    size_t order_at = b.len;
    ps_buf_puts(&b, path);
    ps_buf_puts(&b, index);
    if (!b.failed) {
        ps_store_doc_set_value(doc, PS_SLOT_DATE_ORDER, b.data, b.len);
        ps_store_doc_set_value(doc, PS_SLOT_ORDER, b.data + order_at, b.len - order_at);
    }
    ps_buf_free(&b);
}

ps_status ps_indexer_build_doc(ps_analyzer *an, const ps_protocol_doc *pdoc, size_t i,
                               const ps_indexer_source *src, ps_indexer_built *out,
                               ps_error *err)
{
    const ps_arende *a = &pdoc->arenden[i];
    ps_buf_init(&out->unknown);
    out->doc = ps_store_doc_new();
    /* The id is the path's hash and the ärende's number: 20 bytes instead of the path again in
     * every document's term list and in the posting lists (the "P" term names the path). */
    char idbuf[48];
    snprintf(idbuf, sizeof idbuf, "%016llx#%zu",
             (unsigned long long)ps_indexer_hash64(src->path, strlen(src->path), 0), i);
    out->id_term = ps_indexer_term(PS_PREFIX_ID, idbuf);
    const char **sec_prefix = calloc(a->nsections + 1, sizeof *sec_prefix);
    if (!out->doc || !out->id_term || !sec_prefix) {
        free(sec_prefix);
        ps_indexer_built_clear(out);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory building a document");
    }
    for (size_t s = 0; s < a->nsections; s++)
        sec_prefix[s] = a->sections[s].name ? section_prefix(a->sections[s].name) : NULL;

    term_ctx c = {.doc = out->doc,
                  .unknown = &out->unknown,
                  .a = a,
                  .sec_prefix = sec_prefix,
                  .term = PS_BUF_INIT};
    ps_status st = analyze_texts(an, &c, err);
    bool term_oom = c.term.failed || !unique_words(&out->unknown);
    for (size_t off = 0; !term_oom && off < out->unknown.len;) {
        const char *w = out->unknown.data + off;
        ps_buf_clear(&c.term);
        ps_buf_puts(&c.term, PS_PREFIX_UNKNOWN);
        ps_buf_puts(&c.term, w);
        term_oom = c.term.failed;
        if (!term_oom)
            ps_store_doc_add_boolean(out->doc, c.term.data);
        off += strlen(w) + 1;
    }
    ps_buf_free(&c.term);
    free(sec_prefix);
    if (st == PS_OK && term_oom)
        st = ps_error_set(err, PS_ERR_NOMEM, "out of memory building a document");
    if (st != PS_OK) {
        ps_indexer_built_clear(out);
        return st;
    }

    ps_store_doc *d = out->doc;
    const char *date = a->date.value;
    char year[5] = "";
    if (date && strlen(date) >= 4) {
        memcpy(year, date, 4);
        year[4] = '\0';
    }
    add_boolean(d, PS_PREFIX_KOMMUN, a->kommun.value, true);
    add_boolean(d, PS_PREFIX_NAMND, a->namnd.value, true);
    add_boolean(d, PS_PREFIX_YEAR, year, false);
    add_boolean(d, PS_PREFIX_TYPE, ps_doc_type_name(a->type), true);
    if (a->dnr.value) {
        add_boolean(d, PS_PREFIX_DNR, a->dnr.value, true);
        char *num = dnr_number(a->dnr.value);
        add_boolean(d, PS_PREFIX_DNR, num, true);
        free(num);
    }
    add_boolean(d, PS_PREFIX_KEY, a->key, false);
    char *pterm = ps_indexer_path_term(src->path);
    if (pterm)
        ps_store_doc_add_boolean(d, pterm);
    free(pterm);

    ps_store_doc_set_value(d, PS_SLOT_DATE, date ? date : "", date ? strlen(date) : 0);
    set_value(d, PS_SLOT_KEY, a->key);
    set_value(d, PS_SLOT_KOMMUN, a->kommun.value);
    set_value(d, PS_SLOT_NAMND, a->namnd.value);
    if (*year)
        set_value(d, PS_SLOT_YEAR, year);
    set_value(d, PS_SLOT_TYPE, ps_doc_type_name(a->type));
    set_facet_pair(d, PS_SLOT_KOMMUN_KEY, a->kommun.value, a->key);
    set_facet_pair(d, PS_SLOT_NAMND_KEY, a->namnd.value, a->key);
    set_facet_pair(d, PS_SLOT_YEAR_KEY, year, a->key);
    set_facet_pair(d, PS_SLOT_TYPE_KEY, ps_doc_type_name(a->type), a->key);
    set_facet_pair(d, PS_SLOT_DATE_KEY, date, a->key);
    snprintf(idbuf, sizeof idbuf, "#%06zu", i);
    set_order(d, src->path, idbuf, date);

    size_t dlen = 0;
    char *data = build_data(a, pdoc->ocr, src, out->id_term + strlen(PS_PREFIX_ID), &dlen);
    if (!data) {
        ps_indexer_built_clear(out);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory building a document");
    }
    ps_store_doc_set_data(d, data, dlen);
    free(data);
    return PS_OK;
}
