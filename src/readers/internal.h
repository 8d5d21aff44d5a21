/*
 * readers/internal.h — private to the document readers (src/readers/): the text shape office
 * and HTML documents are written in (readers/blocks.c), and the readers behind
 * ps_document_to_text (readers/office.c, readers/html.c).
 *
 * A ps_blocks collects the output: paragraphs (with a prefix: "# " for a heading, "- " for a
 * list item) separated by an empty line, table rows one per line. Inline text is gathered into a
 * ps_buf first (ps_blocks_inline collapses whitespace as HTML and ODT define it), then written
 * with ps_blocks_para or, one cell per buffer, ps_blocks_row.
 */
#ifndef PROTOKOLLSOK_READERS_INTERNAL_H
#define PROTOKOLLSOK_READERS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "protokollsok/buf.h"
#include "protokollsok/document.h"

/* Text beyond this is not a protocol; it also bounds memory on hostile input. */
#define PS_READERS_MAX_TEXT ((size_t)256 * 1024 * 1024)
/* Element nesting followed at most (deeper content is dropped). */
#define PS_READERS_MAX_DEPTH 256

typedef struct {
    ps_buf out;
    bool in_table; /* the last thing written was a table row */
} ps_blocks;

/* Append text to an inline buffer; collapse: runs of whitespace become one space. */
void ps_blocks_inline(ps_buf *b, const char *s, size_t n, bool collapse);

/* Write the paragraph in para (trimmed; nothing when empty) after prefix; clears para. */
void ps_blocks_para(ps_blocks *bl, const char *prefix, ps_buf *para);

/* Write one table row: cells[0, n) hold each cell's paragraphs separated by '\n'. A cell of
 * several paragraphs continues on the next lines, in its column. Clears the cells. */
void ps_blocks_row(ps_blocks *bl, ps_buf *cells, size_t n);

/* End a table (the next row starts a new one). */
void ps_blocks_end_table(ps_blocks *bl);

/* The heading prefix for level 1..6 ("# " .. "###### "). */
const char *ps_blocks_heading(int level);

/* "2025-04-17" from an ISO date or date-time at s, into out (size 11); false if none. */
bool ps_blocks_iso_date(const char *s, char out[11]);

/* One table row of an XML tree (readers/xmlrow.c): the children of tr for which is_cell holds
 * are its cells, each read into its buffer by read_cell(cell, buf, depth); then written as
 * ps_blocks_row does. */
struct _xmlNode;
void ps_blocks_xml_row(ps_blocks *bl, const struct _xmlNode *tr,
                       bool (*is_cell)(const struct _xmlNode *),
                       void (*read_cell)(const struct _xmlNode *, ps_buf *, int), int depth);

/* DOCX / ODT (zip + XML) and HTML to text; meta is cleared by the caller on failure. */
ps_status ps_office_to_text(const char *bytes, size_t len, ps_document_format format,
                            ps_buf *text, ps_pdf_meta *meta, ps_error *err);
ps_status ps_html_to_text(const char *bytes, size_t len, ps_buf *text, ps_pdf_meta *meta,
                          ps_error *err);

/* The last step of every reader: when st is PS_OK, out's bytes become *text (NUL-terminated, the
 * caller frees it) and their length *text_len (if not NULL); otherwise, or when that runs out of
 * memory (the message names what, e.g. "PDF"), out is freed, meta cleared and the error returned. */
ps_status ps_reader_finish(ps_status st, ps_buf *out, ps_pdf_meta *meta, const char *what,
                           char **text, size_t *text_len, ps_error *err);

#endif
