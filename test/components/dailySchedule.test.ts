import assert from "node:assert/strict";
import { DailySchedule, SCHEDULED_EVENTS, scheduleExpressionProblem } from "../../components/dailySchedule";
import { devRun, optionResources, runProgram, T, type Run } from "../support/pulumi/harness";
import { validConfig } from "../support/pulumi/stackConfig";

describe("DailySchedule", () => {
  describe("decisions", () => {
    it("accepts the daily default, other crons and rates", () => {
      // Assess
      for (const expression of [
        "cron(0 6 * * ? *)",
        "cron(30 5 ? * MON-FRI *)",
        "cron(0/15 * * * ? *)",
        "cron(0 6 L * ? 2027)",
        "rate(1 day)",
        "rate(12 hours)",
      ]) {
        assert.equal(scheduleExpressionProblem(expression), undefined, expression);
      }
    });

    it("starts two runs, the popular list and the latest changes, each with its own event", () => {
      // Assess
      assert.deepEqual(SCHEDULED_EVENTS, { popular: { mode: "popular" }, changes: { mode: "changes" } });
    });

    it("rejects malformed expressions with a reason", () => {
      // Assess
      for (const [expression, reason] of [
        ["cron(60 6 * * ? *)", /minutes field/],
        ["cron(0 24 * * ? *)", /hours field/],
        ["cron(0 6 ? * ? *)", /exactly one of/],
        ["rate(1 days)", /singular unit/],
        ["rate(2 day)", /singular unit/],
        ["rate(0 minutes)", /at least 1/],
        ["daily", /must be an EventBridge schedule expression/],
      ] as const) {
        assert.match(scheduleExpressionProblem(expression) ?? "", reason, expression);
      }
    });
  });

  describe("on its own", () => {
    it("refuses an expression its rule rejects, naming the field, e.g. a five-field cron", async () => {
      // Act, Assess
      await assert.rejects(
        runProgram("dev", validConfig(), () => {
          new DailySchedule("schedule", {
            functionArn: "arn:aws:lambda:us-east-1:123456789012:function:probe",
            functionName: "probe",
            scheduleExpression: "cron(0 6 * * *)",
          });
          return {};
        }),
        /^Error: schedule: scheduleExpression must have six cron fields \(minutes hours day-of-month month day-of-week year\), found 5$/,
      );
    });
  });

  describe("in the dev stack", () => {
    let dev: Run;
    before(async () => {
      dev = await devRun();
    });

    it("invokes the extractor at 06:00 UTC every day by default, once for the popular list and once for the changes", () => {
      // Prepare
      const rule = dev.one(T.rule);
      const targets = dev.ofType(T.target);
      const permission = dev.one(T.permission);
      const fn = dev.one(T.fn);

      // Assess
      assert.equal(rule.inputs["scheduleExpression"], "cron(0 6 * * ? *)");
      assert.deepEqual(
        targets.map((target) => [target.name, JSON.parse(String(target.inputs["input"]))]),
        [
          ["schedule-popular", { mode: "popular" }],
          ["schedule-changes", { mode: "changes" }],
        ],
      );
      for (const target of targets) {
        assert.equal(target.inputs["rule"], rule.state["name"]);
        assert.equal(target.inputs["arn"], fn.state["arn"]);
        assert.deepEqual(target.inputs["retryPolicy"], {
          maximumEventAgeInSeconds: 3600,
          maximumRetryAttempts: 10,
        });
        assert.deepEqual(optionResources(target.opts.dependsOn), [permission.resource]);
      }
      assert.equal(permission.inputs["function"], fn.state["name"]);
      assert.equal(permission.inputs["principal"], "events.amazonaws.com");
      assert.equal(permission.inputs["sourceArn"], rule.state["arn"]);
      assert.equal(permission.inputs["action"], "lambda:InvokeFunction");
    });

    it("keeps the rule's former single target as the popular run, updated rather than replaced", () => {
      // Prepare
      const popular = dev.one(T.target, "popular");
      const changes = dev.one(T.target, "changes");

      // Assess
      assert.deepEqual(popular.opts.aliases, [{ name: "schedule-target" }]);
      assert.deepEqual(changes.opts.aliases, []);
    });
  });
});
