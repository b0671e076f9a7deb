import assert from "node:assert/strict";
import { chartSpec, renderChartSvg } from "../../../local/report/chart";
import { SYNTHETIC_NOTICE, TMDB_ATTRIBUTION } from "../../../local/report/format";
import { decadeChartSpec, renderDecadeChartSvg } from "../../../local/report/heatmap";
import { answer, columns, demo, mart, real } from "./fixtures";

describe("chart", () => {
  it("charts median and portfolio ROI per genre, in rank order, with the median's interval as whiskers and movie counts", () => {
    const spec = JSON.stringify(chartSpec(mart, real));
    assert.ok(spec.includes('"median_roi"') && spec.includes('"portfolio_roi"') && spec.includes('"movies"'));
    assert.ok(
      spec.includes('"x":{"field":"ci_low","type":"quantitative"},"x2":{"field":"ci_high"}'),
      "a whisker",
    );
    assert.ok(spec.indexOf('"sort":["Horror"') > 0);
  });

  it("draws the decade heatmap: genres in the genre chart's order by decade, diverging around break-even", async () => {
    // Prepare, Act
    const spec = decadeChartSpec(answer, real);
    const svg = await renderDecadeChartSvg(answer, demo);

    // Assess
    const text = JSON.stringify(spec);
    assert.ok(
      text.includes('"sort":["Horror","Comedy","Drama, \\"indie\\""]'),
      "genres in the genre chart's order",
    );
    assert.ok(text.includes('"sort":["1990s","2000s","2010s"]'), "decades in order");
    assert.ok(
      text.includes('"scale":{"scheme":"redblue","domainMid":0}'),
      "diverging, centred on break-even",
    );
    assert.equal(
      (spec as { data: { values: unknown[] } }).data.values.length,
      3,
      "one mark per cell, none for empty ones",
    );
    assert.match(svg, /^<svg/);
    assert.ok(svg.includes(SYNTHETIC_NOTICE) && svg.includes(TMDB_ATTRIBUTION));
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
