import { describeError } from "../../functions/extractor/errors";
import { dbtProjectVar } from "../dbt";
import { display, LocalStackError } from "../options";
import { writeReport, type ReportFiles } from "../report/files";
import { readAnswer, type Answer, type ReportContext } from "../report/mart";
import { formatTerminalTable } from "../report/table";
import type { StageContext } from "./context";

/** Stage 5: the mart as a ranked terminal table, and as CSV, JSON, SVG chart and HTML report files. */
export async function answer(
  context: StageContext,
  provenance: { synthetic: boolean; source: string },
): Promise<{ answer: Answer; files: ReportFiles }> {
  const { progress, write, databasePath, outDir } = context;
  progress.stage("Answer: mart__genre_roi");
  const minMovies = dbtProjectVar("min_movies_per_genre");
  const minPerDecade = dbtProjectVar("min_movies_per_genre_decade");
  const report: ReportContext = {
    ...provenance,
    ...(typeof minMovies === "number" ? { minMoviesPerGenre: minMovies } : {}),
    ...(typeof minPerDecade === "number" ? { minMoviesPerDecade: minPerDecade } : {}),
  };
  let answer: Answer;
  let files: ReportFiles;
  try {
    answer = await readAnswer(databasePath);
    let staleRemoved: string[];
    ({ files, staleRemoved } = await writeReport(outDir, answer, report));
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
  for (const line of formatTerminalTable(answer.genres, report).split("\n")) write(line);
  write("");
  write("Outputs:");
  write(`  table (CSV)           ${display(files.csv)}`);
  write(`  rows (JSON)           ${display(files.json)}`);
  write(`  chart (SVG)           ${display(files.svg)}`);
  write(`  by decade (CSV)       ${display(files.decadeCsv)}`);
  write(`  by decade (JSON)      ${display(files.decadeJson)}`);
  write(`  by decade chart (SVG) ${display(files.decadeSvg)}`);
  write(`  report (HTML)         ${display(files.html)}`);
  return { answer, files };
}
