/*
 * query.c — the query-language parser (see query.h): a small lexer over UTF-8 and a recursive
 * descent parser
 *
 *   query   := or EOF
 *   or      := and (("OR" | "ELLER") and)*
 *   and     := unary (("AND" | "OCH")? unary)*
 *   unary   := ("-" | "INTE" | "NOT") primary | primary
 *   primary := "(" or ")" | PHRASE | WORD | FIELD ":" (PHRASE | VALUE | "(" or ")")
 *
 * Every error names the character where it happened and what was expected there; the user is a
 * case officer typing into a search box, so the messages are Swedish. Recursion is bounded by
 * PS_QUERY_MAX_DEPTH (parentheses; "- -x" is refused), size by PS_QUERY_MAX_BYTES / _NODES.
 */
#include "protokollsok/query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "protokollsok/buf.h"

typedef enum {
    TOK_END,
    TOK_LPAREN,
    TOK_RPAREN,
    TOK_PHRASE, /* text: between the quotes */
    TOK_MINUS,
    TOK_WORD, /* text: the word */
    TOK_OR,
    TOK_AND,
    TOK_NOT,
    TOK_FIELD /* text: the field name; the token ends after ':' */
} tok_kind;

typedef struct {
    tok_kind kind;
    size_t start, end;   /* the whole token */
    size_t tstart, tend; /* its text */
} token;

typedef struct {
    const char *q;
    size_t len;
    size_t pos;
    unsigned depth;
    unsigned nnodes;
    ps_error *err;
} parser;

/* ---- characters ------------------------------------------------------------------------ */

size_t ps_query_char_index(const char *q, size_t byte)
{
    size_t n = 0;
    for (size_t i = 0; i < byte && q[i]; i++)
        if (((unsigned char)q[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* Bytes of a quotation mark at q[i]: " “ ” „ « » ; 0 if none. */
static size_t quote_len(const parser *p, size_t i)
{
    const unsigned char *s = (const unsigned char *)p->q + i;
    size_t left = p->len - i;
    if (left >= 1 && s[0] == '"')
        return 1;
    if (left >= 3 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x9C || s[2] == 0x9D || s[2] == 0x9E))
        return 3;
    if (left >= 2 && s[0] == 0xC2 && (s[1] == 0xAB || s[1] == 0xBB))
        return 2;
    return 0;
}

/* Bytes of white space at q[i] (ASCII space/control or no-break space); 0 if none. */
static size_t space_len(const parser *p, size_t i)
{
    unsigned char c = (unsigned char)p->q[i];
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (c == 0xC2 && i + 1 < p->len && (unsigned char)p->q[i + 1] == 0xA0)
        return 2;
    return 0;
}

static bool ends_word(const parser *p, size_t i)
{
    return i >= p->len || space_len(p, i) || p->q[i] == '(' || p->q[i] == ')' || quote_len(p, i);
}

static bool all_letters(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return false;
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_LO)
            return false;
        i += (size_t)n;
    }
    return len > 0;
}

/* Lowercase NFC copy with runs of white space collapsed and trimmed; with strip, diacritics
 * removed too (field names: "Nämnd" -> "namnd"). NULL on OOM. */
static char *fold(const char *s, size_t len, bool strip)
{
    utf8proc_uint8_t *mapped = NULL;
    int opts =
        UTF8PROC_STABLE | (strip ? UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK : UTF8PROC_COMPOSE);
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &mapped,
                                      (utf8proc_option_t)opts);
    if (n < 0)
        return NULL;
    ps_buf b = PS_BUF_INIT;
    bool pending_space = false;
    for (utf8proc_ssize_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(mapped + i, n - i, &cp);
        if (k <= 0)
            break;
        i += k;
        if (cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0) {
            pending_space = b.len > 0;
            continue;
        }
        if (pending_space)
            ps_buf_putc(&b, ' ');
        pending_space = false;
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t e = utf8proc_encode_char(utf8proc_tolower(cp), enc);
        ps_buf_append(&b, (const char *)enc, (size_t)e);
    }
    free(mapped);
    if (b.failed) {
        ps_buf_free(&b);
        return NULL;
    }
    return ps_buf_steal(&b, NULL);
}

/* ---- fields ------------------------------------------------------------------------------ */

static const struct {
    const char *folded; /* lowercase, without diacritics */
    ps_qfield field;
} field_names[] = {
    {"kommun", PS_QFIELD_KOMMUN},     {"namnd", PS_QFIELD_NAMND},
    {"dnr", PS_QFIELD_DNR},           {"diarienummer", PS_QFIELD_DNR},
    {"typ", PS_QFIELD_TYP},           {"ar", PS_QFIELD_AR},
    {"datum", PS_QFIELD_DATUM},       {"titel", PS_QFIELD_TITEL},
    {"rubrik", PS_QFIELD_TITEL},      {"beslut", PS_QFIELD_BESLUT},
    {"forslag", PS_QFIELD_FORSLAG},   {"arendebeskrivning", PS_QFIELD_ARENDEBESKRIVNING},
    {"bakgrund", PS_QFIELD_BAKGRUND}, {"sammanfattning", PS_QFIELD_SAMMANFATTNING},
    {"yttrande", PS_QFIELD_YTTRANDE},
};

#define KNOWN_FIELDS                                                                               \
    "kommun, nämnd, dnr, typ, år, datum, titel, beslut, förslag, "                              \
    "ärendebeskrivning, bakgrund, sammanfattning, yttrande"

static const char *const doc_types[] = {"protokoll", "protokollsutdrag", "tjänsteskrivelse",
                                        "kallelse",  "yttrande",         "övrigt"};

#define KNOWN_TYPES "protokoll, protokollsutdrag, tjänsteskrivelse, kallelse, yttrande, övrigt"

const char *ps_query_field_name(ps_qfield field)
{
    switch (field) {
    case PS_QFIELD_NONE:
        return "";
    case PS_QFIELD_KOMMUN:
        return "kommun";
    case PS_QFIELD_NAMND:
        return "nämnd";
    case PS_QFIELD_DNR:
        return "dnr";
    case PS_QFIELD_TYP:
        return "typ";
    case PS_QFIELD_AR:
        return "år";
    case PS_QFIELD_DATUM:
        return "datum";
    case PS_QFIELD_TITEL:
        return "titel";
    case PS_QFIELD_BESLUT:
        return "beslut";
    case PS_QFIELD_FORSLAG:
        return "förslag";
    case PS_QFIELD_ARENDEBESKRIVNING:
        return "ärendebeskrivning";
    case PS_QFIELD_BAKGRUND:
        return "bakgrund";
    case PS_QFIELD_SAMMANFATTNING:
        return "sammanfattning";
    case PS_QFIELD_YTTRANDE:
        return "yttrande";
    }
    return "";
}

bool ps_query_field_is_filter(ps_qfield field)
{
    return field >= PS_QFIELD_KOMMUN && field <= PS_QFIELD_DATUM;
}

static const char *field_example(ps_qfield field)
{
    switch (field) {
    case PS_QFIELD_KOMMUN:
        return "kommun:Alingsås";
    case PS_QFIELD_NAMND:
        return "nämnd:socialnämnden";
    case PS_QFIELD_DNR:
        return "dnr:2023.076";
    case PS_QFIELD_TYP:
        return "typ:protokoll";
    case PS_QFIELD_AR:
        return "år:2023";
    case PS_QFIELD_DATUM:
        return "datum:2023-01-01..2023-12-31";
    default:
        return "beslut:upphävs";
    }
}

/* ---- errors ------------------------------------------------------------------------------ */

static ps_status fail_at(parser *p, size_t byte, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* fmt gets the 1-based character position as its first argument (%zu). */
static ps_status fail_at(parser *p, size_t byte, const char *fmt, ...)
{
    size_t ch = ps_query_char_index(p->q, byte);
    char msg[PS_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ps_error_set(p->err, PS_ERR_QUERY, "%s", msg);
    ps_error_locate(p->err, NULL, 0, (long)ch);
    return PS_ERR_QUERY;
}

static size_t pos1(const parser *p, size_t byte)
{
    return ps_query_char_index(p->q, byte) + 1;
}

/* ---- nodes ------------------------------------------------------------------------------- */

static void node_free(ps_qnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n->text2);
    free(n);
}

static ps_status node_new(parser *p, ps_qnode_kind kind, size_t start, size_t end, ps_qnode **out)
{
    *out = NULL;
    if (++p->nnodes > PS_QUERY_MAX_NODES)
        return fail_at(p, start,
                       "Frågan har för många delar (högst %d), tecken %zu: dela upp sökningen",
                       PS_QUERY_MAX_NODES, pos1(p, start));
    ps_qnode *n = calloc(1, sizeof *n);
    if (!n)
        return ps_error_set(p->err, PS_ERR_NOMEM, "out of memory parsing the query");
    n->kind = kind;
    n->start = start;
    n->end = end;
    *out = n;
    return PS_OK;
}

static ps_status node_set_text(parser *p, ps_qnode *n, const char *s, size_t len)
{
    n->text = malloc(len + 1);
    if (!n->text)
        return ps_error_set(p->err, PS_ERR_NOMEM, "out of memory parsing the query");
    memcpy(n->text, s, len);
    n->text[len] = '\0';
    return PS_OK;
}

/* Append kid to n's kids (n takes it, even on failure). */
static ps_status node_add(parser *p, ps_qnode *n, ps_qnode *kid)
{
    ps_qnode **kids = realloc(n->kids, (n->nkids + 1) * sizeof *kids);
    if (!kids) {
        node_free(kid);
        return ps_error_set(p->err, PS_ERR_NOMEM, "out of memory parsing the query");
    }
    n->kids = kids;
    n->kids[n->nkids++] = kid;
    if (kid->end > n->end)
        n->end = kid->end;
    return PS_OK;
}

/* ---- lexer ------------------------------------------------------------------------------- */

static void skip_space(parser *p)
{
    size_t n;
    while (p->pos < p->len && (n = space_len(p, p->pos)) > 0)
        p->pos += n;
}

static bool word_is(const parser *p, const token *t, const char *w)
{
    size_t n = strlen(w);
    return t->tend - t->tstart == n && memcmp(p->q + t->tstart, w, n) == 0;
}

/* The token at p->pos (after white space), without consuming it. Stray '-' and '+' (a dash
 * between words, "+word") are skipped: AND is the default anyway. */
/* "EU:s", "FN:s", "SCB:n": an abbreviation in capitals inflected after a colon, as Swedish
 * writes it, is a word, not a field: 2+ capitals, then 1-4 lower-case letters ending the word. */
static bool inflected_abbreviation(const char *s, size_t name_len, size_t rest_len)
{
    if (name_len < 2 || rest_len < 1 || rest_len > 4)
        return false;
    for (size_t i = 0; i < name_len; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    for (size_t i = 0; i < rest_len; i++)
        if (s[name_len + 1 + i] < 'a' || s[name_len + 1 + i] > 'z')
            return false;
    return true;
}

static ps_status lex(parser *p, token *t)
{
    for (;;) {
        skip_space(p);
        size_t i = p->pos;
        memset(t, 0, sizeof *t);
        t->start = t->tstart = i;
        if (i >= p->len) {
            t->kind = TOK_END;
            t->end = t->tend = i;
            return PS_OK;
        }
        char c = p->q[i];
        size_t ql = quote_len(p, i);
        if (c == '(' || c == ')') {
            t->kind = c == '(' ? TOK_LPAREN : TOK_RPAREN;
            t->end = t->tend = i + 1;
            return PS_OK;
        }
        if (ql) {
            size_t j = i + ql;
            while (j < p->len && !quote_len(p, j))
                j++;
            if (j >= p->len)
                return fail_at(p, i,
                               "Citattecknet vid tecken %zu stängs aldrig: väntade ett "
                               "avslutande \" efter frasen",
                               pos1(p, i));
            t->kind = TOK_PHRASE;
            t->tstart = i + ql;
            t->tend = j;
            t->end = j + quote_len(p, j);
            return PS_OK;
        }
        if (c == '-' || c == '+') {
            if (i + 1 >= p->len || space_len(p, i + 1) || p->q[i + 1] == ')') {
                p->pos = i + 1; /* a lone dash or plus: punctuation */
                continue;
            }
            if (c == '+') {
                p->pos = i + 1;
                continue;
            }
            t->kind = TOK_MINUS;
            t->end = t->tend = i + 1;
            return PS_OK;
        }
        size_t j = i;
        while (!ends_word(p, j))
            j++;
        t->end = t->tend = j;
        t->kind = TOK_WORD;
        const char *colon = memchr(p->q + i, ':', j - i);
        if (colon && colon > p->q + i && all_letters(p->q + i, (size_t)(colon - (p->q + i)))) {
            size_t k = (size_t)(colon - p->q);
            bool url = k + 2 < j && p->q[k + 1] == '/' && p->q[k + 2] == '/';
            if (!url && !inflected_abbreviation(p->q + i, k - i, j - k - 1)) {
                t->kind = TOK_FIELD;
                t->tend = k;
                t->end = k + 1;
                return PS_OK;
            }
        }
        if (word_is(p, t, "OR") || word_is(p, t, "ELLER"))
            t->kind = TOK_OR;
        else if (word_is(p, t, "AND") || word_is(p, t, "OCH"))
            t->kind = TOK_AND;
        else if (word_is(p, t, "NOT") || word_is(p, t, "INTE"))
            t->kind = TOK_NOT;
        return PS_OK;
    }
}

static ps_status advance(parser *p, token *t)
{
    ps_status st = lex(p, t);
    if (st == PS_OK)
        p->pos = t->end;
    return st;
}

static bool starts_operand(tok_kind k)
{
    return k == TOK_LPAREN || k == TOK_PHRASE || k == TOK_MINUS || k == TOK_WORD || k == TOK_NOT ||
           k == TOK_FIELD;
}

/* The text of an operator token, for messages. */
static void tok_text(const parser *p, const token *t, char *buf, size_t n)
{
    size_t len = t->end - t->start;
    snprintf(buf, n, "%.*s", (int)(len > 40 ? 40 : len), p->q + t->start);
}

/* ---- filter values ----------------------------------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return n > 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD" -> the first (or with last, the last) day it covers. */
static bool parse_date(const char *s, size_t n, bool last, char out[11])
{
    if (n != 4 && n != 7 && n != 10)
        return false;
    if (!all_digits(s, 4))
        return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = last ? 12 : 1, d;
    if (n >= 7) {
        if (s[4] != '-' || !all_digits(s + 5, 2))
            return false;
        m = (s[5] - '0') * 10 + (s[6] - '0');
        if (m < 1 || m > 12)
            return false;
    }
    d = last ? days_in_month(y, m) : 1;
    if (n == 10) {
        if (s[7] != '-' || !all_digits(s + 8, 2))
            return false;
        d = (s[8] - '0') * 10 + (s[9] - '0');
        if (d < 1 || d > days_in_month(y, m))
            return false;
    }
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return true;
}

static ps_status dup_into(parser *p, char **dst, const char *s)
{
    *dst = strdup(s);
    return *dst ? PS_OK : ps_error_set(p->err, PS_ERR_NOMEM, "out of memory parsing the query");
}

/* datum: and år: values: a single value or "lo..hi" with either end open (datum) */
static ps_status set_range(parser *p, ps_qnode *n, const char *v, size_t len, size_t at)
{
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < len; i++)
        if (v[i] == '.' && v[i + 1] == '.') {
            dots = v + i;
            break;
        }
    size_t lo_len = dots ? (size_t)(dots - v) : len;
    const char *hi = dots ? dots + 2 : v;
    size_t hi_len = dots ? len - lo_len - 2 : len;
    if (n->field == PS_QFIELD_AR) {
        if (!all_digits(v, lo_len) || lo_len != 4 || !all_digits(hi, hi_len) || hi_len != 4)
            return fail_at(p, at,
                           "Ogiltigt år \"%.*s\" vid tecken %zu: väntade fyra siffror, "
                           "t.ex. år:2023 eller år:2020..2023",
                           (int)len, v, pos1(p, at));
        char lo_s[5], hi_s[5];
        snprintf(lo_s, sizeof lo_s, "%.4s", v);
        snprintf(hi_s, sizeof hi_s, "%.4s", hi);
        if (strcmp(lo_s, hi_s) > 0)
            return fail_at(p, at, "Årsintervallet vid tecken %zu slutar före det börjar (%s..%s)",
                           pos1(p, at), lo_s, hi_s);
        ps_status st = dup_into(p, &n->text, lo_s);
        return st ? st : dup_into(p, &n->text2, hi_s);
    }
    if (dots && lo_len == 0 && hi_len == 0)
        return fail_at(p, at,
                       "Datumintervallet vid tecken %zu saknar både start och slut: "
                       "väntade t.ex. datum:2023-01-01..2023-12-31",
                       pos1(p, at));
    char lo_s[11], hi_s[11];
    if ((lo_len && !parse_date(v, lo_len, false, lo_s)) ||
        (hi_len && !parse_date(hi, hi_len, true, hi_s)))
        return fail_at(p, at,
                       "Ogiltigt datum \"%.*s\" vid tecken %zu: väntade ÅÅÅÅ-MM-DD, "
                       "ÅÅÅÅ-MM eller ÅÅÅÅ, t.ex. datum:2023-01-01..2023-12-31",
                       (int)len, v, pos1(p, at));
    if (lo_len && hi_len && strcmp(lo_s, hi_s) > 0)
        return fail_at(p, at, "Datumintervallet vid tecken %zu slutar före det börjar (%s..%s)",
                       pos1(p, at), lo_s, hi_s);
    ps_status st = lo_len ? dup_into(p, &n->text, lo_s) : PS_OK;
    return st ? st : hi_len ? dup_into(p, &n->text2, hi_s) : PS_OK;
}

static ps_status set_filter_value(parser *p, ps_qnode *n, const char *v, size_t len, size_t at)
{
    if (n->field == PS_QFIELD_AR || n->field == PS_QFIELD_DATUM)
        return set_range(p, n, v, len, at);
    char *folded = fold(v, len, false);
    if (!folded)
        return ps_error_set(p->err, PS_ERR_NOMEM, "out of memory parsing the query");
    if (!*folded) {
        free(folded);
        return fail_at(p, at, "Värde saknas efter \"%s:\" vid tecken %zu: väntade t.ex. %s",
                       ps_query_field_name(n->field), pos1(p, at), field_example(n->field));
    }
    if (n->field == PS_QFIELD_TYP) {
        char *plain = fold(folded, strlen(folded), true);
        const char *found = NULL;
        for (size_t i = 0; plain && i < sizeof doc_types / sizeof doc_types[0]; i++) {
            char *t = fold(doc_types[i], strlen(doc_types[i]), true);
            if (t && strcmp(t, plain) == 0)
                found = doc_types[i];
            free(t);
        }
        free(plain);
        free(folded);
        if (!found)
            return fail_at(p, at,
                           "Okänd dokumenttyp \"%.*s\" vid tecken %zu. Kända typer: " KNOWN_TYPES,
                           (int)len, v, pos1(p, at));
        return dup_into(p, &n->text, found);
    }
    n->text = folded;
    return PS_OK;
}

/* ---- parser ------------------------------------------------------------------------------ */

static ps_status parse_or(parser *p, ps_qfield ctx, ps_qnode **out);

/* A series code after a dnr value: 1-6 capital letters ("SN", "KS"). */
static bool is_series(const parser *p, const token *t)
{
    size_t n = t->tend - t->tstart;
    if (t->kind != TOK_WORD || n == 0 || n > 12 || !all_letters(p->q + t->tstart, n))
        return false;
    char *low = fold(p->q + t->tstart, n, false);
    bool upper = low && (strlen(low) != n || memcmp(low, p->q + t->tstart, n) != 0);
    free(low);
    return upper;
}

static ps_status fill_leaf(parser *p, const token *t, ps_qnode *n);

/* A WORD, PHRASE or (with a filter field) FILTER node from token t. */
static ps_status make_leaf(parser *p, const token *t, ps_qfield field, ps_qnode **out)
{
    ps_qnode_kind kind = t->kind == TOK_PHRASE ? PS_QNODE_PHRASE : PS_QNODE_WORD;
    if (ps_query_field_is_filter(field))
        kind = PS_QNODE_FILTER;
    ps_status st = node_new(p, kind, t->start, t->end, out);
    if (st)
        return st;
    (*out)->field = field;
    if ((st = fill_leaf(p, t, *out)) != PS_OK) {
        node_free(*out);
        *out = NULL;
    }
    return st;
}

static ps_status fill_leaf(parser *p, const token *t, ps_qnode *n)
{
    ps_qnode_kind kind = n->kind;
    ps_qfield field = n->field;
    ps_status st = PS_OK;
    const char *s = p->q + t->tstart;
    size_t len = t->tend - t->tstart;
    if (t->kind == TOK_WORD) {
        const char *star = memchr(s, '*', len);
        if (star && kind == PS_QNODE_FILTER)
            st = fail_at(p, (size_t)(star - p->q),
                         "Jokertecken går inte i fältet %s: (tecken %zu): "
                         "skriv hela värdet, t.ex. %s",
                         ps_query_field_name(field), pos1(p, (size_t)(star - p->q)),
                         field_example(field));
        else if (star && star != s + len - 1)
            st = fail_at(p, (size_t)(star - p->q),
                         "\"*\" vid tecken %zu: jokertecken går bara i "
                         "slutet av ett ord, t.ex. utträd*",
                         pos1(p, (size_t)(star - p->q)));
        else if (star && len == 1)
            st = fail_at(p, t->tstart,
                         "Jokertecknet vid tecken %zu saknar början: väntade minst "
                         "en bokstav före *, t.ex. utträd*",
                         pos1(p, t->tstart));
        else if (star) {
            n->wildcard = true;
            len--;
        }
        if (st)
            return st;
    }
    if (t->kind == TOK_PHRASE && len == 0)
        return fail_at(p, t->start, "Tom fras vid tecken %zu: väntade ord mellan citattecknen",
                       pos1(p, t->start));
    if (kind == PS_QNODE_FILTER) {
        if (len > 0 && *s == '-' && t->kind == TOK_WORD)
            return fail_at(p, t->tstart,
                           "Värdet efter %s: vid tecken %zu börjar med \"-\": skriv "
                           "-%s:värde för att utesluta",
                           ps_query_field_name(field), pos1(p, t->tstart),
                           ps_query_field_name(field));
        return set_filter_value(p, n, s, len, t->tstart);
    }
    return node_set_text(p, n, s, len);
}

static size_t span_dnr_number(const char *s);

/* A whole word that is a dnr number ("2023.076", "2023/45-1"); the word is not NUL-terminated. */
static bool is_dnr_number(const char *s, size_t n)
{
    char buf[32];
    if (n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return span_dnr_number(buf) == n;
}

/* dnr:2023.076 SN and dnr:KS 2023/123 — join the two words of an unquoted diarienummer. */
static void extend_dnr(parser *p, token *t)
{
    size_t save = p->pos;
    token next;
    if (lex(p, &next) != PS_OK || next.kind != TOK_WORD) {
        p->pos = save;
        return;
    }
    size_t n = t->tend - t->tstart;
    bool number_first = is_dnr_number(p->q + t->tstart, n) && is_series(p, &next);
    bool series_first =
        is_series(p, t) && is_dnr_number(p->q + next.tstart, next.tend - next.tstart);
    if (number_first || series_first) {
        t->tend = next.tend;
        t->end = next.end;
        p->pos = next.end;
    } else {
        p->pos = save;
    }
}

static ps_status parse_field(parser *p, const token *ft, ps_qfield ctx, ps_qnode **out)
{
    char *name = fold(p->q + ft->tstart, ft->tend - ft->tstart, true);
    if (!name)
        return ps_error_set(p->err, PS_ERR_NOMEM, "out of memory parsing the query");
    ps_qfield field = PS_QFIELD_NONE;
    for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++)
        if (strcmp(name, field_names[i].folded) == 0)
            field = field_names[i].field;
    free(name);
    int nlen = (int)(ft->tend - ft->tstart);
    const char *ns = p->q + ft->tstart;
    if (field == PS_QFIELD_NONE)
        return fail_at(p, ft->start,
                       "Okänt fält \"%.*s:\" vid tecken %zu. Kända fält: " KNOWN_FIELDS
                       ". Sätt citattecken runt texten för att söka på den: \"%.*s:…\"",
                       nlen, ns, pos1(p, ft->start), nlen, ns);
    if (ctx != PS_QFIELD_NONE)
        return fail_at(p, ft->start,
                       "Fältet \"%.*s:\" vid tecken %zu står inuti fältet %s: — "
                       "fält kan inte nästlas",
                       nlen, ns, pos1(p, ft->start), ps_query_field_name(ctx));
    if (p->pos >= p->len || space_len(p, p->pos) || p->q[p->pos] == ')')
        return fail_at(p, ft->end,
                       "Värde saknas efter \"%.*s:\" vid tecken %zu: väntade t.ex. %s "
                       "(utan mellanslag efter kolon)",
                       nlen, ns, pos1(p, ft->end), field_example(field));
    /* The value: a phrase, a (group), or the rest of the word whatever it looks like
     * (kommun:Alingsås, titel:-x); the lexer is used for phrases only, since it would skip a
     * lone '-' or '+' and read operators. */
    token t = {TOK_WORD, p->pos, p->pos, p->pos, p->pos};
    ps_status st = PS_OK;
    if (quote_len(p, p->pos) && (st = lex(p, &t)) != PS_OK)
        return st;
    if (p->q[p->pos] == '(') {
        t.kind = TOK_LPAREN;
        t.end = p->pos + 1;
        if (++p->depth > PS_QUERY_MAX_DEPTH)
            return fail_at(p, t.start,
                           "För djupt nästlade parenteser vid tecken %zu (högst %d nivåer)",
                           pos1(p, t.start), PS_QUERY_MAX_DEPTH);
        p->pos = t.end;
        st = parse_or(p, field, out);
        if (st)
            return st;
        token close;
        st = lex(p, &close);
        if (st == PS_OK && close.kind != TOK_RPAREN)
            st = fail_at(p, t.start, "Parentesen vid tecken %zu stängs aldrig: väntade \")\"",
                         pos1(p, t.start));
        if (st == PS_OK && !*out)
            st = fail_at(p, t.start, "Tomma parenteser efter %s: vid tecken %zu: väntade t.ex. %s",
                         ps_query_field_name(field), pos1(p, t.start), field_example(field));
        if (st) {
            node_free(*out);
            *out = NULL;
            return st;
        }
        p->pos = close.end;
        p->depth--;
        return PS_OK;
    }
    if (t.kind != TOK_PHRASE) {
        size_t j = p->pos;
        while (!ends_word(p, j))
            j++;
        t.end = t.tend = j;
    }
    p->pos = t.end;
    if (field == PS_QFIELD_DNR && t.kind == TOK_WORD)
        extend_dnr(p, &t);
    st = make_leaf(p, &t, field, out);
    if (st == PS_OK)
        (*out)->start = ft->start;
    return st;
}

static ps_status parse_primary(parser *p, ps_qfield ctx, ps_qnode **out)
{
    *out = NULL;
    token t;
    ps_status st = advance(p, &t);
    if (st)
        return st;
    switch (t.kind) {
    case TOK_LPAREN: {
        if (++p->depth > PS_QUERY_MAX_DEPTH)
            return fail_at(p, t.start,
                           "För djupt nästlade parenteser vid tecken %zu (högst %d nivåer)",
                           pos1(p, t.start), PS_QUERY_MAX_DEPTH);
        st = parse_or(p, ctx, out);
        if (st)
            return st;
        token close;
        st = advance(p, &close);
        if (st == PS_OK && close.kind != TOK_RPAREN)
            st = fail_at(p, t.start, "Parentesen vid tecken %zu stängs aldrig: väntade \")\"",
                         pos1(p, t.start));
        if (st == PS_OK && !*out)
            st = fail_at(p, t.start,
                         "Tomma parenteser vid tecken %zu: väntade ett ord, en fras "
                         "eller ett fält inom ( )",
                         pos1(p, t.start));
        if (st) {
            node_free(*out);
            *out = NULL;
            return st;
        }
        p->depth--;
        return PS_OK;
    }
    case TOK_PHRASE:
    case TOK_WORD:
        return make_leaf(p, &t, ctx, out);
    case TOK_FIELD:
        return parse_field(p, &t, ctx, out);
    default:
        return fail_at(p, t.start, "Oväntat tecken vid tecken %zu: väntade ett ord",
                       pos1(p, t.start));
    }
}

static ps_status parse_unary(parser *p, ps_qfield ctx, ps_qnode **out)
{
    *out = NULL;
    token t;
    ps_status st = lex(p, &t);
    if (st)
        return st;
    if (t.kind != TOK_MINUS && t.kind != TOK_NOT)
        return parse_primary(p, ctx, out);
    p->pos = t.end;
    token next;
    char op[48];
    tok_text(p, &t, op, sizeof op);
    if ((st = lex(p, &next)) != PS_OK)
        return st;
    if (next.kind == TOK_MINUS || next.kind == TOK_NOT)
        return fail_at(p, next.start,
                       "Dubbel uteslutning vid tecken %zu: väntade ett ord efter \"%s\"",
                       pos1(p, next.start), op);
    if (!starts_operand(next.kind))
        return fail_at(p, t.start, "Väntade ett ord efter \"%s\" vid tecken %zu", op,
                       pos1(p, t.start));
    ps_qnode *kid;
    if ((st = parse_primary(p, ctx, &kid)) != PS_OK)
        return st;
    if ((st = node_new(p, PS_QNODE_NOT, t.start, kid->end, out)) != PS_OK) {
        node_free(kid);
        return st;
    }
    return node_add(p, *out, kid);
}

/* Combine items into one node of kind (or the single item itself). Takes the items. */
static ps_status combine(parser *p, ps_qnode_kind kind, ps_qnode **items, size_t n, ps_qnode **out)
{
    *out = NULL;
    if (n == 0)
        return PS_OK;
    if (n == 1) {
        *out = items[0];
        return PS_OK;
    }
    ps_status st = node_new(p, kind, items[0]->start, items[n - 1]->end, out);
    size_t i = 0;
    for (; st == PS_OK && i < n; i++)
        st = node_add(p, *out, items[i]);
    for (; i < n; i++)
        node_free(items[i]);
    if (st) {
        node_free(*out);
        *out = NULL;
    }
    return st;
}

typedef struct {
    ps_qnode **items;
    size_t n;
} item_list;

static ps_status list_push(parser *p, item_list *l, ps_qnode *n)
{
    ps_qnode **items = realloc(l->items, (l->n + 1) * sizeof *items);
    if (!items) {
        node_free(n);
        return ps_error_set(p->err, PS_ERR_NOMEM, "out of memory parsing the query");
    }
    l->items = items;
    l->items[l->n++] = n;
    return PS_OK;
}

static void list_free(item_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        node_free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

/* Consume the binary operator t (AND, OR): it needs a word before it (has_left) and after. */
static ps_status take_operator(parser *p, const token *t, bool has_left)
{
    char op[48];
    tok_text(p, t, op, sizeof op);
    if (!has_left)
        return fail_at(p, t->start,
                       "\"%s\" vid tecken %zu har inget ord före sig: väntade ett ord före %s", op,
                       pos1(p, t->start), op);
    p->pos = t->end;
    token next;
    ps_status st = lex(p, &next);
    if (st == PS_OK && !starts_operand(next.kind))
        st = fail_at(p, t->start, "Väntade ett ord efter \"%s\" vid tecken %zu", op,
                     pos1(p, t->start));
    return st;
}

/* Items up to OR, ')' or the end; an empty result (*out NULL) is for the caller to judge. */
static ps_status parse_and(parser *p, ps_qfield ctx, ps_qnode **out)
{
    item_list l = {NULL, 0};
    ps_status st = PS_OK;
    *out = NULL;
    for (;;) {
        token t;
        if ((st = lex(p, &t)) != PS_OK)
            break;
        if (t.kind == TOK_END || t.kind == TOK_RPAREN || t.kind == TOK_OR)
            break;
        if (t.kind == TOK_AND) {
            if ((st = take_operator(p, &t, l.n > 0)) != PS_OK)
                break;
            continue;
        }
        ps_qnode *item;
        if ((st = parse_unary(p, ctx, &item)) != PS_OK)
            break;
        if ((st = list_push(p, &l, item)) != PS_OK)
            break;
    }
    if (st == PS_OK) {
        st = combine(p, PS_QNODE_AND, l.items, l.n, out);
        free(l.items);
        return st;
    }
    list_free(&l);
    return st;
}

static ps_status parse_or(parser *p, ps_qfield ctx, ps_qnode **out)
{
    item_list l = {NULL, 0};
    ps_status st;
    *out = NULL;
    for (;;) {
        ps_qnode *item;
        if ((st = parse_and(p, ctx, &item)) != PS_OK)
            break;
        token t;
        if ((st = lex(p, &t)) != PS_OK) {
            node_free(item);
            break;
        }
        if (item && (st = list_push(p, &l, item)) != PS_OK)
            break;
        if (t.kind != TOK_OR)
            break;
        if ((st = take_operator(p, &t, item != NULL)) != PS_OK)
            break;
    }
    if (st == PS_OK) {
        st = combine(p, PS_QNODE_OR, l.items, l.n, out);
        free(l.items);
        return st;
    }
    list_free(&l);
    return st;
}

/* ---- diarienummer queries ---------------------------------------------------------------- */

static size_t span_digits(const char *s)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

static size_t span_letters(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != ' ' && !(s[n] >= '0' && s[n] <= '9') && s[n] != '.' && s[n] != '/' &&
           s[n] != '-')
        n++;
    return all_letters(s, n) ? n : 0;
}

/* Length of a dnr number at s: "2023.076" or "2023/123" or "2023/45-1"; 0 if none. */
static size_t span_dnr_number(const char *s)
{
    if (span_digits(s) != 4 || (s[4] != '.' && s[4] != '/'))
        return 0;
    size_t n = span_digits(s + 5);
    if (n == 0 || n > 6)
        return 0;
    n += 5;
    if (s[n] == '-' && span_digits(s + n + 1) > 0 && span_digits(s + n + 1) <= 4)
        n += 1 + span_digits(s + n + 1);
    return n;
}

static char *detect_dnr(const char *q, size_t len)
{
    char *f = fold(q, len, false);
    if (!f)
        return NULL;
    const char *s = f;
    size_t n;
    if ((n = span_dnr_number(s)) > 0) {
        s += n;
        if (*s == ' ' && (n = span_letters(s + 1)) > 0 && n <= 12)
            s += 1 + n;
    } else if ((n = span_letters(s)) > 0 && n <= 12 && s[n] == ' ' && span_dnr_number(s + n + 1)) {
        s += n + 1;
        s += span_dnr_number(s);
    } else {
        s = NULL;
    }
    if (!s || *s) {
        free(f);
        return NULL;
    }
    return f;
}

/* ---- entry points ------------------------------------------------------------------------ */

ps_status ps_query_parse(const char *q, size_t len, ps_query **out, ps_error *err)
{
    *out = NULL;
    ps_error_clear(err);
    parser p = {q ? q : "", q ? len : 0, 0, 0, 0, err};
    if (p.len > PS_QUERY_MAX_BYTES)
        return fail_at(&p, PS_QUERY_MAX_BYTES,
                       "Frågan är för lång (%zu byte, högst %d); "
                       "tecken %zu är över gränsen",
                       p.len, PS_QUERY_MAX_BYTES, pos1(&p, PS_QUERY_MAX_BYTES));
    for (size_t i = 0; i < p.len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)p.q + i, (utf8proc_ssize_t)(p.len - i), &cp);
        if (n <= 0 || cp == 0)
            return fail_at(&p, i, "Ogiltigt tecken (inte UTF-8) vid tecken %zu", pos1(&p, i));
        i += (size_t)n;
    }
    ps_query *query = calloc(1, sizeof *query);
    if (!query)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory parsing the query");
    ps_status st = parse_or(&p, PS_QFIELD_NONE, &query->root);
    token t;
    if (st == PS_OK && (st = lex(&p, &t)) == PS_OK && t.kind != TOK_END)
        st = fail_at(&p, t.start, "\")\" vid tecken %zu saknar en inledande \"(\"",
                     pos1(&p, t.start));
    if (st == PS_OK && query->root)
        query->dnr = detect_dnr(p.q, p.len);
    if (st) {
        ps_query_free(query);
        return st;
    }
    *out = query;
    return PS_OK;
}

void ps_query_free(ps_query *query)
{
    if (!query)
        return;
    node_free(query->root);
    free(query->dnr);
    free(query);
}

char *ps_query_fold(const char *s, size_t len)
{
    return fold(s, len, false);
}

void ps_qnode_free(ps_qnode *node)
{
    node_free(node);
}

ps_status ps_query_filter_node(ps_qfield field, const char *value, ps_qnode **out, ps_error *err)
{
    *out = NULL;
    ps_error_clear(err);
    if (!ps_query_field_is_filter(field))
        return ps_error_set(err, PS_ERR_INVALID, "not a filter field: %d", (int)field);
    size_t len = value ? strlen(value) : 0;
    parser p = {value ? value : "", len, 0, 0, 0, err};
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)value + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return fail_at(&p, i, "Ogiltigt tecken (inte UTF-8) vid tecken %zu", pos1(&p, i));
        i += (size_t)n;
    }
    token t = {TOK_PHRASE, 0, len, 0, len};
    if (len == 0)
        return fail_at(&p, 0, "Värde saknas för %s (tecken %zu): väntade t.ex. %s",
                       ps_query_field_name(field), pos1(&p, 0), field_example(field));
    return make_leaf(&p, &t, field, out);
}

/* ---- describe ---------------------------------------------------------------------------- */

static void put_value(ps_buf *b, const char *v)
{
    if (!*v || strpbrk(v, " ()") || *v == '-' || *v == '+')
        ps_buf_printf(b, "\"%s\"", v);
    else
        ps_buf_puts(b, v);
}

static bool describable(const ps_qnode *n)
{
    if (n->ignored)
        return false;
    if (n->kind != PS_QNODE_AND && n->kind != PS_QNODE_OR && n->kind != PS_QNODE_NOT)
        return true;
    for (size_t i = 0; i < n->nkids; i++)
        if (describable(n->kids[i]))
            return true;
    return false;
}

/* Whether n prints as an AND/OR of two or more parts (and may need parentheses). */
static bool describes_as_group(const ps_qnode *n)
{
    if (n->kind != PS_QNODE_AND && n->kind != PS_QNODE_OR)
        return false;
    size_t shown = 0;
    for (size_t i = 0; i < n->nkids; i++)
        shown += describable(n->kids[i]);
    return shown > 1;
}

static void describe(ps_buf *b, const ps_qnode *n)
{
    if (n->field != PS_QFIELD_NONE)
        ps_buf_printf(b, "%s:", ps_query_field_name(n->field));
    switch (n->kind) {
    case PS_QNODE_WORD:
        ps_buf_puts(b, n->text);
        if (n->wildcard)
            ps_buf_putc(b, '*');
        return;
    case PS_QNODE_PHRASE:
        ps_buf_printf(b, "\"%s\"", n->text);
        return;
    case PS_QNODE_FILTER:
        if (n->field == PS_QFIELD_DATUM || (n->field == PS_QFIELD_AR && strcmp(n->text, n->text2)))
            ps_buf_printf(b, "%s..%s", n->text ? n->text : "", n->text2 ? n->text2 : "");
        else
            put_value(b, n->text);
        return;
    case PS_QNODE_NOT: {
        const ps_qnode *k = n->kids[0];
        bool paren = describes_as_group(k);
        ps_buf_puts(b, paren ? "-(" : "-");
        describe(b, k);
        if (paren)
            ps_buf_putc(b, ')');
        return;
    }
    case PS_QNODE_AND:
    case PS_QNODE_OR: {
        size_t shown = 0;
        for (size_t i = 0; i < n->nkids; i++) {
            const ps_qnode *k = n->kids[i];
            if (!describable(k))
                continue;
            bool paren = describes_as_group(k) && k->kind != n->kind;
            if (shown++)
                ps_buf_puts(b, n->kind == PS_QNODE_AND ? " AND " : " OR ");
            if (paren)
                ps_buf_putc(b, '(');
            describe(b, k);
            if (paren)
                ps_buf_putc(b, ')');
        }
        return;
    }
    }
}

char *ps_query_describe(const ps_query *query)
{
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, "");
    if (query && query->root && describable(query->root))
        describe(&b, query->root);
    if (b.failed) {
        ps_buf_free(&b);
        return NULL;
    }
    return ps_buf_steal(&b, NULL);
}
