import { dirname, resolve } from "node:path";
import { DEFAULT_RAW_PREFIX, TMDB_MAX_PAGE } from "../contract/pipeline";
import { describeError, InvalidEventError } from "../functions/extractor/errors";
import { parseEvent, type BackfillEvent, type PopularEvent } from "../functions/extractor/event";
import { DEMO_CATALOG_DEFAULT_PAGES } from "../servers/demoCatalog";
import {
  display,
  LocalStackError,
  resetState,
  resolvePaths,
  type LocalStackOptions,
  type LocalStackResult,
} from "./options";
import { ensureWritableFolder } from "./folders";
import { Progress } from "./progress";
import { folderRawSource } from "./snowpipe/sources";
import { answer } from "./stages/answer";
import type { StageContext } from "./stages/context";
import { extract, type Landed } from "./stages/extract";
import { load } from "./stages/load";
import { startSource, type Source } from "./stages/source";
import { transform } from "./stages/transform";
import { acquireStateLock } from "./stateLock";
import { printableWriter } from "./terminal";

/**
 * The local stack: the whole pipeline on one machine, with the production code paths, in five stages
 * (see `stages/`): source, extract, load, transform, answer. With `fromRaw`, the first two are
 * replaced by loading a folder laid out like the bucket.
 */

/** Popular pages extracted by default. */
export const DEFAULT_PAGES = DEMO_CATALOG_DEFAULT_PAGES;

/**
 * Runs the local stack end to end. Holds the state folder's lock for the whole run and always stops
 * the servers it started, also on failure.
 */
export async function runLocalStack(options: LocalStackOptions = {}): Promise<LocalStackResult> {
  const context = stageContext(options);
  const fromRaw = options.fromRaw === undefined ? undefined : resolve(options.fromRaw);
  const started = performance.now();
  await checkFolders(context);
  let lock;
  try {
    lock = acquireStateLock(context.stateDir);
  } catch (error) {
    throw new LocalStackError("state", describeError(error), { cause: error });
  }
  let source: Source | undefined;
  let landed: Landed | undefined;
  try {
    announce(context);
    let description = fromRaw === undefined ? "" : `raw files from ${display(fromRaw)}`;
    if (fromRaw === undefined) {
      source = await startSource(context);
      landed = await extract(context, source);
      description = source.description;
    }
    const rawSource =
      landed?.rawSource ?? folderRawSource({ directory: fromRaw as string, prefix: DEFAULT_RAW_PREFIX });
    const loaded = await load(context, rawSource);
    await landed?.close(); // nothing reads the servers any more
    await source?.close();
    if (loaded.synthetic && !description.includes("synthetic"))
      description += " (contains synthetic demo data)";
    const { dbt, issues } = await transform(context);
    const { answer: marts, files } = await answer(context, {
      synthetic: loaded.synthetic,
      source: description,
    });
    context.write(`Done in ${context.progress.elapsed()}.`);
    return {
      ...{ synthetic: loaded.synthetic, source: description, extraction: landed?.extraction ?? null },
      ...{ load: loaded.load, dbt, rawIssues: issues, mart: marts.genres, decadeMart: marts.decades, files },
      durationMs: performance.now() - started,
    };
  } finally {
    await landed?.close().catch(() => undefined);
    await source?.close().catch(() => undefined);
    lock.release();
  }
}

/** Checks the options and resolves what every stage reads. */
function stageContext(options: LocalStackOptions): StageContext {
  const env = options.env ?? process.env;
  const write = printableWriter(options.write ?? ((line: string) => void process.stdout.write(`${line}\n`)));
  const pages = options.pages ?? DEFAULT_PAGES;
  if (!Number.isInteger(pages) || pages < 1 || pages > TMDB_MAX_PAGE) {
    throw new LocalStackError("options", `--pages must be an integer in 1..${TMDB_MAX_PAGE}, got ${pages}`);
  }
  const token = options.tmdbToken ?? (env["TMDB_API_TOKEN"] || undefined);
  const tmdbToken = options.fromRaw === undefined ? token : undefined;
  const progress = new Progress(options.fromRaw === undefined ? 5 : 3, write);
  const event = extractionEvent(options, pages);
  return { options, env, write, progress, pages, event, tmdbToken, ...resolvePaths(options) };
}

/** The extractor's event for the options, checked by the extractor's own rules. */
function extractionEvent(options: LocalStackOptions, pages: number): PopularEvent | BackfillEvent {
  if (options.backfill === undefined) return { mode: "popular", pages };
  if (options.fromRaw !== undefined) {
    throw new LocalStackError(
      "options",
      "--backfill and --from-raw exclude each other: one source at a time",
    );
  }
  try {
    return parseEvent({ mode: "backfill", ...options.backfill }) as BackfillEvent;
  } catch (error) {
    const field = error instanceof InvalidEventError ? error.field.replace(/^event\./, "") : undefined;
    const reason = error instanceof InvalidEventError ? `${field} ${error.reason}` : describeError(error);
    throw new LocalStackError("options", `--years: ${reason}`, { cause: error });
  }
}

/** Before any stage: the state, warehouse and output folders exist (or are created) and can be written. */
async function checkFolders(context: StageContext): Promise<void> {
  const folders: [string, string][] = [
    [context.stateDir, "the state folder (TMDB_ROI_STATE_DIR)"],
    [dirname(context.databasePath), "the warehouse's folder (TMDB_ROI_DUCKDB_PATH)"],
    [context.outDir, "the output folder (--out)"],
  ];
  for (const [path, what] of folders) {
    try {
      await ensureWritableFolder(path, what);
    } catch (error) {
      throw new LocalStackError("options", describeError(error), { cause: error });
    }
  }
}

function announce(context: StageContext): void {
  const { write, stateDir, databasePath, outDir } = context;
  write(
    `tmdb-genre-roi local stack: state ${display(stateDir)}, warehouse ${display(databasePath)}, outputs ${display(outDir)}`,
  );
  if (!context.options.reset) return;
  const removed = resetState(stateDir, databasePath);
  write(
    `reset: ${removed.length === 0 ? "nothing to delete" : `deleted ${removed.map(display).join(", ")}`}`,
  );
}
