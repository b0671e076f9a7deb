import assert from "node:assert/strict";
import { AlertTopic } from "../../components/alertTopic";
import { devRun, runProgram, T } from "../support/pulumi/harness";
import { validConfig } from "../support/pulumi/stackConfig";

describe("AlertTopic", () => {
  it("subscribes the given address to the topic by e-mail", async () => {
    // Act
    const run = await runProgram("dev", validConfig(), () => {
      const alerts = new AlertTopic("alerts", { email: "ops@example.com" });
      return { topicArn: alerts.topicArn };
    });

    // Assess
    const topic = run.one(T.topic);
    assert.deepEqual(run.one(T.subscription).inputs, {
      topic: topic.state["arn"],
      protocol: "email",
      endpoint: "ops@example.com",
    });
    assert.equal(run.outputs["topicArn"], topic.state["arn"]);
  });

  it("subscribes no one in the dev stack, which sets no alarmEmail", async () => {
    // Act
    const dev = await devRun();

    // Assess
    assert.equal(dev.ofType(T.topic).length, 1);
    assert.equal(dev.ofType(T.subscription).length, 0);
  });
});
