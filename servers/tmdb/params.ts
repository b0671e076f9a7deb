import { TMDB_MAX_PAGE } from "../../contract/pipeline";
import { STATUS_MESSAGES, tmdbError } from "./http";

/** Query parameters as TMDB reads them: pages, calendar dates, and the error answers for bad ones. */

/** A status and body to answer with. */
export interface Answer {
  status: number;
  body: unknown;
}

const MS_PER_DAY = 86_400_000;

/** `page` (default 1) when it is an integer in 1..500, else undefined. */
export function parsePage(raw: string | null): number | undefined {
  const text = raw ?? "1";
  const page = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return Number.isInteger(page) && page >= 1 && page <= TMDB_MAX_PAGE ? page : undefined;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` calendar date, or undefined when it is not one. */
export function dayNumber(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  const valid =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return valid ? time / MS_PER_DAY : undefined;
}

/** The `YYYY-MM-DD` date of a day number (see {@link dayNumber}). */
export function dateOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The day number of a moment's UTC date. */
export function dayOf(moment: Date): number {
  return Math.floor(moment.getTime() / MS_PER_DAY);
}

/** 400 with `status_code` 22 (page not an integer in 1..500). */
export const INVALID_PAGE: Answer = { status: 400, body: tmdbError(22, STATUS_MESSAGES.invalidPage) };
/** 400 with `status_code` 23 (a date not as `YYYY-MM-DD`). */
export const INVALID_DATE: Answer = { status: 400, body: tmdbError(23, STATUS_MESSAGES.invalidDate) };
/** 422 with `status_code` 20 (a changes window longer than 14 days, or ending before it starts). */
export const INVALID_DATE_RANGE: Answer = {
  status: 422,
  body: tmdbError(20, STATUS_MESSAGES.invalidDateRange),
};
/** 422 with `status_code` 5 (a parameter value TMDB, or this server, does not accept). */
export const INVALID_PARAMETERS: Answer = {
  status: 422,
  body: tmdbError(5, STATUS_MESSAGES.invalidParameters),
};

/** A list response: `page`, `results`, and the totals TMDB computes (`total_pages` may exceed 500). */
export function listPage(page: number, results: unknown[], totalResults: number, perPage: number): Answer {
  return {
    status: 200,
    body: { page, results, total_pages: Math.ceil(totalResults / perPage), total_results: totalResults },
  };
}
