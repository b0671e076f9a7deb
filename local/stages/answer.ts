import { describeError } from "../../functions/extractor/errors";
import { dbtProjectVar } from "../dbt";
import { display, LocalStackError } from "../options";
import { writeReport, type ReportFiles } from "../report/files";
import { readMart, type Mart, type ReportContext } from "../report/mart";
import { formatTerminalTable } from "../report/table";
import type { StageContext } from "./context";

/** Stage 5: the mart as a ranked terminal table, and as CSV, JSON, SVG chart and HTML report files. */
export async function answer(
  context: StageContext,
  provenance: { synthetic: boolean; source: string },
): Promise<{ mart: Mart; files: ReportFiles }> {
  const { progress, write, databasePath, outDir } = context;
  progress.stage("Answer: mart__genre_roi");
  const minMovies = dbtProjectVar("min_movies_per_genre");
  const report: ReportContext = {
    ...provenance,
    ...(typeof minMovies === "number" ? { minMoviesPerGenre: minMovies } : {}),
  };
  let mart: Mart;
  let files: ReportFiles;
  try {
    mart = await readMart(databasePath);
    let staleRemoved: string[];
    ({ files, staleRemoved } = await writeReport(outDir, mart, report));
    if (staleRemoved.length > 0) {
      const kind = report.synthetic ? "real-data" : "synthetic demo";
      progress.detail(
        `deleted the ${kind} outputs of an earlier run: ${staleRemoved.map(display).join(", ")}`,
      );
    }
  } catch (error) {
    throw new LocalStackError("answer", describeError(error), { cause: error });
  }
  write("");
  for (const line of formatTerminalTable(mart, report).split("\n")) write(line);
  write("");
  write("Outputs:");
  write(`  table (CSV)   ${display(files.csv)}`);
  write(`  rows (JSON)   ${display(files.json)}`);
  write(`  chart (SVG)   ${display(files.svg)}`);
  write(`  report (HTML) ${display(files.html)}`);
  return { mart, files };
}
