import { openWarehouse } from "../snowpipe/warehouse";

/**
 * The raw records' problems as dbt's `stg__raw_movie_issues` lists them: which records the models
 * left out and which values they set to NULL, each with its file and line.
 */

/** The issues model as dbt builds it in the local warehouse. */
export const ISSUES_RELATION = "staging.stg__raw_movie_issues";

/** One problem of one raw record. */
export interface RawIssue {
  sourceFile: string;
  line: number;
  /** The record's key at fault; null when the record as a whole is. */
  field: string | null;
  issue: string;
  /** `left_out`, `value_set_to_null` or `kept_without_genres`. */
  action: string;
  rawValue: string | null;
}

/** How many issues there are by action, and the first ones in file and line order. */
export interface RawIssues {
  total: number;
  byAction: Record<string, number>;
  first: RawIssue[];
}

/** Issues listed in full; the rest are counted. */
export const MAX_LISTED_ISSUES = 20;

/** Reads the issues (read-only): counts by action and the first {@link MAX_LISTED_ISSUES}. */
export async function readRawIssues(databasePath: string): Promise<RawIssues> {
  const warehouse = await openWarehouse(databasePath, { readOnly: true });
  try {
    const counts = await warehouse.connection.runAndReadAll(
      `select action, count(*)::integer from ${ISSUES_RELATION} group by action order by action`,
    );
    const byAction = Object.fromEntries(counts.getRows().map(([action, n]) => [String(action), Number(n)]));
    const rows = await warehouse.connection.runAndReadAll(
      `select source_file, file_row_number::integer, field, issue, action, raw_value from ${ISSUES_RELATION}
       order by source_file, file_row_number, field nulls first limit ${MAX_LISTED_ISSUES}`,
    );
    const first = rows.getRows().map(([sourceFile, line, field, issue, action, rawValue]) => ({
      sourceFile: String(sourceFile),
      line: Number(line),
      field: field === null ? null : String(field),
      issue: String(issue),
      action: String(action),
      rawValue: rawValue === null ? null : String(rawValue),
    }));
    const total = Object.values(byAction).reduce((sum, n) => sum + n, 0);
    return { total, byAction, first };
  } finally {
    warehouse.close();
  }
}

/** `raw/movies/x.json:31: _extracted_at missing: record left out`, one line per issue, then a count of the rest. */
export function formatRawIssues(issues: RawIssues): string[] {
  if (issues.total === 0) return [];
  const counts = Object.entries(issues.byAction).map(([action, n]) => `${n} ${action.replaceAll("_", " ")}`);
  const lines = [`raw record issues (${ISSUES_RELATION}): ${counts.join(", ")}`];
  for (const issue of issues.first) {
    const what =
      issue.field === null
        ? issue.issue.replaceAll("_", " ")
        : `${issue.field} ${issue.issue.replaceAll("_", " ")}`;
    const value = issue.rawValue === null ? "" : ` (${JSON.stringify(truncate(issue.rawValue, 60))})`;
    lines.push(`  ${issue.sourceFile}:${issue.line}: ${what}${value}: ${actionText(issue.action)}`);
  }
  if (issues.total > issues.first.length) lines.push(`  ... and ${issues.total - issues.first.length} more`);
  return lines;
}

function actionText(action: string): string {
  if (action === "left_out") return "record left out";
  if (action === "value_set_to_null") return "value set to NULL";
  if (action === "kept_without_genres") return "kept, in no genre";
  return action;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
