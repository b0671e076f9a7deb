import type { TopLevelSpec } from "vega-lite";
import { renderSvg } from "./chart";
import { SYNTHETIC_NOTICE, TMDB_ATTRIBUTION } from "./format";
import { num, type Answer, type ReportContext } from "./mart";

/**
 * The decade chart: a heatmap of genres (rows, in the genre chart's order) by release decade
 * (columns), coloured by the cell's median ROI on a diverging scale centred on break-even (red: the
 * typical film lost money, blue: it earned it back and more). Cells below the decade mart's
 * threshold are blank.
 */

/** One cell as the heatmap plots it. */
interface Cell {
  genre: string;
  decade: string;
  median_roi: number | null;
  movies: number | null;
}

function cells(answer: Answer): Cell[] {
  return answer.decades.rows.map((row) => ({
    genre: String(row["genre_name"]),
    decade: `${String(row["release_decade"])}s`,
    median_roi: num(row, "median_roi"),
    movies: num(row, "total_movies"),
  }));
}

/** Genres in the genre chart's order (best portfolio ROI first), then any only the decade mart has. */
function genreOrder(answer: Answer, data: Cell[]): string[] {
  const order = answer.genres.rows.map((row) => String(row["genre_name"]));
  const extra = [...new Set(data.map((cell) => cell.genre))].filter((genre) => !order.includes(genre)).sort();
  return [...order, ...extra];
}

function title(context: ReportContext, minMovies: number | undefined) {
  const subtitle = [
    "Median ROI of each genre's films by release decade.",
    "Red: the typical film lost money; blue: it earned its budget back and more.",
    `Blank: fewer than ${minMovies ?? "the minimum number of"} films with a known budget and revenue.`,
    `Source: ${context.source}.`,
    TMDB_ATTRIBUTION,
  ];
  if (context.synthetic) subtitle.unshift(SYNTHETIC_NOTICE);
  return {
    text: context.synthetic
      ? "Median return on investment by genre and decade (synthetic demo data)"
      : "Median return on investment by genre and decade",
    subtitle,
    anchor: "start" as const,
    fontSize: 18,
    subtitleFontSize: 11,
    subtitleColor: "#555",
    offset: 14,
  };
}

/** The Vega-Lite spec of the decade heatmap. */
export function decadeChartSpec(answer: Answer, context: ReportContext): TopLevelSpec {
  const data = cells(answer);
  const genres = genreOrder(answer, data);
  const decades = [...new Set(data.map((cell) => cell.decade))].sort();
  const y = {
    field: "genre",
    type: "nominal" as const,
    sort: genres,
    title: null,
    axis: { ticks: false, domain: false },
  };
  const x = {
    field: "decade",
    type: "ordinal" as const,
    sort: decades,
    title: "Release decade",
    axis: { labelAngle: 0 },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: title(context, context.minMoviesPerDecade),
    data: { values: data.length > 0 ? data : [{ genre: "", decade: "", median_roi: null, movies: null }] },
    width: Math.max(60, 64 * decades.length),
    height: Math.max(60, 22 * genres.length),
    layer: [
      {
        mark: { type: "rect" as const, stroke: "white", strokeWidth: 1 },
        encoding: {
          x,
          y,
          color: {
            field: "median_roi",
            type: "quantitative" as const,
            title: "Median ROI",
            scale: { scheme: "redblue", domainMid: 0 },
            legend: { format: ".0%", orient: "right" as const },
          },
          tooltip: [
            { field: "genre", title: "Genre" },
            { field: "decade", title: "Decade" },
            { field: "median_roi", title: "Median ROI", format: ".1%" },
            { field: "movies", title: "Films" },
          ],
        },
      },
      {
        mark: { type: "text" as const, fontSize: 10 },
        encoding: {
          x,
          y,
          text: { field: "median_roi", type: "quantitative" as const, format: ".0%" },
          // Dark cells (far from break-even) get white text.
          color: { condition: { test: "abs(datum.median_roi) > 2", value: "white" }, value: "#222" },
        },
      },
    ],
    config: {
      font: "DejaVu Sans, Arial, Helvetica, sans-serif",
      view: { stroke: null },
      axis: { labelColor: "#333", titleColor: "#333", labelFontSize: 12 },
      background: "white",
      padding: 16,
    },
  };
}

/** Renders the decade heatmap to SVG in Node. */
export async function renderDecadeChartSvg(answer: Answer, context: ReportContext): Promise<string> {
  return renderSvg(decadeChartSpec(answer, context));
}
