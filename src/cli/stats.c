/*
 * cli/stats.c — `protokollsok stats`: what the index holds.
 *
 * Documents (one per ärende per source file), distinct ärenden (the "A" key terms, what search
 * collapses to), files, terms, size on disk, counts per kommun / nämnd / year / type (documents
 * carrying each boolean term), the ärenden that appear in several documents (the same dnr in a
 * kallelse, a tjänsteskrivelse and a protocol), the lexicon and schema versions and the time of
 * the last run, and the words learned from the corpus (analyzer.h).
 */
#include "internal.h"

#include "protokollsok/indexer.h"
#include "protokollsok/schema.h"
#include "protokollsok/search.h"
#include "protokollsok/store.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keys listed as found in several documents, at most (the rest are only counted). */
#define SHARED_KEYS_MAX 100
/* Learned words listed in the plain output, at most (--json lists them all). */
#define LEARNED_SHOWN_MAX 40

typedef struct {
    json_t *counts; /* object: value -> documents */
    uint64_t distinct;
    size_t prefix_len;
    bool only_shared; /* record only values in more than one document */
} term_counter;

static bool count_term(void *ctx, const char *term, size_t len, uint32_t termfreq)
{
    term_counter *c = ctx;
    c->distinct++;
    if (c->counts && (!c->only_shared || (termfreq > 1 && json_object_size(c->counts) <
                                                             SHARED_KEYS_MAX))) {
        json_t *v = json_integer(termfreq);
        char *key = strndup(term + c->prefix_len, len - c->prefix_len);
        if (key && v)
            json_object_set_new(c->counts, key, v);
        else
            json_decref(v);
        free(key);
    }
    return true;
}

/* Count the terms with prefix; with counts, also record each value's document count. */
static ps_status facet(ps_store *store, const char *prefix, json_t *counts, uint64_t *distinct,
                       ps_error *err)
{
    term_counter c = {counts, 0, strlen(prefix), strcmp(prefix, PS_PREFIX_KEY) == 0};
    ps_status st = ps_store_each_term(store, prefix, count_term, &c, err);
    if (distinct)
        *distinct = c.distinct;
    return st;
}

static json_t *meta_string(ps_store *store, const char *key, ps_status *st, ps_error *err)
{
    char *v = NULL;
    if (*st == PS_OK)
        *st = ps_store_get_metadata(store, key, &v, err);
    json_t *j = v && *v ? json_string(v) : json_null();
    free(v);
    return j ? j : json_null();
}

/* The comment line "#refused TAB total TAB reason=N ..." of a learned list as
 * {"total": T, reason: N, ...}. */
static json_t *refused_counts(char *line)
{
    char *total = strchr(line, '\t');
    char *reasons = total ? strchr(total + 1, '\t') : NULL;
    json_t *o = json_object();
    if (!o || !reasons)
        return o;
    *reasons++ = '\0';
    json_object_set_new(o, "total", json_integer((json_int_t)strtoll(total + 1, NULL, 10)));
    for (char *r = strtok(reasons, " "); r; r = strtok(NULL, " ")) {
        char *eq = strchr(r, '=');
        if (!eq)
            continue;
        *eq = '\0';
        json_object_set_new(o, r, json_integer((json_int_t)strtoll(eq + 1, NULL, 10)));
    }
    return o;
}

/* The learned list (stem TAB documents TAB forms per line) as [{stem, documents, forms}];
 * *refused the counts of the words the learner refused ({} when none). */
static json_t *learned_words(ps_store *store, json_t **refused, ps_status *st, ps_error *err)
{
    json_t *arr = json_array();
    *refused = NULL;
    char *list = NULL;
    if (*st == PS_OK)
        *st = ps_store_get_metadata(store, PS_META_LEARNED, &list, err);
    for (char *line = list, *next; arr && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (strncmp(line, "#refused\t", 9) == 0 && !*refused)
            *refused = refused_counts(line);
        if (*line == '#')
            continue;
        char *docs = strchr(line, '\t');
        char *forms = docs ? strchr(docs + 1, '\t') : NULL;
        if (!forms)
            continue;
        *docs++ = '\0';
        *forms++ = '\0';
        json_t *fa = json_array();
        for (char *f = strtok(forms, " "); fa && f; f = strtok(NULL, " "))
            json_array_append_new(fa, json_string(f));
        json_array_append_new(arr, json_pack("{s:s, s:I, s:o}", "stem", line, "documents",
                                             (json_int_t)strtoll(docs, NULL, 10), "forms",
                                             fa ? fa : json_array()));
        if (!next)
            break;
    }
    free(list);
    if (!*refused)
        *refused = json_object();
    return arr ? arr : json_null();
}

static void print_learned(json_t *learned, json_t *refused)
{
    size_t n = json_array_size(learned);
    printf("learned:    %zu words from the corpus (compound parts the word lists lack)", n);
    const char *reason;
    json_t *count;
    int shown = 0;
    json_object_foreach(refused, reason, count)
    {
        if (strcmp(reason, "total") != 0)
            printf("%s%lld %s", shown++ ? ", " : "; refused: ",
                   (long long)json_integer_value(count), reason);
    }
    putchar('\n');
    for (size_t i = 0; i < n && i < LEARNED_SHOWN_MAX; i++) {
        json_t *w = json_array_get(learned, i);
        printf("  %-24s %6lld  ", json_string_value(json_object_get(w, "stem")),
               (long long)json_integer_value(json_object_get(w, "documents")));
        json_t *f;
        size_t k;
        json_array_foreach(json_object_get(w, "forms"), k, f)
        {
            printf("%s%s", k ? " " : "", json_string_value(f));
        }
        putchar('\n');
    }
    if (n > LEARNED_SHOWN_MAX)
        printf("  ... and %zu more (stats --json lists them all)\n", n - LEARNED_SHOWN_MAX);
}

/* What each term prefix of schema.h holds, for `stats --terms`. */
static const char *kind_name(const char *prefix)
{
    static const char *const names[][2] = {
        {"", "stems and compound parts"},   {PS_PREFIX_EXACT, "exact forms"},
        {PS_PREFIX_TITLE, "title stems"},   {PS_PREFIX_BESLUT, "Beslut stems"},
        {PS_PREFIX_FORSLAG, "Förslag stems"}, {PS_PREFIX_ARENDEBESKRIVNING, "Ärendebeskrivning stems"},
        {PS_PREFIX_BAKGRUND, "Bakgrund stems"}, {PS_PREFIX_SAMMANFATTNING, "Sammanfattning stems"},
        {PS_PREFIX_YTTRANDE, "Yttrande stems"}, {PS_PREFIX_KOMMUN, "kommun filter"},
        {PS_PREFIX_NAMND, "nämnd filter"},  {PS_PREFIX_YEAR, "year filter"},
        {PS_PREFIX_TYPE, "type filter"},    {PS_PREFIX_DNR, "dnr filter"},
        {PS_PREFIX_KEY, "ärende key"},      {PS_PREFIX_PATH, "source path"},
        {PS_PREFIX_ID, "document id"},      {PS_PREFIX_UNKNOWN, "unknown words (learning)"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], prefix) == 0)
            return names[i][1];
    return "other";
}

static void add_kind(void *ctx, const char *prefix, const ps_store_kind_counts *k)
{
    json_array_append_new(ctx, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "prefix", prefix,
                                         "kind", kind_name(prefix), "terms", (json_int_t)k->terms,
                                         "postings", (json_int_t)k->postings, "wdf",
                                         (json_int_t)k->wdf, "positions",
                                         (json_int_t)k->positions));
}

static void add_file(void *ctx, const char *name, uint64_t bytes)
{
    json_object_set_new(ctx, name, json_integer((json_int_t)bytes));
}

/* The term kinds and database files of o (stats --terms) as two tables. */
static void print_kinds(json_t *o)
{
    printf("terms by kind (prefix):\n  %-8s %-26s %10s %10s %10s %10s\n", "prefix", "kind",
           "terms", "postings", "wdf", "positions");
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(o, "term_kinds"), i, k)
    {
        printf("  %-8s %-26s %10lld %10lld %10lld %10lld\n",
               *json_string_value(json_object_get(k, "prefix"))
                   ? json_string_value(json_object_get(k, "prefix"))
                   : "\"\"",
               json_string_value(json_object_get(k, "kind")),
               (long long)json_integer_value(json_object_get(k, "terms")),
               (long long)json_integer_value(json_object_get(k, "postings")),
               (long long)json_integer_value(json_object_get(k, "wdf")),
               (long long)json_integer_value(json_object_get(k, "positions")));
    }
    printf("database files:\n");
    const char *name;
    json_t *v;
    json_object_foreach(json_object_get(o, "db_files"), name, v)
    {
        printf("  %-26s %10.1f MB\n", name, (double)json_integer_value(v) / 1e6);
    }
}

static void print_counts(const char *title, json_t *counts)
{
    printf("%s:\n", title);
    if (json_object_size(counts) == 0)
        printf("  (none)\n");
    const char *key;
    json_t *v;
    json_object_foreach(counts, key, v)
    {
        printf("  %-40s %8lld\n", key, (long long)json_integer_value(v));
    }
}

static void usage(FILE *out)
{
    fputs("Usage: protokollsok stats [--db DIR] [--json] [--terms]\n"
          "\n"
          "Show what the index holds: documents (one per ärende per source file), ärenden\n"
          "(distinct ärende keys), files, terms, size on disk, documents per kommun, nämnd,\n"
          "year and document type, lexicon and schema versions, and the last index run.\n"
          "\n"
          "  --db DIR   the index (default: $PROTOKOLLSOK_DB, else ./index)\n"
          "  --json     print a JSON object\n"
          "  --terms    also the terms by kind (distinct terms, postings, wdf and stored\n"
          "             positions per prefix of schema.h) and the size of each database file;\n"
          "             reads the whole index\n"
          "\n"
          "Exit status: 0 ok, 2 bad usage, 3 no index or unreadable.\n",
          out);
}

/* One line per shard of a sharded index (nothing for a single database). */
static void print_shards(const json_t *shards)
{
    if (json_array_size(shards) < 2)
        return;
    printf("shards:\n");
    size_t i;
    json_t *sh;
    json_array_foreach(shards, i, sh)
    {
        const char *state = json_string_value(json_object_get(sh, "state"));
        printf("  %-40s %-4s", json_string_value(json_object_get(sh, "name")), state);
        if (json_is_integer(json_object_get(sh, "documents")))
            printf(" %8lld documents",
                   (long long)json_integer_value(json_object_get(sh, "documents")));
        if (json_is_integer(json_object_get(sh, "revision")))
            printf("  revision %lld", (long long)json_integer_value(json_object_get(sh, "revision")));
        const char *why = json_string_value(json_object_get(sh, "error"));
        printf("%s%s\n", why ? "  " : "", why ? why : "");
    }
}

int ps_cli_stats(int argc, char **argv)
{
    enum { O_DB = 256, O_JSON, O_TERMS, O_HELP };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, O_DB},
        {"json", no_argument, NULL, O_JSON},
        {"terms", no_argument, NULL, O_TERMS},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *db_opt = NULL;
    bool as_json = false, by_kind = false;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_DB: db_opt = optarg; break;
        case O_JSON: as_json = true; break;
        case O_TERMS: by_kind = true; break;
        case O_HELP: usage(stdout); return PS_EXIT_OK;
        default: return ps_cli_usage_error("stats", "unknown option");
        }
    }
    if (optind < argc)
        return ps_cli_usage_error("stats", "unexpected argument '%s'", argv[optind]);
    const char *db = ps_cli_db_path(db_opt);
    ps_error err;
    ps_error_clear(&err);
    ps_store *store = NULL;
    ps_status st = ps_store_open_read(db, &store, &err);
    if (st != PS_OK) {
        ps_cli_print_error("stats", &err);
        return st == PS_ERR_NOT_FOUND ? PS_EXIT_NODB : ps_cli_exit_for(st);
    }
    uint32_t docs = 0;
    uint64_t revision = 0, nterms = 0, disk = 0, arenden = 0, files = 0;
    json_t *o = json_object();
    json_t *kommun = json_object(), *namnd = json_object(), *year = json_object(),
           *type = json_object(), *shared = json_object();
    st = ps_store_doccount(store, &docs, &err);
    if (st == PS_OK)
        st = ps_store_revision(store, &revision, &err);
    if (st == PS_OK)
        st = ps_store_stats(store, &nterms, &disk, &err);
    if (st == PS_OK)
        st = facet(store, PS_PREFIX_KEY, shared, &arenden, &err);
    if (st == PS_OK)
        st = facet(store, PS_PREFIX_KOMMUN, kommun, NULL, &err);
    if (st == PS_OK)
        st = facet(store, PS_PREFIX_NAMND, namnd, NULL, &err);
    if (st == PS_OK)
        st = facet(store, PS_PREFIX_YEAR, year, NULL, &err);
    if (st == PS_OK)
        st = facet(store, PS_PREFIX_TYPE, type, NULL, &err);
    char *state_text = NULL;
    if (st == PS_OK)
        st = ps_store_get_metadata(store, PS_META_FILES, &state_text, &err);
    if (st == PS_OK) {
        ps_indexer_filestate *fs = NULL;
        if (ps_indexer_filestate_parse(state_text, strlen(state_text), &fs, &err) == PS_OK)
            files = ps_indexer_filestate_count(fs);
        ps_indexer_filestate_free(fs);
        ps_error_clear(&err);
    }
    free(state_text);
    json_t *shards = NULL;
    if (st == PS_OK)
        st = ps_search_store_shards(store, &shards, &err);
    json_object_set_new(o, "db", json_string(db));
    json_object_set_new(o, "documents", json_integer(docs));
    json_object_set_new(o, "arenden", json_integer((json_int_t)arenden));
    json_object_set_new(o, "files", json_integer((json_int_t)files));
    json_object_set_new(o, "terms", json_integer((json_int_t)nterms));
    json_object_set_new(o, "disk_bytes", json_integer((json_int_t)disk));
    json_object_set_new(o, "revision", json_integer((json_int_t)revision));
    json_object_set_new(o, "lexicon", meta_string(store, PS_META_LEXICON, &st, &err));
    json_object_set_new(o, "schema", meta_string(store, PS_META_SCHEMA, &st, &err));
    json_object_set_new(o, "last_run", meta_string(store, PS_META_LAST_RUN, &st, &err));
    json_t *refused = NULL;
    json_object_set_new(o, "learned", learned_words(store, &refused, &st, &err));
    json_object_set_new(o, "learned_refused", refused ? refused : json_object());
    json_object_set_new(o, "kommun", kommun);
    json_object_set_new(o, "namnd", namnd);
    json_object_set_new(o, "year", year);
    json_object_set_new(o, "type", type);
    json_object_set_new(o, "shared_keys", shared);
    if (by_kind) {
        json_t *kinds = json_array(), *files_json = json_object();
        if (st == PS_OK)
            st = ps_store_term_kinds(store, true, add_kind, kinds, &err);
        if (st == PS_OK)
            st = ps_store_each_file(store, add_file, files_json, &err);
        json_object_set_new(o, "term_kinds", kinds);
        json_object_set_new(o, "db_files", files_json);
    }
    json_object_set_new(o, "shards", shards ? shards : json_array());
    ps_store_close(store);
    if (st != PS_OK) {
        json_decref(o);
        ps_cli_print_error("stats", &err);
        return ps_cli_exit_for(st);
    }
    if (as_json) {
        char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (text)
            puts(text);
        free(text);
    } else {
        const char *lex = json_string_value(json_object_get(o, "lexicon"));
        const char *schema = json_string_value(json_object_get(o, "schema"));
        const char *last = json_string_value(json_object_get(o, "last_run"));
        printf("index:      %s (revision %llu)\n", db, (unsigned long long)revision);
        printf("documents:  %u (one per ärende per source file)\n", docs);
        printf("ärenden:    %llu (distinct keys)\n", (unsigned long long)arenden);
        printf("files:      %llu\n", (unsigned long long)files);
        printf("terms:      %llu\n", (unsigned long long)nterms);
        printf("disk:       %.1f MB\n", (double)disk / 1e6);
        printf("lexicon:    %s\n", lex ? lex : "(unknown)");
        printf("schema:     %s%s\n", schema ? schema : "(unknown)",
               schema && strcmp(schema, PS_SCHEMA_VERSION) != 0 ? " (this program writes "
                                                                   PS_SCHEMA_VERSION ")"
                                                                 : "");
        printf("last run:   %s\n", last ? last : "(never completed)");
        print_shards(json_object_get(o, "shards"));
        print_counts("documents per kommun", kommun);
        print_counts("documents per nämnd", namnd);
        print_counts("documents per year", year);
        print_counts("documents per type", type);
        print_counts("ärenden found in several documents (key: documents)", shared);
        print_learned(json_object_get(o, "learned"), json_object_get(o, "learned_refused"));
        if (by_kind)
            print_kinds(o);
    }
    json_decref(o);
    return PS_EXIT_OK;
}
