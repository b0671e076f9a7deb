/**
 * `npm run extract`: one extraction with the same code and environment variables as the Lambda.
 * JSON log lines go to standard error; the summary JSON goes to standard output. Exits 1 on failure.
 */
import { loadConfig } from "./config";
import { describeError } from "./errors";
import { runExtraction } from "./extract";
import { createLogger, parseLogLevel } from "./logger";

const logger = createLogger({
  level: parseLogLevel(process.env["LOG_LEVEL"]),
  write: (line) => void process.stderr.write(`${line}\n`),
  base: { service: "tmdb-extractor" },
});

try {
  const config = loadConfig(process.env);
  const summary = await runExtraction(config, { logger });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
} catch (error) {
  process.stderr.write(`extract: ${describeError(error)}\n`);
  process.exitCode = 1;
}
