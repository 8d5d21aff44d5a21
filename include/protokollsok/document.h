/*
 * document.h — any document file to the text the protocol parser reads, in process.
 *
 * Formats are told apart by content, never by name (ps_document_sniff):
 *   - PDF (readers/pdf.c, see pdf.h): page text, '\f' between pages;
 *   - DOCX and ODT (readers/office.c: libzip + libxml2): word/document.xml or content.xml;
 *   - HTML and XHTML (readers/html.c: libxml2's HTML parser);
 *   - anything else is passed on as text (plain text, markdown), for the parser to decode.
 * Office and HTML documents become the same shape as a text file: one paragraph per block,
 * blocks separated by an empty line, headings as "# " .. "###### " lines (the level kept), list
 * items as "- " lines, table rows one per line with a tab between cells (a cell of several
 * paragraphs goes on in the lines below, each cell in its column: "Beslutande\tMaria Svensson"
 * then "\tPer Holm"). Running headers and footers of office documents are not in the body text
 * and are not read; tracked deletions, field codes, comments, scripts and styles are dropped.
 * The document's own title and date (DOCX docProps/core.xml, ODT meta.xml, HTML <title> and
 * <meta name="date">) fill ps_pdf_meta as a PDF's document info does (npages 0: no pages).
 * Legacy Word (.doc, OLE2), RTF and other office formats (spreadsheets, presentations) are
 * refused with PS_ERR_UNSUPPORTED and one clear message naming the format.
 *
 * Limits: a zip entry over 64 MB uncompressed (a zip bomb), text over 256 MB and XML nesting
 * deeper than 256 fail with PS_ERR_TOO_LARGE / PS_ERR_INVALID; no network access ever (XML
 * external entities are not loaded).
 *
 * Ownership: *text and the strings in *meta are malloc'd; free text with free() and meta with
 * ps_pdf_meta_clear. Thread-safe (separate documents).
 */
#ifndef PROTOKOLLSOK_DOCUMENT_H
#define PROTOKOLLSOK_DOCUMENT_H

#include <stddef.h>

#include "protokollsok/error.h"
#include "protokollsok/pdf.h"

typedef enum {
    PS_DOCUMENT_TEXT = 0, /* plain text or markdown: no conversion */
    PS_DOCUMENT_PDF,
    PS_DOCUMENT_DOCX,
    PS_DOCUMENT_ODT,
    PS_DOCUMENT_HTML,
    PS_DOCUMENT_LEGACY_DOC, /* Word 97-2003 (OLE2 compound file) */
    PS_DOCUMENT_RTF,
    PS_DOCUMENT_OTHER_ZIP /* a zip that is no text document (XLSX, PPTX, ODS, a plain zip) */
} ps_document_format;

/* The format of bytes by content. */
ps_document_format ps_document_sniff(const char *bytes, size_t len);

/* "text", "PDF", "DOCX", "ODT", "HTML", "DOC", "RTF", "zip". Static string. */
const char *ps_document_format_name(ps_document_format format);

/* Convert a document held in memory to text (see the top of the file). For PS_DOCUMENT_TEXT
 * *text is a copy of the bytes. pdf: how to read a PDF (time limit, OCR; NULL: the defaults,
 * no OCR). meta may be NULL; format,
 * if not NULL, receives the format read. On failure *text is NULL and meta cleared. Returns
 * PS_OK, PS_ERR_UNSUPPORTED (legacy or other formats, scanned or encrypted PDF), PS_ERR_INVALID
 * (a broken file: the reason), PS_ERR_TOO_LARGE, PS_ERR_TIMEOUT or PS_ERR_NOMEM. */
ps_status ps_document_to_text(const char *bytes, size_t len, const ps_pdf_opts *pdf, char **text,
                              size_t *text_len, ps_pdf_meta *meta, ps_document_format *format,
                              ps_error *err);

#endif
