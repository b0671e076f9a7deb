import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import {
  EXTRACTOR_REQUESTS_PER_SECOND,
  Extractor,
  extractorArgsProblem,
  extractorEnvironment,
  partialFailureAlarmArgs,
  REQUESTS_PER_PAGE,
  type ExtractorArgs,
} from "../../components/extractor";
import { LAMBDA_RUNTIME } from "../../functions/bundle";
import { loadConfig } from "../../functions/extractor/config";
import type { TmdbFault } from "../../servers/tmdbServer";
import { buildCatalog, movieRange } from "../support/catalog";
import { emfDataPoints } from "../support/logs";
import {
  devRun,
  obj,
  optionResources,
  policyOf,
  runProgram,
  T,
  unwrapSecret,
  type Run,
} from "../support/pulumi/harness";
import { TEST_TMDB_TOKEN, validConfig } from "../support/pulumi/stackConfig";
import { runInFreshContainer, startTestEnv, writeExtractorBundle } from "../support/testEnv";

/** Arguments of an extractor that the tests vary one at a time. */
const probeArgs = (overrides: Partial<ExtractorArgs> = {}): ExtractorArgs => ({
  resourceName: "probe-extractor",
  metricNamespace: "probe/dev",
  code: new pulumi.asset.AssetArchive({}),
  runtime: "nodejs24.x",
  bucketName: "b",
  bucketArn: "arn:aws:s3:::b",
  rawPrefix: "raw/",
  rejectPrefix: "rejects/",
  statePrefix: "state/",
  tmdbApiToken: pulumi.secret("t"),
  alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:t",
  pages: 1,
  timeoutSeconds: 300,
  retryAttempts: 0,
  logRetentionDays: 7,
  ...overrides,
});

describe("Extractor", () => {
  describe("decisions", () => {
    it("assumes the extractor's own request rate and page size", () => {
      // Prepare, Act
      const extractor = loadConfig({
        RAW_BUCKET: "raw-bucket",
        TMDB_API_TOKEN: "token",
        AWS_REGION: "us-east-1",
      });

      // Assess
      assert.equal(EXTRACTOR_REQUESTS_PER_SECOND, extractor.maxRps);
      assert.equal(REQUESTS_PER_PAGE, 1 + 20, "a popular page lists 20 movies, each fetched once");
    });

    it("walks 1 to 500 pages, as many as fit half its timeout, naming the field it refuses", () => {
      // Act
      const problems = [
        probeArgs({ pages: 0 }),
        probeArgs({ pages: 501 }),
        probeArgs({ pages: 2.5 }),
        probeArgs({ pages: 251, timeoutSeconds: 300 }),
      ].map(extractorArgsProblem);

      // Assess
      assert.deepEqual(problems.slice(0, 3), [
        "pages must be a whole number from 1 to 500",
        "pages must be a whole number from 1 to 500",
        "pages must be a whole number from 1 to 500",
      ]);
      assert.equal(
        problems[3],
        "pages needs about 151 s of TMDB requests per run (21 a page at 35 a second), more than half of timeoutSeconds (300): raise timeoutSeconds to at least 302 or lower pages to at most 250",
      );
      assert.equal(extractorArgsProblem(probeArgs({ pages: 250, timeoutSeconds: 300 })), undefined);
      assert.equal(extractorArgsProblem(probeArgs({ pages: 500, timeoutSeconds: 600 })), undefined);
    });

    it("keeps its checkpoints under a prefix of their own, apart from landed and quarantined records", () => {
      // Act
      const problems = [
        probeArgs({ statePrefix: "state" }),
        probeArgs({ statePrefix: "raw/state/" }),
        probeArgs({ rawPrefix: "data/raw/", statePrefix: "data/" }),
        probeArgs({ statePrefix: "rejects/state/" }),
      ].map(extractorArgsProblem);

      // Assess
      assert.deepEqual(problems, [
        "statePrefix must end with '/'",
        'statePrefix must not overlap the raw prefix "raw/": the pipe would try to load the checkpoints',
        'statePrefix must not overlap the raw prefix "data/raw/": the pipe would try to load the checkpoints',
        'statePrefix must not overlap the reject prefix "rejects/": checkpoints are no quarantined records',
      ]);
      assert.equal(extractorArgsProblem(probeArgs({ statePrefix: "checkpoints/extractor/" })), undefined);
    });

    it("publishes, from its bundled handler run with the environment it is given, the metric its partial-failure alarm reads", async () => {
      // Prepare: the function's environment and alarm as the component declares them, the bundle, and TMDB-compatible
      // servers with and without a movie whose details always fail.
      const args = probeArgs();
      const environment = extractorEnvironment({ ...args, secretArn: "unused" });
      const alarm = partialFailureAlarmArgs(args.alarmTopicArn, args.metricNamespace);
      const powertools = {
        POWERTOOLS_SERVICE_NAME: String(environment["POWERTOOLS_SERVICE_NAME"]),
        POWERTOOLS_METRICS_NAMESPACE: String(environment["POWERTOOLS_METRICS_NAMESPACE"]),
        TMDB_MAX_RETRIES: "0",
      };
      const fault: TmdbFault = {
        target: { endpoint: "details", movieId: 3 },
        effect: { type: "serverError", status: 500 },
      };
      const bundle = await writeExtractorBundle();
      /** What the alarm sums over its period: the data points of its metric, in its namespace, with its dimensions. */
      const alarmSum = (lines: string[]) =>
        emfDataPoints(lines)
          .filter((p) => p.namespace === alarm.namespace && p.name === alarm.metricName)
          .filter((p) => JSON.stringify(p.dimensions) === JSON.stringify(alarm.dimensions))
          .reduce((sum, p) => sum + p.value, 0);
      /** One run of the bundled handler in a fresh container against a server with the given faults. */
      const runAgainst = async (faults: TmdbFault[]) => {
        const env = await startTestEnv({ catalog: buildCatalog(movieRange(5, 1)), faults });
        try {
          return await runInFreshContainer(bundle.dir, env.env(powertools), [{}]);
        } finally {
          await env.close();
        }
      };

      // Act
      let partial, clean;
      try {
        partial = await runAgainst([fault]);
        clean = await runAgainst([]);
      } finally {
        await bundle.remove();
      }

      // Assess
      const failedIds = (run: typeof partial) =>
        (run.results[0] as { summary: { failed: { id: number }[] } }).summary.failed.map((f) => f.id);
      assert.deepEqual([failedIds(partial), failedIds(clean)], [[3], []]);
      assert.deepEqual([alarmSum(partial.lines), alarmSum(clean.lines)], [1, 0]);
      assert.deepEqual([alarm.comparisonOperator, alarm.threshold], ["GreaterThanThreshold", 0]);
    });
  });

  describe("on its own", () => {
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
          statePrefix: "checkpoints/",
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
      const fn = run.one(T.fn);
      const assets = await (fn.inputs["code"] as { assets: Promise<Record<string, unknown>> }).assets;
      assert.deepEqual(Object.keys(assets), ["index.mjs"]);
      assert.equal(fn.inputs["timeout"], 300);
      const statements = policyOf(run.one(T.rolePolicy).inputs["policy"]).Statement;
      assert.deepEqual(statements[0]?.["Resource"], [
        "arn:aws:s3:::probe-bucket/raw/movies/*",
        "arn:aws:s3:::probe-bucket/rejects/movies/*",
      ]);
      assert.deepEqual(
        statements.slice(-2).map((statement) => [statement["Resource"], statement["Condition"]]),
        [
          ["arn:aws:s3:::probe-bucket/checkpoints/*", undefined],
          ["arn:aws:s3:::probe-bucket", { StringLike: { "s3:prefix": ["checkpoints/*"] } }],
        ],
      );
      assert.equal(obj(obj(fn.inputs["environment"])["variables"])["STATE_PREFIX"], "checkpoints/");
      assert.equal(run.outputs["functionName"], fn.state["name"]);
    });

    it("rejects a timeout under three minutes", async () => {
      // Act, Assess
      await assert.rejects(
        runProgram("dev", validConfig(), () => {
          new Extractor("probe", probeArgs({ timeoutSeconds: 60 }));
          return {};
        }),
        /probe: timeoutSeconds must be 180\.\.900/,
      );
    });
  });

  describe("in the dev stack", () => {
    let dev: Run;
    before(async () => {
      dev = await devRun();
    });

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
        STATE_PREFIX: "state/",
        TMDB_PAGES: "5",
        TMDB_SECRET_ARN: secret.state["arn"],
        POWERTOOLS_SERVICE_NAME: "tmdb-extractor",
        POWERTOOLS_METRICS_NAMESPACE: "tmdb-genre-roi/dev",
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

    it("may only put objects under the two prefixes, read its one secret, write its logs (and so its EMF metrics), report failures, and read, write and list its checkpoints", () => {
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
        {
          Sid: "ReadAndWriteCheckpoints",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject"],
          Resource: `${bucketArn}/state/*`,
        },
        {
          Sid: "ListCheckpoints",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: bucketArn,
          Condition: { StringLike: { "s3:prefix": ["state/*"] } },
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
    });

    it("raises an alarm on the failed-movies metric its function publishes, in the stack's namespace and under its service", () => {
      // Prepare
      const alarm = dev.one(T.alarm, "failed-movies");
      const variables = obj(obj(dev.one(T.fn).inputs["environment"])["variables"]);

      // Assess
      assert.deepEqual(
        [alarm.inputs["namespace"], alarm.inputs["metricName"], alarm.inputs["dimensions"]],
        [
          variables["POWERTOOLS_METRICS_NAMESPACE"],
          "MoviesFailed",
          { service: variables["POWERTOOLS_SERVICE_NAME"] },
        ],
      );
      assert.equal(alarm.inputs["namespace"], "tmdb-genre-roi/dev");
      assert.equal(alarm.inputs["statistic"], "Sum");
      assert.equal(alarm.inputs["threshold"], 0);
      assert.equal(alarm.inputs["comparisonOperator"], "GreaterThanThreshold");
      assert.equal(alarm.inputs["treatMissingData"], "notBreaching");
      assert.deepEqual(alarm.inputs["alarmActions"], [dev.one(T.topic).state["arn"]]);
      assert.deepEqual(dev.ofType(T.metricFilter), [], "no log metric filter: the metrics come from EMF");
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
});
