/*
 * fuzz_html.c — libFuzzer harness for the HTML reader (src/readers/html.c): the input is read
 * as an HTML page (with "<!DOCTYPE html>" put before it when it does not sniff as one), and the
 * output contract is checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/buf.h"
#include "protokollsok/document.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ps_buf page = PS_BUF_INIT;
    if (ps_document_sniff((const char *)data, size) != PS_DOCUMENT_HTML)
        ps_buf_puts(&page, "<!DOCTYPE html>");
    ps_buf_append(&page, (const char *)data, size);
    if (page.failed) {
        ps_buf_free(&page);
        return 0;
    }
    char *text = NULL;
    size_t len = 0;
    ps_pdf_meta meta;
    ps_error err;
    ps_document_format format;
    ps_status st = ps_document_to_text(page.data, page.len, NULL, &text, &len, &meta, &format, &err);
    if (format != PS_DOCUMENT_HTML)
        abort();
    if (st == PS_OK) {
        if (!text || strlen(text) != len || len == 0 || text[len - 1] != '\n')
            abort();
    } else if (text || err.message[0] == '\0' || meta.title || meta.creation_date) {
        abort();
    }
    free(text);
    ps_pdf_meta_clear(&meta);
    ps_buf_free(&page);
    return 0;
}
