import * as z from "zod";
import {
  DEFAULT_RAW_PREFIX,
  DEFAULT_REJECT_PREFIX,
  DEFAULT_STATE_PREFIX,
  prefixOverlapProblem,
  statePrefixProblem,
  TMDB_MAX_PAGE,
} from "../../contract/pipeline";
import { ConfigError } from "./errors";
import { tmdbTokenProblem } from "./token";

export { tmdbTokenProblem } from "./token";

/** Extractor settings, read once from the environment by {@link loadConfig}. */
export interface ExtractorConfig {
  /**
   * TMDB API v3 base URL (`TMDB_API_BASE_URL`), without a trailing slash; never with credentials, a query string
   * or a fragment (see {@link tmdbBaseUrlProblem}).
   * @default "https://api.themoviedb.org/3"
   */
  tmdbBaseUrl: string;
  /**
   * API Read Access Token (`TMDB_API_TOKEN`), checked by {@link tmdbTokenProblem}; set this or
   * {@link tmdbSecretArn}.
   */
  tmdbToken?: string;
  /** Secrets Manager secret whose SecretString is the token (`TMDB_SECRET_ARN`); read once per container. */
  tmdbSecretArn?: string;
  /** Bucket the raw NDJSON lands in (`RAW_BUCKET`, required). */
  rawBucket: string;
  /**
   * Key prefix of landed objects (`RAW_PREFIX`), ending in `/`.
   * @default "raw/movies/"
   */
  rawPrefix: string;
  /**
   * Key prefix of quarantine objects (`REJECT_PREFIX`), ending in `/`; must lie outside {@link rawPrefix}.
   * @default "rejects/movies/"
   */
  rejectPrefix: string;
  /**
   * Key prefix of the extractor's checkpoints (`STATE_PREFIX`), ending in `/`; outside the raw and
   * reject prefixes, so the pipe never loads them.
   * @default "state/"
   */
  statePrefix: string;
  /**
   * Primary release years a backfill works on at once, 1..10 (`BACKFILL_YEAR_CONCURRENCY`): a year
   * pages one page at a time, so a few years together keep the request rate at its limit.
   * @default 3
   */
  backfillYearConcurrency: number;
  /**
   * Seconds before the end of an invocation (the Lambda's remaining time) at which a backfill or a
   * changes run stops starting new work, 0..900 (`EXTRACTOR_STOP_MARGIN_SECONDS`): what is under way
   * then finishes and lands, and the run returns `done: false` to be invoked again.
   * @default 120
   */
  stopMarginSeconds: number;
  /**
   * Popular pages to list, 1..500 (`TMDB_PAGES`); the event's `pages` overrides it per run.
   * @default 5
   */
  pages: number;
  /**
   * Requests in flight at once, 1..20 (`TMDB_MAX_CONCURRENCY`; TMDB allows about 20 connections per IP).
   * @default 8
   */
  maxConcurrency: number;
  /**
   * Requests started per second, retries included (`TMDB_MAX_RPS`; TMDB's ceiling is about 40).
   * @default 35
   */
  maxRps: number;
  /**
   * Per-request timeout in milliseconds, response body included (`TMDB_TIMEOUT_MS`).
   * @default 10000
   */
  timeoutMs: number;
  /**
   * Retries per request after the first attempt, 0..10 (`TMDB_MAX_RETRIES`).
   * @default 4
   */
  maxRetries: number;
  /**
   * Base of the exponential backoff in milliseconds (`TMDB_RETRY_BASE_DELAY_MS`): retry n waits a random
   * time in [0, min(base * 2^(n-1), max)] (full jitter).
   * @default 500
   */
  retryBaseDelayMs: number;
  /**
   * Upper bound of one backoff delay in milliseconds (`TMDB_RETRY_MAX_DELAY_MS`).
   * @default 8000
   */
  retryMaxDelayMs: number;
  /**
   * Longest wait a `Retry-After` header may impose, in milliseconds (`TMDB_MAX_RETRY_AFTER_MS`);
   * longer values are capped to it.
   * @default 10000
   */
  maxRetryAfterMs: number;
  /** AWS region (`AWS_REGION`, else `AWS_DEFAULT_REGION`; `us-east-1` when only an endpoint override is set). */
  awsRegion: string;
  /**
   * S3 endpoint override (`AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`); path-style addressing is used
   * when set.
   * @default undefined (the regional AWS endpoint)
   */
  s3Endpoint?: string;
}

/** Environment variables as Node exposes them. */
export type Env = Record<string, string | undefined>;

/** TMDB's API v3 base URL, the default of `TMDB_API_BASE_URL`. */
export const DEFAULT_TMDB_BASE_URL = "https://api.themoviedb.org/3";

/**
 * Why `value` (surrounding whitespace aside, which is dropped) cannot be `TMDB_API_BASE_URL`, or undefined when it
 * can: an http(s) URL with no user-info, query string or fragment (the token travels in a header, never in the URL).
 * The answer never repeats the value, which may hold a credential.
 */
export function tmdbBaseUrlProblem(value: string): string | undefined {
  const trimmed = value.trim();
  // Checked before parsing: the URL parser silently drops tabs and line breaks.
  if (/[\s\p{Cc}]/u.test(trimmed)) return "must not contain whitespace or control characters";
  const url = URL.parse(trimmed);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) return "must be an http(s) URL";
  if (url.username !== "" || url.password !== "") {
    return "must not contain credentials (user:password@) — pass the token in TMDB_API_TOKEN";
  }
  if (trimmed.includes("?")) {
    return "must not contain a query string (?…) — pass the token in TMDB_API_TOKEN, not as api_key";
  }
  if (trimmed.includes("#")) return "must not contain a fragment (#…)";
  return undefined;
}

const DEFAULTS = {
  TMDB_API_BASE_URL: DEFAULT_TMDB_BASE_URL,
  RAW_PREFIX: DEFAULT_RAW_PREFIX,
  REJECT_PREFIX: DEFAULT_REJECT_PREFIX,
  STATE_PREFIX: DEFAULT_STATE_PREFIX,
  BACKFILL_YEAR_CONCURRENCY: 3,
  EXTRACTOR_STOP_MARGIN_SECONDS: 120,
  TMDB_PAGES: 5,
  TMDB_MAX_CONCURRENCY: 8,
  TMDB_MAX_RPS: 35,
  TMDB_TIMEOUT_MS: 10_000,
  TMDB_MAX_RETRIES: 4,
  TMDB_RETRY_BASE_DELAY_MS: 500,
  TMDB_RETRY_MAX_DELAY_MS: 8_000,
  TMDB_MAX_RETRY_AFTER_MS: 10_000,
} as const;

const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .transform((value) => value.replace(/\/+$/, ""));

const integer = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be an integer between ${min} and ${max}` })
    .int({ error: `must be an integer between ${min} and ${max}` })
    .min(min, { error: `must be an integer between ${min} and ${max}` })
    .max(max, { error: `must be an integer between ${min} and ${max}` });

const prefix = z
  .string()
  .regex(/^[^/].*\/$/, { error: 'must be a key prefix ending in "/" and not starting with "/"' });

const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
  error: 'must be an S3 bucket name (3-63 lowercase letters, digits, "." or "-")',
});

/** Applies a `...Problem` rule (a pure function returning the problem or undefined) as a zod check. */
const satisfying = (problem: (value: string) => string | undefined) =>
  z.string().check((context) => {
    const message = problem(context.value);
    if (message !== undefined) context.issues.push({ code: "custom", message, input: context.value });
  });

const tmdbBaseUrlSchema = satisfying(tmdbBaseUrlProblem).transform((value) =>
  value.trim().replace(/\/+$/, ""),
);

const tmdbTokenSchema = satisfying(tmdbTokenProblem).transform((value) => value.trim());

/** Variables whose value a problem never repeats: the token, and URLs, which may carry credentials. */
const NEVER_ECHOED = new Set([
  "TMDB_API_TOKEN",
  "TMDB_API_BASE_URL",
  "AWS_ENDPOINT_URL_S3",
  "AWS_ENDPOINT_URL",
]);

/** Validates one variable; records a problem naming it instead of throwing. */
function read<T>(
  env: Env,
  variable: string,
  schema: z.ZodType<T>,
  fallback: T | undefined,
  problems: { variable: string; message: string }[],
): T | undefined {
  const raw = env[variable];
  if (raw === undefined || raw === "") {
    if (fallback === undefined) return undefined;
    return fallback;
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const message = issue?.message ?? "is invalid";
  problems.push({
    variable,
    message: NEVER_ECHOED.has(variable) ? message : `${message} (got ${JSON.stringify(raw)})`,
  });
  return undefined;
}

type Read = <T>(variable: string, schema: z.ZodType<T>, fallback?: T) => T | undefined;
type Problems = { variable: string; message: string }[];

/**
 * Reads and validates the extractor's settings from `env`. Every problem is reported at once in one
 * {@link ConfigError} whose message names each offending variable.
 */
export function loadConfig(env: Env): ExtractorConfig {
  const problems: Problems = [];
  const r: Read = (variable, schema, fallback) => read(env, variable, schema, fallback, problems);
  const tmdb = readTmdb(env, r, problems);
  const landing = readLanding(env, r, problems);
  const tuning = {
    pages: r("TMDB_PAGES", integer(1, TMDB_MAX_PAGE), DEFAULTS.TMDB_PAGES),
    maxConcurrency: r("TMDB_MAX_CONCURRENCY", integer(1, 20), DEFAULTS.TMDB_MAX_CONCURRENCY),
    maxRps: r("TMDB_MAX_RPS", integer(1, 1000), DEFAULTS.TMDB_MAX_RPS),
    timeoutMs: r("TMDB_TIMEOUT_MS", integer(1, 900_000), DEFAULTS.TMDB_TIMEOUT_MS),
    maxRetries: r("TMDB_MAX_RETRIES", integer(0, 10), DEFAULTS.TMDB_MAX_RETRIES),
    retryBaseDelayMs: r("TMDB_RETRY_BASE_DELAY_MS", integer(0, 60_000), DEFAULTS.TMDB_RETRY_BASE_DELAY_MS),
    retryMaxDelayMs: r("TMDB_RETRY_MAX_DELAY_MS", integer(0, 300_000), DEFAULTS.TMDB_RETRY_MAX_DELAY_MS),
    maxRetryAfterMs: r("TMDB_MAX_RETRY_AFTER_MS", integer(0, 300_000), DEFAULTS.TMDB_MAX_RETRY_AFTER_MS),
    backfillYearConcurrency: r(
      "BACKFILL_YEAR_CONCURRENCY",
      integer(1, 10),
      DEFAULTS.BACKFILL_YEAR_CONCURRENCY,
    ),
    stopMarginSeconds: r(
      "EXTRACTOR_STOP_MARGIN_SECONDS",
      integer(0, 900),
      DEFAULTS.EXTRACTOR_STOP_MARGIN_SECONDS,
    ),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...tmdb, ...landing, ...tuning } as ExtractorConfig;
}

/** TMDB's base URL and the token, or the secret holding it. */
function readTmdb(env: Env, r: Read, problems: Problems) {
  const tmdbBaseUrl = r("TMDB_API_BASE_URL", tmdbBaseUrlSchema, DEFAULTS.TMDB_API_BASE_URL);
  const tmdbToken = r("TMDB_API_TOKEN", tmdbTokenSchema);
  const tmdbSecretArn = r(
    "TMDB_SECRET_ARN",
    z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, {
      error: "must be a Secrets Manager secret ARN",
    }),
  );
  if (env["TMDB_API_TOKEN"] && env["TMDB_SECRET_ARN"]) {
    problems.push({ variable: "TMDB_API_TOKEN", message: "and TMDB_SECRET_ARN are both set: set only one" });
  } else if (!env["TMDB_API_TOKEN"] && !env["TMDB_SECRET_ARN"]) {
    problems.push({
      variable: "TMDB_API_TOKEN",
      message: "is required (or TMDB_SECRET_ARN, a Secrets Manager secret holding the token)",
    });
  }
  return {
    tmdbBaseUrl,
    ...(tmdbToken === undefined ? {} : { tmdbToken }),
    ...(tmdbSecretArn === undefined ? {} : { tmdbSecretArn }),
  };
}

/** The bucket, its three prefixes (which must not overlap), the region and the S3 endpoint. */
function readLanding(env: Env, r: Read, problems: Problems) {
  const rawBucket = r("RAW_BUCKET", bucketName);
  if (!env["RAW_BUCKET"]) problems.push({ variable: "RAW_BUCKET", message: "is required" });
  const rawPrefix = r("RAW_PREFIX", prefix, DEFAULTS.RAW_PREFIX);
  const rejectPrefix = r("REJECT_PREFIX", prefix, DEFAULTS.REJECT_PREFIX);
  const statePrefix = r("STATE_PREFIX", prefix, DEFAULTS.STATE_PREFIX);
  const overlaps: [string, string | undefined][] = [
    ["REJECT_PREFIX", rawPrefix && rejectPrefix && prefixOverlapProblem(rawPrefix, rejectPrefix)],
    [
      "STATE_PREFIX",
      rawPrefix &&
        rejectPrefix &&
        statePrefix &&
        statePrefixProblem({ rawPrefix, rejectPrefix, statePrefix }),
    ],
  ];
  for (const [variable, overlap] of overlaps) if (overlap) problems.push({ variable, message: overlap });
  const s3Endpoint = env["AWS_ENDPOINT_URL_S3"]
    ? r("AWS_ENDPOINT_URL_S3", httpUrl)
    : r("AWS_ENDPOINT_URL", httpUrl);
  const awsRegion = env["AWS_REGION"] || env["AWS_DEFAULT_REGION"] || (s3Endpoint ? "us-east-1" : undefined);
  if (!awsRegion)
    problems.push({ variable: "AWS_REGION", message: "is required (Lambda sets it; set it locally)" });
  return {
    rawBucket,
    rawPrefix,
    rejectPrefix,
    statePrefix,
    awsRegion,
    ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
  };
}
