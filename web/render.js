// render.js — builds the result markup from the /api/search JSON with DOM calls only (no
// innerHTML, so nothing from the index can become markup). The classes match what the server
// renders for the page without JavaScript (src/server/page.c).

export const STATE_KEYS = ['q', 'kommun', 'namnd', 'typ', 'from', 'to', 'sort', 'limit', 'offset', 'stava'];

const MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti',
  'september', 'oktober', 'november', 'december'];

const FACETS = [
  { field: 'kommun', param: 'kommun', heading: 'Kommun' },
  { field: 'namnd', param: 'namnd', heading: 'Nämnd' },
  { field: 'year', param: null, heading: 'År' },
  { field: 'type', param: 'typ', heading: 'Typ av handling' },
];

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) node.append(c);
  }
  return node;
}

export function queryString(state, override = {}) {
  const merged = { ...state, ...override };
  const p = new URLSearchParams();
  for (const k of STATE_KEYS) {
    if (merged[k]) p.set(k, merged[k]);
  }
  return p.toString();
}

export function searchHref(state, override = {}) {
  const qs = queryString(state, override);
  return qs ? `/sok?${qs}` : '/sok';
}

export function arendeHref(key, q) {
  const p = new URLSearchParams({ key: key || '' });
  if (q) p.set('q', q);
  return `/arende.html?${p}`;
}

export function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  if (!m || +m[2] < 1 || +m[2] > 12) return iso || '';
  return `${+m[3]} ${MONTHS[+m[2] - 1]} ${m[1]}`;
}

function timeEl(iso) {
  return el('time', { datetime: iso }, formatDate(iso));
}

// Append text to node with <mark> around the byte ranges in matches (UTF-8 byte offsets).
export function appendMarked(node, text, matches) {
  const bytes = new TextEncoder().encode(text);
  const dec = new TextDecoder();
  const p = node;
  let pos = 0;
  const ranges = (matches || [])
    .filter((r) => Array.isArray(r) && r[0] >= 0 && r[1] > r[0] && r[1] <= bytes.length)
    .sort((a, b) => a[0] - b[0]);
  for (const [start, end] of ranges) {
    if (start < pos) continue;
    p.append(dec.decode(bytes.subarray(pos, start)));
    p.append(el('mark', {}, dec.decode(bytes.subarray(start, end))));
    pos = end;
  }
  p.append(dec.decode(bytes.subarray(pos)));
  return p;
}


// "243" is shown as "§ 243"; a value that already has the sign keeps it.
function paragrafPrefix(p) {
  return p && !p.startsWith('§') ? '§ ' : '';
}

function metaItem(cls, prefix, value) {
  return value ? el('span', { class: cls }, prefix + value) : null;
}

export function card(hit, q) {
  const link = el('a', { href: arendeHref(hit.key, q) });
  if (hit.title) appendMarked(link, hit.title.replace(/\n/g, ' '), hit.title_matches);
  else link.append(hit.dnr || 'Ärende utan rubrik');
  const meta = el('p', { class: 'meta' },
    metaItem('paragraf', paragrafPrefix(hit.paragraf), hit.paragraf),
    metaItem('dnr', 'Dnr ', hit.dnr),
    metaItem('namnd', '', hit.namnd),
    metaItem('kommun', '', hit.kommun),
    hit.date ? el('span', { class: 'datum' }, timeEl(hit.date)) : null,
    metaItem('typ', '', hit.type));
  const art = el('article', {},
    el('h3', {}, link),
    meta);
  for (const ex of hit.excerpts || []) {
    if (typeof ex.text !== 'string') continue;
    // The excerpt is cut from the text; the search module marks the cuts in "html".
    const p = el('p');
    const html = typeof ex.html === 'string' ? ex.html : '';
    if (html.startsWith('…')) p.append('… ');
    appendMarked(p, ex.text.replace(/\n/g, ' '), ex.matches);
    if (html.endsWith('…')) p.append(' …');
    art.append(el('div', { class: 'utdrag' }, p));
  }
  return el('li', { class: 'kort' }, art);
}

// The words the results are for: the suggestion's when it was searched instead.
export function shownQuery(data, q) {
  return data.suggestion && data.suggestion.applied ? data.suggestion.query : q;
}

// "Menade du …?" (suggestion_html in page.c).
function suggestion(data, state) {
  const s = data.suggestion;
  if (!s || typeof s.query !== 'string') return null;
  if (s.applied) {
    return el('p', { class: 'stavning' }, 'Visar resultat för ', el('strong', {}, s.query),
      '. Inga träffar på det du skrev; sök ändå på ',
      el('a', { href: searchHref(state, { offset: '', stava: '0' }) }, state.q || ''), '.');
  }
  return el('p', { class: 'stavning' }, 'Menade du ',
    el('a', { href: searchHref(state, { q: s.query, offset: '', stava: '' }) }, s.query), '?');
}

// What the abbreviations added (expansions_html in page.c).
function expansions(data) {
  return (data.expansions || []).filter((e) => typeof e.typed === 'string' && (e.also || []).length).map((e) => {
    const full = e.kind === 'full';
    const p = el('p', { class: 'forkortning' }, full ? 'Söker också på förkortningen ' : 'Söker också på ');
    e.also.forEach((a, j) => {
      if (j) p.append(j + 1 === e.also.length ? ' och ' : ', ');
      p.append(el('strong', {}, String(a)));
    });
    if (!full) p.append(' (', el('abbr', {}, e.typed), ' är en förkortning)');
    p.append('. Träffar på det du skrev visas först.');
    return p;
  });
}

export function countText(data, q) {
  q = shownQuery(data, q);
  const total = data.total || 0;
  let s = total === 0 ? 'Inga ärenden hittades'
    : `${data.total_exact === false ? 'Cirka ' : ''}${total} ${total === 1 ? 'ärende' : 'ärenden'}`;
  if (q) s += ` för ”${q}”`;
  return total === 0 ? `${s}.` : s;
}

function pagination(data, state) {
  const limit = data.limit || 10;
  const offset = data.offset || 0;
  const total = data.total || 0;
  if (total <= limit && offset === 0) return null;
  const nav = el('nav', { class: 'sidor', 'aria-label': 'Sidor' });
  if (offset > 0) {
    nav.append(el('a', { rel: 'prev', href: searchHref(state, { offset: offset > limit ? String(offset - limit) : '' }) }, '← Föregående'));
  }
  nav.append(el('span', { class: 'sida' }, `Sida ${Math.floor(offset / limit) + 1} av ${Math.ceil(total / limit)}`));
  if (offset + limit < total && offset + limit <= 10000) {
    nav.append(el('a', { rel: 'next', href: searchHref(state, { offset: String(offset + limit) }) }, 'Nästa →'));
  }
  return nav;
}

function emptyState() {
  return el('div', { class: 'tomt' },
    el('p', {}, 'Inga ärenden matchade sökningen.'),
    el('ul', {},
      el('li', {}, 'Kontrollera stavningen, eller pröva färre eller andra ord.'),
      el('li', {}, 'Ta bort avgränsningar (kommun, nämnd, år, typ) eller datumintervallet.'),
      el('li', {}, 'Sök på en del av ett diarienummer, t.ex. ', el('kbd', {}, '2023.076'), '.')));
}

export function feedHref(state) {
  const p = new URLSearchParams();
  for (const k of ['q', 'kommun', 'namnd', 'typ', 'from', 'to']) if (state[k]) p.set(k, state[k]);
  return `/feed.atom?${p}`;
}

const SVG = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c);
  return node;
}

function ärendenText(n) {
  return `${n} ${n === 1 ? 'ärende' : 'ärenden'}`;
}

// The same chart the server draws for the page without JavaScript (histogram_html in page.c).
export function histogram(h, state) {
  const bars = (h && Array.isArray(h.bars)) ? h.bars : [];
  if (bars.length < 2) return null;
  const months = h.unit === 'month';
  const max = Math.max(1, ...bars.map((b) => b.count || 0));
  const slot = 40; const top = 16; const height = 70; const base = top + height;
  const every = Math.ceil(bars.length / 12);
  const svg = svgEl('svg', { class: 'stapeldiagram', viewBox: `0 0 ${bars.length * slot} ${base + 20}`, 'aria-labelledby': 'tid-rubrik', focusable: 'false' });
  bars.forEach((b, i) => {
    const v = b.count || 0;
    const x = i * slot;
    if (v > 0) {
      const hgt = Math.max(3, Math.floor((v * height) / max));
      const a = svgEl('a', { href: searchHref(state, { from: b.from, to: b.to, offset: '' }), 'aria-label': `${b.label}: ${ärendenText(v)}` },
        svgEl('title', {}, `${b.label}: ${ärendenText(v)}`),
        svgEl('rect', { class: 'stapel', x: x + 4, y: base - hgt, width: slot - 8, height: hgt }),
        svgEl('text', { class: 'stapelantal', 'aria-hidden': 'true', x: x + slot / 2, y: base - hgt - 4, 'text-anchor': 'middle' }, String(v)));
      if (state.from === b.from && state.to === b.to) a.setAttribute('aria-current', 'true');
      svg.append(a);
    } else {
      svg.append(svgEl('g', { role: 'img', 'aria-label': `${b.label}: inga ärenden` },
        svgEl('rect', { class: 'noll', x: x + 4, y: base - 1, width: slot - 8, height: 1 })));
    }
    if (i % every === 0) {
      svg.append(svgEl('text', { class: 'stapeletikett', 'aria-hidden': 'true', x: x + slot / 2, y: base + 15, 'text-anchor': 'middle' },
        months ? String(b.label).slice(0, 3) : String(b.period)));
    }
  });
  return el('figure', { class: 'tidslinje' },
    el('figcaption', { id: 'tid-rubrik' }, `Ärenden per ${months ? 'månad' : 'år'}`), svg);
}

const EXPORT_MAX = 5000;

export function csvLink(state, total) {
  const p = new URLSearchParams(queryString(state, { offset: '', limit: '' }));
  p.set('format', 'csv');
  return el('p', { class: 'export' },
    el('a', { href: `/api/search?${p}`, download: true }, 'Ladda ner som CSV'),
    ` (kalkylark, ${total > EXPORT_MAX ? 'de första ' : ''}${ärendenText(Math.min(total, EXPORT_MAX))})`);
}

export function renderResults(container, data, state) {
  const nodes = [el('h2', { id: 'resultat-rubrik', class: 'visually-hidden', tabindex: '-1' }, 'Sökresultat')];
  const sugg = suggestion(data, state);
  if (sugg) nodes.push(sugg);
  nodes.push(...expansions(data));
  if (data.partial) {
    nodes.push(el('p', { class: 'notis', role: 'status' },
      'Alla delar av arkivet svarade inte: träffarna kommer från de delar som svarade, och antalen kan vara för låga.'));
  }
  if (data.note) nodes.push(el('p', { class: 'notis' }, data.note));
  if (!data.total) {
    nodes.push(emptyState());
  } else {
    const chart = histogram(data.histogram, state);
    if (chart) nodes.push(chart);
    nodes.push(el('p', { class: 'till-filter' }, el('a', { href: '#filter' }, 'Avgränsa sökningen ↓')));
    const ol = el('ol', { class: 'traffar', start: String((data.offset || 0) + 1) });
    for (const hit of data.hits || []) ol.append(card(hit, shownQuery(data, state.q)));
    nodes.push(ol);
    const nav = pagination(data, state);
    if (nav) nodes.push(nav);
    nodes.push(csvLink(state, data.total));
  }
  nodes.push(el('p', { class: 'bevaka' },
    el('a', { href: feedHref(state) }, 'Prenumerera på denna sökning'),
    ' (Atom-flöde, nya ärenden först)'));
  container.replaceChildren(...nodes);
}

function yearRange(year) {
  return { from: `${year}-01-01`, to: `${year}-12-31` };
}

export function renderFacets(container, facets, state) {
  if (!facets || !FACETS.some((f) => (facets[f.field] || []).length)) {
    container.replaceChildren();
    return;
  }
  const nodes = [el('h2', {}, 'Avgränsa')];
  for (const f of FACETS) {
    const values = facets[f.field] || [];
    if (!values.length) continue;
    const ul = el('ul');
    for (const v of values) {
      if (typeof v.value !== 'string') continue;
      let selected;
      let on;
      let off;
      if (f.param) {
        selected = state[f.param] === v.value;
        on = { [f.param]: v.value, offset: '' };
        off = { [f.param]: '', offset: '' };
      } else {
        const r = yearRange(v.value.slice(0, 4));
        selected = state.from === r.from && state.to === r.to;
        on = { ...r, offset: '' };
        off = { from: '', to: '', offset: '' };
      }
      const a = el('a', { href: searchHref(state, selected ? off : on), 'aria-current': selected ? 'true' : null, class: selected ? 'vald' : null },
        el('span', { class: 'varde' }, v.value), ' ', el('span', { class: 'antal' }, String(v.count)));
      if (selected) a.append(el('span', { class: 'visually-hidden' }, ' (vald, klicka för att ta bort)'));
      ul.append(el('li', {}, a));
    }
    nodes.push(el('section', { class: 'facett' }, el('h3', {}, f.heading), ul));
  }
  container.replaceChildren(...nodes);
}

export function renderError(container, error) {
  const msg = (error && error.message_sv) || 'Sökningen kunde inte göras. Kontrollera anslutningen och försök igen.';
  const box = el('div', { class: 'fel' }, el('p', {}, msg));
  if (error && error.code === 'bad_query') {
    box.append(el('p', { class: 'detalj' }, 'Pröva att ta bort specialtecken eller citattecken som inte är parade.'));
  }
  container.replaceChildren(box);
}
