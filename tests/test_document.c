/*
 * test_document.c — the document readers (src/readers/document.c, office.c, html.c): formats
 * told apart by content, HTML pages to the text shape the parser reads, legacy formats refused
 * with one clear message, broken packages reported. (DOCX and ODT end to end: office_check.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protokollsok/document.h"

static char *convert(const char *bytes, size_t len, ps_status want, ps_pdf_meta *meta,
                     ps_error *err)
{
    char *text = NULL;
    size_t n = 0;
    ps_status st = ps_document_to_text(bytes, len, NULL, &text, &n, meta, NULL, err);
    assert_int_equal(st, want);
    if (st == PS_OK)
        assert_int_equal(strlen(text), n);
    else
        assert_null(text);
    return text;
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(ps_document_sniff("%PDF-1.7\n", 9), PS_DOCUMENT_PDF);
    assert_int_equal(ps_document_sniff("\xEF\xBB\xBF  <!doctype HTML><p>x", 27), PS_DOCUMENT_HTML);
    assert_int_equal(ps_document_sniff("<?xml version=\"1.0\"?>\n<html>", 28), PS_DOCUMENT_HTML);
    /* Markdown with a tag is text, not HTML. */
    const char *md = "# Protokoll\n\n<i>Kursiv</i> text <html> i löptext\n";
    assert_int_equal(ps_document_sniff(md, strlen(md)), PS_DOCUMENT_TEXT);
    assert_int_equal(ps_document_sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1xx", 10),
                     PS_DOCUMENT_LEGACY_DOC);
    assert_int_equal(ps_document_sniff("{\\rtf1\\ansi x}", 14), PS_DOCUMENT_RTF);
    /* An ODT's first entry, "mimetype", stored: its name at byte 30, its content after it. */
    char odt[128] = "PK\x03\x04";
    memset(odt + 4, '.', 26);
    strcpy(odt + 30, "mimetypeapplication/vnd.oasis.opendocument.text");
    assert_int_equal(ps_document_sniff(odt, strlen(odt)), PS_DOCUMENT_ODT);
    strcat(odt, "-template");
    assert_int_equal(ps_document_sniff(odt, strlen(odt)), PS_DOCUMENT_OTHER_ZIP);
    const char *docx = "PK\x03\x04 [Content_Types].xml word/document.xml";
    assert_int_equal(ps_document_sniff(docx, strlen(docx)), PS_DOCUMENT_DOCX);
    const char *ods = "PK\x03\x04 mimetypeapplication/vnd.oasis.opendocument.spreadsheet";
    assert_int_equal(ps_document_sniff(ods, strlen(ods)), PS_DOCUMENT_OTHER_ZIP);
    assert_string_equal(ps_document_format_name(PS_DOCUMENT_DOCX), "DOCX");
}

static void test_html_shape(void **state)
{
    (void)state;
    const char *page =
        "<!DOCTYPE html><html><head><title> Protokoll  KS </title>"
        "<meta name=\"DCTERMS.date\" content=\"2025-04-10T12:00\"><style>p{}</style>"
        "<script>var hemlig = 1;</script></head><body><header><nav>Meny</nav>Sajtens namn"
        "</header><main><h1>Kommunstyrelsen</h1><p>Första   stycket\növer två rader.</p>"
        "<h2>Beslut</h2><ul><li>Ett</li><li>Två <b>fetstil</b></li></ul>"
        "<table><tr><th>Beslutande</th><td><p>Maria Svensson</p><p>Per Holm</p></td></tr>"
        "<tr><th>Justerare</th><td>Karin Lund</td></tr></table>"
        "<div>Lös text<br>ny rad</div></main><footer>Sidfot</footer></body></html>";
    ps_pdf_meta meta;
    ps_error err;
    char *t = convert(page, strlen(page), PS_OK, &meta, &err);
    assert_string_equal(t, "# Kommunstyrelsen\n\nFörsta stycket över två rader.\n\n## Beslut\n\n"
                           "- Ett\n\n- Två fetstil\n\nBeslutande\tMaria Svensson\n\tPer Holm\n"
                           "Justerare\tKarin Lund\n\nLös text\nny rad\n");
    assert_string_equal(meta.title, "Protokoll KS");
    assert_string_equal(meta.creation_date, "2025-04-10");
    assert_int_equal(meta.npages, 0);
    free(t);
    ps_pdf_meta_clear(&meta);
}

static void test_html_charset(void **state)
{
    (void)state;
    /* Valid UTF-8 without a declared charset is UTF-8; a declared Latin-1 page is converted. */
    const char *utf8 = "<html><body><p>Sammanträde för nämnden</p></body></html>";
    ps_error err;
    char *t = convert(utf8, strlen(utf8), PS_OK, NULL, &err);
    assert_string_equal(t, "Sammanträde för nämnden\n");
    free(t);
    const char *latin1 = "<html><head><meta charset=\"iso-8859-1\"></head><body><p>N\xe4mnden</p>";
    t = convert(latin1, strlen(latin1), PS_OK, NULL, &err);
    assert_string_equal(t, "Nämnden\n");
    free(t);
    const char *empty = "<html><body><script>x()</script></body></html>";
    convert(empty, strlen(empty), PS_ERR_INVALID, NULL, &err);
    assert_non_null(strstr(err.message, "empty HTML page"));
}

static void test_refused(void **state)
{
    (void)state;
    ps_error err;
    ps_pdf_meta meta;
    convert("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10, PS_ERR_UNSUPPORTED, &meta, &err);
    assert_non_null(strstr(err.message, ".doc"));
    assert_null(meta.title);
    convert("{\\rtf1 x}", 9, PS_ERR_UNSUPPORTED, NULL, &err);
    assert_non_null(strstr(err.message, "RTF"));
    /* A truncated DOCX: the zip cannot be opened. */
    const char *docx = "PK\x03\x04 word/document.xml and nothing more";
    convert(docx, strlen(docx), PS_ERR_INVALID, &meta, &err);
    assert_non_null(strstr(err.message, "broken document"));
    /* Text passes through as a copy. */
    char *t = convert("§ 12 Budget\n", 13, PS_OK, NULL, &err);
    assert_string_equal(t, "§ 12 Budget\n");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_html_shape),
        cmocka_unit_test(test_html_charset),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
