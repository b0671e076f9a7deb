import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureWritableFolder, FolderError } from "../../local/folders";

describe("ensureWritableFolder", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "tmdb-roi-folders-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates a missing folder with its parents, and leaves nothing behind in it", async () => {
    // Act
    await ensureWritableFolder(join(root, "a", "b", "c"), "the output folder (--out)");

    // Assess
    assert.ok(statSync(join(root, "a", "b", "c")).isDirectory());
    assert.deepEqual(readdirSync(join(root, "a", "b", "c")), []);
  });

  it("refuses a path that names a file, saying which folder it is", async () => {
    // Prepare
    const file = join(root, "report.csv");
    await writeFile(file, "");

    // Act, Assess
    await assert.rejects(
      ensureWritableFolder(file, "the output folder (--out)"),
      (error: unknown) =>
        error instanceof FolderError &&
        error.message === `the output folder (--out) ${file} exists and is not a folder`,
    );
  });

  it("fails at once under /proc, where Node's recursive mkdir never returns", async function () {
    // Prepare
    this.timeout(10_000);
    const started = performance.now();

    // Act, Assess
    await assert.rejects(
      ensureWritableFolder("/proc/tmdb-genre-roi-test/state", "the state folder (TMDB_ROI_STATE_DIR)"),
      /^FolderError: cannot create the state folder \(TMDB_ROI_STATE_DIR\) \/proc\/tmdb-genre-roi-test\/state: /,
    );
    assert.ok(performance.now() - started < 5000, "no hang");
    assert.equal(existsSync("/proc/tmdb-genre-roi-test"), false);
  });
});
