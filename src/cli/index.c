/*
 * cli/index.c — `protokollsok index`: the (nightly) indexer.
 *
 * Output: on a terminal a progress line on stderr (files, MB, rate, ETA), redrawn at most five
 * times a second; otherwise plain log lines (start, each commit, the end) that cron can mail.
 * Warnings (one line per skipped file: path and reason) always go to stderr, the summary to
 * stdout (a JSON object with --json). Exit 1 means "finished, but with warnings".
 */
#include "internal.h"

#include "protokollsok/indexer.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    bool tty, quiet;
    uint64_t warnings;
    double t0, last_draw;
    bool drawn; /* a progress line is on screen */
} ui;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void clear_line(ui *u)
{
    if (u->drawn) {
        fputs("\r\033[K", stderr);
        u->drawn = false;
    }
}

static void draw_progress(ui *u, const ps_indexer_event *ev)
{
    double t = now();
    bool last = ev->files_done == ev->files_total;
    if (!last && t - u->last_draw < 0.2)
        return;
    u->last_draw = t;
    double elapsed = t - u->t0;
    double rate = elapsed > 0 ? (double)ev->bytes_done / 1e6 / elapsed : 0;
    double frac = ev->bytes_total ? (double)ev->bytes_done / (double)ev->bytes_total
                  : ev->files_total ? (double)ev->files_done / (double)ev->files_total : 1;
    double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
    char bar[21];
    int fill = (int)(frac * 20);
    for (int i = 0; i < 20; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[20] = '\0';
    fprintf(stderr, "\r\033[K[%s] %llu/%llu files  %.1f/%.1f MB  %.1f MB/s  ETA %d:%02d", bar,
            (unsigned long long)ev->files_done, (unsigned long long)ev->files_total,
            (double)ev->bytes_done / 1e6, (double)ev->bytes_total / 1e6, rate,
            (int)(eta / 60), (int)eta % 60);
    fflush(stderr);
    u->drawn = true;
}

static void on_event(void *ctx, const ps_indexer_event *ev)
{
    ui *u = ctx;
    switch (ev->kind) {
    case PS_INDEXER_EV_WARNING:
        u->warnings++;
        clear_line(u);
        fprintf(stderr, "protokollsok index: warning: %s: %s\n", ev->path ? ev->path : "",
                ev->message);
        break;
    case PS_INDEXER_EV_PROGRESS:
        if (u->tty && !u->quiet)
            draw_progress(u, ev);
        break;
    case PS_INDEXER_EV_INFO:
    case PS_INDEXER_EV_COMMIT:
        if (u->quiet || (u->tty && ev->kind == PS_INDEXER_EV_COMMIT))
            break;
        clear_line(u);
        if (ev->path)
            fprintf(stderr, "protokollsok index: %s: %s\n", ev->path, ev->message);
        else
            fprintf(stderr, "protokollsok index: %s\n", ev->message);
        break;
    }
}

static void print_summary(const ps_indexer_summary *s, const char *db, uint64_t warnings)
{
    double mb = (double)s->bytes_read / 1e6;
    if (!s->wrote) {
        printf("no changes: %s is up to date (%llu files checked, %llu ärenden, %.2f s)\n", db,
               (unsigned long long)s->files_seen, (unsigned long long)s->arenden_total,
               s->seconds);
    } else {
        printf("indexed into %s%s: %llu files seen, %llu added, %llu changed, %llu unchanged, "
               "%llu deleted, %llu skipped\n",
               db, s->switched ? " (full rebuild, switched in)" : "",
               (unsigned long long)s->files_seen, (unsigned long long)s->files_added,
               (unsigned long long)s->files_changed, (unsigned long long)s->files_unchanged,
               (unsigned long long)s->files_deleted, (unsigned long long)s->files_skipped);
        printf("ärenden: %llu added, %llu removed, %llu in the index; %.2f s, %.1f MB parsed, "
               "%.2f MB/s, %.0f files/s\n",
               (unsigned long long)s->arenden_added, (unsigned long long)s->arenden_deleted,
               (unsigned long long)s->arenden_total, s->seconds, mb,
               s->seconds > 0 ? mb / s->seconds : 0,
               s->seconds > 0 ? (double)(s->files_added + s->files_changed) / s->seconds : 0);
        printf("learned words: %llu (from the corpus; %llu unchanged file(s) analyzed again for "
               "them)\n",
               (unsigned long long)s->learned_words, (unsigned long long)s->files_relearned);
    }
    if (warnings)
        printf("finished with %llu warning(s): see the lines above\n", (unsigned long long)warnings);
}

static void print_json(const ps_indexer_summary *s, const char *db, uint64_t warnings)
{
    printf("{\"db\": \"");
    for (const char *p = db; *p; p++) {
        if (*p == '"' || *p == '\\')
            putchar('\\');
        if ((unsigned char)*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    printf("\", \"changed\": %s, \"full\": %s, \"files_seen\": %llu, \"files_added\": %llu, "
           "\"files_changed\": %llu, \"files_unchanged\": %llu, \"files_touched\": %llu, "
           "\"files_deleted\": %llu, \"files_skipped\": %llu, \"files_relearned\": %llu, "
           "\"learned_words\": %llu, \"arenden_added\": %llu, "
           "\"arenden_deleted\": %llu, \"arenden_total\": %llu, \"bytes_parsed\": %llu, "
           "\"commits\": %llu, \"revision\": %llu, \"warnings\": %llu, \"seconds\": %.3f}\n",
           s->wrote ? "true" : "false", s->switched ? "true" : "false",
           (unsigned long long)s->files_seen, (unsigned long long)s->files_added,
           (unsigned long long)s->files_changed, (unsigned long long)s->files_unchanged,
           (unsigned long long)s->files_touched, (unsigned long long)s->files_deleted,
           (unsigned long long)s->files_skipped, (unsigned long long)s->files_relearned,
           (unsigned long long)s->learned_words, (unsigned long long)s->arenden_added,
           (unsigned long long)s->arenden_deleted, (unsigned long long)s->arenden_total,
           (unsigned long long)s->bytes_read, (unsigned long long)s->commits,
           (unsigned long long)s->revision, (unsigned long long)warnings, s->seconds);
}

static void usage(FILE *out)
{
    fputs("Usage: protokollsok index [OPTIONS] PATH...\n"
          "\n"
          "Index protocol files (text, markdown, PDF — told apart by content) and directories\n"
          "(walked recursively; hidden entries skipped; symlinks followed, loops detected).\n"
          "Incremental: only new and changed files are parsed, ärenden of vanished files are\n"
          "removed, and an unchanged input writes nothing. Safe to run from cron.\n"
          "\n"
          "Options:\n"
          "  --db DIR                  the index (default: $PROTOKOLLSOK_DB, else ./index)\n"
          "  --manifest FILE           metadata overriding the parser: TSV with a header line\n"
          "                            (path, kommun, namnd, date, url) or JSON Lines; paths\n"
          "                            relative to the manifest's directory\n"
          "  --full                    rebuild into DIR.new, then switch it in by rename (the\n"
          "                            previous index is kept as DIR.old)\n"
          "  --no-delete               keep the ärenden of files that disappeared\n"
          "  --batch N                 files per committed transaction (default 200)\n"
          "  --max-bytes N             skip larger files (default 50M; k, M, G allowed)\n"
          "  --max-text N              skip files with more text, read or from a PDF (default\n"
          "                            16M): memory per file is about 25 times its text\n"
          "  --ocr                     read scanned PDF pages (no text layer) by OCR: Tesseract,\n"
          "                            Swedish, 300 dpi, 60 s per page; about 2-5 s per page\n"
          "  --source-url-prefix URL   public URL of the indexed folder: each ärende links to\n"
          "                            URL + path relative to the folder given\n"
          "  --threads N               parse/analyze threads (default: CPUs - 1, at least 1)\n"
          "  --shards N                write a sharded index: DIR holds the Xapian stub XAPIANDB,\n"
          "                            meta/ (metadata) and shard-00 .. shard-(N-1); a kommun's\n"
          "                            ärenden all go to one shard (later runs keep the layout;\n"
          "                            another N needs --full)\n"
          "  --shard-by kommun|arende  what picks the shard (default kommun; arende spreads one\n"
          "                            kommun's ärenden over the shards)\n"
          "  --lexicon FILE            lexicon (default: $PROTOKOLLSOK_LEXICON, else built-in)\n"
          "  --lexicon-copy            keep a copy of the lexicon in the index, for an index\n"
          "                            searched by another build (default: the index records\n"
          "                            the lexicon's content hash; search refuses another one)\n"
          "  --quiet                   no progress or summary (warnings still shown)\n"
          "  --json                    print the summary as JSON\n"
          "  --help                    this text\n"
          "\n"
          "Only one indexer runs per database: a second one exits at once with status 4 (the\n"
          "lock is DIR.lock, released by the kernel when a run ends or is killed).\n"
          "\n"
          "Exit status: 0 done; 1 done, but some files were skipped (one warning line each);\n"
          "2 bad usage or manifest; 3 index unreadable or built with another lexicon/schema\n"
          "(rebuild with --full); 4 locked by another indexer; 5 other error.\n",
          out);
}

/* Whether the error is about a path given on the command line (the manifest or a root). */
static bool names_argument(const ps_error *err, const ps_indexer_opts *opts, int argc, char **argv)
{
    if (opts->manifest_path && strcmp(err->file, opts->manifest_path) == 0)
        return true;
    for (int i = optind; i < argc; i++)
        if (strcmp(err->file, argv[i]) == 0)
            return true;
    return false;
}

int ps_cli_index(int argc, char **argv)
{
    enum { O_DB = 256, O_MANIFEST, O_FULL, O_NODELETE, O_BATCH, O_MAXBYTES, O_MAXTEXT, O_URL,
           O_THREADS, O_LEXICON, O_LEXICON_COPY, O_QUIET, O_JSON, O_HELP, O_SHARDS, O_SHARD_BY,
           O_OCR };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, O_DB},
        {"manifest", required_argument, NULL, O_MANIFEST},
        {"full", no_argument, NULL, O_FULL},
        {"no-delete", no_argument, NULL, O_NODELETE},
        {"batch", required_argument, NULL, O_BATCH},
        {"max-bytes", required_argument, NULL, O_MAXBYTES},
        {"max-text", required_argument, NULL, O_MAXTEXT},
        {"source-url-prefix", required_argument, NULL, O_URL},
        {"threads", required_argument, NULL, O_THREADS},
        {"shards", required_argument, NULL, O_SHARDS},
        {"shard-by", required_argument, NULL, O_SHARD_BY},
        {"lexicon", required_argument, NULL, O_LEXICON},
        {"lexicon-copy", no_argument, NULL, O_LEXICON_COPY},
        {"quiet", no_argument, NULL, O_QUIET},
        {"json", no_argument, NULL, O_JSON},
        {"ocr", no_argument, NULL, O_OCR},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    ps_indexer_opts opts;
    ps_indexer_opts_init(&opts);
    const char *db_opt = NULL, *shard_by = NULL;
    bool json = false;
    ui u = {.tty = isatty(STDERR_FILENO) != 0, .t0 = now()};
    size_t n;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_DB: db_opt = optarg; break;
        case O_MANIFEST: opts.manifest_path = optarg; break;
        case O_FULL: opts.full = true; break;
        case O_NODELETE: opts.no_delete = true; break;
        case O_BATCH:
            if (!ps_cli_parse_size(optarg, &opts.batch_files))
                return ps_cli_usage_error("index", "--batch wants a positive number, not '%s'", optarg);
            break;
        case O_MAXBYTES:
            if (!ps_cli_parse_size(optarg, &opts.max_bytes))
                return ps_cli_usage_error("index", "--max-bytes wants a positive number, not '%s'",
                                          optarg);
            break;
        case O_MAXTEXT:
            if (!ps_cli_parse_size(optarg, &opts.max_text))
                return ps_cli_usage_error("index", "--max-text wants a positive number, not '%s'",
                                          optarg);
            break;
        case O_URL: opts.source_url_prefix = optarg; break;
        case O_THREADS:
            if (!ps_cli_parse_size(optarg, &n) || n > 16)
                return ps_cli_usage_error("index", "--threads wants 1..16, not '%s'", optarg);
            opts.threads = (unsigned)n;
            break;
        case O_SHARDS:
            if (!ps_cli_parse_size(optarg, &n) || n < 1 || n > 256)
                return ps_cli_usage_error("index", "--shards wants 1..256, not '%s'", optarg);
            opts.shards = (unsigned)n;
            break;
        case O_SHARD_BY:
            if (strcmp(optarg, "kommun") != 0 && strcmp(optarg, "arende") != 0)
                return ps_cli_usage_error("index", "--shard-by wants kommun or arende, not '%s'",
                                          optarg);
            shard_by = optarg;
            break;
        case O_LEXICON: opts.lexicon_path = optarg; break;
        case O_LEXICON_COPY: opts.lexicon_copy = true; break;
        case O_OCR: opts.ocr = true; break;
        case O_QUIET: u.quiet = true; break;
        case O_JSON: json = true; break;
        case O_HELP: usage(stdout); return PS_EXIT_OK;
        default: return ps_cli_usage_error("index", "unknown option");
        }
    }
    if (optind >= argc)
        return ps_cli_usage_error("index", "no files or directories to index given");
    if (shard_by && !opts.shards)
        return ps_cli_usage_error("index", "--shard-by needs --shards N");
    opts.shard_by_arende = shard_by && strcmp(shard_by, "arende") == 0;
    opts.db_path = ps_cli_db_path(db_opt);
    opts.on_event = on_event;
    opts.event_ctx = &u;
    ps_indexer_summary sum;
    ps_error err;
    ps_error_clear(&err);
    ps_status st = ps_indexer_run((const char *const *)argv + optind, (size_t)(argc - optind),
                                  &opts, &sum, &err);
    clear_line(&u);
    if (st != PS_OK) {
        ps_cli_print_error("index", &err);
        return st == PS_ERR_NOT_FOUND && names_argument(&err, &opts, argc, argv)
                   ? PS_EXIT_USAGE /* a root or the manifest named on the command line */
                   : ps_cli_exit_for(st);
    }
    if (json)
        print_json(&sum, opts.db_path, u.warnings);
    else if (!u.quiet)
        print_summary(&sum, opts.db_path, u.warnings);
    return u.warnings ? PS_EXIT_PARTIAL : PS_EXIT_OK;
}
