/*
 * cli/search.c — `protokollsok search`: the staff's terminal search over the index, printing
 * what ps_search_run answers (human-readable, or the search.h JSON with --json).
 */
#include "internal.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protokollsok/buf.h"
#include "protokollsok/query.h"
#include "protokollsok/search.h"

typedef enum { MARKS_ANSI, MARKS_STARS, MARKS_NONE } marks_style;

static void usage(FILE *out)
{
    fputs(
        "Usage: protokollsok search [OPTIONS] QUERY...\n"
        "\n"
        "Search the index; every hit is one ärende (agenda item), with the documents it appears "
        "in.\n"
        "\n"
        "Options:\n"
        "  --db DIR             the index (default: $PROTOKOLLSOK_DB, else ./index)\n"
        "  --json               print the result as JSON (the schema of GET /api/search)\n"
        "  --csv                print the hits as CSV for a spreadsheet (UTF-8 with BOM; one\n"
        "                       row per ärende: dnr, §, title, nämnd, kommun, date, type, key);\n"
        "                       all hits up to 5000 unless --limit says fewer\n"
        "  --limit N            hits per page, 1..100 (default 10; with --csv 1..5000)\n"
        "  --offset N           skip the first N hits, 0..10000 (default 0)\n"
        "  --sort relevans|datum  order by relevance (default) or by date\n"
        "  --order desc|asc     with --sort datum: newest (default) or oldest first\n"
        "  --facets             also count hits per kommun, nämnd, year and document type, and\n"
        "                       per year (per month within a year: datum:2023) over time\n"
        "  --show KEY           print the full text of one ärende (KEY as in the hit list);\n"
        "                       the words of QUERY, if given, are marked\n"
        "  --marks ansi|stars|none  how matched words are marked (see below)\n"
        "  --exact              no spelling help: search exactly the words typed\n"
        "  --shard-timeout MS   per operation on a remote shard (default 5000); one that does\n"
        "                       not answer is left out and the answer says \"partial\"\n"
        "  --require-all-shards fail (exit 5) instead of a partial answer\n"
        "  -h, --help           this help\n"
        "\n"
        "Query language:\n"
        "  utträde förbund      all words must occur (stems, -et forms and compound parts count:\n"
        "                       förbund finds Samordningsförbundet); if no ärende has them all,\n"
        "                       ärenden with any of them are shown, with a note saying so\n"
        "  \"vård och omsorg\"    a phrase; common words (och, om, för ...) are ignored outside\n"
        "                       phrases unless the query has nothing else\n"
        "  -ord, INTE ord       exclude (NOT works too)\n"
        "  a OR b, a ELLER b    either word (operators in capitals); ( ) groups\n"
        "  utträd*              words starting with utträd (at most 100 different words)\n"
        "  kommun:Alingsås  nämnd:socialnämnden (namnd:)  dnr:2023.076  dnr:\"KS 2023/123\"\n"
        "  typ:protokoll|protokollsutdrag|tjänsteskrivelse|kallelse|yttrande|övrigt\n"
        "  år:2023  år:2020..2023 (ar:)  datum:2023-01-01..2023-12-31  datum:2023-05  "
        "datum:2021..\n"
        "                       filters: restrict the hits, do not change their order\n"
        "  titel: beslut: förslag: ärendebeskrivning: bakgrund: sammanfattning: yttrande:\n"
        "                       the word, \"phrase\" or (group) must occur in that part\n"
        "  2023.076 SN          a query that is a diarienummer lists that ärende first\n"
        "  Upper/lower case never matters; é and e are the same. Quote a value with spaces.\n"
        "\n"
        "Spelling: when a query finds little, a better spelling from the index's own words is\n"
        "suggested (\"Menade du förbundet?\"): missing å/ä/ö (forbund, Alingsas) and typos\n"
        "(förbudnet); when the query as typed finds nothing, the suggestion is searched instead\n"
        "and the output says so (\"Visar resultat för …\"). --exact turns this off.\n"
        "\n"
        "Output: numbered hits with title; dnr, §, nämnd, kommun, date and document type; up to\n"
        "three excerpts with the matched words marked; the documents; total and time taken.\n"
        "Marks: bold (ANSI) on a terminal, **word** when the output is not a terminal, and none\n"
        "when NO_COLOR is set; --marks overrides.\n"
        "\n"
        "Exit status: 0 hits found, 1 no hits (or --show: no such ärende), 2 bad query or usage\n"
        "(the message points at the character), 3 index missing or unreadable, 5 other errors.\n",
        out);
}

/* ---- printing ---------------------------------------------------------------------------- */

static void put_plain(const char *s, size_t n, bool one_line)
{
    for (size_t i = 0; i < n; i++)
        putchar(one_line && (s[i] == '\n' || s[i] == '\t' || s[i] == '\r') ? ' ' : s[i]);
}

/* text[0..len) with the matches [[start, end], ...] marked; one_line: line breaks as spaces. */
static void put_marked(const char *text, size_t len, const json_t *matches, marks_style marks,
                       bool one_line)
{
    static const char *const open[] = {"\033[1m", "**", ""};
    static const char *const close[] = {"\033[0m", "**", ""};
    size_t at = 0, i;
    json_t *m;
    json_array_foreach(matches, i, m)
    {
        size_t s = (size_t)json_integer_value(json_array_get(m, 0));
        size_t e = (size_t)json_integer_value(json_array_get(m, 1));
        if (s < at || e > len || e <= s)
            continue;
        put_plain(text + at, s - at, one_line);
        fputs(open[marks], stdout);
        put_plain(text + s, e - s, one_line);
        fputs(close[marks], stdout);
        at = e;
    }
    put_plain(text + at, len - at, one_line);
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* "2023.076 SN · § 243 · Socialnämnden · Alingsås · 2023-11-01 · protokoll" */
static void meta_line(const json_t *h)
{
    const char *parts[6] = {str(h, "dnr"),    NULL,           str(h, "namnd"),
                            str(h, "kommun"), str(h, "date"), str(h, "type")};
    char para[64];
    if (str(h, "paragraf")) {
        snprintf(para, sizeof para, "§ %s", str(h, "paragraf"));
        parts[1] = para;
    }
    bool first = true;
    fputs("   ", stdout);
    for (size_t i = 0; i < 6; i++) {
        if (!parts[i])
            continue;
        printf("%s%s", first ? "" : " · ", parts[i]);
        first = false;
    }
    putchar('\n');
}

static void documents_line(const json_t *docs)
{
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        printf("   %s %s", i == 0 ? "Dokument:" : "         ",
               str(d, "path") ? str(d, "path") : "?");
        if (str(d, "type"))
            printf(" (%s%s%s)", str(d, "type"), str(d, "date") ? ", " : "",
                   str(d, "date") ? str(d, "date") : "");
        json_t *pages = json_object_get(d, "pages");
        if (json_array_size(pages) == 2) {
            json_int_t a = json_integer_value(json_array_get(pages, 0));
            json_int_t b = json_integer_value(json_array_get(pages, 1));
            if (a == b)
                printf(" s. %lld", (long long)a);
            else
                printf(" s. %lld–%lld", (long long)a, (long long)b);
        }
        putchar('\n');
    }
}

static void title_line(const json_t *h, marks_style marks)
{
    const char *title = str(h, "title");
    if (title)
        put_marked(title, strlen(title), json_object_get(h, "title_matches"), marks, true);
    else
        fputs("(utan rubrik)", stdout);
    putchar('\n');
    meta_line(h);
}

static void print_hit(const json_t *h, marks_style marks)
{
    printf("%lld. ", (long long)json_integer_value(json_object_get(h, "rank")));
    title_line(h, marks);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(h, "excerpts"), i, e)
    {
        const char *text = str(e, "text");
        fputs(json_integer_value(json_object_get(e, "start")) > 0 ? "   … " : "   ", stdout);
        put_marked(text, json_string_length(json_object_get(e, "text")),
                   json_object_get(e, "matches"), marks, true);
        puts(" …");
    }
    documents_line(json_object_get(h, "documents"));
    printf("   Nyckel: %s\n\n", str(h, "key") ? str(h, "key") : "?");
}

static void print_facets(const json_t *facets)
{
    static const char *const names[] = {"kommun", "namnd", "year", "type"};
    static const char *const labels[] = {"Kommun", "Nämnd", "År", "Typ"};
    for (size_t f = 0; f < 4; f++) {
        const json_t *list = json_object_get(facets, names[f]);
        printf("%s:", labels[f]);
        size_t i;
        json_t *v;
        json_array_foreach(list, i, v)
            printf("%s %s (%lld)", i ? "," : "", str(v, "value"),
                   (long long)json_integer_value(json_object_get(v, "count")));
        putchar('\n');
    }
}

/* "Över tid: 2020 (1), 2021 (0), 2023 (3)" */
static void print_histogram(const json_t *histogram)
{
    const json_t *bars = json_object_get(histogram, "bars");
    if (!json_array_size(bars))
        return;
    fputs(strcmp(str(histogram, "unit") ? str(histogram, "unit") : "", "month") == 0 ? "Per månad:"
                                                                                     : "Per år:",
          stdout);
    size_t i;
    json_t *b;
    json_array_foreach(bars, i, b)
        printf("%s %s (%lld)", i ? "," : "", str(b, "period"),
               (long long)json_integer_value(json_object_get(b, "count")));
    putchar('\n');
}

static void print_result(const json_t *res, marks_style marks)
{
    const json_t *sugg = json_object_get(res, "suggestion");
    if (str(sugg, "message"))
        printf("%s\n\n", str(sugg, "message"));
    size_t k;
    json_t *e;
    json_array_foreach(json_object_get(res, "expansions"), k, e)
    {
        fputs("Söker också på:", stdout);
        size_t j;
        json_t *a;
        json_array_foreach(json_object_get(e, "also"), j, a)
            printf("%s %s", j ? "," : "", json_string_value(a));
        printf(" (%s)\n\n", str(e, "typed"));
    }
    if (str(res, "note"))
        printf("Obs: %s\n\n", str(res, "note"));
    const json_t *ignored = json_object_get(res, "ignored");
    size_t i;
    json_t *hit;
    json_array_foreach(json_object_get(res, "hits"), i, hit) print_hit(hit, marks);
    json_int_t total = json_integer_value(json_object_get(res, "total"));
    bool exact = json_is_true(json_object_get(res, "total_exact"));
    if (total == 0)
        printf("Inga träffar för: %s\n", str(res, "query"));
    else
        printf("%s%lld %s · visar %lld–%lld · %.1f ms\n", exact ? "" : "cirka ", (long long)total,
               total == 1 ? "ärende" : "ärenden",
               (long long)json_integer_value(json_object_get(res, "offset")) +
                   (json_array_size(json_object_get(res, "hits")) ? 1 : 0),
               (long long)(json_integer_value(json_object_get(res, "offset")) +
                           (json_int_t)json_array_size(json_object_get(res, "hits"))),
               json_real_value(json_object_get(res, "took_ms")));
    if (json_array_size(ignored)) {
        fputs("Ignorerade vanliga ord:", stdout);
        json_array_foreach(ignored, i, hit) printf(" %s", json_string_value(hit));
        putchar('\n');
    }
    if (json_is_object(json_object_get(res, "facets"))) {
        putchar('\n');
        print_facets(json_object_get(res, "facets"));
        print_histogram(json_object_get(res, "histogram"));
    }
}

/* "  2023-10-24  tjänsteskrivelse · Socialnämnden" */
static void print_entry(const json_t *e)
{
    printf("  %-10s  ", str(e, "date") ? str(e, "date") : "odaterat");
    const char *kind = str(e, "kind") ? str(e, "kind") : "";
    if (strcmp(kind, "document") != 0)
        printf("%s%s", str(e, "title") ? str(e, "title") : "?", str(e, "type") ? " · " : "");
    printf("%s", str(e, "type") ? str(e, "type") : "");
    static const char *const fields[] = {"namnd", "dnr", "paragraf"};
    for (size_t i = 0; i < 3; i++)
        if (str(e, fields[i]))
            printf(" · %s%s", i == 2 ? "§ " : "", str(e, fields[i]));
    if (str(e, "ref"))
        printf(" (hänvisning: %s)", str(e, "ref"));
    else if (strcmp(kind, "arende") == 0)
        fputs(" (samma diarienummer)", stdout);
    if (str(e, "key") && strcmp(kind, "document") != 0)
        printf(" [%s]", str(e, "key"));
    putchar('\n');
}

static void print_history(const json_t *a)
{
    const json_t *history = json_object_get(a, "history");
    size_t i;
    json_t *e;
    if (json_array_size(json_object_get(history, "timeline"))) {
        puts("Ärendets gång:");
        json_array_foreach(json_object_get(history, "timeline"), i, e) print_entry(e);
    }
    json_array_foreach(json_object_get(history, "unresolved"), i, e)
        printf("  Hänvisning som inte finns i indexet: %s\n", json_string_value(e));
    if (json_array_size(json_object_get(a, "similar"))) {
        puts("Liknande ärenden:");
        json_array_foreach(json_object_get(a, "similar"), i, e) print_entry(e);
    }
    putchar('\n');
}

static void print_arende(const json_t *a, marks_style marks)
{
    title_line(a, marks);
    documents_line(json_object_get(a, "documents"));
    putchar('\n');
    print_history(a);
    const char *body = str(a, "body");
    if (body) /* the body keeps its own line breaks */
        put_marked(body, json_string_length(json_object_get(a, "body")),
                   json_object_get(a, "matches"), marks, false);
    putchar('\n');
}

static void print_query_error(const char *q, const ps_error *err)
{
    fprintf(stderr, "protokollsok search: %s\n", err->message);
    if (err->status != PS_ERR_QUERY || err->offset < 0)
        return;
    fprintf(stderr, "  %s\n  ", q);
    for (long i = 0; i < err->offset; i++)
        fputc(' ', stderr);
    fputs("^\n", stderr);
}

/* ---- options ----------------------------------------------------------------------------- */

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || *s == '-' || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

static marks_style default_marks(void)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return MARKS_NONE;
    return isatty(STDOUT_FILENO) ? MARKS_ANSI : MARKS_STARS;
}

static char *join_args(int argc, char **argv)
{
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, "");
    for (int i = 0; i < argc; i++) {
        if (i)
            ps_buf_putc(&b, ' ');
        ps_buf_puts(&b, argv[i]);
    }
    return b.failed ? (ps_buf_free(&b), NULL) : ps_buf_steal(&b, NULL);
}

static const struct option search_opts[] = {
    {"db", required_argument, NULL, 'd'},
    {"json", no_argument, NULL, 'j'},
    {"csv", no_argument, NULL, 'c'},
    {"limit", required_argument, NULL, 'l'},
    {"offset", required_argument, NULL, 'o'},
    {"sort", required_argument, NULL, 's'},
    {"order", required_argument, NULL, 'O'},
    {"facets", no_argument, NULL, 'f'},
    {"show", required_argument, NULL, 'S'},
    {"marks", required_argument, NULL, 'm'},
    {"exact", no_argument, NULL, 'x'},
    {"shard-timeout", required_argument, NULL, 'T'},
    {"require-all-shards", no_argument, NULL, 'R'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct {
    const char *db, *show;
    ps_searcher_opts sopts;
    bool json, csv, limit_given;
    marks_style marks;
    ps_search_request req;
} cli_opts;

/* Split argv into options (for getopt) and query words, so that "-utträde" and "-(a b)" are
 * words of the query, not unknown options: only "--name[=value]" (with its value) and "-h" are
 * options; after "--" everything is a word. optv[0] is argv[0]. The arrays (of argv's
 * strings) are malloc'd; false on OOM. */
static bool split_args(int argc, char **argv, char ***optv, int *optc, char ***words, int *nwords)
{
    *optv = calloc((size_t)argc + 1, sizeof **optv);
    *words = calloc((size_t)argc + 1, sizeof **words);
    if (!*optv || !*words)
        return false;
    *optc = *nwords = 0;
    (*optv)[(*optc)++] = argv[0];
    bool rest = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (rest || a[0] != '-' || (a[1] != '-' && strcmp(a, "-h") != 0)) {
            (*words)[(*nwords)++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) {
            rest = true;
            continue;
        }
        (*optv)[(*optc)++] = argv[i];
        size_t n = strcspn(a + 2, "=");
        for (const struct option *o = search_opts; o->name && a[1] == '-'; o++)
            if (o->has_arg == required_argument && strlen(o->name) == n &&
                strncmp(o->name, a + 2, n) == 0 && a[2 + n] != '=' && i + 1 < argc)
                (*optv)[(*optc)++] = argv[++i];
    }
    return true;
}

/* Fill o from the options; -1 to go on, else the exit status (after --help or a usage error). */
static int parse_options(int argc, char **argv, cli_opts *o)
{
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "+h", search_opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'c':
            o->csv = true;
            break;
        case 'x':
            o->req.no_spelling = true;
            break;
        case 'T': {
            size_t ms;
            if (!ps_cli_parse_size(optarg, &ms) || ms < 1 || ms > 3600000)
                return ps_cli_usage_error("search", "--shard-timeout wants 1..3600000 ms, not '%s'",
                                          optarg);
            o->sopts.shard_timeout = (double)ms / 1000.0;
            break;
        }
        case 'R':
            o->sopts.require_all_shards = true;
            break;
        case 'f':
            o->req.facets = true;
            break;
        case 'S':
            o->show = optarg;
            break;
        case 'l':
            if (!parse_uint(optarg, PS_SEARCH_EXPORT_MAX, &o->req.limit) || o->req.limit == 0)
                return ps_cli_usage_error("search", "--limit wants a number 1..100, not '%s'",
                                          optarg);
            o->limit_given = true;
            break;
        case 'o':
            if (!parse_uint(optarg, 10000, &o->req.offset))
                return ps_cli_usage_error("search", "--offset wants a number 0..10000, not '%s'",
                                          optarg);
            break;
        case 's':
            if (strcmp(optarg, "relevans") == 0 || strcmp(optarg, "relevance") == 0)
                o->req.sort = PS_SEARCH_SORT_RELEVANCE;
            else if (strcmp(optarg, "datum") == 0 || strcmp(optarg, "date") == 0)
                o->req.sort = PS_SEARCH_SORT_DATE;
            else
                return ps_cli_usage_error("search", "--sort wants relevans or datum, not '%s'",
                                          optarg);
            break;
        case 'O':
            if (strcmp(optarg, "asc") != 0 && strcmp(optarg, "desc") != 0)
                return ps_cli_usage_error("search", "--order wants asc or desc, not '%s'", optarg);
            o->req.ascending = strcmp(optarg, "asc") == 0;
            break;
        case 'm':
            if (strcmp(optarg, "ansi") == 0)
                o->marks = MARKS_ANSI;
            else if (strcmp(optarg, "stars") == 0)
                o->marks = MARKS_STARS;
            else if (strcmp(optarg, "none") == 0)
                o->marks = MARKS_NONE;
            else
                return ps_cli_usage_error("search", "--marks wants ansi, stars or none, not '%s'",
                                          optarg);
            break;
        case 'h':
            usage(stdout);
            return PS_EXIT_OK;
        default:
            return ps_cli_usage_error("search", "unknown option");
        }
    }
    if (o->csv && o->json)
        return ps_cli_usage_error("search", "--csv and --json exclude each other");
    if (!o->csv && o->req.limit > 100)
        return ps_cli_usage_error("search", "--limit wants a number 1..100 (1..%d with --csv)",
                                  PS_SEARCH_EXPORT_MAX);
    o->req.export_rows = o->csv;
    if (o->csv && !o->limit_given)
        o->req.limit = 0; /* all of them */
    return -1;
}

/* Search (or --show) and print; the exit status. */
static int run(cli_opts *o, const char *q)
{
    ps_error err;
    ps_searcher *s = NULL;
    ps_status st = ps_searcher_open_opts(ps_cli_db_path(o->db), &o->sopts, &s, &err);
    if (st) {
        ps_cli_print_error("search", &err);
        return st == PS_ERR_NOMEM    ? PS_EXIT_FAILURE
               : st == PS_ERR_LOCKED ? PS_EXIT_LOCKED
                                     : PS_EXIT_NODB;
    }
    o->req.q = q;
    json_t *res = NULL;
    int rc;
    if (o->show)
        st = ps_search_arende(s, o->show, *q ? q : NULL, &res, &err);
    else
        st = ps_search_run(s, &o->req, &res, &err);
    if (st == PS_ERR_NOT_FOUND && o->show) {
        ps_cli_print_error("search", &err);
        rc = PS_EXIT_PARTIAL;
    } else if (st) {
        print_query_error(q, &err);
        rc = ps_cli_exit_for(st);
    } else {
        if (o->json) {
            char *text = json_dumps(res, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            if (text)
                puts(text);
            free(text);
        } else if (o->csv && !o->show) {
            char *csv = NULL;
            size_t len = 0;
            if ((st = ps_search_csv(res, NULL, &csv, &len, &err)) == PS_OK)
                fwrite(csv, 1, len, stdout);
            else
                ps_cli_print_error("search", &err);
            free(csv);
        } else if (o->show) {
            print_arende(res, o->marks);
        } else {
            print_result(res, o->marks);
        }
        rc = o->show || json_integer_value(json_object_get(res, "total")) > 0 ? PS_EXIT_OK
                                                                              : PS_EXIT_PARTIAL;
    }
    json_decref(res);
    ps_searcher_close(s);
    return rc;
}

int ps_cli_search(int argc, char **argv)
{
    cli_opts o = {.marks = default_marks()};
    ps_search_request_init(&o.req);
    char **optv = NULL, **words = NULL;
    int optc = 0, nwords = 0;
    int rc = split_args(argc, argv, &optv, &optc, &words, &nwords) ? parse_options(optc, optv, &o)
                                                                   : PS_EXIT_FAILURE;
    char *q = rc < 0 ? join_args(nwords, words) : NULL;
    free(optv);
    free(words);
    if (rc >= 0)
        return rc;
    if (!q) {
        fputs("protokollsok search: out of memory\n", stderr);
        return PS_EXIT_FAILURE;
    }
    if (!*q && !o.show)
        rc = ps_cli_usage_error("search", "no query given");
    else
        rc = run(&o, q);
    free(q);
    return rc;
}
