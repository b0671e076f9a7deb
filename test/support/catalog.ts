/**
 * Builders for {@link TmdbCatalog}s shaped exactly like TMDB's responses: details objects derive from
 * a recorded real response, list entries from a recorded popular page.
 */
import type { TmdbCatalog, TmdbChange } from "../../servers/tmdbCatalog";
import { readExample } from "./tmdbFixtures";

const DETAILS_TEMPLATE = readExample("tmdblib_recorded_movie_47964_details.json");
const POPULAR_TEMPLATE = (
  readExample("tmdblib_recorded_movie_popular_page1_trimmed.json")["results"] as Record<string, unknown>[]
)[0] as Record<string, unknown>;

const GENRES = [
  { id: 28, name: "Action" },
  { id: 12, name: "Adventure" },
  { id: 16, name: "Animation" },
  { id: 35, name: "Comedy" },
  { id: 18, name: "Drama" },
  { id: 27, name: "Horror" },
  { id: 878, name: "Science Fiction" },
  { id: 53, name: "Thriller" },
];

/** A movie details object like TMDB's, for `id`, with `overrides` applied last (unknown fields allowed). */
export function movieDetails(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const genreA = GENRES[id % GENRES.length] as (typeof GENRES)[number];
  const genreB = GENRES[(id * 7 + 3) % GENRES.length] as (typeof GENRES)[number];
  return {
    ...structuredClone(DETAILS_TEMPLATE),
    id,
    imdb_id: `tt${String(1_000_000 + id).padStart(7, "0")}`,
    title: `Movie ${id}`,
    original_title: `Movie ${id}`,
    budget: 1_000_000 * ((id % 90) + 10),
    revenue: 1_500_000 * ((id % 70) + 5),
    genres: genreA.id === genreB.id ? [genreA] : [genreA, genreB],
    release_date: `${2000 + (id % 25)}-${String((id % 12) + 1).padStart(2, "0")}-15`,
    popularity: 10 + (id % 50),
    vote_average: Math.round(((id % 90) / 10) * 10) / 10,
    vote_count: id % 5000,
    ...overrides,
  };
}

/** The `GET /movie/popular` entry for a details object. */
export function popularEntry(details: Record<string, unknown>): Record<string, unknown> {
  const genres = (details["genres"] as { id: number }[] | undefined) ?? [];
  return {
    ...structuredClone(POPULAR_TEMPLATE),
    id: details["id"],
    title: details["title"],
    original_title: details["original_title"],
    genre_ids: genres.map((g) => g.id),
    release_date: details["release_date"],
    popularity: details["popularity"],
    vote_average: details["vote_average"],
    vote_count: details["vote_count"],
  };
}

/** Options of {@link buildCatalog}. */
export interface BuildCatalogOptions {
  /**
   * Entries per popular page.
   * @default 20
   */
  pageSize?: number;
  /**
   * Explicit page layout by movie id (ids may repeat across pages or be absent from `details`);
   * overrides the layout derived from `details` and `pageSize`.
   */
  pages?: number[][];
  /** Extra raw entries appended to given pages (1-based), e.g. invalid list entries. */
  extraEntries?: Record<number, Record<string, unknown>[]>;
  /**
   * The change log `GET /movie/changes` lists from (ids may be absent from `details`: removed movies).
   * @default undefined (no changes)
   */
  changes?: TmdbChange[];
}

/** A catalog serving `details`, listed in order `pageSize` a page unless `options.pages` says otherwise. */
export function buildCatalog(
  details: Record<string, unknown>[],
  options: BuildCatalogOptions = {},
): TmdbCatalog {
  const byId = new Map(details.map((d) => [d["id"] as number, d]));
  const pageSize = options.pageSize ?? 20;
  const layout =
    options.pages ??
    Array.from({ length: Math.ceil(details.length / pageSize) }, (_, i) =>
      details.slice(i * pageSize, (i + 1) * pageSize).map((d) => d["id"] as number),
    );
  const popularPages = layout.map((ids, index) => [
    ...ids.map((id) => popularEntry(byId.get(id) ?? movieDetails(id))),
    ...(options.extraEntries?.[index + 1] ?? []),
  ]);
  return {
    popularPages,
    details: byId,
    synthetic: true,
    ...(options.changes === undefined ? {} : { changes: options.changes }),
  };
}

/** `count` movies with ids `firstId`, `firstId + 1`, ..., all with financial data. */
export function movieRange(count: number, firstId = 1000): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => movieDetails(firstId + i));
}
