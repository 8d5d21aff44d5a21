/*
 * search/hits.c — the JSON of search results: one hit (its ärende's metadata, documents and
 * highlighted excerpts), the documents of an ärende, the words a query matched in a text
 * (highlight.h, plus compound parts standing as adjacent words), and facet lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/buf.h"
#include "protokollsok/highlight.h"
#include "protokollsok/schema.h"
#include "internal.h"

#define EXCERPT_BYTES 200
#define MAX_DOCUMENTS 100

/* The facets, then the key: its number of distinct values is the exact number of ärenden. */
const unsigned ps_search_facet_slots[PS_SEARCH_NFACETS + 1] = {
    PS_SLOT_KOMMUN_KEY, PS_SLOT_NAMND_KEY, PS_SLOT_YEAR_KEY, PS_SLOT_TYPE_KEY, PS_SLOT_KEY};
const char *const ps_search_facet_names[PS_SEARCH_NFACETS] = {"kommun", "namnd", "year", "type"};

json_t *ps_search_field_or_null(const json_t *data, const char *key)
{
    json_t *v = json_object_get(data, key);
    return v && !json_is_null(v) ? json_incref(v) : json_null();
}

json_t *ps_search_spans_json(const ps_match *m, size_t n, size_t base)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(
            a, json_pack("[II]", (json_int_t)(m[i].start - base), (json_int_t)(m[i].end - base)));
    return a;
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
        ps_buf_append_html(&html, body + at, ms - at);
        ps_buf_puts(&html, "<mark>");
        ps_buf_append_html(&html, body + ms, me - ms);
        ps_buf_puts(&html, "</mark>");
        at = me;
    }
    ps_buf_append_html(&html, body + at, ex->end - at);
    if (ex->end < len)
        ps_buf_puts(&html, " …");
    json_t *o =
        html.failed
            ? NULL
            : json_pack("{s:s%,s:s,s:o,s:I,s:I}", "text", body + ex->start, ex->end - ex->start,
                        "html", html.data ? html.data : "", "matches",
                        ps_search_spans_json(m ? m + ex->first_match : NULL, ex->nmatch, ex->start),
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
                        : ps_search_nomem(err);
    for (size_t i = 0; st == PS_OK && np >= 2 && i + np <= npm; i++) {
        bool run = pm[i].term == 0;
        for (size_t k = 1; run && k < np; k++)
            run = pm[i + k].term == k && only_space(text, pm[i + k - 1].end, pm[i + k].start);
        if (!run)
            continue;
        ps_match *grown = realloc(*m, (*nm + np) * sizeof *grown);
        if (!grown) {
            st = ps_search_nomem(err);
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
ps_status ps_search_find_matches(ps_searcher *s, const char *text, size_t len, const ps_qbuild *qb,
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
        return ps_search_nomem(err);
    if (max == 0) /* an export: no excerpts */
        return PS_OK;
    const char *body = json_string_value(json_object_get(data, "body"));
    size_t len = body ? json_string_length(json_object_get(data, "body")) : 0;
    if (!body || len == 0)
        return PS_OK;
    ps_match *m = NULL;
    size_t nm = 0;
    ps_excerpt *ex = NULL;
    size_t nex = 0;
    ps_status st = ps_search_find_matches(s, body, len, terms, &m, &nm, err);
    if (st == PS_OK)
        st = ps_highlight_excerpts(body, len, m, nm, EXCERPT_BYTES, max, &ex, &nex, err);
    for (size_t i = 0; st == PS_OK && i < nex; i++) {
        json_t *e = excerpt_json(body, len, &ex[i], m);
        if (!e || json_array_append_new(*out, e) != 0)
            st = ps_search_nomem(err);
    }
    free(m);
    free(ex);
    return st;
}

static json_t *document_json(const json_t *data)
{
    json_t *pages = json_object_get(data, "pages");
    json_t *d = json_pack(
        "{s:o,s:o,s:o,s:o,s:O,s:o,s:o}", "path", ps_search_field_or_null(data, "path"), "type",
        ps_search_field_or_null(data, "type"), "date", ps_search_field_or_null(data, "date"), "url",
        ps_search_field_or_null(data, "url"), "pages", json_is_array(pages) ? pages : json_array(),
        "paragraf", ps_search_field_or_null(data, "paragraf"), "dnr",
        ps_search_field_or_null(data, "dnr"));
    /* Text machine-read from a scan (index --ocr) says so. */
    if (d && json_is_true(json_object_get(data, "ocr")))
        json_object_set_new(d, "ocr", json_true());
    return d;
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

ps_status ps_search_parse_data(const ps_store_hit *h, json_t **out, ps_error *err)
{
    json_error_t jerr = {.text = "no body after the JSON"};
    const char *sep = memchr(h->data, '\0', h->data_len);
    *out = sep ? json_loadb(h->data, (size_t)(sep - h->data), 0, &jerr) : NULL;
    json_t *body = NULL;
    if (*out && json_is_object(*out)) {
        snprintf(jerr.text, sizeof jerr.text, "the body is not UTF-8");
        body = json_stringn(sep + 1, h->data_len - (size_t)(sep + 1 - h->data));
    }
    if (!body || json_object_set_new(*out, "body", body) != 0) {
        json_decref(*out);
        *out = NULL;
        return ps_error_set(err, PS_ERR_INVALID, "document %u has unreadable data: %s",
                            (unsigned)h->docid, jerr.text);
    }
    return PS_OK;
}

/* All documents of the ärende `key` (each a parsed data object), oldest first; document
 * known_id's is known_data (already parsed: a hit's own document is not parsed twice). */
ps_status ps_search_arende_docs(ps_searcher *s, const char *key, ps_docid known_id,
                                json_t *known_data, json_t **out, ps_error *err)
{
    *out = NULL;
    size_t n = strlen(key) + sizeof PS_PREFIX_KEY;
    char *term = malloc(n);
    if (!term)
        return ps_search_nomem(err);
    snprintf(term, n, "%s%s", PS_PREFIX_KEY, key);
    ps_store_query *q = ps_store_query_boolean(term);
    free(term);
    if (!q)
        return ps_search_nomem(err);
    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    opts.limit = MAX_DOCUMENTS;
    ps_store_results *res = NULL;
    ps_status st = ps_store_search(s->store, q, &opts, &res, err);
    ps_store_query_free(q);
    size_t count = st == PS_OK ? ps_store_results_count(res) : 0;
    json_t **docs = count ? calloc(count, sizeof *docs) : NULL;
    if (count && !docs)
        st = ps_search_nomem(err);
    size_t got = 0;
    for (size_t i = 0; st == PS_OK && i < count; i++) {
        const ps_store_hit *h = ps_store_results_hit(res, i);
        if (known_data && h->docid == known_id)
            docs[got++] = json_incref(known_data);
        else if ((st = ps_search_parse_data(h, &docs[got], err)) == PS_OK)
            got++;
    }
    ps_store_results_free(res);
    if (st == PS_OK) {
        if (got > 1)
            qsort(docs, got, sizeof *docs, doc_order);
        *out = json_array();
        if (!*out)
            st = ps_search_nomem(err);
    }
    for (size_t i = 0; i < got; i++) {
        if (st == PS_OK && json_array_append_new(*out, docs[i]) != 0)
            st = ps_search_nomem(err);
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

json_t *ps_search_documents_json(const json_t *docs)
{
    json_t *a = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d) json_array_append_new(a, document_json(d));
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
        json_array_foreach(docs, i, d)
        {
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

/* The weight to 10 significant digits: over shards Xapian may add a document's term weights in
 * another order (its OR trees follow each shard's term frequencies), which moves the last bits;
 * the answer is then the same as one database's. */
static double score_shown(double w)
{
    char text[32];
    snprintf(text, sizeof text, "%.10g", w);
    return strtod(text, NULL);
}

/* One hit. In date order its date is its own document's (the sort key), else the ärende's. */
ps_status ps_search_hit_json(ps_searcher *s, const ps_store_hit *h, unsigned rank,
                             const ps_qbuild *hl, unsigned nexcerpts, bool own_date, json_t **out,
                             ps_error *err)
{
    *out = NULL;
    json_t *data = NULL, *docs = NULL, *excerpts = NULL;
    ps_status st = ps_search_parse_data(h, &data, err);
    const char *key = st == PS_OK ? json_string_value(json_object_get(data, "key")) : NULL;
    if (st == PS_OK)
        st = ps_search_arende_docs(s, key ? key : h->collapse_key, h->docid, data, &docs, err);
    if (st == PS_OK)
        st = excerpts_json(s, data, hl, nexcerpts, &excerpts, err);
    const char *title = json_string_value(json_object_get(data, "title"));
    ps_match *tm = NULL;
    size_t ntm = 0;
    if (st == PS_OK && title)
        st = ps_search_find_matches(s, title, strlen(title), hl, &tm, &ntm, err);
    if (st == PS_OK) {
        *out = json_pack(
            "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:f,s:I,s:o,s:o,s:o}", "key",
            ps_search_field_or_null(data, "key"), "dnr", arende_field(data, docs, "dnr"),
            "paragraf", arende_field(data, docs, "paragraf"), "title",
            arende_field(data, docs, "title"), "date",
            own_date ? ps_search_field_or_null(data, "date") : arende_field(data, docs, "date"),
            "namnd", arende_field(data, docs, "namnd"), "kommun",
            arende_field(data, docs, "kommun"), "type", ps_search_field_or_null(data, "type"),
            "score", score_shown(h->weight), "rank", (json_int_t)rank, "excerpts", excerpts, "documents",
            ps_search_documents_json(docs), "title_matches", ps_search_spans_json(tm, ntm, 0));
        excerpts = NULL;
        if (!*out)
            st = ps_search_nomem(err);
    }
    free(tm);
    json_decref(excerpts);
    json_decref(docs);
    json_decref(data);
    return st;
}

/* ---- facets ------------------------------------------------------------------------------ */

void ps_search_facets_add(json_t *facets, const ps_store_results *res)
{
    for (size_t f = 0; f < PS_SEARCH_NFACETS; f++) {
        json_t *list = json_object_get(facets, ps_search_facet_names[f]);
        size_t n = ps_store_results_facet_count(res, f);
        size_t before = json_array_size(list); /* res's own values are distinct */
        for (size_t j = 0; j < n; j++) {
            const ps_store_facet_value *v = ps_store_results_facet(res, f, j);
            if (!v->value || !*v->value)
                continue;
            bool merged = false;
            for (size_t i = 0; i < before; i++) {
                json_t *e = json_array_get(list, i);
                if (strcmp(json_string_value(json_object_get(e, "value")), v->value) == 0) {
                    json_integer_set(json_object_get(e, "count"),
                                     json_integer_value(json_object_get(e, "count")) + v->count);
                    merged = true;
                }
            }
            if (!merged)
                json_array_append_new(
                    list, json_pack("{s:s,s:I}", "value", v->value, "count", (json_int_t)v->count));
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
void ps_search_facets_sort(json_t *facets)
{
    for (size_t f = 0; f < PS_SEARCH_NFACETS; f++) {
        json_t *list = json_object_get(facets, ps_search_facet_names[f]);
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

json_t *ps_search_facets_new(void)
{
    return json_pack("{s:[],s:[],s:[],s:[]}", ps_search_facet_names[0], ps_search_facet_names[1],
                     ps_search_facet_names[2], ps_search_facet_names[3]);
}

json_t *ps_search_strv_json(const ps_strv *sv)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < sv->n; i++)
        json_array_append_new(a, json_string(sv->v[i]));
    return a;
}
