/**
 * The data a TMDB-compatible server serves: what `GET /movie/popular?page=N` lists, and what
 * `GET /movie/{id}` returns. Shared by the local stack's demo catalog, the tests and the benchmarks.
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
}
