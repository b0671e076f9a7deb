import type { S3Client } from "@aws-sdk/client-s3";
import { MAX_RECORDS_PER_OBJECT } from "../../../contract/pipeline";
import type { ExtractorConfig } from "../config";
import { addCounts, countsOf, noCounts, requestsOf, type MovieCounts, type RunCounts } from "../counts";
import type { BackfillEvent } from "../event";
import { putParts } from "../landing";
import type { MovieCollector } from "../movies";
import type { Session } from "../session";
import { listYear } from "../sources/discover";
import { CheckpointWriter, readCheckpoint } from "../state";
import { runMode, type ModeOptions, type ModeRun } from "./run";

/**
 * The backfill: every movie of each primary release year from `fromYear` to `toYear`, a few years at
 * once (`BACKFILL_YEAR_CONCURRENCY`). A completed year lands as its own objects
 * (`<raw prefix>backfill/<year>/movies_<run start>_part-<n>.json`, at most 5,000 records each) and is
 * then recorded in the range's checkpoint (`<state prefix>backfill/<from>-<to>.json`), so the
 * checkpoint never runs ahead of what landed. A run resumes from the checkpoint: completed years are
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

/** The checkpoint of a backfill range. */
interface BackfillCheckpoint {
  fromYear: number;
  toYear: number;
  completedYears: number[];
  updatedAt: string;
}

/** Progress of a backfill, reported after each completed year. */
export interface BackfillProgress {
  yearsDone: number;
  yearsTotal: number;
  year: number;
  landed: number;
  pages: number;
  requests: number;
}

/** Runs (or resumes) a backfill of `event`'s years. */
export async function runBackfill(
  config: ExtractorConfig,
  event: BackfillEvent,
  options: ModeOptions & { onProgress?: (progress: BackfillProgress) => void } = {},
): Promise<BackfillSummary> {
  return runMode<BackfillSummary, BackfillRun>(config, options, {
    start: (s3) => startBackfill(config, event, s3),
    describe: (run) => ({ fromYear: event.fromYear, toYear: event.toYear, yearsLeft: run.years.length }),
    work: (run, session, context) => backfillYears(config, run, session, context, options.onProgress),
    counts: (run) => run.counts,
    summary: (run, counts, done) => ({
      mode: "backfill",
      done,
      bucket: config.rawBucket,
      fromYear: event.fromYear,
      toYear: event.toYear,
      checkpointKey: run.checkpointKey,
      yearsCompleted: [...run.completed].sort((a, b) => a - b),
      yearsRemaining: run.years.length + run.inFlight.size,
      ...counts,
      ...run.totals,
    }),
  });
}

interface BackfillRun {
  event: BackfillEvent;
  checkpointKey: string;
  checkpoint: CheckpointWriter<BackfillCheckpoint>;
  /** Years still to start, in order. */
  years: number[];
  yearsTotal: number;
  inFlight: Set<number>;
  completed: number[];
  totals: { pages: number; splitYears: number; unreachable: number; keys: string[]; rejectKeys: string[] };
  counts: MovieCounts;
}

async function startBackfill(
  config: ExtractorConfig,
  event: BackfillEvent,
  s3: S3Client,
): Promise<BackfillRun> {
  const checkpointKey = `${config.statePrefix}backfill/${event.fromYear}-${event.toYear}.json`;
  const stored = await readCheckpoint<BackfillCheckpoint>(s3, config.rawBucket, checkpointKey);
  const done = new Set(stored.value?.completedYears ?? []);
  const all = Array.from({ length: event.toYear - event.fromYear + 1 }, (_, i) => event.fromYear + i);
  return {
    event,
    checkpointKey,
    checkpoint: new CheckpointWriter(s3, config.rawBucket, stored),
    years: all.filter((year) => !done.has(year)),
    yearsTotal: all.length,
    inFlight: new Set(),
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
  const worker = async (): Promise<void> => {
    for (let year = run.years[0]; year !== undefined && !context.stopping(); year = run.years[0]) {
      run.years.shift();
      run.inFlight.add(year);
      await backfillYear(config, run, session, context, year);
      run.inFlight.delete(year);
      const done = run.yearsTotal - run.years.length - run.inFlight.size;
      const { requests } = requestsOf(session.client);
      onProgress?.({
        yearsDone: done,
        yearsTotal: run.yearsTotal,
        year,
        landed: run.counts.landed,
        pages: run.totals.pages,
        requests,
      });
    }
  };
  await Promise.all(Array.from({ length: config.backfillYearConcurrency }, worker));
  return run.years.length === 0 && run.inFlight.size === 0;
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
  const listing = await listYear(session.client, movies, year, session.signal);
  const keys = await landYear(config, context, year, movies);
  await run.checkpoint.update((value) => ({
    fromYear: run.event.fromYear,
    toYear: run.event.toYear,
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
  session.logger.info("year landed", {
    year,
    landed: movies.landed.size,
    pages: listing.pages,
    ranges: listing.ranges,
  });
}

/** The year's records and quarantined records, as objects under `backfill/<year>/`. */
async function landYear(
  config: ExtractorConfig,
  context: ModeRun,
  year: number,
  movies: MovieCollector,
): Promise<{ landed: string[]; rejected: string[] }> {
  const folder = `backfill/${year}`;
  const { s3, runStart } = context;
  const landed = await putParts(
    s3,
    config.rawBucket,
    { prefix: config.rawPrefix, folder, runStart },
    movies.records(),
    MAX_RECORDS_PER_OBJECT,
  );
  const rejected = await putParts(
    s3,
    config.rawBucket,
    { prefix: config.rejectPrefix, folder, runStart },
    movies.sortedRejects(),
    MAX_RECORDS_PER_OBJECT,
  );
  return { landed, rejected };
}
