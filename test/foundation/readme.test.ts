import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/** Every config key Pulumi.yaml declares, namespaced the way `pulumi config set` spells it. */
function pulumiConfigKeys(): string[] {
  const project = parse(read("Pulumi.yaml")) as { name: string; config?: Record<string, unknown> };
  return Object.keys(project.config ?? {}).map((key) => (key.includes(":") ? key : `${project.name}:${key}`));
}

/** Keys in the first column of the tables of docs/configuration.md. */
function documentedConfigKeys(): string[] {
  const page = read("docs/configuration.md");
  return [...page.matchAll(/^\|\s*`([\w.-]+:[\w.-]+)`\s*\|/gm)].map((match) => match[1] as string);
}

describe("configuration reference (docs/configuration.md)", () => {
  it("documents every Pulumi config key, and only those", () => {
    // Prepare
    const declared = pulumiConfigKeys().sort();
    const documented = documentedConfigKeys().sort();

    // Assess
    assert.ok(declared.length > 0);
    assert.deepEqual(documented, declared);
  });
});

describe("README", () => {
  it("shows the newcomer's two commands and TMDB's attribution", () => {
    // Prepare
    const readme = read("README.md");

    // Assess
    assert.ok(readme.includes("npm ci && npm start"));
    assert.ok(readme.includes("npm test"));
    assert.ok(readme.includes("This product uses the TMDB API but is not endorsed or certified by TMDB."));
  });
});
