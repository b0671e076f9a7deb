import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DbtError, readRunResults } from "../../local/dbt";

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
});
