/**
 * Finds the first duplicate key of a JSON text, at any depth, as Snowflake's JSON file format does
 * when ALLOW_DUPLICATE is FALSE (its default, and the production pipe's setting): such a line is an
 * error there, and JavaScript and DuckDB would each silently keep a different one of the values.
 *
 * The text must already be valid JSON (the caller has parsed it), so one pass over its characters
 * suffices: a stack of the key sets of the open objects, and whether a string is in key position.
 *
 * @returns the duplicated key (decoded), or undefined when every object's keys are distinct
 */
export function duplicateKey(text: string): string | undefined {
  const objects: (Set<string> | null)[] = []; // null: an open array
  let expectKey = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      let escaped = false;
      for (let d = text.charCodeAt(end); d !== QUOTE; d = text.charCodeAt(end)) {
        if (d === BACKSLASH) {
          escaped = true;
          end += 1;
        }
        end += 1;
      }
      if (expectKey) {
        const key = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        const keys = objects[objects.length - 1] as Set<string>;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === OPEN_BRACE) {
      objects.push(new Set());
      expectKey = true;
    } else if (c === OPEN_BRACKET) {
      objects.push(null);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      objects.pop();
      expectKey = false;
    } else if (c === COMMA) {
      expectKey = objects[objects.length - 1] != null;
    }
  }
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
