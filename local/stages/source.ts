import { randomBytes } from "node:crypto";
import {
  DEFAULT_TMDB_BASE_URL,
  tmdbBaseUrlProblem,
  tmdbTokenProblem,
} from "../../functions/extractor/config";
import { buildDemoCatalog, DEMO_CATALOG_DEFAULT_PAGES } from "../../servers/demoCatalog";
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
 * serving the synthetic demo catalog (or the catalog given in the options). The TMDB API's base URL and
 * token are checked with the extractor's own rules before anything is printed: a URL carrying credentials
 * is refused, never shown.
 */
export async function startSource(context: StageContext): Promise<Source> {
  const { progress, pages, tmdbToken, env, options } = context;
  if (tmdbToken !== undefined) {
    const baseUrl = env["TMDB_API_BASE_URL"] || DEFAULT_TMDB_BASE_URL;
    refuseUnsafeTmdbSettings(baseUrl, tmdbToken);
    progress.stage(`Source: the TMDB API at ${baseUrl} (TMDB_API_TOKEN is set)`);
    progress.done(`${pages} popular page(s) to extract`);
    const close = async () => undefined;
    return { baseUrl, token: tmdbToken, description: "TMDB API", realTmdb: true, server: undefined, close };
  }
  progress.stage("Source: local TMDB-compatible server with the built-in demo catalog");
  const catalog = options.catalog ?? buildDemoCatalog({ pages: Math.max(pages, DEMO_CATALOG_DEFAULT_PAGES) });
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
    `${catalog.details.size} movies on ${catalog.popularPages.length} popular pages, serving ${server.baseUrl}`,
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

/** Throws, naming the variable and never repeating its value, when the base URL or the token breaks the extractor's rules. */
function refuseUnsafeTmdbSettings(baseUrl: string, token: string): void {
  const urlProblem = tmdbBaseUrlProblem(baseUrl);
  if (urlProblem !== undefined) throw new LocalStackError("source", `TMDB_API_BASE_URL ${urlProblem}`);
  const tokenProblem = tmdbTokenProblem(token);
  if (tokenProblem !== undefined) throw new LocalStackError("source", `TMDB_API_TOKEN ${tokenProblem}`);
}
