/*
 * sphinxquery — the Sphinx anchor's client: SphinxQL statements (one per line of stdin, built by
 * bench/lib/sphinx.mjs) sent to searchd over the MySQL protocol (libmariadb), each hit's path read
 * as a client would. Built by bench/run; not part of the product.
 *
 *   sphinxquery --port P [--passes N] [--hits] < statements
 *     One persistent connection; every pass runs all statements, the last pass is timed (the
 *     earlier ones warm searchd). Output per statement: MICROSECONDS TAB ROWS (-1 when searchd
 *     rejected it, its message on stderr), with --hits also TAB the document ids, comma-separated.
 *   sphinxquery --port P --clients C --seconds S < statements
 *     Throughput: C threads, one connection each, cycling through the statements (each from its
 *     own offset) for S seconds; one JSON line: requests, duration_s, rps, p50_ms, p99_ms, max_ms,
 *     errors (the keys wrk/mix.lua prints for the HTTP part).
 */
#include <mysql.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static MYSQL *connect_searchd(unsigned port) {
    MYSQL *c = mysql_init(NULL);
    if (!c) return NULL;
    unsigned timeout = 10;
    mysql_options(c, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    if (!mysql_real_connect(c, "127.0.0.1", "", "", NULL, port, NULL, 0)) {
        fprintf(stderr, "sphinxquery: 127.0.0.1:%u: %s\n", port, mysql_error(c));
        mysql_close(c);
        return NULL;
    }
    return c;
}

/* One statement; returns the number of rows (ids appended to ids when not NULL), -1 on error. */
static long run_one(MYSQL *c, const char *sql, char *ids, size_t ids_cap) {
    if (mysql_query(c, sql)) return -1;
    MYSQL_RES *res = mysql_store_result(c);
    if (!res) return mysql_field_count(c) ? -1 : 0;
    long rows = 0;
    size_t used = 0;
    MYSQL_ROW row;
    while ((row = mysql_fetch_row(res))) {
        unsigned long *len = mysql_fetch_lengths(res);
        if (!row[0] || !len) continue;
        if (mysql_num_fields(res) > 1 && !row[1]) continue; /* the hit's path, as a client would */
        rows++;
        if (ids && used + len[0] + 2 < ids_cap) {
            if (used) ids[used++] = ',';
            memcpy(ids + used, row[0], len[0]);
            used += len[0];
            ids[used] = '\0';
        }
    }
    mysql_free_result(res);
    return rows;
}

struct lines {
    char **v;
    size_t n;
};

static int read_lines(struct lines *L) {
    size_t cap = 0;
    char *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    L->v = NULL;
    L->n = 0;
    while ((len = getline(&line, &linecap, stdin)) >= 0) {
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        if (!len) continue;
        if (L->n == cap) {
            cap = cap ? cap * 2 : 256;
            char **v = realloc(L->v, cap * sizeof *v);
            if (!v) return -1;
            L->v = v;
        }
        if (!(L->v[L->n++] = strdup(line))) return -1;
    }
    free(line);
    return 0;
}

static int latency(unsigned port, const struct lines *L, int passes, int hits) {
    MYSQL *c = connect_searchd(port);
    if (!c) return 3;
    char ids[4096];
    int reported = 0;
    for (int pass = 0; pass < passes; pass++) {
        int last = pass == passes - 1;
        for (size_t i = 0; i < L->n; i++) {
            ids[0] = '\0';
            double t0 = now_us();
            long rows = run_one(c, L->v[i], last && hits ? ids : NULL, sizeof ids);
            double us = now_us() - t0;
            if (rows < 0 && last && reported++ < 5)
                fprintf(stderr, "sphinxquery: %s: %s\n", L->v[i], mysql_error(c));
            if (last) printf(hits ? "%.1f\t%ld\t%s\n" : "%.1f\t%ld\n", us, rows, ids);
        }
    }
    mysql_close(c);
    return 0;
}

struct worker {
    pthread_t tid;
    unsigned port;
    const struct lines *L;
    size_t start;
    double deadline_us;
    double *lat; /* microseconds per answered statement; owned by the worker, freed by main */
    size_t n, cap;
    long errors;
    int failed;
};

static void *work(void *arg) {
    struct worker *w = arg;
    mysql_thread_init();
    MYSQL *c = connect_searchd(w->port);
    if (!c) {
        w->failed = 1;
        mysql_thread_end();
        return NULL;
    }
    size_t i = w->start;
    for (;;) {
        double t0 = now_us();
        if (t0 >= w->deadline_us) break;
        long rows = run_one(c, w->L->v[i], NULL, 0);
        double us = now_us() - t0;
        if (rows < 0) {
            w->errors++;
        } else {
            if (w->n == w->cap) {
                w->cap = w->cap ? w->cap * 2 : 4096;
                double *lat = realloc(w->lat, w->cap * sizeof *lat);
                if (!lat) {
                    w->failed = 1;
                    break;
                }
                w->lat = lat;
            }
            w->lat[w->n++] = us;
        }
        i = (i + 1) % w->L->n;
    }
    mysql_close(c);
    mysql_thread_end();
    return NULL;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(const double *sorted, size_t n, double p) {
    if (!n) return 0;
    size_t i = (size_t)(p / 100 * n + 0.999999);
    if (i > 0) i--;
    return sorted[i < n ? i : n - 1];
}

static int throughput(unsigned port, const struct lines *L, int clients, double seconds) {
    struct worker *w = calloc((size_t)clients, sizeof *w);
    if (!w) return 5;
    double t0 = now_us();
    for (int k = 0; k < clients; k++) {
        w[k] = (struct worker){.port = port, .L = L, .start = ((size_t)k * 97) % L->n,
                               .deadline_us = t0 + seconds * 1e6};
        if (pthread_create(&w[k].tid, NULL, work, &w[k])) {
            fprintf(stderr, "sphinxquery: cannot start client thread %d\n", k);
            return 5;
        }
    }
    size_t total = 0;
    long errors = 0;
    int failed = 0;
    for (int k = 0; k < clients; k++) {
        pthread_join(w[k].tid, NULL);
        total += w[k].n;
        errors += w[k].errors;
        failed += w[k].failed;
    }
    double dur = (now_us() - t0) / 1e6;
    double *all = malloc((total ? total : 1) * sizeof *all);
    if (!all) return 5;
    size_t at = 0;
    for (int k = 0; k < clients; k++) {
        memcpy(all + at, w[k].lat, w[k].n * sizeof *all);
        at += w[k].n;
        free(w[k].lat);
    }
    free(w);
    qsort(all, total, sizeof *all, cmp_double);
    printf("{\"requests\": %zu, \"duration_s\": %.3f, \"rps\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
           "\"max_ms\": %.3f, \"errors\": %ld, \"failed_clients\": %d}\n",
           total, dur, total / dur, pct(all, total, 50) / 1e3, pct(all, total, 99) / 1e3,
           total ? all[total - 1] / 1e3 : 0, errors + failed, failed);
    free(all);
    return failed == clients ? 3 : 0;
}

int main(int argc, char **argv) {
    unsigned port = 0;
    int passes = 2, hits = 0, clients = 0;
    double seconds = 10;
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc) port = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--passes") && i + 1 < argc) passes = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--hits")) hits = 1;
        else if (!strcmp(argv[i], "--clients") && i + 1 < argc) clients = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
        else bad = 1;
    }
    if (bad || !port || passes < 1 || clients < 0 || seconds <= 0) {
        fprintf(stderr, "usage: sphinxquery --port P [--passes N] [--hits] < statements\n"
                        "       sphinxquery --port P --clients C --seconds S < statements\n");
        return 2;
    }
    struct lines L;
    if (read_lines(&L)) return 5;
    if (!L.n) {
        fprintf(stderr, "sphinxquery: no statements on stdin\n");
        return 2;
    }
    if (mysql_library_init(0, NULL, NULL)) return 5;
    int rc = clients ? throughput(port, &L, clients, seconds) : latency(port, &L, passes, hits);
    for (size_t i = 0; i < L.n; i++) free(L.v[i]);
    free(L.v);
    mysql_library_end();
    return rc;
}
