/*
 * test_learn.c — words learned from the corpus (analyzer.h): which words the learner keeps, what
 * the extended lexicon does with them, and the whole loop through the indexer and search: a
 * word becomes known once it occurs in enough documents, the documents it changes are analyzed
 * again (and only those), queries use the same list, and a word that falls below the threshold
 * is forgotten again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protokollsok/analyzer.h"
#include "protokollsok/indexer.h"
#include "protokollsok/schema.h"
#include "protokollsok/search.h"
#include "protokollsok/store.h"

static ps_lexicon *lex;

static int load(void **state)
{
    (void)state;
    ps_error err;
    if (ps_lexicon_load(NULL, &lex, &err) != PS_OK) {
        fprintf(stderr, "lexicon: %s\n", err.message);
        return -1;
    }
    return 0;
}

static int unload(void **state)
{
    (void)state;
    ps_lexicon_free(lex);
    return 0;
}

/* ---- the learner ------------------------------------------------------------------------------ */

typedef struct {
    const char *word;
    uint32_t docs;
} offer;

static char *learn(const offer *o, size_t n, size_t *count)
{
    ps_learner *l = NULL;
    ps_error err;
    assert_int_equal(ps_learner_new(lex, &l, &err), PS_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ps_learner_add(l, o[i].word, strlen(o[i].word), o[i].docs, &err), PS_OK);
    char *list = NULL;
    assert_int_equal(ps_learner_finish(l, &list, count, &err), PS_OK);
    ps_learner_free(l);
    return list;
}

/* Does the list have a line for stem, and with which document count? -1: no. */
static long line_docs(const char *list, const char *stem)
{
    size_t n = strlen(stem);
    for (const char *p = list; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, stem, n) == 0 && p[n] == '\t')
            return strtol(p + n + 1, NULL, 10);
    return -1;
}

static const offer corpus[] = {
    {"finsam", 3},            /* unknown, in 3 + 1 documents: learned */
    {"finsams", 1},           /* another form of it (same stem) */
    {"lekeberg", 1},          /* unknown, but in one document only */
    {"förbund", 40},          /* known words are never learned */
    {"samordningsförbundet", 9}, /* a compound of known words */
    {"finsamförbundet", 5},   /* a compound of a learned word and a known one */
    {"och", 90},              /* stop word */
    {"2023", 12},             /* not letters */
    {"ivo", 8},               /* too short (3 letters) */
    {"x-y", 4},               /* not letters */
    {"abcdefghijklmnopqrstuvwxyz", 3}, /* too long to be a word */
    {"ekbyholm", 2},
    {"ekbyholmsskolan", 2}, /* a compound of it: not learned itself */
};

static void test_learner_picks(void **state)
{
    (void)state;
    size_t count = 0;
    char *list = learn(corpus, sizeof corpus / sizeof corpus[0], &count);
    assert_int_equal(line_docs(list, "finsam"), 4);
    assert_non_null(strstr(list, "finsam\t4\tfinsam finsams\n"));
    assert_int_equal(line_docs(list, "lekeberg"), -1);
    assert_int_equal(line_docs(list, "förbund"), -1);
    assert_null(strstr(list, "samordningsförbund"));
    assert_null(strstr(list, "finsamförbund"));
    assert_null(strstr(list, "och\t"));
    assert_null(strstr(list, "2023"));
    assert_null(strstr(list, "ivo"));
    assert_null(strstr(list, "abcdefghij"));
    assert_null(strstr(list, "ekbyholmsskol"));
    if (!strstr(list, "ekbyholm\t2\tekbyholm\n"))
        fail_msg("list: [%s]", list);
    assert_int_equal(count, 2);
    free(list);
}

static void test_learner_order_independent(void **state)
{
    (void)state;
    size_t n = sizeof corpus / sizeof corpus[0];
    offer rev[sizeof corpus / sizeof corpus[0]];
    for (size_t i = 0; i < n; i++)
        rev[i] = corpus[n - 1 - i];
    char *a = learn(corpus, n, NULL);
    char *b = learn(rev, n, NULL);
    assert_string_equal(a, b);
    free(a);
    free(b);
    char *none = learn(corpus + 2, 1, NULL); /* lekeberg alone: nothing */
    assert_string_equal(none, "");
    free(none);
}

/* Words of English documents are refused (they would split Swedish words: abortion ->
 * "abortionsfrågan"), Swedish names and acronyms kept; the refused ones are counted. */
static const offer mixed[] = {
    {"finsam", 3},       {"activera", 2},  {"ekbyholm", 2},       /* Swedish: kept */
    {"abortion", 5},     {"abortions", 2}, {"accountability", 4}, /* English spelling */
    {"healthcare", 3},   {"ownership", 3}, {"fairness", 2},
    {"ørsted", 2},                                                /* a foreign letter */
    {"spsm", 2},                                                  /* an acronym: kept */
    {"quickly", 2},       {"between", 3},
};

static void test_learner_refuses_english(void **state)
{
    (void)state;
    size_t count = 0;
    char *list = learn(mixed, sizeof mixed / sizeof mixed[0], &count);
    assert_int_equal(line_docs(list, "finsam"), 3);
    assert_int_equal(line_docs(list, "activer"), 2);
    assert_int_equal(line_docs(list, "ekbyholm"), 2);
    assert_null(strstr(list, "abortion"));
    assert_null(strstr(list, "accountab"));
    assert_null(strstr(list, "health"));
    assert_null(strstr(list, "owner"));
    assert_null(strstr(list, "fairn"));
    assert_null(strstr(list, "rsted"));
    assert_null(strstr(list, "quick"));
    assert_null(strstr(list, "betwe"));
    assert_int_equal(line_docs(list, "spsm"), 2);
    assert_int_equal(count, 4);
    if (!strstr(list, "#refused\t8\tforeign-letters=1 english-spelling=7\n"))
        fail_msg("list: [%s]", list);
    /* the comment line teaches nothing and is no word difference */
    ps_lexicon *ext = NULL;
    ps_error err;
    assert_int_equal(ps_lexicon_with_learned(lex, list, strlen(list), &ext, &err), PS_OK);
    assert_int_equal(ps_lexicon_learned_count(ext), 4);
    ps_lexicon_free(ext);
    const char *nl = strstr(list, "#refused");
    assert_non_null(nl);
    char *without = strndup(list, (size_t)(nl - list));
    assert_non_null(without);
    assert_true(ps_learned_same_words(list, without));
    assert_true(ps_learned_same_words(without, list));
    free(without);
    free(list);
}

/* ---- the extended lexicon --------------------------------------------------------------------- */

typedef struct {
    char stem[128];
    char terms[512]; /* stem and parts, space-separated */
    size_t parts;
} analysis;

static bool take(void *ctx, const ps_token *tok)
{
    analysis *a = ctx;
    snprintf(a->stem, sizeof a->stem, "%.*s", (int)tok->terms[0].len, tok->terms[0].text);
    a->parts = tok->compound_parts;
    for (size_t i = 0; i < tok->nterms; i++) {
        if (tok->terms[i].kind == PS_TERM_EXACT)
            continue;
        size_t used = strlen(a->terms);
        snprintf(a->terms + used, sizeof a->terms - used, "%s%.*s", used ? " " : "",
                 (int)tok->terms[i].len, tok->terms[i].text);
    }
    return false;
}

static analysis analyze(const ps_lexicon *l, const char *word)
{
    ps_analyzer *an = NULL;
    ps_error err;
    analysis a = {{0}, {0}, 0};
    assert_int_equal(ps_analyzer_new(l, PS_ANALYZER_SWEDISH, &an, &err), PS_OK);
    assert_int_equal(ps_analyzer_run(an, word, strlen(word), 0, take, &a, &err), PS_OK);
    ps_analyzer_free(an);
    return a;
}

static bool has_term(const analysis *a, const char *term)
{
    size_t n = strlen(term);
    for (const char *p = a->terms; (p = strstr(p, term)); p += n)
        if ((p == a->terms || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

static void test_extended_lexicon_splits(void **state)
{
    (void)state;
    char *list = learn(corpus, sizeof corpus / sizeof corpus[0], NULL);
    ps_lexicon *ext = NULL;
    ps_error err;
    assert_int_equal(ps_lexicon_with_learned(lex, list, strlen(list), &ext, &err), PS_OK);
    assert_int_equal(ps_lexicon_learned_count(ext), 2);
    assert_int_equal(ps_lexicon_learned_count(lex), 0);
    assert_string_equal(ps_lexicon_version(ext), ps_lexicon_version(lex));

    analysis before = analyze(lex, "Finsamförbundet");
    analysis after = analyze(ext, "Finsamförbundet");
    assert_int_equal(before.parts, 0);
    assert_int_equal(after.parts, 2);
    assert_true(has_term(&after, "finsam"));
    assert_true(has_term(&after, "förbund"));
    /* the compound's stem follows its head's -et rule, as for known compounds */
    assert_string_equal(after.stem, "finsamförbund");
    analysis school = analyze(ext, "Ekbyholmsskolan");
    assert_true(has_term(&school, "ekbyholm"));
    assert_true(has_term(&school, "skol"));
    assert_int_equal(analyze(lex, "Ekbyholmsskolan").parts, 0);

    /* the learned words themselves, and words the lexicon knows, analyze as before */
    const char *same[] = {"Finsam", "finsams",   "Ekbyholm", "samordningsförbundet",
                          "kultur", "digitalt",  "beslutet",   "arbetsmarknaden",
                          "förbund", "Lekeberg", "medlemskap", "ärendet"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        analysis x = analyze(lex, same[i]), y = analyze(ext, same[i]);
        if (strcmp(x.terms, y.terms) != 0)
            fail_msg("%s: %s without the list, %s with it", same[i], x.terms, y.terms);
    }
    ps_lexicon_free(ext);
    free(list);
}

static void test_same_words(void **state)
{
    (void)state;
    assert_true(ps_learned_same_words("", ""));
    assert_true(ps_learned_same_words("finsam\t2\tfinsam\n", "finsam\t7\tfinsam\n"));
    assert_true(ps_learned_same_words("a\t2\tx y\nb\t3\tz\n", "a\t9\tx y\nb\t1\tz\n"));
    assert_false(ps_learned_same_words("finsam\t2\tfinsam\n", ""));
    assert_false(ps_learned_same_words("", "finsam\t2\tfinsam\n"));
    assert_false(ps_learned_same_words("finsam\t2\tfinsam\n", "finsam\t2\tfinsam finsams\n"));
    assert_false(ps_learned_same_words("finsam\t2\tfinsam\n", "finsan\t2\tfinsam\n"));
    assert_false(ps_learned_same_words("a\t2\tx\n", "a\t2\tx\nb\t2\ty\n"));
}

static void test_extended_lexicon_bad_lists(void **state)
{
    (void)state;
    static const char *const lists[] = {
        "",
        "\n\n\n",
        "no tabs at all\n",
        "\t\t\n\t\n",
        "finsam\t2\t\n",                 /* no forms */
        "ab\t2\tab\n",                    /* too short */
        "\xff\xfe\t2\t\xff\xfe\xfd\n",    /* not UTF-8 */
        "finsam\tnot-a-number\tfinsam",   /* no final newline */
        "\xff\xff\xff\xff\xff\t2\tfinsam\n", /* a stem that is no text */
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        ps_lexicon *ext = NULL;
        ps_error err;
        assert_int_equal(ps_lexicon_with_learned(lex, lists[i], strlen(lists[i]), &ext, &err),
                         PS_OK);
        analysis a = analyze(ext, "samordningsförbundet finsamförbundet");
        assert_true(has_term(&a, "förbund"));
        analysis f = analyze(ext, "finsamförbundet");
        assert_null(strchr(f.terms, '\xff'));
        ps_lexicon_free(ext);
    }
}

/* ---- through the indexer and search ----------------------------------------------------------- */

static void write_protocol(const char *dir, const char *name, int para, const char *body)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f,
            "Socialnämnden\nProtokoll 2024-03-%02d\n\n§ %d Information\nDnr 2024.%03d SN\n\n"
            "Ärendebeskrivning\n%s\n\nBeslut\nSocialnämnden tar del av informationen.\n",
            para % 28 + 1, para, para, body);
    fclose(f);
}

static ps_indexer_summary index_dir(const char *db, const char *dir)
{
    ps_indexer_opts opts;
    ps_indexer_opts_init(&opts);
    opts.db_path = db;
    opts.threads = 1;
    ps_indexer_summary sum;
    ps_error err;
    const char *paths[] = {dir};
    if (ps_indexer_run(paths, 1, &opts, &sum, &err) != PS_OK)
        fail_msg("index %s: %s", dir, err.message);
    return sum;
}

/* The paragraph numbers of the ärenden that q finds, as a sorted string like "1,3". */
static void hits(ps_searcher *s, const char *q, char *out, size_t n)
{
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = q;
    json_t *res = NULL;
    ps_error err;
    assert_int_equal(ps_search_run(s, &req, &res, &err), PS_OK);
    int seen[64] = {0};
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(res, "hits"), i, h)
    {
        int p = atoi(json_string_value(json_object_get(h, "paragraf")));
        if (p > 0 && p < 64)
            seen[p] = 1;
    }
    json_decref(res);
    out[0] = '\0';
    for (int p = 1; p < 64; p++)
        if (seen[p])
            snprintf(out + strlen(out), n - strlen(out), "%s%d", out[0] ? "," : "", p);
}

static char *meta(const char *db, const char *key)
{
    ps_store *st = NULL;
    ps_error err;
    char *v = NULL;
    assert_int_equal(ps_store_open_read(db, &st, &err), PS_OK);
    assert_int_equal(ps_store_get_metadata(st, key, &v, &err), PS_OK);
    ps_store_close(st);
    return v;
}

static void test_index_learns_and_forgets(void **state)
{
    (void)state;
    char dir[512], db[600], cmd[1300], got[256];
    snprintf(dir, sizeof dir, "%s/learn-%ld", PS_TEST_TMPDIR, (long)getpid());
    snprintf(db, sizeof db, "%s.db", dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' && mkdir -p '%s'", dir, db, dir);
    assert_int_equal(system(cmd), 0);

    /* Finsam alone in one document, the compound in another: not learned yet */
    write_protocol(dir, "1.txt", 1, "Finsam är en finansiell samordning mellan kommunen och "
                                    "regionen.");
    write_protocol(dir, "2.txt", 2, "Finsamförbundet har lämnat sin årsredovisning.");
    write_protocol(dir, "3.txt", 3, "Hemtjänsten i kommunen har fått nya lokaler.");
    ps_indexer_summary sum = index_dir(db, dir);
    assert_int_equal(sum.files_added, 3);
    assert_int_equal(sum.learned_words, 0);
    assert_int_equal(sum.files_relearned, 0);
    ps_searcher *s = NULL;
    ps_error err;
    assert_int_equal(ps_searcher_open(db, &s, &err), PS_OK);
    hits(s, "finsam", got, sizeof got);
    assert_string_equal(got, "1");

    /* a second document with Finsam: learned; only the compound's file is analyzed again */
    write_protocol(dir, "4.txt", 4, "Representanter för Finsam deltog på mötet.");
    sum = index_dir(db, dir);
    assert_int_equal(sum.files_added, 1);
    assert_int_equal(sum.learned_words, 1);
    assert_int_equal(sum.files_relearned, 1);
    char *list = meta(db, PS_META_LEARNED);
    assert_non_null(strstr(list, "finsam\t"));
    free(list);
    char *pending = meta(db, PS_META_LEARN_PENDING);
    assert_string_equal(pending, "");
    free(pending);
    bool changed = false;
    assert_int_equal(ps_searcher_reopen(s, &changed, &err), PS_OK);
    assert_true(changed);
    hits(s, "finsam", got, sizeof got);
    assert_string_equal(got, "1,2,4");
    hits(s, "finsamförbundet", got, sizeof got); /* the query splits it the same way */
    assert_string_equal(got, "2");
    /* the excerpt marks the whole compound for the part */
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = "finsam";
    json_t *res = NULL;
    assert_int_equal(ps_search_run(s, &req, &res, &err), PS_OK);
    char *dump = json_dumps(res, 0);
    assert_non_null(strstr(dump, "<mark>Finsamförbundet</mark>"));
    free(dump);
    json_decref(res);

    /* an unchanged rerun learns nothing new and writes nothing */
    sum = index_dir(db, dir);
    assert_false(sum.wrote);
    assert_int_equal(sum.files_relearned, 0);

    /* one more document with Finsam: a new count, the same words, nothing analyzed again */
    write_protocol(dir, "5.txt", 5, "Finsam bjuder in till konferens.");
    sum = index_dir(db, dir);
    assert_int_equal(sum.files_added, 1);
    assert_int_equal(sum.files_relearned, 0);
    list = meta(db, PS_META_LEARNED);
    assert_non_null(strstr(list, "finsam\t3\t"));
    free(list);
    snprintf(cmd, sizeof cmd, "rm '%s/5.txt'", dir);
    assert_int_equal(system(cmd), 0);
    sum = index_dir(db, dir);
    assert_int_equal(sum.files_deleted, 1);
    assert_int_equal(sum.files_relearned, 0);

    /* the word falls below two documents again: forgotten, the compound analyzed again */
    snprintf(cmd, sizeof cmd, "rm '%s/4.txt' '%s/1.txt'", dir, dir);
    assert_int_equal(system(cmd), 0);
    sum = index_dir(db, dir);
    assert_int_equal(sum.files_deleted, 2);
    assert_int_equal(sum.learned_words, 0);
    assert_int_equal(sum.files_relearned, 1);
    assert_int_equal(ps_searcher_reopen(s, &changed, &err), PS_OK);
    hits(s, "finsam", got, sizeof got);
    assert_string_equal(got, "");
    ps_searcher_close(s);

    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s.lock'", dir, db, db);
    assert_int_equal(system(cmd), 0);
}

/* A run killed while re-analyzing leaves "ps.learn_pending"; the next run finishes the job. */
static void test_index_finishes_pending(void **state)
{
    (void)state;
    char dir[512], db[600], cmd[1300];
    snprintf(dir, sizeof dir, "%s/pending-%ld", PS_TEST_TMPDIR, (long)getpid());
    snprintf(db, sizeof db, "%s.db", dir);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' && mkdir -p '%s'", dir, db, dir);
    assert_int_equal(system(cmd), 0);
    write_protocol(dir, "1.txt", 1, "Finsam samordnar.");
    write_protocol(dir, "2.txt", 2, "Finsam igen.");
    write_protocol(dir, "3.txt", 3, "Finsamförbundet.");
    ps_indexer_summary sum = index_dir(db, dir);
    assert_int_equal(sum.learned_words, 1);

    /* as a killed run leaves it: the old (empty) list, pending set */
    ps_store *st = NULL;
    ps_error err;
    assert_int_equal(ps_store_open_write(db, &st, &err), PS_OK);
    assert_int_equal(ps_store_begin(st, &err), PS_OK);
    assert_int_equal(ps_store_set_metadata(st, PS_META_LEARNED, "", &err), PS_OK);
    assert_int_equal(ps_store_set_metadata(st, PS_META_LEARN_PENDING, "1", &err), PS_OK);
    assert_int_equal(ps_store_commit(st, &err), PS_OK);
    ps_store_close(st);

    sum = index_dir(db, dir);
    assert_int_equal(sum.files_unchanged, 3);
    assert_int_equal(sum.learned_words, 1);
    assert_int_equal(sum.files_relearned, 1); /* 3.txt, analyzed with the list */
    char *pending = meta(db, PS_META_LEARN_PENDING);
    assert_string_equal(pending, "");
    free(pending);
    char *list = meta(db, PS_META_LEARNED);
    assert_non_null(strstr(list, "finsam\t"));
    free(list);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s.lock'", dir, db, db);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_learner_picks),
        cmocka_unit_test(test_learner_order_independent),
        cmocka_unit_test(test_learner_refuses_english),
        cmocka_unit_test(test_extended_lexicon_splits),
        cmocka_unit_test(test_same_words),
        cmocka_unit_test(test_extended_lexicon_bad_lists),
        cmocka_unit_test(test_index_learns_and_forgets),
        cmocka_unit_test(test_index_finishes_pending),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
