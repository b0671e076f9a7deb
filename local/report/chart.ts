import { parse as parseVega, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { noGenresMessage, SYNTHETIC_NOTICE, TMDB_ATTRIBUTION } from "./format";
import { num, type Mart, type ReportContext } from "./mart";

const MEASURES = [
  { field: "median_roi", label: "Median ROI (the typical film)", color: "#4c78a8" },
  { field: "portfolio_roi", label: "Portfolio ROI (all films together)", color: "#f58518" },
];

/** One genre as the chart plots it. */
interface ChartDatum {
  genre: string;
  movies: number | null;
  median_roi: number | null;
  portfolio_roi: number | null;
  /** The 95 % interval of the median: the whisker's ends. */
  ci_low: number | null;
  ci_high: number | null;
}

const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const ROW_HEIGHT = 22;

function chartData(mart: Mart): ChartDatum[] {
  return mart.rows.map((row) => ({
    genre: String(row["genre_name"]),
    movies: num(row, "total_movies"),
    median_roi: num(row, "median_roi"),
    portfolio_roi: num(row, "portfolio_roi"),
    ci_low: num(row, "median_roi_ci_low"),
    ci_high: num(row, "median_roi_ci_high"),
  }));
}

/** The genre axis, in the mart's order (best portfolio ROI first), shared by both panels. */
function genreAxis(order: string[]) {
  return {
    field: "genre",
    type: "nominal" as const,
    sort: order,
    title: null,
    axis: { labelFontSize: 12, labelPadding: 6, ticks: false, domain: false },
  };
}

/**
 * Per genre, the median ROI with its 95 % interval as a whisker, and the portfolio ROI beside it,
 * with the break-even rule.
 */
function roiPanel(y: ReturnType<typeof genreAxis>, height: number) {
  const whisker = { color: MEASURES[0]?.color ?? "#4c78a8", opacity: 0.8 };
  return {
    width: 520,
    height,
    layer: [
      {
        data: { values: [{ x: 0 }] },
        mark: { type: "rule" as const, color: "#999", strokeDash: [4, 3] },
        encoding: { x: { field: "x", type: "quantitative" as const } },
      },
      {
        mark: { type: "rule" as const, strokeWidth: 1.5, ...whisker },
        encoding: { y, x: { field: "ci_low", type: "quantitative" as const }, x2: { field: "ci_high" } },
      },
      {
        transform: [{ fold: ["ci_low", "ci_high"], as: ["end", "bound"] as [string, string] }],
        mark: { type: "tick" as const, orient: "vertical" as const, size: 10, thickness: 1.5, ...whisker },
        encoding: { y, x: { field: "bound", type: "quantitative" as const } },
      },
      {
        transform: [
          { fold: MEASURES.map((m) => m.field), as: ["measure", "roi"] as [string, string] },
          {
            calculate:
              MEASURES.map((m) => `datum.measure === '${m.field}' ? '${m.label}' : `).join("") + "''",
            as: "measure_label",
          },
        ],
        mark: { type: "point" as const, filled: true, size: 90, opacity: 1 },
        encoding: { y, x: roiAxis(), color: measureLegend(), tooltip: roiTooltip() },
      },
    ],
  };
}

function roiAxis() {
  return {
    field: "roi",
    type: "quantitative" as const,
    title: "Return on investment (0% = break-even)",
    axis: { format: ".0%", grid: true, gridColor: "#eee", titleFontSize: 12, titlePadding: 8 },
  };
}

function measureLegend() {
  return {
    field: "measure_label",
    type: "nominal" as const,
    title: null,
    scale: { domain: MEASURES.map((m) => m.label), range: MEASURES.map((m) => m.color) },
    legend: {
      orient: "bottom" as const,
      direction: "horizontal" as const,
      labelFontSize: 12,
      labelLimit: 400,
      symbolSize: 90,
      columnPadding: 24,
    },
  };
}

function roiTooltip() {
  return [
    { field: "genre", title: "Genre" },
    { field: "measure_label", title: "Measure" },
    { field: "roi", title: "ROI", format: ".1%" },
    { field: "ci_low", title: "Median: 95% interval from", format: ".1%" },
    { field: "ci_high", title: "to", format: ".1%" },
  ];
}

/** Per genre, the number of movies with an ROI, as a bar with its figure. */
function countPanel(y: ReturnType<typeof genreAxis>, height: number) {
  const movies = { field: "movies", type: "quantitative" as const };
  return {
    width: 130,
    height,
    layer: [
      {
        mark: { type: "bar" as const, color: "#c7c7c7", height: 14 },
        encoding: {
          y: { ...y, axis: null },
          x: {
            ...movies,
            title: "Movies with an ROI",
            axis: { grid: false, tickCount: 3, titleFontSize: 12, titlePadding: 8 },
          },
        },
      },
      {
        mark: { type: "text" as const, align: "left" as const, dx: 4, fontSize: 11, color: "#333" },
        encoding: { y: { ...y, axis: null }, x: movies, text: movies },
      },
    ],
  };
}

function subtitleLines(context: ReportContext): string[] {
  const subtitle = [
    "Median ROI: the typical film, with its 95% interval (whiskers). Portfolio ROI: (total revenue − total budget) / total budget.",
    `Source: ${context.source}. ${TMDB_ATTRIBUTION}`,
  ];
  if (context.synthetic) subtitle.unshift(SYNTHETIC_NOTICE);
  return subtitle;
}

/** The chart when no genre qualifies: the titles and a message saying why. */
function emptyChart(context: ReportContext): TopLevelSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: "Return on investment by genre",
      subtitle: [...subtitleLines(context), noGenresMessage(context)],
    },
    width: 560,
    height: 60,
    data: { values: [{ message: "no data" }] },
    mark: { type: "text", fontSize: 14 },
    encoding: { text: { field: "message" } },
    config: { font: "DejaVu Sans, Arial, sans-serif", view: { stroke: null } },
  };
}

/**
 * The Vega-Lite spec of the chart: per genre, median and portfolio ROI as two dots joined by a
 * line (ordered by portfolio ROI), with a bar of the movie count beside it.
 */
export function chartSpec(mart: Mart, context: ReportContext): TopLevelSpec {
  const data = chartData(mart);
  if (data.length === 0) return emptyChart(context);
  const y = genreAxis(data.map((d) => d.genre));
  const height = Math.max(ROW_HEIGHT * data.length, 60);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: context.synthetic
        ? "Return on investment by genre (synthetic demo data)"
        : "Return on investment by genre",
      subtitle: subtitleLines(context),
      anchor: "start",
      fontSize: 18,
      subtitleFontSize: 11,
      subtitleColor: "#555",
      subtitlePadding: 6,
      offset: 14,
    },
    data: { values: data },
    spacing: 14,
    hconcat: [roiPanel(y, height), countPanel(y, height)],
    resolve: { scale: { y: "shared" } },
    config: {
      font: "DejaVu Sans, Arial, Helvetica, sans-serif",
      view: { stroke: null },
      axis: { labelColor: "#333", titleColor: "#333" },
      background: "white",
      padding: 16,
    },
  };
}

/** Renders the chart to SVG in Node: Vega-Lite compiled to Vega, rendered by a headless Vega View. */
export async function renderChartSvg(mart: Mart, context: ReportContext): Promise<string> {
  return renderSvg(chartSpec(mart, context));
}

/** Renders a Vega-Lite spec to SVG in Node, with a headless Vega View. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vegaSpec = compile(spec).spec;
  const view = new View(parseVega(vegaSpec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
