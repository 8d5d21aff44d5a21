/*
 * test_store.c — the Xapian shim (store.h) against real databases in fresh temporary directories.
 */
#define _XOPEN_SOURCE 700 /* nftw */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "protokollsok/store.h"

enum { SLOT_DATE = 0, SLOT_CASE = 1, SLOT_KOMMUN = 2, SLOT_KOMMUN_CASE = 3 };

typedef struct {
    char dir[512]; /* fresh temporary directory of this test */
    char db[600];  /* dir/db */
} fixture;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    mkdir(PS_TEST_TMPDIR, 0777);
    snprintf(f->dir, sizeof f->dir, "%s/store-XXXXXX", PS_TEST_TMPDIR);
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* ---- helpers --------------------------------------------------------------------------------- */

static ps_store *open_write(const char *path)
{
    ps_store *s = NULL;
    ps_error err;
    ps_status st = ps_store_open_write(path, &s, &err);
    if (st != PS_OK)
        fail_msg("open_write %s: %s", path, err.message);
    return s;
}

static ps_store *open_read(const char *path)
{
    ps_store *s = NULL;
    ps_error err;
    ps_status st = ps_store_open_read(path, &s, &err);
    if (st != PS_OK)
        fail_msg("open_read %s: %s", path, err.message);
    return s;
}

/* Add (or replace) the document "Q<id>" whose text is space-separated words at positions 1... */
static void put(ps_store *s, const char *id, const char *text, const char *date,
                const char *case_key, const char *kommun)
{
    ps_store_doc *doc = ps_store_doc_new();
    assert_non_null(doc);
    char word[64];
    uint32_t pos = 1;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, " ");
        if (n > 0 && n < sizeof word) {
            memcpy(word, p, n);
            word[n] = '\0';
            ps_store_doc_add_posting(doc, word, pos++, 1);
        }
        p += n;
        p += strspn(p, " ");
    }
    if (date)
        ps_store_doc_set_value(doc, SLOT_DATE, date, strlen(date));
    if (case_key)
        ps_store_doc_set_value(doc, SLOT_CASE, case_key, strlen(case_key));
    if (kommun) {
        char term[80];
        snprintf(term, sizeof term, "K%s", kommun);
        ps_store_doc_add_boolean(doc, term);
        ps_store_doc_set_value(doc, SLOT_KOMMUN, kommun, strlen(kommun));
        char pair[80];
        int n = snprintf(pair, sizeof pair, "%s%c%s", kommun, '\0', case_key ? case_key : "");
        ps_store_doc_set_value(doc, SLOT_KOMMUN_CASE, pair, (size_t)n);
    }
    char data[160];
    snprintf(data, sizeof data, "{\"id\":\"%s\"}", id);
    ps_store_doc_set_data(doc, data, strlen(data));
    char idterm[80];
    snprintf(idterm, sizeof idterm, "Q%s", id);
    ps_error err;
    ps_status st = ps_store_replace(s, idterm, doc, &err);
    if (st != PS_OK)
        fail_msg("replace %s: %s", id, err.message);
    ps_store_doc_free(doc);
}

static void commit(ps_store *s)
{
    ps_error err;
    if (ps_store_commit(s, &err) != PS_OK)
        fail_msg("commit: %s", err.message);
}

static uint32_t doccount(ps_store *s)
{
    uint32_t n = 0;
    ps_error err;
    assert_int_equal(ps_store_doccount(s, &n, &err), PS_OK);
    return n;
}

/* Search and return the results (fails the test on error); q is freed. */
static ps_store_results *run(ps_store *s, ps_store_query *q, const ps_store_search_opts *opts)
{
    assert_non_null(q);
    ps_store_results *res = NULL;
    ps_error err;
    ps_status st = ps_store_search(s, q, opts, &res, &err);
    ps_store_query_free(q);
    if (st != PS_OK)
        fail_msg("search: %s", err.message);
    assert_non_null(res);
    return res;
}

/* The ids of the hits, from their data, joined by ','. */
static const char *hit_ids(const ps_store_results *res, char *buf, size_t n)
{
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < ps_store_results_count(res); i++) {
        const ps_store_hit *h = ps_store_results_hit(res, i);
        const char *id = strstr(h->data, "\"id\":\"");
        assert_non_null(id);
        id += 6;
        size_t len = strcspn(id, "\"");
        used += (size_t)snprintf(buf + used, n - used, "%s%.*s", i ? "," : "", (int)len, id);
        assert_true(used < n);
    }
    return buf;
}

/* Search q (freed) with opts and check the ids of the hits, in order. */
static void expect_ids(ps_store *s, ps_store_query *q, const ps_store_search_opts *opts,
                       const char *want)
{
    char ids[256];
    ps_store_results *res = run(s, q, opts);
    assert_string_equal(hit_ids(res, ids, sizeof ids), want);
    ps_store_results_free(res);
}

static uint32_t count_hits(ps_store *s, ps_store_query *q)
{
    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    opts.limit = 100;
    ps_store_results *res = run(s, q, &opts);
    uint32_t n = (uint32_t)ps_store_results_count(res);
    ps_store_results_free(res);
    return n;
}

static ps_store_query *phrase2(const char *a, const char *b)
{
    const char *terms[2] = {a, b};
    return ps_store_query_phrase(terms, 2, 0);
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void test_round_trip(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    put(s, "1", "kommunfullmäktige beslutar om budget", "20230105", "A", "alingsås");
    put(s, "2", "budget för kommunfullmäktige", "20230601", "B", "borås");
    commit(s);
    assert_int_equal(doccount(s), 2);

    assert_int_equal(count_hits(s, ps_store_query_term("budget", 1.0)), 2);
    assert_int_equal(count_hits(s, ps_store_query_term("beslutar", 1.0)), 1);
    assert_int_equal(count_hits(s, ps_store_query_term("saknas", 1.0)), 0);
    /* The phrase matches only where the words are adjacent and in order. */
    expect_ids(s, phrase2("om", "budget"), NULL, "1");
    expect_ids(s, phrase2("budget", "för"), NULL, "2");
    assert_int_equal(count_hits(s, phrase2("budget", "om")), 0);

    /* Replace by id term: same id, new text, still two documents. */
    put(s, "1", "detaljplan antas", "20230105", "A", "alingsås");
    commit(s);
    assert_int_equal(doccount(s), 2);
    assert_int_equal(count_hits(s, ps_store_query_term("beslutar", 1.0)), 0);
    assert_int_equal(count_hits(s, ps_store_query_term("detaljplan", 1.0)), 1);
    assert_int_equal(count_hits(s, ps_store_query_boolean("Q1")), 1);

    /* Delete by a shared boolean term, then by id. */
    ps_error err;
    assert_int_equal(ps_store_delete(s, "Kborås", &err), PS_OK);
    commit(s);
    assert_int_equal(doccount(s), 1);
    assert_int_equal(ps_store_delete(s, "Q1", &err), PS_OK);
    commit(s);
    assert_int_equal(doccount(s), 0);
    ps_store_close(s);
}

static void test_replace_leaves_caller_doc_alone(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    ps_store_doc *doc = ps_store_doc_new();
    assert_non_null(doc);
    ps_store_doc_add_posting(doc, "ord", 1, 1);
    ps_error err;
    assert_int_equal(ps_store_replace(s, "Qa", doc, &err), PS_OK);
    /* The same document object under a second id: "Qa" must not come along. */
    assert_int_equal(ps_store_replace(s, "Qb", doc, &err), PS_OK);
    commit(s);
    assert_int_equal(doccount(s), 2);
    assert_int_equal(count_hits(s, ps_store_query_boolean("Qa")), 1);
    assert_int_equal(count_hits(s, ps_store_query_boolean("Qb")), 1);
    assert_int_equal(count_hits(s, ps_store_query_term("ord", 1.0)), 2);

    /* Bad id terms and over-long terms. */
    char longterm[PS_STORE_TERM_MAX + 2];
    memset(longterm, 'x', sizeof longterm - 1);
    longterm[sizeof longterm - 1] = '\0';
    assert_int_equal(ps_store_replace(s, "", doc, &err), PS_ERR_INVALID);
    assert_int_equal(ps_store_replace(s, longterm, doc, &err), PS_ERR_INVALID);
    assert_int_equal(ps_store_doc_skipped_terms(doc), 0);
    ps_store_doc_add_term(doc, longterm, 1);
    ps_store_doc_add_posting(doc, "", 2, 1);
    ps_store_doc_add_boolean(doc, NULL);
    assert_int_equal(ps_store_doc_skipped_terms(doc), 3);
    longterm[PS_STORE_TERM_MAX] = '\0'; /* exactly the maximum is fine */
    ps_store_doc_add_term(doc, longterm, 1);
    assert_int_equal(ps_store_doc_skipped_terms(doc), 3);
    assert_int_equal(ps_store_replace(s, "Qc", doc, &err), PS_OK);
    commit(s);
    assert_int_equal(count_hits(s, ps_store_query_term(longterm, 1.0)), 1);
    ps_store_doc_free(doc);
    ps_store_close(s);
}

static void test_transaction_cancel(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    put(s, "1", "första protokollet", "20230105", "A", "alingsås");
    commit(s);
    uint64_t rev_before = 0, rev_after = 0;
    ps_error err;
    assert_int_equal(ps_store_revision(s, &rev_before, &err), PS_OK);

    assert_int_equal(ps_store_begin(s, &err), PS_OK);
    assert_int_equal(ps_store_begin(s, &err), PS_ERR_INVALID); /* no nesting */
    put(s, "2", "andra protokollet", "20230601", "B", "borås");
    assert_int_equal(ps_store_delete(s, "Q1", &err), PS_OK);
    assert_int_equal(ps_store_set_metadata(s, "last_run", "x", &err), PS_OK);
    assert_int_equal(ps_store_cancel(s, &err), PS_OK);

    assert_int_equal(doccount(s), 1);
    assert_int_equal(count_hits(s, ps_store_query_term("första", 1.0)), 1);
    assert_int_equal(count_hits(s, ps_store_query_term("andra", 1.0)), 0);
    char *meta = NULL;
    assert_int_equal(ps_store_get_metadata(s, "last_run", &meta, &err), PS_OK);
    assert_string_equal(meta, "");
    free(meta);
    assert_int_equal(ps_store_revision(s, &rev_after, &err), PS_OK);
    assert_int_equal(rev_after, rev_before);
    /* Cancel without a transaction is a usage error, not a crash. */
    assert_int_equal(ps_store_cancel(s, &err), PS_ERR_INVALID);

    /* A committed transaction sticks and moves the revision. */
    assert_int_equal(ps_store_begin(s, &err), PS_OK);
    put(s, "2", "andra protokollet", "20230601", "B", "borås");
    assert_int_equal(ps_store_commit(s, &err), PS_OK);
    assert_int_equal(doccount(s), 2);
    assert_int_equal(ps_store_revision(s, &rev_after, &err), PS_OK);
    assert_true(rev_after > rev_before);
    ps_store_close(s);

    /* Closing with an open transaction drops it. */
    s = open_write(f->db);
    assert_int_equal(ps_store_begin(s, &err), PS_OK);
    put(s, "3", "tredje", "20230701", "C", "borås");
    ps_store_close(s);
    s = open_read(f->db);
    assert_int_equal(doccount(s), 2);
    ps_store_close(s);

    /* Outside a transaction, closing commits (Xapian's rule, stated in store.h). */
    s = open_write(f->db);
    put(s, "4", "fjärde", "20230801", "D", "borås");
    ps_store_close(s);
    s = open_read(f->db);
    assert_int_equal(doccount(s), 3);
    ps_store_close(s);
}

static void test_commit_visible_after_reopen(void **state)
{
    fixture *f = *state;
    ps_store *w = open_write(f->db);
    commit(w);
    ps_store *r = open_read(f->db);
    assert_int_equal(doccount(r), 0);

    put(w, "1", "sammanträde", "20230105", "A", "alingsås");
    commit(w);
    bool changed = false;
    ps_error err;
    assert_int_equal(ps_store_reopen(r, &changed, &err), PS_OK);
    assert_true(changed);
    assert_int_equal(doccount(r), 1);
    assert_int_equal(count_hits(r, ps_store_query_term("sammanträde", 1.0)), 1);
    assert_int_equal(ps_store_reopen(r, &changed, &err), PS_OK);
    assert_false(changed);

    /* A reader cannot write. */
    assert_int_equal(ps_store_begin(r, &err), PS_ERR_INVALID);
    assert_int_equal(ps_store_delete(r, "Q1", &err), PS_ERR_INVALID);
    assert_int_equal(ps_store_set_metadata(r, "k", "v", &err), PS_ERR_INVALID);
    assert_non_null(strstr(err.message, "read-only"));
    ps_store_close(r);
    ps_store_close(w);
}

static void test_missing_database(void **state)
{
    fixture *f = *state;
    ps_store *s = (ps_store *)&s; /* must be reset to NULL */
    ps_error err;
    assert_int_equal(ps_store_open_read(f->db, &s, &err), PS_ERR_NOT_FOUND);
    assert_null(s);
    assert_int_equal(err.status, PS_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, f->db));
    assert_non_null(strstr(err.message, "protokollsok index"));

    /* A directory that is not a database. */
    assert_int_equal(mkdir(f->db, 0777), 0);
    assert_int_equal(ps_store_open_read(f->db, &s, &err), PS_ERR_NOT_FOUND);
    assert_null(s);
    assert_non_null(strstr(err.message, f->db));

    /* The repository's index/ holds a README before the first run: still "no database", and a
     * writer creates the database beside it. */
    char readme[700];
    snprintf(readme, sizeof readme, "%s/README.md", f->db);
    FILE *fp = fopen(readme, "w");
    assert_non_null(fp);
    fputs("The index is built here.\n", fp);
    fclose(fp);
    assert_int_equal(ps_store_open_read(f->db, &s, &err), PS_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "protokollsok index"));
    s = open_write(f->db);
    put(s, "1", "ord", NULL, NULL, NULL);
    commit(s);
    ps_store_close(s);
    s = open_read(f->db);
    assert_int_equal(doccount(s), 1);
    ps_store_close(s);
    s = NULL;

    assert_int_equal(ps_store_open_read("", &s, &err), PS_ERR_INVALID);
    assert_int_equal(ps_store_open_read(NULL, &s, &err), PS_ERR_INVALID);
}

/* Overwrite len bytes at offset of file with bytes. */
static void patch_file(const char *file, long offset, const char *bytes, size_t len)
{
    FILE *fp = fopen(file, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, offset, SEEK_SET), 0);
    assert_int_equal(fwrite(bytes, 1, len, fp), len);
    fclose(fp);
}

/* Damaged files give an error naming the database and saying how to recover; never a crash. */
static void test_damaged_database(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    for (int i = 0; i < 50; i++) {
        char id[16];
        snprintf(id, sizeof id, "%d", i);
        put(s, id, "ord text", "20230101", "a", "vara");
    }
    commit(s);
    ps_store_close(s);

    char stamp[700], postlist[700];
    snprintf(stamp, sizeof stamp, "%s/iamglass", f->db);
    snprintf(postlist, sizeof postlist, "%s/postlist.glass", f->db);
    ps_error err;

    /* Scrambled posting lists: opening or searching fails with the path named. */
    FILE *fp = fopen(postlist, "r+b");
    assert_non_null(fp);
    unsigned char block[8192];
    size_t got = fread(block, 1, sizeof block, fp);
    assert_true(got > 0);
    for (size_t i = 0; i < got; i += 7)
        block[i] ^= 0x5a;
    rewind(fp);
    assert_int_equal(fwrite(block, 1, got, fp), got);
    fclose(fp);
    ps_status st = ps_store_open_read(f->db, &s, &err);
    if (st == PS_OK) {
        ps_store_results *res = NULL;
        ps_store_query *q = ps_store_query_term("ord", 1.0);
        st = ps_store_search(s, q, NULL, &res, &err);
        ps_store_query_free(q);
        ps_store_results_free(res);
        ps_store_close(s);
    }
    assert_int_equal(st, PS_ERR_XAPIAN);
    assert_non_null(strstr(err.message, f->db));

    /* The format version right after the "Xapian Glass" magic: a database from another
     * (future) Xapian. */
    patch_file(stamp, 14, "\x7f", 1);
    s = (ps_store *)&s;
    assert_int_equal(ps_store_open_read(f->db, &s, &err), PS_ERR_VERSION);
    assert_null(s);
    assert_non_null(strstr(err.message, f->db));
    assert_non_null(strstr(err.message, "index --full"));

    /* A stamp file of garbage. */
    patch_file(stamp, 0, "garbage-garbage-garbage", 23);
    st = ps_store_open_read(f->db, &s, &err);
    assert_int_not_equal(st, PS_OK);
    assert_null(s);
    assert_non_null(strstr(err.message, f->db));

    /* A writer does not get past it either. */
    st = ps_store_open_write(f->db, &s, &err);
    assert_int_not_equal(st, PS_OK);
    assert_null(s);
    assert_non_null(strstr(err.message, f->db));
}

/* A new database is created beside its path and put in place whole: no staging directory is
 * left, files already in the directory (index/README.md) stay, and reopening does not restage. */
static void test_open_write_creates_whole(void **state)
{
    fixture *f = *state;
    char path[700], staging[720], readme[720];
    struct stat st;
    snprintf(path, sizeof path, "%s/fresh", f->dir);
    snprintf(staging, sizeof staging, "%s.creating", path);
    ps_store *s = open_write(path);
    ps_store_close(s);
    assert_int_not_equal(stat(staging, &st), 0);
    s = open_read(path);
    assert_int_equal(doccount(s), 0);
    ps_store_close(s);

    snprintf(path, sizeof path, "%s/withreadme", f->dir);
    snprintf(staging, sizeof staging, "%s.creating", path);
    snprintf(readme, sizeof readme, "%s/README.md", path);
    assert_int_equal(mkdir(path, 0777), 0);
    FILE *fp = fopen(readme, "w");
    assert_non_null(fp);
    fputs("kept\n", fp);
    fclose(fp);
    s = open_write(path);
    put(s, "1", "ord", NULL, NULL, NULL);
    commit(s);
    ps_store_close(s);
    s = open_write(path); /* an existing database is opened, not created again */
    ps_store_close(s);
    assert_int_equal(stat(readme, &st), 0);
    assert_int_not_equal(stat(staging, &st), 0);
    s = open_read(path);
    assert_int_equal(doccount(s), 1);
    ps_store_close(s);
}

static void test_open_write_creates_directories(void **state)
{
    fixture *f = *state;
    char deep[700];
    snprintf(deep, sizeof deep, "%s/a/b/c", f->dir);
    ps_store *s = open_write(deep);
    put(s, "1", "ord", NULL, NULL, NULL);
    commit(s);
    ps_store_close(s);
    s = open_read(deep);
    assert_int_equal(doccount(s), 1);
    ps_store_close(s);

    /* A path under a regular file cannot be created: an I/O error, not "locked" or a crash. */
    char file[700], under[760];
    snprintf(file, sizeof file, "%s/plainfile", f->dir);
    FILE *fp = fopen(file, "w");
    assert_non_null(fp);
    fclose(fp);
    snprintf(under, sizeof under, "%s/db", file);
    ps_error err;
    s = NULL;
    assert_int_equal(ps_store_open_write(under, &s, &err), PS_ERR_IO);
    assert_null(s);
    assert_non_null(strstr(err.message, file));
}

static void test_locked(void **state)
{
    fixture *f = *state;
    ps_store *first = open_write(f->db);
    ps_store *second = NULL;
    ps_error err;
    assert_int_equal(ps_store_open_write(f->db, &second, &err), PS_ERR_LOCKED);
    assert_null(second);
    assert_non_null(strstr(err.message, f->db));
    assert_non_null(strstr(err.message, "locked by another writer"));
    assert_non_null(strstr(err.message, "protokollsok index"));

    /* Another process gets the same answer. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ps_store *child = NULL;
        ps_error cerr;
        ps_status st = ps_store_open_write(f->db, &child, &cerr);
        ps_store_close(child);
        _exit((int)st);
    }
    int wstatus = 0;
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    assert_true(WIFEXITED(wstatus));
    assert_int_equal(WEXITSTATUS(wstatus), PS_ERR_LOCKED);

    /* Readers are not blocked by the writer. */
    commit(first);
    ps_store *reader = open_read(f->db);
    ps_store_close(reader);

    /* Once the writer is gone the lock is free. */
    ps_store_close(first);
    second = open_write(f->db);
    ps_store_close(second);
}

static void test_collapse(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    put(s, "1", "bygglov ansökan", "20230101", "KS-2023-1", "alingsås");
    put(s, "2", "bygglov beviljas", "20230201", "KS-2023-1", "alingsås");
    put(s, "3", "bygglov överklagas", "20230301", "KS-2023-1", "alingsås");
    put(s, "4", "bygglov annan", "20230401", "KS-2023-9", "borås");
    commit(s);

    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    opts.collapse_slot = SLOT_CASE;
    ps_store_results *res = run(s, ps_store_query_term("bygglov", 1.0), &opts);
    assert_int_equal(ps_store_results_count(res), 2);
    assert_int_equal(ps_store_results_estimate(res), 2);
    int seen = 0;
    for (size_t i = 0; i < 2; i++) {
        const ps_store_hit *h = ps_store_results_hit(res, i);
        assert_int_equal(h->rank, i);
        if (strcmp(h->collapse_key, "KS-2023-1") == 0) {
            assert_int_equal(h->collapse_count, 2);
            seen |= 1;
        } else {
            assert_string_equal(h->collapse_key, "KS-2023-9");
            assert_int_equal(h->collapse_count, 0);
            seen |= 2;
        }
    }
    assert_int_equal(seen, 3);
    assert_null(ps_store_results_hit(res, 2));
    ps_store_results_free(res);

    /* Without collapsing all four come back and the key is "". */
    res = run(s, ps_store_query_term("bygglov", 1.0), NULL);
    assert_int_equal(ps_store_results_count(res), 4);
    assert_string_equal(ps_store_results_hit(res, 0)->collapse_key, "");
    assert_int_equal(ps_store_results_hit(res, 0)->collapse_count, 0);
    ps_store_results_free(res);
    ps_store_close(s);
}

static void test_facets(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    put(s, "1", "skola", "20230101", "c1", "borås");
    put(s, "2", "skola", "20230102", "c2", "alingsås");
    put(s, "3", "skola", "20230103", "c3", "vara");
    put(s, "4", "skola", "20230104", "c4", "borås");
    put(s, "5", "skola", "20230105", "c5", "alingsås");
    put(s, "6", "skola", "20230106", "c6", "borås");
    put(s, "7", "förskola", "20230107", "c7", "vara");
    commit(s);

    unsigned slots[2] = {SLOT_KOMMUN, SLOT_CASE};
    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    opts.facet_slots = slots;
    opts.nfacets = 2;
    opts.limit = 1; /* facets cover the whole match set, not the page */
    ps_store_results *res = run(s, ps_store_query_term("skola", 1.0), &opts);
    assert_int_equal(ps_store_results_count(res), 1);
    assert_int_equal(ps_store_results_facet_count(res, 0), 3);
    const ps_store_facet_value *v = ps_store_results_facet(res, 0, 0);
    assert_string_equal(v->value, "borås");
    assert_int_equal(v->count, 3);
    v = ps_store_results_facet(res, 0, 1);
    assert_string_equal(v->value, "alingsås");
    assert_int_equal(v->count, 2);
    v = ps_store_results_facet(res, 0, 2);
    assert_string_equal(v->value, "vara");
    assert_int_equal(v->count, 1);
    assert_null(ps_store_results_facet(res, 0, 3));
    /* Equal counts come in value order. */
    assert_int_equal(ps_store_results_facet_count(res, 1), 6);
    assert_string_equal(ps_store_results_facet(res, 1, 0)->value, "c1");
    assert_string_equal(ps_store_results_facet(res, 1, 5)->value, "c6");
    assert_int_equal(ps_store_results_facet_count(res, 2), 0);
    assert_null(ps_store_results_facet(res, 2, 0));
    ps_store_results_free(res);

    /* Facets within a filter: only Borås documents. */
    res = run(
        s,
        ps_store_query_filter(ps_store_query_term("skola", 1.0), ps_store_query_boolean("Kborås")),
        &opts);
    assert_int_equal(ps_store_results_estimate(res), 3);
    assert_int_equal(ps_store_results_facet_count(res, 0), 1);
    assert_int_equal(ps_store_results_facet(res, 0, 0)->count, 3);
    ps_store_results_free(res);
    ps_store_close(s);
}

static void test_facets_count_documents_when_collapsing(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    put(s, "1", "taxa", "20230101", "same", "borås");
    put(s, "2", "taxa", "20230102", "same", "borås");
    put(s, "3", "taxa", "20230103", "other", "vara");
    commit(s);
    unsigned slot = SLOT_KOMMUN;
    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    opts.facet_slots = &slot;
    opts.nfacets = 1;
    opts.collapse_slot = SLOT_CASE;
    ps_store_results *res = run(s, ps_store_query_term("taxa", 1.0), &opts);
    assert_int_equal(ps_store_results_count(res), 2);
    assert_string_equal(ps_store_results_facet(res, 0, 0)->value, "borås");
    assert_int_equal(ps_store_results_facet(res, 0, 0)->count, 2);
    ps_store_results_free(res);
    ps_store_close(s);
}

/* Opens the fixture's database for writing with five uncommitted "taxa" documents of three
 * cases: "same" in Borås and Vara, "other" only in Vara, "third" in Borås. */
static ps_store *put_taxa_cases(fixture *f)
{
    ps_store *s = open_write(f->db);
    put(s, "1", "taxa", "20230101", "same", "borås");
    put(s, "2", "taxa", "20230102", "same", "borås");
    put(s, "3", "taxa", "20230103", "same", "vara");
    put(s, "4", "taxa", "20230104", "other", "vara");
    put(s, "5", "taxa", "20230105", "third", "borås");
    return s;
}

static void test_facets_count_distinct(void **state)
{
    fixture *f = *state;
    ps_store *s = put_taxa_cases(f);
    put(s, "6", "annat", "20230106", "fourth", "borås");
    commit(s);
    unsigned slot = SLOT_KOMMUN_CASE;
    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    assert_false(opts.facet_pairs);
    assert_int_equal(opts.tiebreak_slot, -1);
    opts.facet_slots = &slot;
    opts.nfacets = 1;
    opts.collapse_slot = SLOT_CASE;
    opts.facet_pairs = true;
    opts.limit = 1; /* counts cover the whole match set, not the page */
    ps_store_results *res = run(s, ps_store_query_term("taxa", 1.0), &opts);
    /* Borås: cases same + third (three documents); Vara: same + other. Ties in value order. */
    assert_int_equal(ps_store_results_facet_count(res, 0), 2);
    assert_string_equal(ps_store_results_facet(res, 0, 0)->value, "borås");
    assert_int_equal(ps_store_results_facet(res, 0, 0)->count, 2);
    assert_string_equal(ps_store_results_facet(res, 0, 1)->value, "vara");
    assert_int_equal(ps_store_results_facet(res, 0, 1)->count, 2);
    ps_store_results_free(res);
    ps_store_close(s);
}

static void test_exact_collapsed_count(void **state)
{
    fixture *f = *state;
    ps_store *s = put_taxa_cases(f);
    commit(s);
    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    opts.collapse_slot = SLOT_CASE;
    opts.limit = 1;
    opts.check_at_least = 100; /* more than match: Xapian looks at every one */
    ps_store_results *res = run(s, ps_store_query_term("taxa", 1.0), &opts);
    assert_true(ps_store_results_exact(res));
    assert_int_equal(ps_store_results_lower_bound(res), 3);
    ps_store_results_free(res);
    ps_store_close(s);
}

static void test_value_range(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    put(s, "1", "möte", "20221231", "a", "vara");
    put(s, "2", "möte", "20230105", "b", "vara");
    put(s, "3", "möte", "20230601", "c", "vara");
    put(s, "4", "möte", "20240201", "d", "vara");
    put(s, "5", "möte", NULL, "e", "vara"); /* no date */
    commit(s);

    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    opts.sort = PS_SORT_VALUE_ASC;
    opts.sort_slot = SLOT_DATE;
    expect_ids(s, ps_store_query_value_range(SLOT_DATE, "20230101", "20231231"), &opts, "2,3");
    expect_ids(s, ps_store_query_value_range(SLOT_DATE, "20230601", NULL), &opts, "3,4");
    expect_ids(s, ps_store_query_value_range(SLOT_DATE, NULL, "20230105"), &opts, "1,2");
    expect_ids(s, ps_store_query_value_range(SLOT_DATE, NULL, NULL), &opts, "1,2,3,4");
    /* Combined with a word query as a filter. */
    expect_ids(s,
               ps_store_query_filter(ps_store_query_term("möte", 1.0),
                                     ps_store_query_value_range(SLOT_DATE, "20230101", NULL)),
               &opts, "2,3,4");
    ps_store_close(s);
}

static void test_sort_by_date(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    put(s, "mid", "avfall", "20230601", "a", "vara");
    put(s, "old", "avfall avfall avfall", "20210101", "b", "vara");
    put(s, "new", "avfall", "20240101", "c", "vara");
    commit(s);
    char ids[64];
    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    opts.sort_slot = SLOT_DATE;
    opts.sort = PS_SORT_VALUE_ASC;
    expect_ids(s, ps_store_query_term("avfall", 1.0), &opts, "old,mid,new");
    opts.sort = PS_SORT_VALUE_DESC;
    expect_ids(s, ps_store_query_term("avfall", 1.0), &opts, "new,mid,old");
    /* Relevance: the document with the most occurrences first. */
    opts.sort = PS_SORT_RELEVANCE;
    ps_store_results *res = run(s, ps_store_query_term("avfall", 1.0), &opts);
    assert_non_null(strstr(ps_store_results_hit(res, 0)->data, "\"old\""));
    assert_true(ps_store_results_hit(res, 0)->weight > ps_store_results_hit(res, 1)->weight);
    assert_int_equal(ps_store_results_hit(res, 0)->percent, 100);
    ps_store_results_free(res);
    /* Paging: offset 1, limit 1 gives the second of the date order; ranks count from 0. */
    opts.sort = PS_SORT_VALUE_DESC;
    opts.offset = 1;
    opts.limit = 1;
    res = run(s, ps_store_query_term("avfall", 1.0), &opts);
    assert_string_equal(hit_ids(res, ids, sizeof ids), "mid");
    assert_int_equal(ps_store_results_hit(res, 0)->rank, 1);
    assert_int_equal(ps_store_results_estimate(res), 3);
    ps_store_results_free(res);
    ps_store_close(s);
}

static void test_query_operators(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    put(s, "1", "nämnden beslutar att godkänna budgeten", "20230101", "a", "vara");
    put(s, "2", "nämnden föreslår ny budget", "20230102", "b", "borås");
    put(s, "3", "styrelsen beslutar", "20230103", "c", "borås");
    commit(s);
    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    opts.sort = PS_SORT_VALUE_ASC;
    opts.sort_slot = SLOT_DATE;

    ps_store_query *subs[3];
    subs[0] = ps_store_query_term("nämnden", 1.0);
    subs[1] = ps_store_query_term("beslutar", 1.0);
    expect_ids(s, ps_store_query_and(subs, 2), &opts, "1");

    subs[0] = ps_store_query_term("budget", 1.0);
    subs[1] = ps_store_query_term("styrelsen", 1.0);
    expect_ids(s, ps_store_query_or(subs, 2), &opts, "2,3");

    subs[0] = ps_store_query_term("budget", 1.0);
    subs[1] = ps_store_query_term("budgeten", 1.0);
    expect_ids(s, ps_store_query_synonym(subs, 2), &opts, "1,2");

    expect_ids(s,
               ps_store_query_and_not(ps_store_query_term("beslutar", 1.0),
                                      ps_store_query_term("styrelsen", 1.0)),
               &opts, "1");

    /* NEAR: within the window in any order; the phrase needs the order. */
    const char *near_terms[2] = {"godkänna", "nämnden"};
    expect_ids(s, ps_store_query_near(near_terms, 2, 4), &opts, "1");
    assert_int_equal(count_hits(s, ps_store_query_near(near_terms, 2, 2)), 0);
    assert_int_equal(count_hits(s, ps_store_query_phrase(near_terms, 2, 4)), 0);
    const char *gap[2] = {"beslutar", "godkänna"}; /* one word between them */
    assert_int_equal(count_hits(s, ps_store_query_phrase(gap, 2, 0)), 0);
    assert_int_equal(count_hits(s, ps_store_query_phrase(gap, 2, 3)), 1);
    const char *three[3] = {"beslutar", "att", "godkänna"};
    assert_int_equal(count_hits(s, ps_store_query_phrase(three, 3, 0)), 1);
    assert_int_equal(count_hits(s, ps_store_query_phrase(three, 1, 0)), 2);
    assert_int_equal(count_hits(s, ps_store_query_phrase(three, 0, 0)), 0);

    /* Match-all, and a boolean filter that adds no weight. */
    assert_int_equal(count_hits(s, ps_store_query_match_all()), 3);
    ps_store_search_opts rel;
    ps_store_search_opts_init(&rel);
    ps_store_results *res = run(s, ps_store_query_boolean("Kborås"), &rel);
    assert_int_equal(ps_store_results_count(res), 2);
    assert_true(ps_store_results_hit(res, 0)->weight == 0.0);
    ps_store_results_free(res);

    /* The empty term matches nothing (in Xapian it would be match-all). */
    assert_int_equal(count_hits(s, ps_store_query_term("", 1.0)), 0);

    /* Scaling multiplies the weight. */
    res = run(s, ps_store_query_term("styrelsen", 1.0), &rel);
    double w1 = ps_store_results_hit(res, 0)->weight;
    ps_store_results_free(res);
    res = run(s, ps_store_query_scale(ps_store_query_term("styrelsen", 1.0), 3.0), &rel);
    double w3 = ps_store_results_hit(res, 0)->weight;
    ps_store_results_free(res);
    assert_true(w3 > 2.99 * w1 && w3 < 3.01 * w1);
    res = run(s, ps_store_query_term("styrelsen", 2.0), &rel);
    assert_true(ps_store_results_hit(res, 0)->weight > 1.99 * w1);
    ps_store_results_free(res);

    /* A NULL subquery (out of memory below) makes the combination NULL and frees the rest. */
    subs[0] = ps_store_query_term("a", 1.0);
    subs[1] = NULL;
    subs[2] = ps_store_query_term("b", 1.0);
    assert_null(ps_store_query_and(subs, 3));
    assert_null(ps_store_query_and_not(ps_store_query_term("a", 1.0), NULL));
    assert_null(ps_store_query_scale(NULL, 1.0));
    ps_store_close(s);
}

static void test_bm25_params_and_limits(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    put(s, "short", "vatten", "20230101", "a", "vara");
    put(s, "long", "vatten och avlopp och dagvatten och mycket mer text här", "20230102", "b",
        "vara");
    put(s, "none", "annat", "20230103", "c", "vara");
    commit(s);
    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    ps_store_results *res = run(s, ps_store_query_term("vatten", 1.0), &opts);
    double def_short = ps_store_results_hit(res, 0)->weight;
    double def_long = ps_store_results_hit(res, 1)->weight;
    ps_store_results_free(res);
    /* Almost no length normalisation: both documents weigh nearly the same. */
    opts.bm25_b = 1e-9;
    res = run(s, ps_store_query_term("vatten", 1.0), &opts);
    double flat_a = ps_store_results_hit(res, 0)->weight;
    double flat_b = ps_store_results_hit(res, 1)->weight;
    ps_store_results_free(res);
    assert_true(def_short > def_long * 1.05);
    assert_true(flat_a < flat_b * 1.001 && flat_b < flat_a * 1.001);

    /* check_at_least, a time limit and limit 0 are accepted; limit 0 still estimates. */
    ps_store_search_opts_init(&opts);
    opts.check_at_least = 100;
    opts.time_limit = 5.0;
    opts.limit = 0;
    res = run(s, ps_store_query_term("vatten", 1.0), &opts);
    assert_int_equal(ps_store_results_count(res), 0);
    assert_int_equal(ps_store_results_estimate(res), 2);
    assert_int_equal(ps_store_results_lower_bound(res), 2);
    assert_int_equal(ps_store_results_upper_bound(res), 2);
    ps_store_results_free(res);

    /* Extreme paging is just an empty or full page. */
    ps_store_search_opts_init(&opts);
    opts.limit = UINT32_MAX;
    res = run(s, ps_store_query_term("vatten", 1.0), &opts);
    assert_int_equal(ps_store_results_count(res), 2);
    ps_store_results_free(res);
    opts.offset = UINT32_MAX;
    res = run(s, ps_store_query_term("vatten", 1.0), &opts);
    assert_int_equal(ps_store_results_count(res), 0);
    ps_store_results_free(res);
    ps_store_search_opts_init(&opts);
    opts.check_at_least = UINT32_MAX;
    opts.collapse_slot = 12345;
    opts.sort = PS_SORT_VALUE_DESC;
    opts.sort_slot = 54321; /* empty slots: every document has the same (empty) key */
    res = run(s, ps_store_query_term("vatten", 1.0), &opts);
    assert_int_equal(ps_store_results_count(res), 2);
    ps_store_results_free(res);

    /* Bad arguments are errors, not crashes. */
    ps_error err;
    ps_store_results *none = NULL;
    assert_int_equal(ps_store_search(s, NULL, &opts, &none, &err), PS_ERR_INVALID);
    assert_null(none);
    opts.nfacets = 1;
    ps_store_query *q = ps_store_query_match_all();
    assert_int_equal(ps_store_search(s, q, &opts, &none, &err), PS_ERR_INVALID);
    ps_store_query_free(q);
    ps_store_close(s);
}

static void test_metadata(void **state)
{
    fixture *f = *state;
    ps_store *w = open_write(f->db);
    ps_error err;
    char *v = NULL;
    assert_int_equal(ps_store_get_metadata(w, "schema", &v, &err), PS_OK);
    assert_string_equal(v, "");
    free(v);
    assert_int_equal(ps_store_set_metadata(w, "schema", "3", &err), PS_OK);
    assert_int_equal(ps_store_set_metadata(w, "lexicon", "sv-2026", &err), PS_OK);
    commit(w);
    assert_int_equal(ps_store_get_metadata(w, "", &v, &err), PS_ERR_INVALID);
    assert_null(v);

    ps_store *r = open_read(f->db);
    assert_int_equal(ps_store_get_metadata(r, "schema", &v, &err), PS_OK);
    assert_string_equal(v, "3");
    free(v);
    assert_int_equal(ps_store_get_metadata(r, "lexicon", &v, &err), PS_OK);
    assert_string_equal(v, "sv-2026");
    free(v);
    /* Setting "" removes the key. */
    assert_int_equal(ps_store_set_metadata(w, "lexicon", "", &err), PS_OK);
    commit(w);
    bool changed;
    assert_int_equal(ps_store_reopen(r, &changed, &err), PS_OK);
    assert_int_equal(ps_store_get_metadata(r, "lexicon", &v, &err), PS_OK);
    assert_string_equal(v, "");
    free(v);
    ps_store_close(r);
    ps_store_close(w);
}

typedef struct {
    char seen[256];
    size_t used;
    int calls;
    int stop_after;
} term_log;

static bool log_term(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    term_log *log = ctx;
    log->calls++;
    log->used += (size_t)snprintf(log->seen + log->used, sizeof log->seen - log->used, "%s%.*s=%u",
                                  log->used ? " " : "", (int)len, term, termfreq);
    return log->calls != log->stop_after;
}

static void test_each_term(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    put(s, "1", "ett", NULL, NULL, "vara");
    put(s, "2", "två", NULL, NULL, "borås");
    put(s, "3", "tre", NULL, NULL, "borås");
    commit(s);
    ps_error err;
    term_log log = {.stop_after = -1};
    assert_int_equal(ps_store_each_term(s, "K", log_term, &log, &err), PS_OK);
    assert_string_equal(log.seen, "Kborås=2 Kvara=1");
    term_log ids = {.stop_after = 2};
    assert_int_equal(ps_store_each_term(s, "Q", log_term, &ids, &err), PS_OK);
    assert_string_equal(ids.seen, "Q1=1 Q2=1");
    term_log none = {.stop_after = -1};
    assert_int_equal(ps_store_each_term(s, "Zxx", log_term, &none, &err), PS_OK);
    assert_int_equal(none.calls, 0);

    uint64_t nterms = 0, bytes = 0;
    assert_int_equal(ps_store_stats(s, &nterms, &bytes, &err), PS_OK);
    /* ett två tre + K×2 + Q×3 */
    assert_int_equal(nterms, 8);
    assert_true(bytes > 0);
    ps_store_close(s);
}

typedef struct {
    char seen[512];
} kind_log;

static void log_kind(void *ctx, const char *prefix, const ps_store_kind_counts *k)
{
    kind_log *l = ctx;
    size_t n = strlen(l->seen);
    snprintf(l->seen + n, sizeof l->seen - n, "%s%s:%llu/%llu/%llu/%llu", n ? " " : "",
             *prefix ? prefix : "-", (unsigned long long)k->terms, (unsigned long long)k->postings,
             (unsigned long long)k->wdf, (unsigned long long)k->positions);
}

static void log_file(void *ctx, const char *name, uint64_t bytes)
{
    if (strcmp(name, "postlist.glass") == 0 && bytes > 0)
        ++*(int *)ctx;
}

static void test_term_kinds_and_compact(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    put(s, "1", "ett ett två", NULL, NULL, "vara");
    put(s, "2", "två", NULL, NULL, "borås");
    ps_store_doc *doc = ps_store_doc_new();
    ps_store_doc_add_term(doc, "Etvå", 3); /* a term without positions */
    ps_error err;
    assert_int_equal(ps_store_replace(s, "Q3", doc, &err), PS_OK);
    ps_store_doc_free(doc);
    commit(s);
    /* kinds by leading capitals: ett, två (3 postings, 4 positions), E, K, Q */
    kind_log log = {""};
    assert_int_equal(ps_store_term_kinds(s, true, log_kind, &log, &err), PS_OK);
    assert_string_equal(log.seen, "-:2/3/4/4 E:1/1/3/0 K:2/2/0/0 Q:3/3/0/0");
    kind_log quick = {""};
    assert_int_equal(ps_store_term_kinds(s, false, log_kind, &quick, &err), PS_OK);
    assert_string_equal(quick.seen, "-:2/3/4/0 E:1/1/3/0 K:2/2/0/0 Q:3/3/0/0");
    int postlists = 0;
    assert_int_equal(ps_store_each_file(s, log_file, &postlists, &err), PS_OK);
    assert_int_equal(postlists, 1);
    ps_store_close(s);

    /* the compacted copy holds the same documents, terms and positions */
    char to[600];
    snprintf(to, sizeof to, "%s/compact", f->dir);
    assert_int_equal(ps_store_compact(f->db, to, &err), PS_OK);
    ps_store *c = open_read(to);
    uint32_t docs = 0;
    assert_int_equal(ps_store_doccount(c, &docs, &err), PS_OK);
    assert_int_equal(docs, 3);
    kind_log again = {""};
    assert_int_equal(ps_store_term_kinds(c, true, log_kind, &again, &err), PS_OK);
    assert_string_equal(again.seen, log.seen);
    ps_store_close(c);
    /* no database there: an error naming it, not a crash */
    snprintf(to, sizeof to, "%s/compact2", f->dir);
    assert_int_not_equal(ps_store_compact("/nonexistent/db", to, &err), PS_OK);
    assert_non_null(strstr(err.message, "/nonexistent/db"));
}

static void test_open_write_no_sync(void **state)
{
    fixture *f = *state;
    ps_store *s = NULL;
    ps_error err;
    assert_int_equal(ps_store_open_write_flags(f->db, PS_STORE_NO_SYNC, &s, &err), PS_OK);
    put(s, "1", "ett", NULL, NULL, NULL);
    commit(s);
    ps_store_close(s);
    ps_store *r = open_read(f->db);
    uint32_t docs = 0;
    assert_int_equal(ps_store_doccount(r, &docs, &err), PS_OK);
    assert_int_equal(docs, 1);
    ps_store_close(r);
}

static void test_get_data_by_term(void **state)
{
    fixture *f = *state;
    ps_store *s = open_write(f->db);
    put(s, "abc", "text", NULL, NULL, NULL);
    commit(s);
    ps_store_close(s);
    s = open_read(f->db);
    char *data = NULL;
    size_t len = 0;
    ps_error err;
    assert_int_equal(ps_store_get_data_by_term(s, "Qabc", &data, &len, &err), PS_OK);
    assert_string_equal(data, "{\"id\":\"abc\"}");
    assert_int_equal(len, strlen(data));
    free(data);
    assert_int_equal(ps_store_get_data_by_term(s, "Qnope", &data, &len, &err), PS_ERR_NOT_FOUND);
    assert_null(data);
    assert_non_null(strstr(err.message, "Qnope"));
    assert_int_equal(ps_store_get_data_by_term(s, "", &data, &len, &err), PS_ERR_INVALID);
    ps_store_close(s);
}

static void test_reopen_after_rename(void **state)
{
    fixture *f = *state;
    char fresh[700], old[700];
    snprintf(fresh, sizeof fresh, "%s/db.new", f->dir);
    snprintf(old, sizeof old, "%s/db.old", f->dir);

    ps_store *w = open_write(f->db);
    put(w, "1", "gammal", NULL, NULL, NULL);
    commit(w);
    ps_store_close(w);
    ps_store *r = open_read(f->db);
    assert_int_equal(doccount(r), 1);

    /* A full rebuild elsewhere, then the atomic swap of directories. */
    w = open_write(fresh);
    put(w, "1", "ny", NULL, NULL, NULL);
    put(w, "2", "ny", NULL, NULL, NULL);
    commit(w);
    ps_store_close(w);
    assert_int_equal(rename(f->db, old), 0);
    assert_int_equal(rename(fresh, f->db), 0);
    nftw(old, rm_entry, 16, FTW_DEPTH | FTW_PHYS); /* the indexer removes the old one */

    bool changed = false;
    ps_error err;
    assert_int_equal(ps_store_reopen(r, &changed, &err), PS_OK);
    assert_true(changed);
    assert_int_equal(doccount(r), 2);
    assert_int_equal(count_hits(r, ps_store_query_term("ny", 1.0)), 2);
    assert_int_equal(count_hits(r, ps_store_query_term("gammal", 1.0)), 0);
    assert_int_equal(ps_store_reopen(r, &changed, &err), PS_OK);
    assert_false(changed);
    ps_store_close(r);
}

/* Write generation gen of n documents "Q<i>", data "gen<gen>", and commit. */
static void put_generation(ps_store *w, int gen, int n)
{
    char id[32], word[32], data[32];
    snprintf(data, sizeof data, "gen%d", gen);
    for (int i = 0; i < n; i++) {
        ps_store_doc *doc = ps_store_doc_new();
        assert_non_null(doc);
        for (int k = 0; k < 30; k++) {
            snprintf(word, sizeof word, "w%d_%d", k, (i * 7 + k) % 500);
            ps_store_doc_add_posting(doc, word, (uint32_t)k + 1, 1);
        }
        ps_store_doc_set_data(doc, data, strlen(data));
        snprintf(id, sizeof id, "Q%d", i);
        ps_error err;
        assert_int_equal(ps_store_replace(w, id, doc, &err), PS_OK);
        ps_store_doc_free(doc);
    }
    commit(w);
}

/* A reader whose revision the writer has overwritten (two commits later Xapian reuses its
 * blocks: DatabaseModifiedError) reopens and retries instead of failing the search. */
static void test_reader_survives_concurrent_commits(void **state)
{
    fixture *f = *state;
    ps_store *w = open_write(f->db);
    put_generation(w, 0, 2000);
    ps_store *r = open_read(f->db);
    uint64_t rev_open = 0, rev_after = 0, rev_latest = 0;
    ps_error err;
    assert_int_equal(ps_store_revision(r, &rev_open, &err), PS_OK);
    for (int gen = 1; gen <= 3; gen++)
        put_generation(w, gen, 2000);
    assert_int_equal(ps_store_revision(w, &rev_latest, &err), PS_OK);

    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    opts.limit = 100;
    ps_store_results *res = run(r, ps_store_query_term("w3_100", 1.0), &opts);
    assert_int_equal(ps_store_revision(r, &rev_after, &err), PS_OK);
    /* Either the old revision or the latest, never a mix: every hit from one generation. */
    assert_true(rev_after == rev_open || rev_after == rev_latest);
    const char *want = rev_after == rev_latest ? "gen3" : "gen0";
    assert_true(ps_store_results_count(res) > 0);
    for (size_t i = 0; i < ps_store_results_count(res); i++)
        assert_string_equal(ps_store_results_hit(res, i)->data, want);
    ps_store_results_free(res);
    ps_store_close(r);
    ps_store_close(w);
}

static void test_query_describe(void **state)
{
    (void)state;
    ps_store_query *subs[2] = {ps_store_query_term("budget", 1.0),
                               ps_store_query_boolean("Kborås")};
    ps_store_query *q = ps_store_query_filter(subs[0], subs[1]);
    char *d = ps_store_query_describe(q);
    assert_non_null(d);
    assert_non_null(strstr(d, "Query("));
    assert_non_null(strstr(d, "budget"));
    assert_non_null(strstr(d, "FILTER"));
    assert_non_null(strstr(d, "Kborås"));
    free(d);
    ps_store_query_free(q);
    d = ps_store_query_describe(NULL);
    assert_non_null(d);
    free(d);
}

static void test_null_arguments(void **state)
{
    (void)state;
    ps_error err;
    bool changed = true;
    assert_int_equal(ps_store_reopen(NULL, &changed, &err), PS_ERR_INVALID);
    assert_false(changed);
    assert_int_equal(ps_store_open_write("x", NULL, &err), PS_ERR_INVALID);
    assert_int_equal(ps_store_commit(NULL, &err), PS_ERR_INVALID);
    ps_store_close(NULL);
    ps_store_doc_free(NULL);
    ps_store_query_free(NULL);
    ps_store_results_free(NULL);
    ps_store_doc_add_term(NULL, "x", 1);
    assert_int_equal(ps_store_results_count(NULL), 0);
    assert_null(ps_store_results_hit(NULL, 0));
    /* err may be NULL: the status still comes back. */
    ps_store *s = NULL;
    assert_int_equal(ps_store_open_read("/nonexistent/protokollsok-db", &s, NULL),
                     PS_ERR_NOT_FOUND);
}

/* A sharded store: documents routed by the kommun value (the same kommun, the same shard),
 * searched as one, a moved document leaves its old shard, a shard nothing touched keeps its
 * revision, metadata lives in the first database, and facet pairs count distinct keys. */
static void test_sharded_store(void **state)
{
    fixture *f = *state;
    ps_store *w = NULL;
    ps_error err;
    if (ps_store_open_write_sharded(f->db, 3, SLOT_KOMMUN, 0, &w, &err) != PS_OK)
        fail_msg("open sharded: %s", err.message);
    put(w, "1", "taxa avgift", "20230101", "a", "borås");
    put(w, "2", "taxa", "20230102", "a", "borås");
    put(w, "3", "taxa", "20230103", "b", "vara");
    put(w, "4", "avgift", "20230104", "c", "lerum");
    assert_int_equal(ps_store_set_metadata(w, "k", "v", &err), PS_OK);
    commit(w);
    assert_int_equal(ps_store_shard_count(w), 4);
    ps_store_close(w);

    unsigned n = 0, slot = 0;
    assert_int_equal(ps_store_sharding(f->db, &n, &slot, &err), PS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(slot, SLOT_KOMMUN);
    /* another layout asks for a rebuild */
    assert_int_equal(ps_store_open_write_sharded(f->db, 2, SLOT_KOMMUN, 0, &w, &err),
                     PS_ERR_VERSION);

    ps_store *r = open_read(f->db);
    assert_int_equal(doccount(r), 4);
    char *v = NULL;
    assert_int_equal(ps_store_get_metadata(r, "k", &v, &err), PS_OK);
    assert_string_equal(v, "v");
    free(v);
    /* both Borås documents in one shard */
    ps_store_shard_info sh;
    int boras = -1;
    for (size_t i = 1; i < 4; i++) {
        assert_int_equal(ps_store_shard(r, i, &sh, &err), PS_OK);
        assert_true(sh.up);
        assert_false(sh.remote);
        if (sh.documents >= 2)
            boras = (int)i;
    }
    assert_true(boras > 0);
    unsigned fslot = SLOT_KOMMUN_CASE;
    ps_store_search_opts opts;
    ps_store_search_opts_init(&opts);
    opts.facet_slots = &fslot;
    opts.nfacets = 1;
    opts.facet_pairs = true;
    ps_store_results *res = run(r, ps_store_query_term("taxa", 1.0), &opts);
    assert_int_equal(ps_store_results_estimate(res), 3);
    assert_int_equal(ps_store_results_missing_count(res), 0);
    assert_string_equal(ps_store_results_facet(res, 0, 0)->value, "borås");
    assert_int_equal(ps_store_results_facet(res, 0, 0)->count, 1); /* one case, two documents */
    ps_store_results_free(res);
    uint64_t revs[4];
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(ps_store_shard(r, i, &sh, &err), PS_OK);
        revs[i] = sh.revision;
    }
    ps_store_close(r);

    /* document 3 moves to Borås: out of its old shard, into Borås's; the Lerum shard (when it
     * is another) keeps its revision */
    w = open_write(f->db);
    put(w, "3", "taxa", "20230103", "b", "borås");
    commit(w);
    ps_store_close(w);
    r = open_read(f->db);
    assert_int_equal(doccount(r), 4);
    assert_int_equal(ps_store_shard(r, (size_t)boras, &sh, &err), PS_OK);
    assert_int_equal(sh.documents, 3);
    size_t unchanged = 0;
    for (size_t i = 1; i < 4; i++) {
        assert_int_equal(ps_store_shard(r, i, &sh, &err), PS_OK);
        unchanged += sh.revision == revs[i];
    }
    assert_true(unchanged >= 1);
    ps_store_close(r);
}

/* A stub with a line Xapian's format does not have names the file and line; a remote shard
 * that does not answer is left out and named, not an error. */
static void test_stub_lines(void **state)
{
    fixture *f = *state;
    ps_store *w = open_write(f->db);
    put(w, "1", "taxa", "20230101", "a", "borås");
    commit(w);
    ps_store_close(w);
    char stub[700];
    snprintf(stub, sizeof stub, "%s/bad.stub", f->dir);
    FILE *fp = fopen(stub, "w");
    assert_non_null(fp);
    fputs("# comment\nglass db\nnonsense here\n", fp);
    fclose(fp);
    ps_store *r = NULL;
    ps_error err;
    assert_int_not_equal(ps_store_open_read(stub, &r, &err), PS_OK);
    assert_non_null(strstr(err.message, "bad.stub:3"));
    fp = fopen(stub, "w");
    assert_non_null(fp);
    fputs("glass db\nremote 127.0.0.1:1\n", fp); /* port 1: nothing listens */
    fclose(fp);
    ps_store_open_opts o = {.remote_timeout = 0.5};
    if (ps_store_open_read_opts(stub, &o, &r, &err) != PS_OK)
        fail_msg("open stub: %s", err.message);
    assert_int_equal(ps_store_shard_count(r), 2);
    ps_store_shard_info sh;
    assert_int_equal(ps_store_shard(r, 1, &sh, &err), PS_OK);
    assert_false(sh.up);
    assert_true(sh.remote);
    assert_true(*sh.error);
    ps_store_results *res = run(r, ps_store_query_term("taxa", 1.0), NULL);
    assert_int_equal(ps_store_results_count(res), 1);
    assert_int_equal(ps_store_results_missing_count(res), 1);
    assert_string_equal(ps_store_results_missing(res, 0), "127.0.0.1:1");
    ps_store_results_free(res);
    ps_store_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_term_kinds_and_compact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_write_no_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_leaves_caller_doc_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transaction_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_visible_after_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_write_creates_directories, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_write_creates_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_collapse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_facets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_facets_count_documents_when_collapsing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_facets_count_distinct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exact_collapsed_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sort_by_date, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bm25_params_and_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_term, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_data_by_term, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_after_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_survives_concurrent_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sharded_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stub_lines, setup, teardown),
        cmocka_unit_test(test_query_describe),
        cmocka_unit_test(test_null_arguments),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
