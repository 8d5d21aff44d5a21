/*
 * readers/xmlrow.c — a table row of an XML tree (DOCX w:tr, ODT table:table-row, HTML tr) into
 * the text shape (see readers/internal.h).
 */
#include "internal.h"

#include <stdlib.h>

#include <libxml/tree.h>

void ps_blocks_xml_row(ps_blocks *bl, const xmlNode *tr, bool (*is_cell)(const xmlNode *),
                       void (*read_cell)(const xmlNode *, ps_buf *, int), int depth)
{
    size_t n = 0;
    for (const xmlNode *c = tr->children; c; c = c->next)
        n += is_cell(c);
    ps_buf *cells = calloc(n ? n : 1, sizeof *cells);
    if (!cells) {
        bl->out.failed = true;
        return;
    }
    size_t k = 0;
    for (const xmlNode *c = tr->children; c && k < n; c = c->next)
        if (is_cell(c))
            read_cell(c, &cells[k++], depth + 1);
    ps_blocks_row(bl, cells, n);
    for (size_t c = 0; c < n; c++)
        ps_buf_free(&cells[c]);
    free(cells);
}
