import type { ServerResponse } from "node:http";
import { TMDB_CHANGES_MAX_DAYS, TMDB_MAX_PAGE } from "../../contract/pipeline";

/** TMDB's response plumbing: its error bodies and messages, JSON responses, simulated latency. */

/** Simulated network latency added to every response: uniform in `meanMs ± jitterMs`. */
export interface TmdbLatency {
  /** Mean latency in milliseconds. */
  meanMs: number;
  /**
   * Maximum deviation from the mean in milliseconds.
   * @default 0
   */
  jitterMs?: number;
}

/**
 * TMDB's `status_message` texts, by situation (TMDB's list of errors,
 * https://developer.themoviedb.org/docs/errors: 5 invalid parameters (422), 20 invalid date range
 * (422), 22 invalid page (400), 23 invalid date (400)).
 */
export const STATUS_MESSAGES = {
  unauthorized: "Invalid API key: You must be granted a valid key.",
  notFound: "The resource you requested could not be found.",
  invalidPage: `Invalid page: Pages start at 1 and max at ${TMDB_MAX_PAGE}. They are expected to be an integer.`,
  invalidParameters: "Invalid parameters: Your request parameters are incorrect.",
  invalidDate: "Invalid date: Format needs to be YYYY-MM-DD.",
  invalidDateRange: `Invalid date range: Should be a range no longer than ${TMDB_CHANGES_MAX_DAYS} days.`,
  rateLimited: "Your request count (41) is over the allowed limit of 40.",
  serverError: "Internal error: Something went wrong, contact TMDb.",
  unavailable: "Service offline: This service is temporarily offline, try again later.",
} as const;

/** TMDB's error body. */
export function tmdbError(statusCode: number, statusMessage: string): Record<string, unknown> {
  return { success: false, status_code: statusCode, status_message: statusMessage };
}

/** A JSON response, with `Retry-After` when given. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  retryAfterSeconds?: number,
): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
  sendRaw(res, status, JSON.stringify(body), headers);
}

/** A response of exactly `text`, declared as JSON. */
export function sendRaw(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    "content-type": "application/json;charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Waits the latency of one response: uniform in `meanMs ± jitterMs`. */
export async function simulateLatency(latency: TmdbLatency | undefined): Promise<void> {
  if (!latency) return;
  const jitter = latency.jitterMs ?? 0;
  const ms = latency.meanMs + (Math.random() * 2 - 1) * jitter;
  if (ms > 0) await sleep(ms);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
