import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import { Extractor, PARTIAL_FAILURE_FILTER_PATTERN } from "../../components/extractor";
import {
  iamRoleArn,
  snowflakeIamRoleName,
  snowflakeNames,
  stackResourceName,
  stackToken,
} from "../../components/names";
import { runExtraction } from "../../functions/extractor/extract";
import { createLogger } from "../../functions/extractor/logger";
import { buildCatalog, movieRange } from "../support/catalog";
import { startTestEnv } from "../support/testEnv";
import { RawLanding, rawLifecycleRules } from "../../components/rawLanding";
import { copyStatement, queueInRegion, storageProviderFor } from "../../components/snowpipeIngestion";
import { policyOf, runProgram, validConfig } from "./harness";

describe("names", () => {
  it("upper-cases the stack and replaces every non-alphanumeric with an underscore", () => {
    // Assess
    assert.equal(stackToken("dev"), "DEV");
    assert.equal(stackToken("feature-42.eu"), "FEATURE_42_EU");
    assert.throws(() => stackToken("--"), /stack name "--" must contain a letter or digit/);
  });

  it("derives every account-level Snowflake name from the stack", () => {
    // Act
    const names = snowflakeNames("feature-x");

    // Assess
    assert.deepEqual(
      [names.database, names.warehouse, names.storageIntegration, names.transformerRole, names.dbtUser],
      [
        "TMDB_ROI_FEATURE_X",
        "TMDB_ROI_FEATURE_X_WH",
        "TMDB_ROI_FEATURE_X_S3",
        "TMDB_ROI_FEATURE_X_TRANSFORMER",
        "TMDB_ROI_FEATURE_X_DBT",
      ],
    );
    assert.deepEqual(names.schemas, { raw: "RAW", staging: "STAGING", marts: "MARTS" });
  });

  it("names the Snowflake-facing IAM role after project and stack, within IAM's 64 characters", () => {
    // Assess
    assert.equal(snowflakeIamRoleName("tmdb-genre-roi", "prod"), "tmdb-genre-roi-prod-snowflake");
    assert.throws(
      () => snowflakeIamRoleName("tmdb-genre-roi", "x".repeat(40)),
      /at most 64 characters.*use a shorter stack name/,
    );
    assert.equal(iamRoleArn("aws-us-gov", "123456789012", "r"), "arn:aws-us-gov:iam::123456789012:role/r");
  });

  it("names per-stack AWS resources after project, stack and purpose, in characters Lambda and IAM accept", () => {
    // Assess
    assert.equal(stackResourceName("tmdb-genre-roi", "dev", "extractor"), "tmdb-genre-roi-dev-extractor");
    assert.throws(
      () => stackResourceName("tmdb-genre-roi", "feature.x", "extractor"),
      /"tmdb-genre-roi-feature\.x-extractor".*letters, digits, _ and -/,
    );
  });
});

describe("SnowpipeIngestion decisions", () => {
  it("maps each AWS partition to Snowflake's storage provider", () => {
    // Assess
    assert.equal(storageProviderFor("aws"), "S3");
    assert.equal(storageProviderFor("aws-us-gov"), "S3GOV");
    assert.equal(storageProviderFor("aws-cn"), "S3CHINA");
    assert.throws(() => storageProviderFor("aws-iso"), /aws-iso/);
  });

  it("accepts the pipe's queue only in the bucket's region, where S3 can notify it", () => {
    // Prepare
    const queue = "arn:aws:sqs:eu-west-1:987654321098:sf-snowpipe-AIDAEXAMPLE-abc";

    // Assess
    assert.equal(queueInRegion(queue, "eu-west-1"), queue);
    assert.throws(
      () => queueInRegion(queue, "us-east-1"),
      /is in eu-west-1 but the bucket is in us-east-1: .*set aws:region to the Snowflake account's region/,
    );
  });

  it("writes the chosen ON_ERROR into the COPY statement", () => {
    // Act
    const copy = copyStatement({
      table: "D.S.T",
      stage: "D.S.ST",
      fileFormat: "D.S.F",
      onError: "SKIP_FILE",
    });

    // Assess
    assert.match(copy, /^COPY INTO D\.S\.T /);
    assert.match(copy, /FROM @D\.S\.ST\)/);
    assert.match(copy, /ON_ERROR = SKIP_FILE$/);
  });
});

describe("RawLanding", () => {
  it("expires files and their old versions only when an age is given", () => {
    // Act
    const kept = rawLifecycleRules({
      prefixes: ["raw/"],
      standardIaAfterDays: 30,
      glacierInstantRetrievalAfterDays: 90,
    });
    const expiring = rawLifecycleRules({
      prefixes: ["raw/"],
      standardIaAfterDays: 30,
      glacierInstantRetrievalAfterDays: 90,
      expireAfterDays: 730,
    });

    // Assess
    assert.equal(kept[0]?.expiration, undefined);
    assert.deepEqual(expiring[0]?.expiration, { days: 730 });
    assert.deepEqual(expiring[0]?.noncurrentVersionExpiration, { noncurrentDays: 730 });
    assert.equal(kept.at(-1)?.id, "abort-incomplete-uploads");
  });

  it("refuses to force-destroy a protected bucket", async () => {
    // Act, Assess
    await assert.rejects(
      runProgram("dev", validConfig(), () => {
        new RawLanding("raw", {
          rawPrefix: "raw/",
          rejectPrefix: "rejects/",
          standardIaAfterDays: 30,
          glacierInstantRetrievalAfterDays: 90,
          forceDestroy: true,
          protect: true,
        });
        return {};
      }),
      /raw: forceDestroy requires protect to be false/,
    );
  });
});

describe("Extractor", () => {
  it("deploys whatever archive it is given, e.g. a tiny handler, with the same least-privilege wiring", async () => {
    // Prepare
    const code = new pulumi.asset.AssetArchive({
      "index.mjs": new pulumi.asset.StringAsset("export const handler = async () => ({ ok: true });"),
    });

    // Act
    const run = await runProgram("dev", validConfig(), () => {
      const extractor = new Extractor("probe", {
        resourceName: "probe-extractor",
        metricNamespace: "probe/dev",
        code,
        runtime: "nodejs24.x",
        bucketName: "probe-bucket",
        bucketArn: "arn:aws:s3:::probe-bucket",
        rawPrefix: "raw/movies/",
        rejectPrefix: "rejects/movies/",
        tmdbApiToken: pulumi.secret("probe-token"),
        alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:probe-alerts",
        pages: 2,
        timeoutSeconds: 300,
        retryAttempts: 0,
        logRetentionDays: 7,
      });
      return { functionName: extractor.functionName };
    });

    // Assess
    const fn = run.one("aws:lambda/function:Function");
    const assets = await (fn.inputs["code"] as { assets: Promise<Record<string, unknown>> }).assets;
    assert.deepEqual(Object.keys(assets), ["index.mjs"]);
    assert.equal(fn.inputs["timeout"], 300);
    const statements = policyOf(run.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"]).Statement;
    assert.deepEqual(statements[0]?.["Resource"], [
      "arn:aws:s3:::probe-bucket/raw/movies/*",
      "arn:aws:s3:::probe-bucket/rejects/movies/*",
    ]);
    assert.equal(run.outputs["functionName"], fn.state["name"]);
  });

  it("rejects a timeout under three minutes", async () => {
    // Act, Assess
    await assert.rejects(
      runProgram("dev", validConfig(), () => {
        new Extractor("probe", {
          resourceName: "probe-extractor",
          metricNamespace: "probe/dev",
          code: new pulumi.asset.AssetArchive({}),
          runtime: "nodejs24.x",
          bucketName: "b",
          bucketArn: "arn:aws:s3:::b",
          rawPrefix: "raw/",
          rejectPrefix: "rejects/",
          tmdbApiToken: pulumi.secret("t"),
          alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:t",
          pages: 1,
          timeoutSeconds: 60,
          retryAttempts: 0,
          logRetentionDays: 7,
        });
        return {};
      }),
      /probe: timeoutSeconds must be 180\.\.900/,
    );
  });
});

/**
 * Evaluates the subset of CloudWatch Logs JSON filter patterns the stack uses: `{ (<selector> <op> <value>) && ... }`
 * with selectors like `$.a.b[0].c`, `=` on strings and `>` on numbers (a missing field never matches).
 */
function jsonPatternMatches(pattern: string, line: string): boolean {
  const body = /^\{\s*(.*?)\s*\}$/.exec(pattern)?.[1];
  assert.ok(body, `not a JSON filter pattern: ${pattern}`);
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return false;
  }
  return body.split("&&").every((part) => {
    const term = /^\(?\s*\$((?:\.\w+|\[\d+\])+)\s*(=|>)\s*("[^"]*"|-?\d+)\s*\)?$/.exec(part.trim());
    assert.ok(term, `unsupported term: ${part}`);
    const [, path = "", op, literal = ""] = term;
    let value: unknown = event;
    for (const [, key, index] of path.matchAll(/\.(\w+)|\[(\d+)\]/g)) {
      if (value === null || typeof value !== "object") return false;
      value =
        key !== undefined ? (value as Record<string, unknown>)[key] : (value as unknown[])[Number(index)];
    }
    if (op === "=")
      return literal.startsWith('"') ? value === literal.slice(1, -1) : value === Number(literal);
    return typeof value === "number" && value > Number(literal);
  });
}

describe("Extractor partial-failure filter", () => {
  it("matches the summary line of a real run whose movie details failed, and not that of a clean run", async () => {
    // Prepare: a TMDB-compatible server where one movie's details always fail, and an S3-compatible server
    const env = await startTestEnv({
      catalog: buildCatalog(movieRange(5, 1)),
      faults: [{ target: { endpoint: "details", movieId: 3 }, effect: { type: "serverError", status: 500 } }],
    });
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line) });

    // Act
    let partial;
    try {
      partial = await runExtraction(env.config({ maxRetries: 0 }), { logger, s3: env.s3Client });
    } finally {
      await env.close();
    }
    const clean = await startTestEnv({ catalog: buildCatalog(movieRange(5, 1)) });
    const cleanLines: string[] = [];
    try {
      await runExtraction(clean.config(), {
        logger: createLogger({ write: (line) => cleanLines.push(line) }),
        s3: clean.s3Client,
      });
    } finally {
      await clean.close();
    }

    // Assess
    assert.deepEqual(
      partial.failed.map((f) => f.id),
      [3],
    );
    const matching = lines.filter((line) => jsonPatternMatches(PARTIAL_FAILURE_FILTER_PATTERN, line));
    assert.equal(matching.length, 1, "exactly the run's summary line matches");
    assert.match(matching[0] as string, /"msg":"extraction finished"/);
    assert.ok(cleanLines.length > 0);
    assert.deepEqual(
      cleanLines.filter((line) => jsonPatternMatches(PARTIAL_FAILURE_FILTER_PATTERN, line)),
      [],
    );
  });
});
