import { S3Client } from "@aws-sdk/client-s3";
import { join } from "node:path";
import { DEFAULT_RAW_PREFIX } from "../../contract/pipeline";
import { loadConfig } from "../../functions/extractor/config";
import { describeError } from "../../functions/extractor/errors";
import { runExtraction, type ExtractionSummary } from "../../functions/extractor/extract";
import type { Logger } from "../../functions/extractor/logger";
import { S3_SERVER_CREDENTIALS, startS3Server, type S3Server } from "../../servers/s3Server";
import { display, LocalStackError } from "../options";
import type { Progress } from "../progress";
import { s3RawSource, type RawSource } from "../snowpipe/sources";
import { LOCAL_BUCKET, startServer, type StageContext } from "./context";
import type { Source } from "./source";

/** The landed raw files and the S3-compatible server they are in. */
export interface Landed {
  extraction: ExtractionSummary;
  rawSource: RawSource;
  close(): Promise<void>;
}

/** TMDB settings the real API's run takes from the environment; the local server has no limits. */
const TMDB_TUNING = ["TMDB_MAX_CONCURRENCY", "TMDB_MAX_RPS", "TMDB_TIMEOUT_MS", "TMDB_MAX_RETRIES"];

/**
 * Stage 2: the extractor's own `loadConfig` + `runExtraction` (the Lambda's code) land one NDJSON
 * object in an S3-compatible server (s3rver) that keeps its objects under the state folder.
 */
export async function extract(context: StageContext, source: Source): Promise<Landed> {
  const { progress, pages, options, stateDir } = context;
  progress.stage(`Extract: ${pages} popular page(s) -> s3://${LOCAL_BUCKET}/${DEFAULT_RAW_PREFIX}`);
  const port = options.s3Port ?? 0;
  const directory = join(stateDir, "s3");
  const server = await startServer("S3-compatible server", port, "--s3-port", () =>
    startS3Server({ directory, port, buckets: [LOCAL_BUCKET] }),
  );
  const s3 = new S3Client({
    region: "us-east-1",
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { ...S3_SERVER_CREDENTIALS },
  });
  const close = async () => {
    s3.destroy();
    await server.close();
  };
  try {
    progress.detail(`S3-compatible server ${server.endpoint}, objects kept in ${display(directory)}`);
    const extraction = await runExtractor(context, source, server, s3);
    reportExtraction(progress, extraction);
    const rawSource = s3RawSource({ client: s3, bucket: LOCAL_BUCKET, prefix: DEFAULT_RAW_PREFIX });
    return { extraction, rawSource, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

async function runExtractor(
  context: StageContext,
  source: Source,
  server: S3Server,
  s3: S3Client,
): Promise<ExtractionSummary> {
  const env: Record<string, string | undefined> = {
    TMDB_API_BASE_URL: source.baseUrl,
    TMDB_API_TOKEN: source.token,
    RAW_BUCKET: LOCAL_BUCKET,
    RAW_PREFIX: DEFAULT_RAW_PREFIX,
    TMDB_PAGES: String(context.pages),
    AWS_ENDPOINT_URL_S3: server.endpoint,
    AWS_REGION: "us-east-1",
  };
  if (source.realTmdb) {
    for (const name of TMDB_TUNING) if (context.env[name]) env[name] = context.env[name];
  } else {
    // Our own server on 127.0.0.1 has no rate limit: TMDB's limits apply only to TMDB.
    env["TMDB_MAX_CONCURRENCY"] = "16";
    env["TMDB_MAX_RPS"] = "1000";
  }
  const tmdb = source.server;
  const ticker = setInterval(() => {
    if (tmdb) context.progress.detail(`${tmdb.stats.requests} requests so far`);
  }, 2000);
  try {
    const now = context.options.now;
    return await runExtraction(loadConfig(env), {
      s3,
      logger: extractorLogger(context.progress),
      ...(now ? { now } : {}),
    });
  } catch (error) {
    throw new LocalStackError("extract", describeError(error), { cause: error });
  } finally {
    clearInterval(ticker);
  }
}

function reportExtraction(progress: Progress, extraction: ExtractionSummary): void {
  progress.detail(
    `listed ${extraction.listed}, fetched ${extraction.fetched}, landed ${extraction.landed}, ` +
      `skipped without budget or revenue ${extraction.skippedNoFinancials}, rejected ${extraction.rejected}, ` +
      `not found ${extraction.notFound}, failed ${extraction.failedCount}`,
  );
  for (const failure of extraction.failed) progress.detail(`failed: movie ${failure.id}: ${failure.reason}`);
  const unnamed = extraction.failedCount - extraction.failed.length;
  if (unnamed > 0) progress.detail(`... and ${unnamed} more failed movie(s), each in a warning above`);
  if (extraction.rejectKey) progress.detail(`rejected records quarantined in ${extraction.rejectKey}`);
  progress.done(
    extraction.key
      ? `landed ${extraction.key} (${extraction.requests} requests, ${extraction.retries} retries)`
      : "nothing landed: no movie with budget or revenue",
  );
}

/** Logger handed to the extractor: its events as progress lines. */
function extractorLogger(progress: Progress): Logger {
  const fields = (f: Record<string, unknown> | undefined): string => {
    if (!f) return "";
    const parts = Object.entries(f)
      .filter(([key]) => key !== "summary" && key !== "progress")
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
    return parts.length > 0 ? ` (${parts.join(", ")})` : "";
  };
  return {
    debug() {},
    info(message, f) {
      if (message === "extraction started" || message === "extraction finished") return;
      progress.detail(`${message}${fields(f)}`);
    },
    warn(message, f) {
      if (message === "extraction finished") return;
      progress.detail(`warning: ${message}${fields(f)}`);
    },
    error(message, f) {
      if (message === "extraction failed") return; // reported by the stack with the error itself
      progress.detail(`error: ${message}${fields(f)}`);
    },
  };
}
