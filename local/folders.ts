import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/**
 * Checks, before any stage runs, that the folders a run writes to are folders it can write to, and
 * creates them when missing. Node's recursive mkdir never returns under some paths (e.g. /proc), so
 * each missing folder is created on its own, and every file-system call has a time limit.
 */

/** A folder a run needs cannot be used; the message names it and the option that sets it. */
export class FolderError extends Error {
  override readonly name = "FolderError";
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** Longest wait for one file-system call before the folder counts as unusable. */
export const FOLDER_CHECK_TIMEOUT_MS = 5000;

/**
 * Makes sure `path` is a writable folder, creating it (and missing parents) when needed.
 * @param what - how the message names the folder, e.g. `the output folder (--out)`
 * @throws FolderError naming the folder and what is wrong
 */
export async function ensureWritableFolder(path: string, what: string): Promise<void> {
  const folder = resolve(path);
  const kind = await kindOf(folder, what);
  if (kind === "other") throw new FolderError(folder, `${what} ${folder} exists and is not a folder`);
  if (kind === "missing") await createFolder(folder, what);
  const probe = join(folder, `.tmdb-roi-write-check-${process.pid}`);
  try {
    await limited(writeFile(probe, ""), `writing in ${what} ${folder}`);
    await limited(rm(probe, { force: true }), `writing in ${what} ${folder}`);
  } catch (error) {
    throw new FolderError(folder, `cannot write in ${what} ${folder}: ${reason(error)}`);
  }
}

async function kindOf(path: string, what: string): Promise<"folder" | "other" | "missing"> {
  try {
    const info = await limited(stat(path), `checking ${what} ${path}`);
    return info.isDirectory() ? "folder" : "other";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw new FolderError(path, `cannot use ${what} ${path}: ${reason(error)}`);
  }
}

/** Creates the folder and its missing parents, one level at a time. */
async function createFolder(folder: string, what: string): Promise<void> {
  const missing: string[] = [];
  for (let path = folder; (await kindOf(path, what)) === "missing"; path = dirname(path))
    missing.unshift(path);
  for (const path of missing) {
    try {
      await limited(mkdir(path), `creating ${what} ${folder}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw new FolderError(folder, `cannot create ${what} ${folder}: ${reason(error)}`);
    }
  }
}

/** The promise, or a rejection once {@link FOLDER_CHECK_TIMEOUT_MS} have passed. */
function limited<T>(promise: Promise<T>, doing: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${doing} took more than ${FOLDER_CHECK_TIMEOUT_MS / 1000} s`)),
      FOLDER_CHECK_TIMEOUT_MS,
    );
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${code} (${message})`;
}
