/*
 * psquery — protokollsok's side of the query benchmark: opens the index once (ps_searcher_open)
 * and runs every line of stdin through ps_search_run, timing each query inside the process, so
 * that the latency excludes process start-up and index opening (what the HTTP server sees).
 *   psquery --db DIR [--passes N] [--facets] < queries     (one query per line)
 * Every pass but the last warms the cache; the last prints MICROSECONDS TAB TOTAL per query
 * (TOTAL -1 when the query is rejected; the reason goes to stderr).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "protokollsok/search.h"

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

typedef struct {
    char **q;
    size_t n, cap;
} query_list;

static int read_queries(FILE *in, query_list *list) {
    char *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    while ((len = getline(&line, &linecap, in)) >= 0) {
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        if (list->n == list->cap) {
            size_t cap = list->cap ? list->cap * 2 : 256;
            char **q = realloc(list->q, cap * sizeof *q);
            if (!q) break;
            list->q = q;
            list->cap = cap;
        }
        if (!(list->q[list->n] = strdup(line))) break;
        list->n++;
    }
    int ok = !ferror(in) && len < 0;
    free(line);
    return ok ? 0 : -1;
}

/* One query; returns the hit total or -1 when rejected. */
static long run_one(ps_searcher *s, const char *q, int facets, int report) {
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = q;
    req.limit = 10;
    req.facets = facets != 0;
    json_t *res = NULL;
    ps_error err = {0};
    ps_status st = ps_search_run(s, &req, &res, &err);
    if (st != PS_OK) {
        if (report) fprintf(stderr, "psquery: %s: %s\n", q, err.message);
        return -1;
    }
    long total = (long)json_integer_value(json_object_get(res, "total"));
    json_decref(res);
    return total;
}

int main(int argc, char **argv) {
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"passes", required_argument, NULL, 'p'},
                                         {"facets", no_argument, NULL, 'f'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL;
    int passes = 2, facets = 0, c;
    while ((c = getopt_long(argc, argv, "d:p:f", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'p') passes = atoi(optarg);
        else if (c == 'f') facets = 1;
        else db = NULL, optind = argc;
    }
    if (!db || passes < 1) {
        fprintf(stderr, "usage: psquery --db DIR [--passes N] [--facets] < queries\n");
        return 2;
    }
    query_list list = {0};
    if (read_queries(stdin, &list) != 0) {
        fprintf(stderr, "psquery: cannot read the queries from stdin\n");
        return 5;
    }
    ps_searcher *s = NULL;
    ps_error err = {0};
    int rc = 0;
    if (ps_searcher_open(db, &s, &err) != PS_OK) {
        fprintf(stderr, "psquery: %s: %s\n", db, err.message);
        rc = 3;
    }
    for (int pass = 0; s && pass < passes; pass++) {
        int last = pass == passes - 1;
        for (size_t i = 0; i < list.n; i++) {
            double t0 = now_us();
            long total = run_one(s, list.q[i], facets, last);
            double us = now_us() - t0;
            if (last) printf("%.1f\t%ld\n", us, total);
        }
    }
    ps_searcher_close(s);
    for (size_t i = 0; i < list.n; i++) free(list.q[i]);
    free(list.q);
    return rc;
}
