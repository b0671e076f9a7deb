import { createLogger, type Logger } from "../../functions/extractor/logger";

/** A logger that keeps every line, parsed, for assertions. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { logger, lines };
}

/** One data point CloudWatch extracts from an Embedded Metric Format (EMF) line. */
export interface EmfDataPoint {
  namespace: string;
  name: string;
  unit: string | undefined;
  /** The dimensions of one of the document's dimension sets, with their values. */
  dimensions: Record<string, string>;
  value: number;
}

/**
 * The metric data points in `lines`, read as CloudWatch reads EMF: every JSON line with an `_aws.CloudWatchMetrics`
 * directive yields, per directive, per dimension set and per metric, the metric's top-level value. Other lines
 * are ignored.
 */
export function emfDataPoints(lines: readonly string[]): EmfDataPoint[] {
  const points: EmfDataPoint[] = [];
  for (const line of lines) {
    let document: Record<string, unknown>;
    try {
      document = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const directives = (document["_aws"] as { CloudWatchMetrics?: unknown } | undefined)?.CloudWatchMetrics;
    if (!Array.isArray(directives)) continue;
    for (const directive of directives as EmfDirective[]) {
      for (const set of directive.Dimensions) {
        const dimensions = Object.fromEntries(set.map((key) => [key, String(document[key])]));
        for (const metric of directive.Metrics) {
          const value = document[metric.Name];
          if (typeof value !== "number") continue;
          points.push({
            namespace: directive.Namespace,
            name: metric.Name,
            unit: metric.Unit,
            dimensions,
            value,
          });
        }
      }
    }
  }
  return points;
}

interface EmfDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit?: string }[];
}
