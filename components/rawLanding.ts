import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { prefixOverlapProblem, statePrefixProblem } from "../contract/pipeline";
import { firstProblem } from "./problems";

/** Storage classes a lifecycle rule may move raw files to: both stay readable by Snowflake's COPY. */
export const SNOWFLAKE_READABLE_STORAGE_CLASSES = ["STANDARD_IA", "GLACIER_IR"] as const;

/** Arguments of {@link RawLanding}. */
export interface RawLandingArgs {
  /** Key prefix of landed NDJSON files, ending with `/`. */
  rawPrefix: string;
  /** Key prefix of quarantined records, ending with `/`. */
  rejectPrefix: string;
  /**
   * Key prefix of the extractor's checkpoints, ending with `/`: never tiered (they are tiny and rewritten often),
   * their replaced versions deleted after {@link CHECKPOINT_VERSION_DAYS} days.
   */
  statePrefix: string;
  /** Days after which files move to Standard-IA (S3 requires at least 30). */
  standardIaAfterDays: number;
  /** Days after which files move to Glacier Instant Retrieval (at least 30 days after Standard-IA). */
  glacierInstantRetrievalAfterDays: number;
  /**
   * Age in days at which files are deleted (after the move to Glacier Instant Retrieval).
   * @default undefined (never)
   */
  expireAfterDays?: number;
  /** Let `pulumi destroy` delete a non-empty bucket (only when `protect` is false). */
  forceDestroy: boolean;
  /** Protect the bucket from deletion by Pulumi. */
  protect: boolean;
}

/**
 * Why Glacier Instant Retrieval cannot follow Standard-IA that soon, or undefined when it can: S3 keeps an object
 * 30 days in Standard-IA before a further transition. Reported against `glacierInstantRetrievalAfterDays`.
 */
export function lifecycleOrderProblem(
  args: Pick<RawLandingArgs, "standardIaAfterDays" | "glacierInstantRetrievalAfterDays">,
): string | undefined {
  const earliest = args.standardIaAfterDays + 30;
  if (args.glacierInstantRetrievalAfterDays >= earliest) return undefined;
  return `must be at least standardIaAfterDays + 30 (${earliest}): S3 keeps objects 30 days in Standard-IA before a further transition`;
}

/** Why files cannot expire at that age, or undefined when they can (or never do). Reported against `expireAfterDays`. */
export function expirationOrderProblem(
  args: Pick<RawLandingArgs, "glacierInstantRetrievalAfterDays" | "expireAfterDays">,
): string | undefined {
  if (args.expireAfterDays === undefined || args.expireAfterDays > args.glacierInstantRetrievalAfterDays) {
    return undefined;
  }
  return "must be greater than glacierInstantRetrievalAfterDays, or unset to keep raw data forever";
}

/**
 * Why the bucket cannot be force-destroyed, or undefined when it can. Reported against `forceDestroy`.
 * @param protectField name of the `protect` setting as the caller knows it (e.g. a config key)
 */
export function forceDestroyProblem(
  args: Pick<RawLandingArgs, "forceDestroy" | "protect">,
  protectField = "protect",
): string | undefined {
  if (!args.forceDestroy || !args.protect) return undefined;
  return `can only be true when ${protectField} is false (a protected bucket is never destroyed)`;
}

/** The first problem of a {@link RawLanding}'s arguments, as `<field> <problem>`, or undefined when there is none. */
export function rawLandingArgsProblem(args: RawLandingArgs): string | undefined {
  return firstProblem([
    ["forceDestroy", forceDestroyProblem(args)],
    ["glacierInstantRetrievalAfterDays", lifecycleOrderProblem(args)],
    ["expireAfterDays", expirationOrderProblem(args)],
    ["rawPrefix", args.rawPrefix.endsWith("/") ? undefined : "must end with '/'"],
    ["rejectPrefix", args.rejectPrefix.endsWith("/") ? undefined : "must end with '/'"],
    ["rejectPrefix", prefixOverlapProblem(args.rawPrefix, args.rejectPrefix)],
    ["statePrefix", args.statePrefix.endsWith("/") ? undefined : "must end with '/'"],
    ["statePrefix", statePrefixProblem(args)],
  ]);
}

/**
 * Days S3 keeps a replaced version of a checkpoint (the bucket is versioned, and every conditional write of a
 * checkpoint replaces one) before deleting it: long enough to look back at a recent run's progress.
 */
export const CHECKPOINT_VERSION_DAYS = 30;

/**
 * Tiering of landed files under the given prefixes, never to a class Snowflake cannot read; the replaced versions of
 * the checkpoints under `statePrefix`, if given, deleted after {@link CHECKPOINT_VERSION_DAYS} days. Checkpoints are
 * never tiered: they are a few hundred bytes, rewritten by every run, and Standard-IA and Glacier Instant Retrieval
 * bill each object as at least 128 KB, for at least 30 days (Glacier Instant Retrieval: 90).
 */
export function rawLifecycleRules(args: {
  prefixes: string[];
  statePrefix?: string;
  standardIaAfterDays: number;
  glacierInstantRetrievalAfterDays: number;
  expireAfterDays?: number;
}): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  const tiering = args.prefixes.map((prefix): aws.types.input.s3.BucketLifecycleConfigurationRule => ({
    id: `tier-${prefix.replace(/[^A-Za-z0-9]+/g, "-").replace(/-$/, "")}`,
    status: "Enabled",
    filter: { prefix },
    transitions: [
      { days: args.standardIaAfterDays, storageClass: "STANDARD_IA" },
      { days: args.glacierInstantRetrievalAfterDays, storageClass: "GLACIER_IR" },
    ],
    noncurrentVersionTransitions: [
      { noncurrentDays: args.standardIaAfterDays, storageClass: "STANDARD_IA" },
      { noncurrentDays: args.glacierInstantRetrievalAfterDays, storageClass: "GLACIER_IR" },
    ],
    ...(args.expireAfterDays === undefined
      ? {}
      : {
          expiration: { days: args.expireAfterDays },
          noncurrentVersionExpiration: { noncurrentDays: args.expireAfterDays },
        }),
  }));
  const checkpoints: aws.types.input.s3.BucketLifecycleConfigurationRule[] =
    args.statePrefix === undefined
      ? []
      : [
          {
            id: "expire-replaced-checkpoints",
            status: "Enabled",
            filter: { prefix: args.statePrefix },
            noncurrentVersionExpiration: { noncurrentDays: CHECKPOINT_VERSION_DAYS },
          },
        ];
  return [
    ...tiering,
    ...checkpoints,
    {
      id: "abort-incomplete-uploads",
      status: "Enabled",
      filter: { prefix: "" },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    },
  ];
}

/** Bucket policy denying every request not made over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });
}

/**
 * The raw landing bucket: versioned, SSE-S3 encrypted, private (all four public-access blocks, bucket owner
 * enforced), TLS only; landed and quarantined files tiered to Standard-IA then Glacier Instant Retrieval without
 * ever deleting them by default; the extractor's checkpoints kept in Standard, their replaced versions deleted.
 */
export class RawLanding extends pulumi.ComponentResource {
  /** The bucket. */
  readonly bucket: aws.s3.Bucket;
  /** Bucket name. */
  readonly bucketName: pulumi.Output<string>;
  /** Bucket ARN. */
  readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: RawLandingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tmdb:storage:RawLanding", name, {}, opts);
    const problem = rawLandingArgsProblem(args);
    if (problem !== undefined) throw new Error(`${name}: ${problem}`);
    const { standardIaAfterDays, glacierInstantRetrievalAfterDays, forceDestroy, protect } = args;

    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy }, { parent: this, protect });
    const bucket = this.bucket.bucket;
    new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
    new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      { parent: this },
    );
    new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      { bucket, policy: this.bucket.arn.apply(tlsOnlyBucketPolicy) },
      { parent: this },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket,
        rules: rawLifecycleRules({
          prefixes: [args.rawPrefix, args.rejectPrefix],
          statePrefix: args.statePrefix,
          standardIaAfterDays,
          glacierInstantRetrievalAfterDays,
          expireAfterDays: args.expireAfterDays,
        }),
      },
      { parent: this },
    );

    this.bucketName = bucket;
    this.bucketArn = this.bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
