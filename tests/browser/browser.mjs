// browser.mjs — shared by the browser tests: launch the system chromium (playwright-core, no
// browser download), open a page that records script errors, wait without eval, scan with axe.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const AXE = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');

export function launch() {
  return chromium.launch({
    executablePath: process.env.PS_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

// A page in a new context (Swedish, 1280×900 unless opts say otherwise); page.errors collects
// uncaught exceptions and console errors.
export async function newPage(browser, opts = {}) {
  const ctx = await browser.newContext({ locale: 'sv-SE', viewport: { width: 1280, height: 900 }, ...opts });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.errors = errors;
  return page;
}

// Like page.waitForFunction, but polling through evaluate: waitForFunction's polling evaluates
// strings, which the page's CSP (no 'unsafe-eval') rightly refuses.
export async function waitFor(page, fn, arg, timeoutMs = 10000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${fn}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// axe-core's violations as "rule: targets" lines (the page needs bypassCSP: true).
export async function axeScan(page) {
  await page.addScriptTag({ path: AXE });
  const res = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
