import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import assert from "node:assert/strict";
import * as z from "zod";
import {
  CheckpointConflictError,
  CheckpointError,
  CheckpointWriter,
  readCheckpoint,
  writeCheckpoint,
} from "../../../functions/extractor/state";
import { buildCatalog } from "../../support/catalog";
import { startTestEnv, TEST_BUCKET, type TestEnv } from "../../support/testEnv";

const KEY = "state/test.json";
const Schema = z.object({ n: z.int() });

describe("checkpoints (state.ts) on an S3-compatible server", () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await startTestEnv({ catalog: buildCatalog([]) });
  });
  afterEach(() => env.close());

  const read = () => readCheckpoint(env.s3Client, TEST_BUCKET, KEY, Schema);

  it("reads an absent checkpoint as no value, creates it once, and updates only the version read", async () => {
    const absent = await read();
    assert.deepEqual([absent.value, absent.etag], [undefined, undefined]);
    const created = await writeCheckpoint(env.s3Client, TEST_BUCKET, absent, { n: 1 });
    await assert.rejects(
      writeCheckpoint(env.s3Client, TEST_BUCKET, absent, { n: 2 }),
      CheckpointConflictError,
    );
    const updated = await writeCheckpoint(env.s3Client, TEST_BUCKET, created, { n: 3 });
    await assert.rejects(
      writeCheckpoint(env.s3Client, TEST_BUCKET, created, { n: 4 }),
      CheckpointConflictError,
    );
    assert.deepEqual((await read()).value, { n: 3 });
    assert.equal((await read()).etag, updated.etag);
  });

  it("takes a checkpoint deleted since it was read for a conflict", async () => {
    const created = await writeCheckpoint(env.s3Client, TEST_BUCKET, await read(), { n: 1 });
    await env.s3Client.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: KEY }));
    await assert.rejects(
      writeCheckpoint(env.s3Client, TEST_BUCKET, created, { n: 2 }),
      CheckpointConflictError,
    );
  });

  it("applies a run's concurrent updates one after the other, each on the last", async () => {
    const writer = new CheckpointWriter(env.s3Client, TEST_BUCKET, await read());
    await Promise.all(
      Array.from({ length: 5 }, () => writer.update((value) => ({ n: (value?.n ?? 0) + 1 }))),
    );
    assert.deepEqual((await read()).value, { n: 5 });
  });

  it("refuses a checkpoint that is not JSON, or not of the expected shape, naming the key", async () => {
    await env.putObject(KEY, "{not json");
    await assert.rejects(read(), (error: unknown) => {
      return (
        error instanceof CheckpointError &&
        /s3:\/\/tmdb-raw-test\/state\/test\.json: is not JSON/.test(error.message)
      );
    });
    await env.putObject(KEY, '{"n":"1"}');
    await assert.rejects(
      read(),
      /state\/test\.json: is not a checkpoint of this run's kind: n: .*; delete it to start over/,
    );
  });
});
