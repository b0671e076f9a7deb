import { DuckDBInstance } from "@duckdb/node-api";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { DbtError, runDbt } from "../../local/dbt";
import { REPO_ROOT } from "../../local/options";
import { CommandError, runProgram } from "../support/exec";
import { assertMatchesGolden, readGoldenCsv } from "../support/golden";
import {
  goldenMart,
  goldenStaging,
  FIXTURE_DIR,
  goldenIssues,
  loadRawIntoDuckDb,
  readRawFixture,
  type RawRow,
} from "./fixture";

const projectDir = join(REPO_ROOT, "dbt_project");
/** Small enough that several fixture genres qualify and some do not (the golden mart is for 3). */
const MIN_MOVIES_PER_GENRE = 3;
/** The decade mart's cells need 2 movies here (the golden decade mart is for 2). */
const dbtVars = JSON.stringify({
  min_movies_per_genre: MIN_MOVIES_PER_GENRE,
  min_movies_per_genre_decade: 2,
});

type Row = Record<string, unknown>;

function asNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** Compares mart rows (any engine, snake_case columns) with the golden mart, column for column. */
function assertMartMatches(actual: Row[], engine: string): void {
  assertMatchesGolden(actual, goldenMart(), { what: `${engine}: mart__genre_roi` });
}

/** Compares decade mart rows (any engine) with the golden decade mart. */
function assertDecadeMartMatches(actual: Row[], engine: string): void {
  const golden = readGoldenCsv(join(FIXTURE_DIR, "expected", "mart__genre_roi_by_decade.csv"));
  assertMatchesGolden(actual, golden, {
    what: `${engine}: mart__genre_roi_by_decade`,
    key: ["genre_name", "release_decade"],
  });
}

/** Compares staging rows (any engine) with the golden stg__movies. */
function assertStagingMatches(actual: Row[], engine: string): void {
  const normalised = actual
    .map((row) => ({
      movie_id: Number(row.movie_id),
      title: row.title ?? null,
      release_date: row.release_date === null ? null : String(row.release_date).slice(0, 10),
      budget: asNumberOrNull(row.budget),
      revenue: asNumberOrNull(row.revenue),
      profit: asNumberOrNull(row.profit),
      roi: asNumberOrNull(row.roi),
      roi_null_reason: row.roi_null_reason ?? null,
      popularity: asNumberOrNull(row.popularity),
      vote_average: asNumberOrNull(row.vote_average),
      vote_count: asNumberOrNull(row.vote_count),
      // Snowflake returns ARRAY columns as JSON text
      genre_names:
        typeof row.genre_names === "string"
          ? (JSON.parse(row.genre_names) as string[])
          : ((row.genre_names as string[] | null) ?? []),
      source_file: row.source_file,
      file_row_number: Number(row.file_row_number),
    }))
    .sort((a, b) => a.movie_id - b.movie_id);
  assert.deepEqual(normalised, goldenStaging(), `${engine}: stg__movies`);
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

/** The warn-severity tests, by name, with the number of rows each must count for the fixture. */
const WARNINGS: Record<string, () => number> = {
  raw_records_left_out: () => goldenIssues().filter((issue) => issue.action === "left_out").length,
  raw_values_set_to_null: () => goldenIssues().filter((issue) => issue.action !== "left_out").length,
  movies_with_roi_without_release_date: () =>
    goldenStaging().filter((movie) => movie.roi !== null && movie.release_date === null).length,
};

/**
 * Every model, data test and unit test succeeded, except the warnings: each warns with exactly the
 * number of rows it must count for the fixture. Returns how many tests warned.
 */
function assertBuildResults(results: RunResults["results"], manifest: Manifest, engine: string): number {
  let warned = 0;
  for (const result of results) {
    const name = manifest.nodes[result.unique_id]?.name ?? "";
    const count = WARNINGS[name];
    if (count === undefined) {
      assert.ok(
        ["success", "pass"].includes(result.status),
        `${engine}: ${result.unique_id} is ${result.status}`,
      );
      continue;
    }
    const expected = count();
    assert.equal(result.status, expected > 0 ? "warn" : "pass", `${engine}: ${result.unique_id}`);
    assert.equal(result.failures, expected, `${engine}: ${name} counts the fixture's rows`);
    if (expected > 0) warned += 1;
  }
  return warned;
}

/** Compares issue rows (any engine) with the golden stg__raw_movie_issues. */
function assertIssuesMatch(actual: Row[], engine: string): void {
  const columns = ["source_file", "file_row_number", "field", "issue", "action", "raw_value"];
  const normalised = actual
    .map((row) =>
      Object.fromEntries(
        columns.map((column) => [
          column,
          column === "file_row_number" ? Number(row[column]) : (row[column] ?? null),
        ]),
      ),
    )
    .sort(
      (a, b) =>
        String(a.source_file).localeCompare(String(b.source_file)) ||
        Number(a.file_row_number) - Number(b.file_row_number) ||
        String(a.field ?? "").localeCompare(String(b.field ?? "")),
    );
  assert.deepEqual(normalised, goldenIssues(), `${engine}: stg__raw_movie_issues`);
}

/** Runs dbt with the state folder `work` (target and logs under work/dbt), returning its target folder. */
async function dbt(
  work: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; databasePath?: string; fakesnow?: string[] } = {},
) {
  const lines: string[] = [];
  const result = await runDbt({
    args,
    stateDir: work,
    ...options,
    env: { ...process.env, ...options.env },
    onLine: (line) => lines.push(line),
  });
  return { result, output: lines.join("\n"), targetPath: dirname(result.runResultsPath) };
}

describe("dbt project on the local target (dbt-duckdb)", function () {
  this.timeout(600_000);
  const work = mkdtempSync(join(tmpdir(), "tmdb-roi-dbt-"));
  const warehouse = join(work, "warehouse.duckdb");
  const raw = readRawFixture();
  let build: Awaited<ReturnType<typeof dbt>>;

  before(async function () {
    await loadRawIntoDuckDb(warehouse, raw);
    build = await dbt(work, ["build", "--target", "local", "--vars", dbtVars], { databasePath: warehouse });
    console.log(`      dbt build (local): ${(build.result.durationMs / 1000).toFixed(1)} s`);
  });

  after(function () {
    rmSync(work, { recursive: true, force: true });
  });

  it("builds every model, passes every unit and data test, and warns exactly on unreadable raw values", function () {
    const manifest = readJson<Manifest>(join(build.targetPath, "manifest.json"));
    const results = readJson<RunResults>(build.result.runResultsPath).results;
    const notOk = results.filter((result) => !["success", "pass", "warn"].includes(result.status));
    assert.deepEqual(notOk, [], build.output.slice(-4000));
    // The fixture's history holds malformed values and unusable records: the build stays green and
    // the two warnings on stg__raw_movie_issues count them.
    assert.equal(assertBuildResults(results, manifest, "duckdb"), 3, "every warning fires");

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
    assert.equal(count("model"), 4);
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
    assertStagingMatches(rows, "duckdb");
  });

  it("stg__raw_movie_issues lists every problem of the raw records with its file and line", async function () {
    const rows = await queryDuckDb(warehouse, "select * from staging.stg__raw_movie_issues");
    assertIssuesMatch(rows, "duckdb");
  });

  it("stg__movies keeps the later line when one file holds a movie twice with one fetch time", async function () {
    const sameFetch = raw.filter(
      (row, _, all) =>
        typeof row.record.id === "number" &&
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

  it("mart__genre_roi matches the golden mart, multi-genre movies in each genre", async function () {
    const rows = await queryDuckDb(warehouse, "select * from marts.mart__genre_roi");
    assertMartMatches(rows, "duckdb");
    const withRoi = goldenStaging().filter((m) => m.roi !== null && (m.genre_names as string[]).length > 0);
    assert.ok(
      withRoi.some((m) => (m.genre_names as string[]).length >= 3),
      "the fixture has a movie with an ROI in three or more genres",
    );
    const totalMovies = rows.reduce((sum, row) => sum + Number(row.total_movies), 0);
    assert.ok(totalMovies > withRoi.length, "movies in several genres count once per genre");
  });

  it("mart__genre_roi_by_decade matches the golden decade mart: cells of enough movies, by release decade", async function () {
    const rows = await queryDuckDb(warehouse, "select * from marts.mart__genre_roi_by_decade");
    assertDecadeMartMatches(rows, "duckdb");
  });

  it("mart__genre_roi gives genres with equal figures the same rank", async function () {
    const rows = await queryDuckDb(
      warehouse,
      "select genre_name, roi_rank, portfolio_roi_rank, median_roi_rank from marts.mart__genre_roi",
    );
    const golden = goldenMart();
    const tied = golden.filter((genre) =>
      golden.some((other) => other !== genre && other.avg_roi === genre.avg_roi),
    );
    assert.ok(tied.length >= 2, "the fixture has genres tied on avg_roi");
    for (const genre of tied) {
      const row = rows.find((candidate) => candidate.genre_name === genre.genre_name) as Row;
      for (const rank of ["roi_rank", "portfolio_roi_rank", "median_roi_rank"]) {
        assert.equal(
          Number(row[rank]),
          genre[rank],
          `${String(genre.genre_name)} shares ${rank} ${genre[rank]}`,
        );
      }
    }
  });

  it("dbt source freshness judges the newest load against 30 h (warn) and 54 h (error)", async function () {
    const newestLoad = Math.max(...raw.map((row: RawRow) => Date.parse(row.loadedAt)));
    let exitCode = 0;
    let targetPath = join(work, "dbt", "target");
    try {
      ({ targetPath } = await dbt(work, ["source", "freshness", "--target", "local"], {
        databasePath: warehouse,
      }));
    } catch (error) {
      if (!(error instanceof DbtError)) throw error;
      exitCode = error.result.exitCode;
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
    const docs = await dbt(work, ["docs", "generate", "--target", "local"], { databasePath: warehouse });
    console.log(`      dbt docs generate: ${(docs.result.durationMs / 1000).toFixed(1)} s`);
    const manifest = readJson<Manifest>(join(docs.targetPath, "manifest.json"));
    const catalog = readJson<Catalog>(join(docs.targetPath, "catalog.json"));
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
  const dbtBinary = join(REPO_ROOT, ".venv", "bin", "dbt");

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
    await runProgram("bash", ["scripts/python-env.sh"], { env: process.env, cwd: REPO_ROOT });
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
    const debug = await runProgram(dbtBinary, ["debug", "--target", "local"], {
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
        dbtBinary,
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

  it("fails the build when the published mart's shape changes: its contract is enforced", async function () {
    // Prepare: a copy of the project whose mart returns total_movies as text
    const martPath = join(projectCopy, "models", "marts", "mart__genre_roi.sql");
    const sql = readFileSync(martPath, "utf8");
    const changed = sql.replace(
      /cast\(total_movies as \{\{ dbt\.type_bigint\(\) \}\}\) as total_movies/,
      "cast(total_movies as varchar) as total_movies",
    );
    assert.notEqual(changed, sql, "the mart casts total_movies");
    writeFileSync(martPath, changed);
    mkdirSync(join(work, "contract"));
    let error: unknown;

    // Act
    try {
      await runProgram(
        dbtBinary,
        ["run", "--select", "+mart__genre_roi", "--project-dir", projectCopy, "--profiles-dir", projectCopy],
        { env: bareEnv({ TMDB_ROI_STATE_DIR: join(work, "contract") }), cwd: elsewhere },
      );
    } catch (caught) {
      error = caught;
    } finally {
      writeFileSync(martPath, sql);
    }

    // Assess
    assert.ok(error instanceof CommandError, "dbt run fails");
    assert.match(error.output, /contract/i);
    assert.match(error.output, /total_movies/);
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
    // --no-populate-cache and --no-introspect: compile then needs no connection (the key file
    // above does not exist, so any connection attempt would fail the command).
    const compile = await dbt(
      join(work, "compile"),
      ["compile", "--target", "snowflake", "--no-populate-cache", "--no-introspect"],
      { env: snowflakeEnv },
    );
    const { targetPath } = compile;
    console.log(`      dbt compile (snowflake): ${(compile.result.durationMs / 1000).toFixed(1)} s`);
    const manifest = readJson<Manifest>(join(targetPath, "manifest.json"));
    const models = Object.values(manifest.nodes).filter((node) => node.resource_type === "model");
    assert.equal(models.length, 4);
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
    // Every average is summed in fixed point: a plain float avg() depends on the order rows arrive in.
    assert.doesNotMatch(martSql, /(?<![a-z_])avg\(/i, "no order-dependent avg() in the mart");
  });

  it("runs the models, data tests and unit tests with dbt-snowflake on fakesnow, with the same results", async function () {
    const rowsFile = join(work, "raw-rows.ndjson");
    writeFileSync(
      rowsFile,
      readRawFixture()
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
    const run = await dbt(join(work, "fakesnow"), ["build", "--target", "snowflake", "--vars", dbtVars], {
      env: { ...snowflakeEnv, SNOWFLAKE_PRIVATE_KEY_PATH: "" },
      fakesnow: ["--raw-rows", rowsFile, "--export-dir", exportDir],
    });
    const { targetPath } = run;
    console.log(`      dbt build on fakesnow: ${(run.result.durationMs / 1000).toFixed(1)} s`);
    const results = readJson<RunResults>(join(targetPath, "run_results.json")).results;
    const manifest = readJson<Manifest>(join(targetPath, "manifest.json"));
    assert.equal(assertBuildResults(results, manifest, "fakesnow"), 3, "fakesnow reports the same warnings");
    for (const kind of ["model.", "test.", "unit_test."]) {
      assert.ok(
        results.some((result) => result.unique_id.startsWith(kind)),
        `fakesnow ran ${kind}*`,
      );
    }
    assertStagingMatches(readJson<Row[]>(join(exportDir, "stg__movies.json")), "fakesnow");
    assertIssuesMatch(readJson<Row[]>(join(exportDir, "stg__raw_movie_issues.json")), "fakesnow");
    assertMartMatches(readJson<Row[]>(join(exportDir, "mart__genre_roi.json")), "fakesnow");
    assertDecadeMartMatches(readJson<Row[]>(join(exportDir, "mart__genre_roi_by_decade.json")), "fakesnow");
  });
});
