/*
 * indexer.h — the indexer: walk files, parse them into ärenden, analyze, write to the store.
 *
 * ps_indexer_run is what `protokollsok index` (and the nightly cron job) calls. It is
 * incremental and safe to run again and again on a live system:
 *  - one writer at a time: an flock on "<db>.lock" beside the database (released by the kernel
 *    when a process dies, so a killed run never leaves a stale lock); a second run fails at once
 *    with PS_ERR_LOCKED naming the pid that holds it;
 *  - a file-state manifest (path, size, mtime, 64-bit content hash, manifest-metadata hash,
 *    ärende count) lives in the database metadata PS_META_FILES and is committed in the same
 *    transaction as the documents it describes, so a crash between batches loses nothing and the
 *    next run redoes exactly the files that were not committed;
 *  - only new or changed files are parsed (size or mtime changed, and then the content hash
 *    changed); vanished files lose their ärenden; unchanged input writes nothing;
 *  - full rebuilds go into "<db>.new" and are switched in with one rename.
 * Parsing and analysis run in worker threads (one ps_analyzer each, the lexicon shared); the
 * calling thread writes and commits.
 *
 * The pure parts (hash, path normalization, file walk, the manifest of external metadata, the
 * file-state manifest, the lock) are exposed here for tests and for `protokollsok stats`.
 *
 * Threads: every object here is used by one thread at a time. Nothing prints: warnings and
 * progress go to the caller's event callback.
 */
#ifndef PROTOKOLLSOK_INDEXER_H
#define PROTOKOLLSOK_INDEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protokollsok/error.h"

/* ---- small pure helpers ---------------------------------------------------------------------- */

/* A fast 64-bit non-cryptographic hash of len bytes (8-byte lanes, multiply-rotate mixing and a
 * final avalanche). Stable across runs and platforms of the same endianness. */
uint64_t ps_indexer_hash64(const void *data, size_t len, uint64_t seed);

/* A normalized copy of path: "//" collapsed, "./" segments and trailing '/' removed ("." for an
 * empty result). ".." is kept. malloc'd (caller frees); NULL on out-of-memory. */
char *ps_indexer_path_normalize(const char *path);

/* Xapian rejects terms longer than 245 bytes; identifier terms are kept to this length. */
#define PS_INDEXER_TERM_MAX 240

/* prefix + value, or when longer than PS_INDEXER_TERM_MAX: prefix + a head of value cut on a
 * character boundary + "#" + 16 hex digits of value's hash (unique, deterministic).
 * malloc'd (caller frees); NULL on out-of-memory. */
char *ps_indexer_term(const char *prefix, const char *value);
/* ps_indexer_term(PS_PREFIX_PATH, path): the term on every ärende of one source file. */
char *ps_indexer_path_term(const char *path);

/* ---- walking the input ----------------------------------------------------------------------- */

typedef struct {
    char *path;     /* root + "/" + relative path, normalized (the root itself for a file root) */
    char *relpath;  /* path relative to its root (base name for a file root) */
    bool relpath_shared; /* another root has a file with the same relpath */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t dev, ino;
} ps_indexer_file;

typedef struct {
    char *path;
    char *reason;
} ps_indexer_warning;

typedef struct {
    ps_indexer_file *files; /* sorted by path within each root, roots in the order given */
    size_t nfiles;
    ps_indexer_warning *warnings; /* entries that could not be walked (loops, broken links...) */
    size_t nwarnings;
    uint64_t total_bytes;
} ps_indexer_walk_result;

/* Walk roots (files or directories, symlinks followed). Hidden entries (name starting with '.')
 * and Xapian database directories are skipped silently; a directory reached again through a
 * symlink is walked once; a symlink loop, a broken symlink, an unreadable directory or a
 * non-regular file give a warning. A root that does not exist is an error (PS_ERR_NOT_FOUND) —
 * an unmounted share must not look like an empty folder whose files were all deleted.
 * out is filled (free with ps_indexer_walk_free, also after a failure). */
ps_status ps_indexer_walk(const char *const *roots, size_t nroots, ps_indexer_walk_result *out,
                          ps_error *err);
void ps_indexer_walk_free(ps_indexer_walk_result *res);

/* ---- the manifest of external metadata (--manifest) ------------------------------------------ */

/* One row: path (resolved against the manifest file's directory and normalized) and the fields
 * that override the parser; empty fields are NULL. */
typedef struct {
    char *path;
    char *kommun, *namnd, *date, *url, *type;
    bool have_id; /* dev/ino known (the file existed when the manifest was loaded) */
    uint64_t dev, ino;
    long line;
} ps_indexer_manifest_entry;

typedef struct ps_indexer_manifest ps_indexer_manifest;

/* Parse a manifest text: TSV with a header line naming the columns (path required; kommun,
 * namnd (or nämnd), date, url, type optional, in any order; other columns ignored) or JSON Lines
 * (one object per line with the same keys). Lines starting with '#' and blank lines are skipped.
 * base_dir resolves relative paths; name is used in messages. A malformed row is skipped with a
 * warning (ps_indexer_manifest_warning); a missing header or unknown format is PS_ERR_INVALID.
 * Pure: no stat. Free with ps_indexer_manifest_free. */
ps_status ps_indexer_manifest_parse(const char *text, size_t len, const char *base_dir,
                                    const char *name, ps_indexer_manifest **out, ps_error *err);
/* Read and parse a manifest file, then stat each row's file to match files by identity (so
 * "seeds/x.txt" in the manifest matches "/abs/seeds/x.txt" being indexed). */
ps_status ps_indexer_manifest_load(const char *path, ps_indexer_manifest **out, ps_error *err);
void ps_indexer_manifest_free(ps_indexer_manifest *m);
size_t ps_indexer_manifest_count(const ps_indexer_manifest *m);
const ps_indexer_manifest_entry *ps_indexer_manifest_at(const ps_indexer_manifest *m, size_t i);
size_t ps_indexer_manifest_nwarnings(const ps_indexer_manifest *m);
/* "manifest.tsv:7: ..." — owned by m. */
const char *ps_indexer_manifest_warning(const ps_indexer_manifest *m, size_t i);
/* The row for a file: by dev/ino when known, else by normalized path. NULL when none. Owned by m. */
const ps_indexer_manifest_entry *ps_indexer_manifest_find(const ps_indexer_manifest *m,
                                                          const char *path, uint64_t dev,
                                                          uint64_t ino);
/* Hash of a row's fields (0 for NULL row): a changed row re-indexes its file. */
uint64_t ps_indexer_manifest_entry_hash(const ps_indexer_manifest_entry *e);

/* ---- the file-state manifest stored in PS_META_FILES ------------------------------------------ */

typedef struct {
    char *path;         /* as indexed (the "P" term's path) */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;      /* ps_indexer_hash64 of the content */
    uint64_t meta_hash; /* hash of the external metadata + URL used when indexed */
    uint32_t narenden;  /* documents written for the file */
} ps_indexer_filestate_entry;

typedef struct ps_indexer_filestate ps_indexer_filestate;

ps_indexer_filestate *ps_indexer_filestate_new(void);
void ps_indexer_filestate_free(ps_indexer_filestate *fs);
/* Parse the stored text ("" gives an empty manifest). PS_ERR_INVALID names the bad line. */
ps_status ps_indexer_filestate_parse(const char *text, size_t len, ps_indexer_filestate **out,
                                     ps_error *err);
/* Serialize (entries in path order), malloc'd; NULL on out-of-memory. */
char *ps_indexer_filestate_serialize(const ps_indexer_filestate *fs, size_t *len);
/* Insert or replace by path (e is copied). false on out-of-memory. */
bool ps_indexer_filestate_put(ps_indexer_filestate *fs, const ps_indexer_filestate_entry *e);
/* Owned by fs, valid until the next put/remove; NULL when absent. */
const ps_indexer_filestate_entry *ps_indexer_filestate_find(const ps_indexer_filestate *fs,
                                                            const char *path);
bool ps_indexer_filestate_remove(ps_indexer_filestate *fs, const char *path);
size_t ps_indexer_filestate_count(const ps_indexer_filestate *fs);
/* Live entries in insertion order: call with *cursor = 0, returns NULL at the end. */
const ps_indexer_filestate_entry *ps_indexer_filestate_next(const ps_indexer_filestate *fs,
                                                            size_t *cursor);

/* ---- the writer lock ------------------------------------------------------------------------- */

typedef struct ps_indexer_lock ps_indexer_lock;

/* Take the exclusive lock "<db>.lock" (creating the parent directory and the file). Never waits:
 * PS_ERR_LOCKED "another indexer (pid N) is writing DB" when held. The pid is written into the
 * file for that message. The kernel releases the lock when the process exits or is killed. */
ps_status ps_indexer_lock_acquire(const char *db_path, ps_indexer_lock **out, ps_error *err);
void ps_indexer_lock_release(ps_indexer_lock *lock);
/* "<db>.lock", owned by lock. */
const char *ps_indexer_lock_path(const ps_indexer_lock *lock);

/* ---- the run --------------------------------------------------------------------------------- */

typedef enum {
    PS_INDEXER_EV_INFO = 0, /* a plain log line (message) */
    PS_INDEXER_EV_WARNING,  /* a skipped file or manifest row: path and message (the reason) */
    PS_INDEXER_EV_PROGRESS, /* after each file: counters below */
    PS_INDEXER_EV_COMMIT    /* a batch was committed: counters below */
} ps_indexer_event_kind;

typedef struct {
    ps_indexer_event_kind kind;
    const char *path;    /* may be NULL */
    const char *message; /* may be NULL for progress */
    uint64_t files_done, files_total; /* files to (re)index in this run */
    uint64_t bytes_done, bytes_total;
} ps_indexer_event;

/* Everything passed is valid during the call only. Called from the writing thread. */
typedef void (*ps_indexer_event_fn)(void *ctx, const ps_indexer_event *ev);

typedef struct {
    const char *db_path;           /* required */
    const char *manifest_path;     /* NULL: none */
    const char *lexicon_path;      /* NULL: ps_lexicon_load's default */
    const char *source_url_prefix; /* NULL: url only from the manifest */
    bool full;                     /* rebuild into "<db>.new", then switch by rename */
    bool lexicon_copy;             /* copy the lexicon file into the index (an index that
                                      stands alone, e.g. shipped to a host with another
                                      build); default: only its version (content hash) is
                                      recorded, and search uses its own lexicon if it matches */
    bool no_delete;                /* keep the ärenden of vanished files */
    size_t batch_files;            /* files per transaction; 0: 200 */
    size_t max_bytes;              /* larger files are skipped; 0: 50 MB */
    bool ocr;                      /* read PDF pages without a text layer by OCR (Tesseract,
                                      Swedish); the learning pass does not, so a file is read
                                      by OCR once per run, and an unchanged file never again */
    size_t max_text;               /* files with more text (read, or from a PDF) are skipped:
                                      memory per file is about 25 times its text; 0: 16 MB */
    unsigned threads;              /* parse+analyze threads; 0: number of CPUs minus one, >= 1 */
    unsigned shards;               /* > 0: a sharded index of that many shards (store.h); 0: keep
                                      the index's layout (a new index: one database) */
    bool shard_by_arende;          /* route by ärende key instead of kommun (one kommun's
                                      documents spread over the shards) */
    ps_indexer_event_fn on_event;  /* may be NULL */
    void *event_ctx;
} ps_indexer_opts;

/* Fill opts with the defaults above (db_path NULL). */
void ps_indexer_opts_init(ps_indexer_opts *opts);

typedef struct {
    uint64_t files_seen;      /* regular files found by the walk, and the entries it could not
                                 take (broken links, loops, devices; counted as skipped):
                                 seen = added + changed + unchanged + skipped */
    uint64_t files_added;     /* new files indexed */
    uint64_t files_changed;   /* files re-indexed because their content or metadata changed */
    uint64_t files_unchanged; /* files not re-read (same size and mtime), or same content */
    uint64_t files_touched;   /* same content, new mtime: only the file state was updated */
    uint64_t files_deleted;   /* vanished files whose ärenden were removed */
    uint64_t files_skipped;   /* bad files and walk warnings */
    uint64_t files_relearned; /* unchanged files analyzed again for new learned words */
    uint64_t learned_words;   /* words learned from the corpus, after the run */
    uint64_t arenden_added;   /* documents written in this run */
    uint64_t arenden_deleted; /* documents removed in this run (replaced or vanished) */
    uint64_t arenden_total;   /* documents in the index after the run */
    uint64_t bytes_read;      /* bytes of the files parsed */
    uint64_t commits;         /* transactions committed */
    uint64_t revision;        /* database revision after the run */
    double seconds;
    bool wrote;               /* false: nothing changed and nothing was written */
    bool switched;            /* --full: the new index replaced the old one */
} ps_indexer_summary;

/* Index paths into opts->db_path. Each path is made absolute and symlink-free (realpath), so
 * files are recorded as "/abs/root/relative/path" whatever the working directory or spelling of
 * the run; the url from source_url_prefix uses the part relative to the path given. Bad files do not fail the run (they are reported as warnings
 * and counted in files_skipped). Fails with PS_ERR_LOCKED (another writer), PS_ERR_NOT_FOUND (a
 * root or the lexicon is missing), PS_ERR_VERSION (the index was built with another schema or
 * lexicon: run with full), PS_ERR_INVALID (bad manifest), PS_ERR_XAPIAN / PS_ERR_IO.
 * summary is filled as far as the run got. */
ps_status ps_indexer_run(const char *const *paths, size_t npaths, const ps_indexer_opts *opts,
                         ps_indexer_summary *summary, ps_error *err);

#endif
