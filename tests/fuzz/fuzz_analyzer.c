/*
 * fuzz_analyzer.c — libFuzzer harness: arbitrary bytes through both analyzer modes and the
 * highlighter. Asserts the token invariants every caller relies on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/analyzer.h"

typedef struct {
    size_t len;
    size_t last_end;
    unsigned last_pos;
} check_ctx;

static bool check_token(void *vctx, const ps_token *tok)
{
    check_ctx *c = vctx;
    if (tok->start >= tok->end || tok->end > c->len || tok->pos != c->last_pos + 1 ||
        tok->start < c->last_end || tok->nterms == 0 || tok->terms[0].kind != PS_TERM_STEM)
        abort();
    for (size_t i = 0; i < tok->nterms; i++)
        if (tok->terms[i].len == 0 || tok->terms[i].len > PS_ANALYZER_TERM_MAX)
            abort();
    c->last_end = tok->end;
    c->last_pos = tok->pos;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ps_lexicon *lex;
    static ps_analyzer *sw, *ex;
    ps_error err;
    if (!lex) {
        if (ps_lexicon_load(NULL, &lex, &err) != PS_OK ||
            ps_analyzer_new(lex, PS_ANALYZER_SWEDISH, &sw, &err) != PS_OK ||
            ps_analyzer_new(NULL, PS_ANALYZER_EXACT_SNOWBALL, &ex, &err) != PS_OK)
            abort();
    }
    check_ctx c = {size, 0, 0};
    if (ps_analyzer_run(sw, (const char *)data, size, 0, check_token, &c, &err) != PS_OK)
        abort();
    c = (check_ctx){size, 0, 0};
    if (ps_analyzer_run(ex, (const char *)data, size, PS_ANALYZE_QUERY, check_token, &c, &err) !=
        PS_OK)
        abort();
    return 0;
}
