/**
 * The data a TMDB-compatible server serves: what `GET /movie/popular?page=N` lists, what
 * `GET /movie/{id}` returns, what `GET /discover/movie` finds (every movie of `details`) and what
 * `GET /movie/changes` lists. Shared by the local stack's demo catalog, the tests and the benchmarks.
 */
export interface TmdbCatalog {
  /**
   * `results` of each popular page, page 1 first (TMDB lists 20 a page). An id may appear on two
   * pages, as it does when the live list shifts while a client pages through it.
   */
  popularPages: Record<string, unknown>[][];
  /** Movie details objects keyed by movie id, exactly as `GET /movie/{id}` returns them. */
  details: Map<number, Record<string, unknown>>;
  /** `total_results` to report; defaults to the number of distinct listed ids. */
  totalResults?: number;
  /** Whether this catalog is synthetic demo data (every output of the local stack then says so). */
  synthetic: boolean;
  /**
   * The change log `GET /movie/changes` lists from, in any order: one entry per change, so a movie
   * changed twice has two entries (the endpoint lists it once). An id without details is a movie
   * removed since its change. `details` holds each movie's latest version.
   * @default [] (no changes)
   */
  changes?: TmdbChange[];
}

/** One change of a movie in {@link TmdbCatalog.changes}. */
export interface TmdbChange {
  /** The movie's id. */
  id: number;
  /** The day of the change, `YYYY-MM-DD` (UTC). */
  date: string;
}
