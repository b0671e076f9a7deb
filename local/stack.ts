import { S3Client } from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { DEFAULT_RAW_PREFIX, TMDB_MAX_PAGE } from "../contract/pipeline";
import { loadConfig } from "../functions/extractor/config";
import { describeError } from "../functions/extractor/errors";
import { runExtraction, type ExtractionSummary } from "../functions/extractor/extract";
import type { Logger } from "../functions/extractor/logger";
import { runDbt, type DbtRunResult } from "./dbt";
import { buildDemoCatalog, DEMO_CATALOG_DEFAULT_PAGES, SYNTHETIC_MARKER } from "../servers/demoCatalog";
import {
  DEFAULT_ON_ERROR,
  folderRawSource,
  loadRawFiles,
  s3RawSource,
  type LoadSummary,
  type OnError,
  type RawSource,
} from "./loader";
import { Progress } from "./progress";
import { formatTerminalTable, readMart, writeReport, type Mart, type ReportFiles } from "./report";
import { startS3Server, S3_SERVER_CREDENTIALS, type S3Server } from "../servers/s3Server";
import { acquireStateLock } from "./stateLock";
import type { TmdbCatalog } from "../servers/tmdbCatalog";
import { startTmdbServer, type TmdbServer } from "../servers/tmdbServer";
import { DUCKDB_VERSION, openWarehouse } from "./warehouse";

/**
 * The local stack: the whole pipeline on one machine, with the production code paths.
 *
 * 1. Source: the real TMDB API when a token is given, else a TMDB-compatible server on 127.0.0.1
 *    serving the synthetic demo catalog.
 * 2. Extract: the extractor's own `loadConfig` + `runExtraction` (the Lambda's code) land one NDJSON
 *    object in an S3-compatible server (s3rver) that keeps its objects under the state folder.
 * 3. Load: new raw files go into the DuckDB warehouse's `raw.movies`, Snowpipe-like (see loader.ts).
 * 4. Transform: `dbt build --target local`.
 * 5. Answer: the mart as a ranked table, CSV, JSON, SVG chart and HTML report.
 *
 * With `fromRaw`, stages 1-2 are replaced by loading a folder laid out like the bucket.
 */

/** Repository root (this file lives in `<root>/local`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Bucket of the local S3-compatible server. */
export const LOCAL_BUCKET = "tmdb-genre-roi-raw";

/** Popular pages extracted by default. */
export const DEFAULT_PAGES = DEMO_CATALOG_DEFAULT_PAGES;

/** Options of {@link runLocalStack}. */
export interface LocalStackOptions {
  /**
   * Local state folder: S3 objects (`s3/`), the warehouse, dbt's target and logs (`dbt/`), the lock.
   * @default $TMDB_ROI_STATE_DIR, else `<repo>/.local`
   */
  stateDir?: string;
  /**
   * Warehouse DuckDB file.
   * @default $TMDB_ROI_DUCKDB_PATH, else `<stateDir>/warehouse.duckdb`
   */
  databasePath?: string;
  /**
   * Folder the CSV, JSON, SVG and HTML outputs are written to.
   * @default `<repo>/out`
   */
  outDir?: string;
  /** Load the raw files of this folder (laid out like the bucket) instead of extracting. */
  fromRaw?: string;
  /**
   * Popular pages to extract (1..500).
   * @default 25
   */
  pages?: number;
  /**
   * Delete the local state (S3 objects, warehouse, dbt target) before running.
   * @default false
   */
  reset?: boolean;
  /**
   * TMDB API Read Access Token; when set, the real TMDB API is the source.
   * @default $TMDB_API_TOKEN
   */
  tmdbToken?: string;
  /**
   * Catalog the local TMDB-compatible server serves when no token is set.
   * @default buildDemoCatalog({ pages })
   */
  catalog?: TmdbCatalog;
  /**
   * Port of the local S3-compatible server (0: any free port).
   * @default 0
   */
  s3Port?: number;
  /**
   * Port of the local TMDB-compatible server (0: any free port).
   * @default 0
   */
  tmdbPort?: number;
  /**
   * What the loader does with a raw file that has bad lines.
   * @default "CONTINUE"
   */
  onError?: OnError;
  /**
   * Run start given to the extractor (names the landed object).
   * @default new Date()
   */
  now?: Date;
  /**
   * Where progress and the answer are written, one line per call.
   * @default standard output
   */
  write?: (line: string) => void;
  /**
   * Environment read for defaults and passed to dbt.
   * @default process.env
   */
  env?: NodeJS.ProcessEnv;
}

/** What a run did. */
export interface LocalStackResult {
  /** Whether any data in the warehouse is synthetic demo data. */
  synthetic: boolean;
  source: string;
  extraction: ExtractionSummary | null;
  load: LoadSummary;
  dbt: DbtRunResult;
  mart: Mart;
  files: ReportFiles;
  durationMs: number;
}

/** A stage of the local stack failed; `stage` names it, the message says what to do. */
export class LocalStackError extends Error {
  override readonly name = "LocalStackError";
  constructor(
    readonly stage: "options" | "state" | "source" | "extract" | "load" | "transform" | "answer",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Resolves the folders a run uses from options and environment. */
export function resolvePaths(
  options: Pick<LocalStackOptions, "stateDir" | "databasePath" | "outDir" | "env">,
): {
  stateDir: string;
  databasePath: string;
  outDir: string;
} {
  const env = options.env ?? process.env;
  const stateDir = resolve(options.stateDir ?? (env["TMDB_ROI_STATE_DIR"] || join(REPO_ROOT, ".local")));
  const databasePath = resolve(
    options.databasePath ?? (env["TMDB_ROI_DUCKDB_PATH"] || join(stateDir, "warehouse.duckdb")),
  );
  const outDir = resolve(options.outDir ?? join(REPO_ROOT, "out"));
  return { stateDir, databasePath, outDir };
}

/** Reads a dbt project variable (`vars:` in dbt_project.yml), e.g. `min_movies_per_genre`. */
export function dbtProjectVar(name: string): unknown {
  const path = join(REPO_ROOT, "dbt_project", "dbt_project.yml");
  if (!existsSync(path)) return undefined;
  const project = parseYaml(readFileSync(path, "utf8")) as { vars?: Record<string, unknown> };
  return project.vars?.[name];
}

/**
 * Deletes what the local stack keeps in `stateDir` (and only that: the folder itself may hold other
 * files): the S3 objects, the warehouse file and its WAL, dbt's target and logs.
 */
export function resetState(stateDir: string, databasePath: string): string[] {
  const removed: string[] = [];
  for (const path of [join(stateDir, "s3"), databasePath, `${databasePath}.wal`, join(stateDir, "dbt")]) {
    if (!existsSync(path)) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== "" && !rel.startsWith("..") ? rel : path;
}

async function startServer<T>(
  what: string,
  port: number,
  option: string,
  start: () => Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new LocalStackError(
        "source",
        `port ${port} on 127.0.0.1 is already in use, so the ${what} cannot start: ` +
          `stop whatever listens there, or choose another port with ${option} (0 picks a free one)`,
        { cause: error },
      );
    }
    if (code === "EACCES") {
      throw new LocalStackError(
        "source",
        `not allowed to listen on port ${port} for the ${what}: use ${option} with a port above 1023`,
        {
          cause: error,
        },
      );
    }
    throw new LocalStackError("source", `the ${what} did not start: ${describeError(error)}`, {
      cause: error,
    });
  }
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

/** Share of the warehouse's raw records that are synthetic (demo catalog) data. */
async function countSynthetic(databasePath: string): Promise<{ synthetic: number; total: number }> {
  const warehouse = await openWarehouse(databasePath, { readOnly: true });
  try {
    const reader = await warehouse.connection.runAndReadAll(
      `select count(*) filter (where (record ->> '$.${SYNTHETIC_MARKER}') = 'true'), count(*) from raw.movies`,
    );
    const [synthetic, total] = reader.getRows()[0] ?? [0, 0];
    return { synthetic: Number(synthetic), total: Number(total) };
  } finally {
    warehouse.close();
  }
}

/**
 * Runs the local stack end to end. Holds the state folder's lock for the whole run and always stops
 * the servers it started and closes the warehouse, also on failure.
 */
export async function runLocalStack(options: LocalStackOptions = {}): Promise<LocalStackResult> {
  const env = options.env ?? process.env;
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const { stateDir, databasePath, outDir } = resolvePaths(options);
  const pages = options.pages ?? DEFAULT_PAGES;
  if (!Number.isInteger(pages) || pages < 1 || pages > TMDB_MAX_PAGE) {
    throw new LocalStackError("options", `--pages must be an integer in 1..${TMDB_MAX_PAGE}, got ${pages}`);
  }
  const token = options.tmdbToken ?? (env["TMDB_API_TOKEN"] || undefined);
  const fromRaw = options.fromRaw === undefined ? undefined : resolve(options.fromRaw);
  const realTmdb = fromRaw === undefined && token !== undefined;
  const stages = fromRaw === undefined ? 5 : 4;
  const progress = new Progress(stages, write);
  const started = performance.now();

  let lock;
  try {
    lock = acquireStateLock(stateDir);
  } catch (error) {
    throw new LocalStackError("state", describeError(error), { cause: error });
  }
  let tmdbServer: TmdbServer | undefined;
  let s3Server: S3Server | undefined;
  let s3: S3Client | undefined;
  try {
    write(
      `tmdb-genre-roi local stack: state ${display(stateDir)}, warehouse ${display(databasePath)}, outputs ${display(outDir)}`,
    );
    if (options.reset) {
      const removed = resetState(stateDir, databasePath);
      write(
        `reset: ${removed.length === 0 ? "nothing to delete" : `deleted ${removed.map(display).join(", ")}`}`,
      );
    }

    let extraction: ExtractionSummary | null = null;
    let localToken: string | undefined;
    let rawSource: RawSource;
    let sourceDescription: string;

    if (fromRaw === undefined) {
      // 1. Source
      let baseUrl: string;
      if (realTmdb) {
        baseUrl = env["TMDB_API_BASE_URL"] || "https://api.themoviedb.org/3";
        sourceDescription = "TMDB API";
        progress.stage(`Source: the TMDB API at ${baseUrl} (TMDB_API_TOKEN is set)`);
        progress.done(`${pages} popular page(s) to extract`);
      } else {
        progress.stage("Source: local TMDB-compatible server with the built-in demo catalog");
        const catalog =
          options.catalog ?? buildDemoCatalog({ pages: Math.max(pages, DEMO_CATALOG_DEFAULT_PAGES) });
        const serverToken = randomBytes(16).toString("hex");
        const tmdbPort = options.tmdbPort ?? 0;
        tmdbServer = await startServer("TMDB-compatible server", tmdbPort, "--tmdb-port", () =>
          startTmdbServer({ catalog, token: serverToken, port: tmdbPort }),
        );
        baseUrl = tmdbServer.baseUrl;
        sourceDescription = catalog.synthetic
          ? "built-in demo catalog (synthetic)"
          : "local TMDB-compatible server";
        if (catalog.synthetic) {
          progress.detail(
            "SYNTHETIC DEMO DATA: no TMDB_API_TOKEN is set, so the movies are generated, not real.",
          );
          progress.detail("Set TMDB_API_TOKEN (a TMDB API Read Access Token) to use the real TMDB API.");
        }
        progress.done(
          `${catalog.details.size} movies on ${catalog.popularPages.length} popular pages, serving ${baseUrl}`,
        );
        localToken = serverToken;
      }

      // 2. Extract
      progress.stage(`Extract: ${pages} popular page(s) -> s3://${LOCAL_BUCKET}/${DEFAULT_RAW_PREFIX}`);
      const s3Port = options.s3Port ?? 0;
      const s3Directory = join(stateDir, "s3");
      s3Server = await startServer("S3-compatible server", s3Port, "--s3-port", () =>
        startS3Server({ directory: s3Directory, port: s3Port, buckets: [LOCAL_BUCKET] }),
      );
      progress.detail(`S3-compatible server ${s3Server.endpoint}, objects kept in ${display(s3Directory)}`);
      s3 = new S3Client({
        region: "us-east-1",
        endpoint: s3Server.endpoint,
        forcePathStyle: true,
        credentials: { ...S3_SERVER_CREDENTIALS },
      });
      const extractorEnv: Record<string, string | undefined> = {
        TMDB_API_BASE_URL: baseUrl,
        TMDB_API_TOKEN: realTmdb ? token : localToken,
        RAW_BUCKET: LOCAL_BUCKET,
        RAW_PREFIX: DEFAULT_RAW_PREFIX,
        TMDB_PAGES: String(pages),
        AWS_ENDPOINT_URL_S3: s3Server.endpoint,
        AWS_REGION: "us-east-1",
      };
      if (realTmdb) {
        for (const name of ["TMDB_MAX_CONCURRENCY", "TMDB_MAX_RPS", "TMDB_TIMEOUT_MS", "TMDB_MAX_RETRIES"]) {
          if (env[name]) extractorEnv[name] = env[name];
        }
      } else {
        // Our own server on 127.0.0.1 has no rate limit: TMDB's limits apply only to TMDB.
        extractorEnv["TMDB_MAX_CONCURRENCY"] = "16";
        extractorEnv["TMDB_MAX_RPS"] = "1000";
      }
      try {
        const config = loadConfig(extractorEnv);
        const server = tmdbServer;
        const ticker = setInterval(() => {
          if (server) progress.detail(`${server.stats.requests} requests so far`);
        }, 2000);
        try {
          extraction = await runExtraction(config, {
            s3,
            logger: extractorLogger(progress),
            ...(options.now ? { now: options.now } : {}),
          });
        } finally {
          clearInterval(ticker);
        }
      } catch (error) {
        throw new LocalStackError("extract", describeError(error), { cause: error });
      }
      progress.detail(
        `listed ${extraction.listed}, fetched ${extraction.fetched}, landed ${extraction.landed}, ` +
          `skipped without budget or revenue ${extraction.skippedNoFinancials}, rejected ${extraction.rejected}, ` +
          `not found ${extraction.notFound}, failed ${extraction.failed.length}`,
      );
      for (const failure of extraction.failed)
        progress.detail(`failed: movie ${failure.id}: ${failure.reason}`);
      if (extraction.rejectKey) progress.detail(`rejected records quarantined in ${extraction.rejectKey}`);
      progress.done(
        extraction.key
          ? `landed ${extraction.key} (${extraction.requests} requests, ${extraction.retries} retries)`
          : "nothing landed: no movie with budget or revenue",
      );
      rawSource = s3RawSource({ client: s3, bucket: LOCAL_BUCKET, prefix: DEFAULT_RAW_PREFIX });
    } else {
      sourceDescription = `raw files from ${display(fromRaw)}`;
      rawSource = folderRawSource({ directory: fromRaw, prefix: DEFAULT_RAW_PREFIX });
    }

    // 3. Load
    const onError = options.onError ?? DEFAULT_ON_ERROR;
    progress.stage(
      `Load: ${rawSource.description} -> raw.movies (DuckDB ${DUCKDB_VERSION}, ON_ERROR = ${onError})`,
    );
    let load: LoadSummary;
    try {
      load = await loadRawFiles({
        databasePath,
        source: rawSource,
        onError,
        log: (line) => progress.detail(line),
      });
    } catch (error) {
      throw new LocalStackError("load", describeError(error), { cause: error });
    }
    progress.done(
      `${load.filesProcessed} new file(s), ${load.rowsLoaded} row(s) loaded, ${load.rowsRejected} bad line(s) in ` +
        `${load.filesWithErrors} file(s); ${load.filesAlreadyLoaded} file(s) already loaded` +
        (load.filesChangedAfterLoad > 0
          ? `, ${load.filesChangedAfterLoad} changed since loaded (not reloaded)`
          : ""),
    );
    // Close the S3 server now: nothing reads it any more.
    await s3Server?.close();
    await tmdbServer?.close();

    const { synthetic: syntheticRows, total } = await countSynthetic(databasePath);
    const synthetic = syntheticRows > 0;
    if (synthetic && syntheticRows < total) {
      progress.detail(
        `warning: the warehouse mixes ${syntheticRows} synthetic demo record(s) with ${total - syntheticRows} real one(s); ` +
          "outputs are marked synthetic. Run with --reset to start from real data only.",
      );
    }
    if (synthetic && !sourceDescription.includes("synthetic"))
      sourceDescription += " (contains synthetic demo data)";

    // 4. Transform
    progress.stage("Transform: dbt build --target local (models and tests)");
    let dbt: DbtRunResult;
    try {
      dbt = await runDbt({
        repoRoot: REPO_ROOT,
        args: ["build", "--target", "local"],
        stateDir,
        databasePath,
        env: withoutSecrets(env),
        onLine: (line) => progress.detail(`dbt | ${line}`),
      });
    } catch (error) {
      throw new LocalStackError("transform", describeError(error), { cause: error });
    }
    progress.done(
      `dbt build passed: ${Object.entries(dbt.counts)
        .map(([status, count]) => `${count} ${status}`)
        .join(", ")}`,
    );

    // 5. Answer
    progress.stage("Answer: mart__genre_roi");
    let mart: Mart;
    let files: ReportFiles;
    const minMovies = dbtProjectVar("min_movies_per_genre");
    const context = {
      synthetic,
      source: sourceDescription,
      ...(typeof minMovies === "number" ? { minMoviesPerGenre: minMovies } : {}),
    };
    try {
      mart = await readMart(databasePath);
      let staleRemoved: string[];
      ({ files, staleRemoved } = await writeReport(outDir, mart, context));
      if (staleRemoved.length > 0) {
        progress.detail(
          `deleted the ${synthetic ? "real-data" : "synthetic demo"} outputs of an earlier run: ` +
            staleRemoved.map(display).join(", "),
        );
      }
    } catch (error) {
      throw new LocalStackError("answer", describeError(error), { cause: error });
    }
    write("");
    for (const line of formatTerminalTable(mart, context).split("\n")) write(line);
    write("");
    write("Outputs:");
    write(`  table (CSV)   ${display(files.csv)}`);
    write(`  rows (JSON)   ${display(files.json)}`);
    write(`  chart (SVG)   ${display(files.svg)}`);
    write(`  report (HTML) ${display(files.html)}`);
    write(`Done in ${progress.elapsed()}.`);
    return {
      synthetic,
      source: sourceDescription,
      extraction,
      load,
      dbt,
      mart,
      files,
      durationMs: performance.now() - started,
    };
  } finally {
    s3?.destroy();
    await s3Server?.close().catch(() => undefined);
    await tmdbServer?.close().catch(() => undefined);
    lock.release();
  }
}

/** The environment dbt gets: the caller's, minus the TMDB token (dbt has no use for it). */
function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy["TMDB_API_TOKEN"];
  return copy;
}
