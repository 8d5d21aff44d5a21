// journalist.test.mjs — HTTP tests of the journalist's tools against a fresh index of seeds/:
// the CSV export (format=csv: BOM, header, quoting, one row per ärende, parsed by Python's csv
// module) and the histogram (JSON "histogram", the server-drawn SVG chart in /sok, bars that
// link to their period, per month within a year).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { buildIndex, freshDir, startServer } from './harness.mjs';

let srv;

before(async () => {
  const db = path.join(freshDir('journalist-db'), 'index');
  buildIndex(db);
  srv = await startServer(['--db', db, '--quiet']);
});

after(async () => {
  if (srv) await srv.stop();
});

const get = (p) => fetch(srv.base + p);
const json = async (p) => (await get(p)).json();
const Q = encodeURIComponent('förbund');

describe('CSV export', () => {
  test('format=csv: a download, UTF-8 with BOM, one row per ärende with a link', async () => {
    const r = await get(`/api/search?q=${Q}&format=csv`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(r.headers.get('content-disposition'), /^attachment; filename="protokollsok\.csv"$/);
    const bytes = Buffer.from(await r.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const api = await json(`/api/search?q=${Q}&limit=100`);
    // Python's csv module reads it back: same ärenden in the same order, å/ä/ö intact
    const py = spawnSync('python3', ['-c', `
import csv, io, json, sys
rows = list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode('utf-8-sig'), newline='')))
print(json.dumps(rows))`], { input: bytes, encoding: 'utf8' });
    if (py.error) return; // no python3: the CLI test covers the module when it is there
    assert.equal(py.status, 0, py.stderr);
    const rows = JSON.parse(py.stdout);
    assert.deepEqual(rows[0], ['Diarienummer', 'Paragraf', 'Rubrik', 'Nämnd', 'Kommun', 'Datum', 'Typ', 'Länk']);
    assert.equal(rows.length - 1, api.total);
    rows.slice(1).forEach((row, i) => {
      const h = api.hits[i];
      assert.equal(row[2], (h.title || '').replace(/\n/g, ' '));
      assert.equal(row[3], h.namnd || '');
      const link = new URL(row[7]);
      assert.equal(link.pathname, '/arende.html');
      assert.equal(link.searchParams.get('key'), h.key);
    });
    assert.ok(rows.some((r2) => /[åäö]/.test(r2[2] + r2[3] + r2[4])), 'å/ä/ö round-trip');
  });

  test('limit may go up to 5000 for CSV only; bad format is 400', async () => {
    assert.equal((await get(`/api/search?q=${Q}&format=csv&limit=2`)).status, 200);
    const two = await (await get(`/api/search?q=${Q}&format=csv&limit=2`)).text();
    assert.equal(two.trim().split('\r\n').length, 3);
    assert.equal((await get(`/api/search?q=${Q}&format=csv&limit=5000`)).status, 200);
    assert.equal((await get(`/api/search?q=${Q}&format=csv&limit=5001`)).status, 400);
    assert.equal((await get(`/api/search?q=${Q}&limit=200`)).status, 400);
    const bad = await get(`/api/search?q=${Q}&format=xml`);
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message_sv, /format/);
  });

  test('the results page links to the CSV of the same search', async () => {
    const html = await (await get(`/sok?q=${Q}&kommun=Alings%C3%A5s&offset=0`)).text();
    const m = /<p class="export"><a href="([^"]+)" download>Ladda ner som CSV<\/a>/.exec(html);
    assert.ok(m, 'CSV link');
    const href = m[1].replace(/&amp;/g, '&');
    const u = new URL(href, srv.base);
    assert.equal(u.pathname, '/api/search');
    assert.equal(u.searchParams.get('format'), 'csv');
    assert.equal(u.searchParams.get('kommun'), 'Alingsås');
    assert.equal(u.searchParams.get('q'), 'förbund');
    assert.equal((await get(href)).status, 200);
  });
});

describe('histogram', () => {
  test('JSON: per year in time order, gaps as 0; förbund has 2020 and 2023', async () => {
    const { histogram } = await json(`/api/search?q=${Q}`);
    assert.equal(histogram.unit, 'year');
    const by = Object.fromEntries(histogram.bars.map((b) => [b.period, b]));
    assert.ok(by['2020'].count >= 1 && by['2023'].count >= 1);
    assert.equal(by['2021'].count, 0);
    assert.deepEqual(histogram.bars.map((b) => b.period), [...histogram.bars.map((b) => b.period)].sort());
    assert.equal(by['2023'].from, '2023-01-01');
    assert.equal(by['2023'].to, '2023-12-31');
  });

  test('JSON: per month when from..to is a year or less', async () => {
    const { histogram } = await json(`/api/search?q=${Q}&from=2023&to=2023`);
    assert.equal(histogram.unit, 'month');
    assert.equal(histogram.bars.length, 12);
    assert.equal(histogram.bars[10].period, '2023-11');
    assert.ok(histogram.bars[10].count >= 1);
    assert.equal(histogram.bars[10].label, 'november 2023');
  });

  test('/sok draws the chart as SVG; each bar links to its period and says its count', async () => {
    const html = await (await get(`/sok?q=${Q}`)).text();
    const fig = /<figure class="tidslinje">([\s\S]*?)<\/figure>/.exec(html);
    assert.ok(fig, 'the chart is in the page without JavaScript');
    assert.match(fig[1], /<figcaption id="tid-rubrik">Ärenden per år<\/figcaption>/);
    assert.match(fig[1], /<svg class="stapeldiagram"/);
    const bars = [...fig[1].matchAll(/<a href="([^"]+)" aria-label="(\d{4}): (\d+) ärenden?">/g)];
    assert.ok(bars.length >= 2);
    for (const [, href, year, count] of bars) {
      const u = new URL(href.replace(/&amp;/g, '&'), srv.base);
      assert.equal(u.searchParams.get('from'), `${year}-01-01`);
      assert.equal(u.searchParams.get('to'), `${year}-12-31`);
      const sub = await json(`/api/search?${u.searchParams}`);
      assert.equal(sub.total, Number(count), `the ${year} bar's count is that period's total`);
    }
    assert.match(fig[1], /<g role="img" aria-label="2021: inga ärenden">/);
  });
});

describe('Menade du …?', () => {
  test('JSON: a word without its å/ä/ö is searched as the index spells it, and says so', async () => {
    const body = await json('/api/search?q=forbundet');
    assert.equal(body.query, 'forbundet');
    assert.deepEqual({ ...body.suggestion, message: undefined }, { query: 'förbundet', applied: true, message: undefined });
    assert.match(body.suggestion.message, /^Visar resultat för ”förbundet”/);
    assert.ok(body.hits.some((h) => h.key === 'alingsas:2023.076-sn'));
    const exact = await json('/api/search?q=forbundet&stava=0');
    assert.equal(exact.total, 0);
    assert.equal(exact.suggestion, null);
    assert.equal((await json(`/api/search?q=${Q}`)).suggestion, null);
  });

  test('JSON: hits for the typed words and more for a better spelling: only a suggestion', async () => {
    const body = await json(`/api/search?q=${encodeURIComponent('utträde OR forbund')}`);
    assert.equal(body.suggestion.applied, false);
    assert.equal(body.suggestion.query, 'utträde OR förbund');
    assert.equal(body.suggestion.message, 'Menade du ”utträde OR förbund”?');
  });

  test('/sok says what it searched, links to the typed words and to the suggestion', async () => {
    let html = await (await get('/sok?q=Alingsas')).text();
    let m = /<p class="stavning">Visar resultat för <strong>Alingsås<\/strong>\. [^<]*<a href="([^"]+)">Alingsas<\/a>\.<\/p>/.exec(html);
    assert.ok(m, 'the applied suggestion is said');
    const typed = new URL(m[1].replace(/&amp;/g, '&'), srv.base);
    assert.equal(typed.searchParams.get('stava'), '0');
    assert.match(await (await get(typed.pathname + typed.search)).text(), /Inga ärenden hittades/);
    assert.match(html, /<p id="antal"[^>]*>\d+ ärenden? för ”Alingsås”<\/p>/);
    html = await (await get(`/sok?q=${encodeURIComponent('utträde OR forbund')}`)).text();
    m = /<p class="stavning">Menade du <a href="([^"]+)">utträde OR förbund<\/a>\?<\/p>/.exec(html);
    assert.ok(m, 'Menade du …? with a link');
    assert.equal(new URL(m[1].replace(/&amp;/g, '&'), srv.base).searchParams.get('q'), 'utträde OR förbund');
  });
});

describe('abbreviations', () => {
  test('JSON: IVO also searches its full form, and the full form IVO; parsed shows it', async () => {
    const a = await json('/api/search?q=IVO');
    assert.equal(a.parsed, 'IVO OR "Inspektionen för vård och omsorg"');
    assert.deepEqual(a.expansions, [{ typed: 'IVO', kind: 'abbreviation', also: ['Inspektionen för vård och omsorg'] }]);
    const b = await json(`/api/search?q=${encodeURIComponent('Inspektionen för vård och omsorg')}`);
    assert.deepEqual(b.expansions, [{ typed: 'Inspektionen för vård och omsorg', kind: 'full', also: ['IVO'] }]);
    assert.equal(a.hits[0].key, b.hits[0].key);
    assert.deepEqual((await json(`/api/search?q=${encodeURIComponent('"IVO"')}`)).expansions, []);
  });

  test('/sok explains the expansion', async () => {
    const html = await (await get('/sok?q=IVO')).text();
    assert.match(html, /<p class="forkortning">Söker också på <strong>Inspektionen för vård och omsorg<\/strong> \(<abbr>IVO<\/abbr> är en förkortning\)\. Träffar på det du skrev visas först\.<\/p>/);
    const full = await (await get('/sok?q=kommunfullm%C3%A4ktige')).text();
    assert.match(full, /<p class="forkortning">Söker också på förkortningen <strong>KF<\/strong>\./);
  });
});

describe('Ärendets gång and Liknande ärenden', () => {
  const KEY = encodeURIComponent('alingsas:2023.076-sn');

  test('/api/arende/{key}: the timeline in date order, unresolved references as text, five similar', async () => {
    const a = await json(`/api/arende/${KEY}`);
    const dates = a.history.timeline.map((e) => e.date);
    assert.deepEqual(dates, [...dates].sort());
    const types = a.history.timeline.map((e) => e.type);
    assert.ok(types.indexOf('tjänsteskrivelse') < types.findIndex((t) => /^protokoll/.test(t)));
    assert.deepEqual(a.history.unresolved, ['KF § 94 2021-05-26']);
    for (const e of a.history.timeline.filter((x) => x.kind === 'document')) assert.ok('href' in e);
    assert.ok(a.similar.length >= 1 && a.similar.length <= 5);
    assert.ok(a.similar.every((s) => s.key !== 'alingsas:2023.076-sn' && s.dnr !== '2023.076 SN'));
    assert.ok(a.similar.some((s) => s.key === 'alingsas:2020.096-sn'));
  });

  test('the ärende page shows the timeline with dates and the similar ärenden as links', async () => {
    const html = await (await get(`/arende.html?key=${KEY}`)).text();
    const gang = /<section class="gang"[^>]*><h2 id="gang-rubrik">Ärendets gång<\/h2>([\s\S]*?)<\/section>/.exec(html);
    assert.ok(gang, 'Ärendets gång');
    assert.match(gang[1], /<li><time datetime="2023-10-24">24 oktober 2023<\/time> <span class="steg">tjänsteskrivelse/);
    assert.match(gang[1], /<ul class="ej-hittade"><li>KF § 94 2021-05-26<\/li><\/ul>/);
    const lik = /<section class="liknande"[^>]*><h2 id="liknande-rubrik">Liknande ärenden<\/h2><ul>([\s\S]*?)<\/ul><\/section>/.exec(html);
    assert.ok(lik, 'Liknande ärenden');
    const links = [...lik[1].matchAll(/<a href="([^"]+)">/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    assert.ok(links.length >= 1 && links.length <= 5);
    for (const l of links) assert.equal((await get(l)).status, 200);
  });
});

describe('autocomplete', () => {
  test('/api/suggest completes the last word and offers titles; short input gives nothing', async () => {
    const r = await get(`/api/suggest?q=${encodeURIComponent('förb')}`);
    assert.equal(r.status, 200);
    const body = await r.json();
    assert.equal(body.q, 'förb');
    assert.ok(body.suggestions.some((s) => s.text === 'förbundet' && s.kind === 'word' && s.count > 0));
    const two = await json(`/api/suggest?q=${encodeURIComponent('utträde samordnings')}`);
    assert.ok(two.suggestions.every((s) => s.kind === 'title' || s.text.startsWith('utträde samordnings')));
    assert.deepEqual((await json('/api/suggest?q=f')).suggestions, []);
    assert.deepEqual((await json('/api/suggest')).suggestions, []);
    assert.equal((await get(`/api/suggest?q=${'a'.repeat(300)}`)).status, 400);
  });
});
