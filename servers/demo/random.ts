/** mulberry32: small, fast, well-distributed 32-bit PRNG; deterministic for a seed. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The demo catalog's random choices, all from one seeded stream. */
export class Generator {
  readonly #random: () => number;
  #spareNormal: number | undefined;

  constructor(seed: number) {
    this.#random = createRandom(seed);
  }

  next(): number {
    return this.#random();
  }

  chance(probability: number): boolean {
    return this.#random() < probability;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.#random() * items.length)];
    if (item === undefined) throw new Error("pick() from an empty list");
    return item;
  }

  weighted<T extends { weight: number }>(items: readonly T[]): T {
    const total = items.reduce((sum, item) => sum + item.weight, 0);
    let roll = this.#random() * total;
    for (const item of items) {
      roll -= item.weight;
      if (roll < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new Error("weighted() from an empty list");
    return last;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    if (this.#spareNormal !== undefined) {
      const spare = this.#spareNormal;
      this.#spareNormal = undefined;
      return spare;
    }
    const u = 1 - this.#random();
    const v = this.#random();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal around `median` with log-space standard deviation `sigma`. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** A TMDB-style image path: `/` + 27 base62 characters + extension. */
  imagePath(extension: "jpg" | "png"): string {
    const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let path = "/";
    for (let i = 0; i < 27; i += 1) path += alphabet[Math.floor(this.#random() * alphabet.length)];
    return `${path}.${extension}`;
  }
}
