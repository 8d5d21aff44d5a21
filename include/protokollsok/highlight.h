/*
 * highlight.h — which words of a text a query matched, and the best excerpts around them.
 *
 * Uses the analyzer (the very same terms as the index): a source word is marked when any of
 * its terms (stem, -et form, compound part, exact form) is one of the query's terms, so query
 * `förbund` marks the whole word `Samordningsförbundet`.
 *
 * Ownership: arrays returned through out-parameters are malloc'd, the caller frees them.
 */
#ifndef PROTOKOLLSOK_HIGHLIGHT_H
#define PROTOKOLLSOK_HIGHLIGHT_H

#include <stddef.h>

#include "protokollsok/analyzer.h"
#include "protokollsok/error.h"

typedef struct {
    size_t start, end; /* byte span of a matched source word (or multi-word unit) */
    size_t term;       /* index into the query terms of the (first) term it matched */
} ps_match;

/* Find the matches of terms[0..nterms) (analyzer term texts, NUL-terminated) in text. */
ps_status ps_highlight_find(ps_analyzer *an, const char *text, size_t len,
                            const char *const *terms, size_t nterms, ps_match **out,
                            size_t *nout, ps_error *err);

typedef struct {
    size_t start, end;          /* byte span of the excerpt in text, on word boundaries */
    size_t first_match, nmatch; /* the matches inside it: matches[first_match .. +nmatch) */
} ps_excerpt;

/* Choose up to max_excerpts non-overlapping windows of about window_bytes each, best first
 * (most distinct query terms, then density), cut at word boundaries and never inside a UTF-8
 * sequence. With no matches, one excerpt from the start of text. */
ps_status ps_highlight_excerpts(const char *text, size_t len, const ps_match *matches,
                                size_t nmatches, size_t window_bytes, size_t max_excerpts,
                                ps_excerpt **out, size_t *nout, ps_error *err);

#endif
