import * as z from "zod";
import { FIRST_FILM_YEAR, TMDB_MAX_PAGE } from "../../contract/pipeline";
import { InvalidEventError } from "./errors";

/**
 * The extractor's invocation event, the same for the Lambda and `npm run extract -- --event`:
 *
 * - `{}`, `{"mode":"popular"}` (the schedule's popular run): TMDB's popular list, `pages` pages
 *   (default `TMDB_PAGES`).
 * - `{"mode":"backfill","fromYear":1990,"toYear":1999}`: every movie of each primary release year
 *   (defaults: 1874 and, without `toYear`, the current year of each invocation), resumable: invoked
 *   again with the same event, it continues where the last invocation stopped.
 * - `{"mode":"changes","startDate":"YYYY-MM-DD","endDate":"YYYY-MM-DD"}`: the movies TMDB reports
 *   changed (defaults: from the end of the last successful changes run, else the last 24 hours,
 *   to today).
 *
 * Scheduled events carry more fields, which are ignored.
 */

/** A popular run. */
export interface PopularEvent {
  mode: "popular";
  /** Popular pages to list; overrides `TMDB_PAGES`. */
  pages?: number;
}

/**
 * A backfill of primary release years `fromYear`..`toYear`, both included. Without `toYear` the range
 * ends at the current year of each invocation and keeps its checkpoint across New Year.
 */
export interface BackfillEvent {
  mode: "backfill";
  fromYear: number;
  toYear?: number;
}

/** A changes run over `startDate`..`endDate` (YYYY-MM-DD, both included), when given. */
export interface ChangesEvent {
  mode: "changes";
  startDate?: string;
  endDate?: string;
}

export type ExtractorEvent = PopularEvent | BackfillEvent | ChangesEvent;

const isoDate = z.iso.date({ error: "must be a date written YYYY-MM-DD" });

/** The event schemas by mode; `now` decides the default and the last allowed backfill year. */
function eventSchema(now: Date) {
  const thisYear = now.getUTCFullYear();
  const year = z
    .int({ error: `must be a whole year from ${FIRST_FILM_YEAR} to ${thisYear + 1}` })
    .min(FIRST_FILM_YEAR, { error: `must be a whole year from ${FIRST_FILM_YEAR} to ${thisYear + 1}` })
    .max(thisYear + 1, { error: `must be a whole year from ${FIRST_FILM_YEAR} to ${thisYear + 1}` });
  const pages = z
    .int({ error: `must be an integer between 1 and ${TMDB_MAX_PAGE}` })
    .min(1, { error: `must be an integer between 1 and ${TMDB_MAX_PAGE}` })
    .max(TMDB_MAX_PAGE, { error: `must be an integer between 1 and ${TMDB_MAX_PAGE}` });
  return z.discriminatedUnion(
    "mode",
    [
      z.looseObject({ mode: z.literal("popular"), pages: pages.optional() }),
      z
        .looseObject({
          mode: z.literal("backfill"),
          fromYear: year.default(FIRST_FILM_YEAR),
          toYear: year.optional(),
        })
        .check((ctx) => {
          const toYear = ctx.value.toYear ?? thisYear;
          if (ctx.value.fromYear > toYear)
            ctx.issues.push({
              code: "custom",
              path: ["fromYear"],
              message: `must not be after ${ctx.value.toYear === undefined ? "this year" : "toYear"} (${toYear})`,
              input: ctx.value.fromYear,
            });
        }),
      z
        .looseObject({
          mode: z.literal("changes"),
          startDate: isoDate.optional(),
          endDate: isoDate.optional(),
        })
        .check((ctx) => {
          const { startDate, endDate } = ctx.value;
          if (startDate !== undefined && endDate !== undefined && startDate > endDate)
            ctx.issues.push({
              code: "custom",
              path: ["startDate"],
              message: `must not be after endDate (${endDate})`,
              input: startDate,
            });
        }),
    ],
    { error: 'must be "popular", "backfill" or "changes"' },
  );
}

/**
 * Reads an invocation event. A missing event, a missing `mode` and the schedule's `{}` are a popular
 * run.
 * @throws InvalidEventError naming the field at fault, e.g. `event.fromYear`
 */
export function parseEvent(event: unknown, now = new Date()): ExtractorEvent {
  const withMode =
    event === undefined || event === null
      ? { mode: "popular" }
      : typeof event === "object" && !Array.isArray(event) && !("mode" in event)
        ? { ...event, mode: "popular" }
        : event;
  if (typeof withMode !== "object" || Array.isArray(withMode)) {
    throw new InvalidEventError("event", `must be a JSON object (got ${JSON.stringify(event)})`);
  }
  const parsed = eventSchema(now).safeParse(withMode);
  if (parsed.success) return knownFields(parsed.data as ExtractorEvent);
  const issue = parsed.error.issues[0];
  const path = issue?.path.length ? issue.path.map(String) : issue?.code === "invalid_union" ? ["mode"] : [];
  throw new InvalidEventError(
    ["event", ...path].join("."),
    `${issue?.message ?? "is invalid"} (got ${JSON.stringify(event)})`,
  );
}

/** The event's own fields only (a scheduled event's others are dropped). */
function knownFields(event: ExtractorEvent): ExtractorEvent {
  if (event.mode === "backfill") {
    return {
      mode: event.mode,
      fromYear: event.fromYear,
      ...(event.toYear === undefined ? {} : { toYear: event.toYear }),
    };
  }
  if (event.mode === "changes") {
    return {
      mode: event.mode,
      ...(event.startDate === undefined ? {} : { startDate: event.startDate }),
      ...(event.endDate === undefined ? {} : { endDate: event.endDate }),
    };
  }
  return { mode: event.mode, ...(event.pages === undefined ? {} : { pages: event.pages }) };
}
