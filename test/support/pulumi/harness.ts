/**
 * Runs the Pulumi program (or any component code) under `pulumi.runtime.setMocks`, the way the CLI would:
 * project config defaults from Pulumi.yaml, then stack values, secrets marked secret; like the CLI, it refuses to
 * start when a project key without a default has no value. Records every resource's inputs, the provider it was
 * registered with, its resource options (through a stack transformation, since mocks never see `dependsOn`),
 * which inputs were secret Outputs, and the stack outputs.
 *
 * Mocks are process-global: runs happen one at a time, and each run's records are plain data once it returns.
 */
import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import { PROJECT, SECRET_KEYS } from "../../../stackConfig";
import { mockCall, mockResource, type Partition } from "./mocks";
import { missingConfigProblem, validConfig } from "./stackConfig";

/** Type tokens of the resources the program declares. */
export const T = {
  bucket: "aws:s3/bucket:Bucket",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
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
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  sleep: "time:index/sleep:Sleep",
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

/** One registered resource as the mocks saw it. */
export interface RecordedResource {
  type: string;
  name: string;
  id: string;
  /** The resource's URN. */
  urn: string;
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

/** Options of one run. */
export interface RunOptions {
  /**
   * Run as `pulumi preview` (nothing is created; unknown outputs stay unknown).
   * @default false
   */
  preview?: boolean;
  /**
   * The AWS partition the mocked AWS provider answers for (`aws.getPartition`, ARNs).
   * @default "aws"
   */
  partition?: Partition;
}

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
  options: RunOptions = {},
): Promise<Run> {
  // The CLI validates the stack's config against Pulumi.yaml before the program starts.
  const missing = missingConfigProblem(stack, config);
  if (missing !== undefined) throw new Error(missing);

  const inputsByKey = new Map<string, Omit<RecordedResource, "urn" | "opts" | "resource" | "secretInputs">>();
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
          ? mockResource(args.type, args.name, args.inputs, options.partition)
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
        return mockCall(args.token, options.partition);
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
  const urns =
    programError === undefined ? await Promise.all(constructed.map((c) => promiseOf(c.resource.urn))) : [];
  if (programError === undefined) await Promise.all(constructed.flatMap((c) => c.pending));
  await pulumi.runtime.disconnect();
  if (programError !== undefined) throw programError;

  const resources: RecordedResource[] = constructed.map((c, i) => {
    const seen = inputsByKey.get(key(c.type, c.name));
    if (!seen) throw new Error(`resource ${c.type} ${c.name} was constructed but never registered`);
    return {
      ...seen,
      urn: urns[i] as string,
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
  options: RunOptions = {},
): Promise<Run> {
  return runProgram(
    stack,
    config,
    async () => {
      const url = new URL(
        `../../../index.ts?stack=${encodeURIComponent(stack)}&run=${++imports}`,
        import.meta.url,
      );
      return { ...((await import(url.href)) as Record<string, unknown>) };
    },
    options,
  );
}

let dev: Promise<Run> | undefined;
/**
 * The whole program as stack `dev` with {@link validConfig}: run once per process and shared by every test file
 * that reads the wiring of its components, so that the suite pays for one program run.
 */
export function devRun(): Promise<Run> {
  dev ??= runStack("dev", validConfig());
  return dev;
}

/** Parses a JSON policy document input. */
export function policyOf(input: unknown): { Version: string; Statement: Record<string, unknown>[] } {
  return JSON.parse(String(input)) as { Version: string; Statement: Record<string, unknown>[] };
}

type Json = Record<string, unknown>;
/** An input read as a JSON object. */
export const obj = (value: unknown) => value as Json;
/** An input read as a list of JSON objects. */
export const list = (value: unknown) => value as Json[];

/** The value of an input the mocks may still see wrapped as a secret. */
export const unwrapSecret = (value: unknown) =>
  value !== null && typeof value === "object" && "value" in value
    ? (value as { value: unknown }).value
    : value;

/** Resources a resource option lists (dependsOn, replaceWith), whichever form it was given in. */
export const optionResources = (value: unknown) =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]) as unknown[];

/**
 * Asserts that a resource option lists exactly `expected`, by identity (a failing deepEqual would render whole
 * resource objects).
 */
export function assertListsExactly(option: unknown, expected: RecordedResource[], what: string): void {
  const listed = optionResources(option);
  assert.ok(
    listed.length === expected.length && listed.every((resource, i) => resource === expected[i]?.resource),
    `${what} lists ${listed.length} resource(s), expected ${expected.map((r) => r.name).join(", ") || "none"}`,
  );
}
