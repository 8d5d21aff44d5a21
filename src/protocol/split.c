/*
 * protocol/split.c — find the ärenden of a document and their metadata.
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
 *
 * Then each anchor gets its title (the rest of the § line, or the block after the header),
 * headings are marked, and each anchor becomes an ärende: body (protocol/body.c), fields read
 * from its own lines, the rest from the document (protocol/meta.c, protocol/kommun.c) and the
 * caller's metadata, and finally its key.
 */
#include "internal.h"

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
    size_t first, last; /* lines of the item's own text */
    size_t desc_end;    /* one past its description (the paragraphs after it), or last + 1 */
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

/* ---- anchors --------------------------------------------------------------------------------
 */

static bool push_anchor(split *sp, const anchor *a)
{
    if (!ps_grow(&sp->v, &sp->cap, sp->n, sizeof *sp->v)) {
        sp->nomem = true;
        return false;
    }
    sp->v[sp->n++] = *a;
    return true;
}

/* A § heading at line i: "§ 243", "§ 243 2023.076 SN", "§ 12 Title". */
static bool paragraph_heading(ps_parser *p, size_t i, anchor *a)
{
    const ps_line *l = &p->lines[i];
    /* A table row is a heading only when it starts with the § ("§ 12  Titel<tab>Dnr ..."): an
     * office suite's tab stop puts the dnr at the right margin. */
    if (l->flags & (PS_LINE_BLANK | PS_LINE_NOISE | PS_LINE_CELL) ||
        ((l->flags & PS_LINE_TABLE) && !ps_text_para_at(p->src + l->cstart)))
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
    bool block_start = i == 0 || ps_line_blank(p, i - 1) || p->lines[i - 1].page != l->page;
    if (!has_dnr) {
        /* A heading "§ 12 Title" must open its block and start with a capital. */
        if (t[d] != '\0' && (!block_start || !ps_text_upper_at(t + d, n - d) || l->width > 160))
            return false;
        /* Nor is it a sentence citing a paragraph: "§ 5 Förvaltningslagen anger att ..."
         * ends in a full stop or runs on into a lower-case line. */
        if (t[d] != '\0' && t[n - 1] == '.')
            return false;
        const ps_line *nx = i + 1 < p->nlines ? &p->lines[i + 1] : NULL;
        unsigned char c0 = nx && nx->cend > nx->cstart ? (unsigned char)p->src[nx->cstart] : 0;
        if (t[d] != '\0' && c0 &&
            ((c0 >= 'a' && c0 <= 'z') ||
             (c0 == 0xC3 && (unsigned char)p->src[nx->cstart + 1] >= 0xA0)))
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
        if (ps_line_blank(p, j)) {
            /* One blank line may separate fields. */
            if (j + 1 < p->nlines && !ps_line_blank(p, j + 1) && j > i) {
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
        int kind = ps_vocab_header_label(t, &v);
        if (kind == PS_LABEL_NONE)
            break;
        fields++;
        const char *val = t + v;
        size_t vn = strlen(val);
        if (kind == PS_LABEL_DATE && !a->date[0]) {
            size_t used;
            if (ps_date_parse(val, vn, a->date, &used))
                have_date = true;
        } else if (kind == PS_LABEL_HANDL && !a->handlaggare && vn) {
            a->handlaggare = strdup(val);
            have_handl = a->handlaggare != NULL;
        } else if (kind == PS_LABEL_DNR && !a->dnr[0]) {
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
        if (kind != PS_LABEL_OTHER)
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
        size_t k = ps_line_prev_text(p, i);
        if (k == (size_t)-1 || k < floor)
            break;
        const char *t = ps_line_plain(p, k);
        size_t n = strlen(t);
        /* "Tjänsteskrivelse" right above the header names the document: it stays its text. */
        if (found == 0 && i == a->line && k + 1 == i && ps_vocab_document_word(t)) {
            i = k;
            continue;
        }
        if ((ps_text_dnr_only(t, tmp, sizeof tmp) && (!a->dnr[0] || strcmp(tmp, a->dnr) == 0)) ||
            (n <= 3 && ps_text_all_digits(t, n))) {
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
    size_t e = ps_line_prev_text(p, i);
    if (e == (size_t)-1 || e < floor)
        return;
    size_t b = e;
    while (b > floor && b > 0 && !ps_line_blank(p, b - 1) && e - b < 4)
        b--;
    if (b > 0 && !ps_line_blank(p, b - 1) && b > floor)
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

/* ---- the agenda --------------------------------------------------------------------------------
 */

/* "12. text", "12) text", "§ 12 text": the number's end in t, or 0; *num the number. */
static size_t item_number_at(const char *t, long *num)
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
    *num = strtol(t + k, NULL, 10);
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
    size_t lead = 0, used = 0;
    /* "1. Dnr 2025.087 KS Val av justerare": the dnr before the title. */
    if (!it->dnr[0] && ps_text_iprefix(text->data, text->len, "dnr") &&
        ps_dnr_parse(text->data, text->len, false, it->dnr, sizeof it->dnr, &used)) {
        lead = used;
        while (lead < cut && strchr(" ,:-", text->data[lead]))
            lead++;
    }
    it->desc_end = last + 1;
    it->title = strndup(text->data + lead, cut - lead);
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

/* Where the description of an agenda item starting at line i ends: at the line opening item
 * number want (within a few paragraphs); for the last item, before a § heading or a header
 * field, within 60 lines. *next_found tells which. */
static size_t description_end(ps_parser *p, size_t i, long want, bool *next_found)
{
    size_t end = i, seen = 0;
    *next_found = false;
    for (size_t k = i; k < p->nlines && seen < 60; k++) {
        if (ps_line_blank(p, k))
            continue;
        seen++;
        const char *t = ps_line_plain(p, k);
        long num = -1;
        if (item_number_at(t, &num) && num == want) {
            *next_found = true;
            return k;
        }
        if (ps_text_para_at(t) || ps_vocab_header_label(t, &(size_t){0}) != PS_LABEL_NONE)
            break;
        end = k + 1;
    }
    return end;
}

/* Does the item text end in its dnr ("Val av justerare  Dnr KS 2025/87")? Then what follows
 * describes it. */
static bool ends_in_dnr(const ps_buf *text)
{
    char dnr[64];
    return text->data && trailing_dnr(text->data, text->len, dnr) < text->len;
}

static void find_agenda(ps_parser *p, split *sp)
{
    size_t h;
    for (h = 0; h < p->nlines; h++)
        if (!ps_line_blank(p, h) && p->lines[h].width <= 40 &&
            ps_vocab_agenda_heading(ps_line_plain(p, h)))
            break;
    if (h == p->nlines)
        return;
    ps_buf text = PS_BUF_INIT;
    size_t first = 0, last = h;
    long number = 0;
    bool open = false, described = false;
    for (size_t i = h + 1; i < p->nlines && sp->nitems < 500; i++) {
        bool blank = ps_line_blank(p, i);
        size_t nx = blank ? ps_line_next_text(p, i) : i;
        if (nx == (size_t)-1)
            break;
        const char *t = ps_line_plain(p, nx);
        long num = -1;
        size_t at = item_number_at(t, &num);
        if (!at && open && (blank || ends_in_dnr(&text))) {
            /* Paragraphs describing the item, up to the next item ("2." after "1."). */
            bool more = false;
            size_t to = description_end(p, nx, number + 1, &more);
            /* The last item has a description only in an agenda whose items all have one. */
            if (!more && !described)
                break;
            described = true;
            if (!finish_item(sp, &text, first, last)) {
                sp->nomem = true;
                break;
            }
            sp->items[sp->nitems - 1].desc_end = to;
            open = false;
            last = to - 1;
            if (!more)
                break;
            i = to - 1;
            continue;
        }
        if (blank) {
            if (!at)
                break;
            i = nx - 1;
            continue;
        }
        if (at) {
            if (open && !finish_item(sp, &text, first, last)) {
                sp->nomem = true;
                break;
            }
            ps_buf_clear(&text);
            ps_buf_puts(&text, t + at);
            first = i;
            number = num;
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

/* ---- the anchors of a document ------------------------------------------------------------------
 */

static void find_anchors(ps_parser *p, split *sp)
{
    for (size_t i = 0; i < p->nlines && !sp->nomem; i++) {
        if (ps_line_blank(p, i))
            continue;
        if (sp->nitems && i >= sp->agenda_first && i <= sp->agenda_last)
            continue;
        anchor a;
        if (paragraph_heading(p, i, &a)) {
            p->lines[i].flags |= PS_LINE_SKIP;
            /* A dnr on the next line: "§ 12" / "Dnr KS 2023/12". */
            size_t nx = ps_line_next_text(p, i);
            char tmp[64];
            if (!a.dnr[0] && nx != (size_t)-1 && nx <= i + 2 &&
                ps_text_dnr_only(ps_line_plain(p, nx), tmp, sizeof tmp)) {
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

/* ---- titles and headings ---------------------------------------------------------------------
 */

/* The title block starting at the first text line from i: lines up to a blank line, a known
 * section or a list/table, at most three; marks them skipped. */
static char *take_title(ps_parser *p, size_t i, size_t end, bool strict)
{
    size_t b = i;
    while (b < end && (ps_line_blank(p, b) || (p->lines[b].flags & PS_LINE_SKIP)))
        b++;
    if (b >= end || (p->lines[b].flags & (PS_LINE_TABLE | PS_LINE_LIST)))
        return NULL;
    ps_buf t = PS_BUF_INIT;
    size_t e = b;
    /* A markdown heading may be long (a regeringsuppdrag names every authority it goes to). */
    size_t limit = ps_text_heading_marker(p->src + p->lines[b].cstart,
                                          p->lines[b].cend - p->lines[b].cstart)
                       ? 400
                       : 250;
    for (; e < end && e < b + 3; e++) {
        if (ps_line_blank(p, e) ||
            (p->lines[e].flags & (PS_LINE_TABLE | PS_LINE_LIST | PS_LINE_SKIP)) ||
            p->lines[e].width > limit)
            break;
        const char *pl = ps_line_plain(p, e);
        if (ps_vocab_section(pl) || ps_vocab_header_label(pl, &(size_t){0}) != PS_LABEL_NONE)
            break;
        /* A markdown heading is a title on its own. */
        if (e > b && ps_text_heading_marker(p->src + p->lines[e].cstart,
                                            p->lines[e].cend - p->lines[e].cstart))
            break;
        if (t.len) {
            ps_join j = ps_text_join(t.data, t.len, pl, strlen(pl));
            if (j == PS_JOIN_DROP_HYPHEN)
                t.data[--t.len] = '\0';
            else if (j == PS_JOIN_SPACE)
                ps_buf_putc(&t, ' ');
        }
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
    bool ok = t.data && t.len > 0 && ps_text_width(t.data, t.len) <= limit;
    if (ok && strict) {
        /* Without an anchor the first paragraph is a title only when it looks like one. */
        char last = t.data[t.len - 1];
        ok = ps_text_width(t.data, t.len) <= 150 && last != '.' && last != ',' &&
             !(e < end && !ps_line_blank(p, e) && !(p->lines[e].flags & PS_LINE_SKIP) &&
               !ps_vocab_section(ps_line_plain(p, e)));
    }
    if (!ok || (e == b + 1 && ps_vocab_section(t.data ? t.data : ""))) {
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
        if (ps_vocab_section(t)) {
            l->flags |= PS_LINE_HEADING;
            continue;
        }
        /* A short line standing alone before a long paragraph: a subheading. */
        size_t tn = strlen(t);
        bool alone =
            (i == 0 || ps_line_blank(p, i - 1)) && (i + 1 >= p->nlines || ps_line_blank(p, i + 1));
        if (!alone || tn == 0 || !ps_text_upper_at(t, tn) || strchr(".:;,!?", t[tn - 1]))
            continue;
        size_t words = 1;
        for (size_t k = 0; k < tn; k++)
            words += t[k] == ' ';
        char d[11];
        if (words > 7 || ps_text_date_only(t, d))
            continue;
        size_t nx = ps_line_next_text(p, i);
        if (nx == (size_t)-1 || (p->lines[nx].flags & (PS_LINE_TABLE | PS_LINE_LIST)))
            continue;
        size_t para = 0;
        for (size_t k = nx; k < p->nlines && !ps_line_blank(p, k); k++)
            para += p->lines[k].width;
        if (para >= 120)
            l->flags |= PS_LINE_HEADING;
    }
}

/* ---- ärenden ---------------------------------------------------------------------------------
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
    while (first < end && ps_line_blank(p, first))
        first++;
    while (end > first && ps_line_blank(p, end - 1))
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

/* True when the slug of name (ps_text_slug) tells it apart from every other name: it holds
 * only lower-case ASCII letters, digits, '.', '_' and '/', so only '/' turns into '-' and back. */
static bool slug_is_lossless(const char *name)
{
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' ||
              (*c == '/' && c[1] != '/' && c != name)))
            return false;
    return true;
}

/* Longest source-name slug in a key (longer ones are cut and get the hash). */
#define KEY_NAME_MAX 160

/* The key: "<kommun>:<dnr>" or "<kommun>:<source>-<n>", where <source> is the slug of the
 * whole source name (the indexer passes the path relative to its root: base names repeat
 * across directories, "lagradsremiss.md") and, when that slug could stand for another name too
 * ("Möte 1.md" and "mote-1.md") or is cut to KEY_NAME_MAX, "-" and 8 hex digits of the name's
 * FNV-1a hash. */
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
        const char *base = source_name ? source_name : "dokument";
        while (base[0] == '.' && base[1] == '/')
            base += 2;
        char *bs = ps_text_slug(base, strlen(base));
        ps_buf b = PS_BUF_INIT;
        const char *slug = bs && *bs ? bs : "dokument";
        size_t slen = strlen(slug);
        bool cut = slen > KEY_NAME_MAX;
        /* a key stays short enough to be one index term and a readable URL */
        ps_buf_append(&b, slug, cut ? KEY_NAME_MAX : slen);
        if (cut || !slug_is_lossless(base)) {
            uint32_t h = 2166136261u;
            for (const unsigned char *c = (const unsigned char *)base; *c; c++)
                h = (h ^ *c) * 16777619u;
            ps_buf_printf(&b, "-%08x", (unsigned)h);
        }
        ps_buf_printf(&b, "-%zu", n);
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

/* Whether the document looks like what a kommun writes about its meetings — a protocol, an
 * extract, a kallelse or a tjänsteskrivelse: its header says so, or it has their structure (§
 * paragraphs, tjänsteskrivelse headers, an ärendelista; a "Yttrande" heading), or a letterhead
 * names the kommun. Only
 * then are kommun and nämnd inferred from the text's mentions and the dnr series; a government
 * report that names "Stockholm" often is not Stockholm's. */
static bool looks_municipal(const ps_protocol_doc *doc, size_t paragraphs, size_t headers,
                            bool agenda, bool letterhead)
{
    return (doc->type != PS_DOC_OTHER && doc->type_source == PS_FIELD_READ) || paragraphs > 0 ||
           headers > 0 || agenda || letterhead;
}

/* The document's type, date, nämnd and kommun: type and date from its header lines; nämnd and
 * kommun only for documents that look municipal (header lines, dnr series, mentions). */
static ps_status doc_metadata(ps_parser *p, const split *sp, size_t preamble_end)
{
    ps_protocol_doc *doc = p->doc;
    size_t paragraphs = 0, headers = 0;
    for (size_t k = 0; k < sp->n; k++) {
        paragraphs += sp->v[k].kind == ANCHOR_PARAGRAPH;
        headers += sp->v[k].kind == ANCHOR_HEADER;
    }
    doc->type = ps_meta_type(p, paragraphs, headers, sp->nitems > 0, &doc->type_source);
    char date[11];
    ps_field_source dsrc;
    ps_meta_date(p, preamble_end, date, &dsrc);
    if (date[0] && !ps_field_set(&doc->date, date, dsrc))
        return PS_ERR_NOMEM;
    bool kread = false;
    const char *kommun = ps_kommun_infer(p->src, p->lines, p->nlines, &kread);
    bool municipal = looks_municipal(doc, paragraphs, headers, sp->nitems > 0, kommun && kread);
    if (!municipal)
        kommun = NULL;
    /* The nämnd: a header line, else the series letters of a dnr, else the text's mentions (a
     * government text's "Socialstyrelsen" line is no nämnd). */
    char *namnd = municipal ? ps_meta_namnd(p, preamble_end) : NULL;
    ps_field_source nsrc = PS_FIELD_READ;
    if (!namnd && municipal) {
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
    if (!ok || !ps_field_set(&doc->kommun, kommun, kread ? PS_FIELD_READ : PS_FIELD_INFERRED))
        return PS_ERR_NOMEM;
    return PS_OK;
}

/* Each anchor's end, addressee and title; a document without anchors is one ärende. */
static ps_status anchor_titles(ps_parser *p, split *sp)
{
    for (size_t k = 0; k < sp->n; k++) {
        anchor *a = &sp->v[k];
        size_t end = k + 1 < sp->n ? sp->v[k + 1].start : p->nlines;
        a->end = end;
        if (a->kind == ANCHOR_HEADER) {
            /* After the header: the addressee ("Socialnämnden"), then the title. */
            size_t i = a->line;
            while (i < end &&
                   (ps_line_blank(p, i) || (p->lines[i].flags & PS_LINE_SKIP) ||
                    ps_vocab_header_label(ps_line_plain(p, i), &(size_t){0}) != PS_LABEL_NONE))
                i++;
            if (i < end) {
                const char *t = ps_line_plain(p, i);
                if ((a->namnd = ps_namnd_normalize(t, strlen(t))) != NULL)
                    p->lines[i++].flags |= PS_LINE_SKIP;
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
    if (sp->n == 0 && sp->nitems == 0) {
        anchor whole = {.kind = ANCHOR_WHOLE, .agenda = -1, .end = p->nlines};
        /* A document opening with a markdown heading ("# Title", as converted documents do) is
         * titled by it, however long or however it ends ("… m.m."); else the first paragraph
         * must look like a title. */
        size_t first = ps_line_next_text(p, (size_t)-1);
        bool heading = first != (size_t)-1 &&
                       ps_text_heading_marker(p->src + p->lines[first].cstart,
                                              p->lines[first].cend - p->lines[first].cstart);
        whole.title = take_title(p, 0, p->nlines, !heading);
        if (!push_anchor(sp, &whole)) {
            free_anchor(&whole);
            return PS_ERR_NOMEM;
        }
    }
    return PS_OK;
}

/* Agenda items found as no anchor become ärenden of their own; *first is the first of them. */
static ps_status add_agenda_only(ps_parser *p, split *sp, long *first)
{
    *first = -1;
    size_t nanchors = sp->n;
    char **lower_titles = calloc(nanchors + 1, sizeof *lower_titles);
    if (!lower_titles)
        return PS_ERR_NOMEM;
    bool nomem = false;
    for (size_t j = 0; j < nanchors; j++)
        if (sp->v[j].title && !(lower_titles[j] = lower_dup(sp->v[j].title)))
            nomem = true;
    for (size_t k = 0; k < sp->nitems && !nomem; k++) {
        agenda_item *it = &sp->items[k];
        for (size_t j = 0; j < nanchors && !it->matched; j++)
            it->matched = agenda_matches_anchor(it, &sp->v[j], lower_titles[j]);
    }
    for (size_t j = 0; j < nanchors; j++)
        free(lower_titles[j]);
    free(lower_titles);
    for (size_t k = 0; k < sp->nitems && !nomem; k++) {
        agenda_item *it = &sp->items[k];
        if (it->matched)
            continue;
        /* An item with a description has that as its body; its own lines are its title. */
        bool described = it->desc_end > it->last + 1;
        anchor a = {.kind = ANCHOR_AGENDA,
                    .agenda = described ? -1 : (long)k,
                    .line = it->first,
                    .start = it->first,
                    .end = described ? it->desc_end : it->last + 1};
        for (size_t i = it->first; described && i <= it->last; i++)
            p->lines[i].flags |= PS_LINE_SKIP;
        memcpy(a.dnr, it->dnr, sizeof a.dnr);
        if (!(a.title = strdup(it->title)) || !push_anchor(sp, &a)) {
            free(a.title);
            nomem = true;
        } else if (*first < 0) {
            *first = (long)sp->n - 1;
        }
    }
    return nomem ? PS_ERR_NOMEM : PS_OK;
}

/* Where the text before the first anchor goes: to the first agenda-only item; as an ärende of
 * its own when it is the front matter (attendance, justerare) of a protocol with several
 * ärenden; else it opens the first ärende. */
static ps_status place_preamble(ps_parser *p, split *sp, size_t preamble_end, long first_agenda)
{
    size_t text_lines = 0;
    for (size_t i = 0; i < preamble_end; i++)
        text_lines += !(p->lines[i].flags & (PS_LINE_BLANK | PS_LINE_NOISE | PS_LINE_SKIP));
    if (text_lines == 0)
        return PS_OK;
    if (first_agenda >= 0 && sp->v[first_agenda].agenda >= 0) {
        sp->v[first_agenda].start = 0;
        sp->v[first_agenda].end = preamble_end;
        sp->v[first_agenda].agenda = -1; /* it has a body now */
        return PS_OK;
    }
    if (sp->n < 2 || text_lines < 3) {
        if (sp->n)
            sp->v[0].start = 0;
        return PS_OK;
    }
    /* "Protokoll, Kommunstyrelsen 2022-03-15" */
    const ps_protocol_doc *doc = p->doc;
    const char *type = ps_doc_type_name(doc->type);
    ps_buf t = PS_BUF_INIT;
    if (doc->type == PS_DOC_OTHER)
        ps_buf_puts(&t, "Dokument");
    else
        ps_buf_printf(&t, "%c%s", type[0] - 32, type + 1);
    if (doc->namnd.value)
        ps_buf_printf(&t, ", %s", doc->namnd.value);
    if (doc->date.value)
        ps_buf_printf(&t, " %s", doc->date.value);
    anchor f = {
        .kind = ANCHOR_FRONT, .agenda = -1, .end = preamble_end, .title = ps_buf_steal(&t, NULL)};
    if (!f.title || !push_anchor(sp, &f)) {
        free(f.title);
        return PS_ERR_NOMEM;
    }
    return PS_OK;
}

/* A tjänsteskrivelse inside a protocol or kallelse is typed by itself, not by the document. */
static bool own_type(const ps_protocol_doc *doc, const anchor *an)
{
    return an->kind == ANCHOR_HEADER && doc->type != PS_DOC_TJANSTESKRIVELSE &&
           doc->type != PS_DOC_YTTRANDE;
}

/* Fill ärende a from anchor an: body, span, fields (own or the document's). */
static ps_status make_arende(ps_parser *p, const anchor *an, ps_arende *a)
{
    const ps_protocol_doc *doc = p->doc;
    /* An agenda-only item without the preamble has its agenda line but no body. */
    bool bodiless = an->kind == ANCHOR_AGENDA && an->agenda >= 0;
    ps_status st = PS_OK;
    if (bodiless)
        st = (a->body = strdup("")) ? PS_OK : PS_ERR_NOMEM;
    else
        st = ps_body_build(p, an->start, an->end, a);
    if (st != PS_OK)
        return st;
    set_span(p, a, bodiless ? an->line : an->start, an->end);
    bool fail = false;
    fail |= an->dnr[0] && !ps_field_set(&a->dnr, an->dnr, PS_FIELD_READ);
    fail |= an->paragraf[0] && !ps_field_set(&a->paragraf, an->paragraf, PS_FIELD_READ);
    fail |=
        an->title && !ps_field_set(&a->title, an->title,
                                   an->kind == ANCHOR_FRONT ? PS_FIELD_INFERRED : PS_FIELD_READ);
    fail |= an->handlaggare && !ps_field_set(&a->handlaggare, an->handlaggare, PS_FIELD_READ);
    fail |= an->date[0] ? !ps_field_set(&a->date, an->date, PS_FIELD_READ)
                        : !ps_field_set(&a->date, doc->date.value, doc->date.source);
    fail |= an->namnd ? !ps_field_set(&a->namnd, an->namnd, PS_FIELD_READ)
                      : !ps_field_set(&a->namnd, doc->namnd.value, doc->namnd.source);
    fail |= !ps_field_set(&a->kommun, doc->kommun.value, doc->kommun.source);
    a->type = doc->type;
    a->type_source = doc->type_source;
    if (own_type(doc, an)) {
        a->type = PS_DOC_TJANSTESKRIVELSE;
        a->type_source = PS_FIELD_INFERRED;
    }
    return fail ? PS_ERR_NOMEM : PS_OK;
}

/* The caller's metadata describes the document; an ärende keeps what its own header says.
 * arenden[k] was made from sp->v[k]. */
static ps_status apply_opts(ps_protocol_doc *doc, const ps_protocol_opts *opts, const split *sp)
{
    ps_doc_type t = PS_DOC_OTHER;
    bool fail = false;
    fail |= opts->kommun && !ps_field_set(&doc->kommun, opts->kommun, PS_FIELD_EXTERNAL);
    fail |= opts->namnd && !ps_field_set(&doc->namnd, opts->namnd, PS_FIELD_EXTERNAL);
    fail |= opts->date && !ps_field_set(&doc->date, opts->date, PS_FIELD_EXTERNAL);
    bool ext_type = opts->type && ps_doc_type_from_name(opts->type, &t);
    for (size_t k = 0; k < doc->narenden && !fail; k++) {
        ps_arende *a = &doc->arenden[k];
        const anchor *an = &sp->v[k];
        fail |= opts->kommun && !ps_field_set(&a->kommun, opts->kommun, PS_FIELD_EXTERNAL);
        if (opts->namnd && !an->namnd)
            fail |= !ps_field_set(&a->namnd, opts->namnd, PS_FIELD_EXTERNAL);
        if (opts->date && !an->date[0])
            fail |= !ps_field_set(&a->date, opts->date, PS_FIELD_EXTERNAL);
        if (ext_type && !own_type(doc, an)) {
            a->type = t;
            a->type_source = PS_FIELD_EXTERNAL;
        }
    }
    if (ext_type) {
        doc->type = t;
        doc->type_source = PS_FIELD_EXTERNAL;
    }
    return fail ? PS_ERR_NOMEM : PS_OK;
}

static ps_status build(ps_parser *p, split *sp)
{
    ps_protocol_doc *doc = p->doc;
    size_t preamble_end = sp->n ? sp->v[0].start : p->nlines;
    ps_status st = doc_metadata(p, sp, preamble_end);
    if (st == PS_OK)
        st = anchor_titles(p, sp);
    if (st != PS_OK)
        return st;
    mark_headings(p);
    long first_agenda = -1;
    st = add_agenda_only(p, sp, &first_agenda);
    /* Described agenda items (a kallelse) hold their own text: the preamble ends before them. */
    if (st == PS_OK && first_agenda >= 0 && sp->v[first_agenda].agenda < 0 &&
        sp->v[first_agenda].start < preamble_end)
        preamble_end = sp->v[first_agenda].start;
    if (st == PS_OK)
        st = place_preamble(p, sp, preamble_end, first_agenda);
    size_t cap = 0;
    for (size_t k = 0; k < sp->n && st == PS_OK; k++) {
        ps_arende *a = new_arende(doc, &cap);
        st = a ? make_arende(p, &sp->v[k], a) : PS_ERR_NOMEM;
    }
    if (st == PS_OK && p->opts)
        st = apply_opts(doc, p->opts, sp);
    if (st != PS_OK)
        return st;
    qsort(doc->arenden, doc->narenden, sizeof *doc->arenden, cmp_arende);
    for (size_t k = 0; k < doc->narenden; k++) {
        ps_arende *a = &doc->arenden[k];
        if (!(a->key = make_key(a, p->opts ? p->opts->source_name : NULL, k + 1)))
            return PS_ERR_NOMEM;
    }
    return PS_OK;
}

ps_status ps_parse_document(ps_protocol_doc *doc, const ps_protocol_opts *opts)
{
    ps_parser p = {
        .doc = doc, .opts = opts, .src = doc->source, .len = doc->source_len, .tmp = PS_BUF_INIT};
    split sp = {0};
    ps_status st = ps_lines_split(&p);
    size_t dropped = 0;
    if (st == PS_OK)
        st = ps_lines_wrap_width(&p);
    if (st == PS_OK)
        st = ps_lines_mark_noise(&p, &dropped);
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
