/*
 * indexer/walk.c — find the files to index under the roots given on the command line.
 *
 * Symlinks are followed (a protocol archive is often assembled from links), so directories are
 * identified by (dev, ino): one already on the current path is a loop (warned), one seen
 * elsewhere was reached twice and is walked once. Files are likewise indexed once per inode.
 * Entries are sorted by name so that runs are reproducible.
 */
#include "internal.h"

#include "protokollsok/buf.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A set of (dev, ino) pairs: open addressing, linear probing, grown at half full. */
typedef struct {
    uint64_t *keys; /* pairs; (0, 0) is the empty marker (inode 0 does not exist) */
    size_t nslots, count;
} id_set;

static uint64_t id_hash(uint64_t dev, uint64_t ino)
{
    uint64_t k[2] = {dev, ino};
    return ps_indexer_hash64(k, sizeof k, 0);
}

/* Insert; *added false when already present. false on out-of-memory. */
static bool id_set_add(id_set *s, uint64_t dev, uint64_t ino, bool *added)
{
    if ((s->count + 1) * 2 > s->nslots) {
        size_t n = s->nslots ? s->nslots * 2 : 256;
        uint64_t *keys = calloc(n * 2, sizeof *keys);
        if (!keys)
            return false;
        for (size_t i = 0; i < s->nslots; i++) {
            if (s->keys[2 * i] == 0 && s->keys[2 * i + 1] == 0)
                continue;
            size_t j = (size_t)id_hash(s->keys[2 * i], s->keys[2 * i + 1]) & (n - 1);
            while (keys[2 * j] || keys[2 * j + 1])
                j = (j + 1) & (n - 1);
            keys[2 * j] = s->keys[2 * i];
            keys[2 * j + 1] = s->keys[2 * i + 1];
        }
        free(s->keys);
        s->keys = keys;
        s->nslots = n;
    }
    size_t j = (size_t)id_hash(dev, ino) & (s->nslots - 1);
    while (s->keys[2 * j] || s->keys[2 * j + 1]) {
        if (s->keys[2 * j] == dev && s->keys[2 * j + 1] == ino) {
            *added = false;
            return true;
        }
        j = (j + 1) & (s->nslots - 1);
    }
    s->keys[2 * j] = dev;
    s->keys[2 * j + 1] = ino;
    s->count++;
    *added = true;
    return true;
}

typedef struct {
    ps_indexer_walk_result *out;
    size_t cap_files, cap_warnings;
    id_set dirs, files;
    /* the directories on the current path, for telling loops from second visits */
    uint64_t *stack;
    size_t depth, cap_stack;
    ps_error *err;
} walker;

static ps_status oom(walker *w)
{
    return ps_error_set(w->err, PS_ERR_NOMEM, "out of memory while walking the input");
}

static ps_status warn(walker *w, const char *path, const char *reason)
{
    ps_indexer_walk_result *o = w->out;
    if (o->nwarnings == w->cap_warnings) {
        size_t cap = w->cap_warnings ? w->cap_warnings * 2 : 16;
        ps_indexer_warning *p = realloc(o->warnings, cap * sizeof *p);
        if (!p)
            return oom(w);
        o->warnings = p;
        w->cap_warnings = cap;
    }
    char *pc = strdup(path), *rc = strdup(reason);
    if (!pc || !rc) {
        free(pc);
        free(rc);
        return oom(w);
    }
    o->warnings[o->nwarnings++] = (ps_indexer_warning){pc, rc};
    return PS_OK;
}

static ps_status add_file(walker *w, const char *path, const char *relpath, const struct stat *sb)
{
    bool added;
    if (!id_set_add(&w->files, (uint64_t)sb->st_dev, (uint64_t)sb->st_ino, &added))
        return oom(w);
    if (!added)
        return PS_OK; /* the same file through another link: indexed once */
    ps_indexer_walk_result *o = w->out;
    if (o->nfiles == w->cap_files) {
        size_t cap = w->cap_files ? w->cap_files * 2 : 256;
        ps_indexer_file *p = realloc(o->files, cap * sizeof *p);
        if (!p)
            return oom(w);
        o->files = p;
        w->cap_files = cap;
    }
    ps_indexer_file *f = &o->files[o->nfiles];
    f->path = strdup(path);
    f->relpath = strdup(relpath);
    if (!f->path || !f->relpath) {
        free(f->path);
        free(f->relpath);
        return oom(w);
    }
    f->relpath_shared = false;
    f->size = (uint64_t)sb->st_size;
    f->mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
    f->dev = (uint64_t)sb->st_dev;
    f->ino = (uint64_t)sb->st_ino;
    o->nfiles++;
    o->total_bytes += f->size;
    return PS_OK;
}

/* Names in dir, sorted, hidden ones left out. *names malloc'd (each name too). */
static int read_names(const char *dir, char ***names, size_t *count)
{
    *names = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno;
    size_t cap = 0;
    struct dirent *de;
    int rc = 0;
    errno = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (*count == cap) {
            cap = cap ? cap * 2 : 32;
            char **p = realloc(*names, cap * sizeof *p);
            if (!p) {
                rc = ENOMEM;
                break;
            }
            *names = p;
        }
        if (!((*names)[*count] = strdup(de->d_name))) {
            rc = ENOMEM;
            break;
        }
        (*count)++;
        errno = 0;
    }
    if (!rc && errno)
        rc = errno;
    closedir(d);
    if (*names)
        qsort(*names, *count, sizeof **names, ps_indexer_cmp_strings);
    return rc;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* A database directory, or a sharded index (the stub XAPIANDB beside its shards). */
static bool is_xapian_db(const char *dir)
{
    static const char *const marks[] = {"iamglass", "XAPIANDB"};
    bool yes = false;
    for (size_t i = 0; !yes && i < 2; i++) {
        ps_buf b = PS_BUF_INIT;
        ps_buf_printf(&b, "%s/%s", dir, marks[i]);
        struct stat sb;
        yes = !b.failed && stat(b.data, &sb) == 0;
        ps_buf_free(&b);
    }
    return yes;
}

static ps_status walk_entry(walker *w, const char *path, const char *relpath);

static ps_status walk_dir(walker *w, const char *path, const char *relpath, const struct stat *sb)
{
    uint64_t dev = (uint64_t)sb->st_dev, ino = (uint64_t)sb->st_ino;
    for (size_t i = 0; i < w->depth; i++)
        if (w->stack[2 * i] == dev && w->stack[2 * i + 1] == ino)
            return warn(w, path, "directory loop through a symlink: not followed");
    bool added;
    if (!id_set_add(&w->dirs, dev, ino, &added))
        return oom(w);
    if (!added || is_xapian_db(path))
        return PS_OK;
    if (w->depth == w->cap_stack) {
        size_t cap = w->cap_stack ? w->cap_stack * 2 : 32;
        uint64_t *s = realloc(w->stack, cap * 2 * sizeof *s);
        if (!s)
            return oom(w);
        w->stack = s;
        w->cap_stack = cap;
    }
    w->stack[2 * w->depth] = dev;
    w->stack[2 * w->depth + 1] = ino;
    w->depth++;
    char **names;
    size_t n;
    int rc = read_names(path, &names, &n);
    ps_status st = PS_OK;
    if (rc == ENOMEM)
        st = oom(w);
    else if (rc)
        st = warn(w, path, strerror(rc));
    ps_buf child = PS_BUF_INIT, childrel = PS_BUF_INIT;
    for (size_t i = 0; st == PS_OK && i < n; i++) {
        ps_buf_clear(&child);
        ps_buf_clear(&childrel);
        ps_buf_printf(&child, "%s%s%s", path, strcmp(path, "/") == 0 ? "" : "/", names[i]);
        ps_buf_printf(&childrel, "%s%s%s", relpath, *relpath ? "/" : "", names[i]);
        st = child.failed || childrel.failed ? oom(w) : walk_entry(w, child.data, childrel.data);
    }
    ps_buf_free(&child);
    ps_buf_free(&childrel);
    free_names(names, n);
    w->depth--;
    return st;
}

static ps_status walk_entry(walker *w, const char *path, const char *relpath)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        struct stat lsb;
        if (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode))
            return warn(w, path, errno == ELOOP ? "symlink loop" : "broken symlink");
        return warn(w, path, strerror(errno));
    }
    if (S_ISDIR(sb.st_mode))
        return walk_dir(w, path, relpath, &sb);
    if (S_ISREG(sb.st_mode))
        return add_file(w, path, relpath, &sb);
    return warn(w, path, "not a regular file (device, pipe or socket): skipped");
}

static int cmp_relpath(const void *a, const void *b)
{
    const ps_indexer_file *const *x = a, *const *y = b;
    return strcmp((*x)->relpath, (*y)->relpath);
}

/* With several roots, two files may have the same path relative to their roots (a/x.txt and
 * b/x.txt): flag them, so that their ärende keys come from their whole paths. */
static ps_status mark_shared_relpaths(walker *w)
{
    ps_indexer_walk_result *out = w->out;
    ps_indexer_file **v = malloc((out->nfiles + 1) * sizeof *v);
    if (!v)
        return oom(w);
    for (size_t i = 0; i < out->nfiles; i++)
        v[i] = &out->files[i];
    qsort(v, out->nfiles, sizeof *v, cmp_relpath);
    for (size_t i = 1; i < out->nfiles; i++)
        if (strcmp(v[i - 1]->relpath, v[i]->relpath) == 0)
            v[i - 1]->relpath_shared = v[i]->relpath_shared = true;
    free(v);
    return PS_OK;
}

ps_status ps_indexer_walk(const char *const *roots, size_t nroots, ps_indexer_walk_result *out,
                          ps_error *err)
{
    memset(out, 0, sizeof *out);
    walker w = {.out = out, .err = err};
    ps_status st = PS_OK;
    for (size_t r = 0; st == PS_OK && r < nroots; r++) {
        char *root = ps_indexer_path_normalize(roots[r]);
        if (!root) {
            st = oom(&w);
            break;
        }
        struct stat sb;
        if (stat(root, &sb) != 0) {
            ps_error_set(err, errno == ENOENT ? PS_ERR_NOT_FOUND : PS_ERR_IO,
                         "cannot read %s: %s (nothing indexed, nothing deleted)", root,
                         strerror(errno));
            ps_error_locate(err, root, 0, -1);
            st = err ? err->status : PS_ERR_IO;
        } else if (S_ISDIR(sb.st_mode)) {
            st = walk_dir(&w, root, "", &sb);
        } else {
            const char *base = strrchr(root, '/');
            st = walk_entry(&w, root, base ? base + 1 : root);
        }
        free(root);
    }
    if (st == PS_OK && nroots > 1)
        st = mark_shared_relpaths(&w);
    free(w.dirs.keys);
    free(w.files.keys);
    free(w.stack);
    return st;
}

void ps_indexer_walk_free(ps_indexer_walk_result *res)
{
    for (size_t i = 0; i < res->nfiles; i++) {
        free(res->files[i].path);
        free(res->files[i].relpath);
    }
    free(res->files);
    for (size_t i = 0; i < res->nwarnings; i++) {
        free(res->warnings[i].path);
        free(res->warnings[i].reason);
    }
    free(res->warnings);
    memset(res, 0, sizeof *res);
}
