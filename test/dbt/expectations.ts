/**
 * The dbt layer's rules restated in TypeScript, to compute what `stg__movies` and `mart__genre_roi`
 * must contain for a given raw fixture without asking SQL. The dbt tests compare both engines'
 * output (DuckDB, and Snowflake SQL on fakesnow) against these figures.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** One row of `raw.movies`: a landed NDJSON line plus the file metadata the pipe adds. */
export interface RawRow {
  /** The line as landed (details JSON plus `_extracted_at`). */
  recordText: string;
  record: Record<string, unknown>;
  /** Object key of the landed file, e.g. `raw/movies/2026-11-24/movies_06-00-00.json`. */
  sourceFile: string;
  /** 1-based line number in the file. */
  fileRowNumber: number;
  /** ISO-8601 UTC load time. */
  loadedAt: string;
}

/** One row of `stg__movies`, in the columns the tests compare. */
export interface StagedMovie {
  movieId: number;
  title: string | null;
  releaseDate: string | null;
  budget: number | null;
  revenue: number | null;
  profit: number | null;
  roi: number | null;
  roiNullReason: string | null;
  popularity: number | null;
  voteAverage: number | null;
  voteCount: number | null;
  genreNames: string[];
  sourceFile: string;
  fileRowNumber: number;
}

/** One row of `mart__genre_roi` with exact (unrounded) figures. */
export interface GenreRoi {
  genreName: string;
  totalMovies: number;
  avgRoi: number;
  medianRoi: number;
  minRoi: number;
  maxRoi: number;
  portfolioRoi: number;
  totalBudget: number;
  totalRevenue: number;
  totalProfit: number;
  avgPopularity: number;
  avgVoteAverage: number;
  avgVoteCount: number;
  pctProfitable: number;
  roiRank: number;
  portfolioRoiRank: number;
  medianRoiRank: number;
}

/**
 * Reads every `*.ndjson` file under `directory` (laid out like the bucket: `raw/movies/DAY/FILE`) as
 * the rows the pipe would load. The fixture files end in `.ndjson` so formatters leave them alone;
 * their object keys end in `.json` like the extractor's. Each file counts as loaded five minutes
 * after the run time in its key.
 */
export function readRawFixture(directory: string): RawRow[] {
  const rows: RawRow[] = [];
  for (const path of listFiles(directory).filter((file) => file.endsWith(".ndjson"))) {
    const key = relative(directory, path)
      .split(sep)
      .join("/")
      .replace(/\.ndjson$/, ".json");
    const loadedAt = loadTimeOf(key);
    const lines = readFileSync(path, "utf8").split("\n");
    lines.forEach((line, index) => {
      if (line.trim() === "") return;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (error) {
        throw new Error(`${path}:${index + 1}: not JSON (${String(error)})`);
      }
      // Records without a usable id stay in: the models must leave them out and count them.
      if (typeof record !== "object" || record === null || Array.isArray(record)) {
        throw new Error(`${path}:${index + 1}: not a JSON object`);
      }
      rows.push({
        recordText: line,
        record: record as Record<string, unknown>,
        sourceFile: key,
        fileRowNumber: index + 1,
        loadedAt,
      });
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
  if (!match)
    throw new Error(`raw fixture key ${key} does not look like raw/movies/YYYY-MM-DD/movies_HH-MM-SS.json`);
  const [, day, hours, minutes, seconds] = match;
  const runStart = Date.parse(`${day}T${hours}:${minutes}:${seconds}Z`);
  return new Date(runStart + 5 * 60_000).toISOString();
}

/** The data types `json_field` reads, and the shape each value's text must have. */
export type JsonFieldType = "integer" | "float" | "date" | "timestamp";
const SHAPES: Record<JsonFieldType, RegExp> = {
  integer: /^-?[0-9]{1,18}$/,
  float: /^-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]{1,2})?$/,
  date: /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/,
  timestamp: /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})$/,
};

/** A record's value as the models read it as text: strings as they are, other values as JSON. */
function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** True when `text` is a real calendar date/time of the expected shape. */
function readable(text: string, type: JsonFieldType): boolean {
  if (!SHAPES[type].test(text)) return false;
  if (type === "date") return new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
  if (type === "timestamp") return !Number.isNaN(Date.parse(text));
  return true;
}

/**
 * How many raw rows the source test `json_field_castable` must count for `key`: the value is
 * present but cannot be read as `type` (or, when `required`, is missing or null too). For dates and
 * timestamps an empty string means unknown and is not counted.
 */
export function unreadableCount(
  rows: readonly RawRow[],
  key: string,
  type: JsonFieldType,
  required: boolean,
): number {
  return rows.filter((row) => {
    const text = textOf(row.record[key]);
    if (text === null) return required;
    if (text === "" && (type === "date" || type === "timestamp")) return false;
    return !readable(text, type);
  }).length;
}

/** A numeric value as the models read it: NULL when missing or unreadable. */
function numberOf(row: RawRow, key: string, type: "integer" | "float"): number | null {
  const text = textOf(row.record[key]);
  return text !== null && readable(text, type) ? Number(text) : null;
}

/** The movie id a record has for the models, or null when it has none they can read. */
function movieIdOf(row: RawRow): number | null {
  return numberOf(row, "id", "integer");
}

/**
 * `stg__movies`: the latest record per movie (records without a readable id are left out), 0 ->
 * unknown, ROI only for plausible figures.
 */
export function expectedStaging(rows: readonly RawRow[], minPlausibleUsd: number): StagedMovie[] {
  const latest = new Map<number, RawRow>();
  for (const row of rows) {
    const id = movieIdOf(row);
    if (id === null) continue;
    const current = latest.get(id);
    if (current === undefined || isLater(row, current)) latest.set(id, row);
  }
  const movies: StagedMovie[] = [];
  for (const [movieId, row] of latest) {
    const budget = numberOf(row, "budget", "integer") || null;
    const revenue = numberOf(row, "revenue", "integer") || null;
    if (budget === null && revenue === null) continue;
    let roiNullReason: string | null = null;
    if (budget === null) roiNullReason = "budget_unknown";
    else if (revenue === null) roiNullReason = "revenue_unknown";
    else if (budget < minPlausibleUsd && revenue < minPlausibleUsd)
      roiNullReason = "budget_and_revenue_implausible";
    else if (budget < minPlausibleUsd) roiNullReason = "budget_implausible";
    else if (revenue < minPlausibleUsd) roiNullReason = "revenue_implausible";
    const known = roiNullReason === null && budget !== null && revenue !== null;
    const releaseText = textOf(row.record.release_date);
    const releaseDate = releaseText !== null && readable(releaseText, "date") ? releaseText : null;
    const genres = Array.isArray(row.record.genres) ? (row.record.genres as { name: string }[]) : [];
    movies.push({
      movieId,
      title: typeof row.record.title === "string" ? row.record.title : null,
      releaseDate,
      budget,
      revenue,
      profit: known ? revenue - budget : null,
      roi: known ? (revenue - budget) / budget : null,
      roiNullReason,
      popularity: numberOf(row, "popularity", "float"),
      voteAverage: numberOf(row, "vote_average", "float"),
      voteCount: numberOf(row, "vote_count", "integer"),
      genreNames: genres.map((genre) => genre.name),
      sourceFile: row.sourceFile,
      fileRowNumber: row.fileRowNumber,
    });
  }
  return movies.sort((a, b) => a.movieId - b.movieId);
}

/** True when `a` wins over `b`: later `_extracted_at`, then later load, later file key, later row. */
function isLater(a: RawRow, b: RawRow): boolean {
  const keys = (row: RawRow): [number, number, string, number] => [
    Date.parse(String(row.record._extracted_at)),
    Date.parse(row.loadedAt),
    row.sourceFile,
    row.fileRowNumber,
  ];
  const [ka, kb] = [keys(a), keys(b)];
  for (let i = 0; i < ka.length; i += 1) {
    if (ka[i] !== kb[i]) return (ka[i] as number | string) > (kb[i] as number | string);
  }
  return false;
}

/** `mart__genre_roi`: per genre, over the movies that have an ROI, with ranks (ties share a rank). */
export function expectedGenreRoi(staging: readonly StagedMovie[], minMoviesPerGenre: number): GenreRoi[] {
  const byGenre = new Map<string, StagedMovie[]>();
  for (const movie of staging) {
    if (movie.roi === null) continue;
    // a genre repeated in one movie's list counts once
    for (const genre of new Set(movie.genreNames)) byGenre.set(genre, [...(byGenre.get(genre) ?? []), movie]);
  }
  const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
  const genres: Omit<GenreRoi, "roiRank" | "portfolioRoiRank" | "medianRoiRank">[] = [];
  for (const [genreName, movies] of byGenre) {
    if (movies.length < minMoviesPerGenre) continue;
    const rois = movies.map((m) => m.roi as number).sort((a, b) => a - b);
    const middle = Math.floor(rois.length / 2);
    const medianRoi =
      rois.length % 2 === 1
        ? (rois[middle] as number)
        : ((rois[middle - 1] as number) + (rois[middle] as number)) / 2;
    const totalBudget = movies.reduce((sum, m) => sum + (m.budget as number), 0);
    const totalRevenue = movies.reduce((sum, m) => sum + (m.revenue as number), 0);
    genres.push({
      genreName,
      totalMovies: movies.length,
      avgRoi: mean(rois),
      medianRoi,
      minRoi: rois[0] as number,
      maxRoi: rois[rois.length - 1] as number,
      portfolioRoi: (totalRevenue - totalBudget) / totalBudget,
      totalBudget,
      totalRevenue,
      totalProfit: totalRevenue - totalBudget,
      avgPopularity: mean(movies.map((m) => Number(m.popularity))),
      avgVoteAverage: mean(movies.map((m) => Number(m.voteAverage))),
      avgVoteCount: mean(movies.map((m) => Number(m.voteCount))),
      pctProfitable:
        movies.filter((m) => (m.revenue as number) > (m.budget as number)).length / movies.length,
    });
  }
  const rank = (value: number, all: number[]): number => 1 + all.filter((other) => other > value).length;
  return genres
    .map((genre) => ({
      ...genre,
      roiRank: rank(
        genre.avgRoi,
        genres.map((g) => g.avgRoi),
      ),
      portfolioRoiRank: rank(
        genre.portfolioRoi,
        genres.map((g) => g.portfolioRoi),
      ),
      medianRoiRank: rank(
        genre.medianRoi,
        genres.map((g) => g.medianRoi),
      ),
    }))
    .sort((a, b) => a.genreName.localeCompare(b.genreName));
}
