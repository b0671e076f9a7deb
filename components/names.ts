/**
 * Names of the per-stack objects. Account-level objects (Snowflake warehouse, its resource monitor, database,
 * integration, roles, users; the IAM roles, the extractor function and its log group) carry the stack name so that
 * several stacks share one AWS and one Snowflake account without colliding. Snowflake names are UPPER_SNAKE:
 * unquoted identifiers, no autonaming.
 */

/** The stack name as it appears in Snowflake names: upper-cased, every non-alphanumeric replaced by `_`. */
export function stackToken(stack: string): string {
  if (!/[A-Za-z0-9]/.test(stack)) throw new Error(`stack name "${stack}" must contain a letter or digit`);
  return stack.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** Snowflake object names of one stack. */
export interface SnowflakeNames {
  database: string;
  warehouse: string;
  /** The warehouse's resource monitor, which an account administrator creates and assigns. */
  resourceMonitor: string;
  storageIntegration: string;
  transformerRole: string;
  dbtUser: string;
  schemas: { raw: string; staging: string; marts: string };
  rawTable: string;
  fileFormat: string;
  stage: string;
  pipe: string;
}

/** Snowflake names of a stack, e.g. `TMDB_ROI_DEV`, `TMDB_ROI_DEV_WH`, `TMDB_ROI_DEV_TRANSFORMER`. */
export function snowflakeNames(stack: string): SnowflakeNames {
  const prefix = `TMDB_ROI_${stackToken(stack)}`;
  return {
    database: prefix,
    warehouse: `${prefix}_WH`,
    resourceMonitor: `${prefix}_MONITOR`,
    storageIntegration: `${prefix}_S3`,
    transformerRole: `${prefix}_TRANSFORMER`,
    dbtUser: `${prefix}_DBT`,
    schemas: { raw: "RAW", staging: "STAGING", marts: "MARTS" },
    rawTable: "MOVIES",
    fileFormat: "NDJSON",
    stage: "MOVIES_STAGE",
    pipe: "MOVIES_PIPE",
  };
}

/** `A.B.C` from unquoted UPPER_SNAKE identifiers, the form used in SQL and in stack outputs. */
export function qualified(...parts: string[]): string {
  return parts.join(".");
}

/**
 * Name of a per-stack AWS resource (`<project>-<stack>-<purpose>`), within the 64 characters that IAM role and
 * Lambda function names allow.
 */
export function stackResourceName(project: string, stack: string, purpose: string): string {
  const name = `${project}-${stack}-${purpose}`;
  if (name.length > 64 || !/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new Error(
      `AWS resource name "${name}" (from project and stack name) must be at most 64 characters of letters, digits, _ and -: use a shorter stack name`,
    );
  }
  return name;
}

/**
 * Name of the IAM role Snowflake's storage integration assumes. It is chosen, not generated: the integration
 * needs the role's ARN before the role can exist (see {@link iamRoleArn}).
 */
export function snowflakeIamRoleName(project: string, stack: string): string {
  return stackResourceName(project, stack, "snowflake");
}

/** ARN of an IAM role from its parts, known before the role is created. */
export function iamRoleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/**
 * ARN of a Step Functions state machine from its parts, known before the machine is created (its role's trust
 * policy names it).
 */
export function stateMachineArn(partition: string, region: string, accountId: string, name: string): string {
  return `arn:${partition}:states:${region}:${accountId}:stateMachine:${name}`;
}
