import assert from "node:assert/strict";
import { TMDB_MAX_PAGE, TMDB_RESULTS_PER_PAGE } from "../../contract/pipeline";
import { KNOWN_NULLABLE_FIELDS } from "../../functions/extractor/schemas";
import { popularListItem } from "../../servers/demoCatalog";
import { startTmdbServer, type TmdbServer } from "../../servers/tmdbServer";
import type { TmdbCatalog } from "../../servers/tmdbCatalog";
import { buildCatalog, movieDetails } from "../support/catalog";
import { readExample, SPEC_DISCOVER_EXAMPLE, validateAgainstSpec } from "../support/tmdbFixtures";

type Json = Record<string, unknown>;

/** 2001: 45 movies (3 adult), revenue in ties of three; 2002: 5 movies; 4 movies without a release date. */
function discoverMovies(): Json[] {
  const movies: Json[] = [];
  for (let i = 0; i < 45; i += 1) {
    const day = String((i % 28) + 1).padStart(2, "0");
    const month = String((i % 12) + 1).padStart(2, "0");
    movies.push(
      movieDetails(100 + i, {
        release_date: `2001-${month}-${day}`,
        revenue: i < 30 ? 1_000_000 * Math.floor(i / 3) : 0,
        popularity: (i * 7) % 20,
        adult: i % 15 === 7,
      }),
    );
  }
  for (let i = 0; i < 5; i += 1) movies.push(movieDetails(200 + i, { release_date: `2002-01-0${i + 1}` }));
  for (let i = 0; i < 4; i += 1) movies.push(movieDetails(300 + i, { release_date: "" }));
  return movies;
}

describe("TMDB-compatible server: GET /discover/movie", () => {
  const movies = discoverMovies();
  // The popular list holds 20 of them; discover finds every movie of the catalog's details.
  const catalog: TmdbCatalog = {
    ...buildCatalog(movies.slice(0, 20)),
    details: new Map(movies.map((m) => [m["id"] as number, m])),
  };
  let server: TmdbServer;
  before(async () => {
    server = await startTmdbServer({ catalog });
  });
  after(() => server.close());

  const get = async (query: string) => {
    const response = await fetch(`${server.baseUrl}/discover/movie?${query}`);
    return { status: response.status, body: (await response.json()) as Json };
  };
  const ids = (body: Json) => (body["results"] as Json[]).map((item) => item["id"] as number);
  /** Every page of a query, in order, until an empty page. */
  const allIds = async (query: string) => {
    const found: number[] = [];
    for (let page = 1; ; page += 1) {
      const { body } = await get(`${query}&page=${page}`);
      if ((body["results"] as unknown[]).length === 0) return found;
      found.push(...ids(body));
    }
  };
  const expected = (filter: (movie: Json) => boolean, key: "revenue" | "popularity", direction: 1 | -1) =>
    movies
      .filter(filter)
      .sort(
        (a, b) =>
          direction * ((a[key] as number) - (b[key] as number)) || (a["id"] as number) - (b["id"] as number),
      )
      .map((movie) => movie["id"] as number);
  const year = (y: string) => (movie: Json) => String(movie["release_date"]).startsWith(y);
  const notAdult = (movie: Json) => movie["adult"] !== true;

  it("serves pages that validate against the official schema, 20 list items a page without figures", async () => {
    // Act
    const { status, body } = await get("primary_release_year=2001&sort_by=revenue.desc&page=1");

    // Assess
    assert.equal(status, 200);
    assert.deepEqual(
      validateAgainstSpec("discover-movie", body, KNOWN_NULLABLE_FIELDS["movie-popular-list"]),
      [],
    );
    const results = body["results"] as Json[];
    assert.equal(results.length, TMDB_RESULTS_PER_PAGE);
    const official = readExample(SPEC_DISCOVER_EXAMPLE)["results"] as Json[];
    for (const item of results) {
      for (const key of Object.keys(official[0] ?? {})) assert.ok(key in item, `list item lacks ${key}`);
      assert.ok(!("revenue" in item) && !("budget" in item), "list items carry no figures");
      assert.deepEqual(item, popularListItem(catalog.details.get(item["id"] as number) ?? {}));
    }
    assert.deepEqual(
      { page: body["page"], total_pages: body["total_pages"], total_results: body["total_results"] },
      { page: 1, total_pages: 3, total_results: 42 },
    );
  });

  it("filters by primary_release_year and by inclusive primary_release_date ranges", async () => {
    assert.deepEqual(
      (await allIds("primary_release_year=2002&sort_by=popularity.desc")).sort(),
      [200, 201, 202, 203, 204],
    );
    const range = await allIds("primary_release_date.gte=2001-12-01&primary_release_date.lte=2002-01-02");
    assert.deepEqual(
      range.sort(),
      movies
        .filter((m) => notAdult(m) && m["release_date"] !== "")
        .filter(
          (m) =>
            (m["release_date"] as string) >= "2001-12-01" && (m["release_date"] as string) <= "2002-01-02",
        )
        .map((m) => m["id"])
        .sort(),
    );
    assert.ok(range.includes(201) && !range.includes(202), "lte is inclusive");
    const open = await allIds("primary_release_date.gte=2002-01-05");
    assert.deepEqual(open, [204]);
    // Within a year: the date range narrows it.
    const both = await allIds("primary_release_year=2001&primary_release_date.lte=2001-01-31");
    assert.deepEqual(
      both.sort(),
      movies
        .filter((m) => notAdult(m) && String(m["release_date"]).startsWith("2001-01"))
        .map((m) => m["id"])
        .sort(),
    );
  });

  it("lists movies without a release date only when neither a year nor a date range is asked for", async () => {
    const everything = await allIds("sort_by=popularity.desc");
    assert.equal(everything.length, movies.filter(notAdult).length);
    for (const id of [300, 301, 302, 303]) assert.ok(everything.includes(id));
    const dated = await allIds("primary_release_date.gte=1900-01-01");
    assert.ok([300, 301, 302, 303].every((id) => !dated.includes(id)));
  });

  it("leaves adult movies out unless include_adult=true", async () => {
    const adult = movies.filter((m) => m["adult"] === true).map((m) => m["id"]);
    assert.equal(adult.length, 3);
    const without = await allIds("primary_release_year=2001&include_adult=false");
    const withAdult = await allIds("primary_release_year=2001&include_adult=true");
    assert.ok(adult.every((id) => !without.includes(id as number)));
    assert.ok(adult.every((id) => withAdult.includes(id as number)));
    assert.equal(withAdult.length, 45);
  });

  it("sorts by revenue and popularity in both directions, ties broken by id, across pages", async () => {
    // revenue comes in ties of three and popularity repeats: the id decides within a tie
    for (const [sort, key, direction] of [
      ["revenue.desc", "revenue", -1],
      ["revenue.asc", "revenue", 1],
      ["popularity.desc", "popularity", -1],
      ["popularity.asc", "popularity", 1],
    ] as const) {
      assert.deepEqual(
        await allIds(`primary_release_year=2001&sort_by=${sort}`),
        expected((m) => year("2001")(m) && notAdult(m), key, direction),
        sort,
      );
    }
    // TMDB's default order is popularity.desc
    assert.deepEqual(
      await allIds("primary_release_year=2001"),
      expected((m) => year("2001")(m) && notAdult(m), "popularity", -1),
    );
  });

  it("refuses bad parameters with TMDB's error bodies", async () => {
    const error = (status: number, code: number) => ({ status, code });
    const answer = async (query: string) => {
      const { status, body } = await get(query);
      assert.equal(body["success"], false, query);
      assert.equal(typeof body["status_message"], "string");
      return error(status, body["status_code"] as number);
    };
    for (const page of ["0", "501", "x", "1.5"])
      assert.deepEqual(await answer(`page=${page}`), error(400, 22));
    for (const date of ["2019-13-01", "2019-02-30", "20190101", "2019-1-1"]) {
      assert.deepEqual(await answer(`primary_release_date.gte=${date}`), error(400, 23));
      assert.deepEqual(await answer(`primary_release_date.lte=${date}`), error(400, 23));
    }
    for (const sort of ["title.asc", "revenue", "vote_count.desc"]) {
      assert.deepEqual(await answer(`sort_by=${sort}`), error(422, 5));
    }
    assert.deepEqual(await answer("primary_release_year=abc"), error(422, 5));
    const { body } = await get("primary_release_date.gte=2019-02-30");
    assert.deepEqual(body, {
      success: false,
      status_code: 23,
      status_message: "Invalid date: Format needs to be YYYY-MM-DD.",
    });
  });

  it("injects faults by year and page, including a year split by date ranges", async () => {
    // Prepare
    server.injectFault({
      target: { endpoint: "discover", year: 2001, page: 2 },
      effect: { type: "serverError", status: 503 },
      times: 2,
    });
    server.injectFault({
      target: { endpoint: "discover", year: 2002 },
      effect: { type: "rateLimited", retryAfterSeconds: 1 },
      times: 1,
    });
    try {
      // Act, Assess
      assert.equal((await get("primary_release_year=2001&page=1")).status, 200);
      assert.equal((await get("primary_release_year=2001&page=2")).status, 503);
      assert.equal(
        (await get("primary_release_date.gte=2001-01-01&primary_release_date.lte=2001-06-30&page=2")).status,
        503,
      );
      assert.equal((await get("primary_release_year=2001&page=2")).status, 200);
      const limited = await fetch(`${server.baseUrl}/discover/movie?primary_release_year=2002`);
      assert.deepEqual([limited.status, limited.headers.get("retry-after")], [429, "1"]);
      assert.equal((await get("primary_release_year=2002")).status, 200);
    } finally {
      server.clearFaults();
    }
  });

  it("reports totals past 500 pages, refuses page 501, and has no results past the last page", async () => {
    // Prepare: 10,050 movies of one year
    const many = new Map<number, Json>();
    for (let id = 1; id <= 10_050; id += 1) {
      many.set(id, { id, adult: false, release_date: "2010-06-01", revenue: id % 7, popularity: id % 11 });
    }
    const big = await startTmdbServer({ catalog: { popularPages: [], details: many, synthetic: true } });
    try {
      const page = async (n: number) => {
        const response = await fetch(
          `${big.baseUrl}/discover/movie?primary_release_year=2010&sort_by=revenue.desc&page=${n}`,
        );
        return { status: response.status, body: (await response.json()) as Json };
      };

      // Act
      const last = await page(TMDB_MAX_PAGE);
      const beyond = await page(TMDB_MAX_PAGE + 1);

      // Assess
      assert.deepEqual([last.body["total_pages"], last.body["total_results"]], [503, 10_050]);
      assert.equal((last.body["results"] as unknown[]).length, TMDB_RESULTS_PER_PAGE);
      assert.deepEqual([beyond.status, (beyond.body as Json)["status_code"]], [400, 22]);
      const empty = await get("primary_release_year=2002&page=2");
      assert.deepEqual(
        [empty.body["results"], empty.body["total_pages"], empty.body["total_results"]],
        [[], 1, 5],
      );
    } finally {
      await big.close();
    }
  });
});
