import * as pulumi from "@pulumi/pulumi";
import * as snowflake from "@pulumi/snowflake";
import { firstProblem } from "./problems";

/**
 * What the warehouse's resource monitor does as the month's credits are used: notify at 75 % and 90 %; at 100 %
 * suspend, letting running statements finish (a dbt build completes, so the marts never mix two days' models); at
 * 110 % suspend immediately, cancelling whatever still runs, so a statement that never ends cannot keep spending.
 * Notifications reach the account administrators who enabled them.
 */
export const RESOURCE_MONITOR_TRIGGERS = [
  { percent: 75, action: "NOTIFY" },
  { percent: 90, action: "NOTIFY" },
  { percent: 100, action: "SUSPEND" },
  { percent: 110, action: "SUSPEND_IMMEDIATE" },
] as const;

/** The warehouse's monthly credit cap. */
export interface ResourceMonitorSettings {
  /** Name of the resource monitor (UPPER_SNAKE, carries the stack name). */
  name: string;
  /** Credits the warehouse may use per calendar month (whole number, at least 1). */
  monthlyCreditQuota: number;
  /** Role granted MONITOR on the monitor, so that it sees the usage without ACCOUNTADMIN (the deployer role). */
  viewerRole: string;
}

/**
 * The statements an account administrator runs, as ACCOUNTADMIN, to cap the warehouse's credits: only that role may
 * create a resource monitor or assign one to a warehouse, so neither is a Pulumi resource. They create the monitor
 * once (Snowflake's default schedule: it counts from now and resets at the start of each calendar month, the billing
 * cycle), set its quota and triggers (again after the quota changes), assign it to the warehouse and let the viewer
 * role see it. Running them again changes nothing else.
 */
export function resourceMonitorSql(monitor: ResourceMonitorSettings, warehouseName: string): string {
  const triggers = RESOURCE_MONITOR_TRIGGERS.map((t) => `ON ${t.percent} PERCENT DO ${t.action}`).join(" ");
  return [
    `-- Monthly credit cap of warehouse ${warehouseName}: run as ACCOUNTADMIN after the stack's first pulumi up,`,
    "-- and again whenever monthlyCreditQuota changes or the warehouse is re-created.",
    "USE ROLE ACCOUNTADMIN;",
    `CREATE RESOURCE MONITOR IF NOT EXISTS ${monitor.name} WITH CREDIT_QUOTA = ${monitor.monthlyCreditQuota};`,
    `ALTER RESOURCE MONITOR ${monitor.name} SET CREDIT_QUOTA = ${monitor.monthlyCreditQuota}`,
    `  TRIGGERS ${triggers};`,
    `ALTER WAREHOUSE ${warehouseName} SET RESOURCE_MONITOR = ${monitor.name};`,
    `GRANT MONITOR ON RESOURCE MONITOR ${monitor.name} TO ROLE ${monitor.viewerRole};`,
  ].join("\n");
}

/** Arguments of {@link SnowflakeDatabase}. */
export interface SnowflakeDatabaseArgs {
  /** Database name (UPPER_SNAKE, carries the stack name). */
  databaseName: string;
  /** Warehouse name (UPPER_SNAKE, carries the stack name). */
  warehouseName: string;
  /** Schema names. */
  schemas: { raw: string; staging: string; marts: string };
  /**
   * The warehouse's resource monitor, created and assigned by an account administrator with
   * {@link resourceMonitorSql}; the warehouse leaves that assignment to them.
   */
  resourceMonitor: ResourceMonitorSettings;
  /**
   * Warehouse size.
   * @default "XSMALL"
   */
  warehouseSize?: string;
  /**
   * Seconds of inactivity before the warehouse suspends.
   * @default 60
   */
  autoSuspendSeconds?: number;
}

const IDENTIFIER = /^[A-Z_][A-Z0-9_]*$/;

/**
 * The largest monthly credit quota accepted: an X-Small warehouse (1 credit an hour) running through a 31-day month
 * uses 744 credits, so a larger quota could never be reached.
 */
export const MAX_MONTHLY_CREDIT_QUOTA = 1000;

/** The problem with a monthly credit quota, or undefined (the stack config applies the same rule). */
export function monthlyCreditQuotaProblem(quota: number): string | undefined {
  return Number.isInteger(quota) && quota >= 1 && quota <= MAX_MONTHLY_CREDIT_QUOTA
    ? undefined
    : `must be a whole number of credits from 1 to ${MAX_MONTHLY_CREDIT_QUOTA}`;
}

/** The first problem of a {@link SnowflakeDatabase}'s arguments, as `<field> <problem>`, or undefined. */
export function snowflakeDatabaseArgsProblem(args: SnowflakeDatabaseArgs): string | undefined {
  const upperSnake = (value: string) =>
    IDENTIFIER.test(value) ? undefined : `"${value}" must be an UPPER_SNAKE identifier`;
  const monitor = args.resourceMonitor;
  return firstProblem([
    ["databaseName", upperSnake(args.databaseName)],
    ["warehouseName", upperSnake(args.warehouseName)],
    ...Object.entries(args.schemas).map(([key, value]) => [key, upperSnake(value)] as const),
    ["resourceMonitor.name", upperSnake(monitor.name)],
    ["resourceMonitor.monthlyCreditQuota", monthlyCreditQuotaProblem(monitor.monthlyCreditQuota)],
    [
      "resourceMonitor.viewerRole",
      /^[A-Za-z_][A-Za-z0-9_$]*$/.test(monitor.viewerRole)
        ? undefined
        : `"${monitor.viewerRole}" must be an unquoted Snowflake identifier`,
    ],
  ]);
}

/**
 * The stack's warehouse (X-Small, suspends after a minute, resumes on demand), database and its three schemas, and
 * the statements that cap the warehouse's monthly credits with a resource monitor.
 */
export class SnowflakeDatabase extends pulumi.ComponentResource {
  /** The warehouse. */
  readonly warehouse: snowflake.Warehouse;
  /** The database. */
  readonly database: snowflake.Database;
  /** Schema of the raw table, stage and pipe. */
  readonly rawSchema: snowflake.Schema;
  /** Schema of dbt's staging models. */
  readonly stagingSchema: snowflake.Schema;
  /** Schema of dbt's marts. */
  readonly martsSchema: snowflake.Schema;
  /** What an account administrator runs to create the warehouse's resource monitor and assign it. */
  readonly resourceMonitorSql: string;

  constructor(name: string, args: SnowflakeDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tmdb:snowflake:SnowflakeDatabase", name, {}, opts);
    const problem = snowflakeDatabaseArgsProblem(args);
    if (problem !== undefined) throw new Error(`${name}: ${problem}`);

    this.warehouse = new snowflake.Warehouse(
      `${name}-wh`,
      {
        name: args.warehouseName,
        warehouseSize: args.warehouseSize ?? "XSMALL",
        autoSuspend: args.autoSuspendSeconds ?? 60,
        autoResume: "true",
        initiallySuspended: true,
        comment: "TMDB genre ROI: Snowpipe needs none; dbt runs here",
      },
      // Only ACCOUNTADMIN may assign a resource monitor: the administrator does (resourceMonitorSql), and an update
      // after a refresh that read it must not unset it.
      { parent: this, ignoreChanges: ["resourceMonitor"] },
    );
    this.database = new snowflake.Database(
      `${name}-db`,
      { name: args.databaseName, dropPublicSchemaOnCreation: true, comment: "TMDB genre ROI" },
      { parent: this },
    );
    const schema = (key: keyof SnowflakeDatabaseArgs["schemas"], comment: string) =>
      new snowflake.Schema(
        `${name}-${key}`,
        { database: this.database.name, name: args.schemas[key], comment },
        { parent: this },
      );
    this.rawSchema = schema("raw", "Landed TMDB records, loaded by Snowpipe");
    this.stagingSchema = schema("staging", "dbt staging models");
    this.martsSchema = schema("marts", "dbt marts");
    this.resourceMonitorSql = resourceMonitorSql(args.resourceMonitor, args.warehouseName);

    this.registerOutputs({
      warehouseName: this.warehouse.name,
      databaseName: this.database.name,
      resourceMonitorSql: this.resourceMonitorSql,
    });
  }
}
