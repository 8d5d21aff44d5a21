// server.test.mjs — HTTP tests of `protokollsok serve` against a fresh index of seeds/:
// every endpoint, the JSON schema, error codes, hostile paths over raw sockets, limits,
// security headers, gzip, ETag/304, the access log, reopen after a reindex under load, and a
// graceful shutdown (which under ASan also checks for leaks).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import {
  SEEDS, SRC, TMP, buildIndex, freshDir, rawRequest, startServer, statusOf,
} from './harness.mjs';

let db;
let srv;
let web;

async function getJson(p, init) {
  const r = await fetch(srv.base + p, init);
  const body = await r.json();
  return { r, body };
}

function assertError(status, body, code) {
  assert.equal(typeof body.error, 'object', JSON.stringify(body));
  assert.equal(body.error.status, status);
  assert.equal(typeof body.error.code, 'string');
  if (code) assert.equal(body.error.code, code);
  assert.ok(body.error.message_sv.length > 0);
  assert.ok(body.error.message_en.length > 0);
}

function assertSecurityHeaders(r) {
  const csp = r.headers.get('content-security-policy');
  assert.ok(csp, 'CSP present');
  assert.ok(!csp.includes('unsafe-inline'), 'no unsafe-inline');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(r.headers.get('referrer-policy'));
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
}

// Minimal XML well-formedness: balanced tags, only the five predefined entities or char refs.
function assertWellFormedXml(xml) {
  const stack = [];
  const re = /<(\/?)([A-Za-z_][\w:.-]*)([^>]*?)(\/?)>|<\?[^>]*\?>|&([^;\s]*);|[<&]/g;
  let m;
  while ((m = re.exec(xml))) {
    if (m[0].startsWith('<?')) continue;
    if (m[0] === '<' || m[0] === '&') assert.fail(`stray ${m[0]} at ${m.index}`);
    if (m[5] !== undefined) {
      assert.ok(/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(m[5]), `entity &${m[5]};`);
      continue;
    }
    if (m[4]) continue;
    if (m[1]) assert.equal(stack.pop(), m[2], `closing </${m[2]}>`);
    else stack.push(m[2]);
  }
  assert.deepEqual(stack, []);
  assert.ok(!/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(xml), 'no control characters');
}

before(async () => {
  db = path.join(freshDir('http-db'), 'index');
  buildIndex(db);
  // A copy of web/ with symlinks pointing out of it: they must never be followed.
  web = freshDir('http-web');
  for (const f of fs.readdirSync(path.join(SRC, 'web'))) fs.copyFileSync(path.join(SRC, 'web', f), path.join(web, f));
  fs.symlinkSync('/etc/passwd', path.join(web, 'passwd.txt'));
  fs.symlinkSync('/etc', path.join(web, 'etc'));
  fs.symlinkSync(path.join(SRC, 'CMakeLists.txt'), path.join(web, 'cmake.txt'));
  fs.writeFileSync(path.join(web, '.hidden.txt'), 'secret');
  srv = await startServer(['--db', db, '--web', web, '--serve-sources', SEEDS, '--timeout', '2']);
});

after(async () => {
  if (srv) await srv.stop();
});

describe('API', () => {
  test('GET /api/health describes the index', async () => {
    const { r, body } = await getJson('/api/health');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(body.status, 'ok');
    assert.ok(body.arenden > 0);
    assert.ok(body.documents > 0);
    assert.equal(typeof body.version, 'string');
    assert.ok('last_run' in body && 'revision' in body);
    assert.equal(body.serves_sources, true);
  });

  test('GET /api/search follows the documented schema', async () => {
    const { r, body } = await getJson('/api/search?q=f%C3%B6rbund&limit=3');
    assert.equal(r.status, 200);
    assertSecurityHeaders(r);
    for (const k of ['query', 'parsed', 'fallback', 'note', 'total', 'total_exact', 'offset', 'limit', 'took_ms', 'sort', 'order', 'hits', 'facets']) {
      assert.ok(k in body, `field ${k}`);
    }
    assert.equal(body.query, 'förbund');
    assert.equal(body.limit, 3);
    assert.ok(body.total >= body.hits.length && body.hits.length > 0 && body.hits.length <= 3);
    for (const h of body.hits) {
      for (const k of ['key', 'dnr', 'paragraf', 'title', 'date', 'namnd', 'kommun', 'type', 'score', 'rank', 'excerpts', 'documents']) {
        assert.ok(k in h, `hit field ${k}`);
      }
      assert.equal(typeof h.key, 'string');
      for (const ex of h.excerpts) {
        assert.equal(typeof ex.text, 'string');
        assert.equal(typeof ex.html, 'string');
        const bytes = Buffer.from(ex.text);
        for (const [s, e] of ex.matches) assert.ok(s >= 0 && s < e && e <= bytes.length);
      }
      for (const d of h.documents) {
        assert.ok('path' in d && 'pages' in d && 'href' in d);
        assert.ok(Array.isArray(d.pages));
      }
    }
    for (const f of ['kommun', 'namnd', 'year', 'type']) assert.ok(Array.isArray(body.facets[f]), `facet ${f}`);
  });

  test('paging with offset gives the next hits', async () => {
    const all = (await getJson('/api/search?limit=100')).body;
    assert.ok(all.total >= 2, 'need two ärenden');
    const p1 = (await getJson('/api/search?limit=1&offset=0')).body;
    const p2 = (await getJson('/api/search?limit=1&offset=1')).body;
    assert.equal(p1.hits.length, 1);
    assert.equal(p2.hits.length, 1);
    assert.notEqual(p1.hits[0].key, p2.hits[0].key);
    assert.equal(p2.offset, 1);
  });

  test('sort=datum orders by date, order=asc reverses', async () => {
    const desc = (await getJson('/api/search?sort=datum&limit=100')).body.hits.map((h) => h.date).filter(Boolean);
    const asc = (await getJson('/api/search?sort=datum&order=asc&limit=100')).body.hits.map((h) => h.date).filter(Boolean);
    assert.deepEqual(desc, [...desc].sort().reverse());
    assert.deepEqual(asc, [...asc].sort());
    assert.ok(desc.length > 1);
  });

  // Facet counts may count documents (an ärende can be in several files), so the narrowed
  // number of ärenden is at most the count.
  test('a facet value narrows the search to that value', async () => {
    const base = (await getJson('/api/search?limit=100')).body;
    for (const [facet, param] of [['kommun', 'kommun'], ['namnd', 'namnd'], ['type', 'typ']]) {
      const v = base.facets[facet][base.facets[facet].length - 1];
      if (!v) continue;
      const narrowed = (await getJson(`/api/search?limit=100&${param}=${encodeURIComponent(v.value)}`)).body;
      assert.ok(narrowed.total > 0 && narrowed.total <= v.count, `${facet}=${v.value}`);
      assert.ok(narrowed.total <= base.total);
      assert.equal(narrowed.hits.length, narrowed.total);
      for (const h of narrowed.hits) assert.equal(h[facet], v.value);
    }
  });

  test('a date range keeps hits inside it; a bare year means the whole year', async () => {
    const base = (await getJson('/api/search?limit=100')).body;
    const y = base.facets.year[0];
    const narrowed = (await getJson(`/api/search?limit=100&from=${y.value}&to=${y.value}`)).body;
    assert.ok(narrowed.total > 0 && narrowed.total <= y.count);
    for (const h of narrowed.hits) assert.ok(h.date.startsWith(y.value));
    const full = (await getJson(`/api/search?limit=100&from=${y.value}-01-01&to=${y.value}-12-31`)).body;
    assert.deepEqual(full.hits.map((h) => h.key), narrowed.hits.map((h) => h.key));
  });

  test('bad parameters answer 400 with a message in both languages', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'limit=-1', 'offset=10001', 'offset=1e3',
      'sort=popular', 'order=up', 'from=2023-13-01', 'to=yesterday', 'excerpts=50']) {
      const { r, body } = await getJson(`/api/search?${q}`);
      assert.equal(r.status, 400, q);
      assertError(400, body, 'bad_parameter');
      assert.ok(body.error.message_en.includes(q.split('=')[0]), q);
    }
    const { body } = await getJson('/api/search?limit=100&offset=10000');
    assert.equal(body.offset, 10000);
  });

  test('a too long query is 400, a too long URI 414', async () => {
    let { r, body } = await getJson(`/api/search?q=${'a'.repeat(1001)}`);
    assert.equal(r.status, 400);
    assertError(400, body, 'query_too_long');
    ({ r, body } = await getJson(`/api/search?q=a&x=${'b'.repeat(5000)}`));
    assert.equal(r.status, 414);
    assertError(414, body, 'uri_too_long');
    const huge = await rawRequest(srv.port, `GET /?${'c'.repeat(40000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.ok([400, 413, 414, 431].includes(statusOf(huge.text)), huge.text.slice(0, 80));
  });

  test('a query with a syntax error is 400 bad_query with the position at fault', async () => {
    const { r, body } = await getJson(`/api/search?q=${encodeURIComponent('förbund AND (')}`);
    assert.equal(r.status, 400);
    assertError(400, body, 'bad_query');
    assert.equal(typeof body.error.offset, 'number');
    const page = await fetch(`${srv.base}/sok?q=${encodeURIComponent('förbund AND (')}`);
    assert.equal(page.status, 400);
    assert.match(await page.text(), /<div class="fel">/);
  });

  test('invalid UTF-8 and control characters in parameters are refused', async () => {
    for (const q of ['q=%FF%FE', 'q=a%01b', 'kommun=%C3']) {
      const { r, body } = await getJson(`/api/search?${q}`);
      assert.equal(r.status, 400, q);
      assertError(400, body);
    }
  });

  test('GET /api/arende/{key} returns the ärende with its text and documents', async () => {
    const hit = (await getJson('/api/search?q=f%C3%B6rbund&limit=1')).body.hits[0];
    const { r, body } = await getJson(`/api/arende/${encodeURIComponent(hit.key)}?q=f%C3%B6rbund`);
    assert.equal(r.status, 200);
    assert.equal(body.key, hit.key);
    assert.ok(Array.isArray(body.sections));
    assert.ok(Array.isArray(body.documents) && body.documents.length > 0);
    const text = typeof body.body === 'string' ? body.body : body.body.text;
    const matches = typeof body.body === 'string' ? body.matches : body.body.matches;
    assert.ok(text.length > 0);
    assert.ok(matches.length > 0, 'matches for q');
    for (const d of body.documents) {
      assert.match(d.href, /^\/kalla\//, 'served source link');
      const src = await fetch(srv.base + d.href);
      assert.equal(src.status, 200);
      const original = fs.readFileSync(path.join(SEEDS, path.basename(d.path)));
      assert.deepEqual(Buffer.from(await src.arrayBuffer()), original);
      assert.match(src.headers.get('content-type'), /^text\/plain; charset=utf-8|^application\/pdf/);
    }
  });

  test('an unknown ärende is 404 JSON', async () => {
    for (const key of ['no-such-key', 'a%2Fb', '%E2%80%94', '..%2F..%2Fetc']) {
      const { r, body } = await getJson(`/api/arende/${key}`);
      assert.equal(r.status, 404, key);
      assertError(404, body, 'not_found');
    }
    const { r } = await getJson('/api/arende/%00');
    assert.equal(r.status, 400);
  });

  test('GET /api/facets counts over the whole index', async () => {
    const { r, body } = await getJson('/api/facets');
    assert.equal(r.status, 200);
    const total = (await getJson('/api/health')).body.documents;
    for (const f of ['kommun', 'namnd', 'year', 'type']) {
      assert.ok(Array.isArray(body[f]));
      for (const v of body[f]) assert.ok(typeof v.value === 'string' && v.count > 0 && v.count <= total);
    }
  });

  test('an unknown API path is 404 JSON', async () => {
    const { r, body } = await getJson('/api/nothing');
    assert.equal(r.status, 404);
    assertError(404, body, 'not_found');
  });
});

describe('HTTP', () => {
  test('only GET and HEAD: others are 405 with Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const r = await fetch(`${srv.base}/api/search?q=x`, { method, body: method === 'POST' || method === 'PUT' ? 'x=1' : undefined });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.get('allow'), 'GET, HEAD');
      assertError(405, await r.json(), 'method_not_allowed');
    }
    const raw = await rawRequest(srv.port, 'BREW /pot HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(statusOf(raw.text), 405);
  });

  test('HEAD gives headers without a body', async () => {
    const r = await fetch(`${srv.base}/style.css`, { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal((await r.arrayBuffer()).byteLength, 0);
    assert.ok(Number(r.headers.get('content-length')) > 0);
  });

  test('static files: content type with charset, ETag, Cache-Control and 304', async () => {
    for (const [file, type] of [['/style.css', 'text/css; charset=utf-8'], ['/app.js', 'text/javascript; charset=utf-8'], ['/render.js', 'text/javascript; charset=utf-8'], ['/favicon.svg', 'image/svg+xml; charset=utf-8']]) {
      const r = await fetch(srv.base + file);
      assert.equal(r.status, 200, file);
      assert.equal(r.headers.get('content-type'), type);
      const etag = r.headers.get('etag');
      assert.match(etag, /^"[0-9a-f-]+"$/);
      assert.match(r.headers.get('cache-control'), /max-age=\d+/);
      assertSecurityHeaders(r);
      const again = await fetch(srv.base + file, { headers: { 'If-None-Match': etag } });
      assert.equal(again.status, 304);
      assert.equal((await again.arrayBuffer()).byteLength, 0);
      const other = await fetch(srv.base + file, { headers: { 'If-None-Match': '"nope"' } });
      assert.equal(other.status, 200);
    }
  });

  test('gzip when accepted and worth it, never when refused', async () => {
    const url = `${srv.base}/api/search?limit=50`;
    const raw = await rawRequest(srv.port, `GET /api/search?limit=50 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n`);
    const [head] = raw.text.split('\r\n\r\n');
    assert.match(head, /Content-Encoding: gzip/i);
    assert.match(head, /Vary: Accept-Encoding/i);
    const bodyStart = Buffer.from(raw.text, 'latin1').indexOf('\r\n\r\n') + 4;
    const json = JSON.parse(zlib.gunzipSync(Buffer.from(raw.text, 'latin1').subarray(bodyStart)).toString('utf8'));
    const plain = await (await fetch(url, { headers: { 'Accept-Encoding': 'identity' } })).json();
    assert.deepEqual(json.hits.map((h) => h.key), plain.hits.map((h) => h.key));
    const refused = await rawRequest(srv.port, `GET /api/search?limit=50 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0, identity\r\nConnection: close\r\n\r\n`);
    assert.doesNotMatch(refused.text.split('\r\n\r\n')[0], /Content-Encoding/i);
    const small = await rawRequest(srv.port, `GET /api/arende/none HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n`);
    assert.doesNotMatch(small.text.split('\r\n\r\n')[0], /Content-Encoding/i);
  });

  test('path traversal is impossible, encoded or not', async () => {
    const attempts = [
      '/../../../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', '/.%2e/.%2e/etc/passwd', '/%252e%252e/etc/passwd',
      '/style.css%00.js', '/style.css%00', '/..\\..\\etc\\passwd', '/%5c..%5c..%5cetc%5cpasswd',
      '//etc/passwd', '/./style.css', '/passwd.txt', '/etc/passwd', '/cmake.txt', '/.hidden.txt',
      '/kalla/../CMakeLists.txt', '/kalla/%2e%2e/CMakeLists.txt', '/kalla/..%2fCMakeLists.txt',
      '/kalla//etc/passwd', '/kalla/%2fetc%2fpasswd', '/%c0%ae%c0%ae/etc/passwd',
    ];
    for (const p of attempts) {
      const raw = await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const status = statusOf(raw.text);
      assert.ok(status === 400 || status === 404, `${p} → ${status}`);
      assert.ok(!raw.text.includes('root:'), `${p} leaked /etc/passwd`);
      assert.ok(!raw.text.includes('cmake_minimum_required'), `${p} leaked a file`);
      assert.ok(!raw.text.includes('secret'), `${p} served a hidden file`);
      assert.match(raw.text, /"error":\{"status":(400|404)/, p);
    }
  });

  test('security headers and charset on pages, feed and errors', async () => {
    for (const p of ['/', '/sok?q=beslut', '/feed.atom?q=beslut', '/opensearch.xml', '/nope', '/api/search?q=x']) {
      const r = await fetch(srv.base + p);
      assertSecurityHeaders(r);
      assert.match(r.headers.get('content-type'), /charset=utf-8/, p);
    }
  });

  test('slow clients are cut off after the connection timeout', async () => {
    const t0 = Date.now();
    const res = await rawRequest(srv.port, 'GET / HTTP/1.1\r\nHost: x\r\n', { timeoutMs: 8000 });
    assert.ok(res.closed, 'server closed the connection');
    assert.ok(Date.now() - t0 < 7000);
  });

  test('the access log has one line per request', async () => {
    await fetch(`${srv.base}/api/search?q=loggtest`);
    // the line is written after the answer: wait for it (a loaded machine takes more than 100 ms)
    const line = /"GET \/api\/search\?q=loggtest" 200 \d+/;
    for (let t = 0; t < 50 && !line.test(srv.log()); t++) await new Promise((r) => setTimeout(r, 100));
    assert.match(srv.log(), line);
  });
});

describe('pages without JavaScript', () => {
  test('/sok renders the same hits as the API, with facets and a feed link', async () => {
    const api = (await getJson('/api/search?q=f%C3%B6rbund')).body;
    const r = await fetch(`${srv.base}/sok?q=f%C3%B6rbund`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await r.text();
    assert.match(html, /<html lang="sv">/);
    assert.match(html, /value="förbund"/);
    assert.equal((html.match(/<li class="kort">/g) || []).length, api.hits.length);
    for (const h of api.hits) assert.ok(html.includes(`key=${encodeURIComponent(h.key).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`), h.key);
    assert.match(html, /class="facett"/);
    assert.match(html, /href="\/feed\.atom\?q=f%C3%B6rbund"/);
    assert.ok(!/<script>/.test(html), 'no inline script');
  });

  test('what the user typed is escaped in the page', async () => {
    const html = await (await fetch(`${srv.base}/sok?q=${encodeURIComponent('"><script>alert(1)</script>')}`)).text();
    assert.ok(!html.includes('<script>alert(1)'));
    assert.ok(html.includes('&quot;&gt;&lt;script&gt;'));
  });

  test('bad parameters give a page that says what is wrong', async () => {
    const r = await fetch(`${srv.base}/sok?q=x&from=igår`);
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await r.text();
    assert.match(html, /<div class="fel"><p>Ogiltig parameter &#39;from&#39;: ett datum som ÅÅÅÅ-MM-DD<\/p>/);
    assert.match(html, /value="x"/);
  });

  test('the start page has the form and no results', async () => {
    const html = await (await fetch(`${srv.base}/`)).text();
    assert.match(html, /<form id="sokform"[^>]*action="\/sok" method="get"/);
    assert.ok(!html.includes('class="kort"'));
    assert.ok(!html.includes('{{'), 'all markers replaced');
  });

  test('the ärende page shows text, marks, documents with pages and a feed link', async () => {
    const hit = (await getJson('/api/search?q=f%C3%B6rbund&limit=1')).body.hits[0];
    const r = await fetch(`${srv.base}/arende.html?key=${encodeURIComponent(hit.key)}&q=f%C3%B6rbund`);
    assert.equal(r.status, 200);
    const html = await r.text();
    assert.match(html, /<h1 id="arende-rubrik">/);
    assert.match(html, /<mark id="traff-1">/);
    assert.match(html, /href="\/kalla\/[^"]+"/);
    assert.match(html, /Prenumerera på denna sökning/);
    if (hit.dnr) assert.ok(html.includes(`href="/feed.atom?q=dnr%3A%22${encodeURIComponent(hit.dnr)}%22">Bevaka ärendet`), 'feed of the dnr');
    const missing = await fetch(`${srv.base}/arende.html?key=nope`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /Ärendet finns inte/);
  });
});

describe('feeds', () => {
  test('/feed.atom is well-formed Atom, newest first, linking to ärende pages', async () => {
    const r = await fetch(`${srv.base}/feed.atom?q=f%C3%B6rbund`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/atom+xml; charset=utf-8');
    const xml = await r.text();
    assertWellFormedXml(xml);
    assert.match(xml, /<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom"/);
    const api = (await getJson('/api/search?q=f%C3%B6rbund&sort=datum&limit=30')).body;
    const ids = [...xml.matchAll(/<entry>[\s\S]*?<id>[^<]*key=([^<]+)<\/id>/g)].map((m) => decodeURIComponent(m[1]));
    assert.deepEqual(ids, api.hits.map((h) => h.key), 'entries in date order, newest first');
    const updated = [...xml.matchAll(/<entry>[\s\S]*?<updated>([^<]+)<\/updated>/g)].map((m) => m[1]);
    const dated = api.hits.map((h) => h.date).filter(Boolean).map((d) => `${d}T00:00:00Z`);
    assert.deepEqual(updated.slice(0, dated.length), dated);
    for (const u of updated) assert.match(u, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(xml, /<link rel="alternate" type="text\/html" href="http:\/\/127\.0\.0\.1:\d+\/arende\.html\?key=/);
  });

  test('the feed escapes hostile query text', async () => {
    const xml = await (await fetch(`${srv.base}/feed.atom?q=${encodeURIComponent('<a href="x">&\u0001</a>')}`)).text();
    assertWellFormedXml(xml);
  });

  test('/opensearch.xml points at /sok', async () => {
    const r = await fetch(`${srv.base}/opensearch.xml`);
    assert.equal(r.headers.get('content-type'), 'application/opensearchdescription+xml; charset=utf-8');
    const xml = await r.text();
    assertWellFormedXml(xml);
    assert.match(xml, /template="http:\/\/127\.0\.0\.1:\d+\/sok\?q=\{searchTerms\}"/);
  });
});

describe('lifecycle', () => {
  test('reopens after a reindex and a --full rebuild while requests keep succeeding', async () => {
    const dir = freshDir('reopen-src');
    const files = fs.readdirSync(SEEDS).filter((f) => !f.endsWith('.tsv')).sort();
    for (const f of files.slice(0, 2)) fs.copyFileSync(path.join(SEEDS, f), path.join(dir, f));
    const rdb = path.join(freshDir('reopen-db'), 'index');
    buildIndex(rdb, dir);
    const s2 = await startServer(['--db', rdb, '--quiet']);
    const health = async () => (await (await fetch(`${s2.base}/api/health`)).json()).arenden;
    const waitChange = async (from) => {
      let now = from;
      for (let i = 0; i < 50 && now === from; i++) {
        await new Promise((r) => setTimeout(r, 100));
        now = await health();
      }
      return now;
    };
    let stop = false;
    try {
      const failures = [];
      let done = 0;
      const load = async () => {
        while (!stop) {
          const r = await fetch(`${s2.base}/api/search?q=f%C3%B6rbund`);
          if (r.status !== 200) failures.push(`${r.status} ${await r.text()}`);
          else await r.json();
          done++;
        }
      };
      const workers = [load(), load(), load()];
      const first = await health();
      for (const f of files.slice(2)) fs.copyFileSync(path.join(SEEDS, f), path.join(dir, f));
      buildIndex(rdb, dir);
      const second = await waitChange(first);
      assert.ok(second > first, `incremental: ärenden ${first} → ${second}`);
      fs.rmSync(path.join(dir, files[files.length - 1]));
      buildIndex(rdb, dir, ['--full']);
      const third = await waitChange(second);
      assert.ok(third < second, `--full: ärenden ${second} → ${third}`);
      stop = true;
      await Promise.all(workers);
      assert.deepEqual(failures, []);
      assert.ok(done > 10, `requests during reindex: ${done}`);
    } finally {
      stop = true;
      assert.equal(await s2.stop(), 0);
    }
  });

  test('--no-log-queries keeps query text out of the log', async () => {
    const s3 = await startServer(['--db', db, '--no-log-queries']);
    try {
      await fetch(`${s3.base}/api/search?q=hemligt`);
      await fetch(`${s3.base}/sok?q=hemligt`);
      await new Promise((r) => setTimeout(r, 100));
      assert.match(s3.log(), /"GET \/api\/search" 200/);
      assert.ok(!s3.log().includes('hemligt'));
    } finally {
      await s3.stop();
    }
  });

  test('a missing index is exit status 3 with a message', async () => {
    await assert.rejects(startServer(['--db', path.join(freshDir('none'), 'nothing')]), /exited with 3/);
  });

  test('a missing web or sources folder is a usage error (2)', async () => {
    await assert.rejects(startServer(['--db', db, '--web', path.join(TMP, 'no-web')]), /exited with 2/);
    await assert.rejects(startServer(['--db', db, '--serve-sources', path.join(TMP, 'no-src')]), /exited with 2/);
    await assert.rejects(startServer(['--db', db, '--port', '70000']), /exited with 2/);
  });

  test('SIGTERM shuts down cleanly (exit 0, no leaks)', async () => {
    const s4 = await startServer(['--db', db]);
    const pending = fetch(`${s4.base}/api/search?q=beslut`).then((r) => r.status);
    assert.equal(await pending, 200);
    assert.equal(await s4.stop(), 0);
    assert.match(s4.log(), /SIGTERM received, shutting down/);
  });
});
