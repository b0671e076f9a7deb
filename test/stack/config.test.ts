import assert from "node:assert/strict";
import { tmdbTokenProblem } from "../../functions/extractor/token";
import { extractionSeconds } from "../../components/extractor";
import { DEFAULT_STATE_PREFIX } from "../../contract/pipeline";
import { PROJECT, StackConfigError, parseStackConfig, publicKeyBody } from "../../stackConfig";
import {
  TEST_DBT_PUBLIC_KEY_PEM,
  TEST_TMDB_TOKEN,
  configValues as values,
} from "../support/pulumi/stackConfig";

function problemsOf(input: Record<string, unknown>): string[] {
  try {
    parseStackConfig(input);
  } catch (error) {
    assert.ok(error instanceof StackConfigError, String(error));
    return error.problems;
  }
  assert.fail("configuration was accepted");
}

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

  it("takes the warehouse's monthly credit quota as a whole number from 1 to 1000", () => {
    // Prepare, Act
    const problems = ["0", "1001", "2.5", "ten"].map((quota) =>
      problemsOf(values({ monthlyCreditQuota: quota })),
    );

    // Assess
    assert.equal(parseStackConfig(values()).monthlyCreditQuota, 10);
    assert.equal(parseStackConfig(values({ monthlyCreditQuota: "1000" })).monthlyCreditQuota, 1000);
    assert.deepEqual(
      problems.map((p) => p[0]?.replace(/ \(got .*\)$/, "")),
      Array(4).fill(`${PROJECT}:monthlyCreditQuota must be a whole number of credits from 1 to 1000`),
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

  it("refuses a TMDB token an HTTP header cannot carry, naming the character's kind and place, never the token", () => {
    // Prepare
    const planted = `${TEST_TMDB_TOKEN.slice(0, 36)}\n${TEST_TMDB_TOKEN.slice(36)}`;
    const cases: [token: string, problem: string][] = [
      [planted, "a line break (character 37)"],
      [`${TEST_TMDB_TOKEN.slice(0, 9)}\r${TEST_TMDB_TOKEN.slice(9)}`, "a line break (character 10)"],
      [`${TEST_TMDB_TOKEN.slice(0, 4)}\t${TEST_TMDB_TOKEN.slice(4)}`, "whitespace (character 5)"],
      [
        `${TEST_TMDB_TOKEN.slice(0, 4)}\u0000${TEST_TMDB_TOKEN.slice(4)}`,
        "a control character (character 5)",
      ],
      [`Bearer ${TEST_TMDB_TOKEN}`, "whitespace (character 7)"],
      [`${TEST_TMDB_TOKEN}\u00e9`, `a non-ASCII character (character ${TEST_TMDB_TOKEN.length + 1})`],
      [`${TEST_TMDB_TOKEN}\u20ac`, `a non-ASCII character (character ${TEST_TMDB_TOKEN.length + 1})`],
      [`"${TEST_TMDB_TOKEN}"`, "a character a bearer token cannot hold (character 1)"],
      [`ab=${TEST_TMDB_TOKEN}`, 'a character after "=" padding (character 4)'],
    ];

    // Act
    const refused = cases.map(([token]) => {
      try {
        parseStackConfig(values({ tmdbApiToken: token }));
        return "accepted";
      } catch (error) {
        assert.ok(error instanceof StackConfigError);
        return error.message;
      }
    });

    // Assess
    refused.forEach((message, i) => {
      const [token, problem] = cases[i] as [string, string];
      assert.ok(
        message.startsWith(`Invalid stack configuration:\n  - ${PROJECT}:tmdbApiToken contains ${problem}; `),
        message,
      );
      assert.match(message, /a TMDB API Read Access Token is one line of letters, digits and - \. _ ~ \+ \//);
      for (const part of token.split(/[^A-Za-z0-9]+/).filter((p) => p.length >= 10))
        assert.ok(!message.includes(part), `message ${i} echoes part of the token`);
    });
  });

  it("accepts a TMDB read access token (a JWT) and drops the line break a paste leaves around it", () => {
    // Prepare, Act
    const pasted = parseStackConfig(values({ tmdbApiToken: `  ${TEST_TMDB_TOKEN}\r\n` }));
    const padded = parseStackConfig(values({ tmdbApiToken: "abc-._~+/123==" }));

    // Assess
    assert.equal(pasted.tmdbApiToken, TEST_TMDB_TOKEN);
    assert.equal(padded.tmdbApiToken, "abc-._~+/123==");
    assert.equal(tmdbTokenProblem(TEST_TMDB_TOKEN), undefined);
    assert.match(String(tmdbTokenProblem("==")), /^is only "=" padding/);
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

  it("keeps the extractor's checkpoints apart from landed and quarantined records, naming the key", () => {
    // Prepare, Act
    const underRaw = problemsOf(values({ statePrefix: "raw/movies/state/" }));
    const aboveRejects = problemsOf(values({ statePrefix: "rejects/" }));
    const noSlash = problemsOf(values({ statePrefix: "state" }));
    const accepted = parseStackConfig(values({ statePrefix: "checkpoints/extractor/" }));

    // Assess
    assert.equal(parseStackConfig(values()).statePrefix, DEFAULT_STATE_PREFIX);
    assert.deepEqual(underRaw, [
      `${PROJECT}:statePrefix must not overlap the raw prefix "raw/movies/": the pipe would try to load the checkpoints (got "raw/movies/state/")`,
    ]);
    assert.deepEqual(aboveRejects, [
      `${PROJECT}:statePrefix must not overlap the reject prefix "rejects/movies/": checkpoints are no quarantined records (got "rejects/")`,
    ]);
    assert.match(noSlash[0] as string, /^tmdb-genre-roi:statePrefix must be an S3 key prefix/);
    assert.equal(accepted.statePrefix, "checkpoints/extractor/");
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
