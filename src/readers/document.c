/*
 * readers/document.c — which reader a file needs, by its content (see document.h).
 *
 * PDF: "%PDF-" in the first kilobyte. A zip ("PK\3\4"): an ODT names its type in the first,
 * stored entry "mimetype" (or, in a sloppy one, anywhere), a DOCX has word/document.xml; any
 * other zip is refused. Word 97-2003: the OLE2 signature D0 CF 11 E0 A1 B1 1A E1. RTF: "{\rtf".
 * HTML: after a BOM and white space, "<!DOCTYPE html", "<html" or an XML declaration followed by
 * "<html" within the first kilobyte; markdown with a tag or two is not HTML.
 */
#define _GNU_SOURCE /* memmem */
#include "protokollsok/document.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static bool has(const char *bytes, size_t len, const char *what)
{
    return memmem(bytes, len, what, strlen(what)) != NULL;
}

static bool html_start(const char *s, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
        i++;
    const char *p = s + i;
    size_t n = len - i;
    if (n >= 14 && strncasecmp(p, "<!doctype html", 14) == 0)
        return true;
    if (n >= 5 && strncasecmp(p, "<html", 5) == 0)
        return true;
    if (n >= 5 && strncmp(p, "<?xml", 5) == 0) {
        size_t window = n < 1024 ? n : 1024;
        for (size_t k = 0; k + 5 <= window; k++)
            if (strncasecmp(p + k, "<html", 5) == 0)
                return true;
    }
    return false;
}

ps_document_format ps_document_sniff(const char *bytes, size_t len)
{
    if (!bytes || len == 0)
        return PS_DOCUMENT_TEXT;
    if (ps_pdf_sniff(bytes, len))
        return PS_DOCUMENT_PDF;
    if (len >= 4 && memcmp(bytes, "PK\x03\x04", 4) == 0) {
        static const char odt[] = "mimetypeapplication/vnd.oasis.opendocument.text";
        if ((len >= 30 + sizeof odt - 1 && memcmp(bytes + 30, odt, sizeof odt - 1) == 0 &&
             (len == 30 + sizeof odt - 1 || bytes[30 + sizeof odt - 1] != '-')) ||
            (has(bytes, len, "content.xml") &&
             has(bytes, len, "application/vnd.oasis.opendocument.text") &&
             !has(bytes, len, "application/vnd.oasis.opendocument.text-")))
            return PS_DOCUMENT_ODT;
        if (has(bytes, len, "word/document.xml"))
            return PS_DOCUMENT_DOCX;
        return PS_DOCUMENT_OTHER_ZIP;
    }
    if (len >= 8 && memcmp(bytes, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return PS_DOCUMENT_LEGACY_DOC;
    if (len >= 5 && memcmp(bytes, "{\\rtf", 5) == 0)
        return PS_DOCUMENT_RTF;
    if (html_start(bytes, len))
        return PS_DOCUMENT_HTML;
    return PS_DOCUMENT_TEXT;
}

const char *ps_document_format_name(ps_document_format format)
{
    switch (format) {
    case PS_DOCUMENT_PDF: return "PDF";
    case PS_DOCUMENT_DOCX: return "DOCX";
    case PS_DOCUMENT_ODT: return "ODT";
    case PS_DOCUMENT_HTML: return "HTML";
    case PS_DOCUMENT_LEGACY_DOC: return "DOC";
    case PS_DOCUMENT_RTF: return "RTF";
    case PS_DOCUMENT_OTHER_ZIP: return "zip";
    case PS_DOCUMENT_TEXT: break;
    }
    return "text";
}

ps_status ps_document_to_text(const char *bytes, size_t len, const ps_pdf_opts *pdf, char **text,
                              size_t *text_len, ps_pdf_meta *meta, ps_document_format *format,
                              ps_error *err)
{
    ps_error_clear(err);
    if (meta)
        *meta = (ps_pdf_meta){0};
    if (!text)
        return ps_error_set(err, PS_ERR_INVALID, "ps_document_to_text: text is NULL");
    *text = NULL;
    if (text_len)
        *text_len = 0;
    ps_document_format f = ps_document_sniff(bytes, len);
    if (format)
        *format = f;
    ps_buf out = PS_BUF_INIT;
    ps_status st = PS_OK;
    switch (f) {
    case PS_DOCUMENT_PDF:
        return ps_pdf_to_text_opts(bytes, len, pdf, text, text_len, meta, err);
    case PS_DOCUMENT_DOCX:
    case PS_DOCUMENT_ODT:
        st = ps_office_to_text(bytes, len, f, &out, meta, err);
        break;
    case PS_DOCUMENT_HTML:
        st = ps_html_to_text(bytes, len, &out, meta, err);
        break;
    case PS_DOCUMENT_LEGACY_DOC:
        return ps_error_set(err, PS_ERR_UNSUPPORTED,
                            "Word 97–2003 (.doc) läses inte — spara som DOCX eller PDF "
                            "(legacy .doc not read: save as DOCX or PDF)");
    case PS_DOCUMENT_RTF:
        return ps_error_set(err, PS_ERR_UNSUPPORTED,
                            "RTF läses inte — spara som DOCX eller PDF (RTF not read: save as "
                            "DOCX or PDF)");
    case PS_DOCUMENT_OTHER_ZIP:
        return ps_error_set(err, PS_ERR_UNSUPPORTED,
                            "zip-fil som inte är DOCX eller ODT (a zip that is no DOCX or ODT "
                            "text document: spreadsheet, presentation or archive)");
    case PS_DOCUMENT_TEXT:
        if (!(*text = malloc(len + 1)))
            return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
        memcpy(*text, bytes, len);
        (*text)[len] = '\0';
        if (text_len)
            *text_len = len;
        return PS_OK;
    }
    return ps_reader_finish(st, &out, meta, "document", text, text_len, err);
}

ps_status ps_reader_finish(ps_status st, ps_buf *out, ps_pdf_meta *meta, const char *what,
                           char **text, size_t *text_len, ps_error *err)
{
    if (st != PS_OK) {
        ps_buf_free(out);
        ps_pdf_meta_clear(meta);
        return st;
    }
    size_t n = 0;
    *text = ps_buf_steal(out, &n);
    if (!*text) {
        ps_pdf_meta_clear(meta);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading %s", what);
    }
    if (text_len)
        *text_len = n;
    return PS_OK;
}
