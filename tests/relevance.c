/*
 * relevance.c — the relevance evaluator: runs judged queries (tests/data/relevance/queries.tsv,
 * see its README) against an index and prints recall@10, nDCG@10 and duplicates@10 per query.
 *
 *   ps_relevance DB QUERIES.tsv [MIN_MEAN_NDCG]
 *
 * A judgment key names an ärende: "dnr:2023.076 SN" is the hit whose dnr is that (compared
 * case- and space-insensitively), "file:NAME" the hit one of whose documents has that base name.
 * Exit 0 when every query has recall 1.00, no query returns the same ärende twice in its first
 * 10 hits, and the mean nDCG@10 is at least MIN_MEAN_NDCG (default 0.95); else 1; 2 on errors.
 * nDCG uses gain = grade and discount log2(rank + 1).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/query.h"
#include "protokollsok/search.h"

#define K 10
#define MAX_JUDGED 32

typedef struct {
    char key[256];
    int grade;
    bool found;
} judgment;

static bool same_dnr(const char *a, const char *b)
{
    char *fa = ps_query_fold(a, strlen(a)), *fb = ps_query_fold(b, strlen(b));
    bool same = fa && fb && strcmp(fa, fb) == 0;
    free(fa);
    free(fb);
    return same;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Whether hit h is the ärende the judgment key names. */
static bool hit_is(const json_t *h, const char *key)
{
    if (strncmp(key, "dnr:", 4) == 0) {
        const char *dnr = json_string_value(json_object_get(h, "dnr"));
        return dnr && same_dnr(dnr, key + 4);
    }
    if (strncmp(key, "file:", 5) == 0) {
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(h, "documents"), i, d)
        {
            const char *path = json_string_value(json_object_get(d, "path"));
            if (path && strcmp(base_name(path), key + 5) == 0)
                return true;
        }
    }
    return false;
}

/* The identity of an ärende for counting duplicates: kommun + dnr when it has a dnr (the same
 * ärende indexed under two keys would be a duplicate), else its key. */
static void identity(const json_t *h, char *out, size_t n)
{
    const char *dnr = json_string_value(json_object_get(h, "dnr"));
    const char *kommun = json_string_value(json_object_get(h, "kommun"));
    if (dnr) {
        char *f = ps_query_fold(dnr, strlen(dnr));
        snprintf(out, n, "%s|%s", kommun ? kommun : "", f ? f : dnr);
        free(f);
    } else {
        const char *key = json_string_value(json_object_get(h, "key"));
        snprintf(out, n, "key|%s", key ? key : "");
    }
}

static int grade_desc(const void *a, const void *b)
{
    return *(const int *)b - *(const int *)a;
}

/* Parse "KEY=GRADE;KEY=GRADE" into j; returns the count. */
static size_t parse_judgments(char *s, judgment *j)
{
    size_t n = 0;
    for (char *tok = strtok(s, ";"); tok && n < MAX_JUDGED; tok = strtok(NULL, ";")) {
        char *eq = strrchr(tok, '=');
        if (!eq)
            continue;
        *eq = '\0';
        snprintf(j[n].key, sizeof j[n].key, "%s", tok);
        j[n].grade = atoi(eq + 1);
        j[n].found = false;
        n++;
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s DB QUERIES.tsv [MIN_MEAN_NDCG]\n", argv[0]);
        return 2;
    }
    double min_ndcg = argc > 3 ? atof(argv[3]) : 0.95;
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    ps_error err;
    ps_searcher *s = NULL;
    if (ps_searcher_open(argv[1], &s, &err) != PS_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        fclose(f);
        return 2;
    }
    char line[4096];
    int nq = 0, failures = 0;
    double sum_ndcg = 0, sum_recall = 0;
    printf("%-4s %-36s %7s %7s %5s  %s\n", "id", "query", "recall", "nDCG", "dup", "top hits");
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *id = strtok(line, "\t"), *q = strtok(NULL, "\t"), *js = strtok(NULL, "\t");
        if (!id || !q || !js || strcmp(id, "id") == 0)
            continue;
        judgment j[MAX_JUDGED];
        size_t nj = parse_judgments(js, j);
        ps_search_request req;
        ps_search_request_init(&req);
        req.q = q;
        req.limit = K;
        json_t *res = NULL;
        if (ps_search_run(s, &req, &res, &err) != PS_OK) {
            printf("%-4s %-36s error: %s\n", id, q, err.message);
            failures++;
            continue;
        }
        json_t *hits = json_object_get(res, "hits");
        double dcg = 0;
        int dups = 0;
        char ids[K][300];
        char top[512] = "";
        size_t i;
        json_t *h;
        json_array_foreach(hits, i, h)
        {
            if (i >= K)
                break;
            identity(h, ids[i], sizeof ids[i]);
            for (size_t k = 0; k < i; k++)
                if (strcmp(ids[k], ids[i]) == 0)
                    dups++;
            int gain = 0;
            for (size_t k = 0; k < nj; k++)
                if (!j[k].found && hit_is(h, j[k].key)) {
                    j[k].found = true;
                    gain = j[k].grade;
                }
            dcg += gain / log2((double)i + 2);
            const char *dnr = json_string_value(json_object_get(h, "dnr"));
            const char *key = json_string_value(json_object_get(h, "key"));
            size_t used = strlen(top);
            snprintf(top + used, sizeof top - used, "%s%s", i ? ", " : "",
                     dnr   ? dnr
                     : key ? key
                           : "?");
        }
        int grades[MAX_JUDGED];
        size_t found = 0;
        for (size_t k = 0; k < nj; k++) {
            grades[k] = j[k].grade;
            found += j[k].found;
        }
        qsort(grades, nj, sizeof grades[0], grade_desc);
        double idcg = 0;
        for (size_t k = 0; k < nj && k < K; k++)
            idcg += grades[k] / log2((double)k + 2);
        double ndcg = idcg > 0 ? dcg / idcg : 1.0;
        double recall = nj ? (double)found / (double)nj : 1.0;
        printf("%-4s %-36.36s %7.2f %7.3f %5d  %s\n", id, q, recall, ndcg, dups, top);
        for (size_t k = 0; k < nj; k++)
            if (!j[k].found)
                printf("     missing: %s\n", j[k].key);
        if (recall < 1.0 || dups > 0)
            failures++;
        sum_ndcg += ndcg;
        sum_recall += recall;
        nq++;
        json_decref(res);
    }
    fclose(f);
    ps_searcher_close(s);
    if (nq == 0) {
        fprintf(stderr, "%s: no queries\n", argv[2]);
        return 2;
    }
    double mean_ndcg = sum_ndcg / nq;
    printf("mean over %d queries: recall@10 %.3f, nDCG@10 %.3f (required: recall 1.00 on every "
           "query, nDCG >= %.2f, no duplicates)\n",
           nq, sum_recall / nq, mean_ndcg, min_ndcg);
    if (failures > 0 || mean_ndcg < min_ndcg) {
        printf("FAIL: %d queries below the bar%s\n", failures,
               mean_ndcg < min_ndcg ? ", mean nDCG too low" : "");
        return 1;
    }
    puts("PASS");
    return 0;
}
