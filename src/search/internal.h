/*
 * search/internal.h — private to src/search/: the searcher and the query builder that turns
 * a query.h tree into ps_store_query trees with the Swedish analyzer.
 */
#ifndef PROTOKOLLSOK_SEARCH_INTERNAL_H
#define PROTOKOLLSOK_SEARCH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "protokollsok/analyzer.h"
#include "protokollsok/highlight.h"
#include "protokollsok/query.h"
#include "protokollsok/search.h"
#include "protokollsok/store.h"

struct ps_searcher {
    char *path;
    ps_searcher_opts opts;
    ps_store *store;
    ps_lexicon *lex;     /* the index's copy of the word lists' lexicon */
    ps_lexicon *learned; /* lex with the index's learned words (NULL: none) */
    char *learned_list;  /* the list it was made from ("" when none) */
    ps_analyzer *an;     /* over learned, else lex */
    struct ps_abbrev *abbrevs; /* data/abbreviations.tsv (search/abbrev.c) */
    size_t nabbrevs;
};

/* One line of data/abbreviations.tsv: "IVO", "Inspektionen för vård och omsorg", its folded
 * form ("inspektionen för vård och omsorg") and number of words. */
typedef struct ps_abbrev {
    char *abbr, *full, *folded;
    size_t words;
} ps_abbrev;

/* Ranking: weight factors of the alternatives a query word expands to. The stem term (weight
 * 1) matches every inflection and compound part; the others add to it, so an exact word form,
 * a title word or a Beslut-section word ranks above a plain stem or compound-part match. */
#define PS_W_STEM 1.0
#define PS_W_EXACT 1.0
#define PS_W_TITLE 1.0 /* the title field ("S" terms, length-normalised at index time) */
#define PS_W_BESLUT 0.5
#define PS_W_PARTS 0.8     /* the split spelling of a compound ("samordning förbundet") */
#define PS_W_WHOLE 1.0     /* multi-word units ("2023.076 sn") */
#define PS_W_PROXIMITY 1.0 /* the words of an AND near each other, in order */
#define PS_W_ABBREV 0.5    /* the other form of an abbreviation (IVO / Inspektionen för vård …) */
#define PS_WILDCARD_MAX 100

/* Set err to "out of memory" and return PS_ERR_NOMEM. */
ps_status ps_search_nomem(ps_error *err);

/* A growable list of malloc'd strings. */
typedef struct {
    char **v;
    size_t n;
} ps_strv;

bool ps_strv_add(ps_strv *sv, const char *s, size_t len); /* skips duplicates; false on OOM */
void ps_strv_free(ps_strv *sv);

/* Fallback modes of the query builder, tried in turn when a search finds nothing. */
enum {
    PS_QB_OR = 1u << 0,   /* the top-level AND becomes OR */
    PS_QB_PARTS = 1u << 1 /* a compound query word matches its parts anywhere, not only the
                             whole word or its split spelling (kvartalsrapport: kvartal, rapport) */
};

typedef struct {
    ps_searcher *s;
    unsigned mode;       /* PS_QB_OR, PS_QB_PARTS: the fallbacks */
    bool keep_stopwords; /* a query of stop words only is searched for as it is */
    ps_strv hl;          /* analyzer terms whose source words are marked in excerpts */
    ps_strv splits;      /* compound parts joined by '\n': marked only as adjacent words
                            ("Samordning förbundet"), not one by one */
    ps_strv ignored;     /* stop words left out */
    ps_strv soft;        /* the top-level free-text parts, for the fallback note */
    const char *text;    /* the query text, for error positions */
    size_t compounds;    /* compound words seen (the PS_QB_PARTS fallback can apply) */
    size_t words;        /* words searched for (none: only filters, nothing to rank by) */
} ps_qbuild;

/* Build the store query for node (may be NULL: everything). *out NULL when nothing is left to
 * search for (only stop words). Marks dropped stop words `ignored` in the tree. */
ps_status ps_qbuild_node(ps_qbuild *b, ps_qnode *node, ps_store_query **out, ps_error *err);
/* Whether the fallback applies: the root is an AND of at least two free-text parts. */
bool ps_qbuild_can_fall_back(const ps_qnode *root);
void ps_qbuild_free(ps_qbuild *b);

/* ---- search/hits.c: the JSON of results (every json_t returned is a new reference) ---------- */

#define PS_SEARCH_NFACETS 4
/* The facet slots (the "value\0key" pairs of kommun, nämnd, year, type) followed by
 * PS_SLOT_KEY, and the facet names. */
extern const unsigned ps_search_facet_slots[PS_SEARCH_NFACETS + 1];
extern const char *const ps_search_facet_names[PS_SEARCH_NFACETS];

/* data[key] when a string, else JSON null. */
json_t *ps_search_field_or_null(const json_t *data, const char *key);
/* [[start, end], ...] of the matches, offsets minus base. */
json_t *ps_search_spans_json(const ps_match *m, size_t n, size_t base);
json_t *ps_search_strv_json(const ps_strv *sv);
/* The words of text the query matched (qb->hl, and qb->splits as adjacent words), in order,
 * without overlaps; *m malloc'd (caller frees). */
ps_status ps_search_find_matches(ps_searcher *s, const char *text, size_t len, const ps_qbuild *qb,
                                 ps_match **m, size_t *nm, ps_error *err);
/* A hit's document data (schema.h: the JSON object, a NUL, the body) as one object with the
 * body under "body"; *out is a new reference. PS_ERR_INVALID naming the document when the data
 * is not of that form. */
ps_status ps_search_parse_data(const ps_store_hit *h, json_t **out, ps_error *err);
/* All documents of the ärende `key` (each its parsed data object, a new reference), oldest
 * first. known_data (may be NULL) is document known_id's data, already parsed: used, not parsed
 * again. */
ps_status ps_search_arende_docs(ps_searcher *s, const char *key, ps_docid known_id,
                                json_t *known_data, json_t **out, ps_error *err);
/* The "documents" list of a hit from ps_search_arende_docs' list. */
json_t *ps_search_documents_json(const json_t *docs);
/* One hit of the result list (search.h's schema); own_date: its document's date, not the
 * ärende's (in date order the date shown is the sort key). */
ps_status ps_search_hit_json(ps_searcher *s, const ps_store_hit *h, unsigned rank,
                             const ps_qbuild *qb, unsigned nexcerpts, bool own_date, json_t **out,
                             ps_error *err);
/* Facet lists: new empty {"kommun": [], ...}; add the counts of res (merging equal values);
 * sort most frequent first, then by value. */
json_t *ps_search_facets_new(void);
void ps_search_facets_add(json_t *facets, const ps_store_results *res);
void ps_search_facets_sort(json_t *facets);

/* ---- search/abbrev.c: abbreviations ↔ full forms --------------------------------------- */

/* Load the built-in table into s (ps_search_abbrevs_free frees it). */
ps_status ps_search_abbrevs_load(ps_searcher *s, ps_error *err);
void ps_search_abbrevs_free(ps_searcher *s);
/* Rewrite query (whose text is q) so that an abbreviation also searches its full forms and a
 * full form its abbreviation, as ORs marked `expansion`; *found (new array, caller owns) lists
 * them: [{"typed": "IVO", "kind": "abbreviation", "also": ["Inspektionen för vård och omsorg"]}]
 * (kind "full" when the full form was typed and "also" is its abbreviation). */
ps_status ps_search_abbrev_rewrite(ps_searcher *s, ps_query *query, const char *q, json_t **found,
                                   ps_error *err);

/* ---- search/history.c: Ärendets gång and Liknande ärenden --------------------------------- */

/* {"timeline": [entries in date order, undated last], "unresolved": ["KF § 94 2021-05-26"]} for
 * the ärende `key` whose documents (parsed data, ps_search_arende_docs) are docs. An entry:
 * {"kind": "document" (one of its own: "type", "namnd", "paragraf", "path", "url", "pages") |
 * "arende" (another ärende with the same dnr) | "reference" (an ärende its text refers to,
 * "ref": the reference as written), "date", and for ärenden "key", "dnr", "paragraf", "title",
 * "namnd", "kommun", "type"}. */
ps_status ps_search_history(ps_searcher *s, const char *key, const json_t *docs, json_t **out,
                            ps_error *err);
/* Up to n ärenden like `key` (relevance feedback over its documents' terms), without itself
 * and the ärenden of its diarienummer dnr (may be NULL): [{"kind": "similar", "key", "dnr",
 * "paragraf", "title", "date", "namnd", "kommun", "type", "score"}]. */
ps_status ps_search_similar(ps_searcher *s, const char *key, const char *dnr, unsigned n,
                            json_t **out, ps_error *err);

/* ---- search/spell.c: "Menade du …?" ------------------------------------------------------ */

/* The query text q (parsed as query) with its misspelt words replaced by the index's own
 * words (missing diacritics, typos); *out malloc'd, NULL when nothing is better. */
ps_status ps_search_spell(ps_searcher *s, const ps_query *query, const char *q, char **out,
                          ps_error *err);
/* The analyzer's stem of one word into out (cap bytes); false when it is no single word. */
bool ps_search_stem_of(ps_searcher *s, const char *word, char *out, size_t cap);

/* ---- search/histogram.c: matching ärenden over time --------------------------------------- */

/* Whether [from, to] (ISO dates, NULL = open) is at most a year: then count per month. */
bool ps_search_histogram_by_month(const char *from, const char *to);
/* {"unit": "year"|"month", "bars": [{"period","label","from","to","count"}]} in time order from
 * the year facet (index 2) or the month counts (index PS_SEARCH_NFACETS + 1) of dres (may be
 * NULL) and res; NULL on out-of-memory. */
json_t *ps_search_histogram_json(const ps_store_results *dres, const ps_store_results *res,
                                 bool months, const char *from, const char *to);

#endif
