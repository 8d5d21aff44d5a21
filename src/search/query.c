/*
 * search/query.c — from a query.h tree to a ps_store_query tree, using the same Swedish
 * analyzer (PS_ANALYZE_QUERY) as the indexer, following schema.h's term layout.
 *
 * One free word becomes OR(stem, "E"exact, "S"stem, "XB"stem[, PHRASE(compound parts)]): the
 * stem finds every inflection, -et form and compound containing it (the indexer adds compound
 * parts at the word's position); the other alternatives only add weight, so exact word forms,
 * title words and Beslut words rank first, and a compound query word also finds its split
 * spelling ("Samordning förbundet") below the real compound. Stop words are dropped from free
 * text (never from phrases). Filters are boolean and add no weight.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/buf.h"
#include "protokollsok/schema.h"

ps_status ps_search_nomem(ps_error *err)
{
    return ps_error_set(err, PS_ERR_NOMEM, "out of memory while searching");
}

/* ---- string lists ------------------------------------------------------------------------ */

bool ps_strv_add(ps_strv *sv, const char *s, size_t len)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strlen(sv->v[i]) == len && memcmp(sv->v[i], s, len) == 0)
            return true;
    char **v = realloc(sv->v, (sv->n + 1) * sizeof *v);
    if (!v)
        return false;
    sv->v = v;
    char *copy = malloc(len + 1);
    if (!copy)
        return false;
    memcpy(copy, s, len);
    copy[len] = '\0';
    sv->v[sv->n++] = copy;
    return true;
}

void ps_strv_free(ps_strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
}

void ps_qbuild_free(ps_qbuild *b)
{
    ps_strv_free(&b->hl);
    ps_strv_free(&b->splits);
    ps_strv_free(&b->ignored);
    ps_strv_free(&b->soft);
}

/* ---- analyzed tokens --------------------------------------------------------------------- */

typedef struct {
    char *text;
    ps_term_kind kind;
} qterm;

typedef struct {
    unsigned flags;
    size_t start, end; /* byte span in the analyzed text */
    qterm *terms;
    size_t nterms;
} qtok;

typedef struct {
    qtok *v;
    size_t n;
    bool oom;
} qtoks;

static void qtoks_free(qtoks *t)
{
    for (size_t i = 0; i < t->n; i++) {
        for (size_t j = 0; j < t->v[i].nterms; j++)
            free(t->v[i].terms[j].text);
        free(t->v[i].terms);
    }
    free(t->v);
    memset(t, 0, sizeof *t);
}

static bool collect_token(void *ctx, const ps_token *tok)
{
    qtoks *t = ctx;
    if (tok->nterms == 0)
        return true;
    qtok *v = realloc(t->v, (t->n + 1) * sizeof *v);
    if (!v) {
        t->oom = true;
        return false;
    }
    t->v = v;
    qtok *q = &t->v[t->n++];
    q->flags = tok->flags;
    q->start = tok->start;
    q->end = tok->end;
    q->nterms = 0;
    q->terms = calloc(tok->nterms, sizeof *q->terms);
    if (!q->terms) {
        t->oom = true;
        return false;
    }
    for (size_t i = 0; i < tok->nterms; i++) {
        char *s = malloc(tok->terms[i].len + 1);
        if (!s) {
            t->oom = true;
            return false;
        }
        memcpy(s, tok->terms[i].text, tok->terms[i].len);
        s[tok->terms[i].len] = '\0';
        q->terms[q->nterms].text = s;
        q->terms[q->nterms++].kind = tok->terms[i].kind;
    }
    return true;
}

static ps_status analyze(ps_qbuild *b, const char *text, qtoks *out, ps_error *err)
{
    memset(out, 0, sizeof *out);
    ps_status st =
        ps_analyzer_run(b->s->an, text, strlen(text), PS_ANALYZE_QUERY, collect_token, out, err);
    if (st == PS_OK && out->oom)
        st = ps_search_nomem(err);
    if (st)
        qtoks_free(out);
    return st;
}

static const char *const accented_e[] = {"é", "è", "ê", "ë", "É", "È", "Ê", "Ë"};

/* The accented e (2 bytes) at s, 0..7, or -1. */
static int accented_at(const char *s)
{
    for (int i = 0; i < 8; i++)
        if (strncmp(s, accented_e[i], 2) == 0)
            return i;
    return -1;
}

/* The word with é è ê ë (either case) as plain e; NULL when it has none (or on OOM). */
static char *plain_e_variant(const char *s)
{
    bool any = false;
    for (const char *p = s; *p && !any; p++)
        any = accented_at(p) >= 0;
    if (!any)
        return NULL;
    ps_buf b = PS_BUF_INIT;
    while (*s) {
        int a = accented_at(s);
        if (a >= 0) {
            ps_buf_putc(&b, a < 4 ? 'e' : 'E');
            s += 2;
        } else {
            ps_buf_putc(&b, *s++);
        }
    }
    return b.failed ? (ps_buf_free(&b), NULL) : ps_buf_steal(&b, NULL);
}

/* The word with the e's selected by mask (bit i = i-th e) written é. NULL on OOM. */
static char *acute_e_variant(const char *s, unsigned mask)
{
    ps_buf b = PS_BUF_INIT;
    unsigned i = 0;
    for (; *s; s++) {
        if (*s == 'e' || *s == 'E') {
            if (mask & (1u << i))
                ps_buf_puts(&b, *s == 'e' ? "é" : "É");
            else
                ps_buf_putc(&b, *s);
            i++;
        } else {
            ps_buf_putc(&b, *s);
        }
    }
    return b.failed ? (ps_buf_free(&b), NULL) : ps_buf_steal(&b, NULL);
}

static unsigned count_e(const char *s)
{
    unsigned n = 0;
    for (; *s; s++)
        n += *s == 'e' || *s == 'E';
    return n;
}

static bool first_term_equal(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    const char **want = ctx;
    (void)termfreq;
    if (strlen(*want) == len && memcmp(*want, term, len) == 0)
        *want = NULL; /* found */
    return false;
}

/* Whether the index has the term. */
static ps_status term_exists(ps_qbuild *b, const char *term, bool *out, ps_error *err)
{
    const char *want = term;
    ps_status st = ps_store_each_term(b->s->store, term, first_term_equal, &want, err);
    *out = st == PS_OK && want == NULL;
    return st;
}

/* ---- store query helpers ----------------------------------------------------------------- */

static char *cat(const char *prefix, const char *s)
{
    size_t a = strlen(prefix), n = strlen(s);
    char *r = malloc(a + n + 1);
    if (r) {
        memcpy(r, prefix, a);
        memcpy(r + a, s, n + 1);
    }
    return r;
}

static ps_store_query *prefixed_term(const char *prefix, const char *s, double w)
{
    char *t = cat(prefix, s);
    ps_store_query *q = t ? ps_store_query_term(t, w) : NULL;
    free(t);
    return q;
}

static ps_store_query *prefixed_bool(const char *prefix, const char *s)
{
    char *t = cat(prefix, s);
    ps_store_query *q = t ? ps_store_query_boolean(t) : NULL;
    free(t);
    return q;
}

/* A list of subqueries under construction; `failed` after any NULL (out of memory). */
typedef struct {
    ps_store_query **v;
    size_t n;
    bool failed;
} qlist;

static void qlist_add(qlist *l, ps_store_query *q)
{
    if (!q) {
        l->failed = true;
        return;
    }
    ps_store_query **v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v) {
        ps_store_query_free(q);
        l->failed = true;
        return;
    }
    l->v = v;
    l->v[l->n++] = q;
}

static void qlist_free(qlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        ps_store_query_free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

typedef ps_store_query *(*combine_fn)(ps_store_query **subs, size_t n);

/* Combine the list (taking its queries): NULL with *st PS_OK when empty. */
static ps_status qlist_take(qlist *l, combine_fn fn, ps_store_query **out, ps_error *err)
{
    *out = NULL;
    if (l->failed) {
        qlist_free(l);
        return ps_search_nomem(err);
    }
    if (l->n == 1)
        *out = l->v[0];
    else if (l->n > 1)
        *out = fn(l->v, l->n);
    bool fail = l->n > 0 && !*out;
    free(l->v);
    memset(l, 0, sizeof *l);
    return fail ? ps_search_nomem(err) : PS_OK;
}

static const char *section_prefix(ps_qfield f)
{
    switch (f) {
    case PS_QFIELD_TITEL:
        return PS_PREFIX_TITLE;
    case PS_QFIELD_BESLUT:
        return PS_PREFIX_BESLUT;
    case PS_QFIELD_FORSLAG:
        return PS_PREFIX_FORSLAG;
    case PS_QFIELD_ARENDEBESKRIVNING:
        return PS_PREFIX_ARENDEBESKRIVNING;
    case PS_QFIELD_BAKGRUND:
        return PS_PREFIX_BAKGRUND;
    case PS_QFIELD_SAMMANFATTNING:
        return PS_PREFIX_SAMMANFATTNING;
    case PS_QFIELD_YTTRANDE:
        return PS_PREFIX_YTTRANDE;
    default:
        return "";
    }
}

static const char *term_of(const qtok *t, ps_term_kind kind)
{
    for (size_t i = 0; i < t->nterms; i++)
        if (t->terms[i].kind == kind)
            return t->terms[i].text;
    return NULL;
}

static bool hl_add(ps_qbuild *b, const char *s)
{
    return ps_strv_add(&b->hl, s, strlen(s));
}

/* ---- words ------------------------------------------------------------------------------- */

/* One analyzed token of free text or of a section field. */
static ps_status token_query(ps_qbuild *b, const qtok *t, ps_qfield field, ps_store_query **out,
                             ps_error *err)
{
    const char *stem = t->terms[0].text;
    qlist l = {0};
    b->words++;
    bool ok = hl_add(b, stem);
    const char *exact = term_of(t, PS_TERM_EXACT);
    if (exact)
        ok = ok && hl_add(b, exact);
    if (field != PS_QFIELD_NONE) {
        qlist_add(&l, prefixed_term(section_prefix(field), stem, PS_W_STEM));
        if (!ok)
            l.failed = true;
        return qlist_take(&l, ps_store_query_or, out, err);
    }
    qlist_add(&l, ps_store_query_term(stem, PS_W_STEM));
    if (exact)
        qlist_add(&l, prefixed_term(PS_PREFIX_EXACT, exact, PS_W_EXACT));
    qlist_add(&l, prefixed_term(PS_PREFIX_TITLE, stem, PS_W_TITLE));
    qlist_add(&l, prefixed_term(PS_PREFIX_BESLUT, stem, PS_W_BESLUT));
    const char *parts[16];
    size_t nparts = 0;
    for (size_t i = 0; i < t->nterms; i++) {
        if (t->terms[i].kind == PS_TERM_WHOLE) {
            qlist_add(&l, ps_store_query_term(t->terms[i].text, PS_W_WHOLE));
            ok = ok && hl_add(b, t->terms[i].text);
        } else if (t->terms[i].kind == PS_TERM_PART && nparts < 16) {
            parts[nparts++] = t->terms[i].text;
        }
    }
    /* an ärende's own diarienummer is in its header, not its text: match the "D" term too */
    if (t->flags & PS_TOKEN_DNR) {
        const char *whole = term_of(t, PS_TERM_WHOLE);
        qlist_add(&l, prefixed_bool(PS_PREFIX_DNR, whole ? whole : stem));
    }
    if ((t->flags & PS_TOKEN_COMPOUND) && nparts >= 2) {
        b->compounds++;
        if (b->mode & PS_QB_PARTS) { /* the parts anywhere in the ärende */
            qlist sub = {0};
            for (size_t i = 0; i < nparts; i++) {
                qlist_add(&sub, ps_store_query_term(parts[i], PS_W_PARTS));
                ok = ok && hl_add(b, parts[i]);
            }
            ps_store_query *all = NULL;
            if (qlist_take(&sub, ps_store_query_and, &all, NULL) != PS_OK)
                l.failed = true;
            else
                qlist_add(&l, all);
        } else {
            ps_store_query *ph = ps_store_query_phrase(parts, nparts, (unsigned)nparts + 1);
            qlist_add(&l, ph ? ps_store_query_scale(ph, PS_W_PARTS) : NULL);
            ps_buf joined = PS_BUF_INIT;
            for (size_t i = 0; i < nparts; i++) {
                if (i)
                    ps_buf_putc(&joined, '\n');
                ps_buf_puts(&joined, parts[i]);
            }
            ok = ok && !joined.failed && ps_strv_add(&b->splits, joined.data, joined.len);
            ps_buf_free(&joined);
        }
    }
    if (!ok)
        l.failed = true;
    return qlist_take(&l, ps_store_query_or, out, err);
}

/* The tokens of one typed word (usually one; "t.ex." or "16–64" may give more): all must match. */
static ps_status tokens_query(ps_qbuild *b, const qtoks *toks, ps_qfield field, bool drop_stop,
                              ps_store_query **out, ps_error *err)
{
    qlist l = {0};
    ps_status st = PS_OK;
    for (size_t i = 0; i < toks->n && st == PS_OK; i++) {
        const qtok *t = &toks->v[i];
        if (drop_stop && (t->flags & PS_TOKEN_STOPWORD))
            continue;
        ps_store_query *q;
        if ((st = token_query(b, t, field, &q, err)) == PS_OK && q)
            qlist_add(&l, q);
    }
    if (st) {
        qlist_free(&l);
        return st;
    }
    return qlist_take(&l, ps_store_query_and, out, err);
}

/* The spellings of a word to search for: as typed; with é as e; and, for a word with up to
 * three e's, each spelling with some e's as é that the index has ("kafe" finds "kafé"). */
static ps_status e_variants(ps_qbuild *b, const char *word, ps_strv *out, ps_error *err)
{
    if (!ps_strv_add(out, word, strlen(word)))
        return ps_search_nomem(err);
    char *plain = plain_e_variant(word);
    if (plain) {
        bool ok = ps_strv_add(out, plain, strlen(plain));
        free(plain);
        return ok ? PS_OK : ps_search_nomem(err);
    }
    unsigned ne = count_e(word);
    if (ne == 0 || ne > 3)
        return PS_OK;
    for (unsigned mask = 1; mask < (1u << ne); mask++) {
        char *v = acute_e_variant(word, mask);
        if (!v)
            return ps_search_nomem(err);
        qtoks toks;
        ps_status st = analyze(b, v, &toks, err);
        bool exists = false;
        if (st == PS_OK) {
            if (toks.n > 0)
                st = term_exists(b, toks.v[0].terms[0].text, &exists, err);
            if (st == PS_OK && exists && !ps_strv_add(out, v, strlen(v)))
                st = ps_search_nomem(err);
            qtoks_free(&toks);
        }
        free(v);
        if (st)
            return st;
    }
    return PS_OK;
}

static ps_status word_query(ps_qbuild *b, ps_qnode *n, ps_store_query **out, ps_error *err)
{
    *out = NULL;
    bool drop_stop = !b->keep_stopwords;
    qlist l = {0};
    ps_strv spellings = {0};
    ps_status st = e_variants(b, n->text, &spellings, err);
    bool all_stop = true;
    for (size_t k = 0; st == PS_OK && k < spellings.n; k++) {
        qtoks toks;
        if ((st = analyze(b, spellings.v[k], &toks, err)) != PS_OK)
            break;
        for (size_t i = 0; i < toks.n; i++)
            all_stop = all_stop && (toks.v[i].flags & PS_TOKEN_STOPWORD);
        ps_store_query *q = NULL;
        st = tokens_query(b, &toks, n->field, drop_stop, &q, err);
        qtoks_free(&toks);
        if (st == PS_OK && q)
            qlist_add(&l, q);
    }
    ps_strv_free(&spellings);
    if (st) {
        qlist_free(&l);
        return st;
    }
    if (l.n == 0 && all_stop && drop_stop) {
        n->ignored = true;
        if (!ps_strv_add(&b->ignored, n->text, strlen(n->text))) {
            qlist_free(&l);
            return ps_search_nomem(err);
        }
    }
    return qlist_take(&l, ps_store_query_or, out, err);
}

static ps_status phrase_query(ps_qbuild *b, ps_qnode *n, ps_store_query **out, ps_error *err)
{
    *out = NULL;
    qtoks toks;
    ps_status st = analyze(b, n->text, &toks, err);
    if (st)
        return st;
    if (toks.n <= 1) {
        st = tokens_query(b, &toks, n->field, false, out, err);
        qtoks_free(&toks);
        return st;
    }
    b->words++;
    const char *prefix = section_prefix(n->field);
    bool positional = n->field == PS_QFIELD_NONE || n->field == PS_QFIELD_TITEL;
    char **stems = calloc(toks.n, sizeof *stems);
    char **exacts = calloc(toks.n, sizeof *exacts);
    bool all_exact = true, all_stop = true, ok = stems && exacts;
    for (size_t i = 0; i < toks.n; i++)
        all_stop = all_stop && (toks.v[i].flags & PS_TOKEN_STOPWORD);
    for (size_t i = 0; ok && i < toks.n; i++) {
        const qtok *t = &toks.v[i];
        const char *exact = term_of(t, PS_TERM_EXACT);
        stems[i] = cat(prefix, t->terms[0].text);
        exacts[i] = exact ? cat(PS_PREFIX_EXACT, exact) : NULL;
        all_exact = all_exact && exact;
        ok = stems[i] && (!exact || exacts[i]);
        /* mark the phrase's content words, not every "och" in the text */
        if (ok && (all_stop || !(t->flags & PS_TOKEN_STOPWORD)))
            ok = hl_add(b, t->terms[0].text) && (!exact || hl_add(b, exact));
    }
    qlist l = {0};
    if (!ok) {
        l.failed = true;
    } else if (positional) {
        qlist_add(&l, ps_store_query_phrase((const char *const *)stems, toks.n, 0));
        /* exact forms have no positions (schema.h): the phrase's exact words add their weight
         * where the stems make the phrase */
        if (all_exact && n->field == PS_QFIELD_NONE) {
            qlist ex = {0};
            for (size_t i = 0; i < toks.n; i++)
                qlist_add(&ex, ps_store_query_term(exacts[i], PS_W_EXACT));
            ps_store_query *all = NULL, *ph = NULL;
            if (qlist_take(&ex, ps_store_query_and, &all, err) == PS_OK &&
                (ph = ps_store_query_phrase((const char *const *)stems, toks.n, 0)))
                qlist_add(&l, ps_store_query_filter(all, ph));
            else {
                ps_store_query_free(all);
                l.failed = true;
            }
        }
    } else {
        qlist sub = {0};
        for (size_t i = 0; i < toks.n; i++)
            qlist_add(&sub, ps_store_query_term(stems[i], PS_W_STEM));
        ps_store_query *q;
        if (qlist_take(&sub, ps_store_query_and, &q, err) == PS_OK)
            qlist_add(&l, q);
        else
            l.failed = true;
    }
    for (size_t i = 0; i < toks.n; i++) {
        free(stems ? stems[i] : NULL);
        free(exacts ? exacts[i] : NULL);
    }
    free(stems);
    free(exacts);
    qtoks_free(&toks);
    return qlist_take(&l, ps_store_query_or, out, err);
}

/* ---- wildcards --------------------------------------------------------------------------- */

typedef struct {
    ps_strv terms; /* full terms with their prefix */
    size_t skip;   /* bytes of namespace prefix (for the highlight list) */
    bool too_many;
    bool oom;
} expansion;

static bool expand_term(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    expansion *e = ctx;
    (void)termfreq;
    if (e->terms.n >= PS_WILDCARD_MAX) {
        e->too_many = true;
        return false;
    }
    if (!ps_strv_add(&e->terms, term, len)) {
        e->oom = true;
        return false;
    }
    return true;
}

static ps_status wildcard_query(ps_qbuild *b, ps_qnode *n, ps_store_query **out, ps_error *err)
{
    *out = NULL;
    char *prefix = ps_query_fold(n->text, strlen(n->text));
    if (!prefix)
        return ps_search_nomem(err);
    const char *spaces[2] = {section_prefix(n->field),
                             n->field == PS_QFIELD_NONE ? PS_PREFIX_EXACT : NULL};
    expansion e = {0};
    ps_status st = PS_OK;
    b->words++;
    for (size_t k = 0; k < 2 && spaces[k] && st == PS_OK && !e.too_many && !e.oom; k++) {
        char *full = cat(spaces[k], prefix);
        if (!full) {
            e.oom = true;
            break;
        }
        size_t before = e.terms.n;
        st = ps_store_each_term(b->s->store, full, expand_term, &e, err);
        free(full);
        for (size_t i = before; i < e.terms.n && !e.oom; i++)
            if (!hl_add(b, e.terms.v[i] + strlen(spaces[k])))
                e.oom = true;
    }
    if (st == PS_OK && e.oom)
        st = ps_search_nomem(err);
    if (st == PS_OK && e.too_many) {
        st = ps_error_set(err, PS_ERR_QUERY,
                          "\"%s*\" vid tecken %zu matchar för många ord (fler än %d): skriv fler "
                          "bokstäver före *",
                          n->text, ps_query_char_index(b->text, n->start) + 1, PS_WILDCARD_MAX);
        ps_error_locate(err, NULL, 0, (long)ps_query_char_index(b->text, n->start));
    }
    if (st == PS_OK) {
        qlist l = {0};
        for (size_t i = 0; i < e.terms.n; i++)
            qlist_add(&l, ps_store_query_term(e.terms.v[i], PS_W_STEM));
        if (e.terms.n == 0) /* nothing starts so: a term that cannot exist matches nothing */
            qlist_add(&l, prefixed_term(spaces[0], prefix, PS_W_STEM));
        st = qlist_take(&l, ps_store_query_synonym, out, err);
    }
    ps_strv_free(&e.terms);
    free(prefix);
    return st;
}

/* ---- filters ----------------------------------------------------------------------------- */

/* kommun:/nämnd: take the exact value; a value that is no stored value matches the values
 * starting with it (nämnd:social -> socialnämnden, socialnämndens arbetsutskott). */
static ps_status name_filter(ps_qbuild *b, const char *prefix, const char *value,
                             ps_store_query **out, ps_error *err)
{
    char *full = cat(prefix, value);
    if (!full)
        return ps_search_nomem(err);
    expansion e = {0};
    ps_status st = ps_store_each_term(b->s->store, full, expand_term, &e, err);
    if (st == PS_OK && e.oom)
        st = ps_search_nomem(err);
    bool exact = false;
    for (size_t i = 0; i < e.terms.n; i++)
        exact = exact || strcmp(e.terms.v[i], full) == 0;
    qlist l = {0};
    if (st == PS_OK && (exact || e.terms.n == 0))
        qlist_add(&l, ps_store_query_boolean(full));
    else
        for (size_t i = 0; st == PS_OK && i < e.terms.n; i++)
            qlist_add(&l, ps_store_query_boolean(e.terms.v[i]));
    if (st == PS_OK)
        st = qlist_take(&l, ps_store_query_or, out, err);
    ps_strv_free(&e.terms);
    free(full);
    return st;
}

static ps_status filter_query(ps_qbuild *b, const ps_qnode *n, ps_store_query **out, ps_error *err)
{
    *out = NULL;
    switch (n->field) {
    case PS_QFIELD_KOMMUN:
        return name_filter(b, PS_PREFIX_KOMMUN, n->text, out, err);
    case PS_QFIELD_NAMND:
        return name_filter(b, PS_PREFIX_NAMND, n->text, out, err);
    case PS_QFIELD_TYP:
        *out = prefixed_bool(PS_PREFIX_TYPE, n->text);
        break;
    case PS_QFIELD_DNR:
        *out = prefixed_bool(PS_PREFIX_DNR, n->text);
        break;
    case PS_QFIELD_AR: {
        int lo = atoi(n->text), hi = atoi(n->text2);
        if (hi - lo > 300)
            lo = hi - 300;
        qlist l = {0};
        for (int y = lo; y <= hi; y++) {
            char term[16];
            snprintf(term, sizeof term, "%s%04d", PS_PREFIX_YEAR, y);
            qlist_add(&l, ps_store_query_boolean(term));
        }
        return qlist_take(&l, ps_store_query_or, out, err);
    }
    case PS_QFIELD_DATUM:
        /* "0" as the open start keeps out documents without a date (value "") */
        *out = ps_store_query_value_range(PS_SLOT_DATE, n->text ? n->text : "0", n->text2);
        break;
    default:
        return ps_error_set(err, PS_ERR_INTERNAL, "filter node with field %d", (int)n->field);
    }
    return *out ? PS_OK : ps_search_nomem(err);
}

/* ---- structure --------------------------------------------------------------------------- */

static ps_status build(ps_qbuild *b, ps_qnode *n, bool top, ps_store_query **out, ps_error *err);

static bool free_word(const ps_qnode *k)
{
    return k->kind == PS_QNODE_WORD && k->field == PS_QFIELD_NONE && !k->wildcard;
}

/* One run of adjacent free words kids[from..to) analyzed as one text: each token spanning
 * several words becomes one item of pos, and its words are marked consumed. */
static ps_status multiword_run(ps_qbuild *b, ps_qnode **kids, size_t from, size_t to, bool top,
                               bool *consumed, qlist *pos, ps_error *err)
{
    ps_buf text = PS_BUF_INIT;
    size_t *starts = calloc(to - from, sizeof *starts);
    if (!starts)
        return ps_search_nomem(err);
    for (size_t i = from; i < to; i++) {
        if (i > from)
            ps_buf_putc(&text, ' ');
        starts[i - from] = text.len;
        ps_buf_puts(&text, kids[i]->text);
    }
    qtoks toks = {0};
    ps_status st = text.failed ? ps_search_nomem(err) : analyze(b, text.data, &toks, err);
    for (size_t t = 0; st == PS_OK && t < toks.n; t++) {
        size_t wi = 0, wj = 0;
        for (size_t w = 0; w < to - from; w++) {
            if (starts[w] <= toks.v[t].start)
                wi = w;
            if (starts[w] < toks.v[t].end)
                wj = w;
        }
        if (wj == wi)
            continue;
        ps_store_query *q = NULL;
        if ((st = token_query(b, &toks.v[t], PS_QFIELD_NONE, &q, err)) != PS_OK)
            break;
        qlist_add(pos, q);
        for (size_t w = wi; w <= wj; w++)
            consumed[from + w] = true;
        if (top &&
            !ps_strv_add(&b->soft, text.data + toks.v[t].start, toks.v[t].end - toks.v[t].start))
            st = ps_search_nomem(err);
    }
    qtoks_free(&toks);
    ps_buf_free(&text);
    free(starts);
    return st;
}

/* Units the analyzer makes of several typed words ("§ 243", "2023.076 SN", "375 000"). */
static ps_status multiword_units(ps_qbuild *b, ps_qnode *n, bool top, bool *consumed, qlist *pos,
                                 ps_error *err)
{
    ps_status st = PS_OK;
    for (size_t i = 0; i < n->nkids && st == PS_OK;) {
        size_t j = i;
        while (j < n->nkids && free_word(n->kids[j]))
            j++;
        if (j - i >= 2)
            st = multiword_run(b, n->kids, i, j, top, consumed, pos, err);
        i = j > i ? j : i + 1;
    }
    return st;
}

/* The free words of an AND near each other and in order ("vård och omsorg" for Inspektionen
 * för vård och omsorg typed without quotes): a bonus on top of the AND, never a condition.
 * NULL when there are fewer than two content words. */
static ps_status proximity_query(ps_qbuild *b, const ps_qnode *n, ps_store_query **out,
                                 ps_error *err)
{
    *out = NULL;
    ps_buf text = PS_BUF_INIT;
    for (size_t i = 0; i < n->nkids; i++)
        if (free_word(n->kids[i]) && !n->kids[i]->ignored) {
            ps_buf_puts(&text, n->kids[i]->text);
            ps_buf_putc(&text, ' ');
        }
    if (text.len == 0 || text.failed) {
        bool failed = text.failed;
        ps_buf_free(&text);
        return failed ? ps_search_nomem(err) : PS_OK;
    }
    qtoks toks;
    ps_status st = analyze(b, text.data, &toks, err);
    ps_buf_free(&text);
    if (st)
        return st;
    const char *stems[16];
    size_t ns = 0;
    for (size_t i = 0; i < toks.n && ns < 16; i++)
        if (!(toks.v[i].flags & PS_TOKEN_STOPWORD))
            stems[ns++] = toks.v[i].terms[0].text;
    if (ns >= 2) {
        ps_store_query *ph = ps_store_query_phrase(stems, ns, (unsigned)(2 * ns));
        *out = ph ? ps_store_query_scale(ph, PS_W_PROXIMITY) : NULL;
        if (!*out)
            st = ps_search_nomem(err);
    }
    qtoks_free(&toks);
    return st;
}

static ps_status and_query(ps_qbuild *b, ps_qnode *n, bool top, ps_store_query **out, ps_error *err)
{
    qlist pos = {0}, filters = {0}, negs = {0};
    bool *consumed = calloc(n->nkids, sizeof *consumed);
    ps_status st =
        consumed ? multiword_units(b, n, top, consumed, &pos, err) : ps_search_nomem(err);
    for (size_t i = 0; i < n->nkids && st == PS_OK; i++) {
        ps_qnode *k = n->kids[i];
        ps_store_query *q = NULL;
        if (consumed[i])
            continue;
        if (k->kind == PS_QNODE_FILTER) {
            if ((st = filter_query(b, k, &q, err)) == PS_OK)
                qlist_add(&filters, q);
        } else if (k->kind == PS_QNODE_NOT) {
            if ((st = build(b, k->kids[0], false, &q, err)) == PS_OK && q)
                qlist_add(&negs, q);
        } else {
            if ((st = build(b, k, false, &q, err)) == PS_OK && q)
                qlist_add(&pos, q);
            if (st == PS_OK && q && top &&
                (k->kind == PS_QNODE_WORD || k->kind == PS_QNODE_PHRASE) &&
                !ps_strv_add(&b->soft, k->text, strlen(k->text)))
                st = ps_search_nomem(err);
        }
    }
    free(consumed);
    ps_store_query *p = NULL, *f = NULL, *ng = NULL;
    size_t npos = pos.n;
    if (st == PS_OK)
        st = qlist_take(&pos, top && (b->mode & PS_QB_OR) ? ps_store_query_or : ps_store_query_and,
                        &p, err);
    ps_store_query *near = NULL;
    if (st == PS_OK && p && npos >= 2)
        st = proximity_query(b, n, &near, err);
    if (near) { /* the same matches as p, more weight where the words stand together */
        ps_store_query *both[2] = {p, near};
        p = ps_store_query_or(both, 2);
        if (!p)
            st = ps_search_nomem(err);
    }
    if (st == PS_OK)
        st = qlist_take(&filters, ps_store_query_and, &f, err);
    if (st == PS_OK)
        st = qlist_take(&negs, ps_store_query_or, &ng, err);
    if (st) {
        qlist_free(&pos);
        qlist_free(&filters);
        qlist_free(&negs);
        ps_store_query_free(p);
        ps_store_query_free(f);
        ps_store_query_free(ng);
        return st;
    }
    if (!p && !f && !ng) {
        *out = NULL;
        return PS_OK;
    }
    if (!p)
        p = ps_store_query_match_all();
    if (p && f)
        p = ps_store_query_filter(p, f);
    else
        ps_store_query_free(f);
    if (p && ng)
        p = ps_store_query_and_not(p, ng);
    else
        ps_store_query_free(ng);
    *out = p;
    return p ? PS_OK : ps_search_nomem(err);
}

/* The weight factor of an abbreviation's other form: PS_W_ABBREV, divided for a full form by
 * twice its words (a phrase adds the weights of all its words, of stems and exact forms), so
 * that a full form found ranks below the abbreviation typed. */
static double abbrev_weight(const ps_qnode *other)
{
    size_t words = 1;
    for (const char *c = other->kind == PS_QNODE_PHRASE ? other->text : ""; *c; c++)
        words += *c == ' ';
    return other->kind == PS_QNODE_PHRASE ? PS_W_ABBREV / (2.0 * (double)words) : PS_W_ABBREV;
}

static ps_status build(ps_qbuild *b, ps_qnode *n, bool top, ps_store_query **out, ps_error *err)
{
    *out = NULL;
    switch (n->kind) {
    case PS_QNODE_WORD:
        return n->wildcard ? wildcard_query(b, n, out, err) : word_query(b, n, out, err);
    case PS_QNODE_PHRASE:
        return phrase_query(b, n, out, err);
    case PS_QNODE_FILTER:
        return filter_query(b, n, out, err);
    case PS_QNODE_AND:
        return and_query(b, n, top, out, err);
    case PS_QNODE_NOT: {
        ps_store_query *k;
        ps_status st = build(b, n->kids[0], false, &k, err);
        if (st || !k)
            return st;
        ps_store_query *all = ps_store_query_match_all();
        *out = all ? ps_store_query_and_not(all, k) : (ps_store_query_free(k), NULL);
        return *out ? PS_OK : ps_search_nomem(err);
    }
    case PS_QNODE_OR: {
        qlist l = {0};
        for (size_t i = 0; i < n->nkids; i++) {
            ps_store_query *q;
            ps_status st = build(b, n->kids[i], false, &q, err);
            if (st) {
                qlist_free(&l);
                return st;
            }
            if (q && n->expansion && i > 0) { /* an abbreviation's other form (search/abbrev.c) */
                q = ps_store_query_scale(q, abbrev_weight(n->kids[i]));
                l.failed = l.failed || !q;
            }
            if (q)
                qlist_add(&l, q);
        }
        return qlist_take(&l, ps_store_query_or, out, err);
    }
    }
    return ps_error_set(err, PS_ERR_INTERNAL, "unknown query node kind %d", (int)n->kind);
}

ps_status ps_qbuild_node(ps_qbuild *b, ps_qnode *node, ps_store_query **out, ps_error *err)
{
    *out = NULL;
    if (!node)
        return PS_OK;
    return build(b, node, true, out, err);
}

bool ps_qbuild_can_fall_back(const ps_qnode *root)
{
    if (!root || root->kind != PS_QNODE_AND)
        return false;
    size_t soft = 0;
    for (size_t i = 0; i < root->nkids; i++) {
        const ps_qnode *k = root->kids[i];
        if (k->kind != PS_QNODE_FILTER && k->kind != PS_QNODE_NOT && !k->ignored)
            soft++;
    }
    return soft >= 2;
}
