import assert from "node:assert/strict";
import { devRun, list, obj, runStack, T, type Run } from "../support/pulumi/harness";
import { PIPE_QUEUE_ARN } from "../support/pulumi/mocks";
import {
  SECRET_NEEDLES,
  TEST_DBT_PUBLIC_KEY_PEM,
  TEST_PRIVATE_KEY,
  TEST_TMDB_TOKEN,
  stackFileConfig,
  validConfig,
} from "../support/pulumi/stackConfig";

describe("Stack program", function () {
  this.timeout(120_000);
  let dev: Run;
  before(async () => {
    dev = await devRun();
  });

  describe("Stack outputs", () => {
    it("give the bucket, extractor, schedule, backfill state machine and every Snowflake name dbt and operators need", () => {
      // Prepare
      const pick = (type: string, key: string, part?: string) => dev.one(type, part).state[key];

      // Assess
      assert.deepEqual(dev.outputs, {
        rawBucket: pick(T.bucket, "bucket"),
        rawPrefix: "raw/movies/",
        extractorFunction: pick(T.fn, "name"),
        extractorLogGroup: pick(T.logGroup, "name"),
        scheduleExpression: "cron(0 6 * * ? *)",
        backfillStateMachine: pick(T.stateMachine, "arn"),
        alertTopicArn: pick(T.topic, "arn"),
        snowflakeAccount: "MYORG-ANALYTICS",
        snowflakeDatabase: "TMDB_ROI_DEV",
        snowflakeRawTable: "TMDB_ROI_DEV.RAW.MOVIES",
        snowflakeStage: "TMDB_ROI_DEV.RAW.MOVIES_STAGE",
        snowflakePipe: "TMDB_ROI_DEV.RAW.MOVIES_PIPE",
        pipeNotificationChannel: PIPE_QUEUE_ARN,
        storageIntegration: "TMDB_ROI_DEV_S3",
        snowflakeIamRoleArn: pick(T.role, "arn", "ingestion"),
        snowflakeWarehouse: "TMDB_ROI_DEV_WH",
        snowflakeResourceMonitor: "TMDB_ROI_DEV_MONITOR",
        resourceMonitorSql: dev.outputs["resourceMonitorSql"],
        transformerRole: "TMDB_ROI_DEV_TRANSFORMER",
        dbtUser: "TMDB_ROI_DEV_DBT",
      });
    });
  });

  describe("Secrets", () => {
    it("appear in no input but their one secret input, and in no output", () => {
      // Prepare
      const allowed = new Map<string, [string, string]>([
        [T.secretVersion, ["secretString", SECRET_NEEDLES.tmdbApiToken]],
        [T.provider, ["privateKey", SECRET_NEEDLES.snowflakePrivateKey]],
      ]);

      // Act
      const leaks: string[] = [];
      for (const resource of dev.resources) {
        for (const [prop, value] of Object.entries(resource.inputs)) {
          for (const needle of Object.values(SECRET_NEEDLES)) {
            if (!JSON.stringify(value ?? null).includes(needle)) continue;
            const [allowedProp, allowedNeedle] = allowed.get(resource.type) ?? [];
            const fine = allowedProp === prop && allowedNeedle === needle && resource.secretInputs.has(prop);
            if (!fine) leaks.push(`${resource.type} ${resource.name}.${prop}`);
          }
        }
      }

      // Assess
      assert.deepEqual(leaks, []);
      const outputs = JSON.stringify(dev.outputs);
      for (const needle of Object.values(SECRET_NEEDLES)) assert.ok(!outputs.includes(needle));
      assert.equal(
        dev.resources.filter((r) => JSON.stringify(r.inputs).includes(SECRET_NEEDLES.tmdbApiToken)).length,
        1,
      );
    });
  });

  describe("Two stacks in one account", () => {
    it("give dev and prod different account-level Snowflake, IAM, Lambda and Step Functions names", async () => {
      // Prepare
      const prod = await runStack("prod", validConfig());
      const accountLevel = (run: Run) =>
        [
          ...[T.warehouse, T.database, T.integration, T.accountRole, T.serviceUser].map((type) =>
            String(run.one(type).inputs["name"]),
          ),
          String(run.one(T.role, "ingestion").inputs["name"]),
          String(run.one(T.role, "extractor").inputs["name"]),
          String(run.one(T.role, "backfill").inputs["name"]),
          String(run.one(T.stateMachine).inputs["name"]),
          String(run.one(T.fn).inputs["name"]),
          String(run.one(T.logGroup).inputs["name"]),
          String(run.outputs["snowflakeResourceMonitor"]),
        ].sort();

      // Act
      const devNames = accountLevel(dev);
      const prodNames = accountLevel(prod);

      // Assess
      assert.deepEqual(
        prodNames,
        [
          "TMDB_ROI_PROD",
          "TMDB_ROI_PROD_DBT",
          "TMDB_ROI_PROD_MONITOR",
          "TMDB_ROI_PROD_S3",
          "TMDB_ROI_PROD_TRANSFORMER",
          "TMDB_ROI_PROD_WH",
          "/aws/lambda/tmdb-genre-roi-prod-extractor",
          "tmdb-genre-roi-prod-extractor",
          "tmdb-genre-roi-prod-extractor",
          "tmdb-genre-roi-prod-backfill",
          "tmdb-genre-roi-prod-backfill",
          "tmdb-genre-roi-prod-snowflake",
        ].sort(),
      );
      assert.deepEqual(
        devNames.filter((name) => prodNames.includes(name)),
        [],
      );
      assert.equal(prod.outputs["snowflakeDatabase"], "TMDB_ROI_PROD");
      assert.equal(dev.outputs["snowflakeDatabase"], "TMDB_ROI_DEV");
    });
  });

  describe("Configuration", () => {
    it("takes the schedule, pages, retries, retention, concurrency and credit quota from config", async () => {
      // Prepare
      const config = validConfig({
        monthlyCreditQuota: "40",
        scheduleExpression: "cron(30 4 ? * MON-FRI *)",
        pages: "40",
        extractorRetryAttempts: "0",
        logRetentionDays: "90",
        reservedConcurrency: "2",
        alarmEmail: "data-alerts@example.com",
      });

      // Act
      const run = await runStack("staging", config);

      // Assess
      assert.equal(run.one(T.rule).inputs["scheduleExpression"], "cron(30 4 ? * MON-FRI *)");
      assert.equal(run.outputs["scheduleExpression"], "cron(30 4 ? * MON-FRI *)");
      assert.equal(obj(obj(run.one(T.fn).inputs["environment"])["variables"])["TMDB_PAGES"], "40");
      assert.equal(run.one(T.invokeConfig).inputs["maximumRetryAttempts"], 0);
      assert.equal(run.one(T.logGroup).inputs["retentionInDays"], 90);
      assert.equal(run.one(T.fn).inputs["reservedConcurrentExecutions"], 2);
      assert.match(
        String(run.outputs["resourceMonitorSql"]),
        /^CREATE RESOURCE MONITOR IF NOT EXISTS TMDB_ROI_STAGING_MONITOR WITH CREDIT_QUOTA = 40;$/m,
      );
      assert.deepEqual(
        [
          run.one(T.subscription).inputs["protocol"],
          run.one(T.subscription).inputs["endpoint"],
          run.one(T.subscription).inputs["topic"],
        ],
        ["email", "data-alerts@example.com", run.one(T.topic).state["arn"]],
      );
    });

    it("lets a dev bucket be destroyed with its contents, and expire files when asked", async () => {
      // Prepare
      const config = validConfig({ protectBucket: "false", forceDestroy: "true", expireAfterDays: "400" });

      // Act
      const run = await runStack("dev", config);

      // Assess
      const bucket = run.one(T.bucket);
      assert.equal(bucket.opts.protect, false);
      assert.equal(bucket.inputs["forceDestroy"], true);
      const rules = list(run.one(T.lifecycle).inputs["rules"]);
      assert.deepEqual(
        rules.slice(0, 2).map((rule) => obj(rule["expiration"])["days"]),
        [400, 400],
      );
    });

    it("previews each example stack file with only the walkthrough's required keys set", async () => {
      // Prepare
      const set = {
        snowflakePrivateKey: TEST_PRIVATE_KEY,
        tmdbApiToken: TEST_TMDB_TOKEN,
        dbtPublicKey: TEST_DBT_PUBLIC_KEY_PEM,
      };

      // Act
      const devPreview = await runStack("dev", stackFileConfig("dev", set), { preview: true });
      const prodPreview = await runStack("prod", stackFileConfig("prod", set), { preview: true });

      // Assess
      assert.equal(devPreview.one(T.fn).inputs["reservedConcurrentExecutions"], undefined);
      assert.equal(devPreview.ofType(T.subscription).length, 0, "dev sets no alarmEmail");
      assert.equal(prodPreview.one(T.subscription).inputs["endpoint"], "data-alerts@example.com");
      const rules = list(prodPreview.one(T.lifecycle).inputs["rules"]);
      for (const rule of rules) assert.equal(rule["expiration"], undefined, "prod never deletes raw data");
    });

    it("never sleeps in the program itself, in a preview or an update: the IAM wait is a sleep the engine runs", async function () {
      // Prepare: the longest wait allowed would outlast this test's timeout if the program slept
      this.timeout(20_000);
      const config = validConfig({ iamPropagationSeconds: "300" });

      // Act
      const preview = await runStack("dev", config, { preview: true });
      const update = await runStack("dev", config);

      // Assess
      for (const run of [preview, update]) {
        assert.equal(run.one(T.sleep).inputs["createDuration"], "300s");
        assert.equal(run.ofType(T.pipe).length, 1);
        assert.equal(run.ofType(T.notification).length, 1);
      }
    });

    it("stops before creating anything when config is invalid, naming the key", async () => {
      // Prepare
      const missingAccount = validConfig({ snowflakeAccount: undefined });
      const emptyAccount = validConfig({ snowflakeAccount: "" });
      const badPages = validConfig({ pages: "0" });
      const badCron = validConfig({ scheduleExpression: "cron(0 6 * * *)" });

      // Act, Assess: the CLI refuses a missing key before the program starts; the program refuses the rest
      await assert.rejects(
        runStack("dev", missingAccount),
        /^Error: Stack 'dev' is missing configuration value 'snowflakeAccount'$/,
      );
      await assert.rejects(runStack("dev", emptyAccount), /tmdb-genre-roi:snowflakeAccount is required/);
      await assert.rejects(
        runStack("dev", badPages),
        /tmdb-genre-roi:pages must be a whole number from 1 to 500/,
      );
      await assert.rejects(
        runStack("dev", badCron),
        /tmdb-genre-roi:scheduleExpression must have six cron fields/,
      );
    });
  });
});
