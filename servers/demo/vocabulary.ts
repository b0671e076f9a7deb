/**
 * What the demo catalog's movies are made of: TMDB's genres, how each genre behaves in the
 * generator, original languages, and the words titles, overviews and companies are built from.
 */

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

/**
 * How each genre behaves in the generator: how often it appears in the popular list (relative
 * weight), the median budget of its movies, and the median revenue / budget multiple. Invented to
 * be plausible (horror is cheap and returns a lot, war epics struggle, TV movies rarely report box
 * office), not measured.
 */
export const GENRE_PROFILES: Record<
  number,
  { weight: number; medianBudget: number; medianMultiple: number }
> = {
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

export const LANGUAGES: readonly {
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

export const ADJECTIVES = [
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
export const NOUNS = [
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
export const NAMES = [
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
export const COMPANY_WORDS = [
  "Northlight",
  "Bluefin",
  "Meridian",
  "Stonegate",
  "Paper Moon",
  "Red Kite",
  "Lodestar",
  "Tall Tree",
];
export const COMPANY_SUFFIXES = ["Pictures", "Films", "Studios", "Entertainment", "Productions", "Media"];
