/*
 * fuzz_pdf.c — libFuzzer harness for the PDF reader (src/readers/pdf.c): sniffing, opening, per-page
 * normalization, the failure paths. poppler itself is not instrumented, so the coverage that
 * guides the fuzzer is our own code. Checks the output contract on every successful read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    bool looks_pdf = ps_pdf_sniff(bytes, size);
    char *text = NULL;
    size_t len = 0;
    ps_pdf_meta meta;
    ps_error err;
    ps_status st = ps_pdf_to_text(bytes, size, 2.0, &text, &len, &meta, &err);
    if (st == PS_OK) {
        size_t feeds = 0;
        if (!looks_pdf || !text || strlen(text) != len || meta.npages < 1)
            abort();
        for (size_t i = 0; i < len; i++)
            feeds += text[i] == '\f';
        if (feeds != (size_t)meta.npages - 1 || strstr(text, "\xC2\xAD") ||
            strstr(text, "\xEF\xAC\x81"))
            abort();
    } else if (text || err.message[0] == '\0' || meta.title || meta.creation_date) {
        abort();
    }
    free(text);
    ps_pdf_meta_clear(&meta);
    return 0;
}
