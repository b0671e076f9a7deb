import assert from "node:assert/strict";
import {
  ALARMED_EXECUTIONS,
  BACKFILL_RETRY,
  BACKFILL_STATES,
  BACKFILL_TIMEOUT_SECONDS,
  BackfillStateMachine,
  PERMANENT_EXTRACTOR_ERRORS,
  backfillArgsProblem,
  backfillDefinition,
  backfillRolePolicy,
  stepFunctionsTrustPolicy,
} from "../../components/backfillStateMachine";
import { assertListsExactly, devRun, policyOf, runProgram, T, type Run } from "../support/pulumi/harness";
import { ConfigError, InvalidEventError, TmdbAuthError } from "../../functions/extractor/errors";
import { ACCOUNT_ID, REGION } from "../support/pulumi/mocks";
import { validConfig } from "../support/pulumi/stackConfig";

const FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:tmdb-genre-roi-dev-extractor";

type Json = Record<string, unknown>;
interface Definition {
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, Json>;
}
const definitionOf = (json: unknown) => JSON.parse(String(json)) as Definition;
const definition = () =>
  backfillDefinition({ functionArn: FUNCTION_ARN, timeoutSeconds: BACKFILL_TIMEOUT_SECONDS }) as Definition;

/** What one invocation of the function does in a walk: return a result, or fail with an error name. */
type Outcome = { result: unknown } | { error: string; cause?: string };

/**
 * Walks the definition the way Step Functions runs its JSONPath states, for the few features it uses: the Task's
 * Parameters (`$$.Execution.Input`), ResultSelector, Retry (first matching retrier, `States.TaskFailed` matching any
 * error but `States.Timeout`) and Catch (`States.ALL`); the Choice's And / IsPresent / IsBoolean / BooleanEquals on
 * `$.Payload.done`; Succeed and Fail (with CausePath). Each invocation takes the next outcome.
 */
function walk(def: Definition, input: Json, outcomes: Outcome[]) {
  const events: unknown[] = [];
  const waits: number[] = [];
  const visited: string[] = [];
  let state = def.StartAt;
  let data: unknown = input;
  const attempts = new Map<number, number>();
  const at = (value: unknown, path: string) =>
    path
      .replace(/^\$\.?/, "")
      .split(".")
      .filter((part) => part !== "")
      .reduce<unknown>((node, part) => (node as Json | undefined)?.[part], value);
  const holds = (rule: Json): boolean => {
    if (Array.isArray(rule["And"])) return (rule["And"] as Json[]).every(holds);
    const value = at(data, String(rule["Variable"]));
    if ("IsPresent" in rule) return (value !== undefined) === rule["IsPresent"];
    if ("IsBoolean" in rule) return (typeof value === "boolean") === rule["IsBoolean"];
    if ("BooleanEquals" in rule) return value === rule["BooleanEquals"];
    throw new Error(`the walk does not know the rule ${JSON.stringify(rule)}`);
  };
  for (let step = 0; step < 1000; step++) {
    visited.push(state);
    const s = def.States[state] as Json;
    if (s["Type"] === "Succeed") return { visited, events, waits, status: "SUCCEEDED" };
    if (s["Type"] === "Fail") {
      const cause = s["CausePath"] === undefined ? s["Cause"] : at(data, String(s["CausePath"]));
      return { visited, events, waits, status: "FAILED", error: s["Error"], cause };
    }
    if (s["Type"] === "Choice") {
      const chosen = (s["Choices"] as Json[]).find(holds);
      state = String(chosen?.["Next"] ?? s["Default"]);
      continue;
    }
    const parameters = s["Parameters"] as Json;
    assert.equal(parameters["Payload.$"], "$$.Execution.Input");
    events.push(input);
    const outcome = outcomes.shift();
    if (outcome === undefined) throw new Error("the walk ran out of outcomes");
    if ("result" in outcome) {
      attempts.clear();
      data = { Payload: at({ Payload: outcome.result }, "$.Payload") };
      state = String(s["Next"]);
      continue;
    }
    const retriers = s["Retry"] as (typeof BACKFILL_RETRY)[number][];
    const index = retriers.findIndex(
      (r) => r.ErrorEquals.includes(outcome.error) || r.ErrorEquals.includes("States.TaskFailed"),
    );
    const retrier = retriers[index] as (typeof BACKFILL_RETRY)[number];
    const made = attempts.get(index) ?? 0;
    if (made < retrier.MaxAttempts) {
      attempts.set(index, made + 1);
      const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** made;
      waits.push(Math.min(interval, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY));
      continue;
    }
    const caught = (s["Catch"] as { ErrorEquals: string[]; Next: string }[])[0] as { Next: string };
    data = { Error: outcome.error, Cause: outcome.cause ?? "" };
    state = caught.Next;
  }
  throw new Error("the walk did not end");
}

describe("BackfillStateMachine", () => {
  describe("decisions", () => {
    it("invokes the extractor through the optimized Lambda integration with the execution's input as the event", () => {
      // Act
      const extract = definition().States[BACKFILL_STATES.extract] as Json;

      // Assess
      assert.equal(definition().StartAt, "Extract");
      assert.equal(extract["Type"], "Task");
      assert.equal(extract["Resource"], "arn:aws:states:::lambda:invoke");
      assert.deepEqual(extract["Parameters"], {
        FunctionName: FUNCTION_ARN,
        "Payload.$": "$$.Execution.Input",
      });
      assert.deepEqual(extract["ResultSelector"], { "Payload.$": "$.Payload" });
      assert.equal(extract["Next"], "CheckDone");
    });

    it("loops while the result says done: false, succeeds on done: true and fails on a result without a boolean done", () => {
      // Prepare
      const event = { mode: "backfill", fromYear: 1990, toYear: 1999 };
      const choice = definition().States[BACKFILL_STATES.checkDone] as Json;

      // Act
      const backfill = walk(definition(), event, [
        { result: { done: false, landed: 5000 } },
        { result: { done: false, landed: 4000 } },
        { result: { done: true, landed: 12 } },
      ]);
      const odd = [{}, { done: "true" }, null, "done"].map((result) =>
        walk(definition(), event, [{ result }]),
      );

      // Assess
      assert.equal(choice["Type"], "Choice");
      assert.equal(choice["Default"], "UnexpectedResult");
      assert.equal(backfill.status, "SUCCEEDED");
      assert.deepEqual(backfill.events, [event, event, event], "every invocation gets the same event");
      assert.deepEqual(backfill.visited, [
        "Extract",
        "CheckDone",
        "Extract",
        "CheckDone",
        "Extract",
        "CheckDone",
        "Backfilled",
      ]);
      for (const run of odd) {
        assert.deepEqual(
          [run.status, run.error, run.visited.at(-1)],
          ["FAILED", "UnexpectedResult", "UnexpectedResult"],
        );
      }
    });

    it("never retries what a new run cannot mend, retries the Lambda service's transient errors quickly and the function's other failures a few times with backoff", () => {
      // Assess
      assert.deepEqual(BACKFILL_RETRY, [
        { ErrorEquals: ["InvalidEventError", "ConfigError", "TmdbAuthError"], MaxAttempts: 0 },
        {
          ErrorEquals: [
            "Lambda.ClientExecutionTimeoutException",
            "Lambda.ServiceException",
            "Lambda.AWSLambdaException",
            "Lambda.SdkClientException",
            "Lambda.TooManyRequestsException",
          ],
          IntervalSeconds: 2,
          MaxAttempts: 8,
          BackoffRate: 2,
          MaxDelaySeconds: 60,
        },
        { ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 60, MaxAttempts: 3, BackoffRate: 3 },
      ]);
      assert.deepEqual((definition().States[BACKFILL_STATES.extract] as Json)["Retry"], BACKFILL_RETRY);
    });

    it("names the permanent errors as the extractor's handler throws them", () => {
      // Act
      const thrown = [
        new InvalidEventError("fromYear", "must be a whole year"),
        new ConfigError([{ variable: "RAW_BUCKET", message: "is required" }]),
        new TmdbAuthError(401, "https://api.themoviedb.org/3/discover/movie", { statusCode: 7 }, 1),
      ].map((error) => error.name);

      // Assess
      assert.deepEqual(thrown, [...PERMANENT_EXTRACTOR_ERRORS]);
    });

    it("resumes after a failed invocation, and fails in a Fail state naming the function's error once retries are spent", () => {
      // Prepare
      const event = { mode: "backfill" };
      const outage = { error: "TmdbUnavailableError", cause: '{"errorMessage":"TMDB answered 503"}' };
      const throttled = { error: "Lambda.TooManyRequestsException" };

      // Act
      const recovered = walk(definition(), event, [outage, outage, { result: { done: true } }]);
      const badEvent = walk(definition(), { mode: "backfill", fromYear: 1800 }, [
        { error: "InvalidEventError" },
      ]);
      const down = walk(definition(), event, [outage, outage, outage, outage]);
      const busy = walk(definition(), event, [...Array<Outcome>(9).fill(throttled)]);
      const timedOut = walk(definition(), event, [
        { error: "Lambda.Unknown" },
        { result: { done: false } },
        { result: { done: true } },
      ]);

      // Assess
      assert.equal(recovered.status, "SUCCEEDED");
      assert.deepEqual([badEvent.status, badEvent.events.length, badEvent.waits], ["FAILED", 1, []]);
      assert.deepEqual(recovered.waits, [60, 180]);
      assert.deepEqual([down.status, down.error, down.cause], ["FAILED", "ExtractorFailed", outage.cause]);
      assert.deepEqual(down.waits, [60, 180, 540]);
      assert.equal(down.events.length, 4, "one invocation and three retries");
      assert.deepEqual([busy.status, busy.events.length], ["FAILED", 9]);
      assert.deepEqual(busy.waits, [2, 4, 8, 16, 32, 60, 60, 60]);
      assert.equal(timedOut.status, "SUCCEEDED", "a timed-out invocation is retried too");
      assert.deepEqual(definition().States[BACKFILL_STATES.failed], {
        Type: "Fail",
        Comment: "Retries are spent; running the same input again resumes from the checkpoint",
        Error: "ExtractorFailed",
        CausePath: "$.Cause",
      });
      assert.deepEqual((definition().States[BACKFILL_STATES.extract] as Json)["Catch"], [
        { ErrorEquals: ["States.ALL"], Next: "ExtractorFailed" },
      ]);
    });

    it("ends an execution that never finishes at its timeout, two days unless told otherwise", () => {
      // Act
      const custom = backfillDefinition({ functionArn: FUNCTION_ARN, timeoutSeconds: 7200 }) as Definition;
      const args = { resourceName: "probe-backfill", functionArn: FUNCTION_ARN, alarmTopicArn: "t" };

      // Assess
      assert.equal(definition().TimeoutSeconds, 172_800);
      assert.equal(custom.TimeoutSeconds, 7200);
      assert.equal(backfillArgsProblem(args), undefined);
      assert.equal(
        backfillArgsProblem({ ...args, timeoutSeconds: 60 }),
        "timeoutSeconds must be a whole number of seconds from 3600 to 31536000",
      );
      assert.match(
        String(backfillArgsProblem({ ...args, resourceName: "a b" })),
        /^resourceName "a b" must be/,
      );
    });

    it("lets only Step Functions assume its role, for this state machine of this account, to invoke the extractor", () => {
      // Prepare
      const machine = "arn:aws:states:us-east-1:123456789012:stateMachine:probe";

      // Act
      const trust = policyOf(
        stepFunctionsTrustPolicy({ accountId: "123456789012", stateMachineArn: machine }),
      );
      const policy = policyOf(backfillRolePolicy(FUNCTION_ARN));

      // Assess
      assert.deepEqual(trust.Statement, [
        {
          Effect: "Allow",
          Principal: { Service: "states.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": machine },
          },
        },
      ]);
      assert.deepEqual(policy.Statement, [
        {
          Sid: "InvokeExtractor",
          Effect: "Allow",
          Action: "lambda:InvokeFunction",
          Resource: [FUNCTION_ARN, `${FUNCTION_ARN}:*`],
        },
      ]);
    });
  });

  describe("on its own", () => {
    it("refuses a timeout under an hour, naming the field", async () => {
      // Act, Assess
      await assert.rejects(
        runProgram("dev", validConfig(), () => {
          new BackfillStateMachine("probe", {
            resourceName: "probe-backfill",
            functionArn: FUNCTION_ARN,
            alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:probe",
            timeoutSeconds: 600,
          });
          return {};
        }),
        /^Error: probe: timeoutSeconds must be a whole number of seconds from 3600 to 31536000$/,
      );
    });

    it("names the state machine in its role's trust policy in the partition it is deployed to", async () => {
      // Act
      const run = await runProgram(
        "dev",
        validConfig(),
        () => {
          const machine = new BackfillStateMachine("probe", {
            resourceName: "probe-backfill",
            functionArn: "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:probe",
            alarmTopicArn: "arn:aws-us-gov:sns:us-gov-west-1:123456789012:probe",
          });
          return { arn: machine.stateMachineArn };
        },
        { partition: "aws-us-gov" },
      );

      // Assess
      const trust = policyOf(run.one(T.role).inputs["assumeRolePolicy"]);
      const condition = trust.Statement[0]?.["Condition"] as { ArnLike: Record<string, string> };
      assert.equal(condition.ArnLike["aws:SourceArn"], run.outputs["arn"]);
      assert.match(String(run.outputs["arn"]), /^arn:aws-us-gov:states:/);
    });
  });

  describe("in the dev stack", () => {
    let dev: Run;
    before(async () => {
      dev = await devRun();
    });

    it("is a standard state machine named after the stack, whose definition invokes the stack's extractor", () => {
      // Prepare
      const machine = dev.one(T.stateMachine);
      const fn = dev.one(T.fn);

      // Act
      const def = definitionOf(machine.inputs["definition"]);

      // Assess
      assert.equal(machine.inputs["name"], "tmdb-genre-roi-dev-backfill");
      assert.equal(machine.inputs["type"], "STANDARD");
      assert.equal(machine.inputs["roleArn"], dev.one(T.role, "backfill").state["arn"]);
      assert.deepEqual(def, definition());
      assert.equal((def.States["Extract"]?.["Parameters"] as Json)["FunctionName"], fn.state["arn"]);
      assert.equal(dev.outputs["backfillStateMachine"], machine.state["arn"]);
    });

    it("runs as a role only Step Functions may assume, for this state machine of this account, allowed to invoke the extractor and nothing else", () => {
      // Prepare
      const machine = dev.one(T.stateMachine);
      const role = dev.one(T.role, "backfill");
      const policy = dev.one(T.rolePolicy, "backfill");
      const fnArn = String(dev.one(T.fn).state["arn"]);

      // Act
      const trust = policyOf(role.inputs["assumeRolePolicy"]);
      const document = policyOf(policy.inputs["policy"]);

      // Assess
      assert.equal(role.inputs["name"], "tmdb-genre-roi-dev-backfill");
      assert.equal(policy.inputs["role"], role.state["name"]);
      assert.equal(role.inputs["managedPolicyArns"], undefined);
      assert.deepEqual(trust.Statement, [
        {
          Effect: "Allow",
          Principal: { Service: "states.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
            ArnLike: { "aws:SourceArn": machine.state["arn"] },
          },
        },
      ]);
      assert.equal(
        machine.state["arn"],
        `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:tmdb-genre-roi-dev-backfill`,
      );
      assert.deepEqual(document.Statement, [
        {
          Sid: "InvokeExtractor",
          Effect: "Allow",
          Action: "lambda:InvokeFunction",
          Resource: [fnArn, `${fnArn}:*`],
        },
      ]);
      assertListsExactly(machine.opts.dependsOn, [policy], "the state machine's dependsOn");
    });

    it("raises an alarm on any failed, timed-out or aborted execution, to the alert topic", () => {
      // Prepare
      const machineArn = dev.one(T.stateMachine).state["arn"];
      const topicArn = dev.one(T.topic).state["arn"];

      // Act
      const alarms = ALARMED_EXECUTIONS.map((execution) => dev.one(T.alarm, `backfill-${execution.outcome}`));

      // Assess
      assert.deepEqual(
        alarms.map((alarm) => [
          alarm.inputs["namespace"],
          alarm.inputs["metricName"],
          alarm.inputs["dimensions"],
        ]),
        [
          ["AWS/States", "ExecutionsFailed", { StateMachineArn: machineArn }],
          ["AWS/States", "ExecutionsTimedOut", { StateMachineArn: machineArn }],
          ["AWS/States", "ExecutionsAborted", { StateMachineArn: machineArn }],
        ],
      );
      for (const alarm of alarms) {
        assert.equal(alarm.inputs["statistic"], "Sum");
        assert.equal(alarm.inputs["threshold"], 0);
        assert.equal(alarm.inputs["comparisonOperator"], "GreaterThanThreshold");
        assert.equal(alarm.inputs["treatMissingData"], "notBreaching");
        assert.deepEqual(alarm.inputs["alarmActions"], [topicArn]);
      }
    });
  });
});
