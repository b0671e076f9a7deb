import type { Answer, Mart } from "../../../local/report/mart";

/** A small genre mart: three genres, one name with a comma and quotes. */
export const columns = [
  "genre_name",
  "total_movies",
  "median_roi",
  "median_roi_ci_low",
  "median_roi_ci_high",
  "portfolio_roi",
  "pct_profitable",
  "portfolio_roi_rank",
  "median_roi_rank",
];
export const mart: Mart = {
  columns,
  rows: [
    {
      genre_name: "Horror",
      total_movies: 12,
      median_roi: 2.5,
      median_roi_ci_low: 1.2,
      median_roi_ci_high: 3.1,
      portfolio_roi: 1.75,
      pct_profitable: 0.75,
      portfolio_roi_rank: 1,
      median_roi_rank: 1,
    },
    {
      genre_name: "Comedy",
      total_movies: 20,
      median_roi: 1.1,
      median_roi_ci_low: 0.4,
      median_roi_ci_high: 1.3,
      portfolio_roi: 0.9,
      pct_profitable: 0.6,
      portfolio_roi_rank: 2,
      median_roi_rank: 2,
    },
    {
      genre_name: 'Drama, "indie"',
      total_movies: 30,
      median_roi: -0.1,
      median_roi_ci_low: -0.3,
      median_roi_ci_high: 0.2,
      portfolio_roi: 0.2,
      pct_profitable: 0.4,
      portfolio_roi_rank: 3,
      median_roi_rank: 3,
    },
  ],
};

/** The matching decade mart: Horror in two decades, Drama in one; Comedy below the cell threshold. */
export const decades: Mart = {
  columns: ["genre_name", "release_decade", "total_movies", "median_roi", "portfolio_roi", "pct_profitable"],
  rows: [
    {
      genre_name: 'Drama, "indie"',
      release_decade: 2010,
      total_movies: 11,
      median_roi: -0.2,
      portfolio_roi: 0.1,
      pct_profitable: 0.4,
    },
    {
      genre_name: "Horror",
      release_decade: 1990,
      total_movies: 10,
      median_roi: 3.4,
      portfolio_roi: 2.1,
      pct_profitable: 0.8,
    },
    {
      genre_name: "Horror",
      release_decade: 2000,
      total_movies: 12,
      median_roi: -0.5,
      portfolio_roi: -0.2,
      pct_profitable: 0.3,
    },
  ],
};

export const answer: Answer = { genres: mart, decades };
export const real = { synthetic: false, source: "TMDB API", minMoviesPerGenre: 10, minMoviesPerDecade: 10 };
export const demo = {
  synthetic: true,
  source: "built-in demo catalog (synthetic)",
  minMoviesPerGenre: 10,
  minMoviesPerDecade: 10,
};
