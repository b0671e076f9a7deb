/**
 * The dbt suite's raw fixture (test/dbt/fixtures/raw: NDJSON laid out like the bucket) and its golden
 * files (test/dbt/fixtures/expected): what stg__movies, stg__raw_movie_issues and mart__genre_roi hold
 * for that fixture. The golden files were computed once,
 * independently of the SQL, and reviewed by hand; a change of a model's rules changes them on purpose.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { rawTableDuckDbDdl } from "../../contract/pipeline";
import { REPO_ROOT } from "../../local/options";
import { readGoldenCsv, type GoldenRow } from "../support/golden";

export const FIXTURE_DIR = join(REPO_ROOT, "test", "dbt", "fixtures");

/** One row of `raw.movies`: a landed NDJSON line plus the file metadata the pipe adds. */
export interface RawRow {
  /** The line as landed. */
  recordText: string;
  record: Record<string, unknown>;
  /** Object key of the landed file, e.g. `raw/movies/2026-11-24/movies_06-00-00.json`. */
  sourceFile: string;
  /** 1-based line number in the file. */
  fileRowNumber: number;
  /** ISO-8601 UTC load time. */
  loadedAt: string;
}

/**
 * Reads every `*.ndjson` file under the fixture's `raw/` as the rows the pipe would load. The files
 * end in `.ndjson` so formatters leave them alone; their object keys end in `.json` like the
 * extractor's. Each file counts as loaded five minutes after the run time in its key.
 */
export function readRawFixture(directory = FIXTURE_DIR): RawRow[] {
  const rows: RawRow[] = [];
  for (const path of listFiles(join(directory, "raw")).filter((file) => file.endsWith(".ndjson"))) {
    const key = relative(directory, path)
      .split(sep)
      .join("/")
      .replace(/\.ndjson$/, ".json");
    const loadedAt = loadTimeOf(key);
    readFileSync(path, "utf8")
      .split("\n")
      .forEach((line, index) => {
        if (line.trim() === "") return;
        const record = JSON.parse(line) as Record<string, unknown>;
        rows.push({ recordText: line, record, sourceFile: key, fileRowNumber: index + 1, loadedAt });
      });
  }
  if (rows.length === 0) throw new Error(`no raw rows (*.ndjson) under ${directory}`);
  return rows;
}

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? listFiles(join(directory, entry.name)) : [join(directory, entry.name)],
    )
    .sort();
}

function loadTimeOf(key: string): string {
  const match = /(\d{4}-\d{2}-\d{2})\/movies_(\d{2})-(\d{2})-(\d{2})\.json$/.exec(key);
  if (!match) throw new Error(`raw fixture key ${key} is not raw/movies/YYYY-MM-DD/movies_HH-MM-SS.json`);
  const [, day, hours, minutes, seconds] = match;
  return new Date(Date.parse(`${day}T${hours}:${minutes}:${seconds}Z`) + 5 * 60_000).toISOString();
}

/** Loads raw rows into a fresh DuckDB file the way the pipe fills RAW.MOVIES. */
export async function loadRawIntoDuckDb(path: string, rows: readonly RawRow[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run("create schema if not exists raw");
    await connection.run(rawTableDuckDbDdl());
    for (const row of rows) {
      await connection.run(
        "insert into raw.movies values (cast($1 as json), $2, $3, cast($4 as timestamptz))",
        [row.recordText, row.sourceFile, row.fileRowNumber, row.loadedAt],
      );
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const expected = (file: string) => readFileSync(join(FIXTURE_DIR, "expected", file), "utf8");

/** Golden stg__movies: one object per movie, by movie_id. */
export function goldenStaging(): Record<string, unknown>[] {
  return expected("stg__movies.jsonl")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Golden mart__genre_roi (min_movies_per_genre 3): rows in rank order, numbers as numbers. */
export function goldenMart(): GoldenRow[] {
  return readGoldenCsv(join(FIXTURE_DIR, "expected", "mart__genre_roi.csv"));
}

/** Golden stg__raw_movie_issues: every problem of the fixture's raw records, by file and line. */
export function goldenIssues(): Record<string, unknown>[] {
  return expected("raw_movie_issues.jsonl")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
