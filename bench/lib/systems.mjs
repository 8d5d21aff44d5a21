// The systems under test: protokollsok and its anchors (Omega/Xapian, PostgreSQL, SQLite FTS5).
// Each knows how to index a corpus into a work directory and run the query mix warm.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchError, duBytes, latencyStats, log, run, timed } from './util.mjs';
import { slug } from './protokoll.mjs';

const MIB = 1024 * 1024;

function indexResult(corpus, t, sizeBytes, extra = {}) {
  return { documents: corpus.files, bytes: corpus.bytes, wall_s: t.wall, docs_per_s: corpus.files / t.wall,
    mb_per_s: corpus.bytes / 1e6 / t.wall, peak_rss_mb: t.rssMb, index_mb: sizeBytes / MIB, ...extra };
}

// One CSV (path, kommun, body) for the SQL anchors, written once per corpus and not timed: they
// get the text ready-made, while protokollsok and omindex read and parse the files themselves.
export function loadCsv(corpus, work) {
  const file = path.join(work, 'load.csv');
  if (fs.existsSync(file)) return file;
  const q = (s) => '"' + s.replace(/"/g, '""') + '"';
  const fd = fs.openSync(file + '.tmp', 'w');
  for (const row of corpus.rows) {
    const body = fs.readFileSync(path.join(corpus.dir, row.path), 'utf8');
    fs.writeSync(fd, `${q(row.path)},${q(row.kommun || '')},${q(body)}\n`);
  }
  fs.closeSync(fd);
  fs.renameSync(file + '.tmp', file);
  return file;
}

// ---- protokollsok -----------------------------------------------------------------------------
export class Protokollsok {
  constructor(bins) { this.bins = bins; this.name = 'protokollsok'; }
  label() { return 'protokollsok'; }
  index(corpus, work, docsDir = corpus.docsDir, manifest = corpus.manifest, dbName = 'ps') {
    const db = path.join(work, dbName);
    fs.rmSync(db, { recursive: true, force: true });
    const args = ['index', '--db', db, '--quiet', '--json'];
    if (manifest) args.push('--manifest', manifest);
    const t = timed(this.bins.protokollsok, [...args, docsDir], { ok: [0, 1] });
    let summary = null;
    try { summary = JSON.parse(t.stdout.trim().split('\n').pop()); } catch { /* plain output */ }
    const arenden = summary && (summary.arenden_total ?? summary.arenden);
    // a database built with --lexicon-copy carries a copy of the lexicon (a constant); by default none
    const lexiconMb = duBytes(path.join(db, 'lexicon.bin')) / MIB;
    return indexResult(corpus, t, duBytes(db), { arenden: arenden ?? null, exit: t.status, lexicon_mb: lexiconMb });
  }
  query(mix, work, mode = 'search') {
    if (!this.bins.psquery) throw new BenchError('psquery was not built (search not implemented yet?)');
    const input = mix.map((m) => m.q).join('\n') + '\n';
    const r = run(this.bins.psquery, ['--db', path.join(work, 'ps'), '--mode', mode], { input });
    return latencyStats(r.stdout);
  }
  httpPath(m) { return '/api/search?q=' + encodeURIComponent(m.q); }
}

// ---- Omega / Xapian ---------------------------------------------------------------------------
export class Omega {
  constructor(bins) { this.bins = bins; this.name = 'omega'; }
  label() { return 'Omega omindex/quest (Xapian, --stemmer=swedish)'; }
  index(corpus, work, docsDir = corpus.docsDir, dbName = 'omega') {
    const db = path.join(work, dbName);
    fs.rmSync(db, { recursive: true, force: true });
    const t = timed('omindex', ['--db', db, '--url', '/', '--stemmer=swedish', '--overwrite', '-Mmd:text/plain', '-Mtsv:skip', '-Mcsv:skip', docsDir]);
    return indexResult(corpus, t, duBytes(db));
  }
  filterTerm(m) { return m.kommun ? 'P/' + slug(m.kommun) : ''; }
  query(mix, work) {
    const input = mix.map((m) => `${m.text}\t${this.filterTerm(m)}`).join('\n') + '\n';
    const r = run(this.bins.xapquery, ['--db', path.join(work, 'omega'), '--stemmer', 'swedish'], { input });
    return latencyStats(r.stdout);
  }
  // The real `quest`, one process per query, on a sample of the mix: what each call costs, the
  // no-op baseline (start-up + opening the database, empty query) and the difference.
  questCli(mix, work, sample = 60) {
    const db = path.join(work, 'omega');
    const wall = (q, f) => {
      const args = ['--db', db, '--stemmer=swedish', '--default-op=and', '--msize=10'];
      if (f) args.push('--boolean-prefix=kommun:P');
      const t0 = process.hrtime.bigint();
      run('quest', [...args, f ? `${q} kommun:${f.slice(1)}` : q]);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const step = Math.max(1, Math.floor(mix.length / sample));
    const picked = mix.filter((_, i) => i % step === 0).slice(0, sample);
    const noop = [], per = [];
    for (const m of picked) { noop.push(wall('', '')); per.push(wall(m.text, this.filterTerm(m))); }
    const med = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
    return { queries: picked.length, per_process_ms: med(per), noop_ms: med(noop), net_p50_ms: med(per.map((x, i) => x - noop[i])) };
  }
  httpPath(m) {
    const f = this.filterTerm(m);
    return '/cgi-bin/omega?DB=omega&DEFAULTOP=and&P=' + encodeURIComponent(m.text) + (f ? '&B=' + encodeURIComponent(f) : '');
  }
}

// ---- SQLite FTS5 ------------------------------------------------------------------------------
export class Sqlite {
  constructor(bins) { this.bins = bins; this.name = 'sqlite'; }
  label() { return 'SQLite FTS5 (unicode61: no Swedish stemmer exists for FTS5)'; }
  index(corpus, work) {
    const db = path.join(work, 'fts5.db');
    fs.rmSync(db, { force: true });
    const csv = loadCsv(corpus, work);
    const script = ["CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, kommun UNINDEXED, body, tokenize = 'unicode61');",
      `.import --csv '${csv}' docs`, "INSERT INTO docs(docs) VALUES('optimize');", ''].join('\n');
    const t = timed('sqlite3', ['-bail', db], { input: script });
    return indexResult(corpus, t, duBytes(db));
  }
  query(mix, work) {
    const input = mix.map((m) => `${m.fts}\t${m.kommun}`).join('\n') + '\n';
    const r = run(this.bins.sqlquery, ['--db', path.join(work, 'fts5.db')], { input });
    return latencyStats(r.stdout);
  }
}

// ---- PostgreSQL -------------------------------------------------------------------------------
// A throwaway cluster in a temporary directory on a unix socket only, run as the `postgres`
// user (or `nobody`) when we are root, since PostgreSQL refuses to run as root.
export class Postgres {
  constructor() {
    this.name = 'postgresql';
    const base = '/usr/lib/postgresql';
    const ver = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => b - a)[0] : null;
    if (!ver) throw new BenchError('PostgreSQL not found under /usr/lib/postgresql (scripts/install-deps --bench)');
    this.version = ver;
    this.bin = path.join(base, ver, 'bin');
    this.user = process.getuid() === 0 ? (userExists('postgres') ? 'postgres' : 'nobody') : null;
  }
  label() { return `PostgreSQL ${this.version} (to_tsvector('swedish') + GIN)`; }
  start() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-bench-pg-'));
    if (this.user) {
      const uid = Number(run('id', ['-u', this.user]).stdout), gid = Number(run('id', ['-g', this.user]).stdout);
      fs.chownSync(this.dir, uid, gid);
      this.chown = (p) => fs.chownSync(p, uid, gid);
    } else this.chown = () => {};
    this.data = path.join(this.dir, 'data');
    run(path.join(this.bin, 'initdb'), ['-D', this.data, '-U', 'bench', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], { user: this.user });
    run(path.join(this.bin, 'pg_ctl'), ['-D', this.data, '-w', '-l', path.join(this.dir, 'log'), '-o',
      `-c listen_addresses='' -c unix_socket_directories='${this.dir}' -c shared_buffers=256MB -c max_wal_size=4GB -c maintenance_work_mem=256MB`, 'start'], { user: this.user });
    this.running = true;
  }
  stop() {
    if (!this.running) return;
    this.running = false;
    try { run(path.join(this.bin, 'pg_ctl'), ['-D', this.data, '-m', 'fast', '-w', 'stop'], { user: this.user }); } catch (e) { log(e.message); }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
  psql(script, opts = {}) {
    const f = path.join(this.dir, `script-${Date.now()}.sql`);
    fs.writeFileSync(f, script);
    this.chown(f);
    try {
      return run(path.join(this.bin, 'psql'), ['-X', '-q', '-h', this.dir, '-U', 'bench', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-f', f], { user: this.user, ...opts });
    } finally { fs.rmSync(f, { force: true }); }
  }
  index(corpus, work) {
    const csv = loadCsv(corpus, work);
    const script = ['DROP TABLE IF EXISTS docs;',
      "CREATE TABLE docs (path text, kommun text, body text, tsv tsvector GENERATED ALWAYS AS (to_tsvector('swedish', body)) STORED);",
      '\\copy docs (path, kommun, body) FROM pstdin WITH (FORMAT csv)',
      'CREATE INDEX docs_tsv ON docs USING gin (tsv);', 'VACUUM ANALYZE docs;',
      'SELECT pg_backend_pid() AS pid \\gset', '\\setenv BACKEND_PID :pid', '\\! grep VmHWM /proc/$BACKEND_PID/status', '\\pset tuples_only on',
      "SELECT 'size', pg_total_relation_size('docs');", ''].join('\n');
    const fd = fs.openSync(csv, 'r');
    const t0 = process.hrtime.bigint();
    let r;
    try { r = this.psql(script, { stdin: fd }); } finally { fs.closeSync(fd); }
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const hwm = /VmHWM:\s+(\d+)/.exec(r.stdout);
    const size = /size\s*\|\s*(\d+)/.exec(r.stdout);
    return indexResult(corpus, { wall, rssMb: hwm ? Number(hwm[1]) / 1024 : NaN }, size ? Number(size[1]) : 0,
      { note: 'text preloaded from one CSV (file reading not timed); RSS of the server backend' });
  }
  query(mix) {
    const lit = (s) => "'" + s.replace(/'/g, "''") + "'";
    const sel = (m) => `SELECT path, ts_rank_cd(tsv, q) AS r FROM docs, websearch_to_tsquery('swedish', ${lit(m.text)}) q WHERE tsv @@ q${m.kommun ? ` AND kommun = ${lit(m.kommun)}` : ''} ORDER BY r DESC LIMIT 10`;
    const body = mix.map((m) => sel(m) + ';').join('\n');
    // a warm pass, the timed pass, then (untimed) how many rows each query returned
    const count = mix.map((m) => `SELECT 'hits', count(*) FROM (${sel(m)}) s;`).join('\n');
    const r = this.psql(['\\o /dev/null', '\\timing on', body, body, '\\timing off', '\\o', '\\pset tuples_only on', '\\pset format unaligned', count, ''].join('\n'));
    const times = [...r.stdout.matchAll(/^Time: ([\d.]+) ms/gm)].map((x) => Number(x[1]));
    const hits = [...r.stdout.matchAll(/^hits\|(\d+)$/gm)].map((x) => Number(x[1]));
    if (times.length < 2 * mix.length || hits.length !== mix.length) throw new BenchError(`psql printed ${times.length} timings and ${hits.length} counts for ${mix.length} queries`);
    return latencyStats(times.slice(mix.length).map((ms, i) => `${ms * 1000}\t${hits[i]}`).join('\n'));
  }
}

function userExists(u) {
  try { run('id', ['-u', u]); return true; } catch { return false; }
}
