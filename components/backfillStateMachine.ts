import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmOnAnyCount } from "./extractor";
import { stateMachineArn } from "./names";
import { firstProblem } from "./problems";

/** Arguments of {@link BackfillStateMachine}. */
export interface BackfillStateMachineArgs {
  /**
   * Name of the state machine and of its role. Carries the stack name, so that stacks sharing an account do not
   * collide (see `stackResourceName`).
   */
  resourceName: string;
  /** ARN of the extractor function the state machine invokes, unqualified. */
  functionArn: pulumi.Input<string>;
  /** SNS topic the alarms on failed, timed-out and aborted executions notify. */
  alarmTopicArn: pulumi.Input<string>;
  /**
   * Longest an execution may run, in seconds, 3600..31536000 (a standard workflow's year); an execution still
   * looping then ends as timed out.
   * @default BACKFILL_TIMEOUT_SECONDS (two days)
   */
  timeoutSeconds?: number;
}

/** Default {@link BackfillStateMachineArgs.timeoutSeconds}: two days. */
export const BACKFILL_TIMEOUT_SECONDS = 2 * 24 * 3600;

/**
 * Transient errors of the Lambda service itself, as the optimized integration reports them: retried quickly. The
 * list Step Functions' best practices give, plus `Lambda.TooManyRequestsException` (the function's concurrency is
 * exhausted, e.g. by the schedule's runs).
 */
export const LAMBDA_SERVICE_ERRORS = [
  "Lambda.ClientExecutionTimeoutException",
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
] as const;

/**
 * Errors of the function that running it again cannot mend, by the `name` its handler throws them with (Lambda
 * reports it as the error type, which the Task fails with): an invalid event, an invalid setting, a token TMDB
 * refuses. Never retried.
 */
export const PERMANENT_EXTRACTOR_ERRORS = ["InvalidEventError", "ConfigError", "TmdbAuthError"] as const;

/** One retrier of a Task state (Amazon States Language). */
export interface Retrier {
  ErrorEquals: string[];
  MaxAttempts: number;
  IntervalSeconds?: number;
  BackoffRate?: number;
  /** Cap of the growing interval. */
  MaxDelaySeconds?: number;
}

/**
 * How the invocation is retried. Retriers match in order, the first that names an error wins: the extractor's
 * permanent errors are not retried; the Lambda service's transient errors (and throttling) are, after 2, 4, 8, 16
 * and 32 s, then every 60 s, eight retries in about 4 minutes; any other failure of the task (`States.TaskFailed`:
 * the function's own errors, e.g. TMDB unreachable, and its time-outs, reported as `Lambda.Unknown`) after 1, 3 and
 * 9 minutes, each retry resuming from the function's checkpoint.
 */
export const BACKFILL_RETRY: readonly Retrier[] = [
  { ErrorEquals: [...PERMANENT_EXTRACTOR_ERRORS], MaxAttempts: 0 },
  {
    ErrorEquals: [...LAMBDA_SERVICE_ERRORS],
    IntervalSeconds: 2,
    MaxAttempts: 8,
    BackoffRate: 2,
    MaxDelaySeconds: 60,
  },
  { ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 60, MaxAttempts: 3, BackoffRate: 3 },
];

/** State names of the backfill's state machine. */
export const BACKFILL_STATES = {
  extract: "Extract",
  checkDone: "CheckDone",
  done: "Backfilled",
  failed: "ExtractorFailed",
  unexpected: "UnexpectedResult",
} as const;

/** A Choice rule that holds when the invocation's result has a boolean `done` equal to `value`. */
function doneIs(value: boolean, next: string) {
  return {
    And: [
      { Variable: "$.Payload.done", IsPresent: true },
      { Variable: "$.Payload.done", IsBoolean: true },
      { Variable: "$.Payload.done", BooleanEquals: value },
    ],
    Next: next,
  };
}

/**
 * The backfill's state machine (Amazon States Language): invoke the extractor through the optimized Lambda
 * integration with the execution's input as the event — every invocation gets the SAME event, from which the function
 * resumes at its checkpoint — until its result says `done: true`. A result with `done: false` loops; a result
 * without a boolean `done` fails the execution (it would otherwise loop, or end, on a misunderstanding). Invocations
 * are retried as {@link BACKFILL_RETRY} says; once retries are spent the execution fails in a Fail state naming the
 * extractor's error. `timeoutSeconds` bounds the whole execution.
 */
export function backfillDefinition(args: { functionArn: string; timeoutSeconds: number }): object {
  const S = BACKFILL_STATES;
  return {
    Comment:
      "Runs a TMDB backfill to completion: invokes the extractor with the execution's input until it is done",
    StartAt: S.extract,
    TimeoutSeconds: args.timeoutSeconds,
    States: {
      [S.extract]: {
        Type: "Task",
        Comment: "One invocation: the function stops starting new work before its timeout and reports done",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: args.functionArn, "Payload.$": "$$.Execution.Input" },
        // The function's result only (its status code and response metadata are of no use to the loop).
        ResultSelector: { "Payload.$": "$.Payload" },
        Retry: BACKFILL_RETRY.map((retrier) => ({ ...retrier, ErrorEquals: [...retrier.ErrorEquals] })),
        Catch: [{ ErrorEquals: ["States.ALL"], Next: S.failed }],
        Next: S.checkDone,
      },
      [S.checkDone]: {
        Type: "Choice",
        Choices: [doneIs(true, S.done), doneIs(false, S.extract)],
        Default: S.unexpected,
      },
      [S.done]: { Type: "Succeed" },
      [S.failed]: {
        Type: "Fail",
        Comment: "Retries are spent; running the same input again resumes from the checkpoint",
        Error: "ExtractorFailed",
        CausePath: "$.Cause",
      },
      [S.unexpected]: {
        Type: "Fail",
        Error: "UnexpectedResult",
        Cause: "The extractor's result has no boolean done field",
      },
    },
  };
}

/**
 * Trust policy of the state machine's role: only Step Functions, acting for this one state machine of this account
 * (`aws:SourceArn`, `aws:SourceAccount`: the cross-service confused-deputy guard Step Functions documents).
 */
export function stepFunctionsTrustPolicy(args: { accountId: string; stateMachineArn: string }): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "states.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": args.accountId },
          ArnLike: { "aws:SourceArn": args.stateMachineArn },
        },
      },
    ],
  });
}

/**
 * Policy of the state machine's role: invoke the extractor, unqualified or as any version or alias (`:*`, as the
 * policies Step Functions generates for a Lambda task grant), and nothing else.
 */
export function backfillRolePolicy(functionArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "InvokeExtractor",
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: [functionArn, `${functionArn}:*`],
      },
    ],
  });
}

/** The execution outcomes that raise an alarm: the `AWS/States` metric counting each, and how to say it. */
export const ALARMED_EXECUTIONS = [
  { outcome: "failed", metricName: "ExecutionsFailed", said: "failed" },
  { outcome: "timed-out", metricName: "ExecutionsTimedOut", said: "timed out" },
  { outcome: "aborted", metricName: "ExecutionsAborted", said: "was stopped" },
] as const;

/** Alarm arguments on any execution of the state machine ending as `execution` says, within five minutes. */
export function executionAlarmArgs(
  topicArn: pulumi.Input<string>,
  stateMachineArn: pulumi.Input<string>,
  execution: (typeof ALARMED_EXECUTIONS)[number],
): aws.cloudwatch.MetricAlarmArgs {
  return alarmOnAnyCount(
    topicArn,
    `A TMDB backfill execution ${execution.said} (see the state machine's executions; starting it again with the same input resumes from the checkpoint)`,
    {
      namespace: "AWS/States",
      metricName: execution.metricName,
      dimensions: { StateMachineArn: stateMachineArn },
    },
  );
}

/** The first problem of a {@link BackfillStateMachine}'s arguments, as `<field> <problem>`, or undefined. */
export function backfillArgsProblem(args: BackfillStateMachineArgs): string | undefined {
  const timeout = args.timeoutSeconds ?? BACKFILL_TIMEOUT_SECONDS;
  return firstProblem([
    [
      "resourceName",
      /^[A-Za-z0-9_-]{1,64}$/.test(args.resourceName)
        ? undefined
        : `"${args.resourceName}" must be 1..64 letters, digits, _ and -`,
    ],
    [
      "timeoutSeconds",
      Number.isInteger(timeout) && timeout >= 3600 && timeout <= 31_536_000
        ? undefined
        : "must be a whole number of seconds from 3600 to 31536000",
    ],
  ]);
}

/**
 * A Step Functions state machine that runs a backfill to completion (see {@link backfillDefinition}), with its own
 * role, which may invoke the extractor and nothing else, and alarms on failed, timed-out and aborted executions.
 */
export class BackfillStateMachine extends pulumi.ComponentResource {
  /** The state machine. */
  readonly stateMachine: aws.sfn.StateMachine;
  /** State machine ARN, what `aws stepfunctions start-execution` takes. */
  readonly stateMachineArn: pulumi.Output<string>;

  constructor(name: string, args: BackfillStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tmdb:extractor:BackfillStateMachine", name, {}, opts);
    const problem = backfillArgsProblem(args);
    if (problem !== undefined) throw new Error(`${name}: ${problem}`);
    const { resourceName, functionArn, alarmTopicArn } = args;
    const timeoutSeconds = args.timeoutSeconds ?? BACKFILL_TIMEOUT_SECONDS;

    // The trust policy names the state machine, which needs the role first: its ARN is computed from its name.
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const expectedArn = pulumi
      .all([partition, region, accountId])
      .apply(([p, r, a]) => stateMachineArn(p, r, a, resourceName));

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: resourceName,
        description: "Role of the TMDB backfill state machine",
        assumeRolePolicy: pulumi
          .all([accountId, expectedArn])
          .apply(([id, arn]) => stepFunctionsTrustPolicy({ accountId: id, stateMachineArn: arn })),
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      { role: role.name, policy: pulumi.output(functionArn).apply(backfillRolePolicy) },
      { parent: this },
    );
    this.stateMachine = new aws.sfn.StateMachine(
      `${name}-machine`,
      {
        name: resourceName,
        type: "STANDARD",
        roleArn: role.arn,
        definition: pulumi
          .output(functionArn)
          .apply((arn) => JSON.stringify(backfillDefinition({ functionArn: arn, timeoutSeconds }))),
      },
      // No execution may start before the role may invoke the function.
      { parent: this, dependsOn: [policy] },
    );
    for (const execution of ALARMED_EXECUTIONS) {
      new aws.cloudwatch.MetricAlarm(
        `${name}-${execution.outcome}`,
        executionAlarmArgs(alarmTopicArn, this.stateMachine.arn, execution),
        { parent: this },
      );
    }

    this.stateMachineArn = this.stateMachine.arn;
    this.registerOutputs({ stateMachineArn: this.stateMachineArn });
  }
}
