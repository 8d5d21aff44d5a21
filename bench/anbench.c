/*
 * anbench — the analyzer benchmark: MB/s of protokollsok's analyzer (Swedish mode and its
 * exact-Snowball mode) against plain libstemmer (a byte tokenizer + sb_stemmer_stem, the least
 * any stemming indexer must do) over the same documents, all in memory, single thread.
 *   anbench [--seconds S] FILE...        prints one JSON object
 * The lexicon comes from $PROTOKOLLSOK_LEXICON or the build directory (ps_lexicon_load(NULL)).
 */
#include <libstemmer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "protokollsok/analyzer.h"

typedef struct {
    char *text;
    size_t len;
} doc;

typedef struct {
    size_t tokens, terms;
} counts;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool count_token(void *ctx, const ps_token *tok) {
    counts *c = ctx;
    c->tokens++;
    c->terms += tok->nterms;
    return true;
}

static int load(const char *path, doc *d) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) free(buf);
            buf = nb;
        }
    }
    int bad = ferror(f) || !buf;
    fclose(f);
    if (bad) {
        free(buf);
        return -1;
    }
    d->text = buf;
    d->len = len;
    return 0;
}

/* Plain libstemmer: words are runs of ASCII alphanumerics and UTF-8 multibyte sequences,
 * folded to lower case for ASCII and the Swedish capitals Å Ä Ö É, then stemmed. */
static void plain_stem(struct sb_stemmer *sb, const doc *d, counts *c) {
    unsigned char word[256];
    size_t n = 0;
    for (size_t i = 0; i <= d->len; i++) {
        unsigned char ch = i < d->len ? (unsigned char)d->text[i] : ' ';
        bool letter = ch >= 0x80 || (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
        if (letter && n < sizeof word) {
            if (ch >= 'A' && ch <= 'Z') ch |= 0x20;
            else if (n > 0 && word[n - 1] == 0xC3 && (ch == 0x85 || ch == 0x84 || ch == 0x96 || ch == 0x89)) ch |= 0x20;
            word[n++] = ch;
        } else if (!letter && n > 0) {
            if (sb_stemmer_stem(sb, word, (int)n)) c->terms++;
            c->tokens++;
            n = 0;
        }
    }
}

typedef enum { RUN_SWEDISH, RUN_SNOWBALL_MODE, RUN_LIBSTEMMER } run_kind;

typedef struct {
    double mbps;
    counts c;
} result;

static int measure(run_kind kind, const ps_lexicon *lex, const doc *docs, size_t ndocs, size_t bytes,
                   double seconds, result *out) {
    ps_analyzer *an = NULL;
    struct sb_stemmer *sb = NULL;
    ps_error err = {0};
    if (kind == RUN_LIBSTEMMER) {
        sb = sb_stemmer_new("swedish", "UTF_8");
        if (!sb) return -1;
    } else if (ps_analyzer_new(lex, kind == RUN_SWEDISH ? PS_ANALYZER_SWEDISH : PS_ANALYZER_EXACT_SNOWBALL, &an,
                               &err) != PS_OK) {
        fprintf(stderr, "anbench: %s\n", err.message);
        return -1;
    }
    double t0 = now_s(), t;
    size_t rounds = 0;
    do {
        memset(&out->c, 0, sizeof out->c);
        for (size_t i = 0; i < ndocs; i++) {
            if (sb) plain_stem(sb, &docs[i], &out->c);
            else ps_analyzer_run(an, docs[i].text, docs[i].len, 0, count_token, &out->c, &err);
        }
        rounds++;
        t = now_s() - t0;
    } while (t < seconds);
    out->mbps = (double)bytes * (double)rounds / t / 1e6;
    if (sb) sb_stemmer_delete(sb);
    ps_analyzer_free(an);
    return 0;
}

int main(int argc, char **argv) {
    double seconds = 2.0;
    int first = 1;
    if (argc > 2 && !strcmp(argv[1], "--seconds")) {
        seconds = atof(argv[2]);
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: anbench [--seconds S] FILE...\n");
        return 2;
    }
    size_t ndocs = (size_t)(argc - first), bytes = 0;
    doc *docs = calloc(ndocs, sizeof *docs);
    if (!docs) return 5;
    int rc = 0;
    for (size_t i = 0; i < ndocs && rc == 0; i++) {
        if (load(argv[first + (int)i], &docs[i]) != 0) {
            fprintf(stderr, "anbench: cannot read %s\n", argv[first + (int)i]);
            rc = 3;
        }
        bytes += docs[i].len;
    }
    ps_lexicon *lex = NULL;
    ps_error err = {0};
    if (rc == 0 && ps_lexicon_load(NULL, &lex, &err) != PS_OK) {
        fprintf(stderr, "anbench: %s\n", err.message);
        rc = 3;
    }
    result sw, snow, plain;
    if (rc == 0 && (measure(RUN_SWEDISH, lex, docs, ndocs, bytes, seconds, &sw) != 0 ||
                    measure(RUN_SNOWBALL_MODE, lex, docs, ndocs, bytes, seconds, &snow) != 0 ||
                    measure(RUN_LIBSTEMMER, lex, docs, ndocs, bytes, seconds, &plain) != 0))
        rc = 5;
    if (rc == 0)
        printf("{\"documents\": %zu, \"bytes\": %zu, \"swedish_mbps\": %.2f, \"swedish_tokens\": %zu, "
               "\"swedish_terms\": %zu, \"snowball_mode_mbps\": %.2f, \"libstemmer_mbps\": %.2f, "
               "\"libstemmer_tokens\": %zu}\n",
               ndocs, bytes, sw.mbps, sw.c.tokens, sw.c.terms, snow.mbps, plain.mbps, plain.c.tokens);
    ps_lexicon_free(lex);
    for (size_t i = 0; i < ndocs; i++) free(docs[i].text);
    free(docs);
    return rc;
}
