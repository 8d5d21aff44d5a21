// The results table (markdown), the raw JSON and the scaling plot.
import fs from 'node:fs';
import path from 'node:path';
import { run } from './util.mjs';

const f = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toFixed(d));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '–');
const err = (e) => `not measured: ${String(e).split('\n')[0].slice(0, 120)}`;

function indexTable(res, order) {
  const ours = res.protokollsok;
  const out = ['| system | docs/s | MB/s | wall s | peak RSS MB | index MB | protokollsok docs/s ÷ this | notes |', '|---|---:|---:|---:|---:|---:|---:|---|'];
  for (const [key, label] of order) {
    const r = res[key];
    if (!r) continue;
    if (r.error) { out.push(`| ${label} | – | – | – | – | – | – | ${err(r.error)} |`); continue; }
    const note = [r.note, r.arenden ? `${r.arenden} ärenden` : '', r.lexicon_mb ? `index incl. ${f(r.lexicon_mb, 1)} MB lexicon copy` : ''].filter(Boolean).join('; ');
    out.push(`| ${label} | ${f(r.docs_per_s, 0)} | ${f(r.mb_per_s, 2)} | ${f(r.wall_s, 2)} | ${f(r.peak_rss_mb, 0)} | ${f(r.index_mb, 1)} | ${key === 'protokollsok' ? '—' : ratio(ours?.docs_per_s, r.docs_per_s)} | ${note} |`);
  }
  return out;
}

function queryTable(res, order) {
  const ours = res.protokollsok;
  const out = ['| system | p50 ms | p95 ms | p99 ms | queries/s | with hits | p50: protokollsok ÷ this |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const [key, label] of order) {
    const r = res[key];
    if (!r) continue;
    if (r.error) { out.push(`| ${label} | – | – | – | – | – | ${err(r.error)} |`); continue; }
    out.push(`| ${label} | ${f(r.p50_ms, 3)} | ${f(r.p95_ms, 3)} | ${f(r.p99_ms, 3)} | ${f(r.qps, 0)} | ${r.with_hits === null ? '–' : `${r.with_hits}/${r.queries}`} | ${key === 'protokollsok' ? '—' : ratio(ours?.p50_ms, r.p50_ms)} |`);
  }
  return out;
}

function httpTable(res, order) {
  const out = ['| system | connections | req/s | p50 ms | p99 ms | errors | protokollsok req/s ÷ this |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const [key, label] of order) {
    const r = res[key];
    if (!r) continue;
    if (r.error) { out.push(`| ${label} | – | – | – | – | – | ${err(r.error)} |`); continue; }
    for (const [c, x] of Object.entries(r)) {
      const o = res.protokollsok?.[c];
      out.push(`| ${label} | ${c} | ${f(x.rps, 0)} | ${f(x.p50_ms, 2)} | ${f(x.p99_ms, 2)} | ${x.errors} | ${key === 'protokollsok' ? '—' : ratio(o?.rps, x.rps)} |`);
    }
  }
  return out;
}

function targets(R) {
  const t = [];
  const oi = R.index?.protokollsok, om = R.index?.omega;
  if (oi?.docs_per_s && om?.docs_per_s) t.push(`- index ≥ 1.5× omindex documents/s: ${(oi.docs_per_s / om.docs_per_s).toFixed(2)}× — ${oi.docs_per_s >= 1.5 * om.docs_per_s ? 'met' : 'not met'}`);
  if (oi?.index_mb && om?.index_mb) {
    const own = oi.index_mb - (oi.lexicon_mb || 0);
    t.push(`- index size ≤ 1.5× Omega's (lexicon copy counted): ${(oi.index_mb / om.index_mb).toFixed(2)}× — ${oi.index_mb <= 1.5 * om.index_mb ? 'met' : 'not met'}` +
      (oi.lexicon_mb ? ` (without the ${oi.lexicon_mb.toFixed(1)} MB lexicon copy: ${(own / om.index_mb).toFixed(2)}×)` : ''));
  }
  const an = R.analyzer;
  if (an && !an.error && an.swedish_mbps && an.libstemmer_mbps) t.push(`- analyzer ≥ 1.5× plain libstemmer MB/s: ${(an.swedish_mbps / an.libstemmer_mbps).toFixed(2)}× — ${an.swedish_mbps >= 1.5 * an.libstemmer_mbps ? 'met' : 'not met'}`);
  const q = R.query || {};
  if (q.protokollsok?.p50_ms && q.omega?.p50_ms) t.push(`- query p50 ≤ 0.5× quest: ${(q.protokollsok.p50_ms / q.omega.p50_ms).toFixed(2)}× — ${q.protokollsok.p50_ms <= 0.5 * q.omega.p50_ms ? 'met' : 'not met'}`);
  if (q.protokollsok?.p50_ms && q.postgresql?.p50_ms) t.push(`- query p50 ≤ 0.2× PostgreSQL: ${(q.protokollsok.p50_ms / q.postgresql.p50_ms).toFixed(2)}× — ${q.protokollsok.p50_ms <= 0.2 * q.postgresql.p50_ms ? 'met' : 'not met'}`);
  const big = (R.scaling || []).find((s) => s.arenden >= 1e6 && s.protokollsok_p99_ms);
  t.push(big ? `- p99 < 20 ms at 1M ärenden: ${big.protokollsok_p99_ms.toFixed(1)} ms — ${big.protokollsok_p99_ms < 20 ? 'met' : 'not met'}`
    : '- p99 < 20 ms at 1M ärenden: not measured in this run (bench/run --size 1000000)');
  const h = R.http?.protokollsok;
  if (h && !h.error) {
    const best = Math.max(...Object.values(h).map((x) => x.rps));
    t.push(`- HTTP ≥ 5,000 req/s on ${R.machine.cpus} cores: best ${best.toFixed(0)} req/s — ${best >= 5000 ? 'met' : 'not met'}`);
  }
  const beside = sphinxRatios(R);
  if (beside.length) t.push(`- beside Sphinx, the fastest indexer we can install (no target; protokollsok ÷ Sphinx): ${beside.join(', ')}`);
  return t;
}

// protokollsok against Sphinx on each measured axis, as "what: ratio (higher is better|worse)".
function sphinxRatios(R) {
  const out = [];
  const i = R.index || {}, q = R.query || {}, h = R.http || {};
  if (i.protokollsok?.docs_per_s && i.sphinx?.docs_per_s) out.push(`index docs/s ${ratio(i.protokollsok.docs_per_s, i.sphinx.docs_per_s)}`);
  if (i.protokollsok?.index_mb && i.sphinx?.index_mb) out.push(`index size ${ratio(i.protokollsok.index_mb, i.sphinx.index_mb)}`);
  if (q.protokollsok?.p50_ms && q.sphinx?.p50_ms) out.push(`query p50 ${ratio(q.protokollsok.p50_ms, q.sphinx.p50_ms)}, p99 ${ratio(q.protokollsok.p99_ms, q.sphinx.p99_ms)}`);
  const best = (r) => (r && !r.error ? Math.max(...Object.values(r).map((x) => x.rps)) : null);
  if (best(h.protokollsok) && best(h.sphinx)) out.push(`best throughput ${ratio(best(h.protokollsok), best(h.sphinx))} (HTTP against SphinxQL)`);
  return out;
}

export function writeReport(R, outDir, stem) {
  fs.mkdirSync(outDir, { recursive: true });
  const order = Object.entries(R.labels);
  const L = [`# protokollsok benchmark: ${R.corpus.name} (${R.date})`, '',
    `Machine: ${R.machine.cpus} × ${R.machine.cpu}, ${R.machine.mem_gb} GB RAM, ${R.machine.os}; load average ${f(R.machine.load_start, 1)} at the start, ${f(R.machine.load_end, 1)} at the end (other work on the machine makes absolute numbers noisy; the ratios come from the same run). ` +
    `Corpus: ${R.corpus.files} files, ${(R.corpus.bytes / 1e6).toFixed(1)} MB${R.corpus.arenden ? `, ${R.corpus.arenden} ärenden` : ''}. ` +
    `Source: ${R.source}. Reproduce: \`${R.command}\` (${(R.elapsed_s / 60).toFixed(1)} min).`, ''];
  if (R.index) L.push('## Index', '', 'Documents = files. Peak RSS of the indexing process (PostgreSQL: its server backend).', '', ...indexTable(R.index, order), '');
  if (R.pdf?.error) L.push('## PDF indexing', '', err(R.pdf.error), '');
  else if (R.pdf) {
    L.push('## PDF indexing', '', `${R.pdf.files} PDF files, ${R.pdf.pages} pages (bench/pdfgen, cairo/pango).`, '',
      '| system | pages/s | wall s | index MB |', '|---|---:|---:|---:|');
    for (const [key, label] of order) {
      const r = R.pdf[key];
      if (r) L.push(r.error ? `| ${label} | – | – | ${err(r.error)} |` : `| ${label} | ${f(R.pdf.pages / r.wall_s, 0)} | ${f(r.wall_s, 2)} | ${f(r.index_mb, 1)} |`);
    }
    L.push('');
  }
  if (R.query) {
    L.push('## Query', '', `${R.query_mix.count} queries (${R.query_mix.kinds}), warm cache, one client, time inside one process per system (PostgreSQL: psql \\timing in one session, includes the socket round trip; Sphinx: bench/tools/sphinxquery over one persistent SphinxQL connection to searchd on loopback, includes that round trip). The Xapian row runs what \`quest --stemmer=swedish --default-op=and\` runs, in one process (bench/tools/xapquery). Mix: \`${R.query_mix.file}\`.`, '', ...queryTable(R.query, order), '');
    const qc = R.query.omega?.quest_cli;
    if (qc && !qc.error) L.push(`The \`quest\` command itself, one process per query (${qc.queries} queries of the mix): ${f(qc.per_process_ms, 2)} ms per call, of which ${f(qc.noop_ms, 2)} ms is start-up and opening the database (the same call with an empty query); the difference, ${f(qc.net_p50_ms, 3)} ms at the median, is the query.`, '');
  }
  if (R.http) L.push('## HTTP', '', `wrk, ${R.http_seconds} s per level, the query mix cycled; protokollsok \`serve --quiet --max-connections 1024 --max-per-ip 1024\` (/api/search, default threads = CPUs) vs Omega's CGI under lighttpd mod_cgi, loopback. Sphinx 2.2 has no HTTP search API: its rows are SphinxQL (MySQL protocol) from bench/tools/sphinxquery, one C client thread and connection per level's connection, the same mix cycled — what a Sphinx-backed site's backend could get out of searchd, before any HTTP layer of its own.`, '', ...httpTable(R.http, order), '');
  if (R.journalist) {
    const row = (name, v) => v.error ? `| ${name} | ${err(v.error)} | | | |`
      : `| ${name} | ${v.p50_ms.toFixed(3)} | ${v.p95_ms.toFixed(3)} | ${v.p99_ms.toFixed(3)} | ${v.queries} |`;
    L.push('## Journalist tools (protokollsok only)', '', 'In one process, warm (bench/psquery --mode): the search of each query of the mix; the ärende page of its first hit (ps_search_arende: text, Ärendets gång, five Liknande ärenden; the search that found the key not counted); the autocomplete of its first four characters (ps_search_complete).', '',
      '| call | p50 ms | p95 ms | p99 ms | calls |', '|---|---:|---:|---:|---:|',
      row('search (/api/search)', R.journalist.search), row('ärende page (/api/arende)', R.journalist.arende),
      row('autocomplete (/api/suggest)', R.journalist.suggest), '');
  }
  if (R.analyzer) {
    const a = R.analyzer;
    if (a.error) L.push('## Analyzer', '', err(a.error), '');
    else L.push('## Analyzer', '', `${a.documents} documents, ${(a.bytes / 1e6).toFixed(1)} MB (${a.corpus}), one thread, in memory.`, '', '| analyzer | MB/s | ÷ plain libstemmer |', '|---|---:|---:|');
    if (!a.error) {
      L.push(`| protokollsok (Swedish: -et, compounds, special tokens) | ${f(a.swedish_mbps, 1)} | ${ratio(a.swedish_mbps, a.libstemmer_mbps)} |`);
      L.push(`| protokollsok (exact-Snowball mode) | ${f(a.snowball_mode_mbps, 1)} | ${ratio(a.snowball_mode_mbps, a.libstemmer_mbps)} |`);
      L.push(`| plain libstemmer (byte tokenizer + sb_stemmer_stem) | ${f(a.libstemmer_mbps, 1)} | 1.00× |`);
      if (a.cli_output) L.push('', 'Cross-check, `protokollsok analyze --bench` over the same text:', '', '```', ...a.cli_output, '```');
    }
    L.push('');
  }
  if (R.scaling?.length) {
    L.push('## Scaling', '', '| ärenden | MB | protokollsok index s | omindex s | Sphinx index s | protokollsok MB | Omega MB | Sphinx MB | protokollsok p99 ms | quest p99 ms | Sphinx p99 ms | protokollsok index peak RSS MB |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const s of R.scaling) L.push(`| ${s.arenden} | ${f(s.bytes / 1e6, 0)} | ${f(s.protokollsok_index_s, 1)} | ${f(s.omega_index_s, 1)} | ${f(s.sphinx_index_s, 1)} | ${f(s.protokollsok_mb, 0)} | ${f(s.omega_mb, 0)} | ${f(s.sphinx_mb, 0)} | ${f(s.protokollsok_p99_ms, 2)} | ${f(s.omega_p99_ms, 2)} | ${f(s.sphinx_p99_ms, 2)} | ${f(s.protokollsok_rss_mb, 0)} |`);
    if (R.scaling_plot) L.push('', `![scaling](${R.scaling_plot})`);
    L.push('');
  }
  L.push('## Targets', '', ...targets(R), '');
  if (R.profile && !R.profile.error) {
    L.push('## Where protokollsok spends its time', '', 'perf, self time by library and function (`bench/run --profile`).', '');
    for (const [part, p] of Object.entries(R.profile)) {
      L.push(`${part}, by library: ${p.libraries.map((r) => `${r.dso} ${f(r.percent, 0)}%`).join(', ')}`, '',
        '| % | library | function |', '|---:|---|---|', ...p.functions.map((r) => `| ${f(r.percent, 1)} | ${r.dso} | \`${r.symbol}\` |`), '');
    }
  }
  if (R.notes.length) L.push('## Notes', '', ...R.notes.map((n) => `- ${n}`), '');
  const md = path.join(outDir, `${stem}.md`);
  fs.writeFileSync(md, L.join('\n'));
  fs.writeFileSync(path.join(outDir, `${stem}.json`), JSON.stringify(R, null, 2) + '\n');
  return md;
}

export function plotScaling(scaling, outDir, stem) {
  const rows = scaling.filter((s) => s.protokollsok_index_s || s.omega_index_s || s.sphinx_index_s);
  if (rows.length < 2) return null;
  fs.mkdirSync(outDir, { recursive: true });
  const dat = path.join(outDir, `${stem}-scaling.dat`);
  const cols = ['arenden', 'protokollsok_index_s', 'omega_index_s', 'protokollsok_mb', 'omega_mb', 'protokollsok_p99_ms', 'omega_p99_ms', 'sphinx_index_s', 'sphinx_mb', 'sphinx_p99_ms'];
  fs.writeFileSync(dat, rows.map((s) => cols.map((c) => s[c] ?? 'NaN').join(' ')).join('\n') + '\n');
  const svg = `${stem}-scaling.svg`;
  const panels = `set multiplot layout 1,3
set logscale xy
set key top left
set grid
set xlabel 'ärenden'
set title 'index time (s)'
plot '${dat}' u 1:2 w lp lw 2 t 'protokollsok', '' u 1:3 w lp lw 2 t 'omindex', '' u 1:8 w lp lw 2 t 'Sphinx indexer'
set title 'index size (MB)'
plot '${dat}' u 1:4 w lp lw 2 t 'protokollsok', '' u 1:5 w lp lw 2 t 'Omega', '' u 1:9 w lp lw 2 t 'Sphinx'
set title 'query p99 (ms)'
plot '${dat}' u 1:6 w lp lw 2 t 'protokollsok', '' u 1:7 w lp lw 2 t 'quest (Xapian)', '' u 1:10 w lp lw 2 t 'Sphinx (SphinxQL)'
unset multiplot
`;
  const gp = `set terminal svg size 1100,360 dynamic font "DejaVu Sans,11"
set output '${path.join(outDir, svg)}'
${panels}set terminal pngcairo size 1100,360 font "DejaVu Sans,10"
set output '${path.join(outDir, `${stem}-scaling.png`)}'
${panels}`;
  run('gnuplot', [], { input: gp });
  fs.rmSync(dat);
  return svg;
}
