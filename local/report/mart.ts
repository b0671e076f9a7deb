import { openWarehouse } from "../snowpipe/warehouse";

/**
 * The answer as the report reads it: `mart__genre_roi` from the local warehouse, and what the
 * outputs say about where the data came from.
 */

/** The mart as dbt builds it in the local warehouse (schema `marts`). */
export const MART_RELATION = "marts.mart__genre_roi";

/** One mart row, column name -> value (numbers as JS numbers, text as strings). */
export type MartRow = Record<string, string | number | boolean | null>;

/** The mart: its columns in table order and its rows, best portfolio ROI first. */
export interface Mart {
  columns: string[];
  rows: MartRow[];
}

/** What the outputs say about where the data came from. */
export interface ReportContext {
  /** Whether any of the data is synthetic demo data. */
  synthetic: boolean;
  /** Where the raw data came from, e.g. `TMDB API` or `demo catalog (seed 20260601)`. */
  source: string;
  /** Smallest number of movies with an ROI a genre needs to be listed (dbt var `min_movies_per_genre`). */
  minMoviesPerGenre?: number;
  /** Smallest number of movies with an ROI a genre x decade cell needs (dbt var `min_movies_per_genre_decade`). */
  minMoviesPerDecade?: number;
  /** When the report was made. @default now */
  generatedAt?: Date;
}

/** The answer: the genre mart and the genre x decade mart. */
export interface Answer {
  /** mart__genre_roi, best portfolio ROI first. */
  genres: Mart;
  /** mart__genre_roi_by_decade, by genre then decade. */
  decades: Mart;
}

/** The genre x decade mart as dbt builds it in the local warehouse. */
export const DECADE_RELATION = "marts.mart__genre_roi_by_decade";

/**
 * Reads both marts from the warehouse (read-only): the genre mart ordered by `portfolio_roi_rank`,
 * then genre name; the decade mart by genre and decade. Throws when dbt has not built them.
 */
export async function readAnswer(databasePath: string): Promise<Answer> {
  const warehouse = await openWarehouse(databasePath, { readOnly: true });
  try {
    const read = async (sql: string): Promise<Mart> => {
      const reader = await warehouse.connection.runAndReadAll(sql);
      const columns = reader.columnNames();
      const rows = reader.getRowObjectsJS().map((row) => {
        const out: MartRow = {};
        for (const column of columns) out[column] = toPlain(row[column]);
        return out;
      });
      return { columns, rows };
    };
    return {
      genres: await read(
        `select * from ${MART_RELATION} order by portfolio_roi_rank asc nulls last, genre_name asc`,
      ),
      decades: await read(`select * from ${DECADE_RELATION} order by genre_name, release_decade`),
    };
  } finally {
    warehouse.close();
  }
}

function toPlain(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** A mart cell as a finite number, or null. */
export function num(row: MartRow, column: string): number | null {
  const value = row[column];
  if (value === null || value === undefined) return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}
