import type { S3Client } from "@aws-sdk/client-s3";
import * as z from "zod";
import { TMDB_CHANGES_MAX_DAYS } from "../../../contract/pipeline";
import type { ExtractorConfig } from "../config";
import { countsOf, noCounts, type RunCounts } from "../counts";
import type { ChangesEvent } from "../event";
import { landParts } from "../landing";
import type { MovieCollector } from "../movies";
import type { Session } from "../session";
import { listWindow } from "../sources/changes";
import { addDays, dayOf, windows, type DayRange } from "../sources/dates";
import { CheckpointWriter, readCheckpoint } from "../state";
import { runMode, type ModeOptions, type ModeRun } from "./run";

/**
 * The change feed: the movies TMDB reports changed between two days, fetched again so that a movie
 * whose figures changed re-enters the raw layer (the staging model keeps each movie's latest record).
 * The days default to the end of the last successful changes run (recorded in
 * `<state prefix>changes.json`) and today; with no record yet, the last 24 hours. The range is listed
 * in windows of at most 14 days (TMDB's limit), every page; the movies that pass the skip rule land
 * under `<raw prefix>changes/<end day>/`. The record moves forward only, to the last day whose window
 * was listed and landed.
 */

/** What a changes run did. */
export interface ChangesSummary extends RunCounts {
  mode: "changes";
  /** Every window of the range was listed and landed. */
  done: boolean;
  bucket: string;
  startDate: string;
  endDate: string;
  /** The last day of the last window listed and landed, or null. */
  completedThrough: string | null;
  checkpointKey: string;
  windows: number;
  pages: number;
  /** Adult movies in the feed, skipped as the other lists leave them out. */
  adult: number;
  /** Changes TMDB cannot list (past page 500 of a single day). */
  unreachable: number;
  keys: string[];
  rejectKeys: string[];
  durationMs: number;
}

/** The change feed's checkpoint: the last day listed and landed. */
const ChangesCheckpointSchema = z.object({ lastEndDate: z.iso.date(), updatedAt: z.string() });
type ChangesCheckpoint = z.infer<typeof ChangesCheckpointSchema>;

interface ChangesRun {
  range: DayRange;
  checkpointKey: string;
  checkpoint: CheckpointWriter<ChangesCheckpoint>;
  movies: MovieCollector | undefined;
  completedThrough: string | null;
  totals: Pick<ChangesSummary, "windows" | "pages" | "adult" | "unreachable" | "keys" | "rejectKeys">;
}

/** Runs the change feed over `event`'s days (or the defaults). */
export async function runChanges(
  config: ExtractorConfig,
  event: ChangesEvent,
  options: ModeOptions = {},
): Promise<ChangesSummary> {
  const today = dayOf(options.now ?? new Date());
  return runMode<ChangesSummary, ChangesRun>(config, options, {
    start: (s3) => startChanges(config, event, today, s3),
    describe: (run) => ({ mode: "changes", startDate: run.range.from, endDate: run.range.to }),
    work: (run, session, context) => listAndLand(config, run, session, context),
    counts: (run) => (run.movies === undefined ? noCounts() : countsOf(run.movies)),
    summary: (run, counts, done) => ({
      mode: "changes",
      done,
      bucket: config.rawBucket,
      startDate: run.range.from,
      endDate: run.range.to,
      completedThrough: run.completedThrough,
      checkpointKey: run.checkpointKey,
      ...counts,
      ...run.totals,
    }),
  });
}

async function startChanges(
  config: ExtractorConfig,
  event: ChangesEvent,
  today: string,
  s3: S3Client,
): Promise<ChangesRun> {
  const checkpointKey = `${config.statePrefix}changes.json`;
  const stored = await readCheckpoint(s3, config.rawBucket, checkpointKey, ChangesCheckpointSchema);
  const to = event.endDate ?? today;
  const from = event.startDate ?? stored.value?.lastEndDate ?? addDays(to, -1);
  return {
    range: { from: from <= to ? from : to, to },
    checkpointKey,
    checkpoint: new CheckpointWriter(s3, config.rawBucket, stored),
    movies: undefined,
    completedThrough: null,
    totals: { windows: 0, pages: 0, adult: 0, unreachable: 0, keys: [], rejectKeys: [] },
  };
}

/** Lists the windows in order (none once the run is stopping), lands the movies, moves the record on. */
async function listAndLand(
  config: ExtractorConfig,
  run: ChangesRun,
  session: Session,
  context: ModeRun,
): Promise<boolean> {
  const movies = session.collector();
  run.movies = movies;
  let listedThrough: string | null = null;
  for (const [index, window] of windows(run.range, TMDB_CHANGES_MAX_DAYS).entries()) {
    if (context.stopping()) break;
    const listing = await listWindow(session.client, movies, window, index * 10_000_000, session.signal);
    run.totals.windows += 1;
    run.totals.pages += listing.pages;
    run.totals.adult += listing.adult;
    run.totals.unreachable += listing.unreachable;
    listedThrough = window.to;
  }
  await movies.settled();
  const keys = await landParts(
    context.s3,
    config,
    { folder: `changes/${run.range.to}`, runStart: context.runStart },
    movies,
  );
  run.totals.keys = keys.landed;
  run.totals.rejectKeys = keys.rejected;
  if (listedThrough !== null) {
    const through = listedThrough;
    await run.checkpoint.update((value) => ({
      lastEndDate: value !== undefined && value.lastEndDate > through ? value.lastEndDate : through,
      updatedAt: new Date().toISOString(),
    }));
  }
  run.completedThrough = listedThrough;
  return listedThrough === run.range.to;
}
