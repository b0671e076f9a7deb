import assert from "node:assert/strict";
import { SYNTHETIC_NOTICE, TMDB_ATTRIBUTION } from "../../../local/report/format";
import { renderHtml } from "../../../local/report/html";
import { demo, mart } from "./fixtures";

describe("HTML report", () => {
  it("makes a self-contained HTML page with chart, table and attribution, escaping text", () => {
    const html = renderHtml(mart, "<svg></svg>", demo);
    assert.ok(html.startsWith("<!doctype html>"));
    assert.ok(html.includes("<svg></svg>"));
    assert.ok(html.includes("Drama, &quot;indie&quot;"));
    assert.ok(html.includes(TMDB_ATTRIBUTION));
    assert.ok(html.includes(SYNTHETIC_NOTICE));
    assert.ok(!/<script|<link|src="http/.test(html), "the page must not load anything");
  });
});
