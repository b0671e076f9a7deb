import { TMDB_MAX_PAGE, TMDB_RESULTS_PER_PAGE } from "../contract/pipeline";
import { makeMovie, SYNTHETIC_MARKER, type GeneratedMovie } from "./demo/movie";
import { Generator } from "./demo/random";
import type { TmdbCatalog } from "./tmdbCatalog";

export {
  buildDemoHistory,
  DEMO_HISTORY_LARGE,
  historyBeforeChanges,
  withHistory,
  type DemoHistory,
  type DemoHistoryOptions,
} from "./demo/history";
export { SYNTHETIC_MARKER } from "./demo/movie";
export { TMDB_MOVIE_GENRES } from "./demo/vocabulary";

/**
 * The built-in demo catalog: synthetic movies shaped exactly like TMDB's `GET /movie/popular` results
 * and `GET /movie/{id}` details, generated deterministically from a seed.
 *
 * Nothing here is real TMDB data. Titles, figures and companies are invented; every list item and
 * details object carries {@link SYNTHETIC_MARKER} so that anything downstream (the raw table, the
 * local stack's outputs) can tell demo data from real data.
 *
 * The figures follow the shape of the real catalogue rather than its values: budgets and
 * revenue multiples are log-normal with a per-genre centre, there are flops, and there is the dirt
 * TMDB really serves — `0` for unknown figures, figures entered in millions (`budget: 7` for
 * $7M), empty `release_date`, `null` where TMDB sends nulls, multi-genre movies, a few movies with
 * no genre at all, and a popular list that shifts while a client pages through it (an id on two
 * consecutive pages).
 */

/** Options of {@link buildDemoCatalog}. */
export interface DemoCatalogOptions {
  /**
   * Seed of the generator; the same seed always yields the same catalog.
   * @default 20260601
   */
  seed?: number;
  /**
   * Number of popular pages (20 results each). The catalog is prefix-stable: the first N pages are the
   * same whatever `pages` is, for a given seed.
   * @default 25
   */
  pages?: number;
  /**
   * "Today" for the catalog, as `YYYY-MM-DD`: movies released after it are upcoming (no revenue yet).
   * Fixed so that the catalog does not change with the calendar.
   * @default "2026-06-01"
   */
  asOf?: string;
}

/** Default number of popular pages of the demo catalog (about 500 movies). */
export const DEMO_CATALOG_DEFAULT_PAGES = 25;

/** The popular-list item TMDB shows for a movie, derived from its details. */
export function popularListItem(details: Record<string, unknown>): Record<string, unknown> {
  const genres = Array.isArray(details["genres"]) ? (details["genres"] as { id: number }[]) : [];
  const item: Record<string, unknown> = {
    adult: details["adult"],
    backdrop_path: details["backdrop_path"],
    genre_ids: genres.map((genre) => genre.id),
    id: details["id"],
    original_language: details["original_language"],
    original_title: details["original_title"],
    overview: details["overview"],
    popularity: details["popularity"],
    poster_path: details["poster_path"],
    release_date: details["release_date"],
    softcore: details["softcore"],
    title: details["title"],
    video: details["video"],
    vote_average: details["vote_average"],
    vote_count: details["vote_count"],
  };
  if (details[SYNTHETIC_MARKER] === true) item[SYNTHETIC_MARKER] = true;
  return item;
}

/**
 * Builds the demo catalog. Deterministic: the same options always give the same catalog.
 *
 * Movies are generated page by page from one random stream, so a catalog with more pages starts
 * with exactly the movies of a catalog with fewer pages. Within the list, movies are ordered by
 * popularity; about one page boundary in four repeats the previous page's last movie at the top of
 * the next page, as the live list does when a movie drops a rank while a client pages through it.
 */
export function buildDemoCatalog(options: DemoCatalogOptions = {}): TmdbCatalog {
  const seed = options.seed ?? 20260601;
  const pages = options.pages ?? DEMO_CATALOG_DEFAULT_PAGES;
  const asOfText = options.asOf ?? "2026-06-01";
  if (!Number.isInteger(pages) || pages < 1 || pages > TMDB_MAX_PAGE) {
    throw new RangeError(`pages must be an integer in 1..${TMDB_MAX_PAGE}, got ${pages}`);
  }
  const asOf = new Date(`${asOfText}T00:00:00Z`);
  if (Number.isNaN(asOf.getTime()) || !/^\d{4}-\d{2}-\d{2}$/.test(asOfText)) {
    throw new RangeError(`asOf must be a date as YYYY-MM-DD, got ${JSON.stringify(asOfText)}`);
  }

  const gen = new Generator(seed);
  const usedIds = new Set<number>();
  const usedTitles = new Set<string>();
  const details = new Map<number, Record<string, unknown>>();
  const popularPages: Record<string, unknown>[][] = [];
  let ceiling = 2_000; // popularity decreases page after page, as in the real list

  for (let page = 1; page <= pages; page += 1) {
    const fresh: GeneratedMovie[] = [];
    const previous = popularPages[page - 2];
    const shifted = previous !== undefined && gen.chance(0.25) ? previous[previous.length - 1] : undefined;
    const wanted = shifted === undefined ? TMDB_RESULTS_PER_PAGE : TMDB_RESULTS_PER_PAGE - 1;
    while (fresh.length < wanted) {
      let id = gen.int(10_000, 1_450_000);
      while (usedIds.has(id)) id = gen.int(10_000, 1_450_000);
      usedIds.add(id);
      fresh.push(makeMovie(gen, id, asOf, usedTitles));
    }
    // Scale popularity into this page's band so the list stays ordered by popularity.
    const floor = ceiling * 0.82;
    const sorted = fresh.sort((a, b) => b.popularity - a.popularity);
    const top = sorted[0]?.popularity ?? 1;
    const bottom = sorted[sorted.length - 1]?.popularity ?? 0;
    for (const movie of sorted) {
      const share = top === bottom ? 1 : (movie.popularity - bottom) / (top - bottom);
      const popularity = Math.round((floor + share * (ceiling - floor)) * 1000) / 1000;
      movie.details["popularity"] = popularity;
      details.set(movie.details["id"] as number, movie.details);
    }
    ceiling = floor;
    const results = sorted.map((movie) => popularListItem(movie.details));
    if (shifted !== undefined) results.unshift(shifted);
    popularPages.push(results);
  }

  return {
    popularPages,
    details,
    synthetic: true,
  };
}
