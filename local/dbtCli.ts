/**
 * `npm run dbt -- <dbt arguments>`: the project's dbt (scripts/dbt.sh). On the local target it holds
 * the state folder's lock while dbt runs, so that it never races `npm start` for the warehouse file.
 */
import { describeError } from "../functions/extractor/errors";
import { dbtTarget, runDbtOnTerminal } from "./dbt";
import { ensureWritableFolder } from "./folders";
import { resolvePaths } from "./options";
import { acquireStateLock, type StateLock } from "./stateLock";

async function main(args: string[]): Promise<number> {
  let lock: StateLock | undefined;
  if (dbtTarget(args, process.env) === "local") {
    const { stateDir } = resolvePaths({});
    try {
      await ensureWritableFolder(stateDir, "the state folder (TMDB_ROI_STATE_DIR)");
      lock = acquireStateLock(stateDir, "npm run dbt");
    } catch (error) {
      process.stderr.write(`npm run dbt: ${describeError(error)}\n`);
      return 1;
    }
  }
  try {
    return await runDbtOnTerminal(args);
  } finally {
    lock?.release();
  }
}

// Ctrl-C reaches dbt too (same process group): wait for it to stop, then release the lock.
process.on("SIGINT", () => undefined);
process.exitCode = await main(process.argv.slice(2));
