/*
 * protocol/meta.c — what a document says about itself near the top: its type ("PROTOKOLL",
 * "Kallelse", "Tjänstemannayttrande ..."; else inferred from its structure), its date (a date
 * line, "Tid:", "Datum:", "Sammanträdesdatum:") and its nämnd ("Sammanträde med ...", a line
 * naming a nämnd). Only short lines are looked at: paragraphs are not headers.
 */
#include "internal.h"

#include <string.h>

/* Advance *i to the next of the first max text lines before end short enough to be a header
 * line (paragraphs are not). Returns false when there is none. */
static bool next_top_line(const ps_parser *p, size_t *i, size_t end, size_t *seen, size_t max)
{
    for (; *i < end && *seen < max; (*i)++) {
        if (ps_line_blank(p, *i))
            continue;
        (*seen)++;
        if (p->lines[*i].width <= 200)
            return true;
    }
    return false;
}

ps_doc_type ps_meta_type(ps_parser *p, size_t paragraphs, size_t headers, bool agenda,
                         ps_field_source *src)
{
    *src = PS_FIELD_READ;
    size_t seen = 0;
    ps_buf low = PS_BUF_INIT;
    ps_doc_type found = PS_DOC_OTHER;
    bool hit = false;
    for (size_t i = 0; !hit && next_top_line(p, &i, p->nlines, &seen, 12); i++) {
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
    if (paragraphs >= 2)
        return PS_DOC_PROTOKOLL;
    if (paragraphs == 1 && !agenda)
        return PS_DOC_PROTOKOLLSUTDRAG;
    if (agenda)
        return PS_DOC_KALLELSE;
    if (headers)
        return PS_DOC_TJANSTESKRIVELSE;
    return PS_DOC_OTHER;
}

/* A line that is a date, perhaps with the time: "2023-06-01", "2023-06-01 kl. 13.00",
 * "1 juni 2023, 13.00-16.00". */
static bool date_line(const char *t, char out[11])
{
    size_t n = strlen(t), used = 0;
    if (!ps_date_parse(t, n, out, &used))
        return false;
    if (used == n)
        return true;
    const char *r = t + used;
    while (*r == ' ' || *r == ',')
        r++;
    return n <= 40 && (ps_text_iprefix(r, strlen(r), "kl") || (*r >= '0' && *r <= '9'));
}

/* The document date: a date-only line or "Tid:/Datum:/Sammanträdesdatum:" near the top. */
void ps_meta_date(ps_parser *p, size_t preamble_end, char out[11], ps_field_source *src)
{
    static const char *const labels[] = {"Tid",        "Datum",       "Sammanträdesdatum",
                                         "Mötesdatum", "Sammanträde", "Plats och tid"};
    out[0] = '\0';
    *src = PS_FIELD_ABSENT;
    size_t seen = 0;
    for (size_t i = 0; next_top_line(p, &i, p->nlines, &seen, 30); i++) {
        const char *t = ps_line_plain(p, i);
        size_t n = strlen(t), used;
        if (date_line(t, out)) {
            *src = PS_FIELD_READ;
            if (i < preamble_end && ps_text_date_only(t, out))
                p->lines[i].flags |= PS_LINE_SKIP;
            return;
        }
        for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++) {
            size_t l = strlen(labels[k]);
            /* "Sammanträdesdatum: 2023-11-01", also without the colon. */
            if (ps_text_iprefix(t, n, labels[k]) && l < n && (t[l] == ':' || t[l] == ' ')) {
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
char *ps_meta_namnd(ps_parser *p, size_t preamble_end)
{
    size_t seen = 0;
    for (size_t i = 0; next_top_line(p, &i, preamble_end, &seen, 30); i++) {
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
