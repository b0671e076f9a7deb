import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { acquireStateLock, LOCK_FILE_NAME, StateLockedError } from "../../local/stateLock";

describe("state lock", () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = join(await mkdtemp(join(tmpdir(), "tmdb-roi-lock-")), "state");
  });
  afterEach(async () => {
    await rm(join(stateDir, ".."), { recursive: true, force: true });
  });

  it("lets one holder at a time use a state folder, naming the holder's command, and frees it on release", () => {
    const lock = acquireStateLock(stateDir, "npm run dbt");
    assert.throws(
      () => acquireStateLock(stateDir),
      (error: unknown) =>
        error instanceof StateLockedError && /^npm run dbt \(pid \d+, started /.test(error.message),
    );
    lock.release();
    assert.equal(existsSync(join(stateDir, LOCK_FILE_NAME)), false);
    acquireStateLock(stateDir).release();
  });

  it("is released when its process exits without releasing it", () => {
    const lockModule = new URL("../../local/stateLock.ts", import.meta.url).href;
    const script = `const { acquireStateLock } = await import(${JSON.stringify(lockModule)}); acquireStateLock(${JSON.stringify(stateDir)}); process.exit(130);`;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    assert.equal(child.status, 130, child.stderr);
    assert.equal(existsSync(join(stateDir, LOCK_FILE_NAME)), false);
  });

  it("takes over a lock whose process is gone", () => {
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    const deadPid = Number(gone.stdout);
    acquireStateLock(stateDir).release(); // creates the folder
    writeFileSync(
      join(stateDir, LOCK_FILE_NAME),
      JSON.stringify({ pid: deadPid, host: hostname(), startedAt: "2026-01-01T00:00:00Z" }),
    );
    const lock = acquireStateLock(stateDir);
    assert.equal(JSON.parse(readFileSync(lock.path, "utf8")).pid, process.pid);
    lock.release();
  });
});
