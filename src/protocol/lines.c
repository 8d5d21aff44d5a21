/*
 * protocol/lines.c — the source as lines: split at '\n' and '\f' (pages), classify each
 * (blank, table row, list item, markdown hard break), find the width hard-wrapped text was
 * wrapped at, and mark noise: page numbers, "Sida 2 av 5", and running headers and footers —
 * lines that repeat among the first or last lines of many pages. A header's first occurrence is
 * kept (the letterhead names kommun, nämnd and date); footers go entirely.
 */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *ps_line_plain(ps_parser *p, size_t i)
{
    ps_buf_clear(&p->tmp);
    ps_text_plain(p->src, p->lines[i].cstart, p->lines[i].cend, &p->tmp);
    return p->tmp.data ? p->tmp.data : "";
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static void classify(ps_parser *p, ps_line *l)
{
    const char *s = p->src;
    size_t b = l->start, e = l->end;
    while (b < e && is_space(s[b]))
        b++;
    size_t ce = e;
    while (ce > b && is_space(s[ce - 1]))
        ce--;
    l->cstart = b;
    l->cend = ce;
    l->width = ps_text_width(s + b, ce - b);
    if (b == ce) {
        l->flags |= PS_LINE_BLANK;
        return;
    }
    if (e - ce >= 2 && s[e - 1] == ' ' && s[e - 2] == ' ')
        l->flags |= PS_LINE_HARDBREAK;
    /* Rules and table separators: only -, =, _, *, |, ':' and whitespace, 3+ of the first four. */
    size_t marks = 0;
    bool rule = true;
    for (size_t i = b; i < ce; i++) {
        char c = s[i];
        if (c == '-' || c == '=' || c == '_' || c == '*')
            marks++;
        else if (c != '|' && c != ':' && !is_space(c))
            rule = false;
    }
    if (rule && marks >= 3) {
        l->flags |= PS_LINE_BLANK | PS_LINE_NOISE;
        return;
    }
    if (memchr(s + b, '\t', ce - b) || s[b] == '|')
        l->flags |= PS_LINE_TABLE;
    if (memchr(s + l->start, '\t', b - l->start))
        l->flags |= PS_LINE_TABLE | PS_LINE_CELL;
    const char *c = s + b;
    size_t n = ce - b;
    if ((n > 2 && (c[0] == '-' || c[0] == '*' || c[0] == '+') && c[1] == ' ') ||
        (n > 4 && memcmp(c, "\xE2\x80\xA2", 3) == 0) ||
        (n > 4 && memcmp(c, "\xE2\x80\x93 ", 4) == 0)) {
        l->flags |= PS_LINE_LIST;
    } else {
        size_t d = 0;
        while (d < n && d < 3 && c[d] >= '0' && c[d] <= '9')
            d++;
        if (d > 0 && d < 3 && d + 1 < n && (c[d] == '.' || c[d] == ')') && c[d + 1] == ' ')
            l->flags |= PS_LINE_LIST;
    }
    /* A line of markup only ("**", "<i></i>") is blank. */
    ps_buf_clear(&p->tmp);
    ps_text_plain(s, b, ce, &p->tmp);
    if (p->tmp.len == 0)
        l->flags |= PS_LINE_BLANK;
}

ps_status ps_lines_split(ps_parser *p)
{
    size_t cap = 64, n = 0;
    ps_line *lines = malloc(cap * sizeof *lines);
    if (!lines)
        return PS_ERR_NOMEM;
    int page = 1;
    size_t start = 0;
    p->has_pages = p->opts && p->opts->paged;
    for (size_t i = 0; i <= p->len; i++) {
        if (i < p->len && p->src[i] != '\n' && p->src[i] != '\f')
            continue;
        if (!ps_grow(&lines, &cap, n, sizeof *lines)) {
            free(lines);
            return PS_ERR_NOMEM;
        }
        lines[n] = (ps_line){.start = start, .end = i, .page = page};
        classify(p, &lines[n]);
        n++;
        if (i < p->len && p->src[i] == '\f') {
            page++;
            p->has_pages = true;
        }
        start = i + 1;
    }
    p->lines = lines;
    p->nlines = n;
    return PS_OK;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The width hard-wrapped text was wrapped at: the 90th percentile of the widths of lines that
 * run on into a next line. Too few such lines: the text is not wrapped (0). */
ps_status ps_lines_wrap_width(ps_parser *p)
{
    size_t n = 0;
    size_t *w = malloc((p->nlines + 1) * sizeof *w);
    if (!w)
        return PS_ERR_NOMEM;
    for (size_t i = 0; i + 1 < p->nlines; i++) {
        unsigned f = p->lines[i].flags, g = p->lines[i + 1].flags;
        if ((f | g) & (PS_LINE_BLANK | PS_LINE_TABLE))
            continue;
        if (f & PS_LINE_HARDBREAK)
            continue;
        w[n++] = p->lines[i].width;
    }
    p->wrap_width = 0;
    if (n >= 3) {
        qsort(w, n, sizeof *w, cmp_size);
        size_t width = w[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1];
        if (width >= 40 && width <= 200)
            p->wrap_width = width;
    }
    free(w);
    return PS_OK;
}

/* ---- noise ----------------------------------------------------------------------------------- */

/* "Sida 2 av 5", "Sida 2 (5)", "Sid 2", "Page 2 of 5", "2 (5)", "2/5", "- 2 -". */
static bool page_label(const char *s)
{
    size_t n = strlen(s);
    const char *q = s;
    if (ps_text_iprefix(s, n, "sida ") || ps_text_iprefix(s, n, "page "))
        q = s + 5;
    else if (ps_text_iprefix(s, n, "sid "))
        q = s + 4;
    size_t d = 0;
    while (q[d] >= '0' && q[d] <= '9')
        d++;
    if (q == s && n > 4 && s[0] == '-' && s[1] == ' ' && s[n - 1] == '-' && s[n - 2] == ' ')
        return ps_text_all_digits(s + 2, n - 4);
    if (d == 0 || d > 4)
        return false;
    const char *r = q + d;
    if (*r == '\0')
        return q != s;
    if (strncmp(r, " av ", 4) == 0 || strncmp(r, " of ", 4) == 0)
        return ps_text_all_digits(r + 4, strlen(r + 4));
    if (*r == '/')
        return ps_text_all_digits(r + 1, strlen(r + 1));
    if (r[0] == ' ' && r[1] == '(' && r[strlen(r) - 1] == ')')
        return ps_text_all_digits(r + 2, strlen(r + 2) - 1);
    if (r[0] == '(' && r[strlen(r) - 1] == ')')
        return ps_text_all_digits(r + 1, strlen(r + 1) - 1);
    return false;
}

/* The signature fields an office-suite template prints at the foot of every page, alone on their
 * line or side by side: "Justerandes signatur", "Utdragsbestyrkande", "Justerandes sign.". */
static bool signature_footer(const char *t)
{
    static const char *const words[] = {"justerandes", "justerares", "ordförandes",
                                        "sekreterarens", "signatur", "signaturer",
                                        "sign", "sign.", "utdragsbestyrkande"};
    bool named = false;
    while (*t) {
        size_t n = strcspn(t, " ");
        bool known = false;
        for (size_t k = 0; k < sizeof words / sizeof words[0] && !known; k++)
            known = ps_text_ieq(t, n, words[k]);
        if (!known)
            return false;
        named |= n >= 4 && (ps_text_iprefix(t, n, "sign") || ps_text_iprefix(t, n, "utdrag"));
        t += n;
        t += strspn(t, " ");
    }
    return named;
}

/* A running header set as one row ("Lerums kommun<tab>Protokoll<tab>Sida 3(12)"): its last
 * cell is the page label. */
static bool page_label_cell(ps_parser *p, size_t i)
{
    const ps_line *l = &p->lines[i];
    const char *tab = NULL;
    for (const char *c = p->src + l->cstart; c < p->src + l->cend; c++)
        if (*c == '\t')
            tab = c;
    if (!tab)
        return false;
    ps_buf_clear(&p->tmp);
    ps_text_plain(p->src, (size_t)(tab + 1 - p->src), l->cend, &p->tmp);
    return p->tmp.data && page_label(p->tmp.data);
}

typedef struct {
    uint64_t hash;
    size_t line;
    int page;
    bool top; /* among the first lines of its page (else the last) */
} edge_line;

static int cmp_edge(const void *a, const void *b)
{
    const edge_line *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Hash of a line's plain text, lower-cased, digits masked (page numbers, dates vary). */
static uint64_t edge_hash(ps_parser *p, size_t i)
{
    const char *t = ps_line_plain(p, i);
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *c = (const unsigned char *)t; *c; c++) {
        unsigned char x = *c;
        if (x >= '0' && x <= '9')
            x = '#';
        else if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        h = (h ^ x) * 1099511628211ull;
    }
    return h;
}

ps_status ps_lines_mark_noise(ps_parser *p, size_t *dropped)
{
    *dropped = 0;
    for (size_t i = 0; i < p->nlines; i++) {
        if (p->lines[i].flags & PS_LINE_BLANK || p->lines[i].width > 60)
            continue;
        const char *t = ps_line_plain(p, i);
        bool table = p->lines[i].flags & PS_LINE_TABLE;
        if ((!table && p->lines[i].width <= 24 && page_label(t)) || signature_footer(t) ||
            (table && page_label_cell(p, i))) {
            p->lines[i].flags |= PS_LINE_NOISE;
            (*dropped)++;
        }
    }
    if (!p->has_pages)
        return PS_OK;
    /* The first HEAD and last TAIL text lines of every page. */
    enum { HEAD = 8, TAIL = 5 };
    int npages = p->lines[p->nlines - 1].page;
    edge_line *edges = malloc((HEAD + TAIL) * ((size_t)npages + 1) * sizeof *edges);
    if (!edges)
        return PS_ERR_NOMEM;
    size_t ne = 0;
    for (size_t i = 0; i < p->nlines;) {
        int page = p->lines[i].page;
        size_t j = i;
        while (j < p->nlines && p->lines[j].page == page)
            j++;
        /* Text lines near the edges, with their distance from the top and from the bottom. */
        size_t text[HEAD + TAIL], from_top[HEAD + TAIL], from_bottom[HEAD + TAIL], nt = 0;
        size_t total = 0;
        for (size_t k = i; k < j; k++)
            total += !(p->lines[k].flags & (PS_LINE_BLANK | PS_LINE_NOISE));
        size_t rank = 0;
        for (size_t k = i; k < j; k++) {
            if (p->lines[k].flags & (PS_LINE_BLANK | PS_LINE_NOISE))
                continue;
            if (rank < HEAD || total - rank <= TAIL) {
                text[nt] = k;
                from_top[nt] = rank;
                from_bottom[nt++] = total - 1 - rank;
            }
            rank++;
        }
        for (size_t t = 0; t < nt; t++) {
            bool top = from_top[t] <= from_bottom[t];
            const char *pl = ps_line_plain(p, text[t]);
            size_t n = strlen(pl);
            if ((from_top[t] < 2 || from_bottom[t] < 2) && n <= 4 && ps_text_all_digits(pl, n)) {
                p->lines[text[t]].flags |= PS_LINE_NOISE;
                (*dropped)++;
                continue;
            }
            /* Structure is never a running header, even when it opens two pages. */
            if (ps_text_para_at(pl) || ps_vocab_section(pl) ||
                ps_vocab_header_label(pl, &(size_t){0}) != PS_LABEL_NONE)
                continue;
            edges[ne++] = (edge_line){edge_hash(p, text[t]), text[t], page, top};
        }
        i = j;
    }
    /* Lines repeated at the edges of many pages are running headers and footers. A header's
     * first occurrence stays (the letterhead names kommun, nämnd, date); footers go. */
    qsort(edges, ne, sizeof *edges, cmp_edge);
    size_t need = (size_t)(npages * 2 + 4) / 5;
    if (need < 2)
        need = 2;
    for (size_t i = 0; i < ne;) {
        size_t j = i, pages = 0;
        int last_page = 0;
        while (j < ne && edges[j].hash == edges[i].hash) {
            if (edges[j].page != last_page)
                pages++;
            last_page = edges[j].page;
            j++;
        }
        if (pages >= need) {
            for (size_t k = i; k < j; k++) {
                if (k == i && edges[k].top) {
                    p->lines[edges[k].line].flags |= PS_LINE_RUNNING;
                    continue;
                }
                p->lines[edges[k].line].flags |= PS_LINE_NOISE;
                (*dropped)++;
            }
        }
        i = j;
    }
    free(edges);
    return PS_OK;
}

bool ps_line_blank(const ps_parser *p, size_t i)
{
    return p->lines[i].flags & (PS_LINE_BLANK | PS_LINE_NOISE);
}

/* Previous / next text line index, or (size_t)-1. */
size_t ps_line_prev_text(const ps_parser *p, size_t i)
{
    while (i > 0) {
        i--;
        if (!ps_line_blank(p, i))
            return i;
    }
    return (size_t)-1;
}

size_t ps_line_next_text(const ps_parser *p, size_t i)
{
    for (i++; i < p->nlines; i++)
        if (!ps_line_blank(p, i))
            return i;
    return (size_t)-1;
}
