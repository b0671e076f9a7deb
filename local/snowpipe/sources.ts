import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { existsSync } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { DEFAULT_RAW_PREFIX, RAW_FILE_SUFFIX } from "../../contract/pipeline";

/**
 * Where the loader finds raw files, as Snowpipe finds them on its stage: the objects under the raw
 * prefix whose key ends in `.json`, in an S3-compatible bucket or a folder laid out like one.
 */

/** One staged file as listed by a {@link RawSource}. */
export interface RawObject {
  /** Object key (bucket-relative path), e.g. `raw/movies/2026-05-01/movies_06-00-00.json`. */
  key: string;
  /** Size in bytes. */
  size: number;
  /** ETag without quotes when the source knows it at listing time (S3 does; folders do not). */
  etag?: string;
  /** Reads the whole file. */
  read(): Promise<Buffer>;
}

/** A `.json` entry under the raw prefix that is not loaded, and why. */
export interface SkippedEntry {
  key: string;
  reason: string;
}

/** What a source holds: the raw files, sorted by key, and the entries it cannot load. */
export interface RawListing {
  objects: RawObject[];
  skipped: SkippedEntry[];
}

/** Where raw files come from: an S3-compatible bucket or a folder laid out like one. */
export interface RawSource {
  /** Human-readable location, e.g. `s3://tmdb-roi-raw/raw/movies/`. */
  readonly description: string;
  /** Lists the raw files. */
  list(): Promise<RawListing>;
}

/** Raw files under `prefix` in an S3-compatible bucket, listed with ListObjectsV2. */
export function s3RawSource(options: { client: S3Client; bucket: string; prefix?: string }): RawSource {
  const prefix = options.prefix ?? DEFAULT_RAW_PREFIX;
  const { client, bucket } = options;
  const object = (key: string, size: number, etag: string | undefined): RawObject => ({
    key,
    size,
    ...(etag === undefined ? {} : { etag: etag.replaceAll('"', "") }),
    async read() {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!response.Body) throw new Error(`s3://${bucket}/${key} has no body`);
      return Buffer.from(await response.Body.transformToByteArray());
    },
  });
  return {
    description: `s3://${bucket}/${prefix}`,
    async list() {
      const objects: RawObject[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key !== undefined && isRawFileKey(item.Key))
            objects.push(object(item.Key, item.Size ?? 0, item.ETag));
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return { objects: objects.sort((a, b) => compareKeys(a.key, b.key)), skipped: [] };
    },
  };
}

/** Error for a `--from-raw` folder that is not laid out like the bucket. */
export class RawFolderError extends Error {
  override readonly name = "RawFolderError";
  constructor(
    readonly directory: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Raw files in a folder laid out like the bucket (a bucket export): `DIR/raw/movies/...`. Keys are the
 * paths relative to `DIR`, with `/` separators, exactly as the objects' keys were.
 */
export function folderRawSource(options: { directory: string; prefix?: string }): RawSource {
  const prefix = options.prefix ?? DEFAULT_RAW_PREFIX;
  const root = options.directory;
  const start = join(root, ...prefix.split("/").filter(Boolean));
  return {
    description: `${start}${sep}`,
    async list() {
      if (!existsSync(root)) throw new RawFolderError(root, `raw folder ${root} does not exist`);
      if (!existsSync(start)) {
        throw new RawFolderError(
          root,
          `no ${prefix} folder under ${root}: expected a folder laid out like the bucket, ` +
            `e.g. ${join(start, "2026-05-01", "movies_06-00-00.json")}`,
        );
      }
      const objects: RawObject[] = [];
      const skipped: SkippedEntry[] = [];
      for (const entry of await readdir(start, { recursive: true, withFileTypes: true })) {
        if (entry.isDirectory()) continue;
        const path = join(entry.parentPath, entry.name);
        const key = relative(root, path).split(sep).join("/");
        const problem = await notAFile(path, entry.isSymbolicLink());
        // A link to a folder hides every file in it (links to folders are not followed): reported
        // whatever its name. Other entries matter only when their key is one the pipe would load.
        if (problem?.folder || (problem !== undefined && isRawFileKey(key))) {
          skipped.push({ key, reason: problem.reason });
          continue;
        }
        if (problem !== undefined || !isRawFileKey(key)) continue;
        const info = await stat(path);
        objects.push({ key, size: info.size, read: () => readFile(path) });
      }
      const byKey = (a: { key: string }, b: { key: string }) => compareKeys(a.key, b.key);
      return { objects: objects.sort(byKey), skipped: skipped.sort(byKey) };
    },
  };
}

/**
 * Why a folder entry cannot be loaded as a raw file, or undefined when it can: a symbolic link is
 * followed to the file it points to (a bucket has no links, but a folder assembled by hand may).
 */
async function notAFile(
  path: string,
  symbolicLink: boolean,
): Promise<{ reason: string; folder: boolean } | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return {
      reason: symbolicLink ? "a symbolic link to nothing (broken link)" : "cannot be read",
      folder: false,
    };
  }
  if (info.isFile()) return undefined;
  if (info.isDirectory()) {
    return {
      reason: "a symbolic link to a folder, which is not followed: its files are not loaded",
      folder: true,
    };
  }
  return {
    reason: `${symbolicLink ? "a symbolic link to " : ""}something that is not a regular file`,
    folder: false,
  };
}

function isRawFileKey(key: string): boolean {
  return key.endsWith(RAW_FILE_SUFFIX);
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
