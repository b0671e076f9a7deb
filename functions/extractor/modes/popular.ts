import type { ExtractorConfig } from "../config";
import { countsOf, noCounts, type RunCounts } from "../counts";
import { objectKey, putNdjson } from "../landing";
import type { MovieCollector } from "../movies";
import type { Session } from "../session";
import { listPopular } from "../sources/popular";
import { runMode, type ModeOptions, type ModeRun } from "./run";

/**
 * The popular run: `GET /movie/popular` pages 1..`pages`, `GET /movie/{id}` once per distinct id,
 * validated, and the movies with financial data landed as one NDJSON object
 * (`<raw prefix>YYYY-MM-DD/movies_HH-MM-SS.json`, details exactly as received plus `_extracted_at`).
 * Invalid records go to a quarantine object under the reject prefix.
 *
 * Rejects (and writes nothing) when the token is refused, a page cannot be listed, or a write fails;
 * details that fail after retries are reported in `failed` while the rest are landed.
 */

/** What a popular run did; returned and logged as one line. */
export interface ExtractionSummary extends RunCounts {
  mode: "popular";
  /** Always true: a popular run is done in one invocation. */
  done: true;
  /** Bucket written to. */
  bucket: string;
  /** Key of the landed NDJSON object, or `null` when nothing was landed (no object is written then). */
  key: string | null;
  /** Key of the quarantine object, or `null` when no record was rejected. */
  rejectKey: string | null;
  /** Popular pages listed: the requested pages, capped at TMDB's `total_pages`. */
  pages: number;
  /** Wall-clock duration of the run in milliseconds. */
  durationMs: number;
}

interface PopularRun {
  movies: MovieCollector | undefined;
  pages: () => number;
  keys: { key: string | null; rejectKey: string | null };
}

/** Runs the popular list, `config.pages` pages. */
export async function runExtraction(
  config: ExtractorConfig,
  options: ModeOptions = {},
): Promise<ExtractionSummary> {
  return runMode<ExtractionSummary, PopularRun>(config, options, {
    start: async () => ({ movies: undefined, pages: () => 0, keys: { key: null, rejectKey: null } }),
    describe: () => ({ mode: "popular", pages: config.pages }),
    work: (run, session, context) => listAndLand(config, run, session, context),
    counts: (run) => (run.movies === undefined ? noCounts() : countsOf(run.movies)),
    summary: (run, counts) => ({
      mode: "popular",
      done: true,
      bucket: config.rawBucket,
      ...run.keys,
      pages: run.pages(),
      ...counts,
    }),
  });
}

async function listAndLand(
  config: ExtractorConfig,
  run: PopularRun,
  session: Session,
  context: ModeRun,
): Promise<boolean> {
  const movies = session.collector();
  run.movies = movies;
  run.pages = listPopular(session.client, session.queue, movies, {
    pages: config.pages,
    signal: session.signal,
  }).pagesListed;
  await session.drained();
  const records = movies.records();
  const key = records.length > 0 ? objectKey(config.rawPrefix, context.runStart) : null;
  const rejectKey = movies.rejects.length > 0 ? objectKey(config.rejectPrefix, context.runStart) : null;
  if (key) await putNdjson(context.s3, config.rawBucket, key, records);
  if (rejectKey) await putNdjson(context.s3, config.rawBucket, rejectKey, movies.sortedRejects());
  run.keys = { key, rejectKey };
  return true;
}
