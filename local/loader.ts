import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import {
  BIGINT,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTimestampTZValue,
  TIMESTAMPTZ,
  VARCHAR,
  type DuckDBConnection,
} from "@duckdb/node-api";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { DEFAULT_RAW_PREFIX } from "../contract/pipeline";
import { describeError } from "../functions/extractor/errors";
import { ensureRawTables, openWarehouse } from "./warehouse";

/**
 * Loads raw NDJSON files into the local warehouse's `raw.movies`, the way the production pipe
 * (Snowpipe) loads them into Snowflake's `RAW.MOVIES`:
 *
 * - **Same columns:** each line becomes one row: the JSON record, the object key (`source_file`,
 *   METADATA$FILENAME), its line number (`file_row_number`, METADATA$FILE_ROW_NUMBER) and the time the
 *   file's scan started (`loaded_at`, METADATA$START_SCAN_TIME).
 * - **File-level idempotency:** a file is loaded once. `raw.load_history` remembers every key it
 *   processed (with its ETag, size and outcome), like the pipe's load metadata, and a key found
 *   there is never loaded again, even when the object changed since: Snowpipe does not reload a
 *   modified file either (stage it under a new name). Such a file is reported as changed: its size or
 *   ETag differs (for a folder, whose files have no ETag, the MD5 of the content is compared, as
 *   the loader records it).
 *   Unlike Snowpipe's metadata, which expires after 14 days, the local history never expires.
 * - **ON_ERROR:** a line that is not valid JSON (or not valid UTF-8) is an error, reported with file
 *   and line. A line is valid when it is JSON by RFC 8259 (checked in this process, which also finds
 *   the line numbers) *and* DuckDB's own JSON reader accepts it: the warehouse is the judge, so a line
 *   that would make every later `->>` fail (e.g. a lone surrogate escape `"\ud800"`, which JavaScript
 *   accepts and DuckDB does not) is rejected here instead of being loaded. Lines are staged in a
 *   temporary table and checked with `json_valid` inside the file's transaction. Any valid JSON value
 *   loads, as with Snowflake's JSON file format (the models ignore records without an id). `CONTINUE`
 *   (the production pipe's setting) loads the good lines of the file; `SKIP_FILE` loads nothing from a
 *   file with an error. Either way the file is recorded and not tried again.
 * - **Atomic per file:** a file's rows and its history entry are committed in the same transaction
 *   (files are committed in batches of whole files), so an interrupted load leaves each file either
 *   fully loaded and recorded, or not at all; the next load picks up what was not recorded.
 *
 * Files are the objects under the raw prefix whose key ends in `.json`; blank lines are not rows.
 */

/** What to do with a file that has bad lines; mirrors the COPY option of the same name. */
export type OnError = "CONTINUE" | "SKIP_FILE";

/** ON_ERROR the local loader uses unless told otherwise; the same as the production pipe. */
export const DEFAULT_ON_ERROR: OnError = "CONTINUE";

/** One staged file as listed by a {@link RawSource}. */
export interface RawObject {
  /** Object key (bucket-relative path), e.g. `raw/movies/2026-05-01/movies_06-00-00.json`. */
  key: string;
  /** Size in bytes. */
  size: number;
  /** ETag without quotes when the source knows it at listing time (S3 does; folders do not). */
  etag?: string;
  /** Reads the whole file. */
  read(): Promise<Buffer>;
}

/** Where raw files come from: an S3-compatible bucket or a folder laid out like one. */
export interface RawSource {
  /** Human-readable location, e.g. `s3://tmdb-roi-raw/raw/movies/`. */
  readonly description: string;
  /** Lists the raw files, sorted by key. */
  list(): Promise<RawObject[]>;
}

/** A bad line in a raw file. */
export interface LineError {
  file: string;
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

/** Outcome of one file. */
export interface FileLoadResult {
  key: string;
  /**
   * `LOADED` (every line), `PARTIALLY_LOADED` (CONTINUE skipped bad lines), `LOAD_FAILED`
   * (SKIP_FILE), `ALREADY_LOADED` (in the load history), `CHANGED_AFTER_LOAD` (in the load history,
   * but its ETag or size differs now: not reloaded).
   */
  status: "LOADED" | "PARTIALLY_LOADED" | "LOAD_FAILED" | "ALREADY_LOADED" | "CHANGED_AFTER_LOAD";
  rowsParsed: number;
  rowsLoaded: number;
  errorCount: number;
  /** The first errors of the file (at most {@link MAX_ERRORS_KEPT_PER_FILE}). */
  errors: LineError[];
}

/** A transaction is committed once the files in it reach this many bytes (and at the end). */
const COMMIT_BATCH_BYTES = 64 * 1024 * 1024;

/** Rows per appended data chunk (DuckDB's standard vector size). */
const APPEND_CHUNK_ROWS = 2048;

/** Errors kept in memory per file; the count is always exact. */
export const MAX_ERRORS_KEPT_PER_FILE = 20;

/** What a load did. */
export interface LoadSummary {
  source: string;
  filesListed: number;
  /** Files read in this load (new to the history). */
  filesProcessed: number;
  filesAlreadyLoaded: number;
  filesChangedAfterLoad: number;
  /** Files with at least one bad line. */
  filesWithErrors: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** Bytes read. */
  bytes: number;
  durationMs: number;
  /**
   * Where the time went, in milliseconds: waiting for file contents (`read`), checking lines and
   * hashing in this process (`parse`), DuckDB's JSON check of the staged lines (`validate`), and
   * writing to DuckDB: staging, copying into raw.movies and commits (`insert`).
   */
  phasesMs: { read: number; parse: number; validate: number; insert: number };
  files: FileLoadResult[];
}

/** Options of {@link loadRawFiles}. */
export interface LoadOptions {
  /** The warehouse DuckDB file. */
  databasePath: string;
  source: RawSource;
  /**
   * What to do with a file that has bad lines.
   * @default "CONTINUE"
   */
  onError?: OnError;
  /**
   * Progress lines: the bad lines of each file, changed files, and a line every 2 seconds on long loads.
   * @default no output
   */
  log?: (line: string) => void;
  /**
   * Files read ahead while the current one is inserted.
   * @default 4
   */
  readAhead?: number;
}

/** Raw files under `prefix` in an S3-compatible bucket, listed with ListObjectsV2. */
export function s3RawSource(options: { client: S3Client; bucket: string; prefix?: string }): RawSource {
  const prefix = options.prefix ?? DEFAULT_RAW_PREFIX;
  const { client, bucket } = options;
  return {
    description: `s3://${bucket}/${prefix}`,
    async list() {
      const objects: RawObject[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const item of page.Contents ?? []) {
          const key = item.Key;
          if (key === undefined || !isRawFileKey(key)) continue;
          objects.push({
            key,
            size: item.Size ?? 0,
            etag: item.ETag?.replaceAll('"', ""),
            async read() {
              const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
              if (!response.Body) throw new Error(`s3://${bucket}/${key} has no body`);
              return Buffer.from(await response.Body.transformToByteArray());
            },
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return objects.sort((a, b) => compareKeys(a.key, b.key));
    },
  };
}

/** Error for a `--from-raw` folder that is not laid out like the bucket. */
export class RawFolderError extends Error {
  override readonly name = "RawFolderError";
  constructor(
    readonly directory: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Raw files in a folder laid out like the bucket (a bucket export): `DIR/raw/movies/...`. Keys are the
 * paths relative to `DIR`, with `/` separators, exactly as the objects' keys were.
 */
export function folderRawSource(options: { directory: string; prefix?: string }): RawSource {
  const prefix = options.prefix ?? DEFAULT_RAW_PREFIX;
  const root = options.directory;
  const start = join(root, ...prefix.split("/").filter(Boolean));
  return {
    description: `${start}${sep}`,
    async list() {
      if (!existsSync(root)) throw new RawFolderError(root, `raw folder ${root} does not exist`);
      if (!existsSync(start)) {
        throw new RawFolderError(
          root,
          `no ${prefix} folder under ${root}: expected a folder laid out like the bucket, ` +
            `e.g. ${join(root, ...prefix.split("/").filter(Boolean), "2026-05-01", "movies_06-00-00.json")}`,
        );
      }
      const objects: RawObject[] = [];
      for (const entry of await readdir(start, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const path = join(entry.parentPath, entry.name);
        const key = relative(root, path).split(sep).join("/");
        if (!isRawFileKey(key)) continue;
        const info = await stat(path);
        objects.push({ key, size: info.size, read: () => readFile(path) });
      }
      return objects.sort((a, b) => compareKeys(a.key, b.key));
    },
  };
}

function isRawFileKey(key: string): boolean {
  return key.endsWith(".json") && !key.endsWith("/");
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The lines of a file parsed: good records with their line numbers, and the errors. */
export interface ParsedFile {
  records: { line: number; text: string }[];
  errors: LineError[];
  errorCount: number;
  rowsParsed: number;
}

/**
 * Splits an NDJSON file into records. A line is a record when it parses as JSON (RFC 8259, by
 * `JSON.parse`); blank lines are skipped; anything else is an error with its line number. Invalid
 * UTF-8 is an error of the lines that contain it. The loader also has DuckDB check each record (see
 * {@link loadRawFiles}): a few lines JavaScript accepts, DuckDB does not.
 */
export function parseNdjson(key: string, content: Buffer): ParsedFile {
  const records: { line: number; text: string }[] = [];
  const errors: LineError[] = [];
  let errorCount = 0;
  let rowsParsed = 0;
  const addError = (line: number, message: string): void => {
    errorCount += 1;
    if (errors.length < MAX_ERRORS_KEPT_PER_FILE) errors.push({ file: key, line, message });
  };

  let lines: string[];
  let badUtf8 = new Set<number>();
  try {
    lines = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(content).split("\n");
  } catch {
    ({ lines, badUtf8 } = decodeLineByLine(content));
  }
  for (let index = 0; index < lines.length; index += 1) {
    const lineNumber = index + 1;
    const raw = lines[index] ?? "";
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() === "") continue;
    rowsParsed += 1;
    if (badUtf8.has(lineNumber)) {
      addError(lineNumber, "invalid UTF-8");
      continue;
    }
    try {
      JSON.parse(text);
    } catch (error) {
      addError(lineNumber, `invalid JSON: ${describeError(error)}`);
      continue;
    }
    records.push({ line: lineNumber, text });
  }
  return { records, errors, errorCount, rowsParsed };
}

function decodeLineByLine(content: Buffer): { lines: string[]; badUtf8: Set<number> } {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const lines: string[] = [];
  const badUtf8 = new Set<number>();
  let start = 0;
  while (start <= content.length) {
    let end = content.indexOf(0x0a, start);
    if (end === -1) end = content.length;
    const slice = content.subarray(start, end);
    try {
      lines.push(decoder.decode(slice));
    } catch {
      lines.push("x");
      badUtf8.add(lines.length);
    }
    start = end + 1;
  }
  return { lines, badUtf8 };
}

interface HistoryEntry {
  etag: string | null;
  size: number;
}

/** Temporary table a batch's lines are staged in, to be checked by DuckDB before they reach raw.movies. */
const STAGE_TABLE = "raw_movies_stage";

/** MD5 of a file's content in hex: the ETag S3 gives an object uploaded in one part. */
function md5Hex(content: Buffer): string {
  return createHash("md5").update(content).digest("hex");
}

/**
 * Whether a file in the load history differs from the one listed now: by size, by ETag when the
 * source lists one, else (a folder) by the MD5 of its content compared with the recorded ETag. A
 * multipart ETag (`...-N`) is not an MD5 of the content; then only the size is compared.
 */
async function changedSinceLoad(known: HistoryEntry, object: RawObject): Promise<boolean> {
  if (known.size !== object.size) return true;
  if (known.etag === null) return false;
  if (object.etag !== undefined) return known.etag !== object.etag;
  if (known.etag.includes("-")) return false;
  return md5Hex(await object.read()) !== known.etag;
}

/** A file read and staged in the current batch; its outcome is final once the batch is checked. */
interface StagedFile {
  key: string;
  etag: string;
  size: number;
  loadedAt: Date;
  /** Bad lines found in this process (kept ones) and their exact count. */
  errors: LineError[];
  errorCount: number;
  rowsParsed: number;
  /** Lines staged for DuckDB's check (none when SKIP_FILE already skips the file). */
  rowsStaged: number;
  /** SKIP_FILE and a bad line found in this process: nothing of the file was staged. */
  skipped: boolean;
}

/**
 * Loads every raw file that is not in the load history yet. Opens the warehouse, creates the raw
 * tables when missing, and closes the warehouse before returning (also on error).
 */
export async function loadRawFiles(options: LoadOptions): Promise<LoadSummary> {
  const started = performance.now();
  const onError = options.onError ?? DEFAULT_ON_ERROR;
  const log = options.log ?? (() => undefined);
  const readAhead = Math.max(1, options.readAhead ?? 4);
  const objects = await options.source.list();

  const warehouse = await openWarehouse(options.databasePath);
  const reasons = new JsonErrorReasons();
  try {
    const { connection } = warehouse;
    await ensureRawTables(connection);
    await connection.run(
      `create or replace temp table ${STAGE_TABLE} (record json, source_file varchar, file_row_number bigint, loaded_at timestamptz)`,
    );
    const history = new Map<string, HistoryEntry>();
    const reader = await connection.runAndReadAll("select file_name, etag, file_size from raw.load_history");
    for (const [name, etag, size] of reader.getRows()) {
      history.set(String(name), { etag: etag === null ? null : String(etag), size: Number(size) });
    }

    const summary: LoadSummary = {
      source: options.source.description,
      filesListed: objects.length,
      filesProcessed: 0,
      filesAlreadyLoaded: 0,
      filesChangedAfterLoad: 0,
      filesWithErrors: 0,
      rowsLoaded: 0,
      rowsRejected: 0,
      bytes: 0,
      durationMs: 0,
      phasesMs: { read: 0, parse: 0, validate: 0, insert: 0 },
      files: [],
    };

    const pending: RawObject[] = [];
    for (const object of objects) {
      const known = history.get(object.key);
      if (known === undefined) {
        pending.push(object);
        continue;
      }
      let changed: boolean;
      try {
        changed = await changedSinceLoad(known, object);
      } catch (error) {
        throw new Error(`cannot read raw file ${object.key}: ${describeError(error)}`, { cause: error });
      }
      if (changed) {
        summary.filesChangedAfterLoad += 1;
        const how =
          known.size !== object.size ? `size ${known.size} -> ${object.size}` : "same size, other content";
        log(
          `warning: ${object.key} changed since it was loaded (${how}); ` +
            "it is not loaded again (as Snowpipe): write changed data under a new key",
        );
      } else {
        summary.filesAlreadyLoaded += 1;
      }
      summary.files.push({
        key: object.key,
        status: changed ? "CHANGED_AFTER_LOAD" : "ALREADY_LOADED",
        rowsParsed: 0,
        rowsLoaded: 0,
        errorCount: 0,
        errors: [],
      });
    }

    // Read a few files ahead so that downloads overlap with inserts.
    const reads = new Map<number, Promise<Buffer>>();
    const readAt = (index: number): Promise<Buffer> | undefined => {
      const object = pending[index];
      if (object === undefined) return undefined;
      let promise = reads.get(index);
      if (promise === undefined) {
        promise = object.read();
        promise.catch(() => undefined); // handled when awaited
        reads.set(index, promise);
      }
      return promise;
    };

    // Files are committed in batches of whole files: each file's rows and its history entry land in
    // the same transaction, so a file is never half loaded or loaded without its record. A batch's
    // lines are staged first; DuckDB's JSON reader decides which of them reach raw.movies.
    const batch: StagedFile[] = [];
    let inTransaction = false;
    let batchBytes = 0;
    const commit = async (): Promise<void> => {
      const validateStart = performance.now();
      const rejected = await rejectedByWarehouse(connection, reasons);
      summary.phasesMs.validate += performance.now() - validateStart;

      const commitStart = performance.now();
      const results: FileLoadResult[] = [];
      const historyRows: HistoryRow[] = [];
      for (const file of batch) {
        const warehouseErrors = rejected.get(file.key) ?? { errors: [], count: 0 };
        const errorCount = file.errorCount + warehouseErrors.count;
        const skipped = file.skipped || (onError === "SKIP_FILE" && warehouseErrors.count > 0);
        if (skipped && !file.skipped) {
          await connection.run(`delete from ${STAGE_TABLE} where source_file = $1`, [file.key]);
        }
        const rowsLoaded = skipped ? 0 : file.rowsStaged - warehouseErrors.count;
        const errors = [...file.errors, ...warehouseErrors.errors]
          .sort((a, b) => a.line - b.line)
          .slice(0, MAX_ERRORS_KEPT_PER_FILE);
        const status: FileLoadResult["status"] = skipped
          ? "LOAD_FAILED"
          : errorCount > 0
            ? "PARTIALLY_LOADED"
            : "LOADED";
        results.push({ key: file.key, status, rowsParsed: file.rowsParsed, rowsLoaded, errorCount, errors });
        historyRows.push({
          key: file.key,
          etag: file.etag,
          size: file.size,
          status,
          rowsParsed: file.rowsParsed,
          rowsLoaded,
          errorCount,
          firstError: errors[0],
          loadedAt: file.loadedAt,
        });
      }
      await connection.run(
        `insert into raw.movies select record, source_file, file_row_number, loaded_at from ${STAGE_TABLE}` +
          (rejected.size > 0 ? " where json_valid(record)" : ""),
      );
      await connection.run(`delete from ${STAGE_TABLE}`);
      await appendHistory(connection, historyRows);
      await connection.run("commit");
      inTransaction = false;
      batch.length = 0;
      batchBytes = 0;
      summary.phasesMs.insert += performance.now() - commitStart;
      for (const result of results) report(result);
    };
    const report = (result: FileLoadResult): void => {
      summary.rowsLoaded += result.rowsLoaded;
      summary.rowsRejected += result.errorCount;
      if (result.errorCount > 0) {
        summary.filesWithErrors += 1;
        const verdict =
          result.status === "LOAD_FAILED"
            ? "file skipped (ON_ERROR = SKIP_FILE)"
            : `${result.rowsLoaded} good line(s) loaded (ON_ERROR = CONTINUE)`;
        log(`${result.key}: ${result.errorCount} bad line(s), ${verdict}`);
        for (const error of result.errors) log(`  ${error.file}:${error.line}: ${error.message}`);
        if (result.errorCount > result.errors.length) {
          log(`  ... and ${result.errorCount - result.errors.length} more`);
        }
      }
      summary.files.push(result);
    };
    let lastProgress = performance.now();
    try {
      for (let index = 0; index < pending.length; index += 1) {
        if (performance.now() - lastProgress > 2000) {
          lastProgress = performance.now();
          log(`${index}/${pending.length} new files, ${summary.rowsLoaded} rows committed so far`);
        }
        for (let ahead = index; ahead < Math.min(pending.length, index + readAhead); ahead += 1)
          readAt(ahead);
        const object = pending[index] as RawObject;
        let content: Buffer;
        const waitStart = performance.now();
        try {
          content = await (readAt(index) as Promise<Buffer>);
        } catch (error) {
          throw new Error(`cannot read raw file ${object.key}: ${describeError(error)}`, { cause: error });
        }
        summary.phasesMs.read += performance.now() - waitStart;
        reads.delete(index);

        const parseStart = performance.now();
        const scanStart = new Date();
        const parsed = parseNdjson(object.key, content);
        const skipped = onError === "SKIP_FILE" && parsed.errorCount > 0;
        const records = skipped ? [] : parsed.records;
        const etag = object.etag ?? md5Hex(content);
        summary.phasesMs.parse += performance.now() - parseStart;

        const insertStart = performance.now();
        if (!inTransaction) {
          await connection.run("begin transaction");
          inTransaction = true;
        }
        try {
          await appendRecords(connection, object.key, records, scanStart);
        } catch (error) {
          throw new Error(`loading ${object.key} failed: ${describeError(error)}`, { cause: error });
        }
        summary.phasesMs.insert += performance.now() - insertStart;
        batch.push({
          key: object.key,
          etag,
          size: content.length,
          loadedAt: scanStart,
          errors: parsed.errors,
          errorCount: parsed.errorCount,
          rowsParsed: parsed.rowsParsed,
          rowsStaged: records.length,
          skipped,
        });
        summary.filesProcessed += 1;
        summary.bytes += content.length;
        batchBytes += content.length;
        if (batchBytes >= COMMIT_BATCH_BYTES) await commit();
      }
      if (inTransaction) await commit();
    } catch (error) {
      if (inTransaction) await connection.run("rollback").catch(() => undefined);
      throw error;
    }
    summary.durationMs = performance.now() - started;
    return summary;
  } finally {
    reasons.close();
    warehouse.close();
  }
}

/**
 * The staged lines DuckDB's JSON reader rejects, by file: the exact count, and the first lines (at
 * most {@link MAX_ERRORS_KEPT_PER_FILE}) with DuckDB's own message.
 */
async function rejectedByWarehouse(
  connection: DuckDBConnection,
  reasons: JsonErrorReasons,
): Promise<Map<string, { errors: LineError[]; count: number }>> {
  const reader = await connection.runAndReadAll(
    `select source_file, file_row_number, record::varchar from ${STAGE_TABLE}
     where not json_valid(record) order by source_file, file_row_number`,
  );
  const byFile = new Map<string, { errors: LineError[]; count: number }>();
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

/**
 * DuckDB's reason for not reading a text as JSON, e.g. `Malformed JSON at byte 19 of input: no low
 * surrogate in string.`, asked of a separate in-memory DuckDB (a failing statement would abort the
 * load's transaction), opened on first use.
 */
class JsonErrorReasons {
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

/** One `raw.load_history` row, written when its file's transaction commits. */
interface HistoryRow {
  key: string;
  etag: string;
  size: number;
  status: FileLoadResult["status"];
  rowsParsed: number;
  rowsLoaded: number;
  errorCount: number;
  firstError: LineError | undefined;
  loadedAt: Date;
}

function timestampTz(date: Date): DuckDBTimestampTZValue {
  return new DuckDBTimestampTZValue(BigInt(date.getTime()) * 1000n);
}

/** Appends a file's records to the stage table in column-wise chunks (far fewer calls than row by row). */
async function appendRecords(
  connection: DuckDBConnection,
  key: string,
  records: { line: number; text: string }[],
  scanStart: Date,
): Promise<void> {
  if (records.length === 0) return;
  const loadedAt = timestampTz(scanStart);
  const appender = await connection.createAppender(STAGE_TABLE, "main", "temp");
  try {
    for (let start = 0; start < records.length; start += APPEND_CHUNK_ROWS) {
      const slice = records.slice(start, start + APPEND_CHUNK_ROWS);
      const chunk = DuckDBDataChunk.create([VARCHAR, VARCHAR, BIGINT, TIMESTAMPTZ], slice.length);
      chunk.setColumnValues(
        0,
        slice.map((record) => record.text),
      );
      chunk.setColumnValues(
        1,
        slice.map(() => key),
      );
      chunk.setColumnValues(
        2,
        slice.map((record) => BigInt(record.line)),
      );
      chunk.setColumnValues(
        3,
        slice.map(() => loadedAt),
      );
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Appends the history rows of a batch to raw.load_history. */
async function appendHistory(connection: DuckDBConnection, rows: HistoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  const appender = await connection.createAppender("load_history", "raw");
  try {
    for (const row of rows) {
      appender.appendVarchar(row.key);
      appender.appendVarchar(row.etag);
      appender.appendBigInt(BigInt(row.size));
      appender.appendVarchar(row.status);
      appender.appendBigInt(BigInt(row.rowsParsed));
      appender.appendBigInt(BigInt(row.rowsLoaded));
      appender.appendBigInt(BigInt(row.errorCount));
      if (row.firstError) appender.appendVarchar(row.firstError.message);
      else appender.appendNull();
      if (row.firstError) appender.appendBigInt(BigInt(row.firstError.line));
      else appender.appendNull();
      appender.appendTimestampTZ(timestampTz(row.loadedAt));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
