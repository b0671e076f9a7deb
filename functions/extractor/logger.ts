/** Severity of a log line; lines below the logger's level are dropped (`silent` drops all). */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Structured logger: every call writes one JSON object on one line. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /**
   * Lowest level written.
   * @default "info"
   */
  level?: LogLevel;
  /**
   * Where each JSON line goes (without the trailing newline).
   * @default a write to standard output
   */
  write?: (line: string) => void;
  /**
   * Fields added to every line, e.g. `{ service: "tmdb-extractor" }`.
   * @default {}
   */
  base?: Record<string, unknown>;
}

/** Parses a `LOG_LEVEL` value; unknown or empty values fall back to `info`. */
export function parseLogLevel(value: string | undefined): LogLevel {
  const lower = value?.trim().toLowerCase() ?? "";
  return lower in RANK ? (lower as LogLevel) : "info";
}

/**
 * Creates a logger writing lines like
 * `{"time":"2026-01-01T06:00:00.000Z","level":"info","msg":"extraction finished",...}`.
 * Errors in fields are written as `{ name, message }`.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? "info"];
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const base = options.base ?? {};
  const log =
    (level: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (RANK[level] < threshold) return;
      write(
        JSON.stringify(
          { time: new Date().toISOString(), level, msg: message, ...base, ...fields },
          (_key, value: unknown) =>
            value instanceof Error ? { name: value.name, message: value.message } : value,
        ),
      );
    };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
