/*
 * search/arende.c — ps_search_arende (one ärende's full text with the query's words marked),
 * ps_search_facets (over the whole index) and ps_search_info (what the index holds).
 */
#include "protokollsok/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/schema.h"
#include "internal.h"

#define SIMILAR_MAX 5 /* Liknande ärenden on an ärende's page */

/* The document to show an ärende from: its protokoll (the decision), else the longest text. */
static const json_t *main_document(const json_t *docs)
{
    const json_t *best = NULL;
    size_t best_len = 0, i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
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
    json_t *expansions = NULL; /* IVO marks "Inspektionen för vård och omsorg" too */
    if (st == PS_OK)
        st = ps_search_abbrev_rewrite(s, query, q, &expansions, err);
    json_decref(expansions);
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
        st = ps_search_arende_docs(s, key, 0, NULL, &docs, err);
    if (st == PS_OK && json_array_size(docs) == 0)
        st = ps_error_set(err, PS_ERR_NOT_FOUND, "no ärende with key %s in the index", key);
    const json_t *d = st == PS_OK ? main_document(docs) : NULL;
    const char *body = d ? json_string_value(json_object_get(d, "body")) : NULL;
    const char *title = d ? json_string_value(json_object_get(d, "title")) : NULL;
    ps_match *bm = NULL, *tm = NULL;
    size_t nbm = 0, ntm = 0;
    if (st == PS_OK && body)
        st = ps_search_find_matches(s, body, json_string_length(json_object_get(d, "body")), &qb,
                                    &bm, &nbm, err);
    if (st == PS_OK && title)
        st = ps_search_find_matches(s, title, strlen(title), &qb, &tm, &ntm, err);
    if (st == PS_OK) {
        *out = json_pack(
            "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "key",
            ps_search_field_or_null(d, "key"), "dnr", ps_search_field_or_null(d, "dnr"), "paragraf",
            ps_search_field_or_null(d, "paragraf"), "title", ps_search_field_or_null(d, "title"),
            "date", ps_search_field_or_null(d, "date"), "namnd",
            ps_search_field_or_null(d, "namnd"), "kommun", ps_search_field_or_null(d, "kommun"),
            "type", ps_search_field_or_null(d, "type"), "handlaggare",
            ps_search_field_or_null(d, "handlaggare"), "path", ps_search_field_or_null(d, "path"),
            "url", ps_search_field_or_null(d, "url"), "body", ps_search_field_or_null(d, "body"),
            "sections", copy_or_empty_array(d, "sections"), "refs", copy_or_empty_array(d, "refs"),
            "matches", ps_search_spans_json(bm, nbm, 0), "title_matches",
            ps_search_spans_json(tm, ntm, 0), "terms", ps_search_strv_json(&qb.hl), "documents",
            ps_search_documents_json(docs));
        if (!*out)
            st = ps_search_nomem(err);
    }
    json_t *history = NULL, *similar = NULL;
    if (st == PS_OK)
        st = ps_search_history(s, key, docs, &history, err);
    if (st == PS_OK)
        st = ps_search_similar(s, key, json_string_value(json_object_get(*out, "dnr")), SIMILAR_MAX,
                               &similar, err);
    if (st == PS_OK) { /* set_new takes the value, also when it fails */
        bool ok = json_object_set_new(*out, "history", history) == 0;
        ok = json_object_set_new(*out, "similar", similar) == 0 && ok;
        history = similar = NULL;
        if (!ok)
            st = ps_search_nomem(err);
    }
    if (st) {
        json_decref(history);
        json_decref(similar);
        json_decref(*out);
        *out = NULL;
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

ps_status ps_search_store_shards(struct ps_store *store, json_t **out, ps_error *err)
{
    *out = json_array();
    if (!*out)
        return ps_search_nomem(err);
    for (size_t i = 0; i < ps_store_shard_count(store); i++) {
        ps_store_shard_info sh;
        ps_status st = ps_store_shard(store, i, &sh, err);
        if (st) {
            json_decref(*out);
            *out = NULL;
            return st;
        }
        json_t *o = json_pack("{s:s,s:b,s:s,s:s?,s:o,s:o}", "name", sh.name, "remote", sh.remote,
                              "state", sh.up ? "up" : "down", "error", *sh.error ? sh.error : NULL,
                              "revision",
                              sh.up && !sh.remote ? json_integer((json_int_t)sh.revision)
                                                  : json_null(),
                              "documents",
                              sh.up ? json_integer((json_int_t)sh.documents) : json_null());
        if (!o || json_array_append_new(*out, o) != 0) {
            json_decref(*out);
            *out = NULL;
            return ps_search_nomem(err);
        }
    }
    return PS_OK;
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
        *out =
            json_pack("{s:I,s:I,s:I,s:I,s:s,s:s,s:s,s:I,s:s,s:s}", "documents", (json_int_t)docs,
                      "arenden", (json_int_t)arenden, "terms", (json_int_t)nterms, "disk_bytes",
                      (json_int_t)disk, "last_run", meta[0], "lexicon", meta[1], "schema", meta[2],
                      "revision", (json_int_t)revision, "version", PS_VERSION, "path", s->path);
        if (*out)
            json_object_set_new(*out, "learned_words",
                                json_integer((json_int_t)ps_lexicon_learned_count(s->learned)));
        json_t *shards = NULL;
        if (*out && (st = ps_search_store_shards(s->store, &shards, err)) == PS_OK &&
            json_object_set_new(*out, "shards", shards) != 0)
            st = ps_search_nomem(err);
        if (!*out)
            st = ps_search_nomem(err);
    }
    for (size_t i = 0; i < 3; i++)
        free(meta[i]);
    return st;
}
