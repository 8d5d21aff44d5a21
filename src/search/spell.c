/*
 * search/spell.c — "Menade du …?": a better spelling of a query's words, from the index's own
 * words (no word list of our own, so names and jargon of the corpus count as words).
 *
 * For each free word of the query (not a stop word, a number or a dnr; not a prefix* or a
 * filter value) two passes, each only when the word finds little:
 *  1. diacritics: a word typed on a foreign keyboard or copied from a URL (forbund, arende,
 *     Alingsas, aldreomsorg) is tried with each a as a/å/ä and each o as o/ö; the variant whose
 *     stem most documents have wins (so inflections and compound parts count: forbundet →
 *     förbundet, which stems to förbund).
 *  2. typos: the exact word forms of the index ("E" terms) that begin like the word (its first
 *     two letters, with their diacritic variants) within 1 edit (5–7 letters) or 2 (8 and more;
 *     a swap of two neighbours is one edit, a missing diacritic none): förbudnet → förbundet.
 *     Fewest edits win, then the most documents.
 * A word the index has is replaced only by a diacritic variant at least PS_SPELL_MORE times as
 * frequent, and gets no typo fix (a rare word spelt right is no typo).
 * The cost is a few term-frequency look-ups and one walk over the terms sharing a two-letter
 * beginning, made only for queries that found little (search.c decides).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/buf.h"
#include "protokollsok/schema.h"
#include "internal.h"

#define WORD_MAX 48      /* code points; longer words are not corrected */
#define VARIANTS_MAX 256 /* diacritic variants tried per word */
#define PS_SPELL_MORE 10 /* a known word yields only to one this many times as frequent */
#define TYPO_SCAN 20000  /* exact forms looked at per two-letter beginning */

/* ---- code points ------------------------------------------------------------------------- */

/* Decode valid UTF-8 (the query parser checked it); SIZE_MAX when longer than max. */
static size_t decode(const char *s, size_t len, uint32_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < len; n++) {
        if (n == max)
            return SIZE_MAX;
        unsigned char c = (unsigned char)s[i];
        size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        uint32_t cp = k == 1 ? c : k == 2 ? c & 0x1F : k == 3 ? c & 0x0F : c & 0x07;
        for (size_t j = 1; j < k && i + j < len; j++)
            cp = (cp << 6) | ((unsigned char)s[i + j] & 0x3F);
        out[n] = cp;
        i += k;
    }
    return n;
}

static void encode(ps_buf *b, const uint32_t *cp, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t c = cp[i];
        if (c < 0x80) {
            ps_buf_putc(b, (char)c);
        } else if (c < 0x800) {
            ps_buf_putc(b, (char)(0xC0 | (c >> 6)));
            ps_buf_putc(b, (char)(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            ps_buf_putc(b, (char)(0xE0 | (c >> 12)));
            ps_buf_putc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
            ps_buf_putc(b, (char)(0x80 | (c & 0x3F)));
        } else {
            ps_buf_putc(b, (char)(0xF0 | (c >> 18)));
            ps_buf_putc(b, (char)(0x80 | ((c >> 12) & 0x3F)));
            ps_buf_putc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
            ps_buf_putc(b, (char)(0x80 | (c & 0x3F)));
        }
    }
}

enum { AA = 0xE5, AE = 0xE4, OE = 0xF6, EE = 0xE9 }; /* å ä ö é */

/* The letter without its Swedish diacritic (å, ä → a; ö → o; é → e). */
static uint32_t plain(uint32_t c)
{
    return c == AA || c == AE ? 'a' : c == OE ? 'o' : c == EE ? 'e' : c;
}

/* The letters a diacritic-free c may have stood for (c itself first). */
static size_t choices(uint32_t c, uint32_t out[3])
{
    out[0] = c;
    if (c == 'a') {
        out[1] = AA, out[2] = AE;
        return 3;
    }
    if (c == 'o') {
        out[1] = OE;
        return 2;
    }
    return 1;
}

/* Optimal string alignment distance of the diacritic-free forms, or max + 1 when above max. */
static unsigned distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, unsigned max)
{
    if ((na > nb ? na - nb : nb - na) > max)
        return max + 1;
    unsigned d[WORD_MAX + 1][WORD_MAX + 1];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= na; i++) {
        unsigned row_min = max + 1;
        for (size_t j = 1; j <= nb; j++) {
            unsigned cost = plain(a[i - 1]) != plain(b[j - 1]);
            unsigned v = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && plain(a[i - 1]) == plain(b[j - 2]) &&
                plain(a[i - 2]) == plain(b[j - 1]) && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            row_min = v < row_min ? v : row_min;
        }
        if (row_min > max)
            return max + 1;
    }
    return d[na][nb];
}

/* ---- words of the index ------------------------------------------------------------------ */

typedef struct {
    char norm[4 * WORD_MAX + 1]; /* case-folded form */
    char stem[PS_ANALYZER_TERM_MAX + 1];
    unsigned flags;
    size_t tokens;
} word_info;

static bool take_token(void *ctx, const ps_token *tok)
{
    word_info *w = ctx;
    if (w->tokens++ > 0)
        return false;
    w->flags = tok->flags;
    snprintf(w->norm, sizeof w->norm, "%.*s", (int)tok->norm_len, tok->norm);
    if (tok->nterms && tok->terms[0].kind == PS_TERM_STEM)
        snprintf(w->stem, sizeof w->stem, "%.*s", (int)tok->terms[0].len, tok->terms[0].text);
    return true;
}

static ps_status analyze(ps_searcher *s, const char *text, size_t len, word_info *w, ps_error *err)
{
    memset(w, 0, sizeof *w);
    return ps_analyzer_run(s->an, text, len, PS_ANALYZE_QUERY, take_token, w, err);
}

bool ps_search_stem_of(ps_searcher *s, const char *word, char *out, size_t cap)
{
    word_info w;
    ps_error err;
    if (analyze(s, word, strlen(word), &w, &err) != PS_OK || w.tokens != 1 || !w.stem[0])
        return false;
    snprintf(out, cap, "%s", w.stem);
    return true;
}

/* Documents having the word's stem (its inflections, and compounds with it as a part). */
static ps_status stem_docs(ps_searcher *s, const word_info *w, uint32_t *out, ps_error *err)
{
    *out = 0;
    return w->stem[0] ? ps_store_termfreq(s->store, w->stem, out, err) : PS_OK;
}

typedef struct {
    uint32_t cp[WORD_MAX];
    size_t n;
    unsigned max;       /* edits allowed */
    unsigned best_dist; /* so far */
    uint32_t best_docs;
    size_t scanned;
    char best[4 * WORD_MAX + 1];
} typo_search;

static bool typo_candidate(void *ctx, const char *term, size_t len, uint32_t docs)
{
    typo_search *t = ctx;
    if (++t->scanned > TYPO_SCAN) /* a huge index: the first forms with that beginning */
        return false;
    uint32_t cp[WORD_MAX];
    size_t n = decode(term + 1, len - 1, cp, WORD_MAX); /* after the "E" */
    if (n == SIZE_MAX || n < 2)
        return true;
    for (size_t i = 0; i < n; i++)
        if (cp[i] < 'a' && cp[i] != '-') /* digits, punctuation: no word */
            return true;
    if (n == t->n && memcmp(cp, t->cp, n * sizeof *cp) == 0)
        return true;
    unsigned d = distance(t->cp, t->n, cp, n, t->max);
    if (d > t->max || d > t->best_dist || (d == t->best_dist && docs <= t->best_docs))
        return true;
    t->best_dist = d;
    t->best_docs = docs;
    snprintf(t->best, sizeof t->best, "%.*s", (int)(len - 1), term + 1);
    return true;
}

/* The best correction of one word into *fix (malloc'd, NULL when none). */
static ps_status correct_word(ps_searcher *s, const char *text, size_t len, char **fix,
                              ps_error *err)
{
    *fix = NULL;
    word_info w;
    ps_status st = analyze(s, text, len, &w, err);
    if (st || w.tokens != 1 || !w.stem[0] ||
        (w.flags & (PS_TOKEN_STOPWORD | PS_TOKEN_NUMBER | PS_TOKEN_DNR | PS_TOKEN_DATE |
                    PS_TOKEN_PARAGRAPH | PS_TOKEN_URL | PS_TOKEN_EMAIL)))
        return st;
    uint32_t cp[WORD_MAX];
    size_t n = decode(w.norm, strlen(w.norm), cp, WORD_MAX);
    if (n == SIZE_MAX || n < 3)
        return PS_OK;
    uint32_t have = 0;
    if ((st = stem_docs(s, &w, &have, err)) != PS_OK)
        return st;
    uint32_t need = have ? have * PS_SPELL_MORE : 1;

    /* 1. diacritics: every a as a/å/ä, every o as o/ö */
    size_t combos = 1;
    for (size_t i = 0; i < n && combos <= VARIANTS_MAX; i++) {
        uint32_t ch[3];
        combos *= choices(cp[i], ch);
    }
    uint32_t best_docs = 0;
    ps_buf best = PS_BUF_INIT, v = PS_BUF_INIT;
    for (size_t k = 1; st == PS_OK && combos <= VARIANTS_MAX && k < combos; k++) {
        uint32_t var[WORD_MAX];
        size_t rest = k;
        for (size_t i = 0; i < n; i++) {
            uint32_t ch[3];
            size_t m = choices(cp[i], ch);
            var[i] = ch[rest % m];
            rest /= m;
        }
        ps_buf_clear(&v);
        encode(&v, var, n);
        word_info vw;
        uint32_t docs = 0;
        if (v.failed)
            st = ps_search_nomem(err);
        if (st == PS_OK)
            st = analyze(s, v.data, v.len, &vw, err);
        if (st == PS_OK && vw.tokens == 1)
            st = stem_docs(s, &vw, &docs, err);
        if (st == PS_OK && docs >= need && docs > best_docs) {
            best_docs = docs;
            ps_buf_clear(&best);
            ps_buf_append(&best, v.data, v.len);
        }
    }
    ps_buf_free(&v);

    /* 2. typos, among the exact forms beginning like the word */
    unsigned max = n >= 8 ? 2 : n >= 5 ? 1 : 0;
    /* typos only for a word the index does not have: a rare word spelt right is no typo */
    if (st == PS_OK && best_docs == 0 && max > 0 && have == 0) {
        typo_search t = {.n = n, .max = max, .best_dist = max + 1};
        memcpy(t.cp, cp, n * sizeof *cp);
        uint32_t c0[3], c1[3];
        size_t n0 = choices(cp[0], c0), n1 = choices(cp[1], c1);
        for (size_t i = 0; st == PS_OK && i < n0; i++)
            for (size_t j = 0; st == PS_OK && j < n1; j++) {
                uint32_t two[2] = {c0[i], c1[j]};
                ps_buf pre = PS_BUF_INIT;
                ps_buf_puts(&pre, PS_PREFIX_EXACT);
                encode(&pre, two, 2);
                st = pre.failed ? ps_search_nomem(err)
                                : ps_store_each_term(s->store, pre.data, typo_candidate, &t, err);
                ps_buf_free(&pre);
            }
        if (st == PS_OK && t.best_dist <= max && t.best_docs >= need) {
            ps_buf_clear(&best);
            ps_buf_puts(&best, t.best);
        }
    }
    if (st == PS_OK && best.len && !best.failed)
        *fix = ps_buf_steal(&best, NULL);
    ps_buf_free(&best);
    return st;
}

/* ---- the query --------------------------------------------------------------------------- */

/* Upper-case the first letter of fix when the typed word began with a capital (Alingsas →
 * Alingsås): ASCII and å ä ö é. */
static void keep_capital(ps_buf *b, const char *typed, const char *fix)
{
    unsigned char t = (unsigned char)typed[0];
    bool capital = (t >= 'A' && t <= 'Z') || (t == 0xC3 && (unsigned char)typed[1] >= 0x80 &&
                                              (unsigned char)typed[1] <= 0x9E);
    unsigned char f = (unsigned char)fix[0];
    if (capital && f >= 'a' && f <= 'z') {
        ps_buf_putc(b, (char)(f - 32));
        ps_buf_puts(b, fix + 1);
    } else if (capital && f == 0xC3 && (unsigned char)fix[1] >= 0xA0 &&
               (unsigned char)fix[1] <= 0xBE) {
        ps_buf_putc(b, (char)0xC3);
        ps_buf_putc(b, (char)(fix[1] - 32));
        ps_buf_puts(b, fix + 2);
    } else {
        ps_buf_puts(b, fix);
    }
}

typedef struct {
    ps_searcher *s;
    const char *q;
    ps_buf out;
    size_t at;    /* bytes of q copied to out */
    size_t fixed; /* words replaced */
} speller;

static ps_status walk(speller *sp, const ps_qnode *n, ps_error *err)
{
    if (n->kind == PS_QNODE_NOT) /* an excluded word is not what the user looks for */
        return PS_OK;
    if (n->kind == PS_QNODE_WORD && !n->wildcard && !n->ignored && n->text && n->end > n->start) {
        char *fix = NULL;
        /* the word as typed: the node's span, without a leading '-' or field name */
        const char *w = n->text;
        ps_status st = correct_word(sp->s, w, strlen(w), &fix, err);
        const char *found = fix ? strstr(sp->q + n->start, w) : NULL;
        if (st == PS_OK && fix && found && (size_t)(found - sp->q) < n->end) {
            size_t from = (size_t)(found - sp->q);
            ps_buf_append(&sp->out, sp->q + sp->at, from - sp->at);
            keep_capital(&sp->out, w, fix);
            sp->at = from + strlen(w);
            sp->fixed++;
        }
        free(fix);
        return st;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        ps_status st = walk(sp, n->kids[i], err);
        if (st)
            return st;
    }
    return PS_OK;
}

ps_status ps_search_spell(ps_searcher *s, const ps_query *query, const char *q, char **out,
                          ps_error *err)
{
    *out = NULL;
    if (!query->root || query->dnr)
        return PS_OK;
    speller sp = {.s = s, .q = q, .out = PS_BUF_INIT};
    ps_status st = walk(&sp, query->root, err);
    if (st == PS_OK && sp.fixed) {
        ps_buf_puts(&sp.out, q + sp.at);
        if (sp.out.failed)
            st = ps_search_nomem(err);
        else
            *out = ps_buf_steal(&sp.out, NULL);
    }
    ps_buf_free(&sp.out);
    return st;
}
