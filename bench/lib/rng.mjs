// A small seeded PRNG (sfc32) so that every corpus is byte-identical for the same arguments.
// Math.random is never used by the benchmark.

export class Rng {
  constructor(seed) {
    this.a = 0x9e3779b9; this.b = 0x243f6a88; this.c = 0xb7e15162; this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  next() { // uint32
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  float() { return this.next() / 4294967296; }
  int(n) { return Math.floor(this.float() * n); }          // 0..n-1
  range(lo, hi) { return lo + this.int(hi - lo + 1); }     // lo..hi inclusive
  pick(arr) { return arr[this.int(arr.length)]; }
  chance(p) { return this.float() < p; }
}
