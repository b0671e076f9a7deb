import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { dbtTarget, DbtError, readRunResults, runDbt } from "../../local/dbt";
import { REPO_ROOT } from "../../local/options";
import { openWarehouse } from "../../local/snowpipe/warehouse";
import { acquireStateLock } from "../../local/stateLock";

describe("dbt runner", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "tmdb-roi-dbt-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("names each failed model, data test and unit test from run_results.json", async () => {
    const path = join(dir, "run_results.json");
    await writeFile(
      path,
      JSON.stringify({
        results: [
          { unique_id: "model.tmdb_genre_roi.stg__movies", status: "success", message: "OK" },
          {
            unique_id: "test.tmdb_genre_roi.not_null_stg__movies_movie_id.abc",
            status: "pass",
            message: null,
          },
          {
            unique_id: "test.tmdb_genre_roi.accepted_range_stg__movies_vote_average__10__0.1f2",
            status: "fail",
            message: "Got 1 result, configured to fail if != 0",
          },
          {
            unique_id: "model.tmdb_genre_roi.mart__genre_roi",
            status: "error",
            message: "Binder Error: x\nLINE 1: y",
          },
          {
            unique_id: "unit_test.tmdb_genre_roi.mart__genre_roi.ranks_with_a_tie",
            status: "fail",
            message: "diff",
          },
          { unique_id: "model.tmdb_genre_roi.other", status: "skipped", message: null },
        ],
      }),
    );

    const { counts, failures } = readRunResults(path);
    const error = new DbtError({ exitCode: 1, durationMs: 1, counts, failures, runResultsPath: path });

    assert.deepEqual(counts, { success: 1, pass: 1, fail: 2, error: 1, skipped: 1 });
    assert.deepEqual(
      failures.map((failure) => [failure.resourceType, failure.name, failure.status]),
      [
        ["test", "accepted_range_stg__movies_vote_average__10__0", "fail"],
        ["model", "mart__genre_roi", "error"],
        ["unit_test", "mart__genre_roi.ranks_with_a_tie", "fail"],
      ],
    );
    assert.match(
      error.message,
      /data test accepted_range_stg__movies_vote_average__10__0 \(test\.tmdb_genre_roi/,
    );
    assert.match(error.message, /model mart__genre_roi .*: error: Binder Error: x \/ LINE 1: y/);
    assert.match(
      error.message,
      /unit test mart__genre_roi\.ranks_with_a_tie \(unit_test\.tmdb_genre_roi\.mart__genre_roi\.ranks_with_a_tie\)/,
    );
  });

  it("says when dbt failed before running any node", () => {
    const { counts, failures } = readRunResults(join(dir, "missing.json"));
    const error = new DbtError({ exitCode: 2, durationMs: 1, counts, failures, runResultsPath: "x" });
    assert.match(error.message, /dbt exited with code 2 before running any model or test/);
  });

  it("says so when another process holds the warehouse, instead of a bare exit code", async function () {
    // Prepare: this process holds the warehouse open for writing, as a running `npm start` would.
    this.timeout(120_000);
    const databasePath = join(dir, "held", "warehouse.duckdb");
    const held = await openWarehouse(databasePath);

    // Act
    const error = await runDbt({
      args: ["build", "--target", "local"],
      stateDir: join(dir, "held"),
      databasePath,
    })
      .then(
        () => assert.fail("dbt should fail"),
        (reason: unknown) => reason,
      )
      .finally(() => held.close());

    // Assess
    assert.ok(error instanceof DbtError);
    assert.match(
      error.message,
      /^dbt could not open the warehouse: another process is using it \(Could not set lock on file/,
    );
    assert.match(error.message, /wait for it to finish/);
  });

  it("npm run dbt takes the state folder's lock on the local target, and refuses while a run holds it", function () {
    // Prepare
    this.timeout(120_000);
    const stateDir = join(dir, "locked-state");
    const lock = acquireStateLock(stateDir);
    const dbt = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "local", "dbtCli.ts"), ...args], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env: { ...process.env, TMDB_ROI_STATE_DIR: stateDir },
        timeout: 60_000,
      });
    try {
      // Act
      const refused = dbt(["debug", "--target", "local"]);

      // Assess
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, new RegExp(`^npm run dbt: npm start \\(pid ${process.pid}, started `));
    } finally {
      lock.release();
    }
    assert.deepEqual(
      [dbtTarget(["build"], {}), dbtTarget(["build", "-t", "snowflake"], {})],
      ["local", "snowflake"],
    );
    assert.deepEqual(
      [dbtTarget(["build", "--target=snowflake"], {}), dbtTarget(["build"], { DBT_TARGET: "snowflake" })],
      ["snowflake", "snowflake"],
    );
  });
});
