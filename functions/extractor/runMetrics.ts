import type { RunCounts } from "./counts";

/**
 * The extractor's service name: the `service` dimension of its metrics and the `service` key of its log lines.
 * The stack passes it to the function as `POWERTOOLS_SERVICE_NAME`; alarms name it as the metrics' dimension.
 */
export const EXTRACTOR_SERVICE_NAME = "tmdb-extractor";

/** Names of the CloudWatch metrics (unit `Count`) every completed run publishes, one data point each. */
export const RUN_METRICS = {
  /** Movies written to the landed object (`summary.landed`). */
  landed: "MoviesLanded",
  /** Listed movies whose details still failed after retries (`summary.failedCount`). */
  failed: "MoviesFailed",
  /** Records quarantined as invalid (`summary.rejected`). */
  rejected: "RecordsRejected",
  /** Valid movies skipped because budget and revenue are both 0 (`summary.skippedNoFinancials`). */
  skipped: "MoviesSkippedNoFinancials",
} as const;

/** The data points a completed run publishes: each of {@link RUN_METRICS} with its count, zeros included. */
export function runMetrics(summary: RunCounts): { name: string; value: number }[] {
  return [
    { name: RUN_METRICS.landed, value: summary.landed },
    { name: RUN_METRICS.failed, value: summary.failedCount },
    { name: RUN_METRICS.rejected, value: summary.rejected },
    { name: RUN_METRICS.skipped, value: summary.skippedNoFinancials },
  ];
}
