/**
 * A TMDB-compatible server and an S3-compatible server on 127.0.0.1, plus the extractor settings and
 * S3 helpers tests need. Real HTTP on both sides; nothing is mocked.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BUNDLE_ENTRY_FILE, buildExtractorBundle } from "../../functions/bundle";
import type { ExtractorConfig } from "../../functions/extractor/config";
import type { ExtractionSummary } from "../../functions/extractor/extract";
import type { TmdbCatalog } from "../../servers/tmdbCatalog";
import { S3_SERVER_CREDENTIALS, s3ServerClient, startS3Server, type S3Server } from "../../servers/s3Server";
import { startTmdbServer, type TmdbServer, type TmdbServerOptions } from "../../servers/tmdbServer";

export const TEST_TOKEN = "test-api-read-access-token";
export const TEST_BUCKET = "tmdb-raw-test";

/** Options of {@link startTestEnv}: the TMDB server's options plus which buckets exist. */
export interface TestEnvOptions extends Omit<TmdbServerOptions, "catalog" | "token"> {
  catalog: TmdbCatalog;
  /**
   * The token the TMDB server accepts, and the settings send.
   * @default TEST_TOKEN
   */
  token?: string;
  /**
   * Buckets created on the S3 server.
   * @default [TEST_BUCKET]
   */
  buckets?: string[];
}

export interface TestEnv {
  tmdb: TmdbServer;
  s3: S3Server;
  s3Client: S3Client;
  /** Extractor settings pointing at both servers, with fast retries; `overrides` win. */
  config(overrides?: Partial<ExtractorConfig>): ExtractorConfig;
  /** The same settings as environment variables (for the handler, the CLI and the bundle). */
  env(overrides?: Record<string, string>): Record<string, string>;
  /** Keys under `prefix` in `bucket`, sorted. */
  listKeys(prefix?: string, bucket?: string): Promise<string[]>;
  /** An object's body and content type. */
  getObject(key: string, bucket?: string): Promise<{ body: string; contentType: string | undefined }>;
  /** Writes an object, as another writer of the bucket would. */
  putObject(key: string, body: string, bucket?: string): Promise<void>;
  close(): Promise<void>;
}

/** Settings that keep failure tests fast: millisecond backoff, short timeout, no client rate limit to speak of. */
export const FAST_SETTINGS = {
  maxConcurrency: 8,
  maxRps: 1000,
  timeoutMs: 800,
  maxRetries: 3,
  retryBaseDelayMs: 10,
  retryMaxDelayMs: 40,
  maxRetryAfterMs: 2000,
} as const;

export async function startTestEnv(options: TestEnvOptions): Promise<TestEnv> {
  const { buckets = [TEST_BUCKET], token = TEST_TOKEN, ...tmdbOptions } = options;
  const directory = await mkdtemp(join(tmpdir(), "tmdb-s3-"));
  const tmdb = await startTmdbServer({ ...tmdbOptions, token });
  const s3 = await startS3Server({ directory, buckets });
  const s3Client = s3ServerClient(s3.endpoint);

  const config = (overrides: Partial<ExtractorConfig> = {}): ExtractorConfig => ({
    tmdbBaseUrl: tmdb.baseUrl,
    tmdbToken: token,
    rawBucket: TEST_BUCKET,
    rawPrefix: "raw/movies/",
    rejectPrefix: "rejects/movies/",
    statePrefix: "state/",
    pages: 5,
    backfillYearConcurrency: 3,
    stopMarginSeconds: 120,
    awsRegion: "us-east-1",
    s3Endpoint: s3.endpoint,
    ...FAST_SETTINGS,
    ...overrides,
  });

  return {
    tmdb,
    s3,
    s3Client,
    config,
    env: (overrides = {}) => ({
      TMDB_API_BASE_URL: tmdb.baseUrl,
      TMDB_API_TOKEN: token,
      RAW_BUCKET: TEST_BUCKET,
      TMDB_PAGES: "5",
      TMDB_MAX_CONCURRENCY: String(FAST_SETTINGS.maxConcurrency),
      TMDB_MAX_RPS: String(FAST_SETTINGS.maxRps),
      TMDB_TIMEOUT_MS: String(FAST_SETTINGS.timeoutMs),
      TMDB_MAX_RETRIES: String(FAST_SETTINGS.maxRetries),
      TMDB_RETRY_BASE_DELAY_MS: String(FAST_SETTINGS.retryBaseDelayMs),
      TMDB_RETRY_MAX_DELAY_MS: String(FAST_SETTINGS.retryMaxDelayMs),
      TMDB_MAX_RETRY_AFTER_MS: String(FAST_SETTINGS.maxRetryAfterMs),
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: S3_SERVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_SERVER_CREDENTIALS.secretAccessKey,
      ...overrides,
    }),
    async listKeys(prefix = "", bucket = TEST_BUCKET) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3Client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ""));
        token = page.NextContinuationToken;
      } while (token);
      return keys.sort();
    },
    async getObject(key, bucket = TEST_BUCKET) {
      const object = await s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { body: (await object.Body?.transformToString("utf8")) ?? "", contentType: object.ContentType };
    },
    async putObject(key, body, bucket = TEST_BUCKET) {
      await s3Client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async close() {
      s3Client.destroy();
      await Promise.allSettled([tmdb.close(), s3.close()]);
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Starts servers for one test, runs `body` with them and always closes them. */
export async function withTestEnv<T>(
  options: TestEnvOptions,
  body: (env: TestEnv) => Promise<T>,
): Promise<T> {
  const env = await startTestEnv(options);
  try {
    return await body(env);
  } finally {
    await env.close();
  }
}

/** Parses NDJSON, failing with the line number when a line is not JSON. */
export function parseNdjson(text: string): Record<string, unknown>[] {
  if (text !== "" && !text.endsWith("\n")) throw new Error("NDJSON does not end with a newline");
  return text
    .split("\n")
    .slice(0, -1)
    .map((line, index) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch (error) {
        throw new Error(`line ${index + 1} is not JSON: ${(error as Error).message}`);
      }
    });
}

/** The extractor bundle (`index.mjs` and its map), written to a new temporary folder. */
export async function writeExtractorBundle(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "extractor-bundle-"));
  for (const [name, text] of Object.entries(buildExtractorBundle())) await writeFile(join(dir, name), text);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** What one fresh container did: its output lines and, per invocation, the summary or the error. */
export interface ContainerRun {
  /** Lines written to standard output and standard error, which Lambda sends to the function's log group. */
  lines: string[];
  /** Per invocation, in order: the summary returned, or the error thrown. */
  results: ({ summary: ExtractionSummary } | { error: { name: string; message: string } })[];
  /** Milliseconds to import the bundle, and to import it and run every invocation. */
  importMs: number;
  totalMs: number;
}

/** Lambda-context fields a fresh container passes with each invocation (its request id is `request-<n>`). */
export const TEST_LAMBDA_CONTEXT = {
  functionName: "tmdb-extractor-test",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:tmdb-extractor-test",
  memoryLimitInMB: "512",
  logGroupName: "/aws/lambda/tmdb-extractor-test",
  logStreamName: "2026/01/01/[$LATEST]test",
} as const;

/**
 * Imports the bundle in `dir` in a fresh Node process, as Lambda's runtime does in a new on-demand container, and
 * invokes its handler once per event with a Lambda context (request ids `request-1`, `request-2`, ...).
 * @param vars the container's whole environment, besides PATH and `AWS_LAMBDA_INITIALIZATION_TYPE=on-demand`
 */
export async function runInFreshContainer(
  dir: string,
  vars: Record<string, string>,
  events: unknown[],
): Promise<ContainerRun> {
  const resultFile = join(dir, `results-${process.hrtime.bigint()}.json`);
  const script = `
    const { writeFileSync } = await import("node:fs");
    const t0 = performance.now();
    const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, BUNDLE_ENTRY_FILE)).href)});
    const importMs = performance.now() - t0;
    const results = [];
    for (const [i, event] of ${JSON.stringify(events)}.entries()) {
      // A popular run's object is named after its start second: two runs land under two names.
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 1005 - (Date.now() % 1000)));
      const context = { ...${JSON.stringify(TEST_LAMBDA_CONTEXT)}, awsRequestId: "request-" + (i + 1),
        callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 60000, done() {}, fail() {}, succeed() {} };
      try { results.push({ summary: await handler(event, context) }); }
      catch (error) { results.push({ error: { name: error.name, message: error.message } }); }
    }
    writeFileSync(${JSON.stringify(resultFile)}, JSON.stringify({ results, importMs, totalMs: performance.now() - t0 }));`;
  const env = { PATH: process.env["PATH"] ?? "", AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand", ...vars };
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      ["--enable-source-maps", "--input-type=module", "-e", script],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve({ stdout: out, stderr: err }),
    );
  });
  const outcome = JSON.parse(await readFile(resultFile, "utf8")) as Omit<ContainerRun, "lines">;
  await rm(resultFile, { force: true });
  const lines = `${stdout}${stderr}`.split("\n").filter((line) => line !== "");
  return { lines, ...outcome };
}
