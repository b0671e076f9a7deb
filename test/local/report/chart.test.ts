import assert from "node:assert/strict";
import { chartSpec, renderChartSvg } from "../../../local/report/chart";
import { SYNTHETIC_NOTICE, TMDB_ATTRIBUTION } from "../../../local/report/format";
import { columns, demo, mart, real } from "./fixtures";

describe("chart", () => {
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
});
