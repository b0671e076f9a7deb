/**
 * The HTML report in a real browser: headless Chromium (@sparticuz/chromium, which runs offline)
 * driven by playwright-core. The browser starts once, here, so its start-up cost stays out of every
 * other test.
 */
import chromium from "@sparticuz/chromium";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium as playwright, type Browser, type Page } from "playwright-core";
import { TMDB_ATTRIBUTION } from "../../../local/report/format";
import { writeReport } from "../../../local/report/files";
import { answer, real } from "./fixtures";

describe("HTML report in a browser", function () {
  this.timeout(120_000);
  let outDir: string;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  let pageUrl: string;

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), "tmdb-roi-browser-"));
    const { files } = await writeReport(outDir, answer, real);
    pageUrl = pathToFileURL(files.html).href;
    const started = performance.now();
    browser = await playwright.launch({
      executablePath: await chromium.executablePath(),
      args: chromium.args,
    });
    console.log(
      `      Chromium ${browser.version()} started in ${Math.round(performance.now() - started)} ms`,
    );
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    // Every request the page makes is recorded, and any but the page itself is refused.
    await page.route("**/*", (route) => {
      const url = route.request().url();
      requests.push(url);
      return url === pageUrl ? route.continue() : route.abort();
    });
    await page.goto(pageUrl, { waitUntil: "load" });
  });

  after(async () => {
    await browser?.close();
    await rm(outDir, { recursive: true, force: true });
  });

  /** The data marks of a chart (Vega's SVG: a group per mark, `mark-<type> role-mark`), with their sizes. */
  async function marks(chartId: string, type: string): Promise<{ width: number; height: number }[]> {
    const elements = await page.locator(`#${chartId} svg g.mark-${type}.role-mark > *`).all();
    return Promise.all(
      elements.map(async (element) => {
        const box = await element.boundingBox();
        return { width: box?.width ?? 0, height: box?.height ?? 0 };
      }),
    );
  }

  it("renders both charts: their SVG marks are present and have a size", async () => {
    // Act
    const chartSizes = await Promise.all(
      (await page.locator(".chart > svg").all()).map(async (svg) => {
        const box = await svg.boundingBox();
        return { width: box?.width ?? 0, height: box?.height ?? 0 };
      }),
    );
    const points = await marks("genre-chart", "symbol");
    const whiskers = await marks("genre-chart", "rule");
    const cells = await marks("decade-chart", "rect");

    // Assess
    assert.equal(chartSizes.length, 2);
    for (const { width, height } of chartSizes)
      assert.ok(width > 200 && height > 100, `chart ${width} x ${height}`);
    assert.equal(points.length, 2 * answer.genres.rows.length, "a median and a portfolio point per genre");
    assert.ok(whiskers.length >= answer.genres.rows.length, "a whisker per genre");
    assert.equal(cells.length, answer.decades.rows.length, "a heatmap cell per decade row");
    for (const box of [...points, ...cells])
      assert.ok(box.width > 0 && box.height > 0, "every mark has a size");
  });

  it("shows one table row per genre of the mart, one per genre of the decade mart, and TMDB's attribution", async () => {
    // Act
    const genreRows = await page.locator("#genres tbody tr td:nth-child(2)").allInnerTexts();
    const decadeRows = await page.locator("#decades tbody tr").count();
    const text = await page.locator("body").innerText();

    // Assess
    assert.deepEqual(
      genreRows,
      answer.genres.rows.map((row) => row["genre_name"]),
    );
    assert.equal(decadeRows, new Set(answer.decades.rows.map((row) => row["genre_name"])).size);
    assert.ok(text.includes(TMDB_ATTRIBUTION));
  });

  it("loads without console errors and without any request leaving the page", () => {
    // Assess
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(requests, [pageUrl]);
  });
});
