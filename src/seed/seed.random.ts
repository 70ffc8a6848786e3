/**
 * The seed's pseudo-random numbers: mulberry32, small, fast and identical on every
 * platform, so one seed always yields the same inventory. Each part of the generator
 * draws from its own named stream (fork), so changing how private cameras are placed
 * does not move a single station.
 */
// Module-level aliases: global lookups (Math.*) are slow inside Jest's vm context.
const imul = Math.imul;
const floor = Math.floor;

export class SeedRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A stream derived from this seed and a label (FNV-1a of the label mixed into the seed). */
  fork(label: string): SeedRandom {
    let h = 0x811c9dc5 ^ this.state;
    for (let i = 0; i < label.length; i++) h = imul(h ^ label.charCodeAt(i), 0x01000193);
    return new SeedRandom(h >>> 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[floor(this.next() * items.length)];
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[floor(this.next() * alphabet.length)];
    return s;
  }
}

/**
 * Splits `total` into integer shares proportional to `weights` (largest remainder),
 * each share at least `min`. The shares always sum to `total` exactly.
 */
export function apportion(total: number, weights: readonly number[], min = 0): number[] {
  const spare = total - min * weights.length;
  if (spare < 0) throw new Error(`cannot give ${min} to each of ${weights.length} when the total is ${total}`);
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (sum > 0 ? (spare * w) / sum : spare / weights.length));
  const shares = exact.map((x) => Math.floor(x));
  let left = spare - shares.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) shares[order[k % order.length][1]]++;
  return shares.map((s) => s + min);
}
