import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";

/** The part of s3rver's API this wrapper uses (the package ships no type declarations). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

const require = createRequire(import.meta.url);

/** Options of {@link startS3Server}. */
export interface S3ServerOptions {
  /** Directory where objects are kept on disk (created when missing). */
  directory: string;
  /**
   * TCP port on 127.0.0.1; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Buckets that exist when the server starts (S3 names: at least 3 characters). Existing buckets in
   * `directory` are kept.
   * @default []
   */
  buckets?: string[];
}

/** A running S3-compatible server. */
export interface S3Server {
  /** Endpoint URL for `AWS_ENDPOINT_URL_S3` (path-style addressing), e.g. `http://127.0.0.1:4568`. */
  endpoint: string;
  /** Directory where objects are kept on disk. */
  directory: string;
  /** Stops the server; requests made afterwards fail with a connection error. */
  close(): Promise<void>;
}

/** Credentials s3rver accepts (it checks signatures against these). */
export const S3_SERVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/**
 * Starts s3rver (an S3-compatible server backed by a directory) on 127.0.0.1. Clients reach it with
 * path-style addressing and the credentials in {@link S3_SERVER_CREDENTIALS}.
 */
export async function startS3Server(options: S3ServerOptions): Promise<S3Server> {
  const buckets = options.buckets ?? [];
  for (const name of buckets) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
      throw new Error(
        `startS3Server: invalid bucket name "${name}" (3-63 lowercase letters, digits, "." or "-")`,
      );
    }
  }
  await mkdir(options.directory, { recursive: true });
  const S3rver = require("s3rver") as S3rverConstructor;
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const address = await server.run();
  let closed = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    directory: options.directory,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
    },
  };
}
