/*
 * test_highlight.c — matched words (exact byte ranges) and excerpt windows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analyzer_testutil.h"
#include "protokollsok/highlight.h"

static const char text[] =
    "Beslut om utträde ur Samordningsförbundet Insjöriket. Förbundets styrelse har beslutat om "
    "ett förändrat uppdrag för förbundet, i samråd med kultur- och "
    "utbildningsförvaltningen.";

typedef struct {
    ps_lexicon *lex;
    ps_analyzer *an;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    ps_error err;
    if (!f || ps_lexicon_load(NULL, &f->lex, &err) != PS_OK ||
        ps_analyzer_new(f->lex, PS_ANALYZER_SWEDISH, &f->an, &err) != PS_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ps_analyzer_free(f->an);
    ps_lexicon_free(f->lex);
    free(f);
    return 0;
}

/* The query's STEM terms, as the search module would pass them. */
static size_t query_terms(ps_analyzer *an, const char *query, char terms[][TU_TERM_LEN],
                          const char **ptrs)
{
    tu_tokens ts;
    assert_int_equal(tu_run(an, query, &ts), PS_OK);
    for (size_t i = 0; i < ts.stored; i++) {
        strcpy(terms[i], ts.tok[i].terms[0]);
        ptrs[i] = terms[i];
    }
    return ts.stored;
}

static void find(fixture *f, const char *query, ps_match **m, size_t *n)
{
    char terms[8][TU_TERM_LEN];
    const char *ptrs[8];
    size_t nt = query_terms(f->an, query, terms, ptrs);
    ps_error err;
    assert_int_equal(ps_highlight_find(f->an, text, strlen(text), ptrs, nt, m, n, &err), PS_OK);
}

/* Query förbund marks whole words: the compound, the genitive and the definite form. */
static void test_compound_marks_whole_word(void **state)
{
    ps_match *m;
    size_t n;
    find(*state, "förbund", &m, &n);
    assert_int_equal(n, 3);
    assert_int_equal(m[0].start, 22); /* Samordningsförbundet */
    assert_int_equal(m[0].end, 43);
    assert_int_equal(m[1].start, 57); /* Förbundets */
    assert_int_equal(m[1].end, 68);
    assert_int_equal(m[2].start, 123); /* förbundet */
    assert_int_equal(m[2].end, 133);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(m[i].term, 0);
    free(m);
}

/* -et forms, several query terms, and the ellipsis "kultur-" found by kulturförvaltningen. */
static void test_et_form_and_ellipsis(void **state)
{
    ps_match *m;
    size_t n;
    find(*state, "utträdet kulturförvaltningen", &m, &n);
    assert_int_equal(n, 2);
    assert_int_equal(m[0].start, 10); /* utträde */
    assert_int_equal(m[0].end, 18);
    assert_int_equal(m[0].term, 0);
    assert_int_equal(m[1].start, 149); /* kultur- */
    assert_int_equal(m[1].end, 156);
    assert_int_equal(m[1].term, 1);
    free(m);
    find(*state, "beslut", &m, &n);
    assert_int_equal(n, 2); /* Beslut, beslutat */
    assert_int_equal(m[0].start, 0);
    assert_int_equal(m[0].end, 6);
    assert_int_equal(m[1].start, 82);
    assert_int_equal(m[1].end, 90);
    free(m);
    find(*state, "budget", &m, &n);
    assert_int_equal(n, 0);
    assert_null(m);
}

/* An abbreviation found whether the query or the text leaves out its last dot (or all dots),
 * and the whole abbreviation marked. */
static void test_abbreviation_without_dot(void **state)
{
    fixture *f = *state;
    static const char abbr[] = "Se t.ex. bilagan, dvs. protokollet; bl.a samt t.o.m";
    static const struct {
        const char *query;
        size_t start, end;
    } want[] = {{"t.ex", 3, 8},    {"t.ex.", 3, 8},  {"d.v.s.", 18, 21}, {"dvs", 18, 21},
                {"bl.a.", 36, 40}, {"bl.a", 36, 40}, {"t.o.m.", 46, 51}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char terms[8][TU_TERM_LEN];
        const char *ptrs[8];
        size_t nt = query_terms(f->an, want[i].query, terms, ptrs);
        assert_int_equal(nt, 1);
        ps_match *m;
        size_t n;
        ps_error err;
        assert_int_equal(ps_highlight_find(f->an, abbr, strlen(abbr), ptrs, nt, &m, &n, &err),
                         PS_OK);
        if (n != 1 || m[0].start != want[i].start || m[0].end != want[i].end)
            fail_msg("%s: %zu matches, first %zu-%zu", want[i].query, n, n ? m[0].start : 0,
                     n ? m[0].end : 0);
        free(m);
    }
}

static bool boundary_ok(const char *t, size_t len, size_t start, size_t end)
{
    bool s = start == 0 || t[start - 1] == ' ' || t[start - 1] == '\n';
    bool e = end == len || t[end] == ' ' || t[end] == '\n';
    bool utf8 = (start == len || ((unsigned char)t[start] & 0xC0) != 0x80) &&
                (end == len || ((unsigned char)t[end] & 0xC0) != 0x80);
    return s && e && utf8;
}

static char *read_seed(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/seeds/%s", PS_SOURCE_DIR, name);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, (1 << 20) - 1, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}

/* Excerpts over a real protocol: best window first, on word boundaries, no overlaps. */
static void test_excerpts_on_seed(void **state)
{
    fixture *f = *state;
    size_t len;
    char *seed = read_seed("002_1cf86d2020daf07c.txt", &len);
    char terms[8][TU_TERM_LEN];
    const char *ptrs[8];
    size_t nt = query_terms(f->an, "samordningsförbund utträde", terms, ptrs);
    assert_int_equal(nt, 2);
    ps_match *m;
    size_t n;
    ps_error err;
    assert_int_equal(ps_highlight_find(f->an, seed, len, ptrs, nt, &m, &n, &err), PS_OK);
    assert_true(n >= 3);
    for (size_t i = 0; i < n; i++) {
        assert_true(m[i].term < nt);
        assert_true(boundary_ok(seed, len, m[i].start, m[i].end) || m[i].end <= len);
        if (i)
            assert_true(m[i].start >= m[i - 1].end);
    }
    ps_excerpt *ex;
    size_t nex;
    assert_int_equal(ps_highlight_excerpts(seed, len, m, n, 200, 3, &ex, &nex, &err), PS_OK);
    assert_true(nex >= 1 && nex <= 3);
    size_t best_distinct = 0;
    for (size_t i = 0; i < nex; i++) {
        assert_true(ex[i].start < ex[i].end);
        assert_true(ex[i].end - ex[i].start <= 200 + 2 * 32);
        assert_true(boundary_ok(seed, len, ex[i].start, ex[i].end));
        assert_true(ex[i].nmatch >= 1);
        size_t distinct = 0;
        for (size_t k = ex[i].first_match; k < ex[i].first_match + ex[i].nmatch; k++) {
            assert_true(m[k].start >= ex[i].start && m[k].end <= ex[i].end);
            bool seen = false;
            for (size_t j = ex[i].first_match; j < k; j++)
                seen |= m[j].term == m[k].term;
            distinct += !seen;
        }
        if (i == 0)
            best_distinct = distinct;
        assert_true(distinct <= best_distinct);
        for (size_t j = 0; j < i; j++)
            assert_true(ex[i].end <= ex[j].start || ex[j].end <= ex[i].start);
    }
    assert_int_equal(best_distinct, 2); /* some window holds both terms */
    free(ex);
    free(m);
    free(seed);
}

static void test_excerpt_without_matches(void **state)
{
    (void)state;
    ps_excerpt *ex;
    size_t nex;
    ps_error err;
    assert_int_equal(ps_highlight_excerpts(text, strlen(text), NULL, 0, 40, 2, &ex, &nex, &err),
                     PS_OK);
    assert_int_equal(nex, 1);
    assert_int_equal(ex[0].start, 0);
    assert_int_equal(ex[0].end, 43); /* the first space after byte 40: "...Samordningsförbundet" */
    assert_int_equal(ex[0].nmatch, 0);
    free(ex);
    /* a window inside one long multi-byte word is cut at a character boundary */
    const char *aa = "ååååååååååååååååååååååååååååååååååååååååååååååååååååååå";
    assert_int_equal(ps_highlight_excerpts(aa, strlen(aa), NULL, 0, 9, 1, &ex, &nex, &err), PS_OK);
    assert_int_equal(nex, 1);
    assert_int_equal(ex[0].end % 2, 0);
    free(ex);
}

/* Windows never split a UTF-8 sequence even when no whitespace is near. */
static void test_excerpt_long_words(void **state)
{
    fixture *f = *state;
    char big[4096];
    size_t o = 0;
    const char *word = "överförmyndarnämndsförbundsärendenas";
    while (o + strlen(word) + 1 < sizeof big) {
        memcpy(big + o, word, strlen(word));
        o += strlen(word);
    }
    big[o] = '\0';
    memcpy(big + 2000, " beslut ", 8);
    ps_match *m;
    size_t n;
    const char *q[] = {"beslut"};
    ps_error err;
    assert_int_equal(ps_highlight_find(f->an, big, o, q, 1, &m, &n, &err), PS_OK);
    assert_int_equal(n, 1);
    ps_excerpt *ex;
    size_t nex;
    assert_int_equal(ps_highlight_excerpts(big, o, m, n, 100, 2, &ex, &nex, &err), PS_OK);
    assert_int_equal(nex, 1);
    assert_true(ex[0].start <= m[0].start && ex[0].end >= m[0].end);
    assert_true(((unsigned char)big[ex[0].start] & 0xC0) != 0x80);
    assert_true(ex[0].end == o || ((unsigned char)big[ex[0].end] & 0xC0) != 0x80);
    free(ex);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compound_marks_whole_word),
        cmocka_unit_test(test_et_form_and_ellipsis),
        cmocka_unit_test(test_abbreviation_without_dot),
        cmocka_unit_test(test_excerpts_on_seed),
        cmocka_unit_test(test_excerpt_without_matches),
        cmocka_unit_test(test_excerpt_long_words),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
