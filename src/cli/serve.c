/*
 * cli/serve.c — `protokollsok serve`: run the HTTP query server and web UI (server.h) until
 * SIGTERM or SIGINT, then stop gracefully (running requests may finish).
 */
#include "internal.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "protokollsok/server.h"

static void usage(FILE *out)
{
    fputs("Usage: protokollsok serve [OPTIONS]\n"
          "\n"
          "Serve the search API and the web UI over HTTP. Picks up a new index after a reindex\n"
          "without a restart. Stops gracefully on SIGTERM or SIGINT (Ctrl-C).\n"
          "\n"
          "Options:\n"
          "  --db DIR              the index (default $PROTOKOLLSOK_DB, else ./index)\n"
          "  --host ADDR           address to listen on (default 127.0.0.1)\n"
          "  --port N              port (default 8080; 0 picks a free port)\n"
          "  --threads N           worker threads (default: number of CPUs)\n"
          "  --web DIR             web UI files (default: PREFIX/share/protokollsok/web beside\n"
          "                        the installed binary, else the source tree's web/)\n"
          "  --serve-sources DIR   serve the indexed files below DIR under /kalla/\n"
          "  --public-url URL      absolute base URL for feed and OpenSearch links\n"
          "                        (default: from the request's Host header)\n"
          "  --no-log-queries      leave the query text out of the access log\n"
          "  --quiet               no access log\n"
          "  --timeout SECONDS     close connections idle this long (default 15)\n"
          "  --header-timeout SECONDS\n"
          "                        a whole request head must arrive within this, from the\n"
          "                        connect or the previous answer (default 10; 1 while three\n"
          "                        quarters of the connections are in use)\n"
          "  --max-connections N   connections at once (default 1024)\n"
          "  --max-per-ip N        connections at once per client address (default 32)\n"
          "  --max-requests N      requests per kept-alive connection (default 100)\n"
          "  --time-limit MS       search work per request; past it the answer is cut (no\n"
          "                        more excerpts, estimated counts) and says \"cut\": true\n"
          "                        (default 500)\n"
          "  --trust-proxy ADDR    the numeric address of a reverse proxy in front: its\n"
          "                        connections are not capped per address and the client\n"
          "                        address is its last X-Forwarded-For entry (from nobody else)\n"
          "  --shard-timeout MS    per operation on a remote shard of a sharded index; one\n"
          "                        that does not answer in time is left out (default 5000)\n"
          "  --require-all-shards  answer 503 instead of a partial result when a shard is\n"
          "                        missing\n"
          "  -h, --help            show this help\n"
          "\n"
          "Prints 'Listening on http://HOST:PORT/' once ready. Exit status: 0 after a clean\n"
          "shutdown, 2 bad usage, 3 index missing or unreadable, 5 cannot listen.\n",
          out);
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v > max || s[0] == '-')
        return false;
    *out = (unsigned)v;
    return true;
}

/* Every connection is a descriptor, and the index and web files need some more: raise the soft
 * limit as far as allowed and fit --max-connections under it. */
static void fit_descriptors(ps_server_config *cfg)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    const rlim_t spare = 64;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)cfg->max_connections + spare) {
        unsigned fit = rl.rlim_cur > spare * 2 ? (unsigned)(rl.rlim_cur - spare) : 16;
        fprintf(stderr,
                "protokollsok serve: warning: only %llu file descriptors (ulimit -n): "
                "--max-connections lowered from %u to %u\n",
                (unsigned long long)rl.rlim_cur, cfg->max_connections, fit);
        cfg->max_connections = fit;
    }
}

int ps_cli_serve(int argc, char **argv)
{
    enum {
        OPT_DB = 256,
        OPT_HOST,
        OPT_PORT,
        OPT_THREADS,
        OPT_WEB,
        OPT_SOURCES,
        OPT_PUBLIC,
        OPT_NOLOGQ,
        OPT_QUIET,
        OPT_TIMEOUT,
        OPT_MAXCONN,
        OPT_MAXIP,
        OPT_HEADER_TIMEOUT,
        OPT_MAXREQ,
        OPT_TRUST_PROXY,
        OPT_SHARD_TIMEOUT,
        OPT_REQUIRE_ALL,
        OPT_TIME_LIMIT
    };
    static const struct option opts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"host", required_argument, NULL, OPT_HOST},
        {"port", required_argument, NULL, OPT_PORT},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"web", required_argument, NULL, OPT_WEB},
        {"serve-sources", required_argument, NULL, OPT_SOURCES},
        {"public-url", required_argument, NULL, OPT_PUBLIC},
        {"no-log-queries", no_argument, NULL, OPT_NOLOGQ},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"max-connections", required_argument, NULL, OPT_MAXCONN},
        {"max-per-ip", required_argument, NULL, OPT_MAXIP},
        {"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
        {"max-requests", required_argument, NULL, OPT_MAXREQ},
        {"trust-proxy", required_argument, NULL, OPT_TRUST_PROXY},
        {"shard-timeout", required_argument, NULL, OPT_SHARD_TIMEOUT},
        {"require-all-shards", no_argument, NULL, OPT_REQUIRE_ALL},
        {"time-limit", required_argument, NULL, OPT_TIME_LIMIT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    ps_server_config cfg;
    ps_server_config_init(&cfg);
    ps_cli_paths paths;
    ps_cli_find_paths(&paths);
    cfg.web_dir = paths.web;
    const char *db = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_HOST:
            cfg.host = optarg;
            break;
        case OPT_PORT:
            if (!parse_uint(optarg, 65535, &cfg.port))
                return ps_cli_usage_error("serve", "--port wants 0 to 65535, not '%s'", optarg);
            break;
        case OPT_THREADS:
            if (!parse_uint(optarg, 1024, &cfg.threads) || cfg.threads == 0)
                return ps_cli_usage_error("serve", "--threads wants 1 to 1024, not '%s'", optarg);
            break;
        case OPT_WEB:
            cfg.web_dir = optarg;
            break;
        case OPT_SOURCES:
            cfg.sources_dir = optarg;
            break;
        case OPT_PUBLIC:
            if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0)
                return ps_cli_usage_error("serve",
                                          "--public-url must start with http:// or https://");
            cfg.public_url = optarg;
            break;
        case OPT_NOLOGQ:
            cfg.log_queries = false;
            break;
        case OPT_QUIET:
            cfg.log = NULL;
            break;
        case OPT_TIMEOUT:
            if (!parse_uint(optarg, 3600, &cfg.timeout_s) || cfg.timeout_s == 0)
                return ps_cli_usage_error("serve", "--timeout wants 1 to 3600 seconds");
            break;
        case OPT_MAXCONN:
            if (!parse_uint(optarg, 100000, &cfg.max_connections) || cfg.max_connections == 0)
                return ps_cli_usage_error("serve", "--max-connections wants 1 to 100000");
            break;
        case OPT_MAXIP:
            if (!parse_uint(optarg, 100000, &cfg.max_per_ip) || cfg.max_per_ip == 0)
                return ps_cli_usage_error("serve", "--max-per-ip wants 1 to 100000");
            break;
        case OPT_HEADER_TIMEOUT:
            if (!parse_uint(optarg, 3600, &cfg.header_timeout_s) || cfg.header_timeout_s == 0)
                return ps_cli_usage_error("serve", "--header-timeout wants 1 to 3600 seconds");
            break;
        case OPT_MAXREQ:
            if (!parse_uint(optarg, 1000000, &cfg.max_requests) || cfg.max_requests == 0)
                return ps_cli_usage_error("serve", "--max-requests wants 1 to 1000000");
            break;
        case OPT_TIME_LIMIT:
            if (!parse_uint(optarg, 600000, &cfg.time_limit_ms) || cfg.time_limit_ms == 0)
                return ps_cli_usage_error("serve", "--time-limit wants 1 to 600000 ms");
            break;
        case OPT_TRUST_PROXY:
            cfg.trust_proxy = optarg;
            break;
        case 'h':
            usage(stdout);
            return PS_EXIT_OK;
        case OPT_SHARD_TIMEOUT:
            if (!parse_uint(optarg, 3600000, &cfg.shard_timeout_ms) || cfg.shard_timeout_ms == 0)
                return ps_cli_usage_error("serve", "--shard-timeout wants 1 to 3600000 ms");
            break;
        case OPT_REQUIRE_ALL:
            cfg.require_all_shards = true;
            break;
        default:
            return ps_cli_usage_error("serve", "unknown option");
        }
    }
    if (optind < argc)
        return ps_cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    cfg.db_path = ps_cli_db_path(db);
    fit_descriptors(&cfg);

    /* Block the stop signals before the worker threads start, so they inherit the mask and
     * only sigwait() below sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    ps_server *srv;
    ps_error err;
    ps_error_clear(&err);
    ps_status st = ps_server_start(&cfg, &srv, &err);
    if (st != PS_OK) {
        ps_cli_print_error("serve", &err);
        return st == PS_ERR_IO ? PS_EXIT_FAILURE : ps_cli_exit_for(st);
    }
    const char *host = cfg.host;
    bool v6 = strchr(host, ':') != NULL;
    printf("Listening on http://%s%s%s:%u/\n", v6 ? "[" : "", host, v6 ? "]" : "",
           ps_server_port(srv));
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "protokollsok serve: %s received, shutting down\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    ps_server_stop(srv, 5000);
    return PS_EXIT_OK;
}
