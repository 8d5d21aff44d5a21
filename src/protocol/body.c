/*
 * protocol/body.c — line repair: the lines of one ärende become its body text.
 *
 * Hard-wrapped lines (PDF text) are joined into paragraphs with one space; a line much shorter
 * than the wrap width ends its paragraph. End-of-line hyphenation is undone
 * ("utbildnings-" + "förvaltningen"), but a hyphen before a conjunction stays ("kultur- och"),
 * and one after a capital or digit stays without the space ("IT-" + "samordnare"). Markdown
 * emphasis, heading markers, tags and link syntax are dropped; table rows stay one per line with
 * their tab-separated cells. Paragraphs are separated by one '\n'.
 *
 * Every byte copied from the source is recorded in a piece (body offset → source offset);
 * separators the repair inserts are not, which is how ps_arende_source_offset maps back.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    ps_buf body;
    ps_offset_piece *pieces;
    size_t npieces, piece_cap;
    ps_section *sections;
    size_t nsections, section_cap;
    bool failed;
} builder;

static void copy_src(builder *b, const char *src, size_t off, size_t n)
{
    if (n == 0 || b->failed)
        return;
    ps_offset_piece *last = b->npieces ? &b->pieces[b->npieces - 1] : NULL;
    if (last && last->body_start + last->len == b->body.len && last->src_start + last->len == off) {
        last->len += n;
    } else {
        if (!ps_grow(&b->pieces, &b->piece_cap, b->npieces, sizeof *b->pieces)) {
            b->failed = true;
            return;
        }
        b->pieces[b->npieces++] = (ps_offset_piece){b->body.len, off, n};
    }
    ps_buf_append(&b->body, src + off, n);
}

/* Append the content of source range [s, e), dropping markup. */
static void copy_content(builder *b, const char *src, size_t s, size_t e, bool heading)
{
    if (heading)
        s += ps_text_heading_marker(src + s, e - s);
    size_t run = s;
    bool word_start = true;
    for (size_t i = s; i < e;) {
        char c = src[i];
        bool opener = c == '*' || c == '_' || c == '<' || c == '\\' || c == '[' || c == ']';
        size_t m = opener ? ps_text_markup_len(src + i, e - i, word_start) : 0;
        if (m) {
            copy_src(b, src, run, i - run);
            i += m;
            run = i;
            continue;
        }
        word_start = src[i] == ' ' || src[i] == '\t' || src[i] == '(';
        i++;
    }
    copy_src(b, src, run, e - run);
    /* Markup at the edges may leave spaces at the end ("**Beslut** "). */
    while (b->body.len && b->body.data[b->body.len - 1] == ' ' && b->npieces &&
           b->pieces[b->npieces - 1].len > 0 &&
           b->pieces[b->npieces - 1].body_start + b->pieces[b->npieces - 1].len == b->body.len) {
        b->body.len--;
        b->body.data[b->body.len] = '\0';
        if (--b->pieces[b->npieces - 1].len == 0)
            b->npieces--;
    }
}

/* Remove the last body byte (a hyphen copied from the source). */
static void drop_last(builder *b)
{
    if (!b->body.len)
        return;
    b->body.len--;
    b->body.data[b->body.len] = '\0';
    if (b->npieces &&
        b->pieces[b->npieces - 1].body_start + b->pieces[b->npieces - 1].len > b->body.len) {
        if (--b->pieces[b->npieces - 1].len == 0)
            b->npieces--;
    }
}

static bool lower_at(const char *s, size_t len)
{
    unsigned char c = (unsigned char)s[0];
    if (c >= 'a' && c <= 'z')
        return true;
    return c == 0xC3 && len > 1 && (unsigned char)s[1] >= 0xA0 && (unsigned char)s[1] <= 0xBE;
}

/* Words after which a line-final hyphen is a real one: "kultur- och utbildning". */
static bool conjunction_at(const char *s, size_t len)
{
    static const char *const words[] = {"och",  "eller", "samt", "respektive", "resp",
                                        "till", "som",   "men",  "el",         "o"};
    size_t n = 0;
    while (n < len && ps_text_wordc((unsigned char)s[n]))
        n++;
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (strlen(words[k]) == n && memcmp(s, words[k], n) == 0)
            return true;
    return false;
}

ps_join ps_text_join(const char *d, size_t n, const char *s, size_t len)
{
    if (!(n >= 2 && d[n - 1] == '-' && d[n - 2] != ' ' && d[n - 2] != '-' && lower_at(s, len)))
        return PS_JOIN_SPACE;
    if (conjunction_at(s, len))
        return PS_JOIN_SPACE; /* "kultur-" + "och": a real hyphen */
    unsigned char before = (unsigned char)d[n - 2];
    bool keep = (before >= 'A' && before <= 'Z') || (before >= '0' && before <= '9');
    if (n >= 3 && (unsigned char)d[n - 3] == 0xC3 && before >= 0x80 && before <= 0x9E)
        keep = true; /* Å Ä Ö */
    /* A one-letter prefix keeps its hyphen: "e-" + "tjänster". */
    if (n == 2 || !ps_text_wordc((unsigned char)d[n - 3]))
        keep = true;
    return keep ? PS_JOIN_KEEP_HYPHEN : PS_JOIN_DROP_HYPHEN;
}

/* Join the next line (content at s) to the paragraph. */
static void join(builder *b, const char *s, size_t len)
{
    switch (ps_text_join(b->body.data, b->body.len, s, len)) {
    case PS_JOIN_SPACE:
        ps_buf_putc(&b->body, ' ');
        break;
    case PS_JOIN_DROP_HYPHEN:
        drop_last(b);
        break;
    case PS_JOIN_KEEP_HYPHEN:
        break;
    }
}

static void add_section(builder *b, const char *name, size_t start)
{
    if (b->failed || !name || !*name)
        return;
    if (!ps_grow(&b->sections, &b->section_cap, b->nsections, sizeof *b->sections)) {
        b->failed = true;
        return;
    }
    char *copy = strdup(name);
    if (!copy) {
        b->failed = true;
        return;
    }
    b->sections[b->nsections++] = (ps_section){copy, start, start};
}

/* Does a paragraph end after line prev, before line cur? */
static bool breaks(const ps_parser *p, size_t prev, size_t cur)
{
    unsigned pf = p->lines[prev].flags, cf = p->lines[cur].flags;
    if ((pf | cf) & (PS_LINE_HEADING | PS_LINE_TABLE))
        return true;
    bool gap = false;
    for (size_t k = prev + 1; k < cur; k++) {
        unsigned f = p->lines[k].flags;
        if (f & PS_LINE_SKIP)
            return true;
        gap |= (f & PS_LINE_BLANK) != 0;
    }
    if (gap || p->lines[prev].page != p->lines[cur].page) {
        /* A sentence cut by a page break ("... för att" / "målgruppen får ...") continues:
         * the paragraph ends in a word and the next starts in lower case. */
        const ps_line *l = &p->lines[prev], *c = &p->lines[cur];
        unsigned char last = (unsigned char)p->src[l->cend - 1];
        bool word_end = ps_text_wordc(last) && !(pf & PS_LINE_HARDBREAK);
        return !(word_end && !(cf & PS_LINE_LIST) &&
                 lower_at(p->src + c->cstart, c->cend - c->cstart));
    }
    if ((cf & PS_LINE_LIST) || (pf & PS_LINE_HARDBREAK))
        return true;
    /* A word split at the line end continues however short the line. */
    const ps_line *l = &p->lines[prev], *c = &p->lines[cur];
    if (l->cend - l->cstart >= 2 && p->src[l->cend - 1] == '-' &&
        ps_text_wordc((unsigned char)p->src[l->cend - 2]) &&
        lower_at(p->src + c->cstart, c->cend - c->cstart))
        return false;
    /* Wrapped text breaks at a short line. Text that is not hard-wrapped breaks lines on
     * purpose, unless a sentence plainly runs on: no stop at the end, lower case next. */
    if (p->wrap_width)
        return l->width * 10 < p->wrap_width * 6;
    char last = p->src[l->cend - 1];
    return strchr(".:;!?", last) || !lower_at(p->src + c->cstart, c->cend - c->cstart);
}

ps_status ps_body_build(const ps_parser *p, size_t first, size_t end, ps_arende *a)
{
    builder b = {.body = PS_BUF_INIT};
    size_t prev = (size_t)-1;
    ps_buf name = PS_BUF_INIT;
    for (size_t i = first; i < end && i < p->nlines; i++) {
        const ps_line *l = &p->lines[i];
        if (l->flags & (PS_LINE_BLANK | PS_LINE_NOISE | PS_LINE_SKIP | PS_LINE_RUNNING))
            continue;
        bool heading = l->flags & PS_LINE_HEADING;
        size_t before = b.body.len;
        if (prev != (size_t)-1) {
            if (breaks(p, prev, i))
                ps_buf_putc(&b.body, '\n');
            else
                join(&b, p->src + l->cstart, l->cend - l->cstart);
        }
        if (heading && b.nsections)
            b.sections[b.nsections - 1].end = before;
        size_t text_start = b.body.len;
        if (l->flags & PS_LINE_CELL) { /* an empty first cell: the tab before the content */
            size_t tab = l->cstart;
            while (tab > l->start && p->src[tab - 1] != '\t')
                tab--;
            copy_src(&b, p->src, tab - 1, 1);
            text_start = b.body.len;
        }
        copy_content(&b, p->src, l->cstart, l->cend, heading);
        if (b.body.len == text_start) {
            /* Only markup: undo the separator. */
            b.body.len = before;
            if (b.body.data)
                b.body.data[before] = '\0';
            while (b.npieces && b.pieces[b.npieces - 1].body_start >= before)
                b.npieces--;
            continue;
        }
        if (heading) {
            ps_buf_clear(&name);
            ps_text_plain(b.body.data, text_start, b.body.len, &name);
            while (name.len && (name.data[name.len - 1] == ':' || name.data[name.len - 1] == ' '))
                name.data[--name.len] = '\0';
            add_section(&b, name.data, b.body.len);
        }
        prev = i;
    }
    ps_buf_free(&name);
    if (b.nsections)
        b.sections[b.nsections - 1].end = b.body.len;
    for (size_t k = 0; k < b.nsections; k++) {
        ps_section *s = &b.sections[k];
        if (s->start < s->end && b.body.data[s->start] == '\n')
            s->start++;
        if (s->end < s->start)
            s->end = s->start;
    }
    if (b.failed || b.body.failed) {
        for (size_t k = 0; k < b.nsections; k++)
            free(b.sections[k].name);
        free(b.sections);
        free(b.pieces);
        ps_buf_free(&b.body);
        return PS_ERR_NOMEM;
    }
    size_t blen = 0;
    a->body = ps_buf_steal(&b.body, &blen);
    a->body_len = blen;
    a->pieces = b.pieces;
    a->npieces = b.npieces;
    a->sections = b.sections;
    a->nsections = b.nsections;
    if (!a->body)
        return PS_ERR_NOMEM;
    return ps_refs_find(a->body, a->body_len, &a->refs, &a->nrefs);
}
