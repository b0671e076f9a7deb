import assert from "node:assert/strict";
import {
  copyStatement,
  iamPropagationSleepArgs,
  ON_ERROR_OPTIONS,
  queueInRegion,
  SnowpipeIngestion,
  snowpipeIngestionArgsProblem,
  stageLocation,
  stageUrlScheme,
  storageProviderFor,
  type OnError,
  type SnowpipeIngestionArgs,
} from "../../components/snowpipeIngestion";
import {
  assertListsExactly,
  devRun,
  list,
  obj,
  optionResources,
  policyOf,
  runProgram,
  T,
  type RecordedResource,
  type Run,
  type RunOptions,
} from "../support/pulumi/harness";
import {
  ACCOUNT_ID,
  PIPE_QUEUE_ARN,
  SLEEP_FINISHED_AT,
  SNOWFLAKE_EXTERNAL_ID,
  SNOWFLAKE_IAM_USER_ARN,
} from "../support/pulumi/mocks";
import { validConfig } from "../support/pulumi/stackConfig";

/** Arguments of an ingestion from a fixed bucket, which the tests vary one at a time. */
const ingestionArgs = (overrides: Partial<SnowpipeIngestionArgs> = {}): SnowpipeIngestionArgs => ({
  bucketName: "landing-bucket",
  bucketArn: "arn:aws:s3:::landing-bucket",
  rawPrefix: "raw/movies/",
  database: "DB",
  schema: "RAW",
  integrationName: "DB_S3",
  iamRoleName: "probe-snowflake",
  tableName: "MOVIES",
  fileFormatName: "NDJSON",
  stageName: "MOVIES_STAGE",
  pipeName: "MOVIES_PIPE",
  iamPropagationSeconds: 0,
  ...overrides,
});

/** Runs one SnowpipeIngestion on its own. */
const runIngestion = (args: SnowpipeIngestionArgs, options: RunOptions = {}) =>
  runProgram(
    "dev",
    validConfig(),
    () => {
      new SnowpipeIngestion("ingestion", args);
      return {};
    },
    options,
  );

describe("SnowpipeIngestion", () => {
  describe("decisions", () => {
    it("maps each AWS partition to Snowflake's storage provider", () => {
      // Assess
      assert.equal(storageProviderFor("aws"), "S3");
      assert.equal(storageProviderFor("aws-us-gov"), "S3GOV");
      assert.equal(storageProviderFor("aws-cn"), "S3CHINA");
      assert.throws(() => storageProviderFor("aws-iso"), /aws-iso/);
    });

    it("writes S3 URLs with the scheme Snowflake uses in the bucket's partition: s3://, s3gov:// or s3china://", () => {
      // Assess
      assert.equal(stageUrlScheme("aws"), "s3://");
      assert.equal(stageUrlScheme("aws-us-gov"), "s3gov://");
      assert.equal(stageUrlScheme("aws-cn"), "s3china://");
      assert.throws(() => stageUrlScheme("aws-iso"), /aws-iso/);
      assert.equal(stageLocation("aws-cn", "b", "raw/"), "s3china://b/raw/");
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

    it("lets a bad row be skipped, or its file, but never aborts: CREATE PIPE does not support ABORT_STATEMENT", async () => {
      // Prepare
      // @ts-expect-error -- not an OnError
      const abort: OnError = "ABORT_STATEMENT";

      // Act
      const problem = snowpipeIngestionArgsProblem(ingestionArgs({ onError: abort }));

      // Assess
      assert.deepEqual(ON_ERROR_OPTIONS, ["CONTINUE", "SKIP_FILE"]);
      assert.equal(problem, 'onError "ABORT_STATEMENT" is not one a pipe supports: CONTINUE or SKIP_FILE');
      assert.equal(snowpipeIngestionArgsProblem(ingestionArgs({ onError: "SKIP_FILE" })), undefined);
      await assert.rejects(runIngestion(ingestionArgs({ onError: abort })), /^Error: ingestion: onError /);
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

  describe("on its own", () => {
    it("creates no wait for IAM propagation when iamPropagationSeconds is 0", async () => {
      // Act
      const run = await runIngestion(ingestionArgs({ iamPropagationSeconds: 0 }));

      // Assess
      assert.equal(iamPropagationSleepArgs(0, {}), undefined);
      assert.equal(run.ofType(T.sleep).length, 0);
      assert.equal(run.ofType(T.pipe).length, 1);
    });

    it("points the integration and the stage at s3gov:// URLs and S3GOV in AWS GovCloud", async () => {
      // Act
      const run = await runIngestion(ingestionArgs(), { partition: "aws-us-gov" });

      // Assess
      const integration = run.one(T.integration);
      assert.equal(integration.inputs["storageProvider"], "S3GOV");
      assert.deepEqual(integration.inputs["storageAllowedLocations"], ["s3gov://landing-bucket/raw/movies/"]);
      assert.equal(run.one(T.stage).inputs["url"], "s3gov://landing-bucket/raw/movies/");
      assert.equal(
        integration.inputs["storageAwsRoleArn"],
        `arn:aws-us-gov:iam::${ACCOUNT_ID}:role/probe-snowflake`,
      );
    });
  });

  describe("in the dev stack", () => {
    let dev: Run;
    before(async () => {
      dev = await devRun();
    });

    it("trusts only the storage integration's IAM user, presenting the integration's external id", () => {
      // Prepare
      const integration = dev.one(T.integration);
      const role = dev.one(T.role, "ingestion");

      // Act
      const trust = policyOf(role.inputs["assumeRolePolicy"]);

      // Assess
      assert.equal(integration.state["storageAwsIamUserArn"], SNOWFLAKE_IAM_USER_ARN);
      assert.deepEqual(trust.Statement, [
        {
          Sid: "SnowflakeStorageIntegration",
          Effect: "Allow",
          Principal: { AWS: integration.state["storageAwsIamUserArn"] },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": integration.state["storageAwsExternalId"] } },
        },
      ]);
      assert.equal(
        obj(obj(trust.Statement[0]?.["Condition"])["StringEquals"])["sts:ExternalId"],
        SNOWFLAKE_EXTERNAL_ID,
      );
    });

    it("gives the integration the ARN of the role it then creates, computed from the caller's account", () => {
      // Prepare
      const integration = dev.one(T.integration);
      const role = dev.one(T.role, "ingestion");
      const bucket = dev.one(T.bucket);

      // Assess
      assert.equal(role.inputs["name"], "tmdb-genre-roi-dev-snowflake");
      assert.equal(integration.inputs["storageAwsRoleArn"], role.state["arn"]);
      assert.equal(role.state["arn"], `arn:aws:iam::${ACCOUNT_ID}:role/tmdb-genre-roi-dev-snowflake`);
      assert.ok(dev.calls.includes("aws:index/getCallerIdentity:getCallerIdentity"));
      assert.ok(dev.calls.includes("aws:index/getPartition:getPartition"));
      assert.equal(integration.inputs["storageProvider"], "S3");
      assert.deepEqual(integration.inputs["storageAllowedLocations"], [
        `s3://${String(bucket.state["bucket"])}/raw/movies/`,
      ]);
      assert.equal(dev.one(T.stage).inputs["url"], `s3://${String(bucket.state["bucket"])}/raw/movies/`);
      assert.equal(integration.inputs["name"], "TMDB_ROI_DEV_S3");
      assert.equal(integration.inputs["type"], "EXTERNAL_STAGE");
    });

    it("lets Snowflake get and list the landed prefix and locate the bucket, nothing more", () => {
      // Prepare
      const bucketArn = String(dev.one(T.bucket).state["arn"]);
      const role = dev.one(T.role, "ingestion");
      const policy = dev.one(T.rolePolicy, "ingestion");

      // Act
      const document = policyOf(policy.inputs["policy"]);

      // Assess
      assert.equal(policy.inputs["role"], role.state["name"]);
      assert.deepEqual(document.Statement, [
        {
          Sid: "ReadLandedFiles",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:GetObjectVersion"],
          Resource: `${bucketArn}/raw/movies/*`,
        },
        {
          Sid: "ListLandedFiles",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: bucketArn,
          Condition: { StringLike: { "s3:prefix": ["raw/movies/*"] } },
        },
        { Sid: "LocateBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: bucketArn },
      ]);
    });

    it("sends new .json objects under the raw prefix to the pipe's queue, in the bucket's only notification", () => {
      // Prepare
      const notifications = dev.ofType(T.notification);
      const pipe = dev.one(T.pipe);
      const bucket = dev.one(T.bucket);

      // Assess
      assert.equal(notifications.length, 1);
      const notification = notifications[0] as RecordedResource;
      assert.equal(notification.inputs["bucket"], bucket.state["bucket"]);
      assert.equal(pipe.state["notificationChannel"], PIPE_QUEUE_ARN);
      assert.deepEqual(notification.inputs["queues"], [
        {
          id: "snowpipe-raw",
          queueArn: pipe.state["notificationChannel"],
          events: ["s3:ObjectCreated:*"],
          filterPrefix: "raw/movies/",
          filterSuffix: ".json",
        },
      ]);
      assert.equal(notification.inputs["lambdaFunctions"], undefined);
      assert.equal(notification.inputs["topics"], undefined);
    });

    it("creates the pipe only after the Snowflake role and its policy, and replaces it whenever the stage is replaced", () => {
      // Prepare
      const pipe = dev.one(T.pipe);
      const role = dev.one(T.role, "ingestion");
      const policy = dev.one(T.rolePolicy, "ingestion");
      const stage = dev.one(T.stage);

      // Act
      const dependsOn = optionResources(pipe.opts.dependsOn);
      const replaceWith = optionResources(pipe.opts.replaceWith);

      // Assess
      assert.ok(dependsOn.includes(policy.resource), "pipe depends on the role policy");
      assert.ok(dependsOn.includes(role.resource), "pipe depends on the role");
      assert.ok(dependsOn.includes(stage.resource), "pipe depends on the stage");
      assertListsExactly(replaceWith, [stage], "the pipe's replaceWith");
      assert.equal(pipe.opts.deleteBeforeReplace, true, "the pipe's name is fixed: the old one goes first");
      assert.match(String(pipe.inputs["comment"]), new RegExp(String(role.state["arn"])));
    });

    it("waits for IAM propagation through a sleep triggered by the role and its policies, which the pipe depends on", () => {
      // Prepare
      const sleep = dev.one(T.sleep);
      const role = dev.one(T.role, "ingestion");
      const policy = dev.one(T.rolePolicy, "ingestion");
      const pipe = dev.one(T.pipe);

      // Assess: the engine sleeps when it creates the sleep, and again only when a trigger changes (replacing it)
      assert.equal(sleep.name, "ingestion-iam-propagation");
      assert.equal(sleep.inputs["createDuration"], "30s", "Pulumi.yaml's default iamPropagationSeconds");
      assert.equal(sleep.inputs["destroyDuration"], undefined);
      assert.deepEqual(sleep.inputs["triggers"], {
        roleArn: role.state["arn"],
        trustPolicy: role.inputs["assumeRolePolicy"],
        readPolicy: policy.inputs["policy"],
      });
      assert.equal(sleep.id, SLEEP_FINISHED_AT);
      assert.ok(
        optionResources(pipe.opts.dependsOn).includes(sleep.resource),
        "the pipe waits for the sleep",
      );
    });

    it("re-creates the stage whenever the storage integration is re-created, which unlinks every stage", () => {
      // Prepare
      const stage = dev.one(T.stage);
      const integration = dev.one(T.integration);

      // Act
      const replaceWith = optionResources(stage.opts.replaceWith);

      // Assess
      assertListsExactly(replaceWith, [integration], "the stage's replaceWith");
      assert.equal(stage.opts.deleteBeforeReplace, true, "the stage's name is fixed: the old one goes first");
    });

    it("auto-ingests with a fully qualified COPY that loads the record and its file metadata", () => {
      // Prepare
      const pipe = dev.one(T.pipe);

      // Act
      const copy = String(pipe.inputs["copyStatement"]);

      // Assess
      assert.equal(pipe.inputs["autoIngest"], true);
      assert.equal(pipe.inputs["name"], "MOVIES_PIPE");
      assert.equal(
        copy,
        [
          "COPY INTO TMDB_ROI_DEV.RAW.MOVIES (RECORD, SOURCE_FILE, FILE_ROW_NUMBER, LOADED_AT)",
          "FROM (SELECT $1, METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, METADATA$START_SCAN_TIME FROM @TMDB_ROI_DEV.RAW.MOVIES_STAGE)",
          "FILE_FORMAT = (FORMAT_NAME = 'TMDB_ROI_DEV.RAW.NDJSON')",
          "ON_ERROR = CONTINUE",
        ].join("\n"),
      );
      const referenced = [...copy.matchAll(/(?:INTO |@|FORMAT_NAME = ')([A-Z0-9_.]+)/g)].map(
        (m) => m[1] as string,
      );
      assert.equal(referenced.length, 3);
      for (const name of referenced)
        assert.equal(name.split(".").length, 3, `${name} is database.schema.object`);
    });

    it("stages the raw prefix through the integration; the pipe's COPY names the NDJSON format, which refuses repeated keys", () => {
      // Prepare
      const stage = dev.one(T.stage);
      const format = dev.one(T.fileFormat);
      const pipe = dev.one(T.pipe);
      const bucket = dev.one(T.bucket);

      // Assess
      assert.equal(stage.inputs["url"], `s3://${String(bucket.state["bucket"])}/raw/movies/`);
      assert.equal(stage.inputs["storageIntegration"], "TMDB_ROI_DEV_S3");
      assert.deepEqual(
        [stage.inputs["database"], stage.inputs["schema"], stage.inputs["name"]],
        ["TMDB_ROI_DEV", "RAW", "MOVIES_STAGE"],
      );
      assert.equal("fileFormat" in stage.inputs, false, "the stage names no file format");
      assert.ok(!optionResources(stage.opts.dependsOn).includes(format.resource));
      assert.deepEqual(
        [
          format.inputs["database"],
          format.inputs["schema"],
          format.inputs["name"],
          format.inputs["formatType"],
          format.inputs["allowDuplicate"],
        ],
        ["TMDB_ROI_DEV", "RAW", "NDJSON", "JSON", false],
      );
      assert.match(
        String(pipe.inputs["copyStatement"]),
        /^FILE_FORMAT = \(FORMAT_NAME = 'TMDB_ROI_DEV\.RAW\.NDJSON'\)$/m,
      );
      assert.ok(
        optionResources(pipe.opts.dependsOn).includes(format.resource),
        "the pipe waits for the format",
      );
    });

    it("creates RAW.MOVIES with a VARIANT record plus source file, row number and load time", () => {
      // Prepare
      const table = dev.one(T.table);

      // Assess
      assert.deepEqual(
        [table.inputs["database"], table.inputs["schema"], table.inputs["name"]],
        ["TMDB_ROI_DEV", "RAW", "MOVIES"],
      );
      assert.deepEqual(
        list(table.inputs["columns"]).map((c) => [c["name"], c["type"]]),
        [
          ["RECORD", "VARIANT"],
          ["SOURCE_FILE", "VARCHAR(16777216)"],
          ["FILE_ROW_NUMBER", "NUMBER(38,0)"],
          ["LOADED_AT", "TIMESTAMP_LTZ(9)"],
        ],
      );
    });
  });
});
