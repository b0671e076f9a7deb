import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { LAMBDA_RUNTIME } from "../../functions/bundle";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("Toolchain", () => {
  it("runs local code and tests on the Node major the Lambda runtime uses", () => {
    // Prepare
    const pkg = JSON.parse(read("package.json")) as {
      engines: { node: string };
      devDependencies: Record<string, string>;
    };
    const lambdaMajor = /^nodejs(\d+)\.x$/.exec(LAMBDA_RUNTIME)?.[1];

    // Assess
    assert.ok(lambdaMajor, `unexpected Lambda runtime ${LAMBDA_RUNTIME}`);
    assert.equal(process.versions.node.split(".")[0], lambdaMajor, "tests must run on the pinned Node");
    assert.equal(read(".nvmrc").trim(), lambdaMajor);
    assert.equal(pkg.engines.node, `>=${lambdaMajor} <${Number(lambdaMajor) + 1}`);
    assert.match(
      pkg.devDependencies.node ?? "",
      new RegExp(`^${lambdaMajor}\\.\\d+\\.\\d+$`),
      "node is pinned exactly",
    );
  });

  it("pins every Python package of the dbt environment with hashes", () => {
    // Prepare: a requirement starts at column 0; its hashes follow on indented lines.
    const lock = read("python/requirements.lock");
    const requirements = lock.split(/\n(?=[a-z0-9])/i).filter((block) => /^[a-z0-9]/i.test(block));

    // Assess
    assert.ok(requirements.length > 10, "lock lists the full dependency closure");
    for (const requirement of requirements) {
      const pin = requirement.split("\n")[0] ?? "";
      assert.match(pin, /^[\w.-]+==[\w.]+/, `${pin} is pinned to one version`);
      assert.match(requirement, /--hash=sha256:[0-9a-f]{64}/, `${pin} carries its hashes`);
    }
    for (const name of ["dbt-core", "dbt-duckdb", "dbt-snowflake", "duckdb"]) {
      assert.ok(
        requirements.some((requirement) => requirement.startsWith(`${name}==`)),
        `${name} is locked`,
      );
    }
  });

  it("keeps DuckDB on one version in Python (dbt-duckdb) and Node (the loader)", () => {
    // Prepare
    const pythonDuckdb = /^duckdb==([\d.]+)/m.exec(read("python/requirements.lock"))?.[1];
    const nodeDuckdb = (JSON.parse(read("package.json")) as { dependencies: Record<string, string> })
      .dependencies["@duckdb/node-api"];

    // Assess
    assert.ok(pythonDuckdb && nodeDuckdb);
    assert.equal(nodeDuckdb.split("-")[0], pythonDuckdb);
  });
});
