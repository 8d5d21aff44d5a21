/*
 * search/history.c — what a journalist follows an ärende by: "Ärendets gång" (its documents,
 * the other ärenden with the same diarienummer and the ärenden its text refers to, as one
 * dated timeline) and "Liknande ärenden" (relevance feedback over its terms).
 *
 * References are the parser's "refs" of the ärende's documents: "KF § 94 2021-05-26" (an organ,
 * a paragraph, a date) is looked up as that § on that date in the same kommun, by that organ
 * when the abbreviation table knows it (KF = kommunfullmäktige); "KS 2023/123" as that
 * diarienummer. One found is a timeline entry linking to its ärende; one not found (the
 * decision is not indexed) is listed as text. "§ 94 2021-05-26" is the same reference as
 * "KF § 94 2021-05-26" and is not listed twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/buf.h"
#include "protokollsok/schema.h"
#include "internal.h"

#define SIMILAR_TERMS 20  /* terms of the relevance-feedback query */
#define SIMILAR_DOCS 4    /* documents fetched per similar ärende wanted (ärenden have several) */
#define SIMILAR_COMMON 20 /* a term in more than 1 of this many documents is no feedback term */
#define REFS_MAX 20       /* references looked up per ärende */

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ---- references -------------------------------------------------------------------------- */

typedef struct {
    char organ[32]; /* "KF", "" when none */
    char para[16];  /* "94", "" for a dnr reference */
    char date[11];  /* "2021-05-26", "" when none */
    const char *text;
} ref;

static void parse_ref(const char *text, ref *r)
{
    memset(r, 0, sizeof *r);
    r->text = text;
    const char *sign = strstr(text, "§");
    if (!sign)
        return;
    size_t organ = (size_t)(sign - text);
    while (organ > 0 && text[organ - 1] == ' ')
        organ--;
    snprintf(r->organ, sizeof r->organ, "%.*s", (int)organ, text);
    const char *p = sign + strlen("§");
    while (*p == ' ')
        p++;
    size_t n = strspn(p, "0123456789");
    snprintf(r->para, sizeof r->para, "%.*s", (int)n, p);
    p += n;
    while (*p == ' ')
        p++;
    if (strlen(p) >= 10 && p[4] == '-' && p[7] == '-')
        snprintf(r->date, sizeof r->date, "%.10s", p);
}

/* Is r the same paragraph reference as one already in refs[0..n)? */
static bool same_ref(const ref *r, const ref *refs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(r->text, refs[i].text) == 0)
            return true;
        if (r->para[0] && strcmp(r->para, refs[i].para) == 0 &&
            strcmp(r->date, refs[i].date) == 0 && (!r->organ[0] || !refs[i].organ[0]))
            return true;
    }
    return false;
}

/* The organ's full name from the abbreviation table ("KF" → "kommunfullmäktige"), or NULL. */
static const char *organ_name(ps_searcher *s, const char *organ)
{
    for (size_t i = 0; organ[0] && i < s->nabbrevs; i++)
        if (strcmp(s->abbrevs[i].abbr, organ) == 0)
            return s->abbrevs[i].folded;
    return NULL;
}

/* The stored data of the first `limit` ärenden (one document each) matching query text q in
 * kommun (NULL: anywhere): a direct store search, without excerpts, document lists or exact
 * counts, so a timeline costs a few posting-list look-ups. A query the language refuses (a
 * reference with odd characters) finds nothing. *hits is a new array. */
static ps_status quick_search(ps_searcher *s, const char *q, const char *kommun, unsigned limit,
                              json_t **hits, ps_error *err)
{
    *hits = json_array();
    ps_buf text = PS_BUF_INIT;
    ps_buf_puts(&text, q);
    if (kommun && !strchr(kommun, '"'))
        ps_buf_printf(&text, " kommun:\"%s\"", kommun);
    ps_query *query = NULL;
    ps_qbuild qb = {.s = s, .text = text.data};
    ps_store_query *sq = NULL;
    ps_status st = !*hits || text.failed ? ps_search_nomem(err)
                                         : ps_query_parse(text.data, text.len, &query, err);
    if (st == PS_OK)
        st = ps_qbuild_node(&qb, query->root, &sq, err);
    ps_store_results *res = NULL;
    if (st == PS_OK && sq) {
        ps_store_search_opts o;
        ps_store_search_opts_init(&o);
        o.limit = limit;
        o.collapse_slot = PS_SLOT_KEY;
        st = ps_store_search(s->store, sq, &o, &res, err);
    }
    for (size_t i = 0; st == PS_OK && i < ps_store_results_count(res); i++) {
        const ps_store_hit *h = ps_store_results_hit(res, i);
        json_t *data = NULL;
        ps_error ignored;
        if (ps_search_parse_data(h, &data, &ignored) != PS_OK)
            data = NULL; /* an unreadable document is left out */
        if (json_is_object(data) && json_array_append(*hits, data) != 0)
            st = ps_search_nomem(err);
        json_decref(data);
    }
    ps_store_results_free(res);
    ps_store_query_free(sq);
    ps_qbuild_free(&qb);
    ps_query_free(query);
    ps_buf_free(&text);
    if (st == PS_ERR_QUERY || st == PS_ERR_INVALID) {
        ps_error_clear(err);
        st = PS_OK;
    }
    return st;
}

/* The first hit of a search for reference r (in the kommun), or NULL. A new reference. */
static ps_status find_ref(ps_searcher *s, const ref *r, const char *kommun, const char *self,
                          json_t **hit, ps_error *err)
{
    *hit = NULL;
    ps_buf q = PS_BUF_INIT;
    if (r->para[0]) {
        ps_buf_printf(&q, "\"§ %s\"", r->para);
        if (r->date[0])
            ps_buf_printf(&q, " datum:%s", r->date);
    } else if (!strchr(r->text, '"')) {
        ps_buf_printf(&q, "dnr:\"%s\"", r->text);
    }
    if (q.failed) {
        ps_buf_free(&q);
        return ps_search_nomem(err);
    }
    if (!q.len)
        return PS_OK;
    json_t *res = NULL;
    ps_status st = quick_search(s, q.data, kommun, 10, &res, err);
    ps_buf_free(&q);
    const char *organ = st == PS_OK ? organ_name(s, r->organ) : NULL;
    size_t i;
    json_t *h;
    json_array_foreach(res, i, h)
    {
        const char *key = str(h, "key"), *namnd = str(h, "namnd"), *para = str(h, "paragraf");
        if (!key || (self && strcmp(key, self) == 0))
            continue;
        if (r->para[0] && (!para || strcmp(para, r->para) != 0))
            continue;
        char *folded = organ && namnd ? ps_query_fold(namnd, strlen(namnd)) : NULL;
        bool organ_ok = !organ || (folded && strcmp(folded, organ) == 0);
        free(folded);
        if (organ_ok) {
            *hit = json_incref(h);
            break;
        }
    }
    json_decref(res);
    return st;
}

/* ---- the timeline ------------------------------------------------------------------------ */

static bool same_str(const json_t *a, const json_t *b, const char *k)
{
    const char *x = str(a, k), *y = str(b, k);
    return x == y || (x && y && strcmp(x, y) == 0);
}

/* A document entry like one already in the timeline (the same protokollsutdrag in two files):
 * the Handlingar list shows both files, the timeline the step once. */
static bool listed(const json_t *timeline, const json_t *e)
{
    size_t i;
    json_t *t;
    json_array_foreach(timeline, i, t)
    {
        if (same_str(t, e, "type") && same_str(t, e, "date") && same_str(t, e, "paragraf") &&
            same_str(t, e, "namnd"))
            return true;
    }
    return false;
}

static json_t *arende_entry(const char *kind, const json_t *h, const char *ref_text)
{
    json_t *e = json_pack(
        "{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "kind", kind, "date",
        ps_search_field_or_null(h, "date"), "key", ps_search_field_or_null(h, "key"), "dnr",
        ps_search_field_or_null(h, "dnr"), "paragraf", ps_search_field_or_null(h, "paragraf"),
        "title", ps_search_field_or_null(h, "title"), "namnd", ps_search_field_or_null(h, "namnd"),
        "kommun", ps_search_field_or_null(h, "kommun"), "type", ps_search_field_or_null(h, "type"));
    if (e && ref_text)
        json_object_set_new(e, "ref", json_string(ref_text));
    return e;
}

static int entry_order(const void *a, const void *b)
{
    const char *x = str(*(json_t *const *)a, "date"), *y = str(*(json_t *const *)b, "date");
    if (!x || !y) /* undated last */
        return (x == NULL) - (y == NULL);
    return strcmp(x, y);
}

/* Sort the timeline by date, undated last; insertion sort keeps equal dates in their order
 * (documents before the ärenden found for them) and timelines are short. */
static void sort_timeline(json_t *timeline)
{
    size_t n = json_array_size(timeline);
    json_t **v = n ? malloc(n * sizeof *v) : NULL;
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(timeline, i));
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && entry_order(&v[j - 1], &v[j]) > 0; j--) {
            json_t *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    json_array_clear(timeline);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(timeline, v[i]);
    free(v);
}

/* The other ärenden with the same diarienummer in the same kommun (other keys: another file's
 * ärende without a kommun of its own, a KS or KF ärende registered under the nämnd's dnr). */
static ps_status same_dnr(ps_searcher *s, const char *dnr, const char *kommun, const char *self,
                          json_t *timeline, ps_error *err)
{
    if (!dnr || strchr(dnr, '"'))
        return PS_OK;
    ps_buf q = PS_BUF_INIT;
    ps_buf_printf(&q, "dnr:\"%s\"", dnr);
    json_t *res = NULL;
    ps_status st = q.failed ? ps_search_nomem(err) : quick_search(s, q.data, kommun, 20, &res, err);
    ps_buf_free(&q);
    size_t i;
    json_t *h;
    json_array_foreach(res, i, h)
    {
        const char *key = str(h, "key");
        if (key && strcmp(key, self) != 0)
            json_array_append_new(timeline, arende_entry("arende", h, NULL));
    }
    json_decref(res);
    return st;
}

ps_status ps_search_history(ps_searcher *s, const char *key, const json_t *docs, json_t **out,
                            ps_error *err)
{
    *out = NULL;
    json_t *timeline = json_array(), *unresolved = json_array();
    if (!timeline || !unresolved) {
        json_decref(timeline);
        json_decref(unresolved);
        return ps_search_nomem(err);
    }
    /* its own documents: tjänsteskrivelse, kallelse, protokoll ... */
    const char *dnr = NULL, *kommun = NULL;
    ref refs[REFS_MAX];
    size_t nrefs = 0, i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        dnr = dnr ? dnr : str(d, "dnr");
        kommun = kommun ? kommun : str(d, "kommun");
        json_t *e = json_pack(
            "{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:O}", "kind", "document", "date",
            ps_search_field_or_null(d, "date"), "type", ps_search_field_or_null(d, "type"), "namnd",
            ps_search_field_or_null(d, "namnd"), "paragraf", ps_search_field_or_null(d, "paragraf"),
            "path", ps_search_field_or_null(d, "path"), "url", ps_search_field_or_null(d, "url"),
            "pages",
            json_is_array(json_object_get(d, "pages")) ? json_object_get(d, "pages")
                                                       : json_array());
        if (e && listed(timeline, e))
            json_decref(e);
        else
            json_array_append_new(timeline, e);
        size_t j;
        json_t *rv;
        json_array_foreach(json_object_get(d, "refs"), j, rv)
        {
            const char *text = json_is_string(rv) ? json_string_value(rv) : str(rv, "text");
            if (!text || nrefs == REFS_MAX)
                continue;
            ref r;
            parse_ref(text, &r);
            if (same_ref(&r, refs, nrefs))
                continue;
            /* keep the fuller form: "KF § 94 …" over "§ 94 …" met first */
            size_t k = 0;
            while (k < nrefs && !(r.para[0] && strcmp(refs[k].para, r.para) == 0 &&
                                  strcmp(refs[k].date, r.date) == 0))
                k++;
            refs[k < nrefs ? k : nrefs++] = r;
        }
    }
    ps_status st = same_dnr(s, dnr, kommun, key, timeline, err);
    for (size_t k = 0; st == PS_OK && k < nrefs; k++) {
        json_t *hit = NULL;
        st = find_ref(s, &refs[k], kommun, key, &hit, err);
        if (st == PS_OK && hit)
            json_array_append_new(timeline, arende_entry("reference", hit, refs[k].text));
        else if (st == PS_OK)
            json_array_append_new(unresolved, json_string(refs[k].text));
        json_decref(hit);
    }
    if (st == PS_OK) {
        sort_timeline(timeline);
        *out = json_pack("{s:O,s:O}", "timeline", timeline, "unresolved", unresolved);
        if (!*out)
            st = ps_search_nomem(err);
    }
    json_decref(timeline);
    json_decref(unresolved);
    return st;
}

/* ---- similar ärenden --------------------------------------------------------------------- */

/* Word stems only: no prefixed term (those begin with a capital), no number or § unit, no
 * word under four bytes (och, att, som carry nothing), none found only in the ärende itself
 * (it finds nothing else), none in more than 1 of
 * SIMILAR_COMMON documents (kommun, beslut, nämnd tell nothing, and their long posting lists
 * cost about a third of the search's time on protokoll-10k). */
static bool similar_term_ok(void *ctx, const char *term, size_t len, uint32_t termfreq,
                            uint32_t doccount, uint32_t rset_docs)
{
    (void)ctx;
    unsigned char c = (unsigned char)term[0];
    return len >= 4 && ((c >= 'a' && c <= 'z') || (c >= 0xC3 && c <= 0xF4)) &&
           !memchr(term, ' ', len) && termfreq > rset_docs &&
           (doccount < 100 || (uint64_t)termfreq * SIMILAR_COMMON <= doccount);
}

typedef struct {
    ps_store_query **v;
    size_t n;
    bool failed;
} term_list;

static bool collect_term(void *ctx, const char *term, size_t len, double weight)
{
    (void)weight;
    term_list *l = ctx;
    char *t = strndup(term, len);
    ps_store_query *q = t ? ps_store_query_term(t, 1.0) : NULL;
    free(t);
    ps_store_query **grown = q ? realloc(l->v, (l->n + 1) * sizeof *grown) : NULL;
    if (!grown) {
        ps_store_query_free(q);
        l->failed = true;
        return false;
    }
    l->v = grown;
    l->v[l->n++] = q;
    return true;
}

/* Is an ärende with this key in list already? */
static bool lists(const json_t *list, const char *key)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        if (!key || (str(e, "key") && strcmp(str(e, "key"), key) == 0))
            return true;
    }
    return false;
}

static char *prefixed(const char *prefix, const char *value)
{
    char *folded = ps_query_fold(value, strlen(value));
    size_t n = folded ? strlen(prefix) + strlen(folded) + 1 : 0;
    char *t = n ? malloc(n) : NULL;
    if (t)
        snprintf(t, n, "%s%s", prefix, folded);
    free(folded);
    return t;
}

ps_status ps_search_similar(ps_searcher *s, const char *key, const char *dnr, unsigned n,
                            json_t **out, ps_error *err)
{
    *out = NULL;
    size_t len = strlen(key) + sizeof PS_PREFIX_KEY;
    char *self = malloc(len);
    if (!self)
        return ps_search_nomem(err);
    snprintf(self, len, "%s%s", PS_PREFIX_KEY, key);
    term_list l = {0};
    ps_status st = ps_store_expand(s->store, self, SIMILAR_TERMS, similar_term_ok, NULL,
                                   collect_term, &l, err);
    if (st == PS_OK && l.failed)
        st = ps_search_nomem(err);
    ps_store_query *q = NULL;
    if (st == PS_OK && l.n) {
        q = ps_store_query_or(l.v, l.n);
        l.n = 0;
        /* without itself and its own diarienummer (its history, listed above) */
        char *dnr_term = dnr ? prefixed(PS_PREFIX_DNR, dnr) : NULL;
        ps_store_query *without = ps_store_query_boolean(self);
        if (dnr_term) {
            ps_store_query *both[2] = {without, ps_store_query_boolean(dnr_term)};
            without = ps_store_query_or(both, 2);
        }
        q = q && without ? ps_store_query_and_not(q, without)
                         : (ps_store_query_free(q), ps_store_query_free(without), NULL);
        free(dnr_term);
        if (!q)
            st = ps_search_nomem(err);
    }
    for (size_t i = 0; i < l.n; i++)
        ps_store_query_free(l.v[i]);
    free(l.v);
    free(self);
    json_t *list = st == PS_OK ? json_array() : NULL;
    if (st == PS_OK && !list)
        st = ps_search_nomem(err);
    ps_store_results *res = NULL;
    if (st == PS_OK && q) {
        /* documents, not collapsed ärenden (Xapian prunes its top-k best without a collapse
         * key); an ärende's several documents are folded here */
        ps_store_search_opts o;
        ps_store_search_opts_init(&o);
        o.limit = SIMILAR_DOCS * n;
        st = ps_store_search(s->store, q, &o, &res, err);
    }
    for (size_t i = 0; st == PS_OK && i < ps_store_results_count(res) && json_array_size(list) < n;
         i++) {
        const ps_store_hit *h = ps_store_results_hit(res, i);
        json_t *data = NULL;
        ps_error ignored;
        if (ps_search_parse_data(h, &data, &ignored) != PS_OK)
            data = NULL; /* an unreadable document is left out */
        json_t *e = json_is_object(data) && !lists(list, str(data, "key"))
                        ? arende_entry("similar", data, NULL)
                        : NULL;
        if (e)
            json_object_set_new(e, "score", json_real(h->weight));
        if (e && json_array_append_new(list, e) != 0)
            st = ps_search_nomem(err);
        json_decref(data);
    }
    ps_store_results_free(res);
    ps_store_query_free(q);
    if (st) {
        json_decref(list);
        return st;
    }
    *out = list;
    return PS_OK;
}
