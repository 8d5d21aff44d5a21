// hostile.test.mjs — `protokollsok serve` against what an attacker sends (loopback only, every
// test bounded in sockets and seconds): parameter floods, slowloris from many addresses
// (127.0.0.2, 127.0.0.3, ... are all loopback on Linux), a connection flood, encoded NULs, a
// missing Host, keep-alive and pipelining, errors on the feed, the trusted-proxy mode. Each
// server is stopped with SIGTERM at the end, which under ASan also checks for leaks.

import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { buildIndex, freshDir, rawRequest, startServer, statusOf } from './harness.mjs';

let db;

before(() => {
  db = path.join(freshDir('hostile-db'), 'index');
  buildIndex(db);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function statuses(raw) {
  return [...raw.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
}

// Open a socket from a given loopback address; resolves once connected (or rejects).
function open(port, localAddress = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    sock.closedAt = null;
    sock.on('close', () => { sock.closedAt = Date.now(); });
    sock.on('error', () => {});
    sock.once('connect', () => resolve(sock));
    sock.once('error', reject);
  });
}

// A slowloris client: a request head, one byte every `everyMs`, never finished.
function trickle(sock, everyMs) {
  const head = 'GET /api/search?q=kommun HTTP/1.1\r\nHost: a\r\nX-Slow: ';
  let i = 0;
  const timer = setInterval(() => {
    if (sock.destroyed || sock.closedAt) { clearInterval(timer); return; }
    sock.write(i < head.length ? head[i] : 'a');
    i++;
  }, everyMs);
  sock.stopTrickle = () => clearInterval(timer);
  return sock;
}

// A normal request; resolves to { status, ms } (status 0 when it failed or took over limitMs).
async function timedGet(port, p, limitMs) {
  const t0 = Date.now();
  const r = await rawRequest(port, `GET ${p} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
    { timeoutMs: limitMs }).catch(() => ({ text: '' }));
  return { status: statusOf(r.text), ms: Date.now() - t0 };
}

async function stopClean(srv) {
  const code = await srv.stop();
  assert.equal(code, 0, `exit code (LeakSanitizer reports make it non-zero): ${srv.log().slice(-3000)}`);
  assert.ok(!/LeakSanitizer|AddressSanitizer/.test(srv.log()), srv.log().slice(-3000));
}

describe('requests', () => {
  let srv;
  before(async () => {
    srv = await startServer(['--db', db, '--max-requests', '5']);
  });
  after(async () => { await stopClean(srv); });

  test('485 and more query parameters: a quick 400, no hang, nothing leaked', async () => {
    for (const n of [485, 600, 2000]) {
      const params = Array.from({ length: n }, (_, i) => (n === 2000 ? 'a' : `a${i}=1`)).join('&');
      for (let k = 0; k < 10; k++) {
        const t0 = Date.now();
        const r = await rawRequest(srv.port,
          `GET /api/search?q=x&${params} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
          { timeoutMs: 3000 });
        assert.ok(!r.timedOut, `${n} parameters: no answer`);
        // Over 4 KB the target itself is too long (414); under it the count is (400).
        assert.ok([400, 414].includes(statusOf(r.text)), `${n} parameters: ${r.text.slice(0, 200)}`);
        assert.match(r.text, /too_many_parameters|uri_too_long/);
        assert.ok(Date.now() - t0 < 1000, `${n} parameters took ${Date.now() - t0} ms`);
      }
    }
    assert.match(srv.log(), /"GET \/api\/search\?q=x&a0=1[^"]*" 400 /);
  });

  test('encoded NUL in a parameter is a 400, never a silently shorter value', async () => {
    for (const p of ['/api/search?q=a%00b', '/api/search?q=a&kommun=%00', '/sok?q=a%00',
      '/feed.atom?q=%00']) {
      const r = await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
      assert.equal(statusOf(r.text), 400, `${p}: ${r.text.slice(0, 200)}`);
    }
  });

  test('HTTP/1.1 without Host is a 400; HTTP/1.0 without Host is answered', async () => {
    const r = await rawRequest(srv.port, 'GET /api/health HTTP/1.1\r\n\r\n');
    assert.equal(statusOf(r.text), 400);
    assert.match(r.text, /"no_host"/);
    const r10 = await rawRequest(srv.port, 'GET /api/health HTTP/1.0\r\n\r\n');
    assert.equal(statusOf(r10.text), 200);
  });

  test('a request with a body gets one 413 and the connection closes', async () => {
    const r = await rawRequest(srv.port,
      'GET /api/health HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello');
    assert.deepEqual(statuses(r.text), [413]);
    assert.ok(r.closed);
  });

  test('Content-Length: -5 gets one 400', { todo: 'libmicrohttpd 0.9.75 (Debian 12) queues its own 400 twice; fixed in 1.0' }, async () => {
    const r = await rawRequest(srv.port,
      'GET /api/health HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n');
    assert.deepEqual(statuses(r.text), [400]);
  });

  test('keep-alive: pipelined requests are all answered, in order, up to --max-requests', async () => {
    const one = 'GET /api/health HTTP/1.1\r\nHost: a\r\n\r\n';
    const r = await rawRequest(srv.port, one.repeat(3) + 'GET /nope.txt HTTP/1.1\r\nHost: a\r\n\r\n',
      { timeoutMs: 1000 });
    assert.deepEqual(statuses(r.text), [200, 200, 200, 404]);
    assert.ok(!/Connection: close/i.test(r.text.split('\r\n\r\n')[0]), 'first answer keeps the connection');
    // and says how long it may stay idle, so a client never reuses a socket the server is closing
    assert.match(r.text.split('\r\n\r\n')[0], /\r\nKeep-Alive: timeout=\d+, max=5\r\n/i);
    // --max-requests 5: the fifth answer says close, a sixth request is not read.
    const r2 = await rawRequest(srv.port, one.repeat(6), { timeoutMs: 3000 });
    assert.deepEqual(statuses(r2.text), [200, 200, 200, 200, 200]);
    assert.ok(r2.closed, 'closed after the fifth');
    const heads = r2.text.split(/(?=HTTP\/1\.1 )/);
    assert.match(heads[4], /Connection: close/i);
    assert.ok(!/Keep-Alive:/i.test(heads[4]), 'no Keep-Alive on the closing answer');
    assert.ok(!/Connection: close/i.test(heads[3]));
  });

  test('errors on /feed.atom are Atom feeds', async () => {
    for (const p of ['/feed.atom?limit=abc', '/feed.atom?q=(oops', '/feed.atom?q=%00']) {
      const r = await fetch(srv.base + p);
      assert.equal(r.status, 400, p);
      assert.match(r.headers.get('content-type'), /^application\/atom\+xml/);
      const xml = await r.text();
      assert.match(xml, /^<\?xml[^>]*>\s*<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom"/);
      assert.match(xml, /<title>Fel: [^<]+<\/title>/);
      assert.match(xml, /<\/feed>\s*$/);
    }
  });
});

describe('slow and many connections', () => {
  let srv;
  const socks = [];
  before(async () => {
    srv = await startServer(['--db', db, '--max-connections', '64', '--max-per-ip', '8',
      '--header-timeout', '3', '--timeout', '15']);
  });
  after(async () => {
    for (const s of socks) { s.stopTrickle?.(); s.destroy(); }
    await stopClean(srv);
  });

  test('a request head trickled byte by byte is cut at --header-timeout', async () => {
    const s = trickle(await open(srv.port), 300);
    socks.push(s);
    const t0 = Date.now();
    while (!s.closedAt && Date.now() - t0 < 8000) await sleep(100);
    assert.ok(s.closedAt, 'still open after 8 s');
    const held = s.closedAt - t0;
    assert.ok(held >= 2500 && held < 5000, `held ${held} ms`);
  });

  test('an address over --max-per-ip is refused at once, others are not', async () => {
    const mine = [];
    for (let i = 0; i < 9; i++) mine.push(await open(srv.port, '127.0.0.9'));
    socks.push(...mine);
    await sleep(500);
    assert.equal(mine.filter((s) => s.closedAt).length, 1, 'exactly the ninth is closed');
    assert.equal((await timedGet(srv.port, '/api/health', 2000)).status, 200);
    for (const s of mine) s.destroy();
  });

  test('slowloris from 16 addresses x 8 sockets does not lock anyone out', async () => {
    for (let a = 0; a < 16; a++) {
      for (let i = 0; i < 8; i++) {
        const s = await open(srv.port, `127.0.1.${a + 1}`).catch(() => null);
        if (s) socks.push(trickle(s, 500));
      }
    }
    const results = [];
    for (let i = 0; i < 8; i++) {
      await sleep(400);
      results.push(await timedGet(srv.port, '/api/search?q=kommun', 4000));
    }
    for (const s of socks) s.stopTrickle?.();
    assert.deepEqual(results.map((r) => r.status), Array(8).fill(200),
      JSON.stringify(results));
    const health = await (await fetch(`${srv.base}/api/health`)).json();
    assert.ok(health.connections.cut_slow > 0, JSON.stringify(health.connections));
  });

  test('during a flood of 600 idle connections the server answers within seconds', async () => {
    const flood = [];
    const attempts = [];
    for (let i = 0; i < 600; i++) {
      attempts.push(open(srv.port, `127.0.2.${(i % 200) + 1}`).then((s) => flood.push(s), () => {}));
    }
    await Promise.all(attempts);
    const r = await timedGet(srv.port, '/api/health', 5000);
    for (const s of flood) s.destroy();
    console.log(`flood: ${flood.length} connected, the request took ${r.ms} ms`);
    assert.equal(r.status, 200, `flood: ${JSON.stringify(r)}`);
  });
});

describe('--trust-proxy', () => {
  let srv;
  before(async () => {
    srv = await startServer(['--db', db, '--trust-proxy', '127.0.0.1', '--max-per-ip', '4']);
  });
  after(async () => { await stopClean(srv); });

  test('the proxy is not capped per address; its X-Forwarded-For names the client', async () => {
    const held = [];
    for (let i = 0; i < 10; i++) held.push(await open(srv.port, '127.0.0.1'));
    await sleep(300);
    assert.equal(held.filter((s) => s.closedAt).length, 0, 'proxy connections kept');
    const xff = 'GET /api/health?via=proxy HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 10.9.8.7, 203.0.113.7\r\nConnection: close\r\n\r\n';
    assert.equal(statusOf((await rawRequest(srv.port, xff)).text), 200);
    for (const s of held) s.destroy();
    // From anyone else X-Forwarded-For is ignored (a client cannot pick its own address).
    const other = await new Promise((resolve) => {
      const sock = net.connect({ port: srv.port, host: '127.0.0.1', localAddress: '127.0.0.5' });
      let text = '';
      sock.on('connect', () => sock.write(xff.replace('via=proxy', 'via=other')));
      sock.on('data', (d) => { text += d; });
      sock.on('close', () => resolve(text));
    });
    assert.equal(statusOf(other), 200);
    await sleep(100);
    assert.match(srv.log(), / 203\.0\.113\.7 "GET \/api\/health\?via=proxy"/);
    assert.match(srv.log(), / 127\.0\.0\.5 "GET \/api\/health\?via=other"/);
  });
});
