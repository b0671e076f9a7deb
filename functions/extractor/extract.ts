import type { ExtractorConfig } from "./config";
import type { ExtractorEvent } from "./event";
import { runBackfill, type BackfillProgress, type BackfillSummary } from "./modes/backfill";
import { runChanges, type ChangesSummary } from "./modes/changes";
import { runExtraction, type ExtractionSummary } from "./modes/popular";
import type { ModeOptions } from "./modes/run";

/**
 * One extraction, whatever its event: the three modes share the client, rate limiter, validation,
 * skip rule, landing and quarantine; only their list sources differ.
 */

export type { ExtractionSummary } from "./modes/popular";
export type { BackfillProgress, BackfillSummary } from "./modes/backfill";
export type { ChangesSummary } from "./modes/changes";
export type { ModeOptions as RunOptions } from "./modes/run";
export { runExtraction };

/** What any run did: every summary has `mode`, `done` and the counts. */
export type RunSummary = ExtractionSummary | BackfillSummary | ChangesSummary;

/** Runs the extraction an event asks for. */
export function runEvent(
  config: ExtractorConfig,
  event: ExtractorEvent,
  options: ModeOptions & { onProgress?: (progress: BackfillProgress) => void } = {},
): Promise<RunSummary> {
  if (event.mode === "backfill") return runBackfill(config, event, options);
  if (event.mode === "changes") return runChanges(config, event, options);
  return runExtraction({ ...config, pages: event.pages ?? config.pages }, options);
}
