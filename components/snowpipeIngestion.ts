import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as snowflake from "@pulumi/snowflake";
import * as time from "@pulumiverse/time";
import { RAW_FILE_SUFFIX, RAW_TABLE_COLUMNS } from "../contract/pipeline";
import { iamRoleArn, qualified } from "./names";
import { firstProblem } from "./problems";

/** The `ON_ERROR` values a pipe's COPY accepts: CREATE PIPE does not support `ABORT_STATEMENT`. */
export const ON_ERROR_OPTIONS = ["CONTINUE", "SKIP_FILE"] as const;

/** COPY option for rows that fail to load. */
export type OnError = (typeof ON_ERROR_OPTIONS)[number];

/** Arguments of {@link SnowpipeIngestion}. */
export interface SnowpipeIngestionArgs {
  /** Name of the raw landing bucket. */
  bucketName: pulumi.Input<string>;
  /** ARN of the raw landing bucket. */
  bucketArn: pulumi.Input<string>;
  /** Key prefix of landed NDJSON files, ending with `/`; the stage, the integration and the IAM policy stop there. */
  rawPrefix: string;
  /** Database of the raw table, stage and pipe. */
  database: pulumi.Input<string>;
  /** Schema of the raw table, stage and pipe. */
  schema: pulumi.Input<string>;
  /** Name of the storage integration (account-level: carries the stack name). */
  integrationName: string;
  /** Name of the IAM role Snowflake assumes (carries the stack name). */
  iamRoleName: string;
  /** Name of the raw table. */
  tableName: string;
  /** Name of the NDJSON file format. */
  fileFormatName: string;
  /** Name of the external stage. */
  stageName: string;
  /** Name of the pipe. */
  pipeName: string;
  /**
   * Seconds the pipe's creation waits after the IAM role or its policies are created or changed (IAM is eventually
   * consistent); an update that leaves them as they are does not wait. 0 for no wait.
   */
  iamPropagationSeconds: number;
  /**
   * What the pipe does with a row that fails to load. `CONTINUE` loads the file's other rows and records the
   * error in COPY_HISTORY; Snowpipe's default, `SKIP_FILE`, would drop a whole day's file for one bad line.
   * @default "CONTINUE"
   */
  onError?: OnError;
}

/** The first problem of a {@link SnowpipeIngestion}'s arguments, as `<field> <problem>`, or undefined. */
export function snowpipeIngestionArgsProblem(args: SnowpipeIngestionArgs): string | undefined {
  const onError: string = args.onError ?? "CONTINUE";
  return firstProblem([
    [
      "rawPrefix",
      args.rawPrefix.endsWith("/") && !args.rawPrefix.startsWith("/")
        ? undefined
        : `"${args.rawPrefix}" must end with '/' and not start with one`,
    ],
    ["iamPropagationSeconds", args.iamPropagationSeconds >= 0 ? undefined : "must be 0 or more"],
    [
      "onError",
      (ON_ERROR_OPTIONS as readonly string[]).includes(onError)
        ? undefined
        : `"${onError}" is not one a pipe supports: ${ON_ERROR_OPTIONS.join(" or ")}`,
    ],
  ]);
}

/** How Snowflake names S3 in an AWS partition: the integration's `STORAGE_PROVIDER` and the scheme of its URLs. */
function snowflakeS3(partition: string): { provider: "S3" | "S3GOV" | "S3CHINA"; scheme: string } {
  if (partition === "aws") return { provider: "S3", scheme: "s3://" };
  if (partition === "aws-us-gov") return { provider: "S3GOV", scheme: "s3gov://" };
  if (partition === "aws-cn") return { provider: "S3CHINA", scheme: "s3china://" };
  throw new Error(`AWS partition "${partition}" has no Snowflake storage provider`);
}

/** Snowflake's `STORAGE_PROVIDER` for an AWS partition. */
export function storageProviderFor(partition: string): "S3" | "S3GOV" | "S3CHINA" {
  return snowflakeS3(partition).provider;
}

/**
 * Scheme of S3 URLs in Snowflake (a stage's URL, an integration's allowed locations) for an AWS partition:
 * `s3://`, `s3gov://` in GovCloud, `s3china://` in China, matching the integration's `STORAGE_PROVIDER`.
 */
export function stageUrlScheme(partition: string): string {
  return snowflakeS3(partition).scheme;
}

/** Snowflake's URL of the files under `prefix` in `bucket`, in the bucket's AWS partition. */
export function stageLocation(partition: string, bucket: string, prefix: string): string {
  return `${stageUrlScheme(partition)}${bucket}/${prefix}`;
}

/** Trust policy letting only the storage integration's IAM user, presenting its external id, assume the role. */
export function snowflakeTrustPolicy(iamUserArn: string, externalId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "SnowflakeStorageIntegration",
        Effect: "Allow",
        Principal: { AWS: iamUserArn },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": externalId } },
      },
    ],
  });
}

/** What Snowflake may do in the bucket: read and list the landed files under the prefix, locate the bucket. */
export function snowflakeReadPolicy(bucketArn: string, prefix: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadLandedFiles",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectVersion"],
        Resource: `${bucketArn}/${prefix}*`,
      },
      {
        Sid: "ListLandedFiles",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: bucketArn,
        Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } },
      },
      { Sid: "LocateBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: bucketArn },
    ],
  });
}

/**
 * The pipe's COPY statement, every object fully qualified (a pipe runs outside any session's database and
 * schema): the record plus the file it came from, its line in that file, and the load time.
 */
export function copyStatement(args: {
  table: string;
  stage: string;
  fileFormat: string;
  onError: OnError;
}): string {
  return [
    `COPY INTO ${args.table} (RECORD, SOURCE_FILE, FILE_ROW_NUMBER, LOADED_AT)`,
    `FROM (SELECT $1, METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, METADATA$START_SCAN_TIME FROM @${args.stage})`,
    `FILE_FORMAT = (FORMAT_NAME = '${args.fileFormat}')`,
    `ON_ERROR = ${args.onError}`,
  ].join("\n");
}

/**
 * The pipe's queue ARN, checked to be in the bucket's region: S3 notifies only queues in its own region, so the
 * stack must be deployed in the AWS region of the Snowflake account.
 */
export function queueInRegion(queueArn: string, region: string): string {
  const queueRegion = queueArn.split(":")[3];
  if (queueRegion !== region) {
    throw new Error(
      `the pipe's queue ${queueArn} is in ${String(queueRegion)} but the bucket is in ${region}: S3 can only notify a queue in its own region; set aws:region to the Snowflake account's region (SELECT CURRENT_REGION())`,
    );
  }
  return queueArn;
}

/** Columns of the raw table, from the pipeline contract (the same columns the local DuckDB stack loads). */
export const RAW_TABLE_SNOWFLAKE_COLUMNS: snowflake.types.input.TableColumn[] = RAW_TABLE_COLUMNS.map(
  (column) => ({
    name: column.name.toUpperCase(),
    type: column.snowflakeType,
    nullable: false,
    comment: column.comment,
  }),
);

/** The raw table's columns and comment. */
export const RAW_TABLE_DEFINITION = {
  columns: RAW_TABLE_SNOWFLAKE_COLUMNS,
  comment: "TMDB movie details landed by the extractor, one row per NDJSON line",
} as const satisfies Partial<snowflake.TableArgs>;

/**
 * The landed files' format: one JSON object per line, compression detected. A line whose object repeats a key is
 * refused (`ALLOW_DUPLICATE = FALSE`, Snowflake's default, stated so that it stays so): allowed, Snowflake would keep
 * the key's last value and load the record silently. Refused, the line is skipped under `ON_ERROR = CONTINUE` and
 * counted in COPY_HISTORY, like any line that is not JSON; the local stack's loader refuses it the same way.
 */
export const NDJSON_FILE_FORMAT = {
  formatType: "JSON",
  compression: "AUTO",
  allowDuplicate: false,
  comment: "Newline-delimited JSON, one object per line",
} as const satisfies Partial<snowflake.FileFormatArgs>;

/** The bucket notification sending every new landed file (`.json` under the prefix) to the pipe's queue. */
export function landedFileNotification(
  queueArn: pulumi.Input<string>,
  prefix: string,
): aws.types.input.s3.BucketNotificationQueue {
  return {
    id: "snowpipe-raw",
    queueArn,
    events: ["s3:ObjectCreated:*"],
    filterPrefix: prefix,
    filterSuffix: RAW_FILE_SUFFIX,
  };
}

/**
 * Arguments of the wait for IAM propagation, or undefined for none (`seconds` 0): a sleep the engine runs when it
 * creates the resource, and again only when one of the `triggers` changes (a change replaces it), never during a
 * preview or an update that leaves them as they are.
 */
export function iamPropagationSleepArgs(
  seconds: number,
  triggers: Record<string, pulumi.Input<string>>,
): time.SleepArgs | undefined {
  return seconds > 0 ? { createDuration: `${seconds}s`, triggers } : undefined;
}

/**
 * Snowpipe auto-ingest from the raw landing bucket, with the integration <-> IAM trust cycle broken in code:
 * the role's ARN is computed from the caller's account, the partition and a chosen name; the integration gets
 * that ARN; the role is then created under that name, trusting the integration's IAM user and external id.
 * The stage is replaced whenever the integration is, and the pipe whenever the stage is; the pipe waits for the
 * role, its policy and, when either was created or changed, for IAM to propagate them.
 * The bucket's single event notification sends new `.json` objects under the prefix to the pipe's queue.
 */
export class SnowpipeIngestion extends pulumi.ComponentResource {
  /** The storage integration. */
  readonly integration: snowflake.StorageIntegration;
  /** The IAM role Snowflake assumes. */
  readonly role: aws.iam.Role;
  /** The role's S3 read policy. */
  readonly rolePolicy: aws.iam.RolePolicy;
  /** The raw table. */
  readonly table: snowflake.Table;
  /** The external stage. */
  readonly stage: snowflake.Stage;
  /** The pipe. */
  readonly pipe: snowflake.Pipe;
  /** `DB.SCHEMA.TABLE` of the raw table. */
  readonly tableName: pulumi.Output<string>;
  /** `DB.SCHEMA.STAGE` of the stage. */
  readonly stageName: pulumi.Output<string>;
  /** `DB.SCHEMA.PIPE` of the pipe. */
  readonly pipeName: pulumi.Output<string>;
  /** SQS queue ARN the bucket notifies. */
  readonly notificationChannel: pulumi.Output<string>;

  constructor(name: string, args: SnowpipeIngestionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tmdb:ingestion:SnowpipeIngestion", name, {}, opts);
    const problem = snowpipeIngestionArgsProblem(args);
    if (problem !== undefined) throw new Error(`${name}: ${problem}`);
    const { rawPrefix, tableName, fileFormatName, stageName, pipeName } = args;
    const inSchema = { database: args.database, schema: args.schema };
    const fq = (object: string) =>
      pulumi.all([args.database, args.schema]).apply(([d, s]) => qualified(d, s, object));

    // 1. The role's ARN, known before the role exists, and the landed files' URL in the bucket's partition.
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const roleArn = pulumi.all([partition, accountId]).apply(([p, a]) => iamRoleArn(p, a, args.iamRoleName));
    const location = pulumi
      .all([partition, args.bucketName])
      .apply(([p, bucket]) => stageLocation(p, bucket, rawPrefix));

    // 2. The integration, pointing at that ARN.
    this.integration = new snowflake.StorageIntegration(
      `${name}-integration`,
      {
        name: args.integrationName,
        type: "EXTERNAL_STAGE",
        enabled: true,
        storageProvider: partition.apply(storageProviderFor),
        storageAwsRoleArn: roleArn,
        storageAllowedLocations: [location],
        comment: "TMDB raw landing bucket",
      },
      { parent: this },
    );

    // 3. The role under that name, trusting the integration's IAM user and external id, and its read policy.
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: args.iamRoleName,
        description: "Assumed by Snowflake's storage integration to read landed TMDB files",
        assumeRolePolicy: pulumi
          .all([this.integration.storageAwsIamUserArn, this.integration.storageAwsExternalId])
          .apply(([iamUserArn, externalId]) => snowflakeTrustPolicy(iamUserArn, externalId)),
      },
      { parent: this },
    );
    this.rolePolicy = new aws.iam.RolePolicy(
      `${name}-read`,
      {
        role: this.role.name,
        policy: pulumi.output(args.bucketArn).apply((bucketArn) => snowflakeReadPolicy(bucketArn, rawPrefix)),
      },
      { parent: this },
    );

    // 4. Table, file format (named by the pipe's COPY) and stage.
    this.table = new snowflake.Table(
      `${name}-table`,
      { ...inSchema, name: tableName, ...RAW_TABLE_DEFINITION },
      { parent: this },
    );
    const fileFormat = new snowflake.FileFormat(
      `${name}-ndjson`,
      { ...inSchema, name: fileFormatName, ...NDJSON_FILE_FORMAT },
      { parent: this },
    );
    this.stage = new snowflake.Stage(
      `${name}-stage`,
      // No fileFormat: the pipe's COPY names it, and the provider would diff the stage's FORMAT_NAME (as DESCRIBE
      // STAGE reports it) against the quoted fully qualified name on every update.
      {
        ...inSchema,
        name: stageName,
        url: location,
        storageIntegration: this.integration.name,
        comment: "Landed TMDB NDJSON files",
      },
      // A stage refers to its integration by a hidden id, not by name: a re-created integration leaves the old
      // stage unable to read the bucket, so the stage is re-created with it (and the pipe with the stage). The
      // name is fixed, so the old stage goes before the new one is created.
      { parent: this, replaceWith: [this.integration], deleteBeforeReplace: true },
    );

    // 5. The wait for IAM to propagate the role and its policies, run again only when they change.
    const sleepArgs = iamPropagationSleepArgs(args.iamPropagationSeconds, {
      roleArn: this.role.arn,
      trustPolicy: this.role.assumeRolePolicy,
      readPolicy: this.rolePolicy.policy,
    });
    const propagation = sleepArgs && new time.Sleep(`${name}-iam-propagation`, sleepArgs, { parent: this });

    // 6. The pipe, after the role, its policy and their propagation; replaced together with the stage.
    const copy = pulumi
      .all([fq(tableName), fq(stageName), fq(fileFormatName)])
      .apply(([table, stage, format]) =>
        copyStatement({ table, stage, fileFormat: format, onError: args.onError ?? "CONTINUE" }),
      );
    const before: pulumi.Resource[] = [this.role, this.rolePolicy, this.table, fileFormat, this.stage];
    if (propagation) before.push(propagation);
    this.pipe = new snowflake.Pipe(
      `${name}-pipe`,
      {
        ...inSchema,
        name: pipeName,
        autoIngest: true,
        copyStatement: copy,
        comment: pulumi.interpolate`Auto-ingests ${location} through ${this.role.arn}`,
      },
      { parent: this, dependsOn: before, replaceWith: [this.stage], deleteBeforeReplace: true },
    );

    // 7. The bucket's one notification configuration: new landed files go to the pipe's queue.
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const queueArn = pulumi
      .all([this.pipe.notificationChannel, region])
      .apply(([arn, r]) => queueInRegion(arn, r));
    new aws.s3.BucketNotification(
      `${name}-notification`,
      { bucket: args.bucketName, queues: [landedFileNotification(queueArn, rawPrefix)] },
      { parent: this },
    );

    this.tableName = fq(tableName);
    this.stageName = fq(stageName);
    this.pipeName = fq(pipeName);
    this.notificationChannel = this.pipe.notificationChannel;
    this.registerOutputs({
      integrationName: this.integration.name,
      roleArn: this.role.arn,
      tableName: this.tableName,
      stageName: this.stageName,
      pipeName: this.pipeName,
      notificationChannel: this.notificationChannel,
    });
  }
}
