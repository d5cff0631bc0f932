/**
 * A small, fast, seeded pseudo-random generator for research jobs (random search, Monte Carlo resampling), so that
 * the same request with the same seed gives the same answer on every machine and with any number of workers.
 *
 * Algorithm: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state, period ≥ 2^32, passes
 * PractRand), on 32-bit integer arithmetic only (Math.imul, >>>, |), hence bit-identical across JavaScript engines.
 * The state is filled from (seed, stream) by splitmix32, so independent streams of one seed (one per Monte Carlo
 * chunk) never share a state; the first 12 outputs are discarded.
 */

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export const MAX_SEED = 0xffff_ffff;

export class Prng {
  /** The state words (int32). Public so hot loops can step the generator inline (see monte-carlo.ts); read, step
   * exactly as nextUint32 does, and write back. */
  a: number;
  b: number;
  c: number;
  d: number;

  /** `seed`: a whole number 0 … 2^32 − 1; `stream`: which independent sequence of that seed (0, 1, 2, …). */
  constructor(seed: number, stream = 0) {
    const mix = { s: (seed >>> 0) ^ Math.imul(stream + 1, 0x632be5ab) };
    this.a = splitmix32(mix);
    this.b = splitmix32(mix);
    this.c = splitmix32(mix);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next 32 random bits as an unsigned whole number 0 … 2^32 − 1. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4_294_967_296;
  }

  /**
   * Uniform whole number in [0, n) for 1 ≤ n ≤ 2^21 by one multiplication (floor(u · n / 2^32)); the bias of at
   * most n / 2^32 (< 0.05 % for a million) is far below Monte Carlo noise. Larger n go through `below`.
   */
  int(n: number): number {
    return Math.floor((this.nextUint32() * n) / 4_294_967_296);
  }

  /** Uniform whole number in [0, n) for any n ≤ 2^53, from 53 random bits (two outputs). */
  below(n: number): number {
    const hi = this.nextUint32() >>> 11; // 21 bits
    const lo = this.nextUint32(); // 32 bits
    return Math.floor(((hi * 4_294_967_296 + lo) / 9_007_199_254_740_992) * n);
  }
}
