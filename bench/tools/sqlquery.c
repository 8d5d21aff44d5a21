/*
 * sqlquery — the SQLite FTS5 anchor for the query benchmark: one connection, one prepared
 * statement (MATCH + bm25(), top 10 with their paths), every line of stdin timed inside the
 * process. Input lines: FTS5-EXPRESSION [TAB KOMMUN]. Output lines: MICROSECONDS TAB ROWS
 * (-1 on an FTS5 syntax error). With --top N (the relevance part) each line instead lists the
 * paths of the first N hits, TAB-separated. Built by bench/run; not part of the product.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long run(sqlite3_stmt *st, const char *match, const char *kommun, int limit, int print) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kommun, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, limit);
    long rows = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *path = sqlite3_column_text(st, 0); /* read each hit's path, as a client would */
        if (path && print)
            printf("%s%s", rows ? "\t" : "", (const char *)path);
        if (path)
            rows++;
    }
    if (print)
        printf("\n");
    return rc == SQLITE_DONE ? rows : -1;
}

int main(int argc, char **argv) {
    const char *db_path = NULL;
    int passes = 2, top = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) db_path = argv[++i];
        else if (!strcmp(argv[i], "--passes") && i + 1 < argc) passes = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--top") && i + 1 < argc) top = atoi(argv[++i]), passes = 1;
        else db_path = NULL, i = argc;
    }
    if (!db_path) {
        fprintf(stderr, "usage: sqlquery --db FILE [--passes N | --top N] < queries\n");
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlquery: %s: %s\n", db_path, sqlite3_errmsg(db));
        return 3;
    }
    sqlite3_stmt *st;
    const char *sql = "SELECT path FROM docs WHERE docs MATCH ?1 AND (?2 = '' OR kommun = ?2) "
                      "ORDER BY bm25(docs) LIMIT ?3";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlquery: %s\n", sqlite3_errmsg(db));
        return 3;
    }
    size_t n = 0, cap = 0;
    char **match = NULL, **kommun = NULL;
    char *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    while ((len = getline(&line, &linecap, stdin)) >= 0) {
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            match = realloc(match, cap * sizeof *match);
            kommun = realloc(kommun, cap * sizeof *kommun);
            if (!match || !kommun) return 5;
        }
        char *tab = strchr(line, '\t');
        if (tab) *tab = '\0';
        match[n] = strdup(line);
        kommun[n] = strdup(tab ? tab + 1 : "");
        n++;
    }
    free(line);
    for (int pass = 0; pass < passes; pass++) {
        for (size_t i = 0; i < n; i++) {
            double t0 = now_us();
            long rows = run(st, match[i], kommun[i], top > 0 ? top : 10, top > 0);
            double us = now_us() - t0;
            if (pass == passes - 1 && top == 0) printf("%.1f\t%ld\n", us, rows);
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(match[i]);
        free(kommun[i]);
    }
    free(match);
    free(kommun);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
}
