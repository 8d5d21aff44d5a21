#!/usr/bin/env node
// sphinxpipe — the xmlpipe2 source of the Sphinx anchor: reads a list of a corpus's files (a TSV
// with the columns path and kommun, paths relative to the corpus directory) and the files
// themselves (the same files protokollsok and omindex read), and writes one xmlpipe2 document per
// file to stdout, for `indexer` to run as its xmlpipe_command (so reading the files is timed, as it
// is for omindex). Fields: title (the file's first non-empty line, without a markdown heading's
// #) and body (the whole text); attributes: path and kommun (strings). Document id = row number
// in the list, from 1.
//   node sphinxpipe.mjs LIST CORPUS-DIR
import fs from 'node:fs';
import path from 'node:path';

// XML 1.0 has no place for most control characters (form feeds in PDF-extracted text, say):
// they become spaces, which Sphinx treats as separators anyway.
const xml = (s) => s.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g, ' ')
  .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function titleOf(text) {
  const line = text.split('\n').find((l) => l.trim() !== '');
  return line ? line.trim().replace(/^#+\s*/, '').slice(0, 300) : '';
}

export function* xmlpipe(list, dir) {
  const [head, ...rows] = fs.readFileSync(list, 'utf8').split('\n').filter(Boolean);
  const cols = head.split('\t');
  const iPath = cols.indexOf('path'), iKommun = cols.indexOf('kommun');
  yield '<?xml version="1.0" encoding="utf-8"?>\n<sphinx:docset>\n<sphinx:schema>\n' +
    '<sphinx:field name="title"/>\n<sphinx:field name="body"/>\n' +
    '<sphinx:attr name="path" type="string"/>\n<sphinx:attr name="kommun" type="string"/>\n</sphinx:schema>\n';
  let id = 0;
  for (const row of rows) {
    const c = row.split('\t');
    const text = fs.readFileSync(path.join(dir, c[iPath]), 'utf8');
    id++;
    yield `<sphinx:document id="${id}"><title>${xml(titleOf(text))}</title><body>${xml(text)}</body>` +
      `<path>${xml(c[iPath])}</path><kommun>${xml(iKommun >= 0 ? c[iKommun] || '' : '')}</kommun></sphinx:document>\n`;
  }
  yield '</sphinx:docset>\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const [list, dir] = process.argv.slice(2);
  if (!list || !dir) {
    process.stderr.write('usage: node sphinxpipe.mjs LIST CORPUS-DIR\n');
    process.exit(2);
  }
  // stdout is a pipe to indexer: writes are synchronous on Linux, so memory stays flat
  for (const chunk of xmlpipe(list, dir)) process.stdout.write(chunk);
}
