/*
 * search/export.c — ps_search_csv: the hits of a search as CSV for a spreadsheet (RFC 4180,
 * UTF-8 with a byte-order mark: without it Excel reads the bytes as Windows-1252 and å/ä/ö
 * come out as Ã¥/Ã¤/Ã¶).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/buf.h"
#include "internal.h"

/* One field: quoted when it holds a comma or a quote (quotes doubled); line breaks (a title's
 * wrapped lines) become spaces, so one ärende is one line. A field starting with = + - @ could
 * run as a formula in a spreadsheet: it gets a leading apostrophe (OWASP's advice for CSV
 * injection), which spreadsheet programs hide. */
static void csv_field(ps_buf *b, const char *v, bool last)
{
    v = v ? v : "";
    bool formula = v[0] && strchr("=+-@", v[0]);
    if (formula || strpbrk(v, ",\"")) {
        ps_buf_putc(b, '"');
        if (formula)
            ps_buf_putc(b, '\'');
        for (const char *p = v; *p; p++) {
            if (*p == '"')
                ps_buf_putc(b, '"');
            ps_buf_putc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
        }
        ps_buf_putc(b, '"');
    } else {
        for (const char *p = v; *p; p++)
            ps_buf_putc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
    }
    ps_buf_puts(b, last ? "\r\n" : ",");
}

static void url_encode(ps_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            ps_buf_putc(b, (char)*p);
        else
            ps_buf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

ps_status ps_search_csv(const json_t *result, const char *link_prefix, char **out, size_t *len,
                        ps_error *err)
{
    *out = NULL;
    *len = 0;
    static const char *const fields[] = {"dnr",    "paragraf", "title", "namnd",
                                         "kommun", "date",     "type"};
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, "\xEF\xBB\xBF"
                    "Diarienummer,Paragraf,Rubrik,Nämnd,Kommun,Datum,Typ,Länk\r\n");
    ps_buf link = PS_BUF_INIT;
    size_t i;
    json_t *hit;
    json_array_foreach(json_object_get(result, "hits"), i, hit)
    {
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
            csv_field(&b, json_string_value(json_object_get(hit, fields[f])), false);
        const char *key = json_string_value(json_object_get(hit, "key"));
        ps_buf_clear(&link);
        ps_buf_puts(&link, "");
        if (key && link_prefix) {
            ps_buf_puts(&link, link_prefix);
            url_encode(&link, key);
        } else if (key) {
            ps_buf_puts(&link, key);
        }
        csv_field(&b, link.data, true);
    }
    bool failed = b.failed || link.failed;
    ps_buf_free(&link);
    if (failed) {
        ps_buf_free(&b);
        return ps_search_nomem(err);
    }
    *out = ps_buf_steal(&b, len);
    return PS_OK;
}
