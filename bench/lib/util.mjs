// Process, timing and statistics helpers for bench/run.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const log = (s) => process.stderr.write(`bench: ${s}\n`);

export class BenchError extends Error {}

// Run a command to completion; throws BenchError with its stderr tail unless allowed.
export function run(cmd, args, { ok = [0], input, stdin, cwd, env, user, maxBuffer = 1 << 30 } = {}) {
  [cmd, args] = asUser(user, cmd, args);
  const stdio = [stdin !== undefined ? stdin : input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'];
  const r = spawnSync(cmd, args, { input, cwd, env: env ? { ...process.env, ...env } : process.env, stdio, maxBuffer, encoding: 'utf8' });
  if (r.error) throw new BenchError(`${cmd}: ${r.error.message}`);
  if (!ok.includes(r.status)) {
    const tail = (r.stderr || '').trim().split('\n').filter(Boolean).slice(-8).join('\n');
    const shown = cmd === '/usr/bin/time' || cmd === 'runuser' ? args.find((a) => a.startsWith('/') && !a.startsWith('/tmp/bench-time')) || cmd : cmd;
    throw new BenchError(`${path.basename(shown)} exited with ${r.status ?? r.signal}: ${tail || '(no message)'}\n  command: ${[cmd, ...args].join(' ').slice(0, 400)}`);
  }
  return r;
}

// Run under /usr/bin/time: { wall (s), rssMb, stdout, stderr, status }.
export function timed(cmd, args, opts = {}) {
  const tf = path.join(os.tmpdir(), `bench-time-${process.pid}`);
  const t0 = process.hrtime.bigint();
  const r = run('/usr/bin/time', ['-f', '%M', '-o', tf, cmd, ...args], opts);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const rssKb = Number(fs.readFileSync(tf, 'utf8').trim().split('\n').pop());
  fs.rmSync(tf, { force: true });
  return { wall, rssMb: rssKb / 1024, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

// Root may not run PostgreSQL (and should not run the CGI server): drop to `user` via runuser.
export function asUser(user, cmd, args) {
  if (!user || process.getuid() !== 0) return [cmd, args];
  return ['runuser', ['-u', user, '--', cmd, ...args]];
}

// Servers started in the background; stopBackground() ends those still running (on exit or ^C).
const background = new Set();

export function spawnBg(cmd, args, { user, env, logFile } = {}) {
  [cmd, args] = asUser(user, cmd, args);
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(cmd, args, { env: env ? { ...process.env, ...env } : process.env, stdio: ['ignore', out, out], detached: false });
  if (logFile) fs.closeSync(out);
  background.add(child);
  child.once('exit', () => background.delete(child));
  return child;
}

export function stopBackground() {
  for (const child of background) child.kill('SIGTERM');
}

// Poll url until it answers; give up when the server process has exited or time runs out.
export async function waitHttp(url, seconds, child) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) throw new BenchError(`the server exited (${child.exitCode ?? child.signalCode}) before ${url} answered`);
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.status < 500) return r.status;
    } catch { /* not up yet */ }
    if (Date.now() > end) throw new BenchError(`${url} did not answer within ${seconds} s`);
    await new Promise((res) => setTimeout(res, 150));
  }
}

export function duBytes(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((s, f) => s + duBytes(path.join(p, f)), 0);
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

// Lines "MICROSECONDS TAB HITS" -> latency summary in milliseconds.
export function latencyStats(lines) {
  const rows = lines.trim().split('\n').filter(Boolean).map((l) => l.split('\t').map(Number));
  const us = rows.map((r) => r[0]).sort((a, b) => a - b);
  const total = us.reduce((s, x) => s + x, 0);
  return {
    queries: rows.length,
    p50_ms: percentile(us, 50) / 1000, p95_ms: percentile(us, 95) / 1000, p99_ms: percentile(us, 99) / 1000,
    mean_ms: total / rows.length / 1000, qps: rows.length / (total / 1e6),
    with_hits: rows.filter((r) => r[1] > 0).length, rejected: rows.filter((r) => r[1] < 0).length,
  };
}

export function newer(target, ...sources) {
  if (!fs.existsSync(target)) return false;
  const t = fs.statSync(target).mtimeMs;
  return sources.every((s) => fs.statSync(s).mtimeMs <= t);
}
