import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderChartSvg } from "./chart";
import { renderHtml } from "./html";
import type { Mart, ReportContext } from "./mart";

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
  html: string;
}

/** File names of the outputs; prefixed `demo_` when the data is synthetic, so no file can pass for real data. */
export function reportFileNames(synthetic: boolean): ReportFiles {
  const prefix = synthetic ? "demo_" : "";
  return {
    csv: `${prefix}genre_roi.csv`,
    json: `${prefix}genre_roi.json`,
    svg: `${prefix}genre_roi.svg`,
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
 * Writes CSV, JSON, SVG and HTML into `outDir` (created when missing); returns their paths. Outputs of
 * the other kind left there by an earlier run (`demo_*` files when the data is real, the unprefixed
 * ones when it is synthetic) are deleted, so the folder only ever holds this run's answer.
 */
export async function writeReport(
  outDir: string,
  mart: Mart,
  context: ReportContext,
): Promise<WrittenReport> {
  await mkdir(outDir, { recursive: true });
  const names = reportFileNames(context.synthetic);
  const files: ReportFiles = {
    csv: join(outDir, names.csv),
    json: join(outDir, names.json),
    svg: join(outDir, names.svg),
    html: join(outDir, names.html),
  };
  const svg = await renderChartSvg(mart, context);
  await writeFile(files.csv, toCsv(mart));
  await writeFile(files.json, toJson(mart));
  await writeFile(files.svg, svg);
  await writeFile(files.html, renderHtml(mart, svg, context));
  const staleRemoved: string[] = [];
  for (const name of Object.values(reportFileNames(!context.synthetic))) {
    const path = join(outDir, name);
    if (!existsSync(path)) continue;
    await rm(path, { force: true });
    staleRemoved.push(path);
  }
  return { files, staleRemoved };
}
