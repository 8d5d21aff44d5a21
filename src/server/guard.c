/*
 * server/guard.c — the connections: one record per connection (made when libmicrohttpd accepts
 * it, freed when it closes, so nothing a request allocates can outlive its connection), and a
 * guard thread that keeps slow or idle clients from holding the connection slots.
 *
 * libmicrohttpd's own timeout counts idle time only: a client sending one byte a second keeps
 * its connection forever. The guard counts the whole wait for a request head instead, from the
 * connect (or from the end of the previous response on a kept-alive connection) to the moment
 * the head is complete, and closes connections that take longer than header_timeout. When the
 * slots fill up (more than three quarters in use), the waits allowed shrink to PRESSURE_WAIT,
 * and when they are nearly full each new connection displaces the connection that has waited
 * longest for a head: a real client sends its head in milliseconds, while an attacker trickling
 * bytes from many addresses, or a flood of idle connections, loses its connections as fast as
 * new clients come, so the listen queue keeps moving. Each client address may hold
 * max_per_ip connections; a trusted reverse proxy (which carries everyone's requests) is exempt,
 * and the client address of its requests is the last X-Forwarded-For entry.
 *
 * Closing is shutdown(2) of the socket under the guard's mutex: libmicrohttpd then sees the
 * connection end, closes it in its own thread and reports it here (NOTIFY_CLOSED, before it
 * closes the descriptor), so the guard never touches a descriptor that was reused.
 */
#include "internal.h"

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define PRESSURE_WAIT 0.5 /* seconds a head may take while the slots are three quarters full */
#define FULL_MIN_AGE 0.05 /* nearly full: a new connection displaces the oldest waiting one
                             that has waited at least this long */
#define GUARD_PERIOD_MS 50

struct ps_srv_conn {
    ps_srv_conn *prev, *next;
    MHD_socket fd;
    char addr[64];    /* numeric peer address */
    bool from_proxy;  /* addr is the trusted proxy */
    bool waiting;     /* a request head is awaited */
    bool cut;         /* shut down by the guard */
    double since;     /* monotonic seconds: start of the current wait */
    unsigned served;  /* responses queued on this connection */
    ps_srv_request req;
};

static void peer_address(struct MHD_Connection *conn, char *out, size_t n)
{
    snprintf(out, n, "-");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                           : sizeof(struct sockaddr_in);
    if (getnameinfo(ci->client_addr, len, out, (socklen_t)n, NULL, 0, NI_NUMERICHOST) != 0)
        snprintf(out, n, "-");
}

/* Under g->mu. */
static void cut(ps_srv_guard *g, ps_srv_conn *k, const char *why)
{
    if (k->cut)
        return;
    k->cut = true;
    shutdown(k->fd, SHUT_RDWR);
    if (strcmp(why, "address") == 0)
        g->cut_address++;
    else
        g->cut_slow++;
}

/* Under g->mu: how long a request head may take now, by how full the slots are. */
static double allowed_wait(const ps_server *s)
{
    const ps_srv_guard *g = &s->guard;
    size_t max = s->max_connections;
    if (g->draining)
        return 0;
    if (g->n * 8 >= max * 7)
        return FULL_MIN_AGE;
    if (g->n * 4 > max * 3 && PRESSURE_WAIT < s->header_timeout)
        return PRESSURE_WAIT;
    return s->header_timeout;
}

/* One pass: close the connections whose request head is overdue. */
static void sweep(ps_server *s)
{
    ps_srv_guard *g = &s->guard;
    double now = ps_srv_now();
    double allowed = allowed_wait(s);
    for (ps_srv_conn *k = g->head; k; k = k->next)
        if (k->waiting && now - k->since > allowed)
            cut(g, k, "slow");
}

/* Under g->mu: cut the connection waiting longest for a head, if it has waited FULL_MIN_AGE. */
static void displace_oldest(ps_srv_guard *g, double now)
{
    ps_srv_conn *oldest = NULL;
    for (ps_srv_conn *o = g->head; o; o = o->next)
        if (o->waiting && !o->cut && (!oldest || o->since < oldest->since))
            oldest = o;
    if (oldest && now - oldest->since >= FULL_MIN_AGE)
        cut(g, oldest, "slow");
}

static void on_started(ps_server *s, struct MHD_Connection *conn, void **socket_context)
{
    ps_srv_guard *g = &s->guard;
    ps_srv_conn *k = calloc(1, sizeof *k);
    const union MHD_ConnectionInfo *fi =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!k || !fi) {
        /* No record: on_uri finds none and the request is dropped. */
        free(k);
        *socket_context = NULL;
        return;
    }
    k->fd = fi->connect_fd;
    peer_address(conn, k->addr, sizeof k->addr);
    k->from_proxy = s->trust_proxy && strcmp(k->addr, s->trust_proxy) == 0;
    k->waiting = true;
    k->since = ps_srv_now();
    k->req.conn = k;
    *socket_context = k;

    pthread_mutex_lock(&g->mu);
    unsigned same = 0;
    for (ps_srv_conn *o = g->head; o && !k->from_proxy; o = o->next)
        if (!o->cut && strcmp(o->addr, k->addr) == 0)
            same++;
    k->next = g->head;
    if (g->head)
        g->head->prev = k;
    g->head = k;
    g->n++;
    if (!k->from_proxy && same >= s->max_per_ip)
        cut(g, k, "address");
    else if (allowed_wait(s) == FULL_MIN_AGE)
        displace_oldest(g, k->since);
    if (g->n * 4 > (size_t)s->max_connections * 3)
        pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->mu);
}

static void on_closed(ps_server *s, void **socket_context)
{
    ps_srv_guard *g = &s->guard;
    ps_srv_conn *k = *socket_context;
    if (!k)
        return;
    pthread_mutex_lock(&g->mu);
    if (k->prev)
        k->prev->next = k->next;
    else
        g->head = k->next;
    if (k->next)
        k->next->prev = k->prev;
    g->n--;
    pthread_mutex_unlock(&g->mu);
    free(k->req.raw_uri);
    free(k);
    *socket_context = NULL;
}

void ps_srv_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                         enum MHD_ConnectionNotificationCode code)
{
    ps_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        on_started(s, conn, socket_context);
    else
        on_closed(s, socket_context);
}

ps_srv_request *ps_srv_guard_request(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    ps_srv_conn *k = ci ? ci->socket_context : NULL;
    return k ? &k->req : NULL;
}

/* The last address in X-Forwarded-For (the one the proxy itself added), if it looks like one. */
static bool forwarded_for(struct MHD_Connection *conn, char *out, size_t n)
{
    const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
    if (!xff)
        return false;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ')
        last++;
    size_t len = strcspn(last, " ");
    if (len == 0 || len >= n)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = last[i];
        bool ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
                  (ch >= 'A' && ch <= 'F') || ch == '.' || ch == ':';
        if (!ok)
            return false;
    }
    memcpy(out, last, len);
    out[len] = '\0';
    return true;
}

void ps_srv_guard_head_received(ps_server *s, ps_srv_request *r, struct MHD_Connection *conn)
{
    ps_srv_conn *k = r->conn;
    pthread_mutex_lock(&s->guard.mu);
    k->waiting = false;
    r->last = k->served + 1 >= s->max_requests || s->guard.draining;
    pthread_mutex_unlock(&s->guard.mu);
    if (!k->from_proxy || !forwarded_for(conn, r->client, sizeof r->client))
        snprintf(r->client, sizeof r->client, "%s", k->addr);
}

void ps_srv_guard_request_done(ps_server *s, ps_srv_request *r)
{
    ps_srv_conn *k = r->conn;
    pthread_mutex_lock(&s->guard.mu);
    k->served++;
    k->waiting = true;
    k->since = ps_srv_now();
    pthread_mutex_unlock(&s->guard.mu);
}

static void *guard_main(void *arg)
{
    ps_server *s = arg;
    ps_srv_guard *g = &s->guard;
    pthread_mutex_lock(&g->mu);
    while (!g->stop) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += GUARD_PERIOD_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g->wake, &g->mu, &until);
        if (!g->stop)
            sweep(s);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

void ps_srv_guard_drain(ps_server *s)
{
    pthread_mutex_lock(&s->guard.mu);
    s->guard.draining = true;
    sweep(s);
    pthread_mutex_unlock(&s->guard.mu);
}

ps_status ps_srv_guard_init(ps_server *s, ps_error *err)
{
    ps_srv_guard *g = &s->guard;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->wake, &ca);
    pthread_condattr_destroy(&ca);
    g->initialized = true;
    int rc = pthread_create(&g->thread, NULL, guard_main, s);
    if (rc != 0)
        return ps_error_set(err, PS_ERR_IO, "cannot start the connection guard: %s",
                            strerror(rc));
    g->running = true;
    return PS_OK;
}

void ps_srv_guard_stop(ps_server *s)
{
    ps_srv_guard *g = &s->guard;
    if (!g->initialized)
        return;
    if (g->running) {
        pthread_mutex_lock(&g->mu);
        g->stop = true;
        pthread_cond_signal(&g->wake);
        pthread_mutex_unlock(&g->mu);
        pthread_join(g->thread, NULL);
        g->running = false;
    }
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->wake);
    g->initialized = false;
}

void ps_srv_guard_counts(ps_server *s, ps_srv_guard_stats *out)
{
    ps_srv_guard *g = &s->guard;
    pthread_mutex_lock(&g->mu);
    out->connections = g->n;
    out->waiting = 0;
    for (ps_srv_conn *k = g->head; k; k = k->next)
        out->waiting += k->waiting && !k->cut;
    out->cut_slow = g->cut_slow;
    out->cut_address = g->cut_address;
    pthread_mutex_unlock(&g->mu);
}
