import type { S3Client } from "@aws-sdk/client-s3";
import type { ExtractorConfig } from "./config";
import { describeError } from "./errors";
import { createS3Client, objectKey, putNdjson } from "./landing";
import { createLogger, type Logger } from "./logger";
import type { MovieCollector } from "./movies";
import { openSession } from "./session";
import { listPopular } from "./sources/popular";
import type { TmdbClient } from "./tmdbClient";

/** What a run did; returned by {@link runExtraction} and logged as one line. */
export interface ExtractionSummary {
  /** Bucket written to. */
  bucket: string;
  /** Key of the landed NDJSON object, or `null` when nothing was landed (no object is written then). */
  key: string | null;
  /** Key of the quarantine object, or `null` when no record was rejected. */
  rejectKey: string | null;
  /** Popular pages listed: the requested pages, capped at TMDB's `total_pages`. */
  pages: number;
  /** Distinct movie ids listed (an id on two pages counts once). */
  listed: number;
  /** Details responses received (2xx with a JSON body). */
  fetched: number;
  /** Records written to `key`. */
  landed: number;
  /** Valid movies skipped because both budget and revenue are 0 (TMDB's "unknown"). */
  skippedNoFinancials: number;
  /** Records that failed validation (list entries and details), written to `rejectKey` with the reason. */
  rejected: number;
  /** Listed movies whose details TMDB answered with 404. */
  notFound: number;
  /** Listed movies whose details still failed after retries, with the reason. */
  failed: { id: number; reason: string }[];
  /** Wall-clock duration of the run in milliseconds. */
  durationMs: number;
  /** HTTP requests made to TMDB, retries included. */
  requests: number;
  /** Requests that were retries. */
  retries: number;
}

/** Options of {@link runExtraction}. */
export interface RunOptions {
  /**
   * Run start, which names the landed objects.
   * @default new Date()
   */
  now?: Date;
  /**
   * Where progress, warnings and the summary line go.
   * @default createLogger() (JSON lines on standard output)
   */
  logger?: Logger;
  /**
   * S3 client to write with.
   * @default createS3Client(config)
   */
  s3?: S3Client;
  /**
   * Aborts the run (in-flight requests are cancelled and the run rejects).
   * @default undefined
   */
  signal?: AbortSignal;
}

/**
 * Lists `GET /movie/popular` pages 1..`config.pages`, fetches `GET /movie/{id}` once per distinct id,
 * validates, and lands the movies with financial data as one NDJSON object (details exactly as
 * received plus `_extracted_at`). Invalid records go to a quarantine object under `rejectPrefix`.
 *
 * Rejects (and writes nothing) when the token is refused, a page cannot be listed, or a write fails;
 * details that fail after retries are reported in `failed` while the rest are landed.
 */
export async function runExtraction(
  config: ExtractorConfig,
  options: RunOptions = {},
): Promise<ExtractionSummary> {
  const startedAt = options.now ?? new Date();
  const t0 = performance.now();
  const logger = options.logger ?? createLogger();
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  let run: Awaited<ReturnType<typeof startRun>> | undefined;
  const summary = (keys: { key: string | null; rejectKey: string | null }): ExtractionSummary => ({
    bucket: config.rawBucket,
    ...keys,
    ...(run ? counts(run.movies, run.client, run.pages()) : NOTHING_YET),
    durationMs: Math.round(performance.now() - t0),
  });

  try {
    logger.info("extraction started", {
      ...{ baseUrl: config.tmdbBaseUrl, bucket: config.rawBucket, pages: config.pages },
      ...{ maxConcurrency: config.maxConcurrency, maxRps: config.maxRps, runStart: startedAt.toISOString() },
    });
    run = await startRun(config, logger, controller);
    await run.drained();
    options.signal?.throwIfAborted();
    const keys = await land(options.s3 ?? createS3Client(config), config, startedAt, run.movies);
    const result = summary(keys);
    logger[result.failed.length > 0 || result.rejected > 0 ? "warn" : "info"]("extraction finished", {
      summary: result,
    });
    return result;
  } catch (error) {
    logger.error("extraction failed", {
      error: { name: error instanceof Error ? error.name : typeof error, message: describeError(error) },
      progress: summary({ key: null, rejectKey: null }),
    });
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}

/** A session with the popular list as its source. */
async function startRun(config: ExtractorConfig, logger: Logger, controller: AbortController) {
  const session = await openSession(config, logger, controller);
  const movies = session.collector();
  const source = listPopular(session.client, session.queue, movies, {
    pages: config.pages,
    signal: session.signal,
  });
  return { client: session.client, movies, pages: source.pagesListed, drained: () => session.drained() };
}

/** Writes the landed records and the quarantined ones, each as one NDJSON object named after the run start. */
async function land(
  s3: S3Client,
  config: ExtractorConfig,
  startedAt: Date,
  movies: MovieCollector,
): Promise<{ key: string | null; rejectKey: string | null }> {
  const records = movies.records();
  const key = records.length > 0 ? objectKey(config.rawPrefix, startedAt) : null;
  const rejectKey = movies.rejects.length > 0 ? objectKey(config.rejectPrefix, startedAt) : null;
  if (key) await putNdjson(s3, config.rawBucket, key, records);
  if (rejectKey) await putNdjson(s3, config.rawBucket, rejectKey, movies.sortedRejects());
  return { key, rejectKey };
}

const NOTHING_YET = {
  pages: 0,
  listed: 0,
  fetched: 0,
  landed: 0,
  skippedNoFinancials: 0,
  rejected: 0,
  notFound: 0,
  failed: [],
  requests: 0,
  retries: 0,
};

/** The summary's counts so far. */
function counts(movies: MovieCollector, client: TmdbClient, pages: number) {
  return {
    pages,
    listed: movies.listingOrder.size,
    fetched: movies.counts.fetched,
    landed: movies.landed.size,
    skippedNoFinancials: movies.counts.skippedNoFinancials,
    rejected: movies.rejects.length,
    notFound: movies.counts.notFound,
    failed: movies.failures(),
    requests: client.stats.requests,
    retries: client.stats.retries,
  };
}
