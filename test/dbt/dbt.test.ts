import { DuckDBInstance } from "@duckdb/node-api";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { CommandError, repoRoot, runProgram, runScript } from "./dbtCli";
import {
  expectedGenreRoi,
  expectedStaging,
  readRawFixture,
  unreadableCount,
  type GenreRoi,
  type JsonFieldType,
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
  results: { unique_id: string; status: string; failures: number | null }[];
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
      test_metadata?: { name: string; kwargs: Record<string, unknown> };
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

/**
 * Every model, data test and unit test succeeded, except the source's `json_field_castable`
 * tests: each of those warns with exactly the number of raw rows whose value cannot be read (as
 * computed from the fixture), and passes when there are none. Returns how many tests warned.
 */
function assertBuildResults(
  results: RunResults["results"],
  manifest: Manifest,
  raw: readonly RawRow[],
  engine: string,
): number {
  let warned = 0;
  for (const result of results) {
    const metadata = manifest.nodes[result.unique_id]?.test_metadata;
    if (metadata?.name !== "json_field_castable") {
      assert.ok(
        ["success", "pass"].includes(result.status),
        `${engine}: ${result.unique_id} is ${result.status}`,
      );
      continue;
    }
    const { key, data_type: dataType, required } = metadata.kwargs;
    const expected = unreadableCount(raw, String(key), dataType as JsonFieldType, required === true);
    assert.equal(result.status, expected > 0 ? "warn" : "pass", `${engine}: ${result.unique_id}`);
    assert.equal(
      result.failures,
      expected,
      `${engine}: ${result.unique_id} counts the unreadable ${String(key)} values`,
    );
    if (expected > 0) warned += 1;
  }
  return warned;
}

/** dbt's `--target-path` and `--log-path` arguments, both inside a test's own folder. */
function outputPaths(work: string, targetPath: string): string[] {
  return ["--target-path", targetPath, "--log-path", join(work, "logs")];
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
      ["build", "--target", "local", "--vars", dbtVars, ...outputPaths(work, targetPath)],
      env,
    );
    buildOutput = build.stdout;
    console.log(`      dbt build (local): ${build.seconds.toFixed(1)} s`);
  });

  after(function () {
    rmSync(work, { recursive: true, force: true });
  });

  it("builds every model, passes every unit and data test, and warns exactly on unreadable raw values", function () {
    const manifest = readJson<Manifest>(join(targetPath, "manifest.json"));
    const results = readJson<RunResults>(join(targetPath, "run_results.json")).results;
    const notOk = results.filter((result) => !["success", "pass", "warn"].includes(result.status));
    assert.deepEqual(notOk, [], buildOutput.slice(-4000));
    // The fixture's history holds malformed values and records without an id: the build stays
    // green and the source's json_field_castable warnings count exactly those rows.
    const warned = assertBuildResults(results, manifest, raw, "duckdb");
    assert.ok(warned >= 4, `malformed raw values are reported (${warned} warnings)`);

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
    const withId = raw.filter((row) => typeof row.record.id === "number");
    const sameFetch = withId.filter(
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
        ["source", "freshness", "--target", "local", ...outputPaths(work, targetPath)],
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
      ["docs", "generate", "--target", "local", ...outputPaths(work, targetPath)],
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

describe("dbt project configuration", function () {
  this.timeout(300_000);
  const work = mkdtempSync(join(tmpdir(), "tmdb-roi-dbt-config-"));
  const projectCopy = join(work, "repo", "dbt_project");
  const elsewhere = join(work, "elsewhere");
  const dbt = join(repoRoot, ".venv", "bin", "dbt");

  /** This process's environment without anything that places the warehouse or the project. */
  function bareEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: "false" };
    for (const name of [
      "TMDB_ROI_STATE_DIR",
      "TMDB_ROI_DUCKDB_PATH",
      "DBT_PROJECT_DIR",
      "DBT_PROFILES_DIR",
      "DBT_TARGET",
    ]) {
      env[name] = undefined;
    }
    return Object.fromEntries(
      Object.entries({ ...env, ...extra }).filter(([, value]) => value !== undefined),
    );
  }

  before(async function () {
    await runScript("scripts/python-env.sh", []);
    cpSync(projectDir, projectCopy, {
      recursive: true,
      filter: (source) => !/[/\\](target|logs)$/.test(source),
    });
    mkdirSync(join(work, "repo", ".local"));
    mkdirSync(elsewhere);
  });

  after(function () {
    rmSync(work, { recursive: true, force: true });
  });

  it("places the local warehouse in .local/ next to the project, whatever the working directory", async function () {
    const debug = await runProgram(dbt, ["debug", "--target", "local"], {
      env: bareEnv({ DBT_PROJECT_DIR: projectCopy, DBT_PROFILES_DIR: projectCopy }),
      cwd: elsewhere,
    });
    assert.match(debug.stdout, /path: .*dbt_project\/\.\.\/\.local\/warehouse\.duckdb/);
    assert.ok(existsSync(join(work, "repo", ".local", "warehouse.duckdb")), "warehouse next to the project");
    assert.ok(!existsSync(join(work, ".local")), "nothing relative to the working directory");
  });

  it("stops with a message naming the variables when nothing places the local warehouse", async function () {
    let error: unknown;
    try {
      await runProgram(
        dbt,
        ["debug", "--target", "local", "--project-dir", projectCopy, "--profiles-dir", projectCopy],
        {
          env: bareEnv({}),
          cwd: elsewhere,
        },
      );
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof CommandError, "dbt debug fails");
    assert.match(error.output, /TMDB_ROI_STATE_DIR/);
    assert.match(error.output, /TMDB_ROI_DUCKDB_PATH/);
    assert.match(error.output, /DBT_PROJECT_DIR/);
  });

  it("unit-test fixtures write load and extraction times in ISO 8601 with an explicit offset", function () {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
    const files = ["models/staging/_staging__models.yml", "models/marts/_marts__models.yml"];
    let checked = 0;
    for (const file of files) {
      const yaml = parseYaml(readFileSync(join(projectDir, file), "utf8")) as {
        unit_tests?: { name: string; given: { rows?: Row[] }[]; expect: { rows?: Row[] } }[];
      };
      for (const unitTest of yaml.unit_tests ?? []) {
        const rows = [
          ...unitTest.given.flatMap((input) => input.rows ?? []),
          ...(unitTest.expect.rows ?? []),
        ];
        for (const row of rows) {
          for (const column of ["loaded_at", "extracted_at"]) {
            const value = row[column];
            if (value === undefined || value === null) continue;
            assert.match(String(value), iso, `${unitTest.name}: ${column} ${String(value)}`);
            checked += 1;
          }
        }
      }
    }
    assert.ok(checked > 10, `timestamps checked: ${checked}`);
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
        ...outputPaths(work, targetPath),
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
    // Genre names: FLATTEN joined laterally and aggregated per movie. Snowflake does not support a
    // subquery correlated inside FLATTEN, so no FLATTEN may sit in a (scalar) subquery.
    assert.match(stg, /lateral flatten\(input => with_financials\.record\['genres'\]\)/);
    assert.match(stg, /group by with_financials\.movie_id/);
    assert.equal(
      (stg.match(/flatten\(/g) ?? []).length,
      (stg.match(/lateral flatten\(/g) ?? []).length,
      "every FLATTEN is a lateral join",
    );
    assert.doesNotMatch(stg, /table\(\s*flatten/i);
    assert.doesNotMatch(stg, /\(\s*select\s+array_agg/i, "no correlated scalar subquery");
    // Typed reads: try_cast on the value's text (Snowflake's try_cast rejects VARIANT), no strict cast.
    // Each key's text is read once into a `<key>_text` column, which the typed read then casts.
    const tryCasts = stg.match(/try_cast\(/g) ?? [];
    const textTryCasts = [...stg.matchAll(/try_cast\(([a-z_]+)_text as /g)];
    assert.ok(tryCasts.length >= 8, "typed fields use try_cast");
    assert.equal(textTryCasts.length, tryCasts.length, "every try_cast reads a text column");
    for (const [, key] of textTryCasts) {
      assert.match(
        stg,
        new RegExp(`cast\\(record\\['${key}'\\] as varchar\\) as ${key}_text,`),
        `${key}_text is the text of record['${key}']`,
      );
    }
    assert.doesNotMatch(stg, /(?<!try_)cast\(cast\(record\[/, "no strict cast of a record value");
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
        ...outputPaths(work, targetPath),
      ],
      { ...snowflakeEnv, SNOWFLAKE_PRIVATE_KEY_PATH: "" },
    );
    console.log(`      dbt build on fakesnow: ${run.seconds.toFixed(1)} s`);
    const results = readJson<RunResults>(join(targetPath, "run_results.json")).results;
    const manifest = readJson<Manifest>(join(targetPath, "manifest.json"));
    assert.ok(
      assertBuildResults(results, manifest, raw, "fakesnow") >= 4,
      "fakesnow reports malformed values",
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
