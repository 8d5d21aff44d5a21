/*
 * store/xapian.cc — the Xapian database behind the C API of include/protokollsok/store.h.
 *
 * This is the only C++ file of the project. Every extern "C" entry point runs its body inside
 * guard() (or its own catch-all), which turns each Xapian::Error, std::bad_alloc and
 * std::exception into a ps_status plus a message in the caller's ps_error, so nothing throws
 * across the C boundary. The header cannot say `noexcept` (it is C), so the rule is kept by
 * construction: a function body either cannot throw or is wrapped.
 *
 * Design notes:
 * - A store keeps a Xapian::Database handle for every read; a writable store also keeps the
 *   WritableDatabase, and its read handle shares the same backend (reads see pending changes).
 * - Readers that hit DatabaseModifiedError (a writer committed twice during the read) reopen
 *   and retry a few times, inside guard().
 * - `protokollsok index --full` swaps database directories by rename; Database::reopen() keeps
 *   reading the old directory, so ps_store_reopen() compares the path's device/inode with the
 *   ones recorded at open and opens the path afresh when they differ.
 * - Results own copies of every string they hand out (a std::deque never moves its elements,
 *   so the c_str() pointers stay valid until ps_store_results_free).
 * - Shards (store.h): a reader of a stub opens every line as its own Database (so each shard's
 *   state, revision and count are known, and a remote one that fails is left out) and combines
 *   the ones that are up with add_database. A NetworkError during a read reconnects every
 *   remote shard afresh (after a failed exchange a connection may hold an unread reply, so none
 *   is reused) and runs the read again without the ones that do not answer. A shard that is
 *   down is tried again by ps_store_reopen, at most every RETRY_SECONDS.
 * - A sharded writer keeps one WritableDatabase per line: writers[0] is the first line (the
 *   metadata), the others take the documents, routed by a hash of one value.
 */
extern "C" {
#include "protokollsok/store.h"
}

#include <xapian.h>

#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>

#include <ftw.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <new>
#include <string>
#include <vector>

namespace
{

/* One line of a stub database. */
struct Shard {
    enum class Kind { local, tcp, prog } kind = Kind::local;
    std::string name; /* as written: the path, HOST:PORT or :PROGRAM ARGS */
    std::string path; /* local: resolved against the stub's directory; prog: the program */
    std::string host, args;
    unsigned port = 0;
    Xapian::Database db; /* valid while up */
    std::string stub_id; /* local: the identity of the stub the path is, if it is one
                            (xapian-replicate switches a replica by rewriting its stub) */
    bool up = false;
    std::string error;    /* why it is down */
    double retry_at = 0;  /* monotonic seconds: when to try a down shard again */
};

} // namespace

struct ps_store {
    std::string path;
    bool writable = false;
    bool in_txn = false;
    Xapian::Database db; /* every read goes through this handle (all shards that are up) */
    /* Writable stores: one database, or (sharded) writers[0] the metadata and the others the
     * documents, routed by a hash of the value in route_slot. */
    std::vector<Xapian::WritableDatabase> writers;
    Xapian::valueno route_slot = 0;
    bool sharded = false; /* path is a stub */
    std::vector<Shard> shards; /* readers of a stub */
    unsigned timeout_ms = 5000;
    std::string stub_id; /* identity of the stub when sharded */
    dev_t dev = 0; /* identity of the directory (or stub file) at open, to notice a rename swap */
    ino_t ino = 0;
};

struct ps_store_doc {
    /* Xapian::Document is a shared handle; ps_store_replace adds the id term for the call only
     * and removes it again, so the caller's document is left as it was. */
    Xapian::Document doc;
    bool failed = false; /* an allocation failed while building; replace reports PS_ERR_NOMEM */
    uint32_t skipped = 0;
};

struct ps_store_query {
    Xapian::Query q;
};

struct ps_store_results {
    std::deque<std::string> strings; /* owns every string a hit or facet points to */
    std::vector<ps_store_hit> hits;
    std::vector<std::vector<ps_store_facet_value>> facets;
    std::vector<const char *> missing; /* shards that did not answer */
    uint32_t estimate = 0, lower = 0, upper = 0;
    bool exact = false;
};

namespace
{

/* What an entry point was doing, so an exception can be worded for the user. */
enum class Doing { open_read, open_write, other };

/* Turn the exception being handled into a status and message. Must be called from a catch
 * block. Uses only the non-allocating accessors of Xapian::Error, so it cannot throw itself. */
ps_status translate_current(const char *path, Doing doing, ps_error *err) noexcept
{
    if (!path)
        path = "(no path)";
    /* A full disk first, whatever the exception's type: its message ("Error writing block
     * 302") does not say why, and the advice for a damaged database (--full) would be wrong. */
    try {
        throw;
    } catch (const Xapian::Error &e) {
        const char *cause = e.get_error_string();
        if (cause && (strcmp(cause, strerror(ENOSPC)) == 0 || strcmp(cause, strerror(EDQUOT)) == 0))
            return ps_error_set(err, PS_ERR_NOSPACE, "no space left on device writing %s (%s)",
                                path, e.get_msg().c_str());
    } catch (...) {
    }
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &) {
        return ps_error_set(err, PS_ERR_LOCKED,
                            "the database %s is locked by another writer (is another "
                            "`protokollsok index` running? wait for it to finish)",
                            path);
    } catch (const Xapian::DatabaseVersionError &e) {
        return ps_error_set(err, PS_ERR_VERSION,
                            "the database %s has a format this Xapian cannot read (%s); rebuild "
                            "it with `protokollsok index --full`",
                            path, e.get_msg().c_str());
    } catch (const Xapian::DatabaseNotFoundError &e) {
        if (doing == Doing::open_write)
            return ps_error_set(err, PS_ERR_IO, "cannot create or open the database %s: %s", path,
                                e.get_msg().c_str());
        return ps_error_set(err, PS_ERR_NOT_FOUND,
                            "no database at %s (run `protokollsok index` to build it, or give "
                            "the right one with --db)",
                            path);
    } catch (const Xapian::DatabaseOpeningError &e) {
        if (doing == Doing::open_write)
            return ps_error_set(err, PS_ERR_IO, "cannot create or open the database %s: %s", path,
                                e.get_msg().c_str());
        return ps_error_set(err, PS_ERR_NOT_FOUND,
                            "cannot open the database %s: %s (run `protokollsok index` to build "
                            "it, or give the right one with --db)",
                            path, e.get_msg().c_str());
    } catch (const Xapian::DatabaseCreateError &e) {
        return ps_error_set(err, PS_ERR_IO, "cannot create the database %s: %s", path,
                            e.get_msg().c_str());
    } catch (const Xapian::DatabaseCorruptError &e) {
        return ps_error_set(err, PS_ERR_XAPIAN,
                            "the database %s is damaged (%s); rebuild it with `protokollsok "
                            "index --full`",
                            path, e.get_msg().c_str());
    } catch (const Xapian::DatabaseError &e) {
        const char *cause = e.get_error_string();
        if (doing == Doing::other)
            return ps_error_set(err, PS_ERR_XAPIAN, "database %s: %s: %s%s%s%s", path,
                                e.get_type(), e.get_msg().c_str(), cause ? " (" : "",
                                cause ? cause : "", cause ? ")" : "");
        /* Failing while opening (not lock, version or absence) means unreadable files. */
        return ps_error_set(err, PS_ERR_XAPIAN,
                            "cannot open the database %s (%s: %s); if it is damaged, rebuild it "
                            "with `protokollsok index --full`",
                            path, e.get_type(), e.get_msg().c_str());
    } catch (const Xapian::Error &e) {
        const char *cause = e.get_error_string();
        return ps_error_set(err, PS_ERR_XAPIAN, "database %s: %s: %s%s%s%s", path, e.get_type(),
                            e.get_msg().c_str(), cause ? " (" : "", cause ? cause : "",
                            cause ? ")" : "");
    } catch (const std::bad_alloc &) {
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory (database %s)", path);
    } catch (const std::exception &e) {
        return ps_error_set(err, PS_ERR_INTERNAL, "unexpected error (database %s): %s", path,
                            e.what());
    } catch (...) {
        return ps_error_set(err, PS_ERR_INTERNAL, "unexpected exception (database %s)", path);
    }
}

/* Record which directory the path names now. False when it cannot be stat'ed. */
bool path_identity(const std::string &path, dev_t *dev, ino_t *ino)
{
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
        return false;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return true;
}

constexpr double RETRY_SECONDS = 2.0;

double monotonic_seconds()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The stub file path names (a file, or a directory with XAPIANDB), or "" when it is none. */
std::string stub_of(const std::string &path)
{
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
        return std::string();
    if (S_ISREG(st.st_mode))
        return path;
    std::string inside = path + "/XAPIANDB";
    if (S_ISDIR(st.st_mode) && stat(inside.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        return inside;
    return std::string();
}

/* Which stub file path is now (inode, size, mtime), "" when it is none: a stub rewritten in
 * place or replaced by rename reads differently. */
std::string stub_identity(const std::string &path)
{
    std::string stub = stub_of(path);
    struct stat st;
    if (stub.empty() || stat(stub.c_str(), &st) != 0)
        return std::string();
    return std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

/* The lines of a stub (Xapian's format, store.h). Throws DatabaseOpeningError naming the file
 * and line of a line it cannot read. */
std::vector<Shard> parse_stub(const std::string &stub)
{
    std::ifstream in(stub);
    if (!in)
        throw Xapian::DatabaseNotFoundError("cannot read the stub " + stub + ": " +
                                            strerror(errno));
    std::string dir = stub.substr(0, stub.rfind('/') == std::string::npos ? 0 : stub.rfind('/'));
    std::vector<Shard> shards;
    std::string line;
    for (unsigned no = 1; std::getline(in, line); no++) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        if (line.empty() || line[0] == '#')
            continue;
        size_t sp = line.find(' ');
        std::string type = line.substr(0, sp), rest = sp == std::string::npos ? "" : line.substr(sp + 1);
        Shard sh;
        sh.name = rest;
        if ((type == "glass" || type == "auto") && !rest.empty()) {
            sh.path = rest[0] == '/' || dir.empty() ? rest : dir + "/" + rest;
        } else if (type == "remote" && rest.size() > 1 && rest[0] == ':') {
            sh.kind = Shard::Kind::prog;
            size_t a = rest.find(' ');
            sh.path = rest.substr(1, a == std::string::npos ? std::string::npos : a - 1);
            sh.args = a == std::string::npos ? "" : rest.substr(a + 1);
        } else if (type == "remote" && rest.rfind(':') != std::string::npos &&
                   rest.rfind(':') > 0) {
            sh.kind = Shard::Kind::tcp;
            size_t c = rest.rfind(':');
            sh.host = rest.substr(0, c);
            if (sh.host.size() > 2 && sh.host.front() == '[' && sh.host.back() == ']')
                sh.host = sh.host.substr(1, sh.host.size() - 2);
            char *end = nullptr;
            unsigned long port = strtoul(rest.c_str() + c + 1, &end, 10);
            if (!end || *end || port == 0 || port > 65535)
                throw Xapian::DatabaseOpeningError(stub + ":" + std::to_string(no) +
                                                   ": bad port (remote HOST:PORT)");
            sh.port = static_cast<unsigned>(port);
        } else {
            throw Xapian::DatabaseOpeningError(
                stub + ":" + std::to_string(no) +
                ": bad line (expected \"glass PATH\", \"auto PATH\", \"remote HOST:PORT\" or "
                "\"remote :PROGRAM ARGS\")");
        }
        shards.push_back(std::move(sh));
    }
    if (shards.empty())
        throw Xapian::DatabaseOpeningError(stub + ": the stub lists no database");
    return shards;
}

/* Open one shard. A local one that fails throws (a missing or damaged directory is the
 * operator's to fix); a remote one that fails is marked down with the reason. */
void connect_shard(Shard &sh, unsigned timeout_ms)
{
    if (sh.kind == Shard::Kind::local) {
        sh.stub_id = stub_identity(sh.path);
        sh.db = Xapian::Database(sh.path);
        sh.up = true;
        sh.error.clear();
        return;
    }
    try {
        sh.db = sh.kind == Shard::Kind::tcp
                    ? Xapian::Remote::open(sh.host, sh.port, timeout_ms, timeout_ms)
                    : Xapian::Remote::open(sh.path, sh.args, timeout_ms);
        sh.up = true;
        sh.error.clear();
    } catch (const Xapian::Error &e) {
        sh.db = Xapian::Database();
        sh.up = false;
        sh.error = std::string(e.get_type()) + ": " + e.get_msg();
        sh.retry_at = monotonic_seconds() + RETRY_SECONDS;
    }
}

/* store->db over the shards that are up. */
void combine(ps_store *store)
{
    Xapian::Database all;
    for (const Shard &sh : store->shards)
        if (sh.up)
            all.add_database(sh.db);
    store->db = all;
}

/* (Re)open every line of the stub at store->path. */
void open_stub(ps_store *store)
{
    store->stub_id = stub_identity(store->path);
    std::vector<Shard> shards = parse_stub(stub_of(store->path));
    for (Shard &sh : shards)
        connect_shard(sh, store->timeout_ms);
    store->shards = std::move(shards);
    combine(store);
    bool any = false;
    std::string why;
    for (const Shard &sh : store->shards) {
        any = any || sh.up;
        if (!sh.up)
            why += (why.empty() ? "" : "; ") + sh.name + ": " + sh.error;
    }
    if (!any)
        throw Xapian::NetworkError("no shard of " + store->path + " answered (" + why + ")");
}

/* After a failed exchange with a remote shard: every remote shard gets a new connection. */
void reconnect_remote(ps_store *store)
{
    for (Shard &sh : store->shards)
        if (sh.kind != Shard::Kind::local && sh.up)
            connect_shard(sh, store->timeout_ms);
    combine(store);
}

/* Shards: each up one re-read (a remote one that fails goes down), each down one whose retry
 * time has come tried again. True when a revision moved or a shard came or went. */
bool refresh_shards(ps_store *store)
{
    bool changed = false;
    double now = monotonic_seconds();
    for (Shard &sh : store->shards) {
        if (sh.up && sh.kind == Shard::Kind::local && stub_identity(sh.path) != sh.stub_id) {
            connect_shard(sh, store->timeout_ms); /* a replica switched by xapian-replicate */
            changed = true;
        } else if (sh.up) {
            try {
                if (sh.kind == Shard::Kind::local) {
                    Xapian::rev before = sh.db.get_revision();
                    sh.db.reopen();
                    changed = changed || sh.db.get_revision() != before;
                } else {
                    changed = sh.db.reopen() || changed;
                }
            } catch (const Xapian::NetworkError &e) {
                sh.db = Xapian::Database();
                sh.up = false;
                sh.error = std::string(e.get_type()) + ": " + e.get_msg();
                sh.retry_at = now + RETRY_SECONDS;
                changed = true;
            }
        } else if (now >= sh.retry_at) {
            connect_shard(sh, store->timeout_ms);
            changed = changed || sh.up;
        }
    }
    if (changed)
        combine(store);
    return changed;
}

/* Bring a read-only store to the latest committed revision; true when it moved. When the
 * directory at the path is no longer the one opened (swapped by rename), open the path afresh:
 * Database::reopen() would keep reading the old directory. */
bool refresh(ps_store *store)
{
    dev_t dev;
    ino_t ino;
    bool moved = path_identity(store->path, &dev, &ino) && (dev != store->dev || ino != store->ino);
    if (moved || (store->sharded && stub_identity(store->path) != store->stub_id)) {
        /* --full may have switched a single database for a sharded one, or back */
        bool sharded = !stub_of(store->path).empty();
        if (sharded) {
            open_stub(store);
        } else {
            store->db = Xapian::Database(store->path);
            store->shards.clear();
        }
        store->sharded = sharded;
        store->dev = dev;
        store->ino = ino;
        return true;
    }
    if (store->sharded)
        return refresh_shards(store);
    Xapian::rev before = store->db.get_revision();
    store->db.reopen();
    return store->db.get_revision() != before;
}

/* Run body() and catch everything. A read-only store whose revision vanished under a read
 * (DatabaseModifiedError) is refreshed and the body retried; a sharded one whose remote shard
 * failed (NetworkError) reconnects its remote shards and runs the body again without the ones
 * that do not answer. */
template <typename F> ps_status guard(ps_store *store, ps_error *err, F &&body) noexcept
{
    const char *path = store ? store->path.c_str() : nullptr;
    for (int attempt = 0;; attempt++) {
        try {
            ps_error_clear(err);
            return body();
        } catch (const Xapian::DatabaseModifiedError &) {
            if (!store || store->writable || attempt >= 3)
                return translate_current(path, Doing::other, err);
            try {
                refresh(store);
            } catch (...) {
                return translate_current(path, Doing::other, err);
            }
        } catch (const Xapian::NetworkError &) {
            if (!store || !store->sharded || attempt >= 2)
                return translate_current(path, Doing::other, err);
            try {
                reconnect_remote(store);
            } catch (...) {
                return translate_current(path, Doing::other, err);
            }
        } catch (...) {
            return translate_current(path, Doing::other, err);
        }
    }
}

/* PS_OK for a writable store; otherwise the error, naming the calling function. */
ps_status check_writable(const ps_store *store, const char *fn, ps_error *err)
{
    if (!store)
        return ps_error_set(err, PS_ERR_INVALID, "%s: no store", fn);
    if (!store->writable)
        return ps_error_set(err, PS_ERR_INVALID, "the database %s was opened read-only",
                            store->path.c_str());
    return PS_OK;
}

bool term_ok(const char *term)
{
    if (!term || !*term)
        return false;
    return strlen(term) <= PS_STORE_TERM_MAX;
}

/* A term query; the empty string would be Xapian's match-all, so it matches nothing instead. */
Xapian::Query term_query(const char *term)
{
    if (!term || !*term)
        return Xapian::Query();
    return Xapian::Query(std::string(term));
}

double clamp_factor(double f)
{
    return (std::isfinite(f) && f > 0) ? f : 0.0;
}

template <typename F> ps_store_query *make_query(F &&make) noexcept
{
    try {
        return new ps_store_query{make()};
    } catch (...) {
        return nullptr;
    }
}

/* Combine subqueries with op, taking ownership of subs[0..n) whatever happens. */
ps_store_query *combine(Xapian::Query::op op, ps_store_query **subs, size_t n,
                        Xapian::termcount window = 0) noexcept
{
    std::vector<Xapian::Query> qs;
    bool ok = subs != nullptr || n == 0;
    try {
        qs.reserve(n);
        for (size_t i = 0; ok && i < n; i++) {
            if (!subs[i])
                ok = false;
            else
                qs.push_back(subs[i]->q);
        }
    } catch (...) {
        ok = false;
    }
    for (size_t i = 0; subs && i < n; i++)
        delete subs[i];
    if (!ok)
        return nullptr;
    return make_query([&] { return Xapian::Query(op, qs.begin(), qs.end(), window); });
}

/* Phrase and NEAR over plain terms. */
ps_store_query *positional(Xapian::Query::op op, const char *const *terms, size_t n,
                           unsigned window) noexcept
{
    return make_query([&] {
        if (n == 0 || !terms)
            return Xapian::Query();
        if (n == 1)
            return term_query(terms[0]);
        std::vector<Xapian::Query> qs;
        qs.reserve(n);
        for (size_t i = 0; i < n; i++)
            qs.push_back(term_query(terms[i]));
        return Xapian::Query(op, qs.begin(), qs.end(), window);
    });
}

char *dup_bytes(const std::string &s)
{
    char *p = static_cast<char *>(malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

/* The arguments of an open function: PS_OK to go on (and *out is NULL). */
ps_status check_open_args(const char *path, ps_store **out, const char *fn, ps_error *err)
{
    if (!out)
        return ps_error_set(err, PS_ERR_INVALID, "%s: no output handle", fn);
    *out = nullptr;
    if (!path || !*path)
        return ps_error_set(err, PS_ERR_INVALID, "no database path given");
    return PS_OK;
}

/* mkdir -p: Xapian creates only the last component of a new database's path. */
bool make_dirs(const std::string &path)
{
    std::string sofar;
    size_t pos = 0;
    while (pos != std::string::npos) {
        size_t next = path.find('/', pos + 1);
        sofar = path.substr(0, next);
        pos = next;
        if (sofar.empty() || sofar == "/" || sofar == "." || sofar == "..")
            continue;
        if (mkdir(sofar.c_str(), 0777) != 0 && errno != EEXIST)
            return false;
    }
    return true;
}

/* Move every file of directory from into directory to, `last` after all others (rename(2):
 * same file system, as both are siblings). Returns false with errno set. */
bool move_files(const std::string &from, const std::string &to, const char *last)
{
    DIR *d = opendir(from.c_str());
    if (!d)
        return false;
    bool ok = true;
    while (struct dirent *e = readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == ".." || name == last)
            continue;
        if (rename((from + "/" + name).c_str(), (to + "/" + name).c_str()) != 0)
            ok = false;
    }
    closedir(d);
    return ok && rename((from + "/" + last).c_str(), (to + "/" + last).c_str()) == 0;
}

int remove_entry(const char *path, const struct stat *, int, struct FTW *)
{
    return remove(path);
}

/* Remove a staging directory of our own (with the shard directories of a sharded one). */
void remove_staging(const std::string &dir)
{
    nftw(dir.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void move_into(const std::string &staging, const std::string &path, const char *last);

/* A new database appears at path only whole (false with errno: a directory cannot be made): it is
 * created and committed empty in the sibling PATH.creating, then renamed to path in one step; when
 * path is already a directory with other files (index/README.md, which stay), its files are moved
 * in with the version file (iamglass) last. A kill -9 at any moment thus leaves no new database or
 * one that opens. One writer creates at a time (the indexer holds its lock). */
bool create_whole(const std::string &path)
{
    struct stat st;
    if (stat((path + "/iamglass").c_str(), &st) == 0)
        return true;
    std::string staging = path + ".creating";
    remove_staging(staging);
    if (!make_dirs(staging))
        return false;
    {
        Xapian::WritableDatabase fresh(staging, Xapian::DB_CREATE);
        fresh.commit();
        fresh.close();
    }
    unlink((staging + "/flintlock").c_str());
    move_into(staging, path, "iamglass");
    return true;
}

/* Put the finished staging directory at path: one atomic rename when there is no directory
 * (or an empty one) at path; else (index/ with its README) its entries are moved in, `last`
 * (the file that makes it a database) after all others. */
void move_into(const std::string &staging, const std::string &path, const char *last)
{
    if (rename(staging.c_str(), path.c_str()) == 0)
        return;
    if (!move_files(staging, path, last))
        throw Xapian::DatabaseCreateError("cannot move the new database into " + path + ": " +
                                          strerror(errno));
    rmdir(staging.c_str());
}

const char *const ROUTE_KEY = "ps.shard_route"; /* "<slot> <shards>" in the first database */

std::string shard_name(unsigned i)
{
    char name[32];
    snprintf(name, sizeof name, "shard-%02u", i);
    return name;
}

/* A sharded index appears at path only whole, like a single database (create_whole): the
 * databases and the stub are made in PATH.creating, the stub last, then moved in. */
void create_sharded_whole(const std::string &path, unsigned nshards, unsigned slot)
{
    std::string staging = path + ".creating";
    remove_staging(staging);
    if (!make_dirs(staging))
        throw Xapian::DatabaseCreateError("cannot create the directory " + staging + ": " +
                                          strerror(errno));
    std::string stub = "# protokollsok sharded index: the metadata, then the shards (store.h)\n"
                       "glass meta\n";
    for (unsigned i = 0; i <= nshards; i++) {
        std::string name = i == 0 ? "meta" : shard_name(i - 1);
        Xapian::WritableDatabase fresh(staging + "/" + name, Xapian::DB_CREATE);
        if (i == 0)
            fresh.set_metadata(ROUTE_KEY, std::to_string(slot) + " " + std::to_string(nshards));
        else
            stub += "glass " + name + "\n";
        fresh.commit();
        fresh.close();
        unlink((staging + "/" + name + "/flintlock").c_str());
    }
    std::string tmp = staging + "/XAPIANDB";
    std::ofstream out(tmp);
    out << stub;
    out.close();
    if (!out)
        throw Xapian::DatabaseCreateError("cannot write " + tmp);
    move_into(staging, path, "XAPIANDB");
}

/* Xapian's flags for ours (PS_STORE_NO_SYNC). */
int db_flags(unsigned flags)
{
    return flags & PS_STORE_NO_SYNC ? Xapian::DB_NO_SYNC : 0;
}

/* FNV-1a: the same value goes to the same shard in every run and on every machine. */
uint64_t route_hash(const std::string &v)
{
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : v) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Open the stub's databases for writing (all local); writers[0] is the metadata. */
void open_sharded_writers(ps_store *s, const std::string &stub, int flags)
{
    for (Shard &sh : parse_stub(stub)) {
        if (sh.kind != Shard::Kind::local)
            throw Xapian::InvalidArgumentError(
                stub + " names the remote shard " + sh.name +
                ": write on the machine that holds the shard directories");
        s->writers.emplace_back(sh.path, Xapian::DB_OPEN | flags);
        s->shards.push_back(sh);
        s->shards.back().up = true;
    }
    if (s->writers.size() < 2)
        throw Xapian::InvalidArgumentError(stub + " lists no shard after the metadata database");
    std::string route = s->writers[0].get_metadata(ROUTE_KEY);
    s->route_slot = static_cast<Xapian::valueno>(strtoul(route.c_str(), nullptr, 10));
    Xapian::Database all;
    for (const auto &w : s->writers)
        all.add_database(w);
    s->db = all;
    s->sharded = true;
}

} // namespace

/* ---- open / close ------------------------------------------------------------------------- */

extern "C" ps_status ps_store_open_read(const char *path, ps_store **out, ps_error *err)
{
    return ps_store_open_read_opts(path, nullptr, out, err);
}

extern "C" ps_status ps_store_open_read_opts(const char *path, const ps_store_open_opts *opts,
                                             ps_store **out, ps_error *err)
{
    if (ps_status st = check_open_args(path, out, __func__, err); st != PS_OK)
        return st;
    try {
        ps_error_clear(err);
        std::unique_ptr<ps_store> s(new ps_store);
        s->path = path;
        if (opts && opts->remote_timeout > 0)
            s->timeout_ms = static_cast<unsigned>(std::min(opts->remote_timeout, 3600.0) * 1000);
        /* Identity first: a swap between the two steps then costs one extra reopen later,
         * instead of going unnoticed. */
        path_identity(s->path, &s->dev, &s->ino);
        s->sharded = !stub_of(s->path).empty();
        if (s->sharded)
            open_stub(s.get());
        else
            s->db = Xapian::Database(s->path);
        *out = s.release();
        return PS_OK;
    } catch (...) {
        return translate_current(path, Doing::open_read, err);
    }
}

extern "C" ps_status ps_store_open_write(const char *path, ps_store **out, ps_error *err)
{
    return ps_store_open_write_flags(path, 0, out, err);
}

extern "C" ps_status ps_store_open_write_flags(const char *path, unsigned flags, ps_store **out,
                                               ps_error *err)
{
    if (ps_status st = check_open_args(path, out, __func__, err); st != PS_OK)
        return st;
    try {
        ps_error_clear(err);
        std::unique_ptr<ps_store> s(new ps_store);
        s->path = path;
        s->writable = true;
        std::string stub = stub_of(s->path);
        if (!stub.empty()) {
            open_sharded_writers(s.get(), stub, db_flags(flags));
        } else {
            if (!create_whole(s->path))
                return ps_error_set(err, PS_ERR_IO, "cannot create the directory %s: %s", path,
                                    strerror(errno));
            s->writers.emplace_back(s->path, Xapian::DB_CREATE_OR_OPEN | db_flags(flags));
            s->db = s->writers[0];
        }
        path_identity(s->path, &s->dev, &s->ino);
        *out = s.release();
        return PS_OK;
    } catch (...) {
        return translate_current(path, Doing::open_write, err);
    }
}

namespace
{
/* fsync path (a file or a directory); false with errno set on failure. */
bool sync_path(const std::string &path)
{
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    int e = errno;
    close(fd);
    errno = e;
    return ok;
}

/* Compact the single database from into to, then sync every file of it and the directory
 * (the one sync of a build that ran without). Throws Xapian's errors. */
ps_status compact_one(const std::string &from, const std::string &to, ps_error *err)
{
    {
        Xapian::Database db(from);
        db.compact(to, Xapian::DBCOMPACT_NO_RENUMBER);
    }
    std::unique_ptr<DIR, int (*)(DIR *)> dir(opendir(to.c_str()), closedir);
    if (!dir)
        return ps_error_set(err, PS_ERR_IO, "cannot list the compacted database %s: %s",
                            to.c_str(), strerror(errno));
    std::string file;
    for (struct dirent *e; (e = readdir(dir.get())) != nullptr;) {
        struct stat st;
        file = to + "/" + e->d_name;
        if (lstat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && !sync_path(file))
            return ps_error_set(err, PS_ERR_IO, "cannot sync %s: %s", file.c_str(),
                                strerror(errno));
    }
    if (!sync_path(to))
        return ps_error_set(err, PS_ERR_IO, "cannot sync %s: %s", to.c_str(), strerror(errno));
    return PS_OK;
}
} // namespace

extern "C" ps_status ps_store_compact(const char *from, const char *to, ps_error *err)
{
    if (!from || !to || !*from || !*to)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_compact: missing path");
    try {
        ps_error_clear(err);
        std::string stub = stub_of(from);
        if (stub.empty())
            return compact_one(from, to, err);
        /* A sharded index: each database compacted on its own (the stub names them relative
         * to it), the stub copied last. */
        if (mkdir(to, 0777) != 0)
            return ps_error_set(err, PS_ERR_IO, "cannot create %s: %s", to, strerror(errno));
        for (const Shard &sh : parse_stub(stub)) {
            if (sh.kind != Shard::Kind::local || sh.name.find('/') != std::string::npos)
                return ps_error_set(err, PS_ERR_INVALID,
                                    "%s: only a stub of shards inside its directory can be "
                                    "compacted (line \"%s\")",
                                    stub.c_str(), sh.name.c_str());
            if (ps_status st = compact_one(sh.path, std::string(to) + "/" + sh.name, err))
                return st;
        }
        std::ifstream in(stub, std::ios::binary);
        std::string copy = std::string(to) + "/XAPIANDB";
        {
            std::ofstream outf(copy, std::ios::binary);
            outf << in.rdbuf();
            if (!outf.flush())
                return ps_error_set(err, PS_ERR_IO, "cannot write %s", copy.c_str());
        }
        if (!sync_path(copy) || !sync_path(to))
            return ps_error_set(err, PS_ERR_IO, "cannot sync %s: %s", to, strerror(errno));
        return PS_OK;
    } catch (...) {
        return translate_current(from, Doing::other, err);
    }
}

extern "C" ps_status ps_store_open_write_sharded(const char *path, unsigned nshards,
                                                 unsigned route_slot, unsigned flags,
                                                 ps_store **out, ps_error *err)
{
    if (ps_status st = check_open_args(path, out, __func__, err); st != PS_OK)
        return st;
    if (nshards < 1 || nshards > 256)
        return ps_error_set(err, PS_ERR_INVALID, "%u shards: give 1 to 256", nshards);
    struct stat st;
    if (stat((std::string(path) + "/iamglass").c_str(), &st) == 0)
        return ps_error_set(err, PS_ERR_VERSION,
                            "%s is a single database, not a sharded one: rebuild it with "
                            "`protokollsok index --full --shards %u`",
                            path, nshards);
    try {
        ps_error_clear(err);
        if (stub_of(path).empty())
            create_sharded_whole(path, nshards, route_slot);
        ps_status status = ps_store_open_write_flags(path, flags, out, err);
        if (status != PS_OK)
            return status;
        std::string want = std::to_string(route_slot) + " " + std::to_string(nshards);
        std::string have = (*out)->writers[0].get_metadata(ROUTE_KEY);
        if (have != want) {
            ps_store_close(*out);
            *out = nullptr;
            return ps_error_set(err, PS_ERR_VERSION,
                                "%s is sharded otherwise (slot and shards \"%s\", asked for "
                                "\"%s\"): rebuild it with `protokollsok index --full`",
                                path, have.c_str(), want.c_str());
        }
        return PS_OK;
    } catch (...) {
        return translate_current(path, Doing::open_write, err);
    }
}

extern "C" ps_status ps_store_sharding(const char *path, unsigned *nshards, unsigned *route_slot,
                                       ps_error *err)
{
    if (!path || !nshards || !route_slot)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_sharding: missing argument");
    *nshards = 0;
    *route_slot = 0;
    try {
        ps_error_clear(err);
        std::string stub = stub_of(path);
        if (stub.empty())
            return PS_OK;
        std::vector<Shard> shards = parse_stub(stub);
        if (shards[0].kind != Shard::Kind::local)
            return PS_OK;
        std::string route = Xapian::Database(shards[0].path).get_metadata(ROUTE_KEY);
        unsigned slot = 0, n = 0;
        if (sscanf(route.c_str(), "%u %u", &slot, &n) == 2) {
            *nshards = n;
            *route_slot = slot;
        }
        return PS_OK;
    } catch (...) {
        return translate_current(path, Doing::open_read, err);
    }
}

extern "C" void ps_store_close(ps_store *store)
{
    if (!store)
        return;
    try {
        for (auto &w : store->writers) {
            if (store->in_txn)
                w.cancel_transaction();
            w.close();
        }
        store->db.close();
    } catch (...) {
        /* Nothing to report to: close cannot fail visibly. Xapian cleans up in its destructors. */
    }
    delete store;
}

extern "C" ps_status ps_store_reopen(ps_store *store, bool *changed, ps_error *err)
{
    if (changed)
        *changed = false;
    if (!store)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_reopen: no store");
    return guard(store, err, [&] {
        if (store->writable)
            return PS_OK; /* the writer always sees its own latest state */
        bool moved = refresh(store);
        if (changed)
            *changed = moved;
        return PS_OK;
    });
}

extern "C" ps_status ps_store_doccount(ps_store *store, uint32_t *out, ps_error *err)
{
    if (!store || !out)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_doccount: missing argument");
    return guard(store, err, [&] {
        *out = store->db.get_doccount();
        return PS_OK;
    });
}

extern "C" ps_status ps_store_revision(ps_store *store, uint64_t *out, ps_error *err)
{
    if (!store || !out)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_revision: missing argument");
    return guard(store, err, [&] {
        if (!store->sharded) {
            *out = store->db.get_revision();
        } else if (store->writable) {
            *out = 0;
            for (const auto &w : store->writers)
                *out += w.get_revision();
        } else {
            *out = 0;
            for (const Shard &sh : store->shards)
                if (sh.up && sh.kind == Shard::Kind::local)
                    *out += sh.db.get_revision();
        }
        return PS_OK;
    });
}

/* nterms walks the whole term list (O(number of terms)); fine for `stats`, not for queries. */
namespace
{
/* Call fn(name, bytes) for each regular file in the database directory. */
/* Call fn(name, bytes) for each regular file directly in dir, name prefixed by `label/` when
 * label is not empty. */
template <typename F>
ps_status each_file_in(const std::string &dir, const std::string &label, ps_error *err, F &&fn)
{
    std::unique_ptr<DIR, int (*)(DIR *)> d(opendir(dir.c_str()), closedir);
    if (!d)
        return ps_error_set(err, PS_ERR_IO, "cannot list the database directory %s: %s",
                            dir.c_str(), strerror(errno));
    std::string file, name;
    for (struct dirent *e; (e = readdir(d.get())) != nullptr;) {
        struct stat st;
        file = dir + "/" + e->d_name;
        name = label.empty() ? std::string(e->d_name) : label + "/" + e->d_name;
        if (lstat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode))
            fn(name.c_str(), static_cast<uint64_t>(st.st_size));
    }
    return PS_OK;
}

/* Call fn(name, bytes) for each regular file in the database directory; of a sharded index
 * also those of each local shard ("shard-00/postlist.glass"). A stub file counts itself. */
template <typename F> ps_status each_file(const ps_store *store, ps_error *err, F &&fn)
{
    struct stat st;
    ps_status status = PS_OK;
    if (stat(store->path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        fn(store->path.c_str(), static_cast<uint64_t>(st.st_size));
    else
        status = each_file_in(store->path, "", err, fn);
    for (size_t i = 0; status == PS_OK && i < store->shards.size(); i++)
        if (store->shards[i].kind == Shard::Kind::local)
            status = each_file_in(store->shards[i].path, store->shards[i].name, err, fn);
    return status;
}
} // namespace

extern "C" ps_status ps_store_stats(ps_store *store, uint64_t *nterms, uint64_t *disk_bytes,
                                    ps_error *err)
{
    if (!store)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_stats: no store");
    return guard(store, err, [&] {
        if (nterms) {
            uint64_t n = 0;
            for (auto it = store->db.allterms_begin(); it != store->db.allterms_end(); ++it)
                n++;
            *nterms = n;
        }
        if (!disk_bytes)
            return PS_OK;
        uint64_t total = 0;
        ps_status st = each_file(store, err, [&](const char *, uint64_t bytes) { total += bytes; });
        *disk_bytes = total;
        return st;
    });
}

extern "C" ps_status ps_store_each_file(ps_store *store, ps_store_file_fn fn, void *ctx,
                                        ps_error *err)
{
    if (!store || !fn)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_each_file: missing argument");
    return guard(store, err, [&] {
        return each_file(store, err, [&](const char *name, uint64_t bytes) { fn(ctx, name, bytes); });
    });
}

extern "C" ps_status ps_store_term_kinds(ps_store *store, bool with_positions, ps_store_kind_fn fn,
                                         void *ctx, ps_error *err)
{
    if (!store || !fn)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_term_kinds: missing argument");
    return guard(store, err, [&] {
        std::map<std::string, ps_store_kind_counts> kinds;
        auto kind_of = [&](const std::string &term) -> ps_store_kind_counts & {
            size_t n = 0;
            while (n < term.size() && term[n] >= 'A' && term[n] <= 'Z')
                n++;
            return kinds[term.substr(0, n)];
        };
        for (auto it = store->db.allterms_begin(); it != store->db.allterms_end(); ++it) {
            ps_store_kind_counts &k = kind_of(*it);
            k.terms++;
            k.postings += it.get_termfreq();
            k.wdf += store->db.get_collection_freq(*it);
        }
        /* positions per document (Xapian 1.4's posting iterator cannot count them) */
        const std::string all;
        for (auto d = store->db.postlist_begin(all); with_positions && d != store->db.postlist_end(all);
             ++d)
            for (auto t = store->db.termlist_begin(*d); t != store->db.termlist_end(*d); ++t)
                kind_of(*t).positions += t.positionlist_count();
        for (const auto &k : kinds)
            fn(ctx, k.first.c_str(), &k.second);
        return PS_OK;
    });
}

/* ---- metadata ------------------------------------------------------------------------------ */

extern "C" ps_status ps_store_get_metadata(ps_store *store, const char *key, char **out,
                                           ps_error *err)
{
    if (out)
        *out = nullptr;
    if (!store || !out)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_get_metadata: missing argument");
    if (!key || !*key)
        return ps_error_set(err, PS_ERR_INVALID, "empty metadata key");
    return guard(store, err, [&] {
        *out = dup_bytes(store->db.get_metadata(key));
        return PS_OK;
    });
}

extern "C" ps_status ps_store_set_metadata(ps_store *store, const char *key, const char *value,
                                           ps_error *err)
{
    if (ps_status st = check_writable(store, __func__, err); st != PS_OK)
        return st;
    if (!key || !*key)
        return ps_error_set(err, PS_ERR_INVALID, "empty metadata key");
    return guard(store, err, [&] {
        store->writers[0].set_metadata(key, value ? value : "");
        return PS_OK;
    });
}

/* ---- transactions -------------------------------------------------------------------------- */

extern "C" ps_status ps_store_begin(ps_store *store, ps_error *err)
{
    if (ps_status st = check_writable(store, __func__, err); st != PS_OK)
        return st;
    if (store->in_txn)
        return ps_error_set(err, PS_ERR_INVALID, "a transaction on %s is already open",
                            store->path.c_str());
    return guard(store, err, [&] {
        for (size_t i = 0; i < store->writers.size(); i++) {
            try {
                store->writers[i].begin_transaction(true);
            } catch (...) {
                while (i-- > 0)
                    store->writers[i].cancel_transaction();
                throw;
            }
        }
        store->in_txn = true;
        return PS_OK;
    });
}

extern "C" ps_status ps_store_commit(ps_store *store, ps_error *err)
{
    if (ps_status st = check_writable(store, __func__, err); st != PS_OK)
        return st;
    return guard(store, err, [&] {
        /* The document shards first, the metadata (the file state) last: a kill between the
         * commits leaves documents the file state does not know yet, which the next run
         * writes again (replace by id term) — never a file state without its documents. A
         * shard without changes keeps its revision. Xapian ends a transaction even when
         * committing it fails; the others are then cancelled. */
        bool txn = store->in_txn;
        store->in_txn = false;
        size_t i = store->writers.size();
        try {
            while (i-- > 0) {
                if (txn)
                    store->writers[i].commit_transaction();
                else
                    store->writers[i].commit();
            }
        } catch (...) {
            while (txn && i-- > 0)
                store->writers[i].cancel_transaction();
            throw;
        }
        return PS_OK;
    });
}

extern "C" ps_status ps_store_cancel(ps_store *store, ps_error *err)
{
    if (ps_status st = check_writable(store, __func__, err); st != PS_OK)
        return st;
    if (!store->in_txn)
        return ps_error_set(err, PS_ERR_INVALID, "no transaction open on %s to cancel",
                            store->path.c_str());
    return guard(store, err, [&] {
        store->in_txn = false;
        for (auto &w : store->writers)
            w.cancel_transaction();
        return PS_OK;
    });
}

/* ---- documents ----------------------------------------------------------------------------- */

extern "C" ps_store_doc *ps_store_doc_new(void)
{
    try {
        return new ps_store_doc;
    } catch (...) {
        return nullptr;
    }
}

extern "C" void ps_store_doc_free(ps_store_doc *doc)
{
    delete doc;
}

namespace
{

/* Apply one change to a document under construction, remembering failure instead of throwing. */
template <typename F> void doc_change(ps_store_doc *doc, F &&change) noexcept
{
    if (!doc || doc->failed)
        return;
    try {
        change();
    } catch (...) {
        doc->failed = true;
    }
}

} // namespace

extern "C" void ps_store_doc_add_posting(ps_store_doc *doc, const char *term, uint32_t pos,
                                         uint32_t wdf_inc)
{
    doc_change(doc, [&] {
        if (term_ok(term))
            doc->doc.add_posting(term, pos, wdf_inc);
        else
            doc->skipped++;
    });
}

extern "C" void ps_store_doc_add_term(ps_store_doc *doc, const char *term, uint32_t wdf_inc)
{
    doc_change(doc, [&] {
        if (term_ok(term))
            doc->doc.add_term(term, wdf_inc);
        else
            doc->skipped++;
    });
}

extern "C" void ps_store_doc_add_boolean(ps_store_doc *doc, const char *term)
{
    doc_change(doc, [&] {
        if (term_ok(term))
            doc->doc.add_boolean_term(term);
        else
            doc->skipped++;
    });
}

extern "C" void ps_store_doc_set_value(ps_store_doc *doc, unsigned slot, const char *bytes,
                                       size_t len)
{
    doc_change(doc, [&] {
        if (slot == Xapian::BAD_VALUENO)
            return;
        doc->doc.add_value(slot, bytes ? std::string(bytes, len) : std::string());
    });
}

extern "C" void ps_store_doc_set_data(ps_store_doc *doc, const char *bytes, size_t len)
{
    doc_change(doc, [&] { doc->doc.set_data(bytes ? std::string(bytes, len) : std::string()); });
}

extern "C" uint32_t ps_store_doc_skipped_terms(const ps_store_doc *doc)
{
    return doc ? doc->skipped : 0;
}

namespace
{

/* The database a document goes to; in a sharded index the copies of its id in other shards
 * (its routing value changed) are deleted. */
Xapian::WritableDatabase &route(ps_store *store, const Xapian::Document &doc,
                                const std::string &id)
{
    if (!store->sharded)
        return store->writers[0];
    size_t n = store->writers.size() - 1;
    size_t to = 1 + route_hash(doc.get_value(store->route_slot)) % n;
    for (size_t i = 1; i <= n; i++)
        if (i != to && store->writers[i].term_exists(id))
            store->writers[i].delete_document(id);
    return store->writers[to];
}

} // namespace

extern "C" ps_status ps_store_replace(ps_store *store, const char *id_term, const ps_store_doc *doc,
                                      ps_error *err)
{
    if (ps_status st = check_writable(store, __func__, err); st != PS_OK)
        return st;
    if (!doc)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_replace: no document");
    if (!term_ok(id_term))
        return ps_error_set(err, PS_ERR_INVALID,
                            "bad id term (empty, or longer than %d bytes): \"%.64s\"",
                            PS_STORE_TERM_MAX, id_term ? id_term : "");
    if (doc->failed)
        return ps_error_set(err, PS_ERR_NOMEM, "out of memory while building a document for %s",
                            id_term);
    return guard(store, err, [&] {
        Xapian::Document shared = doc->doc; /* a handle on the caller's document */
        std::string id(id_term);
        Xapian::WritableDatabase &target = route(store, shared, id);
        auto t = shared.termlist_begin();
        t.skip_to(id);
        bool had_id = t != shared.termlist_end() && *t == id;
        if (had_id) {
            target.replace_document(id, shared);
            return PS_OK;
        }
        shared.add_boolean_term(id);
        try {
            target.replace_document(id, shared);
        } catch (...) {
            shared.remove_term(id);
            throw;
        }
        shared.remove_term(id);
        return PS_OK;
    });
}

extern "C" ps_status ps_store_delete(ps_store *store, const char *term, ps_error *err)
{
    if (ps_status st = check_writable(store, __func__, err); st != PS_OK)
        return st;
    if (!term || !*term)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_delete: empty term");
    return guard(store, err, [&] {
        std::string t(term);
        if (!store->sharded)
            store->writers[0].delete_document(t);
        /* Only where the term is: a shard without it keeps its revision. */
        for (size_t i = 1; store->sharded && i < store->writers.size(); i++)
            if (store->writers[i].term_exists(t))
                store->writers[i].delete_document(t);
        return PS_OK;
    });
}

extern "C" ps_status ps_store_each_term(ps_store *store, const char *prefix, ps_store_term_fn fn,
                                        void *ctx, ps_error *err)
{
    if (!store || !fn)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_each_term: missing argument");
    return guard(store, err, [&] {
        std::string pre = prefix ? prefix : "";
        for (auto it = store->db.allterms_begin(pre); it != store->db.allterms_end(pre); ++it) {
            const std::string &term = *it;
            if (!fn(ctx, term.c_str(), term.size(), it.get_termfreq()))
                break;
        }
        return PS_OK;
    });
}

namespace
{
/* A C predicate as Xapian's ExpandDecider. */
class AcceptTerm : public Xapian::ExpandDecider
{
  public:
    AcceptTerm(const Xapian::Database &db, ps_store_accept_fn fn, void *ctx, uint32_t rset_docs)
        : db_(db), fn_(fn), ctx_(ctx), docs_(db.get_doccount()), rset_docs_(rset_docs)
    {
    }
    bool operator()(const std::string &term) const override
    {
        return !fn_ ||
               fn_(ctx_, term.data(), term.size(), db_.get_termfreq(term), docs_, rset_docs_);
    }

  private:
    const Xapian::Database &db_;
    ps_store_accept_fn fn_;
    void *ctx_;
    uint32_t docs_, rset_docs_;
};
} // namespace

extern "C" ps_status ps_store_expand(ps_store *store, const char *rset_term, unsigned max,
                                     ps_store_accept_fn accept, void *accept_ctx,
                                     ps_store_weighted_term_fn fn, void *ctx, ps_error *err)
{
    if (!store || !rset_term || !*rset_term || !fn)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_expand: missing argument");
    return guard(store, err, [&] {
        Xapian::RSet rset;
        for (auto p = store->db.postlist_begin(rset_term); p != store->db.postlist_end(rset_term);
             ++p)
            rset.add_document(*p);
        if (rset.empty())
            return PS_OK;
        Xapian::Enquire enquire(store->db);
        AcceptTerm decider(store->db, accept, accept_ctx, static_cast<uint32_t>(rset.size()));
        Xapian::ESet eset = enquire.get_eset(max, rset, &decider);
        for (auto it = eset.begin(); it != eset.end(); ++it) {
            const std::string &term = *it;
            if (!fn(ctx, term.c_str(), term.size(), it.get_weight()))
                break;
        }
        return PS_OK;
    });
}

extern "C" ps_status ps_store_termfreq(ps_store *store, const char *term, uint32_t *out,
                                       ps_error *err)
{
    if (out)
        *out = 0;
    if (!store || !term || !out)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_termfreq: missing argument");
    if (!*term)
        return PS_OK;
    return guard(store, err, [&] {
        *out = store->db.get_termfreq(term);
        return PS_OK;
    });
}

extern "C" ps_status ps_store_each_doc_term(ps_store *store, const char *term, const char *prefix,
                                            ps_store_term_fn fn, void *ctx, ps_error *err)
{
    if (!store || !fn || !term || !*term)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_each_doc_term: missing argument");
    return guard(store, err, [&] {
        std::string pre = prefix ? prefix : "";
        for (auto p = store->db.postlist_begin(term); p != store->db.postlist_end(term); ++p) {
            auto end = store->db.termlist_end(*p);
            auto t = store->db.termlist_begin(*p);
            for (t.skip_to(pre); t != end; ++t) {
                const std::string &name = *t;
                if (name.compare(0, pre.size(), pre) != 0)
                    break;
                if (!fn(ctx, name.c_str(), name.size(), t.get_termfreq()))
                    return PS_OK;
            }
        }
        return PS_OK;
    });
}

extern "C" ps_status ps_store_get_data_by_term(ps_store *store, const char *term, char **data,
                                               size_t *len, ps_error *err)
{
    if (data)
        *data = nullptr;
    if (len)
        *len = 0;
    if (!store || !data)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_get_data_by_term: missing argument");
    /* The empty term would iterate over every document. */
    if (!term || !*term)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_get_data_by_term: empty term");
    return guard(store, err, [&] {
        auto it = store->db.postlist_begin(term);
        if (it == store->db.postlist_end(term))
            return ps_error_set(err, PS_ERR_NOT_FOUND, "no document with the term \"%.200s\"",
                                term);
        std::string d = store->db.get_document(*it).get_data();
        *data = dup_bytes(d);
        if (len)
            *len = d.size();
        return PS_OK;
    });
}

/* ---- queries ------------------------------------------------------------------------------- */

extern "C" ps_store_query *ps_store_query_term(const char *term, double weight_factor)
{
    return make_query([&] {
        Xapian::Query q = term_query(term);
        if (weight_factor == 1.0)
            return q;
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, clamp_factor(weight_factor));
    });
}

extern "C" ps_store_query *ps_store_query_phrase(const char *const *terms, size_t n,
                                                 unsigned window)
{
    return positional(Xapian::Query::OP_PHRASE, terms, n, window);
}

extern "C" ps_store_query *ps_store_query_near(const char *const *terms, size_t n, unsigned window)
{
    return positional(Xapian::Query::OP_NEAR, terms, n, window);
}

extern "C" ps_store_query *ps_store_query_and(ps_store_query **subs, size_t n)
{
    return combine(Xapian::Query::OP_AND, subs, n);
}

extern "C" ps_store_query *ps_store_query_or(ps_store_query **subs, size_t n)
{
    return combine(Xapian::Query::OP_OR, subs, n);
}

extern "C" ps_store_query *ps_store_query_synonym(ps_store_query **subs, size_t n)
{
    return combine(Xapian::Query::OP_SYNONYM, subs, n);
}

extern "C" ps_store_query *ps_store_query_and_not(ps_store_query *left, ps_store_query *right)
{
    ps_store_query *pair[2] = {left, right};
    return combine(Xapian::Query::OP_AND_NOT, pair, 2);
}

extern "C" ps_store_query *ps_store_query_filter(ps_store_query *left, ps_store_query *filter)
{
    ps_store_query *pair[2] = {left, filter};
    return combine(Xapian::Query::OP_FILTER, pair, 2);
}

extern "C" ps_store_query *ps_store_query_boolean(const char *term)
{
    return make_query(
        [&] { return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, term_query(term), 0.0); });
}

extern "C" ps_store_query *ps_store_query_value_range(unsigned slot, const char *lo, const char *hi)
{
    return make_query([&] {
        if (lo && hi)
            return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
        if (hi)
            return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi);
        /* Xapian turns ">= empty" into match-all; every set value is >= "\0", so this keeps
         * documents without a value in the slot out. */
        if (!lo || !*lo)
            return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, std::string(1, '\0'));
        return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo);
    });
}

extern "C" ps_store_query *ps_store_query_match_all(void)
{
    return make_query([] { return Xapian::Query(std::string()); });
}

extern "C" ps_store_query *ps_store_query_scale(ps_store_query *sub, double factor)
{
    if (!sub)
        return nullptr;
    ps_store_query *q = make_query([&] {
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, sub->q, clamp_factor(factor));
    });
    delete sub;
    return q;
}

extern "C" void ps_store_query_free(ps_store_query *q)
{
    delete q;
}

extern "C" char *ps_store_query_describe(const ps_store_query *q)
{
    try {
        return dup_bytes(q ? q->q.get_description() : std::string("(null query)"));
    } catch (...) {
        return nullptr;
    }
}

/* ---- search -------------------------------------------------------------------------------- */

extern "C" void ps_store_search_opts_init(ps_store_search_opts *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->limit = 10;
    opts->collapse_slot = -1;
    opts->tiebreak_slot = -1;
    opts->sort = PS_SORT_RELEVANCE;
}

namespace
{

/* BM25 with each non-zero parameter from opts, Xapian's default for the zero ones. */
Xapian::BM25Weight bm25_from(const ps_store_search_opts *o)
{
    auto pick = [](double v, double dflt) { return v != 0 ? v : dflt; };
    return Xapian::BM25Weight(pick(o->bm25_k1, 1.0), pick(o->bm25_k2, 0.0), pick(o->bm25_k3, 1.0),
                              pick(o->bm25_b, 0.5), pick(o->bm25_min_normlen, 0.5));
}

void sort_facet(std::vector<ps_store_facet_value> &values);

/* A facet from Xapian's value counts. With pairs, a value "V\0K" counts once for V per
 * distinct K: the spy has one entry per distinct pair (merged over every shard, remote ones
 * too), so counting entries by V counts the distinct K exactly. */
void collect_facet(ps_store_results *res, const Xapian::ValueCountMatchSpy &spy, bool pairs,
                   size_t bytes)
{
    /* The spy lists its values in byte order, so the pairs of one V (uncut) come together: a
     * run is counted without copying each pair. Cut to a prefix, pairs of one (V cut, K) may
     * lie apart and are remembered. */
    std::map<std::string, uint32_t> counts;
    std::set<std::string> cut_pairs;
    std::string run;
    uint32_t run_count = 0;
    bool in_run = false;
    for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
        const std::string &v = *it;
        size_t nul = pairs ? v.find('\0') : std::string::npos;
        size_t len = nul == std::string::npos ? v.size() : nul;
        bool cut = bytes && bytes < len;
        size_t head = cut ? bytes : len;
        uint32_t add = nul == std::string::npos ? it.get_termfreq() : 1;
        if (cut && nul != std::string::npos &&
            !cut_pairs.insert(v.substr(0, head) + v.substr(nul)).second)
            continue;
        if (in_run && run.size() == head && v.compare(0, head, run) == 0) {
            run_count += add;
            continue;
        }
        if (in_run)
            counts[run] += run_count;
        run.assign(v, 0, head);
        run_count = add;
        in_run = true;
    }
    if (in_run)
        counts[run] += run_count;
    std::vector<ps_store_facet_value> values;
    values.reserve(counts.size());
    for (const auto &kv : counts) {
        res->strings.emplace_back(kv.first);
        values.push_back({res->strings.back().c_str(), kv.second});
    }
    sort_facet(values);
    res->facets.push_back(std::move(values));
}

void sort_facet(std::vector<ps_store_facet_value> &values)
{
    std::stable_sort(values.begin(), values.end(),
                     [](const ps_store_facet_value &a, const ps_store_facet_value &b) {
                         if (a.count != b.count)
                             return a.count > b.count;
                         return strcmp(a.value, b.value) < 0;
                     });
}

} // namespace

extern "C" ps_status ps_store_search(ps_store *store, const ps_store_query *query,
                                     const ps_store_search_opts *opts, ps_store_results **out,
                                     ps_error *err)
{
    if (out)
        *out = nullptr;
    if (!store || !query || !out)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_search: missing argument");
    ps_store_search_opts defaults;
    if (!opts) {
        ps_store_search_opts_init(&defaults);
        opts = &defaults;
    }
    if (opts->nfacets && !opts->facet_slots)
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_search: facet slots missing");
    return guard(store, err, [&] {
        /* The spies must outlive the Enquire that points at them. */
        std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
        Xapian::Enquire enquire(store->db);
        enquire.set_query(query->q);
        enquire.set_weighting_scheme(bm25_from(opts));
        if (opts->collapse_slot >= 0)
            enquire.set_collapse_key(static_cast<Xapian::valueno>(opts->collapse_slot));
        /* Only value sorts and ValueCountMatchSpy: the remote protocol of Xapian 1.4 carries
         * no KeyMaker and no spy of ours, so remote shards sort and count the same way. */
        if (opts->sort == PS_SORT_RELEVANCE && opts->tiebreak_slot >= 0)
            enquire.set_sort_by_relevance_then_value(
                static_cast<Xapian::valueno>(opts->tiebreak_slot), false);
        else if (opts->sort == PS_SORT_RELEVANCE)
            enquire.set_sort_by_relevance();
        else
            enquire.set_sort_by_value_then_relevance(opts->sort_slot,
                                                     opts->sort == PS_SORT_VALUE_DESC);
        if (opts->time_limit > 0)
            enquire.set_time_limit(opts->time_limit);
        for (size_t i = 0; i < opts->nfacets; i++) {
            spies.emplace_back(new Xapian::ValueCountMatchSpy(opts->facet_slots[i]));
            enquire.add_matchspy(spies.back().get());
        }
        /* Facets count over the whole match set only if Xapian looks at every match. */
        Xapian::doccount check = opts->check_at_least;
        if (opts->nfacets)
            check = std::max(check, store->db.get_doccount());
        Xapian::MSet mset = enquire.get_mset(opts->offset, opts->limit, check);

        std::unique_ptr<ps_store_results> res(new ps_store_results);
        res->estimate = mset.get_matches_estimated();
        res->lower = mset.get_matches_lower_bound();
        res->upper = mset.get_matches_upper_bound();
        /* no more matches than check_at_least: Xapian looked at each (unless a time limit
         * cut it short), and the lower bound counts what survived collapsing */
        res->exact = res->lower == res->upper ||
                     (opts->time_limit <= 0 && mset.get_uncollapsed_matches_upper_bound() <= check);
        res->hits.reserve(mset.size());
        for (auto it = mset.begin(); it != mset.end(); ++it) {
            res->strings.emplace_back(it.get_document().get_data());
            const std::string &data = res->strings.back();
            res->strings.emplace_back(opts->collapse_slot >= 0 ? it.get_collapse_key()
                                                               : std::string());
            const std::string &key = res->strings.back();
            ps_store_hit hit;
            hit.docid = *it;
            hit.rank = it.get_rank();
            hit.weight = it.get_weight();
            hit.percent = it.get_percent();
            hit.collapse_count = it.get_collapse_count();
            hit.data = data.c_str();
            hit.data_len = data.size();
            hit.collapse_key = key.c_str();
            res->hits.push_back(hit);
        }
        for (size_t i = 0; i < spies.size(); i++)
            collect_facet(res.get(), *spies[i], opts->facet_pairs,
                          opts->facet_value_bytes ? opts->facet_value_bytes[i] : 0);
        for (const Shard &sh : store->shards)
            if (!sh.up) {
                res->strings.emplace_back(sh.name);
                res->missing.push_back(res->strings.back().c_str());
            }
        *out = res.release();
        return PS_OK;
    });
}

extern "C" void ps_store_results_free(ps_store_results *res)
{
    delete res;
}

extern "C" size_t ps_store_results_count(const ps_store_results *res)
{
    return res ? res->hits.size() : 0;
}

extern "C" const ps_store_hit *ps_store_results_hit(const ps_store_results *res, size_t i)
{
    if (!res || i >= res->hits.size())
        return nullptr;
    return &res->hits[i];
}

extern "C" uint32_t ps_store_results_estimate(const ps_store_results *res)
{
    return res ? res->estimate : 0;
}

extern "C" uint32_t ps_store_results_lower_bound(const ps_store_results *res)
{
    return res ? res->lower : 0;
}

extern "C" uint32_t ps_store_results_upper_bound(const ps_store_results *res)
{
    return res ? res->upper : 0;
}

extern "C" bool ps_store_results_exact(const ps_store_results *res)
{
    return res && res->exact;
}

extern "C" size_t ps_store_results_facet_count(const ps_store_results *res, size_t i)
{
    if (!res || i >= res->facets.size())
        return 0;
    return res->facets[i].size();
}

extern "C" const ps_store_facet_value *ps_store_results_facet(const ps_store_results *res, size_t i,
                                                              size_t j)
{
    if (!res || i >= res->facets.size() || j >= res->facets[i].size())
        return nullptr;
    return &res->facets[i][j];
}

extern "C" size_t ps_store_results_missing_count(const ps_store_results *res)
{
    return res ? res->missing.size() : 0;
}

extern "C" const char *ps_store_results_missing(const ps_store_results *res, size_t i)
{
    if (!res || i >= res->missing.size())
        return nullptr;
    return res->missing[i];
}

/* ---- shards -------------------------------------------------------------------------------- */

extern "C" size_t ps_store_shard_count(const ps_store *store)
{
    if (!store)
        return 0;
    return store->sharded ? store->shards.size() : 1;
}

extern "C" ps_status ps_store_shard(ps_store *store, size_t i, ps_store_shard_info *out,
                                    ps_error *err)
{
    if (!store || !out || i >= ps_store_shard_count(store))
        return ps_error_set(err, PS_ERR_INVALID, "ps_store_shard: no shard %zu", i);
    memset(out, 0, sizeof *out);
    return guard(store, err, [&] {
        if (!store->sharded) {
            out->name = store->path.c_str();
            out->up = true;
            out->error = "";
            out->revision = store->db.get_revision();
            out->documents = store->db.get_doccount();
            return PS_OK;
        }
        Shard &sh = store->shards[i];
        out->name = sh.name.c_str();
        out->remote = sh.kind != Shard::Kind::local;
        out->error = sh.error.c_str();
        if (store->writable) {
            out->up = true;
            out->revision = store->writers[i].get_revision();
            out->documents = store->writers[i].get_doccount();
            return PS_OK;
        }
        out->up = sh.up;
        if (sh.up) {
            /* Xapian 1.4's remote protocol does not tell the revision: 0 there. */
            out->revision = out->remote ? 0 : sh.db.get_revision();
            out->documents = sh.db.get_doccount();
        }
        return PS_OK;
    });
}
