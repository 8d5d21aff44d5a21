/*
 * error.c — the ps_error record: set, locate, format.
 */
#include "protokollsok/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ps_error_clear(ps_error *err)
{
    if (!err)
        return;
    err->status = PS_OK;
    err->message[0] = '\0';
    err->file[0] = '\0';
    err->line = 0;
    err->offset = -1;
}

ps_status ps_error_set(ps_error *err, ps_status status, const char *fmt, ...)
{
    if (!err)
        return status;
    /* Format first: the arguments may point into err itself (wrapping err->message in more
     * context), which clearing or formatting in place would destroy. */
    char msg[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ps_error_clear(err);
    err->status = status;
    memcpy(err->message, msg, sizeof msg);
    return status;
}

void ps_error_locate(ps_error *err, const char *file, long line, long offset)
{
    if (!err)
        return;
    if (file && file != err->file) /* snprintf must not copy a string onto itself */
        snprintf(err->file, sizeof err->file, "%s", file);
    err->line = line;
    err->offset = offset;
}

const char *ps_status_name(ps_status status)
{
    switch (status) {
    case PS_OK: return "ok";
    case PS_ERR_NOMEM: return "out of memory";
    case PS_ERR_IO: return "i/o error";
    case PS_ERR_NOT_FOUND: return "not found";
    case PS_ERR_INVALID: return "invalid input";
    case PS_ERR_TOO_LARGE: return "too large";
    case PS_ERR_UNSUPPORTED: return "unsupported input";
    case PS_ERR_QUERY: return "bad query";
    case PS_ERR_LOCKED: return "locked";
    case PS_ERR_VERSION: return "version mismatch";
    case PS_ERR_XAPIAN: return "xapian error";
    case PS_ERR_TIMEOUT: return "timeout";
    case PS_ERR_UNAVAILABLE: return "unavailable";
    case PS_ERR_NOSPACE: return "no space left on device";
    case PS_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

const char *ps_error_format(const ps_error *err, char *buf, size_t n)
{
    if (n == 0)
        return buf;
    const char *msg = err->message[0] ? err->message : ps_status_name(err->status);
    if (err->file[0] && err->line > 0)
        snprintf(buf, n, "%s:%ld: %s", err->file, err->line, msg);
    else if (err->file[0] && err->offset >= 0)
        snprintf(buf, n, "%s: byte %ld: %s", err->file, err->offset, msg);
    else if (err->file[0])
        snprintf(buf, n, "%s: %s", err->file, msg);
    else
        snprintf(buf, n, "%s", msg);
    return buf;
}
