import * as pulumi from "@pulumi/pulumi";
import * as snowflake from "@pulumi/snowflake";
import { AlertTopic } from "./components/alertTopic";
import { BackfillStateMachine } from "./components/backfillStateMachine";
import { DailySchedule } from "./components/dailySchedule";
import { Extractor } from "./components/extractor";
import { snowflakeIamRoleName, snowflakeNames, stackResourceName } from "./components/names";
import { RawLanding } from "./components/rawLanding";
import { SnowflakeDatabase } from "./components/snowflakeDatabase";
import { snowflakeProviderArgs } from "./components/snowflakeProvider";
import { SnowpipeIngestion } from "./components/snowpipeIngestion";
import { Transformer } from "./components/transformer";
import { BUNDLE_ENTRY_FILE, LAMBDA_RUNTIME, buildExtractorBundle } from "./functions/bundle";
import { PROJECT, loadStackConfig } from "./stackConfig";

// Configuration, read and validated once; names derived from the stack.
const config = loadStackConfig();
const names = snowflakeNames(config.stack);

// Where failures are reported.
const alerts = new AlertTopic("alerts", { email: config.alarmEmail });

// The raw landing bucket.
const landing = new RawLanding("raw", {
  rawPrefix: config.rawPrefix,
  rejectPrefix: config.rejectPrefix,
  statePrefix: config.statePrefix,
  standardIaAfterDays: config.standardIaAfterDays,
  glacierInstantRetrievalAfterDays: config.glacierInstantRetrievalAfterDays,
  expireAfterDays: config.expireAfterDays,
  forceDestroy: config.forceDestroy,
  protect: config.protectBucket,
});

// The extractor, bundled from functions/ now, its daily schedule and the state machine that runs a backfill.
const bundle = buildExtractorBundle();
const extractor = new Extractor("extractor", {
  resourceName: stackResourceName(PROJECT, config.stack, "extractor"),
  metricNamespace: `${PROJECT}/${config.stack}`,
  code: new pulumi.asset.AssetArchive({
    [BUNDLE_ENTRY_FILE]: new pulumi.asset.StringAsset(bundle[BUNDLE_ENTRY_FILE]),
    [`${BUNDLE_ENTRY_FILE}.map`]: new pulumi.asset.StringAsset(bundle[`${BUNDLE_ENTRY_FILE}.map`]),
  }),
  runtime: LAMBDA_RUNTIME,
  bucketName: landing.bucketName,
  bucketArn: landing.bucketArn,
  rawPrefix: config.rawPrefix,
  rejectPrefix: config.rejectPrefix,
  statePrefix: config.statePrefix,
  tmdbApiToken: config.tmdbApiToken,
  pages: config.pages,
  timeoutSeconds: config.extractorTimeoutSeconds,
  retryAttempts: config.extractorRetryAttempts,
  reservedConcurrency: config.reservedConcurrency,
  logRetentionDays: config.logRetentionDays,
  alarmTopicArn: alerts.topicArn,
});
const schedule = new DailySchedule("schedule", {
  functionArn: extractor.functionArn,
  functionName: extractor.functionName,
  scheduleExpression: config.scheduleExpression,
});
const backfill = new BackfillStateMachine("backfill", {
  resourceName: stackResourceName(PROJECT, config.stack, "backfill"),
  functionArn: extractor.functionArn,
  alarmTopicArn: alerts.topicArn,
});

// Snowflake, through one explicit provider (key-pair auth, preview features listed) passed to every component.
const snowflakeProvider = new snowflake.Provider(
  "snowflake",
  snowflakeProviderArgs({
    organization: config.snowflakeOrganization,
    account: config.snowflakeAccount,
    user: config.snowflakeUser,
    role: config.snowflakeRole,
    privateKey: config.snowflakePrivateKey,
  }),
);
const onSnowflake = { providers: { snowflake: snowflakeProvider } };

// Warehouse, database and schemas; the warehouse's resource monitor is the administrator's (resourceMonitorSql).
const warehouse = new SnowflakeDatabase(
  "warehouse",
  {
    databaseName: names.database,
    warehouseName: names.warehouse,
    schemas: names.schemas,
    resourceMonitor: {
      name: names.resourceMonitor,
      monthlyCreditQuota: config.monthlyCreditQuota,
      viewerRole: config.snowflakeRole,
    },
  },
  onSnowflake,
);

// Snowpipe from the bucket, with the integration's IAM trust wired in code.
const ingestion = new SnowpipeIngestion(
  "ingestion",
  {
    bucketName: landing.bucketName,
    bucketArn: landing.bucketArn,
    rawPrefix: config.rawPrefix,
    database: warehouse.database.name,
    schema: warehouse.rawSchema.name,
    integrationName: names.storageIntegration,
    iamRoleName: snowflakeIamRoleName(PROJECT, config.stack),
    tableName: names.rawTable,
    fileFormatName: names.fileFormat,
    stageName: names.stage,
    pipeName: names.pipe,
    iamPropagationSeconds: config.iamPropagationSeconds,
  },
  onSnowflake,
);

// The role and service user dbt runs as.
const transformer = new Transformer(
  "transformer",
  {
    roleName: names.transformerRole,
    userName: names.dbtUser,
    warehouse: warehouse.warehouse.name,
    database: warehouse.database.name,
    rawSchema: warehouse.rawSchema.fullyQualifiedName,
    rawTable: ingestion.table,
    buildSchemas: [warehouse.stagingSchema.fullyQualifiedName, warehouse.martsSchema.fullyQualifiedName],
    rsaPublicKey: config.dbtPublicKey,
  },
  onSnowflake,
);

// Stack outputs: AWS side.
export const rawBucket = landing.bucketName;
export const rawPrefix = config.rawPrefix;
export const extractorFunction = extractor.functionName;
export const extractorLogGroup = extractor.logGroupName;
export const scheduleExpression = schedule.scheduleExpression;
export const backfillStateMachine = backfill.stateMachineArn;
export const alertTopicArn = alerts.topicArn;

// Stack outputs: Snowflake side (the connection values dbt's `snowflake` target needs included).
export const snowflakeAccount = `${config.snowflakeOrganization}-${config.snowflakeAccount}`;
export const snowflakeDatabase = warehouse.database.name;
export const snowflakeRawTable = ingestion.tableName;
export const snowflakeStage = ingestion.stageName;
export const snowflakePipe = ingestion.pipeName;
export const pipeNotificationChannel = ingestion.notificationChannel;
export const storageIntegration = ingestion.integration.name;
export const snowflakeIamRoleArn = ingestion.role.arn;
export const snowflakeWarehouse = warehouse.warehouse.name;
export const snowflakeResourceMonitor = names.resourceMonitor;
export const resourceMonitorSql = warehouse.resourceMonitorSql;
export const transformerRole = transformer.role.name;
export const dbtUser = transformer.user.name;
