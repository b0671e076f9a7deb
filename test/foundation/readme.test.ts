import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/** Every config key Pulumi.yaml declares, namespaced the way `pulumi config set` spells it. */
function pulumiConfigKeys(): string[] {
  const project = parse(read("Pulumi.yaml")) as { name: string; config?: Record<string, unknown> };
  return Object.keys(project.config ?? {}).map((key) => (key.includes(":") ? key : `${project.name}:${key}`));
}

/** Keys in the first column of the README's "Configuration reference" tables. */
function readmeConfigKeys(): string[] {
  const readme = read("README.md");
  const section = /^## Configuration reference\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  assert.ok(section, "README has a '## Configuration reference' section");
  return [...section.matchAll(/^\| `([\w.-]+:[\w.-]+)` \|/gm)].map((match) => match[1] as string);
}

describe("README", () => {
  it("documents every Pulumi config key, and only those", () => {
    // Prepare
    const declared = pulumiConfigKeys().sort();
    const documented = readmeConfigKeys().sort();

    // Assess
    assert.ok(declared.length > 0);
    assert.deepEqual(documented, declared);
  });

  it("shows the newcomer's two commands and TMDB's attribution", () => {
    // Prepare
    const readme = read("README.md");

    // Assess
    assert.ok(readme.includes("npm ci && npm start"));
    assert.ok(readme.includes("npm test"));
    assert.ok(readme.includes("This product uses the TMDB API but is not endorsed or certified by TMDB"));
  });
});
