/*
 * pdf.h — read the text of a PDF in process (poppler's GLib API).
 *
 * Text comes out per page in reading order, pages separated by a form feed '\f', so the parser
 * can tell which pages an ärende spans: exactly npages - 1 form feeds, none elsewhere; a page's
 * text ends with '\n' (as with pdftotext), a page without text is empty ("\f\f"). Running headers
 * and footers are left in for the parser; an empty line marks where the page geometry shows a
 * new paragraph or block. Ligatures (ﬁ, ﬂ) are expanded, soft hyphens removed (one at a line
 * end joins the word; one ending a page becomes '-'), other control characters become spaces;
 * no NUL bytes.
 * Encrypted PDFs without a user password, PDFs without a text layer (scanned) and broken files
 * fail with PS_ERR_UNSUPPORTED / PS_ERR_INVALID and a message saying which and why (Swedish and
 * English, e.g. "ingen textlager — skannad PDF? (no text layer: scanned PDF?)"); a time limit
 * bounds the work per file (PS_ERR_TIMEOUT).
 *
 * Ownership: *text and the strings in ps_pdf_meta are malloc'd; free text with free() and the
 * meta with ps_pdf_meta_clear.
 */
#ifndef PROTOKOLLSOK_PDF_H
#define PROTOKOLLSOK_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "protokollsok/error.h"

typedef struct {
    char *title;         /* document info Title, or NULL */
    char *creation_date; /* ISO "YYYY-MM-DD", or NULL */
    int npages;
    int ocr_pages;       /* pages read by OCR (ps_pdf_opts.ocr) */
    int ocr_low_pages;   /* of those, pages below ps_pdf_opts.ocr_min_confidence */
    int ocr_confidence;  /* Tesseract's mean confidence over the OCR pages, 0..100 */
} ps_pdf_meta;

/* How to read a PDF. Zero values are the defaults. */
typedef struct {
    double time_limit;         /* seconds per file (0: 60 s; with ocr, 0: 600 s) */
    bool ocr;                  /* a page without a text layer is rendered at 300 dpi
                                  (poppler + cairo) and read by Tesseract in Swedish */
    double ocr_page_limit;     /* seconds of recognition per page (0: 60 s); a page over it
                                  keeps what was read so far */
    int ocr_min_confidence;    /* a page below this mean confidence counts in ocr_low_pages
                                  (0: 60) */
} ps_pdf_opts;

/* True when Tesseract with Swedish (tesseract-ocr-swe) can be started. */
bool ps_pdf_ocr_available(void);

/* True when bytes look like a PDF ("%PDF-" within the first 1024 bytes). */
bool ps_pdf_sniff(const char *bytes, size_t len);

/* Extract the text of a PDF held in memory. time_limit in seconds (0: 60), checked between
 * pages. meta may be NULL; on failure *text is NULL and meta is cleared. Returns PS_OK,
 * PS_ERR_INVALID (not a PDF, broken/truncated: poppler's message), PS_ERR_UNSUPPORTED
 * (encrypted with a user password; no text layer on any page), PS_ERR_TIMEOUT, PS_ERR_TOO_LARGE
 * (over 256 MB of text) or PS_ERR_NOMEM. Thread-safe (separate documents). */
ps_status ps_pdf_to_text(const char *bytes, size_t len, double time_limit, char **text,
                         size_t *text_len, ps_pdf_meta *meta, ps_error *err);

/* ps_pdf_to_text with options (opts NULL: the defaults, no OCR). With opts->ocr, a PDF
 * without any text layer is read by OCR instead of failing with "no text layer". */
ps_status ps_pdf_to_text_opts(const char *bytes, size_t len, const ps_pdf_opts *opts, char **text,
                              size_t *text_len, ps_pdf_meta *meta, ps_error *err);

void ps_pdf_meta_clear(ps_pdf_meta *meta);

#endif
