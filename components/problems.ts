/**
 * Argument checks shared by the components. Each rule is a pure function returning the problem with a value (a
 * phrase such as `must end with '/'`) or undefined; the stack config applies the same functions to its keys.
 */

/**
 * The first problem found, prefixed with the field it concerns (`rawPrefix must end with '/'`), or undefined.
 * @param checks each field with its problem, or undefined when it has none, in the order to report them
 */
export function firstProblem(
  checks: readonly (readonly [field: string, problem: string | undefined])[],
): string | undefined {
  for (const [field, problem] of checks) if (problem !== undefined) return `${field} ${problem}`;
  return undefined;
}
