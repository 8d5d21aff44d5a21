/*
 * server/api.c — the JSON API: /api/search, /api/arende/{key}, /api/facets, /api/health.
 *
 * Parameters are validated here, before the search module sees them, so that every bad value
 * gets a 400 naming the parameter in both languages. Searches borrow a searcher from the pool;
 * a call that fails inside Xapian (e.g. the index changed under it) is retried once after a
 * reopen, so a nightly reindex does not fail requests.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool bad_param(ps_srv_ctx *c, const char *name, const char *sv_why, const char *en_why,
                      ps_srv_bad *bad)
{
    (void)c;
    bad->code = "bad_parameter";
    snprintf(bad->sv, sizeof bad->sv, "Ogiltig parameter '%s': %s", name, sv_why);
    snprintf(bad->en, sizeof bad->en, "Invalid parameter '%s': %s", name, en_why);
    return false;
}

/* A text parameter: valid UTF-8, bounded. NULL/"" becomes NULL. */
static bool text_param(ps_srv_ctx *c, const char *name, size_t max, const char **out,
                       ps_srv_bad *result)
{
    const char *v = ps_srv_param(c, name);
    *out = NULL;
    if (!v || !*v)
        return true;
    if (strlen(v) > max) {
        char sv[96], en[96];
        snprintf(sv, sizeof sv, "högst %zu tecken", max);
        snprintf(en, sizeof en, "at most %zu bytes", max);
        return bad_param(c, name, sv, en, result);
    }
    if (!ps_srv_text_ok(v))
        return bad_param(c, name, "ogiltiga tecken", "invalid characters", result);
    *out = v;
    return true;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool uint_param(ps_srv_ctx *c, const char *name, unsigned lo, unsigned hi, unsigned *out,
                       ps_srv_bad *result)
{
    const char *v = ps_srv_param(c, name);
    if (!v || !*v)
        return true;
    size_t n = strlen(v);
    bool ok = n <= 9 && digits(v, n);
    unsigned long value = ok ? strtoul(v, NULL, 10) : 0;
    if (!ok || value < lo || value > hi) {
        char sv[96], en[96];
        snprintf(sv, sizeof sv, "ett heltal från %u till %u", lo, hi);
        snprintf(en, sizeof en, "an integer from %u to %u", lo, hi);
        return bad_param(c, name, sv, en, result);
    }
    *out = (unsigned)value;
    return true;
}

/* YYYY, YYYY-MM or YYYY-MM-DD; a range end is widened to the end of its year/month (string
 * comparison of ISO dates makes "2023-02-31" a correct inclusive upper bound). */
static bool date_param(ps_srv_ctx *c, const char *name, bool end, char out[11], ps_srv_bad *result)
{
    const char *v = ps_srv_param(c, name);
    out[0] = '\0';
    if (!v || !*v)
        return true;
    size_t n = strlen(v);
    bool ok = (n == 4 || n == 7 || n == 10) && digits(v, 4) &&
              (n < 7 || (v[4] == '-' && digits(v + 5, 2))) &&
              (n < 10 || (v[7] == '-' && digits(v + 8, 2)));
    if (ok && n >= 7) {
        int month = (v[5] - '0') * 10 + (v[6] - '0');
        ok = month >= 1 && month <= 12;
    }
    if (ok && n == 10) {
        int day = (v[8] - '0') * 10 + (v[9] - '0');
        ok = day >= 1 && day <= 31;
    }
    if (!ok)
        return bad_param(c, name, "ett datum som ÅÅÅÅ-MM-DD", "a date as YYYY-MM-DD", result);
    static const char *const tail_start[] = {"-01-01", "-01"};
    static const char *const tail_end[] = {"-12-31", "-31"};
    snprintf(out, 11, "%s%s", v, n == 10 ? "" : (end ? tail_end : tail_start)[n == 4 ? 0 : 1]);
    return true;
}

bool ps_srv_search_params(ps_srv_ctx *c, ps_search_request *req, ps_srv_dates *dates,
                          ps_srv_bad *result)
{
    ps_search_request_init(req);
    const char *q = ps_srv_param(c, "q");
    if (q && strlen(q) > PS_SRV_MAX_QUERY) {
        result->code = "query_too_long";
        snprintf(result->sv, sizeof result->sv, "Sökfrågan är för lång (högst %d tecken).",
                 PS_SRV_MAX_QUERY);
        snprintf(result->en, sizeof result->en, "The query is too long (at most %d bytes).",
                 PS_SRV_MAX_QUERY);
        return false;
    }
    if (!text_param(c, "q", PS_SRV_MAX_QUERY, &req->q, result) ||
        !text_param(c, "kommun", PS_SRV_MAX_PARAM, &req->kommun, result) ||
        !text_param(c, "namnd", PS_SRV_MAX_PARAM, &req->namnd, result) ||
        !text_param(c, "typ", PS_SRV_MAX_PARAM, &req->typ, result) ||
        !date_param(c, "from", false, dates->from, result) ||
        !date_param(c, "to", true, dates->to, result))
        return false;
    req->from = dates->from[0] ? dates->from : NULL;
    req->to = dates->to[0] ? dates->to : NULL;

    const char *sort = ps_srv_param(c, "sort");
    if (sort && *sort) {
        if (strcmp(sort, "relevans") == 0 || strcmp(sort, "relevance") == 0)
            req->sort = PS_SEARCH_SORT_RELEVANCE;
        else if (strcmp(sort, "datum") == 0 || strcmp(sort, "date") == 0)
            req->sort = PS_SEARCH_SORT_DATE;
        else if (strcmp(sort, "datum-asc") == 0) /* one select in the no-JS form */
            req->sort = PS_SEARCH_SORT_DATE, req->ascending = true;
        else
            return bad_param(c, "sort", "'relevans' eller 'datum'", "'relevans' or 'datum'",
                             result);
    }
    const char *order = ps_srv_param(c, "order");
    if (order && *order) {
        if (strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0)
            return bad_param(c, "order", "'asc' eller 'desc'", "'asc' or 'desc'", result);
        req->ascending = strcmp(order, "asc") == 0;
    }
    const char *format = ps_srv_param(c, "format");
    if (format && *format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
        return bad_param(c, "format", "'json' eller 'csv'", "'json' or 'csv'", result);
    /* a CSV export: every hit (up to PS_SEARCH_EXPORT_MAX) unless limit says fewer */
    req->export_rows = format && strcmp(format, "csv") == 0;
    unsigned limit = req->export_rows ? 0 : 10, offset = 0, excerpts = 3;
    if (!uint_param(c, "limit", 1, req->export_rows ? PS_SEARCH_EXPORT_MAX : PS_SRV_MAX_LIMIT,
                    &limit, result) ||
        !uint_param(c, "offset", 0, PS_SRV_MAX_OFFSET, &offset, result) ||
        !uint_param(c, "excerpts", 1, 10, &excerpts, result))
        return false;
    req->limit = limit;
    req->offset = offset;
    req->excerpts = excerpts;
    req->time_limit = c->srv->time_limit;
    const char *facets = ps_srv_param(c, "facets");
    const char *stava = ps_srv_param(c, "stava"); /* stava=0: no "Menade du …?" */
    req->no_spelling = stava && strcmp(stava, "0") == 0;
    req->facets = !req->export_rows &&
                   !(facets && (strcmp(facets, "0") == 0 || strcmp(facets, "false") == 0));
    return true;
}

/* Give every document an "href" a browser can open: its public URL, else /kalla/... when the
 * server serves the indexed folder, else null. */
static void add_hrefs(ps_server *s, json_t *documents)
{
    size_t i;
    json_t *doc;
    json_array_foreach(documents, i, doc)
    {
        json_t *url = json_object_get(doc, "url");
        if (json_is_string(url)) {
            json_object_set(doc, "href", url);
            continue;
        }
        const char *path = json_string_value(json_object_get(doc, "path"));
        char *href = path && s->sources_real ? ps_srv_source_href(s, path) : NULL;
        json_object_set_new(doc, "href", href ? json_string(href) : json_null());
        free(href);
    }
}

typedef enum { CALL_SEARCH, CALL_ARENDE, CALL_FACETS, CALL_INFO, CALL_COMPLETE } call_kind;

typedef struct {
    call_kind kind;
    const ps_search_request *req;
    const char *key;
    const char *q;
} call_args;

static ps_status call_once(ps_searcher *s, const call_args *a, json_t **out, ps_error *err)
{
    switch (a->kind) {
    case CALL_SEARCH:
        return ps_search_run(s, a->req, out, err);
    case CALL_ARENDE:
        return ps_search_arende(s, a->key, a->q, out, err);
    case CALL_FACETS:
        return ps_search_facets(s, out, err);
    case CALL_INFO:
        return ps_search_info(s, out, err);
    case CALL_COMPLETE:
        return ps_search_complete(s, a->q, out, err);
    }
    return ps_error_set(err, PS_ERR_INTERNAL, "unknown call");
}

static ps_status call(ps_srv_ctx *c, const call_args *a, json_t **out, ps_error *err)
{
    *out = NULL;
    ps_srv_slot *slot = ps_srv_searcher_acquire(c->srv, err);
    if (!slot)
        return err->status;
    ps_status st = call_once(slot->searcher, a, out, err);
    if (st == PS_ERR_XAPIAN || st == PS_ERR_IO) {
        ps_srv_searcher_refresh(c->srv, slot);
        ps_error_clear(err);
        st = call_once(slot->searcher, a, out, err);
    }
    ps_srv_searcher_release(c->srv, slot);
    return st;
}

ps_status ps_srv_run_search(ps_srv_ctx *c, const ps_search_request *req, json_t **out,
                            ps_error *err)
{
    call_args a = {CALL_SEARCH, req, NULL, NULL};
    ps_status st = call(c, &a, out, err);
    if (st == PS_OK) {
        size_t i;
        json_t *hit;
        json_array_foreach(json_object_get(*out, "hits"), i, hit)
            add_hrefs(c->srv, json_object_get(hit, "documents"));
    }
    return st;
}

ps_status ps_srv_get_arende(ps_srv_ctx *c, const char *key, const char *q, json_t **out,
                            ps_error *err)
{
    call_args a = {CALL_ARENDE, NULL, key, q};
    ps_status st = call(c, &a, out, err);
    if (st == PS_OK) {
        add_hrefs(c->srv, json_object_get(*out, "documents"));
        add_hrefs(c->srv, json_object_get(json_object_get(*out, "history"), "timeline"));
    }
    return st;
}

/* The hits as a CSV download, each linked to its ärende page on this server. */
static enum MHD_Result csv_reply(ps_srv_ctx *c, const json_t *out)
{
    ps_buf prefix = PS_BUF_INIT;
    ps_srv_base_url(c, &prefix);
    ps_buf_puts(&prefix, "/arende.html?key=");
    char *csv = NULL;
    size_t len = 0;
    ps_error err;
    ps_error_clear(&err);
    enum MHD_Result result;
    if (prefix.failed || ps_search_csv(out, prefix.data, &csv, &len, &err) != PS_OK) {
        result = ps_srv_error(c, 500, "internal", "Internt fel.", "Internal error.");
    } else {
        static const char *const headers[] = {
            "Content-Disposition", "attachment; filename=\"protokollsok.csv\"", NULL};
        result = ps_srv_reply(c, 200, "text/csv; charset=utf-8", csv, len, headers);
    }
    free(csv);
    ps_buf_free(&prefix);
    return result;
}

static enum MHD_Result api_search(ps_srv_ctx *c)
{
    ps_search_request req;
    ps_srv_dates dates;
    ps_srv_bad bad;
    if (!ps_srv_search_params(c, &req, &dates, &bad))
        return ps_srv_error(c, 400, bad.code, bad.sv, bad.en);
    enum MHD_Result result;
    json_t *out;
    ps_error err;
    ps_error_clear(&err);
    if (ps_srv_run_search(c, &req, &out, &err) != PS_OK)
        return ps_srv_error_from(c, &err, false);
    result = req.export_rows ? csv_reply(c, out) : ps_srv_json(c, 200, out, NULL);
    json_decref(out);
    return result;
}

/* The key is everything after /api/arende/ in the raw target, percent-decoded. */
static enum MHD_Result api_arende(ps_srv_ctx *c)
{
    const char *raw = c->req->raw_uri + strlen("/api/arende/");
    size_t n = strcspn(raw, "?");
    if (n == 0 || n > 3 * PS_SRV_MAX_PARAM)
        return ps_srv_error(c, 404, "not_found", "Ärendet finns inte i indexet.",
                            "No such ärende in the index.");
    char *key = strndup(raw, n);
    if (!key)
        return MHD_NO;
    enum MHD_Result result;
    if (!ps_srv_url_decode(key) || !ps_srv_text_ok(key)) {
        free(key);
        return ps_srv_error(c, 400, "bad_key", "Ogiltig ärendenyckel.", "Invalid ärende key.");
    }
    const char *q = NULL;
    ps_srv_bad bad;
    if (!text_param(c, "q", PS_SRV_MAX_QUERY, &q, &bad)) {
        free(key);
        return ps_srv_error(c, 400, bad.code, bad.sv, bad.en);
    }
    json_t *out;
    ps_error err;
    ps_error_clear(&err);
    if (ps_srv_get_arende(c, key, q, &out, &err) != PS_OK)
        result = ps_srv_error_from(c, &err, true);
    else
        result = ps_srv_json(c, 200, out, NULL);
    json_decref(out);
    free(key);
    return result;
}

static enum MHD_Result api_simple(ps_srv_ctx *c, call_kind kind)
{
    call_args a = {kind, NULL, NULL, NULL};
    json_t *out;
    ps_error err;
    ps_error_clear(&err);
    if (call(c, &a, &out, &err) != PS_OK)
        return ps_srv_error_from(c, &err, false);
    if (kind == CALL_INFO) {
        json_object_set_new(out, "status", json_string("ok"));
        json_object_set_new(out, "uptime_s",
                            json_integer((json_int_t)(ps_srv_now() - c->srv->started)));
        json_object_set_new(out, "threads", json_integer(c->srv->threads));
        json_object_set_new(out, "serves_sources", json_boolean(c->srv->sources_real != NULL));
        ps_srv_guard_stats g;
        ps_srv_guard_counts(c->srv, &g);
        json_object_set_new(out, "connections",
                            json_pack("{s:I,s:I,s:I,s:I,s:I}", "open", (json_int_t)g.connections,
                                      "waiting", (json_int_t)g.waiting, "max",
                                      (json_int_t)c->srv->max_connections, "cut_slow",
                                      (json_int_t)g.cut_slow, "cut_address",
                                      (json_int_t)g.cut_address));
    }
    enum MHD_Result result = ps_srv_json(c, 200, out, NULL);
    json_decref(out);
    return result;
}

/* /api/suggest?q=: autocomplete for the search box (bounded, a few ms). */
static enum MHD_Result api_suggest(ps_srv_ctx *c)
{
    const char *q = NULL;
    ps_srv_bad bad;
    if (!text_param(c, "q", PS_SRV_MAX_PARAM, &q, &bad))
        return ps_srv_error(c, 400, bad.code, bad.sv, bad.en);
    call_args a = {CALL_COMPLETE, NULL, NULL, q ? q : ""};
    json_t *out;
    ps_error err;
    ps_error_clear(&err);
    if (call(c, &a, &out, &err) != PS_OK)
        return ps_srv_error_from(c, &err, false);
    enum MHD_Result result = ps_srv_json(c, 200, out, NULL);
    json_decref(out);
    return result;
}

enum MHD_Result ps_srv_api(ps_srv_ctx *c)
{
    const char *p = c->path;
    if (strcmp(p, "/api/search") == 0)
        return api_search(c);
    if (strcmp(p, "/api/arende/") == 0)
        return api_arende(c);
    if (strcmp(p, "/api/facets") == 0)
        return api_simple(c, CALL_FACETS);
    if (strcmp(p, "/api/health") == 0)
        return api_simple(c, CALL_INFO);
    if (strcmp(p, "/api/suggest") == 0)
        return api_suggest(c);
    return ps_srv_error(c, 404, "not_found", "Det finns ingen sådan adress i API:t.",
                        "No such API endpoint.");
}
