/*
 * search.c — ps_search_*: run a query (search_query.c builds it), collapse on the ärende key,
 * list each ärende's documents, cut highlighted excerpts with the analyzer (highlight.h), count
 * facets, and answer in the one JSON schema of search.h.
 *
 * A query that is a diarienummer runs twice: first the "D" filter term (that ärende, listed
 * first), then the words as free text without those ärenden, so pagination spans both lists.
 * When all the words together find nothing, the top-level AND is searched again as OR and the
 * answer says so ("fallback": "or" and a Swedish note).
 */
#include "protokollsok/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "protokollsok/buf.h"
#include "protokollsok/highlight.h"
#include "protokollsok/schema.h"
#include "search_internal.h"

#define EXCERPT_BYTES 200
#define MAX_DOCUMENTS 100
#define DNR_HITS_MAX 100
#define FACET_VALUES_MAX 12
#define EXACT_COUNT_MAX 20000 /* documents: up to this many matches, count ärenden exactly */

/* The facets, then the key: its number of distinct values is the exact number of ärenden. */
static const unsigned facet_slots[] = {PS_SLOT_KOMMUN, PS_SLOT_NAMND, PS_SLOT_YEAR, PS_SLOT_TYPE,
                                       PS_SLOT_KEY};
static const char *const facet_names[] = {"kommun", "namnd", "year", "type"};
#define NFACETS 4

static ps_status nomem(ps_error *err)
{
    return ps_error_set(err, PS_ERR_NOMEM, "out of memory while searching");
}

/* ---- open / close ------------------------------------------------------------------------ */

static ps_status check_schema(ps_searcher *s, ps_error *err)
{
    char *schema = NULL;
    ps_status st = ps_store_get_metadata(s->store, PS_META_SCHEMA, &schema, err);
    if (st)
        return st;
    if (strcmp(schema, PS_SCHEMA_VERSION) != 0)
        st = ps_error_set(err, PS_ERR_VERSION,
                          *schema ? "index %s has schema version %s, this program reads version %s: "
                                    "rebuild it with `protokollsok index --full`"
                                  : "index %s has no schema version%s (not finished by "
                                    "`protokollsok index`?), this program reads version %s",
                          s->path, schema, PS_SCHEMA_VERSION);
    free(schema);
    return st;
}

/* The lexicon copied into the database directory by the indexer, else the built-in one; its
 * version must be the one the index was built with, or query terms would not match. */
static ps_status load_lexicon(ps_searcher *s, ps_error *err)
{
    size_t n = strlen(s->path) + sizeof "/lexicon.bin";
    char *copy = malloc(n);
    if (!copy)
        return nomem(err);
    snprintf(copy, n, "%s/lexicon.bin", s->path);
    struct stat sb;
    ps_status st = ps_lexicon_load(stat(copy, &sb) == 0 ? copy : NULL, &s->lex, err);
    free(copy);
    if (st)
        return st;
    char *built = NULL;
    if ((st = ps_store_get_metadata(s->store, PS_META_LEXICON, &built, err)) != PS_OK)
        return st;
    if (*built && strcmp(built, ps_lexicon_version(s->lex)) != 0)
        st = ps_error_set(err, PS_ERR_VERSION,
                          "index %s was built with lexicon %s, but the lexicon found is %s (%s): "
                          "rebuild the index with `protokollsok index --full`",
                          s->path, built, ps_lexicon_version(s->lex), ps_lexicon_path(s->lex));
    free(built);
    return st;
}

ps_status ps_searcher_open(const char *db_path, ps_searcher **out, ps_error *err)
{
    *out = NULL;
    ps_error_clear(err);
    ps_searcher *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(db_path ? db_path : "index"))) {
        free(s);
        return nomem(err);
    }
    ps_status st = ps_store_open_read(s->path, &s->store, err);
    if (st == PS_OK)
        st = check_schema(s, err);
    if (st == PS_OK)
        st = load_lexicon(s, err);
    if (st == PS_OK)
        st = ps_analyzer_new(s->lex, PS_ANALYZER_SWEDISH, &s->an, err);
    if (st) {
        ps_searcher_close(s);
        return st;
    }
    *out = s;
    return PS_OK;
}

ps_status ps_searcher_reopen(ps_searcher *s, bool *changed, ps_error *err)
{
    ps_error_clear(err);
    ps_status st = ps_store_reopen(s->store, changed, err);
    if (st == PS_OK && *changed)
        st = check_schema(s, err);
    return st;
}

void ps_searcher_close(ps_searcher *s)
{
    if (!s)
        return;
    ps_analyzer_free(s->an);
    ps_lexicon_free(s->lex);
    ps_store_close(s->store);
    free(s->path);
    free(s);
}

void ps_search_request_init(ps_search_request *req)
{
    memset(req, 0, sizeof *req);
    req->sort = PS_SEARCH_SORT_RELEVANCE;
    req->limit = 10;
    req->excerpts = 3;
}

/* ---- JSON pieces ------------------------------------------------------------------------- */

static json_t *field_or_null(const json_t *data, const char *key)
{
    json_t *v = json_object_get(data, key);
    return v && !json_is_null(v) ? json_incref(v) : json_null();
}

static json_t *spans_json(const ps_match *m, size_t n, size_t base)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("[II]", (json_int_t)(m[i].start - base),
                                           (json_int_t)(m[i].end - base)));
    return a;
}

static void html_escape(ps_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': ps_buf_puts(b, "&lt;"); break;
        case '>': ps_buf_puts(b, "&gt;"); break;
        case '&': ps_buf_puts(b, "&amp;"); break;
        case '"': ps_buf_puts(b, "&quot;"); break;
        case '\'': ps_buf_puts(b, "&#39;"); break;
        default: ps_buf_putc(b, s[i]);
        }
    }
}

/* One excerpt: its text, HTML with <mark>s (and … where the text is cut) and match spans. */
static json_t *excerpt_json(const char *body, size_t len, const ps_excerpt *ex, const ps_match *m)
{
    ps_buf html = PS_BUF_INIT;
    if (ex->start > 0)
        ps_buf_puts(&html, "… ");
    size_t at = ex->start;
    for (size_t i = ex->first_match; i < ex->first_match + ex->nmatch; i++) {
        size_t ms = m[i].start < at ? at : m[i].start, me = m[i].end > ex->end ? ex->end : m[i].end;
        if (me <= ms)
            continue;
        html_escape(&html, body + at, ms - at);
        ps_buf_puts(&html, "<mark>");
        html_escape(&html, body + ms, me - ms);
        ps_buf_puts(&html, "</mark>");
        at = me;
    }
    html_escape(&html, body + at, ex->end - at);
    if (ex->end < len)
        ps_buf_puts(&html, " …");
    json_t *o = html.failed ? NULL
                            : json_pack("{s:s%,s:s,s:o,s:I,s:I}", "text", body + ex->start,
                                        ex->end - ex->start, "html", html.data ? html.data : "",
                                        "matches",
                                        spans_json(m ? m + ex->first_match : NULL, ex->nmatch, ex->start),
                                        "start", (json_int_t)ex->start, "end", (json_int_t)ex->end);
    ps_buf_free(&html);
    return o;
}

static int match_order(const void *a, const void *b)
{
    const ps_match *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end;
}

static bool only_space(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

/* Append to *m the matches of the parts of one split compound where they stand as adjacent
 * words in order ("Samordning förbundet" for samordningsförbund). */
static ps_status find_split(ps_searcher *s, const char *text, size_t len, const char *joined,
                            ps_match **m, size_t *nm, ps_error *err)
{
    char *copy = strdup(joined);
    const char *parts[16];
    size_t np = 0;
    for (char *p = copy ? strtok(copy, "\n") : NULL; p && np < 16; p = strtok(NULL, "\n"))
        parts[np++] = p;
    ps_match *pm = NULL;
    size_t npm = 0;
    ps_status st = copy ? ps_highlight_find(s->an, text, len, parts, np, &pm, &npm, err)
                        : nomem(err);
    for (size_t i = 0; st == PS_OK && np >= 2 && i + np <= npm; i++) {
        bool run = pm[i].term == 0;
        for (size_t k = 1; run && k < np; k++)
            run = pm[i + k].term == k && only_space(text, pm[i + k - 1].end, pm[i + k].start);
        if (!run)
            continue;
        ps_match *grown = realloc(*m, (*nm + np) * sizeof *grown);
        if (!grown) {
            st = nomem(err);
            break;
        }
        *m = grown;
        memcpy(*m + *nm, pm + i, np * sizeof *pm);
        *nm += np;
        i += np - 1;
    }
    free(pm);
    free(copy);
    return st;
}

/* The words of text the query matched, in order, without overlaps. */
static ps_status find_matches(ps_searcher *s, const char *text, size_t len, const ps_qbuild *qb,
                              ps_match **m, size_t *nm, ps_error *err)
{
    *m = NULL;
    *nm = 0;
    if (len == 0 || (qb->hl.n == 0 && qb->splits.n == 0))
        return PS_OK;
    ps_status st = qb->hl.n ? ps_highlight_find(s->an, text, len, (const char *const *)qb->hl.v,
                                                qb->hl.n, m, nm, err)
                            : PS_OK;
    for (size_t i = 0; st == PS_OK && i < qb->splits.n; i++)
        st = find_split(s, text, len, qb->splits.v[i], m, nm, err);
    if (st) {
        free(*m);
        *m = NULL;
        *nm = 0;
        return st;
    }
    if (qb->splits.n && *nm > 1) {
        qsort(*m, *nm, sizeof **m, match_order);
        size_t out = 1;
        for (size_t i = 1; i < *nm; i++)
            if ((*m)[i].start >= (*m)[out - 1].end)
                (*m)[out++] = (*m)[i];
        *nm = out;
    }
    return PS_OK;
}

static ps_status excerpts_json(ps_searcher *s, const json_t *data, const ps_qbuild *terms,
                               unsigned max, json_t **out, ps_error *err)
{
    *out = json_array();
    if (!*out)
        return nomem(err);
    const char *body = json_string_value(json_object_get(data, "body"));
    size_t len = body ? json_string_length(json_object_get(data, "body")) : 0;
    if (!body || len == 0)
        return PS_OK;
    ps_match *m = NULL;
    size_t nm = 0;
    ps_excerpt *ex = NULL;
    size_t nex = 0;
    ps_status st = find_matches(s, body, len, terms, &m, &nm, err);
    if (st == PS_OK)
        st = ps_highlight_excerpts(body, len, m, nm, EXCERPT_BYTES, max, &ex, &nex, err);
    for (size_t i = 0; st == PS_OK && i < nex; i++) {
        json_t *e = excerpt_json(body, len, &ex[i], m);
        if (!e || json_array_append_new(*out, e) != 0)
            st = nomem(err);
    }
    free(m);
    free(ex);
    return st;
}

static json_t *document_json(const json_t *data)
{
    json_t *pages = json_object_get(data, "pages");
    return json_pack("{s:o,s:o,s:o,s:o,s:O,s:o,s:o}", "path", field_or_null(data, "path"),
                     "type", field_or_null(data, "type"), "date", field_or_null(data, "date"),
                     "url", field_or_null(data, "url"), "pages",
                     json_is_array(pages) ? pages : json_array(), "paragraf",
                     field_or_null(data, "paragraf"), "dnr", field_or_null(data, "dnr"));
}

static int doc_order(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    const char *dx = json_string_value(json_object_get(x, "date"));
    const char *dy = json_string_value(json_object_get(y, "date"));
    int c = strcmp(dx ? dx : "", dy ? dy : "");
    if (c)
        return c;
    const char *px = json_string_value(json_object_get(x, "path"));
    const char *py = json_string_value(json_object_get(y, "path"));
    return strcmp(px ? px : "", py ? py : "");
}

static ps_status parse_data(const ps_store_hit *h, json_t **out, ps_error *err)
{
    json_error_t jerr;
    *out = json_loadb(h->data, h->data_len, 0, &jerr);
    if (!*out || !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return ps_error_set(err, PS_ERR_INVALID, "document %u has unreadable data: %s",
                            (unsigned)h->docid, jerr.text);
    }
    return PS_OK;
}

/* All documents of the ärende `key` (each a parsed data object), oldest first. */
static ps_status arende_docs(ps_searcher *s, const char *key, json_t **out, ps_error *err)
{
    *out = NULL;
    size_t n = strlen(key) + sizeof PS_PREFIX_KEY;
    char *term = malloc(n);
    if (!term)
        return nomem(err);
    snprintf(term, n, "%s%s", PS_PREFIX_KEY, key);
    ps_store_query *q = ps_store_query_boolean(term);
    free(term);
    if (!q)
        return nomem(err);
    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    opts.limit = MAX_DOCUMENTS;
    ps_store_results *res = NULL;
    ps_status st = ps_store_search(s->store, q, &opts, &res, err);
    ps_store_query_free(q);
    size_t count = st == PS_OK ? ps_store_results_count(res) : 0;
    json_t **docs = count ? calloc(count, sizeof *docs) : NULL;
    if (count && !docs)
        st = nomem(err);
    size_t got = 0;
    for (size_t i = 0; st == PS_OK && i < count; i++)
        if ((st = parse_data(ps_store_results_hit(res, i), &docs[got], err)) == PS_OK)
            got++;
    ps_store_results_free(res);
    if (st == PS_OK) {
        if (got > 1)
            qsort(docs, got, sizeof *docs, doc_order);
        *out = json_array();
        if (!*out)
            st = nomem(err);
    }
    for (size_t i = 0; i < got; i++) {
        if (st == PS_OK && json_array_append_new(*out, docs[i]) != 0)
            st = nomem(err);
        else if (st)
            json_decref(docs[i]);
    }
    free(docs);
    if (st) {
        json_decref(*out);
        *out = NULL;
    }
    return st;
}

static json_t *documents_json(const json_t *docs)
{
    json_t *a = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
        json_array_append_new(a, document_json(d));
    return a;
}

/* A field of the hit's document, else of another document of the ärende that has it (a
 * page of a protokollsutdrag may lack the date its first page has): one of the same type
 * first, then any. */
static json_t *arende_field(const json_t *data, const json_t *docs, const char *key)
{
    json_t *v = json_object_get(data, key);
    if (json_is_string(v))
        return json_incref(v);
    const char *type = json_string_value(json_object_get(data, "type"));
    for (int pass = 0; pass < 2; pass++) {
        size_t i;
        json_t *d;
        json_array_foreach(docs, i, d) {
            const char *t = json_string_value(json_object_get(d, "type"));
            if (pass == 0 && (!type || !t || strcmp(type, t) != 0))
                continue;
            v = json_object_get(d, key);
            if (json_is_string(v))
                return json_incref(v);
        }
    }
    return json_null();
}

/* One hit. In date order its date is its own document's (the sort key), else the ärende's. */
static ps_status hit_json(ps_searcher *s, const ps_store_hit *h, unsigned rank, const ps_qbuild *hl,
                          unsigned nexcerpts, bool own_date, json_t **out, ps_error *err)
{
    *out = NULL;
    json_t *data = NULL, *docs = NULL, *excerpts = NULL;
    ps_status st = parse_data(h, &data, err);
    const char *key = st == PS_OK ? json_string_value(json_object_get(data, "key")) : NULL;
    if (st == PS_OK)
        st = arende_docs(s, key ? key : h->collapse_key, &docs, err);
    if (st == PS_OK)
        st = excerpts_json(s, data, hl, nexcerpts, &excerpts, err);
    const char *title = json_string_value(json_object_get(data, "title"));
    ps_match *tm = NULL;
    size_t ntm = 0;
    if (st == PS_OK && title)
        st = find_matches(s, title, strlen(title), hl, &tm, &ntm, err);
    if (st == PS_OK) {
        *out = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:f,s:I,s:o,s:o,s:o}",
                         "key", field_or_null(data, "key"), "dnr", arende_field(data, docs, "dnr"),
                         "paragraf", arende_field(data, docs, "paragraf"), "title",
                         arende_field(data, docs, "title"), "date",
                         own_date ? field_or_null(data, "date") : arende_field(data, docs, "date"),
                         "namnd", arende_field(data, docs, "namnd"), "kommun",
                         arende_field(data, docs, "kommun"), "type", field_or_null(data, "type"),
                         "score", h->weight, "rank", (json_int_t)rank, "excerpts", excerpts,
                         "documents", documents_json(docs), "title_matches", spans_json(tm, ntm, 0));
        excerpts = NULL;
        if (!*out)
            st = nomem(err);
    }
    free(tm);
    json_decref(excerpts);
    json_decref(docs);
    json_decref(data);
    return st;
}

/* ---- facets ------------------------------------------------------------------------------ */

static void facets_add(json_t *facets, const ps_store_results *res)
{
    for (size_t f = 0; f < NFACETS; f++) {
        json_t *list = json_object_get(facets, facet_names[f]);
        size_t n = ps_store_results_facet_count(res, f);
        for (size_t j = 0; j < n; j++) {
            const ps_store_facet_value *v = ps_store_results_facet(res, f, j);
            if (!v->value || !*v->value)
                continue;
            size_t i;
            json_t *e;
            bool merged = false;
            json_array_foreach(list, i, e) {
                if (strcmp(json_string_value(json_object_get(e, "value")), v->value) == 0) {
                    json_integer_set(json_object_get(e, "count"),
                                     json_integer_value(json_object_get(e, "count")) + v->count);
                    merged = true;
                }
            }
            if (!merged)
                json_array_append_new(list, json_pack("{s:s,s:I}", "value", v->value, "count",
                                                      (json_int_t)v->count));
        }
    }
}

static int facet_order(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t cx = json_integer_value(json_object_get(x, "count"));
    json_int_t cy = json_integer_value(json_object_get(y, "count"));
    if (cx != cy)
        return cx > cy ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x, "value")),
                  json_string_value(json_object_get(y, "value")));
}

/* Most frequent first, then by value, so the order is stable. */
static void facets_sort(json_t *facets)
{
    for (size_t f = 0; f < NFACETS; f++) {
        json_t *list = json_object_get(facets, facet_names[f]);
        size_t n = json_array_size(list);
        json_t **v = n ? malloc(n * sizeof *v) : NULL;
        if (!v)
            continue;
        for (size_t i = 0; i < n; i++)
            v[i] = json_incref(json_array_get(list, i));
        qsort(v, n, sizeof *v, facet_order);
        json_array_clear(list);
        for (size_t i = 0; i < n; i++)
            json_array_append_new(list, v[i]);
        free(v);
    }
}

static json_t *facets_new(void)
{
    return json_pack("{s:[],s:[],s:[],s:[]}", facet_names[0], facet_names[1], facet_names[2],
                     facet_names[3]);
}

/* ---- running a search -------------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

typedef struct {
    ps_searcher *s;
    const ps_search_request *req;
    ps_query *query;
    ps_qnode *filters[4]; /* the request's own filters */
    size_t nfilters;
    ps_qbuild qb;
} run_state;

static void run_free(run_state *r)
{
    ps_query_free(r->query);
    for (size_t i = 0; i < r->nfilters; i++)
        ps_qnode_free(r->filters[i]);
    ps_qbuild_free(&r->qb);
}

static ps_status add_request_filter(run_state *r, ps_qfield field, const char *value,
                                    const char *name, ps_error *err)
{
    if (!value || !*value)
        return PS_OK;
    ps_status st = ps_query_filter_node(field, value, &r->filters[r->nfilters], err);
    if (st) {
        char msg[PS_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", err->message);
        return ps_error_set(err, st == PS_ERR_QUERY ? PS_ERR_INVALID : st, "%s: %s", name, msg);
    }
    r->nfilters++;
    return PS_OK;
}

/* q restricted by the request's filters (takes q). */
static ps_status apply_filters(run_state *r, ps_store_query **q, ps_error *err)
{
    for (size_t i = 0; i < r->nfilters; i++) {
        ps_store_query *f;
        ps_status st = ps_qbuild_node(&r->qb, r->filters[i], &f, err);
        if (st) {
            ps_store_query_free(*q);
            *q = NULL;
            return st;
        }
        *q = ps_store_query_filter(*q, f);
        if (!*q)
            return nomem(err);
    }
    return PS_OK;
}

/* The query's store query: the words (match-all when none), the request filters, without the
 * dnr ärenden already listed. */
static ps_status main_query(run_state *r, bool or_mode, ps_store_query **out, ps_error *err)
{
    *out = NULL;
    ps_qbuild_free(&r->qb);
    memset(&r->qb, 0, sizeof r->qb);
    r->qb.s = r->s;
    r->qb.or_mode = or_mode;
    r->qb.text = r->req->q ? r->req->q : "";
    ps_store_query *q = NULL;
    ps_status st = ps_qbuild_node(&r->qb, r->query->root, &q, err);
    if (st == PS_OK && !q && r->query->root) {
        /* only stop words ("och"): search for them after all */
        ps_qbuild_free(&r->qb);
        r->qb = (ps_qbuild){.s = r->s, .or_mode = or_mode, .keep_stopwords = true, .text = r->qb.text};
        st = ps_qbuild_node(&r->qb, r->query->root, &q, err);
    }
    if (st)
        return st;
    if (!q && !(q = ps_store_query_match_all()))
        return nomem(err);
    if ((st = apply_filters(r, &q, err)) != PS_OK)
        return st;
    *out = q;
    return PS_OK;
}

/* Date order when asked for, and for an empty query (relevance means nothing there). */
static bool by_date(const run_state *r)
{
    return r->req->sort == PS_SEARCH_SORT_DATE || !r->query->root;
}

typedef enum {
    COUNT_ESTIMATE, /* Xapian's estimate of the collapsed matches */
    COUNT_EXACT,    /* also count the ärenden exactly (every match is checked) */
    COUNT_FACETS    /* and count facet values */
} count_mode;

static void search_opts(const run_state *r, ps_store_search_opts *o, uint32_t offset, uint32_t limit,
                        count_mode count)
{
    ps_store_search_opts_init(o);
    o->offset = offset;
    o->limit = limit;
    o->collapse_slot = PS_SLOT_KEY;
    if (by_date(r)) {
        o->sort = r->req->ascending ? PS_SORT_VALUE_ASC : PS_SORT_VALUE_DESC;
        o->sort_slot = PS_SLOT_DATE;
    }
    if (count == COUNT_FACETS) {
        o->facet_slots = facet_slots;
        o->nfacets = NFACETS + 1;
    } else if (count == COUNT_EXACT) {
        o->facet_slots = facet_slots + NFACETS;
        o->nfacets = 1;
    }
}

/* q restricted to documents with the boolean term `also` (NULL: unchanged). Takes q. */
static ps_status restrict_to(ps_store_query **q, const char *also, ps_error *err)
{
    if (!also || !*q)
        return PS_OK;
    ps_store_query *f = ps_store_query_boolean(also);
    *q = f ? ps_store_query_filter(*q, f) : (ps_store_query_free(*q), NULL);
    return *q ? PS_OK : nomem(err);
}

/* The ärenden whose diarienummer the whole query is, newest document first. */
static ps_status dnr_hits(run_state *r, const char *also, count_mode count, ps_store_results **res,
                          ps_error *err)
{
    *res = NULL;
    size_t n = strlen(r->query->dnr) + sizeof PS_PREFIX_DNR;
    char *term = malloc(n);
    if (!term)
        return nomem(err);
    snprintf(term, n, "%s%s", PS_PREFIX_DNR, r->query->dnr);
    ps_store_query *q = ps_store_query_boolean(term);
    free(term);
    if (!q)
        return nomem(err);
    ps_status st = apply_filters(r, &q, err);
    if (st == PS_OK)
        st = restrict_to(&q, also, err);
    if (st)
        return st;
    ps_store_search_opts o;
    search_opts(r, &o, 0, DNR_HITS_MAX, count);
    o.sort = PS_SORT_VALUE_DESC;
    o.sort_slot = PS_SLOT_DATE;
    st = ps_store_search(r->s->store, q, &o, res, err);
    ps_store_query_free(q);
    return st;
}

/* AND_NOT the ärenden of res from q (takes q). */
static ps_status exclude_keys(ps_store_query **q, const ps_store_results *res, ps_error *err)
{
    size_t n = ps_store_results_count(res);
    if (n == 0)
        return PS_OK;
    ps_store_query **subs = calloc(n, sizeof *subs);
    if (!subs) {
        ps_store_query_free(*q);
        *q = NULL;
        return nomem(err);
    }
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const char *key = ps_store_results_hit(res, i)->collapse_key;
        size_t len = strlen(key) + sizeof PS_PREFIX_KEY;
        char *term = malloc(len);
        if (term)
            snprintf(term, len, "%s%s", PS_PREFIX_KEY, key);
        subs[i] = term ? ps_store_query_boolean(term) : NULL;
        ok = ok && subs[i];
        free(term);
    }
    ps_store_query *any = NULL;
    if (ok)
        any = n == 1 ? subs[0] : ps_store_query_or(subs, n);
    else
        for (size_t i = 0; i < n; i++)
            ps_store_query_free(subs[i]);
    free(subs);
    *q = any ? ps_store_query_and_not(*q, any) : (ps_store_query_free(*q), NULL);
    return *q ? PS_OK : nomem(err);
}

/* One page [offset, offset+limit) of the request's answer, restricted to `also` when given:
 * the dnr ärenden first (when the whole query is a diarienummer), then the text results
 * without them. *dres may be NULL. */
typedef struct {
    ps_store_results *dres, *res;
    count_mode count;
} pages;

static void pages_free(pages *p)
{
    ps_store_results_free(p->dres);
    ps_store_results_free(p->res);
    p->dres = p->res = NULL;
}

static size_t pages_ndnr(const pages *p)
{
    return p->dres ? ps_store_results_count(p->dres) : 0;
}

static uint32_t pages_total(const pages *p)
{
    uint32_t text = 0;
    if (p->res && p->count == COUNT_ESTIMATE)
        text = ps_store_results_estimate(p->res);
    else if (p->res) /* the distinct keys */
        text = (uint32_t)ps_store_results_facet_count(p->res, p->count == COUNT_FACETS ? NFACETS : 0);
    return (uint32_t)pages_ndnr(p) + text;
}

static bool pages_exact(const pages *p)
{
    return p->count != COUNT_ESTIMATE ||
           ps_store_results_lower_bound(p->res) == ps_store_results_upper_bound(p->res);
}

static ps_status run_pages(run_state *r, bool or_mode, const char *also, uint32_t offset,
                           uint32_t limit, count_mode count, pages *out, ps_error *err)
{
    memset(out, 0, sizeof *out);
    out->count = count;
    ps_status st = r->query->dnr ? dnr_hits(r, also, count, &out->dres, err) : PS_OK;
    size_t ndnr = pages_ndnr(out);
    ps_store_query *q = NULL;
    if (st == PS_OK)
        st = main_query(r, or_mode, &q, err);
    if (st == PS_OK)
        st = restrict_to(&q, also, err);
    if (st == PS_OK && out->dres)
        st = exclude_keys(&q, out->dres, err);
    if (st == PS_OK) {
        ps_store_search_opts o;
        uint32_t off = offset > ndnr ? (uint32_t)(offset - ndnr) : 0;
        size_t from_dnr = offset < ndnr ? ndnr - offset : 0;
        search_opts(r, &o, off, from_dnr >= limit ? 0 : (uint32_t)(limit - from_dnr), count);
        st = ps_store_search(r->s->store, q, &o, &out->res, err);
    }
    ps_store_query_free(q);
    if (st)
        pages_free(out);
    return st;
}

static ps_status validate(const ps_search_request *req, ps_error *err)
{
    if (req->limit > 100)
        return ps_error_set(err, PS_ERR_INVALID, "limit %u is out of range: 1..100", req->limit);
    if (req->offset > 10000)
        return ps_error_set(err, PS_ERR_INVALID, "offset %u is out of range: 0..10000", req->offset);
    return PS_OK;
}

static ps_status hits_append(run_state *r, json_t *hits, const ps_store_results *res, size_t from,
                             size_t count, unsigned rank0, ps_error *err)
{
    unsigned nexc = r->req->excerpts ? r->req->excerpts : 3;
    if (nexc > 10)
        nexc = 10;
    for (size_t i = from; i < from + count && i < ps_store_results_count(res); i++) {
        json_t *h;
        ps_status st = hit_json(r->s, ps_store_results_hit(res, i), rank0 + (unsigned)(i - from),
                                &r->qb, nexc, by_date(r), &h, err);
        if (st)
            return st;
        if (json_array_append_new(hits, h) != 0)
            return nomem(err);
    }
    return PS_OK;
}

static json_t *fallback_note(const run_state *r)
{
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, "Visar resultat för något av orden ");
    for (size_t i = 0; i < r->qb.soft.n; i++)
        ps_buf_printf(&b, "%s\"%s\"", i == 0 ? "" : i + 1 == r->qb.soft.n ? " eller " : ", ",
                      r->qb.soft.v[i]);
    ps_buf_puts(&b, " (inga träffar på alla ord)");
    json_t *s = b.failed ? json_null() : json_string(b.data);
    ps_buf_free(&b);
    return s;
}

static json_t *strv_json(const ps_strv *sv)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < sv->n; i++)
        json_array_append_new(a, json_string(sv->v[i]));
    return a;
}

/* Facet counts of ärenden (not documents): the store counts the documents per value; each of
 * the most frequent values is then counted again as ärenden, so a count is exactly the total
 * the same search filtered on that value gives. */
static ps_status facets_json(run_state *r, bool or_mode, const pages *p, json_t **out, ps_error *err)
{
    static const char *const prefixes[] = {PS_PREFIX_KOMMUN, PS_PREFIX_NAMND, PS_PREFIX_YEAR,
                                           PS_PREFIX_TYPE};
    *out = NULL;
    json_t *docs = facets_new(), *res = facets_new();
    ps_status st = docs && res ? PS_OK : nomem(err);
    if (st == PS_OK) {
        if (p->dres)
            facets_add(docs, p->dres);
        facets_add(docs, p->res);
        facets_sort(docs);
    }
    for (size_t f = 0; st == PS_OK && f < NFACETS; f++) {
        json_t *list = json_object_get(docs, facet_names[f]);
        for (size_t i = 0; st == PS_OK && i < json_array_size(list) && i < FACET_VALUES_MAX; i++) {
            const char *value = json_string_value(json_object_get(json_array_get(list, i), "value"));
            char *folded = ps_query_fold(value, strlen(value));
            size_t n = (folded ? strlen(folded) : 0) + 3;
            char *term = folded ? malloc(n) : NULL;
            if (!term) {
                free(folded);
                st = nomem(err);
                break;
            }
            snprintf(term, n, "%s%s", prefixes[f], folded);
            pages c;
            st = run_pages(r, or_mode, term, 0, 0, COUNT_EXACT, &c, err);
            if (st == PS_OK && pages_total(&c) > 0 &&
                json_array_append_new(json_object_get(res, facet_names[f]),
                                      json_pack("{s:s,s:I}", "value", value, "count",
                                                (json_int_t)pages_total(&c))) != 0)
                st = nomem(err);
            if (st == PS_OK)
                pages_free(&c);
            free(term);
            free(folded);
        }
    }
    json_decref(docs);
    if (st) {
        json_decref(res);
        return st;
    }
    facets_sort(res);
    *out = res;
    return PS_OK;
}

static ps_status add_request_filters(run_state *r, const ps_search_request *req, ps_error *err)
{
    ps_status st = add_request_filter(r, PS_QFIELD_KOMMUN, req->kommun, "kommun", err);
    if (st == PS_OK)
        st = add_request_filter(r, PS_QFIELD_NAMND, req->namnd, "nämnd", err);
    if (st == PS_OK)
        st = add_request_filter(r, PS_QFIELD_TYP, req->typ, "typ", err);
    if (st == PS_OK && ((req->from && *req->from) || (req->to && *req->to))) {
        char range[64];
        snprintf(range, sizeof range, "%.20s..%.20s", req->from ? req->from : "",
                 req->to ? req->to : "");
        st = add_request_filter(r, PS_QFIELD_DATUM, range, "datum", err);
    }
    return st;
}

ps_status ps_search_run(ps_searcher *s, const ps_search_request *req, json_t **out, ps_error *err)
{
    *out = NULL;
    ps_error_clear(err);
    double t0 = now_ms();
    ps_status st = validate(req, err);
    if (st)
        return st;
    unsigned limit = req->limit ? req->limit : 10;
    const char *q = req->q ? req->q : "";
    run_state r = {.s = s, .req = req, .qb = {.s = s, .text = q}};
    st = ps_query_parse(q, strlen(q), &r.query, err);
    if (st == PS_OK)
        st = add_request_filters(&r, req, err);

    /* AND, else the OR fallback */
    bool fallback = false;
    pages p = {0};
    count_mode count = req->facets ? COUNT_FACETS : COUNT_ESTIMATE;
    if (st == PS_OK)
        st = run_pages(&r, false, NULL, req->offset, limit, count, &p, err);
    if (st == PS_OK && pages_total(&p) == 0 && ps_store_results_count(p.res) == 0 &&
        ps_qbuild_can_fall_back(r.query->root)) {
        pages_free(&p);
        fallback = true;
        st = run_pages(&r, true, NULL, req->offset, limit, count, &p, err);
    }
    /* Xapian's collapsed count is an estimate; count exactly when that is cheap enough */
    uint32_t total = st == PS_OK ? pages_total(&p) : 0;
    bool exact = st == PS_OK && pages_exact(&p);
    if (st == PS_OK && !exact && ps_store_results_upper_bound(p.res) <= EXACT_COUNT_MAX) {
        pages c;
        st = run_pages(&r, fallback, NULL, 0, 0, COUNT_EXACT, &c, err);
        if (st == PS_OK) {
            total = pages_total(&c);
            exact = true;
            pages_free(&c);
        }
    }
    json_t *facets = NULL;
    if (st == PS_OK && req->facets)
        st = facets_json(&r, fallback, &p, &facets, err);

    json_t *hits = json_array();
    if (st == PS_OK && !hits)
        st = nomem(err);
    size_t ndnr = pages_ndnr(&p);
    if (st == PS_OK && req->offset < ndnr)
        st = hits_append(&r, hits, p.dres, req->offset, limit, req->offset + 1, err);
    if (st == PS_OK) {
        size_t from_dnr = json_array_size(hits);
        st = hits_append(&r, hits, p.res, 0, limit - from_dnr, req->offset + 1 + (unsigned)from_dnr,
                         err);
    }
    if (st == PS_OK) {
        if (fallback)
            r.query->root->kind = PS_QNODE_OR;
        char *parsed = ps_query_describe(r.query);
        *out = json_pack("{s:s,s:s?,s:o,s:o,s:I,s:b,s:I,s:I,s:f,s:s,s:s,s:o,s:O,s:O,s:s?}",
                         "query", q, "parsed", parsed,
                         "fallback", fallback ? json_string("or") : json_null(),
                         "note", fallback ? fallback_note(&r) : json_null(),
                         "total", (json_int_t)total, "total_exact", exact,
                         "offset", (json_int_t)req->offset, "limit", (json_int_t)limit,
                         "took_ms", now_ms() - t0,
                         "sort", by_date(&r) ? "datum" : "relevans",
                         "order", by_date(&r) && req->ascending ? "asc" : "desc",
                         "ignored", strv_json(&r.qb.ignored), "hits", hits,
                         "facets", facets ? facets : json_null(), "dnr", r.query->dnr);
        free(parsed);
        if (!*out)
            st = nomem(err);
    }
    json_decref(hits);
    json_decref(facets);
    pages_free(&p);
    run_free(&r);
    return st;
}

/* ---- one ärende, facets, info ------------------------------------------------------------ */

/* The document to show an ärende from: its protokoll (the decision), else the longest text. */
static const json_t *main_document(const json_t *docs)
{
    const json_t *best = NULL;
    size_t best_len = 0, i;
    json_t *d;
    json_array_foreach(docs, i, d) {
        const char *type = json_string_value(json_object_get(d, "type"));
        if (type && strcmp(type, "protokoll") == 0)
            return d;
        size_t len = json_string_length(json_object_get(d, "body"));
        if (!best || len > best_len) {
            best = d;
            best_len = len;
        }
    }
    return best;
}

/* The analyzer terms q matches (for marking a text), without running it. */
static ps_status highlight_terms(ps_searcher *s, const char *q, ps_qbuild *qb, ps_error *err)
{
    memset(qb, 0, sizeof *qb);
    qb->s = s;
    qb->text = q ? q : "";
    if (!q || !*q)
        return PS_OK;
    ps_query *query = NULL;
    ps_status st = ps_query_parse(q, strlen(q), &query, err);
    ps_store_query *sq = NULL;
    if (st == PS_OK)
        st = ps_qbuild_node(qb, query->root, &sq, err);
    ps_store_query_free(sq);
    ps_query_free(query);
    return st;
}

static json_t *copy_or_empty_array(const json_t *data, const char *key)
{
    json_t *v = json_object_get(data, key);
    return json_is_array(v) ? json_deep_copy(v) : json_array();
}

ps_status ps_search_arende(ps_searcher *s, const char *key, const char *q, json_t **out,
                           ps_error *err)
{
    *out = NULL;
    ps_error_clear(err);
    if (!key || !*key)
        return ps_error_set(err, PS_ERR_INVALID, "no ärende key given");
    json_t *docs = NULL;
    ps_qbuild qb;
    ps_status st = highlight_terms(s, q, &qb, err);
    if (st == PS_OK)
        st = arende_docs(s, key, &docs, err);
    if (st == PS_OK && json_array_size(docs) == 0)
        st = ps_error_set(err, PS_ERR_NOT_FOUND, "no ärende with key %s in the index", key);
    const json_t *d = st == PS_OK ? main_document(docs) : NULL;
    const char *body = d ? json_string_value(json_object_get(d, "body")) : NULL;
    const char *title = d ? json_string_value(json_object_get(d, "title")) : NULL;
    ps_match *bm = NULL, *tm = NULL;
    size_t nbm = 0, ntm = 0;
    if (st == PS_OK && body)
        st = find_matches(s, body, json_string_length(json_object_get(d, "body")), &qb, &bm,
                          &nbm, err);
    if (st == PS_OK && title)
        st = find_matches(s, title, strlen(title), &qb, &tm, &ntm, err);
    if (st == PS_OK) {
        *out = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
                         "key", field_or_null(d, "key"), "dnr", field_or_null(d, "dnr"),
                         "paragraf", field_or_null(d, "paragraf"), "title", field_or_null(d, "title"),
                         "date", field_or_null(d, "date"), "namnd", field_or_null(d, "namnd"),
                         "kommun", field_or_null(d, "kommun"), "type", field_or_null(d, "type"),
                         "handlaggare", field_or_null(d, "handlaggare"), "path",
                         field_or_null(d, "path"), "url", field_or_null(d, "url"), "body",
                         field_or_null(d, "body"), "sections", copy_or_empty_array(d, "sections"),
                         "refs", copy_or_empty_array(d, "refs"), "matches", spans_json(bm, nbm, 0),
                         "title_matches", spans_json(tm, ntm, 0), "terms", strv_json(&qb.hl),
                         "documents", documents_json(docs));
        if (!*out)
            st = nomem(err);
    }
    free(bm);
    free(tm);
    json_decref(docs);
    ps_qbuild_free(&qb);
    return st;
}

ps_status ps_search_facets(ps_searcher *s, json_t **out, ps_error *err)
{
    *out = NULL;
    ps_search_request req;
    ps_search_request_init(&req);
    req.facets = true;
    req.limit = 1;
    json_t *res = NULL;
    ps_status st = ps_search_run(s, &req, &res, err);
    if (st)
        return st;
    *out = json_incref(json_object_get(res, "facets"));
    json_decref(res);
    return PS_OK;
}

static bool count_term(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    (void)term;
    (void)len;
    (void)termfreq;
    (*(uint64_t *)ctx)++;
    return true;
}

ps_status ps_search_info(ps_searcher *s, json_t **out, ps_error *err)
{
    *out = NULL;
    ps_error_clear(err);
    uint32_t docs = 0;
    uint64_t arenden = 0, nterms = 0, disk = 0, revision = 0;
    char *meta[3] = {NULL, NULL, NULL};
    static const char *const keys[3] = {PS_META_LAST_RUN, PS_META_LEXICON, PS_META_SCHEMA};
    ps_status st = ps_store_doccount(s->store, &docs, err);
    if (st == PS_OK)
        st = ps_store_each_term(s->store, PS_PREFIX_KEY, count_term, &arenden, err);
    if (st == PS_OK)
        st = ps_store_stats(s->store, &nterms, &disk, err);
    if (st == PS_OK)
        st = ps_store_revision(s->store, &revision, err);
    for (size_t i = 0; st == PS_OK && i < 3; i++)
        st = ps_store_get_metadata(s->store, keys[i], &meta[i], err);
    if (st == PS_OK) {
        *out = json_pack("{s:I,s:I,s:I,s:I,s:s,s:s,s:s,s:I,s:s,s:s}", "documents", (json_int_t)docs,
                         "arenden", (json_int_t)arenden, "terms", (json_int_t)nterms,
                         "disk_bytes", (json_int_t)disk, "last_run", meta[0], "lexicon", meta[1],
                         "schema", meta[2], "revision", (json_int_t)revision, "version", PS_VERSION,
                         "path", s->path);
        if (!*out)
            st = nomem(err);
    }
    for (size_t i = 0; i < 3; i++)
        free(meta[i]);
    return st;
}
