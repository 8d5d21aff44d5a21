/*
 * search_internal.h — private to src/search*.c: the searcher and the query builder that turns
 * a query.h tree into ps_store_query trees with the Swedish analyzer.
 */
#ifndef PROTOKOLLSOK_SEARCH_INTERNAL_H
#define PROTOKOLLSOK_SEARCH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "protokollsok/analyzer.h"
#include "protokollsok/query.h"
#include "protokollsok/search.h"
#include "protokollsok/store.h"

struct ps_searcher {
    char *path;
    ps_store *store;
    ps_lexicon *lex;
    ps_analyzer *an;
};

/* Ranking: weight factors of the alternatives a query word expands to. The stem term (weight
 * 1) matches every inflection and compound part; the others add to it, so an exact word form,
 * a title word or a Beslut-section word ranks above a plain stem or compound-part match. */
#define PS_W_STEM 1.0
#define PS_W_EXACT 1.0
#define PS_W_TITLE 1.5
#define PS_W_BESLUT 0.5
#define PS_W_PARTS 0.8   /* the split spelling of a compound ("samordning förbundet") */
#define PS_W_WHOLE 1.0   /* multi-word units ("2023.076 sn") */
#define PS_WILDCARD_MAX 100

/* A growable list of malloc'd strings. */
typedef struct {
    char **v;
    size_t n;
} ps_strv;

bool ps_strv_add(ps_strv *sv, const char *s, size_t len); /* skips duplicates; false on OOM */
void ps_strv_free(ps_strv *sv);

typedef struct {
    ps_searcher *s;
    bool or_mode;        /* the fallback: the top-level AND becomes OR */
    bool keep_stopwords; /* a query of stop words only is searched for as it is */
    ps_strv hl;          /* analyzer terms whose source words are marked in excerpts */
    ps_strv splits;      /* compound parts joined by '\n': marked only as adjacent words
                            ("Samordning förbundet"), not one by one */
    ps_strv ignored;     /* stop words left out */
    ps_strv soft;        /* the top-level free-text parts, for the fallback note */
    const char *text;    /* the query text, for error positions */
} ps_qbuild;

/* Build the store query for node (may be NULL: everything). *out NULL when nothing is left to
 * search for (only stop words). Marks dropped stop words `ignored` in the tree. */
ps_status ps_qbuild_node(ps_qbuild *b, ps_qnode *node, ps_store_query **out, ps_error *err);
/* Whether the fallback applies: the root is an AND of at least two free-text parts. */
bool ps_qbuild_can_fall_back(const ps_qnode *root);
void ps_qbuild_free(ps_qbuild *b);

#endif
