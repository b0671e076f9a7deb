import { BIGINT, DuckDBInstance, TIMESTAMPTZ, VARCHAR, type DuckDBConnection } from "@duckdb/node-api";
import { describeError } from "../../functions/extractor/errors";
import { appendColumns, type AppendColumn } from "./columns";
import { timestampTz } from "./history";
import { MAX_ERRORS_KEPT_PER_FILE, type LineError } from "./ndjson";

/**
 * The stage table a batch's lines wait in until the warehouse has judged them: DuckDB's own JSON
 * reader decides which of them reach raw.movies, so a line JavaScript accepts and DuckDB does not
 * (e.g. a lone surrogate escape `"\ud800"`, which would make every later `->>` fail) is rejected
 * with its file and line instead of being loaded.
 */

/** Temporary table a batch's lines are staged in. */
export const STAGE_TABLE = "raw_movies_stage";

/** A record of a file, staged: its text and 1-based line. */
export interface StagedRecord {
  line: number;
  text: string;
}

/** Creates (or empties) the stage table for this connection. */
export async function createStage(connection: DuckDBConnection): Promise<void> {
  await connection.run(
    `create or replace temp table ${STAGE_TABLE} (record json, source_file varchar, file_row_number bigint, loaded_at timestamptz)`,
  );
}

/** Stages a file's records, all with the file's key and scan start. */
export async function stageRecords(
  connection: DuckDBConnection,
  key: string,
  records: readonly StagedRecord[],
  scanStart: Date,
): Promise<void> {
  const loadedAt = timestampTz(scanStart);
  const columns: AppendColumn<StagedRecord>[] = [
    [VARCHAR, (record) => record.text],
    [VARCHAR, () => key],
    [BIGINT, (record) => BigInt(record.line)],
    [TIMESTAMPTZ, () => loadedAt],
  ];
  await appendColumns(connection, { schema: "main", name: STAGE_TABLE, catalog: "temp" }, columns, records);
}

/** Staged lines DuckDB's JSON reader rejects, by file: the exact count and the first lines with DuckDB's message. */
export type WarehouseRejects = Map<string, { errors: LineError[]; count: number }>;

/** Finds the staged lines DuckDB's JSON reader rejects. */
export async function rejectedByWarehouse(
  connection: DuckDBConnection,
  reasons: JsonErrorReasons,
): Promise<WarehouseRejects> {
  const reader = await connection.runAndReadAll(
    `select source_file, file_row_number, record::varchar from ${STAGE_TABLE}
     where not json_valid(record) order by source_file, file_row_number`,
  );
  const byFile: WarehouseRejects = new Map();
  for (const [file, line, text] of reader.getRows()) {
    const key = String(file);
    const entry = byFile.get(key) ?? { errors: [], count: 0 };
    byFile.set(key, entry);
    entry.count += 1;
    if (entry.errors.length < MAX_ERRORS_KEPT_PER_FILE) {
      entry.errors.push({
        file: key,
        line: Number(line),
        message: `invalid JSON (rejected by DuckDB's JSON reader): ${await reasons.of(String(text))}`,
      });
    }
  }
  return byFile;
}

/** Moves the staged lines DuckDB accepts into raw.movies and empties the stage. */
export async function publishStage(connection: DuckDBConnection, anyRejected: boolean): Promise<void> {
  await connection.run(
    `insert into raw.movies select record, source_file, file_row_number, loaded_at from ${STAGE_TABLE}` +
      (anyRejected ? " where json_valid(record)" : ""),
  );
  await connection.run(`delete from ${STAGE_TABLE}`);
}

/** Drops a file's staged lines (SKIP_FILE). */
export async function unstageFile(connection: DuckDBConnection, key: string): Promise<void> {
  await connection.run(`delete from ${STAGE_TABLE} where source_file = $1`, [key]);
}

/**
 * DuckDB's reason for not reading a text as JSON, e.g. `Malformed JSON at byte 19 of input: no low
 * surrogate in string.`, asked of a separate in-memory DuckDB (a failing statement would abort the
 * load's transaction), opened on first use.
 */
export class JsonErrorReasons {
  private instance: DuckDBInstance | undefined;
  private connection: DuckDBConnection | undefined;

  async of(text: string): Promise<string> {
    this.instance ??= await DuckDBInstance.create(":memory:");
    this.connection ??= await this.instance.connect();
    try {
      await this.connection.run("select $1::json", [text]);
      return "json_valid is false";
    } catch (error) {
      const first = describeError(error).split("\n")[0] ?? "";
      return first.replace(/^[A-Za-z ]*Error: /, "").replace(/\s*Input: .*$/, "");
    }
  }

  close(): void {
    this.connection?.closeSync();
    this.instance?.closeSync();
  }
}
