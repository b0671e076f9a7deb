import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { extractionSeconds } from "../../components/extractor";
import {
  CONFIG_KEYS,
  PROJECT,
  SECRET_KEYS,
  StackConfigError,
  parseStackConfig,
  publicKeyBody,
} from "../../stackConfig";
import {
  TEST_DBT_PUBLIC_KEY_PEM,
  TEST_PRIVATE_KEY,
  TEST_TMDB_TOKEN,
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

/** validConfig() without namespaces, as parseStackConfig takes it. */
function values(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const prefix = `${PROJECT}:`;
  return Object.fromEntries(
    Object.entries(validConfig(overrides))
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

function problemsOf(input: Record<string, unknown>): string[] {
  try {
    parseStackConfig(input);
  } catch (error) {
    assert.ok(error instanceof StackConfigError, String(error));
    return error.problems;
  }
  assert.fail("configuration was accepted");
}

describe("Pulumi.yaml", () => {
  it("runs the ESM TypeScript program with tsx on the nodejs runtime, not the built-in ts-node", () => {
    // Prepare
    const project = projectFile() as unknown as { name: string; runtime: unknown };

    // Assess
    assert.equal(project.name, PROJECT);
    assert.deepEqual(project.runtime, {
      name: "nodejs",
      options: { typescript: false, nodeargs: "--import tsx" },
    });
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

describe("parseStackConfig", () => {
  it("reads the unset defaults of the optional keys as unset, and values as set", () => {
    // Prepare, Act
    const unset = parseStackConfig(
      values({ reservedConcurrency: "-1", alarmEmail: "", expireAfterDays: "0" }),
    );
    const set = parseStackConfig(
      values({ reservedConcurrency: "2", alarmEmail: "ops@example.com", expireAfterDays: "400" }),
    );

    // Assess
    assert.deepEqual(
      [unset.reservedConcurrency, unset.alarmEmail, unset.expireAfterDays],
      [undefined, undefined, undefined],
    );
    assert.deepEqual(
      [set.reservedConcurrency, set.alarmEmail, set.expireAfterDays],
      [2, "ops@example.com", 400],
    );
  });

  it("refuses a reserved concurrency of 0, which would stop every run", () => {
    // Prepare, Act
    const problems = problemsOf(values({ reservedConcurrency: "0" }));

    // Assess
    assert.deepEqual(problems, [
      `${PROJECT}:reservedConcurrency must be -1 (no reserved concurrency) or a whole number from 1 to 10000; 0 would stop every run (got "0")`,
    ]);
    assert.match(
      problemsOf(values({ alarmEmail: "ops" }))[0] as string,
      /^tmdb-genre-roi:alarmEmail must be an e-mail/,
    );
  });

  it("refuses more pages than the extractor can fetch in half its timeout, naming both keys", () => {
    // Prepare, Act
    const tooMany = problemsOf(values({ pages: "500", extractorTimeoutSeconds: "300" }));
    const fits = parseStackConfig(values({ pages: "500", extractorTimeoutSeconds: "600" }));

    // Assess
    assert.equal(extractionSeconds(500), 300);
    assert.deepEqual(tooMany, [
      `${PROJECT}:pages needs about 300 s of TMDB requests per run (21 a page at 35 a second), more than half of ${PROJECT}:extractorTimeoutSeconds (300): raise ${PROJECT}:extractorTimeoutSeconds to at least 600 or lower pages to at most 250 (got "500")`,
    ]);
    assert.equal(fits.pages, 500);
    assert.equal(parseStackConfig(values({ pages: "250", extractorTimeoutSeconds: "300" })).pages, 250);
    assert.ok(
      problemsOf(values({ pages: "251", extractorTimeoutSeconds: "300" }))[0]?.startsWith(
        `${PROJECT}:pages `,
      ),
    );
  });

  it("names a missing Snowflake account by its full key", () => {
    // Prepare, Act
    const problems = problemsOf(values({ snowflakeAccount: undefined }));

    // Assess
    assert.deepEqual(problems, [`${PROJECT}:snowflakeAccount is required`]);
  });

  it("rejects pages out of 1..500 and says what it got", () => {
    // Prepare, Act
    const low = problemsOf(values({ pages: "0" }));
    const high = problemsOf(values({ pages: "501" }));
    const text = problemsOf(values({ pages: "five" }));

    // Assess
    assert.deepEqual(low, [`${PROJECT}:pages must be a whole number from 1 to 500 (got "0")`]);
    assert.match(
      high[0] as string,
      /^tmdb-genre-roi:pages must be a whole number from 1 to 500 \(got "501"\)$/,
    );
    assert.match(text[0] as string, /^tmdb-genre-roi:pages /);
  });

  it("rejects a cron expression EventBridge would refuse", () => {
    // Prepare, Act
    const fiveFields = problemsOf(values({ scheduleExpression: "cron(0 6 * * *)" }));
    const bothDays = problemsOf(values({ scheduleExpression: "cron(0 6 * * * *)" }));
    const unix = problemsOf(values({ scheduleExpression: "0 6 * * *" }));

    // Assess
    assert.match(fiveFields[0] as string, /^tmdb-genre-roi:scheduleExpression must have six cron fields/);
    assert.match(
      bothDays[0] as string,
      /^tmdb-genre-roi:scheduleExpression must use \? in exactly one of day-of-month and day-of-week/,
    );
    assert.match(
      unix[0] as string,
      /^tmdb-genre-roi:scheduleExpression must be an EventBridge schedule expression/,
    );
  });

  it("reports every bad key at once", () => {
    // Prepare, Act
    const problems = problemsOf(
      values({ snowflakeOrganization: undefined, pages: "900", logRetentionDays: "10" }),
    );

    // Assess
    assert.deepEqual(
      problems.map((p) => p.split(" ")[0]),
      [`${PROJECT}:snowflakeOrganization`, `${PROJECT}:pages`, `${PROJECT}:logRetentionDays`],
    );
  });

  it("never echoes a secret value in its messages", () => {
    // Prepare, Act
    const problems = problemsOf(values({ snowflakePrivateKey: TEST_TMDB_TOKEN }));

    // Assess
    assert.equal(problems.length, 1);
    assert.match(
      problems[0] as string,
      /^tmdb-genre-roi:snowflakePrivateKey must be an unencrypted PKCS#8 PEM private key/,
    );
    assert.doesNotMatch(problems[0] as string, new RegExp(TEST_TMDB_TOKEN.slice(0, 20)));
  });

  it("refuses an account identifier where only the account name belongs", () => {
    // Prepare, Act
    const problems = problemsOf(values({ snowflakeAccount: "myorg-my_account.snowflakecomputing.com" }));

    // Assess
    assert.match(
      problems[0] as string,
      /^tmdb-genre-roi:snowflakeAccount must be only this part of the <orgname>-<accountname>/,
    );
  });

  it("keeps quarantined records away from the pipe's prefix", () => {
    // Prepare, Act
    const problems = problemsOf(values({ rejectPrefix: "raw/movies/rejects/" }));

    // Assess
    assert.deepEqual(problems, [
      `${PROJECT}:rejectPrefix must not overlap the raw prefix "raw/movies/": quarantined records must never reach the pipe (got "raw/movies/rejects/")`,
    ]);
  });

  it("allows forceDestroy only on an unprotected bucket", () => {
    // Prepare, Act
    const problems = problemsOf(values({ forceDestroy: "true" }));
    const accepted = parseStackConfig(values({ forceDestroy: "true", protectBucket: "false" }));

    // Assess
    assert.match(
      problems[0] as string,
      /^tmdb-genre-roi:forceDestroy can only be true when protectBucket is false/,
    );
    assert.equal(accepted.forceDestroy, true);
  });

  it("keeps lifecycle transitions in an order S3 accepts", () => {
    // Prepare, Act
    const tooSoon = problemsOf(values({ glacierInstantRetrievalAfterDays: "45" }));
    const expireEarly = problemsOf(values({ expireAfterDays: "60" }));

    // Assess
    assert.match(
      tooSoon[0] as string,
      /^tmdb-genre-roi:glacierInstantRetrievalAfterDays must be at least standardIaAfterDays \+ 30 \(60\)/,
    );
    assert.match(
      expireEarly[0] as string,
      /^tmdb-genre-roi:expireAfterDays must be greater than glacierInstantRetrievalAfterDays/,
    );
  });

  it("turns a PEM public key into the one-line body Snowflake stores", () => {
    // Prepare, Act
    const settings = parseStackConfig(values({ dbtPublicKey: TEST_DBT_PUBLIC_KEY_PEM }));

    // Assess
    assert.equal(settings.dbtPublicKey, publicKeyBody(TEST_DBT_PUBLIC_KEY_PEM));
    assert.match(settings.dbtPublicKey, /^MIIB[A-Za-z0-9+/]+=*$/);
    assert.ok(
      problemsOf(values({ dbtPublicKey: "ssh-rsa AAAAB3Nza" }))[0]?.startsWith(`${PROJECT}:dbtPublicKey `),
    );
  });
});
