import { GetObjectCommand, PutObjectCommand, S3ServiceException, type S3Client } from "@aws-sdk/client-s3";
import type * as z from "zod";
import { describeError } from "./errors";
import { describeIssues } from "./schemas";

/**
 * Checkpoints in the bucket under the state prefix (never under the raw prefix, so the pipe never
 * sees them), written with S3 conditional requests: a new checkpoint only if none exists
 * (`If-None-Match: *`), an update only if it is still the version this run read (`If-Match: <ETag>`).
 * Two runs working on the same checkpoint cannot overwrite each other's progress: the second write
 * fails with {@link CheckpointConflictError}. A checkpoint that is not what its mode writes (edited by
 * hand, truncated) stops the run with {@link CheckpointError} rather than being taken for progress.
 */

/** A checkpoint as read: its value, and the version (ETag) an update must match. */
export interface Checkpoint<T> {
  key: string;
  value: T | undefined;
  etag: string | undefined;
}

/**
 * Another run wrote (or deleted) the checkpoint since this run read it: S3 answered 412 Precondition
 * Failed or 409 ConditionalRequestConflict, or 404 to an update of a version that is gone.
 */
export class CheckpointConflictError extends Error {
  override readonly name = "CheckpointConflictError";
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(
      `Checkpoint s3://${bucket}/${key} was written by another run since this run read it: ` +
        "two runs are working on the same range; this one stops (its landed files stay, the other run goes on)",
    );
  }
}

/** Reading or writing a checkpoint failed for another reason than a conflict. */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
  constructor(
    readonly bucket: string,
    readonly key: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Checkpoint s3://${bucket}/${key}: ${reason}`, options);
  }
}

const status = (error: unknown): number | undefined =>
  error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;

/**
 * Reads a JSON checkpoint of the shape `schema` describes; an absent one (404) has no value and no version.
 * @throws CheckpointError when it cannot be read, or is not JSON of that shape
 */
export async function readCheckpoint<T>(
  s3: S3Client,
  bucket: string,
  key: string,
  schema: z.ZodType<T>,
): Promise<Checkpoint<T>> {
  let text: string;
  let etag: string | undefined;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await response.Body?.transformToString("utf-8")) ?? "";
    etag = response.ETag;
  } catch (error) {
    if (status(error) === 404) return { key, value: undefined, etag: undefined };
    throw new CheckpointError(bucket, key, `cannot be read: ${describeError(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(bucket, key, `is not JSON (${describeError(error)}); delete it to start over`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new CheckpointError(
      bucket,
      key,
      `is not a checkpoint of this run's kind: ${describeIssues(parsed.error)}; delete it to start over`,
    );
  }
  return { key, value: parsed.data, etag };
}

/**
 * Writes a new version of a checkpoint, conditionally on the version read (or on its absence).
 * @returns the checkpoint as now stored, with its new version
 * @throws CheckpointConflictError when another run wrote it in between
 */
export async function writeCheckpoint<T>(
  s3: S3Client,
  bucket: string,
  checkpoint: Checkpoint<T>,
  value: T,
): Promise<Checkpoint<T>> {
  const condition = checkpoint.etag === undefined ? { IfNoneMatch: "*" } : { IfMatch: checkpoint.etag };
  try {
    const response = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: checkpoint.key,
        Body: `${JSON.stringify(value, null, 2)}\n`,
        ContentType: "application/json",
        ...condition,
      }),
    );
    return { key: checkpoint.key, value, etag: response.ETag };
  } catch (error) {
    const code = status(error);
    if (code === 412 || code === 409 || (code === 404 && checkpoint.etag !== undefined))
      throw new CheckpointConflictError(bucket, checkpoint.key);
    throw new CheckpointError(bucket, checkpoint.key, `cannot be written: ${describeError(error)}`, {
      cause: error,
    });
  }
}

/**
 * A checkpoint updated by several concurrent tasks of one run: updates are applied one at a time, each
 * on the version the previous one stored.
 */
export class CheckpointWriter<T> {
  #current: Checkpoint<T>;
  #last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    initial: Checkpoint<T>,
  ) {
    this.#current = initial;
  }

  get value(): T | undefined {
    return this.#current.value;
  }

  /** Applies `change` to the latest value and writes the result (after any update already under way). */
  update(change: (value: T | undefined) => T): Promise<T> {
    const next = this.#last.then(async () => {
      this.#current = await writeCheckpoint(this.s3, this.bucket, this.#current, change(this.#current.value));
      return this.#current.value as T;
    });
    this.#last = next.catch(() => undefined);
    return next;
  }
}
