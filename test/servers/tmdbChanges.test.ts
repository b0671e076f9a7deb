import assert from "node:assert/strict";
import { TMDB_CHANGES_MAX_DAYS } from "../../contract/pipeline";
import { CHANGES_RESULTS_PER_PAGE } from "../../servers/tmdb/changes";
import { startTmdbServer, type TmdbServer } from "../../servers/tmdbServer";
import type { TmdbChange } from "../../servers/tmdbCatalog";
import { buildCatalog, movieRange } from "../support/catalog";
import { readExample, SPEC_CHANGES_EXAMPLE, validateAgainstSpec } from "../support/tmdbFixtures";

type Json = Record<string, unknown>;

/** The official example lists some ids with `adult: null` (removed movies); the schema says boolean. */
const CHANGES_NULLABLE = ["results[].adult"];

const day = (offset: number) => new Date(Date.UTC(2026, 4, 1 + offset)).toISOString().slice(0, 10);

/**
 * 260 movies (ids 1000..1259) changed on 2026-05-01 + (i % 30) days; the first 20 changed a second
 * time on 2026-05-20; id 5000 changed on 2026-05-10 and was removed since; movie 1003 is adult.
 */
function changeLog(): TmdbChange[] {
  const changes: TmdbChange[] = [];
  for (let i = 0; i < 260; i += 1) changes.push({ id: 1000 + i, date: day(i % 30) });
  for (let i = 0; i < 20; i += 1) changes.push({ id: 1000 + i, date: day(19) });
  changes.push({ id: 5000, date: day(9) });
  return changes;
}

describe("TMDB-compatible server: GET /movie/changes", () => {
  const movies = movieRange(260, 1000).map((movie) =>
    movie["id"] === 1003 ? { ...movie, adult: true } : movie,
  );
  const changes = changeLog();
  let server: TmdbServer;
  before(async () => {
    server = await startTmdbServer({
      catalog: buildCatalog(movies, { changes }),
      now: () => new Date("2026-05-20T08:30:00Z"),
    });
  });
  after(() => server.close());

  const get = async (query: string) => {
    const response = await fetch(`${server.baseUrl}/movie/changes?${query}`);
    return { status: response.status, body: (await response.json()) as Json };
  };
  /** Every page of a window, in order, until an empty page. */
  const allResults = async (query: string) => {
    const found: Json[] = [];
    for (let page = 1; ; page += 1) {
      const { body } = await get(`${query}&page=${page}`);
      if ((body["results"] as unknown[]).length === 0) return found;
      found.push(...(body["results"] as Json[]));
    }
  };
  const changedBetween = (start: string, end: string) => [
    ...new Set(changes.filter((c) => c.date >= start && c.date <= end).map((c) => c.id)),
  ];

  it("serves pages that validate against the official schema, 100 { id, adult } a page", async () => {
    // Act
    const { status, body } = await get(`start_date=${day(0)}&end_date=${day(14)}`);

    // Assess
    assert.equal(status, 200);
    assert.deepEqual(validateAgainstSpec("changes-movie-list", body, CHANGES_NULLABLE), []);
    assert.deepEqual(Object.keys(body), ["results", "page", "total_pages", "total_results"]);
    const results = body["results"] as Json[];
    assert.equal(results.length, CHANGES_RESULTS_PER_PAGE);
    for (const item of results) assert.deepEqual(Object.keys(item), ["id", "adult"]);
    const expected = changedBetween(day(0), day(14)).length;
    assert.deepEqual([body["total_results"], body["total_pages"]], [expected, Math.ceil(expected / 100)]);
    // The official example validates against the same schema.
    assert.deepEqual(validateAgainstSpec("changes-movie-list", readExample(SPEC_CHANGES_EXAMPLE)), []);
  });

  it("lists each movie changed in the inclusive window once, across pages", async () => {
    // Act
    const listed = (await allResults(`start_date=${day(5)}&end_date=${day(19)}`)).map((item) => item["id"]);

    // Assess
    assert.equal(new Set(listed).size, listed.length, "an id is listed twice");
    assert.deepEqual([...listed].sort(), changedBetween(day(5), day(19)).sort());
    assert.ok(listed.includes(1000 + 5) && listed.includes(1000 + 19), "the window's ends are included");
    assert.ok(!listed.includes(1034) && !listed.includes(1020), "changes outside the window are left out");
    assert.ok(listed.includes(1004), "a movie changed before the window and in it is listed (once)");
  });

  it("marks adult movies, and a removed movie with adult null as TMDB's example does", async () => {
    const listed = await allResults(`start_date=${day(0)}&end_date=${day(9)}`);
    const adult = (id: number) => listed.find((item) => item["id"] === id)?.["adult"];
    assert.deepEqual([adult(1003), adult(1004), adult(5000)], [true, false, null]);
    const details = await fetch(`${server.baseUrl}/movie/5000`);
    assert.equal(details.status, 404);
  });

  it("defaults to the last 24 hours: yesterday and today (UTC)", async () => {
    // now is 2026-05-20 (day 19): the window is days 18 and 19
    const listed = (await allResults("")).map((item) => item["id"]);
    assert.deepEqual([...listed].sort(), changedBetween(day(18), day(19)).sort());
    const onlyEnd = (await allResults(`end_date=${day(10)}`)).map((item) => item["id"]);
    assert.deepEqual([...onlyEnd].sort(), changedBetween(day(9), day(10)).sort());
    const onlyStart = (await allResults(`start_date=${day(10)}`)).map((item) => item["id"]);
    assert.deepEqual([...onlyStart].sort(), changedBetween(day(10), day(19)).sort());
  });

  it("refuses a window longer than 14 days with TMDB's 422 (status_code 20)", async () => {
    // Act
    const longest = await get(`start_date=${day(0)}&end_date=${day(TMDB_CHANGES_MAX_DAYS)}`);
    const tooLong = await get(`start_date=${day(0)}&end_date=${day(TMDB_CHANGES_MAX_DAYS + 1)}`);
    const reversed = await get(`start_date=${day(3)}&end_date=${day(2)}`);
    const startOnly = await get(`start_date=${day(-30)}`);

    // Assess
    assert.equal(longest.status, 200);
    const refusal = {
      success: false,
      status_code: 20,
      status_message: "Invalid date range: Should be a range no longer than 14 days.",
    };
    assert.deepEqual([tooLong.status, tooLong.body], [422, refusal]);
    assert.deepEqual([reversed.status, reversed.body], [422, refusal]);
    assert.deepEqual([startOnly.status, startOnly.body], [422, refusal]);
  });

  it("refuses bad dates (400, status_code 23) and bad pages (400, status_code 22)", async () => {
    for (const date of ["2026-02-30", "2026-5-1", "yesterday"]) {
      for (const query of [
        `start_date=${date}&end_date=${day(1)}`,
        `start_date=${day(0)}&end_date=${date}`,
      ]) {
        const { status, body } = await get(query);
        assert.deepEqual([status, body["status_code"]], [400, 23], query);
      }
    }
    for (const page of ["0", "501", "two"]) {
      const { status, body } = await get(`start_date=${day(0)}&end_date=${day(1)}&page=${page}`);
      assert.deepEqual([status, body["status_code"]], [400, 22], page);
    }
    const past = await get(`start_date=${day(0)}&end_date=${day(1)}&page=500`);
    assert.deepEqual([past.status, past.body["results"]], [200, []]);
  });

  it("injects faults on the changes list, by page", async () => {
    server.injectFault({
      target: { endpoint: "changes", page: 2 },
      effect: { type: "malformedJson" },
      times: 1,
    });
    server.injectFault({ target: { endpoint: "changes" }, effect: { type: "connectionReset" }, times: 1 });
    try {
      const window = `start_date=${day(0)}&end_date=${day(14)}`;
      await assert.rejects(fetch(`${server.baseUrl}/movie/changes?${window}&page=1`));
      const malformed = await fetch(`${server.baseUrl}/movie/changes?${window}&page=2`);
      assert.equal(malformed.status, 200);
      await assert.rejects(malformed.json());
      assert.equal((await get(`${window}&page=2`)).status, 200);
    } finally {
      server.clearFaults();
    }
  });

  it("refuses to start with a change whose date is not YYYY-MM-DD", async () => {
    await assert.rejects(
      startTmdbServer({ catalog: buildCatalog(movies, { changes: [{ id: 1000, date: "2026-05-32" }] }) }),
      /changes\[0\]\.date must be a date as YYYY-MM-DD, got "2026-05-32"/,
    );
  });
});
