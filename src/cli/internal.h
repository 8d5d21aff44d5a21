/*
 * cli/internal.h — private to the protokollsok command-line tool (src/cli/).
 *
 * Every subcommand is `int ps_cli_NAME(int argc, char **argv)` where argv[0] is the subcommand
 * name; it parses its own options with getopt_long, prints its own --help, and returns one of
 * the exit statuses below. Only the CLI prints; the library modules fill a ps_error.
 */
#ifndef PROTOKOLLSOK_CLI_H
#define PROTOKOLLSOK_CLI_H

#include "protokollsok/error.h"

#include <stdbool.h>
#include <stddef.h>

/* Exit statuses, documented in `protokollsok --help` and README. */
enum {
    PS_EXIT_OK = 0,      /* success (search: at least one hit) */
    PS_EXIT_PARTIAL = 1, /* search: no hits; index: finished, but some files were skipped */
    PS_EXIT_USAGE = 2,   /* bad usage, unknown option or subcommand, bad query */
    PS_EXIT_NODB = 3,    /* index missing or unreadable */
    PS_EXIT_LOCKED = 4,  /* another indexer holds the database lock */
    PS_EXIT_FAILURE = 5  /* any other runtime error (I/O, Xapian, out of memory) */
};

int ps_cli_index(int argc, char **argv);
int ps_cli_search(int argc, char **argv);
int ps_cli_serve(int argc, char **argv);
int ps_cli_stats(int argc, char **argv);
int ps_cli_parse(int argc, char **argv);
int ps_cli_analyze(int argc, char **argv);

/* Where the data files are: PREFIX/share/protokollsok/ beside an installed binary, else the
 * build and source trees (cli/paths.c). The *_from strings say which. */
typedef struct {
    char exe[4096];
    char lexicon[4096];
    const char *lexicon_from; /* "$PROTOKOLLSOK_LEXICON", "installed" or "build tree" */
    char web[4096];
    const char *web_from;     /* "installed" or "source tree" */
} ps_cli_paths;
void ps_cli_find_paths(ps_cli_paths *p);

/* The database directory: the --db value if given, else $PROTOKOLLSOK_DB, else "index". */
const char *ps_cli_db_path(const char *db_opt);

/* Print "protokollsok CMD: <formatted error>" to stderr. */
void ps_cli_print_error(const char *cmd, const ps_error *err);

/* Map a library status to the exit status above. */
int ps_cli_exit_for(ps_status status);

/* Parse a positive whole number with an optional k/M/G suffix (powers of 1024) into *out.
 * False for 0, a sign, junk or overflow. Used for --max-bytes, --batch, --threads, ... */
bool ps_cli_parse_size(const char *s, size_t *out);

/* Print "Try 'protokollsok CMD --help'." after a usage error and return PS_EXIT_USAGE. */
int ps_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
