/**
 * `npm run bench:local`: how fast the local stack loads and transforms a realistic raw layer.
 *
 * Generates 100,000 raw records (about 20 % of them re-extractions of movies already landed, as daily
 * runs produce) spread over many NDJSON files laid out like the bucket, then times separately:
 *   1. the loader (files -> raw.movies, Snowpipe-like) from a folder, and through the S3 API (s3rver);
 *   2. `dbt build --target local` on the loaded warehouse;
 * and, as the ceiling, DuckDB reading the same files directly (read_ndjson_objects into a table with
 * the file name, and read_json parsing every field). Prints rows/s per stage and the ratios.
 *
 * Options: --records N (default 100000), --files N (default 200), --keep (keep the temp folder).
 */
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runDbt, type DbtRunResult } from "../local/dbt";
import { buildDemoCatalog } from "../servers/demoCatalog";
import { REPO_ROOT } from "../local/options";
import { loadRawFiles, type LoadSummary } from "../local/snowpipe/loader";
import { folderRawSource, s3RawSource } from "../local/snowpipe/sources";
import { s3ServerClient, startS3Server } from "../servers/s3Server";
import { DUCKDB_VERSION, openWarehouse } from "../local/snowpipe/warehouse";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "100000" },
    files: { type: "string", default: "200" },
    keep: { type: "boolean", default: false },
  },
});
const totalRecords = Number(values.records);
const fileCount = Number(values.files);
const DUPLICATE_SHARE = 0.2;

const rate = (rows: number, ms: number): string =>
  `${Math.round(rows / (ms / 1000)).toLocaleString("en-US")} rows/s`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Distinct synthetic movies: demo catalogs of several seeds, renumbered so that ids never collide. */
function distinctMovies(count: number): Record<string, unknown>[] {
  const movies: Record<string, unknown>[] = [];
  for (let seed = 1; movies.length < count; seed += 1) {
    for (const movie of buildDemoCatalog({ seed, pages: 500 }).details.values()) {
      if (movie["budget"] === 0 && movie["revenue"] === 0) continue; // the extractor never lands those
      movies.push({ ...movie, id: movies.length + 1 });
      if (movies.length === count) break;
    }
  }
  return movies;
}

interface RawFile {
  key: string;
  content: string;
}

/** Day after day (four runs a day), each file lands new movies plus re-extractions of earlier ones. */
function generateRawFiles(): { files: RawFile[]; distinct: number } {
  const duplicates = Math.round(totalRecords * DUPLICATE_SHARE);
  const movies = distinctMovies(totalRecords - duplicates);
  const perFile = Math.ceil(totalRecords / fileCount);
  const files: RawFile[] = [];
  let nextNew = 0;
  let duplicatesLeft = duplicates;
  const start = Date.parse("2026-01-01T06:00:00Z");
  for (let f = 0; f < fileCount; f += 1) {
    const runStart = new Date(start + f * 6 * 3600_000);
    const iso = runStart.toISOString();
    const key = `raw/movies/${iso.slice(0, 10)}/movies_${iso.slice(11, 19).replaceAll(":", "-")}.json`;
    const lines: string[] = [];
    const extractedAt = (offset: number) => new Date(runStart.getTime() + offset).toISOString();
    const dupesHere = f === 0 ? 0 : Math.min(duplicatesLeft, Math.round(duplicates / (fileCount - 1)));
    for (let i = 0; i < dupesHere && nextNew > 0; i += 1) {
      const movie = movies[(f * 7919 + i * 104_729) % nextNew] as Record<string, unknown>;
      const popularity = Number(movie["popularity"]) * 0.9;
      lines.push(JSON.stringify({ ...movie, popularity, _extracted_at: extractedAt(i) }));
      duplicatesLeft -= 1;
    }
    while (lines.length < perFile && nextNew < movies.length) {
      const movie = movies[nextNew] as Record<string, unknown>;
      nextNew += 1;
      lines.push(JSON.stringify({ ...movie, _extracted_at: extractedAt(lines.length) }));
    }
    if (lines.length > 0) files.push({ key, content: `${lines.join("\n")}\n` });
  }
  return { files, distinct: movies.length };
}

/** Writes the files into a folder laid out like the bucket; returns bytes and records written. */
async function writeFolder(bucketDir: string, files: RawFile[]): Promise<{ bytes: number; records: number }> {
  let bytes = 0;
  let records = 0;
  for (const file of files) {
    const path = join(bucketDir, ...file.key.split("/"));
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, file.content);
    bytes += Buffer.byteLength(file.content);
    records += file.content.split("\n").length - 1;
  }
  return { bytes, records };
}

/** The loader reading the same files through the S3 API of a local S3-compatible server. */
async function loadThroughS3(root: string, files: RawFile[]): Promise<LoadSummary> {
  const s3Server = await startS3Server({ directory: join(root, "s3") });
  const client = s3ServerClient(s3Server.endpoint);
  try {
    await client.send(new CreateBucketCommand({ Bucket: "bench-raw" }));
    for (const file of files) {
      await client.send(new PutObjectCommand({ Bucket: "bench-raw", Key: file.key, Body: file.content }));
    }
    return await loadRawFiles({
      databasePath: join(root, "state-s3", "warehouse.duckdb"),
      source: s3RawSource({ client, bucket: "bench-raw" }),
    });
  } finally {
    client.destroy();
    await s3Server.close();
  }
}

/** The ceiling: DuckDB reading the same files itself, as objects and with every field parsed. */
async function ceilingReads(root: string, bucketDir: string, records: number) {
  const glob = join(bucketDir, "raw", "movies", "*", "*.json");
  const ceiling = await openWarehouse(join(root, "ceiling", "ceiling.duckdb"));
  try {
    let t = performance.now();
    await ceiling.connection.run(
      `create table raw_objects as select json as record, filename as source_file, current_timestamp as loaded_at
       from read_ndjson_objects('${glob}', filename = true)`,
    );
    const objectsMs = performance.now() - t;
    t = performance.now();
    await ceiling.connection.run(
      `create table raw_parsed as select * from read_json('${glob}', format = 'newline_delimited')`,
    );
    const parsedMs = performance.now() - t;
    const reader = await ceiling.connection.runAndReadAll(
      "select (select count(*) from raw_objects), (select count(*) from raw_parsed)",
    );
    const [objects, parsed] = reader.getRows()[0] ?? [];
    if (Number(objects) !== records || Number(parsed) !== records)
      throw new Error("the ceiling read a different number of rows");
    return { objectsMs, parsedMs };
  } finally {
    ceiling.close();
  }
}

/** dbt build on the loaded warehouse, and on an empty one (dbt's fixed cost); what the models hold after. */
async function dbtBuilds(root: string, databasePath: string) {
  const build = await runDbt({
    repoRoot: REPO_ROOT,
    args: ["build", "--target", "local"],
    stateDir: join(root, "state"),
    databasePath,
  });
  const emptyBuild = await runDbt({
    repoRoot: REPO_ROOT,
    args: ["build", "--target", "local"],
    stateDir: join(root, "state-empty"),
    databasePath: join(root, "state-empty", "warehouse.duckdb"),
  });
  const check = await openWarehouse(databasePath, { readOnly: true });
  try {
    const reader = await check.connection.runAndReadAll(
      `select (select count(*) from staging.stg__movies), (select count(*) from marts.mart__genre_roi),
        (select md5(string_agg(m::varchar, '|' order by genre_name)) from marts.mart__genre_roi m)`,
    );
    const [stg, mart, digest] = reader.getRows()[0] ?? [];
    return { build, emptyBuild, stgRows: Number(stg), martRows: Number(mart), martDigest: String(digest) };
  } finally {
    check.close();
  }
}

function printPhases(label: string, load: LoadSummary): void {
  console.log(
    `${label}: waiting for files ${seconds(load.phasesMs.read)}, checking lines + hashing ` +
      `${seconds(load.phasesMs.parse)}, DuckDB's JSON check ${seconds(load.phasesMs.validate)}, ` +
      `DuckDB staging + copy + commits ${seconds(load.phasesMs.insert)}`,
  );
}

/** The three slowest dbt nodes of a run, by name. */
async function slowestNodes(runResultsPath: string): Promise<string> {
  const results = JSON.parse(await readFile(runResultsPath, "utf8")) as {
    results: { unique_id: string; execution_time: number }[];
  };
  const name = (id: string) =>
    id
      .split(".")
      .slice(2)
      .filter((part) => !/^[0-9a-f]{10}$/.test(part))
      .join(".");
  return [...results.results]
    .sort((a, b) => b.execution_time - a.execution_time)
    .slice(0, 3)
    .map((r) => `${name(r.unique_id)} ${r.execution_time.toFixed(2)} s`)
    .join(", ");
}

interface Figures {
  records: number;
  bytes: number;
  folderLoad: LoadSummary;
  s3Load: LoadSummary;
  ceiling: { objectsMs: number; parsedMs: number };
  dbt: {
    build: DbtRunResult;
    emptyBuild: DbtRunResult;
    stgRows: number;
    martRows: number;
    martDigest: string;
  };
}

async function printFigures(figures: Figures): Promise<void> {
  const { records, bytes, folderLoad, s3Load, ceiling, dbt } = figures;
  const line = (label: string, ms: number, rows: number, extra = ""): void =>
    console.log(`${label.padEnd(44)} ${seconds(ms).padStart(8)}  ${rate(rows, ms).padStart(16)}${extra}`);
  console.log(`${"stage".padEnd(44)} ${"time".padStart(8)}  ${"throughput".padStart(16)}`);
  line(
    "load: folder -> raw.movies (loader)",
    folderLoad.durationMs,
    records,
    `  ${mb(bytes / (folderLoad.durationMs / 1000))}/s`,
  );
  line("load: S3 API (s3rver) -> raw.movies (loader)", s3Load.durationMs, records);
  line("ceiling: read_ndjson_objects -> table", ceiling.objectsMs, records);
  line("ceiling: read_json (every field parsed)", ceiling.parsedMs, records);
  line(
    "transform: dbt build --target local",
    dbt.build.durationMs,
    records,
    `  (raw rows in; ${dbt.stgRows} movies, ${dbt.martRows} genres out)`,
  );
  line("transform: dbt build on an empty raw table", dbt.emptyBuild.durationMs, 0, "  (dbt's fixed cost)");
  console.log("");
  printPhases("loader (folder)", folderLoad);
  printPhases("loader (S3)    ", s3Load);
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  console.log(
    `loader (folder) vs ceiling (read_ndjson_objects): ${ratio(ceiling.objectsMs, folderLoad.durationMs)}x the ceiling's speed`,
  );
  console.log(
    `loader (folder) vs read_json:                     ${ratio(ceiling.parsedMs, folderLoad.durationMs)}x`,
  );
  console.log(
    `loader via S3 vs via folder:                      ${ratio(folderLoad.durationMs, s3Load.durationMs)}x`,
  );
  const variable = dbt.build.durationMs - dbt.emptyBuild.durationMs;
  console.log(
    `dbt build minus its fixed cost: ${seconds(variable)} for ${records.toLocaleString("en-US")} raw rows` +
      (variable > 0 ? ` (${rate(records, variable)})` : ""),
  );
  console.log(`slowest dbt nodes: ${await slowestNodes(dbt.build.runResultsPath)}`);
  console.log(`mart digest (md5 of its rows): ${dbt.martDigest}`);
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "tmdb-roi-bench-"));
  const bucketDir = join(root, "bucket");
  try {
    const generateStart = performance.now();
    const { files, distinct } = generateRawFiles();
    const { bytes, records } = await writeFolder(bucketDir, files);
    console.log(`local stack benchmark (DuckDB ${DUCKDB_VERSION}, Node ${process.version})`);
    console.log(
      `generated ${records.toLocaleString("en-US")} raw records (${distinct.toLocaleString("en-US")} distinct movies, ` +
        `${(((records - distinct) / records) * 100).toFixed(1)} % re-extracted) in ${files.length} files, ${mb(bytes)} ` +
        `(${seconds(performance.now() - generateStart)})`,
    );
    console.log("SYNTHETIC DEMO DATA: generated records, not real TMDB figures.\n");

    const folderDb = join(root, "state", "warehouse.duckdb");
    const folderLoad = await loadRawFiles({
      databasePath: folderDb,
      source: folderRawSource({ directory: bucketDir }),
    });
    if (folderLoad.rowsLoaded !== records)
      throw new Error(`loaded ${folderLoad.rowsLoaded} rows, expected ${records}`);
    const s3Load = await loadThroughS3(root, files);
    const ceiling = await ceilingReads(root, bucketDir, records);
    const dbt = await dbtBuilds(root, folderDb);
    await printFigures({ records, bytes, folderLoad, s3Load, ceiling, dbt });
  } finally {
    if (values.keep) console.log(`kept ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
}

await main();
