// app.js — the search page without reloads. The server renders every page in full (it works
// without JavaScript); this module takes over form submits and result links, fetches
// /api/search and renders in place, keeping the whole state in the URL (/sok?q=…&kommun=…) so
// that back/forward, reload and shared links show the same thing.

import { attachAutocomplete } from './complete.js';
import {
  STATE_KEYS, countText, feedHref, queryString, renderError, renderFacets, renderResults,
} from './render.js';

const form = document.getElementById('sokform');
const results = document.getElementById('resultat');
const facets = document.getElementById('filter');
const count = document.getElementById('antal');
const intro = document.getElementById('om');
const hidden = document.getElementById('dolda');
const feedLink = document.querySelector('link[rel="alternate"][type="application/atom+xml"]');

let inflight = null;

function stateFromUrl(url) {
  const p = new URL(url, location.href).searchParams;
  const s = {};
  for (const k of STATE_KEYS) {
    const v = p.get(k);
    if (v) s[k] = v;
  }
  return s;
}

function hasSearch(s) {
  return ['q', 'kommun', 'namnd', 'typ', 'from', 'to'].some((k) => s[k]);
}

function stateFromForm() {
  const s = {};
  for (const [k, v] of new FormData(form)) {
    if (STATE_KEYS.includes(k) && v) s[k] = String(v).trim();
  }
  if (s.sort === 'relevans') delete s.sort;
  return s;
}

function syncForm(s) {
  form.elements.q.value = s.q || '';
  form.elements.from.value = s.from || '';
  form.elements.to.value = s.to || '';
  form.elements.sort.value = s.sort || 'relevans';
  // Active filters travel with the next search as hidden fields, as in the page without JS.
  hidden.replaceChildren(...['kommun', 'namnd', 'typ'].filter((k) => s[k]).map((k) => {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = k;
    input.value = s[k];
    return input;
  }));
}

function setTitle(s) {
  document.title = s.q ? `${s.q} – Protokollsök` : 'Protokollsök';
}

async function search(s, { push = false, focus = false } = {}) {
  if (push) history.pushState(null, '', hasSearch(s) ? `/sok?${queryString(s)}` : '/');
  setTitle(s);
  if (inflight) inflight.abort();
  if (!hasSearch(s)) {
    results.replaceChildren();
    facets.replaceChildren();
    count.textContent = '';
    intro.hidden = false;
    document.body.dataset.sida = 'start';
    return;
  }
  intro.hidden = true;
  document.body.dataset.sida = 'sok';
  const ctrl = new AbortController();
  inflight = ctrl;
  results.setAttribute('aria-busy', 'true');
  count.textContent = 'Söker …';
  try {
    const resp = await fetch(`/api/search?${queryString(s)}`, { signal: ctrl.signal, headers: { Accept: 'application/json' } });
    const data = await resp.json();
    if (!resp.ok) throw Object.assign(new Error('api'), { api: data.error });
    renderResults(results, data, s);
    renderFacets(facets, data.facets, s);
    count.textContent = countText(data, s.q);
    if (feedLink) feedLink.href = feedHref(s);
  } catch (e) {
    if (e.name === 'AbortError') return;
    renderError(results, e.api);
    facets.replaceChildren();
    count.textContent = 'Sökningen kunde inte göras.';
  } finally {
    if (inflight === ctrl) {
      inflight = null;
      results.removeAttribute('aria-busy');
    }
  }
  if (focus) {
    const heading = document.getElementById('resultat-rubrik');
    (heading || results).focus({ preventScroll: false });
  }
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const s = stateFromForm();
  delete s.offset;
  search(s, { push: true });
});

form.elements.sort.addEventListener('change', () => {
  const s = stateFromForm();
  delete s.offset;
  if (hasSearch(s)) search(s, { push: true });
});

// Facet, pagination and sort links inside the results: same-page navigation.
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target.closest('a[href]');
  if (!a || !(results.contains(a) || facets.contains(a))) return;
  // getAttribute: an SVG link's .href (a bar of the chart) is not a string
  const url = new URL(a.getAttribute('href'), location.href);
  if (url.origin !== location.origin || url.pathname !== '/sok') return;
  ev.preventDefault();
  const s = stateFromUrl(url);
  syncForm(s);
  search(s, { push: true, focus: true });
});

window.addEventListener('popstate', () => {
  const s = stateFromUrl(location.href);
  syncForm(s);
  search(s);
});

attachAutocomplete(form.elements.q);

// The server already rendered the results of this URL; only keep the form in step with it.
syncForm(stateFromUrl(location.href));
