import type { MovieCollector } from "./movies";
import type { TmdbClient } from "./tmdbClient";

/**
 * What every run counts, whatever its list source: every movie it saw is landed, or counted with its
 * reason (skipped without financial figures, rejected as invalid, not found, failed after retries).
 */
export interface RunCounts {
  /** Distinct movie ids listed (an id listed twice counts once). */
  listed: number;
  /** Details responses received (2xx with a JSON body). */
  fetched: number;
  /** Records landed. */
  landed: number;
  /** Valid movies skipped because both budget and revenue are 0 (TMDB's "unknown"). */
  skippedNoFinancials: number;
  /** Records that failed validation (list entries and details), quarantined with the reason. */
  rejected: number;
  /** Listed movies whose details TMDB answered with 404. */
  notFound: number;
  /** Listed movies whose details still failed after retries. */
  failedCount: number;
  /**
   * The first of them (in listing order, at most {@link SUMMARY_FAILED_LIMIT}) with the reason; each
   * one is also logged as it fails. The cap keeps a summary within what Step Functions passes on
   * (256 KB) however badly TMDB behaves.
   */
  failed: { id: number; reason: string }[];
  /** HTTP requests made to TMDB, retries included. */
  requests: number;
  /** Requests that were retries. */
  retries: number;
}

/** Failed movies a summary names. */
export const SUMMARY_FAILED_LIMIT = 100;

/** What a run counts of its movies, every failure included (the client counts its requests). */
export type MovieCounts = Omit<RunCounts, "requests" | "retries" | "failedCount">;

/** Counts before any movie was seen. */
export function noCounts(): MovieCounts {
  return { listed: 0, fetched: 0, landed: 0, skippedNoFinancials: 0, rejected: 0, notFound: 0, failed: [] };
}

/** A collector's counts (the client's request counts are the run's, added separately). */
export function countsOf(movies: MovieCollector): MovieCounts {
  return {
    listed: movies.listingOrder.size,
    fetched: movies.counts.fetched,
    landed: movies.landed.size,
    skippedNoFinancials: movies.counts.skippedNoFinancials,
    rejected: movies.rejects.length,
    notFound: movies.counts.notFound,
    failed: movies.failures(),
  };
}

/** Adds a collector's counts to a running total (in place). */
export function addCounts(total: MovieCounts, part: MovieCounts): void {
  total.listed += part.listed;
  total.fetched += part.fetched;
  total.landed += part.landed;
  total.skippedNoFinancials += part.skippedNoFinancials;
  total.rejected += part.rejected;
  total.notFound += part.notFound;
  total.failed.push(...part.failed);
}

/** The client's request counts. */
export function requestsOf(client: TmdbClient | undefined): Pick<RunCounts, "requests" | "retries"> {
  return { requests: client?.stats.requests ?? 0, retries: client?.stats.retries ?? 0 };
}

/** A run's counts for its summary: the movies' counts, the failures capped, the client's requests. */
export function summaryCounts(movies: MovieCounts, client: TmdbClient | undefined): RunCounts {
  return {
    ...movies,
    failedCount: movies.failed.length,
    failed: movies.failed.slice(0, SUMMARY_FAILED_LIMIT),
    ...requestsOf(client),
  };
}
