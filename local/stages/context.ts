import { describeError } from "../../functions/extractor/errors";
import type { BackfillEvent, PopularEvent } from "../../functions/extractor/event";
import { LocalStackError, type LocalStackOptions } from "../options";
import type { Progress } from "../progress";

/** What every stage of one local-stack run reads: the options, resolved once. */
export interface StageContext {
  options: LocalStackOptions;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  /** Writes one line of output (progress and the answer). */
  write: (line: string) => void;
  stateDir: string;
  databasePath: string;
  outDir: string;
  /** Popular pages to extract. */
  pages: number;
  /** What the extract stage runs: the popular list (`pages` pages) or a backfill. */
  event: PopularEvent | BackfillEvent;
  /** The real TMDB API's token, when it is the source. */
  tmdbToken: string | undefined;
}

/** Bucket of the local S3-compatible server. */
export const LOCAL_BUCKET = "tmdb-genre-roi-raw";

/**
 * Starts a local server, turning a port problem into a message that names the port and the option
 * that chooses another.
 */
export async function startServer<T>(
  what: string,
  port: number,
  option: string,
  start: () => Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === "EADDRINUSE"
        ? `port ${port} on 127.0.0.1 is already in use, so the ${what} cannot start: ` +
          `stop whatever listens there, or choose another port with ${option} (0 picks a free one)`
        : code === "EACCES"
          ? `not allowed to listen on port ${port} for the ${what}: use ${option} with a port above 1023`
          : `the ${what} did not start: ${describeError(error)}`;
    throw new LocalStackError("source", message, { cause: error });
  }
}
