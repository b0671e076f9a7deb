import assert from "node:assert/strict";
import { loadConfig, tmdbBaseUrlProblem, tmdbTokenProblem } from "../../../functions/extractor/config";
import { ConfigError } from "../../../functions/extractor/errors";
import { objectKey, toNdjson } from "../../../functions/extractor/landing";

const MINIMAL = { TMDB_API_TOKEN: "token", RAW_BUCKET: "my-raw-bucket", AWS_REGION: "eu-west-1" };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail("loadConfig accepted the environment");
}

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    assert.deepEqual(loadConfig(MINIMAL), {
      tmdbBaseUrl: "https://api.themoviedb.org/3",
      tmdbToken: "token",
      rawBucket: "my-raw-bucket",
      rawPrefix: "raw/movies/",
      rejectPrefix: "rejects/movies/",
      statePrefix: "state/",
      pages: 5,
      maxConcurrency: 8,
      maxRps: 35,
      timeoutMs: 10_000,
      maxRetries: 4,
      retryBaseDelayMs: 500,
      retryMaxDelayMs: 8_000,
      maxRetryAfterMs: 10_000,
      backfillYearConcurrency: 3,
      stopMarginSeconds: 120,
      awsRegion: "eu-west-1",
    });
  });

  it("reads every setting, the secret ARN instead of a token, and the S3 endpoint override", () => {
    const config = loadConfig({
      TMDB_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:tmdb-AbCdEf",
      RAW_BUCKET: "bucket.with.dots",
      TMDB_API_BASE_URL: "http://127.0.0.1:9999/3/",
      RAW_PREFIX: "landing/tmdb/",
      REJECT_PREFIX: "quarantine/",
      STATE_PREFIX: "checkpoints/",
      BACKFILL_YEAR_CONCURRENCY: "5",
      EXTRACTOR_STOP_MARGIN_SECONDS: "60",
      TMDB_PAGES: "500",
      TMDB_MAX_CONCURRENCY: "20",
      TMDB_MAX_RPS: "40",
      TMDB_TIMEOUT_MS: "2500",
      TMDB_MAX_RETRIES: "0",
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:4568",
    });
    assert.equal(config.tmdbBaseUrl, "http://127.0.0.1:9999/3");
    assert.equal(config.tmdbToken, undefined);
    assert.match(config.tmdbSecretArn ?? "", /^arn:aws:secretsmanager:/);
    assert.deepEqual(
      [
        config.rawPrefix,
        config.rejectPrefix,
        config.statePrefix,
        config.backfillYearConcurrency,
        config.stopMarginSeconds,
        config.pages,
        config.maxConcurrency,
        config.maxRps,
        config.timeoutMs,
        config.maxRetries,
      ],
      ["landing/tmdb/", "quarantine/", "checkpoints/", 5, 60, 500, 20, 40, 2500, 0],
    );
    assert.equal(config.s3Endpoint, "http://127.0.0.1:4568");
    assert.equal(config.awsRegion, "us-east-1", "a local endpoint needs no region");
  });

  const invalid: [string, Record<string, string>, RegExp][] = [
    [
      "a state prefix under the raw prefix",
      { STATE_PREFIX: "raw/movies/state/" },
      /STATE_PREFIX must not overlap the raw prefix "raw\/movies\/": the pipe would try to load the checkpoints/,
    ],
    [
      "a state prefix under the reject prefix",
      { STATE_PREFIX: "rejects/movies/state/" },
      /STATE_PREFIX must not overlap the reject prefix "rejects\/movies\/": checkpoints are no quarantined records/,
    ],
    [
      "a backfill year concurrency of 0",
      { BACKFILL_YEAR_CONCURRENCY: "0" },
      /BACKFILL_YEAR_CONCURRENCY must be an integer between 1 and 10/,
    ],
    ["a missing bucket", { RAW_BUCKET: "" }, /RAW_BUCKET is required/],
    [
      "a bad bucket name",
      { RAW_BUCKET: "Bad_Bucket" },
      /RAW_BUCKET must be an S3 bucket name .*got "Bad_Bucket"/,
    ],
    ["no token and no secret", { TMDB_API_TOKEN: "" }, /TMDB_API_TOKEN is required \(or TMDB_SECRET_ARN/],
    [
      "a token and a secret",
      { TMDB_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x" },
      /TMDB_API_TOKEN and TMDB_SECRET_ARN are both set/,
    ],
    [
      "a malformed secret ARN",
      { TMDB_API_TOKEN: "", TMDB_SECRET_ARN: "tmdb-token" },
      /TMDB_SECRET_ARN must be a Secrets Manager secret ARN/,
    ],
    [
      "pages above 500",
      { TMDB_PAGES: "501" },
      /TMDB_PAGES must be an integer between 1 and 500 \(got "501"\)/,
    ],
    ["pages of 0", { TMDB_PAGES: "0" }, /TMDB_PAGES must be an integer between 1 and 500/],
    ["non-numeric pages", { TMDB_PAGES: "five" }, /TMDB_PAGES must be an integer/],
    [
      "fractional concurrency",
      { TMDB_MAX_CONCURRENCY: "2.5" },
      /TMDB_MAX_CONCURRENCY must be an integer between 1 and 20/,
    ],
    ["concurrency above TMDB's connection limit", { TMDB_MAX_CONCURRENCY: "50" }, /TMDB_MAX_CONCURRENCY/],
    ["a zero rate", { TMDB_MAX_RPS: "0" }, /TMDB_MAX_RPS must be an integer/],
    ["a negative timeout", { TMDB_TIMEOUT_MS: "-1" }, /TMDB_TIMEOUT_MS/],
    ["too many retries", { TMDB_MAX_RETRIES: "11" }, /TMDB_MAX_RETRIES must be an integer between 0 and 10/],
    [
      "a base URL that is not http",
      { TMDB_API_BASE_URL: "ftp://example.com/3" },
      /TMDB_API_BASE_URL must be an http\(s\) URL/,
    ],
    [
      "a prefix without a trailing slash",
      { RAW_PREFIX: "raw/movies" },
      /RAW_PREFIX must be a key prefix ending in "\/"/,
    ],
    ["a prefix with a leading slash", { REJECT_PREFIX: "/rejects/" }, /REJECT_PREFIX must be a key prefix/],
    [
      "rejects inside the raw prefix",
      { REJECT_PREFIX: "raw/movies/rejects/" },
      /REJECT_PREFIX must not overlap the raw prefix "[^"]+": quarantined records must never reach the pipe/,
    ],
    [
      "a malformed S3 endpoint",
      { AWS_ENDPOINT_URL_S3: "localhost:4568" },
      /AWS_ENDPOINT_URL_S3 must be an http\(s\) URL/,
    ],
    ["no region and no endpoint", { AWS_REGION: "" }, /AWS_REGION is required/],
  ];
  for (const [what, overrides, message] of invalid) {
    it(`rejects ${what}, naming the variable`, () => {
      const error = configError({ ...MINIMAL, ...overrides });
      assert.match(error.message, message);
    });
  }

  describe("the TMDB token and base URL, which are never repeated in a problem", () => {
    const PLANTED = "planted-secret";
    const badTokens: [string, string, RegExp][] = [
      [
        "a line feed",
        `eyJhbGciOiJIUzI1NiJ9.${PLANTED}\nX-Injected: ${PLANTED}`,
        /contains a line break \(character \d+\)/,
      ],
      ["a carriage return", `eyJhbGciOiJIUzI1NiJ9.${PLANTED}\r${PLANTED}`, /contains a line break/],
      ["CRLF", `${PLANTED}\r\n${PLANTED}`, /contains a line break/],
      ["a NUL", `${PLANTED}\u0000${PLANTED}`, /contains a control character/],
      ["a tab", `${PLANTED}\t${PLANTED}`, /contains whitespace/],
      ["a space", `Bearer ${PLANTED}`, /contains whitespace \(character 7\)/],
      ["a non-ASCII letter", `${PLANTED}é`, /contains a non-ASCII character/],
      ["a quote", `${PLANTED}"`, /contains a character a bearer token cannot hold/],
      ["only whitespace", "   ", /must not be empty/],
    ];
    for (const [what, token, message] of badTokens) {
      it(`refuses a token with ${what}, naming TMDB_API_TOKEN and the problem only`, () => {
        const error = configError({ ...MINIMAL, TMDB_API_TOKEN: token });
        assert.match(error.message, new RegExp(`TMDB_API_TOKEN ${message.source}`));
        assert.deepEqual(error.variables, ["TMDB_API_TOKEN"]);
        assert.ok(!error.message.includes(PLANTED), error.message);
        assert.doesNotMatch(error.message, /\(got /);
      });
    }

    it("takes a JWT as it is, without the whitespace around it", () => {
      const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJhYmMiLCJzY29wZXMiOlsiYXBpX3JlYWQiXX0.c2lnbmF0dXJlXy0";
      assert.equal(loadConfig({ ...MINIMAL, TMDB_API_TOKEN: ` ${jwt}\n` }).tmdbToken, jwt);
      assert.equal(tmdbTokenProblem(jwt), undefined);
    });

    const badUrls: [string, string, RegExp][] = [
      [
        "user and password",
        `http://user:${PLANTED}@127.0.0.1:9999/3`,
        /must not contain credentials \(user:password@\)/,
      ],
      ["a user", `https://${PLANTED}@api.themoviedb.org/3`, /must not contain credentials/],
      [
        "an api_key query",
        `https://api.themoviedb.org/3?api_key=${PLANTED}`,
        /must not contain a query string/,
      ],
      ["a fragment", `https://api.themoviedb.org/3#${PLANTED}`, /must not contain a fragment/],
      [
        "a line break",
        `https://api.themoviedb.org/3\n${PLANTED}`,
        /must not contain whitespace or control characters/,
      ],
      ["another scheme, with credentials", `ftp://user:${PLANTED}@example.com/3`, /must be an http\(s\) URL/],
    ];
    for (const [what, url, message] of badUrls) {
      it(`refuses a base URL with ${what}, never repeating it`, () => {
        const error = configError({ ...MINIMAL, TMDB_API_BASE_URL: url });
        assert.match(error.message, new RegExp(`TMDB_API_BASE_URL ${message.source}`));
        assert.ok(!error.message.includes(PLANTED), error.message);
        assert.doesNotMatch(error.message, /\(got /);
      });
    }

    it("says where the token goes instead of the URL", () => {
      assert.equal(
        tmdbBaseUrlProblem("http://user:pw@localhost/3"),
        "must not contain credentials (user:password@) — pass the token in TMDB_API_TOKEN",
      );
      assert.match(
        tmdbBaseUrlProblem("http://localhost/3?api_key=x") ?? "",
        /pass the token in TMDB_API_TOKEN, not as api_key/,
      );
      assert.equal(tmdbBaseUrlProblem(" http://127.0.0.1:9999/3/ "), undefined);
    });
  });

  it("reports every problem at once", () => {
    const error = configError({ TMDB_PAGES: "x", TMDB_MAX_RPS: "-3" });
    assert.deepEqual(error.variables, [
      "TMDB_API_TOKEN",
      "RAW_BUCKET",
      "AWS_REGION",
      "TMDB_PAGES",
      "TMDB_MAX_RPS",
    ]);
  });
});

describe("landing layout", () => {
  it("names objects <prefix>YYYY-MM-DD/movies_HH-MM-SS.json in UTC", () => {
    assert.equal(
      objectKey("raw/movies/", new Date("2026-12-31T23:59:58.999+00:00")),
      "raw/movies/2026-12-31/movies_23-59-58.json",
    );
    assert.equal(
      objectKey("raw/movies/", new Date("2026-01-01T01:02:03+02:00")),
      "raw/movies/2025-12-31/movies_23-02-03.json",
    );
  });

  it("writes one JSON document per line, each ending in a newline", () => {
    assert.equal(toNdjson([{ a: 1 }, { b: "x\ny" }]), '{"a":1}\n{"b":"x\\ny"}\n');
    assert.equal(toNdjson([]), "");
  });
});
