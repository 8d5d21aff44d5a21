/*
 * error.h — status codes and the error record every module fills in.
 *
 * A library function never prints. It returns a ps_status and, on failure, fills the
 * caller-provided ps_error with a human message and, where known, the file, line and byte
 * offset at fault. Only main() and the server decide what to print.
 */
#ifndef PROTOKOLLSOK_ERROR_H
#define PROTOKOLLSOK_ERROR_H

#include <stddef.h>

typedef enum {
    PS_OK = 0,
    PS_ERR_NOMEM,       /* allocation failed */
    PS_ERR_IO,          /* a file could not be read or written */
    PS_ERR_NOT_FOUND,   /* a file, database, document or key does not exist */
    PS_ERR_INVALID,     /* bad input: unreadable data, bad argument, corrupt record */
    PS_ERR_TOO_LARGE,   /* input over a configured limit */
    PS_ERR_UNSUPPORTED, /* a kind of input we do not read (binary, scanned PDF, ...) */
    PS_ERR_QUERY,       /* a search query with a syntax or field error */
    PS_ERR_LOCKED,      /* another writer holds the database lock */
    PS_ERR_VERSION,     /* index or lexicon version mismatch */
    PS_ERR_XAPIAN,      /* any other error raised inside Xapian */
    PS_ERR_TIMEOUT,     /* a time limit ran out */
    PS_ERR_UNAVAILABLE, /* a part of a sharded index did not answer (and all were required) */
    PS_ERR_NOSPACE,     /* a write failed: no space left on the device (or over the quota) */
    PS_ERR_INTERNAL     /* a bug: an invariant did not hold */
} ps_status;

#define PS_ERROR_MESSAGE_MAX 512
#define PS_ERROR_FILE_MAX 256

typedef struct {
    ps_status status;
    char message[PS_ERROR_MESSAGE_MAX]; /* human-readable cause, never empty on failure */
    char file[PS_ERROR_FILE_MAX];       /* file at fault, "" when none */
    long line;                          /* 1-based line at fault, 0 when unknown */
    long offset;                        /* byte offset at fault, -1 when unknown */
} ps_error;

/* Reset err to "no error". err may be NULL. */
void ps_error_clear(ps_error *err);

/* Record a failure: sets status and a printf-formatted message; returns status so callers can
 * write `return ps_error_set(err, PS_ERR_IO, "...")`. err may be NULL (the status is still
 * returned). Clears file/line/offset. */
ps_status ps_error_set(ps_error *err, ps_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Attach a location to an error already set. file may be NULL (keeps the current one). */
void ps_error_locate(ps_error *err, const char *file, long line, long offset);

/* A short English name for a status ("locked", "not found", ...). Static string. */
const char *ps_status_name(ps_status status);

/* Format "file:line: message" (parts present only when known) into buf of size n. Returns buf. */
const char *ps_error_format(const ps_error *err, char *buf, size_t n);

#endif
