import type { ExtractorConfig } from "./config";
import type { Logger } from "./logger";
import { MovieCollector } from "./movies";
import { RateLimiter } from "./rateLimiter";
import { resolveTmdbToken } from "./secrets";
import { createTmdbClient, type TmdbClient } from "./tmdbClient";
import { WorkQueue } from "./workQueue";

/**
 * What every mode of a run shares: the TMDB client (token, retries, the one rate limiter), the work
 * queue that bounds requests in flight, and the run's abort signal. The first fatal error (a refused
 * token, a write that failed, a checkpoint conflict) aborts everything in flight and is the run's
 * error.
 */
export interface Session {
  client: TmdbClient;
  queue: WorkQueue;
  signal: AbortSignal;
  logger: Logger;
  /** A new collector of movies on this session's client and queue. */
  collector(): MovieCollector;
  /** Stops the run with `error` (the first one wins). */
  fail(error: unknown): void;
  /** Resolves once no queued task is left; rejects with the run's error, if any. */
  drained(): Promise<void>;
  /** The run's error, if it failed. */
  readonly error: unknown;
}

/** Opens a session: reads the token (from the environment or Secrets Manager) and builds the client. */
export async function openSession(
  config: ExtractorConfig,
  logger: Logger,
  controller: AbortController,
): Promise<Session> {
  const token = await resolveTmdbToken(config);
  const client = createTmdbClient({
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
  let fatal: unknown;
  const fail = (error: unknown): void => {
    if (fatal !== undefined) return;
    fatal = error;
    controller.abort(error);
  };
  const queue = new WorkQueue(config.maxConcurrency, fail);
  return {
    client,
    queue,
    signal: controller.signal,
    logger,
    collector: () => new MovieCollector(client, queue, logger, controller.signal),
    fail,
    async drained() {
      await queue.drained();
      if (fatal !== undefined) throw fatal;
    },
    get error() {
      return fatal;
    },
  };
}
