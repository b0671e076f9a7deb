import { TMDB_RESULTS_PER_PAGE } from "../../contract/pipeline";
import { popularListItem } from "../demoCatalog";
import type { TmdbCatalog } from "../tmdbCatalog";
import {
  type Answer,
  dayNumber,
  INVALID_DATE,
  INVALID_PAGE,
  INVALID_PARAMETERS,
  listPage,
  parsePage,
} from "./params";

/**
 * `GET /3/discover/movie` over every movie of a catalog's `details`, with the filters and sorts a
 * backfill uses:
 *
 * - `primary_release_year` (the year of `release_date`), `primary_release_date.gte` / `.lte`
 *   (inclusive, `YYYY-MM-DD`); a movie with an empty `release_date` matches neither;
 * - `include_adult` (only `true` includes movies with `adult: true`; TMDB's default is false);
 * - `sort_by` {@link DISCOVER_SORTS} (TMDB's default `popularity.desc`), ties broken by ascending id so
 *   that paging is deterministic;
 * - `page` 1..500, 20 results a page as list items (no `revenue`, like TMDB's); `total_pages` and
 *   `total_results` count every match, so `total_pages` may exceed 500.
 *
 * Refusals (TMDB's list of errors, https://developer.themoviedb.org/docs/errors): a page outside
 * 1..500 gets 400 `status_code` 22; a date not as `YYYY-MM-DD` 400 `status_code` 23; a `sort_by`
 * this server does not implement (TMDB also sorts by title, date and votes) or a
 * `primary_release_year` that is not an integer 422 `status_code` 5 ("Invalid parameters").
 *
 * The catalog is indexed once by release year; each distinct query's sorted matches are cached, so
 * paging through a year costs a slice per request.
 */

/** The `sort_by` values this server implements. */
export const DISCOVER_SORTS = ["popularity.desc", "popularity.asc", "revenue.desc", "revenue.asc"] as const;

/** A valid discover request. */
export interface DiscoverQuery {
  page: number;
  /** `primary_release_year`. */
  year: number | undefined;
  /** `primary_release_date.gte`, `YYYY-MM-DD`. */
  from: string | undefined;
  /** `primary_release_date.lte`, `YYYY-MM-DD`. */
  to: string | undefined;
  includeAdult: boolean;
  sort: (typeof DISCOVER_SORTS)[number];
}

/** A discover request's route: the year and page faults match on, and the query or its refusal. */
export interface DiscoverRoute {
  endpoint: "discover";
  year: number | undefined;
  page: number | undefined;
  request: DiscoverQuery | Answer;
}

/** Reads a discover request's parameters. */
export function parseDiscover(params: URLSearchParams): DiscoverRoute {
  const page = parsePage(params.get("page"));
  const rawYear = params.get("primary_release_year");
  const year = rawYear !== null && /^\d{1,4}$/.test(rawYear) ? Number(rawYear) : undefined;
  const from = params.get("primary_release_date.gte") ?? undefined;
  const to = params.get("primary_release_date.lte") ?? undefined;
  const sort = params.get("sort_by") ?? "popularity.desc";
  const badDate = [from, to].some((date) => date !== undefined && dayNumber(date) === undefined);
  const request: DiscoverQuery | Answer =
    page === undefined
      ? INVALID_PAGE
      : badDate
        ? INVALID_DATE
        : !isSort(sort) || (rawYear !== null && year === undefined)
          ? INVALID_PARAMETERS
          : { page, year, from, to, includeAdult: params.get("include_adult") === "true", sort };
  return { endpoint: "discover", year: year ?? yearOfRange(from, to), page, request };
}

/** The year of a date range within one year (a year split by dates), for faults to match on. */
function yearOfRange(from: string | undefined, to: string | undefined): number | undefined {
  const year = from?.slice(0, 4);
  return year !== undefined && /^\d{4}$/.test(year) && to?.slice(0, 4) === year ? Number(year) : undefined;
}

function isSort(value: string): value is DiscoverQuery["sort"] {
  return (DISCOVER_SORTS as readonly string[]).includes(value);
}

/** Answers a discover route from the catalog. */
export function discoverAnswer(catalog: TmdbCatalog, route: DiscoverRoute): Answer {
  const query = route.request;
  if ("status" in query) return query;
  const matches = indexOf(catalog).matching(query);
  const first = (query.page - 1) * TMDB_RESULTS_PER_PAGE;
  const results = matches
    .slice(first, first + TMDB_RESULTS_PER_PAGE)
    .map((entry) => catalog.details.get(entry.id))
    .filter((details) => details !== undefined)
    .map(popularListItem);
  return listPage(query.page, results, matches.length, TMDB_RESULTS_PER_PAGE);
}

/** What discover needs of a movie. */
interface Entry {
  id: number;
  /** `YYYY-MM-DD`, or "" when unknown. */
  date: string;
  adult: boolean;
  revenue: number;
  popularity: number;
}

/** Sorted matches kept per distinct query (paging a year asks the same query up to 500 times). */
const CACHED_QUERIES = 64;

/** A catalog's movies by release year, with the sorted matches of recent queries. */
class DiscoverIndex {
  readonly #byYear = new Map<number, Entry[]>();
  readonly #all: Entry[] = [];
  readonly #cache = new Map<string, Entry[]>();

  constructor(details: TmdbCatalog["details"]) {
    for (const [id, movie] of details) {
      const released = movie["release_date"];
      const date = typeof released === "string" && dayNumber(released) !== undefined ? released : "";
      const number = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
      const entry = {
        id,
        date,
        adult: movie["adult"] === true,
        revenue: number(movie["revenue"]),
        popularity: number(movie["popularity"]),
      };
      this.#all.push(entry);
      if (date === "") continue;
      const year = Number(date.slice(0, 4));
      const entries = this.#byYear.get(year) ?? [];
      if (entries.length === 0) this.#byYear.set(year, entries);
      entries.push(entry);
    }
  }

  /** Every movie matching `query`'s filters, in its order. */
  matching(query: DiscoverQuery): Entry[] {
    const key = JSON.stringify([query.year, query.from, query.to, query.includeAdult, query.sort]);
    const cached = this.#cache.get(key);
    if (cached) {
      this.#cache.delete(key); // most recently used last
      this.#cache.set(key, cached);
      return cached;
    }
    const { from, to } = query;
    const dated = from !== undefined || to !== undefined;
    const candidates = query.year !== undefined ? (this.#byYear.get(query.year) ?? []) : this.#all;
    const matches = candidates.filter(
      (entry) =>
        (query.includeAdult || !entry.adult) &&
        (!dated || entry.date !== "") &&
        (from === undefined || entry.date >= from) &&
        (to === undefined || entry.date <= to),
    );
    matches.sort(comparator(query.sort));
    this.#cache.set(key, matches);
    if (this.#cache.size > CACHED_QUERIES) this.#cache.delete(this.#cache.keys().next().value as string);
    return matches;
  }
}

function comparator(sort: DiscoverQuery["sort"]): (a: Entry, b: Entry) => number {
  const field = sort.startsWith("revenue") ? "revenue" : "popularity";
  const direction = sort.endsWith(".desc") ? -1 : 1;
  return (a, b) => direction * (a[field] - b[field]) || a.id - b.id;
}

const indexes = new WeakMap<TmdbCatalog["details"], { size: number; index: DiscoverIndex }>();

/**
 * The catalog's index, built on first use. Rebuilt when the number of movies changes; a movie
 * replaced in place (same id) keeps its indexed date, revenue and popularity.
 */
function indexOf(catalog: TmdbCatalog): DiscoverIndex {
  const known = indexes.get(catalog.details);
  if (known && known.size === catalog.details.size) return known.index;
  const index = new DiscoverIndex(catalog.details);
  indexes.set(catalog.details, { size: catalog.details.size, index });
  return index;
}
