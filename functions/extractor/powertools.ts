/**
 * The Lambda's telemetry through Powertools for AWS Lambda: the domain's {@link Logger} over a Powertools
 * logger (JSON lines with the invocation's request id and cold start), and the run's counts as CloudWatch
 * metrics in the Embedded Metric Format (EMF lines on standard output; CloudWatch Logs extracts them, so no
 * `cloudwatch:PutMetricData` call or permission is involved).
 */
import type { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import { MetricUnit, type Metrics } from "@aws-lambda-powertools/metrics";
import type { RunCounts } from "./counts";
import type { Logger } from "./logger";
import { runMetrics } from "./runMetrics";

/** The domain's logger writing through `powertools`: each field becomes a top-level key of the JSON line. */
export function powertoolsLogger(powertools: PowertoolsLogger): Logger {
  return {
    debug: (message, fields) => powertools.debug(message, fields ?? {}),
    info: (message, fields) => powertools.info(message, fields ?? {}),
    warn: (message, fields) => powertools.warn(message, fields ?? {}),
    error: (message, fields) => powertools.error(message, fields ?? {}),
  };
}

/** Adds the completed run's counts (see `runMetrics`) to `metrics` and flushes them as one EMF line. */
export function publishRunMetrics(metrics: Metrics, summary: RunCounts): void {
  for (const { name, value } of runMetrics(summary)) metrics.addMetric(name, MetricUnit.Count, value);
  metrics.publishStoredMetrics();
}
