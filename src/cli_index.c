/*
 * cli_index.c — `protokollsok index`. Placeholder until its module lands; replaced by the module owner.
 */
#include "cli.h"

#include <stdio.h>

int ps_cli_index(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("protokollsok index: not built yet\n", stderr);
    return PS_EXIT_FAILURE;
}
