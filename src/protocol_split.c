/*
 * protocol_split.c — find the ärenden of a document and their metadata.
 *
 * An ärende starts at an anchor:
 *   - a § heading: a line beginning "§ 243", optionally followed by a dnr and the title;
 *   - a tjänsteskrivelse header block: consecutive "Label: value" lines (Datum, Handläggare,
 *     Diariernr/Dnr/Beteckning, Direktnr, ...) that name a dnr, or a handläggare and a date.
 * A header block with the dnr of the ärende before it (a bilaga, the tjänsteskrivelse attached
 * to a protocol paragraph) continues that ärende. An anchor is extended backwards over its
 * cover sheet: a dnr line and an item number line, and the title block above them when it
 * matches an agenda item (or is set in bold). An Ärendelista names items; those not found as
 * anchors become agenda-only ärenden. Documents without anchors are one ärende.
 */
#include "protocol_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ANCHOR_PARAGRAPH, ANCHOR_HEADER, ANCHOR_AGENDA, ANCHOR_WHOLE, ANCHOR_FRONT };

typedef struct {
    int kind;
    size_t line;  /* the § line or the first header line */
    size_t start; /* first line of the ärende (cover included) */
    size_t end;   /* one past its last line */
    char dnr[64];
    char paragraf[16];
    char date[11];
    char *handlaggare;
    char *namnd; /* addressee line after a header block */
    char *title;
    long agenda; /* agenda item index for ANCHOR_AGENDA, else -1 */
} anchor;

typedef struct {
    char *text;                     /* item text, number removed */
    char *title;                    /* text without a trailing dnr */
    char *lower_text, *lower_title; /* the same, lower-cased, for matching */
    char dnr[64];
    size_t first, last; /* lines */
    bool matched;
} agenda_item;

typedef struct {
    anchor *v;
    size_t n, cap;
    agenda_item *items;
    size_t nitems, item_cap;
    size_t agenda_first, agenda_last; /* lines of the Ärendelista, or 0, 0 */
    bool nomem;
} split;

/* Section names that stand on a line of their own in protocols and tjänsteskrivelser. */
static const char *const section_names[] = {
    "Ärendebeskrivning",
    "Ärendet",
    "Sammanfattning",
    "Sammanfattning av ärendet",
    "Ärendet i korthet",
    "Bakgrund",
    "Beredning",
    "Beslut",
    "Beslutet",
    "Förslag till beslut",
    "Förslag till beslut på sammanträdet",
    "Förvaltningens förslag till beslut",
    "Arbetsutskottets förslag till beslut",
    "Beslutsunderlag",
    "Underlag",
    "Handlingar",
    "Ekonomisk bedömning",
    "Ekonomiska konsekvenser",
    "Ekonomi",
    "Finansiering",
    "Yttrande",
    "Beslutet ska skickas till",
    "Beslutet skickas till",
    "Beslut skickas till",
    "Expedieras till",
    "Expediering",
    "Nuläge",
    "Konsekvenser för verksamheten",
    "Förvaltningens bedömning",
    "Bedömning",
    "Överväganden",
    "Analys",
    "Juridisk bedömning",
    "Barnperspektiv",
    "Barnkonsekvensanalys",
    "Jämställdhetsperspektiv",
    "Miljöperspektiv",
    "Uppföljning",
    "Tidplan",
    "Syfte",
    "Yrkanden",
    "Yrkande",
    "Propositionsordning",
    "Omröstning",
    "Reservation",
    "Reservationer",
    "Protokollsanteckning",
    "Jäv",
    "Deltar ej i beslutet",
    "Bilagor",
    "Bilaga",
    "Motivering",
    "Inledning",
    "Utredning",
    "Slutsats",
    "Samråd",
    "Samverkan",
    "Risk- och konsekvensanalys",
    "Beslutsgång",
    "Förslag till beslut i korthet",
    "Ordförandens förslag",
    "Beslutsförslag",
};

/* Is s (a trailing ':' ignored) one of names, case-insensitively? */
static bool one_of(const char *s, const char *const *names, size_t nnames)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ':' || s[n - 1] == ' '))
        n--;
    for (size_t k = 0; k < nnames; k++)
        if (ps_text_ieq(s, n, names[k]))
            return true;
    return false;
}

static bool is_section_name(const char *s)
{
    return one_of(s, section_names, sizeof section_names / sizeof section_names[0]);
}

const char *ps_line_plain(ps_parser *p, size_t i)
{
    ps_buf_clear(&p->tmp);
    ps_text_plain(p->src, p->lines[i].cstart, p->lines[i].cend, &p->tmp);
    return p->tmp.data ? p->tmp.data : "";
}

/* ---- 1. lines -------------------------------------------------------------------------------- */

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

static ps_status split_lines(ps_parser *p)
{
    size_t cap = 64, n = 0;
    ps_line *lines = malloc(cap * sizeof *lines);
    if (!lines)
        return PS_ERR_NOMEM;
    int page = 1;
    size_t start = 0;
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
static ps_status find_wrap_width(ps_parser *p)
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

enum { LABEL_NONE, LABEL_DATE, LABEL_HANDL, LABEL_DNR, LABEL_OTHER };
static int header_label(const char *t, size_t *value);

/* ---- 2. noise ---------------------------------------------------------------------------------
 */

static bool all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

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
        return all_digits(s + 2, n - 4);
    if (d == 0 || d > 4)
        return false;
    const char *r = q + d;
    if (*r == '\0')
        return q != s;
    if (strncmp(r, " av ", 4) == 0 || strncmp(r, " of ", 4) == 0)
        return all_digits(r + 4, strlen(r + 4));
    if (*r == '/')
        return all_digits(r + 1, strlen(r + 1));
    if (r[0] == ' ' && r[1] == '(' && r[strlen(r) - 1] == ')')
        return all_digits(r + 2, strlen(r + 2) - 1);
    if (r[0] == '(' && r[strlen(r) - 1] == ')')
        return all_digits(r + 1, strlen(r + 1) - 1);
    return false;
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

static ps_status mark_noise(ps_parser *p, size_t *dropped)
{
    *dropped = 0;
    for (size_t i = 0; i < p->nlines; i++) {
        if (p->lines[i].flags & (PS_LINE_BLANK | PS_LINE_TABLE) || p->lines[i].width > 24)
            continue;
        if (page_label(ps_line_plain(p, i))) {
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
            if ((from_top[t] < 2 || from_bottom[t] < 2) && n <= 4 && all_digits(pl, n)) {
                p->lines[text[t]].flags |= PS_LINE_NOISE;
                (*dropped)++;
                continue;
            }
            /* Structure is never a running header, even when it opens two pages. */
            if (ps_text_para_at(pl) || is_section_name(pl) ||
                header_label(pl, &(size_t){0}) != LABEL_NONE)
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
                if (k == i && edges[k].top)
                    continue;
                p->lines[edges[k].line].flags |= PS_LINE_NOISE;
                (*dropped)++;
            }
        }
        i = j;
    }
    free(edges);
    return PS_OK;
}

/* ---- 3. anchors --------------------------------------------------------------------------------
 */

/* A header field line "Label: value". Returns the label kind and the value's offset in t. */
static int header_label(const char *t, size_t *value)
{
    static const struct {
        const char *label;
        int kind;
    } labels[] = {
        {"Datum", LABEL_DATE},          {"Handläggare", LABEL_HANDL},
        {"Kontaktperson", LABEL_HANDL}, {"Handläggare/kontaktperson", LABEL_HANDL},
        {"Diariernr", LABEL_DNR},       {"Diarienr", LABEL_DNR},
        {"Diarienummer", LABEL_DNR},    {"Dnr", LABEL_DNR},
        {"Beteckning", LABEL_DNR},      {"Vår beteckning", LABEL_DNR},
        {"Ärendenummer", LABEL_DNR},    {"Vårt dnr", LABEL_DNR},
        {"Direktnr", LABEL_OTHER},      {"Telefon", LABEL_OTHER},
        {"Tel", LABEL_OTHER},           {"E-post", LABEL_OTHER},
        {"Epost", LABEL_OTHER},         {"Mobil", LABEL_OTHER},
        {"Referens", LABEL_OTHER},      {"Vår referens", LABEL_OTHER},
    };
    size_t n = strlen(t);
    for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++) {
        size_t l = strlen(labels[k].label);
        if (!ps_text_iprefix(t, n, labels[k].label))
            continue;
        size_t i = l;
        if (i < n && t[i] == ':')
            i++;
        else if (!(labels[k].kind == LABEL_DNR && k == 7 && i < n && (t[i] == ' ' || t[i] == '.')))
            continue;
        while (i < n && (t[i] == ' ' || t[i] == '.'))
            i++;
        *value = i;
        return labels[k].kind;
    }
    return LABEL_NONE;
}

static bool push_anchor(split *sp, const anchor *a)
{
    if (!ps_grow(&sp->v, &sp->cap, sp->n, sizeof *sp->v)) {
        sp->nomem = true;
        return false;
    }
    sp->v[sp->n++] = *a;
    return true;
}

static bool blank(const ps_parser *p, size_t i)
{
    return p->lines[i].flags & (PS_LINE_BLANK | PS_LINE_NOISE);
}

/* Previous / next text line index, or (size_t)-1. */
static size_t prev_text(const ps_parser *p, size_t i)
{
    while (i > 0) {
        i--;
        if (!blank(p, i))
            return i;
    }
    return (size_t)-1;
}

static size_t next_text(const ps_parser *p, size_t i)
{
    for (i++; i < p->nlines; i++)
        if (!blank(p, i))
            return i;
    return (size_t)-1;
}

/* Does the whole plain text t parse as one dnr? */
static bool dnr_only(const char *t, char *out, size_t outsz)
{
    size_t used = 0, n = strlen(t);
    if (!ps_dnr_parse(t, n, true, out, outsz, &used))
        return false;
    while (used < n && (t[used] == ' ' || t[used] == ','))
        used++;
    return used == n;
}

static bool date_only(const char *t, char out[11])
{
    size_t used = 0, n = strlen(t);
    return ps_date_parse(t, n, out, &used) && used == n;
}

/* A § heading at line i: "§ 243", "§ 243 2023.076 SN", "§ 12 Title". */
static bool paragraph_heading(ps_parser *p, size_t i, anchor *a)
{
    const ps_line *l = &p->lines[i];
    if (l->flags & (PS_LINE_TABLE | PS_LINE_BLANK | PS_LINE_NOISE))
        return false;
    /* Cheap test first: a "§" among the first bytes (after markup such as "## **"). */
    size_t look = l->cend - l->cstart < 12 ? l->cend - l->cstart : 12;
    bool para = false;
    for (size_t k = 0; k + 1 < look && !para; k++)
        para = ps_text_para_at(p->src + l->cstart + k);
    if (!para)
        return false;
    const char *t = ps_line_plain(p, i);
    if (!ps_text_para_at(t))
        return false;
    size_t k = 2;
    if (ps_text_para_at(t + k))
        return false; /* "§§": a law reference */
    while (t[k] == ' ')
        k++;
    size_t d = k;
    while (t[d] >= '0' && t[d] <= '9')
        d++;
    if (d == k || d - k > 5)
        return false;
    size_t num_end = d;
    if (t[d] >= 'a' && t[d] <= 'z' && !ps_text_wordc((unsigned char)t[d + 1]))
        num_end = ++d;
    if (t[d] != '\0' && t[d] != ' ' && t[d] != '.' && t[d] != ':')
        return false;
    while (t[d] == ' ' || t[d] == '.' || t[d] == ':')
        d++;
    memset(a, 0, sizeof *a);
    a->kind = ANCHOR_PARAGRAPH;
    a->agenda = -1;
    snprintf(a->paragraf, sizeof a->paragraf, "%.*s", (int)(num_end - k), t + k);
    size_t n = strlen(t), used = 0;
    bool has_dnr = ps_dnr_parse(t + d, n - d, true, a->dnr, sizeof a->dnr, &used);
    bool block_start = i == 0 || blank(p, i - 1) || p->lines[i - 1].page != l->page;
    if (!has_dnr) {
        /* A heading "§ 12 Title" must open its block and start with a capital. */
        if (t[d] != '\0' && (!block_start || !ps_text_upper_at(t + d, n - d) || l->width > 160))
            return false;
        if (t[d] == '\0' && !block_start)
            return false;
        a->dnr[0] = '\0';
        used = 0;
    }
    const char *rest = t + d + used;
    while (*rest == ' ' || *rest == ',' || *rest == '-')
        rest++;
    if (*rest) {
        a->title = strdup(rest);
        if (!a->title)
            return false;
    }
    a->line = i;
    a->start = i;
    return true;
}

/* A header block starting at line i. Fills a and returns the line after the block, or 0. */
static size_t header_block(ps_parser *p, size_t i, anchor *a)
{
    memset(a, 0, sizeof *a);
    a->kind = ANCHOR_HEADER;
    a->agenda = -1;
    size_t j = i, last = i, fields = 0;
    bool have_date = false, have_handl = false;
    while (j < p->nlines && j < i + 16) {
        if (blank(p, j)) {
            /* One blank line may separate fields. */
            if (j + 1 < p->nlines && !blank(p, j + 1) && j > i) {
                j++;
                continue;
            }
            break;
        }
        /* Cheap test first: a label ends within the first 40 bytes at ':' (or is "Dnr"). */
        const ps_line *l = &p->lines[j];
        size_t look = l->cend - l->cstart < 40 ? l->cend - l->cstart : 40;
        if (!memchr(p->src + l->cstart, ':', look) &&
            !ps_text_iprefix(p->src + l->cstart, l->cend - l->cstart, "dnr"))
            break;
        const char *t = ps_line_plain(p, j);
        size_t v = 0;
        int kind = header_label(t, &v);
        if (kind == LABEL_NONE)
            break;
        fields++;
        const char *val = t + v;
        size_t vn = strlen(val);
        if (kind == LABEL_DATE && !a->date[0]) {
            size_t used;
            if (ps_date_parse(val, vn, a->date, &used))
                have_date = true;
        } else if (kind == LABEL_HANDL && !a->handlaggare && vn) {
            a->handlaggare = strdup(val);
            have_handl = a->handlaggare != NULL;
        } else if (kind == LABEL_DNR && !a->dnr[0]) {
            size_t used;
            /* The dnr may run on to the next line ("2023.076" / "SN"). */
            size_t s = p->lines[j].cstart;
            size_t e = j + 1 < p->nlines ? p->lines[j + 1].cend : p->lines[j].cend;
            const char *raw = p->src + s;
            size_t off = 0;
            while (s + off < e && raw[off] != ':' && raw[off] != '\n')
                off++;
            if (s + off < e && raw[off] == ':')
                off++;
            else
                off = 0;
            char tmp[64];
            if (off && ps_dnr_parse(raw + off, e - s - off, true, tmp, sizeof tmp, &used))
                memcpy(a->dnr, tmp, sizeof tmp);
            else if (!ps_dnr_parse(val, vn, true, a->dnr, sizeof a->dnr, &used))
                a->dnr[0] = '\0';
        }
        if (kind != LABEL_OTHER)
            p->lines[j].flags |= PS_LINE_SKIP;
        last = j;
        j++;
    }
    if (fields < 1 || (!a->dnr[0] && !(have_date && have_handl))) {
        for (size_t k = i; k <= last && k < p->nlines; k++)
            p->lines[k].flags &= ~(unsigned)PS_LINE_SKIP;
        free(a->handlaggare);
        a->handlaggare = NULL;
        return 0;
    }
    a->line = i;
    a->start = i;
    return last + 1;
}

static char *lower_dup(const char *s)
{
    ps_buf b = PS_BUF_INIT;
    ps_text_lower(s, strlen(s), &b);
    return ps_buf_steal(&b, NULL);
}

/* Does the title block [b, e] match an agenda item? Items with the anchor's dnr are tried
 * first; the text of all items only when the anchor has no dnr. */
static bool matches_agenda(ps_parser *p, const split *sp, const anchor *a, size_t b, size_t e)
{
    ps_buf t = PS_BUF_INIT, lt = PS_BUF_INIT;
    for (size_t k = b; k <= e; k++) {
        if (t.len)
            ps_buf_putc(&t, ' ');
        ps_text_plain(p->src, p->lines[k].cstart, p->lines[k].cend, &t);
    }
    bool hit = false;
    if (t.data && t.len >= 8) {
        ps_text_lower(t.data, t.len, &lt);
        for (size_t k = 0; k < sp->nitems && !hit && lt.data; k++) {
            const agenda_item *it = &sp->items[k];
            if (a->dnr[0] && strcmp(it->dnr, a->dnr) != 0)
                continue;
            hit = strstr(it->lower_text, lt.data) != NULL;
        }
    }
    ps_buf_free(&t);
    ps_buf_free(&lt);
    return hit;
}

/* Extend an anchor back over its cover sheet: dnr line, item number, title block. */
static void extend_cover(ps_parser *p, const split *sp, anchor *a, size_t floor)
{
    size_t i = a->line, found = 0;
    char tmp[64];
    for (;;) {
        size_t k = prev_text(p, i);
        if (k == (size_t)-1 || k < floor)
            break;
        const char *t = ps_line_plain(p, k);
        size_t n = strlen(t);
        if ((dnr_only(t, tmp, sizeof tmp) && (!a->dnr[0] || strcmp(tmp, a->dnr) == 0)) ||
            (n <= 3 && all_digits(t, n))) {
            if (!a->dnr[0] && n > 3)
                memcpy(a->dnr, tmp, sizeof tmp);
            p->lines[k].flags |= PS_LINE_SKIP;
            i = k;
            found++;
            continue;
        }
        break;
    }
    a->start = i;
    if (!found)
        return;
    /* The title block above: consecutive text lines, at most four. */
    size_t e = prev_text(p, i);
    if (e == (size_t)-1 || e < floor)
        return;
    size_t b = e;
    while (b > floor && b > 0 && !blank(p, b - 1) && e - b < 4)
        b--;
    if (b > 0 && !blank(p, b - 1) && b > floor)
        return;
    bool bold = p->src[p->lines[b].cstart] == '*' && p->src[p->lines[e].cend - 1] == '*';
    if (sp->nitems ? matches_agenda(p, sp, a, b, e) : bold)
        a->start = b;
}

static void free_anchor(anchor *a)
{
    free(a->handlaggare);
    free(a->namnd);
    free(a->title);
}

/* ---- 4. agenda --------------------------------------------------------------------------------
 */

static bool agenda_heading(const char *t)
{
    static const char *const names[] = {"Ärendelista", "Föredragningslista", "Dagordning",
                                        "Ärenden", "Förslag till dagordning"};
    return one_of(t, names, sizeof names / sizeof names[0]);
}

/* "12. text", "12) text", "§ 12 text": the number's end in t, or 0. */
static size_t item_number(const char *t)
{
    size_t k = 0;
    if (ps_text_para_at(t)) {
        k = 2;
        while (t[k] == ' ')
            k++;
    }
    size_t d = k;
    while (t[d] >= '0' && t[d] <= '9')
        d++;
    if (d == k || d - k > 3)
        return 0;
    if (t[d] == '.' || t[d] == ')')
        d++;
    else if (k == 0)
        return 0;
    if (t[d] != ' ')
        return 0;
    while (t[d] == ' ')
        d++;
    return d;
}

/* A dnr ending text ("Budget, 2023.039 SN", "Budget (Dnr KS 2021/12)"): copies it into dnr
 * and returns where the text before it ends (separators trimmed); else returns len. */
static size_t trailing_dnr(const char *t, size_t len, char dnr[64])
{
    for (size_t k = 0; k < len; k++) {
        if (k > 0 && t[k - 1] != ' ' && t[k - 1] != ',' && t[k - 1] != '(')
            continue;
        size_t used;
        char found[64];
        if (!ps_dnr_parse(t + k, len - k, false, found, sizeof found, &used))
            continue;
        size_t after = k + used;
        while (after < len && (t[after] == ' ' || t[after] == '.' || t[after] == ')'))
            after++;
        if (after != len)
            continue;
        memcpy(dnr, found, sizeof found);
        size_t cut = k;
        while (cut > 0 && strchr(" ,(-", t[cut - 1]))
            cut--;
        return cut;
    }
    return len;
}

static bool finish_item(split *sp, ps_buf *text, size_t first, size_t last)
{
    if (!text->data || text->len == 0)
        return true;
    if (!ps_grow(&sp->items, &sp->item_cap, sp->nitems, sizeof *sp->items))
        return false;
    agenda_item *it = &sp->items[sp->nitems];
    memset(it, 0, sizeof *it);
    it->first = first;
    it->last = last;
    it->text = strdup(text->data);
    if (!it->text)
        return false;
    size_t cut = trailing_dnr(text->data, text->len, it->dnr);
    it->title = strndup(text->data, cut);
    it->lower_text = lower_dup(it->text);
    it->lower_title = it->title ? lower_dup(it->title) : NULL;
    if (!it->title || !it->lower_text || !it->lower_title) {
        free(it->text);
        free(it->title);
        free(it->lower_text);
        free(it->lower_title);
        return false;
    }
    sp->nitems++;
    return true;
}

static void find_agenda(ps_parser *p, split *sp)
{
    size_t h;
    for (h = 0; h < p->nlines; h++)
        if (!blank(p, h) && p->lines[h].width <= 40 && agenda_heading(ps_line_plain(p, h)))
            break;
    if (h == p->nlines)
        return;
    ps_buf text = PS_BUF_INIT;
    size_t first = 0, last = h;
    bool open = false;
    for (size_t i = h + 1; i < p->nlines && sp->nitems < 500; i++) {
        if (blank(p, i)) {
            size_t nx = next_text(p, i);
            if (nx == (size_t)-1 || !item_number(ps_line_plain(p, nx)))
                break;
            i = nx - 1;
            continue;
        }
        const char *t = ps_line_plain(p, i);
        size_t num = item_number(t);
        if (num) {
            if (open && !finish_item(sp, &text, first, last)) {
                sp->nomem = true;
                break;
            }
            ps_buf_clear(&text);
            ps_buf_puts(&text, t + num);
            first = i;
            open = true;
        } else if (open) {
            ps_buf_putc(&text, ' ');
            ps_buf_puts(&text, t);
        } else {
            break;
        }
        last = i;
    }
    if (open && !finish_item(sp, &text, first, last))
        sp->nomem = true;
    ps_buf_free(&text);
    if (sp->nitems) {
        sp->agenda_first = h;
        sp->agenda_last = last;
    }
}

/* ---- anchors over the document ------------------------------------------------------------------
 */

static void find_anchors(ps_parser *p, split *sp)
{
    for (size_t i = 0; i < p->nlines && !sp->nomem; i++) {
        if (blank(p, i))
            continue;
        if (sp->nitems && i >= sp->agenda_first && i <= sp->agenda_last)
            continue;
        anchor a;
        if (paragraph_heading(p, i, &a)) {
            p->lines[i].flags |= PS_LINE_SKIP;
            /* A dnr on the next line: "§ 12" / "Dnr KS 2023/12". */
            size_t nx = next_text(p, i);
            char tmp[64];
            if (!a.dnr[0] && nx != (size_t)-1 && nx <= i + 2 &&
                dnr_only(ps_line_plain(p, nx), tmp, sizeof tmp)) {
                memcpy(a.dnr, tmp, sizeof tmp);
                p->lines[nx].flags |= PS_LINE_SKIP;
            }
            if (!push_anchor(sp, &a))
                free_anchor(&a);
            continue;
        }
        size_t after = header_block(p, i, &a);
        if (!after)
            continue;
        anchor *cur = sp->n ? &sp->v[sp->n - 1] : NULL;
        bool same = cur && (!a.dnr[0] || strcmp(cur->dnr, a.dnr) == 0 ||
                            (!cur->dnr[0] && i <= cur->line + 4));
        if (same) {
            /* The ärende continues (bilaga, or the tjänsteskrivelse of a protocol paragraph). */
            if (!cur->dnr[0])
                memcpy(cur->dnr, a.dnr, sizeof a.dnr);
            if (!cur->handlaggare) {
                cur->handlaggare = a.handlaggare;
                a.handlaggare = NULL;
            }
            if (!cur->date[0] && cur->kind == ANCHOR_HEADER)
                memcpy(cur->date, a.date, sizeof a.date);
            free_anchor(&a);
        } else {
            size_t floor = cur ? cur->line + 1 : 0;
            if (sp->nitems && floor <= sp->agenda_last)
                floor = sp->agenda_last + 1;
            extend_cover(p, sp, &a, floor);
            if (!push_anchor(sp, &a))
                free_anchor(&a);
        }
        i = after - 1;
    }
}

/* ---- 5. titles and headings ---------------------------------------------------------------------
 */

/* The title block starting at the first text line from i: lines up to a blank line, a known
 * section or a list/table, at most three; marks them skipped. */
static char *take_title(ps_parser *p, size_t i, size_t end, bool strict)
{
    size_t b = i;
    while (b < end && (blank(p, b) || (p->lines[b].flags & PS_LINE_SKIP)))
        b++;
    if (b >= end || (p->lines[b].flags & (PS_LINE_TABLE | PS_LINE_LIST)))
        return NULL;
    ps_buf t = PS_BUF_INIT;
    size_t e = b;
    for (; e < end && e < b + 3; e++) {
        if (blank(p, e) || (p->lines[e].flags & (PS_LINE_TABLE | PS_LINE_LIST | PS_LINE_SKIP)) ||
            p->lines[e].width > 250)
            break;
        const char *pl = ps_line_plain(p, e);
        if (is_section_name(pl) || header_label(pl, &(size_t){0}) != LABEL_NONE)
            break;
        /* A markdown heading is a title on its own. */
        if (e > b && ps_text_heading_marker(p->src + p->lines[e].cstart,
                                            p->lines[e].cend - p->lines[e].cstart))
            break;
        if (t.len)
            ps_buf_putc(&t, ' ');
        ps_buf_puts(&t, pl);
        /* The title ends at a heading, a sentence end or (wrapped text) a short line. */
        size_t pn = strlen(pl);
        if (ps_text_heading_marker(p->src + p->lines[e].cstart,
                                   p->lines[e].cend - p->lines[e].cstart) ||
            (pn && pl[pn - 1] == '.') ||
            (p->wrap_width && p->lines[e].width * 10 < p->wrap_width * 6)) {
            e++;
            break;
        }
    }
    bool ok = t.data && t.len > 0 && ps_text_width(t.data, t.len) <= 250;
    if (ok && strict) {
        /* Without an anchor the first paragraph is a title only when it looks like one. */
        char last = t.data[t.len - 1];
        ok = ps_text_width(t.data, t.len) <= 150 && last != '.' && last != ',' &&
             !(e < end && !blank(p, e) && !(p->lines[e].flags & PS_LINE_SKIP) &&
               !is_section_name(ps_line_plain(p, e)));
    }
    if (!ok || (e == b + 1 && is_section_name(t.data ? t.data : ""))) {
        ps_buf_free(&t);
        return NULL;
    }
    for (size_t k = b; k < e; k++)
        p->lines[k].flags |= PS_LINE_SKIP;
    return ps_buf_steal(&t, NULL);
}

static bool bold_line(const ps_parser *p, size_t i)
{
    const ps_line *l = &p->lines[i];
    size_t n = l->cend - l->cstart;
    const char *s = p->src + l->cstart;
    return n > 4 && s[0] == '*' && s[1] == '*' && s[n - 1] == '*' && s[n - 2] == '*';
}

static void mark_headings(ps_parser *p)
{
    for (size_t i = 0; i < p->nlines; i++) {
        ps_line *l = &p->lines[i];
        if (l->flags & (PS_LINE_BLANK | PS_LINE_NOISE | PS_LINE_SKIP | PS_LINE_TABLE))
            continue;
        const char *s = p->src + l->cstart;
        size_t n = l->cend - l->cstart;
        if (ps_text_heading_marker(s, n) || (bold_line(p, i) && l->width <= 120)) {
            l->flags |= PS_LINE_HEADING;
            continue;
        }
        if (l->flags & PS_LINE_LIST || l->width > 60)
            continue;
        const char *t = ps_line_plain(p, i);
        if (is_section_name(t)) {
            l->flags |= PS_LINE_HEADING;
            continue;
        }
        /* A short line standing alone before a long paragraph: a subheading. */
        size_t tn = strlen(t);
        bool alone = (i == 0 || blank(p, i - 1)) && (i + 1 >= p->nlines || blank(p, i + 1));
        if (!alone || tn == 0 || !ps_text_upper_at(t, tn) || strchr(".:;,!?", t[tn - 1]))
            continue;
        size_t words = 1;
        for (size_t k = 0; k < tn; k++)
            words += t[k] == ' ';
        char d[11];
        if (words > 7 || date_only(t, d))
            continue;
        size_t nx = next_text(p, i);
        if (nx == (size_t)-1 || (p->lines[nx].flags & (PS_LINE_TABLE | PS_LINE_LIST)))
            continue;
        size_t para = 0;
        for (size_t k = nx; k < p->nlines && !blank(p, k); k++)
            para += p->lines[k].width;
        if (para >= 120)
            l->flags |= PS_LINE_HEADING;
    }
}

/* ---- 6. document metadata -----------------------------------------------------------------------
 */

static ps_doc_type detect_type(ps_parser *p, const split *sp, ps_field_source *src)
{
    *src = PS_FIELD_READ;
    size_t seen = 0;
    ps_buf low = PS_BUF_INIT;
    ps_doc_type found = PS_DOC_OTHER;
    bool hit = false;
    for (size_t i = 0; i < p->nlines && seen < 12 && !hit; i++) {
        if (blank(p, i))
            continue;
        seen++;
        if (p->lines[i].width > 200)
            continue; /* a paragraph, not a header line */
        const char *t = ps_line_plain(p, i);
        ps_buf_clear(&low);
        ps_text_lower(t, strlen(t), &low);
        const char *l = low.data ? low.data : "";
        size_t n = low.len;
        hit = true;
        if (strstr(l, "protokollsutdrag") || ps_text_iprefix(l, n, "utdrag ur"))
            found = PS_DOC_PROTOKOLLSUTDRAG;
        else if (strcmp(l, "protokoll") == 0 || ps_text_iprefix(l, n, "protokoll ") ||
                 ps_text_iprefix(l, n, "sammanträdesprotokoll") ||
                 ps_text_iprefix(l, n, "justerat protokoll"))
            found = PS_DOC_PROTOKOLL;
        else if (ps_text_iprefix(l, n, "kallelse"))
            found = PS_DOC_KALLELSE;
        else if (ps_text_iprefix(l, n, "tjänsteskrivelse"))
            found = PS_DOC_TJANSTESKRIVELSE;
        else if (seen <= 2 && p->lines[i].width <= 80 && strstr(l, "yttrande"))
            found = PS_DOC_YTTRANDE;
        else
            hit = false;
    }
    ps_buf_free(&low);
    if (hit)
        return found;
    *src = PS_FIELD_INFERRED;
    size_t paragraphs = 0, headers = 0;
    for (size_t k = 0; k < sp->n; k++) {
        paragraphs += sp->v[k].kind == ANCHOR_PARAGRAPH;
        headers += sp->v[k].kind == ANCHOR_HEADER;
    }
    if (paragraphs >= 2)
        return PS_DOC_PROTOKOLL;
    if (paragraphs == 1 && !sp->nitems)
        return PS_DOC_PROTOKOLLSUTDRAG;
    if (sp->nitems)
        return PS_DOC_KALLELSE;
    if (headers)
        return PS_DOC_TJANSTESKRIVELSE;
    return PS_DOC_OTHER;
}

/* The document date: a date-only line or "Tid:/Datum:/Sammanträdesdatum:" near the top. */
static void detect_date(ps_parser *p, size_t preamble_end, char out[11], ps_field_source *src)
{
    static const char *const labels[] = {"Tid",        "Datum",       "Sammanträdesdatum",
                                         "Mötesdatum", "Sammanträde", "Plats och tid"};
    out[0] = '\0';
    *src = PS_FIELD_ABSENT;
    size_t seen = 0;
    for (size_t i = 0; i < p->nlines && seen < 30; i++) {
        if (blank(p, i))
            continue;
        seen++;
        if (p->lines[i].width > 200)
            continue;
        const char *t = ps_line_plain(p, i);
        size_t n = strlen(t), used;
        if (date_only(t, out)) {
            *src = PS_FIELD_READ;
            if (i < preamble_end)
                p->lines[i].flags |= PS_LINE_SKIP;
            return;
        }
        for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++) {
            size_t l = strlen(labels[k]);
            if (ps_text_iprefix(t, n, labels[k]) && l < n && t[l] == ':') {
                size_t v = l + 1;
                while (v < n && t[v] == ' ')
                    v++;
                if (ps_date_parse(t + v, n - v, out, &used)) {
                    *src = PS_FIELD_READ;
                    return;
                }
            }
        }
    }
    out[0] = '\0';
}

/* The nämnd named by the document's own header lines. */
static char *read_namnd(ps_parser *p, size_t preamble_end)
{
    size_t seen = 0;
    for (size_t i = 0; i < preamble_end && seen < 30; i++) {
        if (blank(p, i))
            continue;
        seen++;
        if (p->lines[i].width > 200)
            continue;
        const char *t = ps_line_plain(p, i);
        size_t n = strlen(t);
        static const char *const lead[] = {"Sammanträde med ", "Kallelse till ", "Protokoll från ",
                                           "Protokoll för ", "Kallelse/föredragningslista "};
        for (size_t k = 0; k < sizeof lead / sizeof lead[0]; k++) {
            size_t l = strlen(lead[k]);
            if (ps_text_iprefix(t, n, lead[k])) {
                char *v = ps_namnd_normalize(t + l, n - l);
                if (v)
                    return v;
            }
        }
        char *v = ps_namnd_normalize(t, n);
        if (v)
            return v;
    }
    return NULL;
}

/* ---- 7. ärenden ---------------------------------------------------------------------------------
 */

static ps_arende *new_arende(ps_protocol_doc *doc, size_t *cap)
{
    if (!ps_grow(&doc->arenden, cap, doc->narenden, sizeof *doc->arenden))
        return NULL;
    ps_arende *a = &doc->arenden[doc->narenden++];
    memset(a, 0, sizeof *a);
    return a;
}

/* Span and pages of lines [first, end). */
static void set_span(const ps_parser *p, ps_arende *a, size_t first, size_t end)
{
    while (first < end && blank(p, first))
        first++;
    while (end > first && blank(p, end - 1))
        end--;
    if (first >= end) {
        size_t at = first < p->nlines ? p->lines[first].start : p->len;
        a->src_start = a->src_end = at;
        return;
    }
    a->src_start = p->lines[first].cstart;
    a->src_end = p->lines[end - 1].cend;
    if (p->has_pages) {
        a->page_first = p->lines[first].page;
        a->page_last = p->lines[end - 1].page;
    }
}

typedef struct {
    bool own_date, own_namnd, own_type;
} own_fields;

static int cmp_arende(const void *x, const void *y)
{
    const ps_arende *a = x, *b = y;
    return a->src_start < b->src_start ? -1 : a->src_start > b->src_start;
}

static bool agenda_matches_anchor(const agenda_item *it, const anchor *a, const char *lower_title)
{
    if (it->dnr[0])
        return a->dnr[0] && strcmp(it->dnr, a->dnr) == 0;
    if (!lower_title || !it->lower_title[0])
        return false;
    return strstr(it->lower_title, lower_title) || strstr(lower_title, it->lower_title);
}

static bool has_text(const ps_parser *p, size_t first, size_t end)
{
    for (size_t i = first; i < end; i++)
        if (!(p->lines[i].flags & (PS_LINE_BLANK | PS_LINE_NOISE | PS_LINE_SKIP)))
            return true;
    return false;
}

static ps_status add_warning(ps_protocol_doc *doc, const char *msg)
{
    char **w = realloc(doc->warnings, (doc->nwarnings + 1) * sizeof *w);
    if (!w)
        return PS_ERR_NOMEM;
    doc->warnings = w;
    if (!(w[doc->nwarnings] = strdup(msg)))
        return PS_ERR_NOMEM;
    doc->nwarnings++;
    return PS_OK;
}

/* The key: "<kommun>:<dnr>" or "<kommun>:<source>-<n>". */
static char *make_key(const ps_arende *a, const char *source_name, size_t n)
{
    const char *k = a->kommun.value;
    char *ks = k ? ps_text_slug(k, strlen(k)) : strdup("okand");
    if (!ks)
        return NULL;
    if (!*ks) {
        free(ks);
        ks = strdup("okand");
        if (!ks)
            return NULL;
    }
    char *rest;
    if (a->dnr.value) {
        rest = ps_text_slug(a->dnr.value, strlen(a->dnr.value));
    } else {
        /* The whole name as given (the indexer passes a path relative to its root): base
         * names repeat across directories ("protokoll.txt"). */
        const char *base = source_name ? source_name : "dokument";
        while (base[0] == '.' && base[1] == '/')
            base += 2;
        char *bs = ps_text_slug(base, strlen(base));
        ps_buf b = PS_BUF_INIT;
        ps_buf_printf(&b, "%s-%zu", bs && *bs ? bs : "dokument", n);
        free(bs);
        rest = ps_buf_steal(&b, NULL);
    }
    char *key = NULL;
    if (rest) {
        ps_buf b = PS_BUF_INIT;
        ps_buf_printf(&b, "%s:%s", ks, rest);
        key = ps_buf_steal(&b, NULL);
    }
    free(ks);
    free(rest);
    return key;
}

static ps_status build(ps_parser *p, split *sp)
{
    ps_protocol_doc *doc = p->doc;
    const ps_protocol_opts *opts = p->opts;
    size_t preamble_end = sp->n ? sp->v[0].start : p->nlines;

    /* Document metadata. */
    ps_field_source tsrc;
    doc->type = detect_type(p, sp, &tsrc);
    doc->type_source = tsrc;
    ps_field_source type_source = tsrc;
    char date[11];
    ps_field_source dsrc;
    detect_date(p, preamble_end, date, &dsrc);
    if (date[0] && !ps_field_set(&doc->date, date, dsrc))
        return PS_ERR_NOMEM;
    char *namnd = read_namnd(p, preamble_end);
    ps_field_source nsrc = PS_FIELD_READ;
    if (!namnd) {
        nsrc = PS_FIELD_INFERRED;
        char letters[16];
        for (size_t k = 0; k < sp->n && !namnd; k++) {
            const char *n = sp->v[k].dnr[0] && ps_dnr_series(sp->v[k].dnr, letters, sizeof letters)
                                ? ps_namnd_for_series(letters)
                                : NULL;
            if (n && !(namnd = strdup(n)))
                return PS_ERR_NOMEM;
        }
        if (!namnd)
            namnd = ps_namnd_infer(p->src, p->len);
    }
    bool ok = ps_field_set(&doc->namnd, namnd, nsrc);
    free(namnd);
    if (!ok)
        return PS_ERR_NOMEM;
    bool kread = false;
    const char *kommun = ps_kommun_infer(p->src, p->lines, p->nlines, &kread);
    if (!ps_field_set(&doc->kommun, kommun, kread ? PS_FIELD_READ : PS_FIELD_INFERRED))
        return PS_ERR_NOMEM;

    /* Titles, then headings (a title line is not a heading). */
    for (size_t k = 0; k < sp->n; k++) {
        anchor *a = &sp->v[k];
        size_t end = k + 1 < sp->n ? sp->v[k + 1].start : p->nlines;
        a->end = end;
        if (a->kind == ANCHOR_HEADER) {
            size_t i = a->line;
            while (i < end && (blank(p, i) || (p->lines[i].flags & PS_LINE_SKIP) ||
                               header_label(ps_line_plain(p, i), &(size_t){0}) != LABEL_NONE))
                i++;
            if (i < end) {
                const char *t = ps_line_plain(p, i);
                char *n = ps_namnd_normalize(t, strlen(t));
                if (n) {
                    a->namnd = n;
                    p->lines[i].flags |= PS_LINE_SKIP;
                    i++;
                }
            }
            a->title = take_title(p, i, end, false);
        } else if (!a->title) {
            a->title = take_title(p, a->line + 1, end, false);
        }
        /* "§ 12 Budget 2022 (Dnr KS 2021/12)": the dnr ends the title. */
        if (a->kind == ANCHOR_PARAGRAPH && !a->dnr[0] && a->title) {
            size_t cut = trailing_dnr(a->title, strlen(a->title), a->dnr);
            a->title[cut] = '\0';
        }
    }
    size_t cap = 0;
    own_fields *own = NULL;
    anchor whole = {.kind = ANCHOR_WHOLE, .agenda = -1};
    if (sp->n == 0 && sp->nitems == 0) {
        whole.end = p->nlines;
        whole.title = take_title(p, 0, p->nlines, true);
        if (!push_anchor(sp, &whole)) {
            free_anchor(&whole);
            return PS_ERR_NOMEM;
        }
    }
    mark_headings(p);

    /* Agenda items without text of their own. */
    long first_agenda_only = -1;
    size_t nanchors = sp->n;
    char **lower_titles = calloc(nanchors + 1, sizeof *lower_titles);
    if (!lower_titles)
        return PS_ERR_NOMEM;
    for (size_t j = 0; j < nanchors; j++)
        if (sp->v[j].title && !(lower_titles[j] = lower_dup(sp->v[j].title)))
            sp->nomem = true;
    for (size_t k = 0; k < sp->nitems; k++) {
        agenda_item *it = &sp->items[k];
        for (size_t j = 0; j < nanchors && !it->matched; j++)
            it->matched = agenda_matches_anchor(it, &sp->v[j], lower_titles[j]);
    }
    for (size_t j = 0; j < nanchors; j++)
        free(lower_titles[j]);
    free(lower_titles);
    if (sp->nomem)
        return PS_ERR_NOMEM;
    for (size_t k = 0; k < sp->nitems; k++) {
        agenda_item *it = &sp->items[k];
        if (it->matched)
            continue;
        anchor a = {.kind = ANCHOR_AGENDA,
                    .agenda = (long)k,
                    .line = it->first,
                    .start = it->first,
                    .end = it->last + 1};
        memcpy(a.dnr, it->dnr, sizeof a.dnr);
        if (!(a.title = strdup(it->title)) || !push_anchor(sp, &a)) {
            free(a.title);
            return PS_ERR_NOMEM;
        }
        if (first_agenda_only < 0)
            first_agenda_only = (long)sp->n - 1;
    }
    /* The preamble goes to the first agenda-only item; the front matter of a protocol with
     * several ärenden (attendance, justerare) is an ärende of its own; else the preamble opens
     * the first ärende. */
    bool preamble_text = preamble_end > 0 && has_text(p, 0, preamble_end);
    size_t text_lines = 0;
    for (size_t i = 0; preamble_text && i < preamble_end; i++)
        text_lines += !(p->lines[i].flags & (PS_LINE_BLANK | PS_LINE_NOISE | PS_LINE_SKIP));
    if (preamble_text) {
        if (first_agenda_only >= 0) {
            sp->v[first_agenda_only].start = 0;
            sp->v[first_agenda_only].end = preamble_end;
        } else if (sp->n >= 2 && text_lines >= 3) {
            ps_buf t = PS_BUF_INIT;
            const char *type = ps_doc_type_name(doc->type);
            /* "Protokoll, Kommunstyrelsen 2022-03-15" */
            if (doc->type == PS_DOC_OTHER)
                ps_buf_puts(&t, "Dokument");
            else
                ps_buf_printf(&t, "%c%s", type[0] - 32, type + 1);
            if (doc->namnd.value)
                ps_buf_printf(&t, ", %s", doc->namnd.value);
            if (doc->date.value)
                ps_buf_printf(&t, " %s", doc->date.value);
            anchor f = {.kind = ANCHOR_FRONT,
                        .agenda = -1,
                        .start = 0,
                        .end = preamble_end,
                        .title = ps_buf_steal(&t, NULL)};
            if (!f.title || !push_anchor(sp, &f)) {
                free(f.title);
                return PS_ERR_NOMEM;
            }
        } else if (sp->n) {
            sp->v[0].start = 0;
        }
    }

    own = calloc(sp->n + 1, sizeof *own);
    if (!own)
        return PS_ERR_NOMEM;
    for (size_t k = 0; k < sp->n; k++) {
        anchor *an = &sp->v[k];
        ps_arende *a = new_arende(doc, &cap);
        if (!a) {
            free(own);
            return PS_ERR_NOMEM;
        }
        own_fields *of = &own[doc->narenden - 1];
        size_t first = an->start, end = an->end;
        bool agenda_body =
            an->kind == ANCHOR_AGENDA && (long)k == first_agenda_only && preamble_text;
        ps_status st = PS_OK;
        if (an->kind != ANCHOR_AGENDA || agenda_body)
            st = ps_body_build(p, first, end, a);
        else
            a->body = strdup(""), st = a->body ? PS_OK : PS_ERR_NOMEM;
        if (st != PS_OK) {
            free(own);
            return st;
        }
        set_span(p, a, an->kind == ANCHOR_AGENDA && !agenda_body ? an->line : first, end);
        bool fail = false;
        fail |= an->dnr[0] && !ps_field_set(&a->dnr, an->dnr, PS_FIELD_READ);
        fail |= an->paragraf[0] && !ps_field_set(&a->paragraf, an->paragraf, PS_FIELD_READ);
        fail |= an->title &&
                !ps_field_set(&a->title, an->title,
                              an->kind == ANCHOR_FRONT ? PS_FIELD_INFERRED : PS_FIELD_READ);
        fail |= an->handlaggare && !ps_field_set(&a->handlaggare, an->handlaggare, PS_FIELD_READ);
        if (an->date[0]) {
            fail |= !ps_field_set(&a->date, an->date, PS_FIELD_READ);
            of->own_date = true;
        } else {
            fail |= !ps_field_set(&a->date, doc->date.value, doc->date.source);
        }
        if (an->namnd) {
            fail |= !ps_field_set(&a->namnd, an->namnd, PS_FIELD_READ);
            of->own_namnd = true;
        } else {
            fail |= !ps_field_set(&a->namnd, doc->namnd.value, doc->namnd.source);
        }
        fail |= !ps_field_set(&a->kommun, doc->kommun.value, doc->kommun.source);
        a->type = doc->type;
        a->type_source = type_source;
        if (an->kind == ANCHOR_HEADER && doc->type != PS_DOC_TJANSTESKRIVELSE &&
            doc->type != PS_DOC_YTTRANDE) {
            a->type = PS_DOC_TJANSTESKRIVELSE;
            a->type_source = PS_FIELD_INFERRED;
            of->own_type = true;
        }
        if (fail) {
            free(own);
            return PS_ERR_NOMEM;
        }
    }

    /* The caller's metadata describes the document; an ärende keeps what its own header says. */
    if (opts) {
        ps_doc_type t;
        bool fail = false;
        fail |= opts->kommun && !ps_field_set(&doc->kommun, opts->kommun, PS_FIELD_EXTERNAL);
        fail |= opts->namnd && !ps_field_set(&doc->namnd, opts->namnd, PS_FIELD_EXTERNAL);
        fail |= opts->date && !ps_field_set(&doc->date, opts->date, PS_FIELD_EXTERNAL);
        bool ext_type = opts->type && ps_doc_type_from_name(opts->type, &t);
        if (ext_type) {
            doc->type = t;
            doc->type_source = PS_FIELD_EXTERNAL;
        }
        for (size_t k = 0; k < doc->narenden && !fail; k++) {
            ps_arende *a = &doc->arenden[k];
            fail |= opts->kommun && !ps_field_set(&a->kommun, opts->kommun, PS_FIELD_EXTERNAL);
            if (opts->namnd && !own[k].own_namnd)
                fail |= !ps_field_set(&a->namnd, opts->namnd, PS_FIELD_EXTERNAL);
            if (opts->date && !own[k].own_date)
                fail |= !ps_field_set(&a->date, opts->date, PS_FIELD_EXTERNAL);
            if (ext_type && !own[k].own_type) {
                a->type = t;
                a->type_source = PS_FIELD_EXTERNAL;
            }
        }
        if (fail) {
            free(own);
            return PS_ERR_NOMEM;
        }
    }
    free(own);
    qsort(doc->arenden, doc->narenden, sizeof *doc->arenden, cmp_arende);
    for (size_t k = 0; k < doc->narenden; k++) {
        ps_arende *a = &doc->arenden[k];
        if (!(a->key = make_key(a, opts ? opts->source_name : NULL, k + 1)))
            return PS_ERR_NOMEM;
    }
    return PS_OK;
}

ps_status ps_parse_document(ps_protocol_doc *doc, const ps_protocol_opts *opts)
{
    ps_parser p = {
        .doc = doc, .opts = opts, .src = doc->source, .len = doc->source_len, .tmp = PS_BUF_INIT};
    split sp = {0};
    ps_status st = split_lines(&p);
    size_t dropped = 0;
    if (st == PS_OK)
        st = find_wrap_width(&p);
    if (st == PS_OK)
        st = mark_noise(&p, &dropped);
    if (st == PS_OK && dropped) {
        char msg[96];
        snprintf(msg, sizeof msg, "dropped %zu page-number and running-header lines", dropped);
        st = add_warning(doc, msg);
    }
    if (st == PS_OK) {
        find_agenda(&p, &sp);
        find_anchors(&p, &sp);
        st = sp.nomem ? PS_ERR_NOMEM : build(&p, &sp);
    }
    for (size_t k = 0; k < sp.n; k++)
        free_anchor(&sp.v[k]);
    free(sp.v);
    for (size_t k = 0; k < sp.nitems; k++) {
        free(sp.items[k].text);
        free(sp.items[k].title);
        free(sp.items[k].lower_text);
        free(sp.items[k].lower_title);
    }
    free(sp.items);
    free(p.lines);
    ps_buf_free(&p.tmp);
    return st;
}
