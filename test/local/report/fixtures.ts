import type { Mart } from "../../../local/report/mart";

/** A small mart: two genres, one name with a comma and quotes. */
export const columns = [
  "genre_name",
  "total_movies",
  "median_roi",
  "portfolio_roi",
  "pct_profitable",
  "portfolio_roi_rank",
];
export const mart: Mart = {
  columns,
  rows: [
    {
      genre_name: "Horror",
      total_movies: 12,
      median_roi: 2.5,
      portfolio_roi: 1.75,
      pct_profitable: 0.75,
      portfolio_roi_rank: 1,
    },
    {
      genre_name: 'Drama, "indie"',
      total_movies: 30,
      median_roi: -0.1,
      portfolio_roi: 0.2,
      pct_profitable: 0.4,
      portfolio_roi_rank: 2,
    },
  ],
};
export const real = { synthetic: false, source: "TMDB API", minMoviesPerGenre: 10 };
export const demo = { synthetic: true, source: "built-in demo catalog (synthetic)", minMoviesPerGenre: 10 };
