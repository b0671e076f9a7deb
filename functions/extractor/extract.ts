import type { S3Client } from "@aws-sdk/client-s3";
import { TMDB_MAX_PAGE } from "../../contract/pipeline";
import type { ExtractorConfig } from "./config";
import {
  describeError,
  PageListingError,
  TmdbAuthError,
  TmdbHttpError,
  TmdbMalformedResponseError,
  TmdbNotFoundError,
  TmdbRequestError,
} from "./errors";
import { createS3Client, objectKey, putNdjson } from "./landing";
import { createLogger, type Logger } from "./logger";
import { RateLimiter } from "./rateLimiter";
import { describeIssues, MovieDetailsSchema, PopularMovieSchema, PopularPageSchema } from "./schemas";
import { resolveTmdbToken } from "./secrets";
import { createTmdbClient, type TmdbClient } from "./tmdbClient";
import { WorkQueue } from "./workQueue";

/** Spacing of listing positions between pages (TMDB lists 20 a page): position = (page - 1) * stride + index. */
const PAGE_ORDER_STRIDE = 10_000;

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

/** A record kept out of the raw layer, with why. */
interface RejectedRecord {
  source: "movie-popular-list" | "movie-details";
  id: number | null;
  page: number | null;
  reason: string;
  record: unknown;
  _extracted_at: string;
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

  const counts = { pages: 0, fetched: 0, skippedNoFinancials: 0, notFound: 0 };
  const failed: { id: number; reason: string }[] = [];
  const rejects: RejectedRecord[] = [];
  const listingOrder = new Map<number, number>();
  const landed = new Map<number, Record<string, unknown>>();
  let client: TmdbClient | undefined;
  let fatal: unknown;

  const progress = (keys: { key: string | null; rejectKey: string | null }): ExtractionSummary => ({
    bucket: config.rawBucket,
    ...keys,
    pages: counts.pages,
    listed: listingOrder.size,
    fetched: counts.fetched,
    landed: landed.size,
    skippedNoFinancials: counts.skippedNoFinancials,
    rejected: rejects.length,
    notFound: counts.notFound,
    failed: [...failed].sort((a, b) => (listingOrder.get(a.id) ?? 0) - (listingOrder.get(b.id) ?? 0)),
    durationMs: Math.round(performance.now() - t0),
    requests: client?.stats.requests ?? 0,
    retries: client?.stats.retries ?? 0,
  });

  try {
    logger.info("extraction started", {
      baseUrl: config.tmdbBaseUrl,
      bucket: config.rawBucket,
      pages: config.pages,
      maxConcurrency: config.maxConcurrency,
      maxRps: config.maxRps,
      runStart: startedAt.toISOString(),
    });
    const token = await resolveTmdbToken(config);
    client = createTmdbClient({
      baseUrl: config.tmdbBaseUrl,
      token,
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      retryBaseDelayMs: config.retryBaseDelayMs,
      retryMaxDelayMs: config.retryMaxDelayMs,
      maxRetryAfterMs: config.maxRetryAfterMs,
      limiter: new RateLimiter(config.maxRps),
      signal: controller.signal,
      logger,
    });
    const tmdb = client;
    const queue = new WorkQueue(config.maxConcurrency, (error) => {
      if (fatal !== undefined) return;
      fatal = error;
      controller.abort(error);
    });

    const listPage = async (page: number): Promise<void> => {
      let body: unknown;
      try {
        body = await tmdb.getJson("movie/popular", { page });
      } catch (error) {
        if (error instanceof TmdbAuthError || controller.signal.aborted) throw error;
        throw new PageListingError(page, describeError(error), { cause: error });
      }
      const extractedAt = new Date().toISOString();
      const parsed = PopularPageSchema.safeParse(body);
      if (!parsed.success)
        throw new PageListingError(page, `unexpected response: ${describeIssues(parsed.error)}`);
      if (parsed.data.page !== page)
        throw new PageListingError(page, `TMDB answered page ${parsed.data.page}`);
      counts.pages += 1;
      if (page === 1) {
        const last = Math.min(config.pages, Math.max(1, parsed.data.total_pages), TMDB_MAX_PAGE);
        for (let next = 2; next <= last; next += 1) queue.push(() => listPage(next), "high");
      }
      parsed.data.results.forEach((entry, index) => {
        const movie = PopularMovieSchema.safeParse(entry);
        if (!movie.success) {
          rejects.push({
            source: "movie-popular-list",
            id: idOf(entry),
            page,
            reason: `results[${index}]: ${describeIssues(movie.error)}`,
            record: entry,
            _extracted_at: extractedAt,
          });
          return;
        }
        const { id } = movie.data;
        if (listingOrder.has(id)) return; // the list shifted while paging: already queued
        listingOrder.set(id, (page - 1) * PAGE_ORDER_STRIDE + index);
        queue.push(() => fetchDetails(id), "low");
      });
    };

    const fetchDetails = async (id: number): Promise<void> => {
      let body: unknown;
      try {
        body = await tmdb.getJson(`movie/${id}`);
      } catch (error) {
        if (error instanceof TmdbAuthError || controller.signal.aborted) throw error;
        if (error instanceof TmdbNotFoundError) {
          counts.notFound += 1;
          logger.info("movie not found, skipped", { id });
          return;
        }
        if (
          error instanceof TmdbHttpError ||
          error instanceof TmdbRequestError ||
          error instanceof TmdbMalformedResponseError
        ) {
          failed.push({ id, reason: error.message });
          logger.warn("movie details failed", { id, reason: error.message });
          return;
        }
        throw error;
      }
      const extractedAt = new Date().toISOString();
      counts.fetched += 1;
      const parsed = MovieDetailsSchema.safeParse(body);
      const reason = !parsed.success
        ? describeIssues(parsed.error)
        : parsed.data.id !== id
          ? `id: ${parsed.data.id} does not match the requested id ${id}`
          : undefined;
      if (!parsed.success || reason !== undefined) {
        const why = reason ?? "invalid";
        rejects.push({
          source: "movie-details",
          id,
          page: null,
          reason: why,
          record: body,
          _extracted_at: extractedAt,
        });
        logger.warn("movie details rejected", { id, reason: why });
        return;
      }
      if (parsed.data.budget === 0 && parsed.data.revenue === 0) {
        counts.skippedNoFinancials += 1;
        return;
      }
      landed.set(id, { ...(body as Record<string, unknown>), _extracted_at: extractedAt });
    };

    queue.push(() => listPage(1), "high");
    await queue.drained();
    if (fatal !== undefined) throw fatal;
    options.signal?.throwIfAborted();

    const s3 = options.s3 ?? createS3Client(config);
    const records = [...landed.entries()]
      .sort(([a], [b]) => (listingOrder.get(a) ?? 0) - (listingOrder.get(b) ?? 0))
      .map(([, record]) => record);
    const key = records.length > 0 ? objectKey(config.rawPrefix, startedAt) : null;
    const rejectKey = rejects.length > 0 ? objectKey(config.rejectPrefix, startedAt) : null;
    if (key) await putNdjson(s3, config.rawBucket, key, records);
    if (rejectKey) await putNdjson(s3, config.rawBucket, rejectKey, sortRejects(rejects, listingOrder));

    const summary = progress({ key, rejectKey });
    const level = failed.length > 0 || rejects.length > 0 ? "warn" : "info";
    logger[level]("extraction finished", { summary });
    return summary;
  } catch (error) {
    logger.error("extraction failed", {
      error: { name: errorName(error), message: describeError(error) },
      progress: progress({ key: null, rejectKey: null }),
    });
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}

function idOf(entry: unknown): number | null {
  if (typeof entry !== "object" || entry === null) return null;
  const id = (entry as Record<string, unknown>)["id"];
  return typeof id === "number" ? id : null;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** List rejects by page, then details rejects in listing order: the quarantine object is deterministic. */
function sortRejects(rejects: RejectedRecord[], order: Map<number, number>): RejectedRecord[] {
  const rank = (r: RejectedRecord) =>
    r.source === "movie-popular-list"
      ? [0, r.page ?? 0]
      : [1, order.get(r.id ?? -1) ?? Number.MAX_SAFE_INTEGER];
  return [...rejects].sort((a, b) => {
    const [a0 = 0, a1 = 0] = rank(a);
    const [b0 = 0, b1 = 0] = rank(b);
    return a0 - b0 || a1 - b1;
  });
}
