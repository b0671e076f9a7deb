import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  KNOWN_NULLABLE_FIELDS,
  MovieDetailsSchema,
  PopularMovieSchema,
} from "../../functions/extractor/schemas";
import { buildDemoCatalog, SYNTHETIC_MARKER, TMDB_MOVIE_GENRES } from "../../servers/demoCatalog";
import { Ajv2020 } from "ajv/dist/2020.js";
import { specSchema } from "../support/tmdbFixtures";
import { dbtProjectVar } from "../../local/dbt";

/** Every field of a real `GET /movie/{id}` response (the recorded 2025-26 response has them all). */
const DETAILS_FIELDS = [
  "adult",
  "backdrop_path",
  "belongs_to_collection",
  "budget",
  "genres",
  "homepage",
  "id",
  "imdb_id",
  "origin_country",
  "original_language",
  "original_title",
  "overview",
  "popularity",
  "poster_path",
  "production_companies",
  "production_countries",
  "release_date",
  "revenue",
  "runtime",
  "spoken_languages",
  "status",
  "tagline",
  "title",
  "video",
  "vote_average",
  "vote_count",
];

describe("demo catalog", () => {
  const catalog = buildDemoCatalog();
  const details = [...catalog.details.values()];

  it("is deterministic and prefix-stable", () => {
    const again = buildDemoCatalog();
    assert.deepEqual(again.popularPages, catalog.popularPages);
    assert.deepEqual([...again.details], [...catalog.details]);
    const shorter = buildDemoCatalog({ pages: 5 });
    assert.deepEqual(shorter.popularPages, catalog.popularPages.slice(0, 5));
    assert.notDeepEqual(buildDemoCatalog({ seed: 1 }).popularPages, catalog.popularPages);
  });

  it("stays byte-identical for the seeds the golden files and benchmarks use", () => {
    // Prepare: SHA-256 of the catalogs as built before the history generator shared makeMovie
    const pinned = [
      {
        seed: 20260601,
        pages: 25,
        sha256: "9fd796ef14aa588ad8692489116d9777bb276d281f8f1692c476ae0ab75867f6",
      },
      { seed: 2, pages: 4, sha256: "2c53ef2a9047f2ee1c56e5771fd572f81a945a16fb9e0bff6e01d4dd5276d5bc" },
      { seed: 7, pages: 500, sha256: "487efb79762007ebcd04331d8d659a3753dcf08d793dba1c3756a2245ea8440f" },
    ];

    // Act
    const hashes = pinned.map(({ seed, pages }) => {
      const built = buildDemoCatalog({ seed, pages });
      const json = JSON.stringify({
        p: built.popularPages,
        d: [...built.details],
        t: built.totalResults,
        s: built.synthetic,
      });
      return { seed, pages, sha256: createHash("sha256").update(json).digest("hex") };
    });

    // Assess
    assert.deepEqual(hashes, pinned);
  });

  it("lists 20 results a page, every listed id has details, and the list shifts between pages", () => {
    assert.equal(catalog.popularPages.length, 25);
    for (const page of catalog.popularPages) assert.equal(page.length, 20);
    const ids = catalog.popularPages.flat().map((item) => item["id"] as number);
    for (const id of ids) assert.ok(catalog.details.has(id), `no details for listed id ${id}`);
    assert.ok(ids.length > new Set(ids).size, "no id appears on two pages");
    catalog.popularPages.slice(1).forEach((page, i) => {
      const previous = catalog.popularPages[i] ?? [];
      const repeated = page.filter((item) => previous.some((other) => other["id"] === item["id"]));
      for (const item of repeated) assert.equal(item["id"], previous[previous.length - 1]?.["id"]);
    });
  });

  it("has every field of a real details response, TMDB's genre ids and English names, and the synthetic marker", () => {
    const genreNames = new Map(TMDB_MOVIE_GENRES.map((genre) => [genre.id, genre.name]));
    for (const movie of details) {
      for (const field of DETAILS_FIELDS)
        assert.ok(field in movie, `movie ${String(movie["id"])} lacks ${field}`);
      assert.equal(movie[SYNTHETIC_MARKER], true);
      for (const genre of movie["genres"] as { id: number; name: string }[])
        assert.equal(genre.name, genreNames.get(genre.id));
    }
    for (const item of catalog.popularPages.flat()) assert.equal(item[SYNTHETIC_MARKER], true);
  });

  it("validates against TMDB's official schemas (with the known nullable fields) and the extractor's", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validDetails = ajv.compile(specSchema("movie-details", KNOWN_NULLABLE_FIELDS["movie-details"]));
    const validPage = ajv.compile(
      specSchema("movie-popular-list", KNOWN_NULLABLE_FIELDS["movie-popular-list"]),
    );
    for (const movie of details) {
      assert.ok(validDetails(movie), JSON.stringify(validDetails.errors));
      assert.ok(
        MovieDetailsSchema.safeParse(movie).success,
        `movie ${String(movie["id"])} fails the extractor schema`,
      );
    }
    catalog.popularPages.forEach((results, i) => {
      const page = { page: i + 1, results, total_pages: catalog.popularPages.length, total_results: 500 };
      assert.ok(validPage(page), JSON.stringify(validPage.errors));
      for (const item of results) assert.ok(PopularMovieSchema.safeParse(item).success);
    });
  });

  it("carries TMDB's dirt: zeros, figures in millions, empty dates, nulls, multi-genre and genre-less movies", () => {
    const count = (predicate: (movie: Record<string, unknown>) => boolean) =>
      details.filter(predicate).length;
    assert.ok(count((m) => m["budget"] === 0 && m["revenue"] === 0) > 0, "no movie without figures");
    assert.ok(count((m) => m["budget"] !== 0 && m["revenue"] === 0) > 0, "no movie with unknown revenue");
    assert.ok(count((m) => m["budget"] === 0 && m["revenue"] !== 0) > 0, "no movie with unknown budget");
    assert.ok(
      count((m) => Number(m["budget"]) > 0 && Number(m["budget"]) < 1000) > 0,
      "no budget in millions",
    );
    assert.ok(count((m) => m["release_date"] === "") > 0, "no empty release_date");
    for (const field of ["belongs_to_collection", "imdb_id", "poster_path", "backdrop_path"]) {
      assert.ok(count((m) => m[field] === null) > 0, `no null ${field}`);
    }
    assert.ok(count((m) => (m["genres"] as unknown[]).length >= 3) > 0, "no multi-genre movie");
    assert.ok(count((m) => (m["genres"] as unknown[]).length === 0) > 0, "no movie without genre");
    assert.ok(
      count((m) => Number(m["revenue"]) > 0 && Number(m["revenue"]) < Number(m["budget"])) > 20,
      "too few flops",
    );
  });

  it("spreads budgets over orders of magnitude", () => {
    const budgets = details.map((m) => Number(m["budget"])).filter((b) => b >= 1000);
    assert.ok(Math.min(...budgets) < 2_000_000 && Math.max(...budgets) > 150_000_000);
  });

  it("gives most genres enough movies with plausible figures to pass the mart's threshold", () => {
    // Prepare: the mart's two thresholds, from the dbt project
    const minMovies = Number(dbtProjectVar("min_movies_per_genre"));
    const minUsd = Number(dbtProjectVar("min_plausible_usd"));

    // Act: per genre, the movies whose budget and revenue are both plausible
    const counts = new Map<string, number>();
    for (const movie of details) {
      if (Number(movie["budget"]) < minUsd || Number(movie["revenue"]) < minUsd) continue;
      for (const genre of new Set((movie["genres"] as { name: string }[]).map((g) => g.name)))
        counts.set(genre, (counts.get(genre) ?? 0) + 1);
    }

    // Assess
    const passing = [...counts.values()].filter((count) => count >= minMovies).length;
    assert.ok(passing >= 15, `only ${passing} of ${TMDB_MOVIE_GENRES.length} genres pass`);
  });
});
