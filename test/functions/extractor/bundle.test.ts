import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { BUNDLE_ENTRY_FILE, buildExtractorBundle } from "../../../functions/bundle";
import type { ExtractionSummary } from "../../../functions/extractor/extract";
import { EXTRACTOR_SERVICE_NAME, RUN_METRICS } from "../../../functions/extractor/runMetrics";
import { buildCatalog, movieDetails, movieRange } from "../../support/catalog";
import { emfDataPoints } from "../../support/logs";
import { startSecretsServer, type SecretsServer } from "../../support/secretsServer";
import {
  parseNdjson,
  runInFreshContainer,
  startTestEnv,
  TEST_LAMBDA_CONTEXT,
  TEST_TOKEN,
  writeExtractorBundle,
  type TestEnv,
} from "../../support/testEnv";

type Handler = (event: unknown) => Promise<ExtractionSummary>;

const execFileAsync = promisify(execFile);
const MAX_BUNDLE_BYTES = 1.5 * 1024 * 1024;
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tmdb-token-AbCdEf";
const JSON_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tmdb-json-AbCdEf";
const MISSING_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf";
const TWO_LINE_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tmdb-two-lines-AbCdEf";
const TWO_LINE_TOKEN = `${TEST_TOKEN}\r\nX-Injected: planted-header-value`;

describe("extractor bundle (index.mjs, as Lambda loads it)", () => {
  let dir: string;
  let removeBundle: () => Promise<void>;
  let env: TestEnv;
  let secrets: SecretsServer;
  let savedEnv: NodeJS.ProcessEnv;
  let imports = 0;

  /**
   * Imports the bundled file as a fresh module (a new Lambda container) with `vars` as its environment, in this
   * process: logs are silenced and no EMF metrics are written (tests of the output use runInFreshContainer).
   */
  async function coldStart(vars: Record<string, string>): Promise<{ handler: Handler }> {
    process.env = { ...savedEnv, LOG_LEVEL: "silent", POWERTOOLS_METRICS_DISABLED: "true", ...vars };
    imports += 1;
    const url = `${pathToFileURL(join(dir, BUNDLE_ENTRY_FILE)).href}?container=${imports}`;
    const module = (await import(url)) as { handler: Handler };
    return { handler: module.handler };
  }

  before(async () => {
    savedEnv = process.env;
    ({ dir, remove: removeBundle } = await writeExtractorBundle());
    env = await startTestEnv({ catalog: buildCatalog(movieRange(60, 500)) });
    secrets = await startSecretsServer({
      [SECRET_ARN]: `${TEST_TOKEN}\n`,
      [JSON_SECRET_ARN]: JSON.stringify({ token: TEST_TOKEN }),
      [TWO_LINE_SECRET_ARN]: TWO_LINE_TOKEN,
    });
  });

  after(async () => {
    process.env = savedEnv;
    await Promise.allSettled([env.close(), secrets.close(), removeBundle()]);
  });

  afterEach(() => {
    process.env = savedEnv;
  });

  it("is one ES module with its source map, under 1.5 MiB", async () => {
    const size = (await stat(join(dir, BUNDLE_ENTRY_FILE))).size;
    const mapSize = (await stat(join(dir, `${BUNDLE_ENTRY_FILE}.map`))).size;
    // Cold-start proxy: import the file in a fresh Node process, as Lambda's runtime does.
    const url = pathToFileURL(join(dir, BUNDLE_ENTRY_FILE)).href;
    const script = `const t = performance.now(); const m = await import(${JSON.stringify(url)}); process.stdout.write(JSON.stringify({ ms: performance.now() - t, exports: Object.keys(m) }));`;
    const { stdout } = await execFileAsync(
      process.execPath,
      ["--enable-source-maps", "--input-type=module", "-e", script],
      {
        env: { ...savedEnv, LOG_LEVEL: "silent" },
      },
    );
    const imported = JSON.parse(stdout) as { ms: number; exports: string[] };
    console.log(
      `      bundle: ${BUNDLE_ENTRY_FILE} ${(size / 1024).toFixed(0)} KiB (+ map ${(mapSize / 1024).toFixed(0)} KiB), ` +
        `import in a fresh process ${imported.ms.toFixed(0)} ms`,
    );
    assert.ok(imported.exports.includes("handler"), "index.handler is exported");
    assert.ok(size < MAX_BUNDLE_BYTES, `bundle is ${size} bytes`);
  });

  it("links its source map, so --enable-source-maps maps Lambda stack traces to the TypeScript", () => {
    const code = buildExtractorBundle()[BUNDLE_ENTRY_FILE];
    assert.match(code.trimEnd(), new RegExp(`//# sourceMappingURL=${BUNDLE_ENTRY_FILE}\\.map$`));
  });

  it("runs the bundled handler end to end, reading the token from Secrets Manager once per container", async () => {
    // Prepare: a new container configured like the Lambda, with the token behind TMDB_SECRET_ARN.
    const vars = env.env({
      TMDB_API_TOKEN: "",
      TMDB_SECRET_ARN: SECRET_ARN,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      TMDB_PAGES: "3",
    });
    const { handler } = await coldStart(vars);
    // Act: two invocations in the same container; the second overrides pages through the event.
    const first = await handler({});
    const object = await env.getObject(first.key ?? "");
    // A popular run's object is named after its start second: the second run starts in the next one.
    await new Promise((resolve) => setTimeout(resolve, 1005 - (Date.now() % 1000)));
    const second = await handler({ pages: 1, "detail-type": "Scheduled Event", source: "aws.events" });
    // Assess
    assert.deepEqual([first.pages, first.listed, first.landed], [3, 60, 60]);
    assert.match(first.key ?? "", /^raw\/movies\/\d{4}-\d{2}-\d{2}\/movies_\d{2}-\d{2}-\d{2}\.json$/);
    assert.equal(object.contentType, "application/x-ndjson");
    assert.deepEqual(
      parseNdjson(object.body).map((r) => r["id"]),
      Array.from({ length: 60 }, (_, i) => 500 + i),
    );
    assert.deepEqual([second.pages, second.listed, second.landed], [1, 20, 20]);
    assert.deepEqual(secrets.calls, [SECRET_ARN], "the secret is fetched once per container");
  });

  it("fails with a clear message when the secret is missing, holds JSON or a line break, never repeating it", async () => {
    for (const [arn, message] of [
      [MISSING_SECRET_ARN, /TMDB_SECRET_ARN\) failed: Secrets Manager can't find the specified secret/],
      [JSON_SECRET_ARN, /the SecretString is JSON; store the API Read Access Token itself as plain text/],
      [
        TWO_LINE_SECRET_ARN,
        /^Reading the TMDB token from secret arn:aws:secretsmanager:us-east-1:123456789012:secret:tmdb-two-lines-AbCdEf \(TMDB_SECRET_ARN\) failed: the SecretString contains a line break \(character \d+\); /,
      ],
    ] as const) {
      const vars = env.env({
        TMDB_API_TOKEN: "",
        TMDB_SECRET_ARN: arn,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      });
      const { handler } = await coldStart(vars);
      await assert.rejects(
        handler({}),
        (error: Error) =>
          error.name === "SecretError" &&
          message.test(error.message) &&
          !error.message.includes(TEST_TOKEN) &&
          !error.message.includes("planted-header-value"),
      );
    }
  });

  it("rejects an invalid event, naming the field", async () => {
    const { handler } = await coldStart(env.env());
    await assert.rejects(
      handler({ pages: 0 }),
      (e: Error) =>
        e.name === "InvalidEventError" &&
        /^Invalid event: event.pages must be an integer between 1 and 500 \(got \{"pages":0\}\)$/.test(
          e.message,
        ),
    );
    await assert.rejects(handler("run"), /event must be a JSON object/);
    await assert.rejects(handler({ pages: "ten" }), /event\.pages/);
  });

  it("fails the invocation with a message naming a missing variable", async () => {
    const { handler } = await coldStart(env.env({ RAW_BUCKET: "" }));
    await assert.rejects(
      handler({}),
      (error: Error) => error.name === "ConfigError" && /RAW_BUCKET is required/.test(error.message),
    );
  });

  it("fails the invocation when TMDB refuses the token", async () => {
    const { handler } = await coldStart(env.env({ TMDB_API_TOKEN: "not-the-token" }));
    await assert.rejects(handler({ pages: 1 }), (error: Error) => error.name === "TmdbAuthError");
  });

  describe("telemetry through Powertools", () => {
    // One page: 17 movies land, 4 fails, 19 has no financials, 20 is invalid.
    const catalog = buildCatalog([
      ...movieRange(18, 1),
      movieDetails(19, { budget: 0, revenue: 0 }),
      movieDetails(20, { vote_average: 11 }),
    ]);
    let tmdb: TestEnv;
    let run: Awaited<ReturnType<typeof runInFreshContainer>>;
    before(async () => {
      tmdb = await startTestEnv({
        catalog,
        faults: [
          { target: { endpoint: "details", movieId: 4 }, effect: { type: "serverError", status: 500 } },
        ],
      });
      const vars = tmdb.env({
        TMDB_PAGES: "1",
        TMDB_MAX_RETRIES: "0",
        POWERTOOLS_SERVICE_NAME: EXTRACTOR_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: "tmdb-genre-roi/test",
      });
      run = await runInFreshContainer(dir, vars, [{}, {}]);
    });
    after(() => tmdb.close());

    it("logs JSON lines with the service, the invocation's request id and whether it was a cold start", () => {
      // Prepare
      const logs = run.lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((l) => l["message"]);

      // Act
      const finished = logs.filter((l) => l["message"] === "extraction finished");

      // Assess
      assert.deepEqual(
        finished.map((l) => [l["level"], l["service"], l["function_request_id"], l["cold_start"]]),
        [
          ["WARN", EXTRACTOR_SERVICE_NAME, "request-1", true],
          ["WARN", EXTRACTOR_SERVICE_NAME, "request-2", false],
        ],
      );
      assert.equal(finished[0]?.["function_name"], TEST_LAMBDA_CONTEXT.functionName);
      assert.deepEqual(finished[0]?.["summary"], (run.results[0] as { summary: unknown }).summary);
      assert.ok(
        logs.some((l) => l["message"] === "extraction started" && l["function_request_id"] === "request-1"),
      );
    });

    it("publishes each run's landed, failed, rejected and skipped counts as EMF metrics in its namespace", () => {
      // Act
      const points = emfDataPoints(run.lines);

      // Assess
      const dimensions = { service: EXTRACTOR_SERVICE_NAME };
      const expected = [
        { name: RUN_METRICS.landed, value: 17 },
        { name: RUN_METRICS.failed, value: 1 },
        { name: RUN_METRICS.rejected, value: 1 },
        { name: RUN_METRICS.skipped, value: 1 },
      ].map(({ name, value }) => ({
        namespace: "tmdb-genre-roi/test",
        name,
        unit: "Count",
        dimensions,
        value,
      }));
      assert.deepEqual(points, [...expected, ...expected], "one data point per metric and run");
    });

    it("publishes no counts for a run that fails", async () => {
      // Act
      const failed = await runInFreshContainer(dir, tmdb.env({ TMDB_API_TOKEN: "not-the-token" }), [{}]);

      // Assess
      assert.equal((failed.results[0] as { error?: { name: string } }).error?.name, "TmdbAuthError");
      assert.deepEqual(emfDataPoints(failed.lines), []);
      assert.ok(failed.lines.some((line) => line.includes('"message":"extraction failed"')));
    });
  });
});
