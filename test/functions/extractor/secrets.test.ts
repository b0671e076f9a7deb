/**
 * The extractor never repeats a secret: a run of the bundled handler, in a fresh container as Lambda runs it, with
 * a token and URL parts planted as secrets, must leave them in no log line, no error, no summary and no object it
 * writes (landed or quarantined), whether the run succeeds, fails at TMDB, or is refused its settings.
 */
import assert from "node:assert/strict";
import type { ExtractionSummary } from "../../../functions/extractor/extract";
import type { TmdbFault } from "../../../servers/tmdbServer";
import { buildCatalog, movieDetails, movieRange } from "../../support/catalog";
import { startSecretsServer, type SecretsServer } from "../../support/secretsServer";
import {
  runInFreshContainer,
  startTestEnv,
  writeExtractorBundle,
  type ContainerRun,
  type TestEnv,
} from "../../support/testEnv";

/** Planted in every secret below; no output may contain it. */
const PLANTED = "planted-secret-7Qx";
/** A token TMDB would accept: a JWT's shape, the planted text inside. */
const TOKEN = `eyJhbGciOiJIUzI1NiJ9.${PLANTED}-token.c2lnbmF0dXJl`;
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tmdb-token-AbCdEf";
const TWO_LINE_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tmdb-two-lines-AbCdEf";

/** Movies 1..20 on one page: 6 is retried once, 7 always fails, 8 is not found, 9 is invalid, 10 has no financials. */
const catalog = () =>
  buildCatalog([
    ...movieRange(8, 1),
    movieDetails(9, { vote_average: 11 }),
    movieDetails(10, { budget: 0, revenue: 0 }),
    ...movieRange(10, 11),
  ]);
const FAULTS: TmdbFault[] = [
  { target: { endpoint: "details", movieId: 6 }, effect: { type: "rateLimited" }, times: 1 },
  { target: { endpoint: "details", movieId: 7 }, effect: { type: "serverError", status: 500 } },
  { target: { endpoint: "details", movieId: 8 }, effect: { type: "notFound" } },
];

describe("extractor secrets (bundled handler)", () => {
  let bundle: Awaited<ReturnType<typeof writeExtractorBundle>>;
  let secrets: SecretsServer;

  before(async () => {
    bundle = await writeExtractorBundle();
    secrets = await startSecretsServer({
      [SECRET_ARN]: `${TOKEN}\n`,
      [TWO_LINE_SECRET_ARN]: `${TOKEN}\nX-Injected: ${PLANTED}`,
    });
  });
  after(async () => {
    await Promise.allSettled([bundle.remove(), secrets.close()]);
  });

  /** Runs one invocation in a fresh container against a TMDB server accepting TOKEN; returns all it left behind. */
  async function runWith(
    vars: (env: TestEnv) => Record<string, string>,
    faults: TmdbFault[] = FAULTS,
  ): Promise<{ run: ContainerRun; objects: string[]; tmdbRequests: number }> {
    const env = await startTestEnv({ catalog: catalog(), faults, token: TOKEN });
    try {
      const run = await runInFreshContainer(bundle.dir, vars(env), [{ pages: 1 }]);
      const objects = await Promise.all(
        (await env.listKeys()).map(async (key) => (await env.getObject(key)).body),
      );
      return { run, objects, tmdbRequests: env.tmdb.stats.requests };
    } finally {
      await env.close();
    }
  }

  /** Fails naming the first output that contains the planted text. */
  function assertNothingPlanted({ run, objects }: { run: ContainerRun; objects: string[] }): void {
    const outputs = [
      ...run.lines.map((line) => ["log line", line]),
      ...run.results.map((result) => ["result", JSON.stringify(result)]),
      ...objects.map((body) => ["written object", body]),
    ];
    for (const [what, text] of outputs)
      assert.ok(!text?.includes(PLANTED), `${what} holds the secret: ${text}`);
  }

  const errorOf = (run: ContainerRun) =>
    (run.results[0] as { error?: { name: string; message: string } }).error;

  it("leaves the token in no log line, summary or object of a run with retries, failures, rejects and 404s", async () => {
    // Act
    const left = await runWith((env) => env.env());

    // Assess
    const { summary } = left.run.results[0] as { summary: ExtractionSummary };
    assert.deepEqual(
      [summary.landed, summary.failed.length, summary.rejected, summary.notFound, summary.retries],
      [16, 1, 1, 1, 1 + 3],
    );
    assert.equal(left.objects.length, 2, "a landed and a quarantine object");
    assertNothingPlanted(left);
  });

  it("leaves the token read from Secrets Manager nowhere when TMDB refuses it mid-run", async () => {
    // Act
    const left = await runWith(
      (env) =>
        env.env({
          TMDB_API_TOKEN: "",
          TMDB_SECRET_ARN: SECRET_ARN,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        }),
      [...FAULTS, { target: { endpoint: "details", movieId: 12 }, effect: { type: "unauthorized" } }],
    );

    // Assess
    assert.equal(errorOf(left.run)?.name, "TmdbAuthError");
    assertNothingPlanted(left);
  });

  const refused: [string, (env: TestEnv) => Record<string, string>, RegExp][] = [
    [
      "a token with a line break",
      (env) => env.env({ TMDB_API_TOKEN: `${TOKEN}\r\nX-Injected: ${PLANTED}` }),
      /^Invalid extractor configuration: TMDB_API_TOKEN contains a line break \(character \d+\); /,
    ],
    [
      "a secret with a line break",
      (env) =>
        env.env({
          TMDB_API_TOKEN: "",
          TMDB_SECRET_ARN: TWO_LINE_SECRET_ARN,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        }),
      /secret arn:aws:secretsmanager:.*:secret:tmdb-two-lines-AbCdEf \(TMDB_SECRET_ARN\) failed: the SecretString contains a line break \(character \d+\); /,
    ],
    [
      "a base URL with user and password",
      (env) => env.env({ TMDB_API_BASE_URL: env.tmdb.baseUrl.replace("://", `://user:${PLANTED}@`) }),
      /TMDB_API_BASE_URL must not contain credentials \(user:password@\) — pass the token in TMDB_API_TOKEN/,
    ],
    [
      "a base URL with an api_key query",
      (env) => env.env({ TMDB_API_BASE_URL: `${env.tmdb.baseUrl}?api_key=${PLANTED}` }),
      /TMDB_API_BASE_URL must not contain a query string/,
    ],
    [
      "a base URL with a fragment",
      (env) => env.env({ TMDB_API_BASE_URL: `${env.tmdb.baseUrl}#${PLANTED}` }),
      /TMDB_API_BASE_URL must not contain a fragment/,
    ],
  ];
  for (const [what, vars, message] of refused) {
    it(`refuses ${what} before any TMDB request, with a message that names it and repeats nothing`, async () => {
      // Act
      const left = await runWith(vars);

      // Assess
      assert.match(errorOf(left.run)?.message ?? "(the run succeeded)", message);
      assert.deepEqual([left.tmdbRequests, left.objects], [0, []]);
      assertNothingPlanted(left);
    });
  }
});
