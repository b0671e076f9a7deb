import {
  describeError,
  TmdbAuthError,
  TmdbHttpError,
  TmdbMalformedResponseError,
  TmdbNotFoundError,
  TmdbRequestError,
} from "./errors";
import type { Logger } from "./logger";
import { describeIssues, MovieDetailsSchema } from "./schemas";
import type { TmdbClient } from "./tmdbClient";
import type { WorkQueue } from "./workQueue";

/**
 * What every list source hands its movie ids to: fetches `GET /movie/{id}` once per distinct id,
 * validates it, applies the skip rule (budget and revenue both 0), and keeps each movie's outcome —
 * landed, skipped, rejected with the reason, not found, or failed after retries — so that every
 * movie the extractor sees is landed, or counted with its reason.
 */

/** A record kept out of the raw layer, with why. */
export interface RejectedRecord {
  source: "movie-popular-list" | "movie-discover-list" | "movie-changes-list" | "movie-details";
  id: number | null;
  page: number | null;
  reason: string;
  record: unknown;
  _extracted_at: string;
}

/** The movies of one run and what happened to each. */
export class MovieCollector {
  readonly counts = { fetched: 0, skippedNoFinancials: 0, notFound: 0 };
  readonly failed: { id: number; reason: string }[] = [];
  readonly rejects: RejectedRecord[] = [];
  /** Listing position of every distinct id (the landed object keeps this order). */
  readonly listingOrder = new Map<number, number>();
  readonly landed = new Map<number, Record<string, unknown>>();
  /** Revenue of every movie whose valid details arrived (the backfill's stop rule reads it). */
  readonly #revenue = new Map<number, number>();
  readonly #failedIds = new Set<number>();
  /** Resolves when an id's details have their outcome, whatever it is. */
  readonly #outcomes = new Map<number, Promise<void>>();
  #pending = 0;
  #idle: (() => void)[] = [];

  constructor(
    private readonly tmdb: TmdbClient,
    private readonly queue: WorkQueue,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
  ) {}

  /** Queues the details of a listed id, once per id (a list may shift while it is paged through). */
  add(id: number, position: number): void {
    if (this.listingOrder.has(id)) return;
    this.listingOrder.set(id, position);
    this.#pending += 1;
    let outcome: () => void = () => undefined;
    this.#outcomes.set(id, new Promise<void>((resolve) => (outcome = resolve)));
    this.queue.push(async () => {
      try {
        await this.#fetch(id);
      } finally {
        outcome();
        this.#pending -= 1;
        if (this.#pending === 0) for (const resolve of this.#idle.splice(0)) resolve();
      }
    }, "low");
  }

  /**
   * Resolves once every id added so far has its outcome; rejects with the run's abort reason when
   * the run stops first (e.g. TMDB refused the token).
   */
  settled(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(this.signal.reason);
      this.signal.addEventListener("abort", onAbort, { once: true });
      this.#idle.push(() => {
        this.signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  /**
   * Whether any of `ids` may have revenue: a movie whose valid details show revenue > 0, or one whose
   * details could not be fetched (unknown counts as maybe, so paging never stops on a failure).
   * Resolves true as soon as one such movie is known, false once every id has its outcome; rejects
   * with the run's abort reason when the run stops first.
   */
  revenueAmong(ids: readonly number[]): Promise<boolean> {
    const maybe = (id: number) => (this.#revenue.get(id) ?? 0) > 0 || this.#failedIds.has(id);
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(this.signal.reason);
      this.signal.addEventListener("abort", onAbort, { once: true });
      const answer = (value: boolean) => {
        this.signal.removeEventListener("abort", onAbort);
        resolve(value);
      };
      let left = ids.length;
      if (left === 0) answer(false);
      for (const id of ids) {
        void (this.#outcomes.get(id) ?? Promise.resolve()).then(() => {
          if (maybe(id)) answer(true);
          else if (--left === 0) answer(false);
        });
      }
    });
  }

  /** Quarantines a record a list source could not use. */
  reject(record: RejectedRecord): void {
    this.rejects.push(record);
  }

  /** The landed records, in listing order. */
  records(): Record<string, unknown>[] {
    const position = (id: number) => this.listingOrder.get(id) ?? 0;
    return [...this.landed.entries()]
      .sort(([a], [b]) => position(a) - position(b))
      .map(([, record]) => record);
  }

  /** Failed movies in listing order. */
  failures(): { id: number; reason: string }[] {
    const position = (id: number) => this.listingOrder.get(id) ?? 0;
    return [...this.failed].sort((a, b) => position(a.id) - position(b.id));
  }

  /** Rejected list entries by page, then rejected details in listing order: deterministic quarantine. */
  sortedRejects(): RejectedRecord[] {
    const rank = (r: RejectedRecord) =>
      r.source !== "movie-details"
        ? [0, r.page ?? 0]
        : [1, this.listingOrder.get(r.id ?? -1) ?? Number.MAX_SAFE_INTEGER];
    return [...this.rejects].sort((a, b) => {
      const [a0 = 0, a1 = 0] = rank(a);
      const [b0 = 0, b1 = 0] = rank(b);
      return a0 - b0 || a1 - b1;
    });
  }

  async #fetch(id: number): Promise<void> {
    let body: unknown;
    try {
      body = await this.tmdb.getJson(`movie/${id}`);
    } catch (error) {
      this.#fetchFailed(id, error);
      return;
    }
    const extractedAt = new Date().toISOString();
    this.counts.fetched += 1;
    const parsed = MovieDetailsSchema.safeParse(body);
    const reason = !parsed.success
      ? describeIssues(parsed.error)
      : parsed.data.id !== id
        ? `id: ${parsed.data.id} does not match the requested id ${id}`
        : undefined;
    if (!parsed.success || reason !== undefined) {
      const why = reason ?? "invalid";
      this.rejects.push({
        source: "movie-details",
        id,
        page: null,
        reason: why,
        record: body,
        _extracted_at: extractedAt,
      });
      this.logger.warn("movie details rejected", { id, reason: why });
      return;
    }
    this.#revenue.set(id, parsed.data.revenue);
    if (parsed.data.budget === 0 && parsed.data.revenue === 0) {
      this.counts.skippedNoFinancials += 1;
      return;
    }
    this.landed.set(id, { ...(body as Record<string, unknown>), _extracted_at: extractedAt });
  }

  /** A movie's details could not be fetched: counted and logged, or the run stops (401, abort, bug). */
  #fetchFailed(id: number, error: unknown): void {
    if (error instanceof TmdbAuthError || this.signal.aborted) throw error;
    if (error instanceof TmdbNotFoundError) {
      this.counts.notFound += 1;
      this.logger.info("movie not found, skipped", { id });
      return;
    }
    if (
      error instanceof TmdbHttpError ||
      error instanceof TmdbRequestError ||
      error instanceof TmdbMalformedResponseError
    ) {
      this.failed.push({ id, reason: error.message });
      this.#failedIds.add(id);
      this.logger.warn("movie details failed", { id, reason: describeError(error) });
      return;
    }
    throw error;
  }
}
