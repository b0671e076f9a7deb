import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Storage classes a lifecycle rule may move raw files to: both stay readable by Snowflake's COPY. */
export const SNOWFLAKE_READABLE_STORAGE_CLASSES = ["STANDARD_IA", "GLACIER_IR"] as const;

/** Arguments of {@link RawLanding}. */
export interface RawLandingArgs {
  /** Key prefix of landed NDJSON files, ending with `/`. */
  rawPrefix: string;
  /** Key prefix of quarantined records, ending with `/`. */
  rejectPrefix: string;
  /** Days after which files move to Standard-IA (S3 requires at least 30). */
  standardIaAfterDays: number;
  /** Days after which files move to Glacier Instant Retrieval (at least 30 days after Standard-IA). */
  glacierInstantRetrievalAfterDays: number;
  /**
   * Age in days at which files are deleted.
   * @default undefined (never)
   */
  expireAfterDays?: number;
  /** Let `pulumi destroy` delete a non-empty bucket. */
  forceDestroy: boolean;
  /** Protect the bucket from deletion by Pulumi. */
  protect: boolean;
}

/** Tiering of landed files under the given prefixes, never to a class Snowflake cannot read. */
export function rawLifecycleRules(args: {
  prefixes: string[];
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
  return [
    ...tiering,
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
 * enforced), TLS only, and tiered to Standard-IA then Glacier Instant Retrieval without ever deleting by default.
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
    const { standardIaAfterDays, glacierInstantRetrievalAfterDays, forceDestroy, protect } = args;
    if (forceDestroy && protect) throw new Error(`${name}: forceDestroy requires protect to be false`);
    if (glacierInstantRetrievalAfterDays < standardIaAfterDays + 30) {
      throw new Error(`${name}: glacierInstantRetrievalAfterDays must be at least standardIaAfterDays + 30`);
    }
    if (!args.rawPrefix.endsWith("/") || !args.rejectPrefix.endsWith("/")) {
      throw new Error(`${name}: rawPrefix and rejectPrefix must end with '/'`);
    }

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
