// The query mix: a fixed, deterministic list of queries drawn from a corpus, one per line in
// queries.tsv with the columns
//   kind  q (protokollsok's query language)  text (PostgreSQL websearch / Xapian QueryParser)
//   fts (an FTS5 MATCH expression)  kommun (a filter for the anchors, or empty)
// Kinds: single words, compounds, -et forms, phrases, kommun filters, dnr lookups, rare and very
// common words, in fixed shares of the total.
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from './rng.mjs';

const STOP = new Set(('alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig din dina ditt du där då efter ej eller en er era ert ett från för ha hade han hans har henne hennes hon honom hur här i icke ingen inom inte jag ju kan kunde man med mellan men mig min mina mitt mot mycket ni nu när någon något några och om oss på samma sedan sig sin sina sitta själv skulle som så sådan sådana sådant till under upp ut utan vad var vara varför varit varje vars vart vem vi vid vilka vilkas vilken vilket vår våra vårt än är åt över').split(' '));
const SAMPLE_BYTES = 24e6; // word statistics from the first files, enough for a stable mix

const SHARES = [['single', 0.2], ['compound', 0.12], ['et-form', 0.1], ['phrase', 0.14],
  ['filter', 0.12], ['dnr', 0.12], ['rare', 0.1], ['common', 0.1]];

const ftsQuote = (s) => '"' + s.replace(/"/g, '""') + '"';
const ftsAnd = (s) => s.split(/\s+/).filter(Boolean).map(ftsQuote).join(' ');

function readTsv(file) {
  const [head, ...rows] = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const cols = head.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])));
}

export function makeQueryMix(corpusDir, total, seed = 7) {
  const rng = new Rng(seed);
  const manifest = readTsv(path.join(corpusDir, 'manifest.tsv'));
  const freq = new Map();
  const phrases = [];
  let sampled = 0;
  for (const row of manifest) {
    if (sampled > SAMPLE_BYTES) break;
    const text = fs.readFileSync(path.join(corpusDir, row.path), 'utf8');
    sampled += text.length;
    for (const para of text.split(/\n\s*\n/)) {
      const words = para.toLowerCase().split(/[^a-zåäöé]+/u).filter((w) => w.length >= 3);
      for (const w of words) freq.set(w, (freq.get(w) || 0) + 1);
      if (words.length >= 8 && rng.chance(0.05)) {
        const i = rng.int(words.length - 3), len = rng.range(2, 3);
        const ph = words.slice(i, i + len);
        if (!ph.every((w) => STOP.has(w))) phrases.push(ph.join(' '));
      }
    }
  }
  const words = [...freq.entries()].filter(([w]) => !STOP.has(w)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const pool = {
    common: words.slice(0, 60).map((e) => e[0]),
    single: words.filter(([, f]) => f >= 20 && f <= 3000).map((e) => e[0]),
    compound: words.filter(([w, f]) => w.length >= 14 && f >= 2).map((e) => e[0]),
    'et-form': words.filter(([w, f]) => w.length >= 6 && w.endsWith('et') && f >= 3).map((e) => e[0]),
    rare: words.filter(([w, f]) => f <= 2 && w.length >= 5).map((e) => e[0]),
    phrase: phrases,
  };
  const truthFile = path.join(corpusDir, 'arenden.tsv');
  const arenden = fs.existsSync(truthFile) ? readTsv(truthFile) : [];
  const kommuner = [...new Set(manifest.map((r) => r.kommun).filter((k) => k && !/\s/.test(k)))].sort();
  const out = [];
  const add = (kind, q, text, fts, kommun = '') => out.push({ kind, q, text, fts, kommun });
  for (const [kind, share] of SHARES) {
    let n = Math.round(total * share);
    if ((kind === 'dnr' && !arenden.length) || (kind === 'filter' && !kommuner.length)) n = 0;
    for (let i = 0; i < n; i++) {
      if (kind === 'dnr') {
        const a = rng.pick(arenden);
        add(kind, a.dnr, a.dnr, ftsQuote(a.dnr));
      } else if (kind === 'filter') {
        const w = rng.pick(pool.single), k = rng.pick(kommuner);
        add(kind, `kommun:${k} ${w}`, w, ftsQuote(w), k);
      } else if (kind === 'phrase') {
        const p = rng.pick(pool.phrase);
        add(kind, `"${p}"`, `"${p}"`, ftsQuote(p));
      } else {
        const list = pool[kind].length ? pool[kind] : pool.single;
        const w = rng.pick(list);
        add(kind, w, w, ftsAnd(w));
      }
    }
  }
  while (out.length < total) { const w = rng.pick(pool.single); add('single', w, w, ftsAnd(w)); }
  return out.slice(0, total);
}

export function writeQueryMix(file, mix) {
  const lines = ['kind\tq\ttext\tfts\tkommun', ...mix.map((m) => [m.kind, m.q, m.text, m.fts, m.kommun].join('\t'))];
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

export function readQueryMix(file) { return readTsv(file); }
