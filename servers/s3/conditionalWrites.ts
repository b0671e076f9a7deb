/**
 * S3 conditional writes for s3rver (3.7.1 ignores `If-None-Match` and `If-Match` on PutObject), as
 * Amazon S3 answers them (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html):
 *
 * - `If-None-Match: *` — the object is written only if the key does not exist; else 412
 *   `PreconditionFailed`. Any other value: 501 `NotImplemented` (S3 expects `*` only).
 * - `If-Match: "<etag>"` (quoted or not, a comma-separated list, or `*`) — written only if the key
 *   exists with that ETag; else 412 `PreconditionFailed`. A key that does not exist gets 404
 *   `NoSuchKey`, as S3 answers (the AWS CLI against S3: "An error occurred (NoSuchKey) when calling
 *   the PutObject operation"; ceph's s3-tests pin the same).
 *
 * The 412 body is S3's: `<Error><Code>PreconditionFailed</Code><Message>At least one of the
 * pre-conditions you specified did not hold</Message><Condition>If-Match</Condition></Error>` (S3 also
 * sends a RequestId and HostId, which s3rver never does). The AWS SDK for JavaScript v3 raises an
 * `S3ServiceException` named `PreconditionFailed` with `$metadata.httpStatusCode` 412, or its modelled
 * `NoSuchKey` (404).
 *
 * The check runs where s3rver writes the object (after authentication and the bucket's existence),
 * and every PutObject of a key waits for the previous one of the same key to finish, so that a check
 * and its write are atomic: of two concurrent conditional writes on the same version, exactly one
 * wins. (S3 may instead answer the loser 409 `ConditionalRequestConflict`; this server always answers
 * 412.) CopyObject and CompleteMultipartUpload are not conditional here.
 */

/** The part of s3rver's FilesystemStore this module uses. */
export interface ObjectStore {
  /** The object's metadata; rejects (code `ENOENT`) when it does not exist. */
  getMetadata(bucket: string, key: string): Promise<{ etag: string }>;
  putObject(object: { bucket: string; key: string }): Promise<unknown>;
}

/** s3rver's error class: thrown from a request, it becomes S3's XML error body and status. */
export type S3ErrorConstructor = new (
  code: string,
  message: string,
  detail?: Record<string, string>,
) => Error;

/** The part of a Koa context this module uses. */
interface Context {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  store: ObjectStore;
}

type Middleware = (ctx: Context, next: () => Promise<unknown>) => Promise<void>;

interface Conditions {
  ifMatch: string | undefined;
  ifNoneMatch: string | undefined;
}

/**
 * Koa middleware, to run before s3rver's routes: on a PUT, the request's store checks the request's
 * conditions before writing an object, one write of a key at a time.
 */
export function conditionalWrites(store: ObjectStore, S3Error: S3ErrorConstructor): Middleware {
  const locks = new KeyLocks();
  return async (ctx, next) => {
    if (ctx.method === "PUT") {
      const conditions = { ifMatch: header(ctx, "if-match"), ifNoneMatch: header(ctx, "if-none-match") };
      const guarded = Object.create(store) as ObjectStore;
      guarded.putObject = (object) =>
        locks.run(`${object.bucket}/${object.key}`, async () => {
          await checkConditions(store, object, conditions, S3Error);
          return store.putObject(object);
        });
      ctx.store = guarded;
    }
    await next();
  };
}

function header(ctx: Context, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

async function checkConditions(
  store: ObjectStore,
  object: { bucket: string; key: string },
  conditions: Conditions,
  S3Error: S3ErrorConstructor,
): Promise<void> {
  const { ifMatch, ifNoneMatch } = conditions;
  if (ifMatch === undefined && ifNoneMatch === undefined) return;
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== "*") {
    throw new S3Error(
      "NotImplemented",
      "A header you provided implies functionality that is not implemented",
      { Header: "If-None-Match" },
    );
  }
  const etag = await currentEtag(store, object.bucket, object.key);
  const failed = (condition: string) =>
    new S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", {
      Condition: condition,
    });
  if (ifMatch !== undefined) {
    if (etag === undefined) {
      throw new S3Error("NoSuchKey", "The specified key does not exist.", { Key: object.key });
    }
    const wanted = ifMatch.split(",").map(unquoted);
    if (!wanted.includes("*") && !wanted.includes(unquoted(etag))) throw failed("If-Match");
  }
  if (ifNoneMatch !== undefined && etag !== undefined) throw failed("If-None-Match");
}

/** The stored object's ETag, or undefined when there is none. */
async function currentEtag(store: ObjectStore, bucket: string, key: string): Promise<string | undefined> {
  try {
    return (await store.getMetadata(bucket, key)).etag;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function unquoted(etag: string): string {
  return etag.trim().replace(/^"(.*)"$/, "$1");
}

/** Runs tasks one at a time per key, in arrival order. */
class KeyLocks {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
