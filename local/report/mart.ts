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
  /** When the report was made. @default now */
  generatedAt?: Date;
}

/**
 * Reads the mart from the warehouse (read-only), ordered by `portfolio_roi_rank`, then genre name.
 * Throws when the mart does not exist (dbt has not built it).
 */
export async function readMart(databasePath: string): Promise<Mart> {
  const warehouse = await openWarehouse(databasePath, { readOnly: true });
  try {
    const reader = await warehouse.connection.runAndReadAll(
      `select * from ${MART_RELATION} order by portfolio_roi_rank asc nulls last, genre_name asc`,
    );
    const columns = reader.columnNames();
    const rows = reader.getRowObjectsJS().map((row) => {
      const out: MartRow = {};
      for (const column of columns) out[column] = toPlain(row[column]);
      return out;
    });
    return { columns, rows };
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
