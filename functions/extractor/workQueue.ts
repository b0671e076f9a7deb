/** A unit of work; a rejection is reported to the queue's `onError`. */
export type Task = () => Promise<void>;

/**
 * Runs tasks with at most `concurrency` at a time, "high" priority first. After the first failure the
 * queue stops starting tasks, reports the error once, and drains what is in flight.
 */
export class WorkQueue {
  readonly #concurrency: number;
  readonly #onError: (error: unknown) => void;
  readonly #high: Task[] = [];
  readonly #low: Task[] = [];
  #running = 0;
  #failed = false;
  #idle: (() => void)[] = [];

  constructor(concurrency: number, onError: (error: unknown) => void) {
    if (!(Number.isInteger(concurrency) && concurrency > 0)) {
      throw new RangeError(`WorkQueue: concurrency must be a positive integer (got ${concurrency})`);
    }
    this.#concurrency = concurrency;
    this.#onError = onError;
  }

  /** Queues a task; ignored after a failure. */
  push(task: Task, priority: "high" | "low"): void {
    if (this.#failed) return;
    (priority === "high" ? this.#high : this.#low).push(task);
    this.#pump();
  }

  /** Resolves once no task is queued or running. */
  drained(): Promise<void> {
    if (this.#running === 0 && this.#high.length === 0 && this.#low.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (!this.#failed && this.#running < this.#concurrency) {
      const task = this.#high.shift() ?? this.#low.shift();
      if (!task) break;
      this.#running += 1;
      task()
        .catch((error: unknown) => {
          if (!this.#failed) {
            this.#failed = true;
            this.#high.length = 0;
            this.#low.length = 0;
            this.#onError(error);
          }
        })
        .finally(() => {
          this.#running -= 1;
          this.#pump();
          if (this.#running === 0 && (this.#failed || (this.#high.length === 0 && this.#low.length === 0))) {
            for (const resolve of this.#idle.splice(0)) resolve();
          }
        });
    }
  }
}
