/**
 * Text from TMDB (genre names, titles, raw values) reaches the terminal: its control characters
 * (escape sequences that move the cursor, recolour or retitle the terminal; backspace; bell) are
 * shown as visible escapes instead of being interpreted.
 */

/** C0 controls except tab, DEL, and C1 controls (matching them is the point of this pattern). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/** `text` with every control character written as `\xNN` (tab kept). */
export function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** A writer that passes only printable text to `write`. */
export function printableWriter(write: (line: string) => void): (line: string) => void {
  return (line) => write(printable(line));
}

/** Several lines of text, each made printable; the line breaks are kept. */
export function printableLines(text: string): string {
  return text.split("\n").map(printable).join("\n");
}
