/*
 * query.h — the query language: query text in, a syntax tree out. Pure (no Xapian, no analyzer,
 * no globals); search.c turns the tree into store queries with the Swedish analyzer.
 *
 * The language (also in `protokollsok search --help`):
 *   utträde förbund          free words; all must match (AND), search falls back to OR
 *   "vård och omsorg"        a phrase (stop words kept); “…” „…” quotes work too
 *   -utträde  INTE utträde   exclude (also NOT)
 *   a OR b   a ELLER b       either; AND / OCH are accepted and are the default
 *   ( … )                    grouping, at most PS_QUERY_MAX_DEPTH deep
 *   utträd*                  words starting with utträd (search expands, bounded)
 *   kommun:Alingsås  nämnd:socialnämnden (namnd:)  dnr:2023.076  dnr:"KS 2023/123"
 *   typ:protokoll  år:2023 (ar:)  år:2020..2023  datum:2023-01-01..2023-12-31 (open ends,
 *   partial dates: datum:2023-05, datum:..2021)   filters: restrict, add no weight
 *   beslut: förslag: titel: ärendebeskrivning: bakgrund: sammanfattning: yttrande:
 *                            section fields: the word/phrase/(group) must occur in that part
 * Operators are recognised in capitals only (a lowercase "eller" is a word). Field names are
 * case- and accent-insensitive (Nämnd:, NAMND:, ar:). A value with spaces is quoted, and
 * kommun:(Alingsås OR Köping) applies a field to a group. To search for text that looks like a
 * field ("kl:9"), quote it.
 *
 * Errors: PS_ERR_QUERY with a Swedish message saying what is wrong and what was expected, and
 * err->offset = the 0-based CHARACTER (code point) index at fault in the query (the message
 * counts from 1: "tecken 5"). Invalid UTF-8, over-long or over-complex queries are errors too.
 *
 * Ownership: ps_query_parse hands out a ps_query owned by the caller; ps_query_free frees the
 * whole tree. Strings returned by ps_query_describe are malloc'd (caller frees).
 */
#ifndef PROTOKOLLSOK_QUERY_H
#define PROTOKOLLSOK_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "protokollsok/error.h"

#define PS_QUERY_MAX_BYTES 4096
#define PS_QUERY_MAX_DEPTH 16
#define PS_QUERY_MAX_NODES 256

typedef enum {
    PS_QNODE_WORD,   /* text: one word as typed; field: PS_QFIELD_NONE or a section field */
    PS_QNODE_PHRASE, /* text: the words between the quotes; field as for WORD */
    PS_QNODE_FILTER, /* field: a filter field; text/text2: normalized value (see below) */
    PS_QNODE_AND,    /* kids: all must match */
    PS_QNODE_OR,     /* kids: any */
    PS_QNODE_NOT     /* one kid: must not match */
} ps_qnode_kind;

typedef enum {
    PS_QFIELD_NONE = 0,
    /* filters */
    PS_QFIELD_KOMMUN, /* text: lowercase NFC, spaces collapsed ("alingsås") */
    PS_QFIELD_NAMND,  /* text: as KOMMUN */
    PS_QFIELD_DNR,    /* text: lowercase, spaces collapsed ("2023.076 sn", "ks 2023/123") */
    PS_QFIELD_TYP,    /* text: a document type name ("tjänsteskrivelse") */
    PS_QFIELD_AR,     /* text: first year, text2: last year ("2020", "2023"), inclusive */
    PS_QFIELD_DATUM,  /* text: first ISO date or NULL, text2: last ISO date or NULL */
    /* section fields */
    PS_QFIELD_TITEL,
    PS_QFIELD_BESLUT,
    PS_QFIELD_FORSLAG,
    PS_QFIELD_ARENDEBESKRIVNING,
    PS_QFIELD_BAKGRUND,
    PS_QFIELD_SAMMANFATTNING,
    PS_QFIELD_YTTRANDE
} ps_qfield;

typedef struct ps_qnode ps_qnode;
struct ps_qnode {
    ps_qnode_kind kind;
    ps_qfield field;
    char *text; /* NUL-terminated, owned by the tree; NULL where unused */
    char *text2;
    bool wildcard;     /* WORD ending in '*': text is the prefix without the '*' */
    bool ignored;      /* set by the user of the tree (search: a dropped stop word);
                          ps_query_describe leaves such leaves out */
    bool expansion;    /* set by the user of the tree: an OR it added (search: an abbreviation
                          and its full form), kids after the first weighted lower */
    size_t start, end; /* byte span in the query text */
    ps_qnode **kids;
    size_t nkids;
};

typedef struct {
    ps_qnode *root; /* NULL for an empty query (matches everything) */
    /* When the whole query is a diarienummer ("2023.076", "2023.076 SN", "KS 2023/123",
     * "2023/45-1"): its normalized lowercase form ("2023.076 sn"), else NULL. */
    char *dnr;
} ps_query;

/* Parse query text q[0..len). *out is owned by the caller (ps_query_free). */
ps_status ps_query_parse(const char *q, size_t len, ps_query **out, ps_error *err);
void ps_query_free(ps_query *query);

/* True for the filter fields (KOMMUN..DATUM), false for NONE and the section fields. */
bool ps_query_field_is_filter(ps_qfield field);
/* The field's name as written in the language ("nämnd", "år", "titel"); "" for NONE. Static. */
const char *ps_query_field_name(ps_qfield field);

/* The tree in the query language's canonical form, e.g.
 * `förbund AND kommun:köping AND -utträde`, `(a OR b) AND titel:"x y"`. malloc'd; NULL on OOM. */
char *ps_query_describe(const ps_query *query);

/* A FILTER node for field (a filter field) from a bare value, validated and normalized
 * exactly like `field:"value"` in a query (search's request filters use it); err->offset is
 * then a character index into value. */
ps_status ps_query_filter_node(ps_qfield field, const char *value, ps_qnode **out, ps_error *err);
void ps_qnode_free(ps_qnode *node);

/* Lowercase NFC copy of s[0..len) with white space collapsed and trimmed; malloc'd, NULL on
 * OOM or invalid UTF-8. */
char *ps_query_fold(const char *s, size_t len);

/* The 0-based character index of byte offset `byte` in q (for carets under a query). */
size_t ps_query_char_index(const char *q, size_t byte);

#endif
