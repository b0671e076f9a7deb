import { describeError } from "../../functions/extractor/errors";
import { duplicateKey } from "./duplicateKeys";

/**
 * Splits a raw NDJSON file into records, the first of the loader's two checks of each line (the
 * warehouse's own JSON reader is the second, see `jsonCheck.ts`).
 */

/** A bad line in a raw file. */
export interface LineError {
  file: string;
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

/** Errors kept in memory per file; the count is always exact. */
export const MAX_ERRORS_KEPT_PER_FILE = 20;

/** The lines of a file parsed: good records with their line numbers, and the errors. */
export interface ParsedFile {
  records: { line: number; text: string }[];
  errors: LineError[];
  errorCount: number;
  rowsParsed: number;
}

/**
 * Splits an NDJSON file into records. A line is a record when it parses as JSON (RFC 8259, by
 * `JSON.parse`) and no object in it repeats a key (as the production file format requires); blank
 * lines are skipped; anything else is an error with its line number. Invalid UTF-8 is an error of
 * the lines that contain it.
 */
export function parseNdjson(key: string, content: Buffer): ParsedFile {
  const parsed: ParsedFile = { records: [], errors: [], errorCount: 0, rowsParsed: 0 };
  const addError = (line: number, message: string): void => {
    parsed.errorCount += 1;
    if (parsed.errors.length < MAX_ERRORS_KEPT_PER_FILE) parsed.errors.push({ file: key, line, message });
  };
  const { lines, badUtf8 } = decodeLines(content);
  for (let index = 0; index < lines.length; index += 1) {
    const lineNumber = index + 1;
    const raw = lines[index] ?? "";
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() === "") continue;
    parsed.rowsParsed += 1;
    if (badUtf8.has(lineNumber)) {
      addError(lineNumber, "invalid UTF-8");
      continue;
    }
    try {
      JSON.parse(text);
    } catch (error) {
      addError(lineNumber, `invalid JSON: ${describeError(error)}`);
      continue;
    }
    const duplicate = duplicateKey(text);
    if (duplicate !== undefined) {
      addError(
        lineNumber,
        `duplicate key ${JSON.stringify(duplicate)}: Snowflake's JSON file format (ALLOW_DUPLICATE = FALSE) refuses the line`,
      );
      continue;
    }
    parsed.records.push({ line: lineNumber, text });
  }
  return parsed;
}

/** The file's lines; when it is not valid UTF-8 as a whole, each line is decoded on its own. */
function decodeLines(content: Buffer): { lines: string[]; badUtf8: Set<number> } {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(content);
    return { lines: text.split("\n"), badUtf8: new Set() };
  } catch {
    return decodeLineByLine(content);
  }
}

function decodeLineByLine(content: Buffer): { lines: string[]; badUtf8: Set<number> } {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const lines: string[] = [];
  const badUtf8 = new Set<number>();
  let start = 0;
  while (start <= content.length) {
    let end = content.indexOf(0x0a, start);
    if (end === -1) end = content.length;
    try {
      lines.push(decoder.decode(content.subarray(start, end)));
    } catch {
      lines.push("x");
      badUtf8.add(lines.length);
    }
    start = end + 1;
  }
  return { lines, badUtf8 };
}
