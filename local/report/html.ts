import {
  formatRoi,
  noGenresMessage,
  SYNTHETIC_NOTICE,
  TABLE_NOTES,
  tableColumns,
  TMDB_ATTRIBUTION,
} from "./format";
import { printable } from "../terminal";
import { num, type Answer, type Mart, type ReportContext } from "./mart";

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** The genre table, ranked by portfolio ROI (the terminal table's columns). */
function genreTable(genres: Mart, context: ReportContext): string {
  if (genres.rows.length === 0) return `<p>${escapeHtml(noGenresMessage(context))}</p>`;
  const columns = tableColumns(genres);
  const header = columns
    .map((column) => `<th class="${column.align}">${escapeHtml(column.header)}</th>`)
    .join("");
  const body = genres.rows
    .map(
      (row) =>
        `<tr>${columns.map((column) => `<td class="${column.align}">${escapeHtml(column.cell(row))}</td>`).join("")}</tr>`,
    )
    .join("\n");
  return `<table id="genres"><thead><tr>${header}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** The decade table: genres by release decade, each cell the median ROI and the number of films. */
function decadeTable(answer: Answer): string {
  const rows = answer.decades.rows;
  if (rows.length === 0) return "<p>No genre has enough films in any decade yet.</p>";
  const decades = [...new Set(rows.map((row) => Number(row["release_decade"])))].sort((a, b) => a - b);
  const genres = [
    ...new Set([
      ...answer.genres.rows.map((row) => String(row["genre_name"])),
      ...rows.map((row) => String(row["genre_name"])),
    ]),
  ].filter((genre) => rows.some((row) => row["genre_name"] === genre));
  const cell = (genre: string, decade: number): string => {
    const row = rows.find((r) => r["genre_name"] === genre && Number(r["release_decade"]) === decade);
    if (row === undefined) return `<td class="right"></td>`;
    return `<td class="right">${escapeHtml(formatRoi(num(row, "median_roi")))} <span class="n">(${escapeHtml(String(row["total_movies"]))})</span></td>`;
  };
  const header = `<th class="left">Genre</th>${decades.map((decade) => `<th class="right">${decade}s</th>`).join("")}`;
  const body = genres
    .map(
      (genre) =>
        `<tr><td class="left">${escapeHtml(printable(genre))}</td>${decades.map((decade) => cell(genre, decade)).join("")}</tr>`,
    )
    .join("\n");
  return `<table id="decades"><thead><tr>${header}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
  body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; margin: 2rem auto; max-width: 64rem; color: #222; padding: 0 1rem; }
  h1 { font-size: 1.5rem; }
  .synthetic { background: #fff3cd; border: 1px solid #e0c060; padding: 0.6rem 0.8rem; font-weight: bold; }
  table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
  th, td { padding: 0.3rem 0.7rem; border-bottom: 1px solid #ddd; }
  td { white-space: nowrap; }
  th { background: #f4f4f4; }
  .right { text-align: right; font-variant-numeric: tabular-nums; }
  .left { text-align: left; }
  .n { color: #777; font-size: 0.8rem; }
  .chart svg { max-width: 100%; height: auto; }
  footer, .notes { color: #555; font-size: 0.85rem; }`;

/**
 * A self-contained HTML page (nothing to load: the charts are inline SVG, no script): both charts,
 * the ranked genre table, the decade table, notes and TMDB's attribution.
 */
export function renderHtml(
  answer: Answer,
  charts: { genres: string; decades: string },
  context: ReportContext,
): string {
  const generatedAt = (context.generatedAt ?? new Date()).toISOString();
  const banner = context.synthetic ? `<p class="synthetic">${escapeHtml(SYNTHETIC_NOTICE)}</p>` : "";
  const threshold =
    context.minMoviesPerGenre === undefined
      ? ""
      : `, and a genre is listed when it has at least ${context.minMoviesPerGenre} of them`;
  const decadeThreshold =
    context.minMoviesPerDecade === undefined
      ? ""
      : ` A decade's cell needs at least ${context.minMoviesPerDecade} of them.`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${context.synthetic ? "[Synthetic demo data] " : ""}Return on investment by genre</title>
<style>${STYLE}
</style>
</head>
<body>
<h1>Return on investment by genre</h1>
${banner}
<p>Source: ${escapeHtml(context.source)}. Generated ${escapeHtml(generatedAt)}.</p>
<div class="chart" id="genre-chart">${charts.genres}</div>
<h2>Ranked by portfolio ROI</h2>
${genreTable(answer.genres, context)}
<div class="notes">
<p>${escapeHtml(TABLE_NOTES.join(" "))}</p>
<p>ROI = (revenue − budget) / budget. Average ROI is pulled up by a few hits. Only films with a plausible budget and
revenue count${threshold}.</p>
</div>
<h2>By release decade</h2>
<div class="chart" id="decade-chart">${charts.decades}</div>
${decadeTable(answer)}
<div class="notes"><p>Each cell: the median ROI of the genre's films released in that decade (1990s = 1990 to 1999), and how
many films it rests on. Films without a release date are not in this table.${decadeThreshold}</p></div>
${banner}
<footer><p>${escapeHtml(TMDB_ATTRIBUTION)} Data: <a href="https://www.themoviedb.org/">The Movie Database (TMDB)</a>${
    context.synthetic ? " API format; the figures above are synthetic" : ""
  }.</p></footer>
</body>
</html>
`;
}
