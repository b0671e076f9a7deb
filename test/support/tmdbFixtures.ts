/**
 * Access to the vendored TMDB fixtures (`test/fixtures/tmdb/`): recorded real responses and the
 * response schemas of the official OpenAPI description, with JSON Schema validation through ajv.
 */
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";

export const TMDB_FIXTURE_DIR = new URL("../fixtures/tmdb/", import.meta.url);

/** Recorded `GET /movie/{id}` responses (official spec example and live recordings). */
export const RECORDED_DETAILS = [
  "movie-details-11.spec-example.json",
  "tmdblib_2019_recorded_movie_47964_details.json",
  "tmdblib_recorded_movie_47964_details.json",
] as const;

/** Recorded `GET /movie/popular` responses (trimmed to 3 results). */
export const RECORDED_POPULAR = [
  "movie-popular.spec-example-trimmed.json",
  "tmdblib_recorded_movie_popular_page1_trimmed.json",
] as const;

/** A recorded response, parsed. */
export function readExample(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`examples/${name}`, TMDB_FIXTURE_DIR), "utf8")) as Record<
    string,
    unknown
  >;
}

/** `GET /discover/movie`: the official spec's example (trimmed to 3 results). */
export const SPEC_DISCOVER_EXAMPLE = "discover-movie.spec-example-trimmed.json";

/** `GET /movie/changes`: the official spec's example (trimmed to 5 results). */
export const SPEC_CHANGES_EXAMPLE = "official_spec_movie_changes_trimmed.json";

/** The operations of the subset the popular-list extractor was first written against. */
export type SubsetOperationId = "movie-popular-list" | "movie-details";

/** Every operation of the vendored subset (`scripts/sync-tmdb-fixtures.ts`' SUBSET_OPERATIONS). */
export type SpecOperationId = SubsetOperationId | "discover-movie" | "changes-movie-list";

interface SpecSubset {
  operations: Record<SpecOperationId, { schema: Record<string, unknown> }>;
}

/** The vendored subset of TMDB's OpenAPI description. */
export function readSpecSubset(): SpecSubset {
  return JSON.parse(readFileSync(new URL("openapi-subset.json", TMDB_FIXTURE_DIR), "utf8")) as SpecSubset;
}

/**
 * The official response schema of `operationId`, with each path in `nullable` (`a.b[].c` notation)
 * also accepting `null`. Throws when a path does not exist in the schema, so the list cannot rot.
 */
export function specSchema(
  operationId: SpecOperationId,
  nullable: readonly string[] = [],
): Record<string, unknown> {
  const schema = structuredClone(readSpecSubset().operations[operationId].schema);
  for (const path of nullable) {
    let node: Record<string, unknown> = schema;
    for (const segment of path.split(".")) {
      const isArray = segment.endsWith("[]");
      const name = isArray ? segment.slice(0, -2) : segment;
      const properties = node["properties"] as Record<string, Record<string, unknown>> | undefined;
      const child = properties?.[name];
      if (!child) throw new Error(`${operationId}: nullable path "${path}" is not in the official schema`);
      node = isArray ? (child["items"] as Record<string, unknown>) : child;
      if (!node) throw new Error(`${operationId}: "${segment}" in "${path}" is not an array`);
    }
    const type = node["type"];
    node["type"] = Array.isArray(type) ? [...new Set([...type, "null"])] : [type, "null"];
  }
  return schema;
}

/** Validates `data` against {@link specSchema}; returns ajv's errors (empty when valid). */
export function validateAgainstSpec(
  operationId: SpecOperationId,
  data: unknown,
  nullable: readonly string[] = [],
): ErrorObject[] {
  // The official schemas carry `example` annotations and some `default`s that do not match their type
  // (e.g. "false" for a boolean); neither affects validation, so strict mode is relaxed for them.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(specSchema(operationId, nullable));
  return validate(data) ? [] : (validate.errors ?? []);
}
