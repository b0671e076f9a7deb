import {
  BIGINT,
  DuckDBTimestampTZValue,
  TIMESTAMPTZ,
  VARCHAR,
  type DuckDBConnection,
} from "@duckdb/node-api";
import { createHash } from "node:crypto";
import { appendColumns, type AppendColumn } from "./columns";
import type { RawObject } from "./sources";

/**
 * The load history, the local stand-in for the pipe's load metadata: `raw.load_history` remembers
 * every key the loader processed (ETag, size, outcome), and a key found there is never loaded again,
 * even when the object changed since (Snowpipe does not reload a modified file either). Unlike
 * Snowpipe's metadata, which expires after 14 days, the local history never expires.
 */

/** What the history knows of a loaded file. */
export interface HistoryEntry {
  etag: string | null;
  size: number;
}

/** Outcome of one file, as recorded and reported. */
export type FileStatus =
  "LOADED" | "PARTIALLY_LOADED" | "LOAD_FAILED" | "ALREADY_LOADED" | "CHANGED_AFTER_LOAD";

/** One `raw.load_history` row, written when its file's transaction commits. */
export interface HistoryRow {
  key: string;
  etag: string;
  size: number;
  status: FileStatus;
  rowsParsed: number;
  rowsLoaded: number;
  errorCount: number;
  firstError: { line: number; message: string } | undefined;
  loadedAt: Date;
}

/** Every file in the history, by key. */
export async function readHistory(connection: DuckDBConnection): Promise<Map<string, HistoryEntry>> {
  const history = new Map<string, HistoryEntry>();
  const reader = await connection.runAndReadAll("select file_name, etag, file_size from raw.load_history");
  for (const [name, etag, size] of reader.getRows()) {
    history.set(String(name), { etag: etag === null ? null : String(etag), size: Number(size) });
  }
  return history;
}

/** MD5 of a file's content in hex: the ETag S3 gives an object uploaded in one part. */
export function md5Hex(content: Buffer): string {
  return createHash("md5").update(content).digest("hex");
}

/**
 * Whether a file in the load history differs from the one listed now: by size, by ETag when the
 * source lists one, else (a folder) by the MD5 of its content compared with the recorded ETag. A
 * multipart ETag (`...-N`) is not an MD5 of the content; then only the size is compared.
 */
export async function changedSinceLoad(known: HistoryEntry, object: RawObject): Promise<boolean> {
  if (known.size !== object.size) return true;
  if (known.etag === null) return false;
  if (object.etag !== undefined) return known.etag !== object.etag;
  if (known.etag.includes("-")) return false;
  return md5Hex(await object.read()) !== known.etag;
}

/** DuckDB's TIMESTAMPTZ value of a date. */
export function timestampTz(date: Date): DuckDBTimestampTZValue {
  return new DuckDBTimestampTZValue(BigInt(date.getTime()) * 1000n);
}

/** Columns of raw.load_history (see `LOAD_HISTORY_DDL`), in order. */
const HISTORY_COLUMNS: readonly AppendColumn<HistoryRow>[] = [
  [VARCHAR, (row) => row.key],
  [VARCHAR, (row) => row.etag],
  [BIGINT, (row) => BigInt(row.size)],
  [VARCHAR, (row) => row.status],
  [BIGINT, (row) => BigInt(row.rowsParsed)],
  [BIGINT, (row) => BigInt(row.rowsLoaded)],
  [BIGINT, (row) => BigInt(row.errorCount)],
  [VARCHAR, (row) => row.firstError?.message ?? null],
  [BIGINT, (row) => (row.firstError ? BigInt(row.firstError.line) : null)],
  [TIMESTAMPTZ, (row) => timestampTz(row.loadedAt)],
];

/** Appends the history rows of a batch to raw.load_history. */
export async function appendHistory(
  connection: DuckDBConnection,
  rows: readonly HistoryRow[],
): Promise<void> {
  await appendColumns(connection, { schema: "raw", name: "load_history" }, HISTORY_COLUMNS, rows);
}
