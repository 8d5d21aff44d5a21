/*
 * server/static.c — files from disk: the static files of web/ and, with --serve-sources, the
 * indexed source files under /kalla/.
 *
 * A file is served only if realpath() of it lies inside the resolved root directory and it is a
 * regular file, so neither "..", nor an encoded variant, nor a symlink pointing out of the root
 * can reach anything else (server.c already refuses such paths; this is the second wall).
 * Static files carry an ETag (inode, size, mtime) and answer If-None-Match with 304.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define PS_SRV_MAX_WEB_FILE (8u << 20)

typedef struct {
    const char *ext;
    const char *type;
} ps_srv_mime;

static const ps_srv_mime web_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml; charset=utf-8"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".xml", "application/xml; charset=utf-8"},
    {".webmanifest", "application/manifest+json; charset=utf-8"},
};

static const ps_srv_mime source_types[] = {
    {".pdf", "application/pdf"},
    {".txt", "text/plain; charset=utf-8"},
    {".md", "text/plain; charset=utf-8"},
};

static const char *mime_for(const char *path, const ps_srv_mime *table, size_t n)
{
    size_t len = strlen(path);
    for (size_t i = 0; i < n; i++) {
        size_t e = strlen(table[i].ext);
        if (len > e && strcasecmp(path + len - e, table[i].ext) == 0)
            return table[i].type;
    }
    return NULL;
}

/* realpath(root + rel) if it is a regular file inside root; NULL otherwise. */
static char *confined(const char *root, const char *rel, struct stat *st)
{
    size_t rn = strlen(root);
    char *joined = malloc(rn + strlen(rel) + 2);
    if (!joined)
        return NULL;
    sprintf(joined, "%s/%s", root, rel[0] == '/' ? rel + 1 : rel);
    char *real = realpath(joined, NULL);
    free(joined);
    if (!real)
        return NULL;
    if (strncmp(real, root, rn) != 0 || real[rn] != '/' || stat(real, st) != 0 ||
        !S_ISREG(st->st_mode)) {
        free(real);
        return NULL;
    }
    return real;
}

static bool has_hidden_segment(const char *path)
{
    return path[0] == '.' || strstr(path, "/.") != NULL;
}

static void make_etag(const struct stat *st, char *out, size_t n)
{
    snprintf(out, n, "\"%llx-%llx-%llx\"", (unsigned long long)st->st_ino,
             (unsigned long long)st->st_size,
             (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
                 (unsigned long long)st->st_mtim.tv_nsec);
}

static bool etag_matches(struct MHD_Connection *conn, const char *etag)
{
    const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
    if (!inm)
        return false;
    if (strcmp(inm, "*") == 0)
        return true;
    /* A list of tags, possibly weak (W/"..."): compare the quoted part. */
    size_t n = strlen(etag);
    for (const char *p = strstr(inm, etag); p; p = strstr(p + 1, etag)) {
        char after = p[n];
        if (after == '\0' || after == ',' || after == ' ')
            return true;
    }
    return false;
}

static enum MHD_Result not_modified(ps_srv_ctx *c, const char *etag, const char *cache)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    return ps_srv_queue(c, MHD_HTTP_NOT_MODIFIED, resp, 0);
}

static enum MHD_Result not_found(ps_srv_ctx *c)
{
    return ps_srv_error(c, 404, "not_found", "Sidan finns inte.", "Not found.");
}

static char *read_all(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ps_buf b = PS_BUF_INIT;
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= max)
        ps_buf_append(&b, chunk, n);
    bool bad = ferror(f) || b.len > max || b.failed;
    fclose(f);
    if (bad) {
        ps_buf_free(&b);
        return NULL;
    }
    return ps_buf_steal(&b, len);
}

/* The file to serve for rel below root (realpath, caller frees), or NULL: hidden, missing,
 * not a regular file or outside root. */
static char *find_file(const char *root, const char *rel, struct stat *st)
{
    if (!root || !*rel || has_hidden_segment(rel))
        return NULL;
    return confined(root, rel, st);
}

/* Fill etag for st; true when the client's copy is current (answer 304). */
static bool client_has(ps_srv_ctx *c, const struct stat *st, char *etag, size_t n)
{
    make_etag(st, etag, n);
    return etag_matches(c->conn, etag);
}

enum MHD_Result ps_srv_static(ps_srv_ctx *c)
{
    struct stat st;
    char *real = find_file(c->srv->web_real, c->path + 1, &st);
    if (!real)
        return not_found(c);
    const char *type = mime_for(real, web_types, sizeof web_types / sizeof web_types[0]);
    char etag[80];
    /* No build step, so no hashed names: short caching plus cheap revalidation by ETag. */
    const char *cache = "public, max-age=300";
    if (client_has(c, &st, etag, sizeof etag)) {
        free(real);
        return not_modified(c, etag, cache);
    }
    size_t len = 0;
    char *body = read_all(real, PS_SRV_MAX_WEB_FILE, &len);
    free(real);
    if (!body)
        return not_found(c);
    const char *headers[] = {MHD_HTTP_HEADER_ETAG, etag, MHD_HTTP_HEADER_CACHE_CONTROL, cache,
                             NULL};
    enum MHD_Result res =
        ps_srv_reply(c, 200, type ? type : "application/octet-stream", body, len, headers);
    free(body);
    return res;
}

static bool starts_with_pdf_magic(int fd)
{
    char magic[5];
    bool pdf = pread(fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic &&
               memcmp(magic, "%PDF-", 5) == 0;
    return pdf;
}

enum MHD_Result ps_srv_source(ps_srv_ctx *c)
{
    struct stat st;
    char *real = find_file(c->srv->sources_real, c->path + strlen("/kalla/"), &st);
    if (!real)
        return not_found(c);
    int fd = open(real, O_RDONLY | O_CLOEXEC);
    const char *type = mime_for(real, source_types, sizeof source_types / sizeof source_types[0]);
    free(real);
    if (fd < 0)
        return not_found(c);
    if (starts_with_pdf_magic(fd))
        type = "application/pdf";
    char etag[80];
    const char *cache = "public, max-age=3600";
    if (client_has(c, &st, etag, sizeof etag)) {
        close(fd);
        return not_modified(c, etag, cache);
    }
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!resp) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    /* Source files come from outside: never let one run as a page of this site. A PDF keeps
     * a CSP without 'sandbox' because the browser's PDF viewer needs to run. */
    if (!type) {
        type = "application/octet-stream";
        MHD_add_response_header(resp, "Content-Disposition", "attachment");
    }
    MHD_add_response_header(resp, "Content-Security-Policy",
                            strcmp(type, "application/pdf") == 0
                                ? "frame-ancestors 'none'"
                                : "default-src 'none'; frame-ancestors 'none'; sandbox");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    return ps_srv_queue(c, 200, resp, (size_t)st.st_size);
}

/* The part of real below root, or NULL. */
static const char *below(const char *real, const char *root)
{
    size_t rn = strlen(root);
    return strncmp(real, root, rn) == 0 && real[rn] == '/' ? real + rn + 1 : NULL;
}

static char *href_for(const char *rel)
{
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, "/kalla");
    const char *p = rel;
    while (*p) {
        size_t n = strcspn(p, "/");
        char *seg = strndup(p, n);
        ps_buf_putc(&b, '/');
        ps_srv_url_encode(&b, seg);
        free(seg);
        p += n;
        if (*p == '/')
            p++;
    }
    if (b.failed) {
        ps_buf_free(&b);
        return NULL;
    }
    return ps_buf_steal(&b, NULL);
}

/* The indexed path may be absolute, relative to where the indexer ran, or relative to the
 * sources folder; try each suffix of it below the sources folder, then as it stands. */
char *ps_srv_source_href(ps_server *s, const char *indexed_path)
{
    struct stat st;
    for (const char *suffix = indexed_path; suffix; suffix = strchr(suffix + 1, '/')) {
        const char *rel = suffix[0] == '/' ? suffix + 1 : suffix;
        if (!*rel || strstr(rel, ".."))
            continue;
        char *real = confined(s->sources_real, rel, &st);
        if (real) {
            const char *inside = below(real, s->sources_real);
            char *href = inside ? href_for(inside) : NULL;
            free(real);
            return href;
        }
    }
    char *real = realpath(indexed_path, NULL);
    const char *inside = real ? below(real, s->sources_real) : NULL;
    char *href = inside && stat(real, &st) == 0 && S_ISREG(st.st_mode) ? href_for(inside) : NULL;
    free(real);
    return href;
}

char *ps_srv_read_web_file(ps_server *s, const char *name, size_t *len)
{
    struct stat st;
    char *real = confined(s->web_real, name, &st);
    if (!real)
        return NULL;
    char *body = read_all(real, PS_SRV_MAX_WEB_FILE, len);
    free(real);
    return body;
}
