import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Context } from "aws-lambda";
import { loadConfig, type ExtractorConfig } from "./config";
import { parseEvent, type ExtractorEvent } from "./event";
import { runEvent, type RunSummary } from "./extract";
import { createS3Client } from "./landing";
import { parseLogLevel } from "./logger";
import { powertoolsLogger, publishRunMetrics } from "./powertools";

/**
 * Created once per container, as Powertools recommends, from the environment the stack sets:
 * `POWERTOOLS_SERVICE_NAME` (the `service` key and metric dimension) and `POWERTOOLS_METRICS_NAMESPACE`. The log
 * level is `LOG_LEVEL` as the CLI reads it (any case; Powertools itself only reads upper case), unless Lambda's
 * own log level is configured, which wins.
 */
const powertools = new PowertoolsLogger({ logLevel: parseLogLevel(process.env["LOG_LEVEL"]) });
const metrics = new Metrics({ logger: powertools });
const logger = powertoolsLogger(powertools);

/** Read once per container: the environment does not change between invocations. */
let runtime: { config: ExtractorConfig; s3: S3Client } | undefined;

function getRuntime(): { config: ExtractorConfig; s3: S3Client } {
  if (!runtime) {
    const config = loadConfig(process.env);
    runtime = { config, s3: createS3Client(config) };
  }
  return runtime;
}

/**
 * Lambda entry point (`index.handler`): validates the event (see `event.ts`), runs the extraction it
 * asks for, publishes its counts as metrics and returns its summary, with `done: false` when a
 * backfill or changes run stopped before its invocation's time ran out (invoke it again with the same
 * event to continue). Throws when the run fails so Lambda records an error (and the alarm fires); a
 * failed run publishes no counts. The TMDB token from Secrets Manager is fetched on the first run of a
 * container and reused. Every log line carries the invocation's request id and whether it was a cold
 * start.
 * @param context the Lambda context; absent only when the handler is called directly
 */
export async function handler(event: unknown, context?: Context): Promise<RunSummary> {
  if (context) powertools.addContext(context);
  let parsed: ExtractorEvent;
  try {
    parsed = parseEvent(event);
  } catch (error) {
    logger.error("invalid event", { error });
    throw error;
  }
  let current: { config: ExtractorConfig; s3: S3Client };
  try {
    current = getRuntime();
  } catch (error) {
    logger.error("invalid configuration", { error });
    throw error;
  }
  const deadline = context ? Date.now() + context.getRemainingTimeInMillis() : undefined;
  const summary = await runEvent(current.config, parsed, {
    logger,
    s3: current.s3,
    ...(deadline === undefined ? {} : { deadline }),
  });
  publishRunMetrics(metrics, summary);
  return summary;
}
