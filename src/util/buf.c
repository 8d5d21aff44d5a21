/*
 * buf.c — growable NUL-terminated byte buffer (see buf.h).
 */
#include "protokollsok/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ps_buf_init(ps_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void ps_buf_free(ps_buf *b)
{
    free(b->data);
    ps_buf_init(b);
}

bool ps_buf_reserve(ps_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra > (size_t)-1 / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void ps_buf_append(ps_buf *b, const char *data, size_t len)
{
    /* data may point into the buffer itself, and growing the buffer moves the bytes: remember
     * the offset (integer arithmetic, so no stale pointer is kept across realloc). */
    uintptr_t from = (uintptr_t)data, base = (uintptr_t)b->data;
    bool inside = b->data && from >= base && from - base < b->cap;
    if (!ps_buf_reserve(b, len))
        return;
    if (len)
        memcpy(b->data + b->len, inside ? b->data + (from - base) : data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void ps_buf_puts(ps_buf *b, const char *s)
{
    ps_buf_append(b, s, strlen(s));
}

void ps_buf_putc(ps_buf *b, char c)
{
    ps_buf_append(b, &c, 1);
}

void ps_buf_printf(ps_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || b->failed)
        return;
    /* Format aside, then append: an argument may point into the buffer, which formatting in
     * place would overwrite and growing would move. Short output needs no allocation. */
    char small[256];
    char *tmp = (size_t)n < sizeof small ? small : malloc((size_t)n + 1);
    if (!tmp) {
        b->failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(tmp, (size_t)n + 1, fmt, ap);
    va_end(ap);
    ps_buf_append(b, tmp, (size_t)n);
    if (tmp != small)
        free(tmp);
}

void ps_buf_clear(ps_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void ps_buf_append_html(ps_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    for (; p < end; p++) {
        switch (*p) {
        case '&':
            ps_buf_puts(b, "&amp;");
            break;
        case '<':
            ps_buf_puts(b, "&lt;");
            break;
        case '>':
            ps_buf_puts(b, "&gt;");
            break;
        case '"':
            ps_buf_puts(b, "&quot;");
            break;
        case '\'':
            ps_buf_puts(b, "&#39;");
            break;
        default:
            if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
                break;
            if (*p == 0xEF && end - p >= 3 && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
                p += 2;
                break;
            }
            ps_buf_putc(b, (char)*p);
        }
    }
}

char *ps_buf_steal(ps_buf *b, size_t *len_out)
{
    if (b->failed) {
        ps_buf_free(b);
        return NULL;
    }
    char *p = b->data;
    size_t len = b->len;
    if (!p) {
        p = calloc(1, 1);
        len = 0;
    }
    if (len_out)
        *len_out = len;
    ps_buf_init(b);
    return p;
}
