/**
 * What `mart__genre_roi` must contain for the raw records a local-stack run loaded, computed without
 * SQL by the dbt suite's restatement of the models' rules (`test/dbt/expectations.ts`): the latest
 * record of each movie wins (by `_extracted_at`, then load time, then object key, then line: later
 * wins), 0 means unknown, an ROI only for plausible figures, a movie counts in each of its genres, a
 * genre needs `min_movies_per_genre` movies with an ROI, ranks are SQL `rank()` on exact values.
 *
 * Figures are exact here; the mart rounds its ROI-like columns to {@link MART_DIGITS} places, so a
 * comparison rounds the exact figure the way SQL `round` does ({@link roundLikeSql}) and then wants
 * equality: rounding anywhere before the last step would show.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { expectedGenreRoi, expectedStaging, type GenreRoi, type RawRow } from "../dbt/expectations";

/** A raw record as loaded: the JSON object and the columns the loader adds. */
export interface RawRecord {
  record: Record<string, unknown>;
  sourceFile: string;
  fileRowNumber: number;
  /** `loaded_at` of the record's file, ISO-8601. */
  loadedAt: string;
}

/** One expected mart row: the mart's columns, with exact (unrounded) figures. */
export interface ExpectedGenre {
  genre_name: string;
  total_movies: number;
  avg_roi: number;
  median_roi: number;
  min_roi: number;
  max_roi: number;
  portfolio_roi: number;
  total_budget: number;
  total_revenue: number;
  total_profit: number;
  avg_popularity: number;
  avg_vote_average: number;
  avg_vote_count: number;
  pct_profitable: number;
  roi_rank: number;
  portfolio_roi_rank: number;
  median_roi_rank: number;
}

/** Decimal places of the mart's rounded columns (`round(x, 4)` in mart__genre_roi.sql). */
export const MART_DIGITS = 4;

/** The mart's columns that are rounded to {@link MART_DIGITS} places; every other one is exact. */
export const ROUNDED_COLUMNS: ReadonlySet<string> = new Set([
  "avg_roi",
  "median_roi",
  "min_roi",
  "max_roi",
  "portfolio_roi",
  "avg_popularity",
  "avg_vote_average",
  "avg_vote_count",
  "pct_profitable",
]);

/** SQL `round(value, digits)` on a double: half away from zero. */
export function roundLikeSql(value: number, digits = MART_DIGITS): number {
  const scale = 10 ** digits;
  return (Math.sign(value) * Math.round(Math.abs(value) * scale)) / scale;
}

/** The dbt project's variables, read from dbt_project.yml (the single source of the rule parameters). */
export function dbtVars(): { minMoviesPerGenre: number; minPlausibleUsd: number } {
  const project = parseYaml(
    readFileSync(new URL("../../dbt_project/dbt_project.yml", import.meta.url), "utf8"),
  ) as {
    vars: Record<string, unknown>;
  };
  const minMoviesPerGenre = Number(project.vars["min_movies_per_genre"]);
  const minPlausibleUsd = Number(project.vars["min_plausible_usd"]);
  if (!Number.isFinite(minMoviesPerGenre) || !Number.isFinite(minPlausibleUsd)) {
    throw new Error("dbt_project.yml lacks vars min_movies_per_genre / min_plausible_usd");
  }
  return { minMoviesPerGenre, minPlausibleUsd };
}

function toMartRow(genre: GenreRoi): ExpectedGenre {
  return {
    genre_name: genre.genreName,
    total_movies: genre.totalMovies,
    avg_roi: genre.avgRoi,
    median_roi: genre.medianRoi,
    min_roi: genre.minRoi,
    max_roi: genre.maxRoi,
    portfolio_roi: genre.portfolioRoi,
    total_budget: genre.totalBudget,
    total_revenue: genre.totalRevenue,
    total_profit: genre.totalProfit,
    avg_popularity: genre.avgPopularity,
    avg_vote_average: genre.avgVoteAverage,
    avg_vote_count: genre.avgVoteCount,
    pct_profitable: genre.pctProfitable,
    roi_rank: genre.roiRank,
    portfolio_roi_rank: genre.portfolioRoiRank,
    median_roi_rank: genre.medianRoiRank,
  };
}

/** The expected mart rows for raw records as loaded (duplicates included), best portfolio ROI first. */
export function expectedMartFromRaw(
  records: readonly RawRecord[],
  vars: { minMoviesPerGenre: number; minPlausibleUsd: number },
): ExpectedGenre[] {
  const rows: RawRow[] = records.map((raw) => ({
    recordText: JSON.stringify(raw.record),
    record: raw.record,
    sourceFile: raw.sourceFile,
    fileRowNumber: raw.fileRowNumber,
    loadedAt: raw.loadedAt,
  }));
  return expectedGenreRoi(expectedStaging(rows, vars.minPlausibleUsd), vars.minMoviesPerGenre)
    .map(toMartRow)
    .sort(
      (a, b) =>
        a.portfolio_roi_rank - b.portfolio_roi_rank ||
        (a.genre_name < b.genre_name ? -1 : a.genre_name > b.genre_name ? 1 : 0),
    );
}

/** The expected mart rows for movies landed once each (one record per movie). */
export function expectedMart(
  movies: Iterable<Record<string, unknown>>,
  vars: { minMoviesPerGenre: number; minPlausibleUsd: number },
): ExpectedGenre[] {
  const records = [...movies].map((record, index) => ({
    record,
    sourceFile: "raw/movies/2026-01-01/movies_06-00-00.json",
    fileRowNumber: index + 1,
    loadedAt: "2026-01-01T06:05:00.000Z",
  }));
  return expectedMartFromRaw(records, vars);
}

/** Genres that have at least one movie with an ROI but fewer than the threshold. */
export function genresBelowThreshold(
  movies: Iterable<Record<string, unknown>>,
  vars: { minMoviesPerGenre: number; minPlausibleUsd: number },
): string[] {
  const all = expectedMart(movies, { ...vars, minMoviesPerGenre: 1 });
  return all.filter((g) => g.total_movies < vars.minMoviesPerGenre).map((g) => g.genre_name);
}
