import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { TMDB_MAX_PAGE } from "../contract/pipeline";
import type { TmdbCatalog } from "./tmdbCatalog";

/**
 * A TMDB-compatible HTTP server for tests, benchmarks and the local stack. It serves a
 * {@link TmdbCatalog} through the two endpoints the extractor uses, with TMDB's response and error
 * shapes, and can simulate network latency, TMDB's rate limit and injected faults.
 *
 * - `GET /3/movie/popular?page=N` — `{ page, results, total_pages, total_results }`; `page` must be an
 *   integer in 1..500 (else 400, `status_code` 22); pages past the catalog's last page have no results.
 * - `GET /3/movie/{id}` — the catalog's details object, or 404 (`status_code` 34).
 * - With `token` set, requests without `Authorization: Bearer <token>` get 401 (`status_code` 7).
 * - Anything else: 404 (`status_code` 34).
 */

/** Which requests a fault applies to. */
export type TmdbFaultTarget =
  /** The popular list; only the given page when `page` is set. */
  | { endpoint: "popular"; page?: number }
  /** Movie details; only the given movie when `movieId` is set. */
  | { endpoint: "details"; movieId?: number };

/** What an injected fault does to a matching request. */
export type TmdbFaultEffect =
  /** 429 with TMDB's body (`status_code` 25); `Retry-After` is sent only when `retryAfterSeconds` is set. */
  | { type: "rateLimited"; retryAfterSeconds?: number }
  /** A server error with TMDB's generic error body; optional `Retry-After`. */
  | { type: "serverError"; status: 500 | 502 | 503 | 504; retryAfterSeconds?: number }
  /** The normal response, held back for `delayMs` before any byte is sent (use to exceed a client timeout). */
  | { type: "slow"; delayMs: number }
  /** 200 with `Content-Type: application/json` and a truncated, unparsable JSON body. */
  | { type: "malformedJson" }
  /** 404 with TMDB's not-found body (`status_code` 34), as for a movie that was removed. */
  | { type: "notFound" }
  /** 401 with TMDB's invalid-key body (`status_code` 7). */
  | { type: "unauthorized" }
  /** The connection is destroyed without a response (a network error for the client). */
  | { type: "connectionReset" }
  /** Any JSON body, e.g. a response whose shape TMDB never sends. */
  | { type: "customBody"; body: unknown; status?: number };

/** A fault injected into matching requests. */
export interface TmdbFault {
  /** Requests the fault applies to. */
  target: TmdbFaultTarget;
  /** What happens to them. */
  effect: TmdbFaultEffect;
  /**
   * How many matching requests are affected; later ones are served normally.
   * @default Infinity
   */
  times?: number;
}

/** Simulated network latency added to every response: uniform in `meanMs ± jitterMs`. */
export interface TmdbLatency {
  /** Mean latency in milliseconds. */
  meanMs: number;
  /**
   * Maximum deviation from the mean in milliseconds.
   * @default 0
   */
  jitterMs?: number;
}

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
}

/** Request statistics of a running server. */
export interface TmdbServerStats {
  /** Requests received (all endpoints and outcomes). */
  requests: number;
  /** Responses with status 429 (rate limit and injected). */
  rateLimited: number;
  /** Requests per path, e.g. `/3/movie/popular` or `/3/movie/11`. */
  byPath: Record<string, number>;
  /** Responses per HTTP status (connection resets count as status 0). */
  byStatus: Record<number, number>;
  /** Time from request arrival to the end of the response, per request, in milliseconds. */
  latenciesMs: number[];
  /** Largest number of requests in flight at the same time. */
  maxInFlight: number;
  /** Every finished request in order of completion: path, status (0: connection dropped), `performance.now()` times. */
  log: { path: string; status: number; startedAt: number; endedAt: number }[];
  /** `performance.now()` when the first request arrived (undefined before any). */
  firstRequestAt?: number;
  /** `performance.now()` when the latest response ended (undefined before any). */
  lastResponseAt?: number;
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

interface ActiveFault {
  fault: TmdbFault;
  remaining: number;
}

type Route =
  | { endpoint: "popular"; page: number | undefined }
  | { endpoint: "details"; movieId: number }
  | { endpoint: "unknown" };

const STATUS_MESSAGES = {
  unauthorized: "Invalid API key: You must be granted a valid key.",
  notFound: "The resource you requested could not be found.",
  invalidPage: "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.",
  rateLimited: "Your request count (41) is over the allowed limit of 40.",
  serverError: "Internal error: Something went wrong, contact TMDb.",
  unavailable: "Service offline: This service is temporarily offline, try again later.",
} as const;

/** Starts a TMDB-compatible server on 127.0.0.1 serving `options.catalog`. */
export async function startTmdbServer(options: TmdbServerOptions): Promise<TmdbServer> {
  const { catalog } = options;
  validateOptions(options);
  const faults: ActiveFault[] = (options.faults ?? []).map((fault) => ({
    fault,
    remaining: fault.times ?? Number.POSITIVE_INFINITY,
  }));
  const totalResults = catalog.totalResults ?? new Set(catalog.popularPages.flat().map((m) => m["id"])).size;
  const stats: TmdbServerStats = {
    requests: 0,
    rateLimited: 0,
    byPath: {},
    byStatus: {},
    latenciesMs: [],
    maxInFlight: 0,
    log: [],
  };
  const acceptedAt: number[] = [];
  let inFlight = 0;

  const server = createServer((req, res) => {
    const startedAt = performance.now();
    stats.firstRequestAt ??= startedAt;
    inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    stats.requests += 1;
    let finished = false;
    const finish = (status: number): void => {
      if (finished) return;
      finished = true;
      inFlight -= 1;
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      if (status === 429) stats.rateLimited += 1;
      stats.lastResponseAt = performance.now();
      stats.latenciesMs.push(stats.lastResponseAt - startedAt);
      stats.log.push({
        path: (req.url ?? "/").split("?")[0] ?? "/",
        status,
        startedAt,
        endedAt: stats.lastResponseAt,
      });
    };
    res.on("close", () => finish(res.headersSent ? res.statusCode : 0));
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, tmdbError(11, STATUS_MESSAGES.serverError));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    stats.byPath[url.pathname] = (stats.byPath[url.pathname] ?? 0) + 1;
    const route = parseRoute(req.method ?? "GET", url);
    // Authorisation and the rate limit are decided on arrival; latency delays only the answer.
    const authorized = options.token === undefined || req.headers.authorization === `Bearer ${options.token}`;
    const admitted =
      !authorized || options.rateLimitPerSecond === undefined || admit(options.rateLimitPerSecond);
    await simulateLatency(options.latency);

    if (!authorized) return sendJson(res, 401, tmdbError(7, STATUS_MESSAGES.unauthorized));
    if (!admitted) return sendJson(res, 429, tmdbError(25, STATUS_MESSAGES.rateLimited));
    const fault = takeFault(route);
    if (fault) {
      switch (fault.type) {
        case "rateLimited":
          return sendJson(res, 429, tmdbError(25, STATUS_MESSAGES.rateLimited), fault.retryAfterSeconds);
        case "serverError": {
          const body =
            fault.status === 503
              ? tmdbError(9, STATUS_MESSAGES.unavailable)
              : tmdbError(11, STATUS_MESSAGES.serverError);
          return sendJson(res, fault.status, body, fault.retryAfterSeconds);
        }
        case "notFound":
          return sendJson(res, 404, tmdbError(34, STATUS_MESSAGES.notFound));
        case "unauthorized":
          return sendJson(res, 401, tmdbError(7, STATUS_MESSAGES.unauthorized));
        case "customBody":
          return sendJson(res, fault.status ?? 200, fault.body);
        case "connectionReset":
          req.socket.destroy();
          return;
        case "malformedJson": {
          const full = JSON.stringify(routeBody(route)?.body ?? {});
          return sendRaw(res, 200, full.slice(0, Math.max(1, Math.floor(full.length / 2))));
        }
        case "slow":
          await sleep(fault.delayMs);
          if (res.destroyed) return;
          break;
      }
    }
    const answer = routeBody(route);
    if (!answer) return sendJson(res, 404, tmdbError(34, STATUS_MESSAGES.notFound));
    return sendJson(res, answer.status, answer.body);
  }

  function routeBody(route: Route): { status: number; body: unknown } | undefined {
    if (route.endpoint === "popular") {
      if (route.page === undefined) return { status: 400, body: tmdbError(22, STATUS_MESSAGES.invalidPage) };
      return {
        status: 200,
        body: {
          page: route.page,
          results: catalog.popularPages[route.page - 1] ?? [],
          total_pages: catalog.popularPages.length,
          total_results: totalResults,
        },
      };
    }
    if (route.endpoint === "details") {
      const details = catalog.details.get(route.movieId);
      return details ? { status: 200, body: details } : undefined;
    }
    return undefined;
  }

  function admit(limit: number): boolean {
    const now = performance.now();
    while (acceptedAt.length > 0 && (acceptedAt[0] ?? 0) <= now - 1000) acceptedAt.shift();
    if (acceptedAt.length >= limit) return false;
    acceptedAt.push(now);
    return true;
  }

  function takeFault(route: Route): TmdbFaultEffect | undefined {
    for (const active of faults) {
      if (active.remaining <= 0 || !matches(active.fault.target, route)) continue;
      active.remaining -= 1;
      return active.fault.effect;
    }
    return undefined;
  }

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
    injectFault(fault) {
      faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults() {
      faults.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
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
}

function parseRoute(method: string, url: URL): Route {
  if (method !== "GET") return { endpoint: "unknown" };
  if (url.pathname === "/3/movie/popular") {
    const raw = url.searchParams.get("page") ?? "1";
    const page = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    const valid = Number.isInteger(page) && page >= 1 && page <= TMDB_MAX_PAGE;
    return { endpoint: "popular", page: valid ? page : undefined };
  }
  const details = /^\/3\/movie\/(\d+)$/.exec(url.pathname);
  if (details?.[1] !== undefined) return { endpoint: "details", movieId: Number(details[1]) };
  return { endpoint: "unknown" };
}

function matches(target: TmdbFaultTarget, route: Route): boolean {
  if (target.endpoint === "popular") {
    return route.endpoint === "popular" && (target.page === undefined || target.page === route.page);
  }
  return route.endpoint === "details" && (target.movieId === undefined || target.movieId === route.movieId);
}

function tmdbError(statusCode: number, statusMessage: string): Record<string, unknown> {
  return { success: false, status_code: statusCode, status_message: statusMessage };
}

function sendJson(res: ServerResponse, status: number, body: unknown, retryAfterSeconds?: number): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
  sendRaw(res, status, JSON.stringify(body), headers);
}

function sendRaw(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    "content-type": "application/json;charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function simulateLatency(latency: TmdbLatency | undefined): Promise<void> {
  if (!latency) return;
  const jitter = latency.jitterMs ?? 0;
  const ms = latency.meanMs + (Math.random() * 2 - 1) * jitter;
  if (ms > 0) await sleep(ms);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
