/*
 * test_pdf.c — the PDF reader against the PDFs tests/pdfgen.c generates from the seeds
 * (PS_PDF_DIR, made by the ctest fixture in tests/cmake/pdf.cmake) and one PDF written here by
 * hand to put control characters, ligatures and soft hyphens into the text layer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/buf.h"
#include "protokollsok/pdf.h"

#ifndef PS_PDF_DIR
#error "PS_PDF_DIR must name the directory of generated test PDFs"
#endif

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (run the pdf_generate test first)", path);
    ps_buf b = PS_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ps_buf_append(&b, chunk, n);
    fclose(f);
    assert_false(b.failed);
    return ps_buf_steal(&b, len);
}

static char *slurp_pdf(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", PS_PDF_DIR, name);
    return slurp(path, len);
}

typedef struct {
    ps_status status;
    char *text;
    size_t len;
    ps_pdf_meta meta;
    ps_error err;
} extraction;

static void extract_bytes(const char *bytes, size_t len, double limit, extraction *x)
{
    memset(x, 0, sizeof *x);
    x->status = ps_pdf_to_text(bytes, len, limit, &x->text, &x->len, &x->meta, &x->err);
    if (x->status == PS_OK) {
        assert_non_null(x->text);
        assert_int_equal(strlen(x->text), x->len); /* no NUL inside */
        assert_string_equal(x->err.message, "");
    } else {
        assert_null(x->text);
        assert_int_equal(x->err.status, x->status);
        assert_true(x->err.message[0] != '\0');
        assert_null(x->meta.title);
        assert_null(x->meta.creation_date);
    }
}

static void extract(const char *name, double limit, extraction *x)
{
    size_t len = 0;
    char *bytes = slurp_pdf(name, &len);
    extract_bytes(bytes, len, limit, x);
    free(bytes);
}

static void extraction_free(extraction *x)
{
    free(x->text);
    ps_pdf_meta_clear(&x->meta);
}

static size_t count_char(const char *s, char c)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

/* Collapse every run of whitespace (and form feeds) into one space, trim the ends. */
static char *squeeze(const char *s)
{
    ps_buf b = PS_BUF_INIT;
    bool space = false;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f') {
            space = b.len > 0;
            continue;
        }
        if (space)
            ps_buf_putc(&b, ' ');
        space = false;
        ps_buf_putc(&b, *s);
    }
    return ps_buf_steal(&b, NULL);
}

/* The n-th page (0-based) of extracted text, malloc'd. */
static char *page_text(const char *text, int n)
{
    const char *p = text;
    for (int i = 0; i < n; i++) {
        p = strchr(p, '\f');
        assert_non_null(p);
        p++;
    }
    const char *end = strchr(p, '\f');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    char *page = malloc(len + 1);
    assert_non_null(page);
    memcpy(page, p, len);
    page[len] = '\0';
    return page;
}

static void test_sniff(void **state)
{
    (void)state;
    assert_true(ps_pdf_sniff("%PDF-1.7\n", 9));
    char buf[2048];
    memset(buf, ' ', sizeof buf);
    memcpy(buf + 1000, "%PDF-1.4", 8);
    assert_true(ps_pdf_sniff(buf, sizeof buf)); /* junk before the header, within 1024 bytes */
    memset(buf, ' ', sizeof buf);
    memcpy(buf + 1020, "%PDF-1.4", 8);
    assert_false(ps_pdf_sniff(buf, sizeof buf)); /* the header ends beyond the window */
    assert_false(ps_pdf_sniff("%PDF", 4));
    assert_false(ps_pdf_sniff("§ 243 2023.076 SN\n", 19));
    assert_false(ps_pdf_sniff(NULL, 0));
    size_t len = 0;
    char *seed = slurp_pdf("seed_000.pdf", &len);
    assert_true(ps_pdf_sniff(seed, len));
    free(seed);
}

/* Squeezed text with the space after a hyphen or slash dropped: a line may break after
 * "kultur-", inside "SIP-möten" or "chefer/personal"; seed and PDF must compare equal anyway. */
static char *words(const char *text)
{
    char *s = squeeze(text), *w = s;
    for (const char *r = s; *r; r++) {
        *w++ = *r;
        if ((*r == '-' || *r == '/') && r[1] == ' ')
            r++;
    }
    *w = '\0';
    return s;
}

static int cmp_words(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The words of text, sorted, joined by spaces: compares content regardless of order. */
static char *sorted_words(const char *text)
{
    char *s = words(text);
    size_t n = count_char(s, ' ') + 1, k = 0;
    char **tok = calloc(n, sizeof *tok);
    assert_non_null(tok);
    for (char *t = strtok(s, " "); t; t = strtok(NULL, " "))
        tok[k++] = t;
    qsort(tok, k, sizeof *tok, cmp_words);
    ps_buf b = PS_BUF_INIT;
    for (size_t i = 0; i < k; i++) {
        ps_buf_puts(&b, tok[i]);
        ps_buf_putc(&b, ' ');
    }
    free(tok);
    free(s);
    return ps_buf_steal(&b, NULL);
}

/* Every seed comes back word for word; only line breaks differ, and in the seeds with tables
 * (002, 003) poppler's reading order moves some cells, so there the words are compared as a
 * multiset. */
static void test_seeds_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *seed, *pdf;
        bool in_order;
    } seeds[] = {
        {"000_f9d1b8ea3c7fc132.txt", "seed_000.pdf", true},
        {"001_a605ce567de3568f.txt", "seed_001.pdf", true},
        {"002_1cf86d2020daf07c.txt", "seed_002.pdf", false},
        {"003_3c2ae4e3fc4bca7e.txt", "seed_003.pdf", false},
        {"004_034c7db9e8ee52a5.txt", "seed_004.pdf", true},
    };
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", PS_SEED_DIR, seeds[i].seed);
        char *seed = slurp(path, NULL);
        extraction x;
        extract(seeds[i].pdf, 0, &x);
        assert_int_equal(x.status, PS_OK);
        char *(*norm)(const char *) = seeds[i].in_order ? words : sorted_words;
        char *want = norm(seed), *got = norm(x.text);
        assert_string_equal(got, want);
        assert_int_equal(count_char(x.text, '\f'), (size_t)x.meta.npages - 1);
        free(want);
        free(got);
        free(seed);
        extraction_free(&x);
    }
}

static void test_metadata(void **state)
{
    (void)state;
    extraction x;
    extract("protocol_multi.pdf", 0, &x);
    assert_int_equal(x.status, PS_OK);
    assert_string_equal(x.meta.title, "Protokoll Socialnämndens arbetsutskott 2023-11-01");
    assert_string_equal(x.meta.creation_date, "2023-11-03");
    assert_true(x.meta.npages >= 3);
    extraction_free(&x);

    extract("hyphen.pdf", 0, &x); /* no Title in the document info */
    assert_int_equal(x.status, PS_OK);
    assert_null(x.meta.title);
    assert_string_equal(x.meta.creation_date, "2023-11-02");
    assert_int_equal(x.meta.npages, 1);
    extraction_free(&x);

    size_t len = 0;
    char *bytes = slurp_pdf("seed_000.pdf", &len);
    char *text = NULL;
    ps_error err;
    assert_int_equal(ps_pdf_to_text(bytes, len, 0, &text, NULL, NULL, &err), PS_OK);
    assert_non_null(strstr(text, "§ 243 2023.076 SN"));
    free(text);
    free(bytes);
}

/* One '\f' between pages; every page carries its running header and footer, and each ärende
 * starts on the page the generator recorded. */
static void test_pages_and_running_heads(void **state)
{
    (void)state;
    extraction x;
    extract("protocol_multi.pdf", 0, &x);
    assert_int_equal(x.status, PS_OK);
    int npages = x.meta.npages;
    assert_int_equal(count_char(x.text, '\f'), (size_t)npages - 1);
    for (int p = 0; p < npages; p++) {
        char *page = page_text(x.text, p), num[32];
        snprintf(num, sizeof num, "\n%d (%d)\n", p + 1, npages); /* the page's last line */
        assert_non_null(strstr(page, "Alingsås kommun"));
        assert_non_null(strstr(page, "Sammanträdesdatum 2023-11-01"));
        assert_non_null(strstr(page, "Justerandes signatur"));
        size_t plen = strlen(page), nlen = strlen(num);
        assert_true(plen > nlen);
        assert_string_equal(page + plen - nlen, num);
        free(page);
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/protocol_multi.expect", PS_PDF_DIR);
    char *expect = slurp(path, NULL);
    int narenden = 0;
    for (char *line = strtok(expect, "\n"); line; line = strtok(NULL, "\n")) {
        char para[16], dnr[32], series[16], date[16];
        int first, last;
        assert_int_equal(
            sscanf(line, "%15s %31s %15s %15s %d %d", para, dnr, series, date, &first, &last), 6);
        char head[96];
        snprintf(head, sizeof head, "§ %s %s %s\n", para, dnr, series);
        char *page = page_text(x.text, first - 1);
        assert_non_null(strstr(page, head));
        free(page);
        narenden++;
    }
    assert_int_equal(narenden, 4);
    free(expect);
    extraction_free(&x);
}

/* poppler reads a two-column page column by column: each column's text stays contiguous. */
static void test_two_columns(void **state)
{
    (void)state;
    extraction x;
    extract("two_column.pdf", 0, &x);
    assert_int_equal(x.status, PS_OK);
    char *text = squeeze(x.text);
    const char *left = "VÄNSTERSPALT Samordningsförbundet Insjöriket är en samverkansform för "
                       "Arbetsförmedlingen, Försäkringskassan, Västra Götalandsregionen och fem "
                       "kommuner. Förbundet finansierar insatser för personer som står långt ifrån "
                       "arbetsmarknaden. SLUTVÄNSTER";
    const char *right = "HÖGERSPALT Socialnämnden ska kvartalsvis rapportera ej verkställda beslut "
                        "till kommunfullmäktige och till Inspektionen för vård och omsorg. "
                        "Rapporteringen sker som individrapporter enligt en nationell standard. "
                        "SLUTHÖGER";
    const char *l = strstr(text, left), *r = strstr(text, right);
    assert_non_null(l);
    assert_non_null(r);
    assert_true(strstr(text, "Kallelse till sammanträde") < l);
    free(text);
    extraction_free(&x);
}

/* Empty lines where the geometry shows a new paragraph: poppler itself gives none. */
static void test_paragraph_breaks(void **state)
{
    (void)state;
    extraction x;
    extract("protocol_multi.pdf", 0, &x);
    assert_int_equal(x.status, PS_OK);
    assert_non_null(strstr(x.text, "\n\n§ 243 2023.076 SN\n\n"));
    assert_non_null(strstr(x.text, "\n\nÄrendebeskrivning\n\nSamordningsförbundet Insjöriket"));
    assert_non_null(strstr(x.text, "\n\nBeredning\n\n"));
    /* inside a paragraph the lines stay together */
    const char *start = strstr(x.text, "Samordningsförbundet Insjöriket är en samverkansform");
    const char *end = strstr(x.text, "långt ifrån arbetsmarknaden.");
    assert_non_null(start);
    assert_non_null(end);
    const char *blank = strstr(start, "\n\n");
    assert_true(blank > end);
    assert_non_null(memchr(start, '\n', (size_t)(end - start))); /* it does span lines */
    extraction_free(&x);

    extract("two_column.pdf", 0, &x); /* the right column starts back at the top */
    assert_int_equal(x.status, PS_OK);
    assert_non_null(strstr(x.text, "SLUTVÄNSTER\n\nHÖGERSPALT"));
    extraction_free(&x);
}

static void test_hyphens(void **state)
{
    (void)state;
    extraction x;
    extract("hyphen.pdf", 0, &x);
    assert_int_equal(x.status, PS_OK);
    /* A hard hyphen at a line end is kept for the parser to judge ("kultur- och" is real). */
    assert_non_null(strstr(x.text, "utbildnings-\nförvaltningen"));
    /* A soft hyphen at a line end joins the word again and leaves no trace. */
    assert_non_null(strstr(x.text, "rapporteringsskyldighet"));
    assert_null(strstr(x.text, "\xC2\xAD"));
    extraction_free(&x);

    extract("protocol_multi.pdf", 0, &x);
    assert_int_equal(x.status, PS_OK);
    assert_null(strstr(x.text, "\xC2\xAD"));
    assert_non_null(strstr(x.text, "rapporteringsskyldighet"));
    extraction_free(&x);
}

static void test_ligatures(void **state)
{
    (void)state;
    extraction x;
    extract("ligature.pdf", 0, &x);
    assert_int_equal(x.status, PS_OK);
    char *text = squeeze(x.text);
    assert_string_equal(text, "finansiering av flera insatser med effekt, officiell efflorescens.");
    free(text);
    extraction_free(&x);
}

/* A page without text in the middle stays an (empty) page, so numbering stays right. */
static void test_image_page_kept(void **state)
{
    (void)state;
    extraction x;
    extract("mixed.pdf", 0, &x);
    assert_int_equal(x.status, PS_OK);
    assert_int_equal(x.meta.npages, 3);
    char *p1 = page_text(x.text, 0), *p2 = page_text(x.text, 1), *p3 = page_text(x.text, 2);
    assert_non_null(strstr(p1, "FÖRSTA SIDAN"));
    assert_string_equal(p2, "");
    assert_non_null(strstr(p3, "TREDJE SIDAN"));
    free(p1);
    free(p2);
    free(p3);
    extraction_free(&x);
}

static void test_scanned(void **state)
{
    (void)state;
    extraction x;
    extract("scanned.pdf", 0, &x);
    assert_int_equal(x.status, PS_ERR_UNSUPPORTED);
    assert_string_equal(x.err.message,
                        "ingen textlager — skannad PDF? (no text layer: scanned PDF?)");
    extraction_free(&x);
}

static void test_encrypted(void **state)
{
    (void)state;
    extraction x;
    extract("encrypted.pdf", 0, &x);
    assert_int_equal(x.status, PS_ERR_UNSUPPORTED);
    assert_non_null(strstr(x.err.message, "krypterad PDF (encrypted PDF)"));
    extraction_free(&x);

    /* Encrypted with an empty user password (owner restrictions only): readable. */
    extraction plain;
    extract("encrypted_open.pdf", 0, &x);
    extract("seed_000.pdf", 0, &plain);
    assert_int_equal(x.status, PS_OK);
    assert_string_equal(x.text, plain.text);
    extraction_free(&x);
    extraction_free(&plain);
}

static void test_broken(void **state)
{
    (void)state;
    extraction x;
    extract("truncated.pdf", 0, &x);
    assert_int_equal(x.status, PS_ERR_INVALID);
    assert_non_null(strstr(x.err.message, "trasig PDF (broken PDF): "));
    assert_true(strlen(x.err.message) > strlen("trasig PDF (broken PDF): "));
    extraction_free(&x);

    static const char junk[] = "%PDF-1.5\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n%%EOF\n";
    extract_bytes(junk, sizeof junk - 1, 0, &x);
    assert_int_equal(x.status, PS_ERR_INVALID);
    extraction_free(&x);

    extract_bytes("Protokoll § 243", 15, 0, &x);
    assert_int_equal(x.status, PS_ERR_INVALID);
    assert_non_null(strstr(x.err.message, "not a PDF"));
    extraction_free(&x);

    extract_bytes("", 0, 0, &x);
    assert_int_equal(x.status, PS_ERR_INVALID);
    extraction_free(&x);

    ps_error err;
    assert_int_equal(ps_pdf_to_text("%PDF-1.4", 8, 0, NULL, NULL, NULL, &err), PS_ERR_INVALID);
}

static void test_time_limit(void **state)
{
    (void)state;
    extraction x;
    extract("large.pdf", 1e-6, &x);
    assert_int_equal(x.status, PS_ERR_TIMEOUT);
    assert_non_null(strstr(x.err.message, "time limit exceeded"));
    assert_non_null(strstr(x.err.message, "of 130 pages"));
    extraction_free(&x);

    extract("large.pdf", 0, &x); /* 0: the default limit, ample for 130 pages */
    assert_int_equal(x.status, PS_OK);
    assert_int_equal(x.meta.npages, 130);
    assert_int_equal(count_char(x.text, '\f'), 129);
    extraction_free(&x);
}

/* A PDF written by hand whose ToUnicode map turns codes into U+0000, a form feed, another
 * control character, ligatures and a soft hyphen — none may reach the output raw. */
static void test_control_characters(void **state)
{
    (void)state;
    static const char cmap[] =
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CMapName /PsTest def /CMapType 2 def\n"
        "1 begincodespacerange <00> <FF> endcodespacerange\n"
        "6 beginbfchar\n<61> <0000>\n<62> <000C>\n<63> <FB01>\n<64> <00AD>\n<65> <0007>\n"
        "<66> <FB02>\nendbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n";
    static const char content[] = "BT /F1 14 Tf 72 720 Td (XaYbZcWdVeUfT) Tj "
                                  "0 -20 Td (Qd) Tj 0 -20 Td (Rd) Tj ET\n";
    ps_buf pdf = PS_BUF_INIT;
    long off[7];
    ps_buf_puts(&pdf, "%PDF-1.4\n");
    off[1] = (long)pdf.len;
    ps_buf_puts(&pdf, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    off[2] = (long)pdf.len;
    ps_buf_puts(&pdf, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
    off[3] = (long)pdf.len;
    ps_buf_puts(&pdf, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                      "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >> endobj\n");
    off[4] = (long)pdf.len;
    ps_buf_puts(&pdf, "4 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                      "/Encoding /WinAnsiEncoding /ToUnicode 6 0 R >> endobj\n");
    off[5] = (long)pdf.len;
    ps_buf_printf(&pdf, "5 0 obj << /Length %zu >> stream\n%sendstream endobj\n",
                  sizeof content - 1, content);
    off[6] = (long)pdf.len;
    ps_buf_printf(&pdf, "6 0 obj << /Length %zu >> stream\n%sendstream endobj\n", sizeof cmap - 1,
                  cmap);
    long xref = (long)pdf.len;
    ps_buf_puts(&pdf, "xref\n0 7\n0000000000 65535 f \n");
    for (int i = 1; i <= 6; i++)
        ps_buf_printf(&pdf, "%010ld 00000 n \n", off[i]);
    ps_buf_printf(&pdf, "trailer << /Size 7 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", xref);
    assert_false(pdf.failed);

    extraction x;
    extract_bytes(pdf.data, pdf.len, 0, &x);
    assert_int_equal(x.status, PS_OK);
    assert_int_equal(x.meta.npages, 1);
    assert_null(strchr(x.text, '\f'));
    assert_null(strchr(x.text, '\a'));
    assert_null(strstr(x.text, "\xC2\xAD"));
    assert_null(strstr(x.text, "\xEF\xAC"));
    assert_non_null(strstr(x.text, "Zfi"));
    assert_non_null(strstr(x.text, "WV"));
    assert_non_null(strstr(x.text, "flT"));
    /* soft hyphens: at a line end the word is joined, at the end of the page it shows */
    assert_non_null(strstr(x.text, "QR-\n"));
    assert_true(x.len >= 4 && strcmp(x.text + x.len - 4, "QR-\n") == 0);
    extraction_free(&x);
    ps_buf_free(&pdf);
}

/* The indexer extracts in worker threads: documents read concurrently come out the same. */
typedef struct {
    const char *bytes;
    size_t len;
    char *text;
    ps_status status;
} thread_job;

static void *extract_thread(void *arg)
{
    thread_job *job = arg;
    ps_error err;
    job->status = ps_pdf_to_text(job->bytes, job->len, 0, &job->text, NULL, NULL, &err);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    static const char *const names[] = {"protocol_multi.pdf", "seed_002.pdf", "two_column.pdf",
                                        "seed_003.pdf"};
    enum { N = sizeof names / sizeof *names };
    char *bytes[N], *want[N];
    size_t len[N];
    thread_job jobs[N][2];
    pthread_t tid[N][2];
    for (int i = 0; i < N; i++) {
        bytes[i] = slurp_pdf(names[i], &len[i]);
        ps_error err;
        assert_int_equal(ps_pdf_to_text(bytes[i], len[i], 0, &want[i], NULL, NULL, &err), PS_OK);
        for (int k = 0; k < 2; k++) {
            jobs[i][k] = (thread_job){bytes[i], len[i], NULL, PS_ERR_INTERNAL};
            assert_int_equal(pthread_create(&tid[i][k], NULL, extract_thread, &jobs[i][k]), 0);
        }
    }
    for (int i = 0; i < N; i++) {
        for (int k = 0; k < 2; k++) {
            assert_int_equal(pthread_join(tid[i][k], NULL), 0);
            assert_int_equal(jobs[i][k].status, PS_OK);
            assert_string_equal(jobs[i][k].text, want[i]);
            free(jobs[i][k].text);
        }
        free(want[i]);
        free(bytes[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),           cmocka_unit_test(test_seeds_round_trip),
        cmocka_unit_test(test_metadata),        cmocka_unit_test(test_pages_and_running_heads),
        cmocka_unit_test(test_two_columns),     cmocka_unit_test(test_paragraph_breaks),
        cmocka_unit_test(test_hyphens),         cmocka_unit_test(test_ligatures),
        cmocka_unit_test(test_image_page_kept), cmocka_unit_test(test_scanned),
        cmocka_unit_test(test_encrypted),       cmocka_unit_test(test_broken),
        cmocka_unit_test(test_time_limit),      cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
