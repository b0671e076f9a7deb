import { DuckDBConnection, DuckDBInstance, version } from "@duckdb/node-api";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { rawTableDuckDbDdl } from "../../contract/pipeline";

/**
 * The local warehouse: one DuckDB file that plays Snowflake's part. The loader writes `raw.movies`,
 * dbt-duckdb builds the staging and mart models in the same file, and the report reads the mart.
 *
 * One DuckDB version writes the file: `@duckdb/node-api` here and the Python `duckdb` package that
 * dbt-duckdb uses are pinned to the same release (see `python/requirements.lock`), because a file
 * written by a newer storage format cannot be opened by an older DuckDB. DuckDB itself lets only one
 * process open a file for writing; every function here closes its connection before returning, so
 * dbt can take the file next.
 */

/** The DuckDB release this process links, e.g. `v1.5.6`. */
export const DUCKDB_VERSION = version();

/**
 * DDL of the load history, the local stand-in for the pipe's load metadata (what COPY_HISTORY shows):
 * one row per file the loader has processed, keyed by the object key. A key in this table is never
 * loaded again.
 */
export const LOAD_HISTORY_DDL = `create table if not exists raw.load_history (
  file_name varchar primary key,
  etag varchar,
  file_size bigint,
  status varchar not null,
  row_parsed bigint not null,
  row_count bigint not null,
  error_count bigint not null,
  first_error_message varchar,
  first_error_line_number bigint,
  last_load_time timestamptz not null
)`;

/** An error opening or using the warehouse file, naming the file and what to do. */
export class WarehouseError extends Error {
  override readonly name = "WarehouseError";
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An open warehouse connection; call `close()` when done (always: dbt needs the file next). */
export interface Warehouse {
  readonly path: string;
  readonly connection: DuckDBConnection;
  close(): void;
}

/**
 * Opens the warehouse file (creating it and its folder when missing).
 *
 * @param path - the DuckDB file.
 * @param options.readOnly - open read-only (several readers may share the file). @default false
 */
export async function openWarehouse(path: string, options: { readOnly?: boolean } = {}): Promise<Warehouse> {
  const readOnly = options.readOnly ?? false;
  if (!readOnly) mkdirSync(dirname(path), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, readOnly ? { access_mode: "READ_ONLY" } : {});
  } catch (error) {
    throw new WarehouseError(path, describeOpenError(path, error), { cause: error });
  }
  const connection = await instance.connect();
  let closed = false;
  return {
    path,
    connection,
    close() {
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function describeOpenError(path: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/lock/i.test(message)) {
    return `the warehouse ${path} is open in another process (${message.split("\n")[0]}); wait for it to finish or close it`;
  }
  if (/version|storage/i.test(message)) {
    return `cannot open the warehouse ${path} with DuckDB ${DUCKDB_VERSION}: ${message}. It was probably written by another DuckDB release; delete it (npm start -- --reset) and run again`;
  }
  return `cannot open the warehouse ${path}: ${message}`;
}

/** Creates schema `raw`, `raw.movies` and `raw.load_history` when missing. */
export async function ensureRawTables(connection: DuckDBConnection): Promise<void> {
  await connection.run("create schema if not exists raw");
  await connection.run(rawTableDuckDbDdl());
  await connection.run(LOAD_HISTORY_DDL);
}
