/**
 * The pipeline's contract: the values every part must agree on, defined once. The extractor, the
 * Pulumi components, the local stack and the tests import them from here; Pulumi.yaml's defaults
 * and the dbt project's raw-table DDL are checked against them by the test suite.
 */

/** TMDB serves at most this many pages of any list endpoint (`page` 1..500). */
export const TMDB_MAX_PAGE = 500;

/** Movies TMDB lists per page. */
export const TMDB_RESULTS_PER_PAGE = 20;

/** Key prefix the extractor lands NDJSON files under and the pipe loads from (default of `rawPrefix`). */
export const DEFAULT_RAW_PREFIX = "raw/movies/";

/** Key prefix of quarantined records (default of `rejectPrefix`); never under the raw prefix. */
export const DEFAULT_REJECT_PREFIX = "rejects/movies/";

/**
 * Key prefix of the extractor's checkpoints (backfill progress, the end of the last changes run):
 * never under the raw prefix, so the pipe never sees them.
 */
export const DEFAULT_STATE_PREFIX = "state/";

/** The longest window `GET /movie/changes` accepts, in days (TMDB's limit). */
export const TMDB_CHANGES_MAX_DAYS = 14;

/** The first year a backfill covers by default: the year of the oldest films TMDB lists. */
export const FIRST_FILM_YEAR = 1874;

/** Records per landed object at most; a backfill year with more lands several objects. */
export const MAX_RECORDS_PER_OBJECT = 5000;

/** Suffix of the object keys the pipe loads (the bucket notification's filter). */
export const RAW_FILE_SUFFIX = ".json";

/**
 * Why two key prefixes may not be used together as raw and reject prefixes, or undefined when they
 * may: quarantined records must never reach the pipe, and landed files must never be quarantined.
 */
export function prefixOverlapProblem(rawPrefix: string, rejectPrefix: string): string | undefined {
  if (rejectPrefix.startsWith(rawPrefix) || rawPrefix.startsWith(rejectPrefix)) {
    return `must not overlap the raw prefix "${rawPrefix}": quarantined records must never reach the pipe`;
  }
  return undefined;
}

/**
 * Why the extractor's checkpoints cannot live under `statePrefix`, or undefined when they can: the
 * prefix may overlap neither the raw prefix (the pipe would try to load checkpoints) nor the reject
 * prefix (checkpoints would read as quarantined records). Overlap is {@link prefixOverlapProblem}'s
 * rule, in both directions.
 */
export function statePrefixProblem(prefixes: {
  rawPrefix: string;
  rejectPrefix: string;
  statePrefix: string;
}): string | undefined {
  const overlaps = (prefix: string) => prefixOverlapProblem(prefix, prefixes.statePrefix) !== undefined;
  if (overlaps(prefixes.rawPrefix)) {
    return `must not overlap the raw prefix "${prefixes.rawPrefix}": the pipe would try to load the checkpoints`;
  }
  if (overlaps(prefixes.rejectPrefix)) {
    return `must not overlap the reject prefix "${prefixes.rejectPrefix}": checkpoints are no quarantined records`;
  }
  return undefined;
}

/** Schema and name of the raw table (Snowflake upper-cases the unquoted names: RAW.MOVIES). */
export const RAW_TABLE = { schema: "raw", name: "movies" } as const;

/** One column of the raw table, with its type on each warehouse. */
export interface RawTableColumn {
  /** Column name, lower case (Snowflake stores it upper-cased). */
  name: string;
  /** Type in Snowflake's RAW.MOVIES, as Snowflake reports it. */
  snowflakeType: string;
  /** Type in the local DuckDB warehouse's raw.movies. */
  duckdbType: string;
  /** What the column holds. */
  comment: string;
}

/**
 * Columns of the raw table, in order: each NDJSON line as loaded by the pipe's COPY, plus the file
 * metadata Snowpipe adds (METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, METADATA$START_SCAN_TIME).
 */
export const RAW_TABLE_COLUMNS: readonly RawTableColumn[] = [
  {
    name: "record",
    snowflakeType: "VARIANT",
    duckdbType: "json",
    comment: "One TMDB movie details object, as received",
  },
  {
    name: "source_file",
    snowflakeType: "VARCHAR(16777216)",
    duckdbType: "varchar",
    comment: "Staged file the row came from",
  },
  {
    name: "file_row_number",
    snowflakeType: "NUMBER(38,0)",
    duckdbType: "bigint",
    comment: "1-based line in that file",
  },
  {
    name: "loaded_at",
    snowflakeType: "TIMESTAMP_LTZ(9)",
    duckdbType: "timestamptz",
    comment: "Start of the load that inserted the row",
  },
];

/** `create table if not exists raw.movies (...)` for DuckDB, from {@link RAW_TABLE_COLUMNS}. */
export function rawTableDuckDbDdl(): string {
  const columns = RAW_TABLE_COLUMNS.map((column) => `  ${column.name} ${column.duckdbType}`).join(",\n");
  return `create table if not exists ${RAW_TABLE.schema}.${RAW_TABLE.name} (\n${columns}\n)`;
}
