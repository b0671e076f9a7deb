import { describeError } from "../../functions/extractor/errors";
import { runDbt, type DbtRunResult } from "../dbt";
import { LocalStackError, REPO_ROOT } from "../options";
import { formatRawIssues, readRawIssues, type RawIssues } from "../report/issues";
import type { StageContext } from "./context";

/**
 * Stage 4: `dbt build --target local`, the models and their tests, on the warehouse; then the raw
 * records the models left out or used without a value, with their file and line.
 */
export async function transform(context: StageContext): Promise<{ dbt: DbtRunResult; issues: RawIssues }> {
  const { progress, stateDir, databasePath } = context;
  progress.stage("Transform: dbt build --target local (models and tests)");
  let dbt: DbtRunResult;
  try {
    dbt = await runDbt({
      repoRoot: REPO_ROOT,
      args: ["build", "--target", "local"],
      stateDir,
      databasePath,
      env: withoutSecrets(context.env),
      onLine: (line) => progress.detail(`dbt | ${line}`),
    });
  } catch (error) {
    throw new LocalStackError("transform", describeError(error), { cause: error });
  }
  const issues = await readRawIssues(databasePath);
  for (const line of formatRawIssues(issues)) progress.detail(`warning: ${line}`);
  const counts = Object.entries(dbt.counts).map(([status, count]) => `${count} ${status}`);
  progress.done(`dbt build passed: ${counts.join(", ")}`);
  return { dbt, issues };
}

/** The environment dbt gets: the caller's, minus the TMDB token (dbt has no use for it). */
function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy["TMDB_API_TOKEN"];
  return copy;
}
