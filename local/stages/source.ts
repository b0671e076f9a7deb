import { randomBytes } from "node:crypto";
import {
  DEFAULT_TMDB_BASE_URL,
  tmdbBaseUrlProblem,
  tmdbTokenProblem,
} from "../../functions/extractor/config";
import type { BackfillEvent } from "../../functions/extractor/event";
import {
  buildDemoCatalog,
  buildDemoHistory,
  DEMO_CATALOG_DEFAULT_PAGES,
  withHistory,
} from "../../servers/demoCatalog";
import type { TmdbCatalog } from "../../servers/tmdbCatalog";
import { startTmdbServer, type TmdbServer } from "../../servers/tmdbServer";
import { LocalStackError } from "../options";
import { startServer, type StageContext } from "./context";

/** Where the extractor gets its movies: the real TMDB API, or a local TMDB-compatible server. */
export interface Source {
  /** `TMDB_API_BASE_URL` for the extractor. */
  baseUrl: string;
  /** The token the extractor sends. */
  token: string;
  /** How the outputs name the source, e.g. `built-in demo catalog (synthetic)`. */
  description: string;
  /** Whether the source is the real TMDB API (its rate limits apply). */
  realTmdb: boolean;
  /** The local server, stopped by {@link Source.close}. */
  server: TmdbServer | undefined;
  close(): Promise<void>;
}

/**
 * Stage 1: the real TMDB API when a token is given, else a TMDB-compatible server on 127.0.0.1
 * serving the synthetic demo catalog, with its decades of history for a backfill (or the catalog
 * given in the options). The TMDB API's base URL and
 * token are checked with the extractor's own rules before anything is printed: a URL carrying credentials
 * is refused, never shown.
 */
export async function startSource(context: StageContext): Promise<Source> {
  const { progress, pages, tmdbToken, env, options, event } = context;
  if (tmdbToken !== undefined) {
    const baseUrl = env["TMDB_API_BASE_URL"] || DEFAULT_TMDB_BASE_URL;
    refuseUnsafeTmdbSettings(baseUrl, tmdbToken);
    progress.stage(`Source: the TMDB API at ${baseUrl} (TMDB_API_TOKEN is set)`);
    progress.done(
      event.mode === "backfill"
        ? `a backfill of release years ${yearsOf(event)} to extract`
        : `${pages} popular page(s) to extract`,
    );
    const close = async () => undefined;
    return { baseUrl, token: tmdbToken, description: "TMDB API", realTmdb: true, server: undefined, close };
  }
  const backfill = event.mode === "backfill";
  progress.stage(
    `Source: local TMDB-compatible server with the built-in demo catalog${backfill ? " and its history" : ""}`,
  );
  const popular = () => buildDemoCatalog({ pages: Math.max(pages, DEMO_CATALOG_DEFAULT_PAGES) });
  const catalog = options.catalog ?? (backfill ? withHistory(popular(), buildDemoHistory()) : popular());
  const released = releaseYears(catalog);
  const token = randomBytes(16).toString("hex");
  const port = options.tmdbPort ?? 0;
  const server = await startServer("TMDB-compatible server", port, "--tmdb-port", () =>
    startTmdbServer({ catalog, token, port }),
  );
  if (catalog.synthetic) {
    progress.detail("SYNTHETIC DEMO DATA: no TMDB_API_TOKEN is set, so the movies are generated, not real.");
    progress.detail("Set TMDB_API_TOKEN (a TMDB API Read Access Token) to use the real TMDB API.");
  }
  progress.done(
    `${catalog.details.size} movies released ${released} (${catalog.popularPages.length} popular pages), ` +
      `serving ${server.baseUrl}`,
  );
  return {
    baseUrl: server.baseUrl,
    token,
    description: catalog.synthetic ? "built-in demo catalog (synthetic)" : "local TMDB-compatible server",
    realTmdb: false,
    server,
    close: () => server.close(),
  };
}

/** The first and last release years of a catalog's movies, e.g. `1970-2025`. */
function releaseYears(catalog: TmdbCatalog): string {
  const years = [...catalog.details.values()]
    .map((movie) => Number(String(movie["release_date"] ?? "").slice(0, 4)))
    .filter((year) => year > 0);
  return years.length === 0 ? "in no known year" : `${Math.min(...years)}-${Math.max(...years)}`;
}

/** `1990-2000`, or `1874-` for a range up to the current year. */
export function yearsOf(event: BackfillEvent): string {
  return `${event.fromYear}-${event.toYear ?? ""}`;
}

/** Throws, naming the variable and never repeating its value, when the base URL or the token breaks the extractor's rules. */
function refuseUnsafeTmdbSettings(baseUrl: string, token: string): void {
  const urlProblem = tmdbBaseUrlProblem(baseUrl);
  if (urlProblem !== undefined) throw new LocalStackError("source", `TMDB_API_BASE_URL ${urlProblem}`);
  const tokenProblem = tmdbTokenProblem(token);
  if (tokenProblem !== undefined) throw new LocalStackError("source", `TMDB_API_TOKEN ${tokenProblem}`);
}
