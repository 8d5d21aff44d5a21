/*
 * pdf_e2e.c — end to end over the CLI: the generated PDFs must give what the text seeds give.
 *
 *   pdf_e2e PROTOKOLLSOK SEED_DIR PDF_DIR WORK_DIR
 *
 * 1. `protokollsok parse` on each seed text and on its PDF: the same ärenden (dnr, §, date,
 *    title); the multi-ärende protocol PDF against its text twin, and its page ranges against
 *    what the generator recorded (protocol_multi.expect).
 * 2. `protokollsok index` of the seed texts and, separately, of their PDFs; `protokollsok search`
 *    for "ej verkställda beslut" and förbund finds the same ärenden in both, and every PDF hit
 *    names its pages.
 * Prints what differs; exit status 0 when everything matches.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "protokollsok/buf.h"

static int failures;

static void fail(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "pdf_e2e: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    failures++;
}

/* Run argv, return its stdout (malloc'd) and exit status. */
static char *run(char *const argv[], int *status)
{
    int fd[2];
    if (pipe(fd) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid < 0)
        return NULL;
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    ps_buf out = PS_BUF_INIT;
    char chunk[8192];
    ssize_t n;
    while ((n = read(fd[0], chunk, sizeof chunk)) > 0)
        ps_buf_append(&out, chunk, (size_t)n);
    close(fd[0]);
    int ws = 0;
    waitpid(pid, &ws, 0);
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128;
    return ps_buf_steal(&out, NULL);
}

static json_t *run_json(char *const argv[], int *status)
{
    char *out = run(argv, status);
    if (!out)
        return NULL;
    json_error_t jerr;
    json_t *j = json_loads(out, 0, &jerr);
    if (!j)
        fail("%s: output is not JSON: %s", argv[1], jerr.text);
    free(out);
    return j;
}

/* A field that may be a string, or an object {"value": ...}; "" when absent or null. */
static const char *field(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_object(v))
        v = json_object_get(v, "value");
    if (json_is_string(v))
        return json_string_value(v);
    return "";
}

/* The ärenden array of `protokollsok parse` output for one file. */
static json_t *arenden_of(json_t *parsed)
{
    if (json_is_array(parsed) && json_array_size(parsed) == 1)
        parsed = json_array_get(parsed, 0);
    json_t *a = json_object_get(parsed, "arenden");
    return json_is_array(a) ? a : NULL;
}

static json_t *parse_file(const char *exe, const char *path)
{
    char *argv[] = {(char *)exe, "parse", (char *)path, NULL};
    int status = 0;
    json_t *j = run_json(argv, &status);
    if (status != 0 && status != 1)
        fail("parse %s: exit status %s", path, status == 127 ? "127 (exec)" : "non-zero");
    return j;
}

/* Words of the text body missing from the PDF body: printed as a note (the parser promises never
 * to lose body text, but that is the parser's test; here it is a hint where PDFs differ). */
static void note_lost_words(const char *pdf, size_t i, const char *text_body, const char *pdf_body)
{
    char *copy = strdup(text_body);
    if (!copy)
        return;
    ps_buf lost = PS_BUF_INIT;
    int n = 0;
    for (char *w = strtok(copy, " \n\t"); w; w = strtok(NULL, " \n\t"))
        if (!strstr(pdf_body, w) && n++ < 8) {
            ps_buf_puts(&lost, " '");
            ps_buf_puts(&lost, w);
            ps_buf_putc(&lost, '\'');
        }
    if (n)
        fprintf(stderr,
                "pdf_e2e: note: %s ärende %zu: %d word(s) of the text body not in the PDF "
                "body:%s\n",
                pdf, i + 1, n, lost.data);
    ps_buf_free(&lost);
    free(copy);
}

/* Compare the ärenden of a text and its PDF: same count and, in order, the same dnr, § and date
 * (failures); differing titles and lost body words are printed as notes. */
static void compare_parse(const char *exe, const char *txt, const char *pdf, json_t **pdf_out)
{
    json_t *jt = parse_file(exe, txt), *jp = parse_file(exe, pdf);
    json_t *at = jt ? arenden_of(jt) : NULL, *ap = jp ? arenden_of(jp) : NULL;
    if (!at || !ap) {
        fail("parse %s / %s: no ärenden array", txt, pdf);
    } else if (json_array_size(at) != json_array_size(ap)) {
        fail("%s: ärende count differs from %s", pdf, txt);
    } else {
        static const char *const keys[] = {"dnr", "paragraf", "date", "title"};
        for (size_t i = 0; i < json_array_size(at); i++) {
            json_t *t = json_array_get(at, i), *p = json_array_get(ap, i);
            for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
                const char *a = field(t, keys[k]), *b = field(p, keys[k]);
                if (strcmp(a, b) == 0)
                    continue;
                bool is_note = strcmp(keys[k], "title") == 0;
                fprintf(stderr, "pdf_e2e: %s%s ärende %zu %s:\n", is_note ? "note: " : "", pdf,
                        i + 1, keys[k]);
                if (is_note)
                    fprintf(stderr, "  text: '%s'\n  pdf:  '%s'\n", a, b);
                else
                    fail("  text: '%s'\n  pdf:  '%s'", a, b);
            }
            note_lost_words(pdf, i, field(t, "body"), field(p, "body"));
        }
    }
    json_decref(jt);
    if (pdf_out)
        *pdf_out = jp;
    else
        json_decref(jp);
}

/* first (index 0) or last (1) page of an ärende: "pages": {"first", "last"} or [first, ..]. */
static int page_value(json_t *arende, size_t index)
{
    json_t *pages = json_object_get(arende, "pages");
    if (json_is_object(pages))
        return (int)json_integer_value(json_object_get(pages, index ? "last" : "first"));
    if (json_is_array(pages) && json_array_size(pages) > 0)
        return (int)json_integer_value(
            json_array_get(pages, index ? json_array_size(pages) - 1 : 0));
    return 0;
}

/* The multi-ärende protocol: page spans as the generator laid them out. */
static void check_pages(json_t *parsed, const char *expect_path)
{
    FILE *f = fopen(expect_path, "r");
    json_t *a = parsed ? arenden_of(parsed) : NULL;
    if (!f || !a) {
        fail("%s: cannot check pages%s", expect_path, "");
        if (f)
            fclose(f);
        return;
    }
    char line[256];
    while (fgets(line, sizeof line, f)) {
        char para[16], dnr[32], series[16], date[16];
        int first, last;
        if (sscanf(line, "%15s %31s %15s %15s %d %d", para, dnr, series, date, &first, &last) != 6)
            continue;
        bool found = false;
        for (size_t i = 0; i < json_array_size(a); i++) {
            json_t *ar = json_array_get(a, i);
            if (strcmp(field(ar, "paragraf"), para) != 0)
                continue;
            found = true;
            if (page_value(ar, 0) != first || page_value(ar, 1) != last) {
                char want[64], got[64];
                snprintf(want, sizeof want, "%d-%d", first, last);
                snprintf(got, sizeof got, "%d-%d", page_value(ar, 0), page_value(ar, 1));
                fprintf(stderr, "pdf_e2e: protocol_multi.pdf § %s pages:\n", para);
                fail("  want %s, got %s", want, got);
            }
            char dnr_full[64];
            snprintf(dnr_full, sizeof dnr_full, "%s %s", dnr, series);
            if (strcmp(field(ar, "dnr"), dnr_full) != 0 || strcmp(field(ar, "date"), date) != 0)
                fail("protocol_multi.pdf: dnr/date of § %s differ (%s)", para, field(ar, "dnr"));
        }
        if (!found)
            fail("protocol_multi.pdf: § %s not found%s", para, "");
    }
    fclose(f);
}

static bool copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    bool ok = in && out;
    char chunk[8192];
    size_t n;
    while (ok && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
        ok = fwrite(chunk, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    if (!ok)
        fail("cannot copy %s to %s", from, to);
    return ok;
}

static void index_dir(const char *exe, const char *dir, const char *db)
{
    char *argv[] = {(char *)exe, "index", "--quiet", "--db", (char *)db, (char *)dir, NULL};
    int status = 0;
    free(run(argv, &status));
    if (status != 0)
        fail("index %s: exit status not 0%s", dir, "");
}

/* An ärende's identity across the two indexes: its dnr, or its title when it has none. */
static const char *identity(json_t *hit)
{
    const char *dnr = field(hit, "dnr");
    return *dnr ? dnr : field(hit, "title");
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted identities of the hits, joined by " | ", malloc'd. With pdf_pages, every hit's
 * documents must be PDFs that name their pages. */
static char *search_ids(const char *exe, const char *db, const char *query, bool pdf_pages)
{
    char *argv[] = {(char *)exe, "search",   "--json",      "--limit", "100",
                    "--db",      (char *)db, (char *)query, NULL};
    int status = 0;
    json_t *j = run_json(argv, &status);
    json_t *hits = json_object_get(j, "hits");
    if (status != 0 || !json_is_array(hits) || json_array_size(hits) == 0) {
        fail("search %s in %s: no hits", query, db);
        json_decref(j);
        return strdup("");
    }
    size_t n = json_array_size(hits);
    const char **ids = calloc(n, sizeof *ids);
    for (size_t i = 0; ids && i < n; i++) {
        json_t *hit = json_array_get(hits, i);
        ids[i] = identity(hit);
        json_t *docs = json_object_get(hit, "documents");
        for (size_t d = 0; pdf_pages && d < json_array_size(docs); d++) {
            json_t *doc = json_array_get(docs, d), *pages = json_object_get(doc, "pages");
            const char *path = field(doc, "path");
            size_t plen = strlen(path);
            if (plen < 4 || strcmp(path + plen - 4, ".pdf") != 0 || !json_is_array(pages) ||
                json_array_size(pages) == 0 || json_integer_value(json_array_get(pages, 0)) < 1)
                fail("search %s: a PDF hit without its pages (%s)", query, path);
        }
    }
    ps_buf b = PS_BUF_INIT;
    if (ids) {
        qsort(ids, n, sizeof *ids, cmp_strp);
        for (size_t i = 0; i < n; i++) {
            ps_buf_puts(&b, i ? " | " : "");
            ps_buf_puts(&b, ids[i]);
        }
    }
    free(ids);
    json_decref(j);
    return ps_buf_steal(&b, NULL);
}

/* Until a module lands its subcommand is a placeholder that fails even on --help. */
static bool cli_built(const char *exe, const char *cmd)
{
    char *argv[] = {(char *)exe, (char *)cmd, "--help", NULL};
    int status = 0;
    free(run(argv, &status));
    return status == 0;
}

/* Index the seed texts and their PDFs apart; both must answer the queries with the same ärenden. */
static void compare_search(const char *exe, const char *seeds, const char *pdfs, const char *work,
                           const char *const *names, size_t nnames)
{
    char txt_dir[1024], pdf_dir[1024], from[1024], to[1200], db_txt[1024], db_pdf[1024];
    snprintf(txt_dir, sizeof txt_dir, "%s/txt", work);
    snprintf(pdf_dir, sizeof pdf_dir, "%s/pdf", work);
    snprintf(db_txt, sizeof db_txt, "%s/db-txt", work);
    snprintf(db_pdf, sizeof db_pdf, "%s/db-pdf", work);
    char *rm[] = {"/bin/rm", "-rf", (char *)work, NULL},
         *mk[] = {"/bin/mkdir", "-p", txt_dir, pdf_dir, NULL};
    int status = 0;
    free(run(rm, &status));
    free(run(mk, &status));
    for (size_t i = 0; i < nnames; i++) {
        snprintf(from, sizeof from, "%s/%s", seeds, names[i]);
        snprintf(to, sizeof to, "%s/%s", txt_dir, names[i]);
        copy_file(from, to);
        snprintf(from, sizeof from, "%s/seed_%.3s.pdf", pdfs, names[i]);
        snprintf(to, sizeof to, "%s/seed_%.3s.pdf", pdf_dir, names[i]);
        copy_file(from, to);
    }
    index_dir(exe, txt_dir, db_txt);
    index_dir(exe, pdf_dir, db_pdf);
    static const char *const queries[] = {"\"ej verkställda beslut\"", "förbund"};
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
        char *want = search_ids(exe, db_txt, queries[q], false);
        char *got = search_ids(exe, db_pdf, queries[q], true);
        if (strcmp(want, got) != 0) {
            fprintf(stderr, "pdf_e2e: search %s:\n", queries[q]);
            fail("  text seeds: %s\n  PDFs:       %s", want, got);
        }
        free(want);
        free(got);
    }
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: pdf_e2e PROTOKOLLSOK SEED_DIR PDF_DIR WORK_DIR\n");
        return 2;
    }
    const char *exe = argv[1], *seeds = argv[2], *pdfs = argv[3], *work = argv[4];
    static const char *const seed_names[] = {"000_f9d1b8ea3c7fc132.txt", "001_a605ce567de3568f.txt",
                                             "002_1cf86d2020daf07c.txt", "003_3c2ae4e3fc4bca7e.txt",
                                             "004_034c7db9e8ee52a5.txt"};
    char txt[1024], pdf[1024];
    for (size_t i = 0; i < sizeof seed_names / sizeof *seed_names; i++) {
        snprintf(txt, sizeof txt, "%s/%s", seeds, seed_names[i]);
        snprintf(pdf, sizeof pdf, "%s/seed_%.3s.pdf", pdfs, seed_names[i]);
        compare_parse(exe, txt, pdf, NULL);
    }
    snprintf(txt, sizeof txt, "%s/protocol_multi.txt", pdfs);
    snprintf(pdf, sizeof pdf, "%s/protocol_multi.pdf", pdfs);
    json_t *multi = NULL;
    compare_parse(exe, txt, pdf, &multi);
    snprintf(txt, sizeof txt, "%s/protocol_multi.expect", pdfs);
    check_pages(multi, txt);
    json_decref(multi);
    if (cli_built(exe, "index") && cli_built(exe, "search"))
        compare_search(exe, seeds, pdfs, work, seed_names, sizeof seed_names / sizeof *seed_names);
    else
        fprintf(stderr, "pdf_e2e: note: `index`/`search` are placeholders still; search part "
                        "not run\n");
    if (failures)
        fprintf(stderr, "pdf_e2e: %d difference(s)\n", failures);
    return failures ? 1 : 0;
}
