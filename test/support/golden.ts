/**
 * Golden files: expected rows computed once, independently of the SQL, and reviewed by hand. The
 * models' numbers are compared with them column for column: integers and text exactly, the
 * columns the models round to 4 places within 1e-9 (the printed decimal and the double it parses to).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

/** Columns of the genre marts that are rounded to 4 places; every other column is exact. */
export const ROUNDED_COLUMNS: ReadonlySet<string> = new Set([
  "avg_roi",
  "median_roi",
  "median_roi_ci_low",
  "median_roi_ci_high",
  "min_roi",
  "max_roi",
  "portfolio_roi",
  "avg_popularity",
  "avg_vote_average",
  "avg_vote_count",
  "pct_profitable",
]);

export type GoldenRow = Record<string, string | number>;

/** A golden CSV (header row, no quoting): the first column as text, every other one as a number. */
export function readGoldenCsv(url: URL | string): GoldenRow[] {
  const [header, ...lines] = readFileSync(url, "utf8").trimEnd().split("\n");
  const columns = (header ?? "").split(",");
  return lines.map((line) =>
    Object.fromEntries(
      line.split(",").map((cell, i) => [columns[i] as string, i === 0 ? cell : Number(cell)]),
    ),
  );
}

/**
 * The actual rows are the golden ones: same keys (the `key` columns, by default the first) in the
 * same order when `ordered`, same columns, same values.
 */
export function assertMatchesGolden(
  actual: readonly Record<string, unknown>[],
  golden: readonly GoldenRow[],
  options: { what: string; ordered?: boolean; key?: string[] },
): void {
  const keyColumns = options.key ?? [Object.keys(golden[0] ?? {})[0] ?? ""];
  const keyOf = (row: Record<string, unknown>) => keyColumns.map((column) => String(row[column])).join("|");
  const keys = (rows: readonly Record<string, unknown>[]) => rows.map(keyOf);
  if (options.ordered) assert.deepEqual(keys(actual), keys(golden), `${options.what}: rows in order`);
  else assert.deepEqual(keys(actual).sort(), keys(golden).sort(), `${options.what}: rows`);
  for (const want of golden) {
    const row = actual.find((candidate) => keyOf(candidate) === keyOf(want)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(row).sort(), Object.keys(want).sort(), `${options.what}: columns`);
    for (const [column, value] of Object.entries(want)) {
      if (keyColumns.includes(column)) continue;
      const got = Number(row[column]);
      const where = `${options.what}: ${keyOf(want)}.${column} = ${got}, golden ${value}`;
      if (ROUNDED_COLUMNS.has(column)) assert.ok(Math.abs(got - Number(value)) <= 1e-9, where);
      else assert.equal(got, value, where);
    }
  }
}
