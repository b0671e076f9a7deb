/** Calendar days as TMDB's date parameters take them: `YYYY-MM-DD`, in UTC. */

/** An inclusive range of days. */
export interface DayRange {
  /** First day, `YYYY-MM-DD`. */
  from: string;
  /** Last day, `YYYY-MM-DD`. */
  to: string;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a time, in UTC. */
export function dayOf(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** The day `days` after (or before, when negative) `day`. */
export function addDays(day: string, days: number): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/** Days from `from` to `to`, both included (1 for a single day). */
export function daysIn(range: DayRange): number {
  return (
    Math.round((Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / DAY_MS) + 1
  );
}

/** `range` cut into consecutive windows of at most `maxDays` days. */
export function windows(range: DayRange, maxDays: number): DayRange[] {
  const result: DayRange[] = [];
  for (let from = range.from; from <= range.to; from = addDays(from, maxDays)) {
    const last = addDays(from, maxDays - 1);
    result.push({ from, to: last < range.to ? last : range.to });
  }
  return result;
}

/** The two halves of a range of at least two days (the first half one day shorter for odd lengths). */
export function halves(range: DayRange): [DayRange, DayRange] {
  const firstDays = Math.floor(daysIn(range) / 2);
  const middle = addDays(range.from, firstDays - 1);
  return [
    { from: range.from, to: middle },
    { from: addDays(middle, 1), to: range.to },
  ];
}
