import * as z from "zod";

/**
 * Fields TMDB's official OpenAPI description types as non-null although real responses carry `null`,
 * per operation id. Paths use `.` for properties and `[]` for array items. The tests apply this list to
 * the official response schemas and check every recorded real response against the result.
 */
export const KNOWN_NULLABLE_FIELDS = {
  "movie-popular-list": ["results[].backdrop_path", "results[].poster_path"],
  "movie-details": [
    "backdrop_path",
    "poster_path",
    "belongs_to_collection",
    "belongs_to_collection.poster_path",
    "belongs_to_collection.backdrop_path",
    "homepage",
    "imdb_id",
    "production_companies[].logo_path",
  ],
} as const satisfies Record<string, readonly string[]>;

const nullableString = z.string().nullable();
/** `release_date` is `YYYY-MM-DD`, or an empty string when unknown. */
const releaseDate = z.union([z.literal(""), z.iso.date()], {
  error: 'must be a date "YYYY-MM-DD" or an empty string',
});
const count = z.int().nonnegative();
const money = z.int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * One entry of `GET /movie/popular` `results`. Only the id is needed (details are fetched per id), so
 * only the id is required; unknown fields are accepted.
 */
export const PopularMovieSchema = z.looseObject({
  id: z.int().positive(),
  title: z.string().optional(),
  backdrop_path: nullableString.optional(),
  poster_path: nullableString.optional(),
});

/** The `GET /movie/popular` envelope; `results` entries are validated one by one with {@link PopularMovieSchema}. */
export const PopularPageSchema = z.looseObject({
  page: z.int().positive(),
  results: z.array(z.unknown()),
  total_pages: count,
  total_results: count,
});
export type PopularPage = z.infer<typeof PopularPageSchema>;

const Genre = z.looseObject({ id: z.int().positive(), name: z.string() });
const Collection = z.looseObject({
  id: z.int().positive(),
  name: z.string(),
  poster_path: nullableString.optional(),
  backdrop_path: nullableString.optional(),
});
const Company = z.looseObject({ id: z.int(), name: z.string(), logo_path: nullableString.optional() });

/**
 * `GET /movie/{id}` as TMDB really sends it. Fields the warehouse uses are required and typed; the
 * known-nullable ones accept `null`; zeros (budget, revenue, votes, popularity) and an empty
 * `release_date` are valid; unknown fields (e.g. `softcore`) are accepted and kept.
 */
export const MovieDetailsSchema = z.looseObject({
  id: z.int().positive(),
  title: z.string(),
  original_title: z.string().optional(),
  original_language: z.string(),
  status: z.string().optional(),
  release_date: releaseDate,
  budget: money,
  revenue: money,
  runtime: z.int().nonnegative().nullable().optional(),
  popularity: z.number().nonnegative(),
  vote_average: z.number().min(0).max(10),
  vote_count: count,
  genres: z.array(Genre),
  adult: z.boolean().optional(),
  backdrop_path: nullableString.optional(),
  poster_path: nullableString.optional(),
  belongs_to_collection: Collection.nullable().optional(),
  homepage: nullableString.optional(),
  imdb_id: nullableString.optional(),
  production_companies: z.array(Company).optional(),
});
export type MovieDetails = z.infer<typeof MovieDetailsSchema>;

/** One line per issue: `budget: Invalid input: expected int, received string`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}
