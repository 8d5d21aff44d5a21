/*
 * indexer.c — ps_indexer_run: plan, parse in worker threads, write in batches, switch.
 *
 * 1. Lock "<db>.lock", load the lexicon and the --manifest, walk the roots.
 * 2. Plan against the file-state manifest in the database: a file with the same size, mtime and
 *    external metadata is unchanged and not even read; others become jobs; files indexed before
 *    but gone now (or, under a walked root, no longer found) are deleted.
 * 3. Worker threads take jobs in order: read (bounded), hash, and when the content really
 *    changed: PDF to text, decode, parse, analyze — into ready ps_store_doc objects. They run at
 *    most WINDOW jobs ahead of the writer, which bounds memory.
 * 4. The calling thread consumes results in job order and writes: per file, delete its "P" term
 *    and add its ärenden; every batch_files files, the file-state manifest goes into the same
 *    transaction and is committed. A kill at any moment leaves the last committed batch, whose
 *    manifest matches its documents; the next run redoes the rest.
 * 5. Words learned from the corpus (analyzer.h, indexer/learn.c): the documents are analyzed
 *    with the list stored in the index. After a run that wrote, the list is learned again from
 *    the index; when it changed, the files whose documents the new list analyzes differently go
 *    through steps 3-4 once more with it, and the new list is committed with the last of them
 *    ("ps.learn_pending" marks the batches in between, so a killed run finishes the job next time).
 * 6. --full writes into "<db>.new" and then swaps it with "<db>" in one rename (renameat2
 *    RENAME_EXCHANGE where the filesystem has it); the old index is kept as "<db>.old" until the
 *    next full run, so readers that still have it open keep working. A new index (and --full)
 *    learns its words in a first pass over the files, before anything is written, so that no
 *    document needs a second analysis.
 */
#define _GNU_SOURCE /* renameat2 */
#include "internal.h"

#include "protokollsok/buf.h"
#include "protokollsok/file.h"
#include "protokollsok/document.h"
#include "protokollsok/pdf.h"
#include "protokollsok/schema.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_BATCH 200
#define DEFAULT_MAX_BYTES (50u * 1024 * 1024)
/* Text (a text file, or what a PDF holds) over this is skipped: parsing, analysis and Xapian's
 * buffers take about 25 bytes of memory per byte of text (a 20 MB text: 0.5 GB), so this bounds
 * the memory per file at about 0.4 GB. */
#define DEFAULT_MAX_TEXT (16u * 1024 * 1024)
#define MAX_THREADS 16
/* How far the workers may run ahead of the writer (bounds the memory of parsed documents):
 * at most WINDOW files and WINDOW_BYTES of input, but always at least one file. */
#define WINDOW 64
#define WINDOW_BYTES (64u * 1024 * 1024)
/* A batch is also committed once it holds this much parsed input (Xapian buffers it all). */
#define BATCH_MAX_BYTES (64u * 1024 * 1024)
/* Decoded text with more than this share of U+FFFD replacements is not text. */
#define MAX_REPLACED_PERMILLE 20

void ps_indexer_opts_init(ps_indexer_opts *opts)
{
    memset(opts, 0, sizeof *opts);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- jobs and their results ------------------------------------------------------------------ */

typedef enum {
    R_PENDING = 0,
    R_INDEX,  /* new documents to write */
    R_SAME,   /* same content and metadata: only the file state changes */
    R_SKIPPED /* bad file: warning, old state kept */
} result_kind;

typedef struct {
    const ps_indexer_file *file;
    const ps_indexer_manifest_entry *meta;
    char *url;
    uint64_t meta_hash;
    bool had_old;
    bool relearn;      /* unchanged, analyzed again for new learned words */
    bool compare_hash; /* same content as old_hash means nothing to re-index */
    uint64_t old_hash;
    uint32_t old_narenden;

    /* filled by the worker; kind is published under the pipeline mutex from outcome */
    result_kind kind;
    result_kind outcome;
    uint64_t hash;
    uint64_t size;
    int64_t mtime_ns;
    ps_indexer_built *built;
    size_t nbuilt;
    char *warning; /* skip reason, or a note on a file indexed anyway (repaired encoding) */
} job;

typedef struct {
    job *jobs;
    size_t njobs;
    const ps_lexicon *lex;
    const ps_indexer_opts *opts;
    size_t max_bytes;
    size_t max_text;
    bool words_only; /* the learning pass: only each document's unknown words */

    pthread_mutex_t mu;
    pthread_cond_t cond;      /* a result became ready, a slot opened, or abort */
    size_t next_job;          /* next job a worker takes */
    size_t consumed;          /* jobs the writer has finished with */
    uint64_t bytes_in_flight; /* input bytes of jobs taken but not yet consumed */
    bool abort;
    ps_status worker_status; /* a worker's fatal failure (out of memory) */
    ps_error worker_err;
} pipeline;

static void job_clear_result(job *j)
{
    for (size_t i = 0; i < j->nbuilt; i++)
        ps_indexer_built_clear(&j->built[i]);
    free(j->built);
    j->built = NULL;
    j->nbuilt = 0;
    free(j->warning);
    j->warning = NULL;
}

static void free_jobs(job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        job_clear_result(&jobs[i]);
        free(jobs[i].url);
    }
    free(jobs);
}

static void skip(job *j, const char *fmt, const char *detail)
{
    j->outcome = R_SKIPPED;
    ps_buf b = PS_BUF_INIT;
    ps_buf_printf(&b, fmt, detail);
    j->warning = b.failed ? NULL : ps_buf_steal(&b, NULL);
    ps_buf_free(&b);
}

/* Read the whole file (at most max+1 bytes, to tell "too large"). */
static size_t count_replacements(const char *s, size_t len)
{
    size_t n = 0;
    for (const char *p = s; (p = memmem(p, len - (size_t)(p - s), "\xEF\xBF\xBD", 3)); p += 3)
        n++;
    return n;
}

/* Fill the fields the text lacks from the document's own metadata (a PDF's document info, a
 * DOCX's or ODT's properties, an HTML page's title and date meta; empty for text files). */
static void fill_from_pdf(ps_protocol_doc *doc, const ps_pdf_meta *meta)
{
    for (size_t i = 0; i < doc->narenden; i++) {
        ps_arende *a = &doc->arenden[i];
        if (!a->date.value && meta->creation_date && (a->date.value = strdup(meta->creation_date)))
            a->date.source = PS_FIELD_INFERRED;
        if (!a->title.value && doc->narenden == 1 && meta->title &&
            (a->title.value = strdup(meta->title)))
            a->title.source = PS_FIELD_INFERRED;
    }
}

/* Each stage below either finishes the job (j->outcome set: skipped or unchanged), hands its
 * output to the next stage, or fails the run (a non-OK status: out of memory). */

/* Read the file, within the size limit; same content as indexed before ends the job. */
static ps_status stage_read(pipeline *pl, job *j, char **raw, size_t *rawlen, ps_error *err)
{
    const ps_indexer_file *f = j->file;
    struct stat sb;
    ps_error rerr;
    ps_error_clear(&rerr);
    ps_status rst =
        ps_file_read(f->path, pl->max_bytes, PS_FILE_REGULAR_ONLY, raw, rawlen, &sb, &rerr);
    if (rst == PS_ERR_NOMEM)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading %s", f->path);
    if (rst != PS_OK && rst != PS_ERR_TOO_LARGE) {
        skip(j, "%s", rerr.message);
        return PS_OK;
    }
    j->size = (uint64_t)sb.st_size;
    j->mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
    char limit[64];
    snprintf(limit, sizeof limit, "%zu", pl->max_bytes);
    if (rst == PS_ERR_TOO_LARGE)
        skip(j, "too large (over --max-bytes %s)", limit);
    else if (*rawlen == 0)
        skip(j, "%s", "empty file (0 bytes)");
    else if ((j->hash = ps_indexer_hash64(*raw, *rawlen, 0)) == j->old_hash && j->compare_hash)
        j->outcome = R_SAME;
    if (j->outcome) {
        free(*raw);
        *raw = NULL;
    }
    return PS_OK;
}

/* A PDF, DOCX, ODT or HTML file (by content, whatever its name) becomes its text; plain text
 * and markdown pass through; legacy formats (.doc, RTF) are skipped with one warning. Takes
 * raw; *text is the caller's. */
static ps_status stage_document(const pipeline *pl, job *j, char *raw, size_t rawlen, char **text,
                                size_t *textlen, ps_pdf_meta *meta, ps_error *err)
{
    *text = raw;
    *textlen = rawlen;
    ps_document_format format = ps_document_sniff(raw, rawlen);
    if (format == PS_DOCUMENT_TEXT)
        return PS_OK;
    ps_error perr;
    ps_error_clear(&perr);
    /* OCR text is not learned from (its misreadings are no words), so the learning pass skips it. */
    ps_pdf_opts pdf = {.ocr = pl->opts->ocr && !pl->words_only};
    ps_status st = ps_document_to_text(raw, rawlen, &pdf, text, textlen, meta, NULL, &perr);
    free(raw);
    if (st == PS_ERR_NOMEM)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory reading %s", j->file->path);
    if (st != PS_OK) {
        *text = NULL;
        char what[PS_ERROR_MESSAGE_MAX + 16];
        snprintf(what, sizeof what, "%s: %s", ps_document_format_name(format), perr.message);
        skip(j, "%s", what);
    } else if (meta->ocr_low_pages > 0 && !j->warning) {
        char what[160];
        snprintf(what, sizeof what,
                 "OCR-läsningen är osäker på %d av %d sidor (OCR confidence %d %%), indexed",
                 meta->ocr_low_pages, meta->ocr_pages, meta->ocr_confidence);
        j->warning = strdup(what);
    }
    return PS_OK;
}

/* Decode to UTF-8 (the parser's decoder); text that is mostly invalid UTF-8 is not text, a few
 * bad sequences are repaired with a warning. Takes text; *out is the caller's. */
static ps_status stage_decode(job *j, char *text, size_t textlen, char **out, size_t *outlen,
                              ps_error *err)
{
    ps_error perr;
    ps_error_clear(&perr);
    char *note = NULL;
    ps_status st = ps_protocol_decode(text, textlen, out, outlen, &note, &perr);
    size_t before = st == PS_OK ? count_replacements(text, textlen) : 0;
    free(text);
    free(note);
    if (st == PS_ERR_NOMEM)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory decoding %s", j->file->path);
    if (st != PS_OK) {
        skip(j, "%s", perr.message);
        return PS_OK;
    }
    size_t replaced = count_replacements(*out, *outlen) - before;
    if (replaced * 3 * 1000 > *outlen * MAX_REPLACED_PERMILLE) {
        free(*out);
        *out = NULL;
        skip(j, "%s", "broken encoding: mostly invalid UTF-8 (binary?)");
    } else if (replaced > 0) {
        char what[128];
        snprintf(what, sizeof what, "invalid UTF-8: %zu sequence(s) replaced with U+FFFD, indexed",
                 replaced);
        j->warning = strdup(what);
    }
    return PS_OK;
}

/* Parse into ärenden (the manifest's fields override) and build their documents. */
static ps_status stage_build(pipeline *pl, ps_analyzer *an, job *j, const char *text, size_t len,
                             const ps_pdf_meta *meta, ps_error *err)
{
    const ps_indexer_file *f = j->file;
    /* keys of ärenden without a dnr come from the path relative to the root: unique, and the
     * same in every run (see ps_arende.key) */
    if (len > pl->max_text) {
        char why[128];
        snprintf(why, sizeof why, "too much text (%.1f MB, over --max-text %.1f MB)",
                 (double)len / 1e6, (double)pl->max_text / 1e6);
        free(j->warning);
        j->warning = NULL;
        skip(j, "%s", why);
        return PS_OK;
    }
    ps_protocol_opts popts = {.source_name = f->relpath_shared ? f->path : f->relpath,
                              .max_bytes = pl->max_text,
                              .paged = meta && meta->npages > 0,
                              .ocr = meta && meta->ocr_pages > 0};
    if (j->meta) {
        popts.kommun = j->meta->kommun;
        popts.namnd = j->meta->namnd;
        popts.date = j->meta->date;
        popts.type = j->meta->type;
    }
    ps_error perr;
    ps_error_clear(&perr);
    ps_protocol_doc *doc = NULL;
    ps_status st = ps_protocol_parse(text, len, &popts, &doc, &perr);
    if (st == PS_ERR_NOMEM)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory parsing %s", f->path);
    if (st != PS_OK) {
        free(j->warning);
        j->warning = NULL;
        skip(j, "cannot parse: %s", perr.message);
        return PS_OK;
    }
    fill_from_pdf(doc, meta);
    j->built = calloc(doc->narenden + 1, sizeof *j->built);
    if (!j->built)
        st = ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    ps_indexer_source src = {f->path, f->relpath, j->url};
    for (size_t i = 0; st == PS_OK && i < doc->narenden; i++) {
        st = pl->words_only ? ps_indexer_unknown_words(an, doc, i, &j->built[i].unknown, err)
                            : ps_indexer_build_doc(an, doc, i, &src, &j->built[i], err);
        if (st == PS_OK)
            j->nbuilt++;
    }
    ps_protocol_doc_free(doc);
    if (st == PS_OK)
        j->outcome = R_INDEX;
    return st;
}

/* Turn one job's file into documents. Returns non-OK only for failures that must stop the run
 * (out of memory); bad files become R_SKIPPED with the reason in j->warning. */
static ps_status process(pipeline *pl, ps_analyzer *an, job *j, ps_error *err)
{
    char *raw = NULL, *text = NULL, *decoded = NULL;
    size_t rawlen = 0, textlen = 0, declen = 0;
    ps_pdf_meta meta = {0};
    ps_status st = stage_read(pl, j, &raw, &rawlen, err);
    if (st == PS_OK && !j->outcome)
        st = stage_document(pl, j, raw, rawlen, &text, &textlen, &meta, err);
    if (st == PS_OK && !j->outcome)
        st = stage_decode(j, text, textlen, &decoded, &declen, err);
    if (st == PS_OK && !j->outcome)
        st = stage_build(pl, an, j, decoded, declen, &meta, err);
    free(decoded);
    ps_pdf_meta_clear(&meta);
    return st;
}

static void *worker_main(void *arg)
{
    pipeline *pl = arg;
    ps_analyzer *an = NULL;
    ps_error err;
    ps_status st = ps_analyzer_new(pl->lex, PS_ANALYZER_SWEDISH, &an, &err);
    pthread_mutex_lock(&pl->mu);
    for (;;) {
        while (st == PS_OK && !pl->abort && pl->next_job < pl->njobs &&
               pl->next_job > pl->consumed &&
               (pl->next_job >= pl->consumed + WINDOW ||
                pl->bytes_in_flight + pl->jobs[pl->next_job].file->size > WINDOW_BYTES))
            pthread_cond_wait(&pl->cond, &pl->mu);
        if (st != PS_OK || pl->abort || pl->next_job >= pl->njobs)
            break;
        job *j = &pl->jobs[pl->next_job++];
        pl->bytes_in_flight += j->file->size;
        pthread_mutex_unlock(&pl->mu);
        st = process(pl, an, j, &err);
        pthread_mutex_lock(&pl->mu);
        if (st == PS_OK)
            j->kind = j->outcome;
        pthread_cond_broadcast(&pl->cond);
    }
    if (st != PS_OK && pl->worker_status == PS_OK) {
        pl->worker_status = st;
        pl->worker_err = err;
        pl->abort = true;
        pthread_cond_broadcast(&pl->cond);
    }
    pthread_mutex_unlock(&pl->mu);
    ps_analyzer_free(an);
    return NULL;
}

/* ---- the writer -------------------------------------------------------------------------------
 */

typedef struct {
    const ps_indexer_opts *opts;
    ps_indexer_summary *sum;
    ps_store *store;
    ps_indexer_filestate *state;
    const char *lexicon_version;
    const char *learned; /* the learned list the documents are analyzed with */
    ps_indexer_wordcount *counting; /* the learning pass: count words, write nothing */
    bool learn_pending;  /* re-analyzing for a new list: the list above is the old one */
    bool in_txn;
    size_t files_in_batch;
    uint64_t bytes_in_batch;
    uint64_t files_done, files_total, bytes_done, bytes_total;
    uint64_t reported_files, reported_deletions; /* in the last "committed" line */
    uint64_t committed_bytes; /* input of the files committed so far */
    bool reported;
    ps_error *err;
} writer;

static void emit(writer *w, ps_indexer_event_kind kind, const char *path, const char *message)
{
    if (!w->opts->on_event)
        return;
    ps_indexer_event ev = {kind,           path,          message,       w->files_done,
                           w->files_total, w->bytes_done, w->bytes_total};
    w->opts->on_event(w->opts->event_ctx, &ev);
}

static ps_status ensure_txn(writer *w)
{
    if (w->in_txn)
        return PS_OK;
    ps_status st = ps_store_begin(w->store, w->err);
    if (st == PS_OK)
        w->in_txn = true;
    return st;
}

static void iso_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Put the file state (and versions; the time when last) into the transaction and commit it. */
static ps_status commit_batch(writer *w, bool last)
{
    if (!w->in_txn)
        return PS_OK;
    size_t len;
    char *files = ps_indexer_filestate_serialize(w->state, &len);
    if (!files)
        return ps_error_set(w->err, PS_ERR_NOMEM, "out of memory writing the file state");
    ps_status st = ps_store_set_metadata(w->store, PS_META_FILES, files, w->err);
    free(files);
    if (st == PS_OK)
        st = ps_store_set_metadata(w->store, PS_META_SCHEMA, PS_SCHEMA_VERSION, w->err);
    if (st == PS_OK)
        st = ps_store_set_metadata(w->store, PS_META_LEXICON, w->lexicon_version, w->err);
    if (st == PS_OK)
        st = ps_store_set_metadata(w->store, PS_META_LEARNED, w->learned, w->err);
    if (st == PS_OK)
        st = ps_store_set_metadata(w->store, PS_META_LEARN_PENDING, w->learn_pending ? "1" : "",
                                   w->err);
    if (st == PS_OK && last) {
        char when[32];
        iso_now(when, sizeof when);
        st = ps_store_set_metadata(w->store, PS_META_LAST_RUN, when, w->err);
    }
    if (st == PS_OK)
        st = ps_store_commit(w->store, w->err);
    if (st != PS_OK)
        return st;
    w->in_txn = false;
    w->files_in_batch = 0;
    w->bytes_in_batch = 0;
    w->sum->commits++;
    w->sum->wrote = true;
    w->committed_bytes = w->bytes_done;
    /* The last commit (the run's time, the learned list) often adds no files: say nothing new
     * twice. */
    if (w->reported && w->reported_files == w->files_done &&
        w->reported_deletions == w->sum->files_deleted)
        return PS_OK;
    w->reported = true;
    w->reported_files = w->files_done;
    w->reported_deletions = w->sum->files_deleted;
    char msg[160];
    snprintf(msg, sizeof msg, "committed %llu/%llu files, %llu deletions",
             (unsigned long long)w->files_done, (unsigned long long)w->files_total,
             (unsigned long long)w->sum->files_deleted);
    emit(w, PS_INDEXER_EV_COMMIT, NULL, msg);
    return PS_OK;
}

static ps_status file_done(writer *w, bool wrote, uint64_t bytes)
{
    if (!wrote)
        return PS_OK;
    w->bytes_in_batch += bytes;
    size_t batch = w->opts->batch_files ? w->opts->batch_files : DEFAULT_BATCH;
    if (++w->files_in_batch >= batch || w->bytes_in_batch >= BATCH_MAX_BYTES)
        return commit_batch(w, false);
    return PS_OK;
}

static ps_status delete_file(writer *w, const ps_indexer_filestate_entry *old)
{
    char *pterm = ps_indexer_path_term(old->path);
    if (!pterm)
        return ps_error_set(w->err, PS_ERR_NOMEM, "out of memory");
    ps_status st = ensure_txn(w);
    if (st == PS_OK)
        st = ps_store_delete(w->store, pterm, w->err);
    free(pterm);
    return st;
}

static ps_status write_result(writer *w, job *j)
{
    if (w->counting) {
        for (size_t i = 0; i < j->nbuilt; i++)
            if (!ps_indexer_wordcount_add_doc(w->counting, &j->built[i]))
                return ps_error_set(w->err, PS_ERR_NOMEM, "out of memory");
        return PS_OK;
    }
    ps_indexer_summary *sum = w->sum;
    const ps_indexer_file *f = j->file;
    w->files_done++;
    w->bytes_done += f->size;
    if (j->warning)
        emit(w, PS_INDEXER_EV_WARNING, f->path, j->warning);
    ps_indexer_filestate_entry e = {(char *)f->path, j->size,      j->mtime_ns,
                                    j->hash,         j->meta_hash, (uint32_t)j->nbuilt};
    ps_status st = PS_OK;
    bool wrote = true;
    switch (j->kind) {
    case R_SKIPPED:
        sum->files_skipped++;
        wrote = false;
        break;
    case R_SAME:
        sum->files_unchanged++;
        sum->files_touched++;
        e.narenden = j->old_narenden;
        st = ensure_txn(w);
        break;
    default:
        sum->bytes_read += j->size;
        if (j->relearn) {
            sum->files_relearned++;
            sum->arenden_deleted += j->old_narenden;
        } else if (j->had_old) {
            sum->files_changed++;
            sum->arenden_deleted += j->old_narenden;
        } else {
            sum->files_added++;
        }
        /* documents and file state are committed together: a file without state has none */
        st = j->had_old ? delete_file(w, &e) : ensure_txn(w);
        for (size_t i = 0; st == PS_OK && i < j->nbuilt; i++) {
            st = ps_store_replace(w->store, j->built[i].id_term, j->built[i].doc, w->err);
            if (st == PS_OK)
                sum->arenden_added++;
        }
        break;
    }
    if (st == PS_OK && wrote && !ps_indexer_filestate_put(w->state, &e))
        st = ps_error_set(w->err, PS_ERR_NOMEM, "out of memory");
    emit(w, PS_INDEXER_EV_PROGRESS, f->path, NULL);
    return st == PS_OK ? file_done(w, wrote, j->kind == R_INDEX ? f->size : 0) : st;
}

/* Consume the results in job order while the workers produce them. */
static ps_status run_pipeline(pipeline *pl, writer *w, unsigned nthreads)
{
    pthread_t threads[MAX_THREADS];
    unsigned started = 0;
    ps_status st = PS_OK;
    for (; started < nthreads; started++)
        if (pthread_create(&threads[started], NULL, worker_main, pl) != 0)
            break;
    if (started == 0)
        st = ps_error_set(w->err, PS_ERR_INTERNAL, "cannot start a worker thread");
    for (size_t i = 0; st == PS_OK && i < pl->njobs; i++) {
        job *j = &pl->jobs[i];
        pthread_mutex_lock(&pl->mu);
        while (j->kind == R_PENDING && !pl->abort)
            pthread_cond_wait(&pl->cond, &pl->mu);
        bool aborted = pl->abort && j->kind == R_PENDING;
        pthread_mutex_unlock(&pl->mu);
        if (aborted)
            break;
        st = write_result(w, j);
        job_clear_result(j);
        pthread_mutex_lock(&pl->mu);
        pl->consumed = i + 1;
        pl->bytes_in_flight -= j->file->size;
        pthread_cond_broadcast(&pl->cond);
        pthread_mutex_unlock(&pl->mu);
    }
    pthread_mutex_lock(&pl->mu);
    if (st != PS_OK)
        pl->abort = true;
    pthread_cond_broadcast(&pl->cond);
    pthread_mutex_unlock(&pl->mu);
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    if (st == PS_OK && pl->worker_status != PS_OK) {
        if (w->err)
            *w->err = pl->worker_err;
        st = pl->worker_status;
    }
    return st;
}

/* ---- planning ----------------------------------------------------------------------------------
 */

static bool under(const char *path, const char *root)
{
    size_t n = strlen(root);
    if (strcmp(root, ".") == 0)
        return path[0] != '/';
    return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0' || n == 1);
}

/* Old files to delete: gone from disk, or under a walked root but not found by the walk (and not
 * under a path the walk could not read — an unreadable folder must not drop its ärenden). */
static bool should_delete(const char *path, const ps_indexer_filestate *seen,
                          const ps_indexer_walk_result *walk, char *const *roots, size_t nroots)
{
    if (ps_indexer_filestate_find(seen, path))
        return false;
    for (size_t i = 0; i < walk->nwarnings; i++)
        if (under(path, walk->warnings[i].path))
            return false;
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return errno == ENOENT || errno == ENOTDIR;
    for (size_t r = 0; r < nroots; r++)
        if (under(path, roots[r]))
            return true;
    return false;
}

/* ---- the index directory -----------------------------------------------------------------------
 */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

static int remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *with_suffix(const char *s, const char *suffix)
{
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, s);
    ps_buf_puts(&b, suffix);
    if (b.failed) {
        ps_buf_free(&b);
        return NULL;
    }
    return ps_buf_steal(&b, NULL);
}

/* Xapian's own files in a database directory. */
static bool xapian_file(const char *name)
{
    size_t n = strlen(name);
    return strcmp(name, "iamglass") == 0 || strcmp(name, "flintlock") == 0 ||
           strcmp(name, "XAPIANDB") == 0 || (n > 6 && strcmp(name + n - 6, ".glass") == 0);
}

/* Files in the database directory that belong to the index itself (everything else — a README,
 * a .gitignore — is carried over into a rebuilt index). */
static bool index_file(const char *name)
{
    return xapian_file(name) || strncmp(name, "lexicon.bin", 11) == 0;
}

static ps_status copy_file(const char *from, const char *to, ps_error *err)
{
    ps_status st = PS_OK;
    FILE *in = fopen(from, "rb");
    FILE *out = in ? fopen(to, "wb") : NULL;
    if (!out) {
        st = ps_error_set(err, PS_ERR_IO, "cannot copy %s to %s: %s", from, to, strerror(errno));
    } else {
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
            if (fwrite(chunk, 1, n, out) != n)
                break;
        bool bad = ferror(in) || ferror(out);
        int e = errno;
        if (fclose(out) != 0 || bad) {
            e = bad ? e : errno;
            st = ps_error_set(err, e == ENOSPC || e == EDQUOT ? PS_ERR_NOSPACE : PS_ERR_IO,
                              "cannot copy %s to %s: %s", from, to, strerror(e));
        }
    }
    if (in)
        fclose(in);
    return st;
}

/* Copy the lexicon into the database directory (write a temporary, then rename). */
static ps_status copy_lexicon(const char *from, const char *dbdir, ps_error *err)
{
    char *to = with_suffix(dbdir, "/lexicon.bin");
    char *tmp = with_suffix(dbdir, "/lexicon.bin.tmp");
    ps_status st =
        !to || !tmp ? ps_error_set(err, PS_ERR_NOMEM, "out of memory") : copy_file(from, tmp, err);
    if (st == PS_OK && rename(tmp, to) != 0)
        st = ps_error_set(err, PS_ERR_IO, "cannot rename %s to %s: %s", tmp, to, strerror(errno));
    if (st != PS_OK && tmp)
        remove(tmp);
    free(to);
    free(tmp);
    return st;
}

/* Copy the regular files of directory from into to, but those named as skip says. */
static ps_status copy_files(const char *from_dir, const char *to_dir, bool (*skip)(const char *),
                            ps_error *err)
{
    DIR *d = opendir(from_dir);
    if (!d)
        return PS_OK;
    ps_status st = PS_OK;
    struct dirent *de;
    ps_buf from = PS_BUF_INIT, to = PS_BUF_INIT;
    while (st == PS_OK && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 || skip(de->d_name))
            continue;
        ps_buf_clear(&from);
        ps_buf_clear(&to);
        ps_buf_printf(&from, "%s/%s", from_dir, de->d_name);
        ps_buf_printf(&to, "%s/%s", to_dir, de->d_name);
        struct stat sb;
        if (from.failed || to.failed)
            st = ps_error_set(err, PS_ERR_NOMEM, "out of memory");
        else if (stat(from.data, &sb) == 0 && S_ISREG(sb.st_mode))
            st = copy_file(from.data, to.data, err);
    }
    closedir(d);
    ps_buf_free(&from);
    ps_buf_free(&to);
    return st;
}

/* Replace the database at dir by its compacted copy (written to "<dir>.compact", then swapped
 * in by rename, so dir is a whole database at every moment), carrying over the files that are
 * not Xapian's (the lexicon copy, a README). */
static ps_status compact_in_place(const char *dir, ps_error *err)
{
    char *tmp = with_suffix(dir, ".compact");
    if (!tmp)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    ps_status st = PS_OK;
    if (remove_tree(tmp) != 0)
        st = ps_error_set(err, PS_ERR_IO, "cannot remove %s: %s", tmp, strerror(errno));
    if (st == PS_OK)
        st = ps_store_compact(dir, tmp, err);
    if (st == PS_OK)
        st = copy_files(dir, tmp, xapian_file, err);
    if (st == PS_OK && renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) != 0) {
        /* no atomic exchange here: move the old one aside, then the new one in */
        char *aside = with_suffix(dir, ".uncompacted");
        if (!aside)
            st = ps_error_set(err, PS_ERR_NOMEM, "out of memory");
        else if (remove_tree(aside) != 0 || rename(dir, aside) != 0 || rename(tmp, dir) != 0)
            st = ps_error_set(err, PS_ERR_IO, "cannot switch %s to its compacted copy %s: %s", dir,
                              tmp, strerror(errno));
        else
            remove_tree(aside);
        free(aside);
    } else {
        remove_tree(tmp); /* after the exchange the old database, after a failure a partial copy */
    }
    free(tmp);
    return st;
}

/* Swap the new index in: exchange "<db>" and "<db>.new" atomically when the filesystem can,
 * then keep the old one as "<db>.old". */
static ps_status switch_in(const char *db, const char *fresh, ps_error *err)
{
    char *old = with_suffix(db, ".old");
    if (!old)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    ps_status st = PS_OK;
    struct stat sb;
    if (lstat(db, &sb) != 0) {
        if (rename(fresh, db) != 0)
            st = ps_error_set(err, PS_ERR_IO, "cannot rename %s to %s: %s", fresh, db,
                              strerror(errno));
    } else if ((st = copy_files(db, fresh, index_file, err)) == PS_OK) {
        remove_tree(old);
        if (renameat2(AT_FDCWD, fresh, AT_FDCWD, db, RENAME_EXCHANGE) == 0) {
            if (rename(fresh, old) != 0)
                remove_tree(fresh);
        } else if (rename(db, old) != 0 || rename(fresh, db) != 0) {
            st = ps_error_set(err, PS_ERR_IO, "cannot switch %s to the new index %s: %s", db, fresh,
                              strerror(errno));
        }
    }
    free(old);
    return st;
}

/* ---- the run ------------------------------------------------------------------------------------
 */

typedef struct {
    const ps_indexer_opts *opts;
    ps_indexer_lock *lock;
    ps_lexicon *lex;     /* the word lists' lexicon */
    ps_lexicon *learned; /* lex with the learned words (NULL: none learned) */
    char *learned_list;  /* the list the documents are analyzed with */
    bool learn_pending;
    ps_indexer_manifest *manifest;
    ps_indexer_walk_result walk;
    ps_store *store;
    ps_indexer_filestate *state, *seen;
    job *jobs;
    size_t njobs;
    char **roots;
    size_t nroots;
    char *db, *target;
    ps_buf leftovers; /* "DIR.new (46.1 MB), ..." removed at the start, for the log */
} run_state;

static void run_state_free(run_state *r)
{
    ps_store_close(r->store);
    free_jobs(r->jobs, r->njobs);
    ps_indexer_filestate_free(r->state);
    ps_indexer_filestate_free(r->seen);
    ps_indexer_walk_free(&r->walk);
    ps_indexer_manifest_free(r->manifest);
    ps_lexicon_free(r->learned);
    free(r->learned_list);
    ps_lexicon_free(r->lex);
    for (size_t i = 0; i < r->nroots; i++)
        free(r->roots[i]);
    free(r->roots);
    free(r->db);
    free(r->target);
    ps_buf_free(&r->leftovers);
    ps_indexer_lock_release(r->lock);
}

/* Bytes in the files below path (not following symlinks). */
static uint64_t tree_bytes(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return 0;
    if (!S_ISDIR(sb.st_mode))
        return (uint64_t)sb.st_size;
    uint64_t sum = 0;
    DIR *d = opendir(path);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *sub = with_suffix(path, "/");
        char *full = sub ? with_suffix(sub, e->d_name) : NULL;
        if (full)
            sum += tree_bytes(full);
        free(full);
        free(sub);
    }
    closedir(d);
    return sum;
}

/* A killed run leaves its staging behind: a --full rebuild's DIR.new (and its DIR.new.creating,
 * DIR.new.compact), a new database's DIR.creating, a compaction's DIR.compact (only while DIR
 * itself is there: without a rename exchange the compacted copy is moved in after DIR is moved
 * aside). Nobody else writes them (we hold the lock), so they are removed before anything else
 * happens, and each is named in the log with its size. */
static ps_status remove_leftovers(run_state *r, ps_error *err)
{
    static const char *const suffixes[] = {".new.creating", ".new.compact", ".new", ".creating",
                                           ".compact"};
    struct stat dbsb;
    bool have_db = stat(r->db, &dbsb) == 0;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        if (strcmp(suffixes[i], ".compact") == 0 && !have_db)
            continue;
        char *path = with_suffix(r->db, suffixes[i]);
        if (!path)
            return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
        struct stat sb;
        if (lstat(path, &sb) == 0) {
            uint64_t bytes = tree_bytes(path);
            if (remove_tree(path) != 0) {
                ps_status st = ps_error_set(err, PS_ERR_IO,
                                            "cannot remove %s, left by an unfinished run: %s",
                                            path, strerror(errno));
                free(path);
                return st;
            }
            ps_buf_printf(&r->leftovers, "%s%s (%.1f MB)", r->leftovers.len ? ", " : "", path,
                          (double)bytes / 1e6);
        }
        free(path);
    }
    return PS_OK;
}

static ps_status check_versions(run_state *r, const char *lexver, ps_error *err)
{
    char *schema = NULL, *lexicon = NULL;
    ps_status st = ps_store_get_metadata(r->store, PS_META_SCHEMA, &schema, err);
    if (st == PS_OK)
        st = ps_store_get_metadata(r->store, PS_META_LEXICON, &lexicon, err);
    if (st == PS_OK && *schema && strcmp(schema, PS_SCHEMA_VERSION) != 0)
        st = ps_error_set(err, PS_ERR_VERSION,
                          "index %s has schema version %s, this program writes version %s: "
                          "rebuild it with 'protokollsok index --full'",
                          r->db, schema, PS_SCHEMA_VERSION);
    else if (st == PS_OK && *lexicon && strcmp(lexicon, lexver) != 0)
        st = ps_error_set(err, PS_ERR_VERSION,
                          "index %s was built with lexicon %s, this program has lexicon %s: "
                          "a full reindex is needed ('protokollsok index --full')",
                          r->db, lexicon, lexver);
    free(schema);
    free(lexicon);
    return st;
}

static ps_status load_state(run_state *r, ps_error *err)
{
    char *files = NULL;
    ps_status st = ps_store_get_metadata(r->store, PS_META_FILES, &files, err);
    if (st == PS_OK)
        st = ps_indexer_filestate_parse(files, strlen(files), &r->state, err);
    free(files);
    if (st == PS_OK && !(r->seen = ps_indexer_filestate_new()))
        st = ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    return st;
}

/* Set up j for file f: its manifest entry, URL and metadata hash, and what was indexed of it
 * before (old, may be NULL). */
static ps_status init_job(run_state *r, const ps_indexer_opts *opts, const ps_indexer_file *f,
                          const ps_indexer_filestate_entry *old, job *j, ps_error *err)
{
    const ps_indexer_manifest_entry *meta =
        ps_indexer_manifest_find(r->manifest, f->path, f->dev, f->ino);
    char *url = NULL;
    if (meta && meta->url)
        url = strdup(meta->url);
    else if (opts->source_url_prefix)
        url = ps_indexer_url_join(opts->source_url_prefix, f->relpath);
    if (((meta && meta->url) || opts->source_url_prefix) && !url)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    uint64_t meta_hash = ps_indexer_manifest_entry_hash(meta);
    meta_hash = ps_indexer_hash64(url ? url : "", url ? strlen(url) : 0, meta_hash);
    *j = (job){.file = f, .meta = meta, .url = url, .meta_hash = meta_hash};
    j->had_old = old != NULL;
    /* changed metadata re-indexes even identical content */
    j->compare_hash = old && old->meta_hash == meta_hash;
    j->old_hash = old ? old->hash : 0;
    j->old_narenden = old ? old->narenden : 0;
    return PS_OK;
}

/* Turn the walk into jobs; count unchanged files. */
static ps_status plan(run_state *r, const ps_indexer_opts *opts, ps_indexer_summary *sum,
                      uint64_t *bytes_total, ps_error *err)
{
    r->jobs = calloc(r->walk.nfiles + 1, sizeof *r->jobs);
    if (!r->jobs)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < r->walk.nfiles; i++) {
        const ps_indexer_file *f = &r->walk.files[i];
        ps_indexer_filestate_entry mark = {(char *)f->path, 0, 0, 0, 0, 0};
        if (!ps_indexer_filestate_put(r->seen, &mark))
            return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
        const ps_indexer_filestate_entry *old = ps_indexer_filestate_find(r->state, f->path);
        job *j = &r->jobs[r->njobs];
        ps_status st = init_job(r, opts, f, old, j, err);
        if (st != PS_OK)
            return st;
        if (old && old->size == f->size && old->mtime_ns == f->mtime_ns &&
            old->meta_hash == j->meta_hash) {
            sum->files_unchanged++;
            free(j->url);
            *j = (job){0};
            continue;
        }
        r->njobs++;
        *bytes_total += f->size;
    }
    return PS_OK;
}

/* Remove the ärenden of vanished files (each counts toward the batch like an indexed file). */
static ps_status delete_vanished(run_state *r, writer *w, ps_indexer_summary *sum)
{
    size_t n = ps_indexer_filestate_count(r->state), cursor = 0, k = 0;
    char **gone = calloc(n + 1, sizeof *gone);
    if (!gone)
        return ps_error_set(w->err, PS_ERR_NOMEM, "out of memory");
    const ps_indexer_filestate_entry *e;
    while ((e = ps_indexer_filestate_next(r->state, &cursor)))
        if (should_delete(e->path, r->seen, &r->walk, r->roots, r->nroots))
            gone[k++] = e->path;
    ps_status st = PS_OK;
    for (size_t i = 0; st == PS_OK && i < k; i++) {
        const ps_indexer_filestate_entry *old = ps_indexer_filestate_find(r->state, gone[i]);
        st = delete_file(w, old);
        if (st != PS_OK)
            break;
        sum->files_deleted++;
        sum->arenden_deleted += old->narenden;
        emit(w, PS_INDEXER_EV_INFO, gone[i], "removed (file no longer exists)");
        ps_indexer_filestate_remove(r->state, gone[i]);
        st = file_done(w, true, 0);
    }
    free(gone);
    return st;
}

/* Remove the file at path (by identity) from the walk, if it is there. */
static void drop_file(ps_indexer_walk_result *walk, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return;
    size_t o = 0;
    for (size_t i = 0; i < walk->nfiles; i++) {
        ps_indexer_file *f = &walk->files[i];
        if (f->dev == (uint64_t)sb.st_dev && f->ino == (uint64_t)sb.st_ino) {
            walk->total_bytes -= f->size;
            free(f->path);
            free(f->relpath);
        } else {
            walk->files[o++] = *f;
        }
    }
    walk->nfiles = o;
}

static unsigned default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 1 ? (unsigned)(n - 1) : 1;
}

/* Parse, analyze (with lex) and write jobs[0..njobs) (or count their words: w->counting, when
 * the writing thread has next to nothing to do and one more worker runs). */
static ps_status run_jobs(writer *w, job *jobs, size_t njobs, const ps_lexicon *lex)
{
    if (njobs == 0)
        return PS_OK;
    const ps_indexer_opts *opts = w->opts;
    unsigned n = opts->threads ? opts->threads : default_threads() + (w->counting != NULL);
    pipeline pl = {.jobs = jobs,
                   .njobs = njobs,
                   .lex = lex,
                   .opts = opts,
                   .max_bytes = opts->max_bytes ? opts->max_bytes : DEFAULT_MAX_BYTES,
                   .max_text = opts->max_text ? opts->max_text : DEFAULT_MAX_TEXT,
                   .words_only = w->counting != NULL};
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.cond, NULL);
    ps_status st = run_pipeline(&pl, w, n > MAX_THREADS ? MAX_THREADS : n);
    pthread_cond_destroy(&pl.cond);
    pthread_mutex_destroy(&pl.mu);
    return st;
}

/* The learned list the documents were analyzed with, and the lexicon that knows it. */
static ps_status load_learned(run_state *r, ps_error *err)
{
    char *pending = NULL;
    ps_status st = ps_store_get_metadata(r->store, PS_META_LEARNED, &r->learned_list, err);
    if (st == PS_OK)
        st = ps_store_get_metadata(r->store, PS_META_LEARN_PENDING, &pending, err);
    r->learn_pending = st == PS_OK && *pending;
    free(pending);
    if (st == PS_OK && *r->learned_list)
        st = ps_lexicon_with_learned(r->lex, r->learned_list, strlen(r->learned_list), &r->learned,
                                     err);
    return st;
}

/* From now on documents are analyzed with list (and lex, which knows it; NULL: no words). */
static void use_learned(run_state *r, writer *w, char *list, ps_lexicon *lex)
{
    free(r->learned_list);
    r->learned_list = list;
    ps_lexicon_free(r->learned);
    r->learned = lex;
    w->learned = list;
}

/* A new index learns its words before anything is written: one pass analyzes every file and
 * counts the words the word lists do not know, per document as the index would, so the list it
 * gives is the one the index will yield and no document needs a second analysis. */
static ps_status learn_first(run_state *r, writer *w)
{
    ps_indexer_wordcount *wc = ps_indexer_wordcount_new();
    if (!wc)
        return ps_error_set(w->err, PS_ERR_NOMEM, "out of memory");
    char msg[120];
    snprintf(msg, sizeof msg, "learning words from %zu files before writing the index", r->njobs);
    emit(w, PS_INDEXER_EV_INFO, NULL, msg);
    w->counting = wc;
    ps_status st = run_jobs(w, r->jobs, r->njobs, r->lex);
    w->counting = NULL;
    for (size_t i = 0; i < r->njobs; i++) {
        job_clear_result(&r->jobs[i]);
        r->jobs[i].kind = r->jobs[i].outcome = R_PENDING;
    }
    char *list = NULL;
    size_t count = 0;
    ps_lexicon *lex = NULL;
    if (st == PS_OK)
        st = ps_indexer_wordcount_learn(wc, r->lex, &list, &count, w->err);
    ps_indexer_wordcount_free(wc);
    if (st == PS_OK && *list)
        st = ps_lexicon_with_learned(r->lex, list, strlen(list), &lex, w->err);
    if (st != PS_OK) {
        free(list);
        return st;
    }
    use_learned(r, w, list, lex);
    snprintf(msg, sizeof msg, "learned %zu words from the corpus", count);
    emit(w, PS_INDEXER_EV_INFO, NULL, msg);
    return PS_OK;
}

static int cmp_file_path(const void *a, const void *b)
{
    return strcmp((*(ps_indexer_file *const *)a)->path, (*(ps_indexer_file *const *)b)->path);
}

/* Jobs for the walked files among paths (analyzed again whatever their content: forced). */
static ps_status relearn_jobs(run_state *r, char **paths, size_t npaths, job **out, size_t *n,
                              ps_error *err)
{
    *out = NULL;
    *n = 0;
    ps_indexer_file **byname = calloc(r->walk.nfiles + 1, sizeof *byname);
    job *jobs = calloc(npaths + 1, sizeof *jobs);
    if (!byname || !jobs) {
        free(byname);
        free(jobs);
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < r->walk.nfiles; i++)
        byname[i] = &r->walk.files[i];
    qsort(byname, r->walk.nfiles, sizeof *byname, cmp_file_path);
    ps_status st = PS_OK;
    for (size_t i = 0; st == PS_OK && i < npaths; i++) {
        ps_indexer_file key = {.path = paths[i]}, *kp = &key;
        ps_indexer_file **f = bsearch(&kp, byname, r->walk.nfiles, sizeof *byname, cmp_file_path);
        const ps_indexer_filestate_entry *old = ps_indexer_filestate_find(r->state, paths[i]);
        if (!f || !old)
            continue; /* not walked in this run: it keeps its analysis until it is */
        job *j = &jobs[*n];
        if ((st = init_job(r, r->opts, *f, old, j, err)) != PS_OK)
            break;
        j->compare_hash = false;
        j->relearn = true;
        (*n)++;
    }
    free(byname);
    if (st != PS_OK) {
        for (size_t i = 0; i < *n; i++)
            free(jobs[i].url);
        free(jobs);
        *n = 0;
        return st;
    }
    *out = jobs;
    return PS_OK;
}

/* Learn the list again from the index as written. When it changed, analyze the files whose
 * documents it changes again with it, and commit it with the last of them. */
static ps_status relearn(run_state *r, writer *w)
{
    ps_error *err = w->err;
    ps_status st = w->in_txn ? commit_batch(w, false) : PS_OK;
    char *list = NULL, **paths = NULL;
    size_t count = 0, npaths = 0, njobs = 0;
    ps_lexicon *lex = NULL;
    job *jobs = NULL;
    if (st == PS_OK)
        st = ps_indexer_learn(r->store, r->lex, &list, &count, err);
    if (st == PS_OK && ps_learned_same_words(list, r->learned_list)) {
        /* the same words (maybe other counts): the documents stay as they are */
        bool recount = strcmp(list, r->learned_list) != 0;
        free(r->learned_list);
        r->learned_list = list;
        w->learned = list;
        if (!recount && !r->learn_pending)
            return PS_OK;
        w->learn_pending = false; /* (a killed run had finished the re-analysis) */
        return ensure_txn(w);
    }
    if (st == PS_OK && *list)
        st = ps_lexicon_with_learned(r->lex, list, strlen(list), &lex, err);
    if (st == PS_OK)
        st = ps_indexer_learn_affected(r->store, r->learned ? r->learned : r->lex,
                                       lex ? lex : r->lex, r->state, &paths, &npaths, err);
    if (st == PS_OK)
        st = relearn_jobs(r, paths, npaths, &jobs, &njobs, err);
    for (size_t i = 0; i < npaths; i++)
        free(paths[i]);
    free(paths);
    size_t before = ps_lexicon_learned_count(r->learned);
    if (st == PS_OK && (njobs > 0 || count != before)) {
        char msg[200];
        snprintf(msg, sizeof msg, "learned %zu words from the index (%zu before), %zu files to "
                 "analyze again", count, before, njobs);
        emit(w, PS_INDEXER_EV_INFO, NULL, msg);
    }
    if (st == PS_OK) {
        w->files_total += njobs;
        for (size_t i = 0; i < njobs; i++)
            w->bytes_total += jobs[i].file->size;
        w->learn_pending = true;
        st = ensure_txn(w);
    }
    if (st == PS_OK)
        st = run_jobs(w, jobs, njobs, lex ? lex : r->lex);
    free_jobs(jobs, njobs);
    if (st != PS_OK) {
        free(list);
        ps_lexicon_free(lex);
        return st;
    }
    use_learned(r, w, list, lex);
    w->learn_pending = false;
    return ensure_txn(w);
}

/* The writable store: sharded as asked, else as the index is (a --full rebuild keeps it). */
static ps_status open_target(run_state *r, const ps_indexer_opts *opts, ps_error *err)
{
    unsigned nshards = opts->shards;
    unsigned slot = opts->shard_by_arende ? PS_SLOT_KEY : PS_SLOT_KOMMUN;
    ps_status st = PS_OK;
    if (nshards == 0 && opts->full)
        st = ps_store_sharding(r->db, &nshards, &slot, err);
    if (st != PS_OK)
        return st;
    /* "<db>.new" is read by nobody until it is switched in: no fsync while it is built, and one
     * when it is compacted (a crash of the machine meanwhile only loses the rebuild) */
    unsigned flags = opts->full ? PS_STORE_NO_SYNC : 0;
    if (nshards == 0)
        return ps_store_open_write_flags(r->target, flags, &r->store, err);
    return ps_store_open_write_sharded(r->target, nshards, slot, flags, &r->store, err);
}

static ps_status prepare(run_state *r, const char *const *paths, size_t npaths,
                         const ps_indexer_opts *opts, ps_error *err)
{
    if (!opts->db_path || !*opts->db_path)
        return ps_error_set(err, PS_ERR_INVALID, "no database path given");
    if (npaths == 0)
        return ps_error_set(err, PS_ERR_INVALID, "no files or directories to index given");
    r->db = ps_indexer_path_normalize(opts->db_path);
    r->roots = calloc(npaths, sizeof *r->roots);
    if (!r->db || !r->roots)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    /* Absolute, symlink-free roots: the same files get the same paths (and "P" terms) whatever
     * the working directory or spelling of the next run. */
    for (; r->nroots < npaths; r->nroots++) {
        if (!(r->roots[r->nroots] = realpath(paths[r->nroots], NULL))) {
            int e = errno;
            ps_error_set(err,
                         e == ENOENT   ? PS_ERR_NOT_FOUND
                         : e == ENOMEM ? PS_ERR_NOMEM
                                       : PS_ERR_IO,
                         "cannot read %s: %s (nothing indexed, nothing deleted)", paths[r->nroots],
                         strerror(e));
            ps_error_locate(err, paths[r->nroots], 0, -1);
            return err ? err->status : PS_ERR_IO;
        }
    }
    r->target = opts->full ? with_suffix(r->db, ".new") : strdup(r->db);
    if (!r->target)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory");
    ps_status st = ps_indexer_lock_acquire(r->db, &r->lock, err);
    if (st == PS_OK)
        st = ps_lexicon_load(opts->lexicon_path, &r->lex, err);
    if (st == PS_OK && opts->manifest_path)
        st = ps_indexer_manifest_load(opts->manifest_path, &r->manifest, err);
    if (st == PS_OK)
        st = ps_indexer_walk((const char *const *)r->roots, r->nroots, &r->walk, err);
    if (st != PS_OK)
        return st;
    /* Never index our own lock file nor the manifest, which often sits in the indexed folder. */
    drop_file(&r->walk, ps_indexer_lock_path(r->lock));
    if (opts->manifest_path)
        drop_file(&r->walk, opts->manifest_path);
    st = remove_leftovers(r, err);
    if (st == PS_OK)
        st = open_target(r, opts, err);
    if (st == PS_OK && !opts->full)
        st = check_versions(r, ps_lexicon_version(r->lex), err);
    if (st == PS_OK)
        st = load_state(r, err);
    return st;
}

/* The file system of the database is full: say where, how much is free and about how much the
 * run needs (an index takes up to about twice the text it holds; a rebuild as much as the index
 * it replaces), and what state the index is in. A failed rebuild's DIR.new has been removed. */
static ps_status explain_no_space(const run_state *r, const writer *w, ps_error *err)
{
    char cause[PS_ERROR_MESSAGE_MAX];
    snprintf(cause, sizeof cause, "%s", err->message);
    char *dir = strdup(r->db);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    const char *fsdir = !dir ? "." : slash == dir ? "/" : slash ? (*slash = '\0', dir) : ".";
    struct statvfs vfs;
    double free_mb = statvfs(fsdir, &vfs) == 0
                         ? (double)vfs.f_bavail * (double)vfs.f_frsize / 1e6
                         : 0;
    double index_mb = (double)tree_bytes(r->db) / 1e6;
    double left_mb = (double)(w->bytes_total - w->committed_bytes) / 1e6;
    double need_mb = r->opts->full ? (index_mb > 2 * (double)w->bytes_total / 1e6
                                          ? index_mb
                                          : 2 * (double)w->bytes_total / 1e6)
                                   : 2 * left_mb;
    if (need_mb < 1)
        need_mb = 1;
    ps_status st;
    if (r->opts->full)
        st = ps_error_set(err, PS_ERR_NOSPACE,
                          "no space left on device in %s: the rebuild needs about %.0f MB, %.1f MB "
                          "are free; it was removed and %s is unchanged. Free space there (or "
                          "move the index to a larger file system) and run again [%s]",
                          fsdir, need_mb, free_mb, r->db, cause);
    else
        st = ps_error_set(err, PS_ERR_NOSPACE,
                          "no space left on device in %s: about %.0f MB more are needed for "
                          "%.1f MB of text still to index, %.1f MB are free; %s is intact as of "
                          "its last commit (%llu of %llu files). Free space and run again: only "
                          "what is missing is indexed [%s]",
                          fsdir, need_mb, left_mb, free_mb, r->db,
                          (unsigned long long)w->reported_files,
                          (unsigned long long)w->files_total, cause);
    free(dir);
    return st;
}

ps_status ps_indexer_run(const char *const *paths, size_t npaths, const ps_indexer_opts *opts,
                         ps_indexer_summary *summary, ps_error *err)
{
    double t0 = now_seconds();
    memset(summary, 0, sizeof *summary);
    run_state r = {0};
    writer w = {.opts = opts, .sum = summary, .err = err};
    r.opts = opts;
    ps_status st = prepare(&r, paths, npaths, opts, err);
    if (st == PS_OK)
        st = load_learned(&r, err);
    if (st == PS_OK) {
        w.store = r.store;
        w.state = r.state;
        w.lexicon_version = ps_lexicon_version(r.lex);
        w.learned = r.learned_list;
        w.learn_pending = r.learn_pending;
        /* Entries the walk could not take (broken links, loops, devices) are seen and skipped,
         * so that seen = added + changed + unchanged + skipped. */
        summary->files_seen = r.walk.nfiles + r.walk.nwarnings;
        if (r.manifest)
            for (size_t i = 0; i < ps_indexer_manifest_nwarnings(r.manifest); i++)
                emit(&w, PS_INDEXER_EV_WARNING, opts->manifest_path,
                     ps_indexer_manifest_warning(r.manifest, i));
        if (r.leftovers.len) {
            char msg[1024];
            snprintf(msg, sizeof msg, "removed what an unfinished run left behind: %s",
                     r.leftovers.data);
            emit(&w, PS_INDEXER_EV_INFO, NULL, msg);
        }
        for (size_t i = 0; i < r.walk.nwarnings; i++) {
            summary->files_skipped++;
            emit(&w, PS_INDEXER_EV_WARNING, r.walk.warnings[i].path, r.walk.warnings[i].reason);
        }
        st = plan(&r, opts, summary, &w.bytes_total, err);
    }
    char *schema = NULL;
    if (st == PS_OK)
        st = ps_store_get_metadata(r.store, PS_META_SCHEMA, &schema, err);
    bool fresh = st == PS_OK && !*schema; /* a new database gets its metadata even when empty */
    free(schema);
    w.files_total = r.njobs;
    if (st == PS_OK) {
        char msg[256];
        snprintf(msg, sizeof msg, "%llu files found, %zu to index (%.1f MB)%s",
                 (unsigned long long)r.walk.nfiles, r.njobs, (double)w.bytes_total / 1e6,
                 opts->full ? ", full rebuild" : "");
        emit(&w, PS_INDEXER_EV_INFO, NULL, msg);
    }
    if (st == PS_OK && !opts->no_delete)
        st = delete_vanished(&r, &w, summary);
    if (st == PS_OK && opts->lexicon_copy)
        st = copy_lexicon(ps_lexicon_path(r.lex), r.target, err);
    if (st == PS_OK && (fresh || opts->full))
        st = ensure_txn(&w);
    if (st == PS_OK && (fresh || opts->full) && r.njobs > 0)
        st = learn_first(&r, &w);
    if (st == PS_OK)
        st = run_jobs(&w, r.jobs, r.njobs, r.learned ? r.learned : r.lex);
    /* Learn again after any change (or to finish a killed run's re-analysis). */
    if (st == PS_OK && (summary->wrote || w.in_txn || r.learn_pending))
        st = relearn(&r, &w);
    /* The last commit also records the time of the run, even when the batches came out even. */
    if (st == PS_OK && summary->wrote)
        st = ensure_txn(&w);
    if (st == PS_OK)
        st = commit_batch(&w, true);
    /* A database written from scratch is compacted once: full B-tree blocks, half the size. */
    if (st == PS_OK && (fresh || opts->full) && summary->wrote) {
        ps_store_close(r.store);
        r.store = NULL;
        st = compact_in_place(r.target, err);
        if (st == PS_ERR_NOSPACE) {
            /* The index is whole, only not compacted: keep it and say so. */
            char msg[PS_ERROR_MESSAGE_MAX + 64];
            snprintf(msg, sizeof msg, "not compacted (the index works, only larger): %s",
                     err->message);
            emit(&w, PS_INDEXER_EV_WARNING, r.target, msg);
            ps_error_clear(err);
            st = PS_OK;
        }
        if (st == PS_OK)
            st = ps_store_open_read(r.target, &r.store, err);
    }
    summary->learned_words = ps_lexicon_learned_count(r.learned);
    if (st == PS_OK) {
        size_t cursor = 0;
        const ps_indexer_filestate_entry *e;
        while ((e = ps_indexer_filestate_next(r.state, &cursor)))
            summary->arenden_total += e->narenden;
        st = ps_store_revision(r.store, &summary->revision, err);
    }
    if (st == PS_OK && opts->full) {
        ps_store_close(r.store);
        r.store = NULL;
        st = switch_in(r.db, r.target, err);
        summary->switched = st == PS_OK;
    } else if (st != PS_OK && opts->full && r.lock) {
        /* A rebuild that failed before the switch: its space goes back at once (the next run
         * would remove it anyway). */
        ps_store_close(r.store);
        r.store = NULL;
        remove_tree(r.target);
        static const char *const staging[] = {".creating", ".compact"};
        for (size_t i = 0; i < 2; i++) {
            char *p = with_suffix(r.target, staging[i]);
            if (p)
                remove_tree(p);
            free(p);
        }
    }
    if (st == PS_ERR_NOSPACE)
        st = explain_no_space(&r, &w, err);
    summary->seconds = now_seconds() - t0;
    run_state_free(&r);
    return st;
}
