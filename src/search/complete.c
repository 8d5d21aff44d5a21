/*
 * search/complete.c — autocomplete for the search box: the last word typed completed from the
 * index's own word forms ("E" terms: what the documents say, case-folded), most documents
 * first, and the titles of a few ärenden whose title has a word beginning so ("S" terms).
 *
 * Bounded: at most COMPLETE_SCAN terms are looked at per call (a two-letter prefix of a large
 * index has thousands), and one small search fetches the titles; a call stays in the low
 * milliseconds however large the index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/buf.h"
#include "protokollsok/schema.h"
#include "internal.h"

#define COMPLETE_SCAN 4000 /* terms looked at per prefix */
#define COMPLETE_WORDS 8   /* word completions kept */
#define COMPLETE_STEMS 16  /* stems looked at as words */
#define COMPLETE_TITLES 3  /* titles */
#define PREFIX_MIN 2       /* characters before anything is suggested */

typedef struct {
    char term[PS_ANALYZER_TERM_MAX + 1];
    uint32_t docs;
} candidate;

typedef struct {
    candidate best[COMPLETE_STEMS];
    size_t n, max;
    size_t scanned;
    size_t skip; /* prefix bytes of the namespace */
} collector;

/* Keep the most frequent; a word form must be letters (no numbers, § units or e-mail). */
static bool keep_term(void *ctx, const char *term, size_t len, uint32_t docs)
{
    collector *c = ctx;
    if (++c->scanned > COMPLETE_SCAN)
        return false;
    const char *w = term + c->skip;
    size_t n = len - c->skip;
    if (n == 0 || n > PS_ANALYZER_TERM_MAX || memchr(w, ' ', n) || memchr(w, '@', n) ||
        (w[0] >= '0' && w[0] <= '9'))
        return true;
    size_t at = c->n < c->max ? c->n++ : c->max;
    if (at == c->max) {
        if (docs <= c->best[c->max - 1].docs)
            return true;
        at = c->max - 1;
    }
    while (at > 0 && c->best[at - 1].docs < docs) {
        c->best[at] = c->best[at - 1];
        at--;
    }
    snprintf(c->best[at].term, sizeof c->best[at].term, "%.*s", (int)n, w);
    c->best[at].docs = docs;
    return true;
}

/* The index keeps no exact form that equals its stem (budget, förbund, beslut), so the most
 * frequent stems with the prefix are words too when the index has their definite form
 * (budgeten, förbundet): "skol" of skolan/skolor is no word and is left out. */
static ps_status add_stem_words(ps_searcher *s, const char *word, collector *words, ps_error *err)
{
    collector stems = {.max = COMPLETE_STEMS};
    ps_status st = ps_store_each_term(s->store, word, keep_term, &stems, err);
    for (size_t i = 0; st == PS_OK && i < stems.n; i++) {
        static const char *const definite[] = {"en", "et"};
        uint32_t docs = 0;
        for (size_t k = 0; st == PS_OK && k < 2 && docs == 0; k++) {
            char term[PS_ANALYZER_TERM_MAX + 8];
            snprintf(term, sizeof term, "%s%s%s", PS_PREFIX_EXACT, stems.best[i].term, definite[k]);
            st = ps_store_termfreq(s->store, term, &docs, err);
        }
        bool listed = false;
        for (size_t j = 0; j < words->n; j++)
            listed = listed || strcmp(words->best[j].term, stems.best[i].term) == 0;
        if (st == PS_OK && docs > 0 && !listed) {
            char term[PS_ANALYZER_TERM_MAX + 2];
            int n = snprintf(term, sizeof term, "%s%s", PS_PREFIX_EXACT, stems.best[i].term);
            words->scanned = 0;
            keep_term(words, term, (size_t)n, stems.best[i].docs);
        }
    }
    return st;
}

/* The last word of q (after its last space) folded; *head = bytes before it. NULL when too
 * short or out of memory. */
static char *last_word(const char *q, size_t *head)
{
    size_t len = strlen(q);
    size_t start = len;
    while (start > 0 && q[start - 1] != ' ' && q[start - 1] != '"' && q[start - 1] != '(')
        start--;
    *head = start;
    char *w = ps_query_fold(q + start, len - start);
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)w; p && *p; p++)
        chars += (*p & 0xC0) != 0x80;
    if (w && (chars < PREFIX_MIN || strchr(w, ':') || strchr(w, '*'))) {
        free(w);
        return NULL;
    }
    return w;
}

static ps_status titles(ps_searcher *s, const char *stem, json_t *list, ps_error *err)
{
    ps_buf t = PS_BUF_INIT;
    ps_buf_printf(&t, "%s%s", PS_PREFIX_TITLE, stem);
    ps_store_query *q = t.failed ? NULL : ps_store_query_term(t.data, 1.0);
    ps_buf_free(&t);
    if (!q)
        return ps_search_nomem(err);
    ps_store_search_opts o;
    ps_store_search_opts_init(&o);
    o.limit = COMPLETE_TITLES * 3;
    ps_store_results *res = NULL;
    ps_status st = ps_store_search(s->store, q, &o, &res, err);
    ps_store_query_free(q);
    size_t added = 0;
    for (size_t i = 0; st == PS_OK && i < ps_store_results_count(res) && added < COMPLETE_TITLES;
         i++) {
        const ps_store_hit *h = ps_store_results_hit(res, i);
        json_t *data = NULL;
        ps_error ignored;
        if (ps_search_parse_data(h, &data, &ignored) != PS_OK)
            data = NULL; /* an unreadable document offers no title */
        const char *title = json_string_value(json_object_get(data, "title"));
        char *flat = title ? ps_query_fold(title, strlen(title)) : NULL; /* one line */
        bool dup = false;
        size_t j;
        json_t *e;
        json_array_foreach(list, j, e)
        {
            const char *v = json_string_value(json_object_get(e, "text"));
            dup = dup || (v && title && strcmp(v, title) == 0);
        }
        if (title && flat && !dup && strlen(title) <= 160) {
            char *one = strdup(title);
            for (char *p = one; p && *p; p++)
                if (*p == '\n')
                    *p = ' ';
            if (!one || json_array_append_new(
                            list, json_pack("{s:s,s:s,s:s?}", "text", one, "kind", "title", "key",
                                            json_string_value(json_object_get(data, "key")))) != 0)
                st = ps_search_nomem(err);
            free(one);
            added++;
        }
        free(flat);
        json_decref(data);
    }
    ps_store_results_free(res);
    return st;
}

ps_status ps_search_complete(ps_searcher *s, const char *q, json_t **out, ps_error *err)
{
    *out = NULL;
    ps_error_clear(err);
    json_t *list = json_array();
    if (!list)
        return ps_search_nomem(err);
    size_t head = 0;
    char *word = q ? last_word(q, &head) : NULL;
    ps_status st = PS_OK;
    if (word) {
        collector c = {.max = COMPLETE_WORDS, .skip = strlen(PS_PREFIX_EXACT)};
        ps_buf pre = PS_BUF_INIT;
        ps_buf_printf(&pre, "%s%s", PS_PREFIX_EXACT, word);
        st = pre.failed ? ps_search_nomem(err)
                        : ps_store_each_term(s->store, pre.data, keep_term, &c, err);
        ps_buf_free(&pre);
        if (st == PS_OK)
            st = add_stem_words(s, word, &c, err);
        for (size_t i = 0; st == PS_OK && i < c.n; i++) {
            ps_buf text = PS_BUF_INIT;
            ps_buf_append(&text, q, head);
            ps_buf_puts(&text, c.best[i].term);
            json_t *e = text.failed ? NULL
                                    : json_pack("{s:s,s:s,s:I}", "text", text.data, "kind", "word",
                                                "count", (json_int_t)c.best[i].docs);
            if (!e || json_array_append_new(list, e) != 0)
                st = ps_search_nomem(err);
            ps_buf_free(&text);
        }
        /* titles with the most frequent completion's stem */
        char stem[PS_ANALYZER_TERM_MAX + 1];
        if (st == PS_OK && c.n && ps_search_stem_of(s, c.best[0].term, stem, sizeof stem))
            st = titles(s, stem, list, err);
    }
    free(word);
    if (st == PS_OK && !(*out = json_pack("{s:s,s:O}", "q", q ? q : "", "suggestions", list)))
        st = ps_search_nomem(err);
    json_decref(list);
    return st;
}
