import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TMDB_MAX_PAGE } from "../contract/pipeline";
import { EXTRACTOR_SERVICE_NAME, RUN_METRICS } from "../functions/extractor/runMetrics";
import { firstProblem } from "./problems";
import { statePrefixProblem } from "../contract/pipeline";

/** Arguments of {@link Extractor}. */
export interface ExtractorArgs {
  /**
   * Name of the function and of its execution role; the log group is `/aws/lambda/<name>`. Carries the stack
   * name, so that stacks sharing an account do not collide (see `stackResourceName`).
   */
  resourceName: string;
  /**
   * CloudWatch namespace of the function's run metrics (`POWERTOOLS_METRICS_NAMESPACE`); per stack, since the
   * metrics' only dimension is the service name (e.g. `tmdb-genre-roi/dev`).
   */
  metricNamespace: string;
  /** Deployment package: an archive whose `index.mjs` exports `handler`. */
  code: pulumi.asset.Archive;
  /** Lambda runtime identifier, e.g. `nodejs24.x`. */
  runtime: string;
  /** Name of the raw landing bucket (`RAW_BUCKET`). */
  bucketName: pulumi.Input<string>;
  /** ARN of the raw landing bucket. */
  bucketArn: pulumi.Input<string>;
  /** Key prefix of landed files (`RAW_PREFIX`), ending with `/`. */
  rawPrefix: string;
  /** Key prefix of quarantined records (`REJECT_PREFIX`), ending with `/`. */
  rejectPrefix: string;
  /**
   * Key prefix of the function's checkpoints (`STATE_PREFIX`): a backfill's progress, the end of the last changes
   * run. Ends with `/`; overlaps neither `rawPrefix` nor `rejectPrefix` (see `statePrefixProblem`).
   */
  statePrefix: string;
  /** TMDB API token, a secret Output; stored in Secrets Manager, never in the function's environment. */
  tmdbApiToken: pulumi.Input<string>;
  /** Pages of the popular list per run (`TMDB_PAGES`), 1..500. */
  pages: number;
  /** Function timeout in seconds, 180..900. */
  timeoutSeconds: number;
  /**
   * Memory of the function in MB.
   * @default 512
   */
  memorySize?: number;
  /**
   * Reserved concurrency.
   * @default undefined (unreserved)
   */
  reservedConcurrency?: number;
  /** Times Lambda retries a failed asynchronous (scheduled) run, 0..2. */
  retryAttempts: number;
  /** Retention of the log group in days. */
  logRetentionDays: number;
  /** SNS topic receiving failed runs (on-failure destination), the error alarm and the partial-failure alarm. */
  alarmTopicArn: pulumi.Input<string>;
}

/** Requests the extractor makes per page of the popular list: the page itself and the details of its 20 movies. */
export const REQUESTS_PER_PAGE = 21;

/** Requests the extractor starts per second (its `TMDB_MAX_RPS` default; the stack does not override it). */
export const EXTRACTOR_REQUESTS_PER_SECOND = 35;

/**
 * Seconds of TMDB requests a run of `pages` pages needs at the extractor's request rate. The timeout must be at
 * least twice this, leaving room for retries, latency and the S3 writes.
 */
export function extractionSeconds(pages: number): number {
  return Math.ceil((pages * REQUESTS_PER_PAGE) / EXTRACTOR_REQUESTS_PER_SECOND);
}

/** Why the extractor cannot walk `pages` pages of TMDB's popular list, or undefined when it can (TMDB serves 1..500). */
export function pagesProblem(pages: number): string | undefined {
  if (Number.isInteger(pages) && pages >= 1 && pages <= TMDB_MAX_PAGE) return undefined;
  return `must be a whole number from 1 to ${TMDB_MAX_PAGE}`;
}

/**
 * Why a run of `pages` pages may not fit its timeout, or undefined when it fits: its requests may take at most half
 * of the timeout. Reported against `pages`.
 * @param timeoutField name of the timeout setting as the caller knows it (e.g. a config key)
 */
export function pagesWithinTimeoutProblem(
  args: Pick<ExtractorArgs, "pages" | "timeoutSeconds">,
  timeoutField = "timeoutSeconds",
): string | undefined {
  const needed = extractionSeconds(args.pages);
  if (needed * 2 <= args.timeoutSeconds) return undefined;
  const maxPages = Math.floor(
    (args.timeoutSeconds / 2) * (EXTRACTOR_REQUESTS_PER_SECOND / REQUESTS_PER_PAGE),
  );
  return `needs about ${needed} s of TMDB requests per run (${REQUESTS_PER_PAGE} a page at ${EXTRACTOR_REQUESTS_PER_SECOND} a second), more than half of ${timeoutField} (${args.timeoutSeconds}): raise ${timeoutField} to at least ${needed * 2} or lower pages to at most ${maxPages}`;
}

/** The first problem of an {@link Extractor}'s arguments, as `<field> <problem>`, or undefined when there is none. */
export function extractorArgsProblem(args: ExtractorArgs): string | undefined {
  const within = (value: number, min: number, max: number) =>
    value >= min && value <= max ? undefined : `must be ${min}..${max}`;
  return firstProblem([
    ["pages", pagesProblem(args.pages)],
    ["timeoutSeconds", within(args.timeoutSeconds, 180, 900)],
    ["retryAttempts", within(args.retryAttempts, 0, 2)],
    [
      "resourceName",
      /^[A-Za-z0-9_-]{1,64}$/.test(args.resourceName)
        ? undefined
        : `"${args.resourceName}" must be 1..64 letters, digits, _ and -`,
    ],
    ["pages", pagesWithinTimeoutProblem(args)],
    ["statePrefix", args.statePrefix.endsWith("/") ? undefined : "must end with '/'"],
    ["statePrefix", statePrefixProblem(args)],
  ]);
}

/** `/aws/lambda/<function name>`: the log group Lambda would otherwise create on first run, without retention. */
export function lambdaLogGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/**
 * Least-privilege policy of the extractor's execution role. It grants no `cloudwatch:PutMetricData`: the run
 * metrics are EMF lines the function writes to its log group, from which CloudWatch Logs extracts them. Under the
 * state prefix only, it may read and (conditionally) write its checkpoints, and list: without `s3:ListBucket` S3
 * answers a GET of a checkpoint that does not exist yet with 403 instead of 404, which the function could not tell
 * from a denied read. S3 evaluates that `s3:ListBucket` with the requested key as `s3:prefix`, so the condition
 * admits it for keys under the state prefix only.
 */
export function extractorPolicy(args: {
  bucketArn: string;
  rawPrefix: string;
  rejectPrefix: string;
  statePrefix: string;
  secretArn: string;
  logGroupArn: string;
  alarmTopicArn: string;
}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LandRawAndRejectedRecords",
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: [`${args.bucketArn}/${args.rawPrefix}*`, `${args.bucketArn}/${args.rejectPrefix}*`],
      },
      {
        Sid: "ReadTmdbToken",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: args.secretArn,
      },
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${args.logGroupArn}:*`,
      },
      { Sid: "ReportFailedRuns", Effect: "Allow", Action: "sns:Publish", Resource: args.alarmTopicArn },
      {
        Sid: "ReadAndWriteCheckpoints",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: `${args.bucketArn}/${args.statePrefix}*`,
      },
      {
        Sid: "ListCheckpoints",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: args.bucketArn,
        Condition: { StringLike: { "s3:prefix": [`${args.statePrefix}*`] } },
      },
    ],
  });
}

/** Trust policy letting Lambda assume the extractor's role. */
export const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/**
 * The extractor Lambda with its TMDB token secret, execution role, log group, asynchronous invoke settings
 * (retries, maximum event age, on-failure destination), an alarm on its errors and one on runs that finished
 * with failed movies.
 */
export class Extractor extends pulumi.ComponentResource {
  /** The function. */
  readonly function: aws.lambda.Function;
  /** Function name. */
  readonly functionName: pulumi.Output<string>;
  /** Function ARN. */
  readonly functionArn: pulumi.Output<string>;
  /** Name of the function's log group. */
  readonly logGroupName: pulumi.Output<string>;
  /** ARN of the Secrets Manager secret holding the TMDB token. */
  readonly secretArn: pulumi.Output<string>;

  constructor(name: string, args: ExtractorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tmdb:extractor:Extractor", name, {}, opts);
    const problem = extractorArgsProblem(args);
    if (problem !== undefined) throw new Error(`${name}: ${problem}`);
    const { resourceName, timeoutSeconds, retryAttempts, logRetentionDays, alarmTopicArn } = args;
    const memorySize = args.memorySize ?? 512;

    const secret = new aws.secretsmanager.Secret(
      `${name}-tmdb-token`,
      { description: "TMDB API read access token of the extractor" },
      { parent: this },
    );
    const secretVersion = new aws.secretsmanager.SecretVersion(
      `${name}-tmdb-token`,
      { secretId: secret.id, secretString: pulumi.secret(args.tmdbApiToken) },
      { parent: this },
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: lambdaLogGroupName(resourceName), retentionInDays: logRetentionDays },
      { parent: this },
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: resourceName,
        description: "Execution role of the TMDB extractor",
        assumeRolePolicy: LAMBDA_TRUST_POLICY,
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.name,
        policy: pulumi
          .output({
            bucketArn: args.bucketArn,
            secretArn: secret.arn,
            logGroupArn: logGroup.arn,
            alarmTopicArn,
          })
          .apply((arns) =>
            extractorPolicy({
              ...arns,
              rawPrefix: args.rawPrefix,
              rejectPrefix: args.rejectPrefix,
              statePrefix: args.statePrefix,
            }),
          ),
      },
      { parent: this },
    );

    this.function = new aws.lambda.Function(
      `${name}-fn`,
      {
        name: resourceName,
        description:
          "Lands TMDB movies with financials in S3 as NDJSON: the popular list, the latest changes, a catalog backfill",
        code: args.code,
        handler: "index.handler",
        runtime: args.runtime,
        architectures: ["arm64"],
        role: role.arn,
        timeout: timeoutSeconds,
        memorySize,
        reservedConcurrentExecutions: args.reservedConcurrency,
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        environment: { variables: extractorEnvironment({ ...args, secretArn: secret.arn }) },
      },
      // The token must be in the secret before the first (cold-start) read.
      { parent: this, dependsOn: [policy, logGroup, secretVersion] },
    );

    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-async`,
      {
        functionName: this.function.name,
        maximumRetryAttempts: retryAttempts,
        maximumEventAgeInSeconds: 3600,
        destinationConfig: { onFailure: { destination: alarmTopicArn } },
      },
      { parent: this },
    );
    new aws.cloudwatch.MetricAlarm(`${name}-errors`, errorAlarmArgs(alarmTopicArn, this.function.name), {
      parent: this,
    });

    // Runs that succeed but could not fetch some movies, read from the run metrics the function publishes (EMF).
    new aws.cloudwatch.MetricAlarm(
      `${name}-failed-movies`,
      partialFailureAlarmArgs(alarmTopicArn, args.metricNamespace),
      { parent: this },
    );

    this.functionName = this.function.name;
    this.functionArn = this.function.arn;
    this.logGroupName = logGroup.name;
    this.secretArn = secret.arn;
    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      logGroupName: this.logGroupName,
      secretArn: this.secretArn,
    });
  }
}

/** Alarm arguments that fire on any non-zero count of `metric` within five minutes, notifying `topicArn`. */
export function alarmOnAnyCount(
  topicArn: pulumi.Input<string>,
  description: string,
  metric: Pick<aws.cloudwatch.MetricAlarmArgs, "namespace" | "metricName" | "dimensions">,
): aws.cloudwatch.MetricAlarmArgs {
  return {
    ...metric,
    alarmDescription: description,
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [topicArn],
  };
}

/**
 * The function's environment: where it lands records and keeps its checkpoints, how many pages it walks, where it
 * reads its token, and the service name and namespace of its Powertools logs and metrics.
 */
export function extractorEnvironment(
  args: Pick<
    ExtractorArgs,
    "bucketName" | "rawPrefix" | "rejectPrefix" | "statePrefix" | "pages" | "metricNamespace"
  > & {
    secretArn: pulumi.Input<string>;
  },
): Record<string, pulumi.Input<string>> {
  return {
    RAW_BUCKET: args.bucketName,
    RAW_PREFIX: args.rawPrefix,
    REJECT_PREFIX: args.rejectPrefix,
    STATE_PREFIX: args.statePrefix,
    TMDB_PAGES: String(args.pages),
    TMDB_SECRET_ARN: args.secretArn,
    POWERTOOLS_SERVICE_NAME: EXTRACTOR_SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: args.metricNamespace,
    NODE_OPTIONS: "--enable-source-maps",
  };
}

/** The alarm on any error of the function (a run that threw, timed out or ran out of memory). */
export function errorAlarmArgs(
  topicArn: pulumi.Input<string>,
  functionName: pulumi.Input<string>,
): aws.cloudwatch.MetricAlarmArgs {
  return alarmOnAnyCount(topicArn, "The TMDB extractor failed (see its log group)", {
    namespace: "AWS/Lambda",
    metricName: "Errors",
    dimensions: { FunctionName: functionName },
  });
}

/**
 * The alarm on any run that finished with movies whose details still failed after retries: such a run succeeds, so
 * neither Lambda's `Errors` metric nor the on-failure destination sees it. It reads the `MoviesFailed` metric the
 * function publishes in `namespace` (through EMF lines in its log group), under its `service` dimension.
 */
export function partialFailureAlarmArgs(
  topicArn: pulumi.Input<string>,
  namespace: string,
): aws.cloudwatch.MetricAlarmArgs {
  return alarmOnAnyCount(
    topicArn,
    "A TMDB extraction finished but some movies' details still failed after retries (see summary.failed in its log group)",
    { namespace, metricName: RUN_METRICS.failed, dimensions: { service: EXTRACTOR_SERVICE_NAME } },
  );
}
