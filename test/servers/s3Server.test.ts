import { CreateBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
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
});
