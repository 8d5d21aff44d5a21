/*
 * analyzer.c — the Swedish analyzer: raw tokens (analyzer/scan.c) become normalized tokens with
 * their index terms.
 *
 * Per word: case-folded NFC form (utf8proc), libstemmer Swedish stem, then in Swedish mode
 *  - the lexicon's lemma conflation of the raw stem: the forms of one word meet the stem of its
 *    base form (beslutet -> beslut, ärendet -> ärend, nervöst -> nervös), and unknown words
 *    lose a definite neuter -et (hufvudet -> hufvud);
 *  - compound decomposition of the raw stem (analyzer/compound.c); when the compound's head
 *    conflates (samordningsförbundet: head förbundet -> förbund) the whole stem follows, so
 *    compounds the lexicon has never seen still get the -et rule;
 *  - ellipsis compounds: "kultur- och utbildningsförvaltningen" gives the dangling "kultur-"
 *    the completion kulturförvaltning. That needs the next word, so tokens from a dangling
 *    word up to the completing word wait in a small queue before they are handed out.
 *
 * Analyses are memoized at two levels, both per analyzer (no shared state) and bounded:
 *  - per token: an ordinary word's raw bytes (and whether it dangles) give its whole token
 *    record — norm, flags and terms — so a word seen recently costs a hash, a compare and a
 *    copy instead of normalization, stemming and decomposition (Swedish text repeats its words);
 *  - per hyphen-free word: stem, compound parts and head, shared by the hyphenated words and
 *    ellipses built of it.
 * Both are direct-mapped: a new word takes the slot of the one there before.
 */
#include "internal.h"
#include "lexfile.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "protokollsok/buf.h"

enum {
    PS_MAX_TERMS = 32,      /* terms per token; more parts are dropped */
    PS_QUEUE_MAX = 8,       /* tokens held back while an ellipsis waits for its completion */
    PS_STEM_MAX_BYTES = 160 /* longer words are indexed as they are, not stemmed */
};

typedef struct {
    size_t off, len;
    ps_term_kind kind;
} term_ref;

/* A token being built: its own copy of the norm and term texts, so it can wait in the queue. */
typedef struct {
    ps_token tok;
    ps_buf text; /* norm at [0, norm_len), then the term texts */
    size_t norm_len;
    term_ref refs[PS_MAX_TERMS];
    size_t nrefs;
    bool dangling;             /* "kultur-": waits for the completing word */
    bool conjunction;          /* och / eller / samt between an ellipsis and its completion */
    size_t head_off, head_len; /* conflated stem of the compound head in text (0 len: none) */
    size_t main_parts;         /* ps_token.compound_parts */
    size_t unknown_words;      /* hyphen components the word lists do not know */
} tokrec;

/* What one hyphen-free word yields: offsets of its texts in a buffer next to it. */
enum { PS_RESULT_PARTS = 12, PS_RESULT_BYTES = 1024 };
typedef struct {
    uint16_t used;
    uint16_t stem_off, stem_len;
    uint16_t head_off, head_len; /* head_len 0: not a compound */
    uint16_t part_off[PS_RESULT_PARTS], part_len[PS_RESULT_PARTS];
    uint8_t nparts;
    uint8_t ntop;    /* the first ntop parts are the compound's own parts; then finer ones */
    uint8_t unknown; /* the word lists know no form with this raw stem (PS_TOKEN_UNKNOWN) */
} word_meta;

/* The analysis of a word is cached when the word and its texts are short (nearly all are). */
enum { PS_CACHE_KEY_MAX = 48, PS_CACHE_BYTES = 144, PS_CACHE_SIZE = 8192 };
typedef struct {
    uint8_t key_len; /* 0: empty */
    char key[PS_CACHE_KEY_MAX];
    word_meta meta;
    char buf[PS_CACHE_BYTES];
} cache_entry;

/* The token record of an ordinary word (scanner flags 0), keyed by its raw bytes and dangling;
 * cached when its texts and terms fit (99.9 % of the words of Swedish prose). Four ways per set,
 * the least recently used one replaced, so a frequent word keeps its place against the rare ones
 * passing through. 65,536 entries (11 MB, allocated zeroed: an analyzer that sees few words, a
 * query's, touches few of its pages). */
enum {
    PS_TCACHE_KEY_MAX = 32,
    PS_TCACHE_TEXT_MAX = 96,
    PS_TCACHE_REFS = 12,
    PS_TCACHE_WAYS = 4,
    PS_TCACHE_SETS = 16384
};
typedef struct {
    uint32_t used; /* the analyzer's clock at the last use: the way to replace is the oldest */
    uint8_t key_len; /* 0: empty */
    uint8_t dangling;
    uint8_t conjunction;
    uint8_t nrefs, main_parts;
    uint8_t norm_len, text_len, head_off, head_len;
    uint16_t flags;
    uint8_t ref_off[PS_TCACHE_REFS], ref_len[PS_TCACHE_REFS], ref_kind[PS_TCACHE_REFS];
    char key[PS_TCACHE_KEY_MAX];
    char text[PS_TCACHE_TEXT_MAX];
} tok_entry;

struct ps_analyzer {
    const ps_lexicon *lex;
    ps_analyzer_mode mode;
    struct sb_stemmer *stemmer;
    ps_buf stem_buf, head_buf, comps_buf; /* scratch for word_terms */
    word_meta result;                     /* the word being analyzed ... */
    char result_buf[PS_RESULT_BYTES];     /* ... and its texts */
    cache_entry *cache;                   /* PS_CACHE_SIZE entries, direct-mapped */
    tok_entry *tcache;                    /* PS_TCACHE_SETS sets of PS_TCACHE_WAYS entries */
    uint16_t *tcache_tags;                /* per entry: 16 bits of its key's hash (0: empty), in
                                             128 KB, so a look-up reads one entry, not four */
    uint32_t tcache_clock;                /* counts token-memo look-ups */
    tokrec queue[PS_QUEUE_MAX + 1];
    size_t nqueue;
    ps_term terms[PS_MAX_TERMS];
    size_t invalid, first_invalid;
};

/* Snowball's Swedish stop word list, sorted bytewise for bsearch. */
enum { PS_STOPWORD_MAX_BYTES = 7 }; /* the longest, "varför" */
static const char *const stopwords[] = {
    "alla",   "allt",   "att",   "av",     "blev",   "bli",    "blir",   "blivit", "de",    "dem",
    "den",    "denna",  "deras", "dess",   "dessa",  "det",    "detta",  "dig",    "din",   "dina",
    "ditt",   "du",     "där",   "då",     "efter",  "ej",     "eller",  "en",     "er",    "era",
    "ert",    "ett",    "från",  "för",    "ha",     "hade",   "han",    "hans",   "har",   "henne",
    "hennes", "hon",    "honom", "hur",    "här",    "i",      "icke",   "ingen",  "inom",  "inte",
    "jag",    "ju",     "kan",   "kunde",  "man",    "med",    "mellan", "men",    "mig",   "min",
    "mina",   "mitt",   "mot",   "mycket", "ni",     "nu",     "när",    "någon",  "något", "några",
    "och",    "om",     "oss",   "på",     "samma",  "sedan",  "sig",    "sin",    "sina",  "sitta",
    "själv",  "skulle", "som",   "så",     "sådan",  "sådana", "sådant", "till",   "under", "upp",
    "ut",     "utan",   "vad",   "var",    "vara",   "varför", "varit",  "varje",  "vars",  "vart",
    "vem",    "vi",     "vid",   "vilka",  "vilkas", "vilken", "vilket", "vår",    "våra",  "vårt",
    "än",     "är",     "åt",    "över"};

typedef struct {
    const char *s;
    size_t n;
} slice;

/* Bytewise order of key and a NUL-terminated word, without measuring the word first (this
 * runs for every compound part the decomposer tries). */
static int cmp_stop(const void *key, const void *elem)
{
    const slice *k = key;
    const unsigned char *w = *(const unsigned char *const *)elem;
    for (size_t i = 0; i < k->n; i++) {
        int c = (unsigned char)k->s[i] - w[i]; /* w[i] == 0: the key is longer */
        if (c || !w[i])
            return c ? c : 1;
    }
    return w[k->n] ? -1 : 0;
}

bool ps_analyzer_is_stopword(const char *s, size_t n)
{
    if (n > PS_STOPWORD_MAX_BYTES)
        return false;
    slice k = {s, n};
    return bsearch(&k, stopwords, sizeof stopwords / sizeof stopwords[0], sizeof stopwords[0],
                   cmp_stop) != NULL;
}

/* Words between an ellipsis ("kultur-") and the compound that completes it. */
static bool is_conjunction(const char *s, size_t n)
{
    if (n > 10)
        return false;
    static const char *const words[] = {"och", "eller", "samt", "resp", "respektive", "el"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
            return true;
    return false;
}

ps_status ps_analyzer_new(const ps_lexicon *lex, ps_analyzer_mode mode, ps_analyzer **out,
                          ps_error *err)
{
    *out = NULL;
    if (mode != PS_ANALYZER_SWEDISH && mode != PS_ANALYZER_EXACT_SNOWBALL)
        return ps_error_set(err, PS_ERR_INVALID, "unknown analyzer mode %d", (int)mode);
    if (mode == PS_ANALYZER_SWEDISH && !lex)
        return ps_error_set(err, PS_ERR_INVALID, "the Swedish analyzer needs a lexicon");
    ps_analyzer *an = calloc(1, sizeof *an);
    if (!an)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory creating the analyzer");
    an->stemmer = sb_stemmer_new("swedish", "UTF_8");
    an->cache = calloc(PS_CACHE_SIZE, sizeof *an->cache);
    an->tcache = calloc((size_t)PS_TCACHE_WAYS * PS_TCACHE_SETS, sizeof *an->tcache);
    an->tcache_tags = calloc((size_t)PS_TCACHE_WAYS * PS_TCACHE_SETS, sizeof *an->tcache_tags);
    if (!an->stemmer || !an->cache || !an->tcache || !an->tcache_tags) {
        if (an->stemmer)
            sb_stemmer_delete(an->stemmer);
        free(an->cache);
        free(an->tcache);
        free(an->tcache_tags);
        free(an);
        return ps_error_set(err, PS_ERR_NOMEM, "libstemmer could not create a Swedish stemmer");
    }
    an->lex = mode == PS_ANALYZER_SWEDISH ? lex : NULL;
    an->mode = mode;
    *out = an;
    return PS_OK;
}

void ps_analyzer_free(ps_analyzer *an)
{
    if (!an)
        return;
    sb_stemmer_delete(an->stemmer);
    free(an->cache);
    free(an->tcache);
    free(an->tcache_tags);
    ps_buf_free(&an->stem_buf);
    ps_buf_free(&an->head_buf);
    ps_buf_free(&an->comps_buf);
    for (size_t i = 0; i <= PS_QUEUE_MAX; i++)
        ps_buf_free(&an->queue[i].text);
    free(an);
}

size_t ps_analyzer_invalid_bytes(const ps_analyzer *an, size_t *first_offset)
{
    if (first_offset)
        *first_offset = an->first_invalid;
    return an->invalid;
}

/* ---------------------------------------------------------------- normalization */

/* Case-folded NFC of text[0..len) without soft hyphens, appended to out. Text that is ASCII or
 * Latin-1 letters is already NFC, so utf8proc's per-character lower-casing does (ß and µ, whose
 * case folds differ from their lower case, take the full path). */
static void normalize(const char *text, size_t len, ps_buf *out)
{
    bool simple = true;
    for (size_t i = 0; i < len && simple; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x80)
            simple = c == 0xC3 && i + 1 < len && (unsigned char)text[i + 1] != 0x9F && ++i;
    }
    if (simple) {
        if (!ps_buf_reserve(out, len))
            return;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)text[i];
            if (c == 0xC3) {
                int32_t lower = utf8proc_tolower(0xC0 | ((unsigned char)text[i + 1] & 0x3F));
                out->data[out->len++] = (char)0xC3;
                out->data[out->len++] = (char)(0x80 | (lower & 0x3F));
                i++;
            } else {
                out->data[out->len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
        }
        out->data[out->len] = '\0';
        return;
    }
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, &mapped,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
    /* The scanner takes U+2010 HYPHEN and U+2011 NON-BREAKING HYPHEN inside and at the end of
     * words as it takes "-" (ESF‐projektet, "kultur‐ och"): the norm spells them "-", so
     * hyphen components and ellipsis completions see one hyphen of one byte. */
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        if (i + 2 < n && mapped[i] == 0xE2 && mapped[i + 1] == 0x80 &&
            (mapped[i + 2] == 0x90 || mapped[i + 2] == 0x91)) {
            ps_buf_putc(out, '-');
            i += 2;
        } else {
            ps_buf_putc(out, (char)mapped[i]);
        }
    }
    free(mapped);
}

/* ---------------------------------------------------------------- token records */

static void rec_reset(tokrec *r)
{
    ps_buf_clear(&r->text);
    r->norm_len = 0;
    r->nrefs = 0;
    r->dangling = false;
    r->conjunction = false;
    r->head_off = r->head_len = 0;
    r->main_parts = 0;
    r->unknown_words = 0;
    memset(&r->tok, 0, sizeof r->tok);
}

/* Cut len down to at most max bytes without splitting a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* Add a distinct term (text may point into r->text itself); false when it was not added. */
static bool rec_add_term(tokrec *r, ps_term_kind kind, const char *text, size_t len)
{
    len = utf8_cut(text, len, PS_ANALYZER_TERM_MAX);
    if (len == 0 || r->nrefs == PS_MAX_TERMS || r->text.failed)
        return false;
    for (size_t i = 0; i < r->nrefs; i++)
        if (r->refs[i].len == len && memcmp(r->text.data + r->refs[i].off, text, len) == 0)
            return false;
    size_t src_off = (size_t)-1;
    if (r->text.data && text >= r->text.data && text < r->text.data + r->text.len)
        src_off = (size_t)(text - r->text.data);
    if (!ps_buf_reserve(&r->text, len))
        return false;
    if (src_off != (size_t)-1)
        text = r->text.data + src_off;
    r->refs[r->nrefs++] = (term_ref){r->text.len, len, kind};
    ps_buf_append(&r->text, text, len);
    return true;
}

/* ---------------------------------------------------------------- words */

static bool has_digit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return true;
    return false;
}

/*
 * A word the lexicon does not know at all whose stem ends in consonant + "et" with at least four
 * letters before it (hufvudet, klämtslaget, äfventyret): the definite neuter is by far the most
 * likely reading, and nothing known can collide with it, so "et" goes (and what remains is
 * stemmed again: löjliget -> löjlig -> löj).
 */
static bool unknown_definite_neuter(const ps_lexicon *lex, const char *raw, size_t rn)
{
    if (rn < 6 || raw[rn - 2] != 'e' || raw[rn - 1] != 't' || strchr("aeiouy", raw[rn - 3]) ||
        ((unsigned char)raw[rn - 3] & 0x80))
        return false;
    size_t chars = 0;
    for (size_t i = 0; i + 2 < rn; i++)
        chars += ((unsigned char)raw[i] & 0xC0) != 0x80;
    const char *v;
    size_t vn;
    return chars >= 4 && !ps_lexicon_lookup(lex, PS_LEX_WORD, raw, rn, &v, &vn) &&
           !ps_lexicon_lookup(lex, PS_LEX_HEAD, raw, rn, &v, &vn);
}

/* Append text to the word result; false when it does not fit. */
static bool res_put(ps_analyzer *an, const char *text, size_t len, uint16_t *off, uint16_t *olen)
{
    word_meta *m = &an->result;
    if (len > PS_RESULT_BYTES - m->used)
        return false;
    memcpy(an->result_buf + m->used, text, len);
    *off = m->used;
    *olen = (uint16_t)len;
    m->used = (uint16_t)(m->used + len);
    return true;
}

static void res_add_part(ps_analyzer *an, const char *text, size_t len)
{
    word_meta *m = &an->result;
    /* keep room for the head and the stem, which come last */
    if (m->nparts < PS_RESULT_PARTS && m->used + len + 3 * 256 <= PS_RESULT_BYTES &&
        res_put(an, text, len, &m->part_off[m->nparts], &m->part_len[m->nparts]))
        m->nparts++;
}

static bool res_stem(ps_analyzer *an, const char *text, size_t len)
{
    return res_put(an, text, len, &an->result.stem_off, &an->result.stem_len);
}

/*
 * Analyze one hyphen-free word w[0..n) of letters (at most PS_STEM_MAX_BYTES) into an->result:
 * its stem, and in Swedish mode its compound parts and the conflated stem of its compound
 * head. Returns false when libstemmer fails (out of memory).
 */
static bool compute_word(ps_analyzer *an, const char *w, size_t n)
{
    memset(&an->result, 0, sizeof an->result);
    const sb_symbol *s = sb_stemmer_stem(an->stemmer, (const sb_symbol *)w, (int)n);
    if (!s)
        return false;
    char raw[PS_STEM_MAX_BYTES + 1];
    size_t rn = (size_t)sb_stemmer_length(an->stemmer);
    if (rn > PS_STEM_MAX_BYTES)
        rn = PS_STEM_MAX_BYTES;
    memcpy(raw, s, rn);
    if (an->mode == PS_ANALYZER_EXACT_SNOWBALL)
        return res_stem(an, raw, rn);
    const char *mapped;
    size_t mn;
    bool conflated = ps_lexicon_lookup(an->lex, PS_LEX_MAP, raw, rn, &mapped, &mn);
    /* Words learned from the corpus only explain words the word lists do not know. */
    const ps_lexicon *base = ps_lexicon_base(an->lex);
    const char *v;
    size_t vn;
    an->result.unknown = !ps_lexicon_lookup(base, PS_LEX_WORD, raw, rn, &v, &vn) &&
                         !ps_lexicon_lookup(base, PS_LEX_HEAD, raw, rn, &v, &vn) &&
                         !ps_lexicon_lookup(base, PS_LEX_MAP, raw, rn, &v, &vn);
    ps_compound c;
    /* Snowball may cut a compound's head short (skolmat -> skolm) where a longer form's stem
     * has it whole (skolmaten -> skolmat): the conflated stem is the next try; and when it took
     * -het off (arbetsmarknadsenheten -> arbetsmarknadsen), the stem with -het again */
    char het[PS_STEM_MAX_BYTES + 4];
    bool het_cut = rn + 3 <= n && rn + 3 <= PS_STEM_MAX_BYTES && memcmp(w, raw, rn) == 0 &&
                   memcmp(w + rn, "het", 3) == 0;
    if (het_cut) {
        memcpy(het, raw, rn);
        memcpy(het + rn, "het", 3);
    }
    const ps_lexicon *dlex = an->result.unknown ? an->lex : base;
    bool split = ps_analyzer_decompose(dlex, raw, rn, &c) ||
                 (conflated && mn > rn && ps_analyzer_decompose(dlex, mapped, mn, &c)) ||
                 (het_cut && ps_analyzer_decompose(dlex, het, rn + 3, &c));
    if (split) {
        for (size_t i = 0; i < c.nparts; i++)
            res_add_part(an, c.parts[i].text, c.parts[i].len);
        an->result.ntop = an->result.nparts;
        for (size_t i = 0; i < c.nparts; i++) {
            ps_compound sub;
            if (ps_analyzer_decompose(an->lex, c.parts[i].text, c.parts[i].len, &sub))
                for (size_t k = 0; k < sub.nparts; k++)
                    res_add_part(an, sub.parts[k].text, sub.parts[k].len);
        }
        if (c.alt.len)
            res_add_part(an, c.alt.text, c.alt.len);
        const ps_part *head = &c.parts[c.nparts - 1];
        res_put(an, head->text, head->len, &an->result.head_off, &an->result.head_len);
        if (!conflated && !ps_lexicon_lookup(an->lex, PS_LEX_WORD, raw, rn, &mapped, &mn)) {
            /* samordningsförbundet, unknown as a whole: the head förbundet conflates, so the
             * compound does too (a known word keeps the stem its own lemma gave it) */
            char joined[PS_STEM_MAX_BYTES + 256];
            memcpy(joined, raw, c.head_start);
            memcpy(joined + c.head_start, head->text, head->len);
            return res_stem(an, joined, c.head_start + head->len);
        }
    }
    if (conflated)
        return res_stem(an, mapped, mn);
    if (unknown_definite_neuter(an->lex, raw, rn)) {
        s = sb_stemmer_stem(an->stemmer, (const sb_symbol *)raw, (int)rn - 2);
        if (!s)
            return false;
        rn = (size_t)sb_stemmer_length(an->stemmer);
        if (ps_lexicon_lookup(an->lex, PS_LEX_MAP, (const char *)s, rn, &mapped, &mn))
            return res_stem(an, mapped, mn);
        return res_stem(an, (const char *)s, rn);
    }
    return res_stem(an, raw, rn);
}

/* The analysis of w[0..n): from the cache when it has been seen recently, else computed (and
 * cached when small). Points *meta and *buf at it; false when out of memory. */
static bool lookup_word(ps_analyzer *an, const char *w, size_t n, const word_meta **meta,
                        const char **buf)
{
    cache_entry *e = NULL;
    if (n <= PS_CACHE_KEY_MAX) {
        uint64_t h = 1469598103934665603ull;
        for (size_t i = 0; i < n; i++)
            h = (h ^ (unsigned char)w[i]) * 1099511628211ull;
        e = &an->cache[(h ^ (h >> 29)) & (PS_CACHE_SIZE - 1)];
        if (e->key_len == n && memcmp(e->key, w, n) == 0) {
            *meta = &e->meta;
            *buf = e->buf;
            return true;
        }
    }
    if (!compute_word(an, w, n))
        return false;
    *meta = &an->result;
    *buf = an->result_buf;
    if (e && an->result.used <= PS_CACHE_BYTES) {
        e->key_len = (uint8_t)n;
        memcpy(e->key, w, n);
        e->meta = an->result;
        memcpy(e->buf, an->result_buf, an->result.used);
    }
    return true;
}

/*
 * Stem one hyphen-free word w[0..n) into stem_out; in Swedish mode also its compound parts
 * (PS_TERM_PART, added to r) and the conflated stem of its compound head (into head_out).
 */
static void analyze_word(ps_analyzer *an, tokrec *r, const char *w, size_t n, ps_buf *stem_out,
                         ps_buf *head_out)
{
    if (n > PS_STEM_MAX_BYTES || has_digit(w, n)) {
        ps_buf_append(stem_out, w, n);
        return;
    }
    const word_meta *m;
    const char *buf;
    if (!lookup_word(an, w, n, &m, &buf)) {
        stem_out->failed = true;
        return;
    }
    ps_buf_append(stem_out, buf + m->stem_off, m->stem_len);
    ps_buf_append(head_out, buf + m->head_off, m->head_len);
    r->unknown_words += m->unknown;
    r->main_parts = 0;
    for (size_t i = 0; i < m->nparts; i++)
        if (rec_add_term(r, PS_TERM_PART, buf + m->part_off[i], m->part_len[i]) && i < m->ntop)
            r->main_parts++;
}

/* Terms of an ordinary (possibly hyphenated) word whose norm is r->text[0..norm_len). */
static void word_terms(ps_analyzer *an, tokrec *r)
{
    ps_buf *stem = &an->stem_buf, *head = &an->head_buf, *comps = &an->comps_buf;
    ps_buf_clear(stem);
    ps_buf_clear(head);
    ps_buf_clear(comps); /* component stems, NUL-separated */
    size_t n = r->norm_len;
    if (r->dangling && n > 0 && r->text.data[n - 1] == '-')
        n--;
    size_t ncomp = 0, last_head_off = 0, last_head_len = 0;
    for (size_t i = 0; i <= n && ncomp < PS_MAX_TERMS / 2;) {
        const char *norm = r->text.data;
        size_t j = i;
        while (j < n && norm[j] != '-')
            j++;
        if (j > i) {
            if (ncomp)
                ps_buf_putc(stem, '-');
            size_t before = stem->len;
            ps_buf_clear(head);
            analyze_word(an, r, r->text.data + i, j - i, stem, head);
            if (stem->len > before) {
                ps_buf_append(comps, stem->data + before, stem->len - before);
                ps_buf_putc(comps, '\0');
            }
            last_head_len = head->len;
            ncomp++;
            if (head->len) {
                last_head_off = comps->len;
                ps_buf_append(comps, head->data, head->len);
                ps_buf_putc(comps, '\0');
            }
        }
        i = j + 1;
    }
    if (stem->failed || comps->failed || head->failed) {
        r->text.failed = true;
        return;
    }
    if (!stem->len)
        return;
    /* STEM first, then the exact form, then the parts (hyphen components first). */
    size_t nparts = r->nrefs;
    term_ref parts[PS_MAX_TERMS];
    memcpy(parts, r->refs, nparts * sizeof parts[0]);
    r->nrefs = 0;
    rec_add_term(r, PS_TERM_STEM, stem->data, stem->len);
    rec_add_term(r, PS_TERM_EXACT, r->text.data, r->norm_len);
    size_t main = 0;
    if (ncomp > 1) { /* hyphen components are the parts, but not single letters (a-kassa) */
        for (size_t off = 0; off < comps->len; off += strlen(comps->data + off) + 1)
            if (strlen(comps->data + off) > 1)
                main += rec_add_term(r, PS_TERM_PART, comps->data + off, strlen(comps->data + off));
    }
    for (size_t i = 0; i < nparts; i++)
        if (rec_add_term(r, parts[i].kind, r->text.data + parts[i].off, parts[i].len) &&
            ncomp == 1 && i < r->main_parts)
            main++;
    r->main_parts = main >= 2 ? main : 0;
    if (ncomp == 1 && r->unknown_words == 1)
        r->tok.flags |= PS_TOKEN_UNKNOWN;
    if (last_head_len) {
        const char *h = comps->data + last_head_off;
        size_t hl = strlen(h);
        rec_add_term(r, PS_TERM_PART, h, hl);
        for (size_t i = 0; i < r->nrefs; i++)
            if (r->refs[i].len == hl && memcmp(r->text.data + r->refs[i].off, h, hl) == 0) {
                r->head_off = r->refs[i].off;
                r->head_len = r->refs[i].len;
            }
        r->tok.flags |= PS_TOKEN_COMPOUND;
    }
}

/* Abbreviations also written as one word: their dotted form (the term "t.ex." has), or NULL. */
static const char *undotted_abbrev(const char *s, size_t n)
{
    static const char *const pairs[][2] = {{"dvs", "d.v.s."}, {"osv", "o.s.v."}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (strlen(pairs[i][0]) == n && memcmp(pairs[i][0], s, n) == 0)
            return pairs[i][1];
    return NULL;
}

/* Collapse runs of white space (ASCII, NBSP, narrow NBSP) into one ASCII space, or drop them. */
static void squeeze_spaces(const char *s, size_t n, bool keep_one, ps_buf *out)
{
    bool in_space = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t skip = 0;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            skip = 1;
        else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
            skip = 2;
        else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                 (unsigned char)s[i + 2] == 0xAF)
            skip = 3;
        if (skip) {
            if (keep_one && !in_space)
                ps_buf_putc(out, ' ');
            in_space = true;
            i += skip - 1;
            continue;
        }
        in_space = false;
        ps_buf_putc(out, (char)c);
    }
}

/* Fill r (norm and terms) for the raw token t. */
static void build_token(ps_analyzer *an, const char *text, const ps_scan_token *t, tokrec *r)
{
    rec_reset(r);
    r->tok.start = t->start;
    r->tok.end = t->end;
    r->tok.flags = t->flags;
    r->dangling = t->dangling;
    normalize(text + t->start, t->end - t->start, &r->text);
    r->norm_len = r->text.len;
    const char *norm = r->text.data ? r->text.data : "";
    if (r->norm_len == 0)
        return; /* nothing left after normalization (only ignorable characters): no token */
    if (t->flags & (PS_TOKEN_DNR | PS_TOKEN_PARAGRAPH) ||
        (t->flags & PS_TOKEN_NUMBER && memchr(norm, ' ', r->norm_len)) ||
        (t->flags & PS_TOKEN_NUMBER && strstr(norm, "\xC2\xA0"))) {
        ps_buf compact = PS_BUF_INIT, whole = PS_BUF_INIT;
        size_t core = t->flags & PS_TOKEN_DNR ? t->core_end - t->start : r->norm_len;
        squeeze_spaces(norm, core, false, &compact);
        squeeze_spaces(norm, r->norm_len, true, &whole);
        if (t->flags & PS_TOKEN_PARAGRAPH && whole.len > 2 && whole.data[2] != ' ') {
            ps_buf_clear(&whole);
            ps_buf_append(&whole, "\xC2\xA7 ", 3);
            ps_buf_append(&whole, compact.data + 2, compact.len - 2);
        }
        if (compact.data)
            rec_add_term(r, PS_TERM_STEM, compact.data, compact.len);
        if (whole.data)
            rec_add_term(r, PS_TERM_WHOLE, whole.data, whole.len);
        ps_buf_free(&compact);
        ps_buf_free(&whole);
        return;
    }
    const char *dotted = t->flags ? NULL : undotted_abbrev(norm, r->norm_len);
    if (dotted) { /* dvs: d.v.s. */
        r->tok.flags |= PS_TOKEN_ABBREV;
        rec_add_term(r, PS_TERM_STEM, dotted, strlen(dotted));
        return;
    }
    if (t->flags & PS_TOKEN_ABBREV && norm[r->norm_len - 1] != '.') { /* t.ex: t.ex. */
        ps_buf_putc(&r->text, '.');
        rec_add_term(r, PS_TERM_STEM, r->text.data, r->text.len);
        return;
    }
    if (t->flags &
        (PS_TOKEN_DATE | PS_TOKEN_URL | PS_TOKEN_EMAIL | PS_TOKEN_ABBREV | PS_TOKEN_NUMBER)) {
        rec_add_term(r, PS_TERM_STEM, norm, r->norm_len);
        return;
    }
    if (ps_analyzer_is_stopword(norm, r->norm_len))
        r->tok.flags |= PS_TOKEN_STOPWORD;
    r->conjunction = is_conjunction(norm, r->norm_len);
    word_terms(an, r);
}

/* ---------------------------------------------------------------- the token memo */

/* The hash of raw token t: the set in the low bits, the tag in the high 16 (never 0); 0 when t
 * is not memoized (a special unit, or too long). */
static uint64_t tcache_finish(uint64_t fnv)
{
    fnv ^= fnv >> 29;
    return fnv | (1ull << 48);
}

static uint64_t tcache_hash(const char *text, const ps_scan_token *t)
{
    size_t n = t->end - t->start;
    if (t->flags || n > PS_TCACHE_KEY_MAX)
        return 0;
    const unsigned char *w = (const unsigned char *)text + t->start;
    uint64_t h = PS_ANALYZER_FNV_SEED ^ (uint64_t)t->dangling;
    for (size_t i = 0; i < n; i++)
        h = (h ^ w[i]) * PS_ANALYZER_FNV_PRIME;
    return tcache_finish(h);
}

static size_t tcache_set(uint64_t h)
{
    return (size_t)(h & (PS_TCACHE_SETS - 1));
}

static uint16_t tcache_tag(uint64_t h)
{
    return (uint16_t)(h >> 48) ? (uint16_t)(h >> 48) : 1;
}

/* The memo's entry for raw token t (hash h), or NULL. */
static tok_entry *tcache_find(ps_analyzer *an, uint64_t h, const char *text,
                              const ps_scan_token *t)
{
    size_t n = t->end - t->start, base = PS_TCACHE_WAYS * tcache_set(h);
    uint16_t tag = tcache_tag(h);
    tok_entry *e = NULL;
    for (unsigned way = 0; way < PS_TCACHE_WAYS && !e; way++) {
        tok_entry *c = &an->tcache[base + way];
        if (an->tcache_tags[base + way] == tag && c->key_len == n &&
            c->dangling == t->dangling && memcmp(c->key, text + t->start, n) == 0)
            e = c;
    }
    if (e)
        e->used = ++an->tcache_clock;
    return e;
}

/* Fill r from the memo's entry e for raw token t. */
static void tcache_fill(const tok_entry *e, const ps_scan_token *t, tokrec *r)
{
    rec_reset(r);
    ps_buf_append(&r->text, e->text, e->text_len);
    r->tok.start = t->start;
    r->tok.end = t->end;
    r->tok.flags = e->flags;
    r->norm_len = e->norm_len;
    r->dangling = e->dangling;
    r->conjunction = e->conjunction;
    r->head_off = e->head_off;
    r->head_len = e->head_len;
    r->main_parts = e->main_parts;
    r->nrefs = e->nrefs;
    for (size_t i = 0; i < e->nrefs; i++)
        r->refs[i] = (term_ref){e->ref_off[i], e->ref_len[i], (ps_term_kind)e->ref_kind[i]};
}

/* Hand out the token of raw token t straight from the memo's entry e, at position pos. */
static bool emit_entry(ps_analyzer *an, const tok_entry *e, const ps_scan_token *t, unsigned pos,
                       ps_token_fn fn, void *ctx)
{
    for (size_t i = 0; i < e->nrefs; i++)
        an->terms[i] =
            (ps_term){e->text + e->ref_off[i], e->ref_len[i], (ps_term_kind)e->ref_kind[i]};
    ps_token tok = {.start = t->start,
                    .end = t->end,
                    .pos = pos,
                    .flags = e->flags,
                    .norm = e->text,
                    .norm_len = e->norm_len,
                    .terms = an->terms,
                    .nterms = e->nrefs,
                    .compound_parts = e->main_parts};
    return fn(ctx, &tok);
}

/* Remember the record r that raw token t gave in set s (in its least recently used way), when
 * it fits. */
static void tcache_put(ps_analyzer *an, uint64_t h, const char *text, const ps_scan_token *t,
                       const tokrec *r)
{
    if (r->text.failed || r->text.len > PS_TCACHE_TEXT_MAX || r->nrefs > PS_TCACHE_REFS ||
        r->tok.flags > UINT16_MAX)
        return;
    size_t base = PS_TCACHE_WAYS * tcache_set(h), victim = base;
    for (size_t i = base + 1; i < base + PS_TCACHE_WAYS; i++) /* wrap-safe age: clock - used */
        if (an->tcache_clock - an->tcache[i].used > an->tcache_clock - an->tcache[victim].used)
            victim = i;
    tok_entry *e = &an->tcache[victim];
    an->tcache_tags[victim] = tcache_tag(h);
    e->used = ++an->tcache_clock;
    e->key_len = (uint8_t)(t->end - t->start);
    memcpy(e->key, text + t->start, e->key_len);
    e->dangling = t->dangling;
    e->conjunction = r->conjunction;
    e->flags = (uint16_t)r->tok.flags;
    e->norm_len = (uint8_t)r->norm_len;
    e->text_len = (uint8_t)r->text.len;
    if (r->text.len)
        memcpy(e->text, r->text.data, r->text.len);
    e->head_off = (uint8_t)r->head_off;
    e->head_len = (uint8_t)r->head_len;
    e->main_parts = (uint8_t)r->main_parts;
    e->nrefs = (uint8_t)r->nrefs;
    for (size_t i = 0; i < r->nrefs; i++) {
        e->ref_off[i] = (uint8_t)r->refs[i].off;
        e->ref_len[i] = (uint8_t)r->refs[i].len;
        e->ref_kind[i] = (uint8_t)r->refs[i].kind;
    }
}

/* ---------------------------------------------------------------- the queue */

static bool emit(ps_analyzer *an, tokrec *r, ps_token_fn fn, void *ctx)
{
    if (r->text.failed)
        return false;
    for (size_t i = 0; i < r->nrefs; i++)
        an->terms[i] = (ps_term){r->text.data + r->refs[i].off, r->refs[i].len, r->refs[i].kind};
    r->tok.norm = r->text.data ? r->text.data : "";
    r->tok.norm_len = r->norm_len;
    r->tok.terms = an->terms;
    r->tok.nterms = r->nrefs;
    r->tok.compound_parts = r->main_parts;
    return fn(ctx, &r->tok);
}

/* Hand out every queued token; false when the callback asked to stop. */
static bool flush(ps_analyzer *an, ps_token_fn fn, void *ctx)
{
    bool go = true;
    for (size_t i = 0; i < an->nqueue && go; i++)
        go = emit(an, &an->queue[i], fn, ctx);
    an->nqueue = 0;
    return go;
}

/* The completing word r arrived: give each waiting dangling word "prefix + head". */
static void complete_ellipses(ps_analyzer *an, const tokrec *r)
{
    if (!r->head_len)
        return;
    for (size_t i = 0; i < an->nqueue; i++) {
        tokrec *d = &an->queue[i];
        if (!d->dangling || d->norm_len < 2)
            continue;
        ps_buf full = PS_BUF_INIT;
        ps_buf_append(&full, d->text.data, d->norm_len - 1);
        ps_buf_append(&full, r->text.data + r->head_off, r->head_len);
        if (full.data)
            rec_add_term(d, PS_TERM_PART, full.data, full.len);
        ps_buf_free(&full);
    }
}

ps_status ps_analyzer_run(ps_analyzer *an, const char *text, size_t len, unsigned flags,
                          ps_token_fn fn, void *ctx, ps_error *err)
{
    (void)flags; /* the query side gets the very same terms; stop words are flagged either way */
    an->invalid = 0;
    an->first_invalid = (size_t)-1;
    an->nqueue = 0;
    size_t pos = 0;
    unsigned position = 0;
    ps_scan_token t;
    bool go = true;
    while (go) {
        size_t start, end;
        uint64_t h, fnv;
        if (ps_analyzer_scan_plain(text, len, &pos, &start, &end, &fnv)) {
            t = (ps_scan_token){.start = start, .end = end, .core_end = end};
            h = end - start <= PS_TCACHE_KEY_MAX ? tcache_finish(fnv) : 0;
        } else if (ps_analyzer_scan(text, len, &pos, &t, &an->invalid, &an->first_invalid)) {
            h = tcache_hash(text, &t);
        } else {
            break;
        }
        const tok_entry *hit = h ? tcache_find(an, h, text, &t) : NULL;
        if (hit && an->nqueue == 0 && !hit->dangling) { /* the common case: nothing waits */
            if (hit->nrefs > 0)
                go = emit_entry(an, hit, &t, ++position, fn, ctx);
            continue;
        }
        tokrec *r = &an->queue[an->nqueue];
        if (hit) {
            tcache_fill(hit, &t, r);
        } else {
            build_token(an, text, &t, r);
            if (h)
                tcache_put(an, h, text, &t, r);
        }
        if (r->text.failed) {
            an->nqueue = 0;
            return ps_error_set(err, PS_ERR_NOMEM, "out of memory analyzing text at byte %zu",
                                t.start);
        }
        if (r->nrefs == 0)
            continue;
        r->tok.pos = ++position;
        bool waits = r->dangling || (an->nqueue > 0 && r->conjunction);
        if (waits && an->nqueue < PS_QUEUE_MAX) {
            an->nqueue++;
            continue;
        }
        if (an->nqueue > 0 && !waits)
            complete_ellipses(an, r);
        /* r sits at queue[nqueue]: hand out the waiting ones, then r itself */
        an->nqueue++;
        go = flush(an, fn, ctx);
    }
    if (go)
        flush(an, fn, ctx);
    an->nqueue = 0;
    return PS_OK;
}
