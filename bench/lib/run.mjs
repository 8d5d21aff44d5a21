// bench/run — protokollsok against Omega, PostgreSQL, SQLite FTS5 and Sphinx on one corpus, in one run.
// See bench/README.md; `bench/run --help` for the options.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BenchError, log, run, newer, duBytes, stopBackground } from './util.mjs';
import { Protokollsok, Omega, Sqlite, Postgres } from './systems.mjs';
import { Sphinx } from './sphinx.mjs';
import { httpProtokollsok, httpOmega } from './http.mjs';
import { writeReport, plotScaling } from './report.mjs';
import { readQueryMix } from './querymix.mjs';
import { regeringenCorpus, relevanceRegeringen, relevanceSeeds, relevanceReport } from './relevance.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PARTS = ['index', 'query', 'http', 'analyzer', 'pdf', 'scaling'];
const EXTRA_PARTS = ['relevance', 'journalist']; // only when asked for with --only
const USAGE = `usage: bench/run [--corpus sv-prose|regeringen|protokoll-N] [--size N] [--only PART[,PART...]] [--smoke]
  --corpus C       corpus to run on (default protokoll-10000; regeringen: the real documents
                   unpacked from ../shared/corpus/regeringen-sv.tar.gz)
  --size N         protokoll corpus size; also adds N to the scaling sizes (e.g. 1000000)
  --only PARTS     ${PARTS.join(', ')} (default: all); or relevance: the five systems on the
                   judged sets (regeringen corpus and seeds), nDCG@10, P@10, duplicates;
                   or journalist: protokollsok's ärende page (Ärendets gång, Liknande ärenden)
                   of each query's top hit and the autocomplete of its first four letters
  --smoke          the seeds as corpus, a tiny query mix, short runs, no install; fails when
                   any system could not be measured (the ctest smoke test)
  --build-dir DIR  use this build instead of building Release into build/bench
  --out DIR        where the results go (default bench/results)
  --data DIR       corpora and work files (default bench/data)
  --queries N      size of the query mix (default 500)
  --http-seconds S wrk duration per connection level (default 10)
  --no-install     do not run scripts/install-deps --bench
  --profile        also record where protokollsok spends its time (perf) in index and query
`;

function parse() {
  let a;
  try {
    a = parseArgs({ options: {
      corpus: { type: 'string' }, size: { type: 'string' }, only: { type: 'string' }, smoke: { type: 'boolean' },
      'build-dir': { type: 'string' }, out: { type: 'string' }, data: { type: 'string' }, queries: { type: 'string' },
      'http-seconds': { type: 'string' }, 'no-install': { type: 'boolean' }, profile: { type: 'boolean' }, help: { type: 'boolean' } } }).values;
  } catch (e) { process.stderr.write(`bench/run: ${e.message}\n${USAGE}`); process.exit(2); }
  if (a.help) { process.stdout.write(USAGE); process.exit(0); }
  const only = a.only ? a.only.split(',') : PARTS;
  const bad = only.filter((p) => !PARTS.includes(p) && !EXTRA_PARTS.includes(p));
  if (only.includes('relevance') && only.length > 1) bad.push('relevance (alone)');
  const size = a.size ? Number(a.size) : 10000;
  const corpus = a.smoke ? 'seeds' : a.corpus || `protokoll-${size}`;
  if (bad.length || !Number.isInteger(size) || size < 1 || !/^(sv-prose|seeds|regeringen|protokoll-[1-9][0-9]*)$/.test(corpus)) {
    process.stderr.write(`bench/run: bad arguments\n${USAGE}`); process.exit(2);
  }
  const smoke = !!a.smoke;
  return { only: new Set(only), size, corpus, smoke,
    buildDir: a['build-dir'] ? path.resolve(a['build-dir']) : null,
    out: path.resolve(a.out || path.join(ROOT, 'bench', 'results')),
    data: path.resolve(a.data || path.join(ROOT, 'bench', 'data')),
    queries: Number(a.queries || (smoke ? 24 : 500)),
    httpSeconds: Number(a['http-seconds'] || (smoke ? 1 : 10)),
    conns: smoke ? [1, 4] : [1, 16, 256],
    install: !a['no-install'] && !smoke, profile: !!a.profile };
}

function build(opt) {
  if (opt.install) run(path.join(ROOT, 'scripts', 'install-deps'), ['--bench'], { stdin: 'inherit' });
  let dir = opt.buildDir;
  if (!dir) {
    dir = path.join(ROOT, 'build', 'bench');
    log(`building Release in ${dir}`);
    run('cmake', ['-S', ROOT, '-B', dir, '-DCMAKE_BUILD_TYPE=Release']);
    const targets = run('cmake', ['--build', dir, '--target', 'help']).stdout;
    const want = ['protokollsok', 'bench_psquery', 'bench_anbench', 'bench_pdfgen'].filter((t) => targets.includes(`... ${t}`) || t === 'protokollsok');
    run('cmake', ['--build', dir, '-j', String(os.cpus().length), '--target', ...want]);
  }
  const opt2 = (p) => (fs.existsSync(p) ? p : null);
  const tools = path.join(dir, 'bench-tools');
  fs.mkdirSync(tools, { recursive: true });
  const xap = path.join(tools, 'xapquery'), sq = path.join(tools, 'sqlquery');
  const xsrc = path.join(ROOT, 'bench', 'tools', 'xapquery.cc'), ssrc = path.join(ROOT, 'bench', 'tools', 'sqlquery.c');
  if (!newer(xap, xsrc)) {
    const flags = run('pkg-config', ['--cflags', '--libs', 'xapian-core']).stdout.trim().split(/\s+/);
    run('c++', ['-O2', '-std=c++17', '-o', xap, xsrc, ...flags]);
  }
  if (!newer(sq, ssrc)) run('cc', ['-O2', '-std=c11', '-D_POSIX_C_SOURCE=200809L', '-o', sq, ssrc, '-lsqlite3']);
  const sx = path.join(tools, 'sphinxquery'), sxsrc = path.join(ROOT, 'bench', 'tools', 'sphinxquery.c');
  let sphinxquery = sx;
  if (!newer(sx, sxsrc)) {
    try {
      const flags = run('pkg-config', ['--cflags', '--libs', 'libmariadb']).stdout.trim().split(/\s+/);
      run('cc', ['-O2', '-std=c11', '-D_POSIX_C_SOURCE=200809L', '-pthread', '-o', sx, sxsrc, ...flags]);
    } catch (e) { if (!(e instanceof BenchError)) throw e; log(`sphinxquery: ${e.message}`); sphinxquery = null; }
  }
  return { dir, protokollsok: path.join(dir, 'protokollsok'), psquery: opt2(path.join(dir, 'bench', 'psquery')),
    anbench: opt2(path.join(dir, 'bench', 'anbench')), pdfgen: opt2(path.join(dir, 'bench', 'pdfgen')), xapquery: xap, sqlquery: sq, sphinxquery };
}

function corpusArgs(name) {
  if (name === 'seeds' || name === 'sv-prose' || name === 'regeringen') return [name];
  return ['protokoll', '--size', name.slice('protokoll-'.length)];
}

function makeCorpus(opt, name) {
  const dir = run(path.join(ROOT, 'bench', 'corpus'), [...corpusArgs(name), '--data', opt.data], { stdin: 'inherit' }).stdout.trim();
  const [head, ...rows] = fs.readFileSync(path.join(dir, 'manifest.tsv'), 'utf8').split('\n').filter(Boolean);
  const cols = head.split('\t');
  const rs = rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])));
  const truth = path.join(dir, 'arenden.tsv');
  const arenden = name.startsWith('protokoll-') && fs.existsSync(truth) ? fs.readFileSync(truth, 'utf8').split('\n').filter(Boolean).length - 1 : null;
  const bytes = rs.reduce((s, r) => s + fs.statSync(path.join(dir, r.path)).size, 0);
  return { name, dir, docsDir: path.join(dir, 'docs'), manifest: name === 'sv-prose' ? null : path.join(dir, 'manifest.tsv'),
    rows: rs, files: rs.length, bytes, arenden };
}

function queryMix(opt, corpus) {
  const file = run(path.join(ROOT, 'bench', 'corpus'), ['queries', '--corpus', corpus.dir, '--n', String(opt.queries), '--data', opt.data]).stdout.trim();
  return { file, mix: readQueryMix(file) };
}

const secs = (r) => (r.error ? 'not measured' : `${r.wall_s.toFixed(1)} s`);

// Try one measurement; a failure is recorded (and shown in the table) instead of ending the run.
function attempt(what, fn) {
  try { return fn(); } catch (e) {
    if (!(e instanceof BenchError)) throw e;
    log(`${what}: ${e.message}`);
    return { error: e.message };
  }
}
async function attemptAsync(what, fn) {
  try { return await fn(); } catch (e) {
    if (!(e instanceof BenchError)) throw e;
    log(`${what}: ${e.message}`);
    return { error: e.message };
  }
}

function pdfSample(opt, bins, corpus, workRoot) {
  const dir = path.join(workRoot, 'pdf-sample');
  const stamp = path.join(dir, '.complete');
  if (fs.existsSync(stamp)) return JSON.parse(fs.readFileSync(stamp, 'utf8'));
  if (!bins.pdfgen) throw new BenchError('bench/pdfgen was not built (pangocairo missing?)');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const target = opt.smoke ? 1 : 1000;
  let pages = 0, files = 0;
  for (const r of corpus.rows) {
    if (pages >= target) break;
    const src = path.join(corpus.dir, r.path);
    if (!src.endsWith('.txt') || fs.readFileSync(src, 'utf8').includes('\f')) continue;
    const header = [r.kommun ? `${r.kommun} kommun` : '', 'Protokoll', r.namnd, r.date].filter(Boolean).join(' · ');
    const out = path.join(dir, path.basename(r.path, '.txt') + '.pdf');
    // fontconfig and pango keep their caches to the end by design: no leak report for them
    pages += Number(run(bins.pdfgen, ['--header', header, out, src], { env: { ASAN_OPTIONS: 'detect_leaks=0' } }).stdout.trim());
    files++;
  }
  const info = { dir, files, pages };
  fs.writeFileSync(stamp, JSON.stringify(info) + '\n');
  return info;
}

// perf's flat profile (self time by library and function) of one command, top entries.
function perfTop(cmd, args, dataFile, opts = {}, top = 15) {
  run('perf', ['record', '-q', '-F', '499', '-o', dataFile, '--', cmd, ...args], opts);
  const rep = run('perf', ['report', '-i', dataFile, '--no-children', '--stdio', '--sort', 'dso,symbol', '--percent-limit', '0.5']).stdout;
  const byDso = run('perf', ['report', '-i', dataFile, '--no-children', '--stdio', '--sort', 'dso', '--percent-limit', '2']).stdout;
  fs.rmSync(dataFile, { force: true });
  const libs = [...byDso.matchAll(/^\s*([\d.]+)%\s+(\S+)\s*$/gm)].map((m) => ({ percent: Number(m[1]), dso: m[2] }));
  const rows = [];
  for (const line of rep.split('\n')) {
    const m = /^\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(.+?)\s*$/.exec(line);
    if (m) rows.push({ percent: Number(m[1]), dso: m[2], symbol: m[3].replace(/\s+-\s+-\s*$/, '') });
  }
  return { libraries: libs, functions: rows.slice(0, top) };
}

function profile(bins, corpus, work, mix) {
  const db = path.join(work, 'ps-profile');
  fs.rmSync(db, { recursive: true, force: true });
  const idx = ['index', '--db', db, '--quiet'];
  if (corpus.manifest) idx.push('--manifest', corpus.manifest);
  const out = { index: perfTop(bins.protokollsok, [...idx, corpus.docsDir], path.join(work, 'perf-index.data'), { ok: [0, 1] }) };
  if (bins.psquery) {
    out.query = perfTop(bins.psquery, ['--db', path.join(work, 'ps'), '--passes', '5'], path.join(work, 'perf-query.data'),
      { input: mix.map((m) => m.q).join('\n') + '\n' });
  }
  fs.rmSync(db, { recursive: true, force: true });
  return out;
}

// Which source the numbers come from: commit, and whether the tree had uncommitted changes.
function source() {
  try {
    const head = run('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']).stdout.trim();
    const dirty = run('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no']).stdout.trim() !== '';
    return dirty ? `${head} with uncommitted changes` : head;
  } catch (e) { if (!(e instanceof BenchError)) throw e; return 'unknown (not a git checkout)'; }
}

function machine() {
  let osName = os.type();
  try { osName = /PRETTY_NAME="([^"]+)"/.exec(fs.readFileSync('/etc/os-release', 'utf8'))[1]; } catch { /* keep os.type */ }
  return { cpus: os.cpus().length, cpu: os.cpus()[0]?.model?.trim() || 'unknown CPU', mem_gb: Math.round(os.totalmem() / 2 ** 30), os: `${osName}, Linux ${os.release()}`, load_start: os.loadavg()[0] };
}

// Sphinx indexed and searchd started on a corpus, for the relevance sets: { system, index }
// (index = { error } when either failed). The caller stops searchd.
async function sphinxOn(sphinx, corpus, work) {
  const index = attempt('relevance: index sphinx', () => sphinx.index(corpus, work));
  const up = index.error ? index : await attemptAsync('relevance: searchd', () => sphinx.start(corpus, work));
  return { system: sphinx, index: up?.error ? up : index };
}

// --only relevance: both judged sets, all five systems, one table (bench/lib/relevance.mjs).
async function relevance(opt, bins) {
  const ours = new Protokollsok(bins), omega = new Omega(bins), sqlite = new Sqlite(bins), sphinx = new Sphinx(bins);
  let pg = null;
  try { pg = new Postgres(); } catch (e) { if (!(e instanceof BenchError)) throw e; log(e.message); }
  const cleanup = () => { stopBackground(); pg?.stop(); };
  process.on('exit', cleanup);
  const R = { date: new Date().toISOString().slice(0, 10), command: 'bench/run ' + process.argv.slice(2).join(' '), source: source() };
  const seeds = makeCorpus(opt, 'seeds');
  const sw = path.join(opt.data, 'work', 'relevance-seeds');
  fs.mkdirSync(sw, { recursive: true });
  ours.index(seeds, sw);
  omega.index(seeds, sw);
  sqlite.index(seeds, sw);
  if (pg) { try { pg.start(); pg.index(seeds, sw); } catch (e) { if (!(e instanceof BenchError)) throw e; log(e.message); } }
  let sx = await sphinxOn(sphinx, seeds, sw);
  R.seeds = relevanceSeeds({ root: ROOT, bins, ours, omega, sqlite, pg, sphinx: sx, corpus: seeds, work: sw });
  pg?.stop();
  await sphinx.stop();
  const corpus = regeringenCorpus(ROOT, opt.data);
  const work = path.join(opt.data, 'work', 'relevance-regeringen');
  fs.mkdirSync(work, { recursive: true });
  sx = await sphinxOn(sphinx, corpus, work);
  R.regeringen = relevanceRegeringen({ root: ROOT, bins, ours, omega, sqlite, pg, sphinx: sx, corpus, work, poolFile: path.join(work, 'pool-unjudged.tsv') });
  await sphinx.stop();
  const md = relevanceReport(R, opt.out, `${R.date}-relevance`);
  process.stdout.write(fs.readFileSync(md, 'utf8'));
  log(`results: ${md}; pool still to judge: ${R.regeringen.pool_file}`);
}

async function main() {
  const t0 = Date.now();
  const opt = parse();
  const bins = build(opt);
  if (opt.only.has('relevance')) return relevance(opt, bins);
  fs.mkdirSync(opt.data, { recursive: true });
  const corpus = makeCorpus(opt, opt.corpus);
  const workRoot = opt.smoke ? path.join(opt.out, 'work') : path.join(opt.data, 'work', corpus.name);
  fs.mkdirSync(workRoot, { recursive: true });
  const { file: mixFile, mix } = queryMix(opt, corpus);
  const ours = new Protokollsok(bins), omega = new Omega(bins), sqlite = new Sqlite(bins), sphinx = new Sphinx(bins);
  let pg = null;
  const R = { date: new Date().toISOString().slice(0, 10), command: 'bench/run ' + process.argv.slice(2).join(' '), source: source(), machine: machine(),
    corpus: { name: corpus.name, files: corpus.files, bytes: corpus.bytes, arenden: corpus.arenden }, notes: [], labels: {} };
  // --only journalist writes a file of its own: it must not replace the day's full results
  const part = opt.only.size === 1 && opt.only.has('journalist') ? '-journalist' : '';
  const stem = opt.smoke ? `smoke-${corpus.name}${part}` : `${R.date}-${corpus.name}${part}`;
  R.labels = { protokollsok: ours.label(), omega: omega.label() };
  try {
    pg = new Postgres();
    R.labels.postgresql = pg.label();
  } catch (e) { if (!(e instanceof BenchError)) throw e; R.notes.push(e.message); R.labels.postgresql = 'PostgreSQL'; }
  R.labels.sqlite = sqlite.label();
  R.labels.sphinx = sphinx.label();
  const need = (p) => opt.only.has(p);
  const cleanup = () => { stopBackground(); pg?.stop(); }; // stopBackground also ends searchd
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

  if (need('index') || need('query') || need('http')) {
    if (pg) attempt('postgresql start', () => pg.start());
    R.index = {};
    log(`index: ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(1)} MB`);
    R.index.protokollsok = attempt('index protokollsok', () => ours.index(corpus, workRoot));
    R.index.omega = attempt('index omega', () => omega.index(corpus, workRoot));
    R.index.postgresql = pg?.running ? attempt('index postgresql', () => pg.index(corpus, workRoot)) : { error: 'PostgreSQL did not start' };
    R.index.sqlite = attempt('index sqlite', () => sqlite.index(corpus, workRoot));
    R.index.sphinx = attempt('index sphinx', () => sphinx.index(corpus, workRoot));
    for (const [k, v] of Object.entries(R.index)) if (!v.error) log(`index ${k}: ${v.docs_per_s.toFixed(0)} docs/s, ${v.index_mb.toFixed(1)} MB`);
  }
  const sphinxUp = (need('query') || need('http')) && !R.index.sphinx.error &&
    !(await attemptAsync('searchd start', () => sphinx.start(corpus, workRoot)))?.error;
  const sphinxDown = { error: R.index?.sphinx?.error ? 'no Sphinx index' : 'searchd did not start' };
  if (need('query')) {
    R.query_mix = { file: path.relative(ROOT, mixFile), count: mix.length, kinds: [...new Set(mix.map((m) => m.kind))].join(', ') };
    R.query = {};
    R.query.protokollsok = attempt('query protokollsok', () => ours.query(mix, workRoot));
    R.query.omega = attempt('query omega', () => omega.query(mix, workRoot));
    if (!R.query.omega.error) R.query.omega.quest_cli = attempt('quest CLI', () => omega.questCli(mix, workRoot, opt.smoke ? 6 : 60));
    R.query.postgresql = pg?.running ? attempt('query postgresql', () => pg.query(mix)) : { error: 'PostgreSQL did not start' };
    R.query.sqlite = attempt('query sqlite', () => sqlite.query(mix, workRoot));
    R.query.sphinx = sphinxUp ? attempt('query sphinx', () => sphinx.query(mix)) : sphinxDown;
    for (const [k, v] of Object.entries(R.query)) if (!v.error) log(`query ${k}: p50 ${v.p50_ms.toFixed(3)} ms, p99 ${v.p99_ms.toFixed(3)} ms`);
  }
  if (need('journalist')) { // protokollsok only: no anchor has these
    if (!fs.existsSync(path.join(workRoot, 'ps'))) R.index = { protokollsok: attempt('index protokollsok', () => ours.index(corpus, workRoot)) };
    R.journalist = {
      search: attempt('journalist search', () => ours.query(mix, workRoot)),
      arende: attempt('journalist arende', () => ours.query(mix, workRoot, 'arende')),
      suggest: attempt('journalist suggest', () => ours.query(mix, workRoot, 'suggest')),
    };
    for (const [k, v] of Object.entries(R.journalist)) if (!v.error) log(`journalist ${k}: p50 ${v.p50_ms.toFixed(3)} ms, p99 ${v.p99_ms.toFixed(3)} ms`);
  }
  pg?.stop();
  if (need('http')) {
    R.http_seconds = opt.httpSeconds;
    R.http = {};
    R.http.protokollsok = await attemptAsync('http protokollsok', () => httpProtokollsok(ours, mix, workRoot, opt.conns, opt.httpSeconds));
    R.http.omega = await attemptAsync('http omega', () => httpOmega(omega, mix, workRoot, opt.conns, opt.httpSeconds));
    R.http.sphinx = sphinxUp ? attempt('http sphinx', () => sphinx.throughput(mix, opt.conns, opt.httpSeconds,
      (c, x) => log(`sphinxql c=${c}: ${x.rps.toFixed(0)} queries/s, p99 ${x.p99_ms.toFixed(1)} ms, ${x.errors} errors`))) : sphinxDown;
  }
  await sphinx.stop();
  if (need('analyzer')) {
    const src = opt.smoke ? corpus : makeCorpus(opt, 'sv-prose');
    R.analyzer = attempt('analyzer', () => {
      if (!bins.anbench) throw new BenchError('bench/anbench was not built (analyzer not implemented yet?)');
      const files = src.rows.map((r) => path.join(src.dir, r.path));
      const a = JSON.parse(run(bins.anbench, ['--seconds', opt.smoke ? '0.2' : '3', ...files]).stdout);
      log(`analyzer: ${a.swedish_mbps} MB/s (libstemmer ${a.libstemmer_mbps} MB/s)`);
      // cross-check with the analyzer's own `analyze --bench` over the same text, when it has one
      const all = path.join(workRoot, 'analyzer-input.txt');
      fs.writeFileSync(all, Buffer.concat(files.map((f) => fs.readFileSync(f))));
      let cli = null;
      try { cli = run(bins.protokollsok, ['analyze', '--bench', all]).stdout.trim().split('\n'); } catch (e) { if (!(e instanceof BenchError)) throw e; }
      fs.rmSync(all, { force: true });
      return { corpus: src.name, ...a, cli_output: cli };
    });
  }
  if (need('pdf')) {
    R.pdf = attempt('pdf sample', () => pdfSample(opt, bins, corpus, workRoot));
    if (!R.pdf.error) {
      const pc = { ...corpus, files: R.pdf.files, bytes: duBytes(R.pdf.dir) };
      R.pdf.protokollsok = attempt('pdf protokollsok', () => ours.index(pc, workRoot, R.pdf.dir, null, 'ps-pdf'));
      R.pdf.omega = attempt('pdf omega', () => omega.index(pc, workRoot, R.pdf.dir, 'omega-pdf'));
      log(`pdf: ${R.pdf.pages} pages; protokollsok ${secs(R.pdf.protokollsok)}, omindex ${secs(R.pdf.omega)}`);
    }
  }
  if (need('scaling') && !opt.smoke) {
    const sizes = [...new Set([10000, 100000, ...(opt.size > 100000 ? [opt.size] : [])])];
    R.scaling = [];
    for (const n of sizes) {
      const c = n === corpus.arenden && corpus.name.startsWith('protokoll-') ? corpus : makeCorpus(opt, `protokoll-${n}`);
      const w = c === corpus ? workRoot : path.join(opt.data, 'work', c.name);
      fs.mkdirSync(w, { recursive: true });
      const reuse = c === corpus && R.index;
      const pi = reuse ? R.index.protokollsok : attempt(`scaling ${n} protokollsok`, () => ours.index(c, w));
      const oi = reuse ? R.index.omega : attempt(`scaling ${n} omega`, () => omega.index(c, w));
      const m = c === corpus ? mix : queryMix(opt, c).mix;
      const pq = c === corpus && R.query ? R.query.protokollsok : attempt(`scaling ${n} query`, () => ours.query(m, w));
      const oq = c === corpus && R.query ? R.query.omega : attempt(`scaling ${n} quest`, () => omega.query(m, w));
      const si = reuse ? R.index.sphinx : attempt(`scaling ${n} sphinx`, () => sphinx.index(c, w));
      let sq = c === corpus && R.query ? R.query.sphinx : null;
      if (!sq) {
        sq = si.error ? si : await attemptAsync(`scaling ${n} searchd`, () => sphinx.start(c, w));
        if (!sq?.error) sq = attempt(`scaling ${n} sphinx query`, () => sphinx.query(m));
        await sphinx.stop();
      }
      R.scaling.push({ arenden: c.arenden, files: c.files, bytes: c.bytes, protokollsok_index_s: pi.wall_s, omega_index_s: oi.wall_s,
        sphinx_index_s: si.wall_s, protokollsok_mb: pi.index_mb, protokollsok_rss_mb: pi.peak_rss_mb, omega_mb: oi.index_mb, sphinx_mb: si.index_mb,
        protokollsok_p99_ms: pq.p99_ms, omega_p99_ms: oq.p99_ms, sphinx_p99_ms: sq.p99_ms });
      log(`scaling ${n}: protokollsok ${secs(pi)}, omindex ${secs(oi)}, sphinx ${secs(si)}`);
    }
    R.scaling_plot = attempt('plot', () => plotScaling(R.scaling, opt.out, stem));
    if (R.scaling_plot?.error) R.scaling_plot = null;
  }
  if (opt.profile) R.profile = attempt('profile', () => profile(bins, corpus, workRoot, mix));
  if (R.query_mix) {
    fs.mkdirSync(opt.out, { recursive: true });
    fs.copyFileSync(mixFile, path.join(opt.out, `${stem}-queries.tsv`));
    R.query_mix.file = `${stem}-queries.tsv`;
  }
  R.elapsed_s = (Date.now() - t0) / 1000;
  R.machine.load_end = os.loadavg()[0];
  const md = writeReport(R, opt.out, stem);
  process.stdout.write(fs.readFileSync(md, 'utf8'));
  log(`results: ${md}`);
  if (opt.smoke) {
    const failed = [];
    for (const part of ['index', 'query', 'http', 'analyzer', 'pdf']) {
      const r = R[part];
      if (!r) continue;
      if (r.error) failed.push(part);
      for (const [k, v] of Object.entries(r)) if (v && typeof v === 'object' && v.error) failed.push(`${part} ${k}`);
    }
    if (failed.length) {
      process.stderr.write(`bench/run --smoke: not measured: ${failed.join(', ')}\n`);
      process.exit(1);
    }
  }
}

main().catch((e) => {
  process.stderr.write(`bench/run: ${e instanceof BenchError ? e.message : e.stack}\n`);
  process.exit(1);
});
