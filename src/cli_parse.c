/*
 * cli_parse.c — `protokollsok parse`. Placeholder until its module lands; replaced by the module owner.
 */
#include "cli.h"

#include <stdio.h>

int ps_cli_parse(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("protokollsok parse: not built yet\n", stderr);
    return PS_EXIT_FAILURE;
}
