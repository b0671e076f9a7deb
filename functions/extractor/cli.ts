/**
 * `npm run extract -- [--event '<json>'] [--invocation-seconds N]`: an extraction with the same code,
 * event and environment variables as the Lambda. A backfill is invoked again, with the same event,
 * until it is done, as the stack's state machine does; `--invocation-seconds` gives each invocation
 * the time a Lambda invocation would have (default: no limit, one invocation does it all).
 * JSON log lines go to standard error; each invocation's summary JSON goes to standard output.
 * Exits 1 when the run fails or any movie was lost (its details failed after retries), after
 * printing what landed; 2 on a bad option or event.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "./config";
import { describeError } from "./errors";
import { parseEvent, type ExtractorEvent } from "./event";
import { runEvent, type RunSummary } from "./extract";
import { createLogger, parseLogLevel } from "./logger";

const logger = createLogger({
  level: parseLogLevel(process.env["LOG_LEVEL"]),
  write: (line) => void process.stderr.write(`${line}\n`),
  base: { service: "tmdb-extractor" },
});

/** The event and the per-invocation time of the command line. */
function options(argv: string[]): { event: ExtractorEvent; invocationMs: number | undefined } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { event: { type: "string" }, "invocation-seconds": { type: "string" } },
  });
  let event: unknown = {};
  if (values.event !== undefined) {
    try {
      event = JSON.parse(values.event);
    } catch (error) {
      throw new Error(
        `--event must be JSON, e.g. '{"mode":"backfill","fromYear":1990}': ${describeError(error)}`,
      );
    }
  }
  const seconds = values["invocation-seconds"];
  if (seconds !== undefined && !/^[1-9]\d*$/.test(seconds))
    throw new Error("--invocation-seconds must be a whole number of seconds");
  return {
    event: parseEvent(event),
    invocationMs: seconds === undefined ? undefined : Number(seconds) * 1000,
  };
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof options>;
  try {
    parsed = options(argv);
  } catch (error) {
    process.stderr.write(`extract: ${describeError(error)}\n`);
    return 2;
  }
  let lost = 0;
  try {
    const config = loadConfig(process.env);
    for (let summary: RunSummary | undefined; summary === undefined || !summary.done;) {
      const deadline = parsed.invocationMs === undefined ? undefined : Date.now() + parsed.invocationMs;
      summary = await runEvent(config, parsed.event, {
        logger,
        ...(deadline === undefined ? {} : { deadline }),
      });
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      lost += summary.failedCount;
      if (summary.mode !== "backfill") break;
    }
  } catch (error) {
    process.stderr.write(`extract: ${describeError(error)}\n`);
    return 1;
  }
  if (lost === 0) return 0;
  process.stderr.write(`extract: ${lost} movie(s) could not be fetched after retries (see "failed" above)\n`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
