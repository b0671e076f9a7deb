import type { S3Client } from "@aws-sdk/client-s3";
import * as z from "zod";
import type { ExtractorConfig } from "../config";
import { addCounts, countsOf, noCounts, requestsOf, type MovieCounts, type RunCounts } from "../counts";
import type { BackfillEvent } from "../event";
import { landParts } from "../landing";
import type { MovieCollector } from "../movies";
import type { Session } from "../session";
import { listYear } from "../sources/discover";
import { CheckpointWriter, readCheckpoint } from "../state";
import { BackfillStalledError } from "../errors";
import { runMode, type ModeOptions, type ModeRun } from "./run";

/**
 * The backfill: every movie of each primary release year from `fromYear` to `toYear`, a few years at
 * once (`BACKFILL_YEAR_CONCURRENCY`). A completed year lands as its own objects
 * (`<raw prefix>backfill/<year>/movies_<run start>_part-<n>.json`, at most 5,000 records each) and is
 * then recorded in the range's checkpoint (`<state prefix>backfill/<from>-<to>.json`, or
 * `<from>-current.json` for a range that ends at the current year), so the checkpoint never runs
 * ahead of what landed. A run resumes from the checkpoint: completed years are
 * skipped, and a year interrupted mid-way is listed again from its start (at most the years that
 * were under way). Close to its deadline, a run starts no new year, finishes those under way and
 * returns `done: false`.
 */

/** What a backfill invocation did. */
export interface BackfillSummary extends RunCounts {
  mode: "backfill";
  /** Every year of the range is landed (by this or an earlier invocation). */
  done: boolean;
  bucket: string;
  fromYear: number;
  toYear: number;
  /** The range's checkpoint. */
  checkpointKey: string;
  /** Years completed by this invocation, in order. */
  yearsCompleted: number[];
  /** Years of the range not completed yet. */
  yearsRemaining: number;
  /** Discover pages listed. */
  pages: number;
  /** Years listed in more than one date range (their lists passed 500 pages). */
  splitYears: number;
  /** Movies TMDB cannot list (past page 500 of a single day). */
  unreachable: number;
  /** Landed and quarantine objects written. */
  keys: string[];
  rejectKeys: string[];
  durationMs: number;
}

/** The checkpoint of a backfill range (`toYear` null: the current year). */
const BackfillCheckpointSchema = z.object({
  fromYear: z.int(),
  toYear: z.int().nullable(),
  completedYears: z.array(z.int()),
  updatedAt: z.string(),
});
type BackfillCheckpoint = z.infer<typeof BackfillCheckpointSchema>;

/** Progress of a backfill, reported every second and after each completed year. */
export interface BackfillProgress {
  yearsDone: number;
  yearsTotal: number;
  /** Years being listed now. */
  yearsUnderway: number[];
  /** Discover pages requested so far. */
  pages: number;
  /** Movies landed, or fetched and waiting for their year to land. */
  movies: number;
  /** Requests sent to TMDB so far. */
  requests: number;
}

const PROGRESS_INTERVAL_MS = 1_000;

/**
 * Runs (or resumes) a backfill of `event`'s years.
 * @throws BackfillStalledError when the invocation stopped for its deadline without completing a year:
 *   invoked again, it would only start the same years over
 */
export async function runBackfill(
  config: ExtractorConfig,
  event: BackfillEvent,
  options: ModeOptions & { onProgress?: (progress: BackfillProgress) => void } = {},
): Promise<BackfillSummary> {
  const summary = await runMode<BackfillSummary, BackfillRun>(config, options, {
    start: (s3) => startBackfill(config, event, options.now ?? new Date(), s3),
    describe: (run) => ({ fromYear: event.fromYear, toYear: run.toYear, yearsLeft: run.years.length }),
    work: (run, session, context) => backfillYears(config, run, session, context, options.onProgress),
    counts: (run) => run.counts,
    summary: (run, counts, done) => ({
      mode: "backfill",
      done,
      bucket: config.rawBucket,
      fromYear: event.fromYear,
      toYear: run.toYear,
      checkpointKey: run.checkpointKey,
      yearsCompleted: [...run.completed].sort((a, b) => a - b),
      yearsRemaining: run.years.length + run.inFlight.size,
      ...counts,
      ...run.totals,
    }),
  });
  if (!summary.done && summary.yearsCompleted.length === 0) {
    throw new BackfillStalledError(summary.yearsRemaining, config.stopMarginSeconds);
  }
  return summary;
}

interface BackfillRun {
  event: BackfillEvent;
  /** The last year of the range, resolved for this invocation. */
  toYear: number;
  checkpointKey: string;
  checkpoint: CheckpointWriter<BackfillCheckpoint>;
  /** Years still to start, in order. */
  years: number[];
  /** Discover pages requested, the years under way included. */
  pagesRequested: number;
  /** The collectors of the years under way. */
  inFlight: Map<number, MovieCollector>;
  completed: number[];
  totals: Pick<BackfillSummary, "pages" | "splitYears" | "unreachable" | "keys" | "rejectKeys">;
  counts: MovieCounts;
}

async function startBackfill(
  config: ExtractorConfig,
  event: BackfillEvent,
  now: Date,
  s3: S3Client,
): Promise<BackfillRun> {
  const toYear = event.toYear ?? now.getUTCFullYear();
  const checkpointKey = `${config.statePrefix}backfill/${event.fromYear}-${event.toYear ?? "current"}.json`;
  const stored = await readCheckpoint(s3, config.rawBucket, checkpointKey, BackfillCheckpointSchema);
  const done = new Set(stored.value?.completedYears ?? []);
  const all = Array.from({ length: toYear - event.fromYear + 1 }, (_, i) => event.fromYear + i);
  return {
    event,
    toYear,
    checkpointKey,
    checkpoint: new CheckpointWriter(s3, config.rawBucket, stored),
    years: all.filter((year) => !done.has(year)),
    pagesRequested: 0,
    inFlight: new Map(),
    completed: [],
    totals: { pages: 0, splitYears: 0, unreachable: 0, keys: [], rejectKeys: [] },
    counts: noCounts(),
  };
}

/** Works through the years with `backfillYearConcurrency` workers; resolves whether none is left. */
async function backfillYears(
  config: ExtractorConfig,
  run: BackfillRun,
  session: Session,
  context: ModeRun,
  onProgress: ((progress: BackfillProgress) => void) | undefined,
): Promise<boolean> {
  const report = () => onProgress?.(progressOf(run, session));
  const worker = async (): Promise<void> => {
    for (let year = run.years[0]; year !== undefined && !context.stopping(); year = run.years[0]) {
      run.years.shift();
      await backfillYear(config, run, session, context, year);
      report();
    }
  };
  const ticker = onProgress === undefined ? undefined : setInterval(report, PROGRESS_INTERVAL_MS);
  try {
    // Every worker ends before the run returns, even when one fails or the deadline is reached: a
    // year being landed finishes its objects and its checkpoint instead of writing after the return.
    const ended = await Promise.allSettled(Array.from({ length: config.backfillYearConcurrency }, worker));
    const failure = ended.find((result) => result.status === "rejected");
    if (failure !== undefined) throw failure.reason;
  } finally {
    clearInterval(ticker);
  }
  return run.years.length === 0 && run.inFlight.size === 0;
}

const yearsIn = (run: BackfillRun) => run.toYear - run.event.fromYear + 1;

function progressOf(run: BackfillRun, session: Session): BackfillProgress {
  const collecting = [...run.inFlight.values()].reduce((sum, movies) => sum + movies.landed.size, 0);
  return {
    yearsDone: yearsIn(run) - run.years.length - run.inFlight.size,
    yearsTotal: yearsIn(run),
    yearsUnderway: [...run.inFlight.keys()].sort((a, b) => a - b),
    pages: run.pagesRequested,
    movies: run.counts.landed + collecting,
    requests: requestsOf(session.client).requests,
  };
}

/** Lists a year, lands it and records it in the checkpoint. */
async function backfillYear(
  config: ExtractorConfig,
  run: BackfillRun,
  session: Session,
  context: ModeRun,
  year: number,
): Promise<void> {
  const movies = session.collector();
  run.inFlight.set(year, movies);
  const listing = await listYear(session.client, movies, year, session.signal, () => {
    run.pagesRequested += 1;
  });
  const keys = await landParts(
    context.s3,
    config,
    { folder: `backfill/${year}`, runStart: context.runStart },
    movies,
  );
  await run.checkpoint.update((value) => ({
    fromYear: run.event.fromYear,
    toYear: run.event.toYear ?? null,
    completedYears: [...new Set([...(value?.completedYears ?? []), year])].sort((a, b) => a - b),
    updatedAt: new Date().toISOString(),
  }));
  run.completed.push(year);
  run.totals.pages += listing.pages;
  run.totals.splitYears += listing.ranges > 1 ? 1 : 0;
  run.totals.unreachable += listing.unreachable;
  run.totals.keys.push(...keys.landed);
  run.totals.rejectKeys.push(...keys.rejected);
  addCounts(run.counts, countsOf(movies));
  run.inFlight.delete(year);
  session.logger.info("year landed", {
    year,
    landed: movies.landed.size,
    pages: listing.pages,
    ranges: listing.ranges,
  });
}
