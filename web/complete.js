// complete.js — autocomplete for the search box as an ARIA 1.2 combobox (list autocomplete):
// suggestions from /api/suggest under the box, arrow keys move through them
// (aria-activedescendant: the focus stays in the box, so typing is never interrupted), Enter or
// a click puts one in the box — it never submits by itself — and Escape closes the list. A
// slow or failed answer is simply dropped; without JavaScript the box is a plain search field.

const DELAY_MS = 120;

export function attachAutocomplete(input) {
  const wrap = input.parentElement;
  const list = document.createElement('ul');
  list.id = `${input.id}-forslag`;
  list.className = 'forslag';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Förslag');
  list.hidden = true;
  const status = document.createElement('p');
  status.className = 'visually-hidden';
  status.setAttribute('role', 'status');
  wrap.append(list, status);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);

  let timer = null;
  let ctrl = null;
  let active = -1;
  let items = [];

  function close() {
    list.hidden = true;
    list.replaceChildren();
    items = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function choose(i) {
    if (i < 0 || i >= items.length) return;
    input.value = items[i].text;
    close();
    input.focus();
  }

  function highlight(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function show(asked, suggestions) {
    if (input.value !== asked || document.activeElement !== input) return; // typed on: stale
    items = suggestions.filter((s) => typeof s.text === 'string');
    if (!items.length) {
      close();
      return;
    }
    list.replaceChildren(...items.map((s, i) => {
      const li = document.createElement('li');
      li.id = `${list.id}-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      if (s.kind === 'title') {
        const tag = document.createElement('span');
        tag.className = 'forslag-typ';
        tag.textContent = 'Rubrik: ';
        li.append(tag);
      }
      li.append(s.text);
      li.addEventListener('mousedown', (ev) => ev.preventDefault()); // keep the focus in the box
      li.addEventListener('click', () => choose(i));
      return li;
    }));
    active = -1;
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    status.textContent = `${items.length} förslag. Använd pil upp och pil ner.`;
  }

  async function fetchFor(asked) {
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    try {
      const resp = await fetch(`/api/suggest?q=${encodeURIComponent(asked)}`, { signal: ctrl.signal });
      if (!resp.ok) return;
      const data = await resp.json();
      show(asked, data.suggestions || []);
    } catch (e) {
      // aborted or offline: the box works as before
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const v = input.value;
    if (v.trim().length < 2) {
      close();
      return;
    }
    timer = setTimeout(() => fetchFor(v), DELAY_MS);
  });

  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && items.length) {
      ev.preventDefault();
      highlight(active + 1 < items.length ? active + 1 : 0);
    } else if (ev.key === 'ArrowUp' && items.length) {
      ev.preventDefault();
      highlight(active > 0 ? active - 1 : items.length - 1);
    } else if (ev.key === 'Escape' && !list.hidden) {
      ev.preventDefault();
      close();
    } else if (ev.key === 'Enter' && active >= 0) {
      ev.preventDefault(); // put the suggestion in the box; the next Enter searches
      choose(active);
    }
  });

  input.addEventListener('blur', () => setTimeout(close, 150));
  input.form?.addEventListener('submit', () => {
    clearTimeout(timer);
    if (ctrl) ctrl.abort();
    close();
  });
}
