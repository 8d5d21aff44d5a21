/*
 * server_input.c — libFuzzer harness for the server's own input handling: the raw-path check,
 * percent-decoding, UTF-8 validation and escaping. Properties checked, not just "no crash":
 * an accepted path has no "..", "//", backslash or NUL; escaped HTML/XML holds no raw markup
 * characters; URL encoding round-trips.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/server/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    char *p = ps_srv_checked_path(s, strlen(s));
    if (p) {
        if (strstr(p, "/../") || strstr(p, "//") || strchr(p, '\\') || p[0] != '/' ||
            (strlen(p) >= 3 && strcmp(p + strlen(p) - 3, "/..") == 0) || !ps_srv_text_ok(p))
            abort();
        free(p);
    }

    ps_buf b = PS_BUF_INIT;
    ps_srv_escape(&b, s);
    if (b.data && (strchr(b.data, '<') || strchr(b.data, '>') || strchr(b.data, '"')))
        abort();
    for (size_t i = 0; b.data && i < b.len; i++)
        if ((unsigned char)b.data[i] < 0x20 && b.data[i] != '\t' && b.data[i] != '\n' &&
            b.data[i] != '\r')
            abort();
    ps_buf_clear(&b);
    ps_srv_url_encode(&b, s);
    if (b.data) {
        char *round = strdup(b.data);
        if (!round || !ps_srv_url_decode(round) || strcmp(round, s) != 0)
            abort();
        free(round);
    }
    ps_buf_free(&b);

    char *d = strdup(s);
    if (d && ps_srv_url_decode(d))
        (void)ps_srv_text_ok(d);
    free(d);
    free(s);
    return 0;
}
