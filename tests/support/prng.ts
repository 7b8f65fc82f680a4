/** mulberry32: tiny, fast, good enough to shuffle rooms; one seed gives one reproducible run. */
export interface Prng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  shuffle<T>(xs: readonly T[]): T[];
}

export function createPrng(seed: number): Prng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: (xs) => xs[int(0, xs.length - 1)] as (typeof xs)[number],
    shuffle: (xs) => {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]];
      }
      return out;
    },
  };
}

/** Just the [0, 1) generator, for tests that need nothing more. */
export function seededRandom(seed: number): () => number {
  return createPrng(seed).next;
}

/** A random lowercase hex id of `chars` characters, like the app's participant ids (32). */
export function hexId(rng: Prng, chars = 32): string {
  return Array.from({ length: chars }, () => '0123456789abcdef'[rng.int(0, 15)]).join('');
}
