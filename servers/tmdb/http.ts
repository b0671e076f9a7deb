import type { ServerResponse } from "node:http";

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

/** TMDB's `status_message` texts, by situation. */
export const STATUS_MESSAGES = {
  unauthorized: "Invalid API key: You must be granted a valid key.",
  notFound: "The resource you requested could not be found.",
  invalidPage: "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.",
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
