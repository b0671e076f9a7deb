import type { TmdbCatalog } from "../tmdbCatalog";
import { changesAnswer, parseChanges, type ChangesRoute } from "./changes";
import { discoverAnswer, parseDiscover, type DiscoverRoute } from "./discover";
import { INVALID_PAGE, parsePage } from "./params";

/** The endpoints the server answers, and what they answer from a catalog. */

/** A request's route: what faults match on (`FaultRoute`), with what answering it needs. */
export type Route =
  | { endpoint: "popular"; page: number | undefined }
  | { endpoint: "details"; movieId: number }
  | DiscoverRoute
  | ChangesRoute
  | { endpoint: "unknown" };

/**
 * The route of a request (GET only; anything else is unknown). `now` decides the default window of
 * `GET /movie/changes`.
 */
export function parseRoute(method: string, url: URL, now: Date = new Date()): Route {
  if (method !== "GET") return { endpoint: "unknown" };
  if (url.pathname === "/3/movie/popular")
    return { endpoint: "popular", page: parsePage(url.searchParams.get("page")) };
  if (url.pathname === "/3/discover/movie") return parseDiscover(url.searchParams);
  if (url.pathname === "/3/movie/changes") return parseChanges(url.searchParams, now);
  const details = /^\/3\/movie\/(\d+)$/.exec(url.pathname);
  if (details?.[1] !== undefined) return { endpoint: "details", movieId: Number(details[1]) };
  return { endpoint: "unknown" };
}

/** Answers a route from the catalog: status and body, or undefined for TMDB's 404. */
export function routeBody(catalog: TmdbCatalog, route: Route): { status: number; body: unknown } | undefined {
  switch (route.endpoint) {
    case "popular":
      if (route.page === undefined) return INVALID_PAGE;
      return {
        status: 200,
        body: {
          page: route.page,
          results: catalog.popularPages[route.page - 1] ?? [],
          total_pages: catalog.popularPages.length,
          total_results: totalResults(catalog),
        },
      };
    case "details": {
      const details = catalog.details.get(route.movieId);
      return details ? { status: 200, body: details } : undefined;
    }
    case "discover":
      return discoverAnswer(catalog, route);
    case "changes":
      return changesAnswer(catalog, route);
    case "unknown":
      return undefined;
  }
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
