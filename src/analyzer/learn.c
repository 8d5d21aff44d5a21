/*
 * analyzer/learn.c — words learned from the indexed corpus (see analyzer.h): ps_learner picks
 * them from the words the word lists do not know, with their document counts;
 * ps_lexicon_with_learned puts a list of them into a lexicon.
 *
 * A learned word is keyed by the stem the analyzer gives it without the list (finsam, finsams
 * -> finsam), so learning never changes a learned word's own stem. For each word
 * the extension gets: every form's raw Snowball stem as a known word (with a MAP to the word's
 * stem where they differ: hufvudet -> hufvud, as the unknown-word -et rule had it), every form
 * as a compound beginning, also with a linking -s (as the lexicon's generic linking forms, which
 * the splitter trusts less: digitalt stays whole though "digits" was learned), and — for stems of
 * PS_LEARN_HEAD_MIN_CHARS letters or more — the raw stems as compound heads. Names and
 * acronyms begin compounds (Finsamförbundet); a short unknown word as the head mostly makes
 * bad splits of foreign words (contours -> con + tour), as short learned stems do anywhere,
 * hence stems under PS_LEARN_MIN_STEM_CHARS letters are not learned at all.
 *
 * Picking: candidates are gathered with their document counts, grouped by stem, and the groups
 * with enough documents are taken shortest first; a group that decomposes with the lexicon
 * plus the shorter words already taken is a compound, not a word, and is left out (so the list
 * holds "finsam", not also "finsamförbund").
 *
 * Refusing: a word taken must look Swedish (looks_swedish), as the corpus may hold English
 * documents whose words would otherwise split Swedish ones (abortion, accountability). Forms
 * are lower-case, so acronyms (ACTivera -> activera) and names are judged by their letters:
 *   - foreign letters: a letter outside a-z, å, ä, ö and the é, ü of Swedish names and loans;
 *   - English spelling: th, sh, ph, w, ee — spellings Swedish writes t, sj/sk, f, v, i — or an
 *     English suffix (-tion(s), -ity, -ities, -ness, -ship, -ly: Swedish -tion words are in the
 *     word lists, so an unknown one is English; Swedish writes -itet, -het, -skap, -ligt).
 * A word without vowels is no refusal: Swedish acronyms (SPSM, rskr) are learned.
 * The refused words are counted by reason; the list ends with a comment line
 * "#refused TAB total TAB reason=N ..." (lines starting with '#' teach nothing).
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
    PS_LEARN_MIN_CHARS = 4,
    PS_LEARN_MAX_CHARS = 24,
    PS_LEARN_MAX_BYTES = 96,
    PS_LEARN_MIN_STEM_CHARS = 4,
    PS_LEARN_HEAD_MIN_CHARS = 6
};

typedef struct {
    char *stem; /* the analyzer's stem without the list */
    char *form; /* the surface form */
    uint32_t docs;
} candidate;

struct ps_learner {
    const ps_lexicon *lex;
    ps_analyzer *an;
    struct sb_stemmer *stemmer;
    candidate *cands;
    size_t ncands, cap;
};

typedef enum { REFUSE_NONE = -1, REFUSE_FOREIGN, REFUSE_ENGLISH, REFUSE_N } refusal;

static const char *const refusal_names[REFUSE_N] = {"foreign-letters", "english-spelling"};

static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Only letters (what a compound part can be), valid UTF-8. */
static bool all_letters(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t k = ps_analyzer_decode(s, n, i, &cp);
        if (k == 0)
            return false;
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_LO)
            return false;
        i += k;
    }
    return true;
}

static bool contains(const char *s, size_t n, const char *part)
{
    size_t k = strlen(part);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, part, k) == 0)
            return true;
    return false;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Why the lower-case form s[0..n) (letters, valid UTF-8) does not look Swedish; REFUSE_NONE when
 * it does (see the top of the file). */
static refusal looks_swedish(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t k = ps_analyzer_decode(s, n, i, &cp);
        if (k == 0)
            return REFUSE_FOREIGN;
        cp = utf8proc_tolower(cp);
        i += k;
        bool swedish = cp == 0xE5 || cp == 0xE4 || cp == 0xF6 || cp == 0xE9 || cp == 0xFC;
        if (!swedish && (cp < 'a' || cp > 'z')) /* å ä ö é ü, a-z */
            return REFUSE_FOREIGN;
    }
    static const char *const english_pairs[] = {"th", "sh", "ph", "w", "ee"};
    for (size_t i = 0; i < sizeof english_pairs / sizeof english_pairs[0]; i++)
        if (contains(s, n, english_pairs[i]))
            return REFUSE_ENGLISH;
    static const char *const english_suffixes[] = {"tion", "tions", "ity", "ities", "ness",
                                                   "ship", "ly"};
    for (size_t i = 0; i < sizeof english_suffixes / sizeof english_suffixes[0]; i++)
        if (ends_with(s, n, english_suffixes[i]))
            return REFUSE_ENGLISH;
    return REFUSE_NONE;
}

/* Libstemmer's raw stem of w into out (at most PS_LEARN_MAX_BYTES); 0 when it fails. */
static size_t raw_stem(struct sb_stemmer *st, const char *w, size_t n, char *out)
{
    const sb_symbol *s = sb_stemmer_stem(st, (const sb_symbol *)w, (int)n);
    if (!s)
        return 0;
    size_t rn = (size_t)sb_stemmer_length(st);
    if (rn > PS_LEARN_MAX_BYTES)
        rn = PS_LEARN_MAX_BYTES;
    memcpy(out, s, rn);
    return rn;
}

/* ---- putting a word into an extended lexicon -------------------------------------------------- */

static bool add_begin(ps_lexicon *lex, const char *form, size_t fn, const char *stem, size_t sn)
{
    char linked[PS_LEARN_MAX_BYTES + 2];
    if (!ps_lexicon_add(lex, PS_LEX_LINK, form, fn, stem, sn))
        return false;
    if (fn == 0 || form[fn - 1] == 's')
        return true;
    memcpy(linked, form, fn);
    linked[fn] = 's';
    return ps_lexicon_add(lex, PS_LEX_LINK, linked, fn + 1, stem, sn);
}

/* Teach lex (an extension) the word with stem[0..sn) and the space-separated forms. */
static bool add_word(ps_lexicon *lex, struct sb_stemmer *st, const char *stem, size_t sn,
                     const char *forms, size_t formslen)
{
    size_t chars = utf8_chars(stem, sn);
    if (chars < PS_LEARN_MIN_STEM_CHARS || sn > PS_LEARN_MAX_BYTES || !all_letters(stem, sn))
        return true; /* not a word the learner writes (a damaged list): ignore */
    bool head = chars >= PS_LEARN_HEAD_MIN_CHARS;
    bool ok = ps_lexicon_add(lex, PS_LEX_WORD, stem, sn, NULL, 0) &&
              (!head || ps_lexicon_add(lex, PS_LEX_HEAD, stem, sn, NULL, 0));
    for (size_t i = 0; ok && i < formslen;) {
        size_t j = i;
        while (j < formslen && forms[j] != ' ')
            j++;
        size_t fn = j - i;
        char raw[PS_LEARN_MAX_BYTES];
        size_t rn = fn > 0 && fn <= PS_LEARN_MAX_BYTES && all_letters(forms + i, fn)
                        ? raw_stem(st, forms + i, fn, raw)
                        : 0;
        if (rn > 0) {
            ok = ps_lexicon_add(lex, PS_LEX_WORD, raw, rn, NULL, 0) &&
                 (!head || ps_lexicon_add(lex, PS_LEX_HEAD, raw, rn, NULL, 0)) &&
                 add_begin(lex, forms + i, fn, stem, sn);
            if (ok && (rn != sn || memcmp(raw, stem, sn) != 0))
                ok = ps_lexicon_add(lex, PS_LEX_MAP, raw, rn, stem, sn);
        }
        i = j + 1;
    }
    if (ok)
        ps_lexicon_count_learned(lex);
    return ok;
}

ps_status ps_lexicon_with_learned(const ps_lexicon *base, const char *list, size_t len,
                                  ps_lexicon **out, ps_error *err)
{
    *out = NULL;
    ps_lexicon *lex = ps_lexicon_extend(base);
    struct sb_stemmer *st = lex ? sb_stemmer_new("swedish", "UTF_8") : NULL;
    bool ok = st != NULL;
    /* line: stem TAB docs TAB forms */
    for (size_t i = 0; ok && i < len;) {
        const char *line = list + i;
        const char *nl = memchr(line, '\n', len - i);
        size_t ln = nl ? (size_t)(nl - line) : len - i;
        i += ln + 1;
        if (ln > 0 && line[0] == '#')
            continue; /* a comment: the refused counts */
        const char *t1 = memchr(line, '\t', ln);
        const char *t2 = t1 ? memchr(t1 + 1, '\t', ln - (size_t)(t1 + 1 - line)) : NULL;
        if (!t2)
            continue;
        const char *forms = t2 + 1;
        ok = add_word(lex, st, line, (size_t)(t1 - line), forms, ln - (size_t)(forms - line));
    }
    if (st)
        sb_stemmer_delete(st);
    if (!ok) {
        ps_lexicon_free(lex);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory loading the learned words");
    }
    *out = lex;
    return PS_OK;
}

/* The line at *p without its document count: stem [s, s + sn), forms [f, f + fn); advances *p
 * past the line. False at the end of the list. */
static bool next_line(const char **p, const char **s, size_t *sn, const char **f, size_t *fn)
{
    while (**p == '#') /* comments (the refused counts) teach no words */
        *p += strcspn(*p, "\n") + ((*p)[strcspn(*p, "\n")] == '\n');
    if (!**p)
        return false;
    const char *line = *p;
    size_t len = strcspn(line, "\n");
    *p = line + len + (line[len] == '\n');
    const char *t1 = memchr(line, '\t', len);
    const char *t2 = t1 ? memchr(t1 + 1, '\t', len - (size_t)(t1 + 1 - line)) : NULL;
    *s = line;
    *sn = t1 ? (size_t)(t1 - line) : len;
    *f = t2 ? t2 + 1 : line + len;
    *fn = (size_t)(line + len - *f);
    return true;
}

bool ps_learned_same_words(const char *a, const char *b)
{
    const char *sa, *fa, *sb, *fb;
    size_t san, fan, sbn, fbn;
    for (;;) {
        bool more_a = next_line(&a, &sa, &san, &fa, &fan);
        bool more_b = next_line(&b, &sb, &sbn, &fb, &fbn);
        if (!more_a || !more_b)
            return more_a == more_b;
        if (san != sbn || fan != fbn || memcmp(sa, sb, san) != 0 || memcmp(fa, fb, fan) != 0)
            return false;
    }
}

/* ---- the learner ------------------------------------------------------------------------------ */

ps_status ps_learner_new(const ps_lexicon *lex, ps_learner **out, ps_error *err)
{
    *out = NULL;
    if (!lex)
        return ps_error_set(err, PS_ERR_INVALID, "the learner needs a lexicon");
    ps_learner *l = calloc(1, sizeof *l);
    if (!l)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    l->lex = lex;
    ps_status st = ps_analyzer_new(lex, PS_ANALYZER_SWEDISH, &l->an, err);
    if (st == PS_OK && !(l->stemmer = sb_stemmer_new("swedish", "UTF_8")))
        st = ps_error_set(err, PS_ERR_NOMEM, "libstemmer could not create a Swedish stemmer");
    if (st != PS_OK) {
        ps_learner_free(l);
        return st;
    }
    *out = l;
    return PS_OK;
}

void ps_learner_free(ps_learner *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->ncands; i++) {
        free(l->cands[i].stem);
        free(l->cands[i].form);
    }
    free(l->cands);
    if (l->stemmer)
        sb_stemmer_delete(l->stemmer);
    ps_analyzer_free(l->an);
    free(l);
}

typedef struct {
    size_t ntokens;
    size_t parts;
    ps_buf stem;
} one_word;

static bool take_token(void *ctx, const ps_token *tok)
{
    one_word *w = ctx;
    w->ntokens++;
    w->parts = tok->compound_parts;
    ps_buf_clear(&w->stem);
    if (tok->nterms > 0)
        ps_buf_append(&w->stem, tok->terms[0].text, tok->terms[0].len);
    return w->ntokens < 2;
}

/* Known to the lexicon in any of the ways a compound part can be. */
static bool known(const ps_lexicon *lex, const char *word, size_t n, const char *raw, size_t rn)
{
    const char *v;
    size_t vn;
    return ps_lexicon_lookup(lex, PS_LEX_WORD, raw, rn, &v, &vn) ||
           ps_lexicon_lookup(lex, PS_LEX_HEAD, raw, rn, &v, &vn) ||
           ps_lexicon_lookup(lex, PS_LEX_MAP, raw, rn, &v, &vn) ||
           ps_lexicon_lookup(lex, PS_LEX_BEGIN, word, n, &v, &vn) ||
           ps_lexicon_lookup(lex, PS_LEX_LINK, word, n, &v, &vn);
}

ps_status ps_learner_add(ps_learner *l, const char *word, size_t len, uint32_t docs,
                         ps_error *err)
{
    size_t chars = utf8_chars(word, len);
    if (docs == 0 || len > PS_LEARN_MAX_BYTES || chars < PS_LEARN_MIN_CHARS ||
        chars > PS_LEARN_MAX_CHARS || !all_letters(word, len) ||
        ps_analyzer_is_stopword(word, len))
        return PS_OK;
    char raw[PS_LEARN_MAX_BYTES];
    size_t rn = raw_stem(l->stemmer, word, len, raw);
    if (rn == 0 || known(l->lex, word, len, raw, rn))
        return PS_OK;
    one_word w = {0, 0, PS_BUF_INIT};
    ps_status st = ps_analyzer_run(l->an, word, len, 0, take_token, &w, err);
    if (st == PS_OK && w.stem.failed)
        st = ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    if (st != PS_OK || w.ntokens != 1 || w.parts > 0 ||
        utf8_chars(w.stem.data, w.stem.len) < PS_LEARN_MIN_STEM_CHARS) {
        ps_buf_free(&w.stem);
        return st;
    }
    if (l->ncands == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        candidate *c = realloc(l->cands, cap * sizeof *c);
        if (!c) {
            ps_buf_free(&w.stem);
            return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
        }
        l->cands = c;
        l->cap = cap;
    }
    candidate *c = &l->cands[l->ncands];
    c->stem = ps_buf_steal(&w.stem, NULL);
    c->form = malloc(len + 1);
    c->docs = docs;
    if (!c->stem || !c->form) {
        free(c->stem);
        free(c->form);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    }
    memcpy(c->form, word, len);
    c->form[len] = '\0';
    l->ncands++;
    return PS_OK;
}

static int cmp_candidate(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    int c = strcmp(x->stem, y->stem);
    return c ? c : strcmp(x->form, y->form);
}

/* A group of candidates sharing a stem: cands[first .. first + n). */
typedef struct {
    size_t first, n, chars;
    uint64_t docs;
    bool taken;
} group;

static int cmp_group_first(const void *a, const void *b)
{
    const group *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

static int cmp_group_length(const void *a, const void *b)
{
    const group *x = a, *y = b;
    if (x->chars != y->chars)
        return x->chars < y->chars ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Does any form of g decompose with lex (the lexicon plus the words taken so far)? */
static bool is_compound(ps_learner *l, const ps_lexicon *lex, const group *g)
{
    for (size_t i = g->first; i < g->first + g->n; i++) {
        char raw[PS_LEARN_MAX_BYTES];
        const char *f = l->cands[i].form;
        size_t rn = raw_stem(l->stemmer, f, strlen(f), raw);
        ps_compound c;
        if (rn > 0 && ps_analyzer_decompose(lex, raw, rn, &c))
            return true;
    }
    return false;
}

/* Why g is refused (its first form that does not look Swedish); REFUSE_NONE: taken. */
static refusal group_refusal(const ps_learner *l, const group *g)
{
    for (size_t i = g->first; i < g->first + g->n; i++) {
        const char *f = l->cands[i].form;
        refusal r = looks_swedish(f, strlen(f));
        if (r != REFUSE_NONE)
            return r;
    }
    return REFUSE_NONE;
}

/* The forms of g, space-separated. */
static void append_forms(ps_buf *b, const ps_learner *l, const group *g)
{
    for (size_t i = g->first; i < g->first + g->n; i++)
        ps_buf_printf(b, "%s%s", i > g->first ? " " : "", l->cands[i].form);
}

ps_status ps_learner_finish(ps_learner *l, char **list, size_t *count, ps_error *err)
{
    *list = NULL;
    if (count)
        *count = 0;
    if (l->ncands > 0)
        qsort(l->cands, l->ncands, sizeof *l->cands, cmp_candidate);
    group *groups = calloc(l->ncands + 1, sizeof *groups);
    ps_lexicon *lex = groups ? ps_lexicon_extend(l->lex) : NULL;
    if (!lex) {
        free(groups);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    }
    size_t ngroups = 0;
    for (size_t i = 0; i < l->ncands;) {
        group g = {i, 0, utf8_chars(l->cands[i].stem, strlen(l->cands[i].stem)), 0, false};
        while (i < l->ncands && strcmp(l->cands[i].stem, l->cands[g.first].stem) == 0) {
            g.docs += l->cands[i].docs;
            g.n++;
            i++;
        }
        if (g.docs >= PS_LEARN_MIN_DOCS)
            groups[ngroups++] = g;
    }
    /* shortest first, so that a compound of learned words comes after its parts */
    qsort(groups, ngroups, sizeof *groups, cmp_group_length);
    ps_buf forms = PS_BUF_INIT, out = PS_BUF_INIT;
    bool ok = true;
    size_t n = 0, refused[REFUSE_N] = {0}, nrefused = 0;
    for (size_t k = 0; ok && k < ngroups; k++) {
        group *g = &groups[k];
        if (is_compound(l, lex, g))
            continue;
        refusal r = group_refusal(l, g);
        if (r != REFUSE_NONE) {
            refused[r]++;
            nrefused++;
            continue;
        }
        ps_buf_clear(&forms);
        append_forms(&forms, l, g);
        const char *stem = l->cands[g->first].stem;
        ok = !forms.failed && add_word(lex, l->stemmer, stem, strlen(stem), forms.data, forms.len);
        g->taken = true;
        n++;
    }
    /* written in stem order, whatever order the words were taken in */
    qsort(groups, ngroups, sizeof *groups, cmp_group_first);
    for (size_t k = 0; ok && k < ngroups; k++) {
        const group *g = &groups[k];
        if (!g->taken)
            continue;
        ps_buf_printf(&out, "%s\t%llu\t", l->cands[g->first].stem, (unsigned long long)g->docs);
        append_forms(&out, l, g);
        ps_buf_putc(&out, '\n');
    }
    if (nrefused > 0) {
        ps_buf_printf(&out, "#refused\t%zu\t", nrefused);
        for (int r = 0; r < REFUSE_N; r++)
            ps_buf_printf(&out, "%s%s=%zu", r ? " " : "", refusal_names[r], refused[r]);
        ps_buf_putc(&out, '\n');
    }
    ps_buf_free(&forms);
    ps_lexicon_free(lex);
    free(groups);
    if (!ok || out.failed) {
        ps_buf_free(&out);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    }
    if (!(*list = ps_buf_steal(&out, NULL)))
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    if (count)
        *count = n;
    return PS_OK;
}
