import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

/**
 * A lock file in the local state folder so that two runs of the local stack cannot use the same
 * state (S3 objects, warehouse file) at once. The file holds the owner's pid; a lock whose owner is
 * gone (crashed, killed) is taken over.
 */

/** Name of the lock file inside the state folder. */
export const LOCK_FILE_NAME = "lock";

/** Another live process holds the state folder; the message names its command, e.g. `npm run dbt`. */
export class StateLockedError extends Error {
  override readonly name = "StateLockedError";
  constructor(
    readonly lockPath: string,
    readonly ownerPid: number,
    readonly ownerStartedAt: string,
    readonly ownerCommand: string,
  ) {
    super(
      `${ownerCommand} (pid ${ownerPid}, started ${ownerStartedAt}) is using ${lockPath.replace(/[/\\]lock$/, "")}; ` +
        `wait for it to finish, or delete ${lockPath} if that process is gone`,
    );
  }
}

/** A held lock; `release()` deletes the lock file (idempotent). */
export interface StateLock {
  readonly path: string;
  release(): void;
}

interface LockContent {
  pid: number;
  host: string;
  startedAt: string;
  /** The command holding the lock, e.g. `npm start`. */
  command: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(path: string): LockContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<LockContent>;
    if (typeof parsed.pid !== "number") return undefined;
    return {
      pid: parsed.pid,
      host: String(parsed.host ?? ""),
      startedAt: String(parsed.startedAt ?? "unknown"),
      command: typeof parsed.command === "string" ? parsed.command : "another local stack run",
    };
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock of `stateDir` (created when missing) for `command`. Throws {@link StateLockedError}
 * when a live process on this host holds it; takes over a lock left by a dead process or an
 * unreadable one.
 */
export function acquireStateLock(stateDir: string, command = "npm start"): StateLock {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, LOCK_FILE_NAME);
  const content: LockContent = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    command,
  };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      writeFileSync(path, `${JSON.stringify(content)}\n`, { flag: "wx" });
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off("exit", release);
        const current = readLock(path);
        if (current?.pid === process.pid) unlinkSync(path);
      };
      // Also released when the process exits early (process.exit, e.g. on Ctrl-C).
      process.on("exit", release);
      return { path, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readLock(path);
    if (owner !== undefined && owner.host === content.host && isAlive(owner.pid)) {
      throw new StateLockedError(path, owner.pid, owner.startedAt, owner.command);
    }
    if (owner !== undefined && owner.host !== content.host) {
      throw new StateLockedError(path, owner.pid, `${owner.startedAt} on host ${owner.host}`, owner.command);
    }
    try {
      unlinkSync(path); // stale: its owner is gone
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
