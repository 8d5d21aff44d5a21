/*
 * indexer/internal.h — shared between the indexer's own files (src/indexer/), not installed.
 */
#ifndef PROTOKOLLSOK_INDEXER_PRIVATE_H
#define PROTOKOLLSOK_INDEXER_PRIVATE_H

#include "protokollsok/analyzer.h"
#include "protokollsok/buf.h"
#include "protokollsok/indexer.h"
#include "protokollsok/protocol.h"
#include "protokollsok/store.h"

/* Where an ärende came from, for its terms and document data. */
typedef struct {
    const char *path;    /* as indexed: the "P" term */
    const char *relpath; /* relative to the indexed root */
    const char *url;     /* the source URL (manifest or prefix + relpath), or NULL */
} ps_indexer_source;

/* One ärende ready for ps_store_replace: the document and its unique "Q" term, and the words
 * it got "XU" terms for (the words the word lists do not know, each once, NUL-terminated). */
typedef struct {
    ps_store_doc *doc;
    char *id_term;
    ps_buf unknown;
} ps_indexer_built;

/* Build the Xapian document of ärende i of doc (terms, values, data per schema.h) with an
 * analyzer owned by the calling thread. out->doc and out->id_term are the caller's. */
ps_status ps_indexer_build_doc(ps_analyzer *an, const ps_protocol_doc *doc, size_t i,
                               const ps_indexer_source *src, ps_indexer_built *out,
                               ps_error *err);
void ps_indexer_built_clear(ps_indexer_built *b);
/* Only the unknown words of ärende i (what ps_indexer_build_doc puts into out->unknown), for
 * learning before anything is built: appended to out, each once, NUL-terminated. */
ps_status ps_indexer_unknown_words(ps_analyzer *an, const ps_protocol_doc *doc, size_t i,
                                   ps_buf *out, ps_error *err);

/* qsort/bsearch order of an array of C strings (char *), by strcmp. */
int ps_indexer_cmp_strings(const void *a, const void *b);

/* A malloc'd lowercase (case-folded) NFC copy of s, as boolean terms want; NULL on failure. */
char *ps_indexer_fold(const char *s);

/* prefix + URL-escaped relpath ('/' kept, bytes outside RFC 3986 unreserved as %XX). */
char *ps_indexer_url_join(const char *prefix, const char *relpath);

/* ---- words learned from the corpus (indexer/learn.c) ---- */

/* The learned list for the index as it is now (every "XU" term through a ps_learner judging
 * against lex, a loaded lexicon): *list malloc'd ("" when none), *count its words. */
ps_status ps_indexer_learn(ps_store *store, const ps_lexicon *lex, char **list, size_t *count,
                           ps_error *err);
/* Document counts of words, for learning before anything is written (a new index). */
typedef struct ps_indexer_wordcount ps_indexer_wordcount;
ps_indexer_wordcount *ps_indexer_wordcount_new(void); /* NULL when out of memory */
void ps_indexer_wordcount_free(ps_indexer_wordcount *wc);
/* Count the unknown words of one built document (each is distinct there). False: no memory. */
bool ps_indexer_wordcount_add_doc(ps_indexer_wordcount *wc, const ps_indexer_built *b);
/* The learned list for these counts, as ps_indexer_learn gives it for an index of the same
 * documents. */
ps_status ps_indexer_wordcount_learn(const ps_indexer_wordcount *wc, const ps_lexicon *lex,
                                     char **list, size_t *count, ps_error *err);

/* The paths (from state) of the files with a document holding a word form that the lexicons
 * before and after analyze differently: *paths and its strings malloc'd, the caller frees. */
ps_status ps_indexer_learn_affected(ps_store *store, const ps_lexicon *before,
                                    const ps_lexicon *after, const ps_indexer_filestate *state,
                                    char ***paths, size_t *npaths, ps_error *err);

#endif
