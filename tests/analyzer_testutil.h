/*
 * analyzer_testutil.h — shared by the analyzer and highlight tests: run the analyzer and keep
 * copies of its tokens so that tests can look at them after the callbacks.
 */
#ifndef PROTOKOLLSOK_ANALYZER_TESTUTIL_H
#define PROTOKOLLSOK_ANALYZER_TESTUTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/analyzer.h"

#define TU_MAX_TOKENS 64
#define TU_MAX_TERMS 32
#define TU_TERM_LEN 256

typedef struct {
    size_t start, end;
    unsigned pos, flags;
    char norm[TU_TERM_LEN];
    size_t nterms, compound_parts;
    char terms[TU_MAX_TERMS][TU_TERM_LEN];
    ps_term_kind kinds[TU_MAX_TERMS];
} tu_token;

typedef struct {
    size_t n;      /* tokens seen (all of them) */
    size_t stored; /* tokens copied (at most TU_MAX_TOKENS) */
    tu_token tok[TU_MAX_TOKENS];
} tu_tokens;

static inline void tu_copy(char *dst, const char *src, size_t len)
{
    if (len >= TU_TERM_LEN)
        len = TU_TERM_LEN - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static inline bool tu_collect(void *ctx, const ps_token *t)
{
    tu_tokens *ts = ctx;
    ts->n++;
    if (ts->stored == TU_MAX_TOKENS)
        return true;
    tu_token *d = &ts->tok[ts->stored++];
    d->start = t->start;
    d->end = t->end;
    d->pos = t->pos;
    d->flags = t->flags;
    tu_copy(d->norm, t->norm, t->norm_len);
    d->nterms = t->nterms < TU_MAX_TERMS ? t->nterms : TU_MAX_TERMS;
    d->compound_parts = t->compound_parts;
    for (size_t i = 0; i < d->nterms; i++) {
        tu_copy(d->terms[i], t->terms[i].text, t->terms[i].len);
        d->kinds[i] = t->terms[i].kind;
    }
    return true;
}

/* Analyze a NUL-terminated string; returns the ps_status. ts is reset first. */
static inline ps_status tu_run(ps_analyzer *an, const char *text, tu_tokens *ts)
{
    ps_error err;
    memset(ts, 0, sizeof *ts);
    return ps_analyzer_run(an, text, strlen(text), 0, tu_collect, ts, &err);
}

/* Does token t carry term (of any kind)? */
static inline bool tu_has(const tu_token *t, const char *term)
{
    for (size_t i = 0; i < t->nterms; i++)
        if (strcmp(t->terms[i], term) == 0)
            return true;
    return false;
}

/* Does token t carry term with this kind? */
static inline bool tu_has_kind(const tu_token *t, const char *term, ps_term_kind kind)
{
    for (size_t i = 0; i < t->nterms; i++)
        if (strcmp(t->terms[i], term) == 0 && t->kinds[i] == kind)
            return true;
    return false;
}

/* The i-th PART term of t (NULL when there are fewer). */
static inline const char *tu_part(const tu_token *t, size_t i)
{
    for (size_t k = 0; k < t->nterms; k++)
        if (t->kinds[k] == PS_TERM_PART && i-- == 0)
            return t->terms[k];
    return NULL;
}

#endif
