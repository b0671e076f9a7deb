import ky, { HTTPError, isHTTPError, isNetworkError, isTimeoutError, type KyInstance } from "ky";
import {
  TmdbAuthError,
  TmdbHttpError,
  TmdbMalformedResponseError,
  TmdbNotFoundError,
  TmdbRequestError,
  type TmdbErrorBody,
} from "./errors";
import type { Logger } from "./logger";
import { silentLogger } from "./logger";
import type { RateLimiter } from "./rateLimiter";

/** HTTP statuses retried: rate limited and transient server errors. 408/413 are not (TMDB does not send them). */
export const RETRY_STATUS_CODES = [429, 500, 502, 503, 504];
/** Statuses whose `Retry-After` header sets the wait (capped by `maxRetryAfterMs`). */
export const RETRY_AFTER_STATUS_CODES = [429, 503];

/** Options of {@link createTmdbClient}. */
export interface TmdbClientOptions {
  /** API v3 base URL without a trailing slash, e.g. `https://api.themoviedb.org/3`. */
  baseUrl: string;
  /** API Read Access Token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Per-attempt timeout in milliseconds, covering the whole response body. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Backoff base in milliseconds: retry n waits random [0, min(base * 2^(n-1), retryMaxDelayMs)]. */
  retryBaseDelayMs: number;
  /** Cap of one backoff delay in milliseconds. */
  retryMaxDelayMs: number;
  /** Cap of a server-requested `Retry-After` wait in milliseconds. */
  maxRetryAfterMs: number;
  /** Shared limiter; every attempt, retries included, takes a slot. */
  limiter: RateLimiter;
  /** Aborts waiting and in-flight requests. */
  signal?: AbortSignal;
  /**
   * Receives one `warn` line per retry.
   * @default silentLogger
   */
  logger?: Logger;
}

/** Request counters of a client. */
export interface TmdbClientStats {
  /** HTTP attempts started, retries included. */
  requests: number;
  /** Attempts that were retries. */
  retries: number;
}

/** Minimal TMDB API client: GET a path, get parsed JSON or a named error. */
export interface TmdbClient {
  /** GETs `path` (relative to the base URL) and returns the parsed JSON body. */
  getJson(path: string, searchParams?: Record<string, string | number>): Promise<unknown>;
  readonly stats: TmdbClientStats;
}

/** A 2xx body that is not JSON; thrown inside the fetch so that ky retries it like a transient failure. */
class MalformedJsonError extends Error {
  override readonly name = "MalformedJsonError";
}

/**
 * Reads the whole body inside the timeout, and turns a 2xx body that is not JSON into a
 * {@link MalformedJsonError} that ky retries.
 */
async function bufferedFetch(input: Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  const body = await response.arrayBuffer();
  if (response.ok) {
    try {
      JSON.parse(new TextDecoder().decode(body));
    } catch (error) {
      throw new MalformedJsonError((error as Error).message);
    }
  }
  return new Response(response.status === 204 ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * Creates the client. ky's retry defaults are replaced deliberately:
 * - statuses {@link RETRY_STATUS_CODES}; network errors, timeouts and malformed JSON bodies are retried too
 *   (ky does not retry timeouts by default);
 * - exponential backoff with full jitter (ky has no jitter by default);
 * - `Retry-After` on 429/503 honoured but capped at `maxRetryAfterMs` (ky waits without limit by
 *   default), and it pauses the shared rate limiter so other requests back off too;
 * - every attempt goes through the rate limiter (ky's retries bypass any limiter placed around a call);
 * - the timeout covers reading the body, so a response that stalls mid-body is retried.
 */
export function createTmdbClient(options: TmdbClientOptions): TmdbClient {
  const stats: TmdbClientStats = { requests: 0, retries: 0 };
  const logger = options.logger ?? silentLogger;
  const { limiter, signal } = options;

  const api: KyInstance = ky.create({
    prefix: options.baseUrl,
    timeout: options.timeoutMs,
    headers: { authorization: `Bearer ${options.token}`, accept: "application/json" },
    fetch: bufferedFetch as typeof fetch,
    ...(signal ? { signal } : {}),
    retry: {
      limit: options.maxRetries,
      methods: ["get"],
      statusCodes: RETRY_STATUS_CODES,
      afterStatusCodes: RETRY_AFTER_STATUS_CODES,
      maxRetryAfter: options.maxRetryAfterMs,
      delay: (attempt) => Math.min(options.retryMaxDelayMs, options.retryBaseDelayMs * 2 ** (attempt - 1)),
      jitter: true,
      backoffLimit: options.retryMaxDelayMs,
      retryOnTimeout: true,
      shouldRetry: ({ error }) => (error instanceof MalformedJsonError ? true : undefined),
    },
    hooks: {
      beforeRequest: [
        async ({ options: { context } }) => {
          await limiter.acquire(signal);
          stats.requests += 1;
          countAttempt(context);
        },
      ],
      afterResponse: [
        ({ response }) => {
          if (!RETRY_AFTER_STATUS_CODES.includes(response.status)) return;
          const seconds = Number(response.headers.get("retry-after"));
          if (response.headers.has("retry-after") && Number.isFinite(seconds) && seconds > 0) {
            limiter.pauseFor(Math.min(seconds * 1000, options.maxRetryAfterMs));
          }
        },
      ],
      beforeRetry: [
        async ({ request, options: { context }, error, retryCount }) => {
          logger.warn("retrying TMDB request", {
            url: redact(request.url),
            retry: retryCount,
            reason: reasonOf(error),
          });
          stats.retries += 1;
          await limiter.acquire(signal);
          stats.requests += 1;
          countAttempt(context);
        },
      ],
    },
  });

  return {
    stats,
    async getJson(path, searchParams) {
      const url = `${options.baseUrl}/${path}${searchParams ? `?${new URLSearchParams(stringify(searchParams))}` : ""}`;
      // ky copies `context` per request; the counter object inside it is shared by reference.
      const counter: AttemptCounter = { attempts: 0 };
      try {
        return await api
          .get(path, {
            context: { counter },
            ...(searchParams ? { searchParams: stringify(searchParams) } : {}),
          })
          .json();
      } catch (error) {
        throw toTmdbError(error, url, Math.max(1, counter.attempts), signal);
      }
    },
  };
}

/** Per-call attempt count, handed to ky's hooks as `options.context.counter`. */
interface AttemptCounter {
  attempts: number;
}

function countAttempt(context: Record<string, unknown>): void {
  const counter = context["counter"] as AttemptCounter | undefined;
  if (counter) counter.attempts += 1;
}

function stringify(params: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
}

/** Maps ky's errors to the extractor's named errors; anything else (aborts, bugs) passes through. */
function toTmdbError(error: unknown, url: string, attempts: number, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  if (isHTTPError(error)) {
    const tmdb = tmdbBody(error);
    const status = error.response.status;
    if (status === 401) return new TmdbAuthError(status, url, tmdb, attempts);
    if (status === 404) return new TmdbNotFoundError(status, url, tmdb, attempts);
    return new TmdbHttpError(status, url, tmdb, attempts);
  }
  if (isTimeoutError(error)) return new TmdbRequestError("timeout", url, attempts, { cause: error });
  if (isNetworkError(error)) return new TmdbRequestError("network", url, attempts, { cause: error });
  if (error instanceof MalformedJsonError)
    return new TmdbMalformedResponseError(url, attempts, error.message);
  return error;
}

function tmdbBody(error: HTTPError): TmdbErrorBody {
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null) return {};
  const record = data as Record<string, unknown>;
  return {
    ...(typeof record["status_code"] === "number" ? { statusCode: record["status_code"] } : {}),
    ...(typeof record["status_message"] === "string" ? { statusMessage: record["status_message"] } : {}),
  };
}

function reasonOf(error: Error): string {
  if (isHTTPError(error)) {
    const retryAfter = error.response.headers.get("retry-after");
    return `HTTP ${error.response.status}${retryAfter === null ? "" : ` (Retry-After: ${retryAfter})`}`;
  }
  if (isTimeoutError(error)) return "timeout";
  if (isNetworkError(error)) return "network error";
  if (error instanceof MalformedJsonError) return "malformed JSON";
  return error.message;
}

/** URLs carry no credentials (the token is a header), but strip any api_key query just in case. */
function redact(url: string): string {
  return url.replace(/([?&]api_key=)[^&]*/g, "$1***");
}
