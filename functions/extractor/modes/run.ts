import type { S3Client } from "@aws-sdk/client-s3";
import type { ExtractorConfig } from "../config";
import { summaryCounts, type MovieCounts, type RunCounts } from "../counts";
import { describeError } from "../errors";
import { createS3Client } from "../landing";
import { createLogger, type Logger } from "../logger";
import { openSession, type Session } from "../session";

/**
 * What every mode's run does around its own work: the log lines that open and close it, the S3
 * client, the session (token, client, queue), the outer abort signal, and the invocation's deadline.
 * Close to the deadline (`stopMarginSeconds` before it) the mode starts no new work; 10 seconds before
 * it, whatever is still under way is abandoned, so the invocation always returns in time, with
 * `done: false`.
 */

/** Options of a run, whatever its mode. */
export interface ModeOptions {
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
  /**
   * When the invocation must have returned (epoch milliseconds): the Lambda's remaining time.
   * @default undefined (no deadline)
   */
  deadline?: number;
}

/** What a mode's work sees of its run. */
export interface ModeRun {
  s3: S3Client;
  runStart: Date;
  /** True once the run must start no new work. */
  stopping(): boolean;
}

/** The run was close enough to its deadline to abandon the work under way. */
export class DeadlineReachedError extends Error {
  override readonly name = "DeadlineReachedError";
}

/** Time kept, before the deadline, to land what is done and return. */
const FINAL_MARGIN_MS = 10_000;

/** A mode: how it starts (reading its checkpoint), works, counts and sums up. */
export interface Mode<Summary, Run> {
  start(s3: S3Client): Promise<Run>;
  describe(run: Run): Record<string, unknown>;
  /** Does the mode's work; resolves whether all of it is done (false when it stopped for the deadline). */
  work(run: Run, session: Session, context: ModeRun): Promise<boolean>;
  /** The movies counted so far: what landed, and every other outcome. */
  counts(run: Run): MovieCounts;
  summary(run: Run, counts: RunCounts, done: boolean): Omit<Summary, "durationMs">;
}

/** Runs a mode: logs its start and its summary (or its failure, with the progress so far). */
export async function runMode<Summary extends RunCounts & { durationMs: number }, Run>(
  config: ExtractorConfig,
  options: ModeOptions,
  mode: Mode<Summary, Run>,
): Promise<Summary> {
  const t0 = performance.now();
  const logger = options.logger ?? createLogger();
  const s3 = options.s3 ?? createS3Client(config);
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const finish = (summary: Omit<Summary, "durationMs">) =>
    ({ ...summary, durationMs: Math.round(performance.now() - t0) }) as Summary;
  let run: Run | undefined;
  let session: Session | undefined;
  const summarise = (done: boolean) =>
    finish(mode.summary(run as Run, summaryCounts(mode.counts(run as Run), session?.client), done));
  const deadlineTimer = stopBeforeDeadline(options.deadline, () => session?.fail(new DeadlineReachedError()));
  try {
    run = await mode.start(s3);
    logger.info("extraction started", { ...mode.describe(run), ...settingsOf(config, options) });
    session = await openSession(config, logger, controller);
    const context = {
      s3,
      runStart: options.now ?? new Date(),
      stopping: stoppingAt(options.deadline, config),
    };
    const done = await mode.work(run, session, context);
    await session.drained();
    options.signal?.throwIfAborted();
    const summary = summarise(done);
    logger[summary.failedCount > 0 || summary.rejected > 0 ? "warn" : "info"]("extraction finished", {
      summary,
    });
    return summary;
  } catch (error) {
    const reason = session?.error ?? error;
    if (reason instanceof DeadlineReachedError && run !== undefined) {
      const summary = summarise(false);
      logger.warn("extraction stopped at its deadline", { summary });
      return summary;
    }
    logger.error("extraction failed", {
      error: { name: reason instanceof Error ? reason.name : typeof reason, message: describeError(reason) },
      ...(run === undefined ? {} : { progress: summarise(false) }),
    });
    throw reason;
  } finally {
    clearTimeout(deadlineTimer);
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
}

function settingsOf(config: ExtractorConfig, options: ModeOptions): Record<string, unknown> {
  return {
    baseUrl: config.tmdbBaseUrl,
    bucket: config.rawBucket,
    maxConcurrency: config.maxConcurrency,
    maxRps: config.maxRps,
    ...(options.deadline === undefined ? {} : { deadline: new Date(options.deadline).toISOString() }),
  };
}

/** True once less than the stop margin is left before the deadline. */
function stoppingAt(deadline: number | undefined, config: ExtractorConfig): () => boolean {
  if (deadline === undefined) return () => false;
  return () => Date.now() > deadline - config.stopMarginSeconds * 1000;
}

/** Calls `stop` {@link FINAL_MARGIN_MS} before the deadline. */
function stopBeforeDeadline(deadline: number | undefined, stop: () => void): NodeJS.Timeout | undefined {
  if (deadline === undefined) return undefined;
  const timer = setTimeout(stop, Math.max(0, deadline - FINAL_MARGIN_MS - Date.now()));
  timer.unref();
  return timer;
}
