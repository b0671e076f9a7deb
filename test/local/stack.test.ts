/**
 * End to end: the local stack against real servers on 127.0.0.1 (TMDB-compatible, s3rver), a real
 * DuckDB file and real dbt, each run in its own temporary state and output folders.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDemoCatalog } from "../../servers/demoCatalog";
import { LOCK_FILE_NAME, acquireStateLock } from "../../local/stateLock";
import { LocalStackError, REPO_ROOT, resetState, type LocalStackOptions } from "../../local/options";
import { runLocalStack } from "../../local/pipeline";
import { reportFileNames } from "../../local/report/files";
import { TMDB_ATTRIBUTION } from "../../local/report/format";
import { startTmdbServer } from "../../servers/tmdbServer";
import { buildCatalog, movieRange } from "../support/catalog";
import { openWarehouse } from "../../local/snowpipe/warehouse";
import { assertMatchesGolden, readGoldenCsv } from "../support/golden";
import { dbtProjectVar } from "../../local/dbt";

/** The environment without anything that would point a run at real TMDB or the user's state. */
function isolatedEnv(): NodeJS.ProcessEnv {
  const hidden = new Set(["TMDB_API_TOKEN", "TMDB_SECRET_ARN", "TMDB_ROI_STATE_DIR", "TMDB_ROI_DUCKDB_PATH"]);
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !hidden.has(name)));
}

async function tempDirs(): Promise<{ stateDir: string; outDir: string; root: string }> {
  const root = await mkdtemp(join(tmpdir(), "tmdb-roi-stack-"));
  return { root, stateDir: join(root, "state"), outDir: join(root, "out") };
}

async function query(databasePath: string, sql: string): Promise<Record<string, unknown>[]> {
  const warehouse = await openWarehouse(databasePath, { readOnly: true });
  try {
    return (await warehouse.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    warehouse.close();
  }
}

/** Revenue per movie in stg__movies (NULL for unknown). */
async function stagedRevenues(databasePath: string): Promise<Map<number, number | null>> {
  const rows = await query(databasePath, "select movie_id, revenue from staging.stg__movies");
  return new Map(
    rows.map((row) => [Number(row["movie_id"]), row["revenue"] === null ? null : Number(row["revenue"])]),
  );
}

function withFinancials(movie: Record<string, unknown>): boolean {
  return movie["budget"] !== 0 || movie["revenue"] !== 0;
}

describe("local stack (npm start)", function () {
  this.timeout(300_000);
  const minPlausibleUsd = Number(dbtProjectVar("min_plausible_usd"));
  const roots: string[] = [];

  after(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  describe("with the demo catalog served by the local TMDB-compatible server", () => {
    const catalog = buildDemoCatalog({ seed: 2, pages: 4 });
    let dirs: Awaited<ReturnType<typeof tempDirs>>;
    let first: Awaited<ReturnType<typeof runLocalStack>>;
    const lines: string[] = [];
    const base = (): LocalStackOptions => ({
      stateDir: dirs.stateDir,
      outDir: dirs.outDir,
      catalog,
      pages: 4,
      env: isolatedEnv(),
      write: (line) => lines.push(line),
    });

    before(async () => {
      dirs = await tempDirs();
      roots.push(dirs.root);
      first = await runLocalStack({ ...base(), now: new Date("2026-06-01T06:00:00Z") });
    });

    it("extracts every listed movie with a budget or revenue and lands one NDJSON object", () => {
      const listed = new Set(catalog.popularPages.flat().map((item) => item["id"] as number));
      const expectedLanded = [...listed].filter((id) => withFinancials(catalog.details.get(id) ?? {})).length;
      assert.equal(first.extraction?.mode, "popular");
      assert.equal(first.extraction.listed, listed.size);
      assert.equal(first.extraction.landed, expectedLanded);
      assert.equal(first.extraction.key, "raw/movies/2026-06-01/movies_06-00-00.json");
      assert.equal(first.load.filesProcessed, 1);
      assert.equal(first.load.rowsLoaded, expectedLanded);
    });

    it("builds the golden mart of the served catalog (seed 2, 4 pages)", () => {
      const golden = readGoldenCsv(new URL("golden/demo_seed2_pages4.csv", import.meta.url));
      assertMatchesGolden(first.mart.rows, golden, { what: "demo mart", ordered: true });
      assert.deepEqual(first.mart.columns, Object.keys(golden[0] ?? {}));
    });

    it("writes CSV, JSON, SVG and HTML that carry the mart and say the data is synthetic", () => {
      assert.ok(first.synthetic);
      assert.ok(first.files.csv.endsWith("demo_genre_roi.csv"));
      const csv = readFileSync(first.files.csv, "utf8").trimEnd().split("\r\n");
      assert.deepEqual(csv[0]?.split(","), first.mart.columns);
      assert.equal(csv.length, first.mart.rows.length + 1);
      const json = JSON.parse(readFileSync(first.files.json, "utf8")) as Record<string, unknown>[];
      assert.deepEqual(json, first.mart.rows);
      assert.deepEqual(Object.keys(json[0] ?? {}), first.mart.columns);
      const svg = readFileSync(first.files.svg, "utf8");
      assert.match(svg, /^<svg/);
      assert.match(svg, /SYNTHETIC DEMO DATA/);
      for (const row of first.mart.rows)
        assert.ok(svg.includes(String(row["genre_name"])), `chart lacks ${String(row["genre_name"])}`);
      const html = readFileSync(first.files.html, "utf8");
      assert.ok(html.includes(TMDB_ATTRIBUTION));
      assert.match(html, /SYNTHETIC DEMO DATA/);
      assert.ok(html.includes("<svg"));
      assert.ok(lines.some((line) => line.includes("SYNTHETIC DEMO DATA")));
      assert.ok(lines.some((line) => line.includes(first.files.html) || line.includes("demo_report.html")));
    });

    it("a second run lands and loads one new file only, and dbt's de-duplication leaves the mart unchanged", async () => {
      const second = await runLocalStack({ ...base(), now: new Date("2026-06-02T06:00:00Z") });
      assert.equal(second.extraction?.mode, "popular");
      assert.equal(second.extraction.key, "raw/movies/2026-06-02/movies_06-00-00.json");
      assert.equal(second.load.filesProcessed, 1);
      assert.equal(second.load.filesAlreadyLoaded, 1);
      assert.equal(second.load.rowsLoaded, first.load.rowsLoaded);
      const databasePath = join(dirs.stateDir, "warehouse.duckdb");
      const [raw] = await query(
        databasePath,
        "select count(*)::integer as n, count(distinct source_file)::integer as files from raw.movies",
      );
      assert.deepEqual(raw, { n: 2 * first.load.rowsLoaded, files: 2 });
      const [stg] = await query(databasePath, "select count(*)::integer as n from staging.stg__movies");
      assert.equal(stg?.["n"], first.load.rowsLoaded);
      assert.deepEqual(second.mart, first.mart);
    });
  });

  describe("with TMDB_API_TOKEN set", () => {
    it("extracts from the TMDB API it is pointed at, with the token, and marks nothing as synthetic", async () => {
      const dirs = await tempDirs();
      roots.push(dirs.root);
      const details = movieRange(60);
      const token = "a-real-looking-read-access-token";
      const tmdb = await startTmdbServer({ catalog: buildCatalog(details), token });
      const lines: string[] = [];
      // Outputs of an earlier run on the demo catalog.
      const staleDemo = Object.values(reportFileNames(true)).map((name) => join(dirs.outDir, name));
      await mkdir(dirs.outDir, { recursive: true });
      for (const path of staleDemo) await writeFile(path, "SYNTHETIC DEMO DATA");
      try {
        const result = await runLocalStack({
          ...dirs,
          pages: 3,
          env: { ...isolatedEnv(), TMDB_API_TOKEN: token, TMDB_API_BASE_URL: tmdb.baseUrl },
          write: (line) => lines.push(line),
        });
        assert.equal(result.synthetic, false);
        assert.equal(result.source, "TMDB API");
        assert.equal(result.extraction?.landed, details.length);
        assert.ok(result.files.csv.endsWith(`${join("out", "genre_roi.csv")}`));
        assert.ok(lines.some((line) => line.includes(`the TMDB API at ${tmdb.baseUrl}`)));
        assert.ok(!lines.some((line) => line.includes("SYNTHETIC")));
        for (const path of staleDemo) assert.equal(existsSync(path), false, `${path} is left over`);
        assert.ok(
          lines.some((line) => line.includes("deleted the synthetic demo outputs of an earlier run")),
        );
        assert.equal(tmdb.stats.byStatus[401] ?? 0, 0);
        const golden = readGoldenCsv(new URL("golden/movie_range_60.csv", import.meta.url));
        assertMatchesGolden(result.mart.rows, golden, { what: "mart", ordered: true });
      } finally {
        await tmdb.close();
      }
    });
  });

  describe("--from-raw", () => {
    const catalog = buildDemoCatalog({ seed: 2, pages: 4 });
    const movies = [...catalog.details.values()].filter(withFinancials);
    const dayOne = movies.slice(0, 40);
    const reExtracted: Record<string, unknown>[] = movies
      .slice(0, 10)
      .map((movie) => ({ ...movie, revenue: Number(movie["revenue"]) * 2 + 1 }));
    const dayTwo = [...reExtracted, ...movies.slice(40)];
    const withRoi = (movie: Record<string, unknown>): boolean =>
      Number(movie["budget"]) >= minPlausibleUsd &&
      Number(movie["revenue"]) >= minPlausibleUsd &&
      (movie["genres"] as unknown[]).length > 0;
    // Re-extracted within one run: the same _extracted_at in the same file; the later line wins.
    const sameRunCopy = dayTwo.slice(10).find(withRoi) as Record<string, unknown>;
    const fileOne = "raw/movies/2026-05-01/movies_06-00-00.json";
    const fileTwo = "raw/movies/2026-05-02/movies_06-00-00.json";
    const emptyFile = "raw/movies/2026-05-02/movies_07-00-00.json";
    const corruptLine = 4;
    const loneSurrogateLine = 7;
    let dirs: Awaited<ReturnType<typeof tempDirs>>;
    let rawDir: string;
    let databasePath: string;
    let first: Awaited<ReturnType<typeof runLocalStack>>;
    const lines: string[] = [];
    const loaded: { record: Record<string, unknown>; sourceFile: string; fileRowNumber: number }[] = [];

    async function writeRaw(key: string, content: string): Promise<void> {
      const path = join(rawDir, ...key.split("/"));
      await mkdir(join(path, ".."), { recursive: true });
      await writeFile(path, content);
    }

    /** Each movie's revenue in its latest record, as the scenario defines it (0 is unknown: NULL). */
    function latestRevenues(): Map<number, number | null> {
      const revenue = (movie: Record<string, unknown>) => Number(movie["revenue"]) || null;
      const latest = new Map(movies.map((movie) => [movie["id"] as number, revenue(movie)]));
      for (const movie of reExtracted) latest.set(movie["id"] as number, revenue(movie));
      latest.set(sameRunCopy["id"] as number, Number(sameRunCopy["revenue"]) * 3);
      return latest;
    }

    before(async () => {
      dirs = await tempDirs();
      roots.push(dirs.root);
      rawDir = join(dirs.root, "bucket-export");
      databasePath = join(dirs.stateDir, "warehouse.duckdb");
      assert.ok(sameRunCopy, "the catalog has a movie with an ROI to re-extract");
      const one = dayOne.map((movie) => ({ ...movie, _extracted_at: "2026-05-01T06:00:03.000Z" }));
      const two = [...dayTwo, { ...sameRunCopy, revenue: Number(sameRunCopy["revenue"]) * 3 }].map(
        (movie) => ({ ...movie, _extracted_at: "2026-05-02T06:00:03.000Z" }),
      );
      const twoLines: { text: string; good: boolean }[] = two.map((record) => ({
        text: JSON.stringify(record),
        good: true,
      }));
      twoLines.splice(corruptLine - 1, 0, {
        text: '{"id": 99999999, "budget": 5000000, "revenue": ',
        good: false,
      });
      // Valid for JSON.parse, not for DuckDB's JSON reader (a lone surrogate escape): loaded, it would
      // break every later dbt build.
      twoLines.splice(loneSurrogateLine - 1, 0, {
        text: JSON.stringify({ ...two[0], id: 99999998 }).replace('"title":"', '"title":"\\ud800'),
        good: false,
      });
      assert.match(twoLines[loneSurrogateLine - 1]?.text ?? "", /"title":"\\ud800/);
      one.forEach((record, i) => loaded.push({ record, sourceFile: fileOne, fileRowNumber: i + 1 }));
      twoLines.forEach((line, i) => {
        if (line.good)
          loaded.push({
            record: JSON.parse(line.text) as Record<string, unknown>,
            sourceFile: fileTwo,
            fileRowNumber: i + 1,
          });
      });
      await writeRaw(fileOne, one.map((record) => `${JSON.stringify(record)}\n`).join(""));
      await writeRaw(fileTwo, `${twoLines.map((line) => line.text).join("\n")}\n`);
      await writeRaw(emptyFile, "");
      // Outside the pipe's prefix or not a .json object: never loaded.
      await writeRaw("rejects/movies/2026-05-02/movies_06-00-00.json", "not json at all\n");
      await writeRaw("raw/movies/2026-05-02/README.txt", "notes\n");
      first = await runLocalStack({
        stateDir: dirs.stateDir,
        outDir: dirs.outDir,
        fromRaw: rawDir,
        env: isolatedEnv(),
        write: (line) => lines.push(line),
      });
    });

    it("loads the good lines, reports each bad one with file and line, and records the empty file", async () => {
      const fileTwoRows = dayTwo.length + 1;
      assert.equal(first.extraction, null);
      assert.equal(first.load.filesProcessed, 3);
      assert.equal(first.load.rowsLoaded, dayOne.length + fileTwoRows);
      assert.equal(first.load.rowsRejected, 2);
      const byKey = new Map(first.load.files.map((file) => [file.key, file]));
      assert.equal(byKey.get(fileOne)?.status, "LOADED");
      assert.equal(byKey.get(fileTwo)?.status, "PARTIALLY_LOADED");
      assert.deepEqual(
        byKey.get(fileTwo)?.errors.map((error) => error.line),
        [corruptLine, loneSurrogateLine],
      );
      assert.equal(byKey.get(emptyFile)?.status, "LOADED");
      assert.equal(byKey.get(emptyFile)?.rowsLoaded, 0);
      for (const line of [corruptLine, loneSurrogateLine])
        assert.ok(
          lines.some((text) => text.includes(`${fileTwo}:${line}: invalid JSON`)),
          lines.join("\n"),
        );
      const history = await query(
        databasePath,
        "select file_name, status, row_count::integer as rows, error_count::integer as errors, first_error_line_number::integer as line from raw.load_history order by file_name",
      );
      assert.deepEqual(history, [
        { file_name: fileOne, status: "LOADED", rows: dayOne.length, errors: 0, line: null },
        { file_name: fileTwo, status: "PARTIALLY_LOADED", rows: fileTwoRows, errors: 2, line: corruptLine },
        { file_name: emptyFile, status: "LOADED", rows: 0, errors: 0, line: null },
      ]);
      const rows = await query(
        databasePath,
        `select file_row_number::integer as line from raw.movies where source_file = '${fileTwo}' order by 1`,
      );
      assert.deepEqual(
        rows.map((row) => row["line"]),
        loaded.filter((raw) => raw.sourceFile === fileTwo).map((raw) => raw.fileRowNumber),
      );
    });

    it("builds the mart from the latest record of each movie, the later line winning within a file", async () => {
      assert.deepEqual(await stagedRevenues(databasePath), latestRevenues());
      assert.ok(first.mart.rows.length > 0);
      const [staged] = await query(
        databasePath,
        `select revenue::bigint as revenue, file_row_number::integer as line from staging.stg__movies where movie_id = ${String(sameRunCopy["id"])}`,
      );
      assert.deepEqual(staged, {
        revenue: BigInt(Number(sameRunCopy["revenue"]) * 3),
        line: loaded.filter((raw) => raw.sourceFile === fileTwo).at(-1)?.fileRowNumber,
      });
    });

    it("a second run on the same folder loads nothing new and leaves the mart unchanged", async () => {
      const second = await runLocalStack({
        stateDir: dirs.stateDir,
        outDir: dirs.outDir,
        fromRaw: rawDir,
        env: isolatedEnv(),
        write: () => undefined,
      });
      assert.equal(second.load.filesProcessed, 0);
      assert.equal(second.load.filesAlreadyLoaded, 3);
      assert.equal(second.load.rowsLoaded, 0);
      assert.deepEqual(second.mart, first.mart);
    });

    it("a file loaded later wins a tie on _extracted_at, even under an earlier key", async () => {
      const lateKey = "raw/movies/2026-04-30/movies_06-00-00.json";
      const late = {
        ...sameRunCopy,
        revenue: Number(sameRunCopy["revenue"]) * 5,
        _extracted_at: "2026-05-02T06:00:03.000Z",
      };
      await writeRaw(lateKey, `${JSON.stringify(late)}\n`);
      loaded.push({ record: late, sourceFile: lateKey, fileRowNumber: 1 });

      const third = await runLocalStack({
        stateDir: dirs.stateDir,
        outDir: dirs.outDir,
        fromRaw: rawDir,
        env: isolatedEnv(),
        write: () => undefined,
      });

      assert.deepEqual([third.load.filesProcessed, third.load.rowsLoaded], [1, 1]);
      const revenues = await stagedRevenues(databasePath);
      assert.equal(revenues.get(sameRunCopy["id"] as number), Number(sameRunCopy["revenue"]) * 5);
      assert.notDeepEqual(third.mart, first.mart);
    });
  });

  describe("errors", () => {
    it("names the failing dbt test, and leaves the loaded file recorded and the state unlocked", async () => {
      // Prepare: a loaded file, then a raw row no pipe can write (the raw table's columns are never
      // NULL): the source's not_null test on source_file fails the build.
      const dirs = await tempDirs();
      roots.push(dirs.root);
      const rawDir = join(dirs.root, "bucket-export");
      const key = "raw/movies/2026-05-01/movies_06-00-00.json";
      const movie = buildDemoCatalog({ seed: 3, pages: 1 }).details.values().next().value;
      await mkdir(join(rawDir, "raw", "movies", "2026-05-01"), { recursive: true });
      await writeFile(
        join(rawDir, ...key.split("/")),
        `${JSON.stringify({ ...movie, _extracted_at: "2026-05-01T06:00:00Z" })}\n`,
      );
      const databasePath = join(dirs.stateDir, "warehouse.duckdb");
      const options = { ...dirs, fromRaw: rawDir, env: isolatedEnv(), write: () => undefined };
      await runLocalStack(options);
      const warehouse = await openWarehouse(databasePath);
      try {
        await warehouse.connection.run(`insert into raw.movies values ('{"id": 1}', null, 1, now())`);
      } finally {
        warehouse.close();
      }

      // Act
      const error = await runLocalStack(options).then(
        () => assert.fail("the run should fail"),
        (reason: unknown) => reason,
      );

      // Assess
      assert.ok(error instanceof LocalStackError);
      assert.equal(error.stage, "transform");
      assert.match(error.message, /not_null/);
      assert.match(error.message, /source_file/);
      assert.equal(existsSync(join(dirs.stateDir, LOCK_FILE_NAME)), false);
      const history = await query(databasePath, "select file_name from raw.load_history");
      assert.deepEqual(history, [{ file_name: key }]);
    });

    it("never stops the answer for a malformed record: it is left out and listed with file and line, run after run", async () => {
      // Prepare: 30 good lines and one record without an extraction time (a record the extractor
      // never writes, but one a bucket can hold).
      const dirs = await tempDirs();
      roots.push(dirs.root);
      const rawDir = join(dirs.root, "bucket-export");
      const key = "raw/movies/2026-05-01/movies_06-00-00.json";
      const good = [...buildDemoCatalog({ seed: 2, pages: 2 }).details.values()]
        .filter(withFinancials)
        .slice(0, 30)
        .map((movie) => JSON.stringify({ ...movie, _extracted_at: "2026-05-01T06:00:03Z" }));
      await mkdir(join(rawDir, "raw", "movies", "2026-05-01"), { recursive: true });
      await writeFile(
        join(rawDir, ...key.split("/")),
        `${[...good, '{"id":602,"budget":1,"revenue":2}'].join("\n")}\n`,
      );
      const lines: string[] = [];
      const options = {
        ...dirs,
        fromRaw: rawDir,
        env: isolatedEnv(),
        write: (line: string) => lines.push(line),
      };

      // Act: the run that loads the file, and the next one
      const first = await runLocalStack(options);
      const second = await runLocalStack(options);

      // Assess
      for (const result of [first, second]) {
        assert.equal(result.rawIssues.byAction["left_out"], 1);
        assert.deepEqual(
          result.rawIssues.first.filter((issue) => issue.action === "left_out"),
          [
            {
              sourceFile: key,
              line: 31,
              field: "_extracted_at",
              issue: "missing",
              action: "left_out",
              rawValue: null,
            },
          ],
        );
      }
      assert.equal(first.load.rowsLoaded, 31);
      assert.deepEqual(second.mart, first.mart);
      const [staged] = await query(
        join(dirs.stateDir, "warehouse.duckdb"),
        "select count(*)::integer as n, count(*) filter (where movie_id = 602)::integer as bad from staging.stg__movies",
      );
      assert.deepEqual(staged, { n: 30, bad: 0 });
      assert.equal(
        lines.filter((line) => line.includes(`${key}:31: _extracted_at missing: record left out`)).length,
        2,
      );
    });

    it("says which port is in use and how to choose another", async () => {
      const dirs = await tempDirs();
      roots.push(dirs.root);
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
      const port = (blocker.address() as { port: number }).port;
      try {
        const error = await runLocalStack({
          ...dirs,
          catalog: buildDemoCatalog({ seed: 2, pages: 1 }),
          pages: 1,
          s3Port: port,
          env: isolatedEnv(),
          write: () => undefined,
        }).then(
          () => assert.fail("the run should fail"),
          (reason: unknown) => reason,
        );
        assert.ok(error instanceof LocalStackError);
        assert.match(error.message, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
        assert.match(error.message, /--s3-port/);
        assert.equal(existsSync(join(dirs.stateDir, LOCK_FILE_NAME)), false);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    });

    it("refuses to share a state folder with a running stack", async () => {
      const dirs = await tempDirs();
      roots.push(dirs.root);
      const lock = acquireStateLock(dirs.stateDir);
      try {
        await assert.rejects(
          runLocalStack({ ...dirs, pages: 1, env: isolatedEnv(), write: () => undefined }),
          (error: unknown) =>
            error instanceof LocalStackError &&
            error.stage === "state" &&
            error.message.includes(`pid ${process.pid}`),
        );
      } finally {
        lock.release();
      }
    });
  });

  describe("--reset", () => {
    it("deletes the stack's state and nothing else in the folder", async () => {
      const dirs = await tempDirs();
      roots.push(dirs.root);
      const databasePath = join(dirs.stateDir, "warehouse.duckdb");
      await mkdir(join(dirs.stateDir, "s3", "bucket"), { recursive: true });
      await mkdir(join(dirs.stateDir, "dbt", "target"), { recursive: true });
      await writeFile(databasePath, "x");
      await writeFile(`${databasePath}.wal`, "x");
      await writeFile(join(dirs.stateDir, "keep.txt"), "mine");
      const removed = resetState(dirs.stateDir, databasePath);
      assert.equal(removed.length, 4);
      for (const path of removed) assert.equal(existsSync(path), false);
      assert.equal(readFileSync(join(dirs.stateDir, "keep.txt"), "utf8"), "mine");
    });
  });

  describe("command line", () => {
    const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "local", "cli.ts"), ...args], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env: { ...isolatedEnv(), ...env },
        timeout: 60_000,
      });
    const start = (...args: string[]) => cli(args);

    it("--help prints the options and exits 0", () => {
      const result = start("--help");
      assert.equal(result.status, 0, result.stderr);
      for (const option of ["--pages", "--from-raw", "--out", "--reset", "--help"])
        assert.ok(result.stdout.includes(option));
    });

    it("refuses an --out that names a file, or a state folder it cannot create, before any stage starts", () => {
      // Prepare
      const file = join(tmpdir(), `tmdb-roi-not-a-folder-${process.pid}`);
      writeFileSync(file, "");
      try {
        // Act
        const badOut = cli(["--out", file]);
        const badState = cli([], { TMDB_ROI_STATE_DIR: "/proc/tmdb-genre-roi-test/state" });

        // Assess
        for (const result of [badOut, badState]) {
          assert.equal(result.status, 2, result.stderr);
          assert.doesNotMatch(result.stdout, /\[1\//, "no stage started");
        }
        assert.match(
          badOut.stderr,
          new RegExp(`the output folder \\(--out\\) ${file} exists and is not a folder`),
        );
        assert.match(
          badState.stderr,
          /cannot create the state folder \(TMDB_ROI_STATE_DIR\) \/proc\/tmdb-genre-roi-test\/state/,
        );
      } finally {
        rmSync(file, { force: true });
      }
    });

    it("rejects an invalid option value with exit code 2 and a message naming it", () => {
      const result = start("--pages", "0");
      assert.equal(result.status, 2);
      assert.match(result.stderr, /--pages must be an integer in 1\.\.500/);
      const unknown = start("--no-such-option");
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /no-such-option/);
    });
  });
});
