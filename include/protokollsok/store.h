/*
 * store.h — the Xapian database behind a C API (implemented in src/store/xapian.cc).
 *
 * No C++ type or exception crosses this header: every function catches Xapian::Error and
 * std::exception and returns a ps_status with the message in the caller's ps_error
 * (PS_ERR_XAPIAN, or PS_ERR_LOCKED / PS_ERR_NOT_FOUND / PS_ERR_VERSION where Xapian says so).
 *
 * Threads: a ps_store handle is used by one thread at a time. Open one read-only handle per
 * worker thread. Only one writable handle may exist per database (Xapian's lock); a second gets
 * PS_ERR_LOCKED with a message saying another indexer is running.
 *
 * Ownership: objects returned through `**out` belong to the caller and are freed with the
 * matching *_free / *_close. Strings handed in are copied unless said otherwise.
 *
 * Shards. A path may also name a Xapian stub database: a file, or a directory holding the file
 * XAPIANDB, with one database per line ("glass PATH" / "auto PATH", relative to the stub's
 * directory; "remote HOST:PORT" for xapian-tcpsrv; "remote :PROGRAM ARGS" for xapian-progsrv,
 * e.g. over ssh; "#" comments). Every line is a shard; Xapian searches them as one database
 * (statistics merged, so weights and order are those of one database of the same documents).
 * Metadata is read from the first line. A remote shard that cannot be reached is left out and
 * named by ps_store_results_missing (a partial answer); it is tried again by ps_store_reopen.
 * `protokollsok index --shards N` writes such a directory: XAPIANDB listing "meta" (the
 * metadata, no documents) and shard-00 .. shard-(N-1); each document goes to the shard chosen by
 * a hash of one of its values (ps_store_open_write_sharded).
 */
#ifndef PROTOKOLLSOK_STORE_H
#define PROTOKOLLSOK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protokollsok/error.h"

typedef struct ps_store ps_store;
typedef struct ps_store_doc ps_store_doc;
typedef struct ps_store_query ps_store_query;
typedef struct ps_store_results ps_store_results;

typedef uint32_t ps_docid;

/* ---- open / close ------------------------------------------------------------------------- */

/* Open an existing database read-only. PS_ERR_NOT_FOUND (message names the path and says to run
 * `protokollsok index`) when there is none, PS_ERR_VERSION for another Xapian format,
 * PS_ERR_XAPIAN for damaged files (message says to rebuild with `index --full`). *out is NULL on
 * failure. */
ps_status ps_store_open_read(const char *path, ps_store **out, ps_error *err);

typedef struct {
    double remote_timeout; /* seconds for each operation on a remote shard, and for connecting;
                              0: 5 s */
} ps_store_open_opts;

/* ps_store_open_read with options (opts NULL: the defaults). */
ps_status ps_store_open_read_opts(const char *path, const ps_store_open_opts *opts,
                                  ps_store **out, ps_error *err);

/* Open a database for writing, creating it (and the directories) if missing. PS_ERR_LOCKED when
 * another writer holds it (in this process or another), PS_ERR_IO when it cannot be created. */
ps_status ps_store_open_write(const char *path, ps_store **out, ps_error *err);

/* Like ps_store_open_write, with flags: PS_STORE_NO_SYNC writes without fsync (for a database
 * being built that nobody reads yet, e.g. `index --full`'s "<db>.new": a crash of the machine may
 * then damage it, and it is built again; ps_store_compact syncs the finished copy). */
#define PS_STORE_NO_SYNC 1u
ps_status ps_store_open_write_flags(const char *path, unsigned flags, ps_store **out,
                                    ps_error *err);

/* Write a compacted copy of the committed database at from into the new directory to (which
 * must not exist), then fsync every file of it and the directory. Same documents, ids, terms
 * and metadata in full B-tree blocks: about half the size of a database built in batches.
 * PS_ERR_XAPIAN / PS_ERR_IO with the path on failure (to may then hold a partial copy). A
 * sharded index is compacted shard by shard into the same layout. */
ps_status ps_store_compact(const char *from, const char *to, ps_error *err);

/* Create (or open) the sharded index directory path for writing: the stub XAPIANDB, the
 * database "meta" (metadata only) and nshards (1..256) shard databases, created whole like a
 * single database (a kill -9 leaves none or one that opens). A document given to
 * ps_store_replace goes to the shard hash(value in route_slot) mod nshards (the same value, the
 * same shard, in every run); ps_store_delete deletes in every shard that has the term, and a
 * transaction commits the shards that changed, then meta, so a shard whose documents did not
 * change keeps its revision. An existing directory must have nshards shards and route_slot
 * (PS_ERR_VERSION otherwise: rebuild). ps_store_open_write on a sharded directory opens it with
 * its own layout; on a stub naming remote shards it is PS_ERR_INVALID (write where the shard
 * directories are). flags as for ps_store_open_write_flags. */
ps_status ps_store_open_write_sharded(const char *path, unsigned nshards, unsigned route_slot,
                                      unsigned flags, ps_store **out, ps_error *err);

/* How the index at path is sharded: *nshards 0 when it is a single database or none exists;
 * else its shard count and routing slot (from the first database of its stub). */
ps_status ps_store_sharding(const char *path, unsigned *nshards, unsigned *route_slot,
                            ps_error *err);

/* Close and free; a writable store with an open transaction cancels it, changes made outside a
 * transaction are committed (Xapian's rule). NULL is ignored. */
void ps_store_close(ps_store *store);

/* Re-read the latest committed revision (readers in long-running servers). *changed is set to
 * true when the revision moved. Also handles a database directory replaced by rename (--full):
 * the handle is re-opened on the path. */
ps_status ps_store_reopen(ps_store *store, bool *changed, ps_error *err);

/* Number of documents; the committed revision (0 when unknown; of a sharded index the sum of
 * the shards' revisions, which moves when any shard's does). */
ps_status ps_store_doccount(ps_store *store, uint32_t *out, ps_error *err);
ps_status ps_store_revision(ps_store *store, uint64_t *out, ps_error *err);
/* Number of distinct terms (walks the whole term list: O(terms), meant for `stats`); total size
 * of the regular files in the database directory, in bytes. Either pointer may be NULL. */
ps_status ps_store_stats(ps_store *store, uint64_t *nterms, uint64_t *disk_bytes, ps_error *err);

/* Terms by kind, for `stats --terms`: the kind of a term is its prefix (its leading capital
 * ASCII letters, "" for the unprefixed word terms). fn is called once per kind in prefix order
 * with the number of distinct terms, of postings (documents per term, summed), of wdf (summed)
 * and, when with_positions, of stored positions (0 otherwise: counting them reads the whole
 * position table). prefix is valid during the call only. */
typedef struct {
    uint64_t terms, postings, wdf, positions;
} ps_store_kind_counts;
typedef void (*ps_store_kind_fn)(void *ctx, const char *prefix, const ps_store_kind_counts *c);
ps_status ps_store_term_kinds(ps_store *store, bool with_positions, ps_store_kind_fn fn, void *ctx,
                              ps_error *err);
/* The size of each file in the database directory (Xapian's tables: postlist, position,
 * termlist, docdata; and any other file kept there), in directory order; of a sharded index
 * also each local shard's ("shard-00/postlist.glass"). name is valid during the call only. */
typedef void (*ps_store_file_fn)(void *ctx, const char *name, uint64_t bytes);
ps_status ps_store_each_file(ps_store *store, ps_store_file_fn fn, void *ctx, ps_error *err);

/* The shards (a plain database is one shard named by its path). Filled for shard i <
 * ps_store_shard_count; strings owned by the store, valid until the next call on it. */
typedef struct {
    const char *name;  /* the stub line's path (as written) or HOST:PORT / :PROGRAM */
    bool remote;
    bool up;           /* answered at the last open, reopen or search */
    const char *error; /* why it is down ("" when up) */
    uint64_t revision; /* when up */
    uint32_t documents;
} ps_store_shard_info;
size_t ps_store_shard_count(const ps_store *store);
ps_status ps_store_shard(ps_store *store, size_t i, ps_store_shard_info *out, ps_error *err);

/* ---- metadata (user metadata, committed with the transaction) ---------------------------- */

/* *out is a malloc'd NUL-terminated copy (caller frees), "" when the key is unset. Setting ""
 * removes the key. Empty keys are PS_ERR_INVALID; set needs a writable store. */
ps_status ps_store_get_metadata(ps_store *store, const char *key, char **out, ps_error *err);
ps_status ps_store_set_metadata(ps_store *store, const char *key, const char *value, ps_error *err);

/* ---- writing ------------------------------------------------------------------------------- */

/* Transactions (writable stores; PS_ERR_INVALID on a read-only one). Changes outside a
 * transaction are committed by ps_store_commit too. cancel drops everything since begin; begin
 * inside a transaction and cancel outside one are PS_ERR_INVALID. */
ps_status ps_store_begin(ps_store *store, ps_error *err);
ps_status ps_store_commit(ps_store *store, ps_error *err);
ps_status ps_store_cancel(ps_store *store, ps_error *err);

/* The longest term Xapian's glass backend stores, in bytes. The ps_store_doc_add_* functions
 * skip empty terms and longer ones (counted by ps_store_doc_skipped_terms); an id term that long
 * is PS_ERR_INVALID. Hash long identifiers (paths) before making terms of them. */
#define PS_STORE_TERM_MAX 245

/* A document under construction. NULL on out-of-memory. An allocation failure inside the
 * add/set functions below is remembered and reported by ps_store_replace (PS_ERR_NOMEM). */
ps_store_doc *ps_store_doc_new(void);
void ps_store_doc_free(ps_store_doc *doc);
/* A term at a position (positions start at 1), wdf increased by wdf_inc. */
void ps_store_doc_add_posting(ps_store_doc *doc, const char *term, uint32_t pos, uint32_t wdf_inc);
/* A term without position. */
void ps_store_doc_add_term(ps_store_doc *doc, const char *term, uint32_t wdf_inc);
/* A boolean filter term (wdf 0, no position). */
void ps_store_doc_add_boolean(ps_store_doc *doc, const char *term);
void ps_store_doc_set_value(ps_store_doc *doc, unsigned slot, const char *bytes, size_t len);
void ps_store_doc_set_data(ps_store_doc *doc, const char *bytes, size_t len);
/* How many terms the add functions skipped (empty or over PS_STORE_TERM_MAX bytes). */
uint32_t ps_store_doc_skipped_terms(const ps_store_doc *doc);

/* Add doc, or replace the documents indexed by the unique term id_term (which the function
 * also adds, as a boolean term, to the stored copy; doc itself is left unchanged). doc stays
 * owned by the caller. Writable stores only (PS_ERR_INVALID otherwise). */
ps_status ps_store_replace(ps_store *store, const char *id_term, const ps_store_doc *doc,
                           ps_error *err);
/* Delete every document indexed by term (e.g. all ärenden of one source path). None is fine. */
ps_status ps_store_delete(ps_store *store, const char *term, ps_error *err);

/* Call fn for each term in the database starting with prefix (id terms, wildcard expansion,
 * facet lists). term is valid during the call only. fn returns false to stop early. */
typedef bool (*ps_store_term_fn)(void *ctx, const char *term, size_t len, uint32_t termfreq);
ps_status ps_store_each_term(ps_store *store, const char *prefix, ps_store_term_fn fn, void *ctx,
                             ps_error *err);

/* Relevance feedback (Xapian's RSet + Enquire::get_eset): the at most max terms that best tell
 * the documents indexed by rset_term (e.g. "A" + an ärende key) from the rest, best first,
 * each passed to fn with its expand weight; accept (NULL: all) chooses which terms may be
 * picked, knowing in how many of the database's documents each is (termfreq of doccount) and
 * how many documents the RSet has (a term in no more documents than that may be in none
 * outside it, so it cannot find anything similar). For "similar documents":
 * search for them, without the documents themselves. None is fine (no such documents). fn
 * returns false to stop early. */
typedef bool (*ps_store_accept_fn)(void *ctx, const char *term, size_t len, uint32_t termfreq,
                                   uint32_t doccount, uint32_t rset_docs);
typedef bool (*ps_store_weighted_term_fn)(void *ctx, const char *term, size_t len, double weight);
ps_status ps_store_expand(ps_store *store, const char *rset_term, unsigned max,
                          ps_store_accept_fn accept, void *accept_ctx,
                          ps_store_weighted_term_fn fn, void *ctx, ps_error *err);

/* *out = how many documents have term (0 for the empty term or one not in the database). */
ps_status ps_store_termfreq(ps_store *store, const char *term, uint32_t *out, ps_error *err);

/* For each document indexed by term, call fn with each of that document's terms that start
 * with prefix (termfreq: the term's frequency in the database), e.g. the "P" path term of
 * every document having a word. fn returns false to stop early. */
ps_status ps_store_each_doc_term(ps_store *store, const char *term, const char *prefix,
                                 ps_store_term_fn fn, void *ctx, ps_error *err);

/* Data of the first document indexed by term (e.g. "Q" + id): *data malloc'd and
 * NUL-terminated, caller frees; len may be NULL. PS_ERR_NOT_FOUND when no document has the term. */
ps_status ps_store_get_data_by_term(ps_store *store, const char *term, char **data, size_t *len,
                                    ps_error *err);

/* ---- queries ------------------------------------------------------------------------------- */
/* Query nodes are built bottom-up; a combining constructor takes ownership of its subqueries
 * (even on failure). Constructors return NULL only on out-of-memory, and a combining one whose
 * subquery is NULL frees the others and returns NULL too, so a tree can be built without
 * checking each step. A query does not depend on a store; one query may be searched often. */

/* A term, its weight multiplied by weight_factor (1.0 = plain). The empty or NULL term matches
 * nothing. */
ps_store_query *ps_store_query_term(const char *term, double weight_factor);
/* The terms in order within window positions (0 = exactly adjacent); NEAR: in any order.
 * n 0 matches nothing, n 1 is the term alone. Needs postings (positions) in the documents. */
ps_store_query *ps_store_query_phrase(const char *const *terms, size_t n, unsigned window);
ps_store_query *ps_store_query_near(const char *const *terms, size_t n, unsigned window);
/* n 0 matches nothing. */
ps_store_query *ps_store_query_and(ps_store_query **subs, size_t n);
ps_store_query *ps_store_query_or(ps_store_query **subs, size_t n);
/* Terms that mean the same (stem + -et form...): weighted as one term. */
ps_store_query *ps_store_query_synonym(ps_store_query **subs, size_t n);
ps_store_query *ps_store_query_and_not(ps_store_query *left, ps_store_query *right);
/* left restricted to documents matching filter, filter adds no weight. */
ps_store_query *ps_store_query_filter(ps_store_query *left, ps_store_query *filter);
/* Boolean (weightless) query on a term. */
ps_store_query *ps_store_query_boolean(const char *term);
/* Documents whose value in slot is within [lo, hi] (string order); lo or hi NULL = open end.
 * Documents without a value in the slot never match (both NULL: "has a value"). */
ps_store_query *ps_store_query_value_range(unsigned slot, const char *lo, const char *hi);
ps_store_query *ps_store_query_match_all(void);
/* Multiply a subquery's weight by factor (>= 0; negative or not finite counts as 0). */
ps_store_query *ps_store_query_scale(ps_store_query *sub, double factor);
void ps_store_query_free(ps_store_query *q);
/* Human-readable description (Xapian's), malloc'd (caller frees), NULL on out-of-memory; for
 * debugging and --explain. */
char *ps_store_query_describe(const ps_store_query *q);

typedef enum { PS_SORT_RELEVANCE = 0, PS_SORT_VALUE_ASC, PS_SORT_VALUE_DESC } ps_store_sort;

typedef struct {
    uint32_t offset;
    uint32_t limit;
    int collapse_slot;          /* -1: no collapsing; documents without a value there are
                                   never collapsed */
    ps_store_sort sort;
    unsigned sort_slot;         /* for PS_SORT_VALUE_*; ties broken by relevance */
    const unsigned *facet_slots; /* count values in these slots over the whole match set (this
                                    makes Xapian check every match; documents, not collapsed
                                    hits, are counted) */
    size_t nfacets;
    bool facet_pairs;           /* a value "V\0K" (a NUL inside) counts once for V per distinct K
                                   (ärenden per kommun when K is the ärende key); values without
                                   a NUL count documents. Xapian's ValueCountMatchSpy does the
                                   counting, so it is exact on remote shards too */
    int tiebreak_slot;          /* relevance sort: -1, equal weights in document id order; else
                                   in the ascending order of this slot's values (unique values
                                   make the order the same over any sharding). A value sort
                                   is tie-free when its values are unique. */
    const unsigned *facet_value_bytes; /* NULL, or per facet slot: count by the first N bytes of
                                          the value, before its NUL with facet_pairs (0: the
                                          whole value), e.g. 7 of a date "YYYY-MM-DD" counts
                                          months */
    uint32_t check_at_least;    /* 0: Xapian's default */
    double time_limit;          /* seconds; 0 = none. When it runs out Xapian stops looking past
                                   offset+limit (check_at_least is dropped): no error, the
                                   estimate and the facets just get rougher. */
    /* BM25 parameters; each 0 means Xapian's default (k1 1, k2 0, k3 1, b 0.5, min_normlen 0.5).
     * Negative values count as 0, b above 1 as 1; for "no length normalisation" use a tiny b. */
    double bm25_k1, bm25_k2, bm25_k3, bm25_b, bm25_min_normlen;
} ps_store_search_opts;

/* Fill opts with defaults: offset 0, limit 10, no collapse, relevance, no facets. */
void ps_store_search_opts_init(ps_store_search_opts *opts);

typedef struct {
    ps_docid docid;
    uint32_t rank;
    double weight;
    int percent;
    uint32_t collapse_count; /* how many more documents were collapsed into this one (lower bound) */
    const char *data;        /* document data, owned by the results */
    size_t data_len;
    const char *collapse_key; /* the collapse slot's value, owned by the results ("" if none) */
} ps_store_hit;

typedef struct {
    const char *value; /* owned by the results */
    uint32_t count;
} ps_store_facet_value;

/* Run query. opts NULL = defaults. A remote shard that fails during the search is left out (the
 * search runs again without it) and named by ps_store_results_missing. *out (caller frees with ps_store_results_free) is set only on
 * PS_OK. PS_ERR_INVALID for missing arguments; PS_ERR_XAPIAN / PS_ERR_NOMEM otherwise. A
 * read-only store whose revision was overwritten during the search reopens and retries. */
ps_status ps_store_search(ps_store *store, const ps_store_query *query,
                          const ps_store_search_opts *opts, ps_store_results **out, ps_error *err);
void ps_store_results_free(ps_store_results *res);

size_t ps_store_results_count(const ps_store_results *res); /* hits in this page */
const ps_store_hit *ps_store_results_hit(const ps_store_results *res, size_t i);
/* Estimated total matches (after collapsing when collapsing); lower/upper bounds too. */
uint32_t ps_store_results_estimate(const ps_store_results *res);
uint32_t ps_store_results_lower_bound(const ps_store_results *res);
uint32_t ps_store_results_upper_bound(const ps_store_results *res);
/* Whether the lower bound is the exact total: the bounds meet, or Xapian looked at every
 * matching document (there were no more than opts->check_at_least), so the collapsed count
 * is exact even where Xapian's upper bound stays loose. */
bool ps_store_results_exact(const ps_store_results *res);
/* The shards that did not answer (results from the others); names owned by the results. */
size_t ps_store_results_missing_count(const ps_store_results *res);
const char *ps_store_results_missing(const ps_store_results *res, size_t i);
/* Facet counts for opts->facet_slots[i], most frequent first, equal counts in byte order of
 * the value. Out-of-range i or j: 0 / NULL. */
size_t ps_store_results_facet_count(const ps_store_results *res, size_t i);
const ps_store_facet_value *ps_store_results_facet(const ps_store_results *res, size_t i,
                                                   size_t j);

#endif
