/**
 * Runs the Pulumi program (or any component code) under `pulumi.runtime.setMocks`, the way the CLI would:
 * project config defaults from Pulumi.yaml, then stack values, secrets marked secret; like the CLI, it refuses to
 * start when a project key without a default has no value. Records every resource's
 * inputs, the provider it was registered with, its resource options (through a stack transformation, since
 * mocks never see `dependsOn`), which inputs were secret Outputs, and the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { PROJECT, SECRET_KEYS } from "../../stackConfig";

export const ACCOUNT_ID = "123456789012";
export const REGION = "us-east-1";
/** What Snowflake reports for a storage integration (DESC INTEGRATION): an IAM user in Snowflake's account. */
export const SNOWFLAKE_IAM_USER_ARN = "arn:aws:iam::987654321098:user/k7m2-s-v2st0001";
export const SNOWFLAKE_EXTERNAL_ID = "MYORG_SFCRole=3_Zq2v9lJ0bExAmPlEiD0kX1y8wU=";
/** What Snowflake reports as an auto-ingest pipe's notification channel: an SQS queue in Snowflake's account. */
export const PIPE_QUEUE_ARN =
  "arn:aws:sqs:us-east-1:987654321098:sf-snowpipe-AIDA5EXAMPLEQUEUE01-Ab12Cd34Ef56Gh78";

/** Key pairs generated per test process: the private key is the secret the tests hunt for. */
const deployerKeys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const dbtKeys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
export const TEST_PRIVATE_KEY = deployerKeys.privateKey;
export const TEST_DBT_PUBLIC_KEY_PEM = dbtKeys.publicKey;
/** Never given to the program: dbt's private key stays with dbt. */
export const TEST_DBT_PRIVATE_KEY = dbtKeys.privateKey;
export const TEST_TMDB_TOKEN =
  "eyJhbGciOiJIUzI1NiJ9.test-tmdb-read-access-token.c2VjcmV0LW5ldmVyLWluLXBsYWlu";

/** Distinctive pieces of each secret: none may appear outside its one secret input. */
export const SECRET_NEEDLES = {
  tmdbApiToken: TEST_TMDB_TOKEN,
  snowflakePrivateKey: TEST_PRIVATE_KEY.split("\n")[5] as string,
};

const root = new URL("../../", import.meta.url);
const readYaml = <T>(file: string) => parse(readFileSync(new URL(file, root), "utf8")) as T;

interface ProjectFile {
  name: string;
  config: Record<
    string,
    { type?: string; default?: unknown; secret?: boolean; value?: unknown; description?: string }
  >;
}
export const projectFile = () => readYaml<ProjectFile>("Pulumi.yaml");
export const stackFile = (stack: string) =>
  readYaml<{ config?: Record<string, unknown> }>(`Pulumi.${stack}.yaml`);

/** Pulumi.yaml's defaults (project keys) and values (other namespaces), namespaced like the CLI passes them. */
export function projectDefaults(): Record<string, string> {
  const project = projectFile();
  const values: Record<string, string> = {};
  for (const [key, spec] of Object.entries(project.config)) {
    const full = key.includes(":") ? key : `${PROJECT}:${key}`;
    const value = key.includes(":") ? spec.value : spec.default;
    if (value !== undefined) values[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return values;
}

/** Project keys Pulumi.yaml declares without a default: every stack must set them, or the CLI refuses to run. */
export function keysWithoutDefault(): string[] {
  return Object.entries(projectFile().config)
    .filter(([key, spec]) => !key.includes(":") && spec.default === undefined)
    .map(([key]) => key);
}

/**
 * The CLI's check before it starts the program: a project key declared with a type and no default must be set
 * by the stack ("Stack 'dev' is missing configuration value 'reservedConcurrency'"), so the program never runs.
 * @returns the CLI's message, or undefined when every such key is set
 */
export function missingConfigProblem(
  stack: string,
  config: Readonly<Record<string, string>>,
): string | undefined {
  const missing = keysWithoutDefault().filter((key) => !(`${PROJECT}:${key}` in config));
  if (missing.length === 0) return undefined;
  const quoted = missing.map((key) => `'${key}'`);
  const list =
    quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${String(quoted.at(-1))}`;
  return `Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${list}`;
}

/**
 * What the CLI passes a stack's program: Pulumi.yaml's defaults, then the values in `Pulumi.<stack>.yaml`, then
 * `set` (keys set with `pulumi config set`, e.g. the secrets, which the example files do not hold).
 */
export function stackFileConfig(stack: string, set: Record<string, string> = {}): Record<string, string> {
  const namespaced = (key: string) => (key.includes(":") ? key : `${PROJECT}:${key}`);
  const fromFile = Object.entries(stackFile(stack).config ?? {}).map(([key, value]) => [
    namespaced(key),
    typeof value === "string" ? value : JSON.stringify(value),
  ]);
  const fromSet = Object.entries(set).map(([key, value]) => [namespaced(key), value]);
  return { ...projectDefaults(), ...Object.fromEntries([...fromFile, ...fromSet]) } as Record<string, string>;
}

/** A complete, valid stack configuration: Pulumi.yaml defaults plus the required values (test secrets). */
export function validConfig(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const config: Record<string, string | undefined> = {
    ...projectDefaults(),
    [`${PROJECT}:snowflakeOrganization`]: "MYORG",
    [`${PROJECT}:snowflakeAccount`]: "ANALYTICS",
    [`${PROJECT}:snowflakePrivateKey`]: TEST_PRIVATE_KEY,
    [`${PROJECT}:dbtPublicKey`]: TEST_DBT_PUBLIC_KEY_PEM,
    [`${PROJECT}:tmdbApiToken`]: TEST_TMDB_TOKEN,
    [`${PROJECT}:iamPropagationSeconds`]: "0",
    ...Object.fromEntries(
      Object.entries(overrides).map(([k, v]) => [k.includes(":") ? k : `${PROJECT}:${k}`, v]),
    ),
  };
  return Object.fromEntries(
    Object.entries(config).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** One registered resource as the mocks saw it. */
export interface RecordedResource {
  type: string;
  name: string;
  id: string;
  /** Inputs as the provider would receive them (secrets unwrapped). */
  inputs: Record<string, unknown>;
  /** Inputs plus the outputs the mock provider computed. */
  state: Record<string, unknown>;
  /** Provider reference (`<urn>::<id>`), empty for the default provider. */
  provider: string;
  custom: boolean;
  /** Options the resource was constructed with (custom-resource options, e.g. deleteBeforeReplace, included). */
  opts: pulumi.CustomResourceOptions;
  /** The resource object itself. */
  resource: pulumi.Resource;
  /** Names of inputs that were secret Outputs when the program passed them. */
  secretInputs: Set<string>;
}

/** Result of one program run. */
export interface Run {
  stack: string;
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  calls: string[];
  /** Every recorded resource of a type token. */
  ofType(type: string): RecordedResource[];
  /** The one resource of a type token (whose name contains `namePart`, if given). */
  one(type: string, namePart?: string): RecordedResource;
}

const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 7);

/** Mocked provider behaviour: realistic ids, names, ARNs and Snowflake-computed outputs per resource type. */
function mockResource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
): { id: string; state: Record<string, unknown> } {
  const autoName = (key = "name") => (inputs[key] as string | undefined) ?? `${name}-${shortHash(name)}`;
  const regional = (service: string, resource: string) =>
    `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${resource}`;
  const quoted = (...parts: unknown[]) => parts.map((p) => `"${String(p)}"`).join(".");
  const out = (id: string, extra: Record<string, unknown> = {}) => ({ id, state: { ...inputs, ...extra } });
  switch (type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = autoName("bucket");
      return out(bucket, {
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        region: REGION,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
      });
    }
    case "aws:iam/role:Role": {
      const roleName = autoName();
      return out(roleName, {
        name: roleName,
        arn: `arn:aws:iam::${ACCOUNT_ID}:role/${roleName}`,
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
        invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`,
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
    default:
      return out(`${name}-${shortHash(type + name)}`);
  }
}

const mockCall = (token: string): Record<string, unknown> => {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: ACCOUNT_ID,
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/deployer`,
        userId: "AIDAEXAMPLEDEPLOYER01",
        id: ACCOUNT_ID,
      };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
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
};

/** Resolves an Output's value (known values only, as under mocks outside preview). */
export function promiseOf<T>(output: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
  return new Promise((resolve) => pulumi.output(output).apply(resolve));
}

/**
 * Runs `program` as a stack named `stack` with `config` (fully namespaced keys; secret keys of this project are
 * marked secret, as `pulumi config set --secret` would).
 */
export async function runProgram(
  stack: string,
  config: Record<string, string>,
  program: () => Promise<Record<string, unknown> | undefined> | Record<string, unknown> | undefined,
  options: { preview?: boolean } = {},
): Promise<Run> {
  // The CLI validates the stack's config against Pulumi.yaml before the program starts.
  const missing = missingConfigProblem(stack, config);
  if (missing !== undefined) throw new Error(missing);

  const inputsByKey = new Map<string, Omit<RecordedResource, "opts" | "resource" | "secretInputs">>();
  const constructed: {
    type: string;
    name: string;
    opts: pulumi.ResourceOptions;
    resource: pulumi.Resource;
    secretInputs: Set<string>;
    pending: Promise<void>[];
  }[] = [];
  const calls: string[] = [];
  let programError: unknown;
  const key = (type: string, name: string) => `${type}::${name}`;

  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const { id, state } = args.custom
          ? mockResource(args.type, args.name, args.inputs)
          : { id: "", state: {} };
        inputsByKey.set(key(args.type, args.name), {
          type: args.type,
          name: args.name,
          id,
          inputs: args.inputs,
          state,
          provider: args.provider ?? "",
          custom: args.custom ?? false,
        });
        return { id, state };
      },
      call: (args) => {
        calls.push(args.token);
        return mockCall(args.token);
      },
    },
    PROJECT,
    stack,
    options.preview ?? false,
  );
  pulumi.runtime.setAllConfig(
    config,
    SECRET_KEYS.map((k) => `${PROJECT}:${k}`),
  );

  const outputs =
    (await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        const secretInputs = new Set<string>();
        const pending = Object.entries(args.props).map(async ([prop, value]) => {
          if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))) secretInputs.add(prop);
        });
        constructed.push({
          type: args.type,
          name: args.name,
          opts: args.opts,
          resource: args.resource,
          secretInputs,
          pending,
        });
        return undefined;
      });
      try {
        return (await program()) ?? {};
      } catch (error) {
        // Reported below, after the stack settles: a throwing init would also leave a rejected stack resource.
        programError = error;
        return {};
      }
    })) ?? {};
  // Every registration (and every secrecy check) finished before anything is asserted; the stack's last RPCs
  // (its outputs) reach this run's mocks before the next run replaces them.
  if (programError === undefined) {
    await Promise.all(constructed.map((c) => promiseOf(c.resource.urn)));
    await Promise.all(constructed.flatMap((c) => c.pending));
  }
  await pulumi.runtime.disconnect();
  if (programError !== undefined) throw programError;

  const resources: RecordedResource[] = constructed.map((c) => {
    const seen = inputsByKey.get(key(c.type, c.name));
    if (!seen) throw new Error(`resource ${c.type} ${c.name} was constructed but never registered`);
    return {
      ...seen,
      opts: c.opts as pulumi.CustomResourceOptions,
      resource: c.resource,
      secretInputs: c.secretInputs,
    };
  });
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  return {
    stack,
    resources,
    outputs: outputs as Record<string, unknown>,
    calls,
    ofType,
    one(type, namePart) {
      const matches = ofType(type).filter((r) => namePart === undefined || r.name.includes(namePart));
      if (matches.length !== 1)
        throw new Error(
          `expected one ${type}${namePart ? ` named *${namePart}*` : ""}, found ${matches.length}`,
        );
      return matches[0] as RecordedResource;
    },
  };
}

let imports = 0;
/** Runs index.ts, imported afresh (ES modules are cached per URL) so every stack gets its own program run. */
export function runStack(
  stack: string,
  config: Record<string, string>,
  options: { preview?: boolean } = {},
): Promise<Run> {
  return runProgram(
    stack,
    config,
    async () => {
      const url = new URL(
        `../../index.ts?stack=${encodeURIComponent(stack)}&run=${++imports}`,
        import.meta.url,
      );
      return { ...((await import(url.href)) as Record<string, unknown>) };
    },
    options,
  );
}

/** Parses a JSON policy document input. */
export function policyOf(input: unknown): { Version: string; Statement: Record<string, unknown>[] } {
  return JSON.parse(String(input)) as { Version: string; Statement: Record<string, unknown>[] };
}
