import { TMDB_MAX_PAGE } from "../../../contract/pipeline";
import type { MovieCollector } from "../movies";
import { PopularMovieSchema } from "../schemas";
import type { TmdbClient } from "../tmdbClient";
import type { DayRange } from "./dates";
import { fittingRanges, listPage, validEntries, type ListPage } from "./listing";

/**
 * One primary release year of TMDB's catalog as a list source for the backfill:
 * `GET /discover/movie?primary_release_year=Y&sort_by=revenue.desc&include_adult=false&page=N`, each
 * listed id handed to the year's collector for its details. Sorted by revenue, the movies with
 * revenue come first, so a year's paging stops after the first page on which no movie has revenue > 0
 * (list entries carry no revenue: the details decide). Only when a year's movies with revenue run
 * past TMDB's 500th page is the year listed again in `primary_release_date.gte/lte` ranges that each
 * fit (the movies already fetched are not fetched twice).
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

/**
 * Pages requested ahead while a split year is listed again: most of its pages hold movies fetched
 * already, which need no details, so one page at a time would leave the rate limit idle. At most
 * this many pages past a range's last useful page are requested in vain.
 */
const RELIST_PREFETCH = 4;

/** Spacing of listing positions: range, then page, then the entry's index on its page. */
const RANGE_STRIDE = 1_000_000;
const PAGE_STRIDE = 1_000;

/**
 * Lists a year and waits for the details of every listed movie it needs.
 * @param onPage called for each page fetched, as it is requested
 */
export async function listYear(
  tmdb: TmdbClient,
  movies: MovieCollector,
  year: number,
  signal: AbortSignal,
  onPage: () => void = () => undefined,
): Promise<YearListing> {
  let pages = 0;
  const fetch = (query: Record<string, string | number>, page: number) => {
    pages += 1;
    onPage();
    return listPage(tmdb, DISCOVER, query, page, signal);
  };
  const yearQuery = { ...BASE_QUERY, primary_release_year: year };
  const first = await fetch(yearQuery, 1);
  if (!(await pageThrough(movies, (page) => fetch(yearQuery, page), first, 0))) {
    await movies.settled();
    return { pages, ranges: 1, unreachable: 0 };
  }
  const rangeQuery = (range: DayRange) => ({
    ...BASE_QUERY,
    "primary_release_date.gte": range.from,
    "primary_release_date.lte": range.to,
  });
  const whole: DayRange = { from: `${year}-01-01`, to: `${year}-12-31` };
  const parts = await fittingRanges(whole, (range) => fetch(rangeQuery(range), 1), first);
  for (const [index, part] of parts.entries()) {
    const query = rangeQuery(part.range);
    const offset = (index + 1) * RANGE_STRIDE;
    await pageThrough(movies, (page) => fetch(query, page), part.first, offset, RELIST_PREFETCH);
  }
  await movies.settled();
  return { pages, ranges: parts.length, unreachable: parts.reduce((sum, part) => sum + part.unreachable, 0) };
}

/**
 * Pages one query from its first page until a page without revenue, or its last page. The next page
 * is listed as soon as one movie of the current page shows revenue, while the page's other details
 * are still being fetched, so that the rate limit is never left idle between pages; with `prefetch`,
 * that many further pages are already under way.
 * @returns whether the query stopped at page 500 with revenue still on it and more pages behind
 */
async function pageThrough(
  movies: MovieCollector,
  pageOf: (page: number) => Promise<ListPage>,
  first: ListPage,
  offset: number,
  prefetch = 0,
): Promise<boolean> {
  const last = Math.min(first.totalPages, TMDB_MAX_PAGE);
  const ahead: Promise<ListPage>[] = [];
  let requested = first.page;
  const request = () => {
    requested += 1;
    const page = pageOf(requested);
    page.catch(() => undefined); // awaited in turn; a page past the stop is never awaited
    return page;
  };
  for (let current = first; ; current = await (ahead.shift() ?? request())) {
    while (ahead.length < prefetch && requested < last) ahead.push(request());
    const ids = collect(movies, current, offset);
    if (!(await movies.revenueAmong(ids))) return false;
    if (current.page >= last) return first.totalPages > TMDB_MAX_PAGE;
  }
}

/** Hands a page's valid entries to the collector, quarantines the others; returns the page's ids. */
function collect(movies: MovieCollector, page: ListPage, offset: number): number[] {
  const entries = validEntries(movies, page.page, page.results, PopularMovieSchema, "movie-discover-list");
  for (const { entry, index } of entries) movies.add(entry.id, offset + page.page * PAGE_STRIDE + index);
  return entries.map(({ entry }) => entry.id);
}
