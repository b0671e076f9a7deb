/**
 * An independent computation of `mart__genre_roi` from raw records, in plain TypeScript, following the
 * documented rules of the dbt project (not its SQL): the latest record of each movie wins, 0 means
 * unknown, ROI only when both figures reach the plausibility threshold, a movie counts in each of its
 * genres, a genre needs `min_movies_per_genre` movies with an ROI, ranks are SQL `rank()` (ties share a
 * rank, then a gap), ROI-like outputs are rounded to 4 places.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";

/** A raw record with where it was loaded from (for the latest-record tie-breaks). */
export interface RawRecord {
  record: Record<string, unknown>;
  sourceFile: string;
  fileRowNumber: number;
}

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

const round4 = (value: number): number => Math.round(value * 1e4) / 1e4;

function median(sorted: number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function ranks(values: number[]): number[] {
  return values.map((value) => 1 + values.filter((other) => other > value).length);
}

/** The latest record per movie id: by `_extracted_at`, then source file (later first), then row. */
export function latestPerMovie(records: RawRecord[]): Map<number, Record<string, unknown>> {
  const best = new Map<number, RawRecord>();
  for (const candidate of records) {
    const id = candidate.record["id"];
    if (typeof id !== "number") continue;
    const current = best.get(id);
    if (current === undefined) {
      best.set(id, candidate);
      continue;
    }
    const a = String(candidate.record["_extracted_at"]);
    const b = String(current.record["_extracted_at"]);
    const newer =
      a !== b
        ? Date.parse(a) > Date.parse(b)
        : candidate.sourceFile !== current.sourceFile
          ? candidate.sourceFile > current.sourceFile
          : candidate.fileRowNumber < current.fileRowNumber;
    if (newer) best.set(id, candidate);
  }
  return new Map([...best].map(([id, raw]) => [id, raw.record]));
}

/** The expected mart rows, best portfolio ROI first (then genre name). */
export function expectedMart(
  movies: Iterable<Record<string, unknown>>,
  vars: { minMoviesPerGenre: number; minPlausibleUsd: number },
): ExpectedGenre[] {
  interface MovieWithRoi {
    budget: number;
    revenue: number;
    roi: number;
    popularity: number;
    voteAverage: number;
    voteCount: number;
  }
  const byGenre = new Map<string, MovieWithRoi[]>();
  for (const movie of movies) {
    const budget = Number(movie["budget"]);
    const revenue = Number(movie["revenue"]);
    if (budget === 0 || revenue === 0) continue; // unknown figure: no ROI
    if (budget < vars.minPlausibleUsd || revenue < vars.minPlausibleUsd) continue; // implausible: no ROI
    const withRoi: MovieWithRoi = {
      budget,
      revenue,
      roi: (revenue - budget) / budget,
      popularity: Number(movie["popularity"]),
      voteAverage: Number(movie["vote_average"]),
      voteCount: Number(movie["vote_count"]),
    };
    for (const genre of (movie["genres"] as { name: string }[]) ?? []) {
      const list = byGenre.get(genre.name) ?? [];
      list.push(withRoi);
      byGenre.set(genre.name, list);
    }
  }
  const sum = (xs: number[]): number => xs.reduce((total, x) => total + x, 0);
  const genres = [...byGenre]
    .filter(([, list]) => list.length >= vars.minMoviesPerGenre)
    .map(([name, list]) => {
      const rois = list.map((m) => m.roi).sort((a, b) => a - b);
      const totalBudget = sum(list.map((m) => m.budget));
      const totalRevenue = sum(list.map((m) => m.revenue));
      return {
        name,
        count: list.length,
        avgRoi: sum(rois) / rois.length,
        medianRoi: median(rois),
        minRoi: rois[0] as number,
        maxRoi: rois[rois.length - 1] as number,
        portfolioRoi: (totalRevenue - totalBudget) / totalBudget,
        totalBudget,
        totalRevenue,
        avgPopularity: sum(list.map((m) => m.popularity)) / list.length,
        avgVoteAverage: sum(list.map((m) => m.voteAverage)) / list.length,
        avgVoteCount: sum(list.map((m) => m.voteCount)) / list.length,
        pctProfitable: list.filter((m) => m.revenue > m.budget).length / list.length,
      };
    });
  const roiRanks = ranks(genres.map((g) => g.avgRoi));
  const portfolioRanks = ranks(genres.map((g) => g.portfolioRoi));
  const medianRanks = ranks(genres.map((g) => g.medianRoi));
  return genres
    .map((g, i) => ({
      genre_name: g.name,
      total_movies: g.count,
      avg_roi: round4(g.avgRoi),
      median_roi: round4(g.medianRoi),
      min_roi: round4(g.minRoi),
      max_roi: round4(g.maxRoi),
      portfolio_roi: round4(g.portfolioRoi),
      total_budget: g.totalBudget,
      total_revenue: g.totalRevenue,
      total_profit: g.totalRevenue - g.totalBudget,
      avg_popularity: round4(g.avgPopularity),
      avg_vote_average: round4(g.avgVoteAverage),
      avg_vote_count: round4(g.avgVoteCount),
      pct_profitable: round4(g.pctProfitable),
      roi_rank: roiRanks[i] as number,
      portfolio_roi_rank: portfolioRanks[i] as number,
      median_roi_rank: medianRanks[i] as number,
    }))
    .sort((a, b) => a.portfolio_roi_rank - b.portfolio_roi_rank || (a.genre_name < b.genre_name ? -1 : 1));
}

/** Genres that have at least one movie with an ROI but fewer than the threshold. */
export function genresBelowThreshold(
  movies: Iterable<Record<string, unknown>>,
  vars: { minMoviesPerGenre: number; minPlausibleUsd: number },
): string[] {
  const all = expectedMart(movies, { ...vars, minMoviesPerGenre: 1 });
  return all.filter((g) => g.total_movies < vars.minMoviesPerGenre).map((g) => g.genre_name);
}
