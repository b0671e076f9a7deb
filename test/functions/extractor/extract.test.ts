import assert from "node:assert/strict";
import { runExtraction, type ExtractionSummary } from "../../../functions/extractor/extract";
import { LandingError, PageListingError, TmdbAuthError } from "../../../functions/extractor/errors";
import { SUMMARY_FAILED_LIMIT } from "../../../functions/extractor/counts";
import { NDJSON_CONTENT_TYPE } from "../../../functions/extractor/landing";
import type { TmdbFault } from "../../../servers/tmdbServer";
import { buildCatalog, movieDetails, movieRange } from "../../support/catalog";
import { captureLogger } from "../../support/logs";
import { parseNdjson, TEST_BUCKET, type TestEnv, withTestEnv } from "../../support/testEnv";

const RUN_START = new Date("2026-03-04T05:06:07.890Z");
const RAW_KEY = "raw/movies/2026-03-04/movies_05-06-07.json";
const REJECT_KEY = "rejects/movies/2026-03-04/movies_05-06-07.json";

async function landedIds(env: TestEnv, key = RAW_KEY): Promise<number[]> {
  const { body } = await env.getObject(key);
  return parseNdjson(body).map((r) => r["id"] as number);
}

function run(
  env: TestEnv,
  overrides: Parameters<TestEnv["config"]>[0] = {},
  logger = captureLogger().logger,
) {
  return runExtraction(env.config(overrides), { now: RUN_START, logger, s3: env.s3Client });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("runExtraction", () => {
  describe("on a healthy catalog", () => {
    it("lands every listed movie with financial data as NDJSON under the run's key", async () => {
      // Prepare: 45 movies over 3 pages.
      const movies = movieRange(45, 100);
      await withTestEnv({ catalog: buildCatalog(movies) }, async (env) => {
        const { logger, lines } = captureLogger();
        // Act
        const summary = await run(env, { pages: 3 }, logger);
        // Assess
        assert.deepEqual(await env.listKeys(), [RAW_KEY]);
        const object = await env.getObject(RAW_KEY);
        assert.equal(object.contentType, NDJSON_CONTENT_TYPE);
        const records = parseNdjson(object.body);
        assert.deepEqual(
          records.map((r) => r["id"]),
          range(100, 144),
        );
        for (const record of records) {
          const { _extracted_at: extractedAt, ...rest } = record;
          assert.match(String(extractedAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
          assert.ok(Date.parse(String(extractedAt)) >= Date.now() - 60_000);
          assert.deepEqual(
            rest,
            movies.find((m) => m["id"] === record["id"]),
            "details kept as received",
          );
        }
        assert.deepEqual(summary, {
          mode: "popular",
          done: true,
          bucket: TEST_BUCKET,
          key: RAW_KEY,
          rejectKey: null,
          pages: 3,
          listed: 45,
          fetched: 45,
          landed: 45,
          skippedNoFinancials: 0,
          rejected: 0,
          notFound: 0,
          failedCount: 0,
          failed: [],
          durationMs: summary.durationMs,
          requests: 48,
          retries: 0,
        });
        assert.equal(env.tmdb.stats.requests, 48);
        const summaryLines = lines.filter((l) => l["msg"] === "extraction finished");
        assert.equal(summaryLines.length, 1);
        assert.deepEqual(summaryLines[0]?.["summary"], summary);
      });
    });

    it("keeps unknown fields, nulls, zeros and an empty release_date exactly as received", async () => {
      const odd = movieDetails(7, {
        softcore: false,
        brand_new_field: { nested: [1, 2] },
        belongs_to_collection: null,
        imdb_id: null,
        homepage: null,
        poster_path: null,
        backdrop_path: null,
        release_date: "",
        vote_average: 0,
        vote_count: 0,
        popularity: 0,
        budget: 0,
        revenue: 12,
      });
      await withTestEnv({ catalog: buildCatalog([odd]) }, async (env) => {
        const summary = await run(env);
        assert.equal(summary.landed, 1);
        const [record] = parseNdjson((await env.getObject(RAW_KEY)).body);
        const { _extracted_at: extractedAt, ...rest } = record ?? {};
        assert.deepEqual(rest, odd);
        assert.equal(typeof extractedAt, "string");
      });
    });

    it("fetches each id once when the list shifts between pages", async () => {
      // Page 2 repeats the last two ids of page 1 (the list moved while paging).
      const movies = movieRange(6, 1);
      const catalog = buildCatalog(movies, {
        pages: [
          [1, 2, 3],
          [2, 3, 4],
          [5, 6, 1],
        ],
      });
      await withTestEnv({ catalog }, async (env) => {
        const summary = await run(env, { pages: 3 });
        assert.deepEqual(await landedIds(env), [1, 2, 3, 4, 5, 6]);
        assert.equal(summary.listed, 6);
        assert.equal(summary.fetched, 6);
        for (const id of range(1, 6)) assert.equal(env.tmdb.stats.byPath[`/3/movie/${id}`], 1, `movie ${id}`);
      });
    });

    it("skips and counts movies without financial data (budget and revenue both 0)", async () => {
      const movies = [
        movieDetails(1),
        movieDetails(2, { budget: 0, revenue: 0 }),
        movieDetails(3, { budget: 0, revenue: 5_000_000 }),
        movieDetails(4, { budget: 9_000_000, revenue: 0 }),
        movieDetails(5, { budget: 0, revenue: 0 }),
      ];
      await withTestEnv({ catalog: buildCatalog(movies) }, async (env) => {
        const summary = await run(env);
        assert.deepEqual(await landedIds(env), [1, 3, 4]);
        assert.equal(summary.skippedNoFinancials, 2);
        assert.equal(summary.fetched, 5);
        assert.equal(summary.landed, 3);
      });
    });

    it("lists only the pages the catalog has when fewer than requested", async () => {
      await withTestEnv({ catalog: buildCatalog(movieRange(30, 1)) }, async (env) => {
        const summary = await run(env, { pages: 10 });
        assert.equal(summary.pages, 2);
        assert.equal(env.tmdb.stats.byPath["/3/movie/popular"], 2);
        assert.equal(summary.landed, 30);
      });
    });

    it("writes no object when nothing is landed", async () => {
      const movies = [movieDetails(1, { budget: 0, revenue: 0 }), movieDetails(2, { budget: 0, revenue: 0 })];
      await withTestEnv({ catalog: buildCatalog(movies) }, async (env) => {
        const summary = await run(env);
        assert.equal(summary.key, null);
        assert.equal(summary.rejectKey, null);
        assert.equal(summary.landed, 0);
        assert.deepEqual(await env.listKeys(), []);
      });
    });

    it("keeps requests within maxConcurrency", async () => {
      await withTestEnv(
        { catalog: buildCatalog(movieRange(40, 1)), latency: { meanMs: 15, jitterMs: 5 } },
        async (env) => {
          await run(env, { maxConcurrency: 3 });
          assert.ok(env.tmdb.stats.maxInFlight <= 3, `max in flight ${env.tmdb.stats.maxInFlight}`);
          assert.ok(env.tmdb.stats.maxInFlight >= 2, "requests ran concurrently");
        },
      );
    });
  });

  describe("validation", () => {
    it("quarantines invalid records with the reason and lands the rest", async () => {
      const movies = [
        movieDetails(1),
        movieDetails(2, { budget: "unknown" }),
        movieDetails(3),
        movieDetails(4, { release_date: "15/03/2020" }),
        movieDetails(5, { title: undefined }),
      ];
      delete movies[4]?.["title"];
      const catalog = buildCatalog(movies, {
        extraEntries: { 1: [{ title: "entry without id", adult: false }] },
      });
      await withTestEnv({ catalog }, async (env) => {
        const summary = await run(env);
        assert.deepEqual(await landedIds(env), [1, 3]);
        assert.equal(summary.rejected, 4);
        assert.equal(summary.rejectKey, REJECT_KEY);
        const rejects = await env.getObject(REJECT_KEY);
        assert.equal(rejects.contentType, NDJSON_CONTENT_TYPE);
        const lines = parseNdjson(rejects.body);
        assert.deepEqual(
          lines.map((l) => [l["source"], l["id"], l["page"]]),
          [
            ["movie-popular-list", null, 1],
            ["movie-details", 2, null],
            ["movie-details", 4, null],
            ["movie-details", 5, null],
          ],
        );
        assert.match(String(lines[0]?.["reason"]), /^results\[5\]: id: /);
        assert.match(String(lines[1]?.["reason"]), /^budget: .*expected number, received string/);
        assert.match(String(lines[2]?.["reason"]), /^release_date: /);
        assert.match(String(lines[3]?.["reason"]), /^title: /);
        assert.deepEqual(lines[1]?.["record"], movies[1], "the rejected record is kept as received");
        assert.deepEqual(lines[0]?.["record"], { title: "entry without id", adult: false });
        for (const line of lines) assert.ok(!Number.isNaN(Date.parse(String(line["_extracted_at"]))));
        // Quarantine lies outside the raw prefix: the pipe never sees it.
        assert.deepEqual(await env.listKeys("raw/"), [RAW_KEY]);
      });
    });

    it("rejects details whose id differs from the requested one", async () => {
      const catalog = buildCatalog([movieDetails(1), movieDetails(2)]);
      catalog.details.set(2, movieDetails(99));
      await withTestEnv({ catalog }, async (env) => {
        const summary = await run(env);
        assert.deepEqual(await landedIds(env), [1]);
        const [line] = parseNdjson((await env.getObject(REJECT_KEY)).body);
        assert.equal(line?.["id"], 2);
        assert.match(String(line?.["reason"]), /does not match the requested id 2/);
        assert.equal(summary.rejected, 1);
      });
    });
  });

  describe("HTTP failures", () => {
    const movies = movieRange(10, 1);

    async function runWithFaults(faults: TmdbFault[], overrides: Parameters<TestEnv["config"]>[0] = {}) {
      return withTestEnv({ catalog: buildCatalog(movies), faults }, async (env) => {
        const started = performance.now();
        const summary = await run(env, overrides);
        const elapsedMs = performance.now() - started;
        const ids = summary.key ? await landedIds(env) : [];
        return { summary, ids, elapsedMs, stats: env.tmdb.stats };
      });
    }

    it("skips and counts a listed movie that answers 404", async () => {
      const { summary, ids } = await runWithFaults([
        { target: { endpoint: "details", movieId: 4 }, effect: { type: "notFound" } },
      ]);
      assert.deepEqual(ids, [1, 2, 3, 5, 6, 7, 8, 9, 10]);
      assert.equal(summary.notFound, 1);
      assert.deepEqual(summary.failed, []);
      assert.equal(summary.retries, 0, "404 is not retried");
    });

    it("retries 429 without Retry-After with backoff and lands everything", async () => {
      const { summary, ids, stats } = await runWithFaults([
        { target: { endpoint: "details", movieId: 3 }, effect: { type: "rateLimited" }, times: 2 },
        { target: { endpoint: "popular", page: 1 }, effect: { type: "rateLimited" }, times: 1 },
      ]);
      assert.deepEqual(ids, range(1, 10));
      assert.equal(summary.retries, 3);
      assert.equal(stats.rateLimited, 3);
      assert.equal(summary.requests, stats.requests, "every attempt went through the client's counters");
    });

    it("honours Retry-After on 429", async () => {
      const { summary, ids, elapsedMs } = await runWithFaults([
        {
          target: { endpoint: "details", movieId: 5 },
          effect: { type: "rateLimited", retryAfterSeconds: 1 },
          times: 1,
        },
      ]);
      assert.deepEqual(ids, range(1, 10));
      assert.equal(summary.retries, 1);
      // Backoff alone would wait at most 40 ms here; the server asked for a second.
      assert.ok(elapsedMs >= 950, `waited only ${Math.round(elapsedMs)} ms`);
    });

    const retryAfterResponses = [
      { status: 429, effect: { type: "rateLimited", retryAfterSeconds: 1 } },
      { status: 503, effect: { type: "serverError", status: 503, retryAfterSeconds: 1 } },
    ] as const;
    for (const { status, effect } of retryAfterResponses) {
      it(`holds every request back while a ${status}'s Retry-After is pending, not only the one retried`, async () => {
        await withTestEnv(
          {
            catalog: buildCatalog(movies),
            latency: { meanMs: 10 },
            faults: [{ target: { endpoint: "details", movieId: 3 }, effect, times: 1 }],
          },
          async (env) => {
            const summary = await run(env, { maxConcurrency: 2 });
            assert.equal(summary.landed, 10);
            const refused = env.tmdb.stats.log.find((entry) => entry.status === status);
            assert.ok(refused);
            const startedAfter = env.tmdb.stats.log.filter((entry) => entry.startedAt > refused.endedAt);
            assert.ok(startedAfter.length > 0);
            for (const entry of startedAfter) {
              assert.ok(
                entry.startedAt - refused.endedAt >= 900,
                `${entry.path} started ${Math.round(entry.startedAt - refused.endedAt)} ms after the ${status}`,
              );
            }
          },
        );
      });
    }

    it("caps a long Retry-After at maxRetryAfterMs", async () => {
      const { summary, ids, elapsedMs } = await runWithFaults(
        [
          {
            target: { endpoint: "details", movieId: 5 },
            effect: { type: "rateLimited", retryAfterSeconds: 3600 },
            times: 1,
          },
        ],
        { maxRetryAfterMs: 200 },
      );
      assert.deepEqual(ids, range(1, 10));
      assert.equal(summary.retries, 1);
      assert.ok(elapsedMs < 10_000, `an hour-long Retry-After was not capped (${Math.round(elapsedMs)} ms)`);
    });

    it("retries 500 and 503 and then succeeds", async () => {
      const { summary, ids, stats } = await runWithFaults([
        {
          target: { endpoint: "details", movieId: 2 },
          effect: { type: "serverError", status: 500 },
          times: 3,
        },
        {
          target: { endpoint: "details", movieId: 8 },
          effect: { type: "serverError", status: 503 },
          times: 1,
        },
        {
          target: { endpoint: "details", movieId: 9 },
          effect: { type: "serverError", status: 502 },
          times: 1,
        },
      ]);
      assert.deepEqual(ids, range(1, 10));
      assert.equal(summary.retries, 5);
      assert.equal(stats.byStatus[500], 3);
      assert.equal(stats.byStatus[503], 1);
      assert.equal(stats.byPath["/3/movie/2"], 4);
    });

    it("retries a response slower than the timeout", async () => {
      const { summary, ids, stats } = await runWithFaults(
        [{ target: { endpoint: "details", movieId: 6 }, effect: { type: "slow", delayMs: 1500 }, times: 1 }],
        { timeoutMs: 300 },
      );
      assert.deepEqual(ids, range(1, 10));
      assert.equal(summary.retries, 1);
      assert.equal(stats.byPath["/3/movie/6"], 2);
    });

    it("retries a dropped connection", async () => {
      const { summary, ids } = await runWithFaults([
        { target: { endpoint: "details", movieId: 7 }, effect: { type: "connectionReset" }, times: 2 },
      ]);
      assert.deepEqual(ids, range(1, 10));
      assert.equal(summary.retries, 2);
    });

    it("retries malformed JSON and reports it with the id when it persists", async () => {
      const { summary, ids, stats } = await runWithFaults([
        { target: { endpoint: "details", movieId: 1 }, effect: { type: "malformedJson" }, times: 1 },
        { target: { endpoint: "details", movieId: 2 }, effect: { type: "malformedJson" } },
      ]);
      assert.deepEqual(ids, [1, ...range(3, 10)]);
      assert.equal(summary.failed.length, 1);
      assert.equal(summary.failed[0]?.id, 2);
      assert.match(summary.failed[0]?.reason ?? "", /malformed JSON .* after 4 attempts/);
      assert.equal(stats.byPath["/3/movie/2"], 4, "first attempt + maxRetries (3)");
    });

    it("reports details that still fail after retries with id and reason, and lands the rest", async () => {
      const { summary, ids } = await runWithFaults(
        [
          { target: { endpoint: "details", movieId: 3 }, effect: { type: "serverError", status: 500 } },
          { target: { endpoint: "details", movieId: 9 }, effect: { type: "slow", delayMs: 2000 } },
        ],
        { timeoutMs: 150 },
      );
      assert.deepEqual(ids, [1, 2, 4, 5, 6, 7, 8, 10]);
      assert.deepEqual(
        summary.failed.map((f) => f.id).sort((a, b) => a - b),
        [3, 9],
      );
      const byId = new Map(summary.failed.map((f) => [f.id, f.reason]));
      assert.match(byId.get(3) ?? "", /HTTP 500 .*status_code 11.* after 4 attempts/);
      assert.match(byId.get(9) ?? "", /timed out .* after 4 attempts/);
      assert.equal(summary.landed, 8);
    });

    it("names at most 100 failed movies in its summary, counts them all and logs each one", async () => {
      await withTestEnv(
        {
          catalog: buildCatalog(movieRange(120, 1)),
          faults: [{ target: { endpoint: "details" }, effect: { type: "serverError", status: 503 } }],
        },
        async (env) => {
          const { logger, lines } = captureLogger();
          const summary = await run(env, { pages: 6, maxRetries: 0 }, logger);

          assert.equal(summary.failedCount, 120);
          assert.deepEqual(
            summary.failed.map((f) => f.id),
            range(1, SUMMARY_FAILED_LIMIT),
            "the first in listing order",
          );
          const logged = lines
            .filter((line) => line["msg"] === "movie details failed")
            .map((line) => line["id"]);
          assert.deepEqual(new Set(logged), new Set(range(1, 120)));
        },
      );
    });
  });

  describe("rate limiting", () => {
    it("paces every attempt, retries included, below the server's limit", async () => {
      // Prepare: the server allows 10 requests/s; 6 of 14 movies fail once with 500 (6 retries).
      const faults: TmdbFault[] = [2, 4, 6, 8, 10, 12].map((movieId) => ({
        target: { endpoint: "details", movieId },
        effect: { type: "serverError", status: 500 },
        times: 1,
      }));
      await withTestEnv(
        { catalog: buildCatalog(movieRange(14, 1)), rateLimitPerSecond: 10, faults },
        async (env) => {
          // Act: the client may start 8 requests/s.
          const summary = await run(env, { maxRps: 8 });
          // Assess: 1 page + 14 details + 6 retries, none refused by the server's rate limit.
          assert.equal(summary.landed, 14);
          assert.equal(summary.retries, 6);
          assert.equal(summary.requests, 21);
          assert.equal(env.tmdb.stats.requests, 21);
          assert.equal(env.tmdb.stats.rateLimited, 0);
        },
      );
    });
  });

  describe("failing runs", () => {
    const catalog = () => buildCatalog(movieRange(30, 1));

    it("stops at once with a clear message when TMDB rejects the token (401)", async () => {
      await withTestEnv({ catalog: catalog() }, async (env) => {
        const error = await run(env, { tmdbToken: "wrong-token" }).then(
          () => assert.fail("run succeeded"),
          (e: unknown) => e,
        );
        assert.ok(error instanceof TmdbAuthError);
        assert.equal(error.status, 401);
        assert.equal(error.tmdb.statusCode, 7);
        assert.match(error.message, /TMDB rejected the API token .*TMDB_API_TOKEN/);
        assert.equal(env.tmdb.stats.requests, 1, "401 is not retried and nothing else is requested");
        assert.deepEqual(await env.listKeys(), []);
      });
    });

    it("stops when a details request answers 401 mid-run", async () => {
      await withTestEnv(
        {
          catalog: catalog(),
          faults: [{ target: { endpoint: "details", movieId: 12 }, effect: { type: "unauthorized" } }],
        },
        async (env) => {
          await assert.rejects(run(env, { maxConcurrency: 2 }), TmdbAuthError);
          assert.deepEqual(await env.listKeys(), []);
          assert.ok(env.tmdb.stats.requests < 32, `kept going: ${env.tmdb.stats.requests} requests`);
        },
      );
    });

    it("fails when a page cannot be listed after retries, writing nothing", async () => {
      await withTestEnv(
        {
          catalog: catalog(),
          faults: [
            { target: { endpoint: "popular", page: 2 }, effect: { type: "serverError", status: 503 } },
          ],
        },
        async (env) => {
          const { logger, lines } = captureLogger();
          const error = await run(env, { pages: 2 }, logger).then(
            () => assert.fail("run succeeded"),
            (e: unknown) => e,
          );
          assert.ok(error instanceof PageListingError);
          assert.equal(error.page, 2);
          assert.match(error.message, /page 2 failed: TMDB answered HTTP 503/);
          assert.equal(env.tmdb.stats.byPath["/3/movie/popular"], 1 + 4, "page 1 once, page 2 with retries");
          assert.deepEqual(await env.listKeys(), []);
          assert.equal(lines.filter((l) => l["msg"] === "extraction failed").length, 1);
        },
      );
    });

    it("fails when a page answers 404", async () => {
      const faults: TmdbFault[] = [
        { target: { endpoint: "popular", page: 1 }, effect: { type: "notFound" } },
      ];
      await withTestEnv({ catalog: catalog(), faults }, async (env) => {
        await assert.rejects(run(env), /page 1 failed: TMDB answered HTTP 404 \(status_code 34/);
        assert.equal(env.tmdb.stats.requests, 1);
      });
    });

    it("fails when a page is not TMDB's list shape", async () => {
      const faults: TmdbFault[] = [
        {
          target: { endpoint: "popular", page: 2 },
          effect: { type: "customBody", body: { page: 2, results: "none" } },
        },
      ];
      await withTestEnv({ catalog: catalog(), faults }, async (env) => {
        const error = await run(env, { pages: 2 }).then(
          () => assert.fail("run succeeded"),
          (e: unknown) => e,
        );
        assert.ok(error instanceof PageListingError);
        assert.match(error.message, /page 2 failed: unexpected response: results: .*expected array/);
        assert.deepEqual(await env.listKeys(), []);
      });
    });

    it("fails when the S3 write fails (bucket missing)", async () => {
      await withTestEnv({ catalog: catalog(), buckets: ["some-other-bucket"] }, async (env) => {
        const error = await run(env).then(
          () => assert.fail("run succeeded"),
          (e: unknown) => e,
        );
        assert.ok(error instanceof LandingError);
        assert.equal(error.key, RAW_KEY);
        assert.match(error.message, new RegExp(`s3://${TEST_BUCKET}/${RAW_KEY} failed`));
      });
    });

    it("fails when the S3 server is unreachable", async () => {
      await withTestEnv({ catalog: catalog() }, async (env) => {
        await env.s3.close();
        await assert.rejects(run(env, { pages: 1 }), LandingError);
      });
    });
  });

  it("counts add up: listed = fetched + notFound + failed; fetched = landed + skipped + rejected details", async () => {
    const movies = [
      ...movieRange(18, 1),
      movieDetails(19, { budget: 0, revenue: 0 }),
      movieDetails(20, { vote_average: 11 }),
    ];
    await withTestEnv(
      {
        catalog: buildCatalog(movies),
        faults: [
          { target: { endpoint: "details", movieId: 5 }, effect: { type: "notFound" } },
          { target: { endpoint: "details", movieId: 6 }, effect: { type: "serverError", status: 500 } },
        ],
      },
      async (env) => {
        const summary: ExtractionSummary = await run(env);
        assert.equal(summary.listed, summary.fetched + summary.notFound + summary.failedCount);
        assert.equal(summary.fetched, summary.landed + summary.skippedNoFinancials + summary.rejected);
        assert.deepEqual(
          [summary.landed, summary.skippedNoFinancials, summary.rejected, summary.notFound],
          [16, 1, 1, 1],
        );
      },
    );
  });
});
