import type { DuckDBConnection } from "@duckdb/node-api";
import { describeError } from "../../functions/extractor/errors";
import {
  appendHistory,
  changedSinceLoad,
  md5Hex,
  readHistory,
  type FileStatus,
  type HistoryEntry,
} from "./history";
import { MAX_ERRORS_KEPT_PER_FILE, parseNdjson, type LineError } from "./ndjson";
import type { RawObject, RawSource, SkippedEntry } from "./sources";
import {
  createStage,
  JsonErrorReasons,
  publishStage,
  rejectedByWarehouse,
  stageRecords,
  unstageFile,
  type WarehouseRejects,
} from "./stage";
import { ensureRawTables, openWarehouse } from "./warehouse";

/**
 * Loads raw NDJSON files into the local warehouse's `raw.movies`, the way the production pipe
 * (Snowpipe) loads them into Snowflake's `RAW.MOVIES`:
 *
 * - **Same columns:** each line becomes one row: the JSON record, the object key (`source_file`,
 *   METADATA$FILENAME), its line number (`file_row_number`, METADATA$FILE_ROW_NUMBER) and the time the
 *   file's scan started (`loaded_at`, METADATA$START_SCAN_TIME).
 * - **File-level idempotency:** a file is loaded once (see `history.ts`); a file changed since it was
 *   loaded is reported, not reloaded.
 * - **ON_ERROR:** a line that is not valid JSON (or not valid UTF-8) is an error, reported with file
 *   and line. A line is valid when it is JSON by RFC 8259 (see `ndjson.ts`) *and* DuckDB's own JSON
 *   reader accepts it (see `stage.ts`). Any valid JSON value loads, as with Snowflake's JSON file
 *   format. `CONTINUE` (the production pipe's setting) loads the good lines of the file; `SKIP_FILE`
 *   loads nothing from a file with an error. Either way the file is recorded and not tried again.
 * - **Atomic per file:** a file's rows and its history entry are committed in the same transaction
 *   (files are committed in batches of whole files), so an interrupted load leaves each file either
 *   fully loaded and recorded, or not at all; the next load picks up what was not recorded.
 */

/** What to do with a file that has bad lines; mirrors the COPY option of the same name. */
export type OnError = "CONTINUE" | "SKIP_FILE";

/** ON_ERROR the local loader uses unless told otherwise; the same as the production pipe. */
export const DEFAULT_ON_ERROR: OnError = "CONTINUE";

/** A transaction is committed once the files in it reach this many bytes (and at the end). */
const COMMIT_BATCH_BYTES = 64 * 1024 * 1024;

/** Outcome of one file. */
export interface FileLoadResult {
  key: string;
  /**
   * `LOADED` (every line), `PARTIALLY_LOADED` (CONTINUE skipped bad lines), `LOAD_FAILED`
   * (SKIP_FILE), `ALREADY_LOADED` (in the load history), `CHANGED_AFTER_LOAD` (in the load history,
   * but its ETag or size differs now: not reloaded).
   */
  status: FileStatus;
  rowsParsed: number;
  rowsLoaded: number;
  errorCount: number;
  /** The first errors of the file (at most {@link MAX_ERRORS_KEPT_PER_FILE}). */
  errors: LineError[];
}

/** What a load did. */
export interface LoadSummary {
  source: string;
  filesListed: number;
  /** Files read in this load (new to the history). */
  filesProcessed: number;
  filesAlreadyLoaded: number;
  filesChangedAfterLoad: number;
  /** Entries under the raw prefix the source cannot load (e.g. a broken link), with the reason. */
  filesSkipped: SkippedEntry[];
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

/**
 * Loads every raw file that is not in the load history yet. Opens the warehouse, creates the raw
 * tables when missing, and closes the warehouse before returning (also on error).
 */
export async function loadRawFiles(options: LoadOptions): Promise<LoadSummary> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const { objects, skipped } = await options.source.list();
  for (const entry of skipped) log(`warning: ${entry.key} is not loaded: ${entry.reason}`);
  const warehouse = await openWarehouse(options.databasePath);
  const batch = new FileBatch(warehouse.connection, options.onError ?? DEFAULT_ON_ERROR, log);
  try {
    await ensureRawTables(warehouse.connection);
    await createStage(warehouse.connection);
    const summary = batch.summary;
    summary.source = options.source.description;
    summary.filesListed = objects.length;
    summary.filesSkipped = skipped;
    const history = await readHistory(warehouse.connection);
    const pending = await newFiles(objects, history, summary, log);
    await loadFiles(pending, batch, Math.max(1, options.readAhead ?? 4), log);
    summary.durationMs = performance.now() - started;
    return summary;
  } finally {
    batch.close();
    warehouse.close();
  }
}

/** The listed files not in the history; the others are counted and reported (changed ones with a warning). */
async function newFiles(
  objects: readonly RawObject[],
  history: Map<string, HistoryEntry>,
  summary: LoadSummary,
  log: (line: string) => void,
): Promise<RawObject[]> {
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
    const status = changed ? "CHANGED_AFTER_LOAD" : "ALREADY_LOADED";
    summary.files.push({ key: object.key, status, rowsParsed: 0, rowsLoaded: 0, errorCount: 0, errors: [] });
  }
  return pending;
}

/** Reads, checks and stages the files in order, a few read ahead, committing in batches of whole files. */
async function loadFiles(
  pending: readonly RawObject[],
  batch: FileBatch,
  readAhead: number,
  log: (line: string) => void,
): Promise<void> {
  const { summary } = batch;
  const reads = new Map<number, Promise<Buffer>>();
  const readAt = (index: number): Promise<Buffer> => {
    let promise = reads.get(index);
    if (promise === undefined) {
      promise = (pending[index] as RawObject).read();
      promise.catch(() => undefined); // handled when awaited
      reads.set(index, promise);
    }
    return promise;
  };
  let lastProgress = performance.now();
  try {
    for (let index = 0; index < pending.length; index += 1) {
      if (performance.now() - lastProgress > 2000) {
        lastProgress = performance.now();
        log(`${index}/${pending.length} new files, ${summary.rowsLoaded} rows committed so far`);
      }
      for (let ahead = index; ahead < Math.min(pending.length, index + readAhead); ahead += 1) readAt(ahead);
      const object = pending[index] as RawObject;
      const waitStart = performance.now();
      let content: Buffer;
      try {
        content = await readAt(index);
      } catch (error) {
        throw new Error(`cannot read raw file ${object.key}: ${describeError(error)}`, { cause: error });
      }
      summary.phasesMs.read += performance.now() - waitStart;
      reads.delete(index);
      await batch.add(object, content);
    }
    await batch.commit();
  } catch (error) {
    await batch.rollback();
    throw error;
  }
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
 * The files of one transaction: each file's rows and its history entry land in the same commit, so a
 * file is never half loaded or loaded without its record.
 */
class FileBatch {
  readonly summary: LoadSummary = {
    source: "",
    filesListed: 0,
    filesProcessed: 0,
    filesAlreadyLoaded: 0,
    filesChangedAfterLoad: 0,
    filesSkipped: [],
    filesWithErrors: 0,
    rowsLoaded: 0,
    rowsRejected: 0,
    bytes: 0,
    durationMs: 0,
    phasesMs: { read: 0, parse: 0, validate: 0, insert: 0 },
    files: [],
  };
  readonly #files: StagedFile[] = [];
  readonly #reasons = new JsonErrorReasons();
  #bytes = 0;
  #inTransaction = false;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly onError: OnError,
    private readonly log: (line: string) => void,
  ) {}

  /** Checks a file's lines and stages the good ones; commits when the batch is full. */
  async add(object: RawObject, content: Buffer): Promise<void> {
    const { phasesMs } = this.summary;
    const parseStart = performance.now();
    const scanStart = new Date();
    const parsed = parseNdjson(object.key, content);
    const skipped = this.onError === "SKIP_FILE" && parsed.errorCount > 0;
    const records = skipped ? [] : parsed.records;
    const etag = object.etag ?? md5Hex(content);
    phasesMs.parse += performance.now() - parseStart;

    const insertStart = performance.now();
    if (!this.#inTransaction) {
      await this.connection.run("begin transaction");
      this.#inTransaction = true;
    }
    try {
      await stageRecords(this.connection, object.key, records, scanStart);
    } catch (error) {
      throw new Error(`loading ${object.key} failed: ${describeError(error)}`, { cause: error });
    }
    phasesMs.insert += performance.now() - insertStart;
    this.#files.push({
      ...{ key: object.key, etag, size: content.length, loadedAt: scanStart, skipped },
      ...{ errors: parsed.errors, errorCount: parsed.errorCount, rowsParsed: parsed.rowsParsed },
      rowsStaged: records.length,
    });
    this.summary.filesProcessed += 1;
    this.summary.bytes += content.length;
    this.#bytes += content.length;
    if (this.#bytes >= COMMIT_BATCH_BYTES) await this.commit();
  }

  /** Lets DuckDB judge the staged lines, then commits the batch's rows and history entries together. */
  async commit(): Promise<void> {
    if (!this.#inTransaction) return;
    const validateStart = performance.now();
    const rejected = await rejectedByWarehouse(this.connection, this.#reasons);
    this.summary.phasesMs.validate += performance.now() - validateStart;

    const commitStart = performance.now();
    const results: FileLoadResult[] = [];
    for (const file of this.#files) results.push(await this.#outcome(file, rejected));
    await publishStage(this.connection, rejected.size > 0);
    await appendHistory(
      this.connection,
      this.#files.map((file, index) => {
        const result = results[index] as FileLoadResult;
        return { ...file, ...result, firstError: result.errors[0] };
      }),
    );
    await this.connection.run("commit");
    this.#inTransaction = false;
    this.#files.length = 0;
    this.#bytes = 0;
    this.summary.phasesMs.insert += performance.now() - commitStart;
    for (const result of results) this.#report(result);
  }

  async rollback(): Promise<void> {
    if (this.#inTransaction) await this.connection.run("rollback").catch(() => undefined);
    this.#inTransaction = false;
  }

  close(): void {
    this.#reasons.close();
  }

  /** A file's final outcome, once the warehouse's rejections are known (SKIP_FILE unstages it). */
  async #outcome(file: StagedFile, rejected: WarehouseRejects): Promise<FileLoadResult> {
    const warehouseErrors = rejected.get(file.key) ?? { errors: [], count: 0 };
    const errorCount = file.errorCount + warehouseErrors.count;
    const skipped = file.skipped || (this.onError === "SKIP_FILE" && warehouseErrors.count > 0);
    if (skipped && !file.skipped) await unstageFile(this.connection, file.key);
    const rowsLoaded = skipped ? 0 : file.rowsStaged - warehouseErrors.count;
    const errors = [...file.errors, ...warehouseErrors.errors]
      .sort((a, b) => a.line - b.line)
      .slice(0, MAX_ERRORS_KEPT_PER_FILE);
    const status: FileStatus = skipped ? "LOAD_FAILED" : errorCount > 0 ? "PARTIALLY_LOADED" : "LOADED";
    return { key: file.key, status, rowsParsed: file.rowsParsed, rowsLoaded, errorCount, errors };
  }

  #report(result: FileLoadResult): void {
    const { summary, log } = this;
    summary.rowsLoaded += result.rowsLoaded;
    summary.rowsRejected += result.errorCount;
    summary.files.push(result);
    if (result.errorCount === 0) return;
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
}
