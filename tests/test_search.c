/*
 * test_search.c — search end to end on the index of seeds/ (built by the `search_index_seeds`
 * ctest fixture with the protokollsok binary; its path comes in $PS_SEARCH_DB): ärenden
 * collapsed with their documents, filters, date order, facets, the diarienummer query, the OR
 * fallback, wildcards, excerpts and exact highlight byte ranges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/schema.h"
#include "protokollsok/search.h"

#include "search_testutil.h"

static json_t *search(const char *q)
{
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = q;
    return search_req(&req);
}

static const char *s_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_t *hits_of(const json_t *res)
{
    return json_object_get(res, "hits");
}

/* The rank (0-based) of the hit with that dnr, -1 if absent. */
static int rank_of_dnr(const json_t *res, const char *dnr)
{
    size_t i;
    json_t *h;
    json_array_foreach(hits_of(res), i,
                       h) if (s_of(h, "dnr") && strcmp(s_of(h, "dnr"), dnr) == 0) return (int)i;
    return -1;
}

/* The rank of the hit one of whose documents is the file (base name), -1 if absent. */
static int rank_of_file(const json_t *res, const char *file)
{
    size_t i, k;
    json_t *h, *d;
    json_array_foreach(hits_of(res), i, h) json_array_foreach(json_object_get(h, "documents"), k, d)
    {
        const char *path = s_of(d, "path");
        if (path && strstr(path, file))
            return (int)i;
    }
    return -1;
}

static void test_forbund_finds_the_three(void **state)
{
    (void)state;
    json_t *res = search("förbund");
    assert_true(rank_of_dnr(res, "2023.076 SN") >= 0);
    assert_true(rank_of_dnr(res, "2020.096 SN") >= 0);
    assert_true(rank_of_file(res, "004_034c7db9e8ee52a5.txt") >= 0);
    assert_true(json_integer_value(json_object_get(res, "total")) >= 3);
    assert_true(json_is_null(json_object_get(res, "fallback")));
    json_decref(res);
}

static void test_collapse_and_documents(void **state)
{
    (void)state;
    json_t *res = search("samordningsförbund");
    size_t i, k;
    json_t *h, *g;
    json_array_foreach(hits_of(res), i, h) json_array_foreach(hits_of(res), k, g) if (k > i)
        assert_string_not_equal(s_of(h, "key"), s_of(g, "key"));
    int r = rank_of_dnr(res, "2023.076 SN");
    assert_true(r >= 0);
    json_t *docs = json_object_get(json_array_get(hits_of(res), (size_t)r), "documents");
    assert_true(json_array_size(docs) >= 3); /* seeds 000, 001 and 002 */
    const char *want[] = {"000_f9d1b8ea3c7fc132.txt", "001_a605ce567de3568f.txt",
                          "002_1cf86d2020daf07c.txt"};
    for (size_t w = 0; w < 3; w++) {
        bool seen = false;
        json_array_foreach(docs, k, g)
        {
            seen = seen || strstr(s_of(g, "path"), want[w]);
            assert_true(json_is_array(json_object_get(g, "pages")));
            assert_non_null(json_object_get(g, "type"));
        }
        if (!seen)
            fail_msg("2023.076 SN lacks document %s", want[w]);
    }
    json_decref(res);
}

static void test_kommun_filter(void **state)
{
    (void)state;
    json_t *all = search("förbund");
    json_t *res = search("förbund kommun:Köping");
    assert_true(json_array_size(hits_of(res)) >= 1);
    assert_true(json_array_size(hits_of(res)) < json_array_size(hits_of(all)));
    size_t i;
    json_t *h;
    json_array_foreach(hits_of(res), i, h) assert_string_equal(s_of(h, "kommun"), "Köping");
    assert_true(rank_of_file(res, "004_034c7db9e8ee52a5.txt") >= 0);
    json_decref(res);
    /* the request field does the same as the query field */
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = "förbund";
    req.kommun = "köping";
    res = search_req(&req);
    assert_int_equal(json_array_size(hits_of(res)), 1);
    assert_true(rank_of_file(res, "004_034c7db9e8ee52a5.txt") == 0);
    json_decref(res);
    json_decref(all);
}

static void check_date_order(const char *q, bool ascending)
{
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = q;
    req.sort = PS_SEARCH_SORT_DATE;
    req.ascending = ascending;
    json_t *res = search_req(&req);
    assert_string_equal(s_of(res, "sort"), "datum");
    assert_string_equal(s_of(res, "order"), ascending ? "asc" : "desc");
    size_t i;
    json_t *h;
    const char *prev = NULL;
    bool seen_undated = false, seen_dated = false;
    assert_true(json_array_size(hits_of(res)) >= 3);
    json_array_foreach(hits_of(res), i, h)
    {
        const char *d = s_of(h, "date");
        if (!d) { /* undated ärenden sort as the oldest */
            if (ascending)
                assert_false(seen_dated);
            seen_undated = true;
            continue;
        }
        if (!ascending)
            assert_false(seen_undated);
        seen_dated = true;
        if (prev)
            assert_true(ascending ? strcmp(prev, d) <= 0 : strcmp(prev, d) >= 0);
        prev = d;
    }
    assert_true(seen_dated);
    json_decref(res);
}

static void test_date_sort(void **state)
{
    (void)state;
    check_date_order("förbund", false);
    check_date_order("förbund", true);
    /* no words to rank by: newest first */
    json_t *res = search("kommun:Alingsås");
    assert_string_equal(s_of(res, "sort"), "datum");
    assert_string_equal(s_of(res, "order"), "desc");
    json_decref(res);
}

/* The total of q filtered on one facet value. */
static json_int_t filtered_total(const char *q, const char *facet, const char *value)
{
    char from[16], to[16];
    ps_search_request sub;
    ps_search_request_init(&sub);
    sub.q = q;
    if (strcmp(facet, "kommun") == 0)
        sub.kommun = value;
    else if (strcmp(facet, "namnd") == 0)
        sub.namnd = value;
    else if (strcmp(facet, "type") == 0)
        sub.typ = value;
    else { /* year */
        snprintf(from, sizeof from, "%.4s-01-01", value);
        snprintf(to, sizeof to, "%.4s-12-31", value);
        sub.from = from;
        sub.to = to;
    }
    json_t *r = search_req(&sub);
    json_int_t total = json_integer_value(json_object_get(r, "total"));
    json_decref(r);
    return total;
}

/* Facets count ärenden: each count is the total of the same search filtered on that value,
 * and the kommun counts add up to the total (every seed ärende has one kommun). */
static void test_facets_add_up(void **state)
{
    (void)state;
    const char *queries[] = {"förbund", "2023.076", "beslut"};
    for (size_t qi = 0; qi < 3; qi++) {
        ps_search_request req;
        ps_search_request_init(&req);
        req.q = queries[qi];
        req.facets = true;
        json_t *res = search_req(&req);
        json_t *facets = json_object_get(res, "facets");
        json_int_t total = json_integer_value(json_object_get(res, "total"));
        const char *names[] = {"kommun", "namnd", "year", "type"};
        for (size_t f = 0; f < 4; f++) {
            json_int_t sum = 0;
            size_t i;
            json_t *v;
            assert_true(json_array_size(json_object_get(facets, names[f])) >= 1);
            json_array_foreach(json_object_get(facets, names[f]), i, v)
            {
                json_int_t count = json_integer_value(json_object_get(v, "count"));
                sum += count;
                assert_true(count >= 1 && count <= total);
                if (filtered_total(queries[qi], names[f], s_of(v, "value")) != count)
                    fail_msg("%s: facet %s=%s counts %lld", queries[qi], names[f], s_of(v, "value"),
                             (long long)count);
            }
            if (f == 0)
                assert_int_equal(sum, total);
        }
        json_decref(res);
    }

    json_t *all = NULL;
    ps_error err;
    assert_int_equal(ps_search_facets(searcher, &all, &err), PS_OK);
    assert_true(json_array_size(json_object_get(all, "kommun")) >= 2);
    json_decref(all);
}

static void test_dnr_query_first(void **state)
{
    (void)state;
    const char *queries[] = {"2023.076", "2023.076 SN", "2023.076 sn"};
    for (size_t i = 0; i < 3; i++) {
        json_t *res = search(queries[i]);
        assert_int_equal(rank_of_dnr(res, "2023.076 SN"), 0);
        assert_string_equal(s_of(res, "dnr"), i == 0 ? "2023.076" : "2023.076 sn");
        json_decref(res);
    }
    json_t *res = search("2020.096");
    assert_int_equal(rank_of_dnr(res, "2020.096 SN"), 0);
    json_decref(res);
    res = search("dnr:2023.039");
    assert_int_equal(json_array_size(hits_of(res)), 1);
    assert_int_equal(rank_of_dnr(res, "2023.039 SN"), 0);
    json_decref(res);
}

static void test_phrase_and_stopwords(void **state)
{
    (void)state;
    json_t *res = search("\"ej verkställda beslut\"");
    assert_int_equal(rank_of_dnr(res, "2023.039 SN"), 0);
    json_decref(res);
    res = search("beslutet om utträde");
    json_t *ignored = json_object_get(res, "ignored");
    assert_int_equal(json_array_size(ignored), 1);
    assert_string_equal(json_string_value(json_array_get(ignored, 0)), "om");
    assert_string_equal(s_of(res, "parsed"), "beslutet AND utträde");
    assert_true(rank_of_dnr(res, "2020.096 SN") >= 0);
    assert_true(rank_of_dnr(res, "2023.076 SN") >= 0);
    json_decref(res);
    res = search("och"); /* nothing but a stop word: searched for as it is */
    assert_true(json_array_size(hits_of(res)) >= 1);
    json_decref(res);
}

static void test_not_or_fallback(void **state)
{
    (void)state;
    json_t *res = search("förbund -utträde");
    assert_true(rank_of_dnr(res, "2020.096 SN") < 0);
    assert_true(rank_of_dnr(res, "2023.076 SN") < 0);
    json_decref(res);
    res = search("samordningsförbund OR \"ej verkställda beslut\"");
    assert_true(rank_of_dnr(res, "2023.039 SN") >= 0);
    assert_true(rank_of_dnr(res, "2023.076 SN") >= 0);
    json_decref(res);
    res = search("kvartalsrapport"); /* the text has "kvartal" and "rapportera", apart */
    assert_string_equal(s_of(res, "fallback"), "parts");
    assert_int_equal(rank_of_dnr(res, "2023.039 SN"), 0);
    json_decref(res);
    res = search("uppsägningstid qqxyzzyq");
    assert_string_equal(s_of(res, "fallback"), "or");
    assert_non_null(strstr(s_of(res, "note"), "inga träffar på alla ord"));
    assert_true(rank_of_dnr(res, "2023.076 SN") >= 0);
    json_decref(res);
}

static void test_wildcard(void **state)
{
    (void)state;
    json_t *res = search("utträd*");
    assert_true(rank_of_dnr(res, "2020.096 SN") >= 0);
    json_decref(res);
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = "förbund s*";
    json_t *out = NULL;
    ps_error err;
    assert_int_equal(ps_search_run(searcher, &req, &out, &err), PS_ERR_QUERY);
    assert_null(out);
    assert_int_equal(err.offset, 8);
    assert_non_null(strstr(err.message, "för många ord"));
}

static void test_errors(void **state)
{
    (void)state;
    ps_search_request req;
    ps_search_request_init(&req);
    json_t *out = NULL;
    ps_error err;
    req.q = "förbund foo:bar";
    assert_int_equal(ps_search_run(searcher, &req, &out, &err), PS_ERR_QUERY);
    assert_int_equal(err.offset, 8);
    req.q = "förbund";
    req.limit = 101;
    assert_int_equal(ps_search_run(searcher, &req, &out, &err), PS_ERR_INVALID);
    req.limit = 10;
    req.typ = "brev";
    assert_int_equal(ps_search_run(searcher, &req, &out, &err), PS_ERR_INVALID);
    assert_non_null(strstr(err.message, "typ"));
    assert_null(out);
    assert_int_equal(ps_search_arende(searcher, "ingen:sådan", NULL, &out, &err), PS_ERR_NOT_FOUND);
}

/* Paging through one at a time gives the same ärenden as one page. */
static void test_stable_pagination(void **state)
{
    (void)state;
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = "kommun";
    req.limit = 4;
    json_t *page = search_req(&req);
    size_t n = json_array_size(hits_of(page));
    assert_true(n >= 3);
    for (size_t i = 0; i < n; i++) {
        ps_search_request one;
        ps_search_request_init(&one);
        one.q = "kommun";
        one.limit = 1;
        one.offset = (unsigned)i;
        json_t *r = search_req(&one);
        json_t *h = json_array_get(hits_of(r), 0);
        assert_string_equal(s_of(h, "key"), s_of(json_array_get(hits_of(page), i), "key"));
        assert_int_equal(json_integer_value(json_object_get(h, "rank")), (json_int_t)i + 1);
        json_decref(r);
    }
    json_decref(page);
}

/* The excerpt marks the words matched through compounds and -et forms. */
static void test_excerpts(void **state)
{
    (void)state;
    json_t *res = search("förbund");
    int r = rank_of_file(res, "004_034c7db9e8ee52a5.txt");
    json_t *h = json_array_get(hits_of(res), (size_t)r);
    json_t *ex = json_object_get(h, "excerpts");
    assert_true(json_array_size(ex) >= 1 && json_array_size(ex) <= 3);
    size_t i, k;
    json_t *e, *m;
    size_t marked = 0;
    json_array_foreach(ex, i, e)
    {
        const char *text = s_of(e, "text");
        assert_true(strlen(text) <= 400);
        assert_non_null(strstr(s_of(e, "html"), "<mark>"));
        json_array_foreach(json_object_get(e, "matches"), k, m)
        {
            size_t s = (size_t)json_integer_value(json_array_get(m, 0));
            size_t t = (size_t)json_integer_value(json_array_get(m, 1));
            assert_true(s < t && t <= strlen(text));
            char word[128];
            snprintf(word, sizeof word, "%.*s", (int)(t - s), text + s);
            /* förbund, samordningsförbund(et), länsförbund, Förbundet ... */
            if (!strstr(word, "förbund") && !strstr(word, "Förbund"))
                fail_msg("marked word [%s] does not contain förbund", word);
            marked++;
        }
    }
    assert_true(marked >= 2);
    json_decref(res);
}

/* A time limit that has run out still gives the first page, says "cut" and leaves out the
 * costly part (excerpts); without a limit the same search is not cut. */
static void test_time_limit_cuts(void **state)
{
    (void)state;
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = "förbund";
    json_t *full = search_req(&req);
    assert_false(json_is_true(json_object_get(full, "cut")));
    assert_true(json_array_size(json_object_get(json_array_get(hits_of(full), 0), "excerpts")) > 0);
    req.time_limit = 1e-9;
    json_t *cut = search_req(&req);
    assert_true(json_is_true(json_object_get(cut, "cut")));
    assert_true(json_array_size(hits_of(cut)) > 0);
    assert_int_equal(json_array_size(hits_of(cut)), json_array_size(hits_of(full)));
    size_t i;
    json_t *h;
    json_array_foreach(hits_of(cut), i, h)
        assert_int_equal(json_array_size(json_object_get(h, "excerpts")), 0);
    json_decref(full);
    json_decref(cut);
}

/* ps_search_arende marks exact byte ranges of the seed text. */
static void test_arende_highlight_ranges(void **state)
{
    (void)state;
    json_t *res = search("2023.076");
    const char *key = s_of(json_array_get(hits_of(res), 0), "key");
    json_t *a = NULL;
    ps_error err;
    assert_int_equal(ps_search_arende(searcher, key, "uppsägningstid", &a, &err), PS_OK);
    const char *body = s_of(a, "body");
    assert_non_null(body);
    json_t *matches = json_object_get(a, "matches");
    assert_true(json_array_size(matches) >= 1);
    const char *at = strstr(body, "uppsägningstiden");
    assert_non_null(at);
    json_t *m0 = json_array_get(matches, 0);
    assert_int_equal(json_integer_value(json_array_get(m0, 0)), at - body);
    assert_int_equal(json_integer_value(json_array_get(m0, 1)),
                     at - body + (long)strlen("uppsägningstiden"));
    assert_true(json_array_size(json_object_get(a, "documents")) >= 3);
    assert_true(json_is_array(json_object_get(a, "sections")));
    json_decref(a);

    assert_int_equal(ps_search_arende(searcher, key, "förbund", &a, &err), PS_OK);
    body = s_of(a, "body");
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(a, "matches"), i, m)
    {
        size_t s = (size_t)json_integer_value(json_array_get(m, 0));
        size_t e = (size_t)json_integer_value(json_array_get(m, 1));
        char word[128];
        snprintf(word, sizeof word, "%.*s", (int)(e - s), body + s);
        if (strcmp(word, "Samordningsförbundet") && strcmp(word, "förbundets") &&
            strcmp(word, "förbundet") && strcmp(word, "Samordningsförbundets") &&
            strcmp(word, "samordningsförbundet") &&
            strcmp(word, "Samordningsförbundet Insjörikets") && strcmp(word, "förbundsordning") &&
            strcmp(word, "Samordningsförbundet Insjöriket") && !strstr(word, "förbund"))
            fail_msg("unexpected match [%s]", word);
    }
    assert_true(json_array_size(json_object_get(a, "matches")) >= 5);
    json_decref(a);
    json_decref(res);
}

/* é and e are the same letter to the search, both ways, on a second small index
 * (tests/data/search/accents: "kafé" in one file, "entre" in the other). */
static void test_accents(void **state)
{
    (void)state;
    const char *db = getenv("PS_SEARCH_ACCENTS_DB");
    assert_non_null(db);
    ps_searcher *acc = NULL;
    ps_error err;
    assert_int_equal(ps_searcher_open(db, &acc, &err), PS_OK);
    const char *cases[][2] = {{"kafe", "kafé"},   {"KAFÉ", "kafé"},   {"kaféet", "kafé"},
                              {"entré", "entre"}, {"Entre", "entre"}, {"entre", "entre"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ps_search_request req;
        ps_search_request_init(&req);
        req.q = cases[i][0];
        json_t *res = NULL;
        assert_int_equal(ps_search_run(acc, &req, &res, &err), PS_OK);
        if (json_array_size(hits_of(res)) != 1)
            fail_msg("[%s]: %zu hits", cases[i][0], json_array_size(hits_of(res)));
        json_t *ex =
            json_array_get(json_object_get(json_array_get(hits_of(res), 0), "excerpts"), 0);
        json_t *m = json_array_get(json_object_get(ex, "matches"), 0);
        assert_non_null(m);
        const char *text = s_of(ex, "text");
        size_t a = (size_t)json_integer_value(json_array_get(m, 0));
        size_t b = (size_t)json_integer_value(json_array_get(m, 1));
        if (strncmp(text + a, cases[i][1], strlen(cases[i][1])) != 0 || b - a < strlen(cases[i][1]))
            fail_msg("[%s] marked [%.*s]", cases[i][0], (int)(b - a), text + a);
        json_decref(res);
    }
    ps_searcher_close(acc);
}

static void test_info(void **state)
{
    (void)state;
    json_t *info = NULL;
    ps_error err;
    assert_int_equal(ps_search_info(searcher, &info, &err), PS_OK);
    assert_true(json_integer_value(json_object_get(info, "documents")) >= 5);
    assert_true(json_integer_value(json_object_get(info, "arenden")) >= 4);
    assert_string_equal(s_of(info, "schema"), PS_SCHEMA_VERSION);
    assert_true(strlen(s_of(info, "lexicon")) > 0);
    /* ACTivera, the seeds' project name, is in no word list but in several documents */
    assert_true(json_integer_value(json_object_get(info, "learned_words")) >= 1);
    json_decref(info);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forbund_finds_the_three),
        cmocka_unit_test(test_collapse_and_documents),
        cmocka_unit_test(test_kommun_filter),
        cmocka_unit_test(test_date_sort),
        cmocka_unit_test(test_facets_add_up),
        cmocka_unit_test(test_dnr_query_first),
        cmocka_unit_test(test_phrase_and_stopwords),
        cmocka_unit_test(test_not_or_fallback),
        cmocka_unit_test(test_wildcard),
        cmocka_unit_test(test_time_limit_cuts),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_stable_pagination),
        cmocka_unit_test(test_excerpts),
        cmocka_unit_test(test_arende_highlight_ranges),
        cmocka_unit_test(test_accents),
        cmocka_unit_test(test_info),
    };
    return cmocka_run_group_tests(tests, open_index, close_index);
}
