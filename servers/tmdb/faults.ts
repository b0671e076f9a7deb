/** Which requests a fault applies to. */
export type TmdbFaultTarget =
  /** The popular list; only the given page when `page` is set. */
  | { endpoint: "popular"; page?: number }
  /** Movie details; only the given movie when `movieId` is set. */
  | { endpoint: "details"; movieId?: number }
  /**
   * `GET /discover/movie`; only the given page when `page` is set, only the given year when `year` is
   * set: a request's year is its `primary_release_year`, else the year of its
   * `primary_release_date.gte`/`.lte` range when both fall in the same year (a year split by dates).
   */
  | { endpoint: "discover"; year?: number; page?: number }
  /** `GET /movie/changes`; only the given page when `page` is set. */
  | { endpoint: "changes"; page?: number };

/** What an injected fault does to a matching request. */
export type TmdbFaultEffect =
  /** 429 with TMDB's body (`status_code` 25); `Retry-After` is sent only when `retryAfterSeconds` is set. */
  | { type: "rateLimited"; retryAfterSeconds?: number }
  /** A server error with TMDB's generic error body; optional `Retry-After`. */
  | { type: "serverError"; status: 500 | 502 | 503 | 504; retryAfterSeconds?: number }
  /** The normal response, held back for `delayMs` before any byte is sent (use to exceed a client timeout). */
  | { type: "slow"; delayMs: number }
  /** 200 with `Content-Type: application/json` and a truncated, unparsable JSON body. */
  | { type: "malformedJson" }
  /** 404 with TMDB's not-found body (`status_code` 34), as for a movie that was removed. */
  | { type: "notFound" }
  /** 401 with TMDB's invalid-key body (`status_code` 7). */
  | { type: "unauthorized" }
  /** The connection is destroyed without a response (a network error for the client). */
  | { type: "connectionReset" }
  /** Any JSON body, e.g. a response whose shape TMDB never sends. */
  | { type: "customBody"; body: unknown; status?: number };

/** A fault injected into matching requests. */
export interface TmdbFault {
  /** Requests the fault applies to. */
  target: TmdbFaultTarget;
  /** What happens to them. */
  effect: TmdbFaultEffect;
  /**
   * How many matching requests are affected; later ones are served normally.
   * @default Infinity
   */
  times?: number;
}

/** A route as faults see it. */
export type FaultRoute =
  | { endpoint: "popular"; page: number | undefined }
  | { endpoint: "details"; movieId: number }
  | { endpoint: "discover"; year: number | undefined; page: number | undefined }
  | { endpoint: "changes"; page: number | undefined }
  | { endpoint: "unknown" };

/** The faults of a server, each with the number of matching requests it still affects. */
export class FaultList {
  readonly #faults: { fault: TmdbFault; remaining: number }[] = [];

  constructor(faults: readonly TmdbFault[] = []) {
    for (const fault of faults) this.add(fault);
  }

  add(fault: TmdbFault): void {
    this.#faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /** The effect of the first matching fault with remaining uses (which uses one), if any. */
  take(route: FaultRoute): TmdbFaultEffect | undefined {
    for (const active of this.#faults) {
      if (active.remaining <= 0 || !matches(active.fault.target, route)) continue;
      active.remaining -= 1;
      return active.fault.effect;
    }
    return undefined;
  }
}

function matches(target: TmdbFaultTarget, route: FaultRoute): boolean {
  const same = (wanted: number | undefined, actual: number | undefined) =>
    wanted === undefined || wanted === actual;
  switch (target.endpoint) {
    case "popular":
      return route.endpoint === "popular" && same(target.page, route.page);
    case "details":
      return route.endpoint === "details" && same(target.movieId, route.movieId);
    case "discover":
      return route.endpoint === "discover" && same(target.year, route.year) && same(target.page, route.page);
    case "changes":
      return route.endpoint === "changes" && same(target.page, route.page);
  }
}
