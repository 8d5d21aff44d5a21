/*
 * search.h — searching the index: one module for the CLI and the HTTP server, so the two can
 * never disagree. Parses the query language (query.h), runs it through the store, collapses
 * documents into ärenden, ranks, makes highlighted excerpts with the analyzer and counts facets.
 *
 * Results are JSON (jansson) in the one documented schema that `protokollsok search --json` prints
 * and GET /api/search returns:
 *   { "query": "...", "parsed": "<how the query was understood>",
 *     "fallback": null | "or",          (AND found nothing; these are OR results)
 *                 | "parts" | "parts_or", (compound words matched by their parts anywhere)
 *     "note": null | "Visar resultat för ... (inga träffar på alla ord)",
 *     "total": N, "total_exact": bool, "offset": N, "limit": N, "took_ms": 1.23,
 *     "cut": bool,                     (the request's time limit ran out: see time_limit)
 *     "sort": "relevans" | "datum", "order": "desc" | "asc",
 *     "hits": [ { "key", "dnr", "paragraf", "title", "date", "namnd", "kommun", "type",
 *                 "score", "rank",
 *                 "excerpts": [ { "text": "...", "html": "...<mark>..</mark>...",
 *                                 "matches": [[start, end], ...] } ],   (byte offsets in text)
 *                 "documents": [ { "path", "type", "date", "url", "pages": [4, 5],
 *                                  "ocr": true (only when machine-read from a scan) } ] } ],
 *     "facets": { "kommun": [{"value","count"}], "namnd": [...], "year": [...], "type": [...] },
 *     "histogram": { "unit": "year" | "month", "bars": [ { "period": "2023" | "2023-05",
 *                    "label": "2023" | "maj 2023", "from", "to", "count" } ] } }
 *     "expansions": [ { "typed": "IVO", "kind": "abbreviation" | "full",
 *                       "also": ["Inspektionen för vård och omsorg"] } ]
 *     (abbreviations of local government, data/abbreviations.tsv: the other form is searched
 *      too, weighted lower; "parsed" shows it as an OR)
 *     "suggestion": null | { "query": "förbundet", "applied": bool, "message": "..." }
 *     (a better spelling from the index's words when the query found little: missing
 *      diacritics, typos. applied: the results are those of the suggestion, because the query
 *      as typed found nothing (or only by falling back), "query" stays what was typed and the
 *      message says "Visar resultat för …"; else the message is "Menade du …?")
 *     (histogram: matching ärenden per year in time order, gaps as 0, per month when the
 *      request's from..to is a year or less; null unless facets are asked for)
 *     (added: "ignored": [stop words left out], "dnr": the diarienummer the whole query is or
 *      null; per hit "title_matches"; per excerpt "start"/"end" in the body; per document
 *      "paragraf", "dnr"; "facets" is null unless asked for; counts and totals are ärenden;
 *      "partial": true when a shard of a sharded index did not answer, the answer then coming
 *      from the others, and "missing_shards": [the stub lines of the ones missing])
 * String fields are null when unknown. Errors are a ps_status + ps_error: PS_ERR_QUERY for a bad
 * query, with err->offset the character position at fault and the message saying what was
 * expected; PS_ERR_NOT_FOUND / PS_ERR_VERSION when the index is missing or of another version.
 *
 * Threads: a ps_searcher (read-only store + analyzer) is used by one thread at a time; open one
 * per worker thread. Ownership: json_t results belong to the caller (json_decref).
 */
#ifndef PROTOKOLLSOK_SEARCH_H
#define PROTOKOLLSOK_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "protokollsok/error.h"

typedef struct ps_searcher ps_searcher;

/* Open the index at db_path (and the lexicon stored in it). db_path is a database directory, a
 * sharded index directory or a Xapian stub file (store.h); the lexicon is the one in the
 * directory (of the stub), the metadata the first shard's. */
ps_status ps_searcher_open(const char *db_path, ps_searcher **out, ps_error *err);

typedef struct {
    double shard_timeout;    /* seconds per operation on a remote shard; 0: 5 */
    bool require_all_shards; /* a search some shard does not answer fails with
                                PS_ERR_UNAVAILABLE instead of answering "partial" */
} ps_searcher_opts;
/* ps_searcher_open with options (opts NULL: the defaults). */
ps_status ps_searcher_open_opts(const char *db_path, const ps_searcher_opts *opts,
                                ps_searcher **out, ps_error *err);
/* Pick up a newer revision or a directory switched by `index --full`; *changed if it moved. */
ps_status ps_searcher_reopen(ps_searcher *s, bool *changed, ps_error *err);
void ps_searcher_close(ps_searcher *s);

typedef enum { PS_SEARCH_SORT_RELEVANCE = 0, PS_SEARCH_SORT_DATE } ps_search_sort;

typedef struct {
    const char *q;      /* the query text (query language of query.h); NULL/"" = everything */
    const char *kommun; /* filters, each NULL when unused (the same as kommun: etc. in q) */
    const char *namnd;
    const char *typ;
    const char *from;   /* ISO date, inclusive */
    const char *to;     /* ISO date, inclusive */
    ps_search_sort sort;
    bool ascending;     /* date sort: oldest first */
    unsigned offset;    /* <= 10000 */
    unsigned limit;     /* 1..100, 0 = 10 */
    bool facets;        /* count facets */
    unsigned excerpts;  /* excerpts per hit, 0 = 3 */
    bool no_spelling;   /* no "Menade du …?": search exactly what was typed */
    bool export_rows;   /* an export (CSV): limit may be up to PS_SEARCH_EXPORT_MAX, 0 = all
                           of them; no excerpts are made */
    double time_limit;  /* seconds of work at most, 0 = none. When it runs out the match stops
                           looking past the page (total and facets become estimates), no
                           fallback or exact count is tried and the remaining hits come without
                           excerpts; the answer then has "cut": true */
} ps_search_request;

#define PS_SEARCH_EXPORT_MAX 5000

void ps_search_request_init(ps_search_request *req);

/* Run a search; *out is the result object described above. */
ps_status ps_search_run(ps_searcher *s, const ps_search_request *req, json_t **out,
                        ps_error *err);

/* The hits of a result of ps_search_run as CSV (RFC 4180: comma-separated, fields with a
 * comma, quote or line break quoted, quotes doubled, CRLF line ends), UTF-8 with a byte-order
 * mark so spreadsheet programs read å/ä/ö right. One row per ärende under the header
 * Diarienummer,Paragraf,Rubrik,Nämnd,Kommun,Datum,Typ,Länk. The link is link_prefix followed by
 * the URL-encoded ärende key (e.g. "https://sok.example/arende.html?key="); with link_prefix
 * NULL, the key itself. *out is malloc'd (caller frees), *len its length without the final NUL. */
ps_status ps_search_csv(const json_t *result, const char *link_prefix, char **out, size_t *len,
                        ps_error *err);

/* One ärende by key: its metadata, "sections": [{"name","start","end"}], "body" with
 * "matches" ([[start,end]...] for the words q matched, q may be NULL) and "documents";
 * "history": {"timeline": [...], "unresolved": ["KF § 94 2021-05-26"]} — Ärendets gång: its
 * documents, the other ärenden with its diarienummer and the ärenden its references name, in
 * date order (entries {"kind": "document"|"arende"|"reference", "date", "type", "namnd",
 * "paragraf", "key", "dnr", "title", "kommun", "ref", "path", "url", "pages"}; references not
 * found in the index as text) — and "similar": up to 5 ärenden like it (relevance feedback
 * over its terms, without itself and its diarienummer), each {"key", "dnr", "paragraf",
 * "title", "date", "namnd", "kommun", "type", "score"}.
 * PS_ERR_NOT_FOUND when no such key. */
ps_status ps_search_arende(ps_searcher *s, const char *key, const char *q, json_t **out,
                           ps_error *err);

/* Autocomplete for the search box: {"q": q, "suggestions": [{"text": the query with its last
 * word completed, "kind": "word", "count": documents} ..., {"text": a title, "kind": "title",
 * "key": its ärende}]} — up to 8 completions from the index's word forms, most frequent first,
 * and up to 3 titles with a word beginning so. Nothing for a last word under 2 characters, a
 * field (kommun:) or a prefix*. Bounded: at most a few thousand terms are looked at. */
ps_status ps_search_complete(ps_searcher *s, const char *q, json_t **out, ps_error *err);

/* Facet counts over the whole index: {"kommun": [...], "namnd": [...], "year": [...], "type": [...]}. */
ps_status ps_search_facets(ps_searcher *s, json_t **out, ps_error *err);

/* {"documents": N, "arenden": N, "terms": N, "disk_bytes": N, "last_run": "...",
 *  "lexicon": "...", "schema": "...", "revision": N, "version": PS_VERSION,
 *  "shards": [{"name", "remote": bool, "state": "up"|"down", "error": null|"...",
 *              "revision": N|null (null for a remote shard: Xapian's protocol does not say),
 *              "documents": N|null}]}  (a plain database is one shard named by its path) */
ps_status ps_search_info(ps_searcher *s, json_t **out, ps_error *err);

/* The "shards" list of ps_search_info for an open store (store.h), for `protokollsok stats`. */
struct ps_store;
ps_status ps_search_store_shards(struct ps_store *store, json_t **out, ps_error *err);

#endif
