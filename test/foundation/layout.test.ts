/**
 * The house rules on size, checked on every source file the repository tracks (tests and fixtures
 * aside): a file does one job and stays under 400 lines; a function reads on one screen (80 lines);
 * a Pulumi component's constructor, which walks one resource graph in numbered steps, may take up to
 * 160.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import ts from "typescript";
import { REPO_ROOT } from "../../local/options";

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;
const MAX_CONSTRUCTOR_LINES = 160;

/** Tracked and new (not ignored) source files outside test/. */
function sourceFiles(extensions: string[]): string[] {
  const listed = execFileSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", ...extensions.map((ext) => `*.${ext}`)],
    { cwd: REPO_ROOT, encoding: "utf8" },
  );
  return [...new Set(listed.split("\n"))].filter((path) => path !== "" && !path.startsWith("test/"));
}

function lineCount(path: string): number {
  return readFileSync(`${REPO_ROOT}/${path}`, "utf8").split("\n").length;
}

/** Every function, method and constructor of a TypeScript file, with its length in lines. */
function functionLengths(path: string): { name: string; lines: number; constructor: boolean }[] {
  const file = ts.createSourceFile(
    path,
    readFileSync(`${REPO_ROOT}/${path}`, "utf8"),
    ts.ScriptTarget.Latest,
    true,
  );
  const found: { name: string; lines: number; constructor: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const start = file.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      const line = start + 1;
      found.push({
        name: `${path}:${line}`,
        lines: end - start + 1,
        constructor: ts.isConstructorDeclaration(node),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe("Source layout", () => {
  it(`keeps every source file under ${MAX_FILE_LINES} lines`, () => {
    // Prepare
    const files = sourceFiles(["ts", "sql", "py", "sh"]);

    // Act
    const long = files
      .filter((path) => lineCount(path) > MAX_FILE_LINES)
      .map((path) => `${path} (${lineCount(path)})`);

    // Assess
    assert.ok(files.length > 50, `found ${files.length} source files`);
    assert.deepEqual(long, []);
  });

  it(`keeps functions within ${MAX_FUNCTION_LINES} lines, component constructors within ${MAX_CONSTRUCTOR_LINES}`, () => {
    // Prepare, Act
    const tooLong = sourceFiles(["ts"])
      .flatMap(functionLengths)
      .filter((fn) => fn.lines > (fn.constructor ? MAX_CONSTRUCTOR_LINES : MAX_FUNCTION_LINES))
      .map((fn) => `${fn.name} (${fn.lines} lines)`);

    // Assess
    assert.deepEqual(tooLong, []);
  });
});
