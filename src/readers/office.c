/*
 * readers/office.c — DOCX and ODT documents to text (see document.h), with libzip (the
 * package) and libxml2 (its XML parts).
 *
 * DOCX: word/document.xml's body in order — w:p paragraphs (a heading style "Heading1",
 * "Rubrik1", "Title" or an outline level gives "# " .. "###### ", numbering gives "- "), w:tbl
 * tables row by row (nested tables flattened into their cell), content controls and
 * hyperlinks followed; w:tab is a tab, w:br a line break; deleted text (w:del), field codes
 * (w:instrText) and the running header and footer (separate parts) are not read. Title and
 * date: docProps/core.xml (dc:title, dcterms:created).
 * ODT: content.xml's office:text — text:h (its outline level), text:p, text:list items,
 * table:table rows, sections followed; text:s is spaces, text:tab a tab, text:line-break a line
 * break; notes, annotations, tracked changes and the table of contents are not read (a table of
 * contents repeats the headings, which would become the title). Title and date: meta.xml
 * (dc:title, meta:creation-date).
 * Every zip entry is read through a size cap (a zip bomb fails as PS_ERR_TOO_LARGE); libxml2
 * never loads external entities or DTDs (no network, no file access) and reports nothing.
 */
#include "internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#define PS_OFFICE_MAX_ENTRY ((zip_uint64_t)64 * 1024 * 1024)

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

/* Read entry name of the archive into *out (NUL-terminated). PS_ERR_NOT_FOUND when absent. */
static ps_status read_entry(zip_t *za, const char *name, ps_buf *out, ps_error *err)
{
    zip_int64_t idx = zip_name_locate(za, name, 0);
    if (idx < 0)
        return ps_error_set(err, PS_ERR_NOT_FOUND, "%s missing from the package", name);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
        st.size > PS_OFFICE_MAX_ENTRY)
        return ps_error_set(err, PS_ERR_TOO_LARGE, "%s: %llu bytes unpacked, over %llu MB", name,
                            (unsigned long long)st.size,
                            (unsigned long long)(PS_OFFICE_MAX_ENTRY >> 20));
    zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    if (!zf)
        return ps_error_set(err, PS_ERR_INVALID, "trasigt dokument (broken document): %s: %s",
                            name, zip_strerror(za));
    char chunk[16384];
    zip_int64_t got;
    ps_status rst = PS_OK;
    while ((got = zip_fread(zf, chunk, sizeof chunk)) > 0) {
        ps_buf_append(out, chunk, (size_t)got);
        if (out->len > PS_OFFICE_MAX_ENTRY) {
            rst = ps_error_set(err, PS_ERR_TOO_LARGE, "%s: over %llu MB unpacked", name,
                               (unsigned long long)(PS_OFFICE_MAX_ENTRY >> 20));
            break;
        }
    }
    if (rst == PS_OK && got < 0)
        rst = ps_error_set(err, PS_ERR_INVALID, "trasigt dokument (broken document): %s: %s",
                           name, zip_file_strerror(zf));
    zip_fclose(zf);
    if (rst == PS_OK && out->failed)
        rst = ps_error_set(err, PS_ERR_NOMEM, "out of memory reading %s", name);
    if (rst == PS_OK)
        ps_buf_putc(out, '\0');
    return rst;
}

static xmlDoc *parse_xml(const ps_buf *b, const char *name)
{
    pthread_once(&xml_once, xml_init);
    return xmlReadMemory(b->data, (int)(b->len ? b->len - 1 : 0), name, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                             XML_PARSE_NOCDATA);
}

static bool is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

/* An attribute's value (any namespace) into out (size outsz), or "" . */
static void attr(const xmlNode *n, const char *name, char *out, size_t outsz)
{
    out[0] = '\0';
    xmlChar *v = n ? xmlGetProp((xmlNode *)n, (const xmlChar *)name) : NULL;
    if (v) {
        snprintf(out, outsz, "%s", (const char *)v);
        xmlFree(v);
    }
}

static void node_text(const xmlNode *n, ps_buf *out)
{
    xmlChar *t = n ? xmlNodeGetContent((xmlNode *)n) : NULL;
    if (t) {
        ps_blocks_inline(out, (const char *)t, strlen((const char *)t), true);
        xmlFree(t);
    }
}

/* Title and date from a metadata part (core.xml or meta.xml). */
static void read_meta(zip_t *za, const char *part, const char *date_name, ps_pdf_meta *meta)
{
    ps_buf b = PS_BUF_INIT;
    ps_error ignored;
    if (read_entry(za, part, &b, &ignored) != PS_OK) {
        ps_buf_free(&b);
        return;
    }
    xmlDoc *doc = parse_xml(&b, part);
    ps_buf_free(&b);
    if (!doc)
        return;
    /* The fields are children of the root (DOCX) or of office:meta (ODT). */
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *m = child(root, "meta");
    for (const xmlNode *c = (m ? m : root) ? (m ? m : root)->children : NULL; c; c = c->next) {
        if (is(c, "title") && !meta->title) {
            ps_buf t = PS_BUF_INIT;
            node_text(c, &t);
            while (t.len && t.data[t.len - 1] == ' ')
                t.data[--t.len] = '\0';
            if (t.len)
                meta->title = ps_buf_steal(&t, NULL);
            ps_buf_free(&t);
        } else if (is(c, date_name) && !meta->creation_date) {
            xmlChar *v = xmlNodeGetContent((xmlNode *)c);
            char d[11];
            if (v && ps_blocks_iso_date((const char *)v, d))
                meta->creation_date = strdup(d);
            xmlFree(v);
        }
    }
    xmlFreeDoc(doc);
}

/* ---- DOCX -------------------------------------------------------------------------------- */

typedef struct {
    ps_blocks *bl;
    ps_buf para;
} walker;

/* The inline content of a w:p (or of anything inside one) into out. */
static void docx_inline(const xmlNode *n, ps_buf *out, int depth)
{
    for (const xmlNode *c = n->children; c && depth < PS_READERS_MAX_DEPTH; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)c->name;
        if (strcmp(name, "t") == 0) {
            xmlChar *t = xmlNodeGetContent((xmlNode *)c);
            if (t)
                ps_blocks_inline(out, (const char *)t, strlen((const char *)t), false);
            xmlFree(t);
        } else if (strcmp(name, "tab") == 0 && !is(n, "tabs")) {
            ps_buf_putc(out, '\t');
        } else if (strcmp(name, "br") == 0 || strcmp(name, "cr") == 0) {
            ps_buf_putc(out, '\n');
        } else if (strcmp(name, "noBreakHyphen") == 0) {
            ps_buf_putc(out, '-');
        } else if (strcmp(name, "del") == 0 || strcmp(name, "delText") == 0 ||
                   strcmp(name, "instrText") == 0 || strcmp(name, "pPr") == 0 ||
                   strcmp(name, "rPr") == 0 || strcmp(name, "footnoteReference") == 0 ||
                   strcmp(name, "commentReference") == 0) {
            continue;
        } else {
            docx_inline(c, out, depth + 1); /* w:r, w:hyperlink, w:ins, w:sdt, w:fldSimple, ... */
        }
    }
}

/* The prefix of a w:p by its properties: heading level, list item, or none. */
static const char *docx_prefix(const xmlNode *p)
{
    const xmlNode *ppr = child(p, "pPr");
    if (!ppr)
        return "";
    char val[64];
    attr(child(ppr, "pStyle"), "val", val, sizeof val);
    const char *digits = NULL;
    if (strncmp(val, "Heading", 7) == 0)
        digits = val + 7;
    else if (strncmp(val, "Rubrik", 6) == 0)
        digits = val + 6;
    if (digits && *digits >= '1' && *digits <= '9')
        return ps_blocks_heading(*digits - '0');
    if (strcmp(val, "Title") == 0 || strcmp(val, "Rubrik") == 0)
        return ps_blocks_heading(1);
    char lvl[16];
    attr(child(ppr, "outlineLvl"), "val", lvl, sizeof lvl);
    if (lvl[0] >= '0' && lvl[0] <= '8')
        return ps_blocks_heading(lvl[0] - '0' + 1);
    if (child(ppr, "numPr") || strncmp(val, "List", 4) == 0 || strncmp(val, "Liststycke", 10) == 0)
        return "- ";
    return "";
}

/* All paragraphs inside a table cell (nested tables flattened), one per line, into cell. */
static void docx_cell(const xmlNode *n, ps_buf *cell, int depth)
{
    for (const xmlNode *c = n->children; c && depth < PS_READERS_MAX_DEPTH; c = c->next) {
        if (is(c, "p")) {
            if (cell->len)
                ps_buf_putc(cell, '\n');
            docx_inline(c, cell, depth + 1);
        } else if (c->type == XML_ELEMENT_NODE && !is(c, "tcPr")) {
            docx_cell(c, cell, depth + 1);
        }
    }
}

static bool docx_is_cell(const xmlNode *c)
{
    return is(c, "tc") || is(c, "sdt");
}

static void docx_table(walker *w, const xmlNode *tbl, int depth)
{
    for (const xmlNode *tr = tbl->children; tr; tr = tr->next)
        if (is(tr, "tr"))
            ps_blocks_xml_row(w->bl, tr, docx_is_cell, docx_cell, depth);
    ps_blocks_end_table(w->bl);
}

static void docx_body(walker *w, const xmlNode *n, int depth)
{
    for (const xmlNode *c = n->children; c && depth < PS_READERS_MAX_DEPTH; c = c->next) {
        if (is(c, "p")) {
            docx_inline(c, &w->para, depth + 1);
            ps_blocks_para(w->bl, docx_prefix(c), &w->para);
        } else if (is(c, "tbl")) {
            docx_table(w, c, depth + 1);
        } else if (is(c, "sdt") || is(c, "sdtContent") || is(c, "customXml") || is(c, "ins")) {
            docx_body(w, c, depth + 1);
        }
    }
}

/* ---- ODT --------------------------------------------------------------------------------- */

static void odt_inline(const xmlNode *n, ps_buf *out, int depth)
{
    for (const xmlNode *c = n->children; c && depth < PS_READERS_MAX_DEPTH; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content)
                ps_blocks_inline(out, (const char *)c->content, strlen((const char *)c->content),
                                 true);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)c->name;
        if (strcmp(name, "s") == 0) {
            char count[16];
            attr(c, "c", count, sizeof count);
            long k = count[0] ? strtol(count, NULL, 10) : 1;
            for (long i = 0; i < (k > 0 && k < 64 ? k : 1); i++)
                ps_buf_putc(out, ' ');
        } else if (strcmp(name, "tab") == 0) {
            ps_buf_putc(out, '\t');
        } else if (strcmp(name, "line-break") == 0) {
            ps_buf_putc(out, '\n');
        } else if (strcmp(name, "note") == 0 || strcmp(name, "annotation") == 0 ||
                   strcmp(name, "tracked-changes") == 0 || strcmp(name, "change") == 0) {
            continue;
        } else {
            odt_inline(c, out, depth + 1); /* text:span, text:a, fields, ... */
        }
    }
}

static void odt_body(walker *w, const xmlNode *n, int depth, const char *list_prefix);

/* Not body text: the table of contents and indexes (they repeat headings), notes, comments,
 * tracked changes, declarations, forms. */
static bool odt_skipped(const xmlNode *c)
{
    static const char *const names[] = {
        "table-of-content", "alphabetical-index", "illustration-index", "bibliography",
        "tracked-changes",  "annotation",         "note",               "sequence-decls",
        "variable-decls",   "user-field-decls",   "forms",              "deletion"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (is(c, names[k]))
            return true;
    return false;
}

static void odt_cell(const xmlNode *n, ps_buf *cell, int depth)
{
    for (const xmlNode *c = n->children; c && depth < PS_READERS_MAX_DEPTH; c = c->next) {
        if (is(c, "p") || is(c, "h")) {
            if (cell->len)
                ps_buf_putc(cell, '\n');
            odt_inline(c, cell, depth + 1);
        } else if (c->type == XML_ELEMENT_NODE && !is(c, "annotation")) {
            odt_cell(c, cell, depth + 1);
        }
    }
}

static bool odt_is_cell(const xmlNode *c)
{
    return is(c, "table-cell") || is(c, "covered-table-cell");
}

static void odt_rows(walker *w, const xmlNode *n, int depth)
{
    for (const xmlNode *tr = n->children; tr && depth < PS_READERS_MAX_DEPTH; tr = tr->next) {
        if (is(tr, "table-header-rows") || is(tr, "table-rows") || is(tr, "table-row-group")) {
            odt_rows(w, tr, depth + 1);
            continue;
        }
        if (is(tr, "table-row"))
            ps_blocks_xml_row(w->bl, tr, odt_is_cell, odt_cell, depth);
    }
}

static void odt_body(walker *w, const xmlNode *n, int depth, const char *list_prefix)
{
    for (const xmlNode *c = n->children; c && depth < PS_READERS_MAX_DEPTH; c = c->next) {
        if (is(c, "p")) {
            odt_inline(c, &w->para, depth + 1);
            ps_blocks_para(w->bl, list_prefix ? list_prefix : "", &w->para);
            list_prefix = NULL; /* a list item's further paragraphs are plain */
        } else if (is(c, "h")) {
            char level[8];
            attr(c, "outline-level", level, sizeof level);
            odt_inline(c, &w->para, depth + 1);
            ps_blocks_para(w->bl, ps_blocks_heading(level[0] ? level[0] - '0' : 1), &w->para);
        } else if (is(c, "list-item") || is(c, "list-header")) {
            odt_body(w, c, depth + 1, "- ");
        } else if (is(c, "table")) {
            odt_rows(w, c, depth + 1);
            ps_blocks_end_table(w->bl);
        } else if (c->type == XML_ELEMENT_NODE && !odt_skipped(c)) {
            odt_body(w, c, depth + 1, NULL); /* text:list, text:section, draw:frame, ... */
        }
    }
}

/* ---- both -------------------------------------------------------------------------------- */

ps_status ps_office_to_text(const char *bytes, size_t len, ps_document_format format,
                            ps_buf *text, ps_pdf_meta *meta, ps_error *err)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(bytes, len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!za) {
        ps_status st = ps_error_set(err, PS_ERR_INVALID, "trasigt dokument (broken document): %s",
                                    zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return st;
    }
    zip_error_fini(&ze);
    bool docx = format == PS_DOCUMENT_DOCX;
    const char *part = docx ? "word/document.xml" : "content.xml";
    ps_buf xml = PS_BUF_INIT;
    ps_status st = read_entry(za, part, &xml, err);
    if (st == PS_ERR_NOT_FOUND)
        st = ps_error_set(err, PS_ERR_INVALID, "trasigt dokument (broken document): %s missing",
                          part);
    xmlDoc *doc = st == PS_OK ? parse_xml(&xml, part) : NULL;
    ps_buf_free(&xml);
    if (st == PS_OK && !doc)
        st = ps_error_set(err, PS_ERR_INVALID,
                          "trasigt dokument (broken document): %s is not well-formed XML", part);
    if (st == PS_OK) {
        ps_blocks bl = {PS_BUF_INIT, false};
        walker w = {&bl, PS_BUF_INIT};
        const xmlNode *root = xmlDocGetRootElement(doc);
        if (docx) {
            const xmlNode *body = child(root, "body");
            if (body)
                docx_body(&w, body, 0);
        } else {
            const xmlNode *body = child(root, "body");
            const xmlNode *otext = child(body, "text");
            if (otext)
                odt_body(&w, otext, 0, NULL);
        }
        ps_buf_free(&w.para);
        if (bl.out.failed)
            st = ps_error_set(err, PS_ERR_NOMEM, "out of memory reading %s", part);
        else if (bl.out.len > PS_READERS_MAX_TEXT)
            st = ps_error_set(err, PS_ERR_TOO_LARGE, "document text over %zu MB",
                              PS_READERS_MAX_TEXT >> 20);
        else if (bl.out.len == 0)
            st = ps_error_set(err, PS_ERR_INVALID, "tomt dokument (empty document): no text in %s",
                              part);
        if (st == PS_OK) {
            ps_buf_putc(&bl.out, '\n');
            *text = bl.out;
        } else {
            ps_buf_free(&bl.out);
        }
        xmlFreeDoc(doc);
    }
    if (st == PS_OK && meta)
        read_meta(za, docx ? "docProps/core.xml" : "meta.xml", docx ? "created" : "creation-date",
                  meta);
    zip_discard(za);
    return st;
}
