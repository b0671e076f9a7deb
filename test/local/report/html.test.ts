import assert from "node:assert/strict";
import { SYNTHETIC_NOTICE, TMDB_ATTRIBUTION } from "../../../local/report/format";
import { renderHtml } from "../../../local/report/html";
import { answer, demo } from "./fixtures";

describe("HTML report", () => {
  it("makes a self-contained HTML page with both charts, both tables and attribution, escaping text", () => {
    const html = renderHtml(answer, { genres: "<svg id=a></svg>", decades: "<svg id=b></svg>" }, demo);
    assert.ok(html.startsWith("<!doctype html>"));
    assert.ok(html.includes("<svg id=a></svg>") && html.includes("<svg id=b></svg>"));
    assert.ok(html.includes('<table id="genres">') && html.includes('<table id="decades">'));
    assert.match(
      html,
      /<th class="right">1990s<\/th><th class="right">2000s<\/th><th class="right">2010s<\/th>/,
    );
    assert.ok(html.includes("Drama, &quot;indie&quot;"));
    assert.ok(html.includes(TMDB_ATTRIBUTION));
    assert.ok(html.includes(SYNTHETIC_NOTICE));
    assert.ok(!/<script|<link|src="http/.test(html), "the page must not load anything");
  });
});

describe("HTML report tables", () => {
  it("shows control characters of TMDB's genre names as visible escapes in both tables", () => {
    const genre = "Horror\u001b[2J";
    const rename = (rows: typeof answer.genres.rows) => rows.map((row) => ({ ...row, genre_name: genre }));
    const html = renderHtml(
      {
        genres: { ...answer.genres, rows: rename(answer.genres.rows.slice(0, 1)) },
        decades: { ...answer.decades, rows: rename(answer.decades.rows.slice(0, 1)) },
      },
      { genres: "<svg></svg>", decades: "<svg></svg>" },
      demo,
    );

    assert.equal(html.match(/Horror\\x1b\[2J/g)?.length, 2, "once in each table");
    assert.ok(!html.includes("\u001b"), "no control character reaches the page");
  });
});
