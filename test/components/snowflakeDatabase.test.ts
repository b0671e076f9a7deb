import assert from "node:assert/strict";
import {
  RESOURCE_MONITOR_TRIGGERS,
  SnowflakeDatabase,
  resourceMonitorSql,
  snowflakeDatabaseArgsProblem,
  type SnowflakeDatabaseArgs,
} from "../../components/snowflakeDatabase";
import { devRun, runProgram, T, type Run } from "../support/pulumi/harness";
import { projectFile, validConfig } from "../support/pulumi/stackConfig";

/** Arguments of a database with fixed names, which the tests vary one at a time. */
const databaseArgs = (overrides: Partial<SnowflakeDatabaseArgs> = {}): SnowflakeDatabaseArgs => ({
  databaseName: "DB",
  warehouseName: "DB_WH",
  schemas: { raw: "RAW", staging: "STAGING", marts: "MARTS" },
  resourceMonitor: { name: "DB_MONITOR", monthlyCreditQuota: 10, viewerRole: "DEPLOYER" },
  ...overrides,
});

describe("SnowflakeDatabase", () => {
  describe("decisions", () => {
    it("notifies at 75 % and 90 % of the month's credits, suspends at 100 % and cancels running work at 110 %", () => {
      // Assess
      assert.deepEqual(
        RESOURCE_MONITOR_TRIGGERS.map((t) => [t.percent, t.action]),
        [
          [75, "NOTIFY"],
          [90, "NOTIFY"],
          [100, "SUSPEND"],
          [110, "SUSPEND_IMMEDIATE"],
        ],
      );
    });

    it("writes the administrator's statements: create the monitor once, set quota and triggers, assign it, let the deployer see it", () => {
      // Act
      const sql = resourceMonitorSql(
        { name: "DB_MONITOR", monthlyCreditQuota: 25, viewerRole: "DEPLOYER" },
        "DB_WH",
      );

      // Assess
      const statements = sql
        .split("\n")
        .filter((line) => !line.startsWith("--"))
        .join("\n")
        .split(";")
        .map((s) => s.replace(/\s+/g, " ").trim())
        .filter(Boolean);
      assert.deepEqual(statements, [
        "USE ROLE ACCOUNTADMIN",
        "CREATE RESOURCE MONITOR IF NOT EXISTS DB_MONITOR WITH CREDIT_QUOTA = 25",
        "ALTER RESOURCE MONITOR DB_MONITOR SET CREDIT_QUOTA = 25 TRIGGERS ON 75 PERCENT DO NOTIFY ON 90 PERCENT DO NOTIFY ON 100 PERCENT DO SUSPEND ON 110 PERCENT DO SUSPEND_IMMEDIATE",
        "ALTER WAREHOUSE DB_WH SET RESOURCE_MONITOR = DB_MONITOR",
        "GRANT MONITOR ON RESOURCE MONITOR DB_MONITOR TO ROLE DEPLOYER",
      ]);
      assert.doesNotMatch(sql, /FREQUENCY|START_TIMESTAMP/, "Snowflake's calendar-month schedule");
    });

    it("refuses a quota that is not a whole number of credits from 1 to 1000, naming the field", async () => {
      // Prepare
      const monitor = (monthlyCreditQuota: number) =>
        databaseArgs({ resourceMonitor: { name: "DB_MONITOR", monthlyCreditQuota, viewerRole: "DEPLOYER" } });

      // Act
      const problems = [0, 2.5, 1001].map((quota) => snowflakeDatabaseArgsProblem(monitor(quota)));

      // Assess
      for (const problem of problems)
        assert.equal(
          problem,
          "resourceMonitor.monthlyCreditQuota must be a whole number of credits from 1 to 1000",
        );
      assert.equal(snowflakeDatabaseArgsProblem(monitor(1000)), undefined);
      await assert.rejects(
        runProgram("dev", validConfig(), () => {
          new SnowflakeDatabase("warehouse", monitor(0));
          return {};
        }),
        /^Error: warehouse: resourceMonitor\.monthlyCreditQuota must be a whole number/,
      );
    });
  });

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

    it("leaves the warehouse's resource monitor to the administrator, who alone may assign one", () => {
      // Prepare
      const warehouse = dev.one(T.warehouse);

      // Assess
      assert.equal(warehouse.inputs["resourceMonitor"], undefined, "the deployer role cannot assign it");
      assert.deepEqual(warehouse.opts.ignoreChanges, ["resourceMonitor"], "an update never unsets it");
      assert.equal(dev.ofType("snowflake:index/resourceMonitor:ResourceMonitor").length, 0);
    });

    it("gives the administrator the statements for its monitor, with Pulumi.yaml's default quota and the deployer role", () => {
      // Prepare
      const sql = String(dev.outputs["resourceMonitorSql"]);

      // Assess
      assert.equal(projectFile().config["monthlyCreditQuota"]?.default, 10);
      assert.equal(dev.outputs["snowflakeResourceMonitor"], "TMDB_ROI_DEV_MONITOR");
      assert.match(
        sql,
        /^CREATE RESOURCE MONITOR IF NOT EXISTS TMDB_ROI_DEV_MONITOR WITH CREDIT_QUOTA = 10;$/m,
      );
      assert.match(sql, /^ALTER RESOURCE MONITOR TMDB_ROI_DEV_MONITOR SET CREDIT_QUOTA = 10$/m);
      assert.match(sql, /^ALTER WAREHOUSE TMDB_ROI_DEV_WH SET RESOURCE_MONITOR = TMDB_ROI_DEV_MONITOR;$/m);
      assert.match(
        sql,
        /^GRANT MONITOR ON RESOURCE MONITOR TMDB_ROI_DEV_MONITOR TO ROLE TMDB_ROI_DEPLOYER;$/m,
      );
    });
  });
});
