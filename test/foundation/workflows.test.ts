import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { parse } from "yaml";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[]; permissions?: Record<string, string> }>;
}

const dir = new URL("../../.github/workflows/", import.meta.url);
const load = (file: string) => parse(readFileSync(new URL(file, dir), "utf8")) as Workflow;

describe("GitHub workflows", () => {
  it("are all valid YAML with jobs and steps", () => {
    // Prepare
    const files = readdirSync(dir).filter((f) => f.endsWith(".yml"));

    // Assess
    assert.ok(files.includes("ci.yml") && files.includes("preview.yml"));
    for (const file of files) {
      const workflow = load(file);
      assert.ok(workflow.on, `${file} has triggers`);
      for (const [id, job] of Object.entries(workflow.jobs)) {
        assert.ok(job.steps.length > 0, `${file}: job ${id} has steps`);
      }
    }
  });

  it("runs the tests on push and pull request through .ci/run", () => {
    // Prepare
    const ci = load("ci.yml");
    const steps = Object.values(ci.jobs).flatMap((job) => job.steps);

    // Assess
    assert.ok("push" in ci.on && "pull_request" in ci.on);
    assert.ok(steps.some((step) => step.run?.includes(".ci/run")));
    assert.deepEqual(ci.permissions, { contents: "read" });
  });

  it("previews the dev stack on pull requests only, after setup-node and npm ci, with least privilege", () => {
    // Prepare
    const preview = load("preview.yml");
    const [job, ...others] = Object.values(preview.jobs);
    assert.ok(job && others.length === 0);
    const uses = (prefix: string) => job.steps.findIndex((step) => step.uses?.startsWith(prefix));
    const pulumi = job.steps[uses("pulumi/actions@")];

    // Assess
    assert.deepEqual(Object.keys(preview.on), ["pull_request"]);
    assert.ok(pulumi, "uses pulumi/actions");
    assert.equal(pulumi.with?.command, "preview");
    assert.equal(pulumi.with?.["comment-on-pr"], true);
    assert.match(String(pulumi.with?.["stack-name"]), /\bdev\b/);
    assert.equal(pulumi.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
    const npmCi = job.steps.findIndex((step) => step.run?.trim() === "npm ci");
    assert.ok(uses("actions/setup-node@") < npmCi && npmCi < uses("pulumi/actions@"));
    assert.deepEqual(preview.permissions, {
      contents: "read",
      "pull-requests": "write",
      "id-token": "write",
    });
    const aws = job.steps[uses("aws-actions/configure-aws-credentials@")];
    assert.match(
      String(aws?.with?.["role-to-assume"]),
      /^\$\{\{ secrets\./,
      "AWS credentials come from OIDC",
    );
    assert.ok(!JSON.stringify(preview).includes("aws-secret-access-key"), "no long-lived AWS keys");
  });
});
