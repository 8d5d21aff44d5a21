/*
 * protocol.h — the protocol parser: one document's text in, its ärenden (agenda items) out.
 *
 * Pure: no I/O, no Xapian, no globals. Reads plain text, text extracted from PDF (hard line
 * breaks, running headers; pages separated by form feeds '\f', as the PDF reader emits them)
 * and markdown converted from PDF. Never crashes or loops on any input.
 *
 * Input bytes are first decoded (ps_protocol_decode): invalid UTF-8 is repaired with U+FFFD,
 * Windows-1252/Latin-1 is detected and converted. All offsets below refer to that decoded
 * UTF-8 text ("the source"), which ps_protocol_doc keeps.
 *
 * Ownership: ps_protocol_parse returns a ps_protocol_doc owned by the caller, freed with
 * ps_protocol_doc_free, which frees every string, ärende and array inside it.
 */
#ifndef PROTOKOLLSOK_PROTOCOL_H
#define PROTOKOLLSOK_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>

#include "protokollsok/error.h"

/* Where a field's value came from. */
typedef enum {
    PS_FIELD_ABSENT = 0, /* no value (value is NULL) */
    PS_FIELD_READ,       /* read from the text */
    PS_FIELD_INFERRED,   /* inferred (series letters + known kommun, document date, ...) */
    PS_FIELD_EXTERNAL    /* given by the caller (the indexer's manifest) */
} ps_field_source;

typedef struct {
    char *value; /* NUL-terminated UTF-8, NULL when absent */
    ps_field_source source;
} ps_field;

typedef enum {
    PS_DOC_PROTOKOLL = 0,
    PS_DOC_PROTOKOLLSUTDRAG,
    PS_DOC_TJANSTESKRIVELSE,
    PS_DOC_KALLELSE,
    PS_DOC_YTTRANDE,
    PS_DOC_OTHER
} ps_doc_type;

/* "protokoll", "protokollsutdrag", "tjänsteskrivelse", "kallelse", "yttrande", "övrigt". */
const char *ps_doc_type_name(ps_doc_type type);

/* The type named name (one of the names above; also "tjansteskrivelse", "ovrigt", "other"),
 * case-insensitively. Returns false for an unknown name. */
bool ps_doc_type_from_name(const char *name, ps_doc_type *type);

/* "read", "inferred", "external", "absent". Static string. */
const char *ps_field_source_name(ps_field_source source);

/* A named section of an ärende's body: byte span [start, end) into ps_arende.body. */
typedef struct {
    char *name; /* as written, e.g. "Förslag till beslut" */
    size_t start, end;
} ps_section;

/* A piece of the body copied from the source: body[body_start .. body_start+len) came from
 * source bytes starting at src_start (repair may drop bytes between pieces, never inside one). */
typedef struct {
    size_t body_start, src_start, len;
} ps_offset_piece;

/* A reference to another decision, e.g. "KF § 94 2021-05-26". */
typedef struct {
    char *text;   /* as normalized: organ, paragraph, date */
    size_t start; /* byte offset in body */
} ps_reference;

typedef struct {
    char *key;          /* stable ASCII key, [a-z0-9._-] and ':' only. With a dnr:
                           "<kommun-slug>:<dnr-slug>" ("alingsas:2023.076-sn"); without one:
                           "<kommun-slug or okand>:<source-name-slug>[-<hash>]-<n>", the slug
                           of opts->source_name as given (a leading "./" dropped; the indexer
                           gives the path relative to the indexed root), 8 hex digits of the
                           name's FNV-1a hash when the slug could stand for another name (it
                           holds more than [a-z0-9._/]) or is cut to 160 characters (a key is
                           at most about 200 bytes), and n the 1-based position of the
                           ärende in the document */
    ps_field dnr;       /* normalized: "2023.076 SN", "KS 2023/123", "2023/45-1", "2021.012" */
    ps_field paragraf;  /* "243" (digits only) for protocol paragraphs */
    ps_field title;
    ps_field namnd;     /* "Socialnämnden", "Socialnämndens arbetsutskott", ... */
    ps_field kommun;    /* "Alingsås", "Köping" (without "kommun") */
    ps_field date;      /* ISO "YYYY-MM-DD": meeting date for protocols, else document date */
    ps_field handlaggare;
    ps_doc_type type;
    ps_field_source type_source;

    char *body;         /* repaired body text, NUL-terminated UTF-8 (title not included) */
    size_t body_len;
    ps_section *sections;
    size_t nsections;
    ps_reference *refs;
    size_t nrefs;
    ps_offset_piece *pieces; /* sorted by body_start, covering every body byte not inserted by
                                repair (joins insert a single space) */
    size_t npieces;
    size_t src_start, src_end; /* span of the ärende in the source */
    int page_first, page_last; /* 1-based pages from '\f' separators; 0 when unknown */
} ps_arende;

typedef struct {
    char *source;       /* the decoded UTF-8 source text (owned) */
    size_t source_len;
    ps_arende *arenden;
    size_t narenden;
    ps_doc_type type;   /* the document's type */
    ps_field_source type_source;
    ps_field date;      /* the document's date */
    ps_field namnd, kommun;
    bool ocr;           /* machine-read from a scan (ps_protocol_opts.ocr): "ocr": true in JSON */
    /* Warnings (repairs, skipped noise). Each a malloc'd message with its byte offset. */
    char **warnings;
    size_t nwarnings;
} ps_protocol_doc;

/* Default for ps_protocol_opts.max_bytes. */
#define PS_PROTOCOL_DEFAULT_MAX_BYTES ((size_t)50 * 1024 * 1024)

/* Metadata known from outside (the indexer's manifest) — overrides what the parser infers,
 * recorded as PS_FIELD_EXTERNAL. Any field may be NULL. It describes the document: the
 * document's fields and every ärende's kommun take it; an ärende's date, nämnd and type take it
 * unless the ärende's own header states them (a tjänsteskrivelse's "Datum:" and addressee in a
 * kallelse keep theirs, as PS_FIELD_READ). */
typedef struct {
    const char *source_name; /* file name for keys and messages, e.g. "004_034c7db9e8ee52a5.txt" */
    const char *kommun;
    const char *namnd;
    const char *date;        /* ISO */
    const char *type;        /* one of ps_doc_type_name's names */
    size_t max_bytes;        /* 0: 50 MB. Larger input: PS_ERR_TOO_LARGE */
    bool ocr;                /* the text was read by OCR from a scan: doc->ocr */
    bool paged;              /* the text comes from a paged document (a PDF): pages are counted
                                even without a '\f', so a one-page document is page 1 */
} ps_protocol_opts;

/* Decode raw bytes into UTF-8: detects Windows-1252/Latin-1 and converts; repairs invalid
 * UTF-8 with U+FFFD. Rejects NUL bytes / binary data (PS_ERR_UNSUPPORTED, message with the
 * offset, err->offset set), a PDF or UTF-16 file (PS_ERR_UNSUPPORTED) and empty input
 * (PS_ERR_INVALID). Also drops a BOM, turns CRLF/CR into '\n', other control characters and
 * no-break/typographic spaces into ' ', drops soft hyphens and zero-width characters; keeps
 * '\t' and '\f'. Idempotent on its own output. *out malloc'd (caller frees). *note, if
 * non-NULL, receives a malloc'd one-line description of any repair or conversion (or NULL). */
ps_status ps_protocol_decode(const char *bytes, size_t len, char **out, size_t *out_len,
                             char **note, ps_error *err);

/* Parse raw bytes (decoded with ps_protocol_decode first). opts may be NULL. */
ps_status ps_protocol_parse(const char *bytes, size_t len, const ps_protocol_opts *opts,
                            ps_protocol_doc **out, ps_error *err);

void ps_protocol_doc_free(ps_protocol_doc *doc);

/* The document's ärenden as a JSON text (what `protokollsok parse` prints), malloc'd. */
char *ps_protocol_doc_to_json(const ps_protocol_doc *doc, const char *path);

/* Normalize a diarienummer as written ("2023.076  \nSN", "Dnr KS-2021/12", "dnr 2021.012")
 * to the form ps_arende.dnr uses ("2023.076 SN", "KS 2021/12", "2021.012"). The whole text
 * (trimmed) must be one dnr. Returns a malloc'd string, or NULL when text is not a dnr. */
char *ps_protocol_normalize_dnr(const char *text, size_t len);

/* The key slug of a text: lower case ASCII, å/ä→a, ö→o, é→e, other runs → '-' ("Köping" →
 * "koping", "2023.076 SN" → "2023.076-sn"). malloc'd; NULL on OOM. */
char *ps_protocol_slug(const char *text, size_t len);

/* The kommun named by text ("Köpings kommun", "Köping", "Mölndals stad", "Falu kommun",
 * "Region Gotland"), as its short name ("Köping"); NULL when text names none of Sweden's 290
 * kommuner. The returned string is static. */
const char *ps_protocol_kommun(const char *text, size_t len);

/* The i-th kommun of the built-in table (0 <= i < 290) as {short name, official name}, or
 * false past the end. The strings are static. */
bool ps_protocol_kommun_at(size_t i, const char **name, const char **official);

/* Map a byte offset in an ärende body back to the source (nearest piece start when the byte
 * was inserted by repair). */
size_t ps_arende_source_offset(const ps_arende *a, size_t body_offset);

#endif
