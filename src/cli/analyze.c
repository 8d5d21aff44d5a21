/*
 * cli/analyze.c — `protokollsok analyze`: show what the Swedish analyzer makes of text.
 *
 *   protokollsok analyze [--query] [--exact-snowball] [--lexicon FILE] [--db DIR] TEXT...
 *       every token: position, byte span, source text, flags (parts=N: the first N parts are
 *       the compound's own), and its terms with their kinds (like Elasticsearch's _analyze)
 *   protokollsok analyze --words [--exact-snowball] < words.txt
 *       per input line: the line, a tab, and the index terms (stem, parts, whole units; not
 *       the exact form) separated by spaces; with --exact-snowball just libstemmer's stem
 *   protokollsok analyze --bench FILE
 *       throughput in MB/s of the Swedish analyzer, the exact-Snowball analyzer and plain
 *       libstemmer over the same words
 * With --db, the analyzer of that index: its copy of the lexicon and the words it learned from
 * its corpus (what indexing and search there use).
 */
#include "internal.h"

#include <getopt.h>
#include <libstemmer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "protokollsok/analyzer.h"
#include "protokollsok/buf.h"
#include "protokollsok/file.h"
#include "protokollsok/schema.h"
#include "protokollsok/store.h"

static const char *const kind_names[] = {"stem", "exact", "part", "whole"};

static const struct {
    unsigned flag;
    const char *name;
} flag_names[] = {
    {PS_TOKEN_STOPWORD, "stopword"},
    {PS_TOKEN_NUMBER, "number"},
    {PS_TOKEN_DNR, "dnr"},
    {PS_TOKEN_DATE, "date"},
    {PS_TOKEN_PARAGRAPH, "paragraph"},
    {PS_TOKEN_URL, "url"},
    {PS_TOKEN_EMAIL, "email"},
    {PS_TOKEN_ABBREV, "abbrev"},
    {PS_TOKEN_COMPOUND, "compound"},
};

static void usage(FILE *out)
{
    fputs("Usage: protokollsok analyze [OPTIONS] TEXT...\n"
          "       protokollsok analyze --words [--exact-snowball] < WORDS\n"
          "       protokollsok analyze --bench FILE\n"
          "\n"
          "Show the tokens and index terms the Swedish analyzer produces.\n"
          "\n"
          "Options:\n"
          "  --query            analyze as a query (same terms; stop words flagged)\n"
          "  --exact-snowball   plain libstemmer Swedish stems: no -et rule, no compounds\n"
          "  --lexicon FILE     lexicon file (default $PROTOKOLLSOK_LEXICON, else the built one)\n"
          "  --db DIR           analyze as index DIR does: its lexicon and learned words\n"
          "  --words            read one word per line from stdin; print WORD<TAB>TERMS\n"
          "  --bench FILE       print analyzer and libstemmer throughput over FILE in MB/s\n"
          "  -h, --help         show this help\n"
          "\n"
          "Exit status: 0 ok, 2 bad usage, 3 index unreadable, 5 lexicon or other error.\n",
          out);
}

typedef struct {
    const char *text;
} print_ctx;

static bool print_token(void *vctx, const ps_token *tok)
{
    const print_ctx *ctx = vctx;
    printf("%u\t%zu-%zu\t%.*s", tok->pos, tok->start, tok->end, (int)(tok->end - tok->start),
           ctx->text + tok->start);
    const char *sep = "\t";
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
        if (tok->flags & flag_names[i].flag) {
            printf("%s%s", sep, flag_names[i].name);
            sep = ",";
        }
    if (tok->compound_parts)
        printf("%sparts=%zu", sep, tok->compound_parts);
    putchar('\n');
    for (size_t i = 0; i < tok->nterms; i++)
        printf("\t%-5s %.*s\n", kind_names[tok->terms[i].kind], (int)tok->terms[i].len,
               tok->terms[i].text);
    return true;
}

typedef struct {
    ps_buf line;
    bool exact;
} words_ctx;

static bool collect_terms(void *vctx, const ps_token *tok)
{
    words_ctx *ctx = vctx;
    for (size_t i = 0; i < tok->nterms; i++) {
        if (tok->terms[i].kind == PS_TERM_EXACT ||
            (ctx->exact && tok->terms[i].kind != PS_TERM_STEM))
            continue;
        if (ctx->line.len && ctx->line.data[ctx->line.len - 1] != '\t')
            ps_buf_putc(&ctx->line, ' ');
        ps_buf_append(&ctx->line, tok->terms[i].text, tok->terms[i].len);
    }
    return true;
}

static int run_words(ps_analyzer *an, bool exact)
{
    words_ctx ctx = {PS_BUF_INIT, exact};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    ps_error err;
    int rc = PS_EXIT_OK;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        ps_buf_clear(&ctx.line);
        ps_buf_append(&ctx.line, line, (size_t)n);
        ps_buf_putc(&ctx.line, '\t');
        if (ps_analyzer_run(an, line, (size_t)n, 0, collect_terms, &ctx, &err) != PS_OK) {
            ps_cli_print_error("analyze", &err);
            rc = PS_EXIT_FAILURE;
            break;
        }
        ps_buf_putc(&ctx.line, '\n');
        if (ctx.line.failed) {
            fputs("protokollsok analyze: out of memory\n", stderr);
            rc = PS_EXIT_FAILURE;
            break;
        }
        fwrite(ctx.line.data, 1, ctx.line.len, stdout);
    }
    free(line);
    ps_buf_free(&ctx.line);
    return rc;
}

/* ---------------------------------------------------------------- --bench */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool count_token(void *vctx, const ps_token *tok)
{
    size_t *n = vctx;
    *n += tok->nterms;
    return true;
}

/* Words (normalized forms, NUL-separated) for the plain libstemmer run. */
static bool collect_norm(void *vctx, const ps_token *tok)
{
    ps_buf *words = vctx;
    ps_buf_append(words, tok->norm, tok->norm_len);
    ps_buf_putc(words, '\0');
    return true;
}

static int bench_analyzer(const char *label, ps_analyzer *an, const char *text, size_t len)
{
    ps_error err;
    size_t reps = 0, terms = 0;
    double t0 = now_seconds(), t1;
    do {
        if (ps_analyzer_run(an, text, len, 0, count_token, &terms, &err) != PS_OK) {
            ps_cli_print_error("analyze", &err);
            return PS_EXIT_FAILURE;
        }
        reps++;
        t1 = now_seconds();
    } while (t1 - t0 < 1.0);
    printf("%-24s %8.1f MB/s  (%zu bytes x %zu runs, %.2f s)\n", label,
           (double)len * (double)reps / (t1 - t0) / 1e6, len, reps, t1 - t0);
    return PS_EXIT_OK;
}

static int run_bench(const ps_lexicon *lex, const char *path)
{
    /* The text is held in memory and analyzed many times: cap it at 1 GiB. */
    ps_buf text = PS_BUF_INIT;
    ps_error err;
    ps_error_clear(&err);
    if (ps_file_read(path, (size_t)1 << 30, 0, &text.data, &text.len, NULL, &err) != PS_OK) {
        ps_error_locate(&err, path, 0, -1);
        ps_cli_print_error("analyze", &err);
        return PS_EXIT_FAILURE;
    }
    text.cap = text.len + 1;
    if (text.len == 0) {
        fprintf(stderr, "protokollsok analyze: %s is empty\n", path);
        ps_buf_free(&text);
        return PS_EXIT_FAILURE;
    }
    ps_analyzer *sw = NULL, *ex = NULL;
    int rc = PS_EXIT_FAILURE;
    ps_buf words = PS_BUF_INIT;
    struct sb_stemmer *st = sb_stemmer_new("swedish", "UTF_8");
    if (!st || ps_analyzer_new(lex, PS_ANALYZER_SWEDISH, &sw, &err) != PS_OK ||
        ps_analyzer_new(NULL, PS_ANALYZER_EXACT_SNOWBALL, &ex, &err) != PS_OK) {
        ps_cli_print_error("analyze", &err);
        goto out;
    }
    if (bench_analyzer("analyzer (swedish)", sw, text.data, text.len) != PS_EXIT_OK ||
        bench_analyzer("analyzer (exact-snowball)", ex, text.data, text.len) != PS_EXIT_OK)
        goto out;
    if (ps_analyzer_run(ex, text.data, text.len, 0, collect_norm, &words, &err) != PS_OK ||
        words.failed) {
        fputs("protokollsok analyze: out of memory\n", stderr);
        goto out;
    }
    size_t reps = 0;
    double t0 = now_seconds(), t1;
    do {
        for (size_t off = 0; off < words.len; off += strlen(words.data + off) + 1)
            sb_stemmer_stem(st, (const sb_symbol *)words.data + off, (int)strlen(words.data + off));
        reps++;
        t1 = now_seconds();
    } while (t1 - t0 < 1.0);
    printf("%-24s %8.1f MB/s  (stemming the same words only, no tokenizing)\n", "libstemmer",
           (double)text.len * (double)reps / (t1 - t0) / 1e6);
    rc = PS_EXIT_OK;
out:
    ps_analyzer_free(sw);
    ps_analyzer_free(ex);
    if (st)
        sb_stemmer_delete(st);
    ps_buf_free(&words);
    ps_buf_free(&text);
    return rc;
}

/* The lexicon of index db (its copy if it has one, else the built-in one, unless lexicon_path is
 * given) extended with the index's
 * learned words: *base and *out are the caller's (free *out first; it is NULL when the index
 * learned nothing). */
static ps_status load_index_lexicon(const char *db, const char *lexicon_path, ps_lexicon **base,
                                    ps_lexicon **out, ps_error *err)
{
    *base = *out = NULL;
    ps_store *store = NULL;
    char *list = NULL;
    ps_status st = ps_store_open_read(db, &store, err);
    if (st == PS_OK)
        st = ps_store_get_metadata(store, PS_META_LEARNED, &list, err);
    ps_store_close(store);
    ps_buf copy = PS_BUF_INIT;
    ps_buf_printf(&copy, "%s/lexicon.bin", db);
    if (st == PS_OK && copy.failed)
        st = ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    struct stat sb; /* an index keeps a lexicon copy only when built with --lexicon-copy */
    if (st == PS_OK)
        st = ps_lexicon_load(lexicon_path                     ? lexicon_path
                             : stat(copy.data, &sb) == 0 ? copy.data
                                                           : NULL,
                             base, err);
    if (st == PS_OK && *list)
        st = ps_lexicon_with_learned(*base, list, strlen(list), out, err);
    ps_buf_free(&copy);
    free(list);
    return st;
}

int ps_cli_analyze(int argc, char **argv)
{
    static const struct option opts[] = {{"query", no_argument, NULL, 'q'},
                                         {"exact-snowball", no_argument, NULL, 'x'},
                                         {"lexicon", required_argument, NULL, 'l'},
                                         {"words", no_argument, NULL, 'w'},
                                         {"bench", required_argument, NULL, 'b'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    bool query = false, exact = false, words = false;
    const char *lexicon = NULL, *bench = NULL, *db = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'q':
            query = true;
            break;
        case 'x':
            exact = true;
            break;
        case 'l':
            lexicon = optarg;
            break;
        case 'w':
            words = true;
            break;
        case 'b':
            bench = optarg;
            break;
        case 'd':
            db = optarg;
            break;
        case 'h':
            usage(stdout);
            return PS_EXIT_OK;
        default:
            return ps_cli_usage_error("analyze", "unknown option");
        }
    }
    if (!words && !bench && optind >= argc)
        return ps_cli_usage_error("analyze", "no text given (or use --words / --bench)");
    if ((words || bench) && optind < argc)
        return ps_cli_usage_error("analyze", "--words and --bench take no TEXT arguments");

    ps_error err;
    ps_lexicon *lex = NULL, *learned = NULL;
    ps_status st = PS_OK;
    if (db && !exact)
        st = load_index_lexicon(db, lexicon, &lex, &learned, &err);
    else if (!exact || bench)
        st = ps_lexicon_load(lexicon, &lex, &err);
    if (st != PS_OK) {
        ps_cli_print_error("analyze", &err);
        ps_lexicon_free(lex);
        return db ? ps_cli_exit_for(st) : PS_EXIT_FAILURE;
    }
    int rc = PS_EXIT_OK;
    if (bench) {
        rc = run_bench(learned ? learned : lex, bench);
        ps_lexicon_free(learned);
        ps_lexicon_free(lex);
        return rc;
    }
    ps_analyzer *an = NULL;
    if (ps_analyzer_new(learned ? learned : lex,
                        exact ? PS_ANALYZER_EXACT_SNOWBALL : PS_ANALYZER_SWEDISH, &an,
                        &err) != PS_OK) {
        ps_cli_print_error("analyze", &err);
        ps_lexicon_free(learned);
        ps_lexicon_free(lex);
        return PS_EXIT_FAILURE;
    }
    if (words) {
        rc = run_words(an, exact);
    } else {
        ps_buf text = PS_BUF_INIT;
        for (int i = optind; i < argc; i++) {
            if (i > optind)
                ps_buf_putc(&text, ' ');
            ps_buf_puts(&text, argv[i]);
        }
        print_ctx ctx = {text.data ? text.data : ""};
        if (text.failed || ps_analyzer_run(an, ctx.text, text.len, query ? PS_ANALYZE_QUERY : 0,
                                           print_token, &ctx, &err) != PS_OK) {
            ps_cli_print_error("analyze", &err);
            rc = PS_EXIT_FAILURE;
        }
        size_t first;
        size_t bad = ps_analyzer_invalid_bytes(an, &first);
        if (bad)
            fprintf(stderr,
                    "protokollsok analyze: skipped %zu invalid UTF-8 byte(s), first at "
                    "offset %zu\n",
                    bad, first);
        ps_buf_free(&text);
    }
    ps_analyzer_free(an);
    ps_lexicon_free(learned);
    ps_lexicon_free(lex);
    fflush(stdout);
    return rc;
}
