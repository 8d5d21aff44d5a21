/*
 * readers/pdf_layout.c — paragraph breaks and table rows from the geometry of a page's text
 * (see readers/pdf_layout.h).
 *
 * The parser tells headings, signature blocks and paragraphs apart by empty lines, as in text
 * files, and table rows by tabs; poppler's page text has neither. The page text is cut into
 * segments: its lines, and within a line the pieces between wide horizontal gaps (poppler runs
 * the cells of a table row together, "JusterareKarin Lund", and a right-aligned dnr reached by a
 * tab stop joins its line). Each segment gets its extent, the union of its characters'
 * rectangles. Then:
 *   - a segment starts a paragraph when it starts above the previous one (poppler moved on to the
 *     next column or block) or the gap above it exceeds the page's usual line gap (the lower
 *     quartile of the gaps between segments that follow each other downwards) by a quarter of a
 *     line height;
 *   - a segment on the same baseline as the previous one and to its right (the next cell, the
 *     text after a tab stop) follows it after a tab;
 *   - a two-column table of labels and values, as office suites draw the attendance and the
 *     anslag box ("Beslutande" on the left, one name per line on the right), is rebuilt row by
 *     row whatever order poppler read it in (often the whole label column, then the values):
 *     each row is "label<tab>first value", each further value line "<tab>value", and a label
 *     wrapped over two lines ("Justeringens plats och" / "tid") is one label again.
 * A table is a run of segments starting at two left edges only, the left ones short labels that
 * end well before the right edge starts (so two columns of running text are never one).
 */
#include "pdf_layout.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/buf.h"

typedef struct {
    size_t start, end; /* bytes of the page text, spaces at the edges excluded */
    double top, bottom, left, right;
    bool empty;       /* no characters: an empty line already in the text */
    bool line_start;  /* the first segment of its text line */
} segment;

/* Wider than this (in line heights) is a gap between table cells or up to a tab stop, not a
 * space, even in justified text. */
#define PS_PDF_CELL_GAP 2.0
/* A gap this wide (in line heights) with no space character in it separates cells. */
#define PS_PDF_CELL_NOSPACE 0.2
/* Segments whose left edges differ by less than this many points start in the same column. */
#define PS_PDF_COLUMN_SLACK 2.5

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    segment *v;
    size_t n, cap;
    bool failed;
} segments;

static segment *push_segment(segments *s, size_t at, bool line_start)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        segment *v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            s->failed = true;
            return NULL;
        }
        s->v = v;
        s->cap = cap;
    }
    segment *g = &s->v[s->n++];
    *g = (segment){at, at, 0, 0, 0, 0, true, line_start};
    return g;
}

static double height(const segment *g)
{
    return g->bottom - g->top;
}

/* Cut the text into segments; false when the rectangles do not match the text or on OOM. */
static bool cut_segments(const char *text, const PopplerRectangle *rects, size_t nrects,
                         segments *s)
{
    size_t i = 0;
    bool spaced = false; /* a space since the last character */
    segment *g = push_segment(s, 0, true);
    for (const char *p = text; *p && g; p = g_utf8_next_char(p), i++) {
        if (i >= nrects)
            return false;
        size_t at = (size_t)(p - text);
        if (*p == '\n') {
            g = push_segment(s, at + 1, true);
            spaced = false;
            continue;
        }
        if (*p == ' ') {
            spaced = true;
            continue;
        }
        const PopplerRectangle *r = &rects[i];
        double x1 = fmin(r->x1, r->x2), x2 = fmax(r->x1, r->x2);
        double y1 = fmin(r->y1, r->y2), y2 = fmax(r->y1, r->y2);
        double gap = x1 - g->right;
        /* A wide gap, or a small one without a space: poppler joined two cells of a row
         * ("Sammanträdesdatum2025-04-10" where the label fills its cell). */
        bool cell = gap > (spaced ? PS_PDF_CELL_GAP : PS_PDF_CELL_NOSPACE) * height(g);
        spaced = false;
        if (!g->empty && height(g) > 0 && cell) {
            g = push_segment(s, at, false);
            if (!g)
                break;
        }
        if (g->empty) {
            g->start = at;
            *g = (segment){at, at, y1, y2, x1, x2, false, g->line_start};
        }
        g->top = fmin(g->top, y1);
        g->bottom = fmax(g->bottom, y2);
        g->left = fmin(g->left, x1);
        g->right = fmax(g->right, x2);
        g->end = (size_t)(g_utf8_next_char(p) - text);
    }
    return !s->failed && i == nrects;
}

/* Is b on the same baseline band as a (overlapping by more than half a line)? */
static bool same_line(const segment *a, const segment *b)
{
    double h = height(a);
    return b->top < a->top + h / 2 && b->top > a->top - h / 2;
}

static double usual_gap(const segment *v, size_t n)
{
    double *gaps = malloc((n + 1) * sizeof *gaps);
    if (!gaps)
        return 0;
    size_t k = 0;
    const segment *a = NULL;
    for (size_t i = 0; i < n; i++) {
        const segment *b = &v[i];
        if (b->empty) {
            a = NULL;
            continue;
        }
        if (a && !same_line(a, b) && b->top >= a->top)
            gaps[k++] = b->top - a->bottom;
        a = b;
    }
    double usual = 0;
    if (k > 0) {
        qsort(gaps, k, sizeof *gaps, cmp_double);
        usual = gaps[k / 4];
    }
    free(gaps);
    return usual;
}

static bool starts_paragraph(const segment *a, const segment *b, double usual)
{
    if (b->top < a->top)
        return true;
    return b->top - a->bottom > usual + height(a) / 4;
}

static bool near(double x, double y)
{
    return fabs(x - y) < PS_PDF_COLUMN_SLACK;
}

static bool lower_start(const char *s, size_t n)
{
    unsigned char c = n ? (unsigned char)s[0] : 0;
    return (c >= 'a' && c <= 'z') || (c == 0xC3 && n > 1 && (unsigned char)s[1] >= 0xA0);
}

/* A two-column table of labels and values starting at segment i: returns one past its last
 * segment (and the two left edges), or i when there is none. */
static size_t table_region(const char *text, const segment *v, size_t n, size_t i, double *label_x,
                           double *value_x)
{
    const segment *first = &v[i];
    double h = height(first);
    if (first->empty || h <= 0 || !first->line_start)
        return i;
    double a = first->left, b = -1, label_right = first->right;
    size_t labels = 0, values = 0, full = 0, end = i;
    for (size_t j = i; j < n; j++) {
        const segment *g = &v[j];
        if (g->empty)
            continue;
        if (near(g->left, a)) {
            labels++;
            label_right = fmax(label_right, g->right);
        } else if (b < 0 && g->left > a + 3 * h && g->left > label_right + h) {
            b = g->left;
            values++;
        } else if (b >= 0 && near(g->left, b)) {
            values++;
        } else {
            break;
        }
        if (b >= 0 && label_right > b)
            break; /* a label running into the value column: running text */
        end = j + 1;
    }
    if (b < 0 || labels < 2 || values < 2)
        return i;
    /* Labels are short, and cells start with a capital or a digit: two columns of running text
     * have lines reaching the gutter, and most of their lines go on in lower case. */
    size_t lower = 0;
    for (size_t j = i; j < end; j++) {
        full += !v[j].empty && near(v[j].left, a) && v[j].right > a + 0.85 * (b - a - h);
        lower += !v[j].empty && lower_start(text + v[j].start, v[j].end - v[j].start);
    }
    if (full * 3 > labels || lower * 4 > labels + values)
        return i;
    *label_x = a;
    *value_x = b;
    return end;
}

static int cmp_top(const void *x, const void *y)
{
    const segment *a = *(const segment *const *)x, *b = *(const segment *const *)y;
    return (a->top > b->top) - (a->top < b->top);
}

static int cmp_left(const void *x, const void *y)
{
    const segment *a = *(const segment *const *)x, *b = *(const segment *const *)y;
    return (a->left > b->left) - (a->left < b->left);
}

/* Sort segments into reading order of a table: rows top to bottom (a row: segments whose tops
 * lie within half a line of its first one), each row left to right. */
static void sort_rows(const segment **v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_top);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j]->top - v[i]->top < height(v[i]) / 2)
            j++;
        qsort(v + i, j - i, sizeof *v, cmp_left);
        i = j;
    }
}

/* Append a label line continuing the label before it: "Justeringens plats och" + "tid",
 * "Sammanträdesda-" + "tum" (a hyphen at a line end between lower-case letters goes). */
static void continue_label(ps_buf *label, const char *s, size_t n)
{
    if (label->len >= 2 && label->data[label->len - 1] == '-' &&
        label->data[label->len - 2] >= 'a' && label->data[label->len - 2] <= 'z')
        label->data[--label->len] = '\0';
    else
        ps_buf_putc(label, ' ');
    ps_buf_append(label, s, n);
}

static void flush_row(ps_buf *out, ps_buf *label, ps_buf *values)
{
    if (label->len == 0 && values->len == 0)
        return;
    ps_buf_append(out, label->data ? label->data : "", label->len);
    ps_buf_append(out, values->data ? values->data : "", values->len);
    ps_buf_putc(out, '\n');
    ps_buf_clear(label);
    ps_buf_clear(values);
}

/* Write the table v[i, end) row by row. */
static void write_table(const char *text, const segment *v, size_t i, size_t end, double a,
                        double usual, ps_buf *out)
{
    size_t n = 0;
    const segment **sorted = malloc((end - i) * sizeof *sorted);
    if (!sorted) {
        out->failed = true;
        return;
    }
    for (size_t j = i; j < end; j++)
        if (!v[j].empty)
            sorted[n++] = &v[j];
    sort_rows(sorted, n);
    ps_buf label = PS_BUF_INIT, values = PS_BUF_INIT;
    const segment *last_label = NULL;
    for (size_t k = 0; k < n; k++) {
        const segment *g = sorted[k];
        const char *s = text + g->start;
        size_t len = g->end - g->start;
        if (near(g->left, a)) {
            /* A label wrapped in its cell goes on in lower case right below. */
            if (last_label && label.len && lower_start(s, len) &&
                g->top - last_label->bottom <= usual + height(last_label) / 2) {
                continue_label(&label, s, len);
                last_label = g;
                continue;
            }
            flush_row(out, &label, &values);
            ps_buf_append(&label, s, len);
            last_label = g;
            continue;
        }
        if (values.len)
            ps_buf_putc(&values, '\n');
        ps_buf_putc(&values, '\t');
        ps_buf_append(&values, s, len);
    }
    flush_row(out, &label, &values);
    if (label.failed || values.failed)
        out->failed = true;
    ps_buf_free(&label);
    ps_buf_free(&values);
    free(sorted);
}

/* End the text written so far with a line break, and with an empty line when blank. */
static void line_break(ps_buf *out, bool blank)
{
    if (out->len == 0)
        return;
    if (out->data[out->len - 1] != '\n')
        ps_buf_putc(out, '\n');
    if (blank && !(out->len >= 2 && out->data[out->len - 2] == '\n'))
        ps_buf_putc(out, '\n');
}

char *ps_pdf_mark_paragraphs(const char *text, const PopplerRectangle *rects, size_t nrects)
{
    segments s = {0};
    if (!cut_segments(text, rects, nrects, &s)) {
        free(s.v);
        return NULL;
    }
    double usual = usual_gap(s.v, s.n);
    ps_buf out = PS_BUF_INIT;
    const segment *prev = NULL; /* the last segment written, NULL after an empty line */
    for (size_t i = 0; i < s.n;) {
        const segment *g = &s.v[i];
        double a = 0, b = 0;
        size_t end = table_region(text, s.v, s.n, i, &a, &b);
        if (end > i) {
            line_break(&out, true);
            write_table(text, s.v, i, end, a, usual, &out);
            line_break(&out, true);
            prev = NULL;
            i = end;
            continue;
        }
        i++;
        if (g->empty) { /* an empty line of the text itself */
            line_break(&out, prev != NULL);
            prev = NULL;
            continue;
        }
        if (prev && same_line(prev, g) && g->left > prev->right)
            ps_buf_putc(&out, '\t');
        else
            line_break(&out, prev && starts_paragraph(prev, g, usual));
        ps_buf_append(&out, text + g->start, g->end - g->start);
        prev = g;
    }
    free(s.v);
    while (out.len && out.data[out.len - 1] == '\n')
        out.data[--out.len] = '\0';
    size_t tl = strlen(text);
    if (tl && text[tl - 1] == '\n')
        ps_buf_putc(&out, '\n');
    if (out.failed) {
        ps_buf_free(&out);
        return NULL;
    }
    if (!out.data)
        return strdup("");
    return ps_buf_steal(&out, NULL);
}
