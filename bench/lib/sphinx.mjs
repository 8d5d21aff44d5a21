// The Sphinx anchor (Debian sphinxsearch 2.2: `indexer`, `searchd`): a generated sphinx.conf with
// an xmlpipe2 source (bench/lib/sphinxpipe.mjs reads the corpus files), fields title and body,
// Snowball Swedish (morphology = libstemmer_sv) with exact forms kept, and searchd on an ephemeral
// loopback port speaking SphinxQL, queried by bench/tools/sphinxquery (libmariadb).
// Reusable outside bench/run's parts: start(), search() (top-k paths per query), stop().
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError, duBytes, latencyStats, run, spawnBg, timed } from './util.mjs';
import { freePort, stopChild } from './http.mjs';

const PIPE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sphinxpipe.mjs');
const MIB = 1024 * 1024;

// Letters beyond ASCII that Swedish text needs (Sphinx's default table has Cyrillic, not these):
// å ä ö é ü and their capitals, folded to lower case.
const CHARSET = '0..9, A..Z->a..z, _, a..z, U+C5->U+E5, U+E5, U+C4->U+E4, U+E4, U+D6->U+F6, U+F6, ' +
  'U+C9->U+E9, U+E9, U+DC->U+FC, U+FC';

// The operator characters of Sphinx's extended query syntax, escaped so that a query in the
// Xapian/PostgreSQL form means the same words; double quotes stay (they make a phrase there too).
export function sphinxMatch(text) {
  const quotes = (text.match(/"/g) || []).length;
  const ops = quotes % 2 ? /[\\()|\-!@~"&/^$=<]/g : /[\\()|\-!@~&/^$=<]/g;
  return text.replace(ops, (c) => '\\' + c);
}

// sphinx.conf has no quoting: a path with blanks, quotes or '#' cannot be written into it
function q(s) {
  if (/[\s"'\\#]/.test(s)) throw new BenchError(`sphinx.conf cannot hold the path ${s}`);
  return s;
}

const sqlString = (s) => "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";

// One SphinxQL statement per query: top `limit` by Sphinx's default ranking (proximity + BM25).
export function sphinxStatement(m, limit = 10) {
  return `SELECT id, path FROM docs WHERE MATCH(${sqlString(sphinxMatch(m.text))})` +
    (m.kommun ? ` AND kommun = ${sqlString(m.kommun)}` : '') + ` LIMIT ${limit}`;
}

export class Sphinx {
  constructor(bins) {
    this.bins = bins;
    this.name = 'sphinx';
    let v = '';
    try { v = /Sphinx (\S+?)(-|\s)/.exec(run('indexer', [], { ok: [0, 1] }).stdout)?.[1] || ''; } catch (e) {
      if (!(e instanceof BenchError)) throw e;
    }
    this.version = v;
  }
  label() { return `Sphinx${this.version ? ' ' + this.version : ''} (indexer + searchd, libstemmer_sv, SphinxQL)`; }

  conf(corpus, dir, port) {
    const list = path.join(dir, 'files.tsv');
    const file = path.join(dir, 'sphinx.conf');
    fs.writeFileSync(file, `# written by bench/lib/sphinx.mjs
source docs
{
  type = xmlpipe2
  xmlpipe_command = ${q(process.execPath)} ${q(PIPE)} ${q(list)} ${q(corpus.dir)}
  xmlpipe_fixup_utf8 = 1
}

index docs
{
  source = docs
  path = ${q(path.join(dir, 'idx', 'docs'))}
  docinfo = extern
  morphology = libstemmer_sv
  index_exact_words = 1
  min_word_len = 1
  charset_table = ${CHARSET}
}

indexer
{
  mem_limit = 256M
}

searchd
{
  listen = 127.0.0.1:${port || 9312}:mysql41
  log = ${q(path.join(dir, 'searchd.log'))}
  pid_file = ${q(path.join(dir, 'searchd.pid'))}
  binlog_path =
  workers = threads
  watchdog = 0
  listen_backlog = 256
  max_children = 1024
}
`);
    return file;
  }

  index(corpus, work, dbName = 'sphinx') {
    const dir = path.join(work, dbName);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, 'idx'), { recursive: true });
    // the list of files for the pipe (any corpus: the protocols' manifest, or a walked tree)
    fs.writeFileSync(path.join(dir, 'files.tsv'), 'path\tkommun\n' + corpus.rows.map((r) => `${r.path}\t${r.kommun || ''}\n`).join(''));
    const conf = this.conf(corpus, dir, 0);
    const t = timed('indexer', ['--config', conf, '--all', '--noprogress']);
    const out = t.stdout + t.stderr;
    const bad = /^(ERROR|FATAL|WARNING): .*$/m.exec(out);
    if (bad) throw new BenchError(`indexer: ${bad[0]}`);
    const docs = Number(/collected (\d+) docs/.exec(out)?.[1]);
    if (docs !== corpus.files) throw new BenchError(`indexer collected ${docs} documents of ${corpus.files}`);
    const size = duBytes(path.join(dir, 'idx'));
    return { documents: corpus.files, bytes: corpus.bytes, wall_s: t.wall, docs_per_s: corpus.files / t.wall,
      mb_per_s: corpus.bytes / 1e6 / t.wall, peak_rss_mb: t.rssMb, index_mb: size / MIB,
      note: 'xmlpipe2 from the files (bench/lib/sphinxpipe.mjs, timed); RSS of the larger of indexer and the pipe' };
  }

  // searchd on a free loopback port, serving the index made by index(); resolves once it accepts.
  async start(corpus, work, dbName = 'sphinx') {
    if (this.child) throw new BenchError('searchd is already running');
    const dir = path.join(work, dbName);
    if (!fs.existsSync(path.join(dir, 'idx', 'docs.sph'))) throw new BenchError(`no Sphinx index in ${dir} (run the index part)`);
    this.corpus = corpus;
    this.port = await freePort();
    const conf = this.conf(corpus, dir, this.port);
    const logFile = path.join(dir, 'searchd.out');
    fs.rmSync(logFile, { force: true });
    this.child = spawnBg('searchd', ['--config', conf, '--nodetach'], { logFile });
    const end = Date.now() + 30000;
    for (;;) {
      const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
      if (text.includes('accepting connections')) break;
      if (this.child.exitCode !== null || this.child.signalCode !== null || Date.now() > end) {
        const child = this.child;
        this.child = null;
        await stopChild(child);
        throw new BenchError(`searchd did not start: ${text.trim().split('\n').slice(-3).join(' | ') || '(no output)'}`);
      }
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  async stop() {
    const child = this.child;
    this.child = null;
    if (child) await stopChild(child);
  }

  client(args, input) {
    if (!this.child) throw new BenchError('searchd is not running');
    return run(this.bins.sphinxquery, ['--port', String(this.port), ...args], { input });
  }

  // The query mix warm (a pass, then the timed pass) over one persistent connection.
  query(mix) {
    const r = this.client(['--passes', '2'], mix.map((m) => sphinxStatement(m)).join('\n') + '\n');
    const s = latencyStats(r.stdout);
    if (s.rejected) throw new BenchError(`searchd rejected ${s.rejected} of ${s.queries} statements: ${r.stderr.trim().split('\n')[0]}`);
    return s;
  }

  // Top `limit` paths per query ({ text, kommun } each; text in the Xapian/PostgreSQL form), paths
  // as in corpus.rows of the corpus given to start(): what the relevance part scores.
  search(queries, limit = 10) {
    const r = this.client(['--passes', '1', '--hits'], queries.map((m) => sphinxStatement(m, limit)).join('\n') + '\n');
    const rows = this.corpus.rows;
    return r.stdout.trim().split('\n').map((l) => {
      const [, n, ids] = l.split('\t');
      if (Number(n) < 0) throw new BenchError(`searchd rejected a query: ${r.stderr.trim().split('\n')[0]}`);
      return (ids ? ids.split(',') : []).map((id) => rows[Number(id) - 1].path);
    });
  }

  // What a Sphinx-backed site could serve: C clients (threads, one connection each) cycling
  // through the mix, after a short warm-up, at each concurrency level.
  throughput(mix, conns, seconds, onLevel = () => {}) {
    const input = mix.map((m) => sphinxStatement(m)).join('\n') + '\n';
    const load = (c, s) => {
      const line = this.client(['--clients', String(c), '--seconds', String(s)], input).stdout.trim().split('\n').pop();
      return JSON.parse(line);
    };
    load(1, Math.min(2, seconds));
    const out = {};
    for (const c of conns) { out[c] = load(c, seconds); onLevel(c, out[c]); }
    return out;
  }
}
