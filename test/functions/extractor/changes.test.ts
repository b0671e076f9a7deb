import assert from "node:assert/strict";
import { runEvent, type ChangesSummary } from "../../../functions/extractor/extract";
import type { ChangesEvent } from "../../../functions/extractor/event";
import { keyStamp } from "../../../functions/extractor/landing";
import type { TmdbChange } from "../../../servers/tmdbCatalog";
import { buildCatalog, movieDetails } from "../../support/catalog";
import { captureLogger } from "../../support/logs";
import { parseNdjson, type TestEnv, withTestEnv } from "../../support/testEnv";

const RUN_START = new Date("2026-11-03T06:00:00.000Z");

function changes(
  env: TestEnv,
  event: Omit<ChangesEvent, "mode">,
  options: { config?: Parameters<TestEnv["config"]>[0]; now?: Date; deadline?: number } = {},
): Promise<ChangesSummary> {
  const { config = {}, ...rest } = options;
  return runEvent(
    env.config(config),
    { mode: "changes", ...event },
    { now: RUN_START, logger: captureLogger().logger, s3: env.s3Client, ...rest },
  ) as Promise<ChangesSummary>;
}

async function landedIds(env: TestEnv, keys: string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const key of keys)
    ids.push(...parseNdjson((await env.getObject(key)).body).map((r) => r["id"] as number));
  return ids.sort((a, b) => a - b);
}

async function lastEndDate(env: TestEnv): Promise<unknown> {
  return (JSON.parse((await env.getObject("state/changes.json")).body) as Record<string, unknown>)[
    "lastEndDate"
  ];
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const on = (date: string, ids: number[]): TmdbChange[] => ids.map((id) => ({ id, date }));

/**
 * Movies 1-30 and an adult movie 31; movie 99 was removed (no details). Changes: 1-10 on 5 Oct, 99 on
 * 6 Oct, 31 on 7 Oct, 11-20 and 5 again on 20-21 Oct, 21-25 on 2 Nov; 26 before and 27 after the
 * range the tests ask for.
 */
function catalog() {
  const details = [...range(1, 30).map((id) => movieDetails(id)), movieDetails(31, { adult: true })];
  return buildCatalog(details, {
    pages: [],
    changes: [
      ...on("2026-09-20", [26]),
      ...on("2026-10-05", range(1, 10)),
      ...on("2026-10-06", [99]),
      ...on("2026-10-07", [31]),
      ...on("2026-10-20", range(11, 20)),
      ...on("2026-10-21", [5]),
      ...on("2026-11-02", range(21, 25)),
      ...on("2026-11-10", [27]),
    ],
  });
}

describe("changes", () => {
  it("lands every movie changed between two days once, in windows of at most 14 days, skipping adult and removed movies", async () => {
    await withTestEnv({ catalog: catalog() }, async (env) => {
      const summary = await changes(env, { startDate: "2026-10-01", endDate: "2026-11-03" });

      assert.deepEqual(summary.keys, [
        `raw/movies/changes/2026-11-03/movies_${keyStamp(RUN_START)}_part-1.json`,
      ]);
      assert.deepEqual(await landedIds(env, summary.keys), range(1, 25));
      assert.deepEqual(
        [summary.done, summary.windows, summary.adult, summary.notFound, summary.completedThrough],
        [true, 3, 1, 1, "2026-11-03"],
      );
      assert.equal(env.tmdb.stats.byPath["/3/movie/changes"], 3, "1-14 Oct, 15-28 Oct, 29 Oct-3 Nov");
      assert.equal(env.tmdb.stats.byStatus[422], undefined, "no window was refused as too long");
      assert.equal(await lastEndDate(env), "2026-11-03");
    });
  });

  it("starts where the last run ended, and never moves its record back", async () => {
    await withTestEnv({ catalog: catalog() }, async (env) => {
      await changes(env, { startDate: "2026-10-01", endDate: "2026-11-03" });
      const next = await changes(env, {}, { now: new Date("2026-11-12T06:00:00Z") });
      const older = await changes(env, { startDate: "2026-09-15", endDate: "2026-09-30" });

      assert.deepEqual([next.startDate, next.endDate], ["2026-11-03", "2026-11-12"]);
      assert.deepEqual(await landedIds(env, next.keys), [27]);
      assert.deepEqual(await landedIds(env, older.keys), [26]);
      assert.equal(await lastEndDate(env), "2026-11-12");
    });
  });

  it("without a record or days, lists yesterday and today", async () => {
    await withTestEnv({ catalog: catalog() }, async (env) => {
      const summary = await changes(env, {});

      assert.deepEqual([summary.startDate, summary.endDate], ["2026-11-02", "2026-11-03"]);
      assert.deepEqual(await landedIds(env, summary.keys), range(21, 25));
    });
  });

  it("stops listing windows close to its deadline, lands what it listed and records only that far", async () => {
    const faults = [
      {
        target: { endpoint: "changes" as const },
        effect: { type: "slow" as const, delayMs: 1500 },
        times: 1,
      },
    ];
    await withTestEnv({ catalog: catalog(), faults }, async (env) => {
      const config = { stopMarginSeconds: 20, timeoutMs: 5000 };
      const first = await changes(
        env,
        { startDate: "2026-10-01", endDate: "2026-11-03" },
        { config, deadline: Date.now() + 21_000 },
      );

      assert.deepEqual([first.done, first.windows, first.completedThrough], [false, 1, "2026-10-14"]);
      assert.deepEqual(await landedIds(env, first.keys), range(1, 10));
      assert.equal(await lastEndDate(env), "2026-10-14");
      const next = await changes(env, {}, { now: new Date("2026-11-03T07:00:00Z") });
      assert.deepEqual([next.done, next.startDate], [true, "2026-10-14"]);
      assert.deepEqual(
        await landedIds(env, next.keys),
        range(5, 25).filter((id) => id === 5 || id > 10),
      );
    });
  });
});
