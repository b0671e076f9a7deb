/**
 * What the mocked providers answer: realistic ids, names, ARNs and Snowflake-computed outputs per resource type,
 * and the AWS data sources the program calls. Anything else the program calls throws.
 */
import { createHash } from "node:crypto";

export const ACCOUNT_ID = "123456789012";
export const REGION = "us-east-1";
/** What Snowflake reports for a storage integration (DESC INTEGRATION): an IAM user in Snowflake's account. */
export const SNOWFLAKE_IAM_USER_ARN = "arn:aws:iam::987654321098:user/k7m2-s-v2st0001";
export const SNOWFLAKE_EXTERNAL_ID = "MYORG_SFCRole=3_Zq2v9lJ0bExAmPlEiD0kX1y8wU=";
/** What Snowflake reports as an auto-ingest pipe's notification channel: an SQS queue in Snowflake's account. */
export const PIPE_QUEUE_ARN =
  "arn:aws:sqs:us-east-1:987654321098:sf-snowpipe-AIDA5EXAMPLEQUEUE01-Ab12Cd34Ef56Gh78";
/**
 * What the time provider reports for a sleep it finished: its id is the RFC 3339 time the sleep ended, its state
 * the durations and triggers it was given.
 */
export const SLEEP_FINISHED_AT = "2026-11-26T09:00:30Z";

/** What `aws.getPartition` answers in each AWS partition the program supports. */
export const PARTITIONS = {
  aws: { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" },
  "aws-us-gov": {
    partition: "aws-us-gov",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
    id: "aws-us-gov",
  },
  "aws-cn": {
    partition: "aws-cn",
    dnsSuffix: "amazonaws.com.cn",
    reverseDnsPrefix: "cn.com.amazonaws",
    id: "aws-cn",
  },
} as const;
/** An AWS partition the mocks can answer for. */
export type Partition = keyof typeof PARTITIONS;

const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 7);

/** Mocked provider behaviour for one new resource: its id and its state (the inputs plus computed outputs). */
export function mockResource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  partition: Partition = "aws",
): { id: string; state: Record<string, unknown> } {
  const autoName = (key = "name") => (inputs[key] as string | undefined) ?? `${name}-${shortHash(name)}`;
  const regional = (service: string, resource: string) =>
    `arn:${partition}:${service}:${REGION}:${ACCOUNT_ID}:${resource}`;
  const quoted = (...parts: unknown[]) => parts.map((p) => `"${String(p)}"`).join(".");
  const out = (id: string, extra: Record<string, unknown> = {}) => ({ id, state: { ...inputs, ...extra } });
  switch (type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = autoName("bucket");
      return out(bucket, {
        bucket,
        arn: `arn:${partition}:s3:::${bucket}`,
        region: REGION,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
      });
    }
    case "aws:iam/role:Role": {
      const roleName = autoName();
      return out(roleName, {
        name: roleName,
        arn: `arn:${partition}:iam::${ACCOUNT_ID}:role/${roleName}`,
        uniqueId: `AROA${shortHash(roleName).toUpperCase()}EXAMPLE`,
      });
    }
    case "aws:iam/rolePolicy:RolePolicy": {
      const policyName = autoName();
      return out(`${String(inputs["role"])}:${policyName}`, { name: policyName });
    }
    case "aws:secretsmanager/secret:Secret": {
      const arn = regional("secretsmanager", `secret:${autoName()}-${shortHash(name).slice(0, 6)}`);
      return out(arn, { arn, name: autoName() });
    }
    case "aws:secretsmanager/secretVersion:SecretVersion":
      return out(`${String(inputs["secretId"])}|terraform-20261126061500000000000001`, {
        arn: inputs["secretId"],
        versionId: "terraform-20261126061500000000000001",
      });
    case "aws:cloudwatch/logGroup:LogGroup": {
      const groupName = autoName();
      return out(groupName, { name: groupName, arn: regional("logs", `log-group:${groupName}`) });
    }
    case "aws:lambda/function:Function": {
      const fn = autoName();
      const arn = regional("lambda", `function:${fn}`);
      return out(fn, {
        name: fn,
        arn,
        qualifiedArn: `${arn}:$LATEST`,
        version: "$LATEST",
        invokeArn: `arn:${partition}:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`,
      });
    }
    case "aws:sfn/stateMachine:StateMachine": {
      // The provider's id is the ARN; a machine created without `publish` has no version.
      const machine = autoName();
      const arn = regional("states", `stateMachine:${machine}`);
      return out(arn, {
        name: machine,
        arn,
        status: "ACTIVE",
        creationDate: "2026-11-26T09:01:00Z",
        revisionId: "",
        stateMachineVersionArn: "",
      });
    }
    case "aws:sns/topic:Topic": {
      const arn = regional("sns", autoName());
      return out(arn, { arn, name: autoName() });
    }
    case "aws:sns/topicSubscription:TopicSubscription":
      return out(`${String(inputs["topic"])}:0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`, {
        arn: `${String(inputs["topic"])}:0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`,
      });
    case "aws:cloudwatch/eventRule:EventRule": {
      const ruleName = autoName();
      return out(ruleName, { name: ruleName, arn: regional("events", `rule/${ruleName}`) });
    }
    case "aws:cloudwatch/metricAlarm:MetricAlarm": {
      const alarmName = autoName();
      return out(alarmName, { name: alarmName, arn: regional("cloudwatch", `alarm:${alarmName}`) });
    }
    case "snowflake:index/storageIntegration:StorageIntegration":
      return out(String(inputs["name"]), {
        fullyQualifiedName: quoted(inputs["name"]),
        storageAwsIamUserArn: SNOWFLAKE_IAM_USER_ARN,
        storageAwsExternalId: SNOWFLAKE_EXTERNAL_ID,
        createdOn: "2026-11-26 09:00:00.000 -0800",
      });
    case "snowflake:index/pipe:Pipe":
      return out(`${String(inputs["database"])}|${String(inputs["schema"])}|${String(inputs["name"])}`, {
        fullyQualifiedName: quoted(inputs["database"], inputs["schema"], inputs["name"]),
        notificationChannel: PIPE_QUEUE_ARN,
        owner: "TMDB_ROI_DEPLOYER",
      });
    case "snowflake:index/table:Table":
    case "snowflake:index/stage:Stage":
    case "snowflake:index/fileFormat:FileFormat":
      return out(`${String(inputs["database"])}|${String(inputs["schema"])}|${String(inputs["name"])}`, {
        fullyQualifiedName: quoted(inputs["database"], inputs["schema"], inputs["name"]),
      });
    case "snowflake:index/schema:Schema":
      return out(`${String(inputs["database"])}.${String(inputs["name"])}`, {
        fullyQualifiedName: quoted(inputs["database"], inputs["name"]),
      });
    case "snowflake:index/database:Database":
    case "snowflake:index/warehouse:Warehouse":
    case "snowflake:index/accountRole:AccountRole":
    case "snowflake:index/serviceUser:ServiceUser":
      return out(String(inputs["name"]), { fullyQualifiedName: quoted(inputs["name"]) });
    case "time:index/sleep:Sleep":
      return out(SLEEP_FINISHED_AT);
    default:
      return out(`${name}-${shortHash(type + name)}`);
  }
}

/** Mocked answer of a provider function (data source) call, in the given partition. */
export function mockCall(token: string, partition: Partition = "aws"): Record<string, unknown> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: ACCOUNT_ID,
        arn: `arn:${partition}:iam::${ACCOUNT_ID}:user/deployer`,
        userId: "AIDAEXAMPLEDEPLOYER01",
        id: ACCOUNT_ID,
      };
    case "aws:index/getPartition:getPartition":
      return { ...PARTITIONS[partition] };
    case "aws:index/getRegion:getRegion":
      return {
        name: REGION,
        region: REGION,
        id: REGION,
        description: "US East (N. Virginia)",
        endpoint: `ec2.${REGION}.amazonaws.com`,
      };
    default:
      throw new Error(`the program made a call the mocks do not implement: ${token}`);
  }
}
