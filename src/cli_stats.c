/*
 * cli_stats.c — `protokollsok stats`. Placeholder until its module lands; replaced by the module owner.
 */
#include "cli.h"

#include <stdio.h>

int ps_cli_stats(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("protokollsok stats: not built yet\n", stderr);
    return PS_EXIT_FAILURE;
}
