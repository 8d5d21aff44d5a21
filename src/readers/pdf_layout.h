/*
 * readers/pdf_layout.h — private to the PDF reader (src/readers/pdf.c, src/readers/pdf_layout.c).
 */
#ifndef PROTOKOLLSOK_PDF_INTERNAL_H
#define PROTOKOLLSOK_PDF_INTERNAL_H

#include <stddef.h>

#include <poppler.h>

/* poppler_page_get_text gives one '\n' per text line and nothing for the vertical space between
 * paragraphs. Given the page text (valid UTF-8) and poppler's rectangle for each of its
 * characters (poppler_page_get_text_layout), return a copy with an empty line inserted where a
 * new paragraph or block starts: after a vertical gap clearly wider than the page's usual gap
 * between lines, or where the text jumps back up the page (the next column, a new block); and
 * with a tab between the cells of a table row (a wide gap within a line, the next cell on the
 * same baseline) and before each further line of a row's last cell.
 * Returns NULL when the rectangles do not match the text (the caller keeps the plain text) or
 * on out-of-memory. The result is malloc'd (free). */
char *ps_pdf_mark_paragraphs(const char *text, const PopplerRectangle *rects, size_t nrects);

/* OCR of pages without a text layer (readers/ocr.c). A ps_ocr holds one Tesseract instance
 * with the Swedish model: ps_ocr_new returns NULL when Tesseract or the model is missing. */
typedef struct ps_ocr ps_ocr;
ps_ocr *ps_ocr_new(void);
void ps_ocr_free(ps_ocr *o);
/* The text Tesseract reads on page (rendered at 300 dpi), within limit seconds; malloc'd, or NULL
 * when the page cannot be rendered. *confidence: Tesseract's mean word confidence, 0..100. */
char *ps_ocr_page(ps_ocr *o, PopplerPage *page, double limit, int *confidence);

#endif
