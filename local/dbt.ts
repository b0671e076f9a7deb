import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "./options";

/**
 * The one way this project runs dbt (the local stack, `npm run dbt`, the tests and benchmarks): the
 * project's dbt (scripts/dbt.sh: the hash-locked virtual environment, dbt_project/ and its profiles),
 * or dbt-snowflake on fakesnow (scripts/fakesnow-dbt.sh), as a child process. Streams its output line
 * by line, and on failure names the failing models and tests from dbt's `run_results.json`.
 */

/** Options of {@link runDbt}. */
export interface DbtRunOptions {
  /**
   * Repository root (holds scripts/ and dbt_project/).
   * @default the repository this file belongs to
   */
  repoRoot?: string;
  /** dbt arguments, e.g. `["build", "--target", "local"]`. */
  args: string[];
  /** Local state folder (`TMDB_ROI_STATE_DIR`); dbt's target and log folders go under `<stateDir>/dbt`. */
  stateDir: string;
  /**
   * Warehouse file (`TMDB_ROI_DUCKDB_PATH`).
   * @default profiles.yml's: `<stateDir>/warehouse.duckdb`
   */
  databasePath?: string;
  /**
   * Run dbt-snowflake against fakesnow (scripts/fakesnow-dbt.sh) with these runner options (e.g.
   * `--raw-rows FILE --export-dir DIR`) instead of the project's dbt (scripts/dbt.sh).
   * @default undefined (scripts/dbt.sh)
   */
  fakesnow?: string[];
  /**
   * Receives each output line of dbt (standard output and error).
   * @default lines are dropped
   */
  onLine?: (line: string) => void;
  /**
   * Base environment of the child.
   * @default process.env
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Whether dbt colours its output.
   * @default false
   */
  colors?: boolean;
}

/** A node dbt reported as failed. */
export interface DbtFailure {
  /** e.g. `model.tmdb_genre_roi.stg__movies`, `test.tmdb_genre_roi.not_null_...`, `unit_test....`. */
  uniqueId: string;
  /** `model`, `test` (data test), `unit_test`, `seed`, `operation`, ... */
  resourceType: string;
  /** Node name, e.g. `stg__movies`; `<model>.<test>` for unit tests. */
  name: string;
  /** dbt's status: `error`, `fail` or `runtime error`. */
  status: string;
  /** dbt's message, first lines. */
  message: string;
}

/** Outcome of a dbt invocation. */
export interface DbtRunResult {
  exitCode: number;
  durationMs: number;
  /** Node statuses counted from run_results.json, e.g. `{ success: 12, pass: 40 }`. */
  counts: Record<string, number>;
  failures: DbtFailure[];
  /** Where run_results.json was read from. */
  runResultsPath: string;
  /** DuckDB's message when another process held the warehouse file's lock. */
  lockConflict?: string;
}

/** dbt exited non-zero; the message names each failing model or test. */
export class DbtError extends Error {
  override readonly name = "DbtError";
  constructor(readonly result: DbtRunResult) {
    super(describeDbtFailure(result));
  }
}

function describeDbtFailure(result: DbtRunResult): string {
  if (result.lockConflict !== undefined) {
    return (
      `dbt could not open the warehouse: another process is using it (${result.lockConflict}); ` +
      "wait for it to finish (e.g. an `npm run dbt` or a DuckDB session on the same file), then run again"
    );
  }
  if (result.failures.length === 0) {
    return `dbt exited with code ${result.exitCode} before running any model or test (see its output above; ${result.runResultsPath} has no failed node)`;
  }
  const lines = result.failures.map((failure) => {
    const what = failure.resourceType === "test" ? "data test" : failure.resourceType.replace("_", " ");
    return `${what} ${failure.name} (${failure.uniqueId}): ${failure.status}: ${failure.message}`;
  });
  return `dbt build failed: ${result.failures.length} node(s) failed:\n  ${lines.join("\n  ")}`;
}

const FAILED_STATUSES = new Set(["error", "fail", "runtime error"]);

/** Reads dbt's run_results.json: status counts and the failed nodes. */
export function readRunResults(path: string): { counts: Record<string, number>; failures: DbtFailure[] } {
  const counts: Record<string, number> = {};
  const failures: DbtFailure[] = [];
  if (!existsSync(path)) return { counts, failures };
  const parsed = JSON.parse(readFileSync(path, "utf8")) as {
    results?: { unique_id?: string; status?: string; message?: string | null }[];
  };
  for (const result of parsed.results ?? []) {
    const status = String(result.status ?? "unknown");
    counts[status] = (counts[status] ?? 0) + 1;
    if (!FAILED_STATUSES.has(status)) continue;
    const uniqueId = String(result.unique_id ?? "unknown");
    const parts = uniqueId.split(".");
    const message = String(result.message ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .slice(0, 3)
      .join(" / ");
    failures.push({
      uniqueId,
      resourceType: parts[0] ?? "node",
      // test.<project>.<name>.<hash>, unit_test.<project>.<model>.<test>, model.<project>.<name>
      name: parts[0] === "unit_test" ? parts.slice(2).join(".") : (parts[2] ?? uniqueId),
      status,
      message,
    });
  }
  return { counts, failures };
}

/**
 * Runs dbt with `options.args` and resolves with the outcome; rejects with {@link DbtError} when dbt
 * exits non-zero. dbt's target and log folders are kept under the state folder, so runs with
 * different state folders never share them.
 */
export async function runDbt(options: DbtRunOptions): Promise<DbtRunResult> {
  const started = performance.now();
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const targetPath = join(options.stateDir, "dbt", "target");
  const runResultsPath = join(targetPath, "run_results.json");
  const args = [...options.args];
  if (!(options.colors ?? false)) args.push("--no-use-colors");
  const script = options.fakesnow === undefined ? "dbt.sh" : "fakesnow-dbt.sh";
  const scriptArgs = options.fakesnow === undefined ? args : [...options.fakesnow, "--", ...args];
  const env: NodeJS.ProcessEnv = {
    ...(options.env ?? process.env),
    TMDB_ROI_STATE_DIR: options.stateDir,
    ...(options.databasePath === undefined ? {} : { TMDB_ROI_DUCKDB_PATH: options.databasePath }),
    DBT_TARGET_PATH: targetPath,
    DBT_LOG_PATH: join(options.stateDir, "dbt", "logs"),
  };

  // A run that fails before writing run_results.json must not be judged by an older file.
  rmSync(runResultsPath, { force: true });
  let lockConflict: string | undefined;
  const exitCode = await runScript(repoRoot, script, scriptArgs, env, (line) => {
    if (lockConflict === undefined && DUCKDB_LOCK_CONFLICT.test(line))
      lockConflict = line.replace(/^.*?IO Error: /, "").trim();
    options.onLine?.(line);
  });
  const { counts, failures } = readRunResults(runResultsPath);
  const result: DbtRunResult = {
    exitCode,
    durationMs: performance.now() - started,
    counts,
    failures,
    runResultsPath,
    ...(lockConflict === undefined ? {} : { lockConflict }),
  };
  if (exitCode !== 0) throw new DbtError(result);
  return result;
}

/** The dbt target an invocation uses: `--target`/`-t`, else DBT_TARGET, else the profile's default (local). */
export function dbtTarget(args: readonly string[], env: NodeJS.ProcessEnv): string {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? "";
    if ((arg === "--target" || arg === "-t") && args[i + 1] !== undefined) return args[i + 1] as string;
    if (arg.startsWith("--target=")) return arg.slice("--target=".length);
  }
  return env["DBT_TARGET"] || "local";
}

/** DuckDB's error when another process holds a database file's lock. */
const DUCKDB_LOCK_CONFLICT = /Could not set lock on file/;

/**
 * Runs the project's dbt (scripts/dbt.sh) on the terminal: its output and colours as dbt writes
 * them, dbt's own target folder. Resolves with dbt's exit code.
 */
export function runDbtOnTerminal(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runScript(REPO_ROOT, "dbt.sh", args, env, "inherit");
}

/**
 * Runs `bash scripts/<script> <args>`, handing each output line to `onLine` (or leaving the
 * terminal to the child); resolves with the exit code.
 */
function runScript(
  repoRoot: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine: ((line: string) => void) | "inherit",
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const child = spawn("bash", [join(repoRoot, "scripts", script), ...args], {
      cwd: repoRoot,
      env,
      stdio: onLine === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    if (onLine !== "inherit" && child.stdout && child.stderr) {
      forwardLines(child.stdout, onLine);
      forwardLines(child.stderr, onLine);
    }
    child.on("error", (error) =>
      reject(new Error(`cannot start dbt (bash scripts/${script}): ${error.message}`)),
    );
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function forwardLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf("\n");
    while (newline !== -1) {
      onLine(buffer.slice(0, newline).replace(/\r$/, ""));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf("\n");
    }
  });
  stream.on("end", () => {
    if (buffer !== "") onLine(buffer);
  });
}

/** Reads a dbt project variable (`vars:` in dbt_project.yml), e.g. `min_movies_per_genre`. */
export function dbtProjectVar(name: string): unknown {
  const path = join(REPO_ROOT, "dbt_project", "dbt_project.yml");
  if (!existsSync(path)) return undefined;
  const project = parseYaml(readFileSync(path, "utf8")) as { vars?: Record<string, unknown> };
  return project.vars?.[name];
}
