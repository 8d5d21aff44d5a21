/*
 * search.c — ps_search_run and the searcher: run a query (search/query.c builds it), collapse
 * on the ärende key, page, count, and answer in the one JSON schema of search.h (the hits'
 * JSON is made in search/hits.c, one ärende / facets / info in search/arende.c).
 *
 * A query that is a diarienummer runs twice: first the "D" filter term (that ärende, listed
 * first), then the words as free text without those ärenden, so pagination spans both lists.
 * When all the words together find nothing, the search is tried again, less strictly, and the
 * answer says so ("fallback" and a Swedish note): compound query words matching their parts
 * anywhere ("parts": kvartalsrapport finds kvartal ... rapport), the top-level AND as OR ("or"),
 * then both ("parts_or"). Facet counts and totals count ärenden, not documents.
 */
#include "protokollsok/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "protokollsok/buf.h"
#include "protokollsok/schema.h"
#include "internal.h"

#define DNR_HITS_MAX 100
#define FACET_VALUES_MAX 12
#define SPELL_FEW 3 /* ärenden: this few (or a fallback) and a better spelling is looked for */
#define EXACT_COUNT_MAX 20000 /* documents: up to this many matches, count ärenden exactly */

/* ---- open / close ------------------------------------------------------------------------ */

static ps_status check_schema(ps_searcher *s, ps_error *err)
{
    char *schema = NULL;
    ps_status st = ps_store_get_metadata(s->store, PS_META_SCHEMA, &schema, err);
    if (st)
        return st;
    if (strcmp(schema, PS_SCHEMA_VERSION) != 0)
        st =
            ps_error_set(err, PS_ERR_VERSION,
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
    /* A stub file: the lexicon beside it. */
    struct stat sb;
    bool file = stat(s->path, &sb) == 0 && S_ISREG(sb.st_mode);
    const char *slash = file ? strrchr(s->path, '/') : NULL;
    int dirlen = file ? (slash ? (int)(slash - s->path) : 1) : (int)strlen(s->path);
    const char *dir = file && !slash ? "." : s->path;
    size_t n = strlen(s->path) + sizeof "/lexicon.bin";
    char *copy = malloc(n);
    if (!copy)
        return ps_search_nomem(err);
    snprintf(copy, n, "%.*s/lexicon.bin", dirlen, dir);
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

/* The analyzer over the index's learned words, made again when the index's list teaches other
 * words (not when only the document counts changed). */
static ps_status load_learned(ps_searcher *s, ps_error *err)
{
    char *list = NULL;
    ps_status st = ps_store_get_metadata(s->store, PS_META_LEARNED, &list, err);
    if (st != PS_OK || (s->an && s->learned_list && ps_learned_same_words(list, s->learned_list))) {
        free(list);
        return st;
    }
    ps_lexicon *learned = NULL;
    ps_analyzer *an = NULL;
    if (*list)
        st = ps_lexicon_with_learned(s->lex, list, strlen(list), &learned, err);
    if (st == PS_OK)
        st = ps_analyzer_new(learned ? learned : s->lex, PS_ANALYZER_SWEDISH, &an, err);
    if (st != PS_OK) {
        ps_lexicon_free(learned);
        free(list);
        return st;
    }
    ps_analyzer_free(s->an);
    ps_lexicon_free(s->learned);
    free(s->learned_list);
    s->an = an;
    s->learned = learned;
    s->learned_list = list;
    return PS_OK;
}

ps_status ps_searcher_open(const char *db_path, ps_searcher **out, ps_error *err)
{
    return ps_searcher_open_opts(db_path, NULL, out, err);
}

ps_status ps_searcher_open_opts(const char *db_path, const ps_searcher_opts *opts,
                                ps_searcher **out, ps_error *err)
{
    *out = NULL;
    ps_error_clear(err);
    ps_searcher *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(db_path ? db_path : "index"))) {
        free(s);
        return ps_search_nomem(err);
    }
    if (opts)
        s->opts = *opts;
    ps_store_open_opts so = {.remote_timeout = s->opts.shard_timeout};
    ps_status st = ps_store_open_read_opts(s->path, &so, &s->store, err);
    if (st == PS_OK)
        st = check_schema(s, err);
    if (st == PS_OK)
        st = load_lexicon(s, err);
    if (st == PS_OK)
        st = load_learned(s, err);
    if (st == PS_OK)
        st = ps_search_abbrevs_load(s, err);
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
    if (st == PS_OK && *changed)
        st = load_learned(s, err);
    return st;
}

void ps_searcher_close(ps_searcher *s)
{
    if (!s)
        return;
    ps_analyzer_free(s->an);
    ps_lexicon_free(s->learned);
    free(s->learned_list);
    ps_lexicon_free(s->lex);
    ps_search_abbrevs_free(s);
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
    bool months;           /* the histogram counts months (the date range is a year or less) */
    char from[11], to[11]; /* the date range searched ("" when open), for the histogram */
    double deadline_ms; /* now_ms() by which the work stops (req->time_limit), 0 = none */
    bool cut;           /* the time limit ran out: some work was left out */
} run_state;

/* Whether the request's time is up (and remember that the answer was cut). */
static bool out_of_time(run_state *r)
{
    if (r->deadline_ms > 0 && now_ms() >= r->deadline_ms)
        r->cut = true;
    return r->cut;
}

/* The date range of the search: the request's, else a datum: or år: filter the whole query
 * must meet (the root, or a kid of a top-level AND). */
static void date_range(run_state *r)
{
    snprintf(r->from, sizeof r->from, "%s", r->req->from ? r->req->from : "");
    snprintf(r->to, sizeof r->to, "%s", r->req->to ? r->req->to : "");
    const ps_qnode *root = r->query ? r->query->root : NULL;
    size_t n = root && root->kind == PS_QNODE_AND ? root->nkids : root ? 1 : 0;
    for (size_t i = 0; i < n && !r->from[0] && !r->to[0]; i++) {
        const ps_qnode *k = root->kind == PS_QNODE_AND ? root->kids[i] : root;
        if (k->kind != PS_QNODE_FILTER)
            continue;
        if (k->field == PS_QFIELD_DATUM) {
            snprintf(r->from, sizeof r->from, "%s", k->text ? k->text : "");
            snprintf(r->to, sizeof r->to, "%s", k->text2 ? k->text2 : "");
        } else if (k->field == PS_QFIELD_AR) {
            snprintf(r->from, sizeof r->from, "%.4s-01-01", k->text);
            snprintf(r->to, sizeof r->to, "%.4s-12-31", k->text2);
        }
    }
}

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
            return ps_search_nomem(err);
    }
    return PS_OK;
}

/* The query's store query: the words (match-all when none), the request filters, without the
 * dnr ärenden already listed. */
static ps_status main_query(run_state *r, unsigned mode, ps_store_query **out, ps_error *err)
{
    *out = NULL;
    ps_qbuild_free(&r->qb);
    memset(&r->qb, 0, sizeof r->qb);
    r->qb.s = r->s;
    r->qb.mode = mode;
    r->qb.text = r->req->q ? r->req->q : "";
    ps_store_query *q = NULL;
    ps_status st = ps_qbuild_node(&r->qb, r->query->root, &q, err);
    if (st == PS_OK && !q && r->query->root) {
        /* only stop words ("och"): search for them after all */
        ps_qbuild_free(&r->qb);
        r->qb = (ps_qbuild){.s = r->s, .mode = mode, .keep_stopwords = true, .text = r->qb.text};
        st = ps_qbuild_node(&r->qb, r->query->root, &q, err);
    }
    if (st)
        return st;
    if (!q && !(q = ps_store_query_match_all()))
        return ps_search_nomem(err);
    if ((st = apply_filters(r, &q, err)) != PS_OK)
        return st;
    *out = q;
    return PS_OK;
}

/* Date order when asked for, and when there are no words (an empty query, only filters):
 * relevance means nothing there. Valid once the query is built. */
static bool by_date(const run_state *r)
{
    return r->req->sort == PS_SEARCH_SORT_DATE || r->qb.words == 0;
}

typedef enum {
    COUNT_ESTIMATE, /* Xapian's estimate of the collapsed matches */
    COUNT_EXACT,    /* also count the ärenden exactly (every match is checked) */
    COUNT_FACETS    /* and count facet values */
} count_mode;

static void search_opts(const run_state *r, ps_store_search_opts *o, uint32_t offset,
                        uint32_t limit, count_mode count)
{
    ps_store_search_opts_init(o);
    o->offset = offset;
    o->limit = limit;
    if (r->deadline_ms > 0) {
        /* Xapian then stops looking past offset+limit when the time is up (the counts become
         * estimates); at least a millisecond, so the first page is always found. */
        double left = (r->deadline_ms - now_ms()) / 1000.0;
        o->time_limit = left > 0.001 ? left : 0.001;
    }
    o->collapse_slot = PS_SLOT_KEY;
    o->tiebreak_slot = PS_SLOT_ORDER; /* the same order over any sharding */
    o->facet_pairs = true;
    /* Xapian's collapsed count is exact once it has looked at every match: up to
     * EXACT_COUNT_MAX documents it does so in this same pass, so no second pass counts them */
    o->check_at_least = EXACT_COUNT_MAX;
    if (by_date(r)) {
        o->sort = r->req->ascending ? PS_SORT_VALUE_ASC : PS_SORT_VALUE_DESC;
        o->sort_slot = PS_SLOT_DATE_ORDER;
    }
    if (count == COUNT_FACETS) {
        /* the facets, the ärende key (the exact total), the date cut to its month (histogram) */
        static const unsigned with_months[] = {PS_SLOT_KOMMUN_KEY, PS_SLOT_NAMND_KEY,
                                               PS_SLOT_YEAR_KEY,   PS_SLOT_TYPE_KEY,
                                               PS_SLOT_KEY,        PS_SLOT_DATE_KEY};
        static const unsigned month_bytes[] = {0, 0, 0, 0, 0, 7};
        o->facet_slots = r->months ? with_months : ps_search_facet_slots;
        o->facet_value_bytes = r->months ? month_bytes : NULL;
        o->nfacets = PS_SEARCH_NFACETS + 1 + r->months;
    } else if (count == COUNT_EXACT) {
        o->facet_slots = ps_search_facet_slots + PS_SEARCH_NFACETS;
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
    return *q ? PS_OK : ps_search_nomem(err);
}

/* The ärenden whose diarienummer the whole query is, newest document first. */
static ps_status dnr_hits(run_state *r, const char *also, count_mode count, ps_store_results **res,
                          ps_error *err)
{
    *res = NULL;
    size_t n = strlen(r->query->dnr) + sizeof PS_PREFIX_DNR;
    char *term = malloc(n);
    if (!term)
        return ps_search_nomem(err);
    snprintf(term, n, "%s%s", PS_PREFIX_DNR, r->query->dnr);
    ps_store_query *q = ps_store_query_boolean(term);
    free(term);
    if (!q)
        return ps_search_nomem(err);
    ps_status st = apply_filters(r, &q, err);
    if (st == PS_OK)
        st = restrict_to(&q, also, err);
    if (st)
        return st;
    ps_store_search_opts o;
    search_opts(r, &o, 0, DNR_HITS_MAX, count);
    o.sort = PS_SORT_VALUE_DESC;
    o.sort_slot = PS_SLOT_DATE_ORDER;
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
        return ps_search_nomem(err);
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
    return *q ? PS_OK : ps_search_nomem(err);
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
        text = ps_store_results_exact(p->res) ? ps_store_results_lower_bound(p->res)
                                              : ps_store_results_estimate(p->res);
    else if (p->res) /* the distinct keys */
        text = (uint32_t)ps_store_results_facet_count(
            p->res, p->count == COUNT_FACETS ? PS_SEARCH_NFACETS : 0);
    return (uint32_t)pages_ndnr(p) + text;
}

static bool pages_exact(const pages *p)
{
    return p->count != COUNT_ESTIMATE || ps_store_results_exact(p->res);
}

static ps_status run_pages(run_state *r, unsigned mode, const char *also, uint32_t offset,
                           uint32_t limit, count_mode count, pages *out, ps_error *err)
{
    memset(out, 0, sizeof *out);
    out->count = count;
    ps_status st = r->query->dnr ? dnr_hits(r, also, count, &out->dres, err) : PS_OK;
    size_t ndnr = pages_ndnr(out);
    ps_store_query *q = NULL;
    if (st == PS_OK)
        st = main_query(r, mode, &q, err);
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
    if (req->export_rows && req->limit > PS_SEARCH_EXPORT_MAX)
        return ps_error_set(err, PS_ERR_INVALID, "limit %u is out of range: 1..%u", req->limit,
                            PS_SEARCH_EXPORT_MAX);
    if (!req->export_rows && req->limit > 100)
        return ps_error_set(err, PS_ERR_INVALID, "limit %u is out of range: 1..100", req->limit);
    if (req->offset > 10000)
        return ps_error_set(err, PS_ERR_INVALID, "offset %u is out of range: 0..10000",
                            req->offset);
    return PS_OK;
}

static ps_status hits_append(run_state *r, json_t *hits, const ps_store_results *res, size_t from,
                             size_t count, unsigned rank0, ps_error *err)
{
    unsigned nexc = r->req->export_rows ? 0 : r->req->excerpts ? r->req->excerpts : 3;
    if (nexc > 10)
        nexc = 10;
    for (size_t i = from; i < from + count && i < ps_store_results_count(res); i++) {
        json_t *h;
        /* Out of time: the remaining hits come without excerpts (the costly part). */
        ps_status st =
            ps_search_hit_json(r->s, ps_store_results_hit(res, i), rank0 + (unsigned)(i - from),
                               &r->qb, out_of_time(r) ? 0 : nexc, by_date(r), &h, err);
        if (st)
            return st;
        if (json_array_append_new(hits, h) != 0)
            return ps_search_nomem(err);
    }
    return PS_OK;
}

/* What a fallback shows, in Swedish. */
static json_t *fallback_note(const run_state *r, unsigned mode)
{
    ps_buf b = PS_BUF_INIT;
    if (mode & PS_QB_PARTS)
        ps_buf_puts(&b, "Inga träffar på de sammansatta orden som helhet; visar träffar på "
                        "orden de är sammansatta av");
    if (mode == (PS_QB_OR | PS_QB_PARTS))
        ps_buf_puts(&b, ", för något av orden");
    if (mode == PS_QB_OR) {
        ps_buf_puts(&b, "Visar resultat för något av orden ");
        for (size_t i = 0; i < r->qb.soft.n; i++)
            ps_buf_printf(&b, "%s\"%s\"",
                          i == 0                  ? ""
                          : i + 1 == r->qb.soft.n ? " eller "
                                                  : ", ",
                          r->qb.soft.v[i]);
        ps_buf_puts(&b, " (inga träffar på alla ord)");
    }
    json_t *s = b.failed ? json_null() : json_string(b.data);
    ps_buf_free(&b);
    return s;
}

static const char *fallback_name(unsigned mode)
{
    switch (mode) {
    case PS_QB_OR:
        return "or";
    case PS_QB_PARTS:
        return "parts";
    case PS_QB_OR | PS_QB_PARTS:
        return "parts_or";
    default:
        return NULL;
    }
}

/* Facet counts of ärenden (not documents): the store counts, per value, the distinct ärende
 * keys among the matching documents in the same pass as the search (facet_pairs over the
 * "value\0key" slots, exact on remote shards too), so a count is exactly the total the same
 * search filtered on that value gives. The dnr-first hits
 * and the rest are disjoint sets of ärenden, so their counts add up. The most frequent
 * FACET_VALUES_MAX values of each facet are kept. */
static ps_status facets_json(const pages *p, json_t **out, ps_error *err)
{
    json_t *res = ps_search_facets_new();
    if (!res)
        return ps_search_nomem(err);
    if (p->dres)
        ps_search_facets_add(res, p->dres);
    ps_search_facets_add(res, p->res);
    ps_search_facets_sort(res);
    for (size_t f = 0; f < PS_SEARCH_NFACETS; f++) {
        json_t *list = json_object_get(res, ps_search_facet_names[f]);
        while (json_array_size(list) > FACET_VALUES_MAX)
            json_array_remove(list, json_array_size(list) - 1);
    }
    *out = res;
    return PS_OK;
}

/* The shards the page's searches went without, as a JSON array (NULL on out-of-memory). */
static json_t *missing_shards(const pages *p)
{
    json_t *a = json_array();
    const ps_store_results *both[2] = {p->dres, p->res};
    for (size_t r = 0; a && r < 2; r++) {
        for (size_t i = 0; both[r] && i < ps_store_results_missing_count(both[r]); i++) {
            const char *name = ps_store_results_missing(both[r], i);
            bool seen = false;
            size_t j;
            json_t *v;
            json_array_foreach(a, j, v) seen = seen || strcmp(json_string_value(v), name) == 0;
            if (!seen && json_array_append_new(a, json_string(name)) != 0) {
                json_decref(a);
                return NULL;
            }
        }
    }
    return a;
}

static ps_status unavailable(const json_t *missing, ps_error *err)
{
    ps_buf b = PS_BUF_INIT;
    size_t i;
    json_t *v;
    json_array_foreach(missing, i, v) ps_buf_printf(&b, "%s%s", i ? ", " : "", json_string_value(v));
    ps_status st = ps_error_set(err, PS_ERR_UNAVAILABLE,
                                "not every shard of the index answered (missing: %s)",
                                b.failed ? "?" : b.data);
    ps_buf_free(&b);
    return st;
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

static ps_status run_once(ps_searcher *s, const ps_search_request *req, double t0, json_t **out,
                          ps_error *err)
{
    *out = NULL;
    ps_status st = validate(req, err);
    if (st)
        return st;
    unsigned limit = req->limit ? req->limit : req->export_rows ? PS_SEARCH_EXPORT_MAX : 10;
    const char *q = req->q ? req->q : "";
    run_state r = {.s = s, .req = req, .qb = {.s = s, .text = q}};
    json_t *expansions = NULL;
    if (req->time_limit > 0)
        r.deadline_ms = t0 + req->time_limit * 1000.0;
    st = ps_query_parse(q, strlen(q), &r.query, err);
    if (st == PS_OK)
        st = ps_search_abbrev_rewrite(s, r.query, q, &expansions, err);
    if (st == PS_OK) {
        date_range(&r);
        r.months = req->facets && ps_search_histogram_by_month(r.from, r.to);
    }
    if (st == PS_OK)
        st = add_request_filters(&r, req, err);

    /* AND; when it finds nothing: compound parts, OR, both */
    static const unsigned modes[] = {0, PS_QB_PARTS, PS_QB_OR, PS_QB_OR | PS_QB_PARTS};
    unsigned mode = 0;
    pages p = {0};
    count_mode count = req->facets ? COUNT_FACETS : COUNT_ESTIMATE;
    size_t compounds = 0;
    for (size_t i = 0; st == PS_OK && i < sizeof modes / sizeof modes[0]; i++) {
        bool applies =
            i == 0 || (!((modes[i] & PS_QB_OR) && !ps_qbuild_can_fall_back(r.query->root)) &&
                       !((modes[i] & PS_QB_PARTS) && compounds == 0));
        if (!applies)
            continue;
        pages_free(&p);
        mode = modes[i];
        st = run_pages(&r, mode, NULL, req->offset, limit, count, &p, err);
        if (i == 0)
            compounds = r.qb.compounds;
        if (st || pages_total(&p) > 0 || ps_store_results_count(p.res) > 0 || out_of_time(&r))
            break;
    }
    if (st == PS_OK && pages_total(&p) == 0 && ps_store_results_count(p.res) == 0)
        mode = 0; /* nothing found anyhow: say so plainly */
    /* Xapian's collapsed count is an estimate; count exactly when that is cheap enough */
    uint32_t total = st == PS_OK ? pages_total(&p) : 0;
    bool exact = st == PS_OK && pages_exact(&p);
    if (st == PS_OK && !exact && ps_store_results_upper_bound(p.res) <= EXACT_COUNT_MAX &&
        !out_of_time(&r)) {
        pages c;
        st = run_pages(&r, mode, NULL, 0, 0, COUNT_EXACT, &c, err);
        if (st == PS_OK) {
            total = pages_total(&c);
            exact = true;
            pages_free(&c);
        }
    }
    json_t *missing = st == PS_OK ? missing_shards(&p) : NULL;
    if (st == PS_OK && !missing)
        st = ps_search_nomem(err);
    if (st == PS_OK && json_array_size(missing) > 0 && s->opts.require_all_shards)
        st = unavailable(missing, err);
    json_t *facets = NULL, *histogram = NULL;
    if (st == PS_OK && req->facets) {
        histogram = ps_search_histogram_json(p.dres, p.res, r.months, r.from, r.to);
        st = histogram ? facets_json(&p, &facets, err) : ps_search_nomem(err);
    }

    json_t *hits = json_array();
    if (st == PS_OK && !hits)
        st = ps_search_nomem(err);
    size_t ndnr = pages_ndnr(&p);
    if (st == PS_OK && req->offset < ndnr)
        st = hits_append(&r, hits, p.dres, req->offset, limit, req->offset + 1, err);
    if (st == PS_OK) {
        size_t from_dnr = json_array_size(hits);
        st = hits_append(&r, hits, p.res, 0, limit - from_dnr, req->offset + 1 + (unsigned)from_dnr,
                         err);
    }
    if (st == PS_OK) {
        if (mode & PS_QB_OR)
            r.query->root->kind = PS_QNODE_OR;
        char *parsed = ps_query_describe(r.query);
        out_of_time(&r);
        *out = json_pack("{s:s,s:s?,s:s?,s:o,s:I,s:b,s:I,s:I,s:f,s:b,s:s,s:s,s:o,s:O,s:O,s:O,s:s?}",
                         "query", q, "parsed", parsed, "fallback", fallback_name(mode), "note",
                         mode ? fallback_note(&r, mode) : json_null(), "total", (json_int_t)total,
                         "total_exact", exact, "offset", (json_int_t)req->offset, "limit",
                         (json_int_t)limit, "took_ms", now_ms() - t0, "cut", r.cut, "sort",
                         by_date(&r) ? "datum" : "relevans", "order",
                         by_date(&r) && req->ascending ? "asc" : "desc", "ignored",
                         ps_search_strv_json(&r.qb.ignored), "hits", hits, "facets",
                         facets ? facets : json_null(), "histogram",
                         histogram ? histogram : json_null(), "dnr", r.query->dnr);
        free(parsed);
        if (*out && (json_object_set(*out, "expansions", expansions) != 0 ||
                     json_object_set_new(*out, "partial",
                                         json_boolean(json_array_size(missing) > 0)) != 0 ||
                     json_object_set(*out, "missing_shards", missing) != 0)) {
            json_decref(*out);
            *out = NULL;
        }
        if (!*out)
            st = ps_search_nomem(err);
    }
    json_decref(missing);
    json_decref(hits);
    json_decref(facets);
    json_decref(histogram);
    json_decref(expansions);
    pages_free(&p);
    run_free(&r);
    return st;
}

/* Whether a result found so little that a better spelling is worth looking for. */
static bool found_little(const json_t *res)
{
    return json_integer_value(json_object_get(res, "total")) <= SPELL_FEW ||
           json_is_string(json_object_get(res, "fallback"));
}

/* "Menade du …?": a better spelling of the query, tried; its results replace the typed
 * query's when that found nothing (or only by falling back) and the suggestion finds more
 * properly. Takes *res, may replace it. */
static ps_status spelling(ps_searcher *s, const ps_search_request *req, double t0, json_t **res,
                          ps_error *err)
{
    const char *q = req->q ? req->q : "";
    ps_query *query = NULL;
    char *fix = NULL;
    ps_status st = ps_query_parse(q, strlen(q), &query, err);
    if (st == PS_OK)
        st = ps_search_spell(s, query, q, &fix, err);
    ps_query_free(query);
    json_t *alt = NULL;
    if (st == PS_OK && fix) {
        ps_search_request again = *req;
        again.q = fix;
        again.no_spelling = true;
        st = run_once(s, &again, t0, &alt, err);
    }
    json_int_t total = json_integer_value(json_object_get(*res, "total"));
    json_int_t alt_total = alt ? json_integer_value(json_object_get(alt, "total")) : 0;
    bool fell_back = json_is_string(json_object_get(*res, "fallback"));
    bool alt_fell_back = alt && json_is_string(json_object_get(alt, "fallback"));
    if (st == PS_OK && alt && alt_total > 0 && (alt_total > total || fell_back)) {
        bool applied = total == 0 || (fell_back && !alt_fell_back);
        ps_buf msg = PS_BUF_INIT;
        if (applied)
            ps_buf_printf(&msg, "Visar resultat för ”%s” (inga träffar på ”%s”)", fix, q);
        else
            ps_buf_printf(&msg, "Menade du ”%s”?", fix);
        json_t *sugg = json_pack("{s:s,s:b,s:s}", "query", fix, "applied", applied, "message",
                                 msg.data ? msg.data : "");
        ps_buf_free(&msg);
        if (!sugg) {
            st = ps_search_nomem(err);
        } else if (applied) {
            json_object_set_new(alt, "query", json_string(q));
            json_object_set_new(alt, "suggestion", sugg);
            json_decref(*res);
            *res = alt;
            alt = NULL;
        } else {
            json_object_set_new(*res, "suggestion", sugg);
        }
    }
    json_decref(alt);
    free(fix);
    return st;
}

ps_status ps_search_run(ps_searcher *s, const ps_search_request *req, json_t **out, ps_error *err)
{
    *out = NULL;
    ps_error_clear(err);
    double t0 = now_ms();
    ps_status st = run_once(s, req, t0, out, err);
    if (st == PS_OK && json_object_set_new(*out, "suggestion", json_null()) != 0)
        st = ps_search_nomem(err);
    if (st == PS_OK && !req->no_spelling && req->q && *req->q && found_little(*out))
        st = spelling(s, req, t0, out, err);
    if (st == PS_OK)
        json_object_set_new(*out, "took_ms", json_real(now_ms() - t0));
    if (st) {
        json_decref(*out);
        *out = NULL;
    }
    return st;
}
