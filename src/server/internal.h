/*
 * server/internal.h — shared between the parts of the HTTP server (not a public header):
 *   server.c         daemon, routing, limits, the searcher pool, access log
 *   server/http.c    responses: security headers, gzip, JSON errors, escaping helpers
 *   server/static.c  files from web/ and /kalla/ (realpath confinement, ETag, 304)
 *   server/api.c     /api/... JSON endpoints and request-parameter validation
 *   server/page.c    server-rendered HTML pages (work without JavaScript) from web/ templates
 *   server/feed.c    /feed.atom and /opensearch.xml
 *   server/guard.c   one record per connection; head deadline, per-address cap, trusted proxy
 */
#ifndef PROTOKOLLSOK_SERVER_INTERNAL_H
#define PROTOKOLLSOK_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <microhttpd.h>

#include "protokollsok/buf.h"
#include "protokollsok/search.h"
#include "protokollsok/server.h"

#define PS_SRV_MAX_URI 4096   /* raw request target, bytes (longer: 414) */
#define PS_SRV_MAX_PARAMS 64  /* query parameters (more: 400) */
/* libmicrohttpd's memory per connection: the request head, every parsed parameter (about 64
 * bytes each: a 4 KB target of "a&a&..." holds 2048) and the response head must fit, else it
 * cannot answer at all. Pages are touched only as used. */
#define PS_SRV_CONN_MEMORY ((size_t)256 * 1024)
#define PS_SRV_MAX_QUERY 1000 /* q parameter, bytes (longer: 400) */
#define PS_SRV_MAX_PARAM 200  /* any other parameter, bytes */
#define PS_SRV_MAX_LIMIT 100
#define PS_SRV_MAX_OFFSET 10000
#define PS_SRV_GZIP_MIN 1024    /* compress bodies from this size */
#define PS_SRV_REOPEN_EVERY 1.0 /* seconds between revision checks per searcher */

typedef struct {
    ps_searcher *searcher; /* NULL until first used */
    double last_check;     /* monotonic seconds of the last reopen check */
    bool busy;
} ps_srv_slot;

/* One searcher per worker thread, lent out under a mutex: a request takes a free one and gives
 * it back; with as many slots as worker threads nobody waits. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t freed;
    ps_srv_slot *slots;
    size_t n;
} ps_srv_pool;

typedef struct ps_srv_conn ps_srv_conn;

/* The connections (server/guard.c), under mu. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t wake; /* the guard thread sleeps on it between sweeps */
    pthread_t thread;
    bool initialized, running, stop;
    bool draining;     /* shutting down: idle connections are closed, answers say close */
    ps_srv_conn *head; /* every open connection */
    size_t n;
    unsigned long cut_slow;    /* closed for a late request head */
    unsigned long cut_address; /* refused: too many from one address */
} ps_srv_guard;

/* What a partial answer (a shard of the index did not answer) says, and the 503 of
 * --require-all-shards. */
#define PS_SRV_PARTIAL_SV                                                                         \
    "Alla delar av arkivet svarade inte: träffarna kommer från de delar som svarade, och "         \
    "antalen kan vara för låga."
#define PS_SRV_UNAVAILABLE_SV                                                                     \
    "Alla delar av arkivet svarade inte, så ingen sökning gjordes. Försök igen om en stund."

struct ps_server {
    char *db_path;
    ps_searcher_opts sopts;
    char *host;
    char *web_real;     /* realpath of web_dir */
    char *sources_real; /* realpath of sources_dir or NULL */
    char *public_url;   /* without trailing slash, or NULL */
    bool log_queries;
    FILE *log;
    unsigned threads;
    unsigned port;
    double started; /* monotonic seconds */
    ps_srv_pool pool;
    struct MHD_Daemon *daemon;
    char *trust_proxy;       /* numeric address of the trusted reverse proxy, or NULL */
    unsigned max_connections;
    unsigned max_per_ip;
    unsigned max_requests;   /* per connection, then Connection: close */
    double header_timeout;   /* seconds for a whole request head */
    double time_limit;       /* seconds of search work per request (ps_search_request) */
    char keep_alive[48];     /* Keep-Alive header value: the idle timeout and request cap */
    ps_srv_guard guard;
};

/* Per-request state, made from the raw request target before MHD decodes it. It lives in its
 * connection's record (server/guard.c) and is reset for each request on that connection. */
typedef struct {
    ps_srv_conn *conn;
    char *raw_uri; /* as received: path?query, not decoded; owned, freed with the connection */
    size_t raw_len;
    double start;    /* monotonic seconds */
    bool head;       /* HEAD request: log no body bytes */
    bool head_seen;  /* the whole request head has arrived (first handler call done) */
    bool last;       /* the last request this connection may make: answer Connection: close */
    char method[16]; /* for the access log, truncated */
    char client[64]; /* client address (X-Forwarded-For from the trusted proxy), for the log */
} ps_srv_request;

typedef struct {
    ps_server *srv;
    struct MHD_Connection *conn;
    ps_srv_request *req;
    const char *path; /* decoded path (NUL-free, checked) */
    bool atom;        /* errors as an Atom feed (/feed.atom), else JSON */
} ps_srv_ctx;

double ps_srv_now(void);

/* Decode the raw request path (n bytes, before any '?') into a new string (caller frees), or
 * NULL when it could be read as a different path by a file system: an encoded '/' or '\\', a
 * NUL, a backslash, invalid UTF-8 or control characters, "." or ".." segments, "//". */
char *ps_srv_checked_path(const char *raw, size_t n);

/* --- server/http.c ---------------------------------------------------------------------------- */

/* Queue a response with security headers, optional gzip, and log it. body (len bytes) is
 * copied. extra_headers: NULL or a NULL-terminated list of name, value pairs. */
enum MHD_Result ps_srv_reply(ps_srv_ctx *c, unsigned status, const char *content_type,
                             const char *body, size_t len, const char *const *extra_headers);
/* Queue resp (adding Connection: close on a connection's last request), destroy it and log
 * the request with bytes sent. */
enum MHD_Result ps_srv_queue(ps_srv_ctx *c, unsigned status, struct MHD_Response *resp,
                             size_t bytes);
/* Reply with an error object {"error":{"status","code","message_sv","message_en"}}. */
enum MHD_Result ps_srv_error(ps_srv_ctx *c, unsigned status, const char *code,
                             const char *message_sv, const char *message_en);
enum MHD_Result ps_srv_error_headers(ps_srv_ctx *c, unsigned status, const char *code,
                                     const char *message_sv, const char *message_en,
                                     const char *const *extra_headers);
/* Same, from a library error (status mapped to HTTP: query → 400, not found → 404, ...). */
enum MHD_Result ps_srv_error_from(ps_srv_ctx *c, const ps_error *err, bool missing_is_404);
/* Reply with a JSON value (serialized compactly; takes no ownership). */
enum MHD_Result ps_srv_json(ps_srv_ctx *c, unsigned status, const json_t *v,
                            const char *const *extra_headers);
/* Write one access-log line. */
void ps_srv_log_access(ps_srv_ctx *c, unsigned status, size_t bytes);
/* Write a warning line to the log. */
void ps_srv_warn(ps_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Escaping into b. HTML/XML text and attribute values; XML drops characters XML 1.0 forbids. */
void ps_srv_escape(ps_buf *b, const char *s);
/* Percent-encode for a URL query value (RFC 3986 unreserved kept). */
void ps_srv_url_encode(ps_buf *b, const char *s);
/* Percent-decode in place; returns false on a bad escape or a NUL byte. */
bool ps_srv_url_decode(char *s);
/* Whether s is valid UTF-8 without C0 controls other than tab/newline. */
bool ps_srv_text_ok(const char *s);
/* The value of query parameter name, or NULL. */
const char *ps_srv_param(ps_srv_ctx *c, const char *name);
/* Append the search state of this request as "q=..&kommun=.." to b: the parameters q, kommun,
 * namnd, typ, from, to, sort, order, limit, offset, stava that are set. override: NULL or a
 * NULL-terminated list of name, value pairs replacing them (value NULL or "" drops it). */
void ps_srv_query_string(ps_srv_ctx *c, ps_buf *b, const char *const *override);

/* --- server.c: the searcher pool -------------------------------------------------------------- */

/* Borrow a searcher (reopened if the index moved). NULL with err set when the index is not
 * readable. Give it back with ps_srv_searcher_release. */
ps_srv_slot *ps_srv_searcher_acquire(ps_server *s, ps_error *err);
void ps_srv_searcher_release(ps_server *s, ps_srv_slot *slot);
/* Force a revision check now (after a failed call). */
void ps_srv_searcher_refresh(ps_server *s, ps_srv_slot *slot);

/* --- server/guard.c: the connections -------------------------------------------------------- */

/* MHD_OPTION_NOTIFY_CONNECTION: make / free the record of a connection (cls: the server). */
void ps_srv_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                         enum MHD_ConnectionNotificationCode code);
/* The request record of conn (owned by its connection), or NULL when it has none. */
ps_srv_request *ps_srv_guard_request(struct MHD_Connection *conn);
/* The request head is complete: stop its deadline, find the client address. */
void ps_srv_guard_head_received(ps_server *s, ps_srv_request *r, struct MHD_Connection *conn);
/* The response went out: the deadline for the next head starts now. */
void ps_srv_guard_request_done(ps_server *s, ps_srv_request *r);
/* Shutting down: close the idle connections now and every other one after its answer. */
void ps_srv_guard_drain(ps_server *s);
/* Start the guard thread / stop it (after the daemon is stopped). */
ps_status ps_srv_guard_init(ps_server *s, ps_error *err);
void ps_srv_guard_stop(ps_server *s);
typedef struct {
    size_t connections, waiting;
    unsigned long cut_slow, cut_address;
} ps_srv_guard_stats;
void ps_srv_guard_counts(ps_server *s, ps_srv_guard_stats *out);

/* --- server/api.c ----------------------------------------------------------------------------- */

/* Read and validate the search parameters of the request into req (pointers into the
 * connection's values or into dates). On a bad parameter returns false with *bad saying which
 * and why (the caller answers 400 as JSON or as a page). */
typedef struct {
    char from[11];
    char to[11];
} ps_srv_dates;
typedef struct {
    const char *code; /* "bad_parameter", "query_too_long" */
    char sv[256];
    char en[256];
} ps_srv_bad;
bool ps_srv_search_params(ps_srv_ctx *c, ps_search_request *req, ps_srv_dates *dates,
                          ps_srv_bad *bad);
/* Run a search / fetch an ärende with retry after a reopen; adds "href" to documents. */
ps_status ps_srv_run_search(ps_srv_ctx *c, const ps_search_request *req, json_t **out,
                            ps_error *err);
ps_status ps_srv_get_arende(ps_srv_ctx *c, const char *key, const char *q, json_t **out,
                            ps_error *err);
enum MHD_Result ps_srv_api(ps_srv_ctx *c);

/* --- server/static.c -------------------------------------------------------------------------- */

enum MHD_Result ps_srv_static(ps_srv_ctx *c);
enum MHD_Result ps_srv_source(ps_srv_ctx *c);
/* The /kalla/... link for an indexed path, or NULL when not under the sources folder
 * (caller frees). */
char *ps_srv_source_href(ps_server *s, const char *indexed_path);
/* Read a file of web/ (name without slash) into a new buffer; NULL when missing. */
char *ps_srv_read_web_file(ps_server *s, const char *name, size_t *len);

/* --- server/page.c ---------------------------------------------------------------------------- */

enum MHD_Result ps_srv_page_search(ps_srv_ctx *c);
enum MHD_Result ps_srv_page_arende(ps_srv_ctx *c);

/* --- server/feed.c ---------------------------------------------------------------------------- */

enum MHD_Result ps_srv_feed(ps_srv_ctx *c);
enum MHD_Result ps_srv_opensearch(ps_srv_ctx *c);
/* The absolute base URL (no trailing slash) for links in feeds, into b. */
void ps_srv_base_url(ps_srv_ctx *c, ps_buf *b);

#endif
