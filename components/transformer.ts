import * as pulumi from "@pulumi/pulumi";
import * as snowflake from "@pulumi/snowflake";

/** Arguments of {@link Transformer}. */
export interface TransformerArgs {
  /** Name of the account role dbt uses (carries the stack name). */
  roleName: string;
  /** Name of the dbt service user (carries the stack name). */
  userName: string;
  /** Warehouse name dbt runs on. */
  warehouse: pulumi.Input<string>;
  /** Database name. */
  database: pulumi.Input<string>;
  /** Fully qualified name of the RAW schema (provider form, `"DB"."RAW"`). */
  rawSchema: pulumi.Input<string>;
  /**
   * The raw table dbt reads. Its SELECT grant is replaced whenever the table is: Snowflake drops an object's grants
   * with it, and a re-created table keeps the same name, so nothing else would tell Pulumi the grant is gone.
   */
  rawTable: snowflake.Table;
  /** Fully qualified names of the schemas dbt builds into (provider form). */
  buildSchemas: pulumi.Input<string>[];
  /** RSA public key of the service user (base64 body on one line); the private key never enters Pulumi. */
  rsaPublicKey: pulumi.Input<string>;
  /**
   * Role the transformer role is granted to, so that administrators see what dbt builds.
   * @default "SYSADMIN"
   */
  parentRole?: string;
}

/** One privilege grant of the transformer role, as passed to `GrantPrivilegesToAccountRole`. */
export type TransformerGrant = Omit<snowflake.GrantPrivilegesToAccountRoleArgs, "accountRoleName">;

/**
 * Options of a grant that must follow an object's replacement: replaced with it (`replaceWith`), and deleted
 * before it is created again (`deleteBeforeReplace`). The grant's identity (role, privilege, object name) is the
 * same before and after, so the default create-then-delete order would grant and then revoke the new grant.
 */
export function grantFollowing(target: pulumi.Resource): pulumi.CustomResourceOptions {
  return { replaceWith: [target], deleteBeforeReplace: true };
}

/** Key of the raw table's SELECT grant in {@link transformerGrants}. */
export const RAW_TABLE_GRANT = "raw-table";

/**
 * Exactly what dbt needs: use the warehouse and the database, read the raw table, and create (hence own)
 * tables and views in the schemas it builds.
 */
export function transformerGrants(args: {
  warehouse: pulumi.Input<string>;
  database: pulumi.Input<string>;
  rawSchema: pulumi.Input<string>;
  rawTable: pulumi.Input<string>;
  buildSchemas: pulumi.Input<string>[];
}): Record<string, TransformerGrant> {
  const grants: Record<string, TransformerGrant> = {
    warehouse: {
      privileges: ["USAGE"],
      onAccountObject: { objectType: "WAREHOUSE", objectName: args.warehouse },
    },
    database: {
      privileges: ["USAGE"],
      onAccountObject: { objectType: "DATABASE", objectName: args.database },
    },
    raw: { privileges: ["USAGE"], onSchema: { schemaName: args.rawSchema } },
    [RAW_TABLE_GRANT]: {
      privileges: ["SELECT"],
      onSchemaObject: { objectType: "TABLE", objectName: args.rawTable },
    },
  };
  args.buildSchemas.forEach((schemaName, index) => {
    grants[`build-${index}`] = {
      privileges: ["USAGE", "CREATE TABLE", "CREATE VIEW"],
      onSchema: { schemaName },
    };
  });
  return grants;
}

/** The transformer role with its grants, and the key-pair service user dbt connects as. */
export class Transformer extends pulumi.ComponentResource {
  /** The role. */
  readonly role: snowflake.AccountRole;
  /** The service user. */
  readonly user: snowflake.ServiceUser;

  constructor(name: string, args: TransformerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tmdb:snowflake:Transformer", name, {}, opts);
    for (const [field, value] of Object.entries({ roleName: args.roleName, userName: args.userName })) {
      if (!/^[A-Z_][A-Z0-9_]*$/.test(value))
        throw new Error(`${name}: ${field} "${value}" must be UPPER_SNAKE`);
    }

    this.role = new snowflake.AccountRole(
      `${name}-role`,
      { name: args.roleName, comment: "dbt: reads RAW, builds STAGING and MARTS" },
      { parent: this },
    );
    const grants = transformerGrants({ ...args, rawTable: args.rawTable.fullyQualifiedName });
    for (const [key, grant] of Object.entries(grants)) {
      new snowflake.GrantPrivilegesToAccountRole(
        `${name}-${key}`,
        { accountRoleName: this.role.name, ...grant },
        { parent: this, ...(key === RAW_TABLE_GRANT ? grantFollowing(args.rawTable) : {}) },
      );
    }
    new snowflake.GrantAccountRole(
      `${name}-to-parent`,
      { roleName: this.role.name, parentRoleName: args.parentRole ?? "SYSADMIN" },
      { parent: this },
    );

    this.user = new snowflake.ServiceUser(
      `${name}-user`,
      {
        name: args.userName,
        comment: "dbt (key-pair authentication)",
        defaultRole: this.role.name,
        defaultWarehouse: args.warehouse,
        defaultSecondaryRolesOption: "NONE",
        rsaPublicKey: args.rsaPublicKey,
      },
      { parent: this },
    );
    new snowflake.GrantAccountRole(
      `${name}-to-user`,
      { roleName: this.role.name, userName: this.user.name },
      { parent: this },
    );

    this.registerOutputs({ roleName: this.role.name, userName: this.user.name });
  }
}
