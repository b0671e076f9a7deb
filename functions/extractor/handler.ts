import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Context } from "aws-lambda";
import * as z from "zod";
import { TMDB_MAX_PAGE } from "../../contract/pipeline";
import { loadConfig, type ExtractorConfig } from "./config";
import { InvalidEventError } from "./errors";
import { runExtraction, type ExtractionSummary } from "./extract";
import { createS3Client } from "./landing";
import { parseLogLevel } from "./logger";
import { powertoolsLogger, publishRunMetrics } from "./powertools";

/**
 * The invocation event. Scheduled events carry more fields, which are ignored; `pages` overrides
 * `TMDB_PAGES` for one run.
 */
export const ExtractorEventSchema = z.preprocess(
  (value) => value ?? {},
  z.looseObject(
    {
      pages: z
        .int({ error: `must be an integer between 1 and ${TMDB_MAX_PAGE}` })
        .min(1, { error: `must be an integer between 1 and ${TMDB_MAX_PAGE}` })
        .max(TMDB_MAX_PAGE, { error: `must be an integer between 1 and ${TMDB_MAX_PAGE}` })
        .optional(),
    },
    { error: "must be a JSON object" },
  ),
);
export type ExtractorEvent = z.infer<typeof ExtractorEventSchema>;

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
 * Lambda entry point (`index.handler`): validates the event, runs one extraction, publishes its counts as
 * metrics and returns its summary. Throws when the run fails so Lambda records an error (and the alarm fires);
 * a failed run publishes no counts. The TMDB token from Secrets Manager is fetched on the first run of a
 * container and reused. Every log line carries the invocation's request id and whether it was a cold start.
 * @param context the Lambda context; absent only when the handler is called directly
 */
export async function handler(event: unknown, context?: Context): Promise<ExtractionSummary> {
  if (context) powertools.addContext(context);
  const parsed = ExtractorEventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const error = new InvalidEventError(
      ["event", ...(issue?.path ?? []).map(String)].join("."),
      `${issue?.message ?? "is invalid"} (got ${JSON.stringify(event)})`,
    );
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
  const pages = parsed.data.pages ?? current.config.pages;
  const summary = await runExtraction({ ...current.config, pages }, { logger, s3: current.s3 });
  publishRunMetrics(metrics, summary);
  return summary;
}
