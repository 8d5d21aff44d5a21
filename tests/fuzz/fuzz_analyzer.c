/*
 * fuzz_analyzer.c — libFuzzer harness: arbitrary bytes through both analyzer modes and the
 * highlighter (querying the text's own first words). Asserts the invariants callers rely on:
 * ordered in-bounds spans, consecutive positions, a STEM term first, bounded terms, matches.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "protokollsok/analyzer.h"
#include "protokollsok/highlight.h"

typedef struct {
    size_t len;
    size_t last_end;
    unsigned last_pos;
    char terms[4][PS_ANALYZER_TERM_MAX + 1]; /* the first STEM terms, as a query */
    size_t nterms;
} check_ctx;

/* Terms go into the index and into JSON: they must be valid UTF-8. */
static bool valid_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            return false;
        i += (size_t)k;
    }
    return true;
}

static bool check_token(void *vctx, const ps_token *tok)
{
    check_ctx *c = vctx;
    if (tok->start >= tok->end || tok->end > c->len || tok->pos != c->last_pos + 1 ||
        tok->start < c->last_end || tok->nterms == 0 || tok->terms[0].kind != PS_TERM_STEM)
        abort();
    for (size_t i = 0; i < tok->nterms; i++)
        if (tok->terms[i].len == 0 || tok->terms[i].len > PS_ANALYZER_TERM_MAX ||
            !valid_utf8(tok->terms[i].text, tok->terms[i].len))
            abort();
    if (!valid_utf8(tok->norm, tok->norm_len))
        abort();
    c->last_end = tok->end;
    c->last_pos = tok->pos;
    if (c->nterms < 4) {
        memcpy(c->terms[c->nterms], tok->terms[0].text, tok->terms[0].len);
        c->terms[c->nterms++][tok->terms[0].len] = '\0';
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ps_lexicon *lex;
    static ps_analyzer *sw, *exact;
    ps_error err;
    if (!lex) {
        if (ps_lexicon_load(NULL, &lex, &err) != PS_OK ||
            ps_analyzer_new(lex, PS_ANALYZER_SWEDISH, &sw, &err) != PS_OK ||
            ps_analyzer_new(NULL, PS_ANALYZER_EXACT_SNOWBALL, &exact, &err) != PS_OK)
            abort();
    }
    static check_ctx c;
    c = (check_ctx){.len = size};
    if (ps_analyzer_run(sw, (const char *)data, size, 0, check_token, &c, &err) != PS_OK)
        abort();
    const char *q[4];
    for (size_t i = 0; i < c.nterms; i++)
        q[i] = c.terms[i];
    ps_match *m;
    size_t n;
    if (ps_highlight_find(sw, (const char *)data, size, q, c.nterms, &m, &n, &err) != PS_OK)
        abort();
    if (c.nterms && n == 0)
        abort(); /* the text's own first words must match */
    ps_excerpt *ex;
    size_t nex;
    if (ps_highlight_excerpts((const char *)data, size, m, n, 64, 3, &ex, &nex, &err) != PS_OK)
        abort();
    for (size_t i = 0; i < nex; i++) {
        if (ex[i].start > ex[i].end || ex[i].end > size || ex[i].first_match + ex[i].nmatch > n)
            abort();
    }
    free(ex);
    free(m);
    c = (check_ctx){.len = size};
    if (ps_analyzer_run(exact, (const char *)data, size, PS_ANALYZE_QUERY, check_token, &c, &err) !=
        PS_OK)
        abort();
    return 0;
}
