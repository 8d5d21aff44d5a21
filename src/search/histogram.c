/*
 * search/histogram.c — "over time": the matching ärenden per year, or per month when the
 * request's date range is a year or less, from the facet counts the search already makes in
 * its one pass over the matches (year slot; date slot cut to "YYYY-MM" by the store), so an
 * ärende counts once per period it has documents in. Periods without matches between the first
 * and the last are filled in with 0, so the bars are a time axis.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_BARS 120 /* more periods than this: only those with matches (a stray year 1901) */

bool ps_search_histogram_by_month(const char *from, const char *to)
{
    int y1, m1, d1, y2, m2, d2;
    if (!from || !to || !*from || !*to || sscanf(from, "%4d-%2d-%2d", &y1, &m1, &d1) != 3 ||
        sscanf(to, "%4d-%2d-%2d", &y2, &m2, &d2) != 3)
        return false;
    int a = y1 * 372 + (m1 - 1) * 31 + d1, b = y2 * 372 + (m2 - 1) * 31 + d2;
    return b >= a && b - a < 372;
}

static const char *const month_names[] = {"januari",   "februari", "mars",     "april",
                                          "maj",       "juni",     "juli",     "augusti",
                                          "september", "oktober",  "november", "december"};

/* A period as a number: year, or year * 12 + month - 1. */
static bool period_of(const char *v, bool months, int *out)
{
    int y, m;
    if (months) {
        if (strlen(v) != 7 || sscanf(v, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
            return false;
        *out = y * 12 + m - 1;
        return true;
    }
    if (strlen(v) != 4 || sscanf(v, "%4d", &y) != 1)
        return false;
    *out = y;
    return true;
}

static json_t *bar_json(int period, bool months, uint32_t count)
{
    char name[16], label[32], from[16], to[16];
    if (months) {
        int y = period / 12, m = period % 12 + 1;
        snprintf(name, sizeof name, "%04d-%02d", y, m);
        snprintf(label, sizeof label, "%s %d", month_names[m - 1], y);
        snprintf(from, sizeof from, "%04d-%02d-01", y, m);
        /* an ISO upper bound compares as a string: day 31 covers every month */
        snprintf(to, sizeof to, "%04d-%02d-31", y, m);
    } else {
        snprintf(name, sizeof name, "%04d", period);
        snprintf(label, sizeof label, "%d", period);
        snprintf(from, sizeof from, "%04d-01-01", period);
        snprintf(to, sizeof to, "%04d-12-31", period);
    }
    return json_pack("{s:s,s:s,s:s,s:s,s:I}", "period", name, "label", label, "from", from, "to",
                     to, "count", (json_int_t)count);
}

typedef struct {
    int period;
    uint32_t count;
} bar;

static int bar_order(const void *a, const void *b)
{
    const bar *x = a, *y = b;
    return (x->period > y->period) - (x->period < y->period);
}

/* Add the counts of facet f of res to bars (merging equal periods). */
static bool add_counts(bar **bars, size_t *n, const ps_store_results *res, size_t f, bool months)
{
    size_t count = res ? ps_store_results_facet_count(res, f) : 0;
    for (size_t j = 0; j < count; j++) {
        const ps_store_facet_value *v = ps_store_results_facet(res, f, j);
        int p;
        if (!v->value || !period_of(v->value, months, &p))
            continue;
        size_t i = 0;
        while (i < *n && (*bars)[i].period != p)
            i++;
        if (i == *n) {
            bar *grown = realloc(*bars, (*n + 1) * sizeof **bars);
            if (!grown)
                return false;
            *bars = grown;
            grown[(*n)++] = (bar){p, 0};
        }
        (*bars)[i].count += v->count;
    }
    return true;
}

json_t *ps_search_histogram_json(const ps_store_results *dres, const ps_store_results *res,
                                 bool months, const char *from, const char *to)
{
    size_t f = months ? PS_SEARCH_NFACETS + 1 : 2; /* the date-by-month spy, or the year facet */
    bar *bars = NULL;
    size_t n = 0;
    if (!add_counts(&bars, &n, dres, f, months) || !add_counts(&bars, &n, res, f, months)) {
        free(bars);
        return NULL;
    }
    if (n > 1)
        qsort(bars, n, sizeof *bars, bar_order);
    int first = n ? bars[0].period : 0, last = n ? bars[n - 1].period : -1;
    int lo = 0, hi = 0; /* a month range asked for is shown whole */
    if (months && from && to && strlen(from) >= 7 && strlen(to) >= 7) {
        char a[8], b[8];
        snprintf(a, sizeof a, "%.7s", from);
        snprintf(b, sizeof b, "%.7s", to);
        if (period_of(a, true, &lo) && period_of(b, true, &hi) && lo <= hi) {
            first = n && bars[0].period < lo ? bars[0].period : lo;
            last = n && bars[n - 1].period > hi ? bars[n - 1].period : hi;
        }
    }
    json_t *list = json_array();
    bool fill = last - first < MAX_BARS;
    size_t i = 0;
    for (int p = first; list && p <= last; p++) {
        uint32_t count = 0;
        while (i < n && bars[i].period < p)
            i++;
        if (i < n && bars[i].period == p)
            count = bars[i].count;
        else if (!fill)
            continue;
        json_array_append_new(list, bar_json(p, months, count));
    }
    free(bars);
    json_t *o =
        list ? json_pack("{s:s,s:o}", "unit", months ? "month" : "year", "bars", list) : NULL;
    return o;
}
