import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reportFileNames, toCsv, toJson, writeReport } from "../../../local/report/files";
import { answer, columns, decades, demo, mart, real } from "./fixtures";

describe("report files", () => {
  it("writes RFC 4180 CSV with the mart's columns, quoting where needed", () => {
    const lines = toCsv(mart).split("\r\n");
    assert.equal(lines[0], columns.join(","));
    assert.equal(lines[3], '"Drama, ""indie""",30,-0.1,-0.3,0.2,0.2,0.4,3,3');
    assert.equal(lines.length, 5); // header, three rows, trailing newline
  });

  it("writes JSON as an array of row objects keyed by the mart's column names, in column order", () => {
    const parsed = JSON.parse(toJson(mart)) as Record<string, unknown>[];
    assert.deepEqual(parsed, mart.rows);
    assert.deepEqual(Object.keys(parsed[0] ?? {}), columns);
  });

  it("names synthetic outputs so that no file can pass for real data", () => {
    assert.deepEqual(Object.values(reportFileNames(true)), [
      "demo_genre_roi.csv",
      "demo_genre_roi.json",
      "demo_genre_roi.svg",
      "demo_genre_roi_by_decade.csv",
      "demo_genre_roi_by_decade.json",
      "demo_genre_roi_by_decade.svg",
      "demo_report.html",
    ]);
    assert.deepEqual(Object.values(reportFileNames(false)), [
      "genre_roi.csv",
      "genre_roi.json",
      "genre_roi.svg",
      "genre_roi_by_decade.csv",
      "genre_roi_by_decade.json",
      "genre_roi_by_decade.svg",
      "report.html",
    ]);
  });

  it("deletes an earlier run's outputs of the other kind when writing, so stale demo files cannot linger", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "tmdb-roi-report-"));
    try {
      const fromDemo = await writeReport(outDir, answer, demo);
      const fromReal = await writeReport(outDir, answer, real);
      assert.deepEqual(fromDemo.staleRemoved, []);
      assert.deepEqual(fromReal.staleRemoved.sort(), Object.values(fromDemo.files).sort());
      assert.deepEqual(readdirSync(outDir).sort(), Object.values(reportFileNames(false)).sort());
      const backToDemo = await writeReport(outDir, answer, demo);
      assert.deepEqual(backToDemo.staleRemoved.sort(), Object.values(fromReal.files).sort());
      for (const path of Object.values(backToDemo.files)) assert.ok(existsSync(path));
      assert.deepEqual(readdirSync(outDir).sort(), Object.values(reportFileNames(true)).sort());
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });

  it("keeps text a spreadsheet would run as a formula as text, and numbers as numbers", () => {
    // Prepare: genre names as TMDB could send them
    const names = ['=HYPERLINK("http://x","y")', "+1", "-cmd", "@SUM(A1)", "\tTab", "Drama"];
    const hostile = {
      columns: ["genre_name", "total_profit"],
      rows: [
        ...names.map((genre_name) => ({ genre_name, total_profit: -5 })),
        { genre_name: "Big", total_profit: "-12345678901234567890" },
      ],
    };

    // Act
    const lines = toCsv(hostile).split("\r\n");

    // Assess
    assert.deepEqual(lines.slice(1, -1), [
      `"'=HYPERLINK(""http://x"",""y"")",-5`,
      "'+1,-5",
      "'-cmd,-5",
      "'@SUM(A1),-5",
      "'\tTab,-5",
      "Drama,-5",
      "Big,-12345678901234567890",
    ]);
  });

  it("writes the decade mart beside the genre mart, CSV and JSON with the same conventions", async () => {
    // Prepare
    const outDir = await mkdtemp(join(tmpdir(), "tmdb-roi-report-"));
    try {
      // Act
      const { files } = await writeReport(outDir, answer, real);

      // Assess
      assert.equal(readFileSync(files.decadeCsv, "utf8"), toCsv(decades));
      assert.deepEqual(JSON.parse(readFileSync(files.decadeJson, "utf8")), decades.rows);
      assert.match(readFileSync(files.decadeSvg, "utf8"), /^<svg/);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
