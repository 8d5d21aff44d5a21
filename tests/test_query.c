/*
 * test_query.c — the query-language parser: every operator and field, the canonical form
 * (ps_query_describe), diarienummer detection, and every error message with its position.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/query.h"

/* Parse q and compare its canonical form. */
static void expect_parse(const char *q, const char *canonical)
{
    ps_query *query = NULL;
    ps_error err;
    ps_status st = ps_query_parse(q, strlen(q), &query, &err);
    if (st != PS_OK)
        fail_msg("query [%s] failed: %s", q, err.message);
    char *d = ps_query_describe(query);
    assert_non_null(d);
    if (strcmp(d, canonical) != 0)
        fail_msg("query [%s]: got [%s], want [%s]", q, d, canonical);
    free(d);
    ps_query_free(query);
}

/* Parse q, expect PS_ERR_QUERY at character offset `offset` with needle in the message. */
static void expect_error(const char *q, long offset, const char *needle)
{
    ps_query *query = NULL;
    ps_error err;
    ps_status st = ps_query_parse(q, strlen(q), &query, &err);
    if (st != PS_ERR_QUERY)
        fail_msg("query [%s]: status %d, want PS_ERR_QUERY", q, (int)st);
    assert_null(query);
    assert_int_equal(err.status, PS_ERR_QUERY);
    if (err.offset != offset)
        fail_msg("query [%s]: offset %ld, want %ld (%s)", q, err.offset, offset, err.message);
    if (!strstr(err.message, needle))
        fail_msg("query [%s]: message [%s] lacks [%s]", q, err.message, needle);
    char pos[32];
    snprintf(pos, sizeof pos, "tecken %ld", offset + 1);
    if (!strstr(err.message, pos))
        fail_msg("query [%s]: message [%s] does not say [%s]", q, err.message, pos);
}

static ps_query *parse_ok(const char *q)
{
    ps_query *query = NULL;
    ps_error err;
    if (ps_query_parse(q, strlen(q), &query, &err) != PS_OK)
        fail_msg("query [%s] failed: %s", q, err.message);
    return query;
}

static void test_words_and_default_and(void **state)
{
    (void)state;
    expect_parse("förbund", "förbund");
    expect_parse("  beslutet om   utträde ", "beslutet AND om AND utträde");
    expect_parse("a AND b", "a AND b");
    expect_parse("a OCH b", "a AND b");
    expect_parse("+a +b", "a AND b");
    expect_parse("a - b", "a AND b"); /* a lone dash is punctuation */
    expect_parse("ACTivera", "ACTivera");
    expect_parse("16–64 år", "16–64 AND år");
    expect_parse("eller och inte or", "eller AND och AND inte AND or"); /* lowercase: words */
    expect_parse("https://x.se/a", "https://x.se/a");
    /* an abbreviation inflected after a colon is a word, not a field */
    expect_parse("EU:s långtidsbudget", "EU:s AND långtidsbudget");
    expect_parse("SCB:n", "SCB:n");
    expect_parse("", "");
    expect_parse("   ", "");
}

static void test_or_and_grouping(void **state)
{
    (void)state;
    expect_parse("a OR b", "a OR b");
    expect_parse("a ELLER b c", "a OR (b AND c)");
    expect_parse("a b OR c", "(a AND b) OR c");
    expect_parse("(a OR b) c", "(a OR b) AND c");
    expect_parse("((a))", "a");
    expect_parse("(a b) OR (c d)", "(a AND b) OR (c AND d)");
    ps_query *q = parse_ok("(a OR b) c");
    assert_int_equal(q->root->kind, PS_QNODE_AND);
    assert_int_equal(q->root->nkids, 2);
    assert_int_equal(q->root->kids[0]->kind, PS_QNODE_OR);
    assert_int_equal(q->root->kids[1]->kind, PS_QNODE_WORD);
    assert_string_equal(q->root->kids[1]->text, "c");
    assert_int_equal(q->root->kids[1]->start, 9);
    assert_int_equal(q->root->kids[1]->end, 10);
    ps_query_free(q);
}

static void test_not(void **state)
{
    (void)state;
    expect_parse("förbund -utträde", "förbund AND -utträde");
    expect_parse("förbund INTE utträde", "förbund AND -utträde");
    expect_parse("förbund NOT utträde", "förbund AND -utträde");
    expect_parse("-(a b) c", "-(a AND b) AND c");
    expect_parse("a -\"b c\"", "a AND -\"b c\"");
    expect_parse("a -kommun:Köping", "a AND -kommun:köping");
    ps_query *q = parse_ok("-x");
    assert_int_equal(q->root->kind, PS_QNODE_NOT);
    assert_int_equal(q->root->kids[0]->kind, PS_QNODE_WORD);
    ps_query_free(q);
}

static void test_phrases(void **state)
{
    (void)state;
    expect_parse("\"ej verkställda beslut\"", "\"ej verkställda beslut\"");
    expect_parse("“vård och omsorg” IVO", "\"vård och omsorg\" AND IVO");
    expect_parse("„vård och omsorg”", "\"vård och omsorg\"");
    expect_parse("«a b»", "\"a b\"");
    expect_parse("abc\"def\"", "abc AND \"def\"");
    ps_query *q = parse_ok("x \"vård och omsorg\"");
    const ps_qnode *ph = q->root->kids[1];
    assert_int_equal(ph->kind, PS_QNODE_PHRASE);
    assert_string_equal(ph->text, "vård och omsorg");
    assert_int_equal(ph->start, 2);
    assert_int_equal(ph->end, strlen("x \"vård och omsorg\""));
    ps_query_free(q);
}

static void test_wildcard(void **state)
{
    (void)state;
    ps_query *q = parse_ok("utträd*");
    assert_int_equal(q->root->kind, PS_QNODE_WORD);
    assert_true(q->root->wildcard);
    assert_string_equal(q->root->text, "utträd");
    ps_query_free(q);
    expect_parse("utträd* titel:förbund*", "utträd* AND titel:förbund*");
}

static void test_filter_fields(void **state)
{
    (void)state;
    expect_parse("kommun:Alingsås", "kommun:alingsås");
    expect_parse("KOMMUN:ALINGSÅS", "kommun:alingsås");
    expect_parse("nämnd:Socialnämnden", "nämnd:socialnämnden");
    expect_parse("namnd:socialnämnden", "nämnd:socialnämnden");
    expect_parse("Nämnd:\"Socialnämndens  arbetsutskott\"",
                 "nämnd:\"socialnämndens arbetsutskott\"");
    expect_parse("dnr:2023.076", "dnr:2023.076");
    expect_parse("dnr:2023.076 SN förbund", "dnr:\"2023.076 sn\" AND förbund");
    expect_parse("dnr:KS 2023/123", "dnr:\"ks 2023/123\"");
    expect_parse("dnr:\"KS 2023/123\"", "dnr:\"ks 2023/123\"");
    expect_parse("dnr:2023.076 sn", "dnr:2023.076 AND sn"); /* lowercase: a word */
    expect_parse("typ:protokoll", "typ:protokoll");
    expect_parse("typ:Tjansteskrivelse", "typ:tjänsteskrivelse");
    expect_parse("typ:ovrigt", "typ:övrigt");
    expect_parse("år:2023", "år:2023");
    expect_parse("ar:2020..2023", "år:2020..2023");
    expect_parse("datum:2023-01-01..2023-12-31", "datum:2023-01-01..2023-12-31");
    expect_parse("datum:2023-05", "datum:2023-05-01..2023-05-31");
    expect_parse("datum:2024-02", "datum:2024-02-01..2024-02-29");
    expect_parse("datum:2023", "datum:2023-01-01..2023-12-31");
    expect_parse("datum:2021..", "datum:2021-01-01..");
    expect_parse("datum:..2021-06", "datum:..2021-06-30");
    expect_parse("kommun:(Alingsås OR Köping)", "kommun:alingsås OR kommun:köping");
    ps_query *q = parse_ok("datum:..2021-06");
    assert_int_equal(q->root->kind, PS_QNODE_FILTER);
    assert_int_equal(q->root->field, PS_QFIELD_DATUM);
    assert_null(q->root->text);
    assert_string_equal(q->root->text2, "2021-06-30");
    assert_true(ps_query_field_is_filter(q->root->field));
    ps_query_free(q);
}

static void test_section_fields(void **state)
{
    (void)state;
    expect_parse("beslut:upphävs", "beslut:upphävs");
    expect_parse("Förslag:utträde forslag:x", "förslag:utträde AND förslag:x");
    expect_parse("titel:\"förnyelse av medlemskap\"", "titel:\"förnyelse av medlemskap\"");
    expect_parse("rubrik:förnyelse", "titel:förnyelse");
    expect_parse("titel:-(a b)", "titel:- AND a AND b"); /* a value is the word as written */
    expect_parse("titel:- AND x", "titel:- AND x");
    expect_parse("titel:OR x", "titel:OR AND x");
    expect_parse("ärendebeskrivning:a arendebeskrivning:b",
                 "ärendebeskrivning:a AND ärendebeskrivning:b");
    expect_parse("bakgrund:a sammanfattning:b yttrande:c",
                 "bakgrund:a AND sammanfattning:b AND yttrande:c");
    expect_parse("beslut:(upphäva utträde)", "beslut:upphäva AND beslut:utträde");
    ps_query *q = parse_ok("beslut:upphävs");
    assert_int_equal(q->root->kind, PS_QNODE_WORD);
    assert_int_equal(q->root->field, PS_QFIELD_BESLUT);
    assert_false(ps_query_field_is_filter(q->root->field));
    assert_string_equal(ps_query_field_name(q->root->field), "beslut");
    ps_query_free(q);
}

static void test_dnr_detection(void **state)
{
    (void)state;
    static const struct {
        const char *q, *dnr;
    } cases[] = {
        {"2023.076", "2023.076"},
        {" 2023.076 SN ", "2023.076 sn"},
        {"2023.076 sn", "2023.076 sn"},
        {"KS 2023/123", "ks 2023/123"},
        {"2023/45-1", "2023/45-1"},
        {"KS  2023/123-2", "ks 2023/123-2"},
        {"2023.076 förbund x", NULL},
        {"förbund", NULL},
        {"2023", NULL},
        {"2023.076*", NULL},
        {"dnr:2023.076", NULL},
        {"12023.076", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ps_query *q = parse_ok(cases[i].q);
        if (cases[i].dnr == NULL && q->dnr)
            fail_msg("[%s] taken as dnr [%s]", cases[i].q, q->dnr);
        if (cases[i].dnr && (!q->dnr || strcmp(q->dnr, cases[i].dnr) != 0))
            fail_msg("[%s] dnr [%s], want [%s]", cases[i].q, q->dnr ? q->dnr : "(null)",
                     cases[i].dnr);
        ps_query_free(q);
    }
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("förbund foo:bar", 8, "Okänt fält \"foo:\"");
    expect_error("EU:Sverige", 0, "Okänt fält \"EU:\"");
    expect_error("förbund foo:bar", 8, "Kända fält: kommun, nämnd");
    expect_error("a \"ej verkställda", 2, "stängs aldrig");
    expect_error("a \"\" b", 2, "Tom fras");
    expect_error("(a b", 0, "Parentesen vid tecken 1 stängs aldrig: väntade \")\"");
    expect_error("a b)", 3, "\")\" vid tecken 4 saknar en inledande \"(\"");
    expect_error("a () b", 2, "Tomma parenteser");
    expect_error("OR a", 0, "inget ord före sig");
    expect_error("a OR", 2, "Väntade ett ord efter \"OR\"");
    expect_error("a ELLER )", 2, "Väntade ett ord efter \"ELLER\"");
    expect_error("a OR OR b", 2, "Väntade ett ord efter \"OR\"");
    expect_error("AND a", 0, "inget ord före sig");
    expect_error("å OCH", 2, "Väntade ett ord efter \"OCH\"");
    expect_error("a INTE", 2, "Väntade ett ord efter \"INTE\"");
    expect_error("a --b", 3, "Dubbel uteslutning");
    expect_error("a INTE -b", 7, "Dubbel uteslutning");
    expect_error("utt*räd", 3, "bara i slutet av ett ord");
    expect_error("ä *", 2, "saknar början");
    expect_error("kommun:Ali*", 10, "Jokertecken går inte i fältet kommun:");
    expect_error("kommun: Alingsås", 7, "Värde saknas efter \"kommun:\"");
    expect_error("titel:", 6, "Värde saknas");
    expect_error("kommun:\"\"", 7, "Tom fras");
    expect_error("a kommun:\"  \"", 10, "Värde saknas efter \"kommun:\"");
    expect_error("kommun:-Köping", 7, "skriv -kommun:värde för att utesluta");
    expect_error("beslut:(titel:x)", 8, "fält kan inte nästlas");
    expect_error("beslut:()", 7, "Tomma parenteser efter beslut:");
    expect_error("beslut:(a", 7, "stängs aldrig");
    expect_error("år:23", 3, "Ogiltigt år \"23\"");
    expect_error("år:2023..", 3, "Ogiltigt år");
    expect_error("år:2023..2020", 3, "slutar före det börjar");
    expect_error("datum:2023-13-01", 6, "Ogiltigt datum \"2023-13-01\"");
    expect_error("datum:2023-02-29", 6, "Ogiltigt datum");
    expect_error("datum:2023-01-01..x", 6, "väntade ÅÅÅÅ-MM-DD");
    expect_error("datum:..", 6, "saknar både start och slut");
    expect_error("datum:2023..2021", 6, "slutar före det börjar");
    expect_error("typ:brev", 4, "Okänd dokumenttyp \"brev\"");
    expect_error("typ:brev", 4, "tjänsteskrivelse");
    expect_error("ärende:x", 0, "Okänt fält \"ärende:\""); /* character, not byte, positions */
    expect_error("åäö ))", 4, "saknar en inledande");
}

static void test_limits(void **state)
{
    (void)state;
    char deep[PS_QUERY_MAX_DEPTH * 2 + 8];
    size_t n = 0;
    for (int i = 0; i <= PS_QUERY_MAX_DEPTH; i++)
        deep[n++] = '(';
    deep[n++] = 'a';
    for (int i = 0; i <= PS_QUERY_MAX_DEPTH; i++)
        deep[n++] = ')';
    deep[n] = '\0';
    expect_error(deep, PS_QUERY_MAX_DEPTH, "För djupt nästlade parenteser");

    char *many = malloc(PS_QUERY_MAX_NODES * 2 + 8);
    assert_non_null(many);
    n = 0;
    for (int i = 0; i <= PS_QUERY_MAX_NODES; i++) {
        many[n++] = 'a';
        many[n++] = ' ';
    }
    many[n] = '\0';
    expect_error(many, PS_QUERY_MAX_NODES * 2, "för många delar");
    free(many);

    char *longq = malloc(PS_QUERY_MAX_BYTES + 2);
    assert_non_null(longq);
    memset(longq, 'x', PS_QUERY_MAX_BYTES + 1);
    longq[PS_QUERY_MAX_BYTES + 1] = '\0';
    expect_error(longq, PS_QUERY_MAX_BYTES, "för lång");
    free(longq);

    expect_error("ab\xff", 2, "inte UTF-8");
    ps_query *q = NULL;
    ps_error err;
    assert_int_equal(ps_query_parse("a\0b", 3, &q, &err), PS_ERR_QUERY);
    assert_int_equal(err.offset, 1);
    assert_int_equal(ps_query_parse(NULL, 0, &q, &err), PS_OK);
    assert_null(q->root);
    ps_query_free(q);
}

static void test_filter_node_and_ignored(void **state)
{
    (void)state;
    ps_qnode *n = NULL;
    ps_error err;
    assert_int_equal(ps_query_filter_node(PS_QFIELD_KOMMUN, "Västra  Götaland", &n, &err), PS_OK);
    assert_int_equal(n->kind, PS_QNODE_FILTER);
    assert_string_equal(n->text, "västra götaland");
    ps_qnode_free(n);
    assert_int_equal(ps_query_filter_node(PS_QFIELD_DATUM, "2023-01-01..", &n, &err), PS_OK);
    assert_string_equal(n->text, "2023-01-01");
    assert_null(n->text2);
    ps_qnode_free(n);
    assert_int_equal(ps_query_filter_node(PS_QFIELD_TYP, "Tjänsteskrivelse", &n, &err), PS_OK);
    assert_string_equal(n->text, "tjänsteskrivelse");
    ps_qnode_free(n);
    assert_int_equal(ps_query_filter_node(PS_QFIELD_TYP, "brev", &n, &err), PS_ERR_QUERY);
    assert_null(n);
    assert_int_equal(err.offset, 0);
    assert_int_equal(ps_query_filter_node(PS_QFIELD_DATUM, "2023-02-30", &n, &err), PS_ERR_QUERY);
    assert_int_equal(ps_query_filter_node(PS_QFIELD_KOMMUN, "", &n, &err), PS_ERR_QUERY);
    assert_non_null(strstr(err.message, "Värde saknas för kommun"));
    assert_int_equal(ps_query_filter_node(PS_QFIELD_NAMND, "ab\xc3", &n, &err), PS_ERR_QUERY);
    assert_int_equal(err.offset, 2);
    assert_non_null(strstr(err.message, "inte UTF-8"));
    assert_int_equal(ps_query_filter_node(PS_QFIELD_TITEL, "x", &n, &err), PS_ERR_INVALID);

    /* leaves marked ignored (stop words) drop out of the canonical form */
    ps_query *q = parse_ok("beslutet om (och OR x) utträde");
    q->root->kids[1]->ignored = true;
    q->root->kids[2]->kids[0]->ignored = true;
    char *d = ps_query_describe(q);
    assert_string_equal(d, "beslutet AND x AND utträde");
    free(d);
    q->root->kids[2]->kids[1]->ignored = true;
    d = ps_query_describe(q);
    assert_string_equal(d, "beslutet AND utträde");
    free(d);
    ps_query_free(q);

    char *f = ps_query_fold(" ÅÄÖ  É x ", strlen(" ÅÄÖ  É x "));
    assert_string_equal(f, "åäö é x");
    free(f);
}

static void test_char_index(void **state)
{
    (void)state;
    assert_int_equal(ps_query_char_index("åäö x", 0), 0);
    assert_int_equal(ps_query_char_index("åäö x", 2), 1);
    assert_int_equal(ps_query_char_index("åäö x", 7), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_and_default_and),
        cmocka_unit_test(test_or_and_grouping),
        cmocka_unit_test(test_not),
        cmocka_unit_test(test_phrases),
        cmocka_unit_test(test_wildcard),
        cmocka_unit_test(test_filter_fields),
        cmocka_unit_test(test_section_fields),
        cmocka_unit_test(test_dnr_detection),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_filter_node_and_ignored),
        cmocka_unit_test(test_char_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
