/*
 * pdfgen — writes protocol text as a PDF for the PDF indexing benchmark: A4 pages laid out with
 * pango/cairo, a running header and a footer with the page number on every page (what
 * kommuner's PDFs look like and what the PDF reader must strip). Form feeds start a new page.
 *   pdfgen --header TEXT OUT.pdf IN.txt      prints the number of pages written
 */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PAGE_W = 595, PAGE_H = 842, MARGIN = 60, BODY_TOP = 90, BODY_BOTTOM = PAGE_H - 80 };

typedef struct {
    cairo_t *cr;
    PangoFontDescription *body_font, *small_font;
    const char *header;
    int page; /* 1-based, 0 before the first page */
    double y;
} pdf_writer;

static void draw_text(pdf_writer *w, PangoFontDescription *font, double x, double y, const char *text) {
    PangoLayout *l = pango_cairo_create_layout(w->cr);
    pango_layout_set_font_description(l, font);
    pango_layout_set_text(l, text, -1);
    cairo_move_to(w->cr, x, y);
    pango_cairo_show_layout(w->cr, l);
    g_object_unref(l);
}

static void new_page(pdf_writer *w) {
    if (w->page > 0) cairo_show_page(w->cr);
    w->page++;
    char footer[128];
    snprintf(footer, sizeof footer, "Justerandes signatur          Utdragsbestyrkande          Sida %d", w->page);
    draw_text(w, w->small_font, MARGIN, 40, w->header);
    draw_text(w, w->small_font, MARGIN, PAGE_H - 50, footer);
    w->y = BODY_TOP;
}

/* One paragraph (a line of the input), wrapped to the text width, line by line across pages. */
static void paragraph(pdf_writer *w, const char *text, size_t len) {
    if (len == 0) {
        w->y += 6;
        return;
    }
    PangoLayout *l = pango_cairo_create_layout(w->cr);
    pango_layout_set_font_description(l, w->body_font);
    pango_layout_set_width(l, (PAGE_W - 2 * MARGIN) * PANGO_SCALE);
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(l, text, (int)len);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double h = (double)logical.height / PANGO_SCALE;
        if (w->y + h > BODY_BOTTOM) new_page(w);
        double baseline = (double)(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
        cairo_move_to(w->cr, MARGIN, w->y + baseline);
        pango_cairo_show_layout_line(w->cr, pango_layout_iter_get_line_readonly(it));
        w->y += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(l);
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            char *nb = realloc(buf, (cap = cap ? cap * 2 : 65536) + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

int main(int argc, char **argv) {
    if (argc != 5 || strcmp(argv[1], "--header") != 0) {
        fprintf(stderr, "usage: pdfgen --header TEXT OUT.pdf IN.txt\n");
        return 2;
    }
    size_t len = 0;
    char *text = slurp(argv[4], &len);
    if (!text) {
        fprintf(stderr, "pdfgen: cannot read %s\n", argv[4]);
        return 3;
    }
    cairo_surface_t *surface = cairo_pdf_surface_create(argv[3], PAGE_W, PAGE_H);
    pdf_writer w = {.cr = cairo_create(surface),
                    .body_font = pango_font_description_from_string("DejaVu Sans 10"),
                    .small_font = pango_font_description_from_string("DejaVu Sans 8"),
                    .header = argv[2]};
    new_page(&w);
    for (size_t i = 0; i < len;) {
        size_t end = i;
        while (end < len && text[end] != '\n' && text[end] != '\f') end++;
        paragraph(&w, text + i, end - i);
        if (end < len && text[end] == '\f') new_page(&w);
        i = end + 1;
    }
    cairo_destroy(w.cr);
    cairo_surface_finish(surface);
    int rc = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS ? 0 : 5;
    if (rc) fprintf(stderr, "pdfgen: %s: %s\n", argv[3], cairo_status_to_string(cairo_surface_status(surface)));
    else printf("%d\n", w.page);
    cairo_surface_destroy(surface);
    pango_font_description_free(w.body_font);
    pango_font_description_free(w.small_font);
    free(text);
    return rc;
}
