import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { projectFile } from "../support/pulumi/stackConfig";

const root = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
/** The Python a step runs from a `python - <<'PY' ... PY` here-document. */
function pythonOf(step: Step): string {
  const body = /<<'PY'\n([\s\S]*?)\nPY\b/.exec(step.run ?? "")?.[1];
  assert.ok(body, "the step runs a Python here-document");
  return body;
}

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[]; env?: Record<string, string> }>;
}

describe("dbt-daily workflow", () => {
  const workflow = parse(read(".github/workflows/dbt-daily.yml")) as Workflow;
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const index = (predicate: (step: Step) => boolean) => steps.findIndex(predicate);

  it("runs every day at 07:00 UTC, an hour after the extraction, and on demand", () => {
    // Prepare
    const schedule = workflow.on["schedule"] as { cron: string }[];

    // Assess
    assert.deepEqual(schedule, [{ cron: "0 7 * * *" }]);
    assert.deepEqual(Object.keys(workflow.on).sort(), ["schedule", "workflow_dispatch"]);
    assert.equal(projectFile().config["scheduleExpression"]?.default, "cron(0 6 * * ? *)");
  });

  it("checks source freshness before building, both against the snowflake target", () => {
    // Prepare
    const freshness = index((s) => /npm run dbt -- source freshness --target snowflake\b/.test(s.run ?? ""));
    const build = index((s) => /npm run dbt -- build --target snowflake\b/.test(s.run ?? ""));

    // Assess
    assert.ok(freshness >= 0, "runs dbt source freshness");
    assert.ok(build > freshness, "builds only after freshness passed");
    assert.equal(
      (steps[freshness] as Record<string, unknown>)["continue-on-error"],
      undefined,
      "a stale load fails the run",
    );
  });

  it("takes every connection value of dbt's snowflake target from the stack outputs and the key from a secret", () => {
    // Prepare
    const outputsStep = steps.find((s) => s.run?.includes("pulumi stack output --json")) as Step;
    const keyStep = steps.find((s) => s.env?.["SNOWFLAKE_DBT_PRIVATE_KEY"]) as Step;

    // Act
    const mapped = Object.fromEntries(
      [...(outputsStep.run ?? "").matchAll(/echo "(SNOWFLAKE_\w+)=\$\(value (\w+)\)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );

    // Assess
    assert.deepEqual(mapped, {
      SNOWFLAKE_ACCOUNT: "snowflakeAccount",
      SNOWFLAKE_USER: "dbtUser",
      SNOWFLAKE_ROLE: "transformerRole",
      SNOWFLAKE_WAREHOUSE: "snowflakeWarehouse",
      SNOWFLAKE_DATABASE: "snowflakeDatabase",
    });
    assert.equal(outputsStep.env?.["PULUMI_ACCESS_TOKEN"], "${{ secrets.PULUMI_ACCESS_TOKEN }}");
    assert.equal(keyStep.env?.["SNOWFLAKE_DBT_PRIVATE_KEY"], "${{ secrets.SNOWFLAKE_DBT_PRIVATE_KEY }}");
    assert.match(keyStep.run ?? "", /SNOWFLAKE_PRIVATE_KEY_PATH=/);
    const profiles = read("dbt_project/profiles.yml");
    for (const variable of [...Object.keys(mapped), "SNOWFLAKE_PRIVATE_KEY_PATH"]) {
      assert.ok(profiles.includes(`env_var('${variable}'`), `profiles.yml reads ${variable}`);
    }
  });

  it("fails the run after the build when Snowpipe skipped lines of RAW.MOVIES in the last 24 hours", () => {
    // Prepare
    const build = index((s) => /npm run dbt -- build --target snowflake\b/.test(s.run ?? ""));
    const check = index((s) => (s.run ?? "").includes("COPY_HISTORY"));
    const step = steps[check] as Step & Record<string, unknown>;

    // Act
    const script = pythonOf(step);
    const query = /execute\(\s*([\s\S]*?),\s*\{/.exec(script)?.[1] ?? "";
    const sql = [...query.matchAll(/f?"([^"]*)"/g)].map((m) => m[1]).join("");

    // Assess
    assert.ok(check > build, "checks after the build");
    assert.equal(step["continue-on-error"], undefined, "a skipped line fails the run");
    assert.equal(step["if"], undefined);
    assert.match(
      sql,
      /FROM TABLE\(\{database\}\.INFORMATION_SCHEMA\.COPY_HISTORY\( TABLE_NAME => %\(table\)s, START_TIME => DATEADD\(HOUR, -24, CURRENT_TIMESTAMP\(\)\)\)\)/,
    );
    assert.match(sql, / WHERE ERROR_COUNT > 0 OR UPPER\(STATUS\) = 'LOAD FAILED' /);
    assert.match(script, /table = f"\{database\}\.RAW\.MOVIES"/);
    assert.match(script, /sys\.exit\(1 if rows else 0\)/);
    for (const variable of [
      "SNOWFLAKE_ACCOUNT",
      "SNOWFLAKE_USER",
      "SNOWFLAKE_PRIVATE_KEY_PATH",
      "SNOWFLAKE_ROLE",
    ]) {
      assert.ok(script.includes(`os.environ["${variable}"]`), `connects with ${variable}`);
    }
  });

  it("runs its COPY_HISTORY check with dbt-snowflake's connector, and fails when it cannot connect", function () {
    // Prepare: the project's dbt environment (built on first use) and a private key path that does not exist
    this.timeout(600_000);
    const step = steps.find((s) => (s.run ?? "").includes("COPY_HISTORY")) as Step;
    const venv = execFileSync("bash", ["scripts/python-env.sh"], { cwd: root, encoding: "utf8" })
      .trim()
      .split("\n")
      .at(-1) as string;
    const env = {
      ...process.env,
      SNOWFLAKE_ACCOUNT: "myorg-my_account",
      SNOWFLAKE_USER: "TMDB_ROI_DEV_DBT",
      SNOWFLAKE_PRIVATE_KEY_PATH: join(tmpdir(), `no-such-key-${process.pid}.p8`),
      SNOWFLAKE_ROLE: "TMDB_ROI_DEV_TRANSFORMER",
      SNOWFLAKE_WAREHOUSE: "TMDB_ROI_DEV_WH",
      SNOWFLAKE_DATABASE: "TMDB_ROI_DEV",
    };

    // Act
    const result = spawnSync(`${venv}/bin/python`, ["-"], { input: pythonOf(step), env, encoding: "utf8" });

    // Assess
    assert.match(step.run ?? "", /"\$\(bash scripts\/python-env\.sh \| tail -n 1\)\/bin\/python" - <<'PY'/);
    assert.notEqual(result.status, 0, "an unreachable or unauthenticated check fails the run");
    assert.doesNotMatch(result.stderr, /ModuleNotFoundError|SyntaxError|TypeError/, result.stderr);
    assert.match(result.stderr, /no-such-key/);
  });

  it("reads the repository only, and installs the pinned toolchain before running dbt", () => {
    // Prepare
    const npmCi = index((s) => /^npm ci\b/.test(s.run ?? ""));
    const setupNode = index((s) => s.uses?.startsWith("actions/setup-node@") ?? false);
    const freshness = index((s) => (s.run ?? "").includes("source freshness"));

    // Assess
    assert.deepEqual(workflow.permissions, { contents: "read" });
    assert.ok(setupNode >= 0 && setupNode < npmCi && npmCi < freshness);
    assert.equal(steps[setupNode]?.with?.["node-version-file"], ".nvmrc");
  });
});

describe("snowflake/bootstrap.sql", () => {
  const sql = read("snowflake/bootstrap.sql");
  const statements = sql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .split(";")
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter(Boolean);

  it("grants the deployer role exactly the account privileges pulumi up cannot grant itself", () => {
    // Prepare
    const grants = statements.filter((s) => / ON ACCOUNT /.test(s));

    // Assess
    assert.deepEqual(
      grants.map((s) => /^GRANT (CREATE \w+) ON ACCOUNT TO ROLE &\{ deployer_role \}$/.exec(s)?.[1]).sort(),
      ["CREATE DATABASE", "CREATE INTEGRATION", "CREATE ROLE", "CREATE USER", "CREATE WAREHOUSE"],
    );
    assert.ok(!/ACCOUNTADMIN/.test(statements.join(";")), "no statement uses or grants ACCOUNTADMIN");
  });

  it("creates a key-pair service user without a password, holding the deployer role", () => {
    // Prepare
    const create = statements.find((s) => s.startsWith("CREATE USER")) ?? "";

    // Assess
    assert.match(create, /TYPE = SERVICE/);
    assert.match(create, /RSA_PUBLIC_KEY = '&\{ pulumi_public_key \}'/);
    assert.match(create, /DEFAULT_ROLE = &\{ deployer_role \}/);
    assert.doesNotMatch(statements.join(";"), /PASSWORD/i);
    assert.ok(statements.includes("GRANT ROLE &{ deployer_role } TO USER &{ deployer_user }"));
  });

  it("documents the defaults the stack config expects for the role and the user", () => {
    // Prepare
    const config = projectFile().config;
    const variables = new Set([...sql.matchAll(/&\{ (\w+) \}/g)].map((m) => m[1]));

    // Assess
    assert.deepEqual([...variables].sort(), ["deployer_role", "deployer_user", "pulumi_public_key"]);
    assert.ok(sql.includes(`-D "deployer_role=${String(config["snowflakeRole"]?.default)}"`));
    assert.ok(sql.includes(`-D "deployer_user=${String(config["snowflakeUser"]?.default)}"`));
  });
});
