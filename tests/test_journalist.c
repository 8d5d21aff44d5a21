/*
 * test_journalist.c — the journalist's tools end to end on the index of seeds/ ($PS_SEARCH_DB,
 * built by the search_index_seeds fixture): the histogram over time (per year, per month
 * within a year, gaps as 0, counts that add up to the year facet), the CSV export (BOM,
 * header, one row per ärende, quoting, formula guard, links) and "Menade du …?" (missing
 * diacritics and typos searched as the index spells them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/search.h"

#include "search_testutil.h"

static json_t *run_q(const char *q, bool facets)
{
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = q;
    req.facets = facets;
    return search_req(&req);
}

static long long bar_count(const json_t *bars, const char *period)
{
    size_t i;
    json_t *b;
    json_array_foreach(bars, i, b)
    {
        if (strcmp(json_string_value(json_object_get(b, "period")), period) == 0)
            return json_integer_value(json_object_get(b, "count"));
    }
    return -1;
}

static void test_histogram_years(void **state)
{
    (void)state;
    json_t *res = run_q("förbund", true);
    json_t *h = json_object_get(res, "histogram");
    assert_non_null(h);
    assert_string_equal(json_string_value(json_object_get(h, "unit")), "year");
    json_t *bars = json_object_get(h, "bars");
    /* 2020 and 2023 have förbund ärenden, the years between are there with 0 */
    assert_true(bar_count(bars, "2020") >= 1);
    assert_true(bar_count(bars, "2023") >= 1);
    assert_int_equal(bar_count(bars, "2021"), 0);
    assert_int_equal(bar_count(bars, "2022"), 0);
    /* time order, and each year's count is the year facet's */
    const char *prev = "";
    size_t i;
    json_t *b;
    json_array_foreach(bars, i, b)
    {
        const char *p = json_string_value(json_object_get(b, "period"));
        assert_true(strcmp(prev, p) < 0);
        prev = p;
        char from[16];
        snprintf(from, sizeof from, "%s-01-01", p);
        assert_string_equal(json_string_value(json_object_get(b, "from")), from);
    }
    json_t *year;
    json_array_foreach(json_object_get(json_object_get(res, "facets"), "year"), i, year)
        assert_int_equal(bar_count(bars, json_string_value(json_object_get(year, "value"))),
                         json_integer_value(json_object_get(year, "count")));
    json_decref(res);

    /* no facets asked for: no histogram */
    res = run_q("förbund", false);
    assert_true(json_is_null(json_object_get(res, "histogram")));
    json_decref(res);
}

static void test_histogram_months(void **state)
{
    (void)state;
    /* a range of a year or less counts months: by the request's from/to ... */
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = "förbund";
    req.facets = true;
    req.from = "2023-01-01";
    req.to = "2023-12-31";
    json_t *res = search_req(&req);
    json_t *h = json_object_get(res, "histogram");
    assert_string_equal(json_string_value(json_object_get(h, "unit")), "month");
    json_t *bars = json_object_get(h, "bars");
    assert_int_equal(json_array_size(bars), 12);
    long long sum = 0;
    size_t i;
    json_t *b;
    json_array_foreach(bars, i, b) sum += json_integer_value(json_object_get(b, "count"));
    assert_true(bar_count(bars, "2023-11") >= 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(bars, 4), "label")),
                        "maj 2023");
    assert_string_equal(json_string_value(json_object_get(json_array_get(bars, 1), "to")),
                        "2023-02-31");
    json_decref(res);
    /* ... and by a datum: filter in the query; the counts are those of the year filter */
    res = run_q("förbund datum:2023", true);
    h = json_object_get(res, "histogram");
    assert_string_equal(json_string_value(json_object_get(h, "unit")), "month");
    long long sum2 = 0;
    json_array_foreach(json_object_get(h, "bars"), i, b) sum2 +=
        json_integer_value(json_object_get(b, "count"));
    assert_int_equal(sum, sum2);
    assert_true(sum >= json_integer_value(json_object_get(res, "total")) - 1);
    json_decref(res);
    /* two years: per year again */
    res = run_q("förbund år:2020..2023", true);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(res, "histogram"), "unit")), "year");
    json_decref(res);
}

/* Split one CSV line (no embedded line breaks: the export has none) into fields. */
static size_t csv_split(const char *line, char fields[][512], size_t max)
{
    size_t n = 0;
    const char *p = line;
    while (n < max) {
        size_t len = 0;
        if (*p == '"') {
            for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
                if (*p == '"')
                    p++;
                if (len < 511)
                    fields[n][len++] = *p;
            }
            if (*p == '"')
                p++;
        } else {
            for (; *p && *p != ',' && *p != '\r'; p++)
                if (len < 511)
                    fields[n][len++] = *p;
        }
        fields[n++][len] = '\0';
        if (*p != ',')
            break;
        p++;
    }
    return n;
}

static void test_csv(void **state)
{
    (void)state;
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = "förbund";
    req.export_rows = true;
    req.limit = 0;
    json_t *res = search_req(&req);
    size_t nhits = json_array_size(json_object_get(res, "hits"));
    assert_true(nhits >= 3);
    /* an export makes no excerpts */
    assert_int_equal(json_array_size(json_object_get(
                         json_array_get(json_object_get(res, "hits"), 0), "excerpts")),
                     0);
    char *csv = NULL;
    size_t len = 0;
    ps_error err;
    assert_int_equal(ps_search_csv(res, "https://sok.example/arende.html?key=", &csv, &len, &err),
                     PS_OK);
    assert_int_equal(strlen(csv), len);
    assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
    const char *header = "Diarienummer,Paragraf,Rubrik,Nämnd,Kommun,Datum,Typ,Länk\r\n";
    assert_memory_equal(csv + 3, header, strlen(header));
    size_t lines = 0;
    for (const char *p = csv; (p = strstr(p, "\r\n")) != NULL; p += 2)
        lines++;
    assert_int_equal(lines, nhits + 1);
    for (size_t i = 1; i < len; i++) /* every line break is CRLF: a title's own became spaces */
        if (csv[i] == '\n')
            assert_int_equal(csv[i - 1], '\r');
    /* the first row is the first hit, its link the ärende page with the key URL-encoded */
    const char *row = strstr(csv, "\r\n") + 2;
    char fields[8][512];
    assert_int_equal(csv_split(row, fields, 8), 8);
    json_t *hit = json_array_get(json_object_get(res, "hits"), 0);
    assert_string_equal(fields[2], json_string_value(json_object_get(hit, "title")));
    assert_string_equal(fields[4], json_string_value(json_object_get(hit, "kommun")));
    assert_non_null(strstr(fields[7], "https://sok.example/arende.html?key="));
    assert_non_null(strstr(fields[7], "%3A")); /* the ':' of the key */
    free(csv);
    json_decref(res);

    /* quoting and the formula guard, on a made-up result */
    json_t *fake = json_pack("{s:[{s:s,s:s,s:s,s:n,s:s,s:s,s:s}]}", "hits", "key", "k:1", "dnr",
                             "=HYPERLINK(\"x\")", "title", "Vård, \"omsorg\"\noch skola",
                             "paragraf", "namnd", "Nämnd", "kommun", "Åre", "date", "2023-01-02");
    assert_int_equal(ps_search_csv(fake, NULL, &csv, &len, &err), PS_OK);
    row = strstr(csv, "\r\n") + 2;
    assert_string_equal(row, "\"'=HYPERLINK(\"\"x\"\")\",,\"Vård, \"\"omsorg\"\" och skola\","
                             "Nämnd,Åre,2023-01-02,,k:1\r\n");
    free(csv);
    json_decref(fake);
}

static void test_export_limit(void **state)
{
    (void)state;
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = "förbund";
    req.limit = 200; /* over 100: only for exports */
    json_t *res = NULL;
    ps_error err;
    assert_int_equal(ps_search_run(searcher, &req, &res, &err), PS_ERR_INVALID);
    req.export_rows = true;
    assert_int_equal(ps_search_run(searcher, &req, &res, &err), PS_OK);
    json_decref(res);
    req.limit = PS_SEARCH_EXPORT_MAX + 1;
    assert_int_equal(ps_search_run(searcher, &req, &res, &err), PS_ERR_INVALID);
}

static bool has_key(const json_t *res, const char *key)
{
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(res, "hits"), i, h)
    {
        if (strcmp(json_string_value(json_object_get(h, "key")), key) == 0)
            return true;
    }
    return false;
}

/* A query typed without å/ä/ö (or with a typo) that finds nothing is searched as the index
 * spells it, and the answer says so. */
static void expect_applied(const char *typed, const char *fixed)
{
    json_t *res = run_q(typed, false);
    json_t *sugg = json_object_get(res, "suggestion");
    if (!json_is_object(sugg))
        fail_msg("[%s]: no suggestion", typed);
    assert_string_equal(json_string_value(json_object_get(sugg, "query")), fixed);
    assert_true(json_is_true(json_object_get(sugg, "applied")));
    assert_non_null(
        strstr(json_string_value(json_object_get(sugg, "message")), "Visar resultat för"));
    assert_string_equal(json_string_value(json_object_get(res, "query")), typed);
    /* the same hits as searching the fixed words */
    json_t *direct = run_q(fixed, false);
    assert_int_equal(json_integer_value(json_object_get(res, "total")),
                     json_integer_value(json_object_get(direct, "total")));
    assert_true(json_is_null(json_object_get(direct, "suggestion")));
    json_decref(direct);
    json_decref(res);
}

static void test_spelling(void **state)
{
    (void)state;
    expect_applied("forbundet", "förbundet");
    expect_applied("forbund", "förbund");
    expect_applied("arende", "ärende");
    expect_applied("Alingsas", "Alingsås");
    expect_applied("förbudnet", "förbundet");
    expect_applied("utträde forbund", "utträde förbund");
    /* forbundet finds the three förbund ärenden of Alingsås */
    json_t *res = run_q("forbundet", false);
    assert_true(has_key(res, "alingsas:2023.076-sn"));
    assert_true(has_key(res, "alingsas:2020.096-sn"));
    assert_true(json_integer_value(json_object_get(res, "total")) >= 3);
    json_decref(res);
    /* a word the index has is left alone; so are phrases, excluded words and dnr queries */
    static const char *const kept[] = {"förbund", "\"forbundet\"", "utträde -forbund",
                                       "2023.076 SN", "Insjöriket", "ACTivera"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        res = run_q(kept[i], false);
        if (!json_is_null(json_object_get(res, "suggestion")))
            fail_msg("[%s] got a suggestion", kept[i]);
        json_decref(res);
    }
    /* no_spelling: exactly what was typed */
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = "forbundet";
    req.no_spelling = true;
    res = search_req(&req);
    assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
    assert_true(json_is_null(json_object_get(res, "suggestion")));
    json_decref(res);
    /* nonsense stays nonsense */
    res = run_q("xqzvbnm", false);
    assert_true(json_is_null(json_object_get(res, "suggestion")));
    json_decref(res);
}

static const char *title_of(const json_t *res, size_t i)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(res, "hits"), i), "title"));
}

static void test_abbreviations_seeds(void **state)
{
    (void)state;
    /* IVO and Inspektionen för vård och omsorg find the same ärende first */
    json_t *a = run_q("IVO", false), *b = run_q("Inspektionen för vård och omsorg", false);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(a, "hits"), 0), "key")),
        json_string_value(json_object_get(json_array_get(json_object_get(b, "hits"), 0), "key")));
    assert_true(has_key(a, "alingsas:2023.039-sn"));
    /* the parsed query shows the expansion; "expansions" says what was added */
    assert_string_equal(json_string_value(json_object_get(a, "parsed")),
                        "IVO OR \"Inspektionen för vård och omsorg\"");
    json_t *e = json_array_get(json_object_get(a, "expansions"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "kind")), "abbreviation");
    assert_string_equal(json_string_value(json_array_get(json_object_get(e, "also"), 0)),
                        "Inspektionen för vård och omsorg");
    assert_string_equal(json_string_value(json_object_get(b, "parsed")),
                        "((Inspektionen AND vård AND omsorg) OR IVO)");
    e = json_array_get(json_object_get(b, "expansions"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "kind")), "full");
    json_decref(a);
    json_decref(b);
    /* never inside a phrase, never a lowercase word, never a dnr */
    static const char *const plain[] = {"\"IVO\"", "sol", "2023.076 SN", "-IVO förbund"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        a = run_q(plain[i], false);
        if (json_array_size(json_object_get(a, "expansions")))
            fail_msg("[%s] was expanded", plain[i]);
        json_decref(a);
    }
    /* capitals of a mixed-case abbreviation count: SOL = SoL */
    a = run_q("SOL", false);
    assert_int_equal(json_array_size(json_object_get(a, "expansions")), 1);
    json_decref(a);
}

/* On an index where "LSS" and "lagen om stöd och service till vissa funktionshindrade" stand
 * in different ärenden: either finds both, the typed form first. */
static ps_searcher *seeds_searcher;

static int open_abbrev_index(void **state)
{
    (void)state;
    const char *db = getenv("PS_SEARCH_ABBREV_DB");
    ps_error err;
    seeds_searcher = searcher;
    if (!db || ps_searcher_open(db, &searcher, &err) != PS_OK) {
        searcher = seeds_searcher;
        fprintf(stderr, "PS_SEARCH_ABBREV_DB (%s) does not open\n", db ? db : "unset");
        return -1;
    }
    return 0;
}

static int close_abbrev_index(void **state)
{
    (void)state;
    ps_searcher_close(searcher);
    searcher = seeds_searcher;
    return 0;
}

static void test_abbreviations_both(void **state)
{
    (void)state;
    json_t *a = run_q("LSS", false);
    assert_int_equal(json_integer_value(json_object_get(a, "total")), 2);
    assert_string_equal(title_of(a, 0), "Korttidsvistelse enligt LSS");
    assert_string_equal(title_of(a, 1), "Daglig verksamhet");
    json_t *b = run_q("lagen om stöd och service till vissa funktionshindrade", false);
    assert_int_equal(json_integer_value(json_object_get(b, "total")), 2);
    assert_string_equal(title_of(b, 0), "Daglig verksamhet");
    assert_string_equal(title_of(b, 1), "Korttidsvistelse enligt LSS");
    json_decref(a);
    json_decref(b);
    /* the other form is marked in the excerpt too */
    a = run_q("LSS", false);
    json_t *ex = json_array_get(
        json_object_get(json_array_get(json_object_get(a, "hits"), 1), "excerpts"), 0);
    assert_non_null(strstr(json_string_value(json_object_get(ex, "html")), "<mark>"));
    json_decref(a);
    /* a phrase is searched as typed */
    a = run_q("\"LSS\"", false);
    assert_int_equal(json_integer_value(json_object_get(a, "total")), 1);
    json_decref(a);
}

static json_t *arende(const char *key)
{
    json_t *a = NULL;
    ps_error err;
    if (ps_search_arende(searcher, key, NULL, &a, &err) != PS_OK)
        fail_msg("ärende %s: %s", key, err.message);
    return a;
}

/* 2023.076 SN's history lists its tjänsteskrivelse and protokoll in date order and gives the
 * KF decision it refers to, which the seeds lack, as text (once, not also as "§ 94 ..."). */
static void test_history_seeds(void **state)
{
    (void)state;
    json_t *a = arende("alingsas:2023.076-sn");
    json_t *h = json_object_get(a, "history");
    json_t *timeline = json_object_get(h, "timeline");
    assert_true(json_array_size(timeline) >= 2); /* the protokollsutdrag in two files is one step */
    const char *prev = "";
    bool ts = false, protokoll = false;
    size_t i;
    json_t *e;
    json_array_foreach(timeline, i, e)
    {
        const char *date = json_string_value(json_object_get(e, "date"));
        const char *type = json_string_value(json_object_get(e, "type"));
        assert_non_null(date);
        assert_true(strcmp(prev, date) <= 0);
        prev = date;
        if (type && strcmp(type, "tjänsteskrivelse") == 0) {
            assert_false(protokoll); /* the tjänsteskrivelse comes first */
            assert_string_equal(date, "2023-10-24");
            ts = true;
        }
        if (type && strncmp(type, "protokoll", 9) == 0) {
            assert_string_equal(date, "2023-11-01");
            protokoll = true;
        }
    }
    assert_true(ts && protokoll);
    json_t *unresolved = json_object_get(h, "unresolved");
    assert_int_equal(json_array_size(unresolved), 1);
    assert_string_equal(json_string_value(json_array_get(unresolved, 0)), "KF § 94 2021-05-26");
    json_decref(a);
}

static bool lists_key(const json_t *list, const char *key)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        const char *k = json_string_value(json_object_get(e, "key"));
        if (k && strcmp(k, key) == 0)
            return true;
    }
    return false;
}

static void test_similar(void **state)
{
    (void)state;
    json_t *a = arende("alingsas:2023.076-sn");
    json_t *sim = json_object_get(a, "similar");
    assert_true(json_is_array(sim));
    assert_true(json_array_size(sim) >= 1 && json_array_size(sim) <= 5);
    assert_false(lists_key(sim, "alingsas:2023.076-sn"));
    size_t i;
    json_t *e;
    json_array_foreach(sim, i, e)
    {
        const char *dnr = json_string_value(json_object_get(e, "dnr"));
        assert_true(!dnr || strcmp(dnr, "2023.076 SN") != 0);
        assert_non_null(json_string_value(json_object_get(e, "key")));
    }
    /* the other Samordningsförbundet ärende is like it */
    assert_true(lists_key(sim, "alingsas:2020.096-sn"));
    json_decref(a);
}

/* A reference to a decision that is indexed becomes a timeline entry linking to it. */
static void test_history_resolves(void **state)
{
    (void)state;
    json_t *res = run_q("\"daglig verksamhet\"", false);
    const char *key =
        json_string_value(json_object_get(json_array_get(json_object_get(res, "hits"), 0), "key"));
    assert_non_null(key);
    json_t *a = arende(key);
    json_t *h = json_object_get(a, "history");
    bool found = false;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(h, "timeline"), i, e)
    {
        const char *kind = json_string_value(json_object_get(e, "kind"));
        if (kind && strcmp(kind, "reference") == 0) {
            assert_string_equal(json_string_value(json_object_get(e, "ref")), "KS § 12 2024-01-10");
            assert_string_equal(json_string_value(json_object_get(e, "title")),
                                "Riktlinjer för gruppbostäder");
            assert_string_equal(json_string_value(json_object_get(e, "date")), "2024-01-10");
            found = true;
        }
    }
    assert_true(found);
    json_t *unresolved = json_object_get(h, "unresolved");
    assert_int_equal(json_array_size(unresolved), 1);
    assert_string_equal(json_string_value(json_array_get(unresolved, 0)), "KF § 3 2019-02-11");
    /* the KS ärende comes before the nämnd's own documents (2024-01-10 < 2024-03-13) */
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(h, "timeline"), 0), "kind")),
                        "reference");
    json_decref(a);
    json_decref(res);
}

static json_t *complete(const char *q)
{
    json_t *out = NULL;
    ps_error err;
    if (ps_search_complete(searcher, q, &out, &err) != PS_OK)
        fail_msg("complete [%s]: %s", q, err.message);
    return out;
}

static bool suggests(const json_t *res, const char *text, const char *kind)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(res, "suggestions"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "text")), text) == 0 &&
            strcmp(json_string_value(json_object_get(e, "kind")), kind) == 0)
            return true;
    }
    return false;
}

static void test_complete(void **state)
{
    (void)state;
    /* the last word completed from the index's words, the words before it kept */
    json_t *c = complete("förb");
    assert_true(suggests(c, "förbund", "word"));     /* a stem the index has as förbundet */
    assert_true(suggests(c, "förbundet", "word"));   /* an exact form */
    assert_false(suggests(c, "förbudnet", "word"));
    size_t n = json_array_size(json_object_get(c, "suggestions"));
    assert_true(n >= 2 && n <= 11);
    /* most documents first among the words */
    json_int_t prev = -1;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(c, "suggestions"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "kind")), "word") != 0)
            continue;
        json_int_t count = json_integer_value(json_object_get(e, "count"));
        assert_true(prev < 0 || count <= prev);
        prev = count;
    }
    json_decref(c);
    c = complete("utträde samordnings");
    assert_true(suggests(c, "utträde samordningsförbundet", "word"));
    json_decref(c);
    /* titles with such a word */
    c = complete("utträ");
    assert_true(suggests(c, "Förslag om utträde ur Samordningsförbundet Insjöriket", "title"));
    json_decref(c);
    /* nothing for one letter, a field or a prefix* */
    static const char *const none[] = {"f", "", "kommun:al", "förb*", "xqzv"};
    for (size_t k = 0; k < sizeof none / sizeof none[0]; k++) {
        c = complete(none[k]);
        if (json_array_size(json_object_get(c, "suggestions")))
            fail_msg("[%s] got suggestions", none[k]);
        json_decref(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spelling),
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_abbreviations_seeds),
        cmocka_unit_test_setup_teardown(test_abbreviations_both, open_abbrev_index,
                                        close_abbrev_index),
        cmocka_unit_test(test_history_seeds),
        cmocka_unit_test(test_similar),
        cmocka_unit_test_setup_teardown(test_history_resolves, open_abbrev_index,
                                        close_abbrev_index),
        cmocka_unit_test(test_histogram_years),
        cmocka_unit_test(test_histogram_months),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_export_limit),
    };
    return cmocka_run_group_tests(tests, open_index, close_index);
}
