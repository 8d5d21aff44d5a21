/*
 * cli/paths.c — where the data files are. An installed binary (PREFIX/bin/protokollsok) finds
 * them beside it, in PREFIX/share/protokollsok/ (lexicon.bin, web/), wherever PREFIX is; a
 * binary in a build tree falls back to the lexicon built there and the source tree's web/.
 * $PROTOKOLLSOK_LEXICON still overrides the lexicon, --web the web folder.
 */
#include "internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* PREFIX/share/protokollsok for the running executable, or "" when it cannot be told. */
static void installed_share(char *exe, size_t exe_n, char *out, size_t n)
{
    out[0] = '\0';
    ssize_t len = readlink("/proc/self/exe", exe, exe_n - 1);
    if (len <= 0) {
        snprintf(exe, exe_n, "(unknown)");
        return;
    }
    exe[len] = '\0';
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", exe);
    for (int up = 0; up < 2; up++) { /* drop "/protokollsok", then "/bin" */
        char *slash = strrchr(dir, '/');
        if (!slash)
            return;
        *slash = '\0';
    }
    snprintf(out, n, "%s/share/protokollsok", dir);
}

void ps_cli_find_paths(ps_cli_paths *p)
{
    memset(p, 0, sizeof *p);
    char share[PATH_MAX];
    installed_share(p->exe, sizeof p->exe, share, sizeof share);
    char cand[PATH_MAX + 32];

    const char *env = getenv("PROTOKOLLSOK_LEXICON");
    snprintf(cand, sizeof cand, "%s/lexicon.bin", share);
    if (env && *env) {
        snprintf(p->lexicon, sizeof p->lexicon, "%s", env);
        p->lexicon_from = "$PROTOKOLLSOK_LEXICON";
    } else if (share[0] && exists(cand)) {
        snprintf(p->lexicon, sizeof p->lexicon, "%s", cand);
        p->lexicon_from = "installed";
    } else {
        snprintf(p->lexicon, sizeof p->lexicon, "%s", PS_BUILD_DIR "/share/lexicon.bin");
        p->lexicon_from = "build tree";
    }

    snprintf(cand, sizeof cand, "%s/web/index.html", share);
    if (share[0] && exists(cand)) {
        snprintf(p->web, sizeof p->web, "%s/web", share);
        p->web_from = "installed";
    } else {
        snprintf(p->web, sizeof p->web, "%s", PS_WEB_DIR);
        p->web_from = "source tree";
    }
}
