import { TMDB_MAX_PAGE } from "../../contract/pipeline";
import type { TmdbCatalog } from "../tmdbCatalog";
import type { FaultRoute } from "./faults";
import { STATUS_MESSAGES, tmdbError } from "./http";

/** The endpoints the server answers, and what they answer from a catalog. */

/** A request's route. */
export type Route = FaultRoute;

/** The route of a request (GET only; anything else is unknown). */
export function parseRoute(method: string, url: URL): Route {
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

/** Answers a route from the catalog: status and body, or undefined for TMDB's 404. */
export function routeBody(catalog: TmdbCatalog, route: Route): { status: number; body: unknown } | undefined {
  if (route.endpoint === "popular") {
    if (route.page === undefined) return { status: 400, body: tmdbError(22, STATUS_MESSAGES.invalidPage) };
    return {
      status: 200,
      body: {
        page: route.page,
        results: catalog.popularPages[route.page - 1] ?? [],
        total_pages: catalog.popularPages.length,
        total_results: totalResults(catalog),
      },
    };
  }
  if (route.endpoint === "details") {
    const details = catalog.details.get(route.movieId);
    return details ? { status: 200, body: details } : undefined;
  }
  return undefined;
}

const totals = new WeakMap<TmdbCatalog, number>();

/** `total_results` of the popular list: the catalog's, else the number of distinct listed ids. */
function totalResults(catalog: TmdbCatalog): number {
  let total = catalog.totalResults ?? totals.get(catalog);
  if (total === undefined) {
    total = new Set(catalog.popularPages.flat().map((movie) => movie["id"])).size;
    totals.set(catalog, total);
  }
  return total;
}
