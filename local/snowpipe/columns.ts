import { DuckDBDataChunk, type DuckDBConnection, type DuckDBType, type DuckDBValue } from "@duckdb/node-api";

/** Rows per appended data chunk (DuckDB's standard vector size). */
const CHUNK_ROWS = 2048;

/** One column to append: its DuckDB type and how to read its value from a row. */
export type AppendColumn<Row> = [type: DuckDBType, value: (row: Row) => DuckDBValue];

/**
 * Appends rows to a table column-wise, in chunks of DuckDB's vector size: far fewer calls into
 * DuckDB than appending value by value.
 */
export async function appendColumns<Row>(
  connection: DuckDBConnection,
  table: { schema: string; name: string; catalog?: string },
  columns: readonly AppendColumn<Row>[],
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const appender = await connection.createAppender(table.name, table.schema, table.catalog);
  try {
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const slice = rows.slice(start, start + CHUNK_ROWS);
      const chunk = DuckDBDataChunk.create(
        columns.map(([type]) => type),
        slice.length,
      );
      columns.forEach(([, value], index) => chunk.setColumnValues(index, slice.map(value)));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
