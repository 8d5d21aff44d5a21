// harness.mjs — shared by the HTTP and browser tests: build a fresh index of seeds/ and start
// `protokollsok serve` on a free loopback port.
//
// Environment (set by tests/cmake/server.cmake):
//   PROTOKOLLSOK_BIN  the protokollsok executable
//   PS_SOURCE_DIR     the source tree (seeds/, web/)
//   PS_TEST_TMP       a scratch directory for this test

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const BIN = process.env.PROTOKOLLSOK_BIN;
export const SRC = process.env.PS_SOURCE_DIR;
export const TMP = process.env.PS_TEST_TMP;
export const SEEDS = path.join(SRC, 'seeds');

// Index the files of dir (with the seeds' manifest) into db. Returns the indexer's result.
export function buildIndex(db, dir = SEEDS, extra = []) {
  const manifest = path.join(SEEDS, 'manifest.tsv');
  const args = ['index', '--db', db];
  if (fs.existsSync(manifest)) args.push('--manifest', manifest);
  const r = spawnSync(BIN, [...args, ...extra, dir], { encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`index failed (${r.status}): ${r.stderr}`);
  }
  return r;
}

export function freshDir(name) {
  const d = path.join(TMP, name);
  fs.rmSync(d, { recursive: true, force: true });
  fs.mkdirSync(d, { recursive: true });
  return d;
}

// Start the server; resolves to { port, base, proc, log() } once it prints its URL.
export function startServer(args, { timeoutMs = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ['serve', '--port', '0', '--threads', '2', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), timeoutMs);
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /Listening on (http:\/\/[^\s]+?):(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        const port = Number(m[2]);
        resolve({
          port,
          base: `http://127.0.0.1:${port}`,
          proc,
          log: () => err,
          stop: () => stopServer(proc),
        });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
  });
}

// SIGTERM and wait; resolves to the exit code.
export function stopServer(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) {
      resolve(proc.exitCode);
      return;
    }
    proc.removeAllListeners('exit');
    proc.on('exit', (code, signal) => resolve(code ?? signal));
    proc.kill('SIGTERM');
  });
}

// Send raw bytes, collect the whole reply (the server closes or we time out).
export function rawRequest(port, data, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    const timer = setTimeout(() => { sock.destroy(); resolve({ text: Buffer.concat(chunks).toString('latin1'), timedOut: true }); }, timeoutMs);
    sock.on('connect', () => sock.write(data));
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', (e) => { clearTimeout(timer); if (chunks.length) resolve({ text: Buffer.concat(chunks).toString('latin1') }); else reject(e); });
    sock.on('close', () => { clearTimeout(timer); resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true }); });
  });
}

export function statusOf(raw) {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
  return m ? Number(m[1]) : 0;
}
