import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link DailySchedule}. */
export interface DailyScheduleArgs {
  /** ARN of the function to invoke. */
  functionArn: pulumi.Input<string>;
  /** Name of the function to invoke. */
  functionName: pulumi.Input<string>;
  /** EventBridge schedule expression (`cron(...)` or `rate(...)`), evaluated in UTC. */
  scheduleExpression: string;
}

/**
 * An EventBridge rule invoking the extractor on a schedule (asynchronously: failed runs are retried by Lambda
 * and reported by the function's on-failure destination, not by the rule).
 */
export class DailySchedule extends pulumi.ComponentResource {
  /** The rule. */
  readonly rule: aws.cloudwatch.EventRule;
  /** The expression the rule runs on. */
  readonly scheduleExpression: pulumi.Output<string>;

  constructor(name: string, args: DailyScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tmdb:extractor:DailySchedule", name, {}, opts);
    const { scheduleExpression } = args;
    if (!/^(cron|rate)\(.+\)$/.test(scheduleExpression)) {
      throw new Error(`${name}: scheduleExpression must be cron(...) or rate(...)`);
    }
    this.rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      { description: "Runs the TMDB extraction", scheduleExpression },
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
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      {
        rule: this.rule.name,
        arn: args.functionArn,
        // A constant event: the extractor reads its page count from its environment.
        input: JSON.stringify({}),
        retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 },
      },
      { parent: this, dependsOn: [permission] },
    );
    this.scheduleExpression = pulumi.output(scheduleExpression);
    this.registerOutputs({ scheduleExpression: this.scheduleExpression });
  }
}
