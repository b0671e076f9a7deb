import { MultiBar, Presets, type SingleBar } from "cli-progress";
import type { BackfillProgress } from "../functions/extractor/extract";
import { printable } from "./terminal";

/**
 * How the local stack shows a backfill under way: on a terminal, a live bar (years done of the range,
 * the years being listed, pages, movies, requests per second, ETA) with the stage's other lines
 * printed above it; otherwise a plain line every few seconds.
 */
export interface BackfillDisplay {
  update(progress: BackfillProgress): void;
  /** A line of the stage (a warning, say), printed above the bar on a terminal. */
  log(line: string): void;
  /** Removes the bar; later lines are plain. */
  stop(): void;
}

/** Seconds of requests the rate is averaged over. */
const RATE_WINDOW_MS = 5_000;
/** Time between two plain progress lines. */
const PLAIN_INTERVAL_MS = 5_000;

/**
 * A display writing plain lines through `detail`, or a live bar on `terminal` when it is a TTY.
 * @param detail writes one line of the stage (indented, made printable)
 */
export function backfillDisplay(
  detail: (line: string) => void,
  terminal: NodeJS.WriteStream | undefined,
): BackfillDisplay {
  const rate = requestRate();
  if (terminal?.isTTY !== true) return plainDisplay(detail, rate);
  const bars = new MultiBar(
    {
      stream: terminal,
      format:
        "      {bar} {value}/{total} years | now {underway} | {pages} pages | {movies} movies | {rate} req/s | ETA {eta_formatted}",
      hideCursor: true,
      etaBuffer: 20,
      autopadding: true,
    },
    Presets.shades_classic,
  );
  let bar: SingleBar | undefined;
  // The bar hides the cursor and turns line wrapping off until it stops: an exit (Ctrl-C) stops it too.
  const stop = () => {
    process.removeListener("exit", stop);
    if (bar === undefined) return;
    bars.update(); // writes the lines logged since the last redraw
    bars.stop();
    bar = undefined;
  };
  return {
    update(progress) {
      const payload = payloadOf(progress, rate(progress.requests));
      if (bar === undefined) process.once("exit", stop);
      bar ??= bars.create(progress.yearsTotal, progress.yearsDone, payload);
      bar.update(progress.yearsDone, payload);
    },
    log(line) {
      if (bar === undefined) terminal.write(`      ${printable(line)}\n`);
      else bars.log(`      ${printable(line)}\n`);
    },
    stop,
  };
}

function plainDisplay(detail: (line: string) => void, rate: (requests: number) => number): BackfillDisplay {
  let lastLine = Number.NEGATIVE_INFINITY;
  return {
    update(progress) {
      const now = performance.now();
      const perSecond = rate(progress.requests);
      if (now - lastLine < PLAIN_INTERVAL_MS) return;
      lastLine = now;
      const { underway, pages, movies } = payloadOf(progress, perSecond);
      const measured = perSecond > 0 ? ` (${perSecond} req/s)` : "";
      detail(
        `${progress.yearsDone}/${progress.yearsTotal} years done, now ${underway}: ` +
          `${pages} pages, ${movies} movies, ${progress.requests.toLocaleString("en-US")} requests${measured}`,
      );
    },
    log: detail,
    stop: () => undefined,
  };
}

function payloadOf(progress: BackfillProgress, perSecond: number) {
  return {
    underway: progress.yearsUnderway.length === 0 ? "-" : progress.yearsUnderway.join(" "),
    pages: progress.pages.toLocaleString("en-US"),
    movies: progress.movies.toLocaleString("en-US"),
    rate: perSecond,
  };
}

/** Requests per second over the last few seconds, from the running request count. */
function requestRate(): (requests: number) => number {
  const samples: { at: number; requests: number }[] = [];
  return (requests) => {
    const at = performance.now();
    samples.push({ at, requests });
    while (samples.length > 2 && at - (samples[1]?.at ?? at) >= RATE_WINDOW_MS) samples.shift();
    const first = samples[0] ?? { at, requests };
    const seconds = (at - first.at) / 1000;
    return seconds < 0.5 ? 0 : Math.round((requests - first.requests) / seconds);
  };
}
