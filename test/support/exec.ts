/** Runs a program with a given environment and working directory, for tests that need exactly that. */
import { execFile } from "node:child_process";

/** A command that exited non-zero; carries the end of its output. */
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
 * Runs a program with exactly the given environment and working directory.
 *
 * @param options.env - the whole environment of the child (nothing is inherited).
 * @param options.cwd - working directory.
 */
export function runProgram(
  program: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<CommandResult> {
  const started = performance.now();
  const command = `${program} ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    execFile(
      program,
      [...args],
      { cwd: options.cwd, env: options.env, maxBuffer: 64 * 1024 * 1024 },
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
