/*
 * server/http.c — building responses: security headers on every reply, gzip when the client
 * accepts it and the body is worth it, JSON errors in two languages, the access log, and the
 * escaping/decoding helpers the other parts share.
 */
#include "internal.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

static void utc_now(char *out, size_t n);

/* No inline script or style anywhere: the web UI loads its modules and CSS from 'self'. */
static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                          "form-action 'self'; frame-ancestors 'none'";

static bool accepts_gzip(struct MHD_Connection *conn)
{
    const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding");
    if (!ae)
        return false;
    const char *p = ae;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *tok = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ')
            p++;
        size_t n = (size_t)(p - tok);
        bool named = (n == 4 && strncasecmp(tok, "gzip", 4) == 0) || (n == 1 && *tok == '*');
        bool zero = false;
        while (*p && *p != ',') {
            if (*p == 'q' && p[1] == '=') {
                double q = strtod(p + 2, NULL);
                zero = q <= 0.0;
            }
            p++;
        }
        if (named)
            return !zero;
    }
    return false;
}

static bool compressible(const char *type)
{
    return strncmp(type, "text/", 5) == 0 || strstr(type, "json") || strstr(type, "xml") ||
           strstr(type, "javascript");
}

/* gzip body into a new buffer; NULL when it failed or did not get smaller. */
static unsigned char *gzip_body(const char *body, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    uLong cap = deflateBound(&z, (uLong)len);
    unsigned char *out = malloc(cap);
    if (!out) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (Bytef *)(uintptr_t)body;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || *out_len >= len) {
        free(out);
        return NULL;
    }
    return out;
}

static void add_default_headers(struct MHD_Response *resp, const char *content_type)
{
    if (!MHD_get_response_header(resp, "Content-Security-Policy"))
        MHD_add_response_header(resp, "Content-Security-Policy", csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    if (content_type && !MHD_get_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    if (!MHD_get_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

enum MHD_Result ps_srv_reply(ps_srv_ctx *c, unsigned status, const char *content_type,
                             const char *body, size_t len, const char *const *extra_headers)
{
    unsigned char *gz = NULL;
    size_t gz_len = 0;
    bool may_gzip = content_type && compressible(content_type);
    if (may_gzip && len >= PS_SRV_GZIP_MIN && accepts_gzip(c->conn))
        gz = gzip_body(body, len, &gz_len);
    struct MHD_Response *resp;
    if (gz)
        resp = MHD_create_response_from_buffer(gz_len, gz, MHD_RESPMEM_MUST_FREE);
    else
        resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
    if (!resp) {
        free(gz);
        return MHD_NO;
    }
    for (size_t i = 0; extra_headers && extra_headers[i]; i += 2)
        MHD_add_response_header(resp, extra_headers[i], extra_headers[i + 1]);
    if (gz)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    if (may_gzip)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    add_default_headers(resp, content_type);
    return ps_srv_queue(c, status, resp, gz ? gz_len : len);
}

enum MHD_Result ps_srv_queue(ps_srv_ctx *c, unsigned status, struct MHD_Response *resp,
                             size_t bytes)
{
    if (c->req->last)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    else if (c->srv->keep_alive[0])
        MHD_add_response_header(resp, "Keep-Alive", c->srv->keep_alive);
    enum MHD_Result res = MHD_queue_response(c->conn, status, resp);
    MHD_destroy_response(resp);
    ps_srv_log_access(c, status, bytes);
    return res;
}

enum MHD_Result ps_srv_json(ps_srv_ctx *c, unsigned status, const json_t *v,
                            const char *const *extra_headers)
{
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    if (!text)
        return ps_srv_error(c, 500, "internal", "Internt fel.", "Internal error.");
    enum MHD_Result res = ps_srv_reply(c, status, "application/json; charset=utf-8", text,
                                       strlen(text), extra_headers);
    free(text);
    return res;
}

/* An error on /feed.atom is an Atom feed too, so that a feed reader shows the message: the
 * feed's title says what went wrong, in Swedish, the subtitle in English. */
static enum MHD_Result atom_error(ps_srv_ctx *c, unsigned status, const char *code,
                                  const char *message_sv, const char *message_en,
                                  const char *const *extra_headers)
{
    char when[32];
    utc_now(when, sizeof when);
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"sv\">\n<title>Fel: ");
    ps_srv_escape(&b, message_sv);
    ps_buf_puts(&b, "</title>\n<subtitle>");
    ps_srv_escape(&b, message_en);
    ps_buf_printf(&b, "</subtitle>\n<id>urn:protokollsok:error:%u:", status);
    ps_srv_escape(&b, code);
    ps_buf_printf(&b, "</id>\n<updated>%s</updated>\n<author><name>protokollsok</name></author>\n"
                      "</feed>\n",
                  when);
    enum MHD_Result res =
        b.failed ? MHD_NO
                 : ps_srv_reply(c, status, "application/atom+xml; charset=utf-8", b.data, b.len,
                                extra_headers);
    ps_buf_free(&b);
    return res;
}

/* offset: the character of the query at fault, or -1 (left out). */
static enum MHD_Result error_reply(ps_srv_ctx *c, unsigned status, const char *code,
                                   const char *message_sv, const char *message_en, long offset,
                                   const char *const *extra_headers)
{
    if (c->atom)
        return atom_error(c, status, code, message_sv, message_en, extra_headers);
    json_t *e = json_pack("{s:{s:i,s:s,s:s,s:s}}", "error", "status", (int)status, "code", code,
                          "message_sv", message_sv, "message_en", message_en);
    if (e && offset >= 0)
        json_object_set_new(json_object_get(e, "error"), "offset", json_integer(offset));
    char *text = e ? json_dumps(e, JSON_COMPACT) : NULL;
    json_decref(e);
    static const char fallback[] = "{\"error\":{\"status\":500,\"code\":\"internal\"}}";
    enum MHD_Result res = ps_srv_reply(c, text ? status : 500, "application/json; charset=utf-8",
                                       text ? text : fallback,
                                       text ? strlen(text) : sizeof fallback - 1, extra_headers);
    free(text);
    return res;
}

enum MHD_Result ps_srv_error_headers(ps_srv_ctx *c, unsigned status, const char *code,
                                     const char *message_sv, const char *message_en,
                                     const char *const *extra_headers)
{
    return error_reply(c, status, code, message_sv, message_en, -1, extra_headers);
}

enum MHD_Result ps_srv_error(ps_srv_ctx *c, unsigned status, const char *code,
                             const char *message_sv, const char *message_en)
{
    return error_reply(c, status, code, message_sv, message_en, -1, NULL);
}

enum MHD_Result ps_srv_error_from(ps_srv_ctx *c, const ps_error *err, bool missing_is_404)
{
    char en[PS_ERROR_MESSAGE_MAX + 64];
    char sv[PS_ERROR_MESSAGE_MAX + 64];
    switch (err->status) {
    case PS_ERR_QUERY:
    case PS_ERR_INVALID:
        snprintf(sv, sizeof sv, "Sökfrågan kunde inte tolkas: %s", err->message);
        snprintf(en, sizeof en, "The query could not be understood: %s", err->message);
        return error_reply(c, 400, "bad_query", sv, en, err->offset, NULL);
    case PS_ERR_NOT_FOUND:
        if (missing_is_404)
            return ps_srv_error(c, 404, "not_found", "Ärendet finns inte i indexet.",
                                "No such ärende in the index.");
        /* fall through: the index itself is missing */
    case PS_ERR_VERSION:
        snprintf(en, sizeof en, "The index is not available: %s", err->message);
        return ps_srv_error(c, 503, "index_unavailable",
                            "Sökindexet är inte tillgängligt just nu. Försök igen om en stund.",
                            en);
    case PS_ERR_TOO_LARGE:
        return ps_srv_error(c, 400, "too_large", "Sökfrågan är för stor.",
                            "The query is too large.");
    case PS_ERR_UNAVAILABLE:
        snprintf(en, sizeof en, "Not every part of the index answered: %s", err->message);
        return ps_srv_error(c, 503, "shards_unavailable", PS_SRV_UNAVAILABLE_SV, en);
    case PS_ERR_TIMEOUT:
        return ps_srv_error(c, 503, "timeout", "Sökningen tog för lång tid. Försök igen.",
                            "The search took too long. Try again.");
    default:
        ps_srv_warn(c->srv, "request failed: %s (%s)", err->message, ps_status_name(err->status));
        return ps_srv_error(c, 500, "internal", "Ett internt fel inträffade. Försök igen.",
                            "An internal error occurred. Try again.");
    }
}

/* --- logging ---------------------------------------------------------------------------------- */

static void utc_now(char *out, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void ps_srv_log_access(ps_srv_ctx *c, unsigned status, size_t bytes)
{
    if (!c->srv->log)
        return;
    char when[32];
    const char *addr = c->req->client[0] ? c->req->client : "-";
    utc_now(when, sizeof when);
    const char *uri = c->req->raw_uri;
    int uri_len = (int)strlen(uri);
    if (!c->srv->log_queries) {
        const char *q = strchr(uri, '?');
        if (q)
            uri_len = (int)(q - uri);
    }
    if (uri_len > 300)
        uri_len = 300;
    /* Escape nothing but keep the line one line: the raw URI cannot hold spaces or newlines
     * (MHD rejects such request lines), so printing it as is is safe. */
    fprintf(c->srv->log, "%s %s \"%s %.*s\" %u %zu %.1fms\n", when, addr, c->req->method, uri_len,
            uri, status, c->req->head ? (size_t)0 : bytes, (ps_srv_now() - c->req->start) * 1000.0);
}

void ps_srv_warn(ps_server *s, const char *fmt, ...)
{
    if (!s->log)
        return;
    char msg[1024], when[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    utc_now(when, sizeof when);
    fprintf(s->log, "%s protokollsok serve: warning: %s\n", when, msg);
}

/* --- escaping --------------------------------------------------------------------------------- */

void ps_srv_escape(ps_buf *b, const char *s)
{
    if (s)
        ps_buf_append_html(b, s, strlen(s));
}


void ps_srv_url_encode(ps_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            ps_buf_putc(b, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            ps_buf_append(b, e, 3);
        }
    }
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

bool ps_srv_url_decode(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r == '%') {
            int hi = hexval(r[1]), lo = hi < 0 ? -1 : hexval(r[2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return false;
            *w++ = (char)(hi * 16 + lo);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return true;
}

bool ps_srv_text_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char ch = *p;
        int extra;
        unsigned cp;
        if (ch < 0x80) {
            if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
                return false;
            if (ch == 0x7f)
                return false;
            p++;
            continue;
        } else if ((ch & 0xE0) == 0xC0) {
            extra = 1;
            cp = ch & 0x1F;
        } else if ((ch & 0xF0) == 0xE0) {
            extra = 2;
            cp = ch & 0x0F;
        } else if ((ch & 0xF8) == 0xF0) {
            extra = 3;
            cp = ch & 0x07;
        } else {
            return false;
        }
        p++;
        for (int i = 0; i < extra; i++, p++) {
            if ((*p & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (*p & 0x3F);
        }
        static const unsigned min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
    }
    return true;
}

const char *ps_srv_param(ps_srv_ctx *c, const char *name)
{
    return MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, name);
}

void ps_srv_query_string(ps_srv_ctx *c, ps_buf *b, const char *const *override)
{
    static const char *const names[] = {"q",    "kommun", "namnd", "typ",    "from", "to",
                                        "sort", "order",  "limit", "offset", "stava"};
    bool first = true;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = ps_srv_param(c, names[i]);
        for (size_t j = 0; override && override[j]; j += 2)
            if (strcmp(override[j], names[i]) == 0)
                v = override[j + 1];
        if (!v || !*v)
            continue;
        if (!first)
            ps_buf_putc(b, '&');
        first = false;
        ps_buf_puts(b, names[i]);
        ps_buf_putc(b, '=');
        ps_srv_url_encode(b, v);
    }
}
