import assert from "node:assert/strict";
import {
  CHECKPOINT_VERSION_DAYS,
  RawLanding,
  rawLandingArgsProblem,
  rawLifecycleRules,
  type RawLandingArgs,
} from "../../components/rawLanding";
import { devRun, list, obj, policyOf, runProgram, T, type Run } from "../support/pulumi/harness";
import { validConfig } from "../support/pulumi/stackConfig";

/** Arguments of a landing bucket that the tests vary one at a time. */
const landingArgs = (overrides: Partial<RawLandingArgs> = {}): RawLandingArgs => ({
  rawPrefix: "raw/",
  rejectPrefix: "rejects/",
  statePrefix: "state/",
  standardIaAfterDays: 30,
  glacierInstantRetrievalAfterDays: 90,
  forceDestroy: false,
  protect: true,
  ...overrides,
});

describe("RawLanding", () => {
  describe("decisions", () => {
    it("expires files and their old versions only when an age is given", () => {
      // Act
      const kept = rawLifecycleRules({
        prefixes: ["raw/"],
        standardIaAfterDays: 30,
        glacierInstantRetrievalAfterDays: 90,
      });
      const expiring = rawLifecycleRules({
        prefixes: ["raw/"],
        standardIaAfterDays: 30,
        glacierInstantRetrievalAfterDays: 90,
        expireAfterDays: 730,
      });

      // Assess
      assert.equal(kept[0]?.expiration, undefined);
      assert.deepEqual(expiring[0]?.expiration, { days: 730 });
      assert.deepEqual(expiring[0]?.noncurrentVersionExpiration, { noncurrentDays: 730 });
      assert.equal(kept.at(-1)?.id, "abort-incomplete-uploads");
    });

    it("never tiers the checkpoints, and deletes their replaced versions after 30 days", () => {
      // Act
      const rules = rawLifecycleRules({
        prefixes: ["raw/", "rejects/"],
        statePrefix: "state/",
        standardIaAfterDays: 30,
        glacierInstantRetrievalAfterDays: 90,
        expireAfterDays: 730,
      });

      // Assess
      const checkpoints = rules.filter((rule) => (rule.filter as { prefix?: string }).prefix === "state/");
      assert.deepEqual(checkpoints, [
        {
          id: "expire-replaced-checkpoints",
          status: "Enabled",
          filter: { prefix: "state/" },
          noncurrentVersionExpiration: { noncurrentDays: CHECKPOINT_VERSION_DAYS },
        },
      ]);
      assert.equal(CHECKPOINT_VERSION_DAYS, 30);
      assert.deepEqual(
        rules.map((rule) => rule.id),
        ["tier-raw", "tier-rejects", "expire-replaced-checkpoints", "abort-incomplete-uploads"],
      );
    });

    it("keeps transitions in an order S3 accepts, expiry after them, and quarantine apart, naming the field", () => {
      // Act
      const problems = [
        landingArgs({ glacierInstantRetrievalAfterDays: 59 }),
        landingArgs({ expireAfterDays: 90 }),
        landingArgs({ rejectPrefix: "raw/rejects/" }),
        landingArgs({ rawPrefix: "raw" }),
        landingArgs({ statePrefix: "raw/state/" }),
        landingArgs({ statePrefix: "rejects/state/" }),
        landingArgs({ statePrefix: "state" }),
      ].map(rawLandingArgsProblem);

      // Assess
      assert.deepEqual(problems, [
        "glacierInstantRetrievalAfterDays must be at least standardIaAfterDays + 30 (60): S3 keeps objects 30 days in Standard-IA before a further transition",
        "expireAfterDays must be greater than glacierInstantRetrievalAfterDays, or unset to keep raw data forever",
        'rejectPrefix must not overlap the raw prefix "raw/": quarantined records must never reach the pipe',
        "rawPrefix must end with '/'",
        'statePrefix must not overlap the raw prefix "raw/": the pipe would try to load the checkpoints',
        'statePrefix must not overlap the reject prefix "rejects/": checkpoints are no quarantined records',
        "statePrefix must end with '/'",
      ]);
      assert.equal(
        rawLandingArgsProblem(landingArgs({ glacierInstantRetrievalAfterDays: 60, expireAfterDays: 61 })),
        undefined,
      );
    });

    it("refuses to force-destroy a protected bucket", async () => {
      // Act, Assess
      await assert.rejects(
        runProgram("dev", validConfig(), () => {
          new RawLanding("raw", landingArgs({ forceDestroy: true, protect: true }));
          return {};
        }),
        /^Error: raw: forceDestroy can only be true when protect is false \(a protected bucket is never destroyed\)$/,
      );
      assert.equal(rawLandingArgsProblem(landingArgs({ forceDestroy: true, protect: false })), undefined);
    });
  });

  describe("in the dev stack", () => {
    let dev: Run;
    before(async () => {
      dev = await devRun();
    });

    it("blocks public access, enforces bucket-owner ownership, versions and encrypts with SSE-S3", () => {
      // Prepare
      const bucket = String(dev.one(T.bucket).state["bucket"]);
      const pab = dev.one(T.publicAccessBlock);
      const ownership = dev.one(T.ownership);
      const versioning = dev.one(T.versioning);
      const encryption = dev.one(T.encryption);

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
      const policy = dev.one(T.bucketPolicy);

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

    it("tiers old files only to classes Snowflake can read and never deletes them by default; keeps checkpoints in Standard", () => {
      // Prepare
      const rules = list(dev.one(T.lifecycle).inputs["rules"]);

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
        ["raw/movies/", "rejects/movies/", "state/", ""],
      );
      for (const rule of rules) {
        assert.equal(rule["expiration"], undefined);
        if (rule["id"] !== "expire-replaced-checkpoints")
          assert.equal(rule["noncurrentVersionExpiration"], undefined);
      }
      assert.deepEqual(rules[2], {
        id: "expire-replaced-checkpoints",
        status: "Enabled",
        filter: { prefix: "state/" },
        noncurrentVersionExpiration: { noncurrentDays: 30 },
      });
    });

    it("is protected and not force-destroyable by default", () => {
      // Prepare
      const bucket = dev.one(T.bucket);

      // Assess
      assert.equal(bucket.opts.protect, true);
      assert.equal(bucket.inputs["forceDestroy"], false);
    });
  });
});
