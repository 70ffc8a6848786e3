/** mulberry32: a small seeded PRNG, so randomised tests and benchmarks check the same cases on every run. */
export function mulberry32(seed: number): () => number {
  // Kept as a signed 32-bit integer: the same bits as the usual `>>> 0` form (every step
  // is bitwise), but V8 keeps it unboxed, several times faster in the scene generator's loops.
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
