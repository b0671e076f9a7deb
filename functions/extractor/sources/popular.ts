import { TMDB_MAX_PAGE } from "../../../contract/pipeline";
import type { MovieCollector } from "../movies";
import { PopularMovieSchema } from "../schemas";
import type { TmdbClient } from "../tmdbClient";
import type { WorkQueue } from "../workQueue";
import { listPage, validEntries } from "./listing";

/** Spacing of listing positions between pages (TMDB lists 20 a page): position = (page - 1) * stride + index. */
const PAGE_ORDER_STRIDE = 10_000;

/**
 * The popular list as a list source: `GET /movie/popular` pages 1..`pages` (capped at TMDB's
 * `total_pages` and its 500-page limit), each entry validated and its id handed to the collector.
 * A page that cannot be listed fails the run rather than land a partial list.
 */
export function listPopular(
  tmdb: TmdbClient,
  queue: WorkQueue,
  movies: MovieCollector,
  options: { pages: number; signal: AbortSignal },
): { pagesListed: () => number } {
  let listed = 0;
  const listNext = async (page: number): Promise<void> => {
    const list = await listPage(tmdb, "movie/popular", {}, page, options.signal, "popular movies");
    listed += 1;
    if (page === 1) {
      const last = Math.min(options.pages, Math.max(1, list.totalPages), TMDB_MAX_PAGE);
      for (let next = 2; next <= last; next += 1) queue.push(() => listNext(next), "high");
    }
    const entries = validEntries(movies, page, list.results, PopularMovieSchema, "movie-popular-list");
    for (const { entry, index } of entries) movies.add(entry.id, (page - 1) * PAGE_ORDER_STRIDE + index);
  };
  queue.push(() => listNext(1), "high");
  return { pagesListed: () => listed };
}
