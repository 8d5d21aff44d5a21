// A word-level Markov chain (order 2) over Swedish sentences: makes protocol bodies whose
// vocabulary and term distribution come from real text (sv-prose and the seeds).

const SWEDISH = new Set(['och', 'att', 'som', 'för', 'på', 'är', 'med', 'det', 'en', 'av', 'i',
  'till', 'har', 'kan', 'om', 'de', 'den', 'ett', 'inte', 'ska', 'från', 'vid', 'eller', 'sig']);
const WORD = /^[A-Za-zÅÄÖåäöÉé0-9§%(),.:;"”–-]+$/u;

// Sentences from running text that look like Swedish prose (not menus, code or English).
export function sentences(text) {
  const out = [];
  for (const para of text.split(/\n\s*\n/)) {
    for (const s of para.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])/u)) {
      const words = s.trim().split(' ');
      if (words.length < 5 || words.length > 45 || !/[.!?]$/.test(s)) continue;
      if (!words.every((w) => WORD.test(w))) continue;
      const sv = words.filter((w) => SWEDISH.has(w.toLowerCase())).length;
      if (sv * 6 < words.length) continue;
      out.push(words);
    }
  }
  return out;
}

export class Markov {
  constructor() { this.next = new Map(); this.starts = []; }
  add(words, weight = 1) {
    for (let k = 0; k < weight; k++) {
      this.starts.push(words[0] + ' ' + words[1]);
      let a = words[0], b = words[1];
      for (let i = 2; i <= words.length; i++) {
        const key = a + ' ' + b, w = i < words.length ? words[i] : '';
        let arr = this.next.get(key);
        if (!arr) this.next.set(key, (arr = []));
        arr.push(w);
        a = b; b = w;
      }
    }
  }
  sentence(rng, maxWords = 40) {
    const start = rng.pick(this.starts);
    const words = start.split(' ');
    let a = words[0], b = words[1];
    while (words.length < maxWords) {
      const arr = this.next.get(a + ' ' + b);
      if (!arr) break;
      const w = rng.pick(arr);
      if (w === '') break;
      words.push(w); a = b; b = w;
    }
    let s = words.join(' ');
    if (!/[.!?]$/.test(s)) s = s.replace(/[,:;–-]+$/, '') + '.';
    return s;
  }
  paragraph(rng, lo, hi) {
    const n = rng.range(lo, hi), out = [];
    for (let i = 0; i < n; i++) out.push(this.sentence(rng));
    return out.join(' ');
  }
}
