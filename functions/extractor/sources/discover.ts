import { TMDB_MAX_PAGE } from "../../../contract/pipeline";
import type { MovieCollector } from "../movies";
import { describeIssues, PopularMovieSchema } from "../schemas";
import type { TmdbClient } from "../tmdbClient";
import type { DayRange } from "./dates";
import { fittingRanges, listPage, type ListPage } from "./listing";

/**
 * One primary release year of TMDB's catalog as a list source for the backfill:
 * `GET /discover/movie?primary_release_year=Y&sort_by=revenue.desc&include_adult=false&page=N`, each
 * listed id handed to the year's collector for its details. Sorted by revenue, the movies with
 * revenue come first, so a year's paging stops after the first page on which no movie has revenue > 0
 * (list entries carry no revenue: the details decide). A year whose list passes TMDB's 500 pages is
 * split into `primary_release_date.gte/lte` ranges that fit.
 */

/** What listing a year did. */
export interface YearListing {
  /** Discover pages fetched. */
  pages: number;
  /** Date ranges the year was listed as (1 unless it was split). */
  ranges: number;
  /** Movies past page 500 of a single day, which TMDB cannot list. */
  unreachable: number;
}

const DISCOVER = "discover/movie";
const BASE_QUERY = { sort_by: "revenue.desc", include_adult: "false" } as const;

/** Spacing of listing positions: range, then page, then the entry's index on its page. */
const RANGE_STRIDE = 1_000_000;
const PAGE_STRIDE = 1_000;

/** Lists a year and waits for the details of every listed movie it needs. */
export async function listYear(
  tmdb: TmdbClient,
  movies: MovieCollector,
  year: number,
  signal: AbortSignal,
): Promise<YearListing> {
  const yearQuery = { ...BASE_QUERY, primary_release_year: year };
  const first = await listPage(tmdb, DISCOVER, yearQuery, 1, signal);
  const whole: DayRange = { from: `${year}-01-01`, to: `${year}-12-31` };
  const rangeQuery = (range: DayRange) => ({
    ...BASE_QUERY,
    "primary_release_date.gte": range.from,
    "primary_release_date.lte": range.to,
  });
  const ranges =
    first.totalPages <= TMDB_MAX_PAGE
      ? [{ query: yearQuery, first, unreachable: 0 }]
      : (await fittingRanges(whole, (range) => listPage(tmdb, DISCOVER, rangeQuery(range), 1, signal))).map(
          (part) => ({ query: rangeQuery(part.range), first: part.first, unreachable: part.unreachable }),
        );
  let pages = ranges.length === 1 ? 0 : 1; // the year's own first page, when it was split
  for (const [index, part] of ranges.entries()) {
    pages += await pageThrough(tmdb, movies, part.query, part.first, index * RANGE_STRIDE, signal);
  }
  return {
    pages,
    ranges: ranges.length,
    unreachable: ranges.reduce((sum, part) => sum + part.unreachable, 0),
  };
}

/** Pages one query from its first page until a page without revenue (or its last page). */
async function pageThrough(
  tmdb: TmdbClient,
  movies: MovieCollector,
  query: Record<string, string | number>,
  first: ListPage,
  offset: number,
  signal: AbortSignal,
): Promise<number> {
  const last = Math.min(first.totalPages, TMDB_MAX_PAGE);
  let current = first;
  for (;;) {
    const ids = collect(movies, current, offset);
    await movies.settled();
    if (!movies.anyRevenue(ids) || current.page >= last) return current.page;
    current = await listPage(tmdb, DISCOVER, query, current.page + 1, signal);
  }
}

/** Hands a page's valid entries to the collector, quarantines the others; returns the page's ids. */
function collect(movies: MovieCollector, page: ListPage, offset: number): number[] {
  const ids: number[] = [];
  const extractedAt = new Date().toISOString();
  page.results.forEach((entry, index) => {
    const movie = PopularMovieSchema.safeParse(entry);
    if (!movie.success) {
      movies.reject({
        source: "movie-discover-list",
        id: null,
        page: page.page,
        reason: `results[${index}]: ${describeIssues(movie.error)}`,
        record: entry,
        _extracted_at: extractedAt,
      });
      return;
    }
    ids.push(movie.data.id);
    movies.add(movie.data.id, offset + page.page * PAGE_STRIDE + index);
  });
  return ids;
}
