// The HTTP benchmark: wrk with the query mix against `protokollsok serve` (/api/search) and
// against Omega's CGI behind lighttpd, on loopback, at several connection counts.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError, log, run, spawnBg, waitHttp } from './util.mjs';

const WRK_LUA = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'wrk', 'mix.lua');

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

export function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL'); }, 5000).unref();
  });
}

function wrk(url, pathsFile, conns, seconds) {
  const threads = String(Math.min(2, conns));
  const r = run('wrk', ['-t', threads, '-c', String(conns), '-d', `${seconds}s`, '--timeout', '5s', '-s', WRK_LUA, url, '--', pathsFile]);
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new BenchError(`wrk printed no summary:\n${r.stdout}`);
  return JSON.parse(line);
}

async function measure(system, url, mix, work, conns, seconds) {
  const pathsFile = path.join(work, `http-${system.name}.paths`);
  fs.writeFileSync(pathsFile, mix.map((m) => system.httpPath(m)).join('\n') + '\n');
  const out = {};
  wrk(url, pathsFile, 1, Math.min(2, seconds)); // warm the cache and the server
  for (const c of conns) {
    out[c] = wrk(url, pathsFile, c, seconds);
    log(`http ${system.name} c=${c}: ${out[c].rps.toFixed(0)} req/s, p99 ${out[c].p99_ms.toFixed(1)} ms, ${out[c].errors} errors`);
  }
  return out;
}

export async function httpProtokollsok(system, mix, work, conns, seconds) {
  const port = await freePort();
  // no access log (lighttpd keeps none either); limits above the 256 connections wrk opens from
  // one address (the defaults, 256 and 64 per address, are meant for the public)
  const child = spawnBg(system.bins.protokollsok, ['serve', '--db', path.join(work, 'ps'), '--host', '127.0.0.1', '--port', String(port),
    '--quiet', '--max-connections', '1024', '--max-per-ip', '1024'],
    { logFile: path.join(work, 'serve.log') });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitHttp(`${base}/api/search?q=kommun`, 30, child);
    return await measure(system, base, mix, work, conns, seconds);
  } finally { await stopChild(child); }
}

// lighttpd + mod_cgi running /usr/lib/cgi-bin/omega/omega with our omega.conf; the stock query
// template with the Swedish stemmer switched on.
export async function httpOmega(system, mix, work, conns, seconds) {
  const omegaBin = '/usr/lib/cgi-bin/omega/omega';
  if (!fs.existsSync(omegaBin)) throw new BenchError(`${omegaBin} missing (xapian-omega)`);
  // lighttpd drops root to nobody: when nobody cannot reach the work directory (a build dir
  // under /root, say), serve everything from a world-readable copy in the temporary directory
  let tmpCopy = null;
  if (process.getuid() === 0) {
    try { run('runuser', ['-u', 'nobody', '--', 'test', '-r', path.join(work, 'omega', 'iamglass')]); } catch {
      tmpCopy = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-bench-omega-'));
      fs.chmodSync(tmpCopy, 0o755);
      fs.cpSync(path.join(work, 'omega'), path.join(tmpCopy, 'omega'), { recursive: true });
      work = tmpCopy;
    }
  }
  try {
    return await serveOmega(system, mix, work, conns, seconds, omegaBin);
  } finally { if (tmpCopy) fs.rmSync(tmpCopy, { recursive: true, force: true }); }
}

async function serveOmega(system, mix, work, conns, seconds, omegaBin) {
  const tdir = path.join(work, 'omega-templates');
  fs.rmSync(tdir, { recursive: true, force: true });
  fs.cpSync('/usr/share/xapian-omega/templates', tdir, { recursive: true, dereference: true });
  const q = path.join(tdir, 'query');
  fs.writeFileSync(q, '$set{stemmer,swedish}' + fs.readFileSync(q, 'utf8'));
  fs.mkdirSync(path.join(work, 'omega-log'), { recursive: true });
  fs.mkdirSync(path.join(work, 'www'), { recursive: true });
  const conf = path.join(work, 'omega.conf');
  fs.writeFileSync(conf, `database_dir ${work}\ntemplate_dir ${tdir}\nlog_dir ${path.join(work, 'omega-log')}\n`);
  const port = await freePort();
  const lconf = path.join(work, 'lighttpd.conf');
  const user = process.getuid() === 0 ? 'server.username = "nobody"\nserver.groupname = "nogroup"\n' : '';
  fs.writeFileSync(lconf, `server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
server.document-root = "${path.join(work, 'www')}"
server.bind = "127.0.0.1"
server.port = ${port}
server.max-connections = 1024
server.max-fds = 4096
${user}alias.url = ("/cgi-bin/omega" => "${omegaBin}")
cgi.assign = ("" => "")
setenv.add-environment = ("OMEGA_CONFIG_FILE" => "${conf}")
`);
  if (user) fs.chmodSync(path.join(work, 'omega-log'), 0o777);
  const child = spawnBg('lighttpd', ['-D', '-f', lconf], { logFile: path.join(work, 'lighttpd.log') });
  try {
    const base = `http://127.0.0.1:${port}`;
    const status = await waitHttp(`${base}/cgi-bin/omega?DB=omega&P=kommun`, 30, child);
    if (status !== 200) throw new BenchError(`Omega CGI answered ${status}; see ${path.join(work, 'lighttpd.log')}`);
    return await measure(system, base, mix, work, conns, seconds);
  } finally { await stopChild(child); }
}
