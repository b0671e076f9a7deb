import type { TmdbCatalog, TmdbChange } from "../tmdbCatalog";
import { changeFeed } from "./changes";
import { makeMovie } from "./movie";
import { Generator } from "./random";

/**
 * A demo catalog spanning decades, for the backfill (`GET /discover/movie` by release year) and the
 * changes feed (`GET /movie/changes`). Synthetic like the popular demo catalog: every movie comes from
 * the same generator ({@link makeMovie}, given the release year), so it has the same shape and dirt
 * (zeros for unknown figures, figures entered in millions, TV movies without box office, a few empty
 * release dates, `null`s). On top of that:
 *
 * - a share of movies TMDB knows no figures for at all (`obscureShare`: budget and revenue 0), as
 *   most of the real catalogue;
 * - a share of adult movies (`adult: true`), which discover leaves out unless asked;
 * - a change log over the last weeks before `asOf` (see `servers/demo/changes.ts`): the catalog
 *   serves each movie's latest version, and `previousDetails` keeps the version before the change of
 *   each revised or removed movie, so that a client can be shown the catalog before and after.
 */

/** Options of {@link buildDemoHistory}. */
export interface DemoHistoryOptions {
  /**
   * Seed of the generator; the same options always yield the same catalog.
   * @default 20260601
   */
  seed?: number;
  /**
   * First release year.
   * @default 1970
   */
  fromYear?: number;
  /**
   * Last release year (inclusive).
   * @default 2025
   */
  toYear?: number;
  /**
   * Movies released in each year (about 2 % of them end with an empty release date, as TMDB serves).
   * @default 40
   */
  moviesPerYear?: number;
  /**
   * Years with another number of movies than `moviesPerYear`, e.g. `{ 2019: 18_500 }`.
   * @default {}
   */
  moviesInYear?: Record<number, number>;
  /**
   * "Today" for the catalog, as `YYYY-MM-DD`: movies released after it are upcoming, and the change
   * log ends on it.
   * @default "2026-06-01"
   */
  asOf?: string;
  /**
   * Share of movies with neither budget nor revenue (in addition to the generator's own unknowns).
   * @default 0.4
   */
  obscureShare?: number;
  /**
   * Share of adult movies.
   * @default 0.02
   */
  adultShare?: number;
  /**
   * Id of the first movie; ids rise by 1 to 3 from there, so the history's ids stay clear of the popular
   * demo catalog's (10,000 to 1,450,000) and the two can be served together ({@link withHistory}).
   * @default 2_000_000
   */
  firstId?: number;
  /**
   * Share of movies in the change log.
   * @default 0.05
   */
  changedShare?: number;
  /**
   * Days the change log covers, ending on `asOf`.
   * @default 42
   */
  changeDays?: number;
}

/** A demo history: a catalog with its change log, and the versions before the changes. */
export interface DemoHistory extends TmdbCatalog {
  changes: TmdbChange[];
  /** Details of each revised or removed movie as they were before its change (keyed by id). */
  previousDetails: Map<number, Record<string, unknown>>;
}

/**
 * The large preset: 56 years (1970–2025) of which 2019 is deliberately crowded, so that its discover
 * results run past 500 pages even when only the movies with revenue are counted (a backfill must split
 * it by date ranges to reach them all); more than 10,000 movies with revenue over all.
 */
export const DEMO_HISTORY_LARGE: Readonly<DemoHistoryOptions> = {
  fromYear: 1970,
  toYear: 2025,
  moviesPerYear: 40,
  moviesInYear: { 2019: 16_000 },
  obscureShare: 0.2,
};

const TITLES_PER_RUN = 4_000;

/** Builds a demo history. Deterministic: the same options always give the same catalog. */
export function buildDemoHistory(options: DemoHistoryOptions = {}): DemoHistory {
  const settings = validated(options);
  const gen = new Generator(settings.seed);
  const details = new Map<number, Record<string, unknown>>();
  let id = settings.firstId;
  for (let year = settings.fromYear; year <= settings.toYear; year += 1) {
    let titles = new Set<string>();
    const count = settings.moviesInYear[year] ?? settings.moviesPerYear;
    for (let i = 0; i < count; i += 1) {
      // Titles are unique within a year, or within runs of a crowded year (remakes reuse titles);
      // the vocabulary yields about 36,000 titles, which a crowded year would exhaust.
      if (titles.size >= TITLES_PER_RUN) titles = new Set();
      const movie = makeMovie(gen, id, settings.asOf, titles, year).details;
      if (gen.chance(settings.obscureShare)) Object.assign(movie, { budget: 0, revenue: 0 });
      if (gen.chance(settings.adultShare)) movie["adult"] = true;
      details.set(id, movie);
      id += gen.int(1, 3);
    }
  }
  const { changes, previousDetails } = changeFeed(gen, details, settings);
  return { popularPages: [], details, synthetic: true, changes, previousDetails };
}

/**
 * The catalog as it was before the history's changes: revised movies in their previous version,
 * removed movies still there, no change log.
 */
export function historyBeforeChanges(history: DemoHistory): TmdbCatalog {
  const details = new Map(history.details);
  for (const [id, previous] of history.previousDetails) details.set(id, previous);
  return { popularPages: history.popularPages, details, synthetic: history.synthetic };
}

/**
 * A catalog serving `catalog`'s popular list and every movie of both (discover finds them all), with
 * the history's change log. Throws when the two share a movie id.
 */
export function withHistory(catalog: TmdbCatalog, history: TmdbCatalog): TmdbCatalog {
  const details = new Map(catalog.details);
  for (const [id, movie] of history.details) {
    if (details.has(id)) throw new RangeError(`withHistory: movie ${id} is in both catalogs`);
    details.set(id, movie);
  }
  const changes = [...(catalog.changes ?? []), ...(history.changes ?? [])];
  return {
    popularPages: catalog.popularPages,
    details,
    ...(catalog.totalResults === undefined ? {} : { totalResults: catalog.totalResults }),
    synthetic: catalog.synthetic || history.synthetic,
    ...(changes.length === 0 ? {} : { changes }),
  };
}

/** The options with their defaults, checked. */
export interface HistorySettings {
  seed: number;
  fromYear: number;
  toYear: number;
  moviesPerYear: number;
  moviesInYear: Record<number, number>;
  asOf: Date;
  obscureShare: number;
  adultShare: number;
  firstId: number;
  changedShare: number;
  changeDays: number;
}

function validated(options: DemoHistoryOptions): HistorySettings {
  const settings = {
    seed: options.seed ?? 20260601,
    fromYear: options.fromYear ?? 1970,
    toYear: options.toYear ?? 2025,
    moviesPerYear: options.moviesPerYear ?? 40,
    moviesInYear: options.moviesInYear ?? {},
    asOf: new Date(`${options.asOf ?? "2026-06-01"}T00:00:00Z`),
    obscureShare: options.obscureShare ?? 0.4,
    adultShare: options.adultShare ?? 0.02,
    firstId: options.firstId ?? 2_000_000,
    changedShare: options.changedShare ?? 0.05,
    changeDays: options.changeDays ?? 42,
  };
  const count = (value: number) => Number.isInteger(value) && value >= 0;
  const problems = [
    !/^\d{4}-\d{2}-\d{2}$/.test(options.asOf ?? "2026-06-01") || Number.isNaN(settings.asOf.getTime())
      ? `asOf must be a date as YYYY-MM-DD, got ${JSON.stringify(options.asOf)}`
      : undefined,
    Number.isInteger(settings.fromYear) &&
    Number.isInteger(settings.toYear) &&
    settings.fromYear <= settings.toYear
      ? undefined
      : `fromYear and toYear must be integers with fromYear <= toYear, got ${settings.fromYear}..${settings.toYear}`,
    count(settings.moviesPerYear)
      ? undefined
      : `moviesPerYear must be an integer >= 0, got ${settings.moviesPerYear}`,
    ...Object.entries(settings.moviesInYear).map(([year, movies]) =>
      count(movies) ? undefined : `moviesInYear[${year}] must be an integer >= 0, got ${movies}`,
    ),
    ...(["obscureShare", "adultShare", "changedShare"] as const).map((name) =>
      settings[name] >= 0 && settings[name] <= 1
        ? undefined
        : `${name} must be in 0..1, got ${settings[name]}`,
    ),
    Number.isSafeInteger(settings.firstId) && settings.firstId >= 1
      ? undefined
      : `firstId must be a positive integer, got ${settings.firstId}`,
    Number.isInteger(settings.changeDays) && settings.changeDays >= 1
      ? undefined
      : `changeDays must be an integer >= 1, got ${settings.changeDays}`,
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) throw new RangeError(`buildDemoHistory: ${problems.join("; ")}`);
  return settings;
}
