import { TMDB_CHANGES_MAX_DAYS } from "../../contract/pipeline";
import type { TmdbCatalog } from "../tmdbCatalog";
import {
  type Answer,
  dateOfDay,
  dayNumber,
  dayOf,
  INVALID_DATE,
  INVALID_DATE_RANGE,
  INVALID_PAGE,
  parsePage,
} from "./params";

/**
 * `GET /3/movie/changes` over a catalog's `changes`:
 *
 * - `start_date` / `end_date` (`YYYY-MM-DD`, inclusive). TMDB's default is "the last 24 hours": without
 *   `end_date` the window ends today (UTC), without `start_date` it starts the day before its end.
 * - Each movie changed in the window is listed once (at its first change in the window, changes in
 *   date order), as `{ id, adult }`; `adult` is `null` for a movie the catalog has no details for (a
 *   removed movie), as in the official spec's example.
 * - `page` 1..500, {@link CHANGES_RESULTS_PER_PAGE} results a page; `total_pages` and
 *   `total_results` count every listed movie.
 *
 * Refusals (TMDB's list of errors, https://developer.themoviedb.org/docs/errors): a page outside
 * 1..500 gets 400 `status_code` 22; a date not as `YYYY-MM-DD` 400 `status_code` 23; a window whose
 * `end_date` is more than 14 days after its `start_date` 422 `status_code` 20 ("Invalid date range:
 * Should be a range no longer than 14 days."). Neither TMDB's documentation nor its spec says how a
 * window ending before it starts is answered; this server refuses it the same way.
 */

/** Movies TMDB lists per page of `GET /movie/changes` (the official spec's example: 100). */
export const CHANGES_RESULTS_PER_PAGE = 100;

/** A valid changes request: the window as day numbers (days since 1970-01-01). */
export interface ChangesQuery {
  page: number;
  startDay: number;
  endDay: number;
}

/** A changes request's route: the page faults match on, and the query or its refusal. */
export interface ChangesRoute {
  endpoint: "changes";
  page: number | undefined;
  request: ChangesQuery | Answer;
}

/** Reads a changes request's parameters; `now` decides the default window. */
export function parseChanges(params: URLSearchParams, now: Date): ChangesRoute {
  const page = parsePage(params.get("page"));
  const route = { endpoint: "changes" as const, page };
  if (page === undefined) return { ...route, request: INVALID_PAGE };
  const rawEnd = params.get("end_date");
  const rawStart = params.get("start_date");
  const endDay = rawEnd === null ? dayOf(now) : dayNumber(rawEnd);
  const startDay = rawStart === null ? (endDay ?? 0) - 1 : dayNumber(rawStart);
  if (endDay === undefined || startDay === undefined) return { ...route, request: INVALID_DATE };
  if (startDay > endDay || endDay - startDay > TMDB_CHANGES_MAX_DAYS) {
    return { ...route, request: INVALID_DATE_RANGE };
  }
  return { ...route, request: { page, startDay, endDay } };
}

/** Answers a changes route from the catalog. */
export function changesAnswer(catalog: TmdbCatalog, route: ChangesRoute): Answer {
  const query = route.request;
  if ("status" in query) return query;
  const ids = indexOf(catalog).changedBetween(query.startDay, query.endDay);
  const first = (query.page - 1) * CHANGES_RESULTS_PER_PAGE;
  const results = ids.slice(first, first + CHANGES_RESULTS_PER_PAGE).map((id) => {
    const details = catalog.details.get(id);
    return { id, adult: details ? details["adult"] === true : null };
  });
  return {
    status: 200,
    body: {
      results,
      page: query.page,
      total_pages: Math.ceil(ids.length / CHANGES_RESULTS_PER_PAGE),
      total_results: ids.length,
    },
  };
}

/** Why a catalog's `changes` cannot be served (the first bad entry), or undefined when they can. */
export function changesProblem(catalog: TmdbCatalog): string | undefined {
  for (const [index, change] of (catalog.changes ?? []).entries()) {
    if (!Number.isSafeInteger(change.id) || change.id < 1) {
      return `changes[${index}].id must be a positive integer, got ${JSON.stringify(change.id)}`;
    }
    if (dayNumber(change.date) === undefined) {
      return `changes[${index}].date must be a date as YYYY-MM-DD, got ${JSON.stringify(change.date)}`;
    }
  }
  return undefined;
}

/** Distinct ids kept per distinct window (paging a window asks the same window once a page). */
const CACHED_WINDOWS = 32;

/** A catalog's changes in date order, with the distinct ids of recent windows. */
class ChangesIndex {
  readonly #days: number[] = [];
  readonly #ids: number[] = [];
  readonly #cache = new Map<string, number[]>();

  constructor(changes: NonNullable<TmdbCatalog["changes"]>) {
    const sorted = changes
      .map((change, order) => ({ id: change.id, day: dayNumber(change.date) ?? 0, order }))
      .sort((a, b) => a.day - b.day || a.order - b.order);
    for (const change of sorted) {
      this.#days.push(change.day);
      this.#ids.push(change.id);
    }
  }

  /** Distinct ids changed from `startDay` to `endDay` (inclusive), in order of first change. */
  changedBetween(startDay: number, endDay: number): number[] {
    const key = `${dateOfDay(startDay)}/${dateOfDay(endDay)}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const ids = new Set<number>();
    for (let i = this.#firstAtOrAfter(startDay); i < this.#days.length; i += 1) {
      if ((this.#days[i] ?? Number.POSITIVE_INFINITY) > endDay) break;
      ids.add(this.#ids[i] ?? 0);
    }
    const distinct = [...ids];
    this.#cache.set(key, distinct);
    if (this.#cache.size > CACHED_WINDOWS) this.#cache.delete(this.#cache.keys().next().value as string);
    return distinct;
  }

  /** Binary search: the first change on or after `day`. */
  #firstAtOrAfter(day: number): number {
    let low = 0;
    let high = this.#days.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#days[middle] ?? 0) < day) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

const indexes = new WeakMap<object, { length: number; index: ChangesIndex }>();
const NO_CHANGES: NonNullable<TmdbCatalog["changes"]> = [];

/** The catalog's changes index, built on first use; rebuilt when the number of changes changes. */
function indexOf(catalog: TmdbCatalog): ChangesIndex {
  const changes = catalog.changes ?? NO_CHANGES;
  const known = indexes.get(changes);
  if (known && known.length === changes.length) return known.index;
  const index = new ChangesIndex(changes);
  indexes.set(changes, { length: changes.length, index });
  return index;
}
