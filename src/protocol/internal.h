/*
 * protocol/internal.h — private to the protocol parser (src/protocol/).
 *
 * The parser works on the decoded source split into lines. Each stage marks lines (noise,
 * consumed metadata, headings) and the body builder copies the remaining bytes into an ärende
 * body, recording which source bytes each body piece came from.
 */
#ifndef PROTOKOLLSOK_PROTOCOL_INTERNAL_H
#define PROTOKOLLSOK_PROTOCOL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "protokollsok/buf.h"
#include "protokollsok/protocol.h"

enum {
    PS_LINE_BLANK = 1u << 0,    /* only whitespace or markup */
    PS_LINE_NOISE = 1u << 1,    /* page number, running header, rule: not body text */
    PS_LINE_SKIP = 1u << 2,     /* consumed as metadata (§ heading, header field, title, ...) */
    PS_LINE_HEADING = 1u << 3,  /* a section heading */
    PS_LINE_TABLE = 1u << 4,    /* a table row (tab separated) */
    PS_LINE_LIST = 1u << 5,     /* a list item ("- ", "1. ", "• ") */
    PS_LINE_HARDBREAK = 1u << 6, /* markdown hard break ("  " at the end): ends the line */
    PS_LINE_CELL = 1u << 7,      /* a table row starting with an empty cell ("\tmore names"):
                                    the body keeps its leading tab, so the value keeps its column */
    PS_LINE_RUNNING = 1u << 8    /* the first occurrence of a running header: kept for the
                                    metadata it names, but in no body */
};

typedef struct {
    size_t start, end;   /* the line without its '\n'; [start, end) in the source */
    size_t cstart, cend; /* content: leading/trailing whitespace removed */
    size_t width;        /* content length in code points */
    int page;            /* 1-based page (counting '\f') */
    unsigned flags;
} ps_line;

/* ---- text helpers (protocol/text.c) ---------------------------------------------------------- */

/* Plain text of src[start, end): markdown markers (#, **, __, *, <i> tags, [text](url), escapes)
 * removed, whitespace runs collapsed to one space, trimmed. Appends to out. */
void ps_text_plain(const char *src, size_t start, size_t end, ps_buf *out);

/* Case-insensitive (ASCII + å ä ö é) equality of UTF-8 strings. */
bool ps_text_ieq(const char *a, size_t alen, const char *b);
/* Does s (length len) start with prefix, case-insensitively? */
bool ps_text_iprefix(const char *s, size_t len, const char *prefix);

/* Lowercase ASCII and Å Ä Ö É into out (same byte lengths). */
void ps_text_lower(const char *s, size_t len, ps_buf *out);

/* Slug for keys: lowercase, å/ä→a, ö→o, é→e, other non [a-z0-9._-] runs → '-', trimmed. */
char *ps_text_slug(const char *s, size_t len);

/* Is s[0, n) non-empty and all ASCII digits? */
bool ps_text_all_digits(const char *s, size_t n);

/* Remove the line breaks that cut a date or a diarienummer at a line end ("2025-" / "04-10",
 * "KS 2025/" / "118", "KS-" / "2025/118"), with the spaces around them, in place. Returns the
 * new length (s is NUL-terminated again when it shrank). */
size_t ps_text_rejoin_numbers(char *s, size_t len);

/* Number of UTF-8 code points in s[0, len). */
size_t ps_text_width(const char *s, size_t len);

/* Is the byte a word character (ASCII alnum or any non-ASCII byte)? */
static inline bool ps_text_wordc(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Is there a "§" (C2 A7) at s? s must have two readable bytes (a NUL-terminated string does). */
static inline bool ps_text_para_at(const char *s)
{
    return (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA7;
}

/* Does the UTF-8 letter at s start uppercase (A-Z, Å, Ä, Ö, É, Ü)? */
bool ps_text_upper_at(const char *s, size_t len);

/* ---- dnr, dates, references (protocol/dnr.c) --------------------------------------------------
 */

/* Parse a diarienummer at s[0, len) (after skipping an optional "Dnr"/"Dnr:"/"Dnr." prefix).
 * Forms: "2023.076 SN", "KS 2023/123", "2023/45-1", "2021.012", "KS-2021/12". Whitespace inside
 * (also newlines) may be any run. On success writes the normalized form into out (size >= 64),
 * *consumed the bytes used, and returns true. bare_ok: accept a bare "2021.012" without letters. */
bool ps_dnr_parse(const char *s, size_t len, bool bare_ok, char *out, size_t outsz,
                  size_t *consumed);

/* The series letters of a normalized dnr ("SN" of "2023.076 SN", "KS" of "KS 2023/123"), copied
 * into out; false when there are none. */
bool ps_dnr_series(const char *dnr, char *out, size_t outsz);

/* Is the whole text t one dnr (written into out) / one date? */
bool ps_text_dnr_only(const char *t, char *out, size_t outsz);
bool ps_text_date_only(const char *t, char out[11]);

/* Parse a date at s: ISO "2023-11-01" or Swedish "1 november 2023" (optionally "den 1 ...").
 * Writes "YYYY-MM-DD" into out (size >= 11). */
bool ps_date_parse(const char *s, size_t len, char out[11], size_t *consumed);

/* Find references to decisions ("KF, § 94 2021-05-26", "§ 94 den 26 maj 2021") in text. */
ps_status ps_refs_find(const char *text, size_t len, ps_reference **refs, size_t *nrefs);

/* ---- kommun and nämnd (protocol/kommun.c) ---------------------------------------------------- */

/* Infer the kommun of a text: mentions "X kommun", "Xs stad", bare names. Returns the kommun's
 * name ("Köping", static) or NULL. *read is set when a letterhead line names it. */
const char *ps_kommun_infer(const char *src, const ps_line *lines, size_t nlines, bool *read);

/* The canonical name when s[0, len) names a kommun ("Köpings kommun", "Köping", "Mölndals stad"),
 * else NULL. */
const char *ps_kommun_lookup(const char *s, size_t len);

/* Self-check of the built-in kommun tables (sorted index consistent with the table). */
bool ps_kommun_table_ok(void);

/* The nämnd for series letters ("SN" → "Socialnämnden"), or NULL. */
const char *ps_namnd_for_series(const char *letters);

/* If s[0, len) is a nämnd name ("Socialnämnden", "Social o Arbetsmarknadsnämnden",
 * "Socialnämndens arbetsutskott", "Kommunfullmäktige"), return its normalized form (malloc'd). */
char *ps_namnd_normalize(const char *s, size_t len);

/* The most frequent nämnd named in src (NULL when none), malloc'd. */
char *ps_namnd_infer(const char *src, size_t len);

/* Length of an inline markup token at s (markdown emphasis, HTML tag, link syntax, escape) to
 * drop from text, or 0. at_word_start: s begins a word (a '[' may open a link). */
size_t ps_text_markup_len(const char *s, size_t len, bool at_word_start);

/* Length of a leading markdown heading marker ("## ") at s, or 0. */
size_t ps_text_heading_marker(const char *s, size_t len);

/* ---- the parse (protocol/split.c, protocol/body.c) ------------------------------------------- */

typedef struct {
    ps_protocol_doc *doc;
    const ps_protocol_opts *opts;
    const char *src;
    size_t len;
    ps_line *lines;
    size_t nlines;
    bool has_pages;    /* the source has '\f' page breaks */
    size_t wrap_width; /* typical width of hard-wrapped lines, 0 when the text is not wrapped */
    ps_buf tmp;        /* scratch */
} ps_parser;

/* Split, classify and segment doc->source into doc->arenden. Returns PS_OK or PS_ERR_NOMEM. */
ps_status ps_parse_document(ps_protocol_doc *doc, const ps_protocol_opts *opts);

/* Build a's body, pieces and sections from lines [first, end) not marked noise or skipped;
 * finds references. Returns PS_OK or PS_ERR_NOMEM. */
ps_status ps_body_build(const ps_parser *p, size_t first, size_t end, ps_arende *a);

/* ---- lines (protocol/lines.c) ------------------------------------------------------------- */

/* How a wrapped line continues text ending d[0, n): with a space, or (a line-end hyphen) by
 * dropping the hyphen ("utbildnings-" + "förvaltningen") or keeping it ("IT-" + "samordnare",
 * "e-" + "tjänster"); a hyphen before a conjunction is real ("kultur- och"): a space. */
typedef enum { PS_JOIN_SPACE, PS_JOIN_DROP_HYPHEN, PS_JOIN_KEEP_HYPHEN } ps_join;
ps_join ps_text_join(const char *d, size_t n, const char *s, size_t len);

/* Plain text of line i into p->tmp (cleared first); returns p->tmp.data or "". */
const char *ps_line_plain(ps_parser *p, size_t i);
/* Split p->src into p->lines (classified), p->has_pages. */
ps_status ps_lines_split(ps_parser *p);
/* Set p->wrap_width. */
ps_status ps_lines_wrap_width(ps_parser *p);
/* Mark page numbers and running headers/footers as noise; *dropped counts them. */
ps_status ps_lines_mark_noise(ps_parser *p, size_t *dropped);
/* Is line i blank or noise? */
bool ps_line_blank(const ps_parser *p, size_t i);
/* The previous / next line with text, or (size_t)-1. */
size_t ps_line_prev_text(const ps_parser *p, size_t i);
size_t ps_line_next_text(const ps_parser *p, size_t i);

/* ---- vocabulary (protocol/vocab.c) -------------------------------------------------------- */

enum { PS_LABEL_NONE, PS_LABEL_DATE, PS_LABEL_HANDL, PS_LABEL_DNR, PS_LABEL_OTHER };

/* Is the plain text t (a trailing ':' ignored) a section heading ("Beslut", "Bakgrund", ...)? */
bool ps_vocab_section(const char *t);
/* A header field line "Label: value": the label kind (PS_LABEL_*) and the value's offset. */
int ps_vocab_header_label(const char *t, size_t *value);
/* Is t a word naming a document on a line of its own ("Tjänsteskrivelse", "Yttrande")? */
bool ps_vocab_document_word(const char *t);
/* Is t an agenda heading ("Ärendelista", "Föredragningslista", "Dagordning")? */
bool ps_vocab_agenda_heading(const char *t);

/* ---- document metadata (protocol/meta.c) ---------------------------------------------------- */

/* The type the top lines name (*src READ), else one inferred from the structure. */
ps_doc_type ps_meta_type(ps_parser *p, size_t paragraphs, size_t headers, bool agenda,
                         ps_field_source *src);
/* The document date from the top lines; a date-only line before preamble_end is marked skipped. */
void ps_meta_date(ps_parser *p, size_t preamble_end, char out[11], ps_field_source *src);
/* The nämnd the lines before preamble_end name (malloc'd), or NULL. */
char *ps_meta_namnd(ps_parser *p, size_t preamble_end);

/* ---- shared -------------------------------------------------------------------------------- */

/* Make room for element n in the array *arrayp (a pointer to a T* variable) of elements of size
 * elem with capacity *cap, doubling it. Returns false on OOM (the array is unchanged). */
bool ps_grow(void *arrayp, size_t *cap, size_t n, size_t elem);

/* Free a field's value and reset it. */
void ps_field_clear(ps_field *f);
/* Set a field to a copy of value (NULL leaves it absent). Returns false on OOM. */
bool ps_field_set(ps_field *f, const char *value, ps_field_source source);

#endif
