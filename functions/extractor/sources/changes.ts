import * as z from "zod";
import { TMDB_MAX_PAGE } from "../../../contract/pipeline";
import type { MovieCollector } from "../movies";
import type { TmdbClient } from "../tmdbClient";
import type { DayRange } from "./dates";
import { fittingRanges, listPage, validEntries, type ListPage } from "./listing";

/**
 * TMDB's change feed as a list source: `GET /movie/changes?start_date=&end_date=&page=N` for one
 * window of at most 14 days, every page (100 ids a page), each changed id handed to the collector for
 * its details. Adult movies are counted and skipped, as the other lists leave them out.
 */

/** One entry of the change feed. */
const ChangedMovieSchema = z.looseObject({
  id: z.int().positive(),
  adult: z.boolean().nullable().optional(),
});

/** What listing a window did. */
export interface WindowListing {
  pages: number;
  /** Changed ids listed (an id in two windows, or twice in one, counts each time). */
  listed: number;
  /** Adult movies skipped. */
  adult: number;
  /** Changes past page 500 of a single day, which TMDB cannot list. */
  unreachable: number;
}

const CHANGES = "movie/changes";
const queryOf = (range: DayRange) => ({ start_date: range.from, end_date: range.to });

/** Lists every page of a window (split further when it passes 500 pages), handing ids to `movies`. */
export async function listWindow(
  tmdb: TmdbClient,
  movies: MovieCollector,
  window: DayRange,
  offset: number,
  signal: AbortSignal,
): Promise<WindowListing> {
  const parts = await fittingRanges(window, (range) => listPage(tmdb, CHANGES, queryOf(range), 1, signal));
  const listing: WindowListing = { pages: 0, listed: 0, adult: 0, unreachable: 0 };
  for (const part of parts) {
    listing.unreachable += part.unreachable;
    const last = Math.min(part.first.totalPages, TMDB_MAX_PAGE);
    for (let page: ListPage | undefined = part.first; page !== undefined;) {
      collect(movies, page, offset, listing);
      listing.pages += 1;
      page =
        page.page < last
          ? await listPage(tmdb, CHANGES, queryOf(part.range), page.page + 1, signal)
          : undefined;
    }
  }
  return listing;
}

function collect(movies: MovieCollector, page: ListPage, offset: number, listing: WindowListing): void {
  for (const { entry, index } of validEntries(
    movies,
    page.page,
    page.results,
    ChangedMovieSchema,
    "movie-changes-list",
  )) {
    listing.listed += 1;
    if (entry.adult === true) listing.adult += 1;
    else movies.add(entry.id, offset + page.page * 1_000 + index);
  }
}
