/*
 * test_indexer_doc.c — one ärende laid out in Xapian as schema.h says: prefixes, boolean terms,
 * values, section fields, the JSON document data. Builds an ärende by hand (no parser), runs the
 * real analyzer and store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../src/indexer/internal.h"
#include "protokollsok/schema.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char terms[4096];
} term_list;

static bool collect(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    (void)termfreq;
    term_list *l = ctx;
    size_t n = strlen(l->terms);
    if (n + len + 2 < sizeof l->terms) {
        memcpy(l->terms + n, term, len);
        l->terms[n + len] = '|';
        l->terms[n + len + 1] = '\0';
    }
    return true;
}

/* "|"-separated terms with prefix (followed by '|' for a whole-term check). */
static void terms_with(ps_store *store, const char *prefix, term_list *out)
{
    ps_error err;
    out->terms[0] = '|';
    out->terms[1] = '\0';
    assert_int_equal(ps_store_each_term(store, prefix, collect, out, &err), PS_OK);
}

static void set_field(ps_field *f, const char *v, ps_field_source s)
{
    f->value = strdup(v);
    f->source = s;
}

static void test_layout(void **state)
{
    (void)state;
    const char *title = "Förnyelse av medlemskap i Samordningsförbundet";
    const char *body = "Ärendebeskrivning\nSamordningsförbundet Insjöriket arbetar med "
                       "rehabilitering.\nBeslut\nSocialnämnden beslutar att godkänna "
                       "medlemskapet.\n";
    ps_protocol_doc doc = {0};
    ps_arende a = {0};
    a.key = strdup("alingsas:2023.076-sn");
    set_field(&a.dnr, "2023.076 SN", PS_FIELD_READ);
    set_field(&a.paragraf, "243", PS_FIELD_READ);
    set_field(&a.title, title, PS_FIELD_READ);
    set_field(&a.namnd, "Socialnämnden", PS_FIELD_EXTERNAL);
    set_field(&a.kommun, "Alingsås", PS_FIELD_INFERRED);
    set_field(&a.date, "2023-11-01", PS_FIELD_READ);
    a.type = PS_DOC_PROTOKOLL;
    a.type_source = PS_FIELD_INFERRED;
    a.body = strdup(body);
    a.body_len = strlen(body);
    const char *beslut = strstr(body, "Beslut\n");
    ps_section secs[2] = {{"Ärendebeskrivning", 0, (size_t)(beslut - body)},
                          {"Beslut", (size_t)(beslut - body), strlen(body)}};
    a.sections = secs;
    a.nsections = 2;
    ps_reference ref = {"KF § 94 2021-05-26", 10};
    a.refs = &ref;
    a.nrefs = 1;
    a.src_start = 17;
    a.src_end = 400;
    a.page_first = 4;
    a.page_last = 5;
    doc.arenden = &a;
    doc.narenden = 1;

    ps_error err;
    ps_lexicon *lex;
    ps_analyzer *an;
    assert_int_equal(ps_lexicon_load(NULL, &lex, &err), PS_OK);
    assert_int_equal(ps_analyzer_new(lex, PS_ANALYZER_SWEDISH, &an, &err), PS_OK);
    char *url = ps_indexer_url_join("https://example.org/p/", "sub dir/å.pdf");
    assert_string_equal(url, "https://example.org/p/sub%20dir/%C3%A5.pdf");
    ps_indexer_source src = {"/data/sub dir/å.pdf", "sub dir/å.pdf", url};
    ps_indexer_built built;
    assert_int_equal(ps_indexer_build_doc(an, &doc, 0, &src, &built, &err), PS_OK);
    char want_id[48];
    snprintf(want_id, sizeof want_id, "Q%016llx#0",
             (unsigned long long)ps_indexer_hash64("/data/sub dir/å.pdf",
                                                   strlen("/data/sub dir/å.pdf"), 0));
    assert_string_equal(built.id_term, want_id);

    char dbpath[512];
    snprintf(dbpath, sizeof dbpath, "%s/indexer-doc-%ld", PS_TEST_TMPDIR, (long)getpid());
    ps_store *store;
    assert_int_equal(ps_store_open_write(dbpath, &store, &err), PS_OK);
    assert_int_equal(ps_store_replace(store, built.id_term, built.doc, &err), PS_OK);
    assert_int_equal(ps_store_commit(store, &err), PS_OK);

    term_list l;
    terms_with(store, "K", &l);
    assert_non_null(strstr(l.terms, "|Kalingsås|"));
    terms_with(store, "N", &l);
    assert_non_null(strstr(l.terms, "|Nsocialnämnden|"));
    terms_with(store, "Y", &l);
    assert_non_null(strstr(l.terms, "|Y2023|"));
    terms_with(store, "T", &l);
    assert_non_null(strstr(l.terms, "|Tprotokoll|"));
    terms_with(store, "D", &l);
    assert_non_null(strstr(l.terms, "|D2023.076 sn|"));
    assert_non_null(strstr(l.terms, "|D2023.076|"));
    terms_with(store, "A", &l);
    assert_non_null(strstr(l.terms, "|Aalingsas:2023.076-sn|"));
    terms_with(store, "P", &l);
    assert_non_null(strstr(l.terms, "|P/data/sub dir/å.pdf|"));
    /* title words under "S", exact forms under "E", sections under their field prefixes */
    terms_with(store, "S", &l);
    assert_true(strlen(l.terms) > 5);
    terms_with(store, "E", &l);
    assert_non_null(strstr(l.terms, "|Esocialnämnden|"));
    terms_with(store, "XB", &l);
    assert_true(strlen(l.terms) > 5);
    assert_null(strstr(l.terms, "rehabilitering")); /* that word is in Ärendebeskrivning */
    terms_with(store, "XA", &l);
    assert_true(strstr(l.terms, "XArehabilitering") != NULL || strstr(l.terms, "XArehabiliter") != NULL);

    /* values: the date sorts, the key collapses */
    ps_store_query *q = ps_store_query_boolean("Kalingsås");
    ps_store_search_opts so;
    ps_store_search_opts_init(&so);
    so.collapse_slot = PS_SLOT_KEY;
    ps_store_results *res;
    assert_int_equal(ps_store_search(store, q, &so, &res, &err), PS_OK);
    assert_int_equal(ps_store_results_count(res), 1);
    const ps_store_hit *hit = ps_store_results_hit(res, 0);
    assert_string_equal(hit->collapse_key, "alingsas:2023.076-sn");

    /* schema.h: the JSON object, a NUL, the body as it is */
    const char *sep = memchr(hit->data, '\0', hit->data_len);
    assert_non_null(sep);
    assert_int_equal(hit->data_len - (size_t)(sep + 1 - hit->data), strlen(body));
    assert_memory_equal(sep + 1, body, strlen(body));
    json_error_t jerr;
    json_t *data = json_loadb(hit->data, (size_t)(sep - hit->data), 0, &jerr);
    assert_non_null(data);
    assert_null(json_object_get(data, "body"));
    assert_string_equal(json_string_value(json_object_get(data, "key")), "alingsas:2023.076-sn");
    assert_string_equal(json_string_value(json_object_get(data, "dnr")), "2023.076 SN");
    assert_string_equal(json_string_value(json_object_get(data, "paragraf")), "243");
    assert_string_equal(json_string_value(json_object_get(data, "title")), title);
    assert_string_equal(json_string_value(json_object_get(data, "date")), "2023-11-01");
    assert_string_equal(json_string_value(json_object_get(data, "type")), "protokoll");
    assert_true(json_is_null(json_object_get(data, "handlaggare")));
    assert_string_equal(json_string_value(json_object_get(data, "path")), "/data/sub dir/å.pdf");
    assert_string_equal(json_string_value(json_object_get(data, "relpath")), "sub dir/å.pdf");
    assert_string_equal(json_string_value(json_object_get(data, "url")), url);
    assert_string_equal(json_string_value(json_object_get(data, "id")), want_id + 1);
    json_t *pages = json_object_get(data, "pages");
    assert_int_equal(json_array_size(pages), 2);
    assert_int_equal(json_integer_value(json_array_get(pages, 0)), 4);
    assert_int_equal(json_integer_value(json_array_get(pages, 1)), 5);
    assert_int_equal(json_integer_value(json_object_get(data, "src_start")), 17);
    assert_int_equal(json_integer_value(json_object_get(data, "src_end")), 400);
    json_t *sections = json_object_get(data, "sections");
    assert_int_equal(json_array_size(sections), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(sections, 1), "name")),
                        "Beslut");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(sections, 1), "start")),
                     beslut - body);
    assert_string_equal(json_string_value(json_array_get(json_object_get(data, "refs"), 0)),
                        "KF § 94 2021-05-26");
    json_t *sources = json_object_get(data, "sources");
    assert_string_equal(json_string_value(json_object_get(sources, "namnd")), "external");
    assert_string_equal(json_string_value(json_object_get(sources, "kommun")), "inferred");
    assert_string_equal(json_string_value(json_object_get(sources, "dnr")), "read");
    assert_null(json_object_get(sources, "handlaggare"));
    json_decref(data);
    ps_store_results_free(res);
    ps_store_query_free(q);

    char *got;
    size_t glen;
    assert_int_equal(ps_store_get_data_by_term(store, built.id_term, &got, &glen, &err), PS_OK);
    free(got);

    ps_store_close(store);
    ps_indexer_built_clear(&built);
    ps_analyzer_free(an);
    ps_lexicon_free(lex);
    free(url);
    free(a.key);
    free(a.dnr.value);
    free(a.paragraf.value);
    free(a.title.value);
    free(a.namnd.value);
    free(a.kommun.value);
    free(a.date.value);
    free(a.body);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dbpath);
    assert_int_equal(system(cmd), 0);
}

static void test_fold(void **state)
{
    (void)state;
    char *f = ps_indexer_fold("ÄRENDEBESKRIVNING Socialnämnden");
    assert_string_equal(f, "ärendebeskrivning socialnämnden");
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
