/** CloudWatch Logs JSON filter patterns, evaluated the way CloudWatch matches them against a log line. */
import assert from "node:assert/strict";

/**
 * Evaluates the subset of CloudWatch Logs JSON filter patterns the stack uses: `{ (<selector> <op> <value>) && ... }`
 * with selectors like `$.a.b[0].c`, `=` on strings and `>` on numbers (a missing field never matches).
 */
export function jsonPatternMatches(pattern: string, line: string): boolean {
  const body = /^\{\s*(.*?)\s*\}$/.exec(pattern)?.[1];
  assert.ok(body, `not a JSON filter pattern: ${pattern}`);
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return false;
  }
  return body.split("&&").every((part) => {
    const term = /^\(?\s*\$((?:\.\w+|\[\d+\])+)\s*(=|>)\s*("[^"]*"|-?\d+)\s*\)?$/.exec(part.trim());
    assert.ok(term, `unsupported term: ${part}`);
    const [, path = "", op, literal = ""] = term;
    let value: unknown = event;
    for (const [, key, index] of path.matchAll(/\.(\w+)|\[(\d+)\]/g)) {
      if (value === null || typeof value !== "object") return false;
      value =
        key !== undefined ? (value as Record<string, unknown>)[key] : (value as unknown[])[Number(index)];
    }
    if (op === "=")
      return literal.startsWith('"') ? value === literal.slice(1, -1) : value === Number(literal);
    return typeof value === "number" && value > Number(literal);
  });
}
