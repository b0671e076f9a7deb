import { describeError } from "../../functions/extractor/errors";
import { SYNTHETIC_MARKER } from "../../servers/demoCatalog";
import { LocalStackError } from "../options";
import { DEFAULT_ON_ERROR, loadRawFiles, type LoadSummary } from "../snowpipe/loader";
import type { RawSource } from "../snowpipe/sources";
import { DUCKDB_VERSION, openWarehouse } from "../snowpipe/warehouse";
import type { StageContext } from "./context";

/** What the warehouse holds after the load. */
export interface Loaded {
  load: LoadSummary;
  /** Whether any raw record in the warehouse is synthetic demo data. */
  synthetic: boolean;
}

/** Stage 3: new raw files go into the DuckDB warehouse's `raw.movies`, Snowpipe-like. */
export async function load(context: StageContext, rawSource: RawSource): Promise<Loaded> {
  const { progress, databasePath } = context;
  const onError = context.options.onError ?? DEFAULT_ON_ERROR;
  progress.stage(
    `Load: ${rawSource.description} -> raw.movies (DuckDB ${DUCKDB_VERSION}, ON_ERROR = ${onError})`,
  );
  let load: LoadSummary;
  try {
    load = await loadRawFiles({
      databasePath,
      source: rawSource,
      onError,
      log: (line) => progress.detail(line),
    });
  } catch (error) {
    throw new LocalStackError("load", describeError(error), { cause: error });
  }
  progress.done(
    `${load.filesProcessed} new file(s), ${load.rowsLoaded} row(s) loaded, ${load.rowsRejected} bad line(s) in ` +
      `${load.filesWithErrors} file(s); ${load.filesAlreadyLoaded} file(s) already loaded` +
      (load.filesChangedAfterLoad > 0
        ? `, ${load.filesChangedAfterLoad} changed since loaded (not reloaded)`
        : ""),
  );
  const { synthetic, total } = await countSynthetic(databasePath);
  if (synthetic > 0 && synthetic < total) {
    progress.detail(
      `warning: the warehouse mixes ${synthetic} synthetic demo record(s) with ${total - synthetic} real one(s); ` +
        "outputs are marked synthetic. Run with --reset to start from real data only.",
    );
  }
  return { load, synthetic: synthetic > 0 };
}

/** How many of the warehouse's raw records are synthetic (demo catalog) data. */
async function countSynthetic(databasePath: string): Promise<{ synthetic: number; total: number }> {
  const warehouse = await openWarehouse(databasePath, { readOnly: true });
  try {
    const reader = await warehouse.connection.runAndReadAll(
      `select count(*) filter (where (record ->> '$.${SYNTHETIC_MARKER}') = 'true'), count(*) from raw.movies`,
    );
    const [synthetic, total] = reader.getRows()[0] ?? [0, 0];
    return { synthetic: Number(synthetic), total: Number(total) };
  } finally {
    warehouse.close();
  }
}
