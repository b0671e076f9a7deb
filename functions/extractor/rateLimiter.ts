/**
 * Client-side request-rate limiter: hands out start times spaced `1000 / ratePerSecond` ms apart, so no
 * burst ever exceeds the rate in any one-second window. Every HTTP attempt (retries included) takes a
 * slot. {@link RateLimiter.pauseFor} holds all callers back, e.g. when the server sends `Retry-After`.
 */
export class RateLimiter {
  readonly #intervalMs: number;
  #nextSlot = 0;
  #granted = 0;

  /** @param ratePerSecond requests per second; must be positive. */
  constructor(ratePerSecond: number) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError(`RateLimiter: ratePerSecond must be a positive number (got ${ratePerSecond})`);
    }
    this.#intervalMs = 1000 / ratePerSecond;
  }

  /** Slots handed out so far. */
  get granted(): number {
    return this.#granted;
  }

  /** Resolves when the caller may start a request; rejects with the signal's reason when aborted first. */
  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const now = performance.now();
    const slot = Math.max(now, this.#nextSlot);
    this.#nextSlot = slot + this.#intervalMs;
    this.#granted += 1;
    const wait = slot - now;
    if (wait >= 1) await sleep(wait, signal);
  }

  /** No slot is handed out before `ms` from now. */
  pauseFor(ms: number): void {
    this.#nextSlot = Math.max(this.#nextSlot, performance.now() + ms);
  }
}

/** Waits `ms`; rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
