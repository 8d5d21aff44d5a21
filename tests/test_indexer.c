/*
 * test_indexer.c — the indexer's pure parts: hash, paths, file walk, manifests, lock.
 * (The full index run is tested end to end by tests/e2e/indexer.sh.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "protokollsok/indexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *tmpdir(const char *name)
{
    char *d = malloc(512);
    snprintf(d, 512, "%s/indexer-%s-%ld", PS_TEST_TMPDIR, name, (long)getpid());
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", d, d);
    assert_int_equal(system(cmd), 0);
    return d;
}

static void rmtree(char *d)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    assert_int_equal(system(cmd), 0);
    free(d);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_hash(void **state)
{
    (void)state;
    const char *a = "Förnyelse av medlemskap i Samordningsförbundet";
    uint64_t h = ps_indexer_hash64(a, strlen(a), 0);
    assert_true(h == ps_indexer_hash64(a, strlen(a), 0));
    assert_true(h != ps_indexer_hash64(a, strlen(a) - 1, 0));
    assert_true(h != ps_indexer_hash64(a, strlen(a), 1));
    /* every single-bit change of a short input changes the hash */
    char buf[13] = "abcdefghijkl";
    for (size_t i = 0; i < 12 * 8; i++) {
        buf[i / 8] ^= (char)(1 << (i % 8));
        assert_true(ps_indexer_hash64(buf, 12, 0) != ps_indexer_hash64("abcdefghijkl", 12, 0));
        buf[i / 8] ^= (char)(1 << (i % 8));
    }
    assert_true(ps_indexer_hash64("", 0, 0) != ps_indexer_hash64("\0", 1, 0));
}

static void check_norm(const char *in, const char *want)
{
    char *n = ps_indexer_path_normalize(in);
    assert_string_equal(n, want);
    free(n);
}

static void test_normalize(void **state)
{
    (void)state;
    check_norm("seeds", "seeds");
    check_norm("./seeds/", "seeds");
    check_norm("a//b/./c/", "a/b/c");
    check_norm("/abs//x/", "/abs/x");
    check_norm("/", "/");
    check_norm("./", ".");
    check_norm("../up/./x", "../up/x");
}

static void test_path_term(void **state)
{
    (void)state;
    char *t = ps_indexer_path_term("seeds/000.txt");
    assert_string_equal(t, "Pseeds/000.txt");
    free(t);
    char longp[600];
    memset(longp, 'a', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    char *t1 = ps_indexer_path_term(longp);
    longp[598] = 'b';
    char *t2 = ps_indexer_path_term(longp);
    assert_true(strlen(t1) <= 240);
    assert_true(strncmp(t1, "Paaaa", 5) == 0);
    assert_string_not_equal(t1, t2);
    free(t1);
    free(t2);
}

static void test_filestate_roundtrip(void **state)
{
    (void)state;
    ps_indexer_filestate *fs = ps_indexer_filestate_new();
    char path[64];
    for (int i = 0; i < 1000; i++) {
        snprintf(path, sizeof path, "dir/%04d.txt", i);
        ps_indexer_filestate_entry e = {path, (uint64_t)i * 10, (int64_t)i * -3, (uint64_t)i * 7919,
                                        (uint64_t)i, (uint32_t)(i % 5)};
        assert_true(ps_indexer_filestate_put(fs, &e));
    }
    ps_indexer_filestate_entry odd = {"tab\there\nnewline\\back", 1, 2, 3, 4, 5};
    assert_true(ps_indexer_filestate_put(fs, &odd));
    for (int i = 0; i < 1000; i += 2) {
        snprintf(path, sizeof path, "dir/%04d.txt", i);
        assert_true(ps_indexer_filestate_remove(fs, path));
    }
    assert_false(ps_indexer_filestate_remove(fs, "dir/0000.txt"));
    assert_int_equal(ps_indexer_filestate_count(fs), 501);
    /* replacing keeps one entry */
    ps_indexer_filestate_entry upd = {"dir/0001.txt", 99, 98, 97, 96, 95};
    assert_true(ps_indexer_filestate_put(fs, &upd));
    assert_int_equal(ps_indexer_filestate_count(fs), 501);

    size_t len;
    char *text = ps_indexer_filestate_serialize(fs, &len);
    assert_non_null(text);
    assert_true(strncmp(text, "ps.files 1\n", 11) == 0);
    ps_indexer_filestate *back;
    ps_error err;
    assert_int_equal(ps_indexer_filestate_parse(text, len, &back, &err), PS_OK);
    assert_int_equal(ps_indexer_filestate_count(back), 501);
    const ps_indexer_filestate_entry *e = ps_indexer_filestate_find(back, "dir/0001.txt");
    assert_non_null(e);
    assert_int_equal(e->size, 99);
    assert_int_equal(e->mtime_ns, 98);
    assert_int_equal(e->hash, 97);
    assert_int_equal(e->meta_hash, 96);
    assert_int_equal(e->narenden, 95);
    e = ps_indexer_filestate_find(back, "dir/0999.txt");
    assert_non_null(e);
    assert_int_equal(e->mtime_ns, -2997);
    assert_null(ps_indexer_filestate_find(back, "dir/0998.txt"));
    assert_non_null(ps_indexer_filestate_find(back, "tab\there\nnewline\\back"));
    size_t len2;
    char *text2 = ps_indexer_filestate_serialize(back, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(text, text2, len);
    free(text);
    free(text2);
    ps_indexer_filestate_free(back);
    ps_indexer_filestate_free(fs);

    assert_int_equal(ps_indexer_filestate_parse("", 0, &back, &err), PS_OK);
    assert_int_equal(ps_indexer_filestate_count(back), 0);
    ps_indexer_filestate_free(back);
    const char *bad = "ps.files 1\n00\t00\tx\t1\t1\tp\n";
    assert_int_equal(ps_indexer_filestate_parse(bad, strlen(bad), &back, &err), PS_ERR_INVALID);
    assert_int_equal(err.line, 2);
    assert_null(back);
    const char *other = "ps.files 9\n";
    assert_int_equal(ps_indexer_filestate_parse(other, strlen(other), &back, &err), PS_ERR_VERSION);
    assert_non_null(strstr(err.message, "--full"));
}

/* Many puts and removes: the table compacts its holes and never loses a live entry. */
static void test_filestate_churn(void **state)
{
    (void)state;
    ps_indexer_filestate *fs = ps_indexer_filestate_new();
    char path[64];
    for (int i = 0; i < 20000; i++) {
        snprintf(path, sizeof path, "f%d", i);
        ps_indexer_filestate_entry e = {path, (uint64_t)i, 0, 0, 0, 0};
        assert_true(ps_indexer_filestate_put(fs, &e));
        if (i >= 10) {
            snprintf(path, sizeof path, "f%d", i - 10);
            assert_true(ps_indexer_filestate_remove(fs, path));
        }
    }
    assert_int_equal(ps_indexer_filestate_count(fs), 10);
    for (int i = 19990; i < 20000; i++) {
        snprintf(path, sizeof path, "f%d", i);
        const ps_indexer_filestate_entry *e = ps_indexer_filestate_find(fs, path);
        assert_non_null(e);
        assert_int_equal(e->size, i);
    }
    assert_null(ps_indexer_filestate_find(fs, "f19989"));
    size_t cursor = 0, n = 0;
    while (ps_indexer_filestate_next(fs, &cursor))
        n++;
    assert_int_equal(n, 10);
    ps_indexer_filestate_free(fs);
}

static void test_manifest_tsv(void **state)
{
    (void)state;
    const char *tsv = "\xEF\xBB\xBFpath\tkommun\tnamnd\tdate\turl\textra\r\n"
                      "# a comment\n"
                      "000.txt\tAlingsås\tSocialnämnden\t2023-11-01\thttps://x/000\tz\n"
                      "\n"
                      "sub/001.txt\tKöping\t\t\t\n"
                      "002.txt\tAlingsås\tSN\t2023-13-01\t\n"
                      "\tAlingsås\n"
                      "/abs/003.txt\t\t\t\t\n";
    ps_indexer_manifest *m;
    ps_error err;
    assert_int_equal(ps_indexer_manifest_parse(tsv, strlen(tsv), "seeds", "m.tsv", &m, &err), PS_OK);
    assert_int_equal(ps_indexer_manifest_count(m), 3);
    const ps_indexer_manifest_entry *e = ps_indexer_manifest_at(m, 0);
    assert_string_equal(e->path, "seeds/000.txt");
    assert_string_equal(e->kommun, "Alingsås");
    assert_string_equal(e->namnd, "Socialnämnden");
    assert_string_equal(e->date, "2023-11-01");
    assert_string_equal(e->url, "https://x/000");
    assert_int_equal(e->line, 3);
    e = ps_indexer_manifest_at(m, 1);
    assert_string_equal(e->path, "seeds/sub/001.txt");
    assert_null(e->namnd);
    assert_null(e->date);
    assert_string_equal(ps_indexer_manifest_at(m, 2)->path, "/abs/003.txt");
    /* bad date and missing path: warned with their line numbers */
    assert_int_equal(ps_indexer_manifest_nwarnings(m), 2);
    assert_non_null(strstr(ps_indexer_manifest_warning(m, 0), "m.tsv:6:"));
    assert_non_null(strstr(ps_indexer_manifest_warning(m, 1), "m.tsv:7:"));
    assert_ptr_equal(ps_indexer_manifest_find(m, "seeds/sub/001.txt", 1, 2),
                     ps_indexer_manifest_at(m, 1));
    assert_null(ps_indexer_manifest_find(m, "seeds/none.txt", 1, 2));
    assert_true(ps_indexer_manifest_entry_hash(ps_indexer_manifest_at(m, 0)) !=
                ps_indexer_manifest_entry_hash(ps_indexer_manifest_at(m, 1)));
    ps_indexer_manifest_free(m);

    const char *noheader = "000.txt\tAlingsås\n";
    assert_int_equal(ps_indexer_manifest_parse(noheader, strlen(noheader), "", "m.tsv", &m, &err),
                     PS_ERR_INVALID);
    assert_int_equal(err.line, 1);
    assert_int_equal(ps_indexer_manifest_parse("\0x", 2, "", "m.tsv", &m, &err), PS_ERR_INVALID);
}

static void test_manifest_jsonl(void **state)
{
    (void)state;
    const char *jl = "{\"path\": \"a.txt\", \"kommun\": \"Alingsås\", \"nämnd\": \"KS\", \"url\": \"u\"}\n"
                     "{broken\n"
                     "[1, 2]\n"
                     "{\"path\": \"b.txt\", \"date\": \"2021-05-26\", \"kommun\": 5}\n";
    ps_indexer_manifest *m;
    ps_error err;
    assert_int_equal(ps_indexer_manifest_parse(jl, strlen(jl), "/base", "m.jsonl", &m, &err), PS_OK);
    assert_int_equal(ps_indexer_manifest_count(m), 2);
    assert_string_equal(ps_indexer_manifest_at(m, 0)->path, "/base/a.txt");
    assert_string_equal(ps_indexer_manifest_at(m, 0)->namnd, "KS");
    assert_string_equal(ps_indexer_manifest_at(m, 1)->date, "2021-05-26");
    assert_null(ps_indexer_manifest_at(m, 1)->kommun);
    assert_int_equal(ps_indexer_manifest_nwarnings(m), 2);
    ps_indexer_manifest_free(m);
}

static void test_manifest_load_matches_by_inode(void **state)
{
    (void)state;
    char *d = tmpdir("manifest");
    char sub[600];
    snprintf(sub, sizeof sub, "%s/corpus", d);
    assert_int_equal(mkdir(sub, 0777), 0);
    write_file(sub, "x.txt", "text");
    write_file(sub, "m.tsv", "path\tkommun\nx.txt\tKöping\n");
    char mpath[700];
    snprintf(mpath, sizeof mpath, "%s/m.tsv", sub);
    ps_indexer_manifest *m;
    ps_error err;
    assert_int_equal(ps_indexer_manifest_load(mpath, &m, &err), PS_OK);
    struct stat sb;
    char other[700];
    snprintf(other, sizeof other, "%s/./corpus//x.txt", d);
    assert_int_equal(stat(other, &sb), 0);
    const ps_indexer_manifest_entry *e =
        ps_indexer_manifest_find(m, "some/other/spelling.txt", sb.st_dev, sb.st_ino);
    assert_non_null(e);
    assert_string_equal(e->kommun, "Köping");
    ps_indexer_manifest_free(m);
    snprintf(mpath, sizeof mpath, "%s/missing.tsv", sub);
    assert_int_equal(ps_indexer_manifest_load(mpath, &m, &err), PS_ERR_NOT_FOUND);
    rmtree(d);
}

static void test_walk(void **state)
{
    (void)state;
    char *d = tmpdir("walk");
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && mkdir -p root/a/b root/.hidden root/db root/c && "
             "printf x > root/a/1.txt && printf yy > root/a/b/2.txt && printf z > root/.hidden/3.txt && "
             "printf h > root/.dot.txt && touch root/db/iamglass && printf d > root/db/data.txt && "
             "ln -s .. root/a/b/up && ln -s ../a root/c/link && ln -s nowhere root/dangling && "
             "ln -s ../a/1.txt root/c/same.txt && mkfifo root/fifo",
             d);
    assert_int_equal(system(cmd), 0);
    char root[700];
    snprintf(root, sizeof root, "%s/root/", d);
    const char *roots[] = {root};
    ps_indexer_walk_result res;
    ps_error err;
    assert_int_equal(ps_indexer_walk(roots, 1, &res, &err), PS_OK);
    /* a/1.txt and a/b/2.txt once each (c/link and c/same.txt reach them again) */
    assert_int_equal(res.nfiles, 2);
    assert_string_equal(res.files[0].relpath, "a/1.txt");
    assert_string_equal(res.files[1].relpath, "a/b/2.txt");
    assert_int_equal(res.total_bytes, 3);
    char want[800];
    snprintf(want, sizeof want, "%s/root/a/1.txt", d);
    assert_string_equal(res.files[0].path, want);
    /* warnings: the loop a/b/up -> root, the dangling link, the fifo */
    bool loop = false, dangling = false, fifo = false;
    for (size_t i = 0; i < res.nwarnings; i++) {
        loop |= strstr(res.warnings[i].reason, "loop") != NULL;
        dangling |= strstr(res.warnings[i].path, "dangling") != NULL;
        fifo |= strstr(res.warnings[i].path, "fifo") != NULL;
    }
    assert_true(loop && dangling && fifo);
    assert_int_equal(res.nwarnings, 3);
    ps_indexer_walk_free(&res);

    /* a file root gets its base name as relpath */
    snprintf(root, sizeof root, "%s/root/a/b/2.txt", d);
    assert_int_equal(ps_indexer_walk(roots, 1, &res, &err), PS_OK);
    assert_int_equal(res.nfiles, 1);
    assert_string_equal(res.files[0].relpath, "2.txt");
    ps_indexer_walk_free(&res);

    snprintf(root, sizeof root, "%s/nope", d);
    assert_int_equal(ps_indexer_walk(roots, 1, &res, &err), PS_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "nothing deleted"));
    ps_indexer_walk_free(&res);
    rmtree(d);
}

static void test_lock(void **state)
{
    (void)state;
    char *d = tmpdir("lock");
    char db[700];
    snprintf(db, sizeof db, "%s/new/parent/db", d);
    ps_indexer_lock *lock;
    ps_error err;
    assert_int_equal(ps_indexer_lock_acquire(db, &lock, &err), PS_OK);
    /* another process is refused at once, and told our pid */
    pid_t child = fork();
    if (child == 0) {
        ps_indexer_lock *l2;
        ps_error e2;
        ps_status st = ps_indexer_lock_acquire(db, &l2, &e2);
        char want[64];
        snprintf(want, sizeof want, "pid %ld", (long)getppid());
        _exit(st == PS_ERR_LOCKED && strstr(e2.message, want) ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ps_indexer_lock_release(lock);
    /* a holder killed with SIGKILL leaves no stale lock */
    child = fork();
    if (child == 0) {
        ps_indexer_lock *l3;
        ps_error e3;
        while (ps_indexer_lock_acquire(db, &l3, &e3) != PS_OK) /* the parent may be probing */
            usleep(1000);
        pause();
        _exit(0);
    }
    for (int i = 0; i < 200; i++) { /* wait until the child holds it */
        ps_indexer_lock *probe;
        if (ps_indexer_lock_acquire(db, &probe, &err) == PS_ERR_LOCKED)
            break;
        ps_indexer_lock_release(probe);
        usleep(10000);
    }
    assert_int_equal(ps_indexer_lock_acquire(db, &lock, &err), PS_ERR_LOCKED);
    kill(child, SIGKILL);
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_int_equal(ps_indexer_lock_acquire(db, &lock, &err), PS_OK);
    ps_indexer_lock_release(lock);
    rmtree(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_path_term),
        cmocka_unit_test(test_filestate_roundtrip),
        cmocka_unit_test(test_filestate_churn),
        cmocka_unit_test(test_manifest_tsv),
        cmocka_unit_test(test_manifest_jsonl),
        cmocka_unit_test(test_manifest_load_matches_by_inode),
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_lock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
