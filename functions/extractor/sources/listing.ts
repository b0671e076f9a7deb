import type * as z from "zod";
import { TMDB_MAX_PAGE } from "../../../contract/pipeline";
import { describeError, PageListingError, TmdbAuthError } from "../errors";
import type { MovieCollector, RejectedRecord } from "../movies";
import { describeIssues, PopularPageSchema } from "../schemas";
import type { TmdbClient } from "../tmdbClient";
import { daysIn, halves, type DayRange } from "./dates";

/**
 * Paging a TMDB list endpoint that serves at most 500 pages per query: a date range whose results
 * would pass that is cut in halves until each part fits (a single day that still does not fit is
 * paged to its 500th page, and the rest counted as unreachable).
 */

/** One page of a list: its entries and the list's size. */
export interface ListPage {
  page: number;
  results: unknown[];
  totalPages: number;
  totalResults: number;
}

/**
 * Fetches page `page` of the list at `path` (e.g. `discover/movie`) for `query`, checked against TMDB's list shape.
 * @param list how errors name the list
 */
export async function listPage(
  tmdb: TmdbClient,
  path: string,
  query: Record<string, string | number>,
  page: number,
  signal: AbortSignal,
  list = `${path} ${JSON.stringify(query)}`,
): Promise<ListPage> {
  let body: unknown;
  try {
    body = await tmdb.getJson(path, { ...query, page });
  } catch (error) {
    if (error instanceof TmdbAuthError || signal.aborted) throw error;
    throw new PageListingError(list, page, describeError(error), {
      cause: error,
    });
  }
  const parsed = PopularPageSchema.safeParse(body);
  if (!parsed.success)
    throw new PageListingError(list, page, `unexpected response: ${describeIssues(parsed.error)}`);
  if (parsed.data.page !== page)
    throw new PageListingError(list, page, `TMDB answered page ${parsed.data.page}`);
  return {
    page,
    results: parsed.data.results,
    totalPages: parsed.data.total_pages,
    totalResults: parsed.data.total_results,
  };
}

/** A list entry that passed its schema, with its index on the page. */
export interface ListEntry<T> {
  entry: T;
  index: number;
}

/**
 * The entries of list page `page` that match `schema`; every other entry is quarantined by `movies`
 * as coming from `source`, with its index, the reason and its id when it has one.
 */
export function validEntries<T>(
  movies: MovieCollector,
  page: number,
  results: readonly unknown[],
  schema: z.ZodType<T>,
  source: RejectedRecord["source"],
): ListEntry<T>[] {
  const extractedAt = new Date().toISOString();
  const valid: ListEntry<T>[] = [];
  results.forEach((entry, index) => {
    const parsed = schema.safeParse(entry);
    if (parsed.success) {
      valid.push({ entry: parsed.data, index });
      return;
    }
    movies.reject({
      source,
      id: idOf(entry),
      page,
      reason: `results[${index}]: ${describeIssues(parsed.error)}`,
      record: entry,
      _extracted_at: extractedAt,
    });
  });
  return valid;
}

function idOf(entry: unknown): number | null {
  if (typeof entry !== "object" || entry === null) return null;
  const id = (entry as Record<string, unknown>)["id"];
  return typeof id === "number" ? id : null;
}

/** A query that fits in 500 pages, with its first page already fetched. */
export interface FittingQuery {
  range: DayRange;
  first: ListPage;
  /** Results past page 500 (only when a single day does not fit): they cannot be listed. */
  unreachable: number;
}

/**
 * The date ranges covering `range` whose lists each fit in 500 pages, with their first pages.
 * `firstPageOf` fetches page 1 of a range.
 */
export async function fittingRanges(
  range: DayRange,
  firstPageOf: (range: DayRange) => Promise<ListPage>,
  known?: ListPage,
): Promise<FittingQuery[]> {
  const first = known ?? (await firstPageOf(range));
  if (first.totalPages <= TMDB_MAX_PAGE) return [{ range, first, unreachable: 0 }];
  if (daysIn(range) === 1) {
    const listable = TMDB_MAX_PAGE * first.results.length;
    return [{ range, first, unreachable: Math.max(0, first.totalResults - listable) }];
  }
  const [early, late] = halves(range);
  return [...(await fittingRanges(early, firstPageOf)), ...(await fittingRanges(late, firstPageOf))];
}
