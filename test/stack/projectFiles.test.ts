import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CONFIG_KEYS, PROJECT, SECRET_KEYS, parseStackConfig } from "../../stackConfig";
import {
  TEST_DBT_PUBLIC_KEY_PEM,
  TEST_PRIVATE_KEY,
  TEST_TMDB_TOKEN,
  configValues as values,
  keysWithoutDefault,
  missingConfigProblem,
  projectFile,
  stackFile,
  stackFileConfig,
  validConfig,
} from "../support/pulumi/stackConfig";

/**
 * Keys the README's deploy walkthrough sets with `pulumi config set` under "# Required" (in the code block that
 * sets the TMDB token), i.e. what a new user sets beyond the example stack file.
 */
function walkthroughRequiredKeys(): string[] {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1] as string)
    .find((code) => /config set --secret tmdbApiToken/.test(code));
  assert.ok(block, "the README's deploy walkthrough sets tmdbApiToken with config set");
  const required = /# Required\n([\s\S]*?)(?:\n\s*\n|# Optional|$)/.exec(block)?.[1] ?? "";
  return [...required.matchAll(/config set (?:--secret )?(\w+)/g)].map((m) => m[1] as string);
}

describe("Pulumi.yaml", () => {
  it("runs the ESM TypeScript program with tsx on the nodejs runtime, not the built-in ts-node", () => {
    // Prepare
    const project = projectFile() as unknown as { name: string; runtime: unknown };

    // Assess
    assert.equal(project.name, PROJECT);
    assert.deepEqual(project.runtime, {
      name: "nodejs",
      options: { typescript: false, nodeargs: "--import tsx --import ./sourceMaps.ts" },
    });
  });

  it("makes stack traces point at TypeScript lines, though the SDK's source-map-support replaces Node's formatter", function () {
    // Prepare: a module whose compiled positions differ from its lines, run as the language host runs a program,
    // `node <nodeargs> <the SDK's run entry>`, an entry that installs source-map-support before importing it
    this.timeout(60_000);
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const folder = mkdtempSync(join(tmpdir(), "source-maps-"));
    const program = join(folder, "program.ts");
    writeFileSync(join(folder, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      program,
      [
        "interface Settings { pages: number }",
        "const settings: Settings = { pages: 0 };",
        "",
        "export function validate(s: Settings): void {",
        '  if (s.pages < 1) throw new Error("pages must be at least 1");',
        "}",
        "validate(settings);",
      ].join("\n"),
    );
    const entry = [
      'const { createRequire } = require("node:module");',
      'createRequire(require.resolve("@pulumi/pulumi"))("source-map-support/register");',
      `import(${JSON.stringify(pathToFileURL(program).href)}).catch((e) => process.stdout.write(e.stack));`,
    ].join("\n");
    const { nodeargs } = (projectFile() as unknown as { runtime: { options: { nodeargs: string } } }).runtime
      .options;
    const run = (args: string[]) =>
      execFileSync(process.execPath, [...args, "-e", entry], { cwd: root, encoding: "utf8" });

    // Act
    const traced = run(nodeargs.split(" "));
    const withoutPreload = run(["--enable-source-maps", "--import", "tsx"]);
    rmSync(folder, { recursive: true, force: true });

    // Assess
    assert.match(traced, /at validate \(file:\/\/\S*\/program\.ts:5:26\)/);
    assert.match(traced, /at \S*\/program\.ts:7:1\b/);
    assert.doesNotMatch(withoutPreload, /program\.ts:5:/, "the failure this preload fixes");
  });

  it("declares exactly the keys the program reads, each with a type and a description", () => {
    // Prepare
    const declared = Object.entries(projectFile().config).filter(([key]) => !key.includes(":"));

    // Assess
    assert.deepEqual(declared.map(([key]) => key).sort(), [...CONFIG_KEYS].sort());
    for (const [key, spec] of declared) {
      assert.ok(["string", "integer", "boolean"].includes(String(spec.type)), `${key} has a type`);
      assert.ok((spec.description ?? "").length > 20, `${key} has a description`);
      assert.equal("value" in spec, false, `${key}: project keys declare a default, not a value`);
    }
  });

  it("marks the two secrets secret and gives them no default", () => {
    // Prepare
    const config = projectFile().config;

    // Assess
    for (const key of SECRET_KEYS) {
      assert.equal(config[key]?.secret, true, `${key} is secret`);
      assert.equal(config[key]?.default, undefined, `${key} has no default`);
    }
    const others = Object.entries(config).filter(
      ([key, spec]) => spec.secret && !(SECRET_KEYS as readonly string[]).includes(key),
    );
    assert.deepEqual(others, []);
  });

  it("sets keys of other namespaces with value:, e.g. aws:region", () => {
    // Prepare
    const foreign = Object.entries(projectFile().config).filter(([key]) => key.includes(":"));

    // Assess
    assert.ok(foreign.some(([key]) => key === "aws:region"));
    for (const [key, spec] of foreign) {
      assert.ok("value" in spec, `${key} uses value:`);
      assert.equal(spec.type, undefined, `${key} declares no type`);
    }
  });

  it("has defaults that pass the program's own validation", () => {
    // Prepare, Act
    const settings = parseStackConfig(values());

    // Assess
    assert.equal(settings.pages, 5);
    assert.equal(settings.scheduleExpression, "cron(0 6 * * ? *)");
    assert.equal(settings.reservedConcurrency, undefined);
    assert.equal(settings.expireAfterDays, undefined);
    assert.equal(settings.protectBucket, true);
    assert.equal(settings.forceDestroy, false);
  });
});

describe("Stack config files", () => {
  it("hold every value as a string, the way the CLI writes them, so that `pulumi stack init` leaves them as they are", () => {
    // Prepare, Act
    const notStrings = ["dev", "prod"].flatMap((stack) =>
      Object.entries(stackFile(stack).config ?? {})
        .filter(([, value]) => typeof value !== "string")
        .map(([key, value]) => `Pulumi.${stack}.yaml ${key}: ${JSON.stringify(value)}`),
    );

    // Assess
    assert.deepEqual(notStrings, []);
  });

  it("set, together with the deploy walkthrough's required `config set`s, every key that has no default", () => {
    // Prepare
    const walkthrough = walkthroughRequiredKeys();
    const withoutDefault = keysWithoutDefault();

    // Act
    const unset = ["dev", "prod"].flatMap((stack) => {
      const inFile = Object.keys(stackFile(stack).config ?? {}).map((key) => key.replace(`${PROJECT}:`, ""));
      return withoutDefault
        .filter((key) => !inFile.includes(key) && !walkthrough.includes(key))
        .map((key) => `${stack}: ${key}`);
    });

    // Assess
    assert.deepEqual(unset, []);
    for (const key of [...SECRET_KEYS, "dbtPublicKey"]) assert.ok(walkthrough.includes(key), key);
  });

  it("pass the CLI's check once the walkthrough's keys are set, and the program's validation", () => {
    // Prepare
    const set = {
      snowflakePrivateKey: TEST_PRIVATE_KEY,
      tmdbApiToken: TEST_TMDB_TOKEN,
      dbtPublicKey: TEST_DBT_PUBLIC_KEY_PEM,
    };

    // Act, Assess
    for (const stack of ["dev", "prod"]) {
      const config = stackFileConfig(stack, set);
      assert.equal(missingConfigProblem(stack, config), undefined, stack);
      const prefix = `${PROJECT}:`;
      const settings = parseStackConfig(
        Object.fromEntries(
          Object.entries(config)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
        ),
      );
      assert.equal(settings.reservedConcurrency, undefined, stack);
      assert.equal(settings.expireAfterDays, undefined, stack);
    }
  });

  it("Pulumi.dev.yaml is a valid stack once its secrets and the dbt public key are set", () => {
    // Prepare
    const stack = Object.fromEntries(
      Object.entries(stackFile("dev").config ?? {}).map(([key, value]) => [key, String(value)]),
    );

    // Act
    const settings = parseStackConfig(values(stack));

    // Assess
    assert.equal(settings.forceDestroy, true);
    assert.equal(settings.protectBucket, false);
    const text = readFileSync(new URL("../../Pulumi.dev.yaml", import.meta.url), "utf8");
    assert.doesNotMatch(text, /secure:|BEGIN PRIVATE KEY/);
  });

  it("Pulumi.prod.yaml keeps the production bucket protected", () => {
    // Prepare
    const stack = Object.fromEntries(
      Object.entries(stackFile("prod").config ?? {}).map(([key, value]) => [key, String(value)]),
    );

    // Act
    const settings = parseStackConfig(values(stack));

    // Assess
    assert.equal(settings.protectBucket, true);
    assert.equal(settings.forceDestroy, false);
  });
});

describe("the CLI's config check (as the harness models it)", () => {
  it("refuses a stack that leaves a key without a default unset, naming each such key", () => {
    // Prepare
    const config = validConfig({ snowflakeAccount: undefined, tmdbApiToken: undefined });

    // Act
    const problem = missingConfigProblem("dev", config);

    // Assess
    assert.equal(
      problem,
      "Stack 'dev' is missing configuration values 'snowflakeAccount' and 'tmdbApiToken'",
    );
    assert.equal(missingConfigProblem("dev", validConfig()), undefined);
  });

  it("needs no value for the optional keys: each has a default that means unset", () => {
    // Prepare
    const config = projectFile().config;

    // Assess
    assert.equal(config["reservedConcurrency"]?.default, -1);
    assert.equal(config["alarmEmail"]?.default, "");
    assert.equal(config["expireAfterDays"]?.default, 0);
    assert.deepEqual(keysWithoutDefault().sort(), [
      "dbtPublicKey",
      "snowflakeAccount",
      "snowflakeOrganization",
      "snowflakePrivateKey",
      "tmdbApiToken",
    ]);
  });
});
