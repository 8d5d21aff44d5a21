/*
 * cli_analyze.c — `protokollsok analyze`. Placeholder until its module lands; replaced by the module owner.
 */
#include "cli.h"

#include <stdio.h>

int ps_cli_analyze(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("protokollsok analyze: not built yet\n", stderr);
    return PS_EXIT_FAILURE;
}
