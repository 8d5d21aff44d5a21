// journalist.test.mjs — the journalist's tools in the system chromium (playwright-core) at
// 1280 and 360 px: the histogram chart and its bar links (with and without JavaScript), the
// "Ladda ner som CSV" link, "Menade du …?"; axe-core with zero violations and no horizontal scroll on every
// page state tested.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { buildIndex, freshDir, startServer } from '../http/harness.mjs';
import { axeScan, launch, newPage as openPage, waitFor } from './browser.mjs';

const Q = 'förbund';
const SIZES = [['desktop', { width: 1280, height: 900 }], ['360', { width: 360, height: 780 }]];

let srv;
let browser;

before(async () => {
  const db = path.join(freshDir('journalist-ui-db'), 'index');
  buildIndex(db);
  srv = await startServer(['--db', db, '--quiet']);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

function newPage(opts = {}) {
  return openPage(browser, { viewport: SIZES[0][1], ...opts });
}

// axe with zero violations and no sideways scroll, at both sizes.
async function checkPage(url, what) {
  for (const [size, viewport] of SIZES) {
    const page = await newPage({ viewport, bypassCSP: true });
    await page.goto(srv.base + url);
    assert.deepEqual(await axeScan(page), [], `${what} at ${size}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${what} at ${size} scrolls sideways by ${overflow}px`);
    await page.context().close();
  }
}

test('the chart: a bar per year, its link narrows to that year and shows months', async () => {
  for (const js of [true, false]) {
    const page = await newPage({ javaScriptEnabled: js });
    await page.goto(`${srv.base}/sok?q=${encodeURIComponent(Q)}`);
    const labels = await page.$$eval('.tidslinje svg a', (as) => as.map((a) => a.getAttribute('aria-label')));
    assert.ok(labels.includes('2023: 2 ärenden') || labels.some((l) => l.startsWith('2023: ')), labels.join());
    assert.ok(labels.some((l) => l.startsWith('2020: ')));
    const bar = await page.$('.tidslinje svg a[aria-label^="2023: "]');
    if (js) {
      await bar.click();
      await waitFor(page, () => /Ärenden per månad/.test(document.querySelector('.tidslinje figcaption')?.textContent || ''));
    } else {
      await Promise.all([page.waitForNavigation(), bar.click()]);
      assert.match(await page.textContent('.tidslinje figcaption'), /Ärenden per månad/);
    }
    const u = new URL(page.url());
    assert.equal(u.searchParams.get('from'), '2023-01-01');
    assert.equal(u.searchParams.get('to'), '2023-12-31');
    assert.equal(await page.$$eval('.tidslinje svg a', (as) => as.some((a) => a.getAttribute('aria-label').startsWith('november 2023: '))), true);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('the CSV link downloads this search as CSV, with JavaScript and without', async () => {
  for (const js of [true, false]) {
    const page = await newPage({ javaScriptEnabled: js, acceptDownloads: true });
    await page.goto(`${srv.base}/`);
    await page.fill('#q', Q);
    await page.press('#q', 'Enter');
    await page.waitForSelector('.export a');
    const href = await page.getAttribute('.export a', 'href');
    const u = new URL(href, srv.base);
    assert.equal(u.searchParams.get('format'), 'csv');
    assert.equal(u.searchParams.get('q'), Q);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.export a')]);
    assert.equal(download.suggestedFilename(), 'protokollsok.csv');
    await page.context().close();
  }
});

test('Menade du …?: the suggestion is said and linked, with JavaScript and without', async () => {
  for (const js of [true, false]) {
    const page = await newPage({ javaScriptEnabled: js });
    await page.goto(`${srv.base}/`);
    await page.fill('#q', 'forbundet');
    if (js) await page.press('#q', 'Enter');
    else await Promise.all([page.waitForNavigation(), page.press('#q', 'Enter')]);
    await page.waitForSelector('.stavning');
    assert.match(await page.textContent('.stavning'), /^Visar resultat för förbundet\./);
    assert.match(await page.textContent('#antal'), /ärenden? för ”förbundet”/);
    assert.ok((await page.$$('#resultat .kort')).length >= 3);
    // the typed words, exactly: nothing
    if (js) {
      await page.click('.stavning a');
      await waitFor(page, () => /Inga ärenden/.test(document.getElementById('antal').textContent));
    } else {
      await Promise.all([page.waitForNavigation(), page.click('.stavning a')]);
      assert.match(await page.textContent('#antal'), /Inga ärenden/);
    }
    assert.equal(new URL(page.url()).searchParams.get('stava'), '0');
    // "Menade du": a link to the better spelling
    await page.goto(`${srv.base}/sok?q=${encodeURIComponent('utträde OR forbund')}`);
    assert.match(await page.textContent('.stavning'), /^Menade du utträde OR förbund\?$/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('an abbreviation is explained above the results, also when rendered by the script', async () => {
  const page = await newPage();
  await page.goto(`${srv.base}/`);
  await page.fill('#q', 'IVO');
  await page.press('#q', 'Enter');
  await page.waitForSelector('.forkortning');
  assert.equal(await page.textContent('.forkortning'),
    'Söker också på Inspektionen för vård och omsorg (IVO är en förkortning). Träffar på det du skrev visas först.');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the ärende page: the timeline and a similar ärende one click away', async () => {
  const page = await newPage();
  await page.goto(`${srv.base}/arende.html?key=${encodeURIComponent('alingsas:2023.076-sn')}`);
  const steps = await page.$$eval('.gang .tidslinje-lista li time', (ts) => ts.map((t) => t.getAttribute('datetime')));
  assert.ok(steps.length >= 2);
  assert.deepEqual(steps, [...steps].sort());
  assert.match(await page.textContent('.gang'), /KF § 94 2021-05-26/);
  const first = await page.$('.liknande a');
  const title = (await first.textContent()).trim();
  await Promise.all([page.waitForNavigation(), first.click()]);
  assert.equal((await page.textContent('h1')).trim(), title);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('autocomplete: an ARIA combobox that never blocks typing or submits by itself', async () => {
  for (const [size, viewport] of SIZES) {
    const page = await newPage({ viewport, bypassCSP: true });
    await page.goto(`${srv.base}/`);
    assert.equal(await page.getAttribute('#q', 'role'), 'combobox');
    assert.equal(await page.getAttribute('#q', 'aria-expanded'), 'false');
    await page.type('#q', 'förb', { delay: 30 });
    await page.waitForSelector('#q-forslag [role="option"]');
    assert.equal(await page.getAttribute('#q', 'aria-expanded'), 'true');
    const options = await page.$$eval('#q-forslag [role="option"]', (os) => os.map((o) => o.textContent));
    assert.ok(options.includes('förbundet'), options.join('|'));
    assert.deepEqual(await axeScan(page), [], `the open list at ${size}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the open list at ${size} scrolls sideways by ${overflow}px`);
    // arrows move the active option; the focus stays in the box
    await page.keyboard.press('ArrowDown');
    const id = await page.getAttribute('#q', 'aria-activedescendant');
    assert.ok(id);
    assert.equal(await page.getAttribute(`#${id}`, 'aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
    // Enter puts it in the box and does not search
    const chosen = await page.textContent(`#${id}`);
    await page.keyboard.press('Enter');
    assert.equal(await page.inputValue('#q'), chosen);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.getAttribute('#q', 'aria-expanded'), 'false');
    // typing fast goes on unhindered while suggestions come and go; Escape closes the list
    await page.fill('#q', '');
    await page.keyboard.type('samordningsförbundet utträde', { delay: 5 });
    assert.equal(await page.inputValue('#q'), 'samordningsförbundet utträde');
    await page.waitForSelector('#q-forslag:not([hidden]) [role="option"]');
    await page.keyboard.press('Escape');
    assert.equal(await page.inputValue('#q'), 'samordningsförbundet utträde');
    assert.equal(await page.getAttribute('#q', 'aria-expanded'), 'false');
    // the next Enter searches what is in the box
    await page.keyboard.press('Enter');
    await waitFor(page, () => location.pathname === '/sok');
    assert.equal(new URL(page.url()).searchParams.get('q'), 'samordningsförbundet utträde');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('axe-core: no violations, no sideways scroll (chart by year and by month, suggestion)', async () => {
  await checkPage(`/sok?q=${encodeURIComponent(Q)}`, 'results with the chart by year');
  await checkPage('/sok?q=forbundet', 'the suggestion applied');
  await checkPage(`/sok?q=${encodeURIComponent('utträde OR forbund')}`, 'Menade du');
  await checkPage('/sok?q=IVO', 'an abbreviation explained');
  await checkPage(`/arende.html?key=${encodeURIComponent('alingsas:2023.076-sn')}`, 'the ärende page with its timeline');
  await checkPage(`/sok?q=${encodeURIComponent(Q)}&from=2023-01-01&to=2023-12-31`, 'chart by month');
});
