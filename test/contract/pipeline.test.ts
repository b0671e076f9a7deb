import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { RAW_TABLE_SNOWFLAKE_COLUMNS } from "../../components/snowpipeIngestion";
import {
  DEFAULT_RAW_PREFIX,
  DEFAULT_REJECT_PREFIX,
  prefixOverlapProblem,
  RAW_TABLE,
  RAW_TABLE_COLUMNS,
  rawTableDuckDbDdl,
} from "../../contract/pipeline";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/** `name type` pairs of a `create table ... ( ... )` statement, lower-cased, whitespace normalised. */
function ddlColumns(ddl: string): string[][] {
  const body = /create table if not exists\s+\S+\s*\(([\s\S]*?)\)\s*$/i.exec(ddl.trim())?.[1];
  assert.ok(body, `a create table statement: ${ddl}`);
  return body
    .split(",")
    .map((column) => column.trim().toLowerCase().split(/\s+/))
    .filter((parts) => parts[0] !== "");
}

describe("pipeline contract", () => {
  it("is the raw table the Pulumi component declares, column for column", () => {
    // Assess
    assert.deepEqual(
      RAW_TABLE_SNOWFLAKE_COLUMNS.map((column) => [column.name, column.type, column.nullable]),
      RAW_TABLE_COLUMNS.map((column) => [column.name.toUpperCase(), column.snowflakeType, false]),
    );
  });

  it("is the raw table the dbt project creates on DuckDB, column for column", () => {
    // Prepare
    const macro = read("dbt_project/macros/create_raw_movies_if_missing.sql");
    const duckdb =
      /macro duckdb__create_raw_movies_if_missing\(\)[\s\S]*?(create table if not exists[\s\S]*?\))\s*\{%-? endmacro/.exec(
        macro,
      )?.[1];

    // Assess
    assert.ok(duckdb, "the DuckDB macro creates the raw table");
    assert.match(duckdb, new RegExp(`create table if not exists ${RAW_TABLE.schema}\\.${RAW_TABLE.name}\\b`));
    assert.deepEqual(ddlColumns(duckdb), ddlColumns(rawTableDuckDbDdl()));
  });

  it("is the raw source the dbt models read, column for column", () => {
    // Prepare
    const sources = parse(read("dbt_project/models/staging/_staging__sources.yml")) as {
      sources: { name: string; schema: string; tables: { name: string; columns: { name: string }[] }[] }[];
    };
    const raw = sources.sources.find((source) => source.schema === RAW_TABLE.schema);
    const table = raw?.tables.find((candidate) => candidate.name === RAW_TABLE.name);

    // Assess
    assert.ok(table, `dbt declares the source ${RAW_TABLE.schema}.${RAW_TABLE.name}`);
    assert.deepEqual(
      table.columns.map((column) => column.name),
      RAW_TABLE_COLUMNS.map((column) => column.name),
    );
  });

  it("gives the stack the same raw and reject prefix defaults as the extractor and the local stack", () => {
    // Prepare
    const project = parse(read("Pulumi.yaml")) as { config: Record<string, { default?: unknown }> };

    // Assess
    assert.equal(project.config["rawPrefix"]?.default, DEFAULT_RAW_PREFIX);
    assert.equal(project.config["rejectPrefix"]?.default, DEFAULT_REJECT_PREFIX);
  });

  it("keeps raw and reject prefixes apart in both directions", () => {
    // Assess
    assert.equal(prefixOverlapProblem("raw/movies/", "rejects/movies/"), undefined);
    assert.match(
      prefixOverlapProblem("raw/", "raw/rejects/") ?? "",
      /must not overlap the raw prefix "raw\/"/,
    );
    assert.match(prefixOverlapProblem("data/raw/", "data/") ?? "", /never reach the pipe/);
    assert.ok(prefixOverlapProblem(DEFAULT_RAW_PREFIX, DEFAULT_REJECT_PREFIX) === undefined);
  });
});
