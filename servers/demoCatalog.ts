import { TMDB_MAX_PAGE } from "../contract/pipeline";
import type { TmdbCatalog } from "./tmdbCatalog";

/**
 * The built-in demo catalog: synthetic movies shaped exactly like TMDB's `GET /movie/popular` results
 * and `GET /movie/{id}` details, generated deterministically from a seed.
 *
 * Nothing here is real TMDB data. Titles, figures and companies are invented; every list item and
 * details object carries {@link SYNTHETIC_MARKER} so that anything downstream (the raw table, the
 * local stack's outputs) can tell demo data from real data.
 *
 * The figures follow the shape of the real catalogue rather than its values: budgets and
 * revenue multiples are log-normal with a per-genre centre, there are flops, and there is the dirt
 * TMDB really serves — `0` for unknown figures, figures entered in millions (`budget: 7` for
 * $7M), empty `release_date`, `null` where TMDB sends nulls, multi-genre movies, a few movies with
 * no genre at all, and a popular list that shifts while a client pages through it (an id on two
 * consecutive pages).
 */

/** Field added to every synthetic list item and details object; real TMDB responses never carry it. */
export const SYNTHETIC_MARKER = "_synthetic_demo";

/** TMDB's movie genres: stable ids with their English (`language=en-US`) names. */
export const TMDB_MOVIE_GENRES: readonly { id: number; name: string }[] = [
  { id: 28, name: "Action" },
  { id: 12, name: "Adventure" },
  { id: 16, name: "Animation" },
  { id: 35, name: "Comedy" },
  { id: 80, name: "Crime" },
  { id: 99, name: "Documentary" },
  { id: 18, name: "Drama" },
  { id: 10751, name: "Family" },
  { id: 14, name: "Fantasy" },
  { id: 36, name: "History" },
  { id: 27, name: "Horror" },
  { id: 10402, name: "Music" },
  { id: 9648, name: "Mystery" },
  { id: 10749, name: "Romance" },
  { id: 878, name: "Science Fiction" },
  { id: 10770, name: "TV Movie" },
  { id: 53, name: "Thriller" },
  { id: 10752, name: "War" },
  { id: 37, name: "Western" },
];

/** Options of {@link buildDemoCatalog}. */
export interface DemoCatalogOptions {
  /**
   * Seed of the generator; the same seed always yields the same catalog.
   * @default 20260601
   */
  seed?: number;
  /**
   * Number of popular pages (20 results each). The catalog is prefix-stable: the first N pages are the
   * same whatever `pages` is, for a given seed.
   * @default 25
   */
  pages?: number;
  /**
   * "Today" for the catalog, as `YYYY-MM-DD`: movies released after it are upcoming (no revenue yet).
   * Fixed so that the catalog does not change with the calendar.
   * @default "2026-06-01"
   */
  asOf?: string;
}

/** Default number of popular pages of the demo catalog (about 500 movies). */
export const DEMO_CATALOG_DEFAULT_PAGES = 25;

const RESULTS_PER_PAGE = 20;

/**
 * How each genre behaves in the generator: how often it appears in the popular list (relative
 * weight), the median budget of its movies, and the median revenue / budget multiple. Invented to
 * be plausible (horror is cheap and returns a lot, war epics struggle, TV movies rarely report box
 * office), not measured.
 */
const GENRE_PROFILES: Record<number, { weight: number; medianBudget: number; medianMultiple: number }> = {
  28: { weight: 0.27, medianBudget: 75e6, medianMultiple: 2.4 },
  12: { weight: 0.19, medianBudget: 95e6, medianMultiple: 2.8 },
  16: { weight: 0.1, medianBudget: 80e6, medianMultiple: 3.2 },
  35: { weight: 0.25, medianBudget: 25e6, medianMultiple: 2.5 },
  80: { weight: 0.15, medianBudget: 28e6, medianMultiple: 2.0 },
  99: { weight: 0.045, medianBudget: 2e6, medianMultiple: 2.2 },
  18: { weight: 0.38, medianBudget: 18e6, medianMultiple: 1.9 },
  10751: { weight: 0.1, medianBudget: 70e6, medianMultiple: 3.0 },
  14: { weight: 0.12, medianBudget: 90e6, medianMultiple: 2.6 },
  36: { weight: 0.055, medianBudget: 35e6, medianMultiple: 1.6 },
  27: { weight: 0.15, medianBudget: 9e6, medianMultiple: 4.2 },
  10402: { weight: 0.05, medianBudget: 20e6, medianMultiple: 2.9 },
  9648: { weight: 0.09, medianBudget: 22e6, medianMultiple: 2.5 },
  10749: { weight: 0.13, medianBudget: 16e6, medianMultiple: 2.4 },
  878: { weight: 0.14, medianBudget: 90e6, medianMultiple: 2.5 },
  10770: { weight: 0.03, medianBudget: 3e6, medianMultiple: 1.2 },
  53: { weight: 0.26, medianBudget: 30e6, medianMultiple: 2.3 },
  10752: { weight: 0.05, medianBudget: 50e6, medianMultiple: 1.7 },
  37: { weight: 0.04, medianBudget: 30e6, medianMultiple: 1.5 },
};

const LANGUAGES: readonly {
  code: string;
  english: string;
  native: string;
  country: string;
  countryName: string;
  weight: number;
}[] = [
  {
    code: "en",
    english: "English",
    native: "English",
    country: "US",
    countryName: "United States of America",
    weight: 0.72,
  },
  { code: "fr", english: "French", native: "Français", country: "FR", countryName: "France", weight: 0.05 },
  { code: "ja", english: "Japanese", native: "日本語", country: "JP", countryName: "Japan", weight: 0.06 },
  {
    code: "ko",
    english: "Korean",
    native: "한국어/조선말",
    country: "KR",
    countryName: "South Korea",
    weight: 0.04,
  },
  { code: "es", english: "Spanish", native: "Español", country: "ES", countryName: "Spain", weight: 0.05 },
  { code: "hi", english: "Hindi", native: "हिन्दी", country: "IN", countryName: "India", weight: 0.04 },
  { code: "de", english: "German", native: "Deutsch", country: "DE", countryName: "Germany", weight: 0.04 },
];

const ADJECTIVES = [
  "Silent",
  "Last",
  "Crimson",
  "Hidden",
  "Broken",
  "Golden",
  "Midnight",
  "Frozen",
  "Savage",
  "Distant",
  "Electric",
  "Hollow",
  "Burning",
  "Forgotten",
  "Wild",
  "Iron",
  "Velvet",
  "Endless",
  "Lost",
  "Final",
];
const NOUNS = [
  "Horizon",
  "Kingdom",
  "Harbor",
  "Signal",
  "Orchard",
  "Frontier",
  "Empire",
  "River",
  "Machine",
  "Garden",
  "Storm",
  "Covenant",
  "Echo",
  "Lantern",
  "Citadel",
  "Voyage",
  "Mirror",
  "Crown",
  "Shadow",
  "Summer",
];
const NAMES = [
  "Mara",
  "Elias",
  "Juno",
  "Theo",
  "Ines",
  "Kofi",
  "Lena",
  "Ravi",
  "Otto",
  "Sana",
  "Hugo",
  "Noor",
];
const COMPANY_WORDS = [
  "Northlight",
  "Bluefin",
  "Meridian",
  "Stonegate",
  "Paper Moon",
  "Red Kite",
  "Lodestar",
  "Tall Tree",
];
const COMPANY_SUFFIXES = ["Pictures", "Films", "Studios", "Entertainment", "Productions", "Media"];

/** mulberry32: small, fast, well-distributed 32-bit PRNG; deterministic for a seed. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Generator {
  readonly #random: () => number;
  #spareNormal: number | undefined;

  constructor(seed: number) {
    this.#random = createRandom(seed);
  }

  next(): number {
    return this.#random();
  }

  chance(probability: number): boolean {
    return this.#random() < probability;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.#random() * items.length)];
    if (item === undefined) throw new Error("pick() from an empty list");
    return item;
  }

  weighted<T extends { weight: number }>(items: readonly T[]): T {
    const total = items.reduce((sum, item) => sum + item.weight, 0);
    let roll = this.#random() * total;
    for (const item of items) {
      roll -= item.weight;
      if (roll < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new Error("weighted() from an empty list");
    return last;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    if (this.#spareNormal !== undefined) {
      const spare = this.#spareNormal;
      this.#spareNormal = undefined;
      return spare;
    }
    const u = 1 - this.#random();
    const v = this.#random();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal around `median` with log-space standard deviation `sigma`. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** A TMDB-style image path: `/` + 27 base62 characters + extension. */
  imagePath(extension: "jpg" | "png"): string {
    const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let path = "/";
    for (let i = 0; i < 27; i += 1) path += alphabet[Math.floor(this.#random() * alphabet.length)];
    return `${path}.${extension}`;
  }
}

interface GeneratedMovie {
  details: Record<string, unknown>;
  popularity: number;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function pickGenres(gen: Generator): { id: number; name: string }[] {
  if (gen.chance(0.012)) return []; // TMDB has movies without any genre
  const roll = gen.next();
  const count = roll < 0.27 ? 1 : roll < 0.63 ? 2 : roll < 0.91 ? 3 : 4;
  const pool = TMDB_MOVIE_GENRES.map((genre) => ({
    ...genre,
    weight: GENRE_PROFILES[genre.id]?.weight ?? 0.01,
  }));
  const chosen: { id: number; name: string }[] = [];
  while (chosen.length < count && pool.length > 0) {
    const genre = gen.weighted(pool);
    chosen.push({ id: genre.id, name: genre.name });
    pool.splice(pool.indexOf(genre), 1);
  }
  return chosen;
}

function makeTitle(gen: Generator, used: Set<string>): string {
  for (;;) {
    const pattern = gen.int(0, 4);
    let title: string;
    if (pattern === 0) title = `The ${gen.pick(ADJECTIVES)} ${gen.pick(NOUNS)}`;
    else if (pattern === 1) title = `${gen.pick(NOUNS)} of the ${gen.pick(ADJECTIVES)} ${gen.pick(NOUNS)}`;
    else if (pattern === 2) title = `${gen.pick(NAMES)}'s ${gen.pick(NOUNS)}`;
    else if (pattern === 3) title = `${gen.pick(ADJECTIVES)} ${gen.pick(NOUNS)}`;
    else title = `The ${gen.pick(NOUNS)} ${gen.pick(["Returns", "Rising", "Protocol", "Affair", "Legacy"])}`;
    if (gen.chance(0.12)) title += ` ${gen.int(2, 4)}`;
    if (!used.has(title)) {
      used.add(title);
      return title;
    }
  }
}

/** Rounds a budget the way studios report them: to a round figure. */
function roundBudget(value: number): number {
  const step = value >= 10e6 ? 1e6 : value >= 1e6 ? 100_000 : 10_000;
  return Math.max(step, Math.round(value / step) * step);
}

function makeMovie(gen: Generator, id: number, asOf: Date, usedTitles: Set<string>): GeneratedMovie {
  const genres = pickGenres(gen);
  const profiles = genres.map((genre) => GENRE_PROFILES[genre.id]).filter((p) => p !== undefined);
  const geometricMean = (values: number[], fallback: number): number =>
    values.length === 0
      ? fallback
      : Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
  const medianBudget = geometricMean(
    profiles.map((p) => p.medianBudget),
    15e6,
  );
  const medianMultiple = geometricMean(
    profiles.map((p) => p.medianMultiple),
    2,
  );
  const language = gen.weighted(LANGUAGES);
  const title = makeTitle(gen, usedTitles);
  const localTitle = language.code === "en" ? title : `${title} (${language.english} original)`;

  // Release dates: mostly the last decade, a long tail back to the 1970s, some upcoming.
  const yearsBack = gen.chance(0.08) ? -gen.next() * 0.8 : Math.min(50, Math.abs(gen.normal()) * 9);
  const release = new Date(asOf.getTime() - yearsBack * 365.25 * 86_400_000);
  const upcoming = release > asOf;
  let releaseDate = isoDate(release);
  let status = upcoming ? gen.pick(["Post Production", "In Production", "Planned"]) : "Released";

  const isTvMovie = genres.some((genre) => genre.id === 10770);
  let budget = roundBudget(gen.logNormal(medianBudget, 0.8));
  let revenue: number;
  if (gen.chance(0.06)) {
    revenue = Math.round(budget * gen.next() * 0.35); // a catastrophic flop
  } else {
    revenue = Math.round(budget * gen.logNormal(medianMultiple, 0.85));
  }
  if (upcoming || (isTvMovie && gen.chance(0.7))) revenue = 0; // no box office (yet)

  // Dirt as TMDB serves it.
  const dirt = gen.next();
  if (dirt < 0.06) {
    budget = 0; // no financial data at all
    revenue = 0;
  } else if (dirt < 0.13) {
    revenue = 0; // revenue unknown
  } else if (dirt < 0.18) {
    budget = 0; // budget unknown
  } else if (dirt < 0.2) {
    budget = Math.max(1, Math.round(budget / 1e6)); // budget entered in millions
  } else if (dirt < 0.215) {
    budget = Math.max(1, Math.round(budget / 1e6)); // both entered in millions
    revenue = Math.round(revenue / 1e6);
  } else if (dirt < 0.225) {
    revenue = Math.max(1, Math.round(revenue / 1e6)); // revenue entered in millions
  }
  if (gen.chance(0.02)) {
    releaseDate = ""; // TMDB sends an empty string, not null
    if (!upcoming) status = gen.pick(["Released", "Rumored"]);
  }

  const released = !upcoming && releaseDate !== "";
  const popularity = Math.round(gen.logNormal(60, 1.1) * 1000) / 1000;
  const voteCount = released ? Math.round(gen.logNormal(900, 1.4)) : 0;
  const voteAverage =
    voteCount === 0 ? 0 : Math.round(Math.min(9.4, Math.max(2.5, 6.6 + gen.normal() * 0.9)) * 1000) / 1000;
  const runtime = upcoming && gen.chance(0.5) ? 0 : Math.max(62, Math.round(106 + gen.normal() * 17));

  const companyCount = gen.int(1, 4);
  const companies = Array.from({ length: companyCount }, () => ({
    id: gen.int(1, 250_000),
    logo_path: gen.chance(0.45) ? null : gen.imagePath("png"),
    name: `${gen.pick(COMPANY_WORDS)} ${gen.pick(COMPANY_SUFFIXES)}`,
    origin_country: gen.chance(0.1) ? "" : gen.chance(0.7) ? language.country : "US",
  }));
  const inCollection = gen.chance(0.22);

  const details: Record<string, unknown> = {
    adult: false,
    backdrop_path: gen.chance(0.04) ? null : gen.imagePath("jpg"),
    belongs_to_collection: inCollection
      ? {
          id: gen.int(8_000, 1_400_000),
          name: `${title.replace(/ \d$/, "")} Collection`,
          poster_path: gen.chance(0.1) ? null : gen.imagePath("jpg"),
          backdrop_path: gen.chance(0.15) ? null : gen.imagePath("jpg"),
        }
      : null,
    budget,
    genres,
    homepage: gen.chance(0.45) ? "" : `https://movies.example.com/${id}`,
    id,
    imdb_id: gen.chance(0.04) ? null : `tt${String(gen.int(100_000, 39_999_999)).padStart(7, "0")}`,
    origin_country: [language.country],
    original_language: language.code,
    original_title: localTitle,
    overview: `Synthetic demo movie. ${gen.pick(NAMES)} and ${gen.pick(NAMES)} face the ${gen
      .pick(ADJECTIVES)
      .toLowerCase()} ${gen.pick(NOUNS).toLowerCase()} in a story that exists only in this demo catalog.`,
    popularity,
    poster_path: gen.chance(0.02) ? null : gen.imagePath("jpg"),
    production_companies: companies,
    production_countries: [{ iso_3166_1: language.country, name: language.countryName }],
    release_date: releaseDate,
    revenue,
    runtime,
    softcore: false,
    spoken_languages: [{ english_name: language.english, iso_639_1: language.code, name: language.native }],
    status,
    tagline: gen.chance(0.25) ? "" : `${gen.pick(ADJECTIVES)} ${gen.pick(NOUNS).toLowerCase()}s never end.`,
    title,
    video: false,
    vote_average: voteAverage,
    vote_count: voteCount,
    [SYNTHETIC_MARKER]: true,
  };
  return { details, popularity };
}

/** The popular-list item TMDB shows for a movie, derived from its details. */
export function popularListItem(details: Record<string, unknown>): Record<string, unknown> {
  const genres = Array.isArray(details["genres"]) ? (details["genres"] as { id: number }[]) : [];
  const item: Record<string, unknown> = {
    adult: details["adult"],
    backdrop_path: details["backdrop_path"],
    genre_ids: genres.map((genre) => genre.id),
    id: details["id"],
    original_language: details["original_language"],
    original_title: details["original_title"],
    overview: details["overview"],
    popularity: details["popularity"],
    poster_path: details["poster_path"],
    release_date: details["release_date"],
    softcore: details["softcore"],
    title: details["title"],
    video: details["video"],
    vote_average: details["vote_average"],
    vote_count: details["vote_count"],
  };
  if (details[SYNTHETIC_MARKER] === true) item[SYNTHETIC_MARKER] = true;
  return item;
}

/**
 * Builds the demo catalog. Deterministic: the same options always give the same catalog.
 *
 * Movies are generated page by page from one random stream, so a catalog with more pages starts
 * with exactly the movies of a catalog with fewer pages. Within the list, movies are ordered by
 * popularity; about one page boundary in four repeats the previous page's last movie at the top of
 * the next page, as the live list does when a movie drops a rank while a client pages through it.
 */
export function buildDemoCatalog(options: DemoCatalogOptions = {}): TmdbCatalog {
  const seed = options.seed ?? 20260601;
  const pages = options.pages ?? DEMO_CATALOG_DEFAULT_PAGES;
  const asOfText = options.asOf ?? "2026-06-01";
  if (!Number.isInteger(pages) || pages < 1 || pages > TMDB_MAX_PAGE) {
    throw new RangeError(`pages must be an integer in 1..${TMDB_MAX_PAGE}, got ${pages}`);
  }
  const asOf = new Date(`${asOfText}T00:00:00Z`);
  if (Number.isNaN(asOf.getTime()) || !/^\d{4}-\d{2}-\d{2}$/.test(asOfText)) {
    throw new RangeError(`asOf must be a date as YYYY-MM-DD, got ${JSON.stringify(asOfText)}`);
  }

  const gen = new Generator(seed);
  const usedIds = new Set<number>();
  const usedTitles = new Set<string>();
  const details = new Map<number, Record<string, unknown>>();
  const popularPages: Record<string, unknown>[][] = [];
  let ceiling = 2_000; // popularity decreases page after page, as in the real list

  for (let page = 1; page <= pages; page += 1) {
    const fresh: GeneratedMovie[] = [];
    const previous = popularPages[page - 2];
    const shifted = previous !== undefined && gen.chance(0.25) ? previous[previous.length - 1] : undefined;
    const wanted = shifted === undefined ? RESULTS_PER_PAGE : RESULTS_PER_PAGE - 1;
    while (fresh.length < wanted) {
      let id = gen.int(10_000, 1_450_000);
      while (usedIds.has(id)) id = gen.int(10_000, 1_450_000);
      usedIds.add(id);
      fresh.push(makeMovie(gen, id, asOf, usedTitles));
    }
    // Scale popularity into this page's band so the list stays ordered by popularity.
    const floor = ceiling * 0.82;
    const sorted = fresh.sort((a, b) => b.popularity - a.popularity);
    const top = sorted[0]?.popularity ?? 1;
    const bottom = sorted[sorted.length - 1]?.popularity ?? 0;
    for (const movie of sorted) {
      const share = top === bottom ? 1 : (movie.popularity - bottom) / (top - bottom);
      const popularity = Math.round((floor + share * (ceiling - floor)) * 1000) / 1000;
      movie.details["popularity"] = popularity;
      details.set(movie.details["id"] as number, movie.details);
    }
    ceiling = floor;
    const results = sorted.map((movie) => popularListItem(movie.details));
    if (shifted !== undefined) results.unshift(shifted);
    popularPages.push(results);
  }

  return {
    popularPages,
    details,
    synthetic: true,
  };
}
