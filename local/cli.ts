/**
 * `npm start`: runs the whole pipeline on this machine and shows which genres deliver the best ROI.
 * See `npm start -- --help`.
 */
import { parseArgs } from "node:util";
import { FIRST_FILM_YEAR, TMDB_MAX_PAGE } from "../contract/pipeline";
import { DEFAULT_TMDB_BASE_URL } from "../functions/extractor/config";
import { LocalStackError } from "./options";
import { DEFAULT_PAGES, runLocalStack } from "./pipeline";
import { printableLines } from "./terminal";

const HELP = `Usage: npm start -- [options]

Runs the pipeline on this machine: TMDB (or the built-in synthetic demo catalog) -> extractor ->
S3-compatible server -> raw.movies in DuckDB -> dbt build -> ranked ROI by genre.

Options:
  --pages N        popular pages to extract, 1..${TMDB_MAX_PAGE} (default ${DEFAULT_PAGES}, 20 movies a page)
  --backfill       extract every movie of each release year instead of the popular list (the
                   demo server serves 1970-2025); an interrupted backfill resumes where it stopped
  --years A-B      the backfill's release years: A-B, A (one year) or A- (A to this year);
                   implies --backfill (default ${FIRST_FILM_YEAR}-: every year to this one)
  --from-raw DIR   load the raw files of DIR (laid out like the bucket: DIR/raw/movies/...)
                   instead of extracting
  --out DIR        where the CSV, JSON, SVG and HTML outputs go (default out/)
  --reset          delete the local state (S3 objects, warehouse, dbt target) first
  --s3-port N      port of the local S3-compatible server (default: any free port)
  --tmdb-port N    port of the local TMDB-compatible server (default: any free port)
  --help           show this help

Environment:
  TMDB_API_TOKEN       a TMDB API Read Access Token: extract from the real TMDB API instead of
                       the synthetic demo catalog
  TMDB_API_BASE_URL    the TMDB API's base URL with a token (default ${DEFAULT_TMDB_BASE_URL})
  TMDB_ROI_STATE_DIR   local state folder (default .local/)
  TMDB_ROI_DUCKDB_PATH warehouse file (default $TMDB_ROI_STATE_DIR/warehouse.duckdb)
`;

function integerOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new LocalStackError(
      "options",
      `--${name} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

/** `--years`: `1990-2000`, `1995` or `1990-` (to the current year); absent, the event's defaults. */
function yearsOption(value: string | undefined): { fromYear?: number; toYear?: number } {
  if (value === undefined) return {};
  const match = /^(\d{4})(-(\d{4})?)?$/.exec(value);
  if (match === null) {
    throw new LocalStackError(
      "options",
      `--years must be A-B, A or A- with four-digit years, got ${JSON.stringify(value)}`,
    );
  }
  const fromYear = Number(match[1]);
  if (match[2] === undefined) return { fromYear, toYear: fromYear };
  return match[3] === undefined ? { fromYear } : { fromYear, toYear: Number(match[3]) };
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        pages: { type: "string" },
        backfill: { type: "boolean", default: false },
        years: { type: "string" },
        "from-raw": { type: "string" },
        out: { type: "string" },
        reset: { type: "boolean", default: false },
        "s3-port": { type: "string" },
        "tmdb-port": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  try {
    const pages = integerOption("pages", values.pages, 1, TMDB_MAX_PAGE);
    const s3Port = integerOption("s3-port", values["s3-port"], 0, 65535);
    const tmdbPort = integerOption("tmdb-port", values["tmdb-port"], 0, 65535);
    const backfill = values.backfill || values.years !== undefined ? yearsOption(values.years) : undefined;
    await runLocalStack({
      ...(backfill === undefined ? {} : { backfill }),
      ...(pages === undefined ? {} : { pages }),
      ...(values["from-raw"] === undefined ? {} : { fromRaw: values["from-raw"] }),
      ...(values.out === undefined ? {} : { outDir: values.out }),
      ...(s3Port === undefined ? {} : { s3Port }),
      ...(tmdbPort === undefined ? {} : { tmdbPort }),
      reset: values.reset,
    });
    return 0;
  } catch (error) {
    if (error instanceof LocalStackError) {
      process.stderr.write(
        `\nnpm start failed at stage "${error.stage}": ${printableLines(error.message)}\n`,
      );
      return error.stage === "options" ? 2 : 1;
    }
    process.stderr.write(
      `\nnpm start failed: ${printableLines(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
    );
    return 1;
  }
}

process.once("SIGINT", () => {
  process.stderr.write(
    "\nnpm start interrupted: files already loaded stay loaded and recorded; the next run continues from there.\n",
  );
  process.exit(130); // releases the state lock (an exit handler)
});
process.exitCode = await main(process.argv.slice(2));
