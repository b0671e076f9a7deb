import assert from "node:assert/strict";
import { SNOWFLAKE_PREVIEW_FEATURES } from "../../components/snowflakeProvider";
import { devRun, T, unwrapSecret, type Run } from "../support/pulumi/harness";
import { TEST_PRIVATE_KEY } from "../support/pulumi/stackConfig";

describe("Snowflake provider", () => {
  describe("in the dev stack", () => {
    let dev: Run;
    before(async () => {
      dev = await devRun();
    });

    it("is explicit, authenticates with the deployer's key pair and enables the five preview features", () => {
      // Prepare
      const provider = dev.one(T.provider);
      const features = provider.inputs["previewFeaturesEnabled"];

      // Act
      const enabled = (typeof features === "string" ? JSON.parse(features) : features) as string[];

      // Assess
      assert.deepEqual([...enabled].sort(), [
        "snowflake_file_format_resource",
        "snowflake_pipe_resource",
        "snowflake_stage_resource",
        "snowflake_storage_integration_resource",
        "snowflake_table_resource",
      ]);
      assert.deepEqual([...enabled].sort(), [...SNOWFLAKE_PREVIEW_FEATURES].sort());
      assert.equal(provider.inputs["organizationName"], "MYORG");
      assert.equal(provider.inputs["accountName"], "ANALYTICS");
      assert.equal(provider.inputs["authenticator"], "SNOWFLAKE_JWT");
      assert.equal(provider.inputs["user"], "TMDB_ROI_PULUMI");
      assert.equal(provider.inputs["role"], "TMDB_ROI_DEPLOYER");
      assert.ok(
        unwrapSecret(provider.inputs["privateKey"]) === TEST_PRIVATE_KEY.trim(),
        "the deployer's key",
      );
      assert.ok(provider.secretInputs.has("privateKey"));
      assert.equal(provider.inputs["password"], undefined);
    });

    it("is the provider of every Snowflake resource", () => {
      // Prepare
      const urn = dev.one(T.provider).urn;
      const resources = dev.resources.filter((r) => r.type.startsWith("snowflake:"));

      // Assess
      assert.ok(resources.length >= 15);
      for (const resource of resources) {
        assert.ok(
          resource.provider.startsWith(`${urn}::`),
          `${resource.type} ${resource.name} uses ${resource.provider}`,
        );
      }
    });

    it("names every Snowflake object explicitly in UPPER_SNAKE case", () => {
      // Prepare
      const resources = dev.resources.filter((r) => r.type.startsWith("snowflake:"));
      const unnamed = resources.filter((r) => r.inputs["name"] === undefined).map((r) => r.type);

      // Assess
      for (const resource of resources.filter((r) => r.inputs["name"] !== undefined)) {
        assert.match(
          String(resource.inputs["name"]),
          /^[A-Z][A-Z0-9_]*$/,
          `${resource.type} ${resource.name}`,
        );
      }
      assert.deepEqual([...new Set(unnamed)].sort(), [T.roleGrant, T.grant].sort());
    });
  });
});
