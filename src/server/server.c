/*
 * server.c — the daemon: start/stop, the searcher pool, the first checks on every request
 * (method, length, path shape) and routing to the other files of src/server/.
 *
 * Paths are checked on the raw request target, before libmicrohttpd decodes it: an encoded
 * slash, an encoded NUL, a "." or ".." segment or a backslash never reach a handler, so no
 * decoding trick can produce a path that walks out of web/ (server/static.c still confines
 * every file with realpath).
 */
#include "internal.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

double ps_srv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ps_server_config_init(ps_server_config *c)
{
    memset(c, 0, sizeof *c);
    c->db_path = "index";
    c->shard_timeout_ms = 5000;
    c->host = "127.0.0.1";
    c->port = 8080;
    c->web_dir = PS_WEB_DIR;
    c->log_queries = true;
    c->log = stderr;
    c->timeout_s = 15;
    c->header_timeout_s = 10;
    c->max_connections = 1024;
    c->max_per_ip = 32;
    c->max_requests = 100;
    c->time_limit_ms = 500;
}

/* --- the searcher pool ------------------------------------------------------------------------ */

static ps_status pool_init(ps_srv_pool *p, size_t n)
{
    p->slots = calloc(n, sizeof *p->slots);
    if (!p->slots)
        return PS_ERR_NOMEM;
    p->n = n;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->freed, NULL);
    return PS_OK;
}

static void pool_free(ps_srv_pool *p)
{
    if (!p->slots)
        return;
    for (size_t i = 0; i < p->n; i++)
        ps_searcher_close(p->slots[i].searcher);
    free(p->slots);
    p->slots = NULL;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->freed);
}

ps_srv_slot *ps_srv_searcher_acquire(ps_server *s, ps_error *err)
{
    ps_srv_pool *p = &s->pool;
    ps_srv_slot *slot = NULL;
    pthread_mutex_lock(&p->mu);
    while (!slot) {
        /* Prefer a slot with an open searcher; else any free one. */
        for (size_t i = 0; i < p->n; i++) {
            if (p->slots[i].busy)
                continue;
            if (!slot || (!slot->searcher && p->slots[i].searcher))
                slot = &p->slots[i];
        }
        if (!slot)
            pthread_cond_wait(&p->freed, &p->mu);
    }
    slot->busy = true;
    pthread_mutex_unlock(&p->mu);

    double now = ps_srv_now();
    if (!slot->searcher) {
        ps_status st = ps_searcher_open_opts(s->db_path, &s->sopts, &slot->searcher, err);
        if (st != PS_OK) {
            slot->searcher = NULL;
            ps_srv_searcher_release(s, slot);
            return NULL;
        }
        slot->last_check = now;
    } else if (now - slot->last_check >= PS_SRV_REOPEN_EVERY) {
        ps_srv_searcher_refresh(s, slot);
    }
    return slot;
}

void ps_srv_searcher_refresh(ps_server *s, ps_srv_slot *slot)
{
    bool changed = false;
    ps_error err;
    ps_error_clear(&err);
    slot->last_check = ps_srv_now();
    if (ps_searcher_reopen(slot->searcher, &changed, &err) == PS_OK)
        return;
    /* The old handle may be stale (a --full switch removed its directory): try a fresh one and
     * keep the old one if that fails too, so requests keep being answered. */
    ps_searcher *fresh = NULL;
    ps_error err2;
    ps_error_clear(&err2);
    if (ps_searcher_open_opts(s->db_path, &s->sopts, &fresh, &err2) == PS_OK) {
        ps_searcher_close(slot->searcher);
        slot->searcher = fresh;
        return;
    }
    ps_srv_warn(s, "reopening the index failed: %s", err.message);
}

void ps_srv_searcher_release(ps_server *s, ps_srv_slot *slot)
{
    pthread_mutex_lock(&s->pool.mu);
    slot->busy = false;
    pthread_cond_signal(&s->pool.freed);
    pthread_mutex_unlock(&s->pool.mu);
}

/* --- request checks and routing --------------------------------------------------------------- */

/* The request record lives in the connection's (server/guard.c), so no completion path can
 * leak it: it is reset here for each request and freed when the connection closes. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    ps_srv_request *r = ps_srv_guard_request(conn);
    if (!r)
        return NULL;
    ps_srv_conn *k = r->conn;
    free(r->raw_uri);
    memset(r, 0, sizeof *r);
    r->conn = k;
    r->start = ps_srv_now();
    r->raw_len = strlen(uri);
    /* Keep at most one byte over the limit: enough to know it is too long. */
    size_t keep = r->raw_len > PS_SRV_MAX_URI ? PS_SRV_MAX_URI + 1 : r->raw_len;
    r->raw_uri = malloc(keep + 1);
    if (!r->raw_uri)
        return NULL;
    memcpy(r->raw_uri, uri, keep);
    r->raw_uri[keep] = '\0';
    return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    ps_srv_request *r = *req_cls;
    if (r)
        ps_srv_guard_request_done(cls, r);
    *req_cls = NULL;
}

char *ps_srv_checked_path(const char *raw, size_t n)
{
    if (n == 0 || raw[0] != '/')
        return NULL;
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, raw, n);
    p[n] = '\0';
    for (size_t i = 0; i + 2 < n; i++) {
        if (p[i] != '%')
            continue;
        char h[3] = {p[i + 1], p[i + 2], 0};
        long v = strtol(h, NULL, 16);
        if (v == '/' || v == '\\' || v == 0) {
            free(p);
            return NULL;
        }
    }
    if (!ps_srv_url_decode(p) || !ps_srv_text_ok(p) || strchr(p, '\\')) {
        free(p);
        return NULL;
    }
    for (const char *seg = p; seg;) {
        const char *next = strchr(seg + 1, '/');
        size_t len = (size_t)((next ? next : seg + strlen(seg)) - (seg + 1));
        const char *name = seg + 1;
        bool last = next == NULL;
        if ((len == 0 && !last) || (len == 1 && name[0] == '.') ||
            (len == 2 && name[0] == '.' && name[1] == '.')) {
            free(p);
            return NULL;
        }
        seg = next;
    }
    return p;
}

/* The ärende key is the rest of the path after /api/arende/ and may hold any character
 * (also an encoded '/'), so it is decoded from the raw target separately. */
static bool is_api_arende(const char *raw)
{
    return strncmp(raw, "/api/arende/", 12) == 0;
}

static enum MHD_Result route(ps_srv_ctx *c)
{
    const char *p = c->path;
    if (strncmp(p, "/api/", 5) == 0)
        return ps_srv_api(c);
    if (strcmp(p, "/") == 0 || strcmp(p, "/index.html") == 0 || strcmp(p, "/sok") == 0)
        return ps_srv_page_search(c);
    if (strcmp(p, "/arende.html") == 0 || strcmp(p, "/arende") == 0)
        return ps_srv_page_arende(c);
    if (strcmp(p, "/feed.atom") == 0)
        return ps_srv_feed(c);
    if (strcmp(p, "/opensearch.xml") == 0)
        return ps_srv_opensearch(c);
    if (strncmp(p, "/kalla/", 7) == 0)
        return ps_srv_source(c);
    return ps_srv_static(c);
}

/* The checks that need only the request head. They run when it is complete (the handler's
 * first call); an error answered then also closes the connection, since the client may still
 * be sending a body nobody reads. *answered false when the request may go on. */
static enum MHD_Result check_head(ps_srv_ctx *c, const char *method, const char *version,
                                  bool *answered)
{
    *answered = true;
    ps_srv_request *r = c->req;
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    r->head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    snprintf(r->method, sizeof r->method, "%s", method);
    c->path = "";
    if (!get && !r->head) {
        static const char *const allow[] = {"Allow", "GET, HEAD", NULL};
        return ps_srv_error_headers(c, 405, "method_not_allowed", "Endast GET och HEAD stöds.",
                                    "Only GET and HEAD are supported.", allow);
    }
    const char *len = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Content-Length");
    if ((len && strcmp(len, "0") != 0) ||
        MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Transfer-Encoding"))
        return ps_srv_error(c, 413, "body_not_allowed", "En förfrågan får inte ha en kropp.",
                            "A request must not have a body.");
    if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
        !MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, "Host"))
        return ps_srv_error(c, 400, "no_host", "Rubriken Host saknas.",
                            "The Host header is missing (required in HTTP/1.1).");
    *answered = false;
    return MHD_YES;
}

/* The query string's parameter count and whether one holds an encoded NUL (which libmicrohttpd
 * would decode into the end of the value: "a%00b" would silently become "a"). */
static bool query_ok(const char *q, size_t *count)
{
    *count = 0;
    bool nul = false;
    for (const char *p = q; p && *p;) {
        const char *end = strchr(p, '&');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > 0)
            (*count)++;
        for (size_t i = 0; i + 2 < n; i++)
            if (p[i] == '%' && p[i + 1] == '0' && p[i + 2] == '0')
                nul = true;
        p = end ? end + 1 : NULL;
    }
    return !nul;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)url;
    (void)upload_data;
    ps_server *s = cls;
    ps_srv_request *r = *req_cls;
    if (!r)
        return MHD_NO; /* out of memory in on_uri: drop the connection */
    ps_srv_ctx c = {s, conn, r, NULL, strncmp(r->raw_uri, "/feed.atom", 10) == 0};
    if (!r->head_seen) {
        /* Answering in this first call would make libmicrohttpd close the connection; the
         * answer comes in the next call, so connections stay alive and pipelined requests are
         * answered in turn. */
        r->head_seen = true;
        ps_srv_guard_head_received(s, r, conn);
        bool answered;
        enum MHD_Result res = check_head(&c, method, version, &answered);
        return answered ? res : MHD_YES;
    }
    *upload_data_size = 0; /* a body is refused in check_head, never read */
    if (r->raw_len > PS_SRV_MAX_URI)
        return ps_srv_error(&c, 414, "uri_too_long", "Adressen är för lång.",
                            "The request URI is too long.");

    const char *q = strchr(r->raw_uri, '?');
    size_t nparams;
    if (!query_ok(q ? q + 1 : NULL, &nparams))
        return ps_srv_error(&c, 400, "bad_parameter", "En parameter innehåller ett NUL-tecken.",
                            "A parameter contains a NUL character.");
    if (nparams > PS_SRV_MAX_PARAMS)
        return ps_srv_error(&c, 400, "too_many_parameters", "För många parametrar i adressen.",
                            "Too many query parameters.");
    size_t path_len = q ? (size_t)(q - r->raw_uri) : r->raw_len;
    if (is_api_arende(r->raw_uri)) {
        c.path = "/api/arende/";
        return ps_srv_api(&c);
    }
    char *path = ps_srv_checked_path(r->raw_uri, path_len);
    if (!path)
        return ps_srv_error(&c, 400, "bad_path", "Ogiltig sökväg i adressen.",
                            "Invalid path in the request.");
    c.path = path;
    enum MHD_Result res = route(&c);
    free(path);
    return res;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    ps_server *s = cls;
    if (!s->log)
        return;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && msg[n - 1] == '\n')
        msg[--n] = '\0';
    ps_srv_warn(s, "%s", msg);
}

/* --- start / stop ----------------------------------------------------------------------------- */

static void server_free(ps_server *s)
{
    ps_srv_guard_stop(s);
    pool_free(&s->pool);
    free(s->trust_proxy);
    free(s->db_path);
    free(s->host);
    free(s->web_real);
    free(s->sources_real);
    free(s->public_url);
    free(s);
}

static ps_status resolve_dir(const char *dir, const char *what, char **out, ps_error *err)
{
    char *real = realpath(dir, NULL);
    if (!real)
        return ps_error_set(err, PS_ERR_INVALID, "%s directory '%s': %s", what, dir,
                            strerror(errno));
    *out = real;
    return PS_OK;
}

/* The proxy address in the form the peer addresses are printed in (getnameinfo, numeric). */
static ps_status numeric_address(const char *addr, char **out, ps_error *err)
{
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_flags = AI_NUMERICHOST;
    if (getaddrinfo(addr, NULL, &hints, &ai) != 0)
        return ps_error_set(err, PS_ERR_INVALID,
                            "trusted proxy '%s' is not a numeric IPv4 or IPv6 address", addr);
    char buf[64];
    int rc = getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof buf, NULL, 0, NI_NUMERICHOST);
    freeaddrinfo(ai);
    if (rc != 0)
        return ps_error_set(err, PS_ERR_INVALID, "trusted proxy '%s': %s", addr, gai_strerror(rc));
    *out = strdup(buf);
    return *out ? PS_OK : ps_error_set(err, PS_ERR_NOMEM, "out of memory");
}

static ps_status start_daemon(ps_server *s, const ps_server_config *c, ps_error *err)
{
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char port[16];
    snprintf(port, sizeof port, "%u", c->port);
    int gai = getaddrinfo(s->host, port, &hints, &ai);
    if (gai != 0)
        return ps_error_set(err, PS_ERR_IO, "cannot resolve host '%s': %s", s->host,
                            gai_strerror(gai));
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
        flags |= MHD_USE_EPOLL;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)c->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
        s, MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->timeout_s, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)s->max_connections, MHD_OPTION_CONNECTION_MEMORY_LIMIT, PS_SRV_CONN_MEMORY,
        MHD_OPTION_NOTIFY_CONNECTION, ps_srv_guard_notify, s, MHD_OPTION_URI_LOG_CALLBACK, on_uri,
        s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_LISTENING_ADDRESS_REUSE,
        (unsigned)1, MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!s->daemon)
        return ps_error_set(err, PS_ERR_IO,
                            "cannot listen on %s port %u (in use, or no permission)", s->host,
                            c->port);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : c->port;
    return PS_OK;
}

ps_status ps_server_start(const ps_server_config *c, ps_server **out, ps_error *err)
{
    *out = NULL;
    ps_server *s = calloc(1, sizeof *s);
    if (!s)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    s->db_path = strdup(c->db_path ? c->db_path : "index");
    s->sopts.shard_timeout = c->shard_timeout_ms / 1000.0;
    s->sopts.require_all_shards = c->require_all_shards;
    s->host = strdup(c->host ? c->host : "127.0.0.1");
    s->log = c->log;
    s->log_queries = c->log_queries;
    s->started = ps_srv_now();
    s->max_connections = c->max_connections ? c->max_connections : 1024;
    s->max_per_ip = c->max_per_ip ? c->max_per_ip : 32;
    s->max_requests = c->max_requests ? c->max_requests : 100;
    s->header_timeout = c->header_timeout_s ? c->header_timeout_s : 10;
    s->time_limit = (c->time_limit_ms ? c->time_limit_ms : 500) / 1000.0;
    /* Tell clients how long an idle connection lives: a client that keeps it longer (Node's
     * fetch assumes 4 s) reuses a socket the server is closing and the request fails. */
    if (c->timeout_s)
        snprintf(s->keep_alive, sizeof s->keep_alive, "timeout=%u, max=%u",
                 (unsigned)c->timeout_s, s->max_requests);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    s->threads = c->threads ? c->threads : (unsigned)(cores > 0 ? cores : 1);
    if (c->public_url && *c->public_url) {
        s->public_url = strdup(c->public_url);
        if (s->public_url) {
            size_t n = strlen(s->public_url);
            while (n > 0 && s->public_url[n - 1] == '/')
                s->public_url[--n] = '\0';
        }
    }
    ps_status st = PS_OK;
    if (!s->db_path || !s->host || (c->public_url && !s->public_url))
        st = ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    if (st == PS_OK)
        st = resolve_dir(c->web_dir ? c->web_dir : PS_WEB_DIR, "web", &s->web_real, err);
    if (st == PS_OK && c->sources_dir)
        st = resolve_dir(c->sources_dir, "sources", &s->sources_real, err);
    if (st == PS_OK && c->trust_proxy)
        st = numeric_address(c->trust_proxy, &s->trust_proxy, err);
    if (st == PS_OK && pool_init(&s->pool, s->threads) != PS_OK)
        st = ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    if (st == PS_OK) {
        /* Open one searcher now so that a missing index is reported at start, not per request. */
        st = ps_searcher_open_opts(s->db_path, &s->sopts, &s->pool.slots[0].searcher, err);
        s->pool.slots[0].last_check = ps_srv_now();
    }
    if (st == PS_OK)
        st = ps_srv_guard_init(s, err);
    if (st == PS_OK)
        st = start_daemon(s, c, err);
    if (st != PS_OK) {
        server_free(s);
        return st;
    }
    *out = s;
    return PS_OK;
}

unsigned ps_server_port(const ps_server *s)
{
    return s->port;
}

void ps_server_stop(ps_server *s, unsigned grace_ms)
{
    if (!s)
        return;
    if (s->daemon) {
        MHD_socket lsock = MHD_quiesce_daemon(s->daemon);
        if (lsock != MHD_INVALID_SOCKET)
            close(lsock);
        ps_srv_guard_drain(s);
        double until = ps_srv_now() + grace_ms / 1000.0;
        while (ps_srv_now() < until) {
            const union MHD_DaemonInfo *info =
                MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
            if (!info || info->num_connections == 0)
                break;
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        MHD_stop_daemon(s->daemon);
    }
    server_free(s);
}
