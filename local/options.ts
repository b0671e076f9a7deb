import { existsSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunSummary } from "../functions/extractor/extract";
import type { TmdbCatalog } from "../servers/tmdbCatalog";
import type { DbtRunResult } from "./dbt";
import type { RawIssues } from "./report/issues";
import type { Mart } from "./report/mart";
import type { ReportFiles } from "./report/files";
import type { LoadSummary, OnError } from "./snowpipe/loader";

/** Repository root (this file lives in `<root>/local`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Options of `runLocalStack`. */
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
   * Extract a backfill of these primary release years instead of the popular list (the extractor's
   * backfill event: defaults 1874 and the current year); a backfill interrupted earlier resumes from
   * its checkpoint in the local bucket. The demo server then also serves decades of history.
   * @default undefined (the popular list)
   */
  backfill?: { fromYear?: number; toYear?: number };
  /**
   * Show a backfill's progress as a live bar on standard output.
   * @default true when standard output is a terminal and `write` is not given
   */
  liveProgress?: boolean;
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
  extraction: RunSummary | null;
  load: LoadSummary;
  dbt: DbtRunResult;
  /** Raw records the models left out or used without a value (stg__raw_movie_issues). */
  rawIssues: RawIssues;
  /** mart__genre_roi, best portfolio ROI first. */
  mart: Mart;
  /** mart__genre_roi_by_decade, by genre and decade. */
  decadeMart: Mart;
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
): { stateDir: string; databasePath: string; outDir: string } {
  const env = options.env ?? process.env;
  const stateDir = resolve(options.stateDir ?? (env["TMDB_ROI_STATE_DIR"] || join(REPO_ROOT, ".local")));
  const databasePath = resolve(
    options.databasePath ?? (env["TMDB_ROI_DUCKDB_PATH"] || join(stateDir, "warehouse.duckdb")),
  );
  const outDir = resolve(options.outDir ?? join(REPO_ROOT, "out"));
  return { stateDir, databasePath, outDir };
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

/** A path as the user would type it: relative to the working directory when inside it. */
export function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== "" && !rel.startsWith("..") ? rel : path;
}
