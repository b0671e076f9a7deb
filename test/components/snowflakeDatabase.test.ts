import assert from "node:assert/strict";
import { devRun, T, type Run } from "../support/pulumi/harness";

describe("SnowflakeDatabase", () => {
  describe("in the dev stack", () => {
    let dev: Run;
    before(async () => {
      dev = await devRun();
    });

    it("creates an X-Small warehouse that starts suspended, suspends after 60 s and resumes on demand", () => {
      // Prepare
      const warehouse = dev.one(T.warehouse);

      // Assess
      assert.equal(warehouse.inputs["name"], "TMDB_ROI_DEV_WH");
      assert.equal(warehouse.inputs["warehouseSize"], "XSMALL");
      assert.equal(warehouse.inputs["autoSuspend"], 60);
      assert.equal(warehouse.inputs["autoResume"], "true");
      assert.equal(warehouse.inputs["initiallySuspended"], true);
    });

    it("creates the stack's database with RAW, STAGING and MARTS schemas", () => {
      // Prepare
      const database = dev.one(T.database);
      const schemas = dev.ofType(T.schema);

      // Assess
      assert.equal(database.inputs["name"], "TMDB_ROI_DEV");
      assert.deepEqual(schemas.map((s) => s.inputs["name"]).sort(), ["MARTS", "RAW", "STAGING"]);
      for (const schema of schemas) assert.equal(schema.inputs["database"], "TMDB_ROI_DEV");
    });
  });
});
