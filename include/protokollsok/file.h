/*
 * file.h — reading one input file whole, within a size limit.
 *
 * Shared by the indexer and `protokollsok parse`, so both refuse the same files with the same
 * words. The indexer reads only regular files (PS_FILE_REGULAR_ONLY: a FIFO or device found in a
 * walked folder would block or never end); `parse` also reads pipes and devices (/dev/stdin).
 *
 * Ownership: *data is malloc'd and NUL-terminated (one byte past *len); the caller frees it.
 */
#ifndef PROTOKOLLSOK_FILE_H
#define PROTOKOLLSOK_FILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "protokollsok/error.h"

enum { PS_FILE_REGULAR_ONLY = 1u << 0 };

/* Read path whole. flags: PS_FILE_REGULAR_ONLY or 0. Statuses: PS_ERR_IO ("cannot read:
 * <reason>"; a directory, or with PS_FILE_REGULAR_ONLY anything but a regular file),
 * PS_ERR_TOO_LARGE ("over the limit of MAX bytes") when the file holds more than max bytes,
 * PS_ERR_NOMEM. sb, if not NULL, receives the file's fstat (also when too large). */
ps_status ps_file_read(const char *path, size_t max, unsigned flags, char **data, size_t *len,
                       struct stat *sb, ps_error *err);

#endif
