import assert from "node:assert/strict";
import { InvalidEventError } from "../../../functions/extractor/errors";
import { parseEvent } from "../../../functions/extractor/event";

const NOW = new Date("2026-11-28T06:00:00Z");

/** Asserts that `event` is refused with a message naming `field` and matching `problem`. */
function refuses(event: unknown, field: string, problem: RegExp): void {
  assert.throws(
    () => parseEvent(event, NOW),
    (error: unknown) =>
      error instanceof InvalidEventError && error.field === field && problem.test(error.message),
  );
}

describe("parseEvent", () => {
  it("reads a missing event, {} and the schedule's event with other fields as a popular run", () => {
    for (const event of [undefined, null, {}, { "detail-type": "Scheduled Event", source: "aws.events" }]) {
      assert.deepEqual(parseEvent(event, NOW), { mode: "popular" });
    }
    assert.deepEqual(parseEvent({ mode: "popular", pages: 3 }, NOW), { mode: "popular", pages: 3 });
  });

  it("reads a backfill, from 1874 by default and to the current year when toYear is left out", () => {
    assert.deepEqual(parseEvent({ mode: "backfill" }, NOW), { mode: "backfill", fromYear: 1874 });
    assert.deepEqual(parseEvent({ mode: "backfill", fromYear: 1990, toYear: 1999, extra: 1 }, NOW), {
      mode: "backfill",
      fromYear: 1990,
      toYear: 1999,
    });
  });

  it("reads a changes run with or without its days", () => {
    assert.deepEqual(parseEvent({ mode: "changes" }, NOW), { mode: "changes" });
    assert.deepEqual(parseEvent({ mode: "changes", startDate: "2026-11-01", endDate: "2026-11-27" }, NOW), {
      mode: "changes",
      startDate: "2026-11-01",
      endDate: "2026-11-27",
    });
  });

  it("refuses a bad event, naming the field and echoing what it got", () => {
    refuses([], "event", /must be a JSON object \(got \[\]\)/);
    refuses("backfill", "event", /must be a JSON object/);
    refuses(
      { mode: "full" },
      "event.mode",
      /must be "popular", "backfill" or "changes" \(got \{"mode":"full"\}\)/,
    );
    refuses({ mode: "popular", pages: 0 }, "event.pages", /between 1 and 500/);
    refuses({ mode: "popular", pages: 501 }, "event.pages", /between 1 and 500/);
    refuses({ mode: "backfill", fromYear: "1990" }, "event.fromYear", /whole year from 1874 to 2027/);
    refuses({ mode: "backfill", fromYear: 1873 }, "event.fromYear", /whole year from 1874 to 2027/);
    refuses({ mode: "backfill", fromYear: 1990.5 }, "event.fromYear", /whole year/);
    refuses({ mode: "backfill", toYear: 2028 }, "event.toYear", /whole year from 1874 to 2027/);
    refuses(
      { mode: "backfill", fromYear: 2000, toYear: 1999 },
      "event.fromYear",
      /must not be after toYear \(1999\)/,
    );
    refuses({ mode: "backfill", fromYear: 2027 }, "event.fromYear", /must not be after this year \(2026\)/);
    refuses({ mode: "changes", startDate: "2026-11-1" }, "event.startDate", /YYYY-MM-DD/);
    refuses({ mode: "changes", endDate: "2026-02-30" }, "event.endDate", /YYYY-MM-DD/);
    refuses(
      { mode: "changes", startDate: "2026-11-20", endDate: "2026-11-10" },
      "event.startDate",
      /must not be after endDate \(2026-11-10\)/,
    );
  });
});
