/*
 * search_fake.c — TEMPORARY stand-in for src/search.c while the search module is being written,
 * so that the server and web UI can be built and tried. Linked only when src/search.c does not
 * exist (cmake/server.cmake). Reads DB/fake.json: {"revision": N, "arenden": [ärende objects]}.
 * Removed as soon as search lands on main.
 */
#include "protokollsok/search.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct ps_searcher {
    char *path;
    json_t *data;
    long long mtime;
};

static ps_status load(ps_searcher *s, ps_error *err)
{
    struct stat st;
    if (stat(s->path, &st) != 0)
        return ps_error_set(err, PS_ERR_NOT_FOUND, "no index at %s", s->path);
    json_error_t je;
    json_t *d = json_load_file(s->path, 0, &je);
    if (!d)
        return ps_error_set(err, PS_ERR_INVALID, "%s: %s", s->path, je.text);
    json_decref(s->data);
    s->data = d;
    s->mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    return PS_OK;
}

ps_status ps_searcher_open(const char *db_path, ps_searcher **out, ps_error *err)
{
    ps_searcher *s = calloc(1, sizeof *s);
    s->path = malloc(strlen(db_path) + 16);
    sprintf(s->path, "%s/fake.json", db_path);
    ps_status st = load(s, err);
    if (st != PS_OK) {
        ps_searcher_close(s);
        return st;
    }
    *out = s;
    return PS_OK;
}

ps_status ps_searcher_reopen(ps_searcher *s, bool *changed, ps_error *err)
{
    struct stat st;
    *changed = false;
    if (stat(s->path, &st) != 0)
        return ps_error_set(err, PS_ERR_NOT_FOUND, "gone");
    long long m = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    if (m == s->mtime)
        return PS_OK;
    *changed = true;
    return load(s, err);
}

void ps_searcher_close(ps_searcher *s)
{
    if (!s)
        return;
    json_decref(s->data);
    free(s->path);
    free(s);
}

void ps_search_request_init(ps_search_request *req)
{
    memset(req, 0, sizeof *req);
}

static char *lower(const char *s)
{
    char *l = strdup(s ? s : "");
    for (char *p = l; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return l;
}

static bool matches(json_t *a, const char *q)
{
    if (!q || !*q)
        return true;
    char *t = lower(json_string_value(json_object_get(a, "title")));
    char *b = lower(json_string_value(json_object_get(a, "body")));
    char *qq = lower(q);
    bool ok = true;
    for (char *w = strtok(qq, " \""); w; w = strtok(NULL, " \""))
        if (!strstr(t, w) && !strstr(b, w))
            ok = false;
    free(t);
    free(b);
    free(qq);
    return ok;
}

static bool field_eq(json_t *a, const char *k, const char *v)
{
    const char *x = json_string_value(json_object_get(a, k));
    return !v || (x && strcmp(x, v) == 0);
}

static void count(json_t *facets, const char *name, const char *value)
{
    if (!value)
        return;
    json_t *arr = json_object_get(facets, name);
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "value")), value) == 0) {
            json_object_set_new(e, "count",
                                json_integer(json_integer_value(json_object_get(e, "count")) + 1));
            return;
        }
    }
    json_array_append_new(arr, json_pack("{s:s,s:i}", "value", value, "count", 1));
}

static int by_date_desc(const void *x, const void *y)
{
    const char *a = json_string_value(json_object_get(*(json_t *const *)x, "date"));
    const char *b = json_string_value(json_object_get(*(json_t *const *)y, "date"));
    return strcmp(b ? b : "", a ? a : "");
}

ps_status ps_search_run(ps_searcher *s, const ps_search_request *req, json_t **out, ps_error *err)
{
    if (req->q && strchr(req->q, '(')) {
        ps_error_set(err, PS_ERR_QUERY, "unbalanced parenthesis");
        err->offset = (long)(strchr(req->q, '(') - req->q);
        return PS_ERR_QUERY;
    }
    json_t *all = json_object_get(s->data, "arenden");
    size_t n = json_array_size(all), m = 0;
    json_t **sel = calloc(n + 1, sizeof *sel);
    json_t *facets = json_pack("{s:[],s:[],s:[],s:[]}", "kommun", "namnd", "year", "type");
    size_t i;
    json_t *a;
    json_array_foreach(all, i, a)
    {
        const char *date = json_string_value(json_object_get(a, "date"));
        if (!matches(a, req->q) || !field_eq(a, "kommun", req->kommun) ||
            !field_eq(a, "namnd", req->namnd) || !field_eq(a, "type", req->typ))
            continue;
        if (req->from && (!date || strcmp(date, req->from) < 0))
            continue;
        if (req->to && (!date || strcmp(date, req->to) > 0))
            continue;
        sel[m++] = a;
        count(facets, "kommun", json_string_value(json_object_get(a, "kommun")));
        count(facets, "namnd", json_string_value(json_object_get(a, "namnd")));
        char y[5] = {0};
        if (date)
            memcpy(y, date, 4);
        count(facets, "year", date ? y : NULL);
        count(facets, "type", json_string_value(json_object_get(a, "type")));
    }
    if (req->sort == PS_SEARCH_SORT_DATE)
        qsort(sel, m, sizeof *sel, by_date_desc);
    for (size_t k = 0; req->sort == PS_SEARCH_SORT_DATE && req->ascending && k < m / 2; k++) {
        json_t *t = sel[k];
        sel[k] = sel[m - 1 - k];
        sel[m - 1 - k] = t;
    }
    unsigned limit = req->limit ? req->limit : 10;
    json_t *hits = json_array();
    for (size_t k = req->offset; k < m && k < req->offset + limit; k++) {
        json_t *h = json_deep_copy(sel[k]);
        json_object_del(h, "body");
        json_object_del(h, "sections");
        json_object_del(h, "matches");
        json_object_set_new(h, "rank", json_integer((json_int_t)k + 1));
        json_object_set_new(h, "score", json_real(1.0 / (double)(k + 1)));
        json_array_append_new(hits, h);
    }
    free(sel);
    *out = json_pack("{s:s?,s:s,s:n,s:n,s:i,s:b,s:i,s:i,s:f,s:s,s:s,s:o,s:o}", "query", req->q,
                     "parsed", req->q ? req->q : "", "fallback", "note", "total", (int)m,
                     "total_exact", 1, "offset", (int)req->offset, "limit", (int)limit, "took_ms",
                     0.5, "sort", req->sort == PS_SEARCH_SORT_DATE ? "datum" : "relevans", "order",
                     req->ascending ? "asc" : "desc", "hits", hits, "facets",
                     req->facets ? facets : json_null());
    if (!req->facets)
        json_decref(facets);
    return PS_OK;
}

ps_status ps_search_arende(ps_searcher *s, const char *key, const char *q, json_t **out,
                           ps_error *err)
{
    (void)q;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(s->data, "arenden"), i, a)
    {
        if (strcmp(json_string_value(json_object_get(a, "key")), key) == 0) {
            *out = json_deep_copy(a);
            return PS_OK;
        }
    }
    return ps_error_set(err, PS_ERR_NOT_FOUND, "no ärende %s", key);
}

ps_status ps_search_facets(ps_searcher *s, json_t **out, ps_error *err)
{
    ps_search_request r;
    ps_search_request_init(&r);
    r.facets = true;
    json_t *res;
    ps_status st = ps_search_run(s, &r, &res, err);
    if (st != PS_OK)
        return st;
    *out = json_incref(json_object_get(res, "facets"));
    json_decref(res);
    return PS_OK;
}

ps_status ps_search_info(ps_searcher *s, json_t **out, ps_error *err)
{
    (void)err;
    *out =
        json_pack("{s:i,s:i,s:i,s:i,s:s,s:s,s:s,s:O,s:s}", "documents",
                  (int)json_array_size(json_object_get(s->data, "arenden")), "arenden",
                  (int)json_array_size(json_object_get(s->data, "arenden")), "terms", 0,
                  "disk_bytes", 0, "last_run", "2026-11-23T02:00:00Z", "lexicon", "fake", "schema",
                  "1", "revision", json_object_get(s->data, "revision"), "version", PS_VERSION);
    return PS_OK;
}
