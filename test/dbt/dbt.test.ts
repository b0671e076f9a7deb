import { DuckDBInstance } from "@duckdb/node-api";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { CommandError, repoRoot, runScript } from "./dbtCli";
import {
  expectedGenreRoi,
  expectedStaging,
  readRawFixture,
  type GenreRoi,
  type RawRow,
  type StagedMovie,
} from "./expectations";

const fixtureDir = join(repoRoot, "test", "dbt", "fixtures");
const projectDir = join(repoRoot, "dbt_project");
/** Small enough that several fixture genres qualify and some do not. */
const MIN_MOVIES_PER_GENRE = 3;
const dbtVars = JSON.stringify({ min_movies_per_genre: MIN_MOVIES_PER_GENRE });

/** The plausibility threshold the project ships with (dbt_project.yml), so the test follows it. */
function projectMinPlausibleUsd(): number {
  const project = parseYaml(readFileSync(join(projectDir, "dbt_project.yml"), "utf8")) as {
    vars?: Record<string, unknown>;
  };
  const value = project.vars?.min_plausible_usd;
  assert.equal(typeof value, "number", "dbt_project.yml vars.min_plausible_usd must be a number");
  return value as number;
}

/** Figures the mart rounds to 4 places: the output must be the exact value, rounded. */
const ROUNDED_FIELDS = [
  ["avg_roi", "avgRoi"],
  ["median_roi", "medianRoi"],
  ["min_roi", "minRoi"],
  ["max_roi", "maxRoi"],
  ["portfolio_roi", "portfolioRoi"],
  ["avg_popularity", "avgPopularity"],
  ["avg_vote_average", "avgVoteAverage"],
  ["avg_vote_count", "avgVoteCount"],
  ["pct_profitable", "pctProfitable"],
] as const;
const EXACT_FIELDS = [
  ["total_movies", "totalMovies"],
  ["total_budget", "totalBudget"],
  ["total_revenue", "totalRevenue"],
  ["total_profit", "totalProfit"],
  ["roi_rank", "roiRank"],
  ["portfolio_roi_rank", "portfolioRoiRank"],
  ["median_roi_rank", "medianRoiRank"],
] as const;

type Row = Record<string, unknown>;

function asNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** Compares mart rows (any engine, snake_case columns) with the expected genres. */
function assertMartMatches(actual: Row[], expected: GenreRoi[], engine: string): void {
  assert.deepEqual(
    actual.map((row) => String(row.genre_name)).sort(),
    expected.map((genre) => genre.genreName).sort(),
    `${engine}: genres in the mart`,
  );
  for (const genre of expected) {
    const row = actual.find((candidate) => candidate.genre_name === genre.genreName) as Row;
    for (const [column, key] of EXACT_FIELDS) {
      assert.equal(Number(row[column]), genre[key], `${engine}: ${genre.genreName}.${column}`);
    }
    for (const [column, key] of ROUNDED_FIELDS) {
      const value = Number(row[column]);
      assert.ok(
        Math.abs(value - genre[key]) <= 0.00005 + 1e-9,
        `${engine}: ${genre.genreName}.${column} = ${value}, exact value ${genre[key]}`,
      );
      assert.ok(
        Math.abs(value * 10_000 - Math.round(value * 10_000)) < 1e-6,
        `${engine}: ${genre.genreName}.${column} = ${value} is rounded to 4 places`,
      );
    }
  }
}

/** Compares staging rows (any engine) with the expected movies. */
function assertStagingMatches(actual: Row[], expected: StagedMovie[], engine: string): void {
  const normalised = actual
    .map((row) => ({
      movieId: Number(row.movie_id),
      title: row.title ?? null,
      releaseDate: row.release_date === null ? null : String(row.release_date).slice(0, 10),
      budget: asNumberOrNull(row.budget),
      revenue: asNumberOrNull(row.revenue),
      profit: asNumberOrNull(row.profit),
      roi: asNumberOrNull(row.roi),
      roiNullReason: row.roi_null_reason ?? null,
      popularity: asNumberOrNull(row.popularity),
      voteAverage: asNumberOrNull(row.vote_average),
      voteCount: asNumberOrNull(row.vote_count),
      // Snowflake returns ARRAY columns as JSON text
      genreNames:
        typeof row.genre_names === "string"
          ? (JSON.parse(row.genre_names) as string[])
          : ((row.genre_names as string[] | null) ?? []),
      sourceFile: row.source_file,
      fileRowNumber: Number(row.file_row_number),
    }))
    .sort((a, b) => a.movieId - b.movieId);
  assert.deepEqual(normalised, expected, `${engine}: stg__movies`);
}

async function queryDuckDb(path: string, sql: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  try {
    const connection = await instance.connect();
    try {
      return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Row[];
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** Loads raw rows into a fresh DuckDB file the way the pipe fills RAW.MOVIES. */
async function loadRawIntoDuckDb(path: string, rows: readonly RawRow[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  try {
    const connection = await instance.connect();
    try {
      await connection.run("create schema if not exists raw");
      await connection.run(
        "create table if not exists raw.movies (record json, source_file varchar, file_row_number bigint, loaded_at timestamptz)",
      );
      for (const row of rows) {
        await connection.run(
          "insert into raw.movies values (cast($1 as json), $2, $3, cast($4 as timestamptz))",
          [row.recordText, row.sourceFile, row.fileRowNumber, row.loadedAt],
        );
      }
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

interface RunResults {
  results: { unique_id: string; status: string }[];
}
interface Manifest {
  nodes: Record<
    string,
    {
      resource_type: string;
      name: string;
      schema: string;
      database: string;
      original_file_path: string;
      description: string;
      columns: Record<string, { description: string }>;
    }
  >;
  sources: Record<string, { schema: string; database: string; name: string }>;
  unit_tests: Record<string, { name: string }>;
}
interface Catalog {
  nodes: Record<string, { columns: Record<string, { name: string }> }>;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

describe("dbt project on the local target (dbt-duckdb)", function () {
  this.timeout(600_000);
  const work = mkdtempSync(join(tmpdir(), "tmdb-roi-dbt-"));
  const warehouse = join(work, "warehouse.duckdb");
  const targetPath = join(work, "target-local");
  const env = { TMDB_ROI_STATE_DIR: work, TMDB_ROI_DUCKDB_PATH: warehouse, DBT_TARGET: "local" };
  const raw = readRawFixture(fixtureDir);
  const staging = expectedStaging(raw, projectMinPlausibleUsd());
  const mart = expectedGenreRoi(staging, MIN_MOVIES_PER_GENRE);
  let buildOutput = "";

  before(async function () {
    await runScript("scripts/python-env.sh", []);
    await loadRawIntoDuckDb(warehouse, raw);
    const build = await runScript(
      "scripts/dbt.sh",
      [
        "build",
        "--target",
        "local",
        "--vars",
        dbtVars,
        "--target-path",
        targetPath,
        "--log-path",
        join(work, "logs"),
      ],
      env,
    );
    buildOutput = build.stdout;
    console.log(`      dbt build (local): ${build.seconds.toFixed(1)} s`);
  });

  after(function () {
    rmSync(work, { recursive: true, force: true });
  });

  it("builds every model and passes every data test and unit test", function () {
    const manifest = readJson<Manifest>(join(targetPath, "manifest.json"));
    const results = readJson<RunResults>(join(targetPath, "run_results.json")).results;
    const failed = results.filter((result) => !["success", "pass"].includes(result.status));
    assert.deepEqual(failed, [], buildOutput.slice(-4000));

    const ran = new Set(results.map((result) => result.unique_id));
    const expectedIds = [
      ...Object.entries(manifest.nodes)
        .filter(([, node]) => ["model", "test"].includes(node.resource_type))
        .map(([id]) => id),
      ...Object.keys(manifest.unit_tests),
    ];
    assert.deepEqual(
      expectedIds.filter((id) => !ran.has(id)),
      [],
      "every model, data test and unit test ran",
    );
    const count = (type: string) =>
      Object.values(manifest.nodes).filter((n) => n.resource_type === type).length;
    assert.equal(count("model"), 2);
    assert.ok(
      count("test") > 0 && Object.keys(manifest.unit_tests).length > 0,
      "the project has data and unit tests",
    );
    console.log(
      `      ${count("model")} models, ${count("test")} data tests, ${Object.keys(manifest.unit_tests).length} unit tests`,
    );
  });

  it("stg__movies holds the latest record of every movie with a financial figure, typed", async function () {
    const rows = await queryDuckDb(warehouse, "select * from staging.stg__movies");
    assertStagingMatches(rows, staging, "duckdb");
  });

  it("stg__movies keeps the later line when one file holds a movie twice with one fetch time", async function () {
    const sameFetch = raw.filter(
      (row, _, all) =>
        all.filter(
          (other) =>
            other.record.id === row.record.id &&
            other.sourceFile === row.sourceFile &&
            other.record._extracted_at === row.record._extracted_at,
        ).length > 1,
    );
    assert.ok(sameFetch.length >= 2, "the fixture holds a movie twice in one file with one fetch time");
    const lastLine = sameFetch.reduce((a, b) => (b.fileRowNumber > a.fileRowNumber ? b : a));
    const [movie] = await queryDuckDb(
      warehouse,
      `select revenue, source_file, file_row_number from staging.stg__movies where movie_id = ${Number(lastLine.record.id)}`,
    );
    assert.equal(Number(movie?.file_row_number), lastLine.fileRowNumber);
    assert.equal(movie?.source_file, lastLine.sourceFile);
    assert.equal(Number(movie?.revenue), lastLine.record.revenue);
  });

  it("mart__genre_roi matches the figures computed from the fixture, multi-genre movies in each genre", async function () {
    const rows = await queryDuckDb(warehouse, "select * from marts.mart__genre_roi");
    assertMartMatches(rows, mart, "duckdb");
    const multiGenre = staging.find((m) => m.roi !== null && m.genreNames.length >= 3);
    assert.ok(multiGenre, "the fixture has a movie with an ROI in three or more genres");
    const totalMovies = rows.reduce((sum, row) => sum + Number(row.total_movies), 0);
    const moviesWithRoi = staging.filter((m) => m.roi !== null && m.genreNames.length > 0).length;
    assert.ok(totalMovies > moviesWithRoi, "movies in several genres count once per genre");
  });

  it("mart__genre_roi gives genres with equal figures the same rank", async function () {
    const rows = await queryDuckDb(
      warehouse,
      "select genre_name, roi_rank, portfolio_roi_rank, median_roi_rank from marts.mart__genre_roi",
    );
    const tied = mart.filter((genre) =>
      mart.some((other) => other !== genre && other.avgRoi === genre.avgRoi),
    );
    assert.ok(tied.length >= 2, "the fixture has genres tied on avg_roi");
    for (const genre of tied) {
      const row = rows.find((candidate) => candidate.genre_name === genre.genreName) as Row;
      assert.equal(
        Number(row.roi_rank),
        genre.roiRank,
        `${genre.genreName} shares roi_rank ${genre.roiRank}`,
      );
    }
  });

  it("dbt source freshness judges the newest load against 30 h (warn) and 54 h (error)", async function () {
    const newestLoad = Math.max(...raw.map((row) => Date.parse(row.loadedAt)));
    let exitCode = 0;
    try {
      await runScript(
        "scripts/dbt.sh",
        [
          "source",
          "freshness",
          "--target",
          "local",
          "--target-path",
          targetPath,
          "--log-path",
          join(work, "logs"),
        ],
        env,
      );
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      exitCode = error.exitCode ?? -1;
    }
    const ageHours = (Date.now() - newestLoad) / 3_600_000;
    const expected = ageHours > 54 ? "error" : ageHours > 30 ? "warn" : "pass";
    const [result] = readJson<{ results: { status: string; max_loaded_at: string }[] }>(
      join(targetPath, "sources.json"),
    ).results;
    assert.equal(Date.parse(String(result?.max_loaded_at)), newestLoad);
    assert.equal(result?.status, expected, `newest load ${ageHours.toFixed(1)} h old`);
    assert.equal(exitCode === 0, expected !== "error", "dbt source freshness fails only on error");
  });

  it("dbt docs generate documents every model and every column", async function () {
    const docs = await runScript(
      "scripts/dbt.sh",
      [
        "docs",
        "generate",
        "--target",
        "local",
        "--target-path",
        targetPath,
        "--log-path",
        join(work, "logs"),
      ],
      env,
    );
    console.log(`      dbt docs generate: ${docs.seconds.toFixed(1)} s`);
    const manifest = readJson<Manifest>(join(targetPath, "manifest.json"));
    const catalog = readJson<Catalog>(join(targetPath, "catalog.json"));
    const models = Object.entries(manifest.nodes).filter(([, node]) => node.resource_type === "model");
    for (const [id, model] of models) {
      assert.ok(model.description.trim().length > 0, `${model.name} has a description`);
      const built = Object.values(catalog.nodes[id]?.columns ?? {}).map((column) =>
        column.name.toLowerCase(),
      );
      assert.ok(built.length > 0, `${model.name} is in the catalog`);
      const documented = Object.fromEntries(
        Object.entries(model.columns).map(([name, column]) => [name.toLowerCase(), column.description]),
      );
      assert.deepEqual(
        built.filter((name) => !documented[name]?.trim()),
        [],
        `${model.name}: undocumented columns`,
      );
      assert.deepEqual(
        Object.keys(documented).filter((name) => !built.includes(name)),
        [],
        `${model.name}: documented columns missing from the built relation`,
      );
    }
  });
});

describe("dbt project on the snowflake target", function () {
  this.timeout(900_000);
  const work = mkdtempSync(join(tmpdir(), "tmdb-roi-dbt-sf-"));
  const snowflakeEnv = {
    TMDB_ROI_STATE_DIR: work,
    SNOWFLAKE_ACCOUNT: "example-org-example-account",
    SNOWFLAKE_USER: "TMDB_ROI_TEST_DBT",
    SNOWFLAKE_ROLE: "TMDB_ROI_TEST_TRANSFORMER",
    SNOWFLAKE_WAREHOUSE: "TMDB_ROI_TEST_WH",
    SNOWFLAKE_DATABASE: "TMDB_ROI_TEST",
    SNOWFLAKE_PRIVATE_KEY_PATH: join(work, "no-such-key.p8"),
  };

  after(function () {
    rmSync(work, { recursive: true, force: true });
  });

  it("dbt compile --target snowflake renders every model as Snowflake SQL without a connection", async function () {
    const targetPath = join(work, "target-snowflake");
    // --no-populate-cache and --no-introspect: compile then needs no connection (the key file
    // above does not exist, so any connection attempt would fail the command).
    const compile = await runScript(
      "scripts/dbt.sh",
      [
        "compile",
        "--target",
        "snowflake",
        "--no-populate-cache",
        "--no-introspect",
        "--target-path",
        targetPath,
        "--log-path",
        join(work, "logs"),
      ],
      snowflakeEnv,
    );
    console.log(`      dbt compile (snowflake): ${compile.seconds.toFixed(1)} s`);
    const manifest = readJson<Manifest>(join(targetPath, "manifest.json"));
    const models = Object.values(manifest.nodes).filter((node) => node.resource_type === "model");
    assert.equal(models.length, 2);
    for (const model of models) {
      const compiledPath = join(targetPath, "compiled", "tmdb_genre_roi", model.original_file_path);
      assert.ok(existsSync(compiledPath), `${model.name} compiled`);
      const sql = readFileSync(compiledPath, "utf8");
      assert.doesNotMatch(sql, /\{\{|\{%/, `${model.name}: no Jinja left`);
      assert.doesNotMatch(sql, /->>/, `${model.name}: no DuckDB JSON operators`);
      assert.ok(
        ["STAGING", "MARTS"].includes(model.schema.toUpperCase()),
        `${model.name} in ${model.schema}`,
      );
      assert.equal(model.database, snowflakeEnv.SNOWFLAKE_DATABASE);
    }
    const source = Object.values(manifest.sources)[0];
    assert.equal(source?.schema.toUpperCase(), "RAW");
    const stg = readFileSync(
      join(targetPath, "compiled", "tmdb_genre_roi", "models/staging/stg__movies.sql"),
      "utf8",
    );
    assert.match(stg, /from TMDB_ROI_TEST\.raw\.movies/i);
    assert.match(stg, /record\['budget'\]/);
    assert.match(stg, /flatten\(input => record\['genres'\]\)/);
    const martSql = readFileSync(
      join(targetPath, "compiled", "tmdb_genre_roi", "models/marts/mart__genre_roi.sql"),
      "utf8",
    );
    assert.match(martSql, /lateral flatten\(input => movies_with_roi\.genre_names\)/);
    assert.match(martSql, /as float\)/);
  });

  it("runs the models, data tests and unit tests with dbt-snowflake on fakesnow, with the same results", async function () {
    const raw = readRawFixture(fixtureDir);
    const staging = expectedStaging(raw, projectMinPlausibleUsd());
    const mart = expectedGenreRoi(staging, MIN_MOVIES_PER_GENRE);
    const rowsFile = join(work, "raw-rows.ndjson");
    writeFileSync(
      rowsFile,
      raw
        .map((row) =>
          JSON.stringify({
            record: row.recordText,
            source_file: row.sourceFile,
            file_row_number: row.fileRowNumber,
            loaded_at: row.loadedAt,
          }),
        )
        .join("\n"),
    );
    const exportDir = join(work, "fakesnow-export");
    const targetPath = join(work, "target-fakesnow");
    await runScript("scripts/python-env.sh", ["fakesnow"]);
    const run = await runScript(
      "scripts/fakesnow-dbt.sh",
      [
        "--raw-rows",
        rowsFile,
        "--export-dir",
        exportDir,
        "--",
        "build",
        "--target",
        "snowflake",
        "--vars",
        dbtVars,
        "--target-path",
        targetPath,
        "--log-path",
        join(work, "logs"),
      ],
      { ...snowflakeEnv, SNOWFLAKE_PRIVATE_KEY_PATH: "" },
    );
    console.log(`      dbt build on fakesnow: ${run.seconds.toFixed(1)} s`);
    const results = readJson<RunResults>(join(targetPath, "run_results.json")).results;
    assert.deepEqual(
      results.filter((result) => !["success", "pass"].includes(result.status)),
      [],
    );
    for (const kind of ["model.", "test.", "unit_test."]) {
      assert.ok(
        results.some((result) => result.unique_id.startsWith(kind)),
        `fakesnow ran ${kind}*`,
      );
    }
    assertStagingMatches(readJson<Row[]>(join(exportDir, "stg__movies.json")), staging, "fakesnow");
    assertMartMatches(readJson<Row[]>(join(exportDir, "mart__genre_roi.json")), mart, "fakesnow");
  });
});
