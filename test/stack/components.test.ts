import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import { Extractor } from "../../components/extractor";
import { iamRoleArn, snowflakeIamRoleName, snowflakeNames, stackToken } from "../../components/names";
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
