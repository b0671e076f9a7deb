/** Request statistics of a running server. */
export interface TmdbServerStats {
  /** Requests received (all endpoints and outcomes). */
  requests: number;
  /** Responses with status 429 (rate limit and injected). */
  rateLimited: number;
  /** Requests per path, e.g. `/3/movie/popular` or `/3/movie/11`. */
  byPath: Record<string, number>;
  /** Responses per HTTP status (connection resets count as status 0). */
  byStatus: Record<number, number>;
  /** Time from request arrival to the end of the response, per request, in milliseconds. */
  latenciesMs: number[];
  /** Largest number of requests in flight at the same time. */
  maxInFlight: number;
  /** Every finished request in order of completion: path, status (0: connection dropped), `performance.now()` times. */
  log: { path: string; status: number; startedAt: number; endedAt: number }[];
  /** `performance.now()` when the first request arrived (undefined before any). */
  firstRequestAt?: number;
  /** `performance.now()` when the latest response ended (undefined before any). */
  lastResponseAt?: number;
}

/** Empty statistics for a new server. */
export function newStats(): TmdbServerStats {
  return { requests: 0, rateLimited: 0, byPath: {}, byStatus: {}, latenciesMs: [], maxInFlight: 0, log: [] };
}

/**
 * Counts a request on arrival and, once, when its response ends (or its connection drops).
 * @returns the function to call with the response's status (0: no response).
 */
export function recordRequest(stats: TmdbServerStats, path: string, inFlight: { count: number }) {
  const startedAt = performance.now();
  stats.firstRequestAt ??= startedAt;
  inFlight.count += 1;
  stats.maxInFlight = Math.max(stats.maxInFlight, inFlight.count);
  stats.requests += 1;
  let finished = false;
  return (status: number): void => {
    if (finished) return;
    finished = true;
    inFlight.count -= 1;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    if (status === 429) stats.rateLimited += 1;
    stats.lastResponseAt = performance.now();
    stats.latenciesMs.push(stats.lastResponseAt - startedAt);
    stats.log.push({ path, status, startedAt, endedAt: stats.lastResponseAt });
  };
}
