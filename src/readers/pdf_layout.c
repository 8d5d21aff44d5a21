/*
 * readers/pdf_layout.c — paragraph breaks from the geometry of a page's text lines (see readers/pdf_layout.h).
 *
 * The parser tells headings, signature blocks and paragraphs apart by empty lines, as in text
 * files; poppler's page text has none. Each text line gets a vertical extent (the union of its
 * characters' rectangles); a line starts a paragraph when
 *   - it starts above the previous line (poppler moved on to the next column or block), or
 *   - the gap above it exceeds the page's usual line gap (the lower quartile of the gaps between
 *     lines that follow each other downwards) by a quarter of a line height.
 * Lines on the same baseline as the previous one (header fields spread over one line) do not.
 */
#include "pdf_layout.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double top, bottom;
    bool empty; /* no characters: an empty line already in the text */
} line_extent;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One extent per '\n'-separated line; NULL when the rectangles do not match the text. */
static line_extent *line_extents(const char *text, const PopplerRectangle *rects, size_t nrects,
                                 size_t *nlines)
{
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    line_extent *lines = malloc(n * sizeof *lines);
    if (!lines)
        return NULL;
    size_t line = 0, i = 0;
    lines[0] = (line_extent){0, 0, true};
    for (const char *p = text; *p; p = g_utf8_next_char(p), i++) {
        if (i >= nrects) {
            free(lines);
            return NULL;
        }
        if (*p == '\n') {
            lines[++line] = (line_extent){0, 0, true};
            continue;
        }
        double top = rects[i].y1 < rects[i].y2 ? rects[i].y1 : rects[i].y2;
        double bottom = rects[i].y1 < rects[i].y2 ? rects[i].y2 : rects[i].y1;
        line_extent *l = &lines[line];
        if (l->empty || top < l->top)
            l->top = top;
        if (l->empty || bottom > l->bottom)
            l->bottom = bottom;
        l->empty = false;
    }
    if (i != nrects) {
        free(lines);
        return NULL;
    }
    *nlines = n;
    return lines;
}

/* Is b on the same baseline band as a (overlapping by more than half a line)? */
static bool same_line(const line_extent *a, const line_extent *b)
{
    double h = a->bottom - a->top;
    return b->top < a->top + h / 2 && b->top > a->top - h / 2;
}

/* The usual gap between consecutive lines going down the page: the lower quartile, since most
 * line changes are inside paragraphs yet a page of short paragraphs may have as many breaks.
 * 0 when there are none. */
static double usual_gap(const line_extent *lines, size_t n)
{
    double *gaps = malloc(n * sizeof *gaps);
    if (!gaps)
        return 0;
    size_t k = 0;
    for (size_t i = 1; i < n; i++) {
        const line_extent *a = &lines[i - 1], *b = &lines[i];
        if (!a->empty && !b->empty && !same_line(a, b) && b->top >= a->top)
            gaps[k++] = b->top - a->bottom;
    }
    double usual = 0;
    if (k > 0) {
        qsort(gaps, k, sizeof *gaps, cmp_double);
        usual = gaps[k / 4];
    }
    free(gaps);
    return usual;
}

static bool starts_paragraph(const line_extent *a, const line_extent *b, double usual)
{
    if (a->empty || b->empty || same_line(a, b))
        return false;
    if (b->top < a->top)
        return true;
    double h = a->bottom - a->top;
    return b->top - a->bottom > usual + h / 4;
}

char *ps_pdf_mark_paragraphs(const char *text, const PopplerRectangle *rects, size_t nrects)
{
    size_t n = 0;
    line_extent *lines = line_extents(text, rects, nrects, &n);
    if (!lines)
        return NULL;
    double usual = usual_gap(lines, n);
    size_t len = strlen(text);
    char *out = g_try_malloc(len + n + 1);
    if (!out) {
        free(lines);
        return NULL;
    }
    size_t o = 0, line = 0;
    for (const char *p = text; *p; p++) {
        out[o++] = *p;
        if (*p != '\n')
            continue;
        line++;
        if (starts_paragraph(&lines[line - 1], &lines[line], usual))
            out[o++] = '\n';
    }
    out[o] = '\0';
    free(lines);
    return out;
}
