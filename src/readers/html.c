/*
 * readers/html.c — HTML and XHTML pages to text (see document.h), with libxml2's HTML parser
 * (forgiving, as published pages need).
 *
 * The body is read block by block: h1-h6 become "# " .. "###### " headings, p, li ("- "), dt,
 * dd, pre, blockquote and the like paragraphs, tables row by row (th and td cells, tabs
 * between), br a line break; text directly inside a div or section is a paragraph of its own.
 * Scripts, styles, templates, forms' controls, navigation and page footers are not read, nor a
 * page header outside the article (site chrome). Title: <title>; date: <meta name="date">
 * (also dcterms.date, dc.date, dcterms.created, dcterms.issued) or <meta
 * property="article:published_time">. Pages without a declared charset that are valid UTF-8
 * are read as UTF-8 (libxml2 would assume Latin-1).
 */
#include "internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

static pthread_once_t html_once = PTHREAD_ONCE_INIT;

static void html_init(void)
{
    xmlInitParser();
}

static bool named(const xmlNode *n, const char *const *names, size_t count)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return false;
    for (size_t k = 0; k < count; k++)
        if (strcasecmp((const char *)n->name, names[k]) == 0)
            return true;
    return false;
}

#define NAMED(n, ...)                                                                              \
    named((n), (const char *const[]){__VA_ARGS__},                                                 \
          sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static bool skipped(const xmlNode *n)
{
    return NAMED(n, "script", "style", "noscript", "template", "nav", "footer", "iframe", "svg",
                 "select", "option", "button", "head", "object", "canvas", "math");
}

/* A page header outside article/main is the site's, not the document's. */
static bool site_header(const xmlNode *n)
{
    if (!NAMED(n, "header"))
        return false;
    for (const xmlNode *a = n->parent; a; a = a->parent)
        if (NAMED(a, "article", "main"))
            return false;
    return true;
}

static bool paragraph_like(const xmlNode *n)
{
    return NAMED(n, "p", "dt", "dd", "pre", "caption", "figcaption", "address", "summary",
                 "legend", "label");
}

static bool block(const xmlNode *n)
{
    return paragraph_like(n) ||
           NAMED(n, "div", "section", "article", "main", "aside", "header", "blockquote", "ul",
                 "ol", "dl", "li", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "form",
                 "fieldset", "figure", "center", "details", "hr", "h1", "h2", "h3", "h4", "h5",
                 "h6", "body", "html");
}

static int heading_level(const xmlNode *n)
{
    if (!n || n->type != XML_ELEMENT_NODE || (n->name[0] != 'h' && n->name[0] != 'H') ||
        n->name[1] < '1' || n->name[1] > '6' || n->name[2])
        return 0;
    return n->name[1] - '0';
}

/* All text inside n into out, nested blocks on lines of their own. */
static void gather(const xmlNode *n, ps_buf *out, int depth)
{
    for (const xmlNode *c = n->children; c && depth < PS_READERS_MAX_DEPTH; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content)
                ps_blocks_inline(out, (const char *)c->content, strlen((const char *)c->content),
                                 !NAMED(n, "pre"));
            continue;
        }
        if (c->type != XML_ELEMENT_NODE || skipped(c))
            continue;
        if (NAMED(c, "br")) {
            ps_buf_putc(out, '\n');
            continue;
        }
        bool b = block(c);
        if (b && out->len)
            ps_buf_putc(out, '\n');
        gather(c, out, depth + 1);
        if (b)
            ps_buf_putc(out, '\n');
    }
}

typedef struct {
    ps_blocks *bl;
    ps_buf para; /* inline text waiting for its block to end */
} walker;

static void flush(walker *w)
{
    ps_blocks_para(w->bl, "", &w->para);
}

static bool is_cell(const xmlNode *c)
{
    return NAMED(c, "td", "th");
}

static void table_rows(walker *w, const xmlNode *n, int depth)
{
    for (const xmlNode *tr = n->children; tr && depth < PS_READERS_MAX_DEPTH; tr = tr->next) {
        if (NAMED(tr, "thead", "tbody", "tfoot")) {
            table_rows(w, tr, depth + 1);
            continue;
        }
        if (NAMED(tr, "caption")) {
            gather(tr, &w->para, depth + 1);
            flush(w);
            continue;
        }
        if (NAMED(tr, "tr"))
            ps_blocks_xml_row(w->bl, tr, is_cell, gather, depth);
    }
}

static void walk(walker *w, const xmlNode *n, int depth)
{
    for (const xmlNode *c = n->children; c && depth < PS_READERS_MAX_DEPTH; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content)
                ps_blocks_inline(&w->para, (const char *)c->content,
                                 strlen((const char *)c->content), true);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE || skipped(c) || site_header(c))
            continue;
        int level = heading_level(c);
        if (NAMED(c, "br")) {
            ps_buf_putc(&w->para, '\n');
        } else if (level) {
            flush(w);
            gather(c, &w->para, depth + 1);
            ps_blocks_para(w->bl, ps_blocks_heading(level), &w->para);
        } else if (NAMED(c, "li")) {
            flush(w);
            gather(c, &w->para, depth + 1);
            ps_blocks_para(w->bl, "- ", &w->para);
        } else if (paragraph_like(c)) {
            flush(w);
            gather(c, &w->para, depth + 1);
            flush(w);
        } else if (NAMED(c, "table")) {
            flush(w);
            table_rows(w, c, depth + 1);
            ps_blocks_end_table(w->bl);
        } else if (block(c)) {
            flush(w);
            walk(w, c, depth + 1);
            flush(w);
        } else {
            gather(c, &w->para, depth + 1); /* inline: span, a, strong, time, ... */
        }
    }
}

static const xmlNode *find(const xmlNode *n, const char *name, int depth)
{
    for (const xmlNode *c = n; c && depth < PS_READERS_MAX_DEPTH; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcasecmp((const char *)c->name, name) == 0)
            return c;
        const xmlNode *f = c->children ? find(c->children, name, depth + 1) : NULL;
        if (f)
            return f;
    }
    return NULL;
}

static char *prop(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp((xmlNode *)n, (const xmlChar *)name);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static void read_meta(const xmlNode *root, ps_pdf_meta *meta)
{
    const xmlNode *head = find(root, "head", 0);
    const xmlNode *title = head ? find(head->children, "title", 1) : NULL;
    if (title) {
        ps_buf t = PS_BUF_INIT;
        gather(title, &t, 0);
        while (t.len && (t.data[t.len - 1] == ' ' || t.data[t.len - 1] == '\n'))
            t.data[--t.len] = '\0';
        if (t.len)
            meta->title = ps_buf_steal(&t, NULL);
        ps_buf_free(&t);
    }
    static const char *const dates[] = {"date",          "dcterms.date",   "dc.date",
                                        "dcterms.created", "dcterms.issued", "dc.date.created",
                                        "article:published_time"};
    for (const xmlNode *m = head ? head->children : NULL; m && !meta->creation_date; m = m->next) {
        if (!NAMED(m, "meta"))
            continue;
        char *name = prop(m, "name"), *property = prop(m, "property"), *content = prop(m, "content");
        const char *key = name ? name : property;
        char d[11];
        for (size_t k = 0; key && content && k < sizeof dates / sizeof dates[0]; k++)
            if (strcasecmp(key, dates[k]) == 0 && ps_blocks_iso_date(content, d)) {
                meta->creation_date = strdup(d);
                break;
            }
        free(name);
        free(property);
        free(content);
    }
}

/* Valid UTF-8 throughout (overlong forms and surrogates not checked: a guess of the charset). */
static bool valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t k = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
                                : (c & 0xF8) == 0xF0 ? 3 : 9;
        if (k == 9 || (k > 0 && i + k >= n))
            return false;
        for (size_t j = 1; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
        i += k + 1;
    }
    return true;
}

ps_status ps_html_to_text(const char *bytes, size_t len, ps_buf *text, ps_pdf_meta *meta,
                          ps_error *err)
{
    if (len > (size_t)1 << 30)
        return ps_error_set(err, PS_ERR_TOO_LARGE, "HTML over 1 GB");
    pthread_once(&html_once, html_init);
    size_t head = len < 4096 ? len : 4096;
    bool declared = false;
    for (size_t i = 0; i < head && !declared; i++)
        declared = (i + 7 <= head && strncasecmp(bytes + i, "charset", 7) == 0) ||
                   (i + 8 <= head && strncasecmp(bytes + i, "encoding", 8) == 0);
    const char *enc = !declared && valid_utf8((const unsigned char *)bytes, len) ? "UTF-8" : NULL;
    htmlDocPtr doc = htmlReadMemory(bytes, (int)len, "page.html", enc,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!doc)
        return ps_error_set(err, PS_ERR_INVALID, "trasig HTML (broken HTML): nothing to read");
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *body = root ? find(root, "body", 0) : NULL;
    ps_blocks bl = {PS_BUF_INIT, false};
    walker w = {&bl, PS_BUF_INIT};
    if (body)
        walk(&w, body, 0);
    flush(&w);
    ps_buf_free(&w.para);
    if (meta && root)
        read_meta(root, meta);
    xmlFreeDoc(doc);
    if (bl.out.failed) {
        ps_buf_free(&bl.out);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading HTML");
    }
    if (bl.out.len > PS_READERS_MAX_TEXT) {
        ps_buf_free(&bl.out);
        return ps_error_set(err, PS_ERR_TOO_LARGE, "HTML text over %zu MB",
                            PS_READERS_MAX_TEXT >> 20);
    }
    if (bl.out.len == 0) {
        ps_buf_free(&bl.out);
        return ps_error_set(err, PS_ERR_INVALID, "tom HTML-sida (empty HTML page): no text");
    }
    ps_buf_putc(&bl.out, '\n');
    *text = bl.out;
    return PS_OK;
}
