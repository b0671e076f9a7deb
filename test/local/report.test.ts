import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  chartSpec,
  formatRoi,
  formatTerminalTable,
  formatUsd,
  renderChartSvg,
  renderHtml,
  reportFileNames,
  SYNTHETIC_NOTICE,
  TMDB_ATTRIBUTION,
  toCsv,
  toJson,
  writeReport,
  type Mart,
} from "../../local/report";

const columns = [
  "genre_name",
  "total_movies",
  "median_roi",
  "portfolio_roi",
  "pct_profitable",
  "portfolio_roi_rank",
];
const mart: Mart = {
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
const real = { synthetic: false, source: "TMDB API", minMoviesPerGenre: 10 };
const demo = { synthetic: true, source: "built-in demo catalog (synthetic)", minMoviesPerGenre: 10 };

describe("report", () => {
  it("formats ROI as signed percentages and money in K/M/B", () => {
    assert.equal(formatRoi(2.6812), "+268.1%");
    assert.equal(formatRoi(-0.5), "-50.0%");
    assert.equal(formatRoi(null), "n/a");
    assert.equal(formatUsd(1_234_567_890), "$1.23B");
    assert.equal(formatUsd(45_600_000), "$45.6M");
    assert.equal(formatUsd(-7_000), "-$7K");
  });

  it("writes RFC 4180 CSV with the mart's columns, quoting where needed", () => {
    const lines = toCsv(mart).split("\r\n");
    assert.equal(lines[0], columns.join(","));
    assert.equal(lines[2], '"Drama, ""indie""",30,-0.1,0.2,0.4,2');
    assert.equal(lines.length, 4); // header, two rows, trailing newline
  });

  it("writes JSON as an array of row objects keyed by the mart's column names, in column order", () => {
    const parsed = JSON.parse(toJson(mart)) as Record<string, unknown>[];
    assert.deepEqual(parsed, mart.rows);
    assert.deepEqual(Object.keys(parsed[0] ?? {}), columns);
  });

  it("ranks the terminal table by portfolio ROI and marks synthetic data at top and bottom", () => {
    const table = formatTerminalTable(mart, demo).split("\n");
    assert.equal(table[0], `*** ${SYNTHETIC_NOTICE} ***`);
    assert.equal(table[table.length - 1], `*** ${SYNTHETIC_NOTICE} ***`);
    const horror = table.findIndex((line) => line.includes("Horror"));
    const drama = table.findIndex((line) => line.includes("Drama"));
    assert.ok(horror > 0 && horror < drama);
    assert.match(table[horror] ?? "", /\+175\.0%\s+\+250\.0%/);
    assert.ok(!formatTerminalTable(mart, real).includes("SYNTHETIC"));
  });

  it("explains an empty mart instead of printing an empty table", () => {
    const text = formatTerminalTable({ columns, rows: [] }, real);
    assert.match(text, /No genre has 10 movies with a known budget and revenue yet/);
  });

  it("charts median and portfolio ROI per genre, in rank order, with movie counts", () => {
    const spec = JSON.stringify(chartSpec(mart, real));
    assert.ok(spec.includes('"median_roi"') && spec.includes('"portfolio_roi"') && spec.includes('"movies"'));
    assert.ok(spec.indexOf('"sort":["Horror"') > 0);
  });

  it("renders the chart to SVG headless, with the synthetic notice and TMDB's attribution", async () => {
    const svg = await renderChartSvg(mart, demo);
    assert.match(svg, /^<svg[^>]*width="\d+"/);
    assert.ok(svg.includes("Horror") && svg.includes("Drama, &quot;indie&quot;"));
    assert.ok(svg.includes(SYNTHETIC_NOTICE));
    assert.ok(svg.includes(TMDB_ATTRIBUTION));
    const empty = await renderChartSvg({ columns, rows: [] }, real);
    assert.match(empty, /No genre has 10 movies/);
  });

  it("makes a self-contained HTML page with chart, table and attribution, escaping text", () => {
    const html = renderHtml(mart, "<svg></svg>", demo);
    assert.ok(html.startsWith("<!doctype html>"));
    assert.ok(html.includes("<svg></svg>"));
    assert.ok(html.includes("Drama, &quot;indie&quot;"));
    assert.ok(html.includes(TMDB_ATTRIBUTION));
    assert.ok(html.includes(SYNTHETIC_NOTICE));
    assert.ok(!/<script|<link|src="http/.test(html), "the page must not load anything");
  });

  it("names synthetic outputs so that no file can pass for real data", () => {
    assert.deepEqual(Object.values(reportFileNames(true)), [
      "demo_genre_roi.csv",
      "demo_genre_roi.json",
      "demo_genre_roi.svg",
      "demo_report.html",
    ]);
    assert.deepEqual(Object.values(reportFileNames(false)), [
      "genre_roi.csv",
      "genre_roi.json",
      "genre_roi.svg",
      "report.html",
    ]);
  });

  it("deletes an earlier run's outputs of the other kind when writing, so stale demo files cannot linger", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "tmdb-roi-report-"));
    try {
      const fromDemo = await writeReport(outDir, mart, demo);
      const fromReal = await writeReport(outDir, mart, real);
      assert.deepEqual(fromDemo.staleRemoved, []);
      assert.deepEqual(fromReal.staleRemoved.sort(), Object.values(fromDemo.files).sort());
      assert.deepEqual(readdirSync(outDir).sort(), Object.values(reportFileNames(false)).sort());
      const backToDemo = await writeReport(outDir, mart, demo);
      assert.deepEqual(backToDemo.staleRemoved.sort(), Object.values(fromReal.files).sort());
      for (const path of Object.values(backToDemo.files)) assert.ok(existsSync(path));
      assert.deepEqual(readdirSync(outDir).sort(), Object.values(reportFileNames(true)).sort());
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
