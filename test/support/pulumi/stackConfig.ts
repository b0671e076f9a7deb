/**
 * Stack configuration as the Pulumi CLI hands it to the program: Pulumi.yaml's defaults, then a stack file's
 * values, then `pulumi config set` values, with test secrets; and the CLI's refusal to start when a project key
 * without a default has no value.
 */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { PROJECT } from "../../../stackConfig";

/** Key pairs generated per test process: the private key is the secret the tests hunt for. */
const deployerKeys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const dbtKeys = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
export const TEST_PRIVATE_KEY = deployerKeys.privateKey;
export const TEST_DBT_PUBLIC_KEY_PEM = dbtKeys.publicKey;
/** Never given to the program: dbt's private key stays with dbt. */
export const TEST_DBT_PRIVATE_KEY = dbtKeys.privateKey;
export const TEST_TMDB_TOKEN =
  "eyJhbGciOiJIUzI1NiJ9.test-tmdb-read-access-token.c2VjcmV0LW5ldmVyLWluLXBsYWlu";

/** Distinctive pieces of each secret: none may appear outside its one secret input. */
export const SECRET_NEEDLES = {
  tmdbApiToken: TEST_TMDB_TOKEN,
  snowflakePrivateKey: TEST_PRIVATE_KEY.split("\n")[5] as string,
};

const root = new URL("../../../", import.meta.url);
const readYaml = <T>(file: string) => parse(readFileSync(new URL(file, root), "utf8")) as T;

interface ProjectFile {
  name: string;
  config: Record<
    string,
    { type?: string; default?: unknown; secret?: boolean; value?: unknown; description?: string }
  >;
}
export const projectFile = () => readYaml<ProjectFile>("Pulumi.yaml");
export const stackFile = (stack: string) =>
  readYaml<{ config?: Record<string, unknown> }>(`Pulumi.${stack}.yaml`);

/** Pulumi.yaml's defaults (project keys) and values (other namespaces), namespaced like the CLI passes them. */
export function projectDefaults(): Record<string, string> {
  const project = projectFile();
  const values: Record<string, string> = {};
  for (const [key, spec] of Object.entries(project.config)) {
    const full = key.includes(":") ? key : `${PROJECT}:${key}`;
    const value = key.includes(":") ? spec.value : spec.default;
    if (value !== undefined) values[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return values;
}

/** Project keys Pulumi.yaml declares without a default: every stack must set them, or the CLI refuses to run. */
export function keysWithoutDefault(): string[] {
  return Object.entries(projectFile().config)
    .filter(([key, spec]) => !key.includes(":") && spec.default === undefined)
    .map(([key]) => key);
}

/**
 * The CLI's check before it starts the program: a project key declared with a type and no default must be set
 * by the stack ("Stack 'dev' is missing configuration value 'reservedConcurrency'"), so the program never runs.
 * @returns the CLI's message, or undefined when every such key is set
 */
export function missingConfigProblem(
  stack: string,
  config: Readonly<Record<string, string>>,
): string | undefined {
  const missing = keysWithoutDefault().filter((key) => !(`${PROJECT}:${key}` in config));
  if (missing.length === 0) return undefined;
  const quoted = missing.map((key) => `'${key}'`);
  const list =
    quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${String(quoted.at(-1))}`;
  return `Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${list}`;
}

/**
 * What the CLI passes a stack's program: Pulumi.yaml's defaults, then the values in `Pulumi.<stack>.yaml`, then
 * `set` (keys set with `pulumi config set`, e.g. the secrets, which the example files do not hold).
 */
export function stackFileConfig(stack: string, set: Record<string, string> = {}): Record<string, string> {
  const namespaced = (key: string) => (key.includes(":") ? key : `${PROJECT}:${key}`);
  const fromFile = Object.entries(stackFile(stack).config ?? {}).map(([key, value]) => [
    namespaced(key),
    typeof value === "string" ? value : JSON.stringify(value),
  ]);
  const fromSet = Object.entries(set).map(([key, value]) => [namespaced(key), value]);
  return { ...projectDefaults(), ...Object.fromEntries([...fromFile, ...fromSet]) } as Record<string, string>;
}

/** A complete, valid stack configuration: Pulumi.yaml defaults plus the required values (test secrets). */
export function validConfig(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const config: Record<string, string | undefined> = {
    ...projectDefaults(),
    [`${PROJECT}:snowflakeOrganization`]: "MYORG",
    [`${PROJECT}:snowflakeAccount`]: "ANALYTICS",
    [`${PROJECT}:snowflakePrivateKey`]: TEST_PRIVATE_KEY,
    [`${PROJECT}:dbtPublicKey`]: TEST_DBT_PUBLIC_KEY_PEM,
    [`${PROJECT}:tmdbApiToken`]: TEST_TMDB_TOKEN,
    ...Object.fromEntries(
      Object.entries(overrides).map(([k, v]) => [k.includes(":") ? k : `${PROJECT}:${k}`, v]),
    ),
  };
  return Object.fromEntries(
    Object.entries(config).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** {@link validConfig} without namespaces, as `parseStackConfig` takes it. */
export function configValues(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const prefix = `${PROJECT}:`;
  return Object.fromEntries(
    Object.entries(validConfig(overrides))
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}
