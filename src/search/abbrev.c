/*
 * search/abbrev.c — abbreviations of Swedish local government (KF, KS, IVO, LSS, SoL, ÖP …) and
 * their full forms, from the hand-reviewed data/abbreviations.tsv (built into the program as
 * abbreviations_data.h): a query for either finds both.
 *
 * The query tree is rewritten before it is built, so that "parsed" shows what is searched:
 *   IVO                               → (IVO OR "Inspektionen för vård och omsorg")
 *   Inspektionen för vård och omsorg  → ((Inspektionen AND för AND vård AND och AND omsorg) OR IVO)
 * as an OR marked `expansion`, whose kids after the first the query builder weighs
 * PS_W_ABBREV (below the typed form). An abbreviation matches as listed or in capitals (SoL,
 * SOL, never the word "sol"); a full form matches its words in order, in any case. Phrases,
 * excluded words, prefix* words and filters are never expanded, nor a word next to a number
 * ("KS 2023/123" is a diarienummer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abbreviations_data.h"
#include "internal.h"

/* ---- the table --------------------------------------------------------------------------- */

static void table_free(ps_abbrev *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].abbr);
        free(v[i].full);
        free(v[i].folded);
    }
    free(v);
}

ps_status ps_search_abbrevs_load(ps_searcher *s, ps_error *err)
{
    const char *p = ps_abbreviations_tsv;
    ps_abbrev *v = NULL;
    size_t n = 0;
    while (*p) {
        size_t len = strcspn(p, "\n");
        const char *tab = memchr(p, '\t', len);
        const char *tab2 = tab ? memchr(tab + 1, '\t', len - (size_t)(tab + 1 - p)) : NULL;
        const char *end = tab2 ? tab2 : p + len;
        if (*p != '#' && tab && tab > p && end > tab + 1) {
            ps_abbrev *grown = realloc(v, (n + 1) * sizeof *v);
            if (!grown) {
                table_free(v, n);
                return ps_search_nomem(err);
            }
            v = grown;
            ps_abbrev *a = &v[n++];
            a->abbr = strndup(p, (size_t)(tab - p));
            a->full = strndup(tab + 1, (size_t)(end - tab - 1));
            a->folded = a->full ? ps_query_fold(a->full, strlen(a->full)) : NULL;
            a->words = 1;
            for (const char *c = a->full; c && *c; c++)
                a->words += *c == ' ';
            if (!a->abbr || !a->full || !a->folded) {
                table_free(v, n);
                return ps_search_nomem(err);
            }
        }
        p += len + (p[len] == '\n');
    }
    s->abbrevs = v;
    s->nabbrevs = n;
    return PS_OK;
}

void ps_search_abbrevs_free(ps_searcher *s)
{
    table_free(s->abbrevs, s->nabbrevs);
    s->abbrevs = NULL;
    s->nabbrevs = 0;
}

/* The word as listed, or all in capitals (ASCII and Å Ä Ö, as the abbreviations use). */
static bool abbr_matches(const char *abbr, const char *word)
{
    if (strcmp(abbr, word) == 0)
        return true;
    size_t n = strlen(abbr);
    if (strlen(word) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)abbr[i], w = (unsigned char)word[i];
        if (a >= 'a' && a <= 'z')
            a = (unsigned char)(a - 32);
        if (a != w)
            return false;
    }
    return true;
}

/* ---- the rewrite ------------------------------------------------------------------------- */

typedef struct {
    ps_searcher *s;
    const char *q;
    json_t *found; /* [{"typed", "also": [...]}] */
    bool failed;
} rewriter;

static ps_qnode *node(ps_qnode_kind kind, ps_qfield field, const char *text, size_t start,
                      size_t end)
{
    ps_qnode *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->field = field;
    n->start = start;
    n->end = end;
    if (text && !(n->text = strdup(text))) {
        free(n);
        return NULL;
    }
    return n;
}

/* An OR marked as an expansion with room for n kids, or NULL on out-of-memory. */
static ps_qnode *expansion_node(size_t n, size_t start, size_t end)
{
    ps_qnode * or = node(PS_QNODE_OR, PS_QFIELD_NONE, NULL, start, end);
    if (or &&!(or->kids = calloc(n, sizeof * or->kids))) {
        free(or);
        return NULL;
    }
    if (or)
        or->expansion = true;
    return or ;
}

static bool plain_word(const ps_qnode *k)
{
    return k->kind == PS_QNODE_WORD && !k->wildcard && k->text;
}

static bool starts_with_digit(const ps_qnode *k)
{
    return k && k->kind == PS_QNODE_WORD && k->text && k->text[0] >= '0' && k->text[0] <= '9';
}

/* The record of one expansion (takes also); kind: what was typed, "abbreviation" or "full". */
static void found(rewriter *rw, const char *typed, const char *kind, json_t *also)
{
    json_t *e = json_pack("{s:s,s:s,s:o}", "typed", typed, "kind", kind, "also", also);
    if (!e || json_array_append_new(rw->found, e) != 0)
        rw->failed = true;
}

/* An abbreviation typed as a word: (WORD OR "full form" ...) taking w, or NULL when it is none
 * (or out of memory: rw->failed; w is then left alone). */
static ps_qnode *expand_abbreviation(rewriter *rw, ps_qnode *w)
{
    size_t m = 0;
    for (size_t i = 0; i < rw->s->nabbrevs; i++)
        m += abbr_matches(rw->s->abbrevs[i].abbr, w->text);
    if (m == 0)
        return NULL;
    ps_qnode * or = expansion_node(m + 1, w->start, w->end);
    json_t *also = json_array();
    bool ok = or &&also;
    for (size_t i = 0; ok && i < rw->s->nabbrevs; i++) {
        const ps_abbrev *a = &rw->s->abbrevs[i];
        if (!abbr_matches(a->abbr, w->text))
            continue;
        ps_qnode *phrase = node(PS_QNODE_PHRASE, w->field, a->full, w->start, w->end);
        ok = phrase && json_array_append_new(also, json_string(a->full)) == 0;
        if (phrase)
            or->kids[1 + or->nkids++] = phrase;
    }
    if (!ok) {
        ps_qnode_free(or);
        json_decref(also);
        rw->failed = true;
        return NULL;
    }
    or->kids[0] = w; /* the typed word first: it is the one weighted fully */
    or->nkids++;
    found(rw, w->text, "abbreviation", also);
    return or ;
}

/* A full form typed as the words kids[i..i+n) of an AND: the abbreviation it has, or NULL. */
static const ps_abbrev *full_form_at(rewriter *rw, ps_qnode **kids, size_t nkids, size_t i,
                                     size_t *n)
{
    for (size_t k = 0; k < rw->s->nabbrevs; k++) {
        const ps_abbrev *a = &rw->s->abbrevs[k];
        size_t w = a->words;
        if (i + w > nkids)
            continue;
        bool words = true;
        for (size_t j = i; j < i + w && words; j++)
            words = plain_word(kids[j]) && kids[j]->field == kids[i]->field;
        if (!words)
            continue;
        char *span = ps_query_fold(rw->q + kids[i]->start, kids[i + w - 1]->end - kids[i]->start);
        bool same = span && strcmp(span, a->folded) == 0;
        rw->failed = rw->failed || !span;
        free(span);
        if (same) {
            *n = w;
            return a;
        }
    }
    return NULL;
}

/* kids[i..i+n) (a full form) become ((kids...) OR ABBREVIATION) in place; false on
 * out-of-memory (parent unchanged). */
static bool expand_full_form(rewriter *rw, ps_qnode *parent, size_t i, size_t n, const ps_abbrev *a)
{
    ps_qnode **kids = parent->kids;
    size_t start = kids[i]->start, end = kids[i + n - 1]->end;
    ps_qnode * or = expansion_node(2, start, end);
    ps_qnode *typed = node(PS_QNODE_AND, PS_QFIELD_NONE, NULL, start, end);
    ps_qnode *abbr = node(PS_QNODE_WORD, kids[i]->field, a->abbr, start, end);
    char *shown = strndup(rw->q + start, end - start);
    json_t *also = json_pack("[s]", a->abbr);
    if (typed && n > 1 && !(typed->kids = calloc(n, sizeof *typed->kids)))
        ps_qnode_free(typed), typed = NULL;
    if (! or || !typed || !abbr || !shown || !also) {
        ps_qnode_free(or);
        ps_qnode_free(typed);
        ps_qnode_free(abbr);
        free(shown);
        json_decref(also);
        return false;
    }
    if (n == 1) {
        ps_qnode_free(typed);
        or->kids[0] = kids[i];
    } else {
        memcpy(typed->kids, kids + i, n * sizeof *kids);
        typed->nkids = n;
        or->kids[0] = typed;
    }
    or->kids[1] = abbr;
    or->nkids = 2;
    found(rw, shown, "full", also);
    free(shown);
    kids[i] = or ;
    memmove(kids + i + 1, kids + i + n, (parent->nkids - i - n) * sizeof *kids);
    parent->nkids -= n - 1;
    return true;
}

static void rewrite(rewriter *rw, ps_qnode *n)
{
    if (n->kind != PS_QNODE_AND && n->kind != PS_QNODE_OR)
        return; /* words are rewritten by their parent; NOT, phrases and filters never */
    for (size_t i = 0; i < n->nkids && !rw->failed; i++) {
        ps_qnode *k = n->kids[i];
        size_t len = 0;
        const ps_abbrev *full =
            n->kind == PS_QNODE_AND ? full_form_at(rw, n->kids, n->nkids, i, &len) : NULL;
        if (full) {
            rw->failed = !expand_full_form(rw, n, i, len, full);
        } else if (plain_word(k) && !starts_with_digit(i ? n->kids[i - 1] : NULL) &&
                   !starts_with_digit(i + 1 < n->nkids ? n->kids[i + 1] : NULL)) {
            ps_qnode * or = expand_abbreviation(rw, k);
            if (or)
                n->kids[i] = or ;
        } else {
            rewrite(rw, k);
        }
    }
}

ps_status ps_search_abbrev_rewrite(ps_searcher *s, ps_query *query, const char *q, json_t **found,
                                   ps_error *err)
{
    *found = json_array();
    if (!*found)
        return ps_search_nomem(err);
    if (!query->root || query->dnr || s->nabbrevs == 0)
        return PS_OK;
    rewriter rw = {.s = s, .q = q, .found = *found};
    ps_qnode *root = query->root;
    if (plain_word(root)) { /* a query of one word: rewritten as the only kid of an AND */
        ps_qnode *and = node(PS_QNODE_AND, PS_QFIELD_NONE, NULL, root->start, root->end);
        if (and&&!(and->kids = calloc(1, sizeof *and->kids)))
            free(and), and = NULL;
        if (!and)
            return ps_search_nomem(err);
        and->kids[0] = root;
        and->nkids = 1;
        rewrite(&rw, and);
        query->root = and->kids[0];
        free(and->kids);
        free(and);
    } else {
        rewrite(&rw, root);
    }
    return rw.failed ? ps_search_nomem(err) : PS_OK;
}
