/*
 * cli/common.c — helpers shared by the subcommands: database path, error printing, exit codes.
 */
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

const char *ps_cli_db_path(const char *db_opt)
{
    if (db_opt && *db_opt)
        return db_opt;
    const char *env = getenv("PROTOKOLLSOK_DB");
    if (env && *env)
        return env;
    return "index";
}

void ps_cli_print_error(const char *cmd, const ps_error *err)
{
    char msg[PS_ERROR_MESSAGE_MAX + PS_ERROR_FILE_MAX + 64];
    fprintf(stderr, "protokollsok %s: %s\n", cmd, ps_error_format(err, msg, sizeof msg));
}

int ps_cli_exit_for(ps_status status)
{
    switch (status) {
    case PS_OK:
        return PS_EXIT_OK;
    case PS_ERR_QUERY:
    case PS_ERR_INVALID:
        return PS_EXIT_USAGE;
    case PS_ERR_NOT_FOUND:
    case PS_ERR_VERSION:
        return PS_EXIT_NODB;
    case PS_ERR_LOCKED:
        return PS_EXIT_LOCKED;
    default:
        return PS_EXIT_FAILURE;
    }
}

int ps_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "protokollsok %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'protokollsok %s --help'.\n", cmd);
    return PS_EXIT_USAGE;
}

bool ps_cli_parse_size(const char *s, size_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned long long mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1024ull, end++;
    else if (*end == 'M')
        mult = 1024ull * 1024, end++;
    else if (*end == 'G')
        mult = 1024ull * 1024 * 1024, end++;
    if (errno || *end || v == 0 || v > (unsigned long long)SIZE_MAX / mult)
        return false;
    *out = (size_t)(v * mult);
    return true;
}
