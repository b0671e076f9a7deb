import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link AlertTopic}. */
export interface AlertTopicArgs {
  /**
   * E-mail address subscribed to the topic (AWS sends a confirmation mail first).
   * @default undefined (no subscription)
   */
  email?: pulumi.Input<string>;
}

/** The SNS topic failures go to: the extractor's error alarm and its failed asynchronous runs. */
export class AlertTopic extends pulumi.ComponentResource {
  /** The topic. */
  readonly topic: aws.sns.Topic;
  /** Topic ARN. */
  readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: AlertTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tmdb:monitoring:AlertTopic", name, {}, opts);
    this.topic = new aws.sns.Topic(`${name}-topic`, {}, { parent: this });
    if (args.email !== undefined) {
      new aws.sns.TopicSubscription(
        `${name}-email`,
        { topic: this.topic.arn, protocol: "email", endpoint: args.email },
        { parent: this },
      );
    }
    this.topicArn = this.topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
