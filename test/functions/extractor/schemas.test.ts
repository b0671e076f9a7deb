import assert from "node:assert/strict";
import {
  KNOWN_NULLABLE_FIELDS,
  MovieDetailsSchema,
  PopularMovieSchema,
  PopularPageSchema,
} from "../../../functions/extractor/schemas";
import {
  RECORDED_DETAILS,
  RECORDED_POPULAR,
  readExample,
  validateAgainstSpec,
  type SubsetOperationId,
} from "../../support/tmdbFixtures";

/** Sets the value at an `a.b[].c` path (every array item) to null; returns false when nothing was set. */
function setNull(target: Record<string, unknown>, path: string): boolean {
  const [head, ...rest] = path.split(".");
  if (head === undefined) return false;
  const isArray = head.endsWith("[]");
  const key = isArray ? head.slice(0, -2) : head;
  if (!(key in target)) return false;
  if (rest.length === 0) {
    target[key] = null;
    return true;
  }
  const children = isArray
    ? (target[key] as Record<string, unknown>[])
    : [target[key] as Record<string, unknown>];
  return children.map((child) => setNull(child, rest.join("."))).some(Boolean);
}

describe("TMDB response schemas", () => {
  describe("recorded real responses", () => {
    for (const name of RECORDED_DETAILS) {
      it(`${name} passes the official movie-details schema (with the known nullable fields) and MovieDetailsSchema`, () => {
        const response = readExample(name);
        assert.deepEqual(
          validateAgainstSpec("movie-details", response, KNOWN_NULLABLE_FIELDS["movie-details"]),
          [],
        );
        const parsed = MovieDetailsSchema.safeParse(response);
        assert.ok(parsed.success, parsed.error?.message);
      });
    }

    for (const name of RECORDED_POPULAR) {
      it(`${name} passes the official movie-popular-list schema and PopularPageSchema`, () => {
        const response = readExample(name);
        assert.deepEqual(
          validateAgainstSpec("movie-popular-list", response, KNOWN_NULLABLE_FIELDS["movie-popular-list"]),
          [],
        );
        const page = PopularPageSchema.parse(response);
        for (const entry of page.results) assert.ok(PopularMovieSchema.safeParse(entry).success);
      });
    }

    it("needs the nullable list: live recordings carry nulls the official schema forbids", () => {
      const live = readExample("tmdblib_recorded_movie_47964_details.json");
      const errors = validateAgainstSpec("movie-details", live);
      assert.ok(errors.some((e) => /^\/production_companies\/\d+\/logo_path$/.test(e.instancePath)));
    });

    it("accepts TMDB's quirks: unknown fields, zeros and an empty release_date", () => {
      const quirky = {
        ...readExample("tmdblib_recorded_movie_47964_details.json"),
        release_date: "",
        budget: 0,
        revenue: 0,
        vote_average: 0,
        vote_count: 0,
        popularity: 0,
        runtime: 0,
        some_future_field: { anything: true },
      };
      assert.ok(MovieDetailsSchema.safeParse(quirky).success);
      assert.deepEqual(
        validateAgainstSpec("movie-details", quirky, KNOWN_NULLABLE_FIELDS["movie-details"]),
        [],
      );
    });
  });

  describe("KNOWN_NULLABLE_FIELDS", () => {
    const cases: [SubsetOperationId, string, () => Record<string, unknown>][] = [
      ...KNOWN_NULLABLE_FIELDS["movie-details"].map(
        (path) => ["movie-details", path, () => readExample("movie-details-11.spec-example.json")] as const,
      ),
      ...KNOWN_NULLABLE_FIELDS["movie-popular-list"].map(
        (path) =>
          ["movie-popular-list", path, () => readExample("movie-popular.spec-example-trimmed.json")] as const,
      ),
    ].map(([op, path, load]) => [op, path, load]);

    for (const [operationId, path, load] of cases) {
      it(`${operationId} ${path}: null is rejected by the official schema and accepted with the list and by zod`, () => {
        const response = load();
        assert.ok(setNull(response, path), `${path} not present in the recording`);
        assert.notDeepEqual(
          validateAgainstSpec(operationId, response),
          [],
          "the official schema already allows null",
        );
        assert.deepEqual(validateAgainstSpec(operationId, response, KNOWN_NULLABLE_FIELDS[operationId]), []);
        if (operationId === "movie-details") {
          const parsed = MovieDetailsSchema.safeParse(response);
          assert.ok(parsed.success, parsed.error?.message);
        } else {
          const page = PopularPageSchema.parse(response);
          for (const entry of page.results) assert.ok(PopularMovieSchema.safeParse(entry).success);
        }
      });
    }
  });

  describe("MovieDetailsSchema", () => {
    const base = () => readExample("movie-details-11.spec-example.json");
    const invalid: [string, (r: Record<string, unknown>) => void, RegExp][] = [
      ["a missing id", (r) => delete r["id"], /^id$/],
      ["a string budget", (r) => (r["budget"] = "11000000"), /^budget$/],
      ["a negative revenue", (r) => (r["revenue"] = -1), /^revenue$/],
      ["a fractional budget", (r) => (r["budget"] = 1.5), /^budget$/],
      ["a malformed release_date", (r) => (r["release_date"] = "1977"), /^release_date$/],
      ["genres that are not a list", (r) => (r["genres"] = "Adventure"), /^genres$/],
      ["a genre without a name", (r) => (r["genres"] = [{ id: 12 }]), /^genres\.0\.name$/],
      ["a vote_average above 10", (r) => (r["vote_average"] = 10.5), /^vote_average$/],
    ];
    for (const [what, mutate, path] of invalid) {
      it(`rejects ${what}`, () => {
        const record = base();
        mutate(record);
        const parsed = MovieDetailsSchema.safeParse(record);
        assert.ok(!parsed.success);
        assert.ok(
          parsed.error.issues.some((i) => path.test(i.path.join("."))),
          parsed.error.message,
        );
      });
    }
  });
});
