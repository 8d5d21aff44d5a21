// sv-prose: the Swedish help of LibreOffice and GIMP as plain text, one document per help page.
// The .debs are fetched with `apt-get download` (no install) and unpacked with `dpkg -x`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const PACKAGES = ['libreoffice-help-sv', 'gimp-help-sv'];
const MIN_TEXT_BYTES = 300;

function fetchDebs(debDir) {
  fs.mkdirSync(debDir, { recursive: true });
  for (const pkg of PACKAGES) {
    if (fs.readdirSync(debDir).some((f) => f.startsWith(pkg + '_') && f.endsWith('.deb'))) continue;
    execFileSync('apt-get', ['download', '-q', pkg], { cwd: debDir, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return fs.readdirSync(debDir).filter((f) => f.endsWith('.deb')).sort().map((f) => path.join(debDir, f));
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', shy: '' };

function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp < 0x110000 ? String.fromCodePoint(cp) : ' ';
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

// HTML page -> { title, text }: drops head, scripts, navigation and asides; block elements
// become line breaks, paragraphs are separated by blank lines.
export function htmlToText(html) {
  const title = decodeEntities((/<title>([\s\S]*?)<\/title>/i.exec(html) || ['', ''])[1]).trim();
  let s = html
    .replace(/<head[\s\S]*?<\/head>/gi, ' ')
    .replace(/<(script|style|header|aside|nav|noscript)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<div class="nav(header|footer)"[\s\S]*?<hr\s*\/?>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(br|hr)\b[^>]*>/gi, '\n')
    .replace(/<\/?(p|div|h[1-6]|li|tr|table|pre|dt|dd|ul|ol|blockquote|section)\b[^>]*>/gi, '\n\n')
    .replace(/<\/?(td|th)\b[^>]*>/gi, '\t')
    .replace(/<[^>]+>/g, '');
  s = decodeEntities(s);
  const paras = s.split(/\n\s*\n/).map((p) => p.replace(/[ \t\r\n\u00a0]+/g, ' ').trim()).filter((p) => p.length > 0);
  return { title, text: paras.join('\n\n') + '\n' };
}

function walk(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && e.name.endsWith('.html')) out.push(p);
  }
  return out;
}

// Build dataDir/sv-prose/docs/*.txt (idempotent: skipped when the stamp file exists).
export function makeSvProse(dataDir, log) {
  const outDir = path.join(dataDir, 'sv-prose');
  const stamp = path.join(outDir, '.complete');
  if (fs.existsSync(stamp)) return outDir;
  const debs = fetchDebs(path.join(dataDir, 'debs'));
  const x = path.join(dataDir, 'debs', 'x');
  fs.rmSync(x, { recursive: true, force: true });
  for (const d of debs) execFileSync('dpkg', ['-x', d, x]);
  fs.rmSync(outDir, { recursive: true, force: true });
  const docs = path.join(outDir, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  let n = 0, bytes = 0;
  const manifest = ['path\ttitle'];
  for (const f of walk(x, [])) {
    const { title, text } = htmlToText(fs.readFileSync(f, 'utf8'));
    if (Buffer.byteLength(text) < MIN_TEXT_BYTES) continue;
    const rel = path.relative(x, f).replace(/^usr\/share\//, '').replace(/\.html$/, '');
    const name = rel.replace(/[^A-Za-z0-9._-]+/g, '_') + '.txt';
    const body = (title ? title + '\n\n' : '') + text;
    fs.writeFileSync(path.join(docs, name), body);
    manifest.push(`docs/${name}\t${title.replace(/\s+/g, ' ')}`);
    n++; bytes += Buffer.byteLength(body);
  }
  fs.writeFileSync(path.join(outDir, 'manifest.tsv'), manifest.join('\n') + '\n');
  fs.rmSync(x, { recursive: true, force: true });
  fs.writeFileSync(stamp, `${n} documents, ${bytes} bytes\n`);
  log(`sv-prose: ${n} documents, ${(bytes / 1e6).toFixed(1)} MB in ${docs}`);
  return outDir;
}

// All sv-prose text, in file order (for the Markov chain and the analyzer benchmark).
export function readSvProse(dir) {
  const docs = path.join(dir, 'docs');
  return fs.readdirSync(docs).filter((f) => f.endsWith('.txt')).sort().map((f) => fs.readFileSync(path.join(docs, f), 'utf8'));
}
