/*
 * readers/ocr.c — a PDF page without a text layer read by OCR (see pdf.h, ps_pdf_opts.ocr).
 *
 * The page is rendered by poppler into a cairo image at 300 dpi on white (a page too large for
 * 300 dpi within 120 megapixels gets less), turned to 8-bit grey and given to Tesseract's C API
 * with the Swedish model (tesseract-ocr-swe), automatic page segmentation and a deadline per
 * page (Tesseract's monitor stops the recognition; what was read by then is kept). Tesseract's
 * own messages go to /dev/null: the library never prints. One Tesseract instance serves every
 * page of a document (loading the model costs more than a page).
 */
#include "pdf_layout.h"

#include "protokollsok/buf.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <tesseract/capi.h>

#define PS_OCR_DPI 300.0
#define PS_OCR_MAX_PIXELS (120.0 * 1000 * 1000)

struct ps_ocr {
    TessBaseAPI *api;
};

ps_ocr *ps_ocr_new(void)
{
    ps_ocr *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->api = TessBaseAPICreate();
    if (!o->api || TessBaseAPIInit3(o->api, NULL, "swe") != 0) {
        ps_ocr_free(o);
        return NULL;
    }
    TessBaseAPISetVariable(o->api, "debug_file", "/dev/null");
    TessBaseAPISetPageSegMode(o->api, PSM_AUTO);
    return o;
}

void ps_ocr_free(ps_ocr *o)
{
    if (!o)
        return;
    if (o->api) {
        TessBaseAPIEnd(o->api);
        TessBaseAPIDelete(o->api);
    }
    free(o);
}

/* Tesseract's usual misreadings at a line start, repaired (a malloc'd copy): the § of a paragraph
 * heading read as "$", "$&" or "&" before its number ("$& 31" is "§ 31"), and a stray "|" from
 * a speck or the page edge. */
static char *repair(const char *t)
{
    ps_buf out = PS_BUF_INIT;
    for (const char *line = t; *line;) {
        size_t n = strcspn(line, "\n");
        size_t k = 0;
        while (k < n && k < 3 && (line[k] == '$' || line[k] == '&'))
            k++;
        if (k > 0 && k < n && line[k] == ' ' && line[k + 1] >= '0' && line[k + 1] <= '9') {
            ps_buf_puts(&out, "\xC2\xA7");
            ps_buf_append(&out, line + k, n - k);
        } else if (n >= 2 && line[0] == '|' && line[1] == ' ') {
            ps_buf_append(&out, line + 2, n - 2);
        } else {
            ps_buf_append(&out, line, n);
        }
        line += n;
        if (*line == '\n') {
            ps_buf_putc(&out, '\n');
            line++;
        }
    }
    if (!out.data)
        return out.failed ? NULL : strdup("");
    return ps_buf_steal(&out, NULL);
}

char *ps_ocr_page(ps_ocr *o, PopplerPage *page, double limit, int *confidence)
{
    *confidence = 0;
    double w = 0, h = 0;
    poppler_page_get_size(page, &w, &h);
    if (!(w > 0 && h > 0 && w < 20000 && h < 20000))
        return NULL;
    double scale = PS_OCR_DPI / 72.0;
    if (w * scale * h * scale > PS_OCR_MAX_PIXELS)
        scale = sqrt(PS_OCR_MAX_PIXELS / (w * h));
    int pw = (int)ceil(w * scale), ph = (int)ceil(h * scale);
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return NULL;
    }
    cairo_t *cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    unsigned char *grey = malloc((size_t)pw * (size_t)ph);
    char *text = NULL;
    if (grey) {
        const unsigned char *data = cairo_image_surface_get_data(surface);
        int stride = cairo_image_surface_get_stride(surface);
        for (int y = 0; y < ph; y++) {
            const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
            for (int x = 0; x < pw; x++) {
                uint32_t px = row[x];
                unsigned r = (px >> 16) & 0xFF, g = (px >> 8) & 0xFF, b = px & 0xFF;
                grey[(size_t)y * (size_t)pw + (size_t)x] = (unsigned char)((r * 299 + g * 587 + b * 114) / 1000);
            }
        }
        TessBaseAPISetImage(o->api, grey, pw, ph, 1, pw);
        TessBaseAPISetSourceResolution(o->api, (int)lround(72.0 * scale));
        ETEXT_DESC *monitor = TessMonitorCreate();
        if (monitor)
            TessMonitorSetDeadlineMSecs(monitor, (int)(limit * 1000));
        /* Past the deadline Recognize fails, but what it read by then is there. */
        (void)TessBaseAPIRecognize(o->api, monitor);
        char *t = TessBaseAPIGetUTF8Text(o->api);
        if (t) {
            text = repair(t);
            TessDeleteText(t);
        }
        *confidence = TessBaseAPIMeanTextConf(o->api);
        if (monitor)
            TessMonitorDelete(monitor);
        TessBaseAPIClear(o->api);
        free(grey);
    }
    cairo_surface_destroy(surface);
    return text;
}
