/**
 * Runs the project's real dbt (scripts/dbt.sh, or the fakesnow runner) as a child process, so the
 * tests exercise exactly what `npm run dbt -- ...` does.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** A dbt (or environment) command that exited non-zero; carries the end of its output. */
export class CommandError extends Error {
  override readonly name = "CommandError";
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`${command} exited with ${String(exitCode)}:\n${output.slice(-6000)}`);
  }
}

/** Output and wall time of a finished command. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  seconds: number;
}

/**
 * Runs `bash <script> ...args` from the repository root.
 *
 * @param script - path relative to the repository root, e.g. `scripts/dbt.sh`.
 * @param env - variables added to this process's environment.
 */
export function runScript(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CommandResult> {
  const started = performance.now();
  const command = `${script} ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    execFile(
      "bash",
      [script, ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === "number" ? error.code : null;
          reject(new CommandError(command, code, `${stdout}\n${stderr}`));
          return;
        }
        resolve({ stdout, stderr, seconds: (performance.now() - started) / 1000 });
      },
    );
  });
}
