import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildCatalog, movieDetails, movieRange } from "../../support/catalog";
import { startTestEnv, type TestEnv } from "../../support/testEnv";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Runs `tsx functions/extractor/cli.ts` (what `npm run extract` runs) with exactly `env`. */
function runCli(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "functions/extractor/cli.ts", ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env["PATH"] ?? "", ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("npm run extract (cli.ts)", () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ catalog: buildCatalog(movieRange(25, 1)) });
  });
  after(() => env.close());

  it("runs an extraction from the environment and prints the summary JSON", async () => {
    const { code, stdout, stderr } = await runCli(env.env({ TMDB_PAGES: "2" }));
    assert.equal(code, 0, stderr);
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual([summary["pages"], summary["listed"], summary["landed"]], [2, 25, 25]);
    assert.deepEqual(await env.listKeys("raw/movies/"), [summary["key"]]);
    assert.match(stderr, /"msg":"extraction finished"/, "structured logs go to standard error");
  });

  it("exits non-zero with a message naming the invalid variable", async () => {
    const { code, stdout, stderr } = await runCli(env.env({ TMDB_PAGES: "600" }));
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.match(stderr, /TMDB_PAGES must be an integer between 1 and 500 \(got "600"\)/);
  });
});

describe("npm run extract -- --event", () => {
  // 2001-2003, five movies each; 2002's first page takes 1.5 s once.
  const movies = [2001, 2002, 2003].flatMap((year) =>
    Array.from({ length: 5 }, (_, i) =>
      movieDetails(year * 10 + i, { release_date: `${year}-0${i + 1}-10` }),
    ),
  );
  let env: TestEnv;
  beforeEach(async () => {
    env = await startTestEnv({
      catalog: buildCatalog(movies, { pages: [] }),
      faults: [
        {
          target: { endpoint: "discover", year: 2002, page: 1 },
          effect: { type: "slow", delayMs: 1500 },
          times: 1,
        },
      ],
    });
  });
  afterEach(() => env.close());

  /** The summaries the command printed, one JSON document per invocation. */
  const summaries = (stdout: string) =>
    stdout
      .split(/\n(?=\{)/)
      .filter((text) => text.trim() !== "")
      .map((text) => JSON.parse(text) as Record<string, unknown>);

  it("invokes a backfill again with the same event until it is done, as the state machine does", async () => {
    const vars = env.env({
      EXTRACTOR_STOP_MARGIN_SECONDS: "0",
      BACKFILL_YEAR_CONCURRENCY: "1",
      TMDB_TIMEOUT_MS: "5000",
    });
    const event = JSON.stringify({ mode: "backfill", fromYear: 2001, toYear: 2003 });
    // Each invocation gets 11 s: it abandons its work 10 s before, so 1 s after it starts.
    const { code, stdout, stderr } = await runCli(vars, ["--event", event, "--invocation-seconds", "11"]);

    assert.equal(code, 0, stderr);
    const runs = summaries(stdout);
    assert.deepEqual(
      runs.map((run) => [run["done"], run["yearsCompleted"]]),
      [
        [false, [2001]],
        [true, [2002, 2003]],
      ],
    );
    assert.equal((await env.listKeys("raw/movies/backfill/")).length, 3);
  });

  it("exits 2 naming the field of an invalid event, and the option of malformed JSON", async () => {
    const invalid = await runCli(env.env(), ["--event", '{"mode":"backfill","fromYear":1700}']);
    const malformed = await runCli(env.env(), ["--event", "{mode:backfill}"]);

    assert.deepEqual([invalid.code, malformed.code], [2, 2]);
    assert.match(invalid.stderr, /^extract: Invalid event: event\.fromYear must be a whole year from 1874/);
    assert.match(malformed.stderr, /^extract: --event must be JSON/);
    assert.equal(env.tmdb.stats.requests, 0);
  });

  it("exits 1 when an invocation completes no year, instead of invoking forever", async () => {
    const vars = env.env({ EXTRACTOR_STOP_MARGIN_SECONDS: "900" });
    const event = JSON.stringify({ mode: "backfill", fromYear: 2001, toYear: 2003 });
    const { code, stderr } = await runCli(vars, ["--event", event, "--invocation-seconds", "60"]);

    assert.equal(code, 1);
    assert.match(
      stderr,
      /the invocation completed no year before its deadline \(3 year\(s\) remaining\): give it more time .*--invocation-seconds.* EXTRACTOR_STOP_MARGIN_SECONDS \(900\)/,
    );
  });
});
