import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { TMDB_MAX_PAGE } from "../contract/pipeline";
import { FaultList, type TmdbFault, type TmdbFaultEffect } from "./tmdb/faults";
import {
  sendJson,
  sendRaw,
  simulateLatency,
  sleep,
  STATUS_MESSAGES,
  tmdbError,
  type TmdbLatency,
} from "./tmdb/http";
import { changesProblem } from "./tmdb/changes";
import { parseRoute, routeBody } from "./tmdb/routes";
import { newStats, recordRequest, type TmdbServerStats } from "./tmdb/stats";
import type { TmdbCatalog } from "./tmdbCatalog";

export type { TmdbFault, TmdbFaultEffect, TmdbFaultTarget } from "./tmdb/faults";
export type { TmdbLatency } from "./tmdb/http";
export type { TmdbServerStats } from "./tmdb/stats";

/**
 * A TMDB-compatible HTTP server for tests, benchmarks and the local stack. It serves a
 * {@link TmdbCatalog} through the endpoints the extractor uses, with TMDB's response and error
 * shapes, and can simulate network latency, TMDB's rate limit and injected faults.
 *
 * - `GET /3/movie/popular?page=N` — `{ page, results, total_pages, total_results }`; `page` must be an
 *   integer in 1..500 (else 400, `status_code` 22); pages past the catalog's last page have no results.
 * - `GET /3/movie/{id}` — the catalog's details object, or 404 (`status_code` 34).
 * - `GET /3/discover/movie` — every movie of the catalog's `details`, filtered by
 *   `primary_release_year`, `primary_release_date.gte`/`.lte` and `include_adult`, sorted by
 *   popularity or revenue, 20 list items a page (see `servers/tmdb/discover.ts`).
 * - `GET /3/movie/changes` — the distinct ids of the catalog's `changes` in a window of at most 14
 *   days, 100 a page (see `servers/tmdb/changes.ts`).
 * - With `token` set, requests without `Authorization: Bearer <token>` get 401 (`status_code` 7).
 * - Anything else: 404 (`status_code` 34).
 */

/** Options of {@link startTmdbServer}. */
export interface TmdbServerOptions {
  /** The movies to serve. */
  catalog: TmdbCatalog;
  /**
   * API Read Access Token clients must send as `Authorization: Bearer <token>`; no check when unset.
   * @default undefined
   */
  token?: string;
  /**
   * TCP port on 127.0.0.1; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Latency added to every response.
   * @default undefined (no added latency)
   */
  latency?: TmdbLatency;
  /**
   * Requests accepted per sliding one-second window; requests above it get 429 (`status_code` 25),
   * without `Retry-After` (as TMDB often does). Rejected requests do not count towards the window.
   * @default undefined (no limit)
   */
  rateLimitPerSecond?: number;
  /**
   * Faults to inject, checked in order; the first matching fault with remaining `times` applies.
   * @default []
   */
  faults?: TmdbFault[];
  /**
   * The clock of `GET /movie/changes`' default window (the last 24 hours when a request gives no dates).
   * @default () => new Date()
   */
  now?: () => Date;
}

/** A running TMDB-compatible server. */
export interface TmdbServer {
  /** Base URL for `TMDB_API_BASE_URL`, ending in `/3`, e.g. `http://127.0.0.1:43121/3`. */
  baseUrl: string;
  /** Live statistics (updated as requests are served). */
  stats: TmdbServerStats;
  /** Adds a fault after start (checked after the ones given in the options). */
  injectFault(fault: TmdbFault): void;
  /** Removes every injected fault. */
  clearFaults(): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** Starts a TMDB-compatible server on 127.0.0.1 serving `options.catalog`. */
export async function startTmdbServer(options: TmdbServerOptions): Promise<TmdbServer> {
  validateOptions(options);
  const faults = new FaultList(options.faults);
  const stats = newStats();
  const inFlight = { count: 0 };
  const admit = slidingWindow(options.rateLimitPerSecond);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    stats.byPath[url.pathname] = (stats.byPath[url.pathname] ?? 0) + 1;
    const route = parseRoute(req.method ?? "GET", url, (options.now ?? (() => new Date()))());
    // Authorisation and the rate limit are decided on arrival; latency delays only the answer.
    const authorized = options.token === undefined || req.headers.authorization === `Bearer ${options.token}`;
    const admitted = !authorized || admit();
    await simulateLatency(options.latency);
    if (!authorized) return sendJson(res, 401, tmdbError(7, STATUS_MESSAGES.unauthorized));
    if (!admitted) return sendJson(res, 429, tmdbError(25, STATUS_MESSAGES.rateLimited));
    const fault = faults.take(route);
    if (fault && (await applyFault(fault, req, res, () => routeBody(options.catalog, route)))) return;
    const answer = routeBody(options.catalog, route);
    if (!answer) return sendJson(res, 404, tmdbError(34, STATUS_MESSAGES.notFound));
    return sendJson(res, answer.status, answer.body);
  };

  const server = createServer((req, res) => {
    const finish = recordRequest(stats, (req.url ?? "/").split("?")[0] ?? "/", inFlight);
    res.on("close", () => finish(res.headersSent ? res.statusCode : 0));
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, tmdbError(11, STATUS_MESSAGES.serverError));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/3`,
    stats,
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * Answers a request as a fault says. Returns false when the normal answer should follow (a slow
 * fault, after its delay).
 */
async function applyFault(
  fault: TmdbFaultEffect,
  req: IncomingMessage,
  res: ServerResponse,
  normal: () => { status: number; body: unknown } | undefined,
): Promise<boolean> {
  switch (fault.type) {
    case "rateLimited":
      sendJson(res, 429, tmdbError(25, STATUS_MESSAGES.rateLimited), fault.retryAfterSeconds);
      return true;
    case "serverError": {
      const body =
        fault.status === 503
          ? tmdbError(9, STATUS_MESSAGES.unavailable)
          : tmdbError(11, STATUS_MESSAGES.serverError);
      sendJson(res, fault.status, body, fault.retryAfterSeconds);
      return true;
    }
    case "notFound":
      sendJson(res, 404, tmdbError(34, STATUS_MESSAGES.notFound));
      return true;
    case "unauthorized":
      sendJson(res, 401, tmdbError(7, STATUS_MESSAGES.unauthorized));
      return true;
    case "customBody":
      sendJson(res, fault.status ?? 200, fault.body);
      return true;
    case "connectionReset":
      req.socket.destroy();
      return true;
    case "malformedJson": {
      const full = JSON.stringify(normal()?.body ?? {});
      sendRaw(res, 200, full.slice(0, Math.max(1, Math.floor(full.length / 2))));
      return true;
    }
    case "slow":
      await sleep(fault.delayMs);
      return res.destroyed;
  }
}

/** TMDB's rate limit: requests accepted per sliding one-second window; rejected ones do not count. */
function slidingWindow(limit: number | undefined): () => boolean {
  const acceptedAt: number[] = [];
  return () => {
    if (limit === undefined) return true;
    const now = performance.now();
    while (acceptedAt.length > 0 && (acceptedAt[0] ?? 0) <= now - 1000) acceptedAt.shift();
    if (acceptedAt.length >= limit) return false;
    acceptedAt.push(now);
    return true;
  };
}

function validateOptions(options: TmdbServerOptions): void {
  const { latency, rateLimitPerSecond } = options;
  if (
    latency &&
    !(latency.meanMs >= 0 && (latency.jitterMs ?? 0) >= 0 && (latency.jitterMs ?? 0) <= latency.meanMs)
  ) {
    throw new Error("startTmdbServer: latency needs meanMs >= 0 and 0 <= jitterMs <= meanMs");
  }
  if (rateLimitPerSecond !== undefined && !(Number.isInteger(rateLimitPerSecond) && rateLimitPerSecond > 0)) {
    throw new Error("startTmdbServer: rateLimitPerSecond must be a positive integer");
  }
  if (options.catalog.popularPages.length > TMDB_MAX_PAGE) {
    throw new Error(`startTmdbServer: catalog has more than ${TMDB_MAX_PAGE} popular pages`);
  }
  const changes = changesProblem(options.catalog);
  if (changes !== undefined) throw new Error(`startTmdbServer: the catalog's ${changes}`);
}
