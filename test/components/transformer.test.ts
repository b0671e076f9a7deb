import assert from "node:assert/strict";
import { publicKeyBody } from "../../stackConfig";
import {
  assertListsExactly,
  devRun,
  obj,
  T,
  type RecordedResource,
  type Run,
} from "../support/pulumi/harness";
import { TEST_DBT_PRIVATE_KEY, TEST_DBT_PUBLIC_KEY_PEM } from "../support/pulumi/stackConfig";

describe("Transformer", () => {
  describe("in the dev stack", () => {
    let dev: Run;
    before(async () => {
      dev = await devRun();
    });

    it("grants dbt exactly: use the warehouse and database, read RAW.MOVIES, create tables and views in STAGING and MARTS", () => {
      // Prepare
      const grants = dev.ofType(T.grant);

      // Act
      const described = grants.map((grant) => {
        const privileges = (grant.inputs["privileges"] as string[]).slice().sort().join("+");
        const account = grant.inputs["onAccountObject"] as Record<string, unknown> | undefined;
        const schema = grant.inputs["onSchema"] as Record<string, unknown> | undefined;
        const object = grant.inputs["onSchemaObject"] as Record<string, unknown> | undefined;
        const on = account
          ? `${String(account["objectType"])} ${String(account["objectName"])}`
          : schema
            ? `SCHEMA ${String(schema["schemaName"])}`
            : `${String(object?.["objectType"])} ${String(object?.["objectName"])}`;
        return `${privileges} ON ${on}`;
      });

      // Assess
      assert.deepEqual(described.sort(), [
        'CREATE TABLE+CREATE VIEW+USAGE ON SCHEMA "TMDB_ROI_DEV"."MARTS"',
        'CREATE TABLE+CREATE VIEW+USAGE ON SCHEMA "TMDB_ROI_DEV"."STAGING"',
        'SELECT ON TABLE "TMDB_ROI_DEV"."RAW"."MOVIES"',
        "USAGE ON DATABASE TMDB_ROI_DEV",
        'USAGE ON SCHEMA "TMDB_ROI_DEV"."RAW"',
        "USAGE ON WAREHOUSE TMDB_ROI_DEV_WH",
      ]);
      for (const grant of grants) {
        assert.equal(grant.inputs["accountRoleName"], "TMDB_ROI_DEV_TRANSFORMER");
        assert.equal(grant.inputs["allPrivileges"], undefined);
        assert.equal(grant.inputs["withGrantOption"], undefined);
        assert.equal(grant.inputs["onAccount"], undefined);
        assert.equal(obj(grant.inputs["onSchemaObject"] ?? {})["all"], undefined);
        assert.equal(obj(grant.inputs["onSchemaObject"] ?? {})["future"], undefined);
      }
    });

    it("grants SELECT on RAW.MOVIES again whenever the table is re-created, revoking the old grant first", () => {
      // Prepare
      const table = dev.one(T.table);
      const grants = dev.ofType(T.grant);
      const onTable = grants.filter((g) => g.inputs["onSchemaObject"] !== undefined);

      // Assess
      assert.equal(onTable.length, 1);
      const grant = onTable[0] as RecordedResource;
      assert.equal(obj(grant.inputs["onSchemaObject"])["objectName"], table.state["fullyQualifiedName"]);
      assertListsExactly(grant.opts.replaceWith, [table], "the table grant's replaceWith");
      assert.equal(grant.opts.deleteBeforeReplace, true);
      for (const other of grants.filter((g) => g !== grant)) {
        assertListsExactly(other.opts.replaceWith, [], `${other.name}'s replaceWith`);
      }
    });

    it("creates dbt's key-pair service user holding the transformer role", () => {
      // Prepare
      const user = dev.one(T.serviceUser);
      const toUser = dev.ofType(T.roleGrant).find((g) => g.inputs["userName"] !== undefined);

      // Assess
      assert.equal(user.inputs["name"], "TMDB_ROI_DEV_DBT");
      assert.equal(user.inputs["rsaPublicKey"], publicKeyBody(TEST_DBT_PUBLIC_KEY_PEM));
      assert.equal(user.inputs["defaultRole"], "TMDB_ROI_DEV_TRANSFORMER");
      assert.equal(user.inputs["defaultWarehouse"], "TMDB_ROI_DEV_WH");
      assert.equal(user.inputs["password"], undefined);
      assert.deepEqual(toUser?.inputs, {
        roleName: "TMDB_ROI_DEV_TRANSFORMER",
        userName: "TMDB_ROI_DEV_DBT",
      });
      const dbtKeyBody = TEST_DBT_PRIVATE_KEY.split("\n")[5] as string;
      assert.ok(
        !JSON.stringify(dev.resources.map((r) => r.inputs)).includes(dbtKeyBody),
        "dbt's private key never enters Pulumi",
      );
    });
  });
});
