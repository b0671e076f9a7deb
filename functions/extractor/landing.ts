import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { MAX_RECORDS_PER_OBJECT } from "../../contract/pipeline";
import type { ExtractorConfig } from "./config";
import { describeError, LandingError } from "./errors";
import type { MovieCollector } from "./movies";

/** Content type of landed and quarantined objects. */
export const NDJSON_CONTENT_TYPE = "application/x-ndjson";

/** `<prefix>YYYY-MM-DD/movies_HH-MM-SS.json` for the run start, in UTC. */
export function objectKey(prefix: string, runStart: Date): string {
  const iso = runStart.toISOString(); // 2026-01-31T06:00:07.123Z
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19).replaceAll(":", "-");
  return `${prefix}${date}/movies_${time}.json`;
}

/** Newline-delimited JSON: one compact JSON value per line, each line ending in `\n`. */
export function toNdjson(records: readonly unknown[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join("");
}

/**
 * S3 client for the configured region. With an endpoint override (`AWS_ENDPOINT_URL_S3`, e.g. a local
 * S3-compatible server) path-style addressing is used, since such servers rarely resolve
 * `<bucket>.<host>` names.
 */
export function createS3Client(config: Pick<ExtractorConfig, "awsRegion" | "s3Endpoint">): S3Client {
  return new S3Client({
    region: config.awsRegion,
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true } : {}),
  });
}

/**
 * Writes `records` as one new NDJSON object (a conditional write: an existing object under `key` is
 * never replaced); any failure becomes a {@link LandingError}.
 */
export async function putNdjson(
  s3: S3Client,
  bucket: string,
  key: string,
  records: readonly unknown[],
): Promise<void> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: toNdjson(records),
        ContentType: NDJSON_CONTENT_TYPE,
        // Never replace an object: two runs started in the same second fail loudly instead of one
        // silently overwriting the other (S3 answers 412; the retried run gets a new key).
        IfNoneMatch: "*",
      }),
    );
  } catch (error) {
    throw new LandingError(bucket, key, describeError(error), { cause: error });
  }
}

/** `2026-01-31T06-00-07Z`: a run start as it appears in object keys. */
export function keyStamp(runStart: Date): string {
  return `${runStart.toISOString().slice(0, 19).replaceAll(":", "-")}Z`;
}

/**
 * Writes `records` under `<prefix><folder>/` as objects of at most `perObject` lines, named
 * `movies_<run start>_part-<n>.json`; returns their keys (none for no records).
 */
export async function putParts(
  s3: S3Client,
  bucket: string,
  location: { prefix: string; folder: string; runStart: Date },
  records: readonly unknown[],
  perObject: number,
): Promise<string[]> {
  const keys: string[] = [];
  for (let start = 0; start < records.length; start += perObject) {
    const part = keys.length + 1;
    const key = `${location.prefix}${location.folder}/movies_${keyStamp(location.runStart)}_part-${part}.json`;
    await putNdjson(s3, bucket, key, records.slice(start, start + perObject));
    keys.push(key);
  }
  return keys;
}

/**
 * Lands a collector's records under `<raw prefix><folder>/` and its quarantined records under
 * `<reject prefix><folder>/`, in parts of at most {@link MAX_RECORDS_PER_OBJECT} records.
 * @returns the keys written on each side
 */
export async function landParts(
  s3: S3Client,
  config: Pick<ExtractorConfig, "rawBucket" | "rawPrefix" | "rejectPrefix">,
  location: { folder: string; runStart: Date },
  movies: MovieCollector,
): Promise<{ landed: string[]; rejected: string[] }> {
  const at = (prefix: string) => ({ prefix, ...location });
  const landed = await putParts(
    s3,
    config.rawBucket,
    at(config.rawPrefix),
    movies.records(),
    MAX_RECORDS_PER_OBJECT,
  );
  const rejected = await putParts(
    s3,
    config.rawBucket,
    at(config.rejectPrefix),
    movies.sortedRejects(),
    MAX_RECORDS_PER_OBJECT,
  );
  return { landed, rejected };
}
