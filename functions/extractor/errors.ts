/** A missing or invalid setting; `variable` names the environment variable (or event field) at fault. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Names of the offending variables, in the order they were checked. */
  readonly variables: string[];

  constructor(problems: { variable: string; message: string }[]) {
    super(`Invalid extractor configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join("; ")}`);
    this.variables = problems.map((p) => p.variable);
  }
}

/**
 * The invocation event is not one of the three modes' (see `event.ts`); `field` names the offending
 * field, e.g. `event.fromYear`.
 */
export class InvalidEventError extends Error {
  override readonly name = "InvalidEventError";

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid event: ${field} ${reason}`);
  }
}

/** Fields TMDB puts in its error bodies (`{"success": false, "status_code": 34, "status_message": "..."}`). */
export interface TmdbErrorBody {
  statusCode?: number;
  statusMessage?: string;
}

/** TMDB answered with an HTTP error status (after any retries). */
export class TmdbHttpError extends Error {
  override readonly name: string = "TmdbHttpError";

  constructor(
    /** HTTP status of the last response. */
    readonly status: number,
    /** URL of the request (without credentials; the token travels in a header). */
    readonly url: string,
    /** TMDB's `status_code` / `status_message` when the body carried them. */
    readonly tmdb: TmdbErrorBody,
    /** Requests made, retries included. */
    readonly attempts: number,
    message?: string,
  ) {
    super(
      message ??
        `TMDB answered HTTP ${status}${tmdb.statusCode === undefined ? "" : ` (status_code ${tmdb.statusCode}: ${tmdb.statusMessage ?? "no message"})`} for ${url} after ${attempts} attempt${attempts === 1 ? "" : "s"}`,
    );
  }
}

/** TMDB rejected the API Read Access Token (HTTP 401, `status_code` 7). Never retried: the run stops. */
export class TmdbAuthError extends TmdbHttpError {
  override readonly name = "TmdbAuthError";

  constructor(status: number, url: string, tmdb: TmdbErrorBody, attempts: number) {
    super(
      status,
      url,
      tmdb,
      attempts,
      `TMDB rejected the API token (HTTP ${status}${tmdb.statusCode === undefined ? "" : `, status_code ${tmdb.statusCode}`}: ${tmdb.statusMessage ?? "unauthorized"}) for ${url}. ` +
        "Check TMDB_API_TOKEN or the secret named by TMDB_SECRET_ARN: it must be the API Read Access Token (v4 auth), sent as a Bearer token.",
    );
  }
}

/** TMDB has no such resource (HTTP 404, `status_code` 34), e.g. a listed movie that was removed. */
export class TmdbNotFoundError extends TmdbHttpError {
  override readonly name = "TmdbNotFoundError";
}

/** The request never got a usable answer: timeout or network failure (after any retries). */
export class TmdbRequestError extends Error {
  override readonly name = "TmdbRequestError";

  constructor(
    /** `timeout`: no response within the per-request timeout; `network`: connection failed or dropped. */
    readonly kind: "timeout" | "network",
    readonly url: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(
      `${kind === "timeout" ? "TMDB request timed out" : "Network error calling TMDB"} for ${url} after ${attempts} attempt${attempts === 1 ? "" : "s"}`,
      options,
    );
  }
}

/** TMDB answered 2xx with a body that is not JSON (after any retries). */
export class TmdbMalformedResponseError extends Error {
  override readonly name = "TmdbMalformedResponseError";

  constructor(
    readonly url: string,
    readonly attempts: number,
    /** Why the body could not be used, e.g. the JSON parser's message. */
    readonly reason: string,
  ) {
    super(
      `TMDB sent malformed JSON for ${url} after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${reason}`,
    );
  }
}

/** A page of `GET /movie/popular` could not be listed; the run fails rather than land a partial list. */
export class PageListingError extends Error {
  override readonly name = "PageListingError";

  /** @param list what was listed, e.g. `popular movies` or `discover/movie {"primary_release_year":1999}` */
  constructor(
    readonly list: string,
    readonly page: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Listing ${list} page ${page} failed: ${reason}`, options);
  }
}

/**
 * A backfill invocation reached its deadline without completing a year: invoked again, it would start
 * the same years over, so it fails instead of looping (the state machine retries it a few times, then
 * its execution fails and the alarm fires).
 */
export class BackfillStalledError extends Error {
  override readonly name = "BackfillStalledError";
  constructor(
    readonly yearsRemaining: number,
    stopMarginSeconds: number,
  ) {
    super(
      `the invocation completed no year before its deadline (${yearsRemaining} year(s) remaining): ` +
        `give it more time (the Lambda's timeout, or --invocation-seconds) or a shorter ` +
        `EXTRACTOR_STOP_MARGIN_SECONDS (${stopMarginSeconds})`,
    );
  }
}

/** Writing an object to S3 failed; the run fails. */
export class LandingError extends Error {
  override readonly name = "LandingError";

  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Writing s3://${bucket}/${key} failed: ${reason}`, options);
  }
}

/** The TMDB token could not be read from Secrets Manager. */
export class SecretError extends Error {
  override readonly name = "SecretError";

  constructor(
    readonly secretArn: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Reading the TMDB token from secret ${secretArn} (TMDB_SECRET_ARN) failed: ${reason}`, options);
  }
}

/** Short description of any thrown value, for logs and summaries. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
