import assert from "node:assert/strict";
import { MAX_RECORDS_PER_OBJECT } from "../../../contract/pipeline";
import { BackfillStalledError, TmdbAuthError } from "../../../functions/extractor/errors";
import { runEvent, type BackfillSummary } from "../../../functions/extractor/extract";
import type { BackfillEvent } from "../../../functions/extractor/event";
import { keyStamp } from "../../../functions/extractor/landing";
import { CheckpointConflictError, CheckpointError } from "../../../functions/extractor/state";
import { buildCatalog, movieDetails } from "../../support/catalog";
import { captureLogger } from "../../support/logs";
import { parseNdjson, type TestEnv, withTestEnv } from "../../support/testEnv";

const RUN_START = new Date("2026-03-04T05:06:07.890Z");
const STAMP = keyStamp(RUN_START);

function backfill(
  env: TestEnv,
  event: Omit<BackfillEvent, "mode">,
  options: { config?: Parameters<TestEnv["config"]>[0]; now?: Date; deadline?: number } = {},
): Promise<BackfillSummary> {
  const { config = {}, ...rest } = options;
  return runEvent(
    env.config(config),
    { mode: "backfill", ...event },
    { now: RUN_START, logger: captureLogger().logger, s3: env.s3Client, ...rest },
  ) as Promise<BackfillSummary>;
}

/** Ids landed under `prefix`, in the order of the objects and their lines. */
async function landedIds(env: TestEnv, prefix = "raw/movies/"): Promise<number[]> {
  const ids: number[] = [];
  for (const key of await env.listKeys(prefix)) {
    ids.push(...parseNdjson((await env.getObject(key)).body).map((record) => record["id"] as number));
  }
  return ids;
}

async function checkpoint(env: TestEnv, key: string): Promise<Record<string, unknown>> {
  return JSON.parse((await env.getObject(key)).body) as Record<string, unknown>;
}

/** Details requests the server received, by movie id. */
function detailRequests(env: TestEnv): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [path, count] of Object.entries(env.tmdb.stats.byPath)) {
    const id = /^\/3\/movie\/(\d+)$/.exec(path)?.[1];
    if (id !== undefined) counts.set(Number(id), count);
  }
  return counts;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const day = (year: number, i: number) =>
  `${year}-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}`;

/** `count` movies of `year` with ids from `firstId`, every one with revenue. */
const yearOfMovies = (year: number, count: number, firstId: number) =>
  Array.from({ length: count }, (_, i) => movieDetails(firstId + i, { release_date: day(year, i) }));

/**
 * 2001: ids 1-25 with revenue (the higher the id, the lower), then ids 26-65 without revenue, the even
 * ones with a budget. Listed by revenue, ids ascending among equals: pages 1-20, 21-40, 41-60, 61-65.
 * Page 3 is the first without revenue, so the year stops there. 2002 has no movie. 2003: an adult
 * movie with revenue (not listed) and one other. A movie without a release date and one of 2004
 * belong to no year of 2001-2003.
 */
function threeYears(): Record<string, unknown>[] {
  return [
    ...range(1, 25).map((id) => movieDetails(id, { release_date: day(2001, id), revenue: (100 - id) * 1e6 })),
    ...range(26, 65).map((id) =>
      movieDetails(id, { release_date: day(2001, id), revenue: 0, budget: id % 2 === 0 ? 5e6 : 0 }),
    ),
    movieDetails(70, { release_date: "2003-05-01", adult: true }),
    movieDetails(71, { release_date: "2003-06-01" }),
    movieDetails(72, { release_date: "" }),
    movieDetails(73, { release_date: "2004-01-01" }),
  ];
}

describe("backfill", () => {
  it("lands each year's movies with revenue, and those with a budget listed before its list runs out of revenue, once", async () => {
    await withTestEnv({ catalog: buildCatalog(threeYears(), { pages: [] }) }, async (env) => {
      const summary = await backfill(env, { fromYear: 2001, toYear: 2003 });

      const evenWithBudget = range(26, 60).filter((id) => id % 2 === 0);
      assert.deepEqual(await env.listKeys("raw/movies/"), [
        `raw/movies/backfill/2001/movies_${STAMP}_part-1.json`,
        `raw/movies/backfill/2003/movies_${STAMP}_part-1.json`,
      ]);
      assert.deepEqual(await landedIds(env), [...range(1, 25), ...evenWithBudget, 71]);
      assert.deepEqual(
        [...detailRequests(env).keys()].sort((a, b) => a - b),
        [...range(1, 60), 71],
      );
      assert.deepEqual(
        {
          done: summary.done,
          years: summary.yearsCompleted,
          remaining: summary.yearsRemaining,
          pages: summary.pages,
          listed: summary.listed,
          landed: summary.landed,
          skipped: summary.skippedNoFinancials,
          split: summary.splitYears,
        },
        {
          done: true,
          years: [2001, 2002, 2003],
          remaining: 0,
          pages: 5,
          listed: 61,
          landed: 44,
          skipped: 17,
          split: 0,
        },
      );
      assert.equal(env.tmdb.stats.byPath["/3/discover/movie"], 5, "2001: pages 1-3; 2002 and 2003: page 1");
      const stored = await checkpoint(env, "state/backfill/2001-2003.json");
      assert.deepEqual(
        [stored["fromYear"], stored["toYear"], stored["completedYears"]],
        [2001, 2003, [2001, 2002, 2003]],
      );
    });
  });

  it("lists a year's next page while the current page's other details are still being fetched", async () => {
    // 2001: 45 movies, the higher the id the lower the revenue; movie 5 (page 1) answers after 800 ms.
    const movies = range(1, 45).map((id) =>
      movieDetails(id, { release_date: day(2001, id), revenue: (100 - id) * 1e6 }),
    );
    const faults = [
      {
        target: { endpoint: "details" as const, movieId: 5 },
        effect: { type: "slow" as const, delayMs: 800 },
      },
    ];
    await withTestEnv({ catalog: buildCatalog(movies, { pages: [] }), faults }, async (env) => {
      await backfill(env, { fromYear: 2001, toYear: 2001 }, { config: { timeoutMs: 5000 } });

      const log = env.tmdb.stats.log;
      const secondPage = log.filter((entry) => entry.path === "/3/discover/movie")[1];
      const slow = log.find((entry) => entry.path === "/3/movie/5");
      assert.ok(secondPage && slow);
      assert.ok(
        secondPage.startedAt < slow.endedAt,
        "page 2 was asked for before movie 5 of page 1 answered",
      );
      assert.deepEqual(
        (await landedIds(env)).sort((a, b) => a - b),
        range(1, 45),
      );
    });
  });

  it("quarantines an invalid list entry under the year's reject folder and lands the rest", async () => {
    const faults = [
      {
        target: { endpoint: "discover" as const, year: 2003, page: 1 },
        effect: {
          type: "customBody" as const,
          body: {
            page: 1,
            results: [{ id: "71" }, { id: 71, title: "Movie 71" }],
            total_pages: 1,
            total_results: 2,
          },
        },
      },
    ];
    await withTestEnv({ catalog: buildCatalog(threeYears(), { pages: [] }), faults }, async (env) => {
      const summary = await backfill(env, { fromYear: 2003, toYear: 2003 });

      assert.deepEqual(summary.rejectKeys, [`rejects/movies/backfill/2003/movies_${STAMP}_part-1.json`]);
      const [rejected] = parseNdjson((await env.getObject(summary.rejectKeys[0] ?? "")).body);
      assert.equal(rejected?.["source"], "movie-discover-list");
      assert.match(String(rejected?.["reason"]), /^results\[0\]: id: /);
      assert.deepEqual(await landedIds(env), [71]);
      assert.equal(summary.done, true);
    });
  });

  it("lists a year again in date ranges when its movies with revenue run past page 500, fetching each movie once", async () => {
    // 2019: 10,100 movies with revenue (506 pages). 2020: 10,050 movies of which 30 have revenue.
    const crowded = yearOfMovies(2019, 10_100, 100_000);
    const wide = yearOfMovies(2020, 10_050, 200_000).map((movie, i) =>
      i < 30 ? movie : { ...movie, revenue: 0, budget: 0 },
    );
    await withTestEnv({ catalog: buildCatalog([...crowded, ...wide], { pages: [] }) }, async (env) => {
      const summary = await backfill(
        env,
        { fromYear: 2019, toYear: 2020 },
        { config: { maxConcurrency: 32 } },
      );

      const landed = await landedIds(env);
      assert.equal(landed.length, 10_130);
      assert.deepEqual(
        new Set(landed),
        new Set([...crowded.map((m) => m["id"]), ...wide.slice(0, 30).map((m) => m["id"])]),
      );
      const requests = detailRequests(env);
      assert.equal(requests.size, 10_100 + 60, "2020: its two pages with revenue and the page after");
      assert.deepEqual(new Set(requests.values()), new Set([1]), "no movie is fetched twice");
      assert.equal(summary.splitYears, 1, "2020's list is longer than 500 pages but its revenue is not");
      assert.deepEqual(await env.listKeys("raw/movies/backfill/2019/"), [
        `raw/movies/backfill/2019/movies_${STAMP}_part-1.json`,
        `raw/movies/backfill/2019/movies_${STAMP}_part-2.json`,
        `raw/movies/backfill/2019/movies_${STAMP}_part-3.json`,
      ]);
      const parts = await Promise.all(
        (await env.listKeys("raw/movies/backfill/2019/")).map(
          async (key) => parseNdjson((await env.getObject(key)).body).length,
        ),
      );
      assert.deepEqual(parts, [MAX_RECORDS_PER_OBJECT, MAX_RECORDS_PER_OBJECT, 100]);
      assert.equal(env.tmdb.stats.byStatus[400], undefined, "no page past 500 was asked for");
    });
  }).timeout(180_000);

  it("stops starting years close to its deadline, returns done: false, and the next invocation resumes without refetching", async () => {
    // One year at a time; 2002's first page takes 1.5 s, so the run is past its stop time when 2002 ends.
    const movies = [2001, 2002, 2003, 2004].flatMap((year, i) => yearOfMovies(year, 5, 1000 * (i + 1)));
    const faults = [
      {
        target: { endpoint: "discover" as const, year: 2002, page: 1 },
        effect: { type: "slow" as const, delayMs: 1500 },
        times: 1,
      },
    ];
    await withTestEnv({ catalog: buildCatalog(movies, { pages: [] }), faults }, async (env) => {
      const config = { backfillYearConcurrency: 1, stopMarginSeconds: 20, timeoutMs: 5000 };
      const first = await backfill(
        env,
        { fromYear: 2001, toYear: 2004 },
        { config, deadline: Date.now() + 21_000 },
      );

      assert.deepEqual([first.done, first.yearsCompleted, first.yearsRemaining], [false, [2001, 2002], 2]);
      assert.deepEqual((await checkpoint(env, first.checkpointKey))["completedYears"], [2001, 2002]);

      const second = await backfill(
        env,
        { fromYear: 2001, toYear: 2004 },
        { now: new Date("2026-03-04T06:00:00Z") },
      );
      assert.deepEqual([second.done, second.yearsCompleted, second.yearsRemaining], [true, [2003, 2004], 0]);
      assert.deepEqual(new Set(detailRequests(env).values()), new Set([1]), "no movie is fetched twice");
      assert.deepEqual(
        (await landedIds(env)).sort((a, b) => a - b),
        movies.map((m) => m["id"]),
      );
    });
  });

  it("abandons the year under way at its deadline, records nothing for it, and lists it again next time", async () => {
    // One year at a time: 2001 lands at once; 2002's first page takes 3 s, past the hard stop (0.8 s).
    const movies = [...yearOfMovies(2001, 5, 1000), ...yearOfMovies(2002, 5, 2000)];
    const faults = [
      {
        target: { endpoint: "discover" as const, year: 2002, page: 1 },
        effect: { type: "slow" as const, delayMs: 3000 },
        times: 1,
      },
    ];
    await withTestEnv({ catalog: buildCatalog(movies, { pages: [] }), faults }, async (env) => {
      const config = { stopMarginSeconds: 0, timeoutMs: 5000, backfillYearConcurrency: 1 };
      const first = await backfill(
        env,
        { fromYear: 2001, toYear: 2002 },
        { config, deadline: Date.now() + 10_800 },
      );

      assert.deepEqual([first.done, first.yearsCompleted, first.landed], [false, [2001], 5]);
      assert.deepEqual((await checkpoint(env, first.checkpointKey))["completedYears"], [2001]);
      assert.deepEqual(await env.listKeys("raw/movies/backfill/2002/"), []);
      const second = await backfill(
        env,
        { fromYear: 2001, toYear: 2002 },
        { now: new Date("2026-03-04T06:00:00Z") },
      );
      assert.deepEqual([second.done, second.yearsCompleted, second.landed], [true, [2002], 5]);
    });
  });

  it("fails, instead of returning done: false, when an invocation completes no year before its deadline", async () => {
    const faults = [
      {
        target: { endpoint: "discover" as const, year: 2001, page: 1 },
        effect: { type: "slow" as const, delayMs: 3000 },
        times: 1,
      },
    ];
    await withTestEnv(
      { catalog: buildCatalog(yearOfMovies(2001, 5, 1000), { pages: [] }), faults },
      async (env) => {
        const config = { stopMarginSeconds: 0, timeoutMs: 5000 };
        await assert.rejects(
          backfill(env, { fromYear: 2001, toYear: 2001 }, { config, deadline: Date.now() + 10_800 }),
          (error: unknown) =>
            error instanceof BackfillStalledError &&
            /completed no year before its deadline/.test(error.message),
        );
        assert.deepEqual(await env.listKeys(), [], "no object and no checkpoint");
      },
    );
  });

  it("fails when TMDB rejects the token mid-way, with the checkpoint holding only the years that landed", async () => {
    const movies = [2001, 2002, 2003].flatMap((year, i) => yearOfMovies(year, 5, 1000 * (i + 1)));
    const faults = [
      { target: { endpoint: "discover" as const, year: 2003 }, effect: { type: "unauthorized" as const } },
    ];
    await withTestEnv({ catalog: buildCatalog(movies, { pages: [] }), faults }, async (env) => {
      await assert.rejects(
        backfill(env, { fromYear: 2001, toYear: 2003 }, { config: { backfillYearConcurrency: 1 } }),
        TmdbAuthError,
      );
      assert.deepEqual(
        (await checkpoint(env, "state/backfill/2001-2003.json"))["completedYears"],
        [2001, 2002],
      );
      assert.deepEqual(await env.listKeys("raw/movies/"), [
        `raw/movies/backfill/2001/movies_${STAMP}_part-1.json`,
        `raw/movies/backfill/2002/movies_${STAMP}_part-1.json`,
      ]);
    });
  });

  it("lets only one of two runs of the same range go on; a later run completes the range", async () => {
    const movies = [2001, 2002].flatMap((year, i) => yearOfMovies(year, 5, 1000 * (i + 1)));
    await withTestEnv({ catalog: buildCatalog(movies, { pages: [] }) }, async (env) => {
      const config = { backfillYearConcurrency: 1 };
      const runs = await Promise.allSettled([
        backfill(env, { fromYear: 2001, toYear: 2002 }, { config }),
        backfill(env, { fromYear: 2001, toYear: 2002 }, { config, now: new Date("2026-03-04T05:06:09Z") }),
      ]);

      const failures = runs.filter((run) => run.status === "rejected").map((run) => run.reason as unknown);
      assert.equal(failures.length, 1, "exactly one run stops");
      assert.ok(failures[0] instanceof CheckpointConflictError, String(failures[0]));
      const last = await backfill(
        env,
        { fromYear: 2001, toYear: 2002 },
        { now: new Date("2026-03-04T07:00:00Z") },
      );
      assert.equal(last.done, true);
      assert.deepEqual((await checkpoint(env, last.checkpointKey))["completedYears"], [2001, 2002]);
    });
  });

  it("refuses a checkpoint that is not a backfill's, naming it", async () => {
    await withTestEnv({ catalog: buildCatalog(threeYears(), { pages: [] }) }, async (env) => {
      await env.putObject("state/backfill/2001-2003.json", JSON.stringify({ completedYears: "2001" }));
      await assert.rejects(
        backfill(env, { fromYear: 2001, toYear: 2003 }),
        (error: unknown) =>
          error instanceof CheckpointError &&
          /state\/backfill\/2001-2003\.json: is not a checkpoint of this run's kind: .*completedYears/.test(
            error.message,
          ),
      );
      assert.equal(env.tmdb.stats.requests, 0);
    });
  });

  it("without toYear, runs to the current year and keeps one checkpoint across New Year", async () => {
    const movies = [2024, 2025, 2026].flatMap((year, i) => yearOfMovies(year, 3, 1000 * (i + 1)));
    await withTestEnv({ catalog: buildCatalog(movies, { pages: [] }) }, async (env) => {
      const december = await backfill(env, { fromYear: 2024 }, { now: new Date("2025-12-31T23:00:00Z") });
      const january = await backfill(env, { fromYear: 2024 }, { now: new Date("2026-01-01T01:00:00Z") });

      assert.deepEqual([december.toYear, december.yearsCompleted], [2025, [2024, 2025]]);
      assert.deepEqual([january.toYear, january.yearsCompleted], [2026, [2026]]);
      assert.equal(january.checkpointKey, "state/backfill/2024-current.json");
      const stored = await checkpoint(env, january.checkpointKey);
      assert.deepEqual(
        [stored["fromYear"], stored["toYear"], stored["completedYears"]],
        [2024, null, [2024, 2025, 2026]],
      );
    });
  });
});
