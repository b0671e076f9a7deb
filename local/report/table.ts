import { noGenresMessage, SYNTHETIC_NOTICE, TABLE_NOTES, tableColumns } from "./format";
import type { Mart, ReportContext } from "./mart";

/** The mart as a ranked plain-text table (ranked by portfolio ROI), with a heading and notes. */
export function formatTerminalTable(mart: Mart, context: ReportContext): string {
  const lines: string[] = [];
  if (context.synthetic) lines.push(`*** ${SYNTHETIC_NOTICE} ***`, "");
  lines.push(`Return on investment by genre (source: ${context.source}), ranked by portfolio ROI`);
  if (mart.rows.length === 0) {
    lines.push("", noGenresMessage(context));
    return lines.join("\n");
  }
  const columns = tableColumns(mart);
  const cells = mart.rows.map((row) => columns.map((column) => column.cell(row)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((row) => (row[i] ?? "").length)),
  );
  const render = (values: string[]): string =>
    values
      .map((value, i) => {
        const width = widths[i] ?? 0;
        return columns[i]?.align === "left" ? value.padEnd(width) : value.padStart(width);
      })
      .join("  ")
      .trimEnd();
  lines.push("", render(columns.map((column) => column.header)));
  lines.push(widths.map((width) => "-".repeat(width)).join("  "));
  for (const row of cells) lines.push(render(row));
  lines.push("", ...TABLE_NOTES);
  if (context.synthetic) lines.push(`*** ${SYNTHETIC_NOTICE} ***`);
  return lines.join("\n");
}
