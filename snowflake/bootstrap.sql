-- tmdb-genre-roi: one-time Snowflake bootstrap, the single manual step before `pulumi up`.
--
-- Creates the role Pulumi deploys with and the key-pair service user Pulumi connects as, and grants the role
-- the account-level privileges `pulumi up` cannot grant itself. Everything else (warehouse, database, schemas,
-- storage integration, stage, pipe, transformer role, dbt user) is created by Pulumi, per stack, as this role,
-- which therefore owns it and can grant on it: nobody runs Pulumi as ACCOUNTADMIN. Run it once per Snowflake
-- account (all stacks share the deployer); running it again is harmless and updates the public key.
-- Not here: each stack's resource monitor, which only ACCOUNTADMIN may create or assign to a warehouse. An account
-- administrator runs the stack's `resourceMonitorSql` output after its first `pulumi up` (docs/deploying.md, "Cap
-- the warehouse's credits").
--
-- Run as a user holding USERADMIN and SECURITYADMIN (e.g. an account administrator), with the Snowflake CLI:
--
--   snow sql -f snowflake/bootstrap.sql \
--     -D "deployer_role=TMDB_ROI_DEPLOYER" \
--     -D "deployer_user=TMDB_ROI_PULUMI" \
--     -D "pulumi_public_key=$(grep -v -- '-----' pulumi_deployer_key.pub | tr -d '\n')"
--
-- or with SnowSQL: snowsql -o variable_substitution=true -f snowflake/bootstrap.sql -D deployer_role=... (same
-- three variables). In a Snowsight worksheet, replace the three &{ ... } placeholders by hand.
-- The two names must match the stack config keys tmdb-genre-roi:snowflakeRole and tmdb-genre-roi:snowflakeUser
-- (their defaults are the values above).

-- 1. The deployer role, and the administrators above it see everything it creates.
USE ROLE USERADMIN;
CREATE ROLE IF NOT EXISTS &{ deployer_role }
  COMMENT = 'tmdb-genre-roi: Pulumi deploys every stack with this role';
GRANT ROLE &{ deployer_role } TO ROLE SYSADMIN;

-- 2. The service user Pulumi connects as: key-pair authentication only, no password.
CREATE USER IF NOT EXISTS &{ deployer_user }
  TYPE = SERVICE
  DEFAULT_ROLE = &{ deployer_role }
  DEFAULT_SECONDARY_ROLES = ()
  RSA_PUBLIC_KEY = '&{ pulumi_public_key }'
  COMMENT = 'tmdb-genre-roi: Pulumi (key-pair authentication)';
ALTER USER &{ deployer_user } SET
  TYPE = SERVICE
  DEFAULT_ROLE = &{ deployer_role }
  RSA_PUBLIC_KEY = '&{ pulumi_public_key }';
GRANT ROLE &{ deployer_role } TO USER &{ deployer_user };

-- 3. What the program creates at account level. Grants on the objects it creates need nothing more: the
--    deployer owns them. CREATE USER is for the per-stack dbt service user; CREATE ROLE for the transformer.
USE ROLE SECURITYADMIN;
GRANT CREATE INTEGRATION ON ACCOUNT TO ROLE &{ deployer_role };
GRANT CREATE DATABASE ON ACCOUNT TO ROLE &{ deployer_role };
GRANT CREATE WAREHOUSE ON ACCOUNT TO ROLE &{ deployer_role };
GRANT CREATE ROLE ON ACCOUNT TO ROLE &{ deployer_role };
GRANT CREATE USER ON ACCOUNT TO ROLE &{ deployer_role };

-- To undo, after `pulumi destroy` of every stack:
--   USE ROLE USERADMIN; DROP USER IF EXISTS <deployer_user>; DROP ROLE IF EXISTS <deployer_role>;
