import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { tmdbTokenProblem } from "./functions/extractor/token";
import { scheduleExpressionProblem } from "./components/dailySchedule";
import { pagesProblem, pagesWithinTimeoutProblem } from "./components/extractor";
import { monthlyCreditQuotaProblem } from "./components/snowflakeDatabase";
import { expirationOrderProblem, forceDestroyProblem, lifecycleOrderProblem } from "./components/rawLanding";
import { prefixOverlapProblem, statePrefixProblem } from "./contract/pipeline";

/** Pulumi project name, and the namespace of every project config key (`tmdb-genre-roi:<key>`). */
export const PROJECT = "tmdb-genre-roi";

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Config keys whose values are secrets: never echoed in error messages, wrapped with `pulumi.secret`. */
export const SECRET_KEYS = ["snowflakePrivateKey", "tmdbApiToken"] as const;

/** Strips PEM armour and whitespace from an RSA public key, leaving the one-line base64 body Snowflake wants. */
export function publicKeyBody(key: string): string {
  return key.replace(/-----(BEGIN|END) (RSA )?PUBLIC KEY-----/g, "").replace(/\s+/g, "");
}

/** A check adding the problem `problemOf` finds with a value, as the value's issue. */
const rule =
  <T>(problemOf: (value: T) => string | undefined) =>
  (ctx: z.core.ParsePayload<T>) => {
    const problem = problemOf(ctx.value);
    if (problem !== undefined) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  };

// Config values reach the program as strings (the CLI serialises typed values); numbers and booleans are
// accepted too so that a caller passing typed values gets the same checks.
const asText = (value: unknown) =>
  typeof value === "number" || typeof value === "boolean" ? String(value) : value;
const requiredText = (message = "must be a non-empty string") =>
  z.preprocess(
    asText,
    z
      .string({ error: (issue) => (issue.input === undefined ? "is required" : message) })
      .trim()
      .min(1, { error: "is required" }),
  );
const integer = (min: number, max: number) =>
  requiredText(`must be a whole number from ${min} to ${max}`)
    .pipe(z.string().regex(/^-?\d+$/, { error: `must be a whole number from ${min} to ${max}` }))
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be a whole number from ${min} to ${max}` })
        .max(max, { error: `must be a whole number from ${min} to ${max}` }),
    );
/**
 * An optional whole number: Pulumi.yaml declares `unset` as its default (a key with a type and no default must be
 * set by every stack), and the program reads that value as "not set".
 */
const optionalInteger = (unset: number, min: number, max: number, message: string) =>
  requiredText(message)
    .pipe(z.string().regex(/^-?\d+$/, { error: message }))
    .transform(Number)
    .pipe(z.number().refine((n) => n === unset || (n >= min && n <= max), { error: message }))
    .transform((n) => (n === unset ? undefined : n));
/** A whole number `problemOf` accepts (its problem with text that is no number is `problemOf(NaN)`'s). */
const ruledInteger = (problemOf: (value: number) => string | undefined) => {
  const notANumber = problemOf(Number.NaN) ?? "must be a whole number";
  return requiredText(notANumber)
    .pipe(z.string().regex(/^-?\d+$/, { error: notANumber }))
    .transform(Number)
    .check(rule(problemOf));
};
const boolean = () =>
  requiredText("must be true or false")
    .pipe(z.enum(["true", "false"], { error: "must be true or false" }))
    .transform((value) => value === "true");
const keyPrefix = () =>
  requiredText().pipe(
    z.string().regex(/^(?!\/)[A-Za-z0-9!_.*'()\-/]*\/$/, {
      error: "must be an S3 key prefix without a leading slash, ending with '/', e.g. raw/movies/",
    }),
  );
const snowflakeIdentifier = () =>
  requiredText().pipe(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, {
      error: "must be an unquoted Snowflake identifier (letters, digits, _ and $, not starting with a digit)",
    }),
  );
const accountPart = (example: string) =>
  requiredText().pipe(
    z.string().regex(/^[A-Za-z0-9_]+$/, {
      error: `must be only this part of the <orgname>-<accountname> identifier (letters, digits, _), e.g. ${example}`,
    }),
  );

const schema = z
  .object({
    snowflakeOrganization: accountPart("MYORG"),
    snowflakeAccount: accountPart("MY_ACCOUNT"),
    snowflakeUser: snowflakeIdentifier(),
    snowflakeRole: snowflakeIdentifier(),
    snowflakePrivateKey: requiredText().pipe(
      z.string().regex(/^-----BEGIN PRIVATE KEY-----\s[\s\S]+\s-----END PRIVATE KEY-----$/, {
        error:
          "must be an unencrypted PKCS#8 PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)",
      }),
    ),
    dbtPublicKey: requiredText()
      .transform(publicKeyBody)
      .pipe(
        z.string().regex(/^MI[A-Za-z0-9+/]{200,}={0,2}$/, {
          error:
            "must be an RSA public key: the PEM from `openssl rsa -pubout`, or its base64 body on one line",
        }),
      ),
    // Trimmed (a pasted token often ends with a line break), then refused if an HTTP header cannot carry it.
    monthlyCreditQuota: ruledInteger(monthlyCreditQuotaProblem),
    tmdbApiToken: requiredText().check(rule(tmdbTokenProblem)),
    pages: ruledInteger(pagesProblem),
    scheduleExpression: requiredText().check(rule(scheduleExpressionProblem)),
    extractorTimeoutSeconds: integer(180, 900),
    extractorRetryAttempts: integer(0, 2),
    reservedConcurrency: optionalInteger(
      -1,
      1,
      10000,
      "must be -1 (no reserved concurrency) or a whole number from 1 to 10000; 0 would stop every run",
    ),
    logRetentionDays: integer(1, 3653).refine(
      (days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days),
      {
        error: `must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
      },
    ),
    // Empty (the Pulumi.yaml default) means no subscription.
    alarmEmail: z
      .preprocess(
        asText,
        z
          .string({
            error: (issue) =>
              issue.input === undefined ? "is required" : "must be an e-mail address, or empty for none",
          })
          .trim(),
      )
      .transform((email) => (email === "" ? undefined : email))
      .pipe(z.email({ error: "must be an e-mail address, or empty for none" }).optional()),
    rawPrefix: keyPrefix(),
    rejectPrefix: keyPrefix(),
    statePrefix: keyPrefix(),
    standardIaAfterDays: integer(30, 36500),
    glacierInstantRetrievalAfterDays: integer(1, 36500),
    expireAfterDays: optionalInteger(
      0,
      1,
      36500,
      "must be 0 (never delete) or a whole number of days from 1 to 36500",
    ),
    forceDestroy: boolean(),
    protectBucket: boolean(),
    iamPropagationSeconds: integer(0, 300),
  })
  // Rules across keys, each defined once with the component it belongs to.
  .check((ctx) => {
    const v = ctx.value;
    const issue = (key: keyof typeof v, problem: string | undefined) => {
      if (problem !== undefined)
        ctx.issues.push({ code: "custom", path: [key], message: problem, input: v[key] });
    };
    issue("glacierInstantRetrievalAfterDays", lifecycleOrderProblem(v));
    issue("expireAfterDays", expirationOrderProblem(v));
    issue(
      "pages",
      pagesWithinTimeoutProblem(
        { pages: v.pages, timeoutSeconds: v.extractorTimeoutSeconds },
        `${PROJECT}:extractorTimeoutSeconds`,
      ),
    );
    issue("rejectPrefix", prefixOverlapProblem(v.rawPrefix, v.rejectPrefix));
    issue("statePrefix", statePrefixProblem(v));
    issue(
      "forceDestroy",
      forceDestroyProblem({ forceDestroy: v.forceDestroy, protect: v.protectBucket }, "protectBucket"),
    );
  });

/** Every project config key the program reads (the keys of Pulumi.yaml's project namespace). */
export const CONFIG_KEYS = Object.keys(schema.shape) as (keyof typeof schema.shape)[];

/** Validated settings with secrets in plain text: only {@link loadStackConfig} and tests see this. */
export type StackSettings = z.output<typeof schema>;

/** Thrown when stack configuration is missing or invalid; the message names every offending key. */
export class StackConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "StackConfigError";
  }
}

/**
 * Validates raw config values (key without namespace -> value as the CLI passes it).
 * Defaults are not applied here: Pulumi.yaml declares them once and the CLI supplies them.
 * @throws StackConfigError naming each bad key as `tmdb-genre-roi:<key>`; secret values are never echoed
 */
export function parseStackConfig(values: Readonly<Record<string, unknown>>): StackSettings {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "");
    const secret = (SECRET_KEYS as readonly string[]).includes(key);
    const raw = values[key];
    const got = secret || raw === undefined ? "" : ` (got ${JSON.stringify(raw)})`;
    return `${PROJECT}:${key} ${issue.message}${got}`;
  });
  throw new StackConfigError([...new Set(problems)]);
}

/** Stack settings as the program uses them: secrets are secret Outputs. */
export interface StackConfig extends Omit<StackSettings, (typeof SECRET_KEYS)[number]> {
  /** Pulumi stack name. */
  stack: string;
  snowflakePrivateKey: pulumi.Output<string>;
  tmdbApiToken: pulumi.Output<string>;
}

/** Reads and validates this stack's configuration, once, for the composition root. */
export function loadStackConfig(): StackConfig {
  const values: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) values[key] = pulumi.runtime.getConfig(`${PROJECT}:${key}`);
  const settings = parseStackConfig(values);
  return {
    ...settings,
    stack: pulumi.getStack(),
    snowflakePrivateKey: pulumi.secret(settings.snowflakePrivateKey),
    tmdbApiToken: pulumi.secret(settings.tmdbApiToken),
  };
}
