/*
 * indexer_private.h — shared between the indexer's own files (src/indexer*.c), not installed.
 */
#ifndef PROTOKOLLSOK_INDEXER_PRIVATE_H
#define PROTOKOLLSOK_INDEXER_PRIVATE_H

#include "protokollsok/analyzer.h"
#include "protokollsok/indexer.h"
#include "protokollsok/protocol.h"
#include "protokollsok/store.h"

/* Where an ärende came from, for its terms and document data. */
typedef struct {
    const char *path;    /* as indexed: the "P" term */
    const char *relpath; /* relative to the indexed root */
    const char *url;     /* the source URL (manifest or prefix + relpath), or NULL */
} ps_indexer_source;

/* One ärende ready for ps_store_replace: the document and its unique "Q" term. */
typedef struct {
    ps_store_doc *doc;
    char *id_term;
} ps_indexer_built;

/* Build the Xapian document of ärende i of doc (terms, values, data per schema.h) with an
 * analyzer owned by the calling thread. out->doc and out->id_term are the caller's. */
ps_status ps_indexer_build_doc(ps_analyzer *an, const ps_protocol_doc *doc, size_t i,
                               const ps_indexer_source *src, ps_indexer_built *out,
                               ps_error *err);
void ps_indexer_built_clear(ps_indexer_built *b);

/* A malloc'd lowercase (case-folded) NFC copy of s, as boolean terms want; NULL on failure. */
char *ps_indexer_fold(const char *s);

/* prefix + URL-escaped relpath ('/' kept, bytes outside RFC 3986 unreserved as %XX). */
char *ps_indexer_url_join(const char *prefix, const char *relpath);

#endif
