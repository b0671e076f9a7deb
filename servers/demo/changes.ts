import type { TmdbChange } from "../tmdbCatalog";
import type { HistorySettings } from "./history";
import type { Generator } from "./random";

/**
 * The change log of a demo history. A share of movies changed on days of the last weeks before
 * `asOf`, a quarter of them twice (the changes endpoint lists such a movie once). What changed:
 *
 * - about half of them were revised: box office grew (revenue up 2–30 %), revenue was entered where
 *   it was unknown, or a budget was entered where neither figure was known; votes went up;
 * - about one in twenty was removed from TMDB (its id stays in the log, its details are gone: 404);
 * - the rest changed in ways the figures do not show (an overview, a poster).
 *
 * The catalog keeps the latest version; each revised or removed movie's version before its change is
 * returned in `previousDetails`. Only released movies are revised.
 */

const MS_PER_DAY = 86_400_000;

/** Generates the change log, revising and removing movies of `details` in place. */
export function changeFeed(
  gen: Generator,
  details: Map<number, Record<string, unknown>>,
  settings: Pick<HistorySettings, "asOf" | "changedShare" | "changeDays">,
): { changes: TmdbChange[]; previousDetails: Map<number, Record<string, unknown>> } {
  const lastDay = Math.floor(settings.asOf.getTime() / MS_PER_DAY);
  const changes: TmdbChange[] = [];
  const previousDetails = new Map<number, Record<string, unknown>>();
  for (const [id, movie] of [...details]) {
    if (!gen.chance(settings.changedShare)) continue;
    const times = gen.chance(0.25) ? 2 : 1;
    for (let i = 0; i < times; i += 1) {
      const day = lastDay - gen.int(0, settings.changeDays - 1);
      changes.push({ id, date: new Date(day * MS_PER_DAY).toISOString().slice(0, 10) });
    }
    const kind = gen.next();
    if (kind < 0.05) {
      previousDetails.set(id, movie);
      details.delete(id);
    } else if (kind < 0.55 && movie["status"] === "Released") {
      previousDetails.set(id, { ...movie });
      revise(gen, movie);
    }
  }
  changes.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id));
  return { changes, previousDetails };
}

/** New figures for a released movie. */
function revise(gen: Generator, movie: Record<string, unknown>): void {
  const budget = Number(movie["budget"]) || 0;
  const revenue = Number(movie["revenue"]) || 0;
  if (revenue > 0) movie["revenue"] = Math.round(revenue * (1.02 + gen.next() * 0.28));
  else if (budget > 0) movie["revenue"] = Math.round(budget * gen.logNormal(2, 0.8));
  else movie["budget"] = Math.max(100_000, Math.round(gen.logNormal(15e6, 0.8) / 100_000) * 100_000);
  movie["vote_count"] = (Number(movie["vote_count"]) || 0) + gen.int(1, 60);
}
