import assert from "node:assert/strict";
import { SNOWFLAKE_PREVIEW_FEATURES } from "../../components/snowflakeProvider";
import { PARTIAL_FAILURE_FILTER_PATTERN } from "../../components/extractor";
import { LAMBDA_RUNTIME } from "../../functions/bundle";
import { publicKeyBody } from "../../stackConfig";
import {
  ACCOUNT_ID,
  PIPE_QUEUE_ARN,
  SECRET_NEEDLES,
  SNOWFLAKE_EXTERNAL_ID,
  SNOWFLAKE_IAM_USER_ARN,
  TEST_DBT_PRIVATE_KEY,
  TEST_DBT_PUBLIC_KEY_PEM,
  TEST_PRIVATE_KEY,
  TEST_TMDB_TOKEN,
  policyOf,
  promiseOf,
  runStack,
  stackFileConfig,
  validConfig,
  type RecordedResource,
  type Run,
} from "./harness";

const T = {
  bucket: "aws:s3/bucket:Bucket",
  notification: "aws:s3/bucketNotification:BucketNotification",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  fn: "aws:lambda/function:Function",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  permission: "aws:lambda/permission:Permission",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  metricFilter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  provider: "pulumi:providers:snowflake",
  integration: "snowflake:index/storageIntegration:StorageIntegration",
  pipe: "snowflake:index/pipe:Pipe",
  stage: "snowflake:index/stage:Stage",
  table: "snowflake:index/table:Table",
  fileFormat: "snowflake:index/fileFormat:FileFormat",
  warehouse: "snowflake:index/warehouse:Warehouse",
  database: "snowflake:index/database:Database",
  schema: "snowflake:index/schema:Schema",
  accountRole: "snowflake:index/accountRole:AccountRole",
  serviceUser: "snowflake:index/serviceUser:ServiceUser",
  grant: "snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole",
  roleGrant: "snowflake:index/grantAccountRole:GrantAccountRole",
} as const;

type Json = Record<string, unknown>;
const obj = (value: unknown) => value as Json;
const list = (value: unknown) => value as Json[];
/** The value of an input the mocks may still see wrapped as a secret. */
const unwrapSecret = (value: unknown) =>
  value !== null && typeof value === "object" && "value" in value
    ? (value as { value: unknown }).value
    : value;
/** Resources a resource option lists (dependsOn, replaceWith), whichever form it was given in. */
const optionResources = (value: unknown) =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]) as unknown[];
/**
 * Asserts that a resource option lists exactly `expected`, by identity (a failing deepEqual would render whole
 * resource objects).
 */
const assertListsExactly = (option: unknown, expected: RecordedResource[], what: string) => {
  const listed = optionResources(option);
  assert.ok(
    listed.length === expected.length && listed.every((resource, i) => resource === expected[i]?.resource),
    `${what} lists ${listed.length} resource(s), expected ${expected.map((r) => r.name).join(", ") || "none"}`,
  );
};

describe("Stack program", function () {
  this.timeout(120_000);
  let dev: Run;
  before(async () => {
    dev = await runStack("dev", validConfig());
  });

  describe("SnowpipeIngestion", () => {
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

    it("stages the raw prefix through the integration and the NDJSON file format", () => {
      // Prepare
      const stage = dev.one(T.stage);
      const format = dev.one(T.fileFormat);
      const bucket = dev.one(T.bucket);

      // Assess
      assert.equal(stage.inputs["url"], `s3://${String(bucket.state["bucket"])}/raw/movies/`);
      assert.equal(stage.inputs["storageIntegration"], "TMDB_ROI_DEV_S3");
      assert.equal(stage.inputs["fileFormat"], `FORMAT_NAME = ${String(format.state["fullyQualifiedName"])}`);
      assert.equal(format.state["fullyQualifiedName"], '"TMDB_ROI_DEV"."RAW"."NDJSON"');
      assert.deepEqual(
        [stage.inputs["database"], stage.inputs["schema"], stage.inputs["name"]],
        ["TMDB_ROI_DEV", "RAW", "MOVIES_STAGE"],
      );
      assert.equal(format.inputs["formatType"], "JSON");
      assert.equal(format.inputs["name"], "NDJSON");
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

  describe("RawLanding", () => {
    it("blocks public access, enforces bucket-owner ownership, versions and encrypts with SSE-S3", () => {
      // Prepare
      const bucket = String(dev.one(T.bucket).state["bucket"]);
      const pab = dev.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
      const ownership = dev.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls");
      const versioning = dev.one("aws:s3/bucketVersioning:BucketVersioning");
      const encryption = dev.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      );

      // Assess
      for (const resource of [pab, ownership, versioning, encryption])
        assert.equal(resource.inputs["bucket"], bucket);
      for (const flag of [
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
      ]) {
        assert.equal(pab.inputs[flag], true, flag);
      }
      assert.deepEqual(ownership.inputs["rule"], { objectOwnership: "BucketOwnerEnforced" });
      assert.deepEqual(versioning.inputs["versioningConfiguration"], { status: "Enabled" });
      assert.deepEqual(encryption.inputs["rules"], [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ]);
    });

    it("denies every request made without TLS", () => {
      // Prepare
      const bucket = dev.one(T.bucket);
      const policy = dev.one("aws:s3/bucketPolicy:BucketPolicy");

      // Act
      const document = policyOf(policy.inputs["policy"]);

      // Assess
      assert.equal(policy.inputs["bucket"], bucket.state["bucket"]);
      assert.deepEqual(document.Statement, [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [bucket.state["arn"], `${String(bucket.state["arn"])}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
    });

    it("tiers old files only to classes Snowflake can read and never deletes them by default", () => {
      // Prepare
      const rules = list(
        dev.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"],
      );

      // Act
      const classes = rules.flatMap((rule) =>
        [...list(rule["transitions"] ?? []), ...list(rule["noncurrentVersionTransitions"] ?? [])].map(
          (t) => t["storageClass"],
        ),
      );

      // Assess
      assert.deepEqual([...new Set(classes)].sort(), ["GLACIER_IR", "STANDARD_IA"]);
      assert.deepEqual(
        rules.map((rule) => obj(rule["filter"])["prefix"]),
        ["raw/movies/", "rejects/movies/", ""],
      );
      for (const rule of rules) {
        assert.equal(rule["expiration"], undefined);
        assert.equal(rule["noncurrentVersionExpiration"], undefined);
      }
    });

    it("is protected and not force-destroyable by default", () => {
      // Prepare
      const bucket = dev.one(T.bucket);

      // Assess
      assert.equal(bucket.opts.protect, true);
      assert.equal(bucket.inputs["forceDestroy"], false);
    });
  });

  describe("Extractor", () => {
    it("runs the bundled handler on the project's Lambda runtime for at least three minutes", async () => {
      // Prepare
      const fn = dev.one(T.fn);
      const code = fn.inputs["code"] as {
        assets: Promise<Record<string, unknown>> | Record<string, unknown>;
      };

      // Act
      const assets = await code.assets;

      // Assess
      assert.equal(fn.inputs["runtime"], LAMBDA_RUNTIME);
      assert.equal(fn.inputs["handler"], "index.handler");
      assert.ok(Number(fn.inputs["timeout"]) >= 180);
      assert.deepEqual(Object.keys(assets).sort(), ["index.mjs", "index.mjs.map"]);
      const source = await (assets["index.mjs"] as { text: Promise<string> }).text;
      const map = JSON.parse(await (assets["index.mjs.map"] as { text: Promise<string> }).text) as {
        version: number;
      };
      assert.match(
        source,
        /\bexport\s*\{[^}]*\bhandler\b[^}]*\}|\bexport\s+(async\s+)?function\s+handler\b/,
        "the module's export statement names handler",
      );
      assert.equal(map.version, 3);
    });

    it("is configured through its environment, with the token's secret ARN and never the token", () => {
      // Prepare
      const fn = dev.one(T.fn);
      const secret = dev.one(T.secret);
      const bucket = dev.one(T.bucket);

      // Assess
      assert.deepEqual(obj(fn.inputs["environment"])["variables"], {
        RAW_BUCKET: bucket.state["bucket"],
        RAW_PREFIX: "raw/movies/",
        REJECT_PREFIX: "rejects/movies/",
        TMDB_PAGES: "5",
        TMDB_SECRET_ARN: secret.state["arn"],
        NODE_OPTIONS: "--enable-source-maps",
      });
    });

    it("keeps the token in a Secrets Manager secret version, passed as a secret", () => {
      // Prepare
      const secret = dev.one(T.secret);
      const version = dev.one(T.secretVersion);

      // Assess
      assert.equal(version.inputs["secretId"], secret.id);
      assert.ok(
        unwrapSecret(version.inputs["secretString"]) === TEST_TMDB_TOKEN,
        "the version holds the token",
      );
      assert.ok(version.secretInputs.has("secretString"));
    });

    it("may only put objects under the two prefixes, read its one secret, write its logs and report failures", () => {
      // Prepare
      const bucketArn = String(dev.one(T.bucket).state["arn"]);
      const role = dev.one(T.role, "extractor");
      const policy = dev.one(T.rolePolicy, "extractor");
      const fn = dev.one(T.fn);

      // Act
      const document = policyOf(policy.inputs["policy"]);

      // Assess
      assert.equal(fn.inputs["role"], role.state["arn"]);
      assert.equal(policy.inputs["role"], role.state["name"]);
      assert.deepEqual(policyOf(role.inputs["assumeRolePolicy"]).Statement, [
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      assert.deepEqual(document.Statement, [
        {
          Sid: "LandRawAndRejectedRecords",
          Effect: "Allow",
          Action: "s3:PutObject",
          Resource: [`${bucketArn}/raw/movies/*`, `${bucketArn}/rejects/movies/*`],
        },
        {
          Sid: "ReadTmdbToken",
          Effect: "Allow",
          Action: "secretsmanager:GetSecretValue",
          Resource: dev.one(T.secret).state["arn"],
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${String(dev.one(T.logGroup).state["arn"])}:*`,
        },
        {
          Sid: "ReportFailedRuns",
          Effect: "Allow",
          Action: "sns:Publish",
          Resource: dev.one(T.topic).state["arn"],
        },
      ]);
      assert.equal(role.inputs["managedPolicyArns"], undefined);
    });

    it("logs to its own log group with a retention", () => {
      // Prepare
      const fn = dev.one(T.fn);
      const logGroup = dev.one(T.logGroup);

      // Assess
      assert.equal(logGroup.inputs["retentionInDays"], 30);
      assert.equal(obj(fn.inputs["loggingConfig"])["logGroup"], logGroup.state["name"]);
      assert.ok(optionResources(fn.opts.dependsOn).includes(logGroup.resource));
    });

    it("reserves no concurrency unless configured", () => {
      // Assess
      assert.equal(dev.one(T.fn).inputs["reservedConcurrentExecutions"], undefined);
    });

    it("retries a failed scheduled run as configured, then sends it to the alert topic", () => {
      // Prepare
      const config = dev.one(T.invokeConfig);

      // Assess
      assert.equal(config.inputs["functionName"], dev.one(T.fn).state["name"]);
      assert.equal(config.inputs["maximumRetryAttempts"], 1);
      assert.equal(config.inputs["maximumEventAgeInSeconds"], 3600);
      assert.deepEqual(config.inputs["destinationConfig"], {
        onFailure: { destination: dev.one(T.topic).state["arn"] },
      });
    });

    it("raises an alarm on any function error, to the alert topic", () => {
      // Prepare
      const alarm = dev.one(T.alarm, "errors");

      // Assess
      assert.equal(alarm.inputs["namespace"], "AWS/Lambda");
      assert.equal(alarm.inputs["metricName"], "Errors");
      assert.deepEqual(alarm.inputs["dimensions"], { FunctionName: dev.one(T.fn).state["name"] });
      assert.equal(alarm.inputs["threshold"], 0);
      assert.equal(alarm.inputs["comparisonOperator"], "GreaterThanThreshold");
      assert.deepEqual(alarm.inputs["alarmActions"], [dev.one(T.topic).state["arn"]]);
      assert.equal(dev.ofType(T.subscription).length, 0, "no e-mail subscription unless alarmEmail is set");
    });

    it("raises an alarm, through a metric filter on its summary line, when a run finishes with failed movies", () => {
      // Prepare
      const filter = dev.one(T.metricFilter);
      const alarm = dev.one(T.alarm, "failed-movies");
      const logGroup = dev.one(T.logGroup);

      // Act
      const metric = obj(filter.inputs["metricTransformation"]);

      // Assess
      assert.equal(filter.inputs["logGroupName"], logGroup.state["name"]);
      assert.equal(filter.inputs["pattern"], PARTIAL_FAILURE_FILTER_PATTERN);
      assert.deepEqual(metric, {
        namespace: "tmdb-genre-roi/dev",
        name: "ExtractionsWithFailedMovies",
        value: "1",
        unit: "Count",
      });
      assert.deepEqual(
        [alarm.inputs["namespace"], alarm.inputs["metricName"], alarm.inputs["statistic"]],
        [metric["namespace"], metric["name"], "Sum"],
      );
      assert.equal(alarm.inputs["threshold"], 0);
      assert.equal(alarm.inputs["comparisonOperator"], "GreaterThanThreshold");
      assert.equal(alarm.inputs["treatMissingData"], "notBreaching");
      assert.deepEqual(alarm.inputs["alarmActions"], [dev.one(T.topic).state["arn"]]);
    });

    it("names its function, role and log group after the stack, and starts only once the token is stored", () => {
      // Prepare
      const fn = dev.one(T.fn);
      const role = dev.one(T.role, "extractor");
      const logGroup = dev.one(T.logGroup);
      const version = dev.one(T.secretVersion);

      // Assess
      assert.equal(fn.inputs["name"], "tmdb-genre-roi-dev-extractor");
      assert.equal(role.inputs["name"], "tmdb-genre-roi-dev-extractor");
      assert.equal(logGroup.inputs["name"], "/aws/lambda/tmdb-genre-roi-dev-extractor");
      assert.ok(
        optionResources(fn.opts.dependsOn).includes(version.resource),
        "function depends on the token",
      );
    });
  });

  describe("DailySchedule", () => {
    it("invokes the extractor at 06:00 UTC every day by default, with a constant event", () => {
      // Prepare
      const rule = dev.one(T.rule);
      const target = dev.one(T.target);
      const permission = dev.one(T.permission);
      const fn = dev.one(T.fn);

      // Assess
      assert.equal(rule.inputs["scheduleExpression"], "cron(0 6 * * ? *)");
      assert.equal(target.inputs["rule"], rule.state["name"]);
      assert.equal(target.inputs["arn"], fn.state["arn"]);
      assert.equal(target.inputs["input"], "{}");
      assert.equal(permission.inputs["function"], fn.state["name"]);
      assert.equal(permission.inputs["principal"], "events.amazonaws.com");
      assert.equal(permission.inputs["sourceArn"], rule.state["arn"]);
      assert.equal(permission.inputs["action"], "lambda:InvokeFunction");
    });
  });

  describe("Snowflake provider", () => {
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

    it("is the provider of every Snowflake resource", async () => {
      // Prepare
      const urn = await promiseOf(dev.one(T.provider).resource.urn);
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

  describe("SnowflakeDatabase", () => {
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

  describe("Transformer", () => {
    it("grants dbt exactly: use the warehouse and database, read RAW.MOVIES, create tables and views in STAGING and MARTS", () => {
      // Prepare
      const grants = dev.ofType(T.grant);

      // Act
      const described = grants.map((grant) => {
        const privileges = (grant.inputs["privileges"] as string[]).slice().sort().join("+");
        const account = grant.inputs["onAccountObject"] as Json | undefined;
        const schema = grant.inputs["onSchema"] as Json | undefined;
        const object = grant.inputs["onSchemaObject"] as Json | undefined;
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

  describe("Stack outputs", () => {
    it("give the bucket, extractor, schedule and every Snowflake name dbt and operators need", () => {
      // Prepare
      const pick = (type: string, key: string, part?: string) => dev.one(type, part).state[key];

      // Assess
      assert.deepEqual(dev.outputs, {
        rawBucket: pick(T.bucket, "bucket"),
        rawPrefix: "raw/movies/",
        extractorFunction: pick(T.fn, "name"),
        extractorLogGroup: pick(T.logGroup, "name"),
        scheduleExpression: "cron(0 6 * * ? *)",
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
    it("give dev and prod different account-level Snowflake and IAM names", async () => {
      // Prepare
      const prod = await runStack("prod", validConfig());
      const accountLevel = (run: Run) =>
        [
          ...[T.warehouse, T.database, T.integration, T.accountRole, T.serviceUser].map((type) =>
            String(run.one(type).inputs["name"]),
          ),
          String(run.one(T.role, "ingestion").inputs["name"]),
          String(run.one(T.role, "extractor").inputs["name"]),
          String(run.one(T.fn).inputs["name"]),
          String(run.one(T.logGroup).inputs["name"]),
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
          "TMDB_ROI_PROD_S3",
          "TMDB_ROI_PROD_TRANSFORMER",
          "TMDB_ROI_PROD_WH",
          "/aws/lambda/tmdb-genre-roi-prod-extractor",
          "tmdb-genre-roi-prod-extractor",
          "tmdb-genre-roi-prod-extractor",
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
    it("takes the schedule, pages, retries, retention and concurrency from config", async () => {
      // Prepare
      const config = validConfig({
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
      const rules = list(
        run.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"],
      );
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
      const rules = list(
        prodPreview.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"],
      );
      for (const rule of rules) assert.equal(rule["expiration"], undefined, "prod never deletes raw data");
    });

    it("never waits for IAM propagation during a preview, where nothing is created", async function () {
      // Prepare: the longest wait allowed would outlast this test's timeout
      this.timeout(20_000);
      const config = validConfig({ iamPropagationSeconds: "300" });

      // Act
      const preview = await runStack("dev", config, { preview: true });

      // Assess
      assert.equal(preview.ofType(T.pipe).length, 1);
      assert.equal(preview.ofType(T.notification).length, 1);
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
