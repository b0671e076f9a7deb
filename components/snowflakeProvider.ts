import type * as snowflake from "@pulumi/snowflake";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Preview features this program uses. In the 1.x provider these resources are refused unless listed in the
 * provider's `previewFeaturesEnabled`; on an explicit provider the `snowflake:previewFeaturesEnabled` stack
 * config is ignored, and `pulumi preview` does not catch the omission (only `pulumi up` fails).
 */
export const SNOWFLAKE_PREVIEW_FEATURES = [
  "snowflake_storage_integration_resource",
  "snowflake_stage_resource",
  "snowflake_pipe_resource",
  "snowflake_file_format_resource",
  "snowflake_table_resource",
] as const;

/** Connection settings of the deployer (see snowflake/bootstrap.sql). */
export interface SnowflakeConnection {
  /** Organization name, first half of `<orgname>-<accountname>`. */
  organization: string;
  /** Account name, second half of `<orgname>-<accountname>`. */
  account: string;
  /** Service user Pulumi connects as. */
  user: string;
  /** Role Pulumi uses. */
  role: string;
  /** Unencrypted PKCS#8 PEM private key of the user, as a secret. */
  privateKey: pulumi.Input<string>;
}

/** Arguments of the explicit Snowflake provider: key-pair (JWT) auth and the preview features above. */
export function snowflakeProviderArgs(connection: SnowflakeConnection): snowflake.ProviderArgs {
  return {
    organizationName: connection.organization,
    accountName: connection.account,
    user: connection.user,
    role: connection.role,
    authenticator: "SNOWFLAKE_JWT",
    privateKey: connection.privateKey,
    previewFeaturesEnabled: [...SNOWFLAKE_PREVIEW_FEATURES],
  };
}
