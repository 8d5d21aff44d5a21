/*
 * protocol/decode.c — raw bytes to clean UTF-8 (ps_protocol_decode).
 *
 * Decides between three readings of the bytes: valid UTF-8 (the common case), Windows-1252 /
 * Latin-1 (older systems: high bytes that never form UTF-8 sequences), and UTF-8 with some
 * damage (repaired with U+FFFD). Binary data is refused rather than guessed at: a NUL byte or
 * many control bytes mean the file is not text. Line ends are normalized to '\n', a BOM dropped,
 * other control characters except '\t' and '\f' (page breaks) become spaces, and so do no-break
 * and other typographic spaces; soft hyphens and zero-width characters are dropped.
 */
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Windows-1252 0x80..0x9F; 0 where the code page leaves the byte undefined. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0,
};

/* Length of the valid UTF-8 sequence at s, or 0 when it is invalid (overlong, surrogate,
 * out of range, truncated). */
static size_t utf8_seq_len(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static void put_cp(ps_buf *b, uint32_t cp)
{
    char t[4];
    size_t n;
    if (cp < 0x80) {
        t[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        t[0] = (char)(0xC0 | (cp >> 6));
        t[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else {
        t[0] = (char)(0xE0 | (cp >> 12));
        t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    }
    ps_buf_append(b, t, n);
}

/* Append an ASCII byte, normalizing line ends and control characters. Returns how many input
 * bytes were used (2 for CRLF). */
static size_t put_ascii(ps_buf *b, const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c == '\r') {
        ps_buf_putc(b, '\n');
        return (len > 1 && s[1] == '\n') ? 2 : 1;
    }
    if (c < 0x20 && c != '\n' && c != '\t' && c != '\f')
        c = ' ';
    else if (c == 0x7F)
        c = ' ';
    ps_buf_putc(b, (char)c);
    return 1;
}

/* Append a valid UTF-8 sequence; the invisible or exotic spaces PDF and word processors leave
 * in text become plain spaces (so "§\u00A0243" and "2023.076\u00A0SN" read like typed text),
 * soft hyphens and zero-width characters go. */
static void put_seq(ps_buf *b, const unsigned char *s, size_t n)
{
    if (n == 2 && s[0] == 0xC2 && s[1] == 0xA0) {
        ps_buf_putc(b, ' '); /* no-break space */
        return;
    }
    if (n == 2 && s[0] == 0xC2 && s[1] == 0xAD)
        return; /* soft hyphen */
    if (n == 3 && s[0] == 0xE2 && s[1] == 0x80) {
        if ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xAF) {
            ps_buf_putc(b, ' '); /* en/em/thin/figure/narrow no-break spaces */
            return;
        }
        if (s[2] >= 0x8B && s[2] <= 0x8D)
            return; /* zero-width space, non-joiner, joiner */
    }
    if (n == 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        return; /* a byte-order mark inside the text */
    ps_buf_append(b, (const char *)s, n);
}

static bool is_control(unsigned char c)
{
    return (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') || c == 0x7F;
}

ps_status ps_protocol_decode(const char *bytes, size_t len, char **out, size_t *out_len,
                             char **note, ps_error *err)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    if (note)
        *note = NULL;
    if (!bytes || len == 0)
        return ps_error_set(err, PS_ERR_INVALID, "empty input");
    const unsigned char *s = (const unsigned char *)bytes;
    if (len >= 5 && memcmp(s, "%PDF-", 5) == 0) {
        ps_error_set(err, PS_ERR_UNSUPPORTED, "a PDF file, not text (extract its text first)");
        ps_error_locate(err, NULL, 0, 0);
        return PS_ERR_UNSUPPORTED;
    }
    if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        ps_error_set(err, PS_ERR_UNSUPPORTED, "UTF-16 text is not supported (convert to UTF-8)");
        ps_error_locate(err, NULL, 0, 0);
        return PS_ERR_UNSUPPORTED;
    }
    const unsigned char *nul = memchr(s, 0, len);
    if (nul) {
        long off = (long)(nul - s);
        ps_error_set(err, PS_ERR_UNSUPPORTED, "binary data: NUL byte at offset %ld", off);
        ps_error_locate(err, NULL, 0, off);
        return PS_ERR_UNSUPPORTED;
    }

    /* One pass to classify: control bytes, valid multi-byte sequences, invalid bytes. */
    size_t controls = 0, first_control = 0, multibyte = 0, invalid = 0, first_invalid = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] < 0x80) {
            if (is_control(s[i]) && controls++ == 0)
                first_control = i;
            i++;
            continue;
        }
        size_t n = utf8_seq_len(s + i, len - i);
        if (n == 0) {
            if (invalid++ == 0)
                first_invalid = i;
            i++;
        } else {
            multibyte++;
            i += n;
        }
    }
    if (controls > 8 && controls * 100 > len) {
        ps_error_set(err, PS_ERR_UNSUPPORTED,
                     "binary data: %zu control bytes, the first at offset %zu", controls,
                     first_control);
        ps_error_locate(err, NULL, 0, (long)first_control);
        return PS_ERR_UNSUPPORTED;
    }

    /* Legacy 8-bit text: high bytes that (almost) never form UTF-8. */
    bool legacy = invalid > 0 && invalid > multibyte;
    size_t start = 0;
    if (!legacy && len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        start = 3;
    ps_buf b = PS_BUF_INIT;
    ps_buf_reserve(&b, len + len / 2);
    for (size_t i = start; i < len;) {
        if (s[i] < 0x80) {
            i += put_ascii(&b, s + i, len - i);
        } else if (legacy) {
            uint32_t cp = s[i] < 0xA0 ? cp1252_high[s[i] - 0x80] : s[i];
            if (cp == 0xA0)
                ps_buf_putc(&b, ' ');
            else if (cp != 0xAD)
                put_cp(&b, cp ? cp : 0xFFFD);
            i++;
        } else {
            size_t n = utf8_seq_len(s + i, len - i);
            if (n == 0) {
                put_cp(&b, 0xFFFD);
                i++;
            } else {
                put_seq(&b, s + i, n);
                i += n;
            }
        }
    }
    if (b.failed) {
        ps_buf_free(&b);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory decoding %zu bytes", len);
    }
    if (note) {
        char msg[160];
        msg[0] = '\0';
        if (legacy)
            snprintf(msg, sizeof msg, "converted from Windows-1252/Latin-1 (%zu bytes)", invalid);
        else if (invalid)
            snprintf(msg, sizeof msg,
                     "invalid UTF-8 at byte offset %zu replaced with U+FFFD (%zu bytes in all)",
                     first_invalid, invalid);
        if (msg[0] && !(*note = strdup(msg))) {
            ps_buf_free(&b);
            return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
        }
    }
    size_t n = 0;
    *out = ps_buf_steal(&b, &n);
    if (!*out) {
        if (note) {
            free(*note);
            *note = NULL;
        }
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    }
    if (out_len)
        *out_len = n;
    ps_error_clear(err);
    return PS_OK;
}
