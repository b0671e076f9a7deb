import type { S3Client } from "@aws-sdk/client-s3";
import { join } from "node:path";
import { DEFAULT_RAW_PREFIX, DEFAULT_REJECT_PREFIX, TMDB_MAX_PAGE } from "../../contract/pipeline";
import { loadConfig } from "../../functions/extractor/config";
import { describeError } from "../../functions/extractor/errors";
import type { RunCounts } from "../../functions/extractor/counts";
import {
  runEvent,
  type BackfillSummary,
  type ExtractionSummary,
  type RunSummary,
} from "../../functions/extractor/extract";
import type { Logger } from "../../functions/extractor/logger";
import { s3ServerClient, startS3Server, type S3Server } from "../../servers/s3Server";
import { backfillDisplay } from "../backfillProgress";
import { display, LocalStackError } from "../options";
import type { Progress } from "../progress";
import { s3RawSource, type RawSource } from "../snowpipe/sources";
import { LOCAL_BUCKET, startServer, type StageContext } from "./context";
import { yearsOf, type Source } from "./source";

/** The landed raw files and the S3-compatible server they are in. */
export interface Landed {
  extraction: RunSummary;
  rawSource: RawSource;
  close(): Promise<void>;
}

/** TMDB settings the real API's run takes from the environment; the local server has no limits. */
const TMDB_TUNING = ["TMDB_MAX_CONCURRENCY", "TMDB_MAX_RPS", "TMDB_TIMEOUT_MS", "TMDB_MAX_RETRIES"];

/**
 * Stage 2: the extractor's own `loadConfig` + `runEvent` (the Lambda's code) land NDJSON objects in
 * an S3-compatible server (s3rver) that keeps its objects under the state folder: one object for the
 * popular list, or a backfill's objects per release year (resumed from its checkpoint there).
 */
export async function extract(context: StageContext, source: Source): Promise<Landed> {
  const { progress, pages, options, stateDir, event } = context;
  progress.stage(
    event.mode === "backfill"
      ? `Extract: a backfill of release years ${yearsOf(event)} -> s3://${LOCAL_BUCKET}/${DEFAULT_RAW_PREFIX}backfill/`
      : `Extract: ${pages} popular page(s) -> s3://${LOCAL_BUCKET}/${DEFAULT_RAW_PREFIX}`,
  );
  const port = options.s3Port ?? 0;
  const directory = join(stateDir, "s3");
  const server = await startServer("S3-compatible server", port, "--s3-port", () =>
    startS3Server({ directory, port, buckets: [LOCAL_BUCKET] }),
  );
  const s3 = s3ServerClient(server.endpoint);
  const close = async () => {
    s3.destroy();
    await server.close();
  };
  try {
    progress.detail(`S3-compatible server ${server.endpoint}, objects kept in ${display(directory)}`);
    const extraction = await runExtractor(context, source, server, s3);
    if (extraction.mode === "backfill") reportBackfill(progress, extraction);
    else if (extraction.mode === "popular") reportExtraction(progress, extraction);
    const rawSource = s3RawSource({ client: s3, bucket: LOCAL_BUCKET, prefix: DEFAULT_RAW_PREFIX });
    return { extraction, rawSource, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

async function runExtractor(
  context: StageContext,
  source: Source,
  server: S3Server,
  s3: S3Client,
): Promise<RunSummary> {
  const { progress, event } = context;
  const tmdb = source.server;
  const live =
    event.mode === "backfill"
      ? backfillDisplay((line) => progress.detail(line), terminal(context))
      : undefined;
  const ticker = live
    ? undefined
    : setInterval(() => {
        if (tmdb) progress.detail(`${tmdb.stats.requests} requests so far`);
      }, 2000);
  try {
    const now = context.options.now;
    return await runEvent(loadConfig(extractorEnv(context, source, server)), event, {
      s3,
      logger: extractorLogger(live?.log ?? ((line) => progress.detail(line))),
      ...(now ? { now } : {}),
      ...(live ? { onProgress: live.update } : {}),
    });
  } catch (error) {
    throw new LocalStackError("extract", describeError(error), { cause: error });
  } finally {
    clearInterval(ticker);
    live?.stop();
  }
}

/** The extractor's environment: the source, the local bucket and, for the real TMDB API, its tuning. */
function extractorEnv(
  context: StageContext,
  source: Source,
  server: S3Server,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    TMDB_API_BASE_URL: source.baseUrl,
    TMDB_API_TOKEN: source.token,
    RAW_BUCKET: LOCAL_BUCKET,
    RAW_PREFIX: DEFAULT_RAW_PREFIX,
    TMDB_PAGES: String(context.pages),
    AWS_ENDPOINT_URL_S3: server.endpoint,
    AWS_REGION: "us-east-1",
  };
  if (context.env["BACKFILL_YEAR_CONCURRENCY"]) {
    env["BACKFILL_YEAR_CONCURRENCY"] = context.env["BACKFILL_YEAR_CONCURRENCY"];
  }
  if (source.realTmdb) {
    for (const name of TMDB_TUNING) if (context.env[name]) env[name] = context.env[name];
  } else {
    // Our own server on 127.0.0.1 has no rate limit: TMDB's limits apply only to TMDB.
    env["TMDB_MAX_CONCURRENCY"] = "16";
    env["TMDB_MAX_RPS"] = "1000";
  }
  return env;
}

/** Standard output when the live display is wanted and it is a terminal. */
function terminal(context: StageContext): NodeJS.WriteStream | undefined {
  const { liveProgress, write } = context.options;
  return (liveProgress ?? write === undefined) ? process.stdout : undefined;
}

function reportExtraction(progress: Progress, extraction: ExtractionSummary): void {
  reportCounts(progress, extraction);
  if (extraction.rejectKey) progress.detail(`rejected records quarantined in ${extraction.rejectKey}`);
  progress.done(
    extraction.key
      ? `landed ${extraction.key} (${extraction.requests} requests, ${extraction.retries} retries)`
      : "nothing landed: no movie with budget or revenue",
  );
}

function reportBackfill(progress: Progress, backfill: BackfillSummary): void {
  const earlier =
    backfill.toYear - backfill.fromYear + 1 - backfill.yearsCompleted.length - backfill.yearsRemaining;
  progress.detail(
    `${backfill.yearsCompleted.length} year(s) landed now, ${earlier} landed by earlier runs (${backfill.checkpointKey}); ` +
      `${backfill.pages} discover pages, ${backfill.splitYears} year(s) listed in date ranges`,
  );
  reportCounts(progress, backfill);
  if (backfill.unreachable > 0)
    progress.detail(
      `${backfill.unreachable} movie(s) past page ${TMDB_MAX_PAGE} of a single day, not listable`,
    );
  if (backfill.rejectKeys.length > 0)
    progress.detail(
      `rejected records quarantined in ${backfill.rejectKeys.length} object(s) under ${DEFAULT_REJECT_PREFIX}backfill/`,
    );
  progress.done(
    `landed ${backfill.landed} movies in ${backfill.keys.length} object(s) under ${DEFAULT_RAW_PREFIX}backfill/ ` +
      `(${backfill.requests} requests, ${backfill.retries} retries)`,
  );
}

function reportCounts(progress: Progress, run: RunCounts): void {
  progress.detail(
    `listed ${run.listed}, fetched ${run.fetched}, landed ${run.landed}, ` +
      `skipped without budget or revenue ${run.skippedNoFinancials}, rejected ${run.rejected}, ` +
      `not found ${run.notFound}, failed ${run.failedCount}`,
  );
  for (const failure of run.failed) progress.detail(`failed: movie ${failure.id}: ${failure.reason}`);
  const unnamed = run.failedCount - run.failed.length;
  if (unnamed > 0) progress.detail(`... and ${unnamed} more failed movie(s), each in a warning above`);
}

/** Logger handed to the extractor: its events as lines of the stage (a year landed is shown by the display). */
function extractorLogger(detail: (line: string) => void): Logger {
  const fields = (f: Record<string, unknown> | undefined): string => {
    if (!f) return "";
    const parts = Object.entries(f)
      .filter(([key]) => key !== "summary" && key !== "progress")
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
    return parts.length > 0 ? ` (${parts.join(", ")})` : "";
  };
  return {
    debug() {},
    info(message, f) {
      if (message === "extraction started" || message === "extraction finished" || message === "year landed")
        return;
      detail(`${message}${fields(f)}`);
    },
    warn(message, f) {
      if (message === "extraction finished" || message === "extraction stopped at its deadline") return;
      detail(`warning: ${message}${fields(f)}`);
    },
    error(message, f) {
      if (message === "extraction failed") return; // reported by the stack with the error itself
      detail(`error: ${message}${fields(f)}`);
    },
  };
}
