/*
 * highlight.c — which source words a query matched, and the best excerpts around them.
 *
 * Matching re-runs the analyzer over the text and compares every token's terms with the
 * query's terms, so whatever made a document match (stem, -et form, compound part, whole
 * unit) also marks the word, and the whole source word is marked (Samordningsförbundet for
 * the query förbund).
 *
 * Excerpts: each match anchors a candidate window holding the matches that fit in
 * window_bytes after it; candidates rank by distinct query terms, then number of matches, then
 * position. The chosen span is widened to about window_bytes around its matches and its ends
 * moved to whitespace, which can never sit inside a UTF-8 sequence.
 */
#include "protokollsok/highlight.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *const *terms;
    const size_t *lens;
    size_t nterms;
    ps_match *matches;
    size_t n, cap;
    bool failed;
} find_ctx;

static bool match_token(void *vctx, const ps_token *tok)
{
    find_ctx *c = vctx;
    size_t best = (size_t)-1;
    for (size_t i = 0; i < tok->nterms; i++)
        for (size_t q = 0; q < c->nterms && q < best; q++)
            if (c->lens[q] == tok->terms[i].len &&
                memcmp(c->terms[q], tok->terms[i].text, c->lens[q]) == 0)
                best = q;
    if (best == (size_t)-1)
        return true;
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        ps_match *m = realloc(c->matches, ncap * sizeof *m);
        if (!m) {
            c->failed = true;
            return false;
        }
        c->matches = m;
        c->cap = ncap;
    }
    c->matches[c->n++] = (ps_match){tok->start, tok->end, best};
    return true;
}

ps_status ps_highlight_find(ps_analyzer *an, const char *text, size_t len, const char *const *terms,
                            size_t nterms, ps_match **out, size_t *nout, ps_error *err)
{
    *out = NULL;
    *nout = 0;
    if (nterms == 0 || len == 0)
        return PS_OK;
    size_t *lens = malloc(nterms * sizeof *lens);
    if (!lens)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory highlighting");
    for (size_t i = 0; i < nterms; i++)
        lens[i] = terms[i] ? strlen(terms[i]) : 0;
    find_ctx c = {terms, lens, nterms, NULL, 0, 0, false};
    ps_status st = ps_analyzer_run(an, text, len, 0, match_token, &c, err);
    free(lens);
    if (st == PS_OK && c.failed)
        st = ps_error_set(err, PS_ERR_NOMEM, "out of memory highlighting");
    if (st != PS_OK) {
        free(c.matches);
        return st;
    }
    *out = c.matches;
    *nout = c.n;
    return PS_OK;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

enum { PS_BOUNDARY_SLACK = 32 }; /* how far an excerpt end may move to reach whitespace */

/* Move a start position to just after whitespace: backwards first, else forwards but not past
 * limit (the first match), else limit itself. */
static size_t snap_start(const char *text, size_t pos, size_t limit)
{
    if (pos == 0)
        return 0;
    for (size_t i = pos, steps = 0; i > 0 && steps < PS_BOUNDARY_SLACK; i--, steps++)
        if (is_space(text[i - 1]))
            return i;
    for (size_t i = pos; i < limit; i++)
        if (is_space(text[i]))
            return i + 1;
    return limit;
}

/* Move an end position onto whitespace: forwards first, else backwards but not before limit
 * (the last match's end), else limit itself. */
static size_t snap_end(const char *text, size_t len, size_t pos, size_t limit)
{
    if (pos >= len)
        return len;
    for (size_t i = pos, steps = 0; i < len && steps < PS_BOUNDARY_SLACK; i++, steps++)
        if (is_space(text[i]))
            return i;
    for (size_t i = pos; i > limit; i--)
        if (is_space(text[i - 1]))
            return i - 1;
    return limit;
}

typedef struct {
    size_t start, end, first, n, distinct;
} candidate;

static int better(const candidate *a, const candidate *b)
{
    if (a->distinct != b->distinct)
        return a->distinct > b->distinct;
    if (a->n != b->n)
        return a->n > b->n;
    return a->start < b->start;
}

static size_t count_distinct(const ps_match *m, size_t n)
{
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < i && m[k].term != m[i].term)
            k++;
        distinct += k == i;
    }
    return distinct;
}

ps_status ps_highlight_excerpts(const char *text, size_t len, const ps_match *matches,
                                size_t nmatches, size_t window_bytes, size_t max_excerpts,
                                ps_excerpt **out, size_t *nout, ps_error *err)
{
    *out = NULL;
    *nout = 0;
    if (max_excerpts == 0 || len == 0)
        return PS_OK;
    if (window_bytes == 0)
        window_bytes = 1;
    if (nmatches == 0) {
        ps_excerpt *e = malloc(sizeof *e);
        if (!e)
            return ps_error_set(err, PS_ERR_NOMEM, "out of memory choosing excerpts");
        size_t end = snap_end(text, len, window_bytes < len ? window_bytes : len, 0);
        if (end == 0) /* one word longer than the window: cut at a character boundary */
            for (end = window_bytes < len ? window_bytes : len;
                 end > 0 && end < len && ((unsigned char)text[end] & 0xC0) == 0x80;)
                end--;
        *e = (ps_excerpt){0, end, 0, 0};
        *out = e;
        *nout = 1;
        return PS_OK;
    }
    candidate *cand = malloc(nmatches * sizeof *cand);
    ps_excerpt *chosen =
        malloc((max_excerpts < nmatches ? max_excerpts : nmatches) * sizeof *chosen);
    if (!cand || !chosen) {
        free(cand);
        free(chosen);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory choosing excerpts");
    }
    enum { PS_DISTINCT_SCAN_MAX = 64 };
    for (size_t i = 0, j = 0; i < nmatches; i++) {
        if (j < i + 1)
            j = i + 1;
        while (j < nmatches && matches[j].end - matches[i].start <= window_bytes)
            j++;
        size_t n = j - i;
        size_t lo = matches[i].start, hi = matches[j - 1].end;
        size_t slack = hi - lo < window_bytes ? (window_bytes - (hi - lo)) / 2 : 0;
        size_t s = lo > slack ? lo - slack : 0;
        size_t e = hi + slack < len ? hi + slack : len;
        cand[i] = (candidate){
            snap_start(text, s, lo), snap_end(text, len, e, hi), i, n,
            count_distinct(matches + i, n < PS_DISTINCT_SCAN_MAX ? n : PS_DISTINCT_SCAN_MAX)};
    }
    size_t nchosen = 0;
    while (nchosen < max_excerpts) {
        size_t best = nmatches;
        for (size_t i = 0; i < nmatches; i++) {
            bool overlaps = false;
            for (size_t k = 0; k < nchosen && !overlaps; k++)
                overlaps = cand[i].start < chosen[k].end && chosen[k].start < cand[i].end;
            if (!overlaps && (best == nmatches || better(&cand[i], &cand[best])))
                best = i;
        }
        if (best == nmatches)
            break;
        /* every match inside the final span, which may reach beyond the anchored run */
        size_t first = cand[best].first, last = first + cand[best].n;
        while (first > 0 && matches[first - 1].start >= cand[best].start)
            first--;
        while (last < nmatches && matches[last].end <= cand[best].end)
            last++;
        chosen[nchosen++] = (ps_excerpt){cand[best].start, cand[best].end, first, last - first};
    }
    free(cand);
    *out = chosen;
    *nout = nchosen;
    return PS_OK;
}
