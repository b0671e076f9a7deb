import { S3Client } from "@aws-sdk/client-s3";
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { conditionalWrites, type ObjectStore, type S3ErrorConstructor } from "./s3/conditionalWrites";

/** The part of s3rver's API this wrapper uses (the package ships no type declarations). */
interface S3rverInstance {
  /** Creates the configured buckets in the store (the first half of s3rver's `run()`). */
  configureBuckets(): Promise<void>;
  /**
   * Creates the HTTP server and calls its `listen(...args)` (the second half of `run()`); with a
   * callback as last argument it returns the server at once.
   */
  listen(port: number, address: string, callback: () => void): Server;
  /** The FilesystemStore objects are kept in. */
  store: ObjectStore;
  /** Koa's middleware stack (s3rver extends Koa); its routes are the last entry. */
  middleware: unknown[];
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

/** An S3 client for a server at `endpoint`: path-style addressing, s3rver's credentials. */
export function s3ServerClient(endpoint: string): S3Client {
  return new S3Client({
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    credentials: { ...S3_SERVER_CREDENTIALS },
  });
}

/** The server could not listen on its port; `code` is the system error code (`EADDRINUSE`, `EACCES`, ...). */
export class S3ServerStartError extends Error {
  override readonly name = "S3ServerStartError";
  constructor(
    readonly port: number,
    readonly code: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Starts s3rver (an S3-compatible server backed by a directory) on 127.0.0.1. Clients reach it with
 * path-style addressing and the credentials in {@link S3_SERVER_CREDENTIALS}. PutObject honours S3's
 * conditional writes (`If-None-Match: *`, `If-Match: <etag>`; see `servers/s3/conditionalWrites.ts`). Rejects with an
 * {@link S3ServerStartError} when the port cannot be listened on (e.g. it is already in use).
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
  const port = options.port ?? 0;
  await mkdir(options.directory, { recursive: true });
  const S3rver = require("s3rver") as S3rverConstructor;
  const server = new S3rver({
    address: "127.0.0.1",
    port,
    directory: options.directory,
    silent: true,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  // Conditional PutObject (If-None-Match / If-Match), which s3rver ignores, checked before its routes.
  const S3Error = require("s3rver/lib/models/error") as S3ErrorConstructor;
  server.middleware.splice(server.middleware.length - 1, 0, conditionalWrites(server.store, S3Error));
  // s3rver's run() listens without an error listener, so a busy port becomes an uncaught exception;
  // its two halves are called here instead, with the listen error turned into a rejection.
  await server.configureBuckets();
  const httpServer = await new Promise<Server>((resolve, reject) => {
    const listening: Server = server.listen(port, "127.0.0.1", () => {
      listening.off("error", onError);
      resolve(listening);
    });
    function onError(error: NodeJS.ErrnoException): void {
      const reason =
        error.code === "EADDRINUSE"
          ? `port ${port} on 127.0.0.1 is already in use`
          : error.code === "EACCES"
            ? `not allowed to listen on port ${port} on 127.0.0.1`
            : `cannot listen on port ${port} on 127.0.0.1: ${error.message}`;
      reject(new S3ServerStartError(port, error.code, `S3-compatible server: ${reason}`, { cause: error }));
    }
    listening.once("error", onError);
  });
  const address = httpServer.address() as AddressInfo;
  let closed = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    directory: options.directory,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve, reject) =>
        httpServer.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
