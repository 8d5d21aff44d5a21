/*
 * cli_search.c — `protokollsok search`. Placeholder until its module lands; replaced by the module owner.
 */
#include "cli.h"

#include <stdio.h>

int ps_cli_search(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("protokollsok search: not built yet\n", stderr);
    return PS_EXIT_FAILURE;
}
