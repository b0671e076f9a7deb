/**
 * Progress output of the local stack: numbered stages, each with what it is doing, its counts and
 * its elapsed time.
 */
export class Progress {
  readonly #write: (line: string) => void;
  readonly #started = performance.now();
  #stageStarted = performance.now();
  #stage = 0;
  readonly #stages: number;

  /**
   * @param stages - number of stages of this run.
   * @param write - where lines go. @default a line on standard output
   */
  constructor(
    stages: number,
    write: (line: string) => void = (line) => void process.stdout.write(`${line}\n`),
  ) {
    this.#stages = stages;
    this.#write = write;
  }

  /** Starts the next stage. */
  stage(title: string): void {
    this.#stage += 1;
    this.#stageStarted = performance.now();
    this.#write(`[${this.#stage}/${this.#stages}] ${title}`);
  }

  /** A detail line of the current stage. */
  detail(line: string): void {
    this.#write(`      ${line}`);
  }

  /** Ends the current stage with a summary and its elapsed time. */
  done(summary: string): void {
    this.#write(`      ${summary} (${formatSeconds(performance.now() - this.#stageStarted)})`);
  }

  /** An unindented line. */
  line(text = ""): void {
    this.#write(text);
  }

  /** Seconds since the run started, formatted. */
  elapsed(): string {
    return formatSeconds(performance.now() - this.#started);
  }
}

/** `1234.5` ms -> `1.2 s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
