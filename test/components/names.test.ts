import assert from "node:assert/strict";
import {
  iamRoleArn,
  snowflakeIamRoleName,
  snowflakeNames,
  stackResourceName,
  stackToken,
  stateMachineArn,
} from "../../components/names";

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
      [
        names.database,
        names.warehouse,
        names.resourceMonitor,
        names.storageIntegration,
        names.transformerRole,
        names.dbtUser,
      ],
      [
        "TMDB_ROI_FEATURE_X",
        "TMDB_ROI_FEATURE_X_WH",
        "TMDB_ROI_FEATURE_X_MONITOR",
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

  it("builds a state machine's ARN from its partition, region, account and name", () => {
    // Assess
    assert.equal(
      stateMachineArn("aws", "eu-west-1", "123456789012", "tmdb-genre-roi-dev-backfill"),
      "arn:aws:states:eu-west-1:123456789012:stateMachine:tmdb-genre-roi-dev-backfill",
    );
    assert.equal(
      stateMachineArn("aws-cn", "cn-north-1", "123456789012", "m"),
      "arn:aws-cn:states:cn-north-1:123456789012:stateMachine:m",
    );
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
