import assert from "node:assert/strict";
import { FIRST_FILM_YEAR, TMDB_MAX_PAGE, TMDB_RESULTS_PER_PAGE } from "../../contract/pipeline";
import { KNOWN_NULLABLE_FIELDS, MovieDetailsSchema } from "../../functions/extractor/schemas";
import {
  buildDemoCatalog,
  buildDemoHistory,
  DEMO_HISTORY_LARGE,
  historyBeforeChanges,
  SYNTHETIC_MARKER,
  withHistory,
  type DemoHistory,
} from "../../servers/demoCatalog";
import { startTmdbServer } from "../../servers/tmdbServer";
import { Ajv2020 } from "ajv/dist/2020.js";
import { specSchema } from "../support/tmdbFixtures";

type Json = Record<string, unknown>;

const revenue = (movie: Json) => Number(movie["revenue"]);
const budget = (movie: Json) => Number(movie["budget"]);
const yearOf = (movie: Json) => String(movie["release_date"]).slice(0, 4);

describe("demo history (a catalog spanning decades, with a change log)", () => {
  const history = buildDemoHistory();
  const movies = [...history.details.values()];

  it("spans 1970 to 2025 by default, 40 movies a year, every one shaped like TMDB's details", () => {
    // Act
    const years = new Set(movies.map(yearOf).filter((year) => year !== ""));

    // Assess
    assert.equal(years.size, 2025 - 1970 + 1);
    assert.deepEqual(
      [Math.min(...[...years].map(Number)), Math.max(...[...years].map(Number))],
      [1970, 2025],
    );
    assert.ok(movies.length > 2000 && movies.length <= 56 * 40);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validDetails = ajv.compile(specSchema("movie-details", KNOWN_NULLABLE_FIELDS["movie-details"]));
    const popularKeys = Object.keys([...buildDemoCatalog({ pages: 1 }).details.values()][0] ?? {});
    for (const movie of movies) {
      assert.deepEqual(Object.keys(movie), popularKeys);
      assert.equal(movie[SYNTHETIC_MARKER], true);
      assert.ok(validDetails(movie), JSON.stringify(validDetails.errors));
      assert.ok(
        MovieDetailsSchema.safeParse(movie).success,
        `movie ${String(movie["id"])} fails the extractor schema`,
      );
    }
  });

  it("mixes movies with revenue, with a budget only, and with neither; adult movies; empty release dates", () => {
    const share = (predicate: (movie: Json) => boolean) => movies.filter(predicate).length / movies.length;
    const withRevenue = share((m) => revenue(m) > 0);
    const budgetOnly = share((m) => revenue(m) === 0 && budget(m) > 0);
    const neither = share((m) => revenue(m) === 0 && budget(m) === 0);
    const adult = share((m) => m["adult"] === true);
    const undated = share((m) => m["release_date"] === "");
    assert.ok(withRevenue > 0.4 && withRevenue < 0.6, `revenue share ${withRevenue}`);
    assert.ok(budgetOnly > 0.03 && budgetOnly < 0.12, `budget-only share ${budgetOnly}`);
    assert.ok(neither > 0.35 && neither < 0.5, `neither share ${neither}`);
    assert.ok(adult > 0.01 && adult < 0.035, `adult share ${adult}`);
    assert.ok(undated > 0.01 && undated < 0.035, `empty release_date share ${undated}`);
    assert.ok(
      movies.some((m) => budget(m) > 0 && budget(m) < 1000),
      "no budget entered in millions",
    );
  });

  it("is deterministic for a seed, and another seed gives another catalog", () => {
    const again = buildDemoHistory();
    assert.deepEqual([...again.details], [...history.details]);
    assert.deepEqual(again.changes, history.changes);
    assert.deepEqual([...again.previousDetails], [...history.previousDetails]);
    assert.notDeepEqual(
      [...buildDemoHistory({ seed: 7 }).details.values()].map((m) => m["title"]),
      movies.map((m) => m["title"]),
    );
  });

  it("has a change log over the last six weeks: some movies twice, some revised, some removed", () => {
    // Prepare
    const { changes, previousDetails } = history;
    const ids = changes.map((change) => change.id);

    // Assess: dates
    const dates = changes.map((change) => change.date);
    assert.ok(
      dates.every((date) => date >= "2026-04-21" && date <= "2026-06-01"),
      "a change outside the window",
    );
    assert.deepEqual(dates, [...dates].sort());
    // some movies changed twice; 3 to 7 % of movies changed
    assert.ok(ids.length > new Set(ids).size);
    const changed =
      new Set(ids).size /
      (history.details.size + [...previousDetails.keys()].filter((id) => !history.details.has(id)).length);
    assert.ok(changed > 0.03 && changed < 0.07, `changed share ${changed}`);
    // revised: in the log, with other figures than before; removed: in the log, no details
    const revised = [...previousDetails].filter(([id]) => history.details.has(id));
    const removed = [...previousDetails.keys()].filter((id) => !history.details.has(id));
    assert.ok(
      revised.length > 10 && removed.length > 0,
      `${revised.length} revised, ${removed.length} removed`,
    );
    for (const [id, before] of revised) {
      const after = history.details.get(id) ?? {};
      assert.ok(ids.includes(id));
      assert.ok(
        revenue(after) !== revenue(before) || budget(after) !== budget(before),
        `movie ${id} not revised`,
      );
      assert.ok(Number(after["vote_count"]) > Number(before["vote_count"]));
    }
    for (const id of removed) assert.ok(ids.includes(id));
  });

  it("gives the catalog as it was before its changes", () => {
    const before = historyBeforeChanges(history);
    assert.equal(before.changes, undefined);
    for (const [id, previous] of history.previousDetails) assert.equal(before.details.get(id), previous);
    assert.equal(
      before.details.size,
      history.details.size +
        [...history.previousDetails.keys()].filter((id) => !history.details.has(id)).length,
    );
  });

  it("is served by discover without its adult movies, and by the changes endpoint", async () => {
    const server = await startTmdbServer({ catalog: history });
    try {
      const year = "1995";
      const inYear = movies.filter((m) => yearOf(m) === year);
      const response = await fetch(
        `${server.baseUrl}/discover/movie?primary_release_year=${year}&sort_by=revenue.desc`,
      );
      const body = (await response.json()) as Json;
      const listed = (body["results"] as Json[]).map((item) => item["id"]);
      assert.equal(body["total_results"], inYear.filter((m) => m["adult"] !== true).length);
      assert.deepEqual(
        listed,
        inYear
          .filter((m) => m["adult"] !== true)
          .sort((a, b) => revenue(b) - revenue(a) || Number(a["id"]) - Number(b["id"]))
          .slice(0, TMDB_RESULTS_PER_PAGE)
          .map((m) => m["id"]),
      );
      const changes = await fetch(
        `${server.baseUrl}/movie/changes?start_date=2026-05-18&end_date=2026-06-01`,
      );
      const changed = (await changes.json()) as Json;
      const expected = new Set(history.changes.filter((c) => c.date >= "2026-05-18").map((c) => c.id));
      assert.equal(changed["total_results"], expected.size);
    } finally {
      await server.close();
    }
  });

  it("combines with the popular demo catalog: both lists, every movie, ids disjoint", () => {
    // Prepare
    const popular = buildDemoCatalog();

    // Act
    const both = withHistory(popular, history);

    // Assess
    assert.equal(both.popularPages, popular.popularPages);
    assert.equal(both.details.size, popular.details.size + history.details.size);
    assert.deepEqual(both.changes, history.changes);
    assert.equal(both.synthetic, true);
    assert.throws(() => withHistory(popular, popular), /movie \d+ is in both catalogs/);
    assert.throws(() => buildDemoHistory({ fromYear: 2000, toYear: 1999 }), /fromYear and toYear/);
    assert.throws(() => buildDemoHistory({ adultShare: 2 }), /adultShare must be in 0\.\.1/);
  });

  describe("large preset", () => {
    let large: DemoHistory;
    let generationMs = 0;
    before(function () {
      this.timeout(60_000);
      const started = performance.now();
      large = buildDemoHistory(DEMO_HISTORY_LARGE);
      generationMs = performance.now() - started;
    });

    it("holds more than 10,000 movies with revenue over at least 50 years, generated in about a second", () => {
      const all = [...large.details.values()];
      const withRevenue = all.filter((m) => revenue(m) > 0);
      const years = new Set(withRevenue.map(yearOf).filter((year) => year !== ""));
      console.log(
        `      DEMO_HISTORY_LARGE: ${all.length} movies, ${withRevenue.length} with revenue, ${years.size} years, ` +
          `${large.changes.length} changes; generated in ${Math.round(generationMs)} ms`,
      );
      assert.ok(withRevenue.length > 10_000);
      assert.ok(years.size >= 50);
      assert.ok(Math.min(...[...years].map(Number)) >= FIRST_FILM_YEAR);
    });

    it("has a year whose discover results, and even its movies with revenue, run past 500 pages", async () => {
      // Prepare
      const server = await startTmdbServer({ catalog: large });
      const page = async (query: string) => {
        const started = performance.now();
        const response = await fetch(`${server.baseUrl}/discover/movie?${query}`);
        const body = (await response.json()) as Json;
        return { body, ms: performance.now() - started };
      };
      try {
        // Act: a backfill's requests for the crowded year, at the page limit
        const first = await page("primary_release_year=2019&sort_by=revenue.desc&include_adult=false&page=1");
        const times: number[] = [];
        for (let n = TMDB_MAX_PAGE - 49; n <= TMDB_MAX_PAGE; n += 1) {
          const { body, ms } = await page(
            `primary_release_year=2019&sort_by=revenue.desc&include_adult=false&page=${n}`,
          );
          times.push(ms);
          assert.equal((body["results"] as unknown[]).length, TMDB_RESULTS_PER_PAGE);
        }
        const last = await page(`primary_release_year=2019&sort_by=revenue.desc&page=${TMDB_MAX_PAGE}`);

        // Assess: total_pages > 500, and page 500 still lists movies with revenue (a split is needed)
        const withRevenue = [...large.details.values()].filter(
          (m) => yearOf(m) === "2019" && m["adult"] !== true && revenue(m) > 0,
        );
        assert.ok(
          Number(first.body["total_pages"]) > TMDB_MAX_PAGE,
          `total_pages ${String(first.body["total_pages"])}`,
        );
        assert.ok(
          withRevenue.length > TMDB_MAX_PAGE * TMDB_RESULTS_PER_PAGE,
          `${withRevenue.length} with revenue`,
        );
        const lastIds = new Set((last.body["results"] as Json[]).map((item) => item["id"]));
        assert.ok([...lastIds].every((id) => revenue(large.details.get(id as number) ?? {}) > 0));
        times.sort((a, b) => a - b);
        console.log(
          `      discover on ${large.details.size} movies: first query ${Math.round(first.ms)} ms (index and sort), ` +
            `then median ${times[25]?.toFixed(1)} ms, max ${times[49]?.toFixed(1)} ms a page`,
        );
      } finally {
        await server.close();
      }
    });
  });
});
