import { TMDB_MAX_PAGE } from "../../../contract/pipeline";
import { describeError, PageListingError, TmdbAuthError } from "../errors";
import type { MovieCollector } from "../movies";
import { describeIssues, PopularMovieSchema, PopularPageSchema } from "../schemas";
import type { TmdbClient } from "../tmdbClient";
import type { WorkQueue } from "../workQueue";
import { validEntries } from "./listing";

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
  const listPage = async (page: number): Promise<void> => {
    let body: unknown;
    try {
      body = await tmdb.getJson("movie/popular", { page });
    } catch (error) {
      if (error instanceof TmdbAuthError || options.signal.aborted) throw error;
      throw new PageListingError("popular movies", page, describeError(error), { cause: error });
    }
    const parsed = PopularPageSchema.safeParse(body);
    if (!parsed.success)
      throw new PageListingError(
        "popular movies",
        page,
        `unexpected response: ${describeIssues(parsed.error)}`,
      );
    if (parsed.data.page !== page)
      throw new PageListingError("popular movies", page, `TMDB answered page ${parsed.data.page}`);
    listed += 1;
    if (page === 1) {
      const last = Math.min(options.pages, Math.max(1, parsed.data.total_pages), TMDB_MAX_PAGE);
      for (let next = 2; next <= last; next += 1) queue.push(() => listPage(next), "high");
    }
    const entries = validEntries(movies, page, parsed.data.results, PopularMovieSchema, "movie-popular-list");
    for (const { entry, index } of entries) movies.add(entry.id, (page - 1) * PAGE_ORDER_STRIDE + index);
  };
  queue.push(() => listPage(1), "high");
  return { pagesListed: () => listed };
}
