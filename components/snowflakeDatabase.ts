import * as pulumi from "@pulumi/pulumi";
import * as snowflake from "@pulumi/snowflake";

/** Arguments of {@link SnowflakeDatabase}. */
export interface SnowflakeDatabaseArgs {
  /** Database name (UPPER_SNAKE, carries the stack name). */
  databaseName: string;
  /** Warehouse name (UPPER_SNAKE, carries the stack name). */
  warehouseName: string;
  /** Schema names. */
  schemas: { raw: string; staging: string; marts: string };
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

/** The stack's warehouse (X-Small, suspends after a minute, resumes on demand), database and its three schemas. */
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

  constructor(name: string, args: SnowflakeDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tmdb:snowflake:SnowflakeDatabase", name, {}, opts);
    for (const [field, value] of Object.entries({
      databaseName: args.databaseName,
      warehouseName: args.warehouseName,
      ...args.schemas,
    })) {
      if (!IDENTIFIER.test(value))
        throw new Error(`${name}: ${field} "${value}" must be an UPPER_SNAKE identifier`);
    }

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
      { parent: this },
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

    this.registerOutputs({
      warehouseName: this.warehouse.name,
      databaseName: this.database.name,
    });
  }
}
