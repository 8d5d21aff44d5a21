/*
 * main.c — the protokollsok command: dispatch to a subcommand.
 *
 *   protokollsok [--help | --version] COMMAND [OPTIONS] [ARGS]
 */
#include "internal.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} ps_command;

static const ps_command commands[] = {
    {"index", ps_cli_index, "index protocol files and directories (the nightly reindex)"},
    {"search", ps_cli_search, "search the index from the terminal"},
    {"serve", ps_cli_serve, "run the HTTP query server and web UI"},
    {"stats", ps_cli_stats, "show what the index holds"},
    {"parse", ps_cli_parse, "print the ärenden the parser finds in files, as JSON"},
    {"analyze", ps_cli_analyze, "show the tokens and terms the Swedish analyzer produces"},
};

static void usage(FILE *out)
{
    fputs("Usage: protokollsok [--help | --version] COMMAND [OPTIONS] [ARGS]\n"
          "\n"
          "Full-text search over Swedish municipal protocols.\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "Run 'protokollsok COMMAND --help' for the options of one command.\n"
          "\n"
          "The database is --db DIR, else $PROTOKOLLSOK_DB, else ./index.\n"
          "\n"
          "Exit status:\n"
          "  0  success (search: hits found)\n"
          "  1  search: no hits; index: finished, but some files were skipped (see warnings)\n"
          "  2  bad usage or bad query\n"
          "  3  index missing or unreadable\n"
          "  4  database locked by another indexer\n"
          "  5  any other error (I/O, Xapian, out of memory)\n",
          out);
}

int main(int argc, char **argv)
{
    /* An installed binary uses its own lexicon (the library's default is the build tree's). */
    ps_cli_paths paths;
    ps_cli_find_paths(&paths);
    if (strcmp(paths.lexicon_from, "installed") == 0)
        setenv("PROTOKOLLSOK_LEXICON", paths.lexicon, 0);
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    /* '+' stops at the first non-option: the subcommand owns everything after it. */
    while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return PS_EXIT_OK;
        case 'V': {
            const char *db = getenv("PROTOKOLLSOK_DB");
            printf("protokollsok %s\n"
                   "executable: %s\n"
                   "lexicon:    %s (%s)\n"
                   "web:        %s (%s)\n"
                   "database:   %s (%s)\n",
                   PS_VERSION, paths.exe, paths.lexicon, paths.lexicon_from, paths.web,
                   paths.web_from, db && *db ? db : "./index",
                   db && *db ? "$PROTOKOLLSOK_DB, unless --db" : "default, unless --db");
            return PS_EXIT_OK;
        }
        default:
            usage(stderr);
            return PS_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return PS_EXIT_USAGE;
    }
    const char *name = argv[optind];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(name, commands[i].name) == 0) {
            int sub_argc = argc - optind;
            char **sub_argv = argv + optind;
            optind = 0; /* reset getopt for the subcommand (GNU: full re-initialisation) */
            return commands[i].run(sub_argc, sub_argv);
        }
    }
    fprintf(stderr, "protokollsok: unknown command '%s'\n\n", name);
    usage(stderr);
    return PS_EXIT_USAGE;
}
