import assert from "node:assert/strict";
import { KNOWN_NULLABLE_FIELDS } from "../../functions/extractor/schemas";
import { startTmdbServer, type TmdbServer } from "../../servers/tmdbServer";
import { buildCatalog, movieDetails, movieRange } from "../support/catalog";
import { readExample, validateAgainstSpec } from "../support/tmdbFixtures";

describe("TMDB-compatible server", () => {
  let server: TmdbServer;
  const movies = [
    ...movieRange(25, 1),
    movieDetails(26, { belongs_to_collection: null, imdb_id: null, homepage: null, release_date: "" }),
  ];
  before(async () => {
    server = await startTmdbServer({ catalog: buildCatalog(movies), token: "t" });
  });
  after(() => server.close());

  const get = async (path: string, token = "t") => {
    const response = await fetch(`${server.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  it("serves popular pages that validate against the official schema", async () => {
    for (const page of [1, 2]) {
      const { status, type, body } = await get(`/movie/popular?page=${page}`);
      assert.equal(status, 200);
      assert.match(type ?? "", /^application\/json/);
      assert.deepEqual(validateAgainstSpec("movie-popular-list", body), []);
      assert.deepEqual(
        { page: body["page"], total_pages: body["total_pages"], total_results: body["total_results"] },
        { page, total_pages: 2, total_results: 26 },
      );
    }
    const { body } = await get("/movie/popular?page=1");
    assert.equal((body["results"] as unknown[]).length, 20);
  });

  it("serves details that validate against the official schema (with the known nullable fields)", async () => {
    for (const id of [1, 26]) {
      const { status, body } = await get(`/movie/${id}`);
      assert.equal(status, 200);
      assert.deepEqual(
        validateAgainstSpec("movie-details", body, KNOWN_NULLABLE_FIELDS["movie-details"]),
        [],
      );
      assert.deepEqual(body, movies[id - 1]);
    }
  });

  it("answers with TMDB's error bodies", async () => {
    const recorded404 = readExample("tmdblib_recorded_movie_404_error.json");
    assert.deepEqual(await get("/movie/999"), {
      status: 404,
      type: "application/json;charset=utf-8",
      body: recorded404["body"],
    });
    const unauthorized = await get("/movie/1", "wrong");
    assert.equal(unauthorized.status, 401);
    assert.deepEqual([unauthorized.body["success"], unauthorized.body["status_code"]], [false, 7]);
    for (const page of ["0", "501", "x"]) {
      const invalid = await get(`/movie/popular?page=${page}`);
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body["status_code"], 22);
    }
    const beyond = await get("/movie/popular?page=3");
    assert.deepEqual(beyond.body["results"], []);
  });

  it("answers 429 with status_code 25 above its rate limit", async () => {
    const limited = await startTmdbServer({ catalog: buildCatalog(movies), rateLimitPerSecond: 3 });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 5 }, () =>
          fetch(`${limited.baseUrl}/movie/1`).then(async (r) => [
            r.status,
            ((await r.json()) as Record<string, unknown>)["status_code"],
          ]),
        ),
      );
      assert.deepEqual(statuses.filter(([s]) => s === 200).length, 3);
      assert.deepEqual(statuses.filter(([s, c]) => s === 429 && c === 25).length, 2);
      assert.equal(limited.stats.rateLimited, 2);
    } finally {
      await limited.close();
    }
  });
});
