import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Checks an EventBridge schedule expression: `rate(<n> <unit>)` or a six-field
 * `cron(minutes hours day-of-month month day-of-week year)` where exactly one of the two day fields is `?`.
 * @returns the problem, or undefined when the expression is valid
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const plural = (rate[2] as string).endsWith("s");
    if (value < 1) return "must use a rate of at least 1";
    if ((value === 1) === plural)
      return "must use a singular unit for 1 and a plural unit otherwise, e.g. rate(1 day), rate(2 days)";
    return undefined;
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron)
    return "must be an EventBridge schedule expression: cron(minutes hours day-of-month month day-of-week year) or rate(value unit)";
  const fields = (cron[1] as string).trim().split(/\s+/);
  if (fields.length !== 6) {
    return `must have six cron fields (minutes hours day-of-month month day-of-week year), found ${fields.length}`;
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const numericWithin = (field: string, max: number) =>
    field
      .split(/[,\-/]/)
      .filter((part) => /^\d+$/.test(part))
      .every((part) => Number(part) <= max);
  if (!/^[\d*,\-/]+$/.test(minutes) || !numericWithin(minutes, 59))
    return "must have a minutes field of 0-59, *, lists, ranges or increments";
  if (!/^[\d*,\-/]+$/.test(hours) || !numericWithin(hours, 23))
    return "must have an hours field of 0-23, *, lists, ranges or increments";
  if (!/^[\d*,\-/?LW]+$/.test(dayOfMonth)) return "must have a day-of-month field of 1-31, *, ?, L or W";
  if (!/^[\dA-Za-z*,\-/]+$/.test(month)) return "must have a month field of 1-12 or JAN-DEC";
  if (!/^[\dA-Za-z*,\-/?L#]+$/.test(dayOfWeek))
    return "must have a day-of-week field of 1-7 or SUN-SAT, *, ? or L";
  if (!/^[\d*,\-/]+$/.test(year)) return "must have a year field of digits, *, lists, ranges or increments";
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return "must use ? in exactly one of day-of-month and day-of-week, e.g. cron(0 6 * * ? *)";
  }
  return undefined;
}

/**
 * The runs the schedule starts, each an independent asynchronous invocation with its own event (and its own Lambda
 * retries): the popular list, and the movies TMDB reports changed since the last successful changes run. Keyed by the
 * suffix of the target's name.
 */
export const SCHEDULED_EVENTS = {
  popular: { mode: "popular" },
  changes: { mode: "changes" },
} as const;

/** Arguments of {@link DailySchedule}. */
export interface DailyScheduleArgs {
  /** ARN of the function to invoke. */
  functionArn: pulumi.Input<string>;
  /** Name of the function to invoke. */
  functionName: pulumi.Input<string>;
  /** EventBridge schedule expression (`cron(...)` or `rate(...)`, see {@link scheduleExpressionProblem}), in UTC. */
  scheduleExpression: string;
}

/**
 * An EventBridge rule invoking the extractor on a schedule, once per event of {@link SCHEDULED_EVENTS}
 * (asynchronously: failed runs are retried by Lambda and reported by the function's on-failure destination, not by
 * the rule).
 */
export class DailySchedule extends pulumi.ComponentResource {
  /** The rule. */
  readonly rule: aws.cloudwatch.EventRule;
  /** The expression the rule runs on. */
  readonly scheduleExpression: pulumi.Output<string>;

  constructor(name: string, args: DailyScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tmdb:extractor:DailySchedule", name, {}, opts);
    const { scheduleExpression } = args;
    const problem = scheduleExpressionProblem(scheduleExpression);
    if (problem !== undefined) throw new Error(`${name}: scheduleExpression ${problem}`);
    this.rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      {
        description: "Runs the TMDB extractions: the popular list and the latest changes",
        scheduleExpression,
      },
      { parent: this },
    );
    const permission = new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: args.functionName,
        principal: "events.amazonaws.com",
        sourceArn: this.rule.arn,
      },
      { parent: this },
    );
    for (const [run, event] of Object.entries(SCHEDULED_EVENTS)) {
      new aws.cloudwatch.EventTarget(
        `${name}-${run}`,
        {
          rule: this.rule.name,
          arn: args.functionArn,
          // A constant event; the extractor reads its page count from its environment.
          input: JSON.stringify(event),
          retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 },
        },
        {
          parent: this,
          dependsOn: [permission],
          // The popular run is the one target the rule had, with an empty event: updated in place, not replaced.
          aliases: run === "popular" ? [{ name: `${name}-target` }] : [],
        },
      );
    }
    this.scheduleExpression = pulumi.output(scheduleExpression);
    this.registerOutputs({ scheduleExpression: this.scheduleExpression });
  }
}
