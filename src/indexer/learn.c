/*
 * indexer/learn.c — the words learned from the corpus (analyzer.h), on the index side.
 *
 * Every document carries an "XU" term for each word of its text that the word lists do not know
 * (schema.h). After a run has written its files, the learner is shown those words with their
 * document counts and returns the new list. When it differs from the list the documents were
 * analyzed with, the files to analyze again are those with a document holding an unknown word
 * that the two lists analyze differently (learned words only ever split unknown words), found
 * through the words' posting lists and the documents' "P" path terms. Everything here reads
 * the index; the caller writes.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "protokollsok/buf.h"
#include "protokollsok/schema.h"

typedef struct {
    ps_learner *learner;
    ps_status st;
    ps_error *err;
} learn_ctx;

static bool learn_term(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    learn_ctx *c = ctx;
    size_t p = strlen(PS_PREFIX_UNKNOWN);
    c->st = ps_learner_add(c->learner, term + p, len - p, termfreq, c->err);
    return c->st == PS_OK;
}

ps_status ps_indexer_learn(ps_store *store, const ps_lexicon *lex, char **list, size_t *count,
                           ps_error *err)
{
    *list = NULL;
    learn_ctx c = {NULL, PS_OK, err};
    ps_status st = ps_learner_new(lex, &c.learner, err);
    if (st == PS_OK)
        st = ps_store_each_term(store, PS_PREFIX_UNKNOWN, learn_term, &c, err);
    if (st == PS_OK)
        st = c.st;
    if (st == PS_OK)
        st = ps_learner_finish(c.learner, list, count, err);
    ps_learner_free(c.learner);
    return st;
}

/* ---- which files the new list changes ----------------------------------------------------------
 */

typedef struct {
    char **v;
    size_t n, cap;
} strings;

static bool strings_push(strings *s, const char *text, size_t len)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return false;
        s->v = v;
        s->cap = cap;
    }
    char *d = malloc(len + 1);
    if (!d)
        return false;
    memcpy(d, text, len);
    d[len] = '\0';
    s->v[s->n++] = d;
    return true;
}

static void strings_free(strings *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static bool put_term(void *ctx, const ps_token *tok)
{
    ps_buf *b = ctx;
    for (size_t i = 0; i < tok->nterms; i++) {
        ps_buf_printf(b, "%d:", (int)tok->terms[i].kind);
        ps_buf_append(b, tok->terms[i].text, tok->terms[i].len);
        ps_buf_putc(b, '\n');
    }
    ps_buf_printf(b, "%zu|", tok->compound_parts);
    return true;
}

typedef struct {
    ps_analyzer *before, *after;
    ps_buf a, b;
    strings changed;
    ps_status st;
    ps_error *err;
} diff_ctx;

/* Record the unknown-word terms whose words the two analyzers analyze differently. */
static bool diff_term(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    (void)termfreq;
    diff_ctx *d = ctx;
    size_t p = strlen(PS_PREFIX_UNKNOWN);
    ps_buf_clear(&d->a);
    ps_buf_clear(&d->b);
    d->st = ps_analyzer_run(d->before, term + p, len - p, 0, put_term, &d->a, d->err);
    if (d->st == PS_OK)
        d->st = ps_analyzer_run(d->after, term + p, len - p, 0, put_term, &d->b, d->err);
    if (d->st == PS_OK && (d->a.failed || d->b.failed))
        d->st = ps_error_set(d->err, PS_ERR_NOMEM, "out of memory");
    if (d->st == PS_OK && (d->a.len != d->b.len || memcmp(d->a.data, d->b.data, d->a.len) != 0) &&
        !strings_push(&d->changed, term, len))
        d->st = ps_error_set(d->err, PS_ERR_NOMEM, "out of memory");
    return d->st == PS_OK;
}

typedef struct {
    strings *paths;
    bool failed;
} path_ctx;

static bool collect_path_term(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    (void)termfreq;
    path_ctx *c = ctx;
    c->failed = !strings_push(c->paths, term, len);
    return !c->failed;
}

ps_status ps_indexer_learn_affected(ps_store *store, const ps_lexicon *before,
                                    const ps_lexicon *after, const ps_indexer_filestate *state,
                                    char ***paths, size_t *npaths, ps_error *err)
{
    *paths = NULL;
    *npaths = 0;
    diff_ctx d = {.st = PS_OK, .err = err};
    strings pterms = {0}, out = {0};
    ps_status st = ps_analyzer_new(before, PS_ANALYZER_SWEDISH, &d.before, err);
    if (st == PS_OK)
        st = ps_analyzer_new(after, PS_ANALYZER_SWEDISH, &d.after, err);
    if (st == PS_OK)
        st = ps_store_each_term(store, PS_PREFIX_UNKNOWN, diff_term, &d, err);
    if (st == PS_OK)
        st = d.st;
    path_ctx pc = {&pterms, false};
    for (size_t i = 0; st == PS_OK && i < d.changed.n; i++) {
        st = ps_store_each_doc_term(store, d.changed.v[i], PS_PREFIX_PATH, collect_path_term, &pc,
                                    err);
        if (st == PS_OK && pc.failed)
            st = ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    }
    if (st == PS_OK && pterms.n > 0) {
        qsort(pterms.v, pterms.n, sizeof *pterms.v, ps_indexer_cmp_strings);
        size_t cursor = 0;
        const ps_indexer_filestate_entry *e;
        while (st == PS_OK && (e = ps_indexer_filestate_next(state, &cursor))) {
            char *pt = ps_indexer_path_term(e->path);
            if (!pt)
                st = ps_error_set(err, PS_ERR_NOMEM, "out of memory");
            else if (bsearch(&pt, pterms.v, pterms.n, sizeof *pterms.v, ps_indexer_cmp_strings) &&
                     !strings_push(&out, e->path, strlen(e->path)))
                st = ps_error_set(err, PS_ERR_NOMEM, "out of memory");
            free(pt);
        }
    }
    ps_analyzer_free(d.before);
    ps_analyzer_free(d.after);
    ps_buf_free(&d.a);
    ps_buf_free(&d.b);
    strings_free(&d.changed);
    strings_free(&pterms);
    if (st != PS_OK) {
        strings_free(&out);
        return st;
    }
    *paths = out.v;
    *npaths = out.n;
    return PS_OK;
}

/* ---- counting words before anything is written ------------------------------------------------
 */

typedef struct {
    char *word; /* NULL: empty slot */
    uint32_t docs;
} word_slot;

struct ps_indexer_wordcount {
    word_slot *slots; /* open addressing, mask + 1 slots, at most half full */
    size_t mask, n;
};

ps_indexer_wordcount *ps_indexer_wordcount_new(void)
{
    ps_indexer_wordcount *wc = calloc(1, sizeof *wc);
    if (wc && !(wc->slots = calloc(1024, sizeof *wc->slots))) {
        free(wc);
        return NULL;
    }
    if (wc)
        wc->mask = 1023;
    return wc;
}

void ps_indexer_wordcount_free(ps_indexer_wordcount *wc)
{
    if (!wc)
        return;
    for (size_t i = 0; i <= wc->mask; i++)
        free(wc->slots[i].word);
    free(wc->slots);
    free(wc);
}

static word_slot *slot_for(word_slot *slots, size_t mask, const char *w, size_t len)
{
    size_t j = (size_t)ps_indexer_hash64(w, len, 0) & mask;
    while (slots[j].word && (strlen(slots[j].word) != len || memcmp(slots[j].word, w, len) != 0))
        j = (j + 1) & mask;
    return &slots[j];
}

static bool wordcount_grow(ps_indexer_wordcount *wc)
{
    size_t size = (wc->mask + 1) * 2;
    word_slot *t = calloc(size, sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i <= wc->mask; i++)
        if (wc->slots[i].word)
            *slot_for(t, size - 1, wc->slots[i].word, strlen(wc->slots[i].word)) = wc->slots[i];
    free(wc->slots);
    wc->slots = t;
    wc->mask = size - 1;
    return true;
}

bool ps_indexer_wordcount_add_doc(ps_indexer_wordcount *wc, const ps_indexer_built *b)
{
    const ps_buf *u = &b->unknown;
    for (size_t off = 0; off < u->len; off += strlen(u->data + off) + 1) {
        const char *w = u->data + off;
        size_t len = strlen(w);
        if ((wc->n + 1) * 2 > wc->mask + 1 && !wordcount_grow(wc))
            return false;
        word_slot *s = slot_for(wc->slots, wc->mask, w, len);
        if (!s->word) {
            if (!(s->word = strdup(w)))
                return false;
            wc->n++;
        }
        s->docs++;
    }
    return true;
}

ps_status ps_indexer_wordcount_learn(const ps_indexer_wordcount *wc, const ps_lexicon *lex,
                                     char **list, size_t *count, ps_error *err)
{
    *list = NULL;
    ps_learner *l = NULL;
    ps_status st = ps_learner_new(lex, &l, err);
    for (size_t i = 0; st == PS_OK && i <= wc->mask; i++)
        if (wc->slots[i].word)
            st = ps_learner_add(l, wc->slots[i].word, strlen(wc->slots[i].word),
                                wc->slots[i].docs, err);
    if (st == PS_OK)
        st = ps_learner_finish(l, list, count, err);
    ps_learner_free(l);
    return st;
}
