// protokoll-N: N ärenden written as protocol files in the three shapes of the seeds — plain text
// (seed 000), PDF-extracted text with hard line breaks and running headers (seed 001), markdown
// with tables (seed 002) — plus manifest.tsv for the indexer and arenden.tsv (the ground truth
// the query mix draws dnr lookups and filters from). Deterministic: a fixed seed, sorted inputs.
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from './rng.mjs';
import { Markov, sentences } from './markov.mjs';
import { KOMMUNER, NAMNDER, FORNAMN, EFTERNAMN, PARTIER, AMNEN, TITELMALLAR } from './kommuner.mjs';

const SEED = 20231101;
const SEED_WEIGHT = 40; // the seeds are protocol language; sv-prose brings vocabulary
const MANADER = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti',
  'september', 'oktober', 'november', 'december'];

export function slug(s) {
  return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function buildMarkov(svTexts, seedTexts) {
  const mk = new Markov();
  for (const t of svTexts) for (const s of sentences(t)) mk.add(s);
  for (const t of seedTexts) for (const s of sentences(t)) mk.add(s, SEED_WEIGHT);
  return mk;
}

const pad = (n, w) => String(n).padStart(w, '0');

function randomDate(rng) {
  // a weekday between 2015-01-01 and 2025-12-31
  const t0 = Date.UTC(2015, 0, 1), days = 4017;
  for (;;) {
    const d = new Date(t0 + rng.int(days) * 86400000);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) return d;
  }
}
const iso = (d) => d.toISOString().slice(0, 10);
const person = (rng) => `${rng.pick(FORNAMN)} ${rng.pick(EFTERNAMN)}`;

// The dnr forms the parser knows, one form per kommun: "2023.076 SN", "KS 2023/123",
// "2023/45-1", "2021.012".
function dnrFor(kIndex, series, year, num) {
  switch (kIndex % 4) {
    case 0: return `${year}.${pad(num, 3)} ${series}`;
    case 1: return `${series} ${year}/${num}`;
    case 2: return `${year}/${num}-${1 + (num % 3)}`;
    default: return `${year}.${pad(num, 3)}`;
  }
}

function title(rng, year, namnd) {
  const t = rng.pick(TITELMALLAR);
  return t.replace('%s', rng.pick(AMNEN)).replace('%q', String(rng.range(1, 4)))
    .replace('%y', String(year)).replace('%n', namnd.toLowerCase());
}

// One ärende as { dnr, paragraf, title, sections: [[name, text]] }.
function makeArende(rng, mk, ctx) {
  const { kommun, namnd, forv, year, dnr, paragraf } = ctx;
  const t = title(rng, year, namnd);
  const sections = [['Ärendebeskrivning', [mk.paragraph(rng, 2, 5), ...(rng.chance(0.5) ? [mk.paragraph(rng, 1, 4)] : [])]]];
  const extra = [['Bakgrund', 0.4], ['Beredning', 0.3], ['Yttrande', 0.15], ['Ekonomisk bedömning', 0.35], ['Sammanfattning', 0.2]];
  for (const [name, p] of extra) if (rng.chance(p)) sections.push([name, [mk.paragraph(rng, 1, 4)]]);
  if (rng.chance(0.3)) {
    const d = randomDate(rng);
    sections[0][1].push(`Kommunfullmäktige beslutade den ${d.getUTCDate()} ${MANADER[d.getUTCMonth()]} ${d.getUTCFullYear()}, § ${rng.range(1, 250)}, att ${rng.pick(AMNEN)} skulle utredas. Kostnaden beräknas till ${rng.range(2, 900)} ${rng.pick(['000 kronor', 'tkr', 'mnkr'])}.`);
  }
  sections.push(['Förslag till beslut', [`${forv} föreslår att ${namnd.toLowerCase()} beslutar att ${rng.pick(['godkänna', 'anta', 'notera', 'avslå', 'bifalla', 'överlämna'])} ${rng.pick(AMNEN)}. ${mk.sentence(rng)}`]]);
  sections.push(['Beslut', [`${namnd} beslutar ${rng.pick(['enligt förslaget', 'att godkänna förslaget', 'att återremittera ärendet', 'att lägga informationen till handlingarna', 'att avslå motionen'])}.`]]);
  sections.push(['Beslutet ska skickas till', [[rng.pick(['Kommunfullmäktige', 'Kommunstyrelsen', forv, 'Ekonomiavdelningen']), rng.pick(['Kommunens revisorer', 'Akten', 'Handläggaren'])].join('\n')]]);
  return { kommun, namnd, dnr, paragraf, title: t, handlaggare: person(rng), sections };
}

function wrap(text, width) {
  const lines = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > width) { lines.push(line + ' '); line = w; } else line = line ? line + ' ' + w : w;
  }
  if (line) lines.push(line);
  return lines;
}

// --- the three shapes ---------------------------------------------------------------------------
function plainShape(m, rng) {
  const out = [`${m.kommun} kommun`, 'Protokoll', m.namnd, `Sammanträdesdatum ${m.date}`, '',
    `Plats och tid: ${m.plats}, kl. ${rng.range(8, 14)}:00-${rng.range(15, 18)}:00`, '',
    `Beslutande: ${m.ledamoter.join(', ')}`, '', `Justerare: ${m.justerare}`, ''];
  for (const a of m.arenden) {
    out.push('', `${m.date}`, '', `§ ${a.paragraf} ${a.dnr}`, '', a.title, '');
    for (const [name, paras] of a.sections) { out.push(name, ''); for (const p of paras) out.push(p, ''); }
  }
  return out.join('\n');
}

function pdfShape(m, rng) {
  const width = rng.range(86, 96), perPage = 46;
  const body = [];
  for (const a of m.arenden) {
    body.push(` § ${a.paragraf}  ${a.dnr}  `, '', `${a.title} `, '');
    for (const [name, paras] of a.sections) {
      body.push(name);
      for (const p of paras) { for (const l of p.split('\n')) body.push(...wrap(l, width)); body.push(''); }
      body.push(' ', '');
    }
  }
  const pages = Math.ceil(body.length / perPage), out = [];
  for (let pg = 0; pg < pages; pg++) {
    if (pg > 0) out.push('\f');
    out.push(`${m.kommun} kommun  Protokoll  Sammanträdesdatum `, `${m.namnd}  ${m.date}  Sida ${pg + 1} (${pages}) `, '');
    out.push(...body.slice(pg * perPage, (pg + 1) * perPage));
    out.push('', 'Justerandes signatur  Utdragsbestyrkande ');
  }
  return out.join('\n').replace(/\n\f\n/g, '\n\f');
}

function markdownShape(m, rng) {
  const out = ['', `## **Sammanträde med ${m.namnd}**`, '',
    `Tid: ${m.date}, kl. ${rng.range(8, 13)}:00-${rng.range(14, 17)}:00`, '', `Plats: ${m.plats}`, '', '---', '',
    `${m.ordforande},  `, 'Ordförande', '', '### **Ärendelista**', ''];
  m.arenden.forEach((a, i) => out.push(`${i + 1}. ${a.title}, ${a.dnr}`));
  for (const a of m.arenden) {
    out.push('', '', `Datum: ${m.date}  `, `Handläggare: ${a.handlaggare}  `, `Direktnr: 0${rng.range(100, 999)}-${rng.range(10, 99)} ${rng.range(10, 99)} ${rng.range(10, 99)}  `,
      `Diariernr: ${a.dnr}`, '', m.namnd, '', `## ${a.title}`, '');
    for (const [name, paras] of a.sections) {
      out.push(`### ${name}`, '');
      for (const p of paras) out.push(p.replace(/\n/g, '  \n'), '');
      if (name === 'Ekonomisk bedömning' || (name === 'Bakgrund' && rng.chance(0.5))) {
        const y = a.year;
        out.push(`| Post | ${y - 1} | ${y} | ${y + 1} |`, '|---|---:|---:|---:|');
        for (const post of ['Intäkter', 'Personalkostnader', 'Lokalkostnader', 'Netto']) {
          out.push(`| ${post} | ${rng.range(100, 99999)} | ${rng.range(100, 99999)} | ${rng.range(100, 99999)} |`);
        }
        out.push('');
      }
    }
  }
  return out.join('\n');
}

const SHAPES = [['txt', plainShape], ['txt', pdfShape], ['md', markdownShape]];

// Write dir/docs/<kommun>/<file>, dir/manifest.tsv, dir/arenden.tsv; returns stats.
export function makeProtokoll(dir, n, mk, seedsDir, log) {
  const stamp = path.join(dir, '.complete');
  if (fs.existsSync(stamp)) return JSON.parse(fs.readFileSync(stamp, 'utf8'));
  fs.rmSync(dir, { recursive: true, force: true });
  const docs = path.join(dir, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  const rng = new Rng(SEED);
  const counters = new Map();
  const manifest = ['path\tkommun\tnamnd\tdate\ttype'];
  const truth = ['path\tdnr\tparagraf\ttitle\tkommun\tnamnd\tdate'];
  let made = 0, files = 0, bytes = 0;
  const madeDirs = new Set();
  while (made < n) {
    const kIndex = rng.int(KOMMUNER.length);
    const kommun = KOMMUNER[kIndex];
    const [namnd, series, forv] = rng.pick(NAMNDER);
    const d = randomDate(rng), date = iso(d), year = d.getUTCFullYear();
    const k = Math.min(n - made, rng.range(3, 7));
    let para = rng.range(1, 220);
    const arenden = [];
    for (let i = 0; i < k; i++) {
      const ck = `${kIndex}|${series}|${year}`;
      const num = (counters.get(ck) || 0) + 1 + rng.int(3);
      counters.set(ck, num);
      const a = makeArende(rng, mk, { kommun, namnd, forv, year, dnr: dnrFor(kIndex, series, year, num), paragraf: para++ });
      a.year = year;
      arenden.push(a);
    }
    const m = { kommun, namnd, date, arenden, plats: `${rng.pick(['Kommunhuset', 'Stadshuset', 'Sessionssalen', 'Rådhuset'])}, ${kommun}`,
      ledamoter: Array.from({ length: rng.range(5, 9) }, () => `${person(rng)} (${rng.pick(PARTIER)})`),
      justerare: person(rng), ordforande: `${person(rng)} (${rng.pick(PARTIER)})` };
    const [ext, shape] = SHAPES[files % 3];
    const text = shape(m, rng);
    const kdir = slug(kommun);
    if (!madeDirs.has(kdir)) { fs.mkdirSync(path.join(docs, kdir), { recursive: true }); madeDirs.add(kdir); }
    const rel = `docs/${kdir}/${date}-${slug(namnd)}-${pad(files, 7)}.${ext}`;
    fs.writeFileSync(path.join(dir, rel), text);
    const type = ext === 'md' ? 'kallelse' : 'protokoll';
    manifest.push(`${rel}\t${kommun}\t${namnd}\t${date}\t${type}`);
    for (const a of arenden) truth.push(`${rel}\t${a.dnr}\t${a.paragraf}\t${a.title}\t${kommun}\t${namnd}\t${date}`);
    made += k; files++; bytes += Buffer.byteLength(text);
    if (files % 20000 === 0) log(`protokoll-${n}: ${made} ärenden, ${files} files, ${(bytes / 1e6).toFixed(0)} MB`);
  }
  // the five seeds, as they are
  fs.mkdirSync(path.join(docs, 'seeds'), { recursive: true });
  for (const f of fs.readdirSync(seedsDir).filter((f) => f.endsWith('.txt')).sort()) {
    fs.copyFileSync(path.join(seedsDir, f), path.join(docs, 'seeds', f));
    manifest.push(`docs/seeds/${f}\t${f.startsWith('004') ? 'Köping' : 'Alingsås'}\t\t\t`);
    bytes += fs.statSync(path.join(seedsDir, f)).size; files++;
  }
  fs.writeFileSync(path.join(dir, 'manifest.tsv'), manifest.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'arenden.tsv'), truth.join('\n') + '\n');
  const stats = { arenden: made, files, bytes };
  fs.writeFileSync(stamp, JSON.stringify(stats) + '\n');
  log(`protokoll-${n}: ${made} ärenden in ${files} files, ${(bytes / 1e6).toFixed(1)} MB in ${docs}`);
  return stats;
}
