// The relevance part of bench/run: the five systems on judged queries, scored in one table.
//   - regeringen: the real corpus ../shared/corpus/regeringen-sv.tar.gz (16,757 documents of
//     regeringen.se), the queries and information needs of tests/data/relevance/regeringen-queries.tsv
//     and the judgments of tests/data/relevance/regeringen.tsv (id, path relative to the corpus
//     root, grade 0/1/2, judged by reading the document, blind to the system that found it).
//   - seeds: tests/data/relevance/queries.tsv on the five seeds (keys dnr:/file:, see its README).
// Per system and query: nDCG@10 (gain = grade, discount log2(rank + 1), ideal from every judged
// document of the query), P@10 (grade >= 1), duplicates@10 (the same document twice) and merged@10
// (one hit standing for several documents). The pool of the first POOL hits of every system that
// is not judged yet is written, sorted by path and without system names, for judging.
import fs from 'node:fs';
import path from 'node:path';
import { BenchError, log, run } from './util.mjs';

const POOL = 20;
const K = 10;

const readTsv = (file) => {
  const [head, ...rows] = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  const cols = head.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])));
};

// The corpus, unpacked once under DATA/regeringen/docs (never into the repository).
export function regeringenCorpus(root, data) {
  const tarball = path.resolve(root, '..', 'shared', 'corpus', 'regeringen-sv.tar.gz');
  const alt = '/work/shared/corpus/regeringen-sv.tar.gz';
  const src = fs.existsSync(tarball) ? tarball : fs.existsSync(alt) ? alt : null;
  const dir = path.join(data, 'regeringen');
  const docs = path.join(dir, 'docs');
  const stamp = path.join(dir, '.complete');
  if (!fs.existsSync(stamp)) {
    if (!src) throw new BenchError(`regeringen corpus not found (${tarball})`);
    fs.rmSync(docs, { recursive: true, force: true });
    fs.mkdirSync(docs, { recursive: true });
    log(`unpacking ${src}`);
    run('tar', ['-xzf', src, '-C', docs]);
    fs.writeFileSync(stamp, src + '\n');
  }
  const rows = [];
  const walk = (d, rel) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name), r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p, r);
      else if (e.isFile()) rows.push({ path: `docs/${r}`, kommun: '' });
    }
  };
  walk(docs, '');
  const bytes = rows.reduce((s, r) => s + fs.statSync(path.join(dir, r.path)).size, 0);
  return { name: 'regeringen', dir, docsDir: docs, manifest: null, rows, files: rows.length, bytes, arenden: null };
}

const ftsQuote = (s) => '"' + s.replace(/"/g, '""') + '"';
// The FTS5 form of a query: phrases stay phrases, every other word is a quoted token group.
function ftsForm(q) {
  const out = [];
  for (const m of q.matchAll(/"([^"]*)"|(\S+)/g)) out.push(ftsQuote(m[1] ?? m[2]));
  return out.join(' ');
}

// ---- each system's first POOL hits, as paths relative to the docs directory -------------------
function oursTop(bins, db, docsDir, queries) {
  const real = fs.realpathSync(docsDir);
  return queries.map((q) => {
    const r = run(bins.protokollsok, ['search', '--db', db, '--json', '--limit', String(POOL), '--', q.query], { ok: [0, 1, 2] });
    if (r.status === 2) log(`relevance: protokollsok refused ${q.id} [${q.query}]: ${r.stderr.trim().split('\n')[0]}`);
    const hits = r.status === 0 ? JSON.parse(r.stdout).hits : [];
    return hits.map((h) => {
      const paths = [...new Set(h.documents.map((d) => path.relative(real, d.path)))];
      return { path: paths[0], merged: paths.length > 1 };
    });
  });
}

function linesTop(stdout, n, fix = (p) => p) {
  const lines = stdout.split('\n').slice(0, n);
  return lines.map((l) => (l ? l.split('\t').map((p) => ({ path: fix(p), merged: false })) : []));
}

function omegaTop(bins, db, queries) {
  const input = queries.map((q) => `${q.query}\t`).join('\n') + '\n';
  const r = run(bins.xapquery, ['--db', db, '--stemmer', 'swedish', '--top', String(POOL)], { input });
  return linesTop(r.stdout, queries.length, (p) => decodeURIComponent(p.replace(/^\/+/, '')));
}

function sqliteTop(bins, db, queries, prefix) {
  const input = queries.map((q) => `${ftsForm(q.query)}\t`).join('\n') + '\n';
  const r = run(bins.sqlquery, ['--db', db, '--top', String(POOL)], { input });
  return linesTop(r.stdout, queries.length, (p) => p.slice(prefix.length));
}

function pgTop(pg, queries, prefix) {
  const lit = (s) => "'" + s.replace(/'/g, "''") + "'";
  const sel = (q) => `SELECT 'top|' || coalesce(string_agg(path, E'\\t' ORDER BY r DESC), '') FROM (SELECT path, ts_rank_cd(tsv, q) AS r FROM docs, websearch_to_tsquery('swedish', ${lit(q.query)}) q WHERE tsv @@ q ORDER BY r DESC LIMIT ${POOL}) s;`;
  const r = pg.psql(['\\pset tuples_only on', '\\pset format unaligned', ...queries.map(sel), ''].join('\n'));
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('top|')).map((l) => l.slice(4));
  if (lines.length !== queries.length) throw new BenchError(`psql printed ${lines.length} result lines for ${queries.length} queries`);
  return linesTop(lines.join('\n'), queries.length, (p) => p.slice(prefix.length));
}

// Sphinx: searchd already started on the corpus (bench/lib/sphinx.mjs), the query in the
// Xapian/PostgreSQL form with Sphinx's operator characters escaped.
function sphinxTop(sphinx, queries, prefix) {
  return sphinx.search(queries.map((q) => ({ text: q.query, kommun: '' })), POOL)
    .map((paths) => paths.map((p) => ({ path: p.slice(prefix.length), merged: false })));
}

// ---- scoring ---------------------------------------------------------------------------------
function dcg(grades) { return grades.reduce((s, g, i) => s + g / Math.log2(i + 2), 0); }

function score(results, queries, grade) {
  const per = queries.map((q, i) => {
    const top = results[i].slice(0, K);
    const judged = grade.get(q.id) || new Map();
    const seen = new Set();
    let dup = 0, unjudged = 0;
    const gains = top.map((h) => {
      if (seen.has(h.path)) { dup++; return 0; }
      seen.add(h.path);
      if (!judged.has(h.path)) unjudged++;
      return judged.get(h.path) || 0;
    });
    const ideal = dcg([...judged.values()].sort((a, b) => b - a).slice(0, K));
    return { id: q.id, ndcg: ideal ? dcg(gains) / ideal : 0, p10: gains.filter((g) => g > 0).length / K,
      dup, merged: top.filter((h) => h.merged).length, unjudged };
  });
  const mean = (f) => per.reduce((s, x) => s + x[f], 0) / Math.max(1, per.length);
  const sum = (f) => per.reduce((s, x) => s + x[f], 0);
  return { queries: per.length, ndcg10: mean('ndcg'), p10: mean('p10'), duplicates: sum('dup'), merged: sum('merged'), unjudged10: sum('unjudged'), per_query: per };
}

function readJudgments(file) {
  const grade = new Map();
  if (!fs.existsSync(file)) return grade;
  for (const r of readTsv(file)) {
    if (!grade.has(r.id)) grade.set(r.id, new Map());
    grade.get(r.id).set(r.path, Number(r.grade));
  }
  return grade;
}

// The regeringen set: index the corpus with all five systems, run the queries, score, pool.
// sphinx: { system, index } with searchd started on this corpus, or index = { error }.
export function relevanceRegeringen({ root, bins, ours, omega, sqlite, pg, sphinx, corpus, work, poolFile }) {
  const dir = path.join(root, 'tests', 'data', 'relevance');
  const queries = readTsv(path.join(dir, 'regeringen-queries.tsv'));
  const grade = readJudgments(path.join(dir, 'regeringen.tsv'));
  const R = { corpus: corpus.name, files: corpus.files, queries: queries.length, judged: [...grade.values()].reduce((s, m) => s + m.size, 0), systems: {}, index: {} };
  const ix = (name, fn) => { try { R.index[name] = fn(); } catch (e) { if (!(e instanceof BenchError)) throw e; log(`relevance: index ${name}: ${e.message}`); R.index[name] = { error: e.message }; } };
  ix('protokollsok', () => ours.index(corpus, work));
  ix('omega', () => omega.index(corpus, work));
  ix('sqlite', () => sqlite.index(corpus, work));
  if (pg) {
    try { pg.start(); ix('postgresql', () => pg.index(corpus, work)); } catch (e) { if (!(e instanceof BenchError)) throw e; R.index.postgresql = { error: e.message }; }
  }
  if (sphinx) R.index.sphinx = sphinx.index;
  const top = {};
  const get = (name, fn) => {
    if (R.index[name]?.error) { R.systems[name] = { error: R.index[name].error }; return; }
    try { top[name] = fn(); R.systems[name] = score(top[name], queries, grade); } catch (e) {
      if (!(e instanceof BenchError)) throw e;
      log(`relevance ${name}: ${e.message}`);
      R.systems[name] = { error: e.message };
    }
  };
  get('protokollsok', () => oursTop(bins, path.join(work, 'ps'), corpus.docsDir, queries));
  get('omega', () => omegaTop(bins, path.join(work, 'omega'), queries));
  if (pg) get('postgresql', () => pgTop(pg, queries, 'docs/'));
  pg?.stop();
  get('sqlite', () => sqliteTop(bins, path.join(work, 'fts5.db'), queries, 'docs/'));
  if (sphinx) get('sphinx', () => sphinxTop(sphinx.system, queries, 'docs/'));
  // the pool still to judge: sorted by query and path, without the systems' names
  // (rank: the best rank any system gave the document, so the top 10 can be judged first)
  const pool = [];
  queries.forEach((q, i) => {
    const best = new Map();
    for (const name of Object.keys(top)) top[name][i].slice(0, POOL).forEach((h, r) => { if (h.path) best.set(h.path, Math.min(best.get(h.path) ?? POOL, r + 1)); });
    for (const p of [...best.keys()].sort()) if (!grade.get(q.id)?.has(p)) pool.push(`${q.id}\t${p}\t${best.get(p)}`);
  });
  fs.writeFileSync(poolFile, 'id\tpath\trank\n' + pool.map((l) => l + '\n').join(''));
  R.unjudged_pool = pool.length;
  R.pool_file = poolFile;
  return R;
}

// The seeds' judged set: protokollsok through bench's psquery-free path (the search CLI), the
// anchors by file: a file counts for a dnr: key when it holds that diarienummer.
export function relevanceSeeds({ root, bins, ours, omega, sqlite, pg, sphinx, corpus, work }) {
  const queries = readTsv(path.join(root, 'tests', 'data', 'relevance', 'queries.tsv'));
  const texts = new Map(corpus.rows.map((r) => [path.basename(r.path), fs.readFileSync(path.join(corpus.dir, r.path), 'utf8').replace(/\s+/g, ' ').toLowerCase()]));
  // judgments per query as key -> grade, and for the anchors: file -> best grade of a key it holds
  const keysOf = (q) => new Map(q.judgments.split(';').filter(Boolean).map((j) => { const e = j.lastIndexOf('='); return [j.slice(0, e), Number(j.slice(e + 1))]; }));
  const fileGrade = new Map(), keyGrade = new Map();
  for (const q of queries) {
    const keys = keysOf(q), byFile = new Map();
    keyGrade.set(q.id, keys);
    for (const [k, g] of keys) {
      for (const [f, t] of texts) {
        const hit = k.startsWith('file:') ? f === k.slice(5) : t.includes(k.slice(4).toLowerCase());
        if (hit) byFile.set(f, Math.max(byFile.get(f) || 0, g));
      }
    }
    fileGrade.set(q.id, byFile);
  }
  const R = { corpus: corpus.name, queries: queries.length, systems: {} };
  const real = fs.realpathSync(corpus.docsDir);
  // protokollsok: hits are ärenden, judged by their keys (as tests/relevance.c does)
  const oursRes = queries.map((q) => {
    const r = run(bins.protokollsok, ['search', '--db', path.join(work, 'ps'), '--json', '--limit', String(K), '--', q.query], { ok: [0, 1] });
    const hits = r.status === 0 ? JSON.parse(r.stdout).hits : [];
    return hits.map((h) => {
      const files = h.documents.map((d) => path.basename(path.relative(real, d.path)));
      const key = [...keyGrade.get(q.id).keys()].find((k) => (k.startsWith('dnr:') ? (h.dnr || '').toLowerCase().replace(/\s+/g, ' ') === k.slice(4).toLowerCase() : !h.dnr && files.includes(k.slice(5))));
      return { path: key || `hit:${h.key}`, merged: false };
    });
  });
  R.systems.protokollsok = score(oursRes, queries, keyGrade);
  const byBase = (res) => res.map((hits) => hits.map((h) => ({ path: path.basename(h.path), merged: false })));
  const attempt = (name, fn) => { try { R.systems[name] = score(byBase(fn()), queries, fileGrade); } catch (e) { if (!(e instanceof BenchError)) throw e; R.systems[name] = { error: e.message }; } };
  const fq = queries.map((q) => ({ ...q, query: q.query }));
  attempt('omega', () => omegaTop(bins, path.join(work, 'omega'), fq));
  if (pg?.running) attempt('postgresql', () => pgTop(pg, fq, 'docs/'));
  attempt('sqlite', () => sqliteTop(bins, path.join(work, 'fts5.db'), fq, 'docs/'));
  if (sphinx?.index.error) R.systems.sphinx = { error: sphinx.index.error };
  else if (sphinx) attempt('sphinx', () => sphinxTop(sphinx.system, fq, 'docs/'));
  R.note = 'protokollsok is judged by ärende (its hits), the anchors by file (a file counts for the ärenden it holds)';
  return R;
}

const NAMES = { protokollsok: 'protokollsok', omega: 'Omega (Xapian)', postgresql: 'PostgreSQL', sqlite: 'SQLite FTS5', sphinx: 'Sphinx' };

// The table (markdown) of one run: both sets, all five systems, and the per-query nDCG@10.
export function relevanceReport(R, outDir, stem) {
  const f3 = (x) => (x === undefined ? '–' : x.toFixed(3));
  const lines = [`# Relevance, ${R.date}`, '', `\`${R.command}\` at ${R.source}.`, ''];
  for (const [title, set] of [['regeringen (real documents, our judged set)', R.regeringen], ['seeds (tests/data/relevance/queries.tsv)', R.seeds]]) {
    if (!set) continue;
    lines.push(`## ${title}`, '');
    if (set.files) lines.push(`${set.files} files, ${set.queries} queries, ${set.judged} judgments; pooled and not yet judged: ${set.unjudged_pool}.`, '');
    if (set.note) lines.push(set.note + '.', '');
    const sys = Object.keys(NAMES).filter((k) => set.systems[k]);
    lines.push('| measure | ' + sys.map((k) => NAMES[k]).join(' | ') + ' |', '| --- |' + sys.map(() => ' ---: |').join(''));
    const row = (label, f) => lines.push(`| ${label} | ` + sys.map((k) => (set.systems[k].error ? 'not measured' : f(set.systems[k]))).join(' | ') + ' |');
    row('nDCG@10', (s) => f3(s.ndcg10));
    row('P@10', (s) => f3(s.p10));
    row('duplicates in top 10', (s) => String(s.duplicates));
    row('merged hits in top 10', (s) => String(s.merged));
    row('unjudged in top 10', (s) => String(s.unjudged10));
    lines.push('');
    const ok = sys.filter((k) => !set.systems[k].error);
    if (ok.length) {
      lines.push('<details><summary>nDCG@10 per query</summary>', '', '| query | ' + ok.map((k) => NAMES[k]).join(' | ') + ' |', '| --- |' + ok.map(() => ' ---: |').join(''));
      set.systems[ok[0]].per_query.forEach((q, i) => lines.push(`| ${q.id} | ` + ok.map((k) => f3(set.systems[k].per_query[i].ndcg)).join(' | ') + ' |'));
      lines.push('', '</details>', '');
    }
    for (const k of sys) if (set.systems[k].error) lines.push(`- ${NAMES[k]}: ${set.systems[k].error}`);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const md = path.join(outDir, `${stem}.md`);
  fs.writeFileSync(md, lines.join('\n') + '\n');
  fs.writeFileSync(path.join(outDir, `${stem}.json`), JSON.stringify(R, null, 1) + '\n');
  return md;
}
