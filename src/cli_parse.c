/*
 * cli_parse.c — `protokollsok parse [--max-bytes N] [--manifest FILE] FILE...`
 *
 * Prints, for each FILE, the ärenden the parser finds as one JSON object (see protocol_json.c)
 * followed by a newline, so several files give a stream of JSON texts. Warnings (decoding
 * repairs, dropped page noise) go to stderr naming the file. A file that cannot be read or is
 * refused (empty, binary, too large) is reported and skipped; the others are still printed and
 * the exit status is then 1.
 *
 * --manifest FILE: a tab-separated file with the header "path kommun namnd date url" (paths
 * relative to the manifest's directory), whose values are passed to the parser as metadata
 * known from outside.
 */
#include "cli.h"
#include "protokollsok/protocol.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    char *path; /* resolved with realpath, or as written when it does not exist */
    char *kommun, *namnd, *date;
} manifest_row;

typedef struct {
    manifest_row *rows;
    size_t n;
} manifest;

static void manifest_free(manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->rows[i].path);
        free(m->rows[i].kommun);
        free(m->rows[i].namnd);
        free(m->rows[i].date);
    }
    free(m->rows);
    m->rows = NULL;
    m->n = 0;
}

/* Cut the next tab-separated column off *s (NULL when there are none left). */
static char *column(char **s)
{
    if (!*s)
        return NULL;
    char *c = *s, *tab = strchr(c, '\t');
    if (tab) {
        *tab = '\0';
        *s = tab + 1;
    } else {
        *s = NULL;
    }
    return c;
}

static char *dup_or_null(const char *s)
{
    return (s && *s) ? strdup(s) : NULL;
}

static int manifest_load(const char *file, manifest *m)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "protokollsok parse: %s: cannot read manifest: %s\n", file,
                strerror(errno));
        return PS_EXIT_USAGE;
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", file);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    int rc = PS_EXIT_OK;
    while (getline(&line, &cap, f) != -1) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (lineno == 1 || line[0] == '\0' || line[0] == '#')
            continue;
        char *rest = line;
        char *path = column(&rest), *kommun = column(&rest), *namnd = column(&rest),
             *date = column(&rest);
        if (!path || !*path) {
            fprintf(stderr, "protokollsok parse: %s:%ld: no path\n", file, lineno);
            rc = PS_EXIT_USAGE;
            break;
        }
        manifest_row *rows = realloc(m->rows, (m->n + 1) * sizeof *rows);
        if (!rows) {
            rc = PS_EXIT_FAILURE;
            break;
        }
        m->rows = rows;
        char joined[PATH_MAX * 2], resolved[PATH_MAX];
        snprintf(joined, sizeof joined, "%s/%s", dir, path);
        const char *p = path[0] == '/' ? path : joined;
        m->rows[m->n] = (manifest_row){dup_or_null(realpath(p, resolved) ? resolved : p),
                                       dup_or_null(kommun), dup_or_null(namnd), dup_or_null(date)};
        m->n++;
    }
    free(line);
    fclose(f);
    return rc;
}

static const manifest_row *manifest_find(const manifest *m, const char *file)
{
    char resolved[PATH_MAX];
    if (!m->n || !realpath(file, resolved))
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (m->rows[i].path && strcmp(m->rows[i].path, resolved) == 0)
            return &m->rows[i];
    return NULL;
}

/* Read a whole file; refuses files over max bytes before reading them. */
static ps_status read_file(const char *path, size_t max, char **out, size_t *len, ps_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ps_error_set(err, PS_ERR_IO, "cannot read: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return ps_error_set(err, PS_ERR_IO, "is a directory");
    }
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
        fclose(f);
        return ps_error_set(err, PS_ERR_TOO_LARGE, "%lld bytes, over the limit of %zu bytes",
                            (long long)st.st_size, max);
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap > max + 1) {
                free(buf);
                fclose(f);
                return ps_error_set(err, PS_ERR_TOO_LARGE, "over the limit of %zu bytes", max);
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                break;
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!buf) {
        fclose(f);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return ps_error_set(err, PS_ERR_IO, "read error: %s", strerror(e));
    }
    fclose(f);
    *out = buf;
    *len = n;
    return PS_OK;
}

static void usage(FILE *out)
{
    fputs("Usage: protokollsok parse [--max-bytes N] [--manifest FILE] FILE...\n"
          "\n"
          "Print the ärenden the parser finds in each FILE as JSON (one object per file):\n"
          "dnr, §, title, nämnd, kommun, date, type, handläggare (each with its source:\n"
          "read, inferred, external or absent), pages, the span in the source, sections with\n"
          "byte offsets into the body, references, and the repaired body text.\n"
          "\n"
          "Options:\n"
          "  --max-bytes N    skip files larger than N bytes (default 52428800 = 50 MB;\n"
          "                   suffixes k, M, G allowed)\n"
          "  --manifest FILE  metadata from a TSV file with the header\n"
          "                   'path kommun namnd date url' (paths relative to its directory)\n"
          "  -h, --help       show this help\n"
          "\n"
          "Exit status: 0 all files parsed, 1 some files skipped (messages on stderr),\n"
          "2 bad usage, 5 out of memory.\n",
          out);
}

static bool parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || s[0] == '-')
        return false;
    unsigned long long mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1024ull, end++;
    else if (*end == 'M')
        mult = 1024ull * 1024, end++;
    else if (*end == 'G')
        mult = 1024ull * 1024 * 1024, end++;
    if (*end || v == 0 || v > (unsigned long long)SIZE_MAX / mult)
        return false;
    *out = (size_t)(v * mult);
    return true;
}

int ps_cli_parse(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"max-bytes", required_argument, NULL, 'm'},
        {"manifest", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    size_t max = PS_PROTOCOL_DEFAULT_MAX_BYTES;
    const char *manifest_file = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (!parse_size(optarg, &max))
                return ps_cli_usage_error("parse", "bad --max-bytes value '%s'", optarg);
            break;
        case 'f':
            manifest_file = optarg;
            break;
        case 'h':
            usage(stdout);
            return PS_EXIT_OK;
        default:
            return ps_cli_usage_error("parse", "unknown option");
        }
    }
    if (optind >= argc)
        return ps_cli_usage_error("parse", "no FILE given");
    manifest m = {0};
    if (manifest_file) {
        int rc = manifest_load(manifest_file, &m);
        if (rc != PS_EXIT_OK) {
            manifest_free(&m);
            return rc;
        }
    }
    int status = PS_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        ps_error err;
        ps_error_clear(&err);
        char *bytes = NULL;
        size_t len = 0;
        ps_status st = read_file(path, max, &bytes, &len, &err);
        ps_protocol_doc *doc = NULL;
        if (st == PS_OK) {
            const manifest_row *row = manifest_find(&m, path);
            ps_protocol_opts opts = {.source_name = path, .max_bytes = max};
            if (row) {
                opts.kommun = row->kommun;
                opts.namnd = row->namnd;
                opts.date = row->date;
            }
            st = ps_protocol_parse(bytes, len, &opts, &doc, &err);
        }
        free(bytes);
        if (st != PS_OK) {
            ps_error_locate(&err, path, 0, err.offset);
            ps_cli_print_error("parse", &err);
            if (st == PS_ERR_NOMEM) {
                manifest_free(&m);
                return PS_EXIT_FAILURE;
            }
            status = PS_EXIT_PARTIAL;
            continue;
        }
        for (size_t w = 0; w < doc->nwarnings; w++)
            fprintf(stderr, "protokollsok parse: %s: warning: %s\n", path, doc->warnings[w]);
        char *json = ps_protocol_doc_to_json(doc, path);
        ps_protocol_doc_free(doc);
        if (!json) {
            fprintf(stderr, "protokollsok parse: %s: out of memory\n", path);
            manifest_free(&m);
            return PS_EXIT_FAILURE;
        }
        fputs(json, stdout);
        fputc('\n', stdout);
        free(json);
    }
    manifest_free(&m);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "protokollsok parse: cannot write output: %s\n", strerror(errno));
        return PS_EXIT_FAILURE;
    }
    return status;
}
