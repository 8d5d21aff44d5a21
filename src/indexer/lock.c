/*
 * indexer/lock.c — one indexer per database: an flock on "<db>.lock" beside the database.
 *
 * Beside, not inside: a full rebuild replaces the database directory by rename, and the lock
 * must stay the same file across that. flock belongs to the open file description, so the
 * kernel drops it when the process exits or is killed — a stale lock cannot exist, and the pid
 * written into the file serves only the message of the run that was refused.
 */
#include "protokollsok/indexer.h"

#include "protokollsok/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct ps_indexer_lock {
    int fd;
    char *path;
};

/* mkdir -p of the directory part of path. */
static int make_parent_dirs(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return ENOMEM;
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; rc == 0; p++) {
            if (*p != '/' && *p != '\0')
                continue;
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0777) != 0 && errno != EEXIST)
                rc = errno;
            *p = c;
            if (c == '\0')
                break;
        }
    }
    free(dir);
    return rc;
}

static long read_pid(int fd)
{
    char buf[64];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

ps_status ps_indexer_lock_acquire(const char *db_path, ps_indexer_lock **out, ps_error *err)
{
    *out = NULL;
    char *db = ps_indexer_path_normalize(db_path);
    ps_buf b = PS_BUF_INIT;
    if (db)
        ps_buf_printf(&b, "%s.lock", db);
    free(db);
    if (!db || b.failed) {
        ps_buf_free(&b);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    }
    int rc = make_parent_dirs(b.data);
    int fd = rc ? -1 : open(b.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        ps_error_set(err, PS_ERR_IO, "cannot create the lock file %s: %s", b.data,
                     strerror(rc ? rc : errno));
        ps_error_locate(err, b.data, 0, -1);
        ps_buf_free(&b);
        return PS_ERR_IO;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        long pid = e == EWOULDBLOCK ? read_pid(fd) : 0;
        close(fd);
        if (e == EWOULDBLOCK) {
            if (pid > 0)
                ps_error_set(err, PS_ERR_LOCKED,
                             "another indexer (pid %ld) is writing %s (lock %s); not started",
                             pid, db_path, b.data);
            else
                ps_error_set(err, PS_ERR_LOCKED,
                             "another indexer is writing %s (lock %s); not started", db_path,
                             b.data);
        } else {
            ps_error_set(err, PS_ERR_IO, "cannot lock %s: %s", b.data, strerror(e));
        }
        ps_buf_free(&b);
        return e == EWOULDBLOCK ? PS_ERR_LOCKED : PS_ERR_IO;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    bool pid_written = ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) == n;
    (void)pid_written; /* the lock holds without it; only a refused run's message would lack it */
    ps_indexer_lock *lock = malloc(sizeof *lock);
    if (!lock) {
        close(fd);
        ps_buf_free(&b);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    }
    lock->fd = fd;
    lock->path = ps_buf_steal(&b, NULL);
    *out = lock;
    return PS_OK;
}

void ps_indexer_lock_release(ps_indexer_lock *lock)
{
    if (!lock)
        return;
    /* Leave the file: removing it would race with a run that has just opened it. A stale pid in
     * it misleads nobody: it is read only while the file is locked. */
    close(lock->fd);
    free(lock->path);
    free(lock);
}

const char *ps_indexer_lock_path(const ps_indexer_lock *lock)
{
    return lock->path;
}
