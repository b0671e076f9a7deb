import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** The README's length limit: it introduces the product; the details live in docs/. */
const README_MAX_LINES = 250;

/** README.md and every page in docs/, as paths relative to the repository root. */
function markdownFiles(): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs];
}

/** The file's lines outside fenced code blocks (fences may be indented, inside list items). */
function proseLines(markdown: string): string[] {
  let inFence = false;
  return markdown.split("\n").filter((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      return false;
    }
    return !inFence;
  });
}

/** Text of every ATX heading, outside code blocks. */
function headings(markdown: string): string[] {
  return proseLines(markdown).flatMap((line) => {
    const match = /^#{1,6}\s+(.+?)\s*$/.exec(line);
    return match ? [match[1] as string] : [];
  });
}

/** GitHub's anchor for a heading: lower case, punctuation except '-' and '_' removed, each space a '-'. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Targets of the inline links and images in the prose, code spans left out. */
function linkTargets(markdown: string): string[] {
  const prose = proseLines(markdown)
    .join("\n")
    .replace(/`[^`]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1] as string);
}

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

describe("README", () => {
  it("shows the newcomer's two commands and TMDB's attribution", () => {
    // Prepare
    const readme = read("README.md");

    // Assess
    assert.ok(readme.includes("npm ci && npm start"));
    assert.ok(readme.includes("npm test"));
    assert.ok(readme.includes("This product uses the TMDB API but is not endorsed or certified by TMDB."));
  });

  it(`stays within ${README_MAX_LINES} lines`, () => {
    // Prepare
    const lines = read("README.md").trimEnd().split("\n").length;

    // Assess
    assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines`);
  });
});

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

describe("README and docs pages", () => {
  it("never repeat a heading within one file, so every anchor is the heading's own", () => {
    // Act
    const repeated = markdownFiles().flatMap((file) => {
      const texts = headings(read(file));
      return texts.filter((text, index) => texts.indexOf(text) !== index).map((text) => `${file}: ${text}`);
    });

    // Assess
    assert.deepEqual(repeated, []);
  });

  it("link only to files that exist, and to headings that exist in them", () => {
    // Prepare
    const anchors = (file: string) => new Set(headings(read(file)).map(slug));

    // Act
    const broken = markdownFiles().flatMap((file) =>
      linkTargets(read(file))
        .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
        .filter((target) => {
          const [path = "", fragment] = target.split("#", 2);
          const linked = path === "" ? file : relative(root, join(root, dirname(file), decodeURI(path)));
          if (!existsSync(join(root, linked))) return true;
          if (fragment === undefined) return false;
          return !linked.endsWith(".md") || !anchors(linked).has(decodeURIComponent(fragment));
        })
        .map((target) => `${file}: ${target}`),
    );

    // Assess
    assert.deepEqual(broken, []);
  });

  it("finds the links and headings it checks", () => {
    // Prepare
    const readme = read("README.md");

    // Assess
    assert.ok(linkTargets(readme).includes("docs/images/genre-roi.svg"));
    assert.ok(linkTargets(readme).some((target) => target.startsWith("docs/deploying.md#")));
    assert.equal(slug("Local stack: `npm run bench:local`"), "local-stack-npm-run-benchlocal");
    assert.equal(slug("2. Make dbt's key pair"), "2-make-dbts-key-pair");
  });
});
