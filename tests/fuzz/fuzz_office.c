/*
 * fuzz_office.c — libFuzzer harness for the DOCX and ODT reader (src/readers/office.c).
 *
 * A mutated zip rarely gets past its CRC checks, so the input's first byte chooses: 'D' packs the
 * rest as word/document.xml of a DOCX, 'O' as content.xml of an ODT (both in a stored zip the
 * harness writes itself, with a valid CRC), so the fuzzer reaches the XML walkers; anything else
 * is read as the file it is (sniffing, the zip reader's failure paths). Checks the output
 * contract on every read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "protokollsok/buf.h"
#include "protokollsok/document.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void le16(ps_buf *b, unsigned v)
{
    ps_buf_putc(b, (char)(v & 0xFF));
    ps_buf_putc(b, (char)((v >> 8) & 0xFF));
}

static void le32(ps_buf *b, unsigned long v)
{
    le16(b, (unsigned)(v & 0xFFFF));
    le16(b, (unsigned)((v >> 16) & 0xFFFF));
}

/* A zip of stored entries (names[i], contents[i]). */
static void write_zip(ps_buf *z, const char *const *names, const uint8_t *const *contents,
                      const size_t *lens, size_t n)
{
    unsigned long offsets[4];
    unsigned long crcs[4];
    for (size_t i = 0; i < n; i++) {
        offsets[i] = (unsigned long)z->len;
        crcs[i] = crc32(0L, contents[i], (uInt)lens[i]);
        le32(z, 0x04034b50);
        le16(z, 20), le16(z, 0), le16(z, 0), le16(z, 0), le16(z, 0);
        le32(z, crcs[i]), le32(z, (unsigned long)lens[i]), le32(z, (unsigned long)lens[i]);
        le16(z, (unsigned)strlen(names[i])), le16(z, 0);
        ps_buf_puts(z, names[i]);
        ps_buf_append(z, (const char *)contents[i], lens[i]);
    }
    unsigned long cd = (unsigned long)z->len;
    for (size_t i = 0; i < n; i++) {
        le32(z, 0x02014b50);
        le16(z, 20), le16(z, 20), le16(z, 0), le16(z, 0), le16(z, 0), le16(z, 0);
        le32(z, crcs[i]), le32(z, (unsigned long)lens[i]), le32(z, (unsigned long)lens[i]);
        le16(z, (unsigned)strlen(names[i])), le16(z, 0), le16(z, 0), le16(z, 0), le16(z, 0);
        le32(z, 0), le32(z, offsets[i]);
        ps_buf_puts(z, names[i]);
    }
    unsigned long cdlen = (unsigned long)z->len - cd;
    le32(z, 0x06054b50);
    le16(z, 0), le16(z, 0), le16(z, (unsigned)n), le16(z, (unsigned)n);
    le32(z, cdlen), le32(z, cd), le16(z, 0);
}

static void check(const char *bytes, size_t size)
{
    char *text = NULL;
    size_t len = 0;
    ps_pdf_meta meta;
    ps_error err;
    ps_document_format format;
    ps_status st = ps_document_to_text(bytes, size, &(ps_pdf_opts){.time_limit = 2.0}, &text, &len, &meta, &format, &err);
    if (st == PS_OK) {
        /* Text passes through as it is (NUL bytes and all); converted text has none. */
        if (!text || (format != PS_DOCUMENT_TEXT && strlen(text) != len) ||
            (format == PS_DOCUMENT_TEXT && (len != size || memcmp(text, bytes, size) != 0)))
            abort();
        if ((format == PS_DOCUMENT_DOCX || format == PS_DOCUMENT_ODT) &&
            (len == 0 || text[len - 1] != '\n'))
            abort();
    } else if (text || err.message[0] == '\0' || meta.title || meta.creation_date) {
        abort();
    }
    free(text);
    ps_pdf_meta_clear(&meta);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 0 && (data[0] == 'D' || data[0] == 'O')) {
        static const uint8_t mimetype[] = "application/vnd.oasis.opendocument.text";
        static const uint8_t meta[] = "<office:document-meta><office:meta><dc:title>T</dc:title>"
                                      "</office:meta></office:document-meta>";
        bool docx = data[0] == 'D';
        const char *names[2] = {docx ? "[Content_Types].xml" : "mimetype",
                                docx ? "word/document.xml" : "content.xml"};
        const uint8_t *contents[2] = {docx ? meta : mimetype, data + 1};
        size_t lens[2] = {docx ? sizeof meta - 1 : sizeof mimetype - 1, size - 1};
        ps_buf z = PS_BUF_INIT;
        write_zip(&z, names, contents, lens, 2);
        if (!z.failed)
            check(z.data, z.len);
        ps_buf_free(&z);
        return 0;
    }
    check((const char *)data, size);
    return 0;
}
