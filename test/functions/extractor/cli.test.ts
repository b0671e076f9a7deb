import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildCatalog, movieRange } from "../../support/catalog";
import { startTestEnv, type TestEnv } from "../../support/testEnv";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Runs `tsx functions/extractor/cli.ts` (what `npm run extract` runs) with exactly `env`. */
function runCli(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "functions/extractor/cli.ts"],
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
