/*
 * buf.h — a growable byte buffer, always NUL-terminated.
 *
 * The buffer owns its bytes. ps_buf_free releases them; ps_buf_steal hands them to the caller
 * (who frees with free()). A buffer whose allocation failed keeps `failed` set and ignores
 * further appends, so callers can append freely and check once at the end.
 */
#ifndef PROTOKOLLSOK_BUF_H
#define PROTOKOLLSOK_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data; /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
    bool failed; /* an allocation failed; contents are truncated */
} ps_buf;

#define PS_BUF_INIT {NULL, 0, 0, false}

void ps_buf_init(ps_buf *b);
void ps_buf_free(ps_buf *b);
/* Ensure room for `extra` more bytes plus the NUL. Returns false (and sets failed) on OOM. */
bool ps_buf_reserve(ps_buf *b, size_t extra);
void ps_buf_append(ps_buf *b, const char *data, size_t len);
void ps_buf_puts(ps_buf *b, const char *s);
void ps_buf_putc(ps_buf *b, char c);
void ps_buf_printf(ps_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ps_buf_clear(ps_buf *b); /* len = 0, keeps capacity */
/* Append s[0..n) escaped for HTML and XML text and attributes: & < > " ' become entities; C0
 * controls other than tab/LF/CR and U+FFFE/U+FFFF (not XML characters) are dropped. */
void ps_buf_append_html(ps_buf *b, const char *s, size_t n);
/* Hand the bytes to the caller (free() them) and reset b. Returns "" copy when empty; NULL on OOM. */
char *ps_buf_steal(ps_buf *b, size_t *len_out);

#endif
