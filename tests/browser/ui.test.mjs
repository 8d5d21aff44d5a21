// ui.test.mjs — the web UI in the system chromium (playwright-core, no browser download):
// search, facet narrowing, sort, pagination, share-URL reload, back/forward, the ärende page,
// keyboard-only use, the page without JavaScript, axe-core with zero violations, and
// screenshots at desktop and 360 px (no horizontal scroll) under the build directory.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { SEEDS, buildIndex, freshDir, startServer } from '../http/harness.mjs';
import { axeScan, launch, newPage as openPage, waitFor } from './browser.mjs';

const SHOTS = process.env.PS_SCREENSHOT_DIR || path.join(process.env.PS_TEST_TMP, 'screenshots');
const Q = 'förbund';

let srv;
let browser;
let api; // the API's answer for Q, to compare the UI with

before(async () => {
  const db = path.join(freshDir('ui-db'), 'index');
  buildIndex(db);
  srv = await startServer(['--db', db, '--serve-sources', SEEDS, '--quiet']);
  browser = await launch();
  api = await (await fetch(`${srv.base}/api/search?q=${encodeURIComponent(Q)}&limit=100`)).json();
  assert.ok(api.total >= 3, 'the seeds give at least three ärenden for the test query');
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

function newPage(opts = {}) {
  return openPage(browser, opts);
}

async function cardKeys(page) {
  return page.$$eval('#resultat .kort h3 a', (as) => as.map((a) => new URL(a.href).searchParams.get('key')));
}

test('search from the start page, with the URL holding the query', async () => {
  const page = await newPage();
  await page.goto(`${srv.base}/`);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q', 'search box has focus');
  await page.keyboard.type(Q);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#resultat .kort');
  assert.equal(new URL(page.url()).pathname, '/sok');
  assert.equal(new URL(page.url()).searchParams.get('q'), Q);
  const keys = await cardKeys(page);
  assert.deepEqual(keys, api.hits.slice(0, 10).map((h) => h.key));
  assert.match(await page.textContent('#antal'), new RegExp(`${api.total} ärenden? för ”${Q}”`));
  assert.ok(await page.$('#resultat .kort mark'), 'matches are marked');
  assert.equal(await page.getAttribute('#antal', 'aria-live'), 'polite');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('facets narrow the search; the selected value can be removed again', async () => {
  const page = await newPage();
  await page.goto(`${srv.base}/sok?q=${encodeURIComponent(Q)}`);
  const facet = api.facets.namnd.length > 1 ? 'namnd' : 'kommun';
  const value = api.facets[facet][api.facets[facet].length - 1];
  const heading = facet === 'namnd' ? 'Nämnd' : 'Kommun';
  const link = page.locator('.facett', { has: page.locator('h3', { hasText: heading }) }).locator('a', { hasText: value.value });
  await link.click();
  await waitFor(page, (f) => new URL(location.href).searchParams.has(f) && !document.querySelector('#resultat[aria-busy]'), facet);
  assert.equal(new URL(page.url()).searchParams.get(facet), value.value);
  // Facet counts may count documents (an ärende in several files): at most that many ärenden.
  const shown = await page.$$eval(`#resultat .kort .${facet}`, (els) => els.map((e) => e.textContent));
  assert.ok(shown.length >= 1 && shown.length <= value.count, `${shown.length} cards for ${value.count}`);
  for (const s of shown) assert.equal(s, value.value);
  assert.equal(await page.$$eval('#resultat .kort', (cs) => cs.length), shown.length);
  const selected = page.locator('.facett a[aria-current="true"]');
  assert.equal(await selected.count(), 1);
  await selected.click();
  await waitFor(page, () => !new URL(location.href).searchParams.has('namnd') && !new URL(location.href).searchParams.has('kommun'));
  await waitFor(page, (n) => document.querySelector('#antal').textContent.startsWith(String(n)), api.total);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('sort by date, newest and oldest first', async () => {
  const page = await newPage();
  await page.goto(`${srv.base}/sok?q=${encodeURIComponent(Q)}`);
  await page.selectOption('#sort', 'datum');
  await waitFor(page, () => new URL(location.href).searchParams.get('sort') === 'datum');
  await waitFor(page, () => !document.querySelector('#resultat[aria-busy]'));
  const desc = await page.$$eval('#resultat .kort time', (ts) => ts.map((t) => t.getAttribute('datetime')));
  assert.ok(desc.length > 1);
  assert.deepEqual(desc, [...desc].sort().reverse());
  await page.selectOption('#sort', 'datum-asc');
  await waitFor(page, () => new URL(location.href).searchParams.get('sort') === 'datum-asc');
  await waitFor(page, () => !document.querySelector('#resultat[aria-busy]'));
  const asc = await page.$$eval('#resultat .kort time', (ts) => ts.map((t) => t.getAttribute('datetime')));
  assert.deepEqual(asc, [...asc].sort());
  await page.context().close();
});

test('pagination, back/forward and reloading a shared URL', async () => {
  const page = await newPage();
  await page.goto(`${srv.base}/sok?q=${encodeURIComponent(Q)}&limit=2`);
  const first = await cardKeys(page);
  assert.deepEqual(first, api.hits.slice(0, 2).map((h) => h.key));
  await page.click('.sidor a[rel="next"]');
  await waitFor(page, () => new URL(location.href).searchParams.get('offset') === '2');
  await waitFor(page, () => !document.querySelector('#resultat[aria-busy]'));
  const second = await cardKeys(page);
  assert.deepEqual(second, api.hits.slice(2, 4).map((h) => h.key));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'resultat-rubrik', 'focus moves to the results');
  assert.equal(await page.getAttribute('#resultat ol', 'start'), '3');

  const shared = page.url();
  const other = await newPage();
  await other.goto(shared);
  assert.deepEqual(await cardKeys(other), second, 'a shared URL shows the same page');
  assert.equal(await other.inputValue('#q'), Q);
  await other.context().close();

  await page.goBack();
  await waitFor(page, () => !new URL(location.href).searchParams.has('offset'));
  await waitFor(page, (k) => document.querySelector('#resultat .kort h3 a')?.href.includes(encodeURIComponent(k)), first[0]);
  assert.deepEqual(await cardKeys(page), first);
  await page.goForward();
  await waitFor(page, () => new URL(location.href).searchParams.get('offset') === '2');
  await waitFor(page, (k) => document.querySelector('#resultat .kort h3 a')?.href.includes(encodeURIComponent(k)), second[0]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the ärende page: text with marks, metadata, documents, feed link', async () => {
  const page = await newPage();
  await page.goto(`${srv.base}/sok?q=${encodeURIComponent(Q)}`);
  await Promise.all([page.waitForNavigation(), page.click('#resultat .kort h3 a')]);
  assert.equal(new URL(page.url()).pathname, '/arende.html');
  const h1 = await page.textContent('h1');
  assert.equal(h1, api.hits[0].title || api.hits[0].dnr);
  assert.ok(await page.$('.fulltext mark'), 'matches marked in the full text');
  assert.ok((await page.$$('.fulltext h2')).length > 0, 'sections as headings');
  const docs = await page.$$eval('.dokument a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(docs.length > 0);
  for (const d of docs) assert.match(d, /^\/kalla\//);
  assert.match(await page.getAttribute('.bevaka a', 'href'), /^\/feed\.atom\?q=/);
  assert.equal(await page.inputValue('#q'), Q);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('keyboard only: type, submit, tab to a facet, choose it', async () => {
  const page = await newPage();
  await page.goto(`${srv.base}/`);
  await page.keyboard.type(Q);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#resultat .kort');
  let onFacet = false;
  for (let i = 0; i < 80 && !onFacet; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const a = document.activeElement;
      const cs = getComputedStyle(a);
      return { facet: !!a.closest('.facett'), outline: cs.outlineStyle, width: cs.outlineWidth };
    });
    if (info.facet) {
      onFacet = true;
      assert.notEqual(info.outline, 'none', 'focus is visible');
    }
  }
  assert.ok(onFacet, 'a facet link is reachable with Tab');
  const before = page.url();
  await page.keyboard.press('Enter');
  await waitFor(page, (u) => location.href !== u, before);
  await waitFor(page, () => !document.querySelector('#resultat[aria-busy]'));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'resultat-rubrik');
  await page.context().close();
});

test('empty and error states explain what to do', async () => {
  const page = await newPage();
  await page.goto(`${srv.base}/`);
  await page.fill('#q', 'xyzzyplugh');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#resultat .tomt');
  assert.equal(await page.textContent('#antal'), 'Inga ärenden hittades för ”xyzzyplugh”.');
  assert.match(await page.textContent('#resultat .tomt'), /Kontrollera stavningen/);
  assert.equal(await page.$('#filter h2'), null, 'no facet heading without facets');
  await page.fill('#q', 'förbund AND (');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#resultat .fel');
  assert.match(await page.textContent('#resultat .fel'), /Sökfrågan kunde inte tolkas/);
  assert.equal(await page.textContent('#antal'), 'Sökningen kunde inte göras.');
  assert.deepEqual(page.errors.filter((e) => !/status of 400/.test(e)), []);
  await page.context().close();
});

test('works without JavaScript', async () => {
  const page = await newPage({ javaScriptEnabled: false });
  await page.goto(`${srv.base}/`);
  await page.fill('#q', Q);
  await Promise.all([page.waitForNavigation(), page.click('#sokform button[type="submit"]')]);
  assert.equal(new URL(page.url()).pathname, '/sok');
  assert.deepEqual(await cardKeys(page), api.hits.slice(0, 10).map((h) => h.key));
  await Promise.all([page.waitForNavigation(), page.click('.facett a')]);
  assert.ok(new URL(page.url()).searchParams.size > 1, 'facet link is a plain link');
  await page.context().close();
});

test('axe-core finds no violations; screenshots; no horizontal scroll at 360 px', async () => {
  const key = api.hits[0].key;
  const pages = [
    ['sok', `/sok?q=${encodeURIComponent(Q)}`],
    ['arende', `/arende.html?key=${encodeURIComponent(key)}&q=${encodeURIComponent(Q)}`],
    ['start', '/'],
  ];
  for (const [name, url] of pages) {
    for (const [size, viewport] of [['desktop', { width: 1280, height: 900 }], ['360', { width: 360, height: 780 }]]) {
      // Our CSP blocks injected inline scripts (as it should); let axe in for the scan only.
      const page = await newPage({ viewport, bypassCSP: true });
      await page.goto(srv.base + url);
      const violations = await axeScan(page);
      assert.deepEqual(violations, [], `${name} at ${size}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${name} at ${size} scrolls sideways by ${overflow}px`);
      await page.screenshot({ path: path.join(SHOTS, `${name}-${size}.png`), fullPage: true });
      await page.context().close();
    }
  }
});
