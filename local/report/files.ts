import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderChartSvg } from "./chart";
import { renderHtml } from "./html";
import { renderDecadeChartSvg } from "./heatmap";
import type { Answer, Mart, ReportContext } from "./mart";

/** A number written as text (a 64-bit integer the mart returns as a string, e.g. a negative total). */
const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * RFC 4180 CSV with a header row of the mart's column names. A text cell a spreadsheet would read
 * as a formula (starting with =, +, -, @, a tab or a carriage return: CSV injection) gets a leading
 * apostrophe, so it stays text; numbers are written as they are.
 */
export function toCsv(mart: Mart): string {
  const escape = (value: string | number | boolean | null): string => {
    if (value === null) return "";
    const formula = typeof value === "string" && /^[=+\-@\t\r]/.test(value) && !NUMBER.test(value);
    const text = formula ? `'${value}` : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [mart.columns.map(escape).join(",")];
  for (const row of mart.rows)
    lines.push(mart.columns.map((column) => escape(row[column] ?? null)).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** A JSON array of row objects keyed by the mart's column names. */
export function toJson(mart: Mart): string {
  const rows = mart.rows.map((row) =>
    Object.fromEntries(mart.columns.map((column) => [column, row[column] ?? null])),
  );
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** Paths of the written outputs. */
export interface ReportFiles {
  csv: string;
  json: string;
  svg: string;
  decadeCsv: string;
  decadeJson: string;
  decadeSvg: string;
  html: string;
}

/** File names of the outputs; prefixed `demo_` when the data is synthetic, so no file can pass for real data. */
export function reportFileNames(synthetic: boolean): ReportFiles {
  const prefix = synthetic ? "demo_" : "";
  return {
    csv: `${prefix}genre_roi.csv`,
    json: `${prefix}genre_roi.json`,
    svg: `${prefix}genre_roi.svg`,
    decadeCsv: `${prefix}genre_roi_by_decade.csv`,
    decadeJson: `${prefix}genre_roi_by_decade.json`,
    decadeSvg: `${prefix}genre_roi_by_decade.svg`,
    html: `${prefix}report.html`,
  };
}

/** What {@link writeReport} wrote, and the outputs of an earlier run it deleted. */
export interface WrittenReport {
  files: ReportFiles;
  /** Outputs of the other kind (synthetic vs real) an earlier run left in the folder, now deleted. */
  staleRemoved: string[];
}

/**
 * Writes both marts' CSV, JSON and SVG chart, and the HTML report, into `outDir` (created when
 * missing); returns their paths. Outputs of the other kind left there by an earlier run (`demo_*`
 * files when the data is real, the unprefixed ones when it is synthetic) are deleted, so the folder
 * only ever holds this run's answer.
 */
export async function writeReport(
  outDir: string,
  answer: Answer,
  context: ReportContext,
): Promise<WrittenReport> {
  await mkdir(outDir, { recursive: true });
  const names = reportFileNames(context.synthetic);
  const files = Object.fromEntries(
    Object.entries(names).map(([output, name]) => [output, join(outDir, name)]),
  ) as unknown as ReportFiles;
  const charts = {
    genres: await renderChartSvg(answer.genres, context),
    decades: await renderDecadeChartSvg(answer, context),
  };
  await writeFile(files.csv, toCsv(answer.genres));
  await writeFile(files.json, toJson(answer.genres));
  await writeFile(files.svg, charts.genres);
  await writeFile(files.decadeCsv, toCsv(answer.decades));
  await writeFile(files.decadeJson, toJson(answer.decades));
  await writeFile(files.decadeSvg, charts.decades);
  await writeFile(files.html, renderHtml(answer, charts, context));
  const staleRemoved: string[] = [];
  for (const name of Object.values(reportFileNames(!context.synthetic))) {
    const path = join(outDir, name);
    if (!existsSync(path)) continue;
    await rm(path, { force: true });
    staleRemoved.push(path);
  }
  return { files, staleRemoved };
}
