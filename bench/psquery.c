/*
 * psquery — protokollsok's side of the query benchmark: opens the index once (ps_searcher_open)
 * and runs every line of stdin through ps_search_run, timing each query inside the process, so
 * that the latency excludes process start-up and index opening (what the HTTP server sees).
 *   psquery --db DIR [--passes N] [--facets] [--mode search|arende|suggest] < queries
 * Every pass but the last warms the cache; the last prints MICROSECONDS TAB TOTAL per query
 * (TOTAL -1 when the query is rejected; the reason goes to stderr).
 * --mode arende times the ärende page of each query's first hit (ps_search_arende: text,
 * Ärendets gång, Liknande ärenden; the search that finds the key is not timed; TOTAL = the
 * similar ärenden found, -1 when the query has no hit); --mode suggest times the autocomplete
 * of each query's first four characters (ps_search_complete; TOTAL = suggestions).
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

/* The key of q's first hit (malloc'd), NULL when none. */
static char *first_key(ps_searcher *s, const char *q) {
    ps_search_request req;
    ps_search_request_init(&req);
    req.q = q;
    req.limit = 1;
    json_t *res = NULL;
    ps_error err = {0};
    if (ps_search_run(s, &req, &res, &err) != PS_OK) return NULL;
    const char *k = json_string_value(json_object_get(json_array_get(json_object_get(res, "hits"), 0), "key"));
    char *key = k ? strdup(k) : NULL;
    json_decref(res);
    return key;
}

static long run_arende(ps_searcher *s, const char *key, int report) {
    json_t *a = NULL;
    ps_error err = {0};
    if (!key) return -1;
    if (ps_search_arende(s, key, NULL, &a, &err) != PS_OK) {
        if (report) fprintf(stderr, "psquery: ärende %s: %s\n", key, err.message);
        return -1;
    }
    long n = (long)json_array_size(json_object_get(a, "similar"));
    json_decref(a);
    return n;
}

static long run_suggest(ps_searcher *s, const char *q) {
    char prefix[32];
    size_t n = 0, chars = 0;
    while (q[n] && n < sizeof prefix - 4 && chars < 4) { /* four characters, whole UTF-8 */
        n++;
        while (((unsigned char)q[n] & 0xC0) == 0x80) n++;
        chars++;
    }
    snprintf(prefix, sizeof prefix, "%.*s", (int)n, q);
    json_t *res = NULL;
    ps_error err = {0};
    if (ps_search_complete(s, prefix, &res, &err) != PS_OK) return -1;
    long count = (long)json_array_size(json_object_get(res, "suggestions"));
    json_decref(res);
    return count;
}

enum { MODE_SEARCH, MODE_ARENDE, MODE_SUGGEST };

int main(int argc, char **argv) {
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"passes", required_argument, NULL, 'p'},
                                         {"facets", no_argument, NULL, 'f'},
                                         {"mode", required_argument, NULL, 'm'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL;
    int passes = 2, facets = 0, c, mode = MODE_SEARCH;
    while ((c = getopt_long(argc, argv, "d:p:fm:", opts, NULL)) != -1) {
        if (c == 'd') db = optarg;
        else if (c == 'p') passes = atoi(optarg);
        else if (c == 'f') facets = 1;
        else if (c == 'm' && strcmp(optarg, "search") == 0) mode = MODE_SEARCH;
        else if (c == 'm' && strcmp(optarg, "arende") == 0) mode = MODE_ARENDE;
        else if (c == 'm' && strcmp(optarg, "suggest") == 0) mode = MODE_SUGGEST;
        else db = NULL, optind = argc;
    }
    if (!db || passes < 1) {
        fprintf(stderr, "usage: psquery --db DIR [--passes N] [--facets] [--mode search|arende|suggest] < queries\n");
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
    char **keys = mode == MODE_ARENDE ? calloc(list.n ? list.n : 1, sizeof *keys) : NULL;
    for (size_t i = 0; s && keys && i < list.n; i++) keys[i] = first_key(s, list.q[i]);
    for (int pass = 0; s && pass < passes; pass++) {
        int last = pass == passes - 1;
        for (size_t i = 0; i < list.n; i++) {
            if (mode == MODE_ARENDE && (!keys || !keys[i])) continue; /* no hit: no page */
            double t0 = now_us();
            long total = mode == MODE_ARENDE    ? run_arende(s, keys[i], last)
                         : mode == MODE_SUGGEST ? run_suggest(s, list.q[i])
                                                : run_one(s, list.q[i], facets, last);
            double us = now_us() - t0;
            if (last) printf("%.1f\t%ld\n", us, total);
        }
    }
    for (size_t i = 0; keys && i < list.n; i++) free(keys[i]);
    free(keys);
    ps_searcher_close(s);
    for (size_t i = 0; i < list.n; i++) free(list.q[i]);
    free(list.q);
    return rc;
}
