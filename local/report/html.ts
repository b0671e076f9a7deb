import { noGenresMessage, SYNTHETIC_NOTICE, TABLE_COLUMNS, TMDB_ATTRIBUTION } from "./format";
import type { Mart, ReportContext } from "./mart";

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** A self-contained HTML page: the chart (inline SVG), the ranked table, notes and TMDB's attribution. */
export function renderHtml(mart: Mart, svg: string, context: ReportContext): string {
  const generatedAt = (context.generatedAt ?? new Date()).toISOString();
  const banner = context.synthetic ? `<p class="synthetic">${escapeHtml(SYNTHETIC_NOTICE)}</p>` : "";
  const header = TABLE_COLUMNS.map(
    (column) => `<th class="${column.align}">${escapeHtml(column.header)}</th>`,
  ).join("");
  const body = mart.rows
    .map(
      (row) =>
        `<tr>${TABLE_COLUMNS.map((column) => `<td class="${column.align}">${escapeHtml(column.cell(row))}</td>`).join("")}</tr>`,
    )
    .join("\n");
  const table =
    mart.rows.length === 0
      ? `<p>${escapeHtml(noGenresMessage(context))}</p>`
      : `<table><thead><tr>${header}</tr></thead><tbody>\n${body}\n</tbody></table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${context.synthetic ? "[Synthetic demo data] " : ""}Return on investment by genre</title>
<style>
  body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; padding: 0 1rem; }
  h1 { font-size: 1.5rem; }
  .synthetic { background: #fff3cd; border: 1px solid #e0c060; padding: 0.6rem 0.8rem; font-weight: bold; }
  table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
  th, td { padding: 0.3rem 0.7rem; border-bottom: 1px solid #ddd; }
  th { background: #f4f4f4; }
  .right { text-align: right; font-variant-numeric: tabular-nums; }
  .left { text-align: left; }
  .chart svg { max-width: 100%; height: auto; }
  footer, .notes { color: #555; font-size: 0.85rem; }
</style>
</head>
<body>
<h1>Return on investment by genre</h1>
${banner}
<p>Source: ${escapeHtml(context.source)}. Generated ${escapeHtml(generatedAt)}.</p>
<div class="chart">${svg}</div>
<h2>Ranked by portfolio ROI</h2>
${table}
<div class="notes">
<p>ROI = (revenue − budget) / budget. Portfolio ROI treats a genre as one investment: (total revenue − total
budget) / total budget. Median ROI is the typical film; average ROI is pulled up by a few hits. A film counts in
each of its genres. Only films with a plausible budget and revenue count${
    context.minMoviesPerGenre === undefined
      ? ""
      : `, and a genre is listed when it has at least ${context.minMoviesPerGenre} of them`
  }.</p>
</div>
${banner}
<footer><p>${escapeHtml(TMDB_ATTRIBUTION)} Data: <a href="https://www.themoviedb.org/">The Movie Database (TMDB)</a>${
    context.synthetic ? " API format; the figures above are synthetic" : ""
  }.</p></footer>
</body>
</html>
`;
}
