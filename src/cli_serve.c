/*
 * cli_serve.c — `protokollsok serve`. Placeholder until its module lands; replaced by the module owner.
 */
#include "cli.h"

#include <stdio.h>

int ps_cli_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("protokollsok serve: not built yet\n", stderr);
    return PS_EXIT_FAILURE;
}
