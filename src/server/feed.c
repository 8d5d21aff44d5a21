/*
 * server/feed.c — /feed.atom (an Atom feed per search, newest first, so that a journalist can
 * follow a topic in any feed reader) and /opensearch.xml (add the site as a browser search
 * engine). Everything taken from the index or the request is XML-escaped, and characters XML
 * does not allow are dropped, so the feed always parses.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PS_SRV_FEED_DEFAULT 30

/* A Host header is used for links only if it looks like a host name or address with a port. */
static bool host_ok(const char *h)
{
    size_t n = strlen(h);
    if (n == 0 || n > 255)
        return false;
    for (const char *p = h; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == ':' || ch == '[' ||
                  ch == ']';
        if (!ok)
            return false;
    }
    return true;
}

void ps_srv_base_url(ps_srv_ctx *c, ps_buf *b)
{
    if (c->srv->public_url) {
        ps_buf_puts(b, c->srv->public_url);
        return;
    }
    const char *host = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Host");
    if (host && host_ok(host))
        ps_buf_printf(b, "http://%s", host);
    else
        ps_buf_printf(b, "http://%s:%u", c->srv->host, c->srv->port);
}

static bool iso_date(const char *d)
{
    return d && strlen(d) == 10 && d[4] == '-' && d[7] == '-';
}

static void atom_time(ps_buf *b, const char *date)
{
    if (iso_date(date)) {
        ps_buf_append(b, date, 10);
        ps_buf_puts(b, "T00:00:00Z");
        return;
    }
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ps_buf_puts(b, now);
}

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* undated: the time used for entries without a date (the newest date in the feed). */
static void feed_entry(ps_buf *b, const char *base, const char *q, const json_t *hit,
                       const char *undated)
{
    const char *key = str(hit, "key");
    ps_buf link = PS_BUF_INIT;
    ps_buf_puts(&link, base);
    ps_buf_puts(&link, "/arende.html?key=");
    ps_srv_url_encode(&link, key ? key : "");

    ps_buf_puts(b, "<entry>\n<title>");
    const char *para = str(hit, "paragraf");
    const char *title = str(hit, "title");
    if (para) {
        ps_srv_escape(b, para);
        ps_buf_puts(b, " ");
    }
    ps_srv_escape(b, title ? title : (str(hit, "dnr") ? str(hit, "dnr") : "Ärende"));
    ps_buf_puts(b, "</title>\n<id>");
    ps_srv_escape(b, link.data ? link.data : "");
    ps_buf_puts(b, "</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    ps_srv_escape(b, link.data ? link.data : "");
    if (q && *q) {
        ps_buf_puts(b, "&amp;q=");
        ps_srv_url_encode(b, q);
    }
    ps_buf_puts(b, "\"/>\n<updated>");
    atom_time(b, iso_date(str(hit, "date")) ? str(hit, "date") : undated);
    ps_buf_puts(b, "</updated>\n");
    const char *fields[] = {"kommun", "namnd", "type"};
    for (size_t i = 0; i < 3; i++) {
        if (!str(hit, fields[i]))
            continue;
        ps_buf_puts(b, "<category term=\"");
        ps_srv_escape(b, str(hit, fields[i]));
        ps_buf_puts(b, "\"/>\n");
    }
    /* The summary is HTML (marked excerpts), carried as escaped text per RFC 4287. */
    ps_buf html = PS_BUF_INIT;
    if (str(hit, "dnr")) {
        ps_buf_puts(&html, "<p>Dnr ");
        ps_srv_escape(&html, str(hit, "dnr"));
        ps_buf_puts(&html, "</p>");
    }
    size_t i;
    json_t *ex;
    json_array_foreach(json_object_get(hit, "excerpts"), i, ex)
    {
        ps_buf_puts(&html, "<p>");
        ps_buf_puts(&html, str(ex, "html") ? str(ex, "html") : "");
        ps_buf_puts(&html, "</p>");
    }
    ps_buf_puts(b, "<summary type=\"html\">");
    ps_srv_escape(b, html.data ? html.data : "");
    ps_buf_puts(b, "</summary>\n</entry>\n");
    ps_buf_free(&html);
    ps_buf_free(&link);
}

enum MHD_Result ps_srv_feed(ps_srv_ctx *c)
{
    ps_search_request req;
    ps_srv_dates dates;
    ps_srv_bad bad;
    if (!ps_srv_search_params(c, &req, &dates, &bad))
        return ps_srv_error(c, 400, bad.code, bad.sv, bad.en);
    enum MHD_Result result;
    req.sort = PS_SEARCH_SORT_DATE;
    req.ascending = false;
    req.facets = false;
    req.offset = 0;
    if (!ps_srv_param(c, "limit"))
        req.limit = PS_SRV_FEED_DEFAULT;
    json_t *out;
    ps_error err;
    ps_error_clear(&err);
    if (ps_srv_run_search(c, &req, &out, &err) != PS_OK)
        return ps_srv_error_from(c, &err, false);

    ps_buf base = PS_BUF_INIT, state = PS_BUF_INIT, b = PS_BUF_INIT;
    ps_srv_base_url(c, &base);
    static const char *const feed_state[] = {"sort", NULL,     "order", NULL, "limit",
                                             NULL,   "offset", NULL,    NULL};
    ps_srv_query_string(c, &state, feed_state);
    const char *bs = base.data ? base.data : "";
    const char *ss = state.data ? state.data : "";
    const json_t *hits = json_object_get(out, "hits");

    ps_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"sv\">\n<title>");
    ps_srv_escape(&b, "Protokollsök: ");
    ps_srv_escape(&b, req.q && *req.q ? req.q : "alla ärenden");
    ps_buf_puts(&b, "</title>\n<subtitle>Nya ärenden i kommunernas protokoll som matchar "
                    "sökningen, nyaste först.</subtitle>\n<id>");
    ps_buf link = PS_BUF_INIT;
    ps_buf_printf(&link, "%s/feed.atom%s%s", bs, *ss ? "?" : "", ss);
    ps_srv_escape(&b, link.data ? link.data : "");
    ps_buf_puts(&b, "</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    ps_srv_escape(&b, link.data ? link.data : "");
    ps_buf_puts(&b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    ps_buf_clear(&link);
    ps_buf_printf(&link, "%s/sok%s%s", bs, *ss ? "?" : "", ss);
    ps_srv_escape(&b, link.data ? link.data : "");
    /* Newest first: the first dated hit has the feed's time. */
    const char *newest = NULL;
    size_t i;
    json_t *hit;
    json_array_foreach(hits, i, hit)
    {
        if (!newest && iso_date(str(hit, "date")))
            newest = str(hit, "date");
    }
    ps_buf_puts(&b, "\"/>\n<updated>");
    atom_time(&b, newest);
    ps_buf_puts(&b, "</updated>\n<author><name>Protokollsök</name></author>\n"
                    "<generator version=\"" PS_VERSION "\">protokollsok</generator>\n");
    json_array_foreach(hits, i, hit) feed_entry(&b, bs, req.q, hit, newest);
    ps_buf_puts(&b, "</feed>\n");
    json_decref(out);

    if (b.failed)
        result = ps_srv_error(c, 500, "internal", "Internt fel.", "Internal error.");
    else
        result = ps_srv_reply(c, 200, "application/atom+xml; charset=utf-8", b.data, b.len, NULL);
    ps_buf_free(&link);
    ps_buf_free(&b);
    ps_buf_free(&state);
    ps_buf_free(&base);
    return result;
}

enum MHD_Result ps_srv_opensearch(ps_srv_ctx *c)
{
    ps_buf base = PS_BUF_INIT, b = PS_BUF_INIT;
    ps_srv_base_url(c, &base);
    ps_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n"
                    "<ShortName>Protokollsök</ShortName>\n"
                    "<Description>Sök i kommunernas protokoll och ärenden</Description>\n"
                    "<InputEncoding>UTF-8</InputEncoding>\n<Language>sv</Language>\n"
                    "<Url type=\"text/html\" method=\"get\" template=\"");
    ps_srv_escape(&b, base.data ? base.data : "");
    ps_buf_puts(&b, "/sok?q={searchTerms}\"/>\n<Url type=\"application/atom+xml\" template=\"");
    ps_srv_escape(&b, base.data ? base.data : "");
    ps_buf_puts(&b, "/feed.atom?q={searchTerms}\"/>\n<Url type=\"application/json\" "
                    "rel=\"results\" template=\"");
    ps_srv_escape(&b, base.data ? base.data : "");
    ps_buf_puts(&b, "/api/search?q={searchTerms}\"/>\n</OpenSearchDescription>\n");
    enum MHD_Result result =
        b.failed ? ps_srv_error(c, 500, "internal", "Internt fel.", "Internal error.")
                 : ps_srv_reply(c, 200, "application/opensearchdescription+xml; charset=utf-8",
                                b.data, b.len, NULL);
    ps_buf_free(&b);
    ps_buf_free(&base);
    return result;
}
