/*
 * pdf.c — PDF text extraction through poppler's GLib API (see pdf.h).
 *
 * Design:
 * - The document is opened from memory (a GBytes over the caller's bytes, no copy) and read page
 *   by page with poppler_page_get_text, which already orders text in reading order (it groups
 *   glyphs into blocks and flows, so a two-column page comes out column by column; the tests
 *   check this on a generated two-column page).
 * - An empty line is inserted where the geometry shows a new paragraph or block (readers/pdf_layout.c),
 *   since poppler's page text marks line ends only.
 * - Each page's text is normalized on its way into the output: ligature code points (U+FB00..
 *   U+FB06) are expanded, soft hyphens dropped (with the line break after one: the word it
 *   split is joined again; one ending the page becomes '-', for the parser's join across pages), a
 * stray form feed or other control character becomes a space (a form feed must only ever separate
 * pages), invalid UTF-8 is repaired.
 * - The time limit runs from the call (loading included) and is checked before every page; a
 *   single page is poppler's and cannot be interrupted in process, so the limit bounds the
 *   work to "limit + one page".
 * - poppler reports syntax problems of broken files through g_log in the "Poppler" domain; a
 *   silent handler is installed once for that domain so the library never prints. That handler
 *   is the only process-wide effect of this module.
 */
#include "protokollsok/pdf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <poppler.h>

#include "internal.h"
#include "pdf_layout.h"
#include "protokollsok/buf.h"

#define PS_PDF_SNIFF_WINDOW 1024
#define PS_PDF_DEFAULT_LIMIT 60.0
#define PS_PDF_DEFAULT_OCR_LIMIT 600.0
/* Text beyond this is not a protocol; it also bounds memory on hostile input. */
#define PS_PDF_MAX_TEXT ((size_t)256 * 1024 * 1024)

bool ps_pdf_sniff(const char *bytes, size_t len)
{
    static const char magic[] = "%PDF-";
    const size_t mlen = sizeof magic - 1;
    if (!bytes || len < mlen)
        return false;
    size_t window = len < PS_PDF_SNIFF_WINDOW ? len : PS_PDF_SNIFF_WINDOW;
    for (size_t i = 0; i + mlen <= window; i++)
        if (bytes[i] == '%' && memcmp(bytes + i, magic, mlen) == 0)
            return true;
    return false;
}

void ps_pdf_meta_clear(ps_pdf_meta *meta)
{
    if (!meta)
        return;
    free(meta->title);
    free(meta->creation_date);
    *meta = (ps_pdf_meta){0};
}

static void ps_pdf_silent_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                              gpointer data)
{
    (void)domain;
    (void)level;
    (void)message;
    (void)data;
}

static gpointer ps_pdf_install_log_handler(gpointer unused)
{
    (void)unused;
    g_log_set_handler("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                      ps_pdf_silent_log, NULL);
    return NULL;
}

/* The expansion of a ligature code point U+FB00..U+FB06 (UTF-8 EF AC 80..86). */
static const char *ps_pdf_ligature(unsigned char last)
{
    static const char *const expansions[] = {"ff", "fi", "fl", "ffi", "ffl", "st", "st"};
    if (last < 0x80 || last > 0x86)
        return NULL;
    return expansions[last - 0x80];
}

/* Append valid UTF-8 page text to out, normalized as described at the top of the file.
 * Returns true when the page had any visible (non-whitespace) character. */
static bool ps_pdf_append_page(ps_buf *out, const char *text, size_t len)
{
    bool visible = false;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        if (c == 0xC2 && i + 1 < len && (unsigned char)text[i + 1] == 0xAD) {
            /* A soft hyphen marks a hyphenation point: at a line end the word goes on, so the
             * line break goes too; at the end of the page the word goes on over the page
             * break, which the parser joins when it sees a plain hyphen there. */
            i += 2;
            if (i + strspn(text + i, " \n") == len)
                ps_buf_putc(out, '-');
            else if (text[i] == '\n')
                i++;
            continue;
        }
        if (c == 0xEF && i + 2 < len && (unsigned char)text[i + 1] == 0xAC) {
            const char *lig = ps_pdf_ligature((unsigned char)text[i + 2]);
            if (lig) {
                ps_buf_puts(out, lig);
                visible = true;
                i += 3;
                continue;
            }
        }
        if (c < 0x20 || c == 0x7F) {
            ps_buf_putc(out, (c == '\n' || c == '\t') ? (char)c : ' ');
            i++;
            continue;
        }
        if (c != ' ')
            visible = true;
        ps_buf_putc(out, (char)c);
        i++;
    }
    if (len > 0 && out->len > 0 && out->data[out->len - 1] != '\n')
        ps_buf_putc(out, '\n'); /* like pdftotext: a page's last line ends before the '\f' */
    return visible;
}

static void ps_pdf_read_meta(PopplerDocument *doc, ps_pdf_meta *meta)
{
    gchar *title = poppler_document_get_title(doc);
    if (title) {
        g_strstrip(title);
        if (*title && g_utf8_validate(title, -1, NULL))
            meta->title = strdup(title);
        g_free(title);
    }
    GDateTime *created = poppler_document_get_creation_date_time(doc);
    if (created) {
        gchar *iso = g_date_time_format(created, "%Y-%m-%d");
        if (iso && strlen(iso) == 10)
            meta->creation_date = strdup(iso);
        g_free(iso);
        g_date_time_unref(created);
    }
}

static ps_status ps_pdf_open_error(GError *gerr, ps_error *err)
{
    const char *why = gerr && gerr->message && *gerr->message ? gerr->message : "unknown error";
    if (gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
        return ps_error_set(err, PS_ERR_UNSUPPORTED,
                            "krypterad PDF (encrypted PDF): needs a password to open");
    return ps_error_set(err, PS_ERR_INVALID, "trasig PDF (broken PDF): %s", why);
}

/* Append page i's normalized text to out; true when it has visible text. An unreadable page
 * stays an empty page, so the numbering of the pages after it stays right. */
/* OCR state of one read: the options, the Tesseract instance (made at the first page that
 * needs it) and the counts for ps_pdf_meta. */
typedef struct {
    const ps_pdf_opts *opts;
    ps_ocr *ocr;
    bool ocr_failed;
    int pages, low, confidence_sum;
} ps_pdf_ocr_state;

/* Read page by OCR into out (after its empty text layer); true when it gave text. */
static bool ps_pdf_ocr(ps_pdf_ocr_state *o, PopplerPage *page, ps_buf *out)
{
    if (!o->ocr && !o->ocr_failed && !(o->ocr = ps_ocr_new()))
        o->ocr_failed = true;
    if (!o->ocr)
        return false;
    double limit = o->opts->ocr_page_limit > 0 ? o->opts->ocr_page_limit : 60.0;
    int confidence = 0;
    char *t = ps_ocr_page(o->ocr, page, limit, &confidence);
    if (!t)
        return false;
    /* The page's (empty) text layer gave at most white space and a line end: replace it. */
    while (out->len && out->data[out->len - 1] != '\f' &&
           (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == ' '))
        out->data[--out->len] = '\0';
    bool visible = ps_pdf_append_page(out, t, strlen(t));
    free(t);
    if (visible) {
        o->pages++;
        o->confidence_sum += confidence;
        int min = o->opts->ocr_min_confidence > 0 ? o->opts->ocr_min_confidence : 60;
        o->low += confidence < min;
    }
    return visible;
}

static bool ps_pdf_read_page(PopplerDocument *doc, int i, ps_buf *out, ps_pdf_ocr_state *o)
{
    PopplerPage *page = poppler_document_get_page(doc, i);
    if (!page)
        return false;
    gchar *text = poppler_page_get_text(page);
    if (!text) {
        g_object_unref(page);
        return false;
    }
    size_t len = strlen(text);
    if (g_utf8_validate(text, (gssize)len, NULL)) {
        PopplerRectangle *rects = NULL;
        guint nrects = 0;
        if (poppler_page_get_text_layout(page, &rects, &nrects)) {
            char *marked = ps_pdf_mark_paragraphs(text, rects, nrects);
            if (marked) {
                g_free(text);
                text = g_strdup(marked);
                free(marked);
                len = text ? strlen(text) : 0;
            }
            g_free(rects);
        }
    } else {
        gchar *valid = g_utf8_make_valid(text, (gssize)len);
        g_free(text);
        text = valid;
        len = strlen(text);
    }
    bool visible = ps_pdf_append_page(out, text, len);
    g_free(text);
    if (!visible && o->opts->ocr)
        visible = ps_pdf_ocr(o, page, out);
    g_object_unref(page);
    return visible;
}

/* Read every page into out, '\f' between pages. Fails on the time limit (counted from start,
 * in g_get_monotonic_time microseconds), on size and when no page has text. */
static ps_status ps_pdf_read_pages(PopplerDocument *doc, int npages, gint64 start, double limit,
                                   ps_pdf_ocr_state *o, ps_buf *out, ps_error *err)
{
    bool any_text = false;
    for (int i = 0; i < npages; i++) {
        double elapsed = (double)(g_get_monotonic_time() - start) / 1e6;
        if (elapsed > limit)
            return ps_error_set(err, PS_ERR_TIMEOUT,
                                "tidsgränsen %.3g s överskreds efter %d av %d sidor "
                                "(time limit exceeded after %d of %d pages)",
                                limit, i, npages, i, npages);
        if (i > 0)
            ps_buf_putc(out, '\f');
        if (ps_pdf_read_page(doc, i, out, o))
            any_text = true;
        if (out->failed)
            return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading PDF page %d", i + 1);
        if (out->len > PS_PDF_MAX_TEXT)
            return ps_error_set(err, PS_ERR_TOO_LARGE, "PDF text over %zu MB at page %d",
                                PS_PDF_MAX_TEXT >> 20, i + 1);
    }
    if (!any_text && o->opts->ocr && o->ocr_failed)
        return ps_error_set(err, PS_ERR_UNSUPPORTED,
                            "ingen textlager och ingen OCR — installera tesseract-ocr-swe (no text "
                            "layer, and Tesseract with Swedish is missing)");
    if (!any_text && o->opts->ocr)
        return ps_error_set(err, PS_ERR_UNSUPPORTED,
                            "ingen text, inte heller med OCR (no text layer, and OCR read none)");
    if (!any_text)
        return ps_error_set(err, PS_ERR_UNSUPPORTED,
                            "ingen textlager — skannad PDF? (no text layer: scanned PDF?)");
    return PS_OK;
}

bool ps_pdf_ocr_available(void)
{
    ps_ocr *o = ps_ocr_new();
    ps_ocr_free(o);
    return o != NULL;
}

ps_status ps_pdf_to_text(const char *bytes, size_t len, double time_limit, char **text,
                         size_t *text_len, ps_pdf_meta *meta, ps_error *err)
{
    ps_pdf_opts opts = {.time_limit = time_limit};
    return ps_pdf_to_text_opts(bytes, len, &opts, text, text_len, meta, err);
}

ps_status ps_pdf_to_text_opts(const char *bytes, size_t len, const ps_pdf_opts *opts, char **text,
                              size_t *text_len, ps_pdf_meta *meta, ps_error *err)
{
    static GOnce log_once = G_ONCE_INIT;
    static const ps_pdf_opts defaults = {0};
    gint64 start = g_get_monotonic_time();
    if (!opts)
        opts = &defaults;
    double time_limit = opts->time_limit;
    ps_error_clear(err);
    if (meta)
        *meta = (ps_pdf_meta){0};
    if (!text)
        return ps_error_set(err, PS_ERR_INVALID, "ps_pdf_to_text: text is NULL");
    *text = NULL;
    if (text_len)
        *text_len = 0;
    if (!bytes || len == 0)
        return ps_error_set(err, PS_ERR_INVALID, "trasig PDF (broken PDF): empty input");
    if (!ps_pdf_sniff(bytes, len))
        return ps_error_set(err, PS_ERR_INVALID, "inte en PDF (not a PDF): no %%PDF- header");
    double limit = (isfinite(time_limit) && time_limit > 0) ? time_limit
                   : opts->ocr                                ? PS_PDF_DEFAULT_OCR_LIMIT
                                                              : PS_PDF_DEFAULT_LIMIT;
    g_once(&log_once, ps_pdf_install_log_handler, NULL);

    GBytes *gbytes = g_bytes_new_static(bytes, len);
    GError *gerr = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(gbytes, NULL, &gerr);
    g_bytes_unref(gbytes);
    if (!doc) {
        ps_status st = ps_pdf_open_error(gerr, err);
        g_clear_error(&gerr);
        return st;
    }
    int npages = poppler_document_get_n_pages(doc);
    ps_buf out = PS_BUF_INIT;
    ps_pdf_ocr_state ocr = {.opts = opts};
    ps_status st = npages > 0
                       ? ps_pdf_read_pages(doc, npages, start, limit, &ocr, &out, err)
                       : ps_error_set(err, PS_ERR_INVALID, "trasig PDF (broken PDF): no pages");
    ps_ocr_free(ocr.ocr);
    if (st == PS_OK && meta) {
        ps_pdf_read_meta(doc, meta);
        meta->npages = npages;
        meta->ocr_pages = ocr.pages;
        meta->ocr_low_pages = ocr.low;
        meta->ocr_confidence = ocr.pages ? ocr.confidence_sum / ocr.pages : 0;
    }
    g_object_unref(doc);
    return ps_reader_finish(st, &out, meta, "PDF", text, text_len, err);
}
