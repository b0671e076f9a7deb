import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3_SERVER_CREDENTIALS, S3ServerStartError, startS3Server } from "../../servers/s3Server";

describe("local S3-compatible server (s3rver)", () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "tmdb-roi-s3-"));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("serves the S3 API on 127.0.0.1 with the buckets asked for, and stops on close()", async () => {
    const server = await startS3Server({ directory: join(root, "s3"), buckets: ["raw-one"] });
    const client = new S3Client({
      region: "us-east-1",
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { ...S3_SERVER_CREDENTIALS },
    });
    try {
      assert.match(server.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      await client.send(new CreateBucketCommand({ Bucket: "raw-two" }));
      const { Buckets } = await client.send(new ListBucketsCommand({}));
      assert.deepEqual(
        Buckets?.map((bucket) => bucket.Name),
        ["raw-one", "raw-two"],
      );
    } finally {
      client.destroy();
      await server.close();
    }
    await assert.rejects(fetch(server.endpoint));
  });

  it("rejects, naming the port, when the port is already in use", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(
        startS3Server({ directory: join(root, "s3"), port }),
        (error: unknown) =>
          error instanceof S3ServerStartError &&
          error.code === "EADDRINUSE" &&
          error.port === port &&
          error.message.includes(`port ${port} on 127.0.0.1 is already in use`),
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  describe("conditional writes (PutObject with If-None-Match / If-Match)", () => {
    let server: Awaited<ReturnType<typeof startS3Server>>;
    let client: S3Client;
    const Bucket = "state-bucket";

    beforeEach(async () => {
      server = await startS3Server({ directory: join(root, "s3"), buckets: [Bucket] });
      client = new S3Client({
        region: "us-east-1",
        endpoint: server.endpoint,
        forcePathStyle: true,
        credentials: { ...S3_SERVER_CREDENTIALS },
      });
    });

    afterEach(async () => {
      client.destroy();
      await server.close();
    });

    const put = (Key: string, Body: string, condition: { IfNoneMatch?: string; IfMatch?: string } = {}) =>
      client.send(new PutObjectCommand({ Bucket, Key, Body, ...condition }));
    const read = async (Key: string) =>
      (await client.send(new GetObjectCommand({ Bucket, Key }))).Body?.transformToString("utf-8");
    const isPreconditionFailed = (error: unknown) =>
      error instanceof S3ServiceException &&
      error.name === "PreconditionFailed" &&
      error.$metadata.httpStatusCode === 412 &&
      error.$fault === "client";

    it("creates an object with If-None-Match: * once, then answers 412 PreconditionFailed", async () => {
      // Act
      const created = await put("state/backfill.json", "first", { IfNoneMatch: "*" });
      const again = put("state/backfill.json", "second", { IfNoneMatch: "*" });

      // Assess
      assert.match(created.ETag ?? "", /^"[0-9a-f]{32}"$/);
      await assert.rejects(again, isPreconditionFailed);
      assert.equal(await read("state/backfill.json"), "first");
    });

    it("updates with If-Match on the current ETag, and answers 412 on a stale one", async () => {
      // Prepare
      const first = await put("state/changes.json", "v1", { IfNoneMatch: "*" });

      // Act
      const second = await put("state/changes.json", "v2", { IfMatch: first.ETag ?? "" });
      const stale = put("state/changes.json", "v3", { IfMatch: first.ETag ?? "" });

      // Assess
      assert.notEqual(second.ETag, first.ETag);
      await assert.rejects(stale, isPreconditionFailed);
      assert.equal(await read("state/changes.json"), "v2");
      // Unquoted ETags and `*` are accepted as S3 does.
      const unquoted = await put("state/changes.json", "v4", {
        IfMatch: (second.ETag ?? "").replaceAll('"', ""),
      });
      await put("state/changes.json", "v5", { IfMatch: "*" });
      assert.ok(unquoted.ETag);
      assert.equal(await read("state/changes.json"), "v5");
    });

    it("answers If-Match on a missing key with 404 NoSuchKey, as S3 does", async () => {
      await assert.rejects(
        put("state/none.json", "x", { IfMatch: '"0123456789abcdef0123456789abcdef"' }),
        (error: unknown) => error instanceof NoSuchKey && error.$metadata.httpStatusCode === 404,
      );
      await assert.rejects(read("state/none.json"), NoSuchKey);
    });

    it("lets exactly one of two concurrent updates of the same ETag win", async () => {
      // Prepare
      const base = await put("state/race.json", "base", { IfNoneMatch: "*" });

      // Act
      const outcomes = await Promise.allSettled(
        ["a", "b", "c", "d"].map((body) => put("state/race.json", body, { IfMatch: base.ETag ?? "" })),
      );

      // Assess
      const winners = outcomes.filter((outcome) => outcome.status === "fulfilled");
      const losers = outcomes.filter((outcome) => outcome.status === "rejected");
      assert.equal(winners.length, 1);
      for (const loser of losers) assert.ok(isPreconditionFailed(loser.reason), String(loser.reason));
      const winner = ["a", "b", "c", "d"][outcomes.findIndex((outcome) => outcome.status === "fulfilled")];
      assert.equal(await read("state/race.json"), winner);
    });

    it("lets exactly one of two concurrent creations win", async () => {
      const outcomes = await Promise.allSettled(
        ["a", "b"].map((body) => put("state/new.json", body, { IfNoneMatch: "*" })),
      );
      assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ["fulfilled", "rejected"]);
    });

    it("answers with S3's XML error body naming the failed condition", async () => {
      // Prepare (s3rver accepts unsigned requests, so the raw response can be read)
      const { ETag } = await put("state/xml.json", "x");
      const url = `${server.endpoint}/${Bucket}/state/xml.json`;

      // Act
      const exists = await fetch(url, { method: "PUT", body: "y", headers: { "if-none-match": "*" } });
      const stale = await fetch(url, { method: "PUT", body: "y", headers: { "if-match": '"0"' } });
      const other = await fetch(url, { method: "PUT", body: "y", headers: { "if-none-match": ETag ?? "" } });

      // Assess
      const error = (condition: string) =>
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
        "<Message>At least one of the pre-conditions you specified did not hold</Message>" +
        `<Condition>${condition}</Condition></Error>`;
      assert.deepEqual(
        [exists.status, exists.headers.get("content-type"), await exists.text()],
        [412, "application/xml", error("If-None-Match")],
      );
      assert.deepEqual([stale.status, await stale.text()], [412, error("If-Match")]);
      assert.equal(other.status, 501);
      assert.match(await other.text(), /<Code>NotImplemented<\/Code>.*<Header>If-None-Match<\/Header>/);
      assert.equal(await read("state/xml.json"), "x");
    });
  });
});
