import type { Generator } from "./random";
import {
  ADJECTIVES,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  GENRE_PROFILES,
  LANGUAGES,
  NAMES,
  NOUNS,
  TMDB_MOVIE_GENRES,
} from "./vocabulary";

/**
 * One synthetic movie's details, shaped exactly like TMDB's `GET /movie/{id}`. Every random choice
 * comes from the catalog's one stream, in a fixed order, so a seed always gives the same movies.
 */

/** Field added to every synthetic list item and details object; real TMDB responses never carry it. */
export const SYNTHETIC_MARKER = "_synthetic_demo";

type Genre = { id: number; name: string };
type Language = (typeof LANGUAGES)[number];

/** A generated movie: its details and its raw popularity (before the list's ordering rescales it). */
export interface GeneratedMovie {
  details: Record<string, unknown>;
  popularity: number;
}

/**
 * Generates a movie with `id`, released around `asOf` (mostly the last decade, a tail back to the
 * 1970s), or on a day of `releaseYear` when given (upcoming when that day is after `asOf`). Without
 * `releaseYear` the random choices are exactly those of earlier versions (the demo catalog's golden
 * files depend on them).
 */
export function makeMovie(
  gen: Generator,
  id: number,
  asOf: Date,
  usedTitles: Set<string>,
  releaseYear?: number,
): GeneratedMovie {
  const genres = pickGenres(gen);
  const medians = genreMedians(genres);
  const language = gen.weighted(LANGUAGES);
  const title = makeTitle(gen, usedTitles);
  const release = releaseYear === undefined ? releaseOf(gen, asOf) : releaseIn(gen, releaseYear, asOf);
  const money = financials(gen, genres, medians, release.upcoming);
  if (gen.chance(0.02)) {
    release.date = ""; // TMDB sends an empty string, not null
    if (!release.upcoming) release.status = gen.pick(["Released", "Rumored"]);
  }
  const audience = audienceOf(gen, release.upcoming, release.date);
  const details = detailsObject(gen, { id, title, genres, language, release, money, audience });
  return { details, popularity: audience.popularity };
}

function pickGenres(gen: Generator): Genre[] {
  if (gen.chance(0.012)) return []; // TMDB has movies without any genre
  const roll = gen.next();
  const count = roll < 0.27 ? 1 : roll < 0.63 ? 2 : roll < 0.91 ? 3 : 4;
  const pool = TMDB_MOVIE_GENRES.map((genre) => ({
    ...genre,
    weight: GENRE_PROFILES[genre.id]?.weight ?? 0.01,
  }));
  const chosen: Genre[] = [];
  while (chosen.length < count && pool.length > 0) {
    const genre = gen.weighted(pool);
    chosen.push({ id: genre.id, name: genre.name });
    pool.splice(pool.indexOf(genre), 1);
  }
  return chosen;
}

/** Median budget and revenue multiple of a movie: geometric means of its genres' profiles. */
function genreMedians(genres: Genre[]): { budget: number; multiple: number } {
  const profiles = genres.map((genre) => GENRE_PROFILES[genre.id]).filter((p) => p !== undefined);
  const geometricMean = (values: number[], fallback: number): number =>
    values.length === 0
      ? fallback
      : Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
  return {
    budget: geometricMean(
      profiles.map((p) => p.medianBudget),
      15e6,
    ),
    multiple: geometricMean(
      profiles.map((p) => p.medianMultiple),
      2,
    ),
  };
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

interface Release {
  /** `YYYY-MM-DD`, or "" when unknown. */
  date: string;
  upcoming: boolean;
  status: string;
}

/** Release dates: mostly the last decade, a long tail back to the 1970s, some upcoming. */
function releaseOf(gen: Generator, asOf: Date): Release {
  const yearsBack = gen.chance(0.08) ? -gen.next() * 0.8 : Math.min(50, Math.abs(gen.normal()) * 9);
  const release = new Date(asOf.getTime() - yearsBack * 365.25 * 86_400_000);
  const upcoming = release > asOf;
  const status = upcoming ? gen.pick(["Post Production", "In Production", "Planned"]) : "Released";
  return { date: release.toISOString().slice(0, 10), upcoming, status };
}

/** A release on a random day of `year`. */
function releaseIn(gen: Generator, year: number, asOf: Date): Release {
  const first = Date.UTC(year, 0, 1);
  const days = Math.round((Date.UTC(year + 1, 0, 1) - first) / 86_400_000);
  const release = new Date(first + gen.int(0, days - 1) * 86_400_000);
  const upcoming = release > asOf;
  const status = upcoming ? gen.pick(["Post Production", "In Production", "Planned"]) : "Released";
  return { date: release.toISOString().slice(0, 10), upcoming, status };
}

/** Rounds a budget the way studios report them: to a round figure. */
function roundBudget(value: number): number {
  const step = value >= 10e6 ? 1e6 : value >= 1e6 ? 100_000 : 10_000;
  return Math.max(step, Math.round(value / step) * step);
}

/** Budget and revenue: log-normal around the genres' medians, flops, no box office yet, and TMDB's dirt. */
function financials(
  gen: Generator,
  genres: Genre[],
  medians: { budget: number; multiple: number },
  upcoming: boolean,
): { budget: number; revenue: number } {
  const isTvMovie = genres.some((genre) => genre.id === 10770);
  const budget = roundBudget(gen.logNormal(medians.budget, 0.8));
  let revenue = gen.chance(0.06)
    ? Math.round(budget * gen.next() * 0.35) // a catastrophic flop
    : Math.round(budget * gen.logNormal(medians.multiple, 0.85));
  if (upcoming || (isTvMovie && gen.chance(0.7))) revenue = 0; // no box office (yet)
  return withDirt(gen.next(), budget, revenue);
}

/** Dirt as TMDB serves it: zeros for unknown figures, figures entered in millions. */
function withDirt(dirt: number, budget: number, revenue: number): { budget: number; revenue: number } {
  const millions = (value: number) => Math.max(1, Math.round(value / 1e6));
  if (dirt < 0.06) return { budget: 0, revenue: 0 }; // no financial data at all
  if (dirt < 0.13) return { budget, revenue: 0 }; // revenue unknown
  if (dirt < 0.18) return { budget: 0, revenue }; // budget unknown
  if (dirt < 0.2) return { budget: millions(budget), revenue }; // budget entered in millions
  if (dirt < 0.215) return { budget: millions(budget), revenue: Math.round(revenue / 1e6) }; // both
  if (dirt < 0.225) return { budget, revenue: millions(revenue) }; // revenue entered in millions
  return { budget, revenue };
}

interface Audience {
  popularity: number;
  voteCount: number;
  voteAverage: number;
  runtime: number;
}

function audienceOf(gen: Generator, upcoming: boolean, releaseDate: string): Audience {
  const released = !upcoming && releaseDate !== "";
  const popularity = Math.round(gen.logNormal(60, 1.1) * 1000) / 1000;
  const voteCount = released ? Math.round(gen.logNormal(900, 1.4)) : 0;
  const voteAverage =
    voteCount === 0 ? 0 : Math.round(Math.min(9.4, Math.max(2.5, 6.6 + gen.normal() * 0.9)) * 1000) / 1000;
  const runtime = upcoming && gen.chance(0.5) ? 0 : Math.max(62, Math.round(106 + gen.normal() * 17));
  return { popularity, voteCount, voteAverage, runtime };
}

function companiesOf(gen: Generator, language: Language): Record<string, unknown>[] {
  const companyCount = gen.int(1, 4);
  return Array.from({ length: companyCount }, () => ({
    id: gen.int(1, 250_000),
    logo_path: gen.chance(0.45) ? null : gen.imagePath("png"),
    name: `${gen.pick(COMPANY_WORDS)} ${gen.pick(COMPANY_SUFFIXES)}`,
    origin_country: gen.chance(0.1) ? "" : gen.chance(0.7) ? language.country : "US",
  }));
}

function collectionOf(gen: Generator, inCollection: boolean, title: string): Record<string, unknown> | null {
  if (!inCollection) return null;
  return {
    id: gen.int(8_000, 1_400_000),
    name: `${title.replace(/ \d$/, "")} Collection`,
    poster_path: gen.chance(0.1) ? null : gen.imagePath("jpg"),
    backdrop_path: gen.chance(0.15) ? null : gen.imagePath("jpg"),
  };
}

/** The details object, every field of a real response, in TMDB's order of keys. */
function detailsObject(
  gen: Generator,
  movie: {
    id: number;
    title: string;
    genres: Genre[];
    language: Language;
    release: Release;
    money: { budget: number; revenue: number };
    audience: Audience;
  },
): Record<string, unknown> {
  const { id, title, language, release, money, audience } = movie;
  const companies = companiesOf(gen, language);
  const inCollection = gen.chance(0.22);
  return {
    adult: false,
    backdrop_path: gen.chance(0.04) ? null : gen.imagePath("jpg"),
    belongs_to_collection: collectionOf(gen, inCollection, title),
    budget: money.budget,
    genres: movie.genres,
    homepage: gen.chance(0.45) ? "" : `https://movies.example.com/${id}`,
    id,
    imdb_id: gen.chance(0.04) ? null : `tt${String(gen.int(100_000, 39_999_999)).padStart(7, "0")}`,
    origin_country: [language.country],
    original_language: language.code,
    original_title: language.code === "en" ? title : `${title} (${language.english} original)`,
    overview: `Synthetic demo movie. ${gen.pick(NAMES)} and ${gen.pick(NAMES)} face the ${gen
      .pick(ADJECTIVES)
      .toLowerCase()} ${gen.pick(NOUNS).toLowerCase()} in a story that exists only in this demo catalog.`,
    popularity: audience.popularity,
    poster_path: gen.chance(0.02) ? null : gen.imagePath("jpg"),
    production_companies: companies,
    production_countries: [{ iso_3166_1: language.country, name: language.countryName }],
    release_date: release.date,
    revenue: money.revenue,
    runtime: audience.runtime,
    softcore: false,
    spoken_languages: [{ english_name: language.english, iso_639_1: language.code, name: language.native }],
    status: release.status,
    tagline: gen.chance(0.25) ? "" : `${gen.pick(ADJECTIVES)} ${gen.pick(NOUNS).toLowerCase()}s never end.`,
    title,
    video: false,
    vote_average: audience.voteAverage,
    vote_count: audience.voteCount,
    [SYNTHETIC_MARKER]: true,
  };
}
