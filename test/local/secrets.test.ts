/**
 * The local stack never repeats a secret: with TMDB_API_TOKEN and TMDB_API_BASE_URL planted with secrets, no line
 * it prints, no error it throws and no file it writes under its state and output folders may contain them, whether
 * the run succeeds or its settings are refused.
 */
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLocalStack } from "../../local/pipeline";
import { startTmdbServer, type TmdbFault, type TmdbServer } from "../../servers/tmdbServer";
import { buildCatalog, movieDetails, movieRange } from "../support/catalog";

/** Planted in every secret below; no output may contain it. */
const PLANTED = "planted-secret-7Qx";
/** A token TMDB would accept: a JWT's shape, the planted text inside. */
const TOKEN = `eyJhbGciOiJIUzI1NiJ9.${PLANTED}-token.c2lnbmF0dXJl`;

/** The environment without anything that would point a run at real TMDB or the user's state. */
function isolatedEnv(): NodeJS.ProcessEnv {
  const hidden = new Set(["TMDB_API_TOKEN", "TMDB_SECRET_ARN", "TMDB_ROI_STATE_DIR", "TMDB_ROI_DUCKDB_PATH"]);
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !hidden.has(name)));
}

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** What one run of the local stack left behind: its lines, its error, and the files under its folders. */
interface Left {
  lines: string[];
  error: unknown;
  files: string[];
  root: string;
}

describe("local stack secrets (npm start with TMDB_API_TOKEN)", function () {
  this.timeout(300_000);
  let tmdb: TmdbServer;
  const roots: string[] = [];

  before(async () => {
    // 20 movies on one page: 3 is retried once, 4 always fails (its reason is printed), 5 is invalid.
    const faults: TmdbFault[] = [
      { target: { endpoint: "details", movieId: 3 }, effect: { type: "rateLimited" }, times: 1 },
      { target: { endpoint: "details", movieId: 4 }, effect: { type: "serverError", status: 500 } },
    ];
    const catalog = buildCatalog([
      ...movieRange(4, 1),
      movieDetails(5, { vote_average: 11 }),
      ...movieRange(15, 6),
    ]);
    tmdb = await startTmdbServer({ catalog, token: TOKEN, faults });
  });
  after(async () => {
    await tmdb.close();
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  /** Runs the stack on one page with `env` added to an isolated environment, in new temporary folders. */
  async function runWith(env: Record<string, string>): Promise<Left> {
    const root = await mkdtemp(join(tmpdir(), "tmdb-roi-secrets-"));
    roots.push(root);
    const lines: string[] = [];
    let error: unknown;
    try {
      await runLocalStack({
        stateDir: join(root, "state"),
        outDir: join(root, "out"),
        pages: 1,
        env: { ...isolatedEnv(), ...env },
        write: (line) => lines.push(line),
      });
    } catch (caught) {
      error = caught;
    }
    return { lines, error, files: await filesUnder(root), root };
  }

  /** Fails naming the first line, error or file that contains the planted text. */
  async function assertNothingPlanted(left: Left): Promise<void> {
    for (const line of left.lines) assert.ok(!line.includes(PLANTED), `printed: ${line}`);
    if (left.error instanceof Error) {
      const { message, stack = "" } = left.error;
      assert.ok(!`${message}\n${stack}`.includes(PLANTED), `thrown: ${message}`);
    }
    for (const file of left.files) {
      // latin1 reads any file, binary ones (the DuckDB warehouse) included, byte for byte.
      const content = await readFile(file, "latin1");
      assert.ok(!content.includes(PLANTED), `written: ${file}`);
    }
  }

  it("leaves the token in no line and no file of a whole run (raw and quarantined objects, warehouse, outputs)", async () => {
    // Act
    const left = await runWith({ TMDB_API_TOKEN: TOKEN, TMDB_API_BASE_URL: tmdb.baseUrl });

    // Assess
    assert.equal(left.error, undefined, String(left.error));
    assert.ok(left.lines.some((line) => line.includes(`the TMDB API at ${tmdb.baseUrl}`)));
    assert.ok(left.lines.some((line) => line.includes("failed: movie 4")));
    assert.ok(
      left.files.some((file) => file.includes("rejects")),
      "a quarantine object was written",
    );
    assert.ok(left.files.length > 5, `only ${left.files.length} files written`);
    await assertNothingPlanted(left);
  });

  const refused: [string, () => Record<string, string>, RegExp][] = [
    [
      "a base URL with user and password",
      () => ({
        TMDB_API_TOKEN: TOKEN,
        TMDB_API_BASE_URL: tmdb.baseUrl.replace("://", `://user:${PLANTED}@`),
      }),
      /^TMDB_API_BASE_URL must not contain credentials \(user:password@\) — pass the token in TMDB_API_TOKEN$/,
    ],
    [
      "a base URL with an api_key query",
      () => ({ TMDB_API_TOKEN: TOKEN, TMDB_API_BASE_URL: `${tmdb.baseUrl}?api_key=${PLANTED}` }),
      /^TMDB_API_BASE_URL must not contain a query string/,
    ],
    [
      "a token with a line break",
      () => ({ TMDB_API_TOKEN: `${TOKEN}\nX-Injected: ${PLANTED}`, TMDB_API_BASE_URL: tmdb.baseUrl }),
      /^TMDB_API_TOKEN contains a line break \(character \d+\); /,
    ],
  ];
  for (const [what, env, message] of refused) {
    it(`refuses ${what} before printing the source, naming the variable and repeating nothing`, async () => {
      // Prepare
      const requestsBefore = tmdb.stats.requests;

      // Act
      const left = await runWith(env());

      // Assess
      assert.ok(left.error instanceof Error, "the run was refused");
      assert.equal(left.error.name, "LocalStackError");
      assert.match(left.error.message, message);
      assert.ok(!left.lines.some((line) => line.includes("Source:")), left.lines.join("\n"));
      assert.equal(tmdb.stats.requests, requestsBefore, "no request reached TMDB");
      await assertNothingPlanted(left);
    });
  }
});
