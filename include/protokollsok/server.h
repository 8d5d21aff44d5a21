/*
 * server.h — the HTTP query server behind `protokollsok serve`: the JSON API (/api/search,
 * /api/arende/{key}, /api/facets, /api/health), an Atom feed per search (/feed.atom), the
 * OpenSearch description, the server-rendered pages that work without JavaScript (/, /sok,
 * /arende.html), the static files of web/ and, when asked, the indexed source files (/kalla/...).
 *
 * libmicrohttpd runs an internal pool of worker threads (epoll where available). Every request
 * borrows a read-only ps_searcher (search.h) from a pool owned by the server, one per worker
 * thread, and checks at most once a second whether the index has a newer revision (reopen; this
 * also follows the directory switch of `index --full`). The server is built to face hostile
 * input: only GET and HEAD, bounded URLs, queries and result windows, no path can leave web/ or
 * the sources folder, every error is JSON with a Swedish and an English message, connection
 * timeouts and limits, strict security headers.
 *
 * The server prints one access-log line per request and its warnings to config.log (may be
 * NULL for silence); it is the one part of the library allowed to print.
 */
#ifndef PROTOKOLLSOK_SERVER_H
#define PROTOKOLLSOK_SERVER_H

#include <stdbool.h>
#include <stdio.h>

#include "protokollsok/error.h"

typedef struct ps_server ps_server;

typedef struct {
    const char *db_path;      /* the index directory (required) */
    const char *host;         /* numeric address or name to listen on; default "127.0.0.1" */
    unsigned port;            /* 0 = the system picks a free port (see ps_server_port) */
    unsigned threads;         /* worker threads; 0 = number of online CPUs */
    const char *web_dir;      /* static files and page templates; default PS_WEB_DIR */
    const char *sources_dir;  /* serve indexed files below it under /kalla/; NULL = don't */
    const char *public_url;   /* absolute base URL for feeds/OpenSearch; NULL = from Host */
    bool log_queries;         /* access log includes the query string (default true) */
    FILE *log;                /* access log and warnings; NULL = no logging */
    unsigned timeout_s;       /* idle connection timeout, seconds (default 15) */
    unsigned header_timeout_s; /* a whole request head must arrive within this, counted from
                                  the connect or the end of the previous response (default 10;
                                  1 s while three quarters of the connections are in use) */
    unsigned max_connections; /* total connection limit (default 1024) */
    unsigned max_per_ip;      /* connections per client address (default 32) */
    unsigned max_requests;    /* requests per kept-alive connection (default 100) */
    unsigned time_limit_ms;   /* search work per request (match, counts, excerpts); when it runs
                                 out the answer is cut and says so (default 500) */
    const char *trust_proxy;  /* numeric address of a reverse proxy: its connections are not
                                 capped per address and its X-Forwarded-For names the client;
                                 NULL = none (X-Forwarded-For is ignored) */
    unsigned shard_timeout_ms; /* per operation on a remote shard (default 5000) */
    bool require_all_shards;  /* a search some shard does not answer is a 503, not "partial" */
} ps_server_config;

/* Fill c with the defaults above (db_path "index"). */
void ps_server_config_init(ps_server_config *c);

/* Open the index (PS_ERR_NOT_FOUND / PS_ERR_VERSION when it cannot be read), resolve web_dir
 * and sources_dir (PS_ERR_INVALID when missing) and start listening (PS_ERR_IO when the
 * address cannot be bound). The strings in c are copied. On success *out is a running server;
 * stop it with ps_server_stop. Signals are the caller's business: block SIGTERM/SIGINT before
 * calling so the worker threads inherit the mask. */
ps_status ps_server_start(const ps_server_config *c, ps_server **out, ps_error *err);

/* The port actually bound (useful with port 0). */
unsigned ps_server_port(const ps_server *s);

/* Stop accepting, let running requests finish (up to grace_ms), close everything, free s.
 * s may be NULL. */
void ps_server_stop(ps_server *s, unsigned grace_ms);

#endif
