/*
 * file.c — read a regular file whole, refusing more than a limit (see file.h).
 *
 * Reads at most max+1 bytes whatever the file claims to be, so a file that grows while it is
 * read, or a size that lies (/proc), still cannot make us read past the limit.
 */
#include "protokollsok/file.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ps_status ps_file_read(const char *path, size_t max, unsigned flags, char **data, size_t *len,
                       struct stat *sb, ps_error *err)
{
    *data = NULL;
    *len = 0;
    struct stat local;
    if (!sb)
        sb = &local;
    bool regular_only = flags & PS_FILE_REGULAR_ONLY;
    /* O_NONBLOCK: opening a FIFO must not hang before we can tell it is one. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (regular_only ? O_NONBLOCK : 0));
    if (fd < 0)
        return ps_error_set(err, PS_ERR_IO, "cannot read: %s", strerror(errno));
    const char *why = NULL;
    if (fstat(fd, sb) != 0)
        why = strerror(errno);
    else if (S_ISDIR(sb->st_mode))
        why = "is a directory";
    else if (regular_only && !S_ISREG(sb->st_mode))
        why = "not a regular file";
    if (why) {
        close(fd);
        return ps_error_set(err, PS_ERR_IO, "cannot read: %s", why);
    }
    size_t want = max < (size_t)-2 ? max + 1 : max;
    size_t size = S_ISREG(sb->st_mode) && sb->st_size > 0 ? (size_t)sb->st_size : 0;
    size_t cap = size < want ? size + 1 : want;
    char *buf = malloc(cap + 1);
    if (!buf) {
        close(fd);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading %s", path);
    }
    size_t n = 0;
    for (;;) {
        if (n == cap && cap < want) { /* grew past what fstat said, or a pipe */
            size_t grown = cap * 2 < want ? cap * 2 : want;
            char *nb = realloc(buf, grown + 1);
            if (!nb) {
                free(buf);
                close(fd);
                return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading %s", path);
            }
            buf = nb;
            cap = grown;
        }
        if (n == cap)
            break;
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return ps_error_set(err, PS_ERR_IO, "cannot read: %s", strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (n > max) {
        free(buf);
        return ps_error_set(err, PS_ERR_TOO_LARGE, "over the limit of %zu bytes", max);
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return PS_OK;
}
